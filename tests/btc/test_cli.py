"""``airlock sign``, ``airlock address check`` and ``airlock message`` through the real CLI entry point."""

from __future__ import annotations

import base64
import json

import pytest
from builders import MNEMONIC, Wallet, build_psbt, external, root_from

from signer.btc import load_psbt
from signer.cli import main
from signer.commands.qr import encode_texts
from signer.transport.assembler import Assembler


@pytest.fixture()
def mnemonic_file(secret_input):
    return str(secret_input("words.txt", MNEMONIC + "\n"))  # exempt from the suite's plaintext-secret scan


def _psbt(sighash=None, nwu=True, wu_override=None) -> bytes:
    w = Wallet(root_from(), "p2wpkh")
    return build_psbt(
        [w.utxo(100_000, salt=1, sighash=sighash, nwu=nwu, wu_override=wu_override)],
        [external(60_000), w.change(39_000, 1)],
    )


def _assemble(lines: list[str]):
    asm = Assembler()
    for line in lines:
        asm.add(line)
    return asm.result


def test_sign_base64_file_writes_review_and_signed_psbt(tmp_path, mnemonic_file, capsys) -> None:
    raw = _psbt()
    req = tmp_path / "req.txt"
    req.write_text(base64.b64encode(raw).decode())
    out_json = tmp_path / "review.json"
    assert main(["sign", str(req), "--mnemonic-file", mnemonic_file, "--review-json", str(out_json)]) == 0
    captured = capsys.readouterr()
    signed = load_psbt(captured.out.strip())
    assert signed.inputs[0].partial_sigs and "CHANGE" in captured.err
    review = json.loads(out_json.read_text())
    assert (
        review["kind"] == "btc-psbt" and review["fee"] == 1_000 and review["outputs"][1]["kind"] == "change"
    )


def test_sign_shows_what_is_sent_and_the_fee(tmp_path, mnemonic_file, capsys) -> None:
    """The review on the terminal says what leaves the wallet and the fee, with its rate and size."""
    req = tmp_path / "req.psbt"
    req.write_bytes(_psbt())
    assert main(["sign", str(req), "--mnemonic-file", mnemonic_file]) == 0
    err = capsys.readouterr().err
    assert "  sending 0.00060000 BTC, fee 0.00001000 BTC (7.1 sat/vB, 141 vB)" in err.splitlines()


@pytest.mark.parametrize(("fmt", "typ"), [("ur", "crypto-psbt"), ("ur", "psbt"), ("bbqr", "P")])
def test_sign_answers_in_the_request_format(tmp_path, mnemonic_file, capsys, fmt: str, typ: str) -> None:
    raw = _psbt()
    req = tmp_path / "req.txt"
    req.write_text("\n".join(encode_texts(raw, fmt, typ, 60 if fmt == "ur" else None, None)) + "\n")
    assert main(["sign", str(req), "--mnemonic-file", mnemonic_file]) == 0
    payload = _assemble(capsys.readouterr().out.split())
    assert payload.format == fmt and payload.type_label == typ
    assert load_psbt(payload.data).inputs[0].partial_sigs


def test_refusal_exits_3_and_signs_nothing_even_with_accept_risk(tmp_path, mnemonic_file, capsys) -> None:
    """witness_utxo and the previous transaction disagree: refused, whatever the person accepts."""
    req = tmp_path / "req.psbt"
    req.write_bytes(_psbt(wu_override=(10_000_000, Wallet(root_from(), "p2wpkh").spk(0, 0))))
    out_json = tmp_path / "review.json"
    args = ["sign", str(req), "--mnemonic-file", mnemonic_file, "--review-json", str(out_json)]
    assert main(args) == 3
    captured = capsys.readouterr()
    assert captured.out == "" and "utxo-mismatch" in captured.err
    assert json.loads(out_json.read_text())["refusals"][0]["code"] == "utxo-mismatch"
    assert main([*args, "--accept-risk"]) == 3
    assert capsys.readouterr().out == ""


