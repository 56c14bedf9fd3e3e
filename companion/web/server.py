"""Serving the web app: uvicorn on a socket bound to 127.0.0.1 only, with a fresh token per run.

The socket is bound here, before uvicorn starts, so the port is known (a free one unless ``--port``)
and nothing ever listens on another address. uvicorn's access log is off: the first request's URL
holds the token. While it serves, the approvals monitor (``companion.approvals.monitor``) may tick on
its own thread (``monitor_every`` seconds, 0 = off); it stops with the server.
"""

from __future__ import annotations

import errno
import math
import secrets
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.approvals.monitor import MonitorThread, Notifier

HOST = "127.0.0.1"


class WebServer:
    """One run of the web app: ``url`` (with the token) opens it; ``serve`` or ``start``/``stop``."""

    def __init__(
        self, datadir: Path, port: int = 0, *, monitor_every: float = 0, notifier: Notifier | None = None,
        clock: Callable[[], int] | None = None,
    ) -> None:  # fmt: skip
        """``monitor_every``: seconds between the approvals monitor's ticks (0: no monitor); ``notifier``
        and ``clock``: the monitor's (default: the desktop's notifications, each chain's clock)."""
        import uvicorn

        from companion.approvals.monitor import Monitor, MonitorThread
        from companion.eth.accounts import EthAccounts
        from companion.web.app import create_app

        if not 0 <= port <= 65535:
            raise CompanionError(f"--port {port} is not a port number (1 to 65535)")
        if not (math.isfinite(monitor_every) and monitor_every >= 0):
            raise CompanionError(f"--monitor-every {monitor_every:g} must be 0 (off) or a number of seconds")
        monitor = Monitor(EthAccounts(datadir), notifier=notifier, clock=clock)
        self.monitor: MonitorThread | None = MonitorThread(monitor, monitor_every) if monitor_every else None
        self.socket = _bind(port)
        self.port: int = self.socket.getsockname()[1]
        self.token = secrets.token_urlsafe(32)
        app = create_app(datadir, self.token, self.port, monitor)
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", server_header=False
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.origin}/?token={self.token}"

    def serve(self) -> None:
        """Serve until interrupted (Ctrl-C); the monitor runs meanwhile."""
        if self.monitor is not None:
            self.monitor.start()
        try:
            self._server.run(sockets=[self.socket])
        finally:
            if self.monitor is not None:
                self.monitor.stop()
            self.socket.close()

    def start(self) -> None:
        """Serve on a thread (tests, embedding); returns once requests are answered."""
        self._thread = threading.Thread(target=self.serve, name="airlock-companion-web", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise CompanionError("the web server stopped while starting")
            self._thread.join(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> WebServer:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, port))
        sock.listen(64)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise CompanionError(f"port {port} on {HOST} is in use: choose another with --port") from None
        raise CompanionError(f"cannot listen on {HOST}:{port}: {exc.strerror}") from None
    return sock
