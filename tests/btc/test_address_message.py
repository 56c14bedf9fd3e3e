"""Address check (single-sig and registered multisig) and message signing (BIP-137, BIP-322)."""

from __future__ import annotations

import base64

import pytest
import shared_vectors
from builders import H, root_from
from embit import ec

from signer.btc import BtcKeys
from signer.btc.address_check import check_address
from signer.btc.errors import AddressError, MessageError, PathError
from signer.btc.message import (
    bip322_message_hash,
    bip322_tx_hashes,
    sign_message,
    verify_bip137,
    verify_message,
)
from signer.btc.networks import address_from_script, script_from_address

BIP322_BASIC = "bip322/basic-test-vectors.json"
BIP322_GEN = "bip322/generated-test-vectors.json"


@pytest.fixture(scope="module")
def keys():
    return BtcKeys(root_from(), "main")


# --- address check --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("address", "path"),
    [
        ("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", "m/84h/0h/0h/0/0"),  # BIP-84 vector
        (
            "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr",
            "m/86h/0h/0h/0/0",
        ),  # BIP-86 vector
        ("37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf", "m/49h/0h/0h/0/0"),  # BIP-49 vector
    ],
)
def test_known_addresses_are_found(keys, address: str, path: str) -> None:
    match = check_address(address, keys, gap=5)
    assert match is not None and match.path == path and not match.change


def test_change_address_found_deeper(keys) -> None:
    sec = keys.pubkey((84 + H, H, H, 1, 37))
    addr = address_from_script(b"\x00\x14" + __import__("embit").hashes.hash160(sec), "main")
    assert check_address(addr, keys, gap=20) is None
    match = check_address(addr, keys, gap=40)
    assert match is not None and match.change and match.index == 37


def test_foreign_and_wrong_network_addresses(keys) -> None:
    stranger = address_from_script(b"\x00\x14" + bytes(20), "main")
    assert check_address(stranger, keys, gap=10) is None
    with pytest.raises(AddressError, match="another network"):
        check_address("tb1qcr8te4kr609gcawutmrza0j4xv80jy8zn4ppf6", keys, gap=10)
    with pytest.raises(AddressError):
        check_address("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyx", keys, gap=10)  # bad checksum


def test_multisig_address_found(keys) -> None:
    from test_multisig import MNEMONICS, descriptor

    roots = [root_from(m, "test") for m in MNEMONICS[:3]]
    desc = descriptor(roots)
    tkeys = BtcKeys(roots[1], "test", [desc])
    spk = tkeys.multisig[0].scripts_at(1, 7)[0]
    match = check_address(address_from_script(spk, "test"), tkeys, gap=10)
    assert (
        match is not None and match.wallet == tkeys.multisig[0].name and match.path == "1/7" and match.change
    )


@pytest.mark.parametrize("text", ["", "bc1", "1BoatSLRHtKNngkdXEeobR76b53LETtpyX", "xyz"])
def test_malformed_addresses(text: str) -> None:
    with pytest.raises(AddressError):
        script_from_address(text, "main")


# --- BIP-137 --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "header"), [((44 + H, H, H, 0, 0), 31), ((49 + H, H, H, 0, 0), 35), ((84 + H, H, H, 0, 0), 39)]
)
def test_bip137_sign_and_verify(keys, path, header) -> None:
    signed = sign_message(keys, path, "Airlock test message")
    raw = base64.b64decode(signed.signature)
    assert len(raw) == 65 and header <= raw[0] <= header + 3
    assert verify_message(signed.address, "Airlock test message", signed.signature).valid
    assert not verify_message(signed.address, "Airlock test messagE", signed.signature).valid
    electrum = sign_message(keys, path, "hi", "electrum")
    assert 31 <= base64.b64decode(electrum.signature)[0] <= 34
    assert verify_bip137(electrum.address, "hi", electrum.signature).valid


def test_bip137_known_vector() -> None:
    """Cross-implementation: a recoverable signature made by coincurve (another libsecp256k1 binding)
    over our BIP-137 digest verifies with our header handling and address check."""
    key = ec.PrivateKey(bytes.fromhex("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d"))
    keys_sec = key.get_public_key().sec()
    import coincurve
    from embit.hashes import hash160

    from signer.btc.message import bip137_digest

    addr = address_from_script(b"\x76\xa9\x14" + hash160(keys_sec) + b"\x88\xac", "main")
    sig = coincurve.PrivateKey(key.secret).sign_recoverable(bip137_digest("hello"), hasher=None)
    header = 31 + sig[64]
    signature = base64.b64encode(bytes([header]) + sig[:64]).decode()
    assert verify_bip137(addr, "hello", signature).valid  # coincurve-made signature verifies here


def test_bip137_refuses_taproot_and_bad_paths(keys) -> None:
    with pytest.raises(MessageError, match="taproot"):
        sign_message(keys, (86 + H, H, H, 0, 0), "x")
    with pytest.raises(PathError):
        sign_message(keys, (84 + H, 1 + H, H, 0, 0), "x")  # testnet coin type on a mainnet signer
    with pytest.raises(PathError):
        sign_message(keys, (84 + H, H, H, 0 + H, 0), "x")


# --- BIP-322 --------------------------------------------------------------------------------------
def _hash_cases(data):
    return [(f"hash-{n}", c) for n, c in enumerate(data["tx_hashes"])]


@pytest.mark.parametrize("case", shared_vectors.cases(BIP322_BASIC, _hash_cases))
def test_bip322_hashes(case) -> None:
    assert bip322_message_hash(case["message"]).hex() == case["message_hash"]
    assert bip322_tx_hashes(case["address"], case["message"]) == (
        case["to_spend_tx_hash"],
        case["to_sign_tx_hash"],
    )


