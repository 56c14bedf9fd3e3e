"""Plain single QR codes: PSBT text, raw transactions, addresses, BIP-21, EIP-55, EIP-681 and key text."""

from __future__ import annotations

import base64
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_vectors import cases

from signer.transport import plain
from signer.transport.errors import TransportError

# Bitcoin's genesis coinbase transaction (txid 4a5e1e4b...da33b).
GENESIS_TX = bytes.fromhex(
    "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104"
    "455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365"
    "636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967"
    "f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c"
    "702b6bf11d5fac00000000"
)
# BIP-174 "PSBT with one P2PKH input. Outputs are empty" (valid).
P2PKH_PSBT_B64 = (
    "cHNidP8BAHUCAAAAASaBcTce3/KF6Tet7qSze3gADAVmy7OtZGQXE8pCFxv2AAAAAAD+////AtPf9QUAAAAAGXapFNDFmQPFusKG"
    "h2DpD9UhpGZap2UgiKwA4fUFAAAAABepFDVF5uM7gyxHBQ8k0+65PJwDlIvHh7MuEwAAAQD9pQEBAAAAAAECiaPHHqtNIOA3G7uk"
    "zGmPopXJRjr6Ljl/hTPMti+VZ+UBAAAAFxYAFL4Y0VKpsBIDna89p95PUzSe7LmF/////4b4qkOnHf8USIk6UwpyN+9rRgi7st0t"
    "AXHmOuxqSJC0AQAAABcWABT+Pp7xp0XpdNkCxDVZQ6vLNL1TU/////8CAMLrCwAAAAAZdqkUhc/xCX/Z4Ai7NK9wnGIZeziXikiI"
    "rHL++E4sAAAAF6kUM5cluiHv1irHU6m80GfWx6ajnQWHAkcwRAIgJxK+IuAnDzlPVoMR3HyppolwuAJf3TskAinwf4pfOiQCIAGL"
    "ONfc0xTnNMkna9b7QPZzMlvEuqFEyADS8vAtsnZcASED0uFWdJQbrUqZY3LLh+GFbTZSYG2YVi/jnF6efkE/IQUCSDBFAiEA0SuF"
    "LYXc2WHS9fSrZgZU327tzHlMDDPOXMMJ/7X85Y0CIGczio4OFyXBl/saiK9Z9R5E5CVbIBZ8hoQDHAXR8lkqASECI7cr7vCWXRC+"
    "B3jv7NYfysb3mk6haTkzgHNEZPhPKrMAAAAAAAAA"
)
BIP84_FIRST = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"  # BIP-84 m/84'/0'/0'/0/0
BIP86_FIRST = "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"  # BIP-86 m/86'/0'/0'/0/0
BIP49_TESTNET = "2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2"  # BIP-49 test vector (testnet P2SH-P2WPKH)
SATOSHI_P2PKH = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
# EIP-55 examples: normal (mixed case), all caps, all lower.
EIP55 = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]
EIP55_ALL_CAPS = ["0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D"]
EIP55_ALL_LOWER = ["0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26"]
DESCRIPTOR = (
    "wpkh([65fb43fe/84h/1h/0h]tpubDDe8bRQqws125ChaJ4ZoB6qVbFn1sBubiim6SYcfmFz8XVSp4WWiMj4gAuzSxJPRDZwT9rT928wQ"
    "mWX993CAq4TjBXdcoCUtuG2E115mLD5/<0;1>/*)#na408ft8"
)
TPUB = DESCRIPTOR[25:136]


# --- PSBT and transactions ---------------------------------------------------------------------


def test_base64_and_hex_psbt() -> None:
    raw = base64.b64decode(P2PKH_PSBT_B64)
    for text in (P2PKH_PSBT_B64, raw.hex(), raw.hex().upper(), "  " + P2PKH_PSBT_B64 + "\n"):
        payload = plain.recognise(text)
        assert payload is not None and (payload.kind, payload.format, payload.data) == ("psbt", "plain", raw)


def test_broken_psbt_text_is_refused() -> None:
    with pytest.raises(TransportError, match="not valid base64"):
        plain.recognise(P2PKH_PSBT_B64[:-3] + "!!!")
    with pytest.raises(TransportError, match="odd number"):
        plain.recognise("70736274ff0")


