"""The entry point for the app wiring: ``build_app(session) -> App``.

The root screen follows the device's state: a network warning first when interfaces exist (until
acknowledged), the home menu while unlocked, else first start (no vault), unlock, or the damaged
vault screen. The device app also auto-locks after the configured idle time: every screen's
secrets are wiped, the session is locked and the root screen is shown again. It does so whenever
something is unlocked or any screen is open above the root (e.g. words being entered for a
temporary seed, which unlock nothing until they are complete).

The screens of a damaged vault are imported only when one is: they bring the seed flows with them,
which the first frame of a healthy device does not need (start-up).
"""

from __future__ import annotations

from ui.app import App
from ui.events import Input
from ui.flows import home
from ui.screen import Screen
from ui.session import Session

# The screens of a first Ethereum review, imported with the signer's modules after unlock
# (signer.chains.warm_up) so that the first scan of a request does not wait for them.
REVIEW_MODULES = ("ui.screens.review", "ui.flows.sign")


def root_screen(session: Session) -> Screen:
    if session.interfaces and not session.network_acknowledged:
        return home.network_warning(session)
    if session.active:
        return home.home_menu(session)
    state = session.vault_state()
    if state.kind == "missing":
        return home.welcome(session)
    if state.kind == "ok":
        return home.locked_menu(session)
    if state.kind == "unavailable":
        return home.storage_unavailable(session, state.message)
    from ui.flows import recover

    return recover.damaged(session, state)


class DeviceApp(App):
    """An App that locks itself after ``auto_lock_s`` seconds without input."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._idle_start: float | None = None
        self._ticked = False
        self.locked_by_timer = False
        super().__init__(lambda: root_screen(session))

    def handle(self, event: Input) -> None:
        # Before the first tick ``now`` is 0.0, not the clock's time (monotonic: any value), and an
        # idle time counted from 0.0 would lock at once; None makes the next tick start it.
        self._idle_start = self.now if self._ticked else None
        super().handle(event)

    def tick(self, now: float) -> None:
        if self._idle_start is None:
            self._idle_start = now
        self._ticked = True
        if self.screen.busy:
            self._idle_start = now
        self.now = now
        if self._lockable() and now - self._idle_start >= self.session.setting("auto_lock_s"):
            self.lock()
            return
        super().tick(now)

    def _lockable(self) -> bool:
        """Something to lock: an unlocked seed, or any screen above the root (a seed being entered
        or created before anything is unlocked, e.g. stateless use, shows or holds secrets too)."""
        return self.session.active or len(self.stack) > 1

    def lock(self) -> None:
        """Wipe every screen's secrets and the session's, then show the root (unlock) screen."""
        for screen in self.stack:
            screen.wipe()
        self.session.lock()
        self.locked_by_timer = True
        self._idle_start = self.now
        self.stack = [self._root_factory()]
        self.dirty = True


def build_app(session: Session) -> App:
    return DeviceApp(session)
