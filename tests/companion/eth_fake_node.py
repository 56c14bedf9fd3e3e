"""A lying Ethereum JSON-RPC node on 127.0.0.1 for the hostile-node tests (anvil cannot lie).

``answers`` maps a method to its ``result`` (any JSON value, however wrong its type), or to a function
of the params giving it (an ``RpcError`` is answered as the node's error); a method not in ``answers``
gets a JSON-RPC error. ``calls`` records each
method asked, in order. ``raw_reply`` (when set) is sent as the whole HTTP body instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from loopback_server import LoopbackServer


class RpcError(Exception):
    """Answered as ``{"error": {"code": -32000, "message": ...}}``."""


class FakeEthNode(LoopbackServer):
    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.calls: list[str] = []
        self.raw_reply: bytes | None = None
        super().__init__(ThreadingHTTPServer(("127.0.0.1", 0), _Handler))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def reply(self, request: dict[str, Any]) -> dict[str, Any]:
        method = str(request.get("method"))
        self.calls.append(method)
        base = {"jsonrpc": "2.0", "id": request.get("id")}
        if method not in self.answers:
            return {**base, "error": {"code": -32601, "message": f"the method {method} does not exist"}}
        answer = self.answers[method]
        try:
            result = answer(request.get("params", [])) if isinstance(answer, Callable) else answer  # type: ignore[arg-type]
        except RpcError as exc:
            return {**base, "error": {"code": -32000, "message": str(exc)}}
        return {**base, "result": result}


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_POST(self) -> None:
        node: FakeEthNode = self.server.app
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        request = json.loads(body)
        data = node.raw_reply if node.raw_reply is not None else json.dumps(node.reply(request)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: Any) -> None:  # quiet
        pass
