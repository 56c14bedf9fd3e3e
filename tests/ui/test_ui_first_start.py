"""First start: set the vault password, create a seed with dice rolls, see the words only while a
key is held, pass the quiz, label it; the vault on disk then holds exactly those words."""

from __future__ import annotations

from pathlib import Path

from ui_driver import PASSWORD, make_session, start

from signer.keys import bip39
from signer.keys.accounts import fingerprint
from signer.keys.vault import Vault
from ui.capture import should_blank
from ui.events import Key

DICE = "1625344352166253443521662534435216625344352166253"  # 49 rolls: one short of 12 words' 50


def test_first_start_creates_vault_and_seed_with_dice(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    d = start(session)
    assert d.title == "Welcome to Airlock"
    assert not session.vault_path.exists()

    d.choose("Set up a vault")
    d.type_text("short")  # too short: refused with the rule, nothing created
    assert any("at least 8" in m for _, m in d.content().warnings)
    assert d.title == "Vault password" and not session.vault_path.exists()
    for _ in range(5):
        d.press(Key.KEY1)  # delete what was typed
    assert d.content().extra["length"] == 0
    d.type_text(PASSWORD)
    assert d.title == "Repeat password"
    d.type_text(PASSWORD)
    assert session.vault is not None and session.vault_path.exists()
    assert d.title == "Add a seed"

    d.choose("Create new seed")
    d.choose("12 words")
    d.choose("Add dice rolls")
    d.choose("Mix with device random")
    d.type_text(DICE)
    assert any("at least 50" in m for _, m in d.content().warnings), d.text()
    assert d.content().secret
    d.type_text("4")
    assert d.title == "Write the words down"
    d.choose("Show words")

    assert d.content().secret and should_blank(d.app.screen, session)
    d.press(Key.RIGHT)
    d.press(Key.RIGHT)  # past the last page without having looked at it: refused
    assert d.content().extra["note"] and d.title.startswith("Words 7-12")
    d.press(Key.LEFT)
    words = d.read_secret_words()
    assert len(words) == 12 and bip39.is_valid(words)
    d.press(Key.RIGHT)  # done looking: the quiz
    assert d.title.startswith("Check 1 of 3")
    d.answer_quiz(words)
    assert d.title == "Seed ready"
    fp = fingerprint(bip39.mnemonic_to_seed(" ".join(words)))
    body = d.content().extra["body"]  # a seed made seconds ago has no records to match yet
    assert f"Fingerprint {fp}. Note it beside your words" in body and "records" not in body
    d.choose("Save")
    assert d.title == "Seed label"
    for _ in range(10):
        d.press(Key.KEY1)
    d.type_text("Savings")
    assert d.title == "Savings"
    assert f"Fingerprint {fp}" in d.content().lines

    stored = Vault.open(session.vault_path, PASSWORD)
    assert stored.labels() == ["Savings"]
    assert stored.get("Savings").material.mnemonic() == " ".join(words)  # type: ignore[union-attr]


def test_quiz_wrong_answer_goes_back_to_the_words(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    d = start(session)
    d.choose("Temporary seed")
    d.choose("Continue")
    d.choose("Create new seed")
    d.choose("24 words")
    d.choose("Device random")
    d.choose("Show words")
    words = d.read_secret_words()
    assert len(words) == 24
    d.press(Key.RIGHT)
    position = d.content().extra["position"]
    wrong = next(w for w in d.content().items if w != words[position - 1])
    d.choose(wrong)
    assert d.title == "Not quite" and f"That is not word {position}." in d.content().extra["body"]
    d.choose("OK")
    first = (position - 1) // 6 * 6 + 1  # back on the page that holds the word asked for
    assert d.title == f"Words {first}-{first + 5} of 24", (position, d.title)
    assert d.content().extra["note"] == f"word {position} is on this page" and d.content().lines == []
    d.press(Key.PRESS)
    assert f"{position}. {words[position - 1]}" in d.content().lines
    assert session.temp_seed is None and not session.vault_path.exists()
