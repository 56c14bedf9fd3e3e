"""The web app's door: every request proves it comes from the person who started it, on this machine.

A local web server is reachable by every page the browser has open, so each request is checked here,
before any route sees it:

* **Host** must be ``127.0.0.1:PORT`` or ``localhost:PORT``: a DNS-rebinding page (evil.example
  resolving to 127.0.0.1) sends its own name and is refused.
* **The run's token**: the URL printed at start carries ``?token=...``; the first request with it gets
  an HttpOnly, SameSite=Strict cookie and a redirect to the same page without the token (so it does not
  linger in the address bar or history). Later requests carry the cookie, or the ``X-Airlock-Token``
  header (scripts). Anything else is 403.
* **Origin**: a request that changes anything (every method but GET and HEAD) must carry an Origin of
  this very server; a cross-site form or fetch carries the other site's (or none) and is refused.
  There are no CORS headers, so a preflight is refused as well.
* Every response, refusals included, carries a strict Content-Security-Policy (only this server's own
  script and style, no inline code, no framing) and forbids caching and cross-site referrers.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_HEADER = "x-airlock-token"
SAFE_METHODS = frozenset({"GET", "HEAD"})
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; "
    "media-src 'self' blob: mediastream:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # not no-referrer: with it, a browser sends "Origin: null" on the page's own form posts
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
)


def cookie_name(port: int) -> str:
    """Cookies ignore ports: a name per port keeps two runs (or another local app) apart."""
    return f"airlock-token-{port}"


class Guard:
    """ASGI middleware applying the checks in the module docstring around ``app``."""

    def __init__(self, app: ASGIApp, token: str, port: int) -> None:
        if len(token) < 16:
            raise ValueError("the token is too short to be a secret")
        self.app = app
        self.token = token.encode()
        self.port = port
        self.hosts = frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})
        self.origins = frozenset({f"http://{host}" for host in self.hosts})
        self.cookie = cookie_name(port)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no websockets
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = _headers(scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _respond(send, 403, refusal)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [value for key, value in query if key == "token"]
        if given and scope["method"] == "GET" and self._valid(given[0].encode()):
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            location = scope.get("path", "/") + (f"?{rest}" if rest else "")
            cookie = f"{self.cookie}={self.token.decode()}; Path=/; HttpOnly; SameSite=Strict"
            await _respond(
                send, 303, "", [(b"location", location.encode()), (b"set-cookie", cookie.encode())]
            )
            return
        if not self._authorised(headers):
            await _respond(
                send, 403, "forbidden: open the address airlock-companion printed (with its token)"
            )
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*_without_security(message.get("headers", [])), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, secured)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> str | None:
        if headers.get("host", "") not in self.hosts:
            return "forbidden: this server answers only at 127.0.0.1 or localhost"
        if scope["method"] not in SAFE_METHODS and headers.get("origin", "") not in self.origins:
            return "forbidden: a request that changes something must come from this page"
        return None

    def _authorised(self, headers: dict[str, str]) -> bool:
        if TOKEN_HEADER in headers:
            return self._valid(headers[TOKEN_HEADER].encode())
        cookies: SimpleCookie = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header authorises nothing
            return False
        morsel = cookies.get(self.cookie)
        return morsel is not None and self._valid(morsel.value.encode())

    def _valid(self, candidate: bytes) -> bool:
        return secrets.compare_digest(candidate, self.token)


def _headers(scope: Scope) -> dict[str, str]:
    """Request headers, lower-case names; a repeated header counts as invalid (empty)."""
    seen: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        seen[name] = "" if name in seen and name in ("host", "origin", TOKEN_HEADER) else value
    return seen


def _without_security(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    names = {name for name, _ in SECURITY_HEADERS}
    return [(name, value) for name, value in headers if name.lower() not in names]


async def _respond(
    send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = (text + "\n").encode() if text else b""
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
        *SECURITY_HEADERS,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
