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


@pytest.fixture
def sign_cli(tmp_path: Path, secret_input: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]):
    """Run ``airlock sign`` with any arguments; (exit code, stdout, stderr, review JSON or None)."""
    mnemonic = secret_input("words.txt", ABANDON + "\n")

    def go(*args: str) -> tuple[int, str, str, dict | None]:
        review = tmp_path / "review.json"
        review.unlink(missing_ok=True)
        code = main(["sign", *args, "--mnemonic-file", str(mnemonic), "--review-json", str(review)])
        captured = capsys.readouterr()
        doc = json.loads(review.read_text()) if review.exists() else None
        return code, captured.out, captured.err, doc

    return go


def test_plain_text_file_signs_as_personal_message_with_message_flag(sign_cli, tmp_path: Path) -> None:
    from eth_account.messages import encode_defunct

    msg = tmp_path / "msg.txt"
    msg.write_text("hello world\n")  # the file's final newline ends the line; it is not signed
    code, out, _, review = sign_cli("--message", str(msg))
    assert code == 0 and review["kind"] == "eth-message"
    assert review["message"]["text"] == "hello world" and review["message"]["length"] == 11
    signature = bytes.fromhex(out.strip()[2:])
    assert Account.recover_message(encode_defunct(b"hello world"), signature=signature) == ABANDON_ADDR0


def test_plain_text_without_message_flag_says_how(sign_cli, tmp_path: Path) -> None:
    msg = tmp_path / "msg.txt"
    msg.write_text("hello world\n")
    code, out, err, review = sign_cli(str(msg))
    assert code == 2 and out == "" and review is None
    assert "--message" in err and "Traceback" not in err


def test_message_text_is_signed_literally_even_when_it_looks_like_hex(sign_cli) -> None:
    from eth_account.messages import encode_defunct

    code, out, _, review = sign_cli("--message-text", "0x02f8")
    assert code == 0 and review["message"]["text"] == "0x02f8"
    signature = bytes.fromhex(out.strip()[2:])
    assert Account.recover_message(encode_defunct(text="0x02f8"), signature=signature) == ABANDON_ADDR0


def test_message_flag_refuses_what_is_not_plain_text(sign_cli, tmp_path: Path) -> None:
    ur = tmp_path / "ur.txt"
    ur.write_text(ur_request(b"hello", 3, chain_id=None) + "\n")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00hello")
    for path, expected in ((ur, "QR text"), (binary, "UTF-8")):
        code, out, err, review = sign_cli("--message", str(path))
        assert code == 2 and out == "" and review is None and expected in err
    assert sign_cli()[0] == 2  # neither FILE nor --message-text
    assert sign_cli(str(ur), "--message-text", "hi")[0] == 2  # both


def test_a_format_the_request_cannot_be_answered_in_keeps_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ERC-4527 request is answered with ur:eth-signature only: with --format bbqr nothing is
    printed, and the seed's address history does not learn the recipient of a signature it never gave."""
    from signer.keys.envelope import TEST_KDF
    from signer.keys.seed import Bip39Seed
    from signer.keys.vault import Vault

    monkeypatch.setenv("AIRLOCK_PASSWORD", "pw")
    vault = Vault.create(tmp_path / "vault", "pw", TEST_KDF)
    vault.add_seed("main", Bip39Seed.from_mnemonic(ABANDON))
    vault.lock()
    request = tmp_path / "request.txt"
    request.write_text(ur_request(tx(a(BOB), value=10**17).raw, 4) + "\n")
    argv = ["sign", str(request), "--vault", str(tmp_path / "vault"), "--seed", "main", "--format", "bbqr"]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "" and "--format must be ur" in captured.err
    assert "eth" not in Vault.open(tmp_path / "vault", "pw").get("main").history
