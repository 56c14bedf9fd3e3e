"""Reminders: a flagged approval is due at once, then again every 24 hours while it stays flagged.

Times are unix seconds of the clock given (the chain's, or ``--now``), stored in ``approvals.sqlite``
per approval key: ``first_flagged_at`` (when a scan first saw it flagged) and ``last_reminded_at``.
An approval revoked or no longer flagged drops out (and starts afresh if it is flagged again).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from companion.approvals.model import Approval
from companion.approvals.store import ApprovalStore, Reminder

AGAIN_AFTER = 24 * 3600


@dataclass(frozen=True)
class Due:
    approval: Approval
    first_flagged_at: int
    last_reminded_at: int | None  # before this reminder; None the first time

    def to_json(self) -> dict[str, Any]:
        return {
            **self.approval.to_json(),
            "first_flagged_at": self.first_flagged_at,
            "last_reminded_at": self.last_reminded_at,
        }


def due_now(store: ApprovalStore, approvals: Sequence[Approval], now: int) -> list[Due]:
    """What is due at ``now``; marks those as reminded at ``now`` and forgets the ones gone or unflagged."""
    known = store.reminders()
    flagged = {a.key: a for a in approvals if a.flagged}
    due: list[Due] = []
    with store.transaction():
        store.drop_reminders(k for k in known if k not in flagged)
        for key, approval in flagged.items():
            seen = known.get(key)
            first = seen.first_flagged_at if seen is not None else now
            last = seen.last_reminded_at if seen is not None else None
            if last is None or now - last >= AGAIN_AFTER:
                due.append(Due(approval, first, last))
                store.put_reminder(Reminder(key, first, now))
    return due


@dataclass(frozen=True)
class ToReview:
    """A flagged approval of the last scan and its reminder times as stored (no scan, no node)."""

    approval: Approval
    first_flagged_at: int | None  # None: no reminder yet (scanned by ``approvals scan`` only)
    last_reminded_at: int | None  # the latest reminder; None: none yet


def to_review(store: ApprovalStore, approvals: Sequence[Approval]) -> list[ToReview]:
    """Every flagged approval of ``approvals`` (the last scan's), with its stored reminder times."""
    known = store.reminders()
    out = []
    for approval in approvals:
        if approval.flagged:
            seen = known.get(approval.key)
            first, last = (None, None) if seen is None else (seen.first_flagged_at, seen.last_reminded_at)
            out.append(ToReview(approval, first, last))
    return out


def notification_command(due: Sequence[Due], account: str) -> list[str]:
    count = len(due)
    title = f"Airlock: {count} token approval{'s' if count != 1 else ''} to review ({account})"
    lines = [d.approval.describe() for d in due[:5]]
    if count > 5:
        lines.append(f"... and {count - 5} more: airlock-companion approvals scan {account}")
    return ["notify-send", "--app-name=Airlock companion", "--urgency=normal", title, "\n".join(lines)]


def notify(
    due: Sequence[Due], account: str, run: Callable[[list[str]], Any] | None = None
) -> list[str] | None:
    """A desktop notification when ``notify-send`` is on PATH and a display session exists; the command
    line it ran, or None. Never raises: a reminder on the command line was already printed."""
    if not due or shutil.which("notify-send") is None:
        return None
    if not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY")):
        return None
    command = notification_command(due, account)
    try:
        (run or _run)(command)
    except (OSError, subprocess.SubprocessError):
        return None
    return command


def _run(command: list[str]) -> None:
    subprocess.run(command, check=False, timeout=10, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