def test_raw_transaction_hex() -> None:
    payload = plain.recognise(GENESIS_TX.hex())
    assert payload is not None and (payload.kind, payload.data) == ("bitcoin-tx", GENESIS_TX)
    assert plain.recognise(GENESIS_TX[:-1].hex()) is None  # truncated: just hex, not a transaction
    assert plain.recognise((GENESIS_TX + b"\x00").hex()) is None  # trailing byte
    assert plain.recognise("deadbeef" * 16) is None


def _psbt_cases(data: dict) -> list[tuple[str, dict]]:
    return [(f"{n}-{c['description'][:40]}", c) for n, c in enumerate(data["bip174_cases"]) if "base64" in c]


@pytest.mark.parametrize("case", cases("psbt/bip174-370-371-test-vectors.json", _psbt_cases))
def test_bip174_vector_text_forms(case: dict) -> None:
    raw = bytes.fromhex(case["hex"])
    from_b64, from_hex = plain.recognise(case["base64"]), plain.recognise(case["hex"])
    if raw.startswith(plain.PSBT_MAGIC):
        # only the magic is checked here; the Bitcoin layer rejects the invalid ones
        assert from_b64 is not None and from_b64.kind == "psbt" and from_b64.data == raw
        assert from_hex is not None and from_hex.data == raw
    else:  # the "network transaction, not PSBT" case
        assert from_b64 is None
        assert from_hex is not None and from_hex.kind == "bitcoin-tx" and from_hex.data == raw


# --- Bitcoin addresses and BIP-21 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "network", "script_type"),
    [
        (BIP84_FIRST, "main", "p2wpkh"),
        (BIP84_FIRST.upper(), "main", "p2wpkh"),
        (BIP86_FIRST, "main", "p2tr"),
        (BIP49_TESTNET, "test", "p2sh"),
        (SATOSHI_P2PKH, "main", "p2pkh"),
        ("bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", "main", "p2wsh"),  # BIP-173
        ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "test", "p2wsh"),  # BIP-173
        ("bcrt1qs758ursh4q9z627kt3pp5yysm78ddny6txaqgw", "regtest", "p2wpkh"),
    ],
)
def test_bitcoin_addresses(address: str, network: str, script_type: str) -> None:
    payload = plain.recognise(address)
    assert payload is not None and payload.kind == "bitcoin-address"
    parsed = payload.obj
    assert isinstance(parsed, plain.BitcoinAddress)
    assert (parsed.network, parsed.script_type) == (network, script_type)
    assert parsed.address == (address.lower() if address[:2].lower() in ("bc", "tb") else address)


def _addresses(data: dict) -> list[tuple[str, str]]:
    out = [(v["address"], v["address"]) for k in ("bip84", "bip86") for v in data[k] if "address" in v]
    out += [
        (m, m) for v in data["bip49"] for m in re.findall(r"\b2[1-9A-HJ-NP-Za-km-z]{33}\b", json.dumps(v))
    ]
    return out


@pytest.mark.parametrize("address", cases("bip86/bip49-84-86-test-vectors.json", _addresses))
def test_bip_vector_addresses(address: str) -> None:
    parsed = plain.parse_bitcoin_address(address)
    expected = {"bc1q": "p2wpkh", "bc1p": "p2tr"}.get(address[:4], "p2sh")
    assert parsed.script_type == expected


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        (BIP84_FIRST[:-1] + "v", "bech32 checksum"),
        (BIP84_FIRST[:10] + BIP84_FIRST[10:].upper(), "mixes upper and lower case"),
        ("bc1zw508d6qejxtdg4c3zdrny5l7z2f3sd2pqt6gy8", "bech32"),  # BIP-350: v2 with a bech32 checksum
        (SATOSHI_P2PKH[:-1] + "b", "base58 checksum"),
    ],
)
def test_invalid_bitcoin_addresses(address: str, reason: str) -> None:
    with pytest.raises(TransportError, match=reason):
        plain.recognise(address)


# --- Ethereum ---------------------------------------------------------------------------------


@pytest.mark.parametrize("address", EIP55)
def test_eip55_checksummed_addresses(address: str) -> None:
    payload = plain.recognise(address)
    assert payload is not None and payload.kind == "eth-address"
    parsed = payload.obj
    assert isinstance(parsed, plain.EthAddress)
    assert parsed.address == address and parsed.checksum_verified
    assert plain.eth_checksum_address(address[2:].lower()) == address


