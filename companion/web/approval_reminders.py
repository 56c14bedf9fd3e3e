"""What is due for review, per account, as this run of the page has been told it.

``companion.approvals.service.remind`` answers each due approval once, then again 24 hours later (it
stores when it last reminded). The wallet list's badge and the approvals page both ask, so what one
was told is kept here for the run: the badge and the page show the same, until a rescan finds the
approval gone (revoked) or no longer flagged.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.approvals.model import Approval
    from companion.approvals.reminders import Due
    from companion.eth.accounts import EthAccounts


@dataclass(frozen=True)
class Told:
    """One reminder (``companion.approvals.reminders.Due``) and the chain time it was given at."""

    due: Due
    at: int


class Reminders:
    def __init__(self) -> None:
        self._due: dict[str, dict[str, Told]] = {}  # account -> approval key -> the latest reminder
        self._lock = threading.Lock()

    def due(self, accounts: EthAccounts, name: str) -> list[Told]:
        """What is due now for ``name`` (CompanionError when the node does not answer)."""
        from companion.approvals import service
        from companion.eth.node import EthNode

        account = accounts.load(name)
        now = int(EthNode(account.rpc, account.chain_id).latest_block()["timestamp"])  # the chain's clock
        fresh = service.remind(accounts, name, now=now)
        with self._lock:
            kept = self._due.setdefault(name, {})
            for due in fresh:
                kept[due.approval.key] = Told(due, now)
            return list(kept.values())

    def count(self, accounts: EthAccounts, name: str) -> int | None:
        """How many are due (None when it cannot be told now: the node does not answer)."""
        try:
            return len(self.due(accounts, name))
        except CompanionError:
            return None

    def rescanned(self, name: str, approvals: list[Approval]) -> None:
        """A scan's approvals: the reminders of approvals gone or no longer flagged are dropped."""
        flagged = {a.key for a in approvals if a.flagged}
        with self._lock:
            kept = self._due.get(name, {})
            for key in [k for k in kept if k not in flagged]:
                del kept[key]
