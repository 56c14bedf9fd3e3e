"""The approvals monitor: one tick scans each Ethereum account, records what is due and notifies.

A tick is what ``approvals remind`` does, for every account (or the named ones): a scan (stored as the
account's last scan), ``reminders.due_now`` (recorded in ``approvals.sqlite``), then the notifier for
what is due. An account whose node does not answer is reported with the reason and the others still
run. The clock (unix seconds; default: each chain's own, its latest block's timestamp) and the notifier
are injected, so that tests and ``--now`` drive the 24-hour rule.

``MonitorThread`` runs ticks in the background (``airlock-companion web``): one at start, then every
``every`` seconds, or at once when ``trigger`` is called; ``stop`` ends it between two accounts.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from companion.approvals.reminders import Due, notify
from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.eth.accounts import EthAccounts

DEFAULT_EVERY = 3600.0
STOP_WAIT = 10.0  # seconds ``stop`` waits for a tick in progress (a node call has its own timeout)


class Notifier(Protocol):
    def notify(self, name: str, due: Sequence[Due]) -> None: ...


class DesktopNotifier:
    """``notify-send`` when it is installed and a display session exists; otherwise nothing (never fails)."""

    def notify(self, name: str, due: Sequence[Due]) -> None:
        notify(due, name)


@dataclass(frozen=True)
class Checked:
    """One account in one tick: what was due (and notified), or why it could not be checked."""

    name: str
    due: list[Due] = field(default_factory=list)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "due": [d.to_json() for d in self.due], "error": self.error}


@dataclass(frozen=True)
class Tick:
    accounts: list[Checked]

    @property
    def ok(self) -> bool:
        return all(c.error is None for c in self.accounts)

    def to_json(self) -> dict[str, Any]:
        return {"accounts": [c.to_json() for c in self.accounts], "ok": self.ok}


class Monitor:
    """``names``: the accounts to watch (default: every Ethereum account at each tick)."""

    def __init__(self, accounts: EthAccounts, *, names: Sequence[str] = (), notifier: Notifier | None = None,
                 clock: Callable[[], int] | None = None) -> None:  # fmt: skip
        self.accounts = accounts
        self.names = list(names)
        self.notifier: Notifier = notifier if notifier is not None else DesktopNotifier()
        self.clock = clock
        self.lock = threading.Lock()  # one scan of an account at a time (the page's rescan takes it too)

    def tick(self, stopping: Callable[[], bool] = lambda: False) -> Tick:
        checked = []
        for name in self.names or self.accounts.names():
            if stopping():
                break
            checked.append(self.check(name))
        return Tick(checked)

    def check(self, name: str) -> Checked:
        from companion.approvals import service

        try:
            with self.lock:
                due = service.remind(self.accounts, name, clock=self.clock)
        except CompanionError as exc:
            return Checked(name, error=str(exc))
        except sqlite3.Error as exc:  # another process holds approvals.sqlite too long: next tick
            return Checked(name, error=f"its approvals.sqlite is busy or unreadable: {exc}")
        except Exception as exc:  # a background tick reports and goes on to the other accounts
            return Checked(name, error=f"unexpected {type(exc).__name__}: {exc}")
        if due:
            try:
                self.notifier.notify(name, due)
            except Exception as exc:
                return Checked(name, due, error=f"the notification failed: {type(exc).__name__}: {exc}")
        return Checked(name, due)


class MonitorThread:
    """Ticks of ``monitor`` on a daemon thread: at start, then every ``every`` seconds or on ``trigger``."""

    def __init__(self, monitor: Monitor, every: float = DEFAULT_EVERY,
                 on_tick: Callable[[Tick], None] | None = None) -> None:  # fmt: skip
        if every <= 0:
            raise CompanionError("the monitor's interval must be more than 0 seconds")
        self.monitor, self.every, self.on_tick = monitor, every, on_tick
        self.ticks = 0
        self.last: Tick | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="airlock-approvals-monitor", daemon=True)
        self._thread.start()

    def trigger(self) -> None:
        """Run a tick now (after the one in progress, if any)."""
        self._wake.set()

    def wait_for(self, ticks: int, timeout: float) -> bool:
        """Wait until ``ticks`` ticks are done; False when ``timeout`` passed first."""
        with self._done:
            return self._done.wait_for(lambda: self.ticks >= ticks, timeout)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(STOP_WAIT)  # a node that hangs: the daemon thread ends with the process

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            tick = self.monitor.tick(self._stop.is_set)
            with self._done:
                self.ticks += 1
                self.last = tick
                self._done.notify_all()
            if self.on_tick is not None:
                self.on_tick(tick)
            self._wake.wait(self.every)
            self._wake.clear()
