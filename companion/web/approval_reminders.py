"""What is up for review, per account, as the last scan and the stored reminder times tell it.

Read from the account's ``approvals.sqlite`` only (``companion.approvals.service.review``): the wallet
list and the account page never wait for a node. The scans and the reminders are made by the monitor
(``companion.approvals.monitor``, on a thread while the page is open) and by the page's Rescan.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.approvals.service import Review
    from companion.eth.accounts import EthAccounts


class Reminders:
    def review(self, accounts: EthAccounts, name: str) -> Review:
        """The last scan of ``name`` and its flagged approvals with their reminder times (no network)."""
        from companion.approvals import service

        return service.review(accounts, name)

    def count(self, accounts: EthAccounts, name: str) -> int | None:
        """How many approvals are flagged for review (None: never scanned, or the store cannot be read)."""
        try:
            found = self.review(accounts, name)
        except (CompanionError, sqlite3.Error):
            return None
        return None if found.scan is None else len(found.flagged)
