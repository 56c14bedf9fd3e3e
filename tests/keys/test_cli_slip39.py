"""``airlock slip39 combine`` and ``vault add --slip39-file`` never pick a wallet silently: shares that
can be read both as seed words and as a native SLIP-39 wallet list both and restore nothing until
the person says which."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ABANDON

from signer.cli import main
from signer.keys import slip39
from signer.keys.seed import Bip39Seed, Slip39Seed

WORDS_FP, WORDS_ADDRESS = "73c5da0a", "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
# ABANDON's all-zero entropy taken as a native SLIP-39 master secret (checked with bip_utils in
# tests/keys/test_slip39.py)
NATIVE_FP, NATIVE_ADDRESS = "15c918d3", "bc1qsqs4ja3sm84vhtc7k3palld0nwga7tf47azjsq"


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRLOCK_PASSWORD", "cli vault password")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def shares_file(secret_input: Callable[[str, str], Path]) -> str:
    shares = slip39.split_bip39(Bip39Seed.from_mnemonic(ABANDON), slip39.SplitPlan.single(2, 3))[0]
    return str(secret_input("shares.txt", f"# two of three\n{shares[1]}\n\n{shares[2]}\n"))


def test_combine_without_kind_lists_both_wallets_and_restores_nothing(
    shares_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "slip39", "combine", shares_file)
    assert code == 2 and out == ""  # no words, no master secret
    assert "can restore two different wallets" in err
    assert (
        f"--kind bip39   seed words (shares Airlock made from 12 or 24 words): fingerprint {WORDS_FP}, "
        in err
    )
    assert f"first address {WORDS_ADDRESS}" in err
    assert f"--kind native  SLIP-39 wallet (Trezor and other SLIP-39 wallets): fingerprint {NATIVE_FP}" in err
    assert NATIVE_ADDRESS in err and "nothing restored: say which wallet with --kind" in err
    assert "abandon" not in err


def test_combine_without_kind_as_json(shares_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "slip39", "combine", shares_file, "--json")
    assert code == 2
    assert json.loads(out)["candidates"] == [
        {"mode": "bip39", "fingerprint": WORDS_FP, "first_address": WORDS_ADDRESS, "words": 12},
        {"mode": "native", "fingerprint": NATIVE_FP, "first_address": NATIVE_ADDRESS, "words": None},
    ]


@pytest.mark.parametrize("option", ["--kind", "--mode"])
def test_combine_with_kind_restores_that_wallet(
    shares_file: str, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    code, out, err = run(capsys, "slip39", "combine", shares_file, option, "bip39")
    assert code == 0 and out.strip() == ABANDON
    assert f"fingerprint {WORDS_FP}, first address {WORDS_ADDRESS}" in err
    code, out, err = run(capsys, "slip39", "combine", shares_file, option, "native", "--json")
    data = json.loads(out)
    assert code == 0 and data["mode"] == "native" and data["master_secret"] == "00" * 16
    assert (data["fingerprint"], data["first_address"]) == (NATIVE_FP, NATIVE_ADDRESS)


def test_shares_that_can_only_be_native_need_no_kind(
    secret_input: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    import shamir_mnemonic

    secret = bytes(range(1, 19))  # 18 bytes: a valid SLIP-39 secret, no BIP-39 length
    shares = shamir_mnemonic.generate_mnemonics(1, [(2, 3)], secret)[0]
    path = secret_input("native.txt", "\n".join(shares[:2]))
    code, out, _ = run(capsys, "slip39", "combine", str(path))
    assert code == 0 and out.strip() == secret.hex()


def test_vault_add_from_shares_asks_which_wallet(
    tmp_path: Path, shares_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = str(tmp_path / "v.airlock")
    run(capsys, "vault", "init", "--vault", vault)
    before = Path(vault).read_bytes()
    code, _, err = run(capsys, "vault", "add", "--vault", vault, "--label", "s", "--slip39-file", shares_file)
    assert code == 2 and WORDS_FP in err and NATIVE_FP in err and "--slip39-kind bip39" in err
    assert Path(vault).read_bytes() == before  # nothing stored
    add = ("vault", "add", "--vault", vault, "--slip39-file", shares_file)
    assert run(capsys, *add, "--label", "words", "--slip39-kind", "bip39")[0] == 0
    assert run(capsys, *add, "--label", "trezor", "--slip39-kind", "native")[0] == 0
    code, out, _ = run(capsys, "vault", "list", "--vault", vault, "--json")
    rows = {r["label"]: (r["kind"], r["fingerprint"]) for r in json.loads(out)}
    assert rows == {"words": ("bip39", WORDS_FP), "trezor": ("slip39", NATIVE_FP)}


def test_vault_add_of_a_native_wallet_round_trips(
    tmp_path: Path, secret_input: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    wallet = Slip39Seed.generate(128)
    shares = slip39.split_native(wallet, slip39.SplitPlan.single(2, 3))[0]
    path = str(secret_input("native.txt", "\n".join(shares[1:])))
    vault = str(tmp_path / "v.airlock")
    run(capsys, "vault", "init", "--vault", vault)
    code, _, _ = run(
        capsys,
        "vault",
        "add",
        "--vault",
        vault,
        "--label",
        "t",
        "--slip39-file",
        path,
        "--slip39-kind",
        "native",
    )
    assert code == 0
    code, out, _ = run(capsys, "vault", "list", "--vault", vault, "--json")
    assert json.loads(out)[0]["fingerprint"] == slip39.candidates(shares[:2])[1].fingerprint