def _signature_cases(data):
    out = []
    for group in ("simple", "full", "proof_of_funds"):
        for n, c in enumerate(data.get(group, [])):
            for k, sig in enumerate(c["bip322_signatures"]):
                out.append((f"{group}-{n}-{c['type']}-{k}", {**c, "sig": sig}))
    return out


def _expected_state(case) -> str:
    if case["sig"].startswith("pof") or "time-lock" in case["type"]:
        return "inconclusive"  # needs the UTXO set / a full script interpreter: never reported valid
    return "valid"


@pytest.mark.parametrize(
    "case",
    shared_vectors.cases(BIP322_BASIC, _signature_cases) + shared_vectors.cases(BIP322_GEN, _signature_cases),
)
def test_bip322_signature_vectors(case) -> None:
    assert verify_message(case["address"], case["message"], case["sig"]).state == _expected_state(case)


def _error_cases(data):
    return [(f"error-{n}-{c['description'][:40]}", c) for n, c in enumerate(data["error"])]


@pytest.mark.parametrize(
    "case", shared_vectors.cases(BIP322_BASIC, _error_cases) + shared_vectors.cases(BIP322_GEN, _error_cases)
)
def test_bip322_error_vectors(case) -> None:
    try:
        result = verify_message(case["address"], case["message"], case["signature"])
    except MessageError as exc:
        assert case["error_substr"].lower() in str(exc).lower()
        return
    assert result.state == "invalid" and case["error_substr"].lower() in result.reason.lower()


# embedded: the BIP-322 text's own example key and signatures
BIP322_WIF = "L3VFeEujGtevx9w18HD1fhRbCH67Az2dpCymeRE1SoPK6XQtaN2k"
BIP322_ADDR = "bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l"
BIP322_HELLO = (
    "AkcwRAIgZRfIY3p7/DoVTty6YZbWS71bc5Vct9p9Fia83eRmw2QCICK/ENGfwLtptFluMGs2KsqoNSk89pO7F29zJLUx9a/sASECx/"
    "EgAxlkQpQ9hYjgGu6EBCPMVPwVIVJqO4XCsMvViHI="
)


def test_bip322_embedded_vector_and_our_signature_matches_it() -> None:
    assert verify_message(BIP322_ADDR, "Hello World", BIP322_HELLO).valid
    assert verify_message(BIP322_ADDR, "Hello World", "smp" + BIP322_HELLO).valid
    assert not verify_message(BIP322_ADDR, "Hello world", BIP322_HELLO).valid
    from embit.hashes import hash160
    from embit.script import Script

    from signer.btc.message import _to_sign, _to_spend
    from signer.btc.sign import ecdsa_sign
    from signer.btc.wire import stack_bytes

    key = ec.PrivateKey.from_wif(BIP322_WIF)
    sec = key.get_public_key().sec()
    spk = script_from_address(BIP322_ADDR, "main")
    tx = _to_sign(_to_spend(spk, "Hello World").txid())
    digest = tx.sighash_segwit(0, Script(b"\x76\xa9\x14" + hash160(sec) + b"\x88\xac"), 0, sighash=1)
    ours = base64.b64encode(stack_bytes([ecdsa_sign(key, digest) + b"\x01", sec])).decode()
    assert ours == BIP322_HELLO  # low-R RFC 6979 signature, as Bitcoin Core makes it


@pytest.mark.parametrize("path", [(84 + H, H, H, 0, 3), (86 + H, H, H, 1, 2)])
def test_bip322_sign_and_verify(keys, path) -> None:
    signed = sign_message(keys, path, "proof of address", "bip322")
    assert signed.signature.startswith("smp")
    assert verify_message(signed.address, "proof of address", signed.signature).valid
    assert verify_message(
        signed.address, "proof of address", signed.signature[3:]
    ).valid  # no-prefix fallback
    assert not verify_message(signed.address, "proof of address!", signed.signature).valid


def test_bip322_sign_refuses_legacy_types(keys) -> None:
    with pytest.raises(MessageError, match="P2WPKH and P2TR"):
        sign_message(keys, (44 + H, H, H, 0, 0), "x", "bip322")


@pytest.mark.parametrize("text", ["m/８４h/0h/0h/0/0", "m/84h/0h/0h/0/²", "m/84h/٠h/0h/0/0"])
def test_paths_take_only_ascii_digits(text: str) -> None:
    """Unicode digits must not parse: fullwidth ones used to pass as 84, a superscript crashed int()."""
    from signer.btc.networks import parse_path

    with pytest.raises(PathError, match="bad element"):
        parse_path(text)


@pytest.mark.parametrize(
    "address", ["bc1\nqcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", "1BvBMSEYstWetqTFn5Au4m4GFg7x\rJaNVN2"]
)
def test_an_address_with_a_line_break_inside_is_refused_in_one_line(address: str) -> None:
    """The error quoted the address as it was, so its message spanned two lines."""
    with pytest.raises(AddressError, match="no spaces or line breaks") as refused:
        verify_message(address, "hi", "H" + "A" * 87)
    assert "\n" not in str(refused.value) and "\r" not in str(refused.value)


@pytest.mark.parametrize("text", ["m/84h/" + "1" * 4301, "m/84h/0h/" + "9" * 11 + "h", "m/2147483648"])
def test_path_indexes_longer_than_any_index_are_out_of_range(text: str) -> None:
    """More digits than int() reads from text (4300) escaped as its ValueError."""
    from signer.btc.networks import parse_path

    with pytest.raises(PathError, match="out of range"):
        parse_path(text)
