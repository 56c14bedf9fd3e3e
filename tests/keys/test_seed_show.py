"""``airlock seed show``: a stored seed's words, or its SeedQR as a PNG, for the vault password only;
a native SLIP-39 wallet says it has shares instead of words."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ABANDON, LEGAL, ZOO24
from PIL import Image

from signer.cli import main
from signer.keys import envelope, reveal
from signer.keys.errors import NothingToShow
from signer.keys.seed import Bip39Seed, Slip39Seed
from signer.keys.vault import Vault
from signer.transport import seedqr
from signer.transport.frames import decode_qr_image

PASSWORD = "cli vault password"
WORDS18 = "abandon " * 17 + "agent"


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AIRLOCK_PASSWORD", PASSWORD)
    path = tmp_path / "v.airlock"
    v = Vault.create(path, PASSWORD, envelope.TEST_KDF)
    for label, words in (("main", ABANDON), ("legal", LEGAL), ("zoo", ZOO24), ("eighteen", WORDS18)):
        v.add_seed(label, Bip39Seed.from_mnemonic(words))
    v.add_seed("trezor", Slip39Seed.generate(128))
    v.lock()
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _scan(path: Path) -> seedqr.SeedQR:
    contents = decode_qr_image(Image.open(path))
    assert len(contents) == 1
    return seedqr.decode(contents[0])


def test_the_words_of_a_stored_seed(vault: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "seed", "show", "--vault", vault, "--seed", "main")
    assert code == 0 and out.strip() == ABANDON and "can take the funds" in err


@pytest.mark.parametrize(
    ("label", "words", "fmt"),
    [
        ("main", ABANDON, "standard"),
        ("legal", LEGAL, "compact"),
        ("zoo", ZOO24, "standard"),
        ("zoo", ZOO24, "compact"),
    ],
)
def test_the_seedqr_png_scans_back_to_the_words(
    vault: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], label: str, words: str, fmt: str
) -> None:
    png = tmp_path / "seedqr.png"
    code, out, err = run(
        capsys, "seed", "show", "--vault", vault, "--seed", label, "--seedqr", fmt, "-o", str(png)
    )
    assert code == 0 and out == "" and f"wrote the {fmt} SeedQR of {label!r}" in err
    assert stat.S_IMODE(png.stat().st_mode) == 0o600
    scanned = _scan(png)
    assert scanned.mnemonic == words and scanned.compact == (fmt == "compact")


def test_o_alone_writes_the_standard_seedqr(
    vault: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "qr.png"
    assert run(capsys, "seed", "show", "--vault", vault, "--seed", "legal", "-o", str(png))[0] == 0
    scanned = _scan(png)
    assert scanned.mnemonic == LEGAL and not scanned.compact


def test_what_cannot_be_shown_says_why(
    vault: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "qr.png"
    code, out, err = run(capsys, "seed", "show", "--vault", vault, "--seed", "trezor")
    assert code == 1 and out == "" and "native SLIP-39 wallet has no BIP-39 words" in err and "shares" in err
    code, _, err = run(capsys, "seed", "show", "--vault", vault, "--seed", "eighteen", "-o", str(png))
    assert code == 1 and "a SeedQR holds 12 or 24 words and this seed has 18" in err and not png.exists()
    code, _, err = run(capsys, "seed", "show", "--vault", vault, "--seed", "main", "--seedqr", "compact")
    assert code == 2 and "-o FILE.png" in err
    code, out, _ = run(capsys, "seed", "show", "--vault", vault, "--seed", "eighteen")
    assert code == 0 and out.strip() == WORDS18.strip()


def test_a_wrong_password_shows_nothing(
    vault: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRLOCK_PASSWORD", "not the password")
    png = tmp_path / "qr.png"
    code, out, err = run(capsys, "seed", "show", "--vault", vault, "--seed", "main", "-o", str(png))
    assert code == 1 and out == "" and "wrong password" in err and not png.exists()


# -- the signer's part ------------------------------------------------------------------------
def test_seedqr_content_is_seedsigners(secret_input: Callable[[str, str], Path]) -> None:
    seed = Bip39Seed.from_mnemonic(ABANDON)
    assert reveal.seedqr_content(seed, reveal.SeedQrFormat.STANDARD) == "0000" * 11 + "0003"
    assert reveal.seedqr_content(seed, reveal.SeedQrFormat.COMPACT) == bytes(16)
    image = reveal.seedqr_image(seed, reveal.SeedQrFormat.STANDARD, canvas_px=240)
    assert image.size == (240, 240) and decode_qr_image(image) == [b"0000" * 11 + b"0003"]
    with pytest.raises(NothingToShow, match="no BIP-39 words"):
        reveal.words_of(Slip39Seed.generate(128))


def test_the_password_gate_closes_after_three_wrong_answers(tmp_path: Path) -> None:
    v = Vault.create(tmp_path / "v", PASSWORD, envelope.TEST_KDF)
    gate = reveal.PasswordGate(v)
    assert gate.check(PASSWORD) and gate.failures == 0
    assert not gate.check("guess one") and gate.attempts_left == 2
    assert not gate.check("guess two") and not gate.check(PASSWORD.upper())
    assert gate.closed and not gate.check(PASSWORD)  # closed for good: lock the vault
    assert PASSWORD not in repr(gate)
    v.lock()
    assert not reveal.PasswordGate(v).check(PASSWORD)  # a locked vault knows no password


def test_a_generated_seed_whose_words_were_not_shown_says_where_to_see_them(
    vault: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "vault", "add", "--vault", vault, "--label", "new one", "--generate")
    assert code == 0 and out == "" and "airlock seed show --seed 'new one'" in err
    code, out, _ = run(capsys, "seed", "show", "--vault", vault, "--seed", "new one")
    assert code == 0 and len(out.split()) == 24