@pytest.mark.parametrize("address", EIP55_ALL_CAPS + EIP55_ALL_LOWER)
def test_single_case_addresses_carry_no_checksum(address: str) -> None:
    from eth_utils import to_checksum_address  # an independent implementation

    parsed = plain.parse_eth_address(address)
    assert not parsed.checksum_verified
    assert parsed.address == to_checksum_address(address.lower())


@pytest.mark.parametrize("address", EIP55)
def test_eip55_single_case_flip_is_caught(address: str) -> None:
    position = next(i for i, c in enumerate(address) if i > 1 and c.isalpha())
    flipped = address[:position] + address[position].swapcase() + address[position + 1 :]
    with pytest.raises(TransportError, match="EIP-55"):
        plain.recognise(flipped)


@settings(max_examples=40, deadline=None)
@given(raw=st.binary(min_size=20, max_size=20))
def test_eip55_matches_eth_utils(raw: bytes) -> None:
    from eth_utils import to_checksum_address

    assert plain.eth_checksum_address(raw.hex()) == to_checksum_address("0x" + raw.hex())


def test_eip681_erc20_transfer() -> None:
    token, recipient = EIP55[0], EIP55[1]
    uri = f"ethereum:{token}@1/transfer?address={recipient}&uint256=2.014e18"
    payload = plain.recognise(uri)
    assert payload is not None and payload.kind == "eip681"
    request = payload.obj
    assert isinstance(request, plain.EIP681)
    assert (request.target.address, request.chain_id, request.function, request.value) == (
        token,
        1,
        "transfer",
        None,
    )
    assert request.transfer_recipient == plain.EthAddress(recipient, True)
    assert request.transfer_amount == 2_014_000_000_000_000_000


def test_eip681_payment() -> None:
    request = plain.parse_eip681(f"ethereum:pay-{EIP55_ALL_LOWER[0]}@137?value=1e18&gasLimit=21000")
    assert request.target.address == plain.eth_checksum_address(EIP55_ALL_LOWER[0][2:])
    assert (request.chain_id, request.function, request.value) == (137, None, 10**18)
    assert request.transfer_recipient is None and request.param("gasLimit") == "21000"
    assert plain.parse_eip681(f"ethereum:{EIP55[2]}").chain_id is None


@pytest.mark.parametrize(
    ("number", "value"),
    [("0", 0), ("1", 1), ("2.014e18", 2_014_000_000_000_000_000), ("1.50e1", 15), ("1.0", 1), ("+7e2", 700)],
)
def test_eip681_numbers(number: str, value: int) -> None:
    assert plain.parse_eip681_number(number) == value


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("ethereum:alice.eth?value=1", "ENS names"),
        (f"ethereum:{EIP55[0]}?value=1.5", "not a whole number"),
        (f"ethereum:{EIP55[0]}?value=-1", "negative"),
        (f"ethereum:{EIP55[0]}?value=1e99", "exceeds 2\\*\\*256"),
        # more digits than int() reads from text (4300): its ValueError escaped
        (f"ethereum:{EIP55[0]}?value=" + "1" * 4301, "exceeds 2\\*\\*256"),
        (f"ethereum:{EIP55[0]}?value=" + "1" * 3400 + "e999", "exceeds 2\\*\\*256"),
        (f"ethereum:{EIP55[0]}/transfer?address={EIP55[1]}&uint256=" + "9" * 5000, "exceeds 2\\*\\*256"),
        (f"ethereum:{EIP55[0]}@0", "chain id"),
        (f"ethereum:{EIP55[0]}@abc", "chain id"),
        (f"ethereum:{EIP55[0]}/trans-fer", "function name"),
        (f"ethereum:{EIP55[0]}/transfer?address=0x1234", "not an Ethereum address"),
        (f"ethereum:{EIP55[0][:-1]}D", "EIP-55"),
    ],
)
def test_bad_eip681_is_refused(uri: str, reason: str) -> None:
    with pytest.raises(TransportError, match=reason):
        plain.recognise(uri)


# --- key and wallet text -----------------------------------------------------------------------