def test_missing_previous_tx_needs_accept_risk_then_signs(tmp_path, mnemonic_file, capsys) -> None:
    """Issue 9.8: witness_utxo only (as Sparrow and BlueWallet send) is no dead end: exit 3 with the
    fee risk explained, signed with --accept-risk."""
    req = tmp_path / "req.psbt"
    req.write_bytes(_psbt(nwu=False))
    out_json = tmp_path / "review.json"
    args = ["sign", str(req), "--mnemonic-file", mnemonic_file, "--review-json", str(out_json)]
    assert main(args) == 3
    captured = capsys.readouterr()
    assert captured.out == "" and "missing-utxo" in captured.err and "larger fee" in captured.err
    review = json.loads(out_json.read_text())
    assert not review["refusals"] and review["inputs"][0]["amount_source"] == "claimed"
    assert [w["severity"] for w in review["warnings"] if w["code"] == "missing-utxo"] == ["danger"]
    assert main([*args, "--accept-risk"]) == 0
    assert load_psbt(capsys.readouterr().out.strip()).inputs[0].partial_sigs


def test_danger_needs_accept_risk(tmp_path, mnemonic_file, capsys) -> None:
    req = tmp_path / "req.psbt"
    req.write_bytes(_psbt(sighash=2))
    assert main(["sign", str(req), "--mnemonic-file", mnemonic_file]) == 3
    assert capsys.readouterr().out == ""
    assert main(["sign", str(req), "--mnemonic-file", mnemonic_file, "--accept-risk"]) == 0
    assert load_psbt(capsys.readouterr().out.strip()).inputs[0].partial_sigs


