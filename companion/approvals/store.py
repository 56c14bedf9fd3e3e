"""``approvals.sqlite`` in the account's folder: what a rescan need not read again, and the reminder times.

Per owner and chain: the block the first scan started at, the high-water mark (last block whose logs
were read), the candidate pairs the logs named (with the block of their latest grant), the owner's
transfers by sender (for 'last used'), token symbols/decimals and block times, and the last scan's result
(what the page and the wallet list show without asking the node). Reminder times are per approval key.
Times are unix seconds. Nothing here is secret; it is all re-derivable from the chain (delete the file to
rescan from scratch).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.errors import CompanionError

FILENAME = "approvals.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS scanned (owner TEXT, chain_id INTEGER, block INTEGER,
    PRIMARY KEY (owner, chain_id));
CREATE TABLE IF NOT EXISTS starts (owner TEXT, chain_id INTEGER, block INTEGER,
    PRIMARY KEY (owner, chain_id));
CREATE TABLE IF NOT EXISTS candidates (
    owner TEXT, chain_id INTEGER, source TEXT, token TEXT, spender TEXT, token_id TEXT,
    granted_block INTEGER, PRIMARY KEY (owner, chain_id, source, token, spender, token_id));
CREATE TABLE IF NOT EXISTS used (
    owner TEXT, chain_id INTEGER, token TEXT, sender TEXT, block INTEGER,
    PRIMARY KEY (owner, chain_id, token, sender));
CREATE TABLE IF NOT EXISTS tokens (chain_id INTEGER, token TEXT, symbol TEXT, decimals INTEGER,
    PRIMARY KEY (chain_id, token));
CREATE TABLE IF NOT EXISTS blocks (chain_id INTEGER, block INTEGER, time INTEGER,
    PRIMARY KEY (chain_id, block));
CREATE TABLE IF NOT EXISTS reminders (owner TEXT, chain_id INTEGER, key TEXT, first_flagged_at INTEGER,
    last_reminded_at INTEGER, PRIMARY KEY (owner, chain_id, key));
CREATE TABLE IF NOT EXISTS last_scan (owner TEXT, chain_id INTEGER, block INTEGER, now INTEGER, result TEXT,
    PRIMARY KEY (owner, chain_id));
"""
NO_ID = ""  # token_id column of pairs without one (sqlite's NULLs never collide in a primary key)


@dataclass(frozen=True)
class Candidate:
    """A pair some log named: ``source`` is approval (ERC-20/721 Approval), all (ApprovalForAll), permit2."""

    source: str
    token: str
    spender: str
    token_id: int | None
    granted_block: int | None  # None: only a Lockdown named it


@dataclass(frozen=True)
class Reminder:
    key: str
    first_flagged_at: int
    last_reminded_at: int | None


