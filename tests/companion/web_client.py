"""The companion's web page in the tests: a real uvicorn server on 127.0.0.1, and a plain HTTP client.

http.client sends exactly the headers a test gives (Host, Origin, Cookie), so each refusal of the
guard is tested on the wire, as a browser or an attacker's page would reach it.
"""

from __future__ import annotations

import http.client
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from companion.datadir import open_datadir
from companion.web.guard import cookie_name
from companion.web.server import WebServer


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names (the last of a repeated header)
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """Requests to one running server; by default as the page itself: right Host, token cookie, Origin."""

    def __init__(self, server: WebServer) -> None:
        self.server = server
        self.host = f"127.0.0.1:{server.port}"
        self.cookie = f"{cookie_name(server.port)}={server.token}"
        self.server_datadir = Path()

    def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        *,
        host: str | None = None,
        cookie: str | None = None,
        origin: str | None = "default",
    ) -> Reply:
        sent = {"Host": host or self.host}
        if cookie if cookie is not None else self.cookie:
            sent["Cookie"] = cookie if cookie is not None else self.cookie
        if origin == "default":
            origin = self.server.origin if method not in ("GET", "HEAD") else None
        if origin is not None:
            sent["Origin"] = origin
        sent.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=300)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in sent.items():
                connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def get(self, path: str, **kwargs: object) -> Reply:
        return self.request("GET", path, **kwargs)  # type: ignore[arg-type]

    def post_form(self, path: str, fields: dict[str, str], files: dict[str, bytes] | None = None,
                  **kwargs: object) -> Reply:  # fmt: skip
        """A multipart/form-data POST, as the import form sends it."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, data in (files or {}).items():
            disposition = f'form-data; name="{name}"; filename="export.txt"'
            head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
            head += "Content-Type: application/octet-stream\r\n\r\n"
            parts.append(head.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", path, body, headers, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(name="web")
def web_fixture(tmp_path: Path) -> Iterator[Client]:
    """A server on a fresh data folder, stopped (and its thread joined) when the test ends."""
    server = WebServer(open_datadir(tmp_path / "companion"))
    server.start()
    try:
        client = Client(server)
        client.server_datadir = tmp_path / "companion"
        yield client
    finally:
        server.stop()
