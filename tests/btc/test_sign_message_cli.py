"""The sign-message request through the CLI: ``airlock sign FILE`` answers with the base64 signature
(what the device shows and Sparrow reads back), ``airlock message sign --qr FILE`` with the JSON of
``message sign``; refusals exit 3 with nothing on stdout."""

from __future__ import annotations

import json

import pytest
from builders import MNEMONIC

from signer.cli import main
from signer.commands.qr import encode_texts

P2WPKH = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
REQUEST = "signmessage m/84h/0h/0h/0/0 ascii:I control this address\non two lines"
MESSAGE = "I control this address\non two lines"


@pytest.fixture()
def mnemonic_file(secret_input):
    return str(secret_input("words.txt", MNEMONIC + "\n"))


def verified(address: str, message: str, signature: str, capsys) -> bool:  # type: ignore[no-untyped-def]
    code = main(["message", "verify", "--address", address, "--signature", signature, "--message", message])
    capsys.readouterr()
    return code == 0


def test_airlock_sign_answers_a_request_with_its_signature(tmp_path, mnemonic_file, capsys) -> None:
    req = tmp_path / "request.txt"
    req.write_text(REQUEST + "\n")
    review = tmp_path / "review.json"
    args = ["sign", str(req), "--mnemonic-file", mnemonic_file, "--review-json", str(review)]
    assert main(args) == 0
    out, err = capsys.readouterr()
    signature = out.strip()
    assert "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu" in err and "    on two lines" in err
    facts = json.loads(review.read_text())
    assert facts["address"] == P2WPKH and facts["path"] == "m/84h/0h/0h/0/0" and facts["format"] == "electrum"
    assert verified(P2WPKH, MESSAGE, signature, capsys)


def test_a_request_in_ur_bytes_is_signed_too(tmp_path, mnemonic_file, capsys) -> None:
    req = tmp_path / "request.txt"
    req.write_text("\n".join(encode_texts(REQUEST.encode(), "ur", "bytes", None, None)) + "\n")
    assert main(["sign", str(req), "--mnemonic-file", mnemonic_file]) == 0
    assert verified(P2WPKH, MESSAGE, capsys.readouterr().out.strip(), capsys)


def test_message_sign_qr_prints_the_signature_json(tmp_path, mnemonic_file, capsys) -> None:
    req = tmp_path / "request.txt"
    req.write_text("signmessage m/49h/0h/0h/0/0 ascii:hello world")
    assert main(["message", "sign", "--qr", str(req), "--mnemonic-file", mnemonic_file]) == 0
    signed = json.loads(capsys.readouterr().out)
    assert signed["address"] == "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf" and signed["format"] == "electrum"
    assert verified(signed["address"], "hello world", signed["signature"], capsys)


@pytest.mark.parametrize(
    ("text", "code", "match"),
    [
        ("signmessage m/86h/0h/0h/0/0 ascii:hi", 3, "taproot address"),
        ("signmessage m/48h/0h/0h/2h/0/0 ascii:hi", 3, "not a BIP-44/49/84/86 address path"),
        ("signmessage m/84h/0h/0h/0/4294967296 ascii:hi", 3, "index out of range"),
        ("signmessage m/84h/0h/0h/0/0 hex:6869", 2, "Airlock reads only 'ascii:'"),
        ("signmessage m/84h/0h/0h/0/0 ascii:", 2, "empty message"),
    ],
)
def test_refused_and_malformed_requests_sign_nothing(
    tmp_path, mnemonic_file, capsys, text, code, match
) -> None:
    req = tmp_path / "request.txt"
    req.write_text(text)
    for args in (["sign", str(req)], ["message", "sign", "--qr", str(req)]):
        assert main([*args, "--mnemonic-file", mnemonic_file]) == code
        out, err = capsys.readouterr()
        assert out == "" and match in err


def test_testnet_path_against_mainnet_option_is_a_usage_error(tmp_path, mnemonic_file, capsys) -> None:
    req = tmp_path / "request.txt"
    req.write_text("signmessage m/84h/1h/0h/0/0 ascii:hi")
    assert main(["sign", str(req), "--mnemonic-file", mnemonic_file, "--network", "main"]) == 2
    assert "is for test, not --network main" in capsys.readouterr().err
    assert main(["sign", str(req), "--mnemonic-file", mnemonic_file, "--network", "regtest"]) == 0
    assert capsys.readouterr().err.count("m/84h/1h/0h/0/0 (regtest)") == 1


def test_qr_and_explicit_message_do_not_mix(tmp_path, mnemonic_file, capsys) -> None:
    req = tmp_path / "request.txt"
    req.write_text(REQUEST)
    args = ["message", "sign", "--qr", str(req), "--message", "x", "--mnemonic-file", mnemonic_file]
    assert main(args) == 2 and "--qr brings its own path and message" in capsys.readouterr().err
    assert main(["message", "sign", "--mnemonic-file", mnemonic_file, "--message", "x"]) == 2
    assert "say what to sign" in capsys.readouterr().err


def test_message_sign_never_prints_control_codes_to_the_terminal(mnemonic_file, capsys) -> None:
    args = ["message", "sign", "--address-path", "m/84h/0h/0h/0/0", "--message", "\x1b[2Jhi\x07"]
    assert main([*args, "--mnemonic-file", mnemonic_file]) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b[2Jhi\\x07" in err
