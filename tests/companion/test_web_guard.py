"""The web page's door: every refusal of the guard, on the wire, against a real server.

The page is reachable by any site the browser has open, so: no token, no answer; a foreign Host
(DNS rebinding) or a foreign or missing Origin on a state-changing request is refused and changes
nothing; no CORS; a strict CSP on every response; nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from companion_cli import snapshot
from device_exports import ur_export
from web_client import Client, web_fixture  # noqa: F401

from companion.datadir import open_datadir
from companion.errors import CompanionError
from companion.web.server import WebServer


def import_fields(name: str = "savings") -> dict[str, str]:
    return {"name": name, "network": "regtest", "node": "cbf://127.0.0.1:18444", "paste": ur_export()}


def test_without_the_token_nothing_answers(web: Client) -> None:
    for path in ("/", "/import", "/wallet/savings", "/static/app.js", "/nowhere"):
        reply = web.get(path, cookie="")
        assert reply.status == 403, path
        assert "token" in reply.text
    assert web.get("/", cookie="").body.count(b"<") == 0  # a plain refusal, no page


def test_a_wrong_token_is_refused_in_the_cookie_header_and_url(web: Client) -> None:
    wrong = "x" * len(web.server.token)
    assert web.get("/", cookie=f"airlock-token-{web.server.port}={wrong}").status == 403
    assert web.get("/", cookie="", headers={"X-Airlock-Token": wrong}).status == 403
    assert web.get(f"/?token={wrong}", cookie="").status == 403
    # another run's cookie (another port) does not open this one
    assert web.get("/", cookie=f"airlock-token-1={web.server.token}").status == 403
    assert web.get("/", cookie="garbage;;=;").status == 403


def test_the_first_url_sets_an_httponly_strict_cookie_and_drops_the_token(web: Client) -> None:
    reply = web.get(f"/?token={web.server.token}", cookie="")
    assert reply.status == 303
    assert reply.headers["location"] == "/"
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith(f"airlock-token-{web.server.port}={web.server.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert web.get("/").status == 200  # with that cookie
    assert web.get("/", cookie="", headers={"X-Airlock-Token": web.server.token}).status == 200


@pytest.mark.parametrize(
    "host",
    ["evil.example:{port}", "127.0.0.1", "127.0.0.1:1", "localhost.evil.example:{port}", "", "[::1]:{port}"],
)
def test_a_foreign_host_is_refused_even_with_the_token(web: Client, host: str) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own name as Host."""
    reply = web.get("/", host=host.format(port=web.server.port) or " ")
    assert reply.status == 403
    assert "127.0.0.1 or localhost" in reply.text


def test_localhost_is_the_same_page(web: Client) -> None:
    assert web.get("/", host=f"localhost:{web.server.port}").status == 200


@pytest.mark.parametrize(
    "origin", [None, "http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1:{port}"]
)
def test_a_change_without_this_pages_origin_is_refused_and_changes_nothing(
    web: Client, origin: str | None
) -> None:
    datadir = web.server_datadir
    before = snapshot(datadir)
    reply = web.post_form("/import", import_fields(), origin=origin and origin.format(port=web.server.port))
    assert reply.status == 403
    assert "must come from this page" in reply.text
    assert snapshot(datadir) == before
    assert web.request("POST", "/scan", origin=origin).status == 403


def test_the_same_change_from_the_page_itself_goes_through(web: Client) -> None:
    """The positive control of the refusals above: the same form, with this server's Origin."""
    reply = web.post_form("/import", import_fields())
    assert reply.status == 303, reply.text
    assert (web.server_datadir / "btc" / "savings" / "wallet.json").is_file()


def test_no_cors_preflight_and_no_cors_headers(web: Client) -> None:
    preflight = web.request(
        "OPTIONS", "/import", origin="http://evil.example", headers={"Access-Control-Request-Method": "POST"}
    )
    assert preflight.status == 403
    for reply in (preflight, web.get("/", headers={"Origin": "http://evil.example"}), web.get("/import")):
        assert not [name for name in reply.headers if name.startswith("access-control-")]


def test_every_response_carries_a_strict_csp_and_pages_inline_no_code(web: Client) -> None:
    replies = [web.get("/"), web.get("/import"), web.get("/wallet/nobody"), web.get("/", cookie="")]
    assert [r.status for r in replies] == [200, 200, 404, 403]
    for reply in replies:
        csp = reply.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert reply.headers["x-frame-options"] == "DENY"
        assert reply.headers["referrer-policy"] == "same-origin"
    for page in replies[:3]:
        assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", page.text)  # only the app's own file
        assert not re.search(r"\son[a-z]+\s*=", page.text)  # no inline event handlers
        assert "javascript:" not in page.text


def test_it_listens_on_loopback_only(web: Client) -> None:
    assert web.server.socket.getsockname()[0] == "127.0.0.1"
    assert "127.0.0.1" in web.server.url and web.server.token in web.server.url
    others = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    others = {addr for addr in others if not addr.startswith("127.")}
    if not others:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    for addr in others:
        with pytest.raises(OSError), socket.create_connection((addr, web.server.port), timeout=5):
            pass


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CompanionError, match=f"port {port} on 127.0.0.1 is in use"):
            WebServer(open_datadir(tmp_path), port)


def test_each_run_has_its_own_token(tmp_path: Path) -> None:
    first, second = WebServer(open_datadir(tmp_path)), WebServer(open_datadir(tmp_path))
    try:
        assert first.token != second.token and len(first.token) >= 40
    finally:
        first.socket.close()
        second.socket.close()


SAMPLE_PARAMS = {"name": "main", "index": "0", "use": "receive", "txid": "ab" * 32, "n": "0",
                 "batch": "b4tch", "position": "0", "request_id": "0" * 32, "scan_id": "s",
                 "file": "app.js"}  # fmt: skip


def every_route(tmp_path: Path) -> list[tuple[str, str]]:
    """(method, path) of every route the app has, its parameters filled in: a route added later is in it."""
    from starlette.routing import Route

    from companion.web.app import create_app

    app = create_app(open_datadir(tmp_path / "routes"), "t" * 32, 1).app
    found = []
    for route in app.routes:  # type: ignore[attr-defined]
        assert isinstance(route, Route)
        path = route.path_format.format(**{k: SAMPLE_PARAMS[k] for k in route.param_convertors})
        found += [(method, path) for method in sorted(route.methods or ()) if method != "HEAD"]
    return found


def test_every_route_is_behind_the_token_and_the_host_and_every_change_behind_the_origin(
    web: Client, tmp_path: Path
) -> None:
    routes = every_route(tmp_path)
    paths = {path for _, path in routes}
    for wanted in ("/eth/main/batch/b4tch/broadcast", "/eth/main/approvals/revoke", "/eth/main/token",
                   "/eth/main/batch/b4tch/0/request.txt", "/eth/main/batch/b4tch/0/frame/0.png",
                   f"/eth/main/pending/{'0' * 32}/discard"):  # fmt: skip
        assert wanted in paths
    before = snapshot(web.server_datadir)
    for method, path in routes:
        assert web.request(method, path, cookie="").status == 403, (method, path)
        assert web.request(method, path, host=f"evil.example:{web.server.port}").status == 403, (method, path)
        if method != "GET":
            for origin in (None, "http://evil.example", "null"):
                reply = web.request(method, path, origin=origin)
                assert reply.status == 403 and "must come from this page" in reply.text, (method, path)
    assert snapshot(web.server_datadir) == before
