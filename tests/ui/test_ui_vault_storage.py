"""No vault partition (or one that cannot keep data): the device says "Vault storage unavailable" with the
reason, offers no vault to create or open, and a temporary seed still works without anything saved."""

from __future__ import annotations

from pathlib import Path

from conftest import ABANDON
from ui_driver import make_session, start, vault_with

NO_PARTITION = "the vault partition is not mounted at /var/lib/airlock"


def test_the_first_screen_says_vault_storage_unavailable_and_why(tmp_path: Path) -> None:
    session = make_session(tmp_path, vault_storage_problem=NO_PARTITION)
    d = start(session)
    assert d.title == "Vault storage unavailable"
    content = d.content()
    assert content.extra["severity"] == "danger"
    assert "The vault partition is not mounted at /var/lib/airlock." in content.extra["body"]
    assert "will not create or open a vault" in content.extra["body"]
    assert session.vault_state().kind == "unavailable"


def test_no_vault_is_kept_in_memory_a_temporary_seed_is_said_to_be_unsaved(tmp_path: Path) -> None:
    session = make_session(tmp_path, vault_storage_problem=NO_PARTITION)
    d = start(session)
    d.choose("Temporary seed")
    d.choose("Enter words")
    d.choose("12 words")
    d.enter_words(ABANDON.split())
    d.choose("Use it")
    assert d.title == "Temporary seed"
    d.go_home()
    assert d.title == "Airlock"
    assert "Temporary seed only: nothing is stored" in d.content().lines
    assert "Unlock vault" not in d.content().items and "Set up a vault" not in d.content().items
    assert session.vault is None and list(tmp_path.iterdir()) == []


def test_an_existing_vault_is_not_opened_from_storage_said_to_be_unusable(tmp_path: Path) -> None:
    vault_with(tmp_path, {"main": ABANDON})
    session = make_session(tmp_path, vault_storage_problem="the vault partition at /x is read-only")
    d = start(session)
    assert d.title == "Vault storage unavailable"
    assert session.vault is None
