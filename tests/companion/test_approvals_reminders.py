"""Reminder times in approvals.sqlite: due at once, again 24 hours after the last reminder, gone when no
longer flagged; the desktop notification's command line, with a fake notify-send on PATH."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from companion.approvals.model import Approval
from companion.approvals.reminders import due_now, notify
from companion.approvals.store import ApprovalStore

OWNER = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
T0 = 1_800_000_000
HOUR = 3600
TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


def approval(spender: str, *, unlimited: bool = True) -> Approval:
    amount = 2**256 - 1 if unlimited else 5
    return Approval("erc20", TOKEN, spender, amount, None, unlimited, False, False, T0 - 100, None,
                    symbol="tDAI", decimals=18)  # fmt: skip


A = approval("0x00000000000000000000000000000000000A11cE")
B = approval("0x00000000000000000000000000000000000b0B0b")


def keys(due: list) -> list[str]:  # type: ignore[type-arg]
    return [d.approval.key for d in due]


def test_due_at_once_then_every_24_hours_while_flagged(tmp_path: Path) -> None:
    store = ApprovalStore(tmp_path, OWNER, 1337)
    first = due_now(store, [A], T0)
    assert keys(first) == [A.key] and (first[0].first_flagged_at, first[0].last_reminded_at) == (T0, None)
    assert due_now(store, [A], T0 + 23 * HOUR) == []
    assert keys(due_now(store, [A, B], T0 + 23 * HOUR)) == [B.key]  # B newly flagged: due at once
    again = due_now(store, [A, B], T0 + 24 * HOUR)
    assert keys(again) == [A.key] and (again[0].first_flagged_at, again[0].last_reminded_at) == (T0, T0)
    store.close()
    reopened = ApprovalStore(tmp_path, OWNER, 1337)  # the times are stored, not kept in memory
    assert reopened.reminders()[A.key].last_reminded_at == T0 + 24 * HOUR


def test_revoked_or_unflagged_drop_out_and_start_afresh(tmp_path: Path) -> None:
    store = ApprovalStore(tmp_path, OWNER, 1337)
    due_now(store, [A, B], T0)
    lowered = replace(B, unlimited=False, amount=5)  # no longer flagged
    assert due_now(store, [lowered], T0 + 30 * HOUR) == []  # A revoked (gone), B unflagged
    assert store.reminders() == {}
    back = due_now(store, [A], T0 + 31 * HOUR)
    assert keys(back) == [A.key] and back[0].first_flagged_at == T0 + 31 * HOUR


def test_other_owner_or_chain_keeps_its_own_times(tmp_path: Path) -> None:
    due_now(ApprovalStore(tmp_path, OWNER, 1337), [A], T0)
    assert keys(due_now(ApprovalStore(tmp_path, OWNER, 1), [A], T0 + HOUR)) == [A.key]


@pytest.fixture
def fake_notify_send(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir, log = tmp_path / "bin", tmp_path / "notify.log"
    bin_dir.mkdir()
    script = bin_dir / "notify-send"
    script.write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n--\\n" "$a" >> {log}; done\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def test_notification_runs_notify_send_in_a_display_session(
    fake_notify_send: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    due = due_now(ApprovalStore(tmp_path, OWNER, 1337), [A, B], T0)
    command = notify(due, "main")
    assert command is not None
    args = fake_notify_send.read_text().split("\n--\n")[:-1]
    assert args == command[1:]
    assert args[:3] == ["--app-name=Airlock companion", "--urgency=normal",
                        "Airlock: 2 token approvals to review (main)"]  # fmt: skip
    assert args[3].splitlines() == [A.describe(), B.describe()] and "UNLIMITED" in args[3]


def test_no_notification_without_a_display_or_without_notify_send(
    fake_notify_send: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    due = due_now(ApprovalStore(tmp_path, OWNER, 1337), [A], T0)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert notify(due, "main") is None
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert notify(due, "main") is None
    assert not fake_notify_send.exists()