SPARROW_MULTISIG = f"""# Exported from Sparrow
Name: family vault
Policy: 2 of 3
Derivation: m/48'/1'/0'/2'
Format: P2WSH

65FB43FE: {TPUB}
"""


@pytest.mark.parametrize(
    "text",
    [
        DESCRIPTOR,
        DESCRIPTOR.split("#")[0],
        TPUB,
        f"[65fb43fe/84h/1h/0h]{TPUB}",
        SPARROW_MULTISIG,
        json.dumps({"label": "vault", "blockheight": 0, "descriptor": DESCRIPTOR}),
        json.dumps({"chain": "XTN", "xfp": "65FB43FE", "bip84": {"xpub": TPUB}}),
        "sh(wpkh(03a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd))",
    ],
)
def test_key_text_is_classified(text: str) -> None:
    payload = plain.recognise(text)
    assert payload is not None and payload.kind == "descriptor-text"
    assert payload.obj == text.strip() and payload.data == text.strip().encode()


def _account_key(version: str, path: str) -> str:
    from embit.bip32 import HDKey
    from embit.bip39 import mnemonic_to_seed
    from embit.networks import NETWORKS

    seed = mnemonic_to_seed(
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
    )
    return HDKey.from_seed(seed).derive(path).to_public().to_base58(version=NETWORKS["main"][version])


@pytest.mark.parametrize(
    "text",
    [
        _account_key("zpub", "m/84h/0h/0h"),
        _account_key("ypub", "m/49h/0h/0h"),
        _account_key("xpub", "m/44h/0h/0h"),
        "[73c5da0a/84h/0h/0h]" + _account_key("zpub", "m/84h/0h/0h"),
        "[73C5DA0A/84'/0'/0']" + _account_key("xpub", "m/84h/0h/0h"),
        f"[73c5da0a/48h/0h/0h/2h]{_account_key('Zpub', 'm/48h/0h/0h/2h')}",
    ],
)
def test_account_keys_with_or_without_origin(text: str) -> None:
    payload = plain.recognise(text)
    assert payload is not None and payload.kind == "descriptor-text"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (TPUB[:50] + ("B" if TPUB[50] != "B" else "C") + TPUB[51:], "public key 1 fails its checksum"),
        (f"[65fb43fe/84h/1h/0h]{TPUB}/0/*,{TPUB[:-1]}X", "extended public key 2 fails its checksum"),
        (DESCRIPTOR[:-1] + ("9" if DESCRIPTOR[-1] != "9" else "8"), "descriptor checksum #.* does not match"),
        (DESCRIPTOR.replace("84h/1h", "84h/2h"), "does not match"),  # altered, checksum kept
        (DESCRIPTOR[:-3], "not 8 checksum characters"),
        (f"[65fb43fg/84h/1h/0h]{TPUB}", "key origin is malformed"),
        (f"[65fb43fe/84x/1h/0h]{TPUB}", "key origin is malformed"),
        (f"[65fb43/84h/1h/0h]{TPUB}", "key origin is malformed"),
    ],
)
def test_broken_key_text_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(TransportError, match=reason):
        plain.recognise(text)


def test_other_json_and_unknown_text() -> None:
    payload = plain.recognise('{"hello": [1, 2, 3]}')
    assert payload is not None and payload.kind == "json"
    for text in ("hello world", "", "   ", "42", "[" * 5000, "https://example.com/?a=1", "0x1234"):
        try:
            assert plain.recognise(text) is None
        except TransportError:  # "0x1234" is short enough to be nothing at all
            pytest.fail(f"{text[:20]!r} should not be a recognised format")
    assert plain.recognise(b"\xff\xfe\x00binary") is None


def test_extended_private_key_is_refused() -> None:
    xprv = (  # BIP-86 test vector root key
        "xprv9s21ZrQH143K3GJpoapnV8SFfukcVBSfeCficPSGfubmSFDxo1kuHnLisriDvSnRRuL2Qrg5ggqHKNVpxR86QEC8w35u"
        "xmGoggxtQTPvfUu"
    )
    with pytest.raises(TransportError, match="private key") as caught:
        plain.recognise(f"wpkh({xprv}/84h/0h/0h/0/*)")
    assert xprv[:12] not in str(caught.value)