class ApprovalStore:
    def __init__(self, folder: Path, owner: str, chain_id: int) -> None:
        self.path = Path(folder) / FILENAME
        self.owner, self.chain_id = owner, chain_id
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise CompanionError(f"cannot open {self.path}: {exc}") from None

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a scan failing half way leaves the high-water mark and candidates as they were."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- scan state ----------------------------------------------------------------------------
    def scanned_to(self) -> int | None:
        row = self.db.execute(
            "SELECT block FROM scanned WHERE owner=? AND chain_id=?", (self.owner, self.chain_id)
        ).fetchone()
        return None if row is None else int(row[0])

    def set_scanned_to(self, block: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO scanned VALUES (?, ?, ?)", (self.owner, self.chain_id, block))

    def start_block(self) -> int | None:
        """Where the first scan started (``--from-block``); 0 for a store scanned before it was kept."""
        row = self.db.execute(
            "SELECT block FROM starts WHERE owner=? AND chain_id=?", (self.owner, self.chain_id)
        ).fetchone()
        if row is None:
            return None if self.scanned_to() is None else 0
        return int(row[0])

    def set_start_block(self, block: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO starts VALUES (?, ?, ?)", (self.owner, self.chain_id, block))

    def add_candidate(self, c: Candidate) -> None:
        token_id = NO_ID if c.token_id is None else str(c.token_id)
        key = (self.owner, self.chain_id, c.source, c.token, c.spender, token_id)
        self.db.execute("INSERT OR IGNORE INTO candidates VALUES (?, ?, ?, ?, ?, ?, NULL)", key)
        if c.granted_block is not None:
            self.db.execute(
                "UPDATE candidates SET granted_block = MAX(COALESCE(granted_block, -1), ?) WHERE owner=? "
                "AND chain_id=? AND source=? AND token=? AND spender=? AND token_id=?",
                (c.granted_block, *key),
            )

    def candidates(self) -> list[Candidate]:
        rows = self.db.execute(
            "SELECT source, token, spender, token_id, granted_block FROM candidates "
            "WHERE owner=? AND chain_id=? "
            "ORDER BY source, token, spender, token_id",
            (self.owner, self.chain_id),
        ).fetchall()
        return [Candidate(s, t, sp, None if i == NO_ID else int(i), g) for s, t, sp, i, g in rows]

    def add_use(self, token: str, sender: str, block: int) -> None:
        key = (self.owner, self.chain_id, token, sender)
        self.db.execute("INSERT OR IGNORE INTO used VALUES (?, ?, ?, ?, ?)", (*key, block))
        self.db.execute(
            "UPDATE used SET block = MAX(block, ?) WHERE owner=? AND chain_id=? AND token=? AND sender=?",
            (block, *key),
        )

    def uses(self) -> dict[tuple[str, str], int]:
        rows = self.db.execute(
            "SELECT token, sender, block FROM used WHERE owner=? AND chain_id=?", (self.owner, self.chain_id)
        ).fetchall()
        return {(t, s): int(b) for t, s, b in rows}

    # -- caches --------------------------------------------------------------------------------
    def token_info(self, token: str) -> tuple[str | None, int | None] | None:
        row = self.db.execute(
            "SELECT symbol, decimals FROM tokens WHERE chain_id=? AND token=?", (self.chain_id, token)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def set_token_info(self, token: str, symbol: str | None, decimals: int | None) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?)", (self.chain_id, token, symbol, decimals)
        )

    def block_time(self, block: int) -> int | None:
        row = self.db.execute(
            "SELECT time FROM blocks WHERE chain_id=? AND block=?", (self.chain_id, block)
        ).fetchone()
        return None if row is None else int(row[0])

    def set_block_time(self, block: int, time: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO blocks VALUES (?, ?, ?)", (self.chain_id, block, time))

    # -- reminders -----------------------------------------------------------------------------
    def reminders(self) -> dict[str, Reminder]:
        rows = self.db.execute(
            "SELECT key, first_flagged_at, last_reminded_at FROM reminders WHERE owner=? AND chain_id=?",
            (self.owner, self.chain_id),
        ).fetchall()
        return {k: Reminder(k, int(f), None if r is None else int(r)) for k, f, r in rows}

    def put_reminder(self, reminder: Reminder) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO reminders VALUES (?, ?, ?, ?, ?)",
            (self.owner, self.chain_id, reminder.key, reminder.first_flagged_at, reminder.last_reminded_at),
        )

    def drop_reminders(self, keys: Iterable[str]) -> None:
        self.db.executemany(
            "DELETE FROM reminders WHERE owner=? AND chain_id=? AND key=?",
            [(self.owner, self.chain_id, k) for k in keys],
        )

    # -- the last scan -------------------------------------------------------------------------
    def put_last_scan(self, block: int, now: int, result: dict[str, Any]) -> None:
        """``result``: ``ScanResult.to_json`` of a scan taken at ``block``, its rules run at ``now``."""
        self.db.execute(
            "INSERT OR REPLACE INTO last_scan VALUES (?, ?, ?, ?, ?)",
            (self.owner, self.chain_id, block, now, json.dumps(result, sort_keys=True)),
        )

    def last_scan(self) -> dict[str, Any] | None:
        """The last scan stored, None when there is none or it cannot be read (a rescan replaces it)."""
        row = self.db.execute(
            "SELECT result FROM last_scan WHERE owner=? AND chain_id=?", (self.owner, self.chain_id)
        ).fetchone()
        if row is None:
            return None
        try:
            data = json.loads(row[0])
        except (TypeError, ValueError):
            return None
        return data if isinstance(data, dict) else None