def _specter_parts(text: str, count: int) -> list[str]:
    size = -(-len(text) // count)
    return [f"p{n + 1}of{count} {text[n * size : (n + 1) * size]}" for n in range(count)]


@pytest.mark.parametrize("form", ["specter", "electrum"])
def test_sign_reads_specter_parts_and_electrum_base43(tmp_path, mnemonic_file, capsys, form: str) -> None:
    """Texts saved from a Specter animated QR (pMofN parts, any order) or Electrum's base43 QR."""
    from signer.transport import base43

    raw = _psbt()
    if form == "specter":
        lines = _specter_parts(base64.b64encode(raw).decode(), 4)[::-1]
    else:
        lines = [base43.encode(raw)]
    req = tmp_path / "req.txt"
    req.write_text("\n".join(lines) + "\n")
    assert main(["sign", str(req), "--mnemonic-file", mnemonic_file]) == 0
    assert load_psbt(capsys.readouterr().out.strip()).inputs[0].partial_sigs


def test_malformed_request_is_a_clean_error(tmp_path, mnemonic_file, capsys) -> None:
    req = tmp_path / "req.txt"
    req.write_text("cHNidP8BAAoCAAAAAAAAAAAAAA==garbage")
    assert main(["sign", str(req), "--mnemonic-file", mnemonic_file]) != 0
    assert "airlock:" in capsys.readouterr().err


def test_address_check_cli(mnemonic_file, capsys) -> None:
    ours = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
    assert main(["address", "check", ours, "--mnemonic-file", mnemonic_file, "--gap", "3"]) == 0
    assert json.loads(capsys.readouterr().out)["path"] == "m/84h/0h/0h/0/0"
    stranger = "bc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq9e75rs"
    assert main(["address", "check", stranger, "--mnemonic-file", mnemonic_file, "--gap", "3"]) == 1


@pytest.mark.parametrize("index", ["²", "1" * 4400])
def test_address_check_account_index_takes_ascii_digits_only(mnemonic_file, capsys, index: str) -> None:
    """Not a crash in int(): "²" passes isdigit(), and int() refuses more than 4300 digits."""
    ours = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
    args = ["address", "check", ours, "--mnemonic-file", mnemonic_file, "--account", f"btc-84:{index}"]
    assert main(args) == 2
    assert "the index must be a number" in capsys.readouterr().err


@pytest.mark.parametrize(
    "form",
    [
        "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=0.5&label=Rent%20May",
        "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?foo",  # a parameter without a value
        "BITCOIN:BC1QCR8TE4KR609GCAWUTMRZA0J4XV80JY8Z306FYU?AMOUNT=0.5",
        "BC1QCR8TE4KR609GCAWUTMRZA0J4XV80JY8Z306FYU",
    ],
)
def test_address_check_cli_reads_every_bitcoin_form(mnemonic_file, capsys, form: str) -> None:
    """Issue 9.5: bitcoin: URIs were refused as addresses."""
    assert main(["address", "check", form, "--mnemonic-file", mnemonic_file, "--gap", "3"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert (doc["address"], doc["ours"], doc["path"]) == (
        "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
        True,
        "m/84h/0h/0h/0/0",
    )
    assert err.splitlines() == [
        "Address is ours: bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
        "This is your address.",
        "Seed: mnemonic file",
        "Account: BIP-84 native segwit account 0",
        "Receive address #0",
        "Path: m/84h/0h/0h/0/0",
    ]


def test_address_check_cli_ethereum_and_not_found(mnemonic_file, capsys) -> None:
    eth = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
    argv = ["--mnemonic-file", mnemonic_file, "--gap", "3"]
    assert main(["address", "check", eth.lower(), f"ethereum:{eth}@1", *argv]) == 0
    docs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = ("ethereum", eth, "m/44h/60h/0h/0/0")
    assert [(d["chain"], d["address"], d["path"]) for d in docs] == [expected, expected]
    stranger = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert main(["address", "check", f"bitcoin:{stranger}?amount=1", *argv]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["ours"] is False
    assert err.splitlines() == [
        f"Not found: {stranger}",
        "Not found in the first 3 receive and change addresses of BIP-84 native segwit account 0 of the "
        "seed 'mnemonic file'.",
    ]
    assert main(["address", "check", "bitcoin:?lightning=lnbc1", *argv]) == 1
    assert "no on-chain address" in capsys.readouterr().err


def test_message_sign_and_verify_cli(mnemonic_file, capsys) -> None:
    assert (
        main(
            [
                "message",
                "sign",
                "--address-path",
                "m/84h/0h/0h/0/0",
                "--message",
                "hello",
                "--format",
                "bip322",
                "--mnemonic-file",
                mnemonic_file,
            ]
        )
        == 0
    )
    signed = json.loads(capsys.readouterr().out)
    assert (
        main(
            [
                "message",
                "verify",
                "--address",
                signed["address"],
                "--message",
                "hello",
                "--signature",
                signed["signature"],
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "message",
                "verify",
                "--address",
                signed["address"],
                "--message",
                "hell0",
                "--signature",
                signed["signature"],
            ]
        )
        == 1
    )


def test_the_review_json_is_replaced_whole_or_not_at_all(tmp_path, mnemonic_file, capsys) -> None:
    """A crash while the review is written (simulated before the rename of atomic_file) leaves the
    previous review as it was, never a truncated document; a stream (/dev/null here) still works."""
    from signer import atomic_file

    req = tmp_path / "req.psbt"
    req.write_bytes(_psbt())
    out_json = tmp_path / "review.json"
    out_json.write_text('{"previous": "review"}\n')
    args = ["sign", str(req), "--mnemonic-file", mnemonic_file, "--review-json", str(out_json)]

    def crash(step: str) -> None:
        if step == "rename":
            raise OSError(28, "No space left on device")

    atomic_file.FAULT_HOOK = crash
    try:
        assert main(args) == 2
    finally:
        atomic_file.FAULT_HOOK = None
    assert "cannot write" in capsys.readouterr().err
    assert json.loads(out_json.read_text()) == {"previous": "review"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".review")] == []
    assert main([*args[:-1], "/dev/null"]) == 0
