"""``airlock sign`` with Ethereum requests: exit codes, review JSON, replies."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_builders import (
    ABANDON,
    ABANDON_ADDR0,
    ABANDON_FP,
    BOB,
    MAIL,
    MAX,
    SPENDER,
    USDC,
    a,
    calldata,
    erc4527,
    tx,
)

from signer.cli import main
from signer.transport.ur import decode_single, encode_single
from signer.transport.urtypes import Bytes, decode_ur, to_ur


@pytest.fixture
def run(tmp_path: Path, secret_input: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]):
    mnemonic = secret_input("words.txt", ABANDON + "\n")

    def go(content: str, *extra: str) -> tuple[int, str, dict | None]:
        request = tmp_path / "request.txt"
        request.write_text(content + "\n")
        review = tmp_path / "review.json"
        review.unlink(missing_ok=True)
        code = main(
            ["sign", str(request), "--mnemonic-file", str(mnemonic), "--review-json", str(review), *extra]
        )
        out = capsys.readouterr().out
        return code, out, json.loads(review.read_text()) if review.exists() else None

    return go


def ur_request(sign_data: bytes, data_type: int, **kw: object) -> str:
    return encode_single(to_ur(erc4527(sign_data, data_type, **kw)))


def test_unlimited_approve_needs_accept_risk(run) -> None:
    # MAX - 1: the suite's secret scanner treats 64 hex "f"s (the ZOO24 test entropy) as a leaked secret.
    t = tx(USDC, calldata("approve(address,uint256)", SPENDER, MAX - 1))
    code, out, review = run(ur_request(t.raw, 4, request_id=b"\x07" * 16))
    assert code == 3 and out == ""
    assert review["kind"] == "eth-tx"
    assert {"code": "unlimited-approval", "severity": "danger"}.items() <= review["warnings"][0].items()
    code, out, _ = run(ur_request(t.raw, 4, request_id=b"\x07" * 16), "--accept-risk")
    assert code == 0
    reply = decode_ur(decode_single(out.strip()))
    assert reply.request_id == b"\x07" * 16 and reply.signature[64] in (0, 1)


def test_raw_hex_transaction_returns_signed_transaction(run) -> None:
    t = tx(USDC, calldata("transfer(address,uint256)", BOB, 10**6))
    code, out, review = run("0x" + t.raw.hex())
    assert code == 0 and review["title"] == f"Send 1 USDC to {BOB}"
    assert Account.recover_transaction(out.strip()) == ABANDON_ADDR0


def test_raw_ur_bytes_reply_is_ur_bytes(run) -> None:
    t = tx(a(BOB), value=10**17)
    code, out, _ = run(encode_single(to_ur(Bytes(t.raw))))
    assert code == 0
    signed = decode_ur(decode_single(out.strip().lower())).data
    assert Account.recover_transaction(signed) == ABANDON_ADDR0


def test_typed_data_json_file(run) -> None:
    code, out, review = run(json.dumps(MAIL))
    assert code == 0 and review["kind"] == "eth-typed-data"
    signature = bytes.fromhex(out.strip()[2:])
    assert Account.recover_message(encode_typed_data(full_message=MAIL), signature=signature) == ABANDON_ADDR0


def test_bare_hash_is_refused_without_override(run) -> None:
    code, out, review = run("0x" + "ab" * 32)
    assert code == 3 and out == "" and review["kind"] == "eth-message"
    assert review["warnings"][0]["code"] == "blind-hash-signature"


def test_request_for_another_seed_is_refused_even_with_override(run) -> None:
    code, out, review = run(
        ur_request(tx(a(BOB), value=1).raw, 4, fingerprint=ABANDON_FP + 1), "--accept-risk"
    )
    assert code == 3 and out == "" and review["refusals"][0]["code"] == "wrong-seed"


def test_erc4527_reply_cannot_be_bbqr(run) -> None:
    code, out, _ = run(ur_request(b"hello", 3, chain_id=None), "--format", "bbqr")
    assert code == 2 and out == ""


def test_a_damaged_address_history_does_not_stop_signing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One bad record (here the seed's address history) never stops unrelated work; the next
    signature replaces it with a readable history."""
    from signer.keys.envelope import TEST_KDF
    from signer.keys.seed import Bip39Seed
    from signer.keys.vault import Vault

    monkeypatch.setenv("AIRLOCK_PASSWORD", "pw")
    vault = Vault.create(tmp_path / "vault", "pw", TEST_KDF)
    vault.add_seed("main", Bip39Seed.from_mnemonic(ABANDON))
    vault.set_history("main", {"eth": {"version": 7, "addresses": "damaged"}})
    vault.lock()
    request = tmp_path / "request.txt"
    request.write_text("0x" + tx(USDC, calldata("transfer(address,uint256)", BOB, 10**6)).raw.hex() + "\n")
    code = main(["sign", str(request), "--vault", str(tmp_path / "vault"), "--seed", "main"])
    assert code == 0, capsys.readouterr().err
    history = Vault.open(tmp_path / "vault", "pw").get("main").history["eth"]
    assert history["version"] == 1 and history["addresses"] == [BOB.lower()]
