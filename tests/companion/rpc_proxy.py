"""A JSON-RPC proxy on 127.0.0.1 in front of the test chain's anvil: counts what a client asks, and can
answer batches the ways real providers (or broken ones) do.

``posts`` records each HTTP request as the list of its JSON-RPC methods, and whether it was a batch.
``Batches`` says what a batch (a JSON array) gets: anvil's own answer, the same answer in reverse order
(JSON-RPC 2.0 lets a server reorder), a single error object or HTTP 400 (providers that refuse batches),
or a broken answer (one reply left out, an id changed, an id answered twice). Single requests are
passed through as they are, but ``eth_sendRawTransaction``: it can be held until a test lets it through
(``sends_open`` cleared; ``send_arrived`` says one waits), or refused past a number (``sends_allowed``),
as a node whose pool is full does.
"""

from __future__ import annotations

import enum
import json
import sys
import threading
import urllib.request
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from loopback_server import LoopbackServer


class Batches(enum.Enum):
    PASS = "pass"
    REVERSED = "reversed"
    ERROR_OBJECT = "error object"
    HTTP_400 = "http 400"
    MISSING_ID = "missing id"
    WRONG_ID = "wrong id"
    REPEATED_ID = "repeated id"


@dataclass(frozen=True)
class Post:
    batch: bool
    methods: tuple[str, ...]


class RpcProxy(LoopbackServer):
    def __init__(self, upstream: str, batches: Batches = Batches.PASS) -> None:
        self.upstream, self.batches = upstream, batches
        self.posts: list[Post] = []
        self.errors: list[str] = []
        self.sends_open = threading.Event()
        self.sends_open.set()
        self.send_arrived = threading.Event()
        self.sends_allowed: int | None = None  # None: every send passes
        self.sends = 0  # passed to anvil
        super().__init__(_HTTPServer(("127.0.0.1", 0), _Handler))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def methods(self) -> Counter[str]:
        """How many times each JSON-RPC method was asked, in batches or alone."""
        return Counter(m for p in self.posts for m in p.methods)

    def forward(self, body: bytes) -> Any:
        request = urllib.request.Request(self.upstream, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.loads(reply.read())

    def answer(self, body: bytes) -> tuple[int, Any]:
        asked = json.loads(body)
        if not isinstance(asked, list):
            self.posts.append(Post(False, (asked["method"],)))
            if asked["method"] == "eth_sendRawTransaction":
                return self.send(asked, body)
            return 200, self.forward(body)
        self.posts.append(Post(True, tuple(r["method"] for r in asked)))
        if self.batches is Batches.HTTP_400:
            return 400, {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "batch refused"}}
        if self.batches is Batches.ERROR_OBJECT:
            refused = {"code": -32600, "message": "batch requests are not supported"}
            return 200, {"jsonrpc": "2.0", "id": None, "error": refused}
        replies = self.forward(body)
        if self.batches is Batches.REVERSED:
            replies.reverse()
        elif self.batches is Batches.MISSING_ID:
            replies.pop()
        elif self.batches is Batches.WRONG_ID:
            replies[-1]["id"] = 10**6
        elif self.batches is Batches.REPEATED_ID and len(replies) > 1:
            replies[-1]["id"] = replies[0]["id"]
        return 200, replies

    def send(self, asked: dict[str, Any], body: bytes) -> tuple[int, Any]:
        self.send_arrived.set()
        if not self.sends_open.wait(timeout=60):
            raise RuntimeError("a held eth_sendRawTransaction was never let through")
        if self.sends_allowed is not None and self.sends >= self.sends_allowed:
            refused = {"code": -32003, "message": "txpool is full"}
            return 200, {"jsonrpc": "2.0", "id": asked.get("id"), "error": refused}
        self.sends += 1
        return 200, self.forward(body)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    app: RpcProxy

    def handle_error(self, request: object, client_address: object) -> None:
        self.app.errors.append(repr(sys.exc_info()[1]))


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status, data = self.server.app.answer(body)
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
