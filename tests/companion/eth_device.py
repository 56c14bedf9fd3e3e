"""The device's side of the companion's Ethereum tests: its exports and ``airlock sign``, in process."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ABANDON, INPUTS_DIR, LEGAL


def seed_of(words: str = ABANDON) -> bytes:
    from signer.keys import bip39

    return bip39.mnemonic_to_seed(words)


def write_exports(folder: Path, words: str = ABANDON) -> dict[str, Path]:
    """What the device exports for MetaMask (crypto-hdkey), Ledger Live paths (crypto-account), and
    the first address alone, as files."""
    from signer.eth.export import account_hdkey_ur, ledger_live_account_ur
    from signer.eth.primitives import checksum
    from signer.eth.sign import address_at

    seed = seed_of(words)
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "hdkey": folder / "hdkey.ur",
        "ledger": folder / "ledger.ur",
        "address": folder / "address.txt",
    }
    files["hdkey"].write_text(account_hdkey_ur(seed) + "\n")
    files["ledger"].write_text(ledger_live_account_ur(seed) + "\n")
    files["address"].write_text(checksum(address_at(seed, "m/44'/60'/0'/0/0")) + "\n")
    return files


def words_file(folder: Path, words: str = ABANDON) -> Path:
    """The mnemonic for ``airlock sign --mnemonic-file`` (in the folder the secret scan skips)."""
    path = folder / INPUTS_DIR / ("other.txt" if words == LEGAL else "words.txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(words + "\n")
    return path


def airlock_sign(capsys: pytest.CaptureFixture[str], words: Path, request: Path, *extra: str) -> list[str]:
    """``airlock sign REQUEST --mnemonic-file WORDS``: the eth-signature's UR parts it prints."""
    from signer.cli import main as airlock

    capsys.readouterr()
    status = airlock(["sign", str(request), "--mnemonic-file", str(words), *extra])
    out, err = capsys.readouterr()
    assert status == 0, err
    return [line for line in out.splitlines() if line.lower().startswith("ur:")]
