"""Import: words with prefix completion (and fixing a wrong word), SeedQR (standard and compact)
scanned by the camera, SLIP-39 shares typed or scanned from a printed card, and the temporary seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_vectors import cases
from ui_driver import ABANDON, ABANDON_FP, LEGAL, PASSWORD, FrameCamera, make_session, start, unlocked

from signer.keys.vault import Vault
from signer.transport.frames import render_qr
from ui.events import Key

LEGAL_FP = "b8688df1"  # master fingerprint of LEGAL (checked with bip_utils, an independent library)
SEEDQR_DIGITS = "".join(  # Standard SeedQR of ABANDON: each word's index as 4 digits
    ["0000"] * 11 + ["0003"]
)


def test_import_words_with_completion(tmp_path: Path) -> None:
    session, d = unlocked(tmp_path, {})
    d.choose("Add a seed")
    d.choose("Enter words")
    d.choose("12 words")
    assert d.title == "Word 1 of 12" and d.content().secret
    d.enter_words(ABANDON.split())
    assert d.title == "Seed ready" and ABANDON_FP in d.text()
    d.choose("Save")
    d.type_text("")  # keep the suggested label
    assert d.title == "Seed 1"
    assert Vault.open(session.vault_path, PASSWORD).get("Seed 1").fingerprint == ABANDON_FP


def test_letters_that_continue_no_word_are_disabled(tmp_path: Path) -> None:
    _session, d = unlocked(tmp_path, {})
    d.choose("Add a seed")
    d.choose("Enter words")
    d.choose("12 words")
    d.enter_word("zoo")  # "zoo" is unique after three letters
    enabled = d.content().extra["enabled"]
    assert "x" not in enabled  # no BIP-39 word starts with x
    d.press(Key.KEY3)  # back one word
    assert d.content().extra["entered"] == 0


def test_wrong_checksum_is_fixed_by_editing_one_word(tmp_path: Path) -> None:
    _session, d = unlocked(tmp_path, {})
    d.choose("Add a seed")
    d.choose("Enter words")
    d.choose("12 words")
    words = ABANDON.split()
    d.enter_words([*words[:11], "abandon"])  # last word wrong: checksum fails
    assert d.title == "Words not valid" and "checksum" in d.text()
    d.choose("Edit words")
    assert d.content().secret
    d.choose("12. abandon")
    d.enter_word("about")
    assert "12. about" in d.content().items
    d.choose("Check again")
    assert d.title == "Seed ready" and ABANDON_FP in d.text()


def test_import_standard_and_compact_seedqr(tmp_path: Path) -> None:
    from signer.keys.bip39 import entropy_from_mnemonic

    camera = FrameCamera()
    session, d = unlocked(tmp_path, {}, camera=camera)
    d.choose("Add a seed")
    for content, label in ((SEEDQR_DIGITS, "standard"), (entropy_from_mnemonic(LEGAL), "compact")):
        if label == "compact":
            d.press(Key.KEY3)  # from the first seed's page back home
            d.choose("Seeds")
            d.choose("Add a seed")
        camera.show([render_qr(content, module_px=4)])
        d.choose("Scan SeedQR")
        d.tick(3)
        d.settle()
        assert d.title == "Seed ready", (label, d.text())
        expected = ABANDON_FP if label == "standard" else LEGAL_FP
        assert expected in d.text()
        d.choose("Save")
        d.type_text("")
    stored = Vault.open(session.vault_path, PASSWORD)
    assert sorted(s.fingerprint for s in stored.seeds) == sorted([ABANDON_FP, LEGAL_FP])


def test_legal_fingerprint_constant() -> None:
    from bip_utils import Bip32Slip10Secp256k1, Bip39SeedGenerator

    seed = Bip39SeedGenerator(LEGAL).Generate()
    assert Bip32Slip10Secp256k1.FromSeed(seed).PublicKey().FingerPrint().ToBytes().hex() == LEGAL_FP


def test_scanning_something_else_says_what_it_is(tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, {}, camera=camera)
    d.choose("Add a seed")
    d.choose("Scan SeedQR")
    camera.show([render_qr("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", module_px=4)])
    d.tick(3)
    assert d.title == "Scan SeedQR"
    assert any("a Bitcoin address, not a SeedQR" in m for _, m in d.content().warnings)


def test_temporary_seed_is_never_stored_and_is_wiped_on_lock(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    d = start(session)
    d.choose("Temporary seed")
    d.choose("Continue")
    d.choose("Enter words")
    d.choose("12 words")
    d.enter_words(ABANDON.split())
    d.choose("Use it")
    assert d.title == "Temporary seed" and f"Fingerprint {ABANDON_FP}" in d.content().lines
    material = session.temp_seed.material  # type: ignore[union-attr]
    assert list(tmp_path.iterdir()) == []
    d.press(Key.KEY3)
    d.choose("Lock")
    assert session.temp_seed is None and material.entropy.wiped  # type: ignore[attr-defined]
    assert d.title == "Welcome to Airlock"


def _seedqr_cases(data: dict) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    return [(f"{i}-{v['words']}w", v) for i, v in enumerate(data["vectors"])]


@pytest.mark.parametrize("vector", cases("seedqr/seedqr-vectors.json", _seedqr_cases))
@pytest.mark.parametrize("flavour", ["standard", "compact"])
def test_seedqr_public_vectors_through_the_camera(tmp_path: Path, vector: dict, flavour: str) -> None:  # type: ignore[type-arg]
    """Each published SeedQR, shown to the camera, imports the vector's mnemonic (checked by fingerprint
    and, for the temporary seed, by its words)."""
    camera = FrameCamera()
    session = make_session(tmp_path, camera=camera)
    d = start(session)
    d.choose("Temporary seed")
    d.choose("Continue")
    content = (
        vector["standard_seedqr_digits"]
        if flavour == "standard"
        else bytes.fromhex(vector["compact_seedqr_hex"])
    )
    camera.show([render_qr(content, module_px=4)])
    d.choose("Scan SeedQR")
    d.tick(3)
    d.settle()
    assert d.title == "Seed ready", d.text()
    d.choose("Use it")
    assert session.temp_seed is not None
    assert session.temp_seed.material.mnemonic() == vector["mnemonic"]  # type: ignore[union-attr]
