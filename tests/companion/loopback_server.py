"""What the loopback Electrum and Esplora servers share: a socketserver on a free port of 127.0.0.1,
served on a thread, stopped (and its thread joined) by the test that started it."""

from __future__ import annotations

import socketserver
import threading
from typing import Any, Self


class LoopbackServer:
    """Serves ``server`` (bound to 127.0.0.1, port 0) on a thread; ``with`` starts and stops it."""

    def __init__(self, server: socketserver.BaseServer) -> None:
        self.stopping = threading.Event()
        self._server: Any = server
        self._server.app = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        port: int = self._server.server_address[1]
        return port

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
