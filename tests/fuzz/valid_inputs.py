"""Valid examples of every input the fuzz targets damage: built once per run from the suite's test
seeds (ABANDON, LEGAL) with the suite's own builders, so every mutation starts from something the
decoder accepts and each target reaches past its first check."""

from __future__ import annotations

import base64
import io
import json
from functools import cache

# eth-account imports py_ecc, which raises the recursion limit to 100,000: the device runs like
# that after its first Ethereum review, so the targets do too, from the start (and hypothesis does
# not see the limit change in the middle of a test)
import eth_account  # noqa: F401
from btc.builders import Out, Wallet, bip322_to_spend, build_psbt, external, root_from
from btc.multisig_files import (
    bsms_record,
    caravan_json,
    coldcard_text,
    cosigner,
    descriptor,
    specter_json,
)
from embit.descriptor.checksum import checksum

ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
LEGAL = "legal winner thank year wave sausage worth useful legal winner thank yellow"
PASSWORD = "fuzz password 1"
KEF_ROUNDS = 10_001  # the fewest PBKDF2 rounds a KEF envelope can name (bounds each decryption)


# -- Bitcoin ----------------------------------------------------------------------------------------
@cache
def root():  # type: ignore[no-untyped-def]
    return root_from()


@cache
def psbts() -> tuple[bytes, ...]:
    """Signable PSBTs of every single-sig script type, versions 0 and 2."""
    out = []
    for kind, version in (("p2wpkh", 0), ("p2tr", 2), ("p2sh-p2wpkh", 2), ("p2pkh", 0)):
        w = Wallet(root(), kind)
        out.append(
            build_psbt(
                [w.utxo(100_000, 0, 1, salt=1)], [external(60_000), w.change(39_000, 2)], version=version
            )
        )
    return tuple(out)


PROOF_MESSAGE = b"I own this address"


@cache
def proof_psbt() -> bytes:
    """A BIP-322 to_sign PSBT for our first receive address (simple layout)."""
    w = Wallet(root(), "p2wpkh")
    first = w.spending(bip322_to_spend(w.spk(0, 0), PROOF_MESSAGE), 0, 0, 0, sequence=0, nwu=False)
    return build_psbt([first], [Out(0, b"\x6a")], tx_version=0)


@cache
def addresses() -> tuple[str, ...]:
    from signer.btc import BtcKeys
    from signer.btc.networks import address_from_script

    keys = BtcKeys(root(), "main")
    ours = [
        address_from_script(Wallet(root(), kind).spk(0, 0), keys.network)
        for kind in ("p2wpkh", "p2tr", "p2pkh")
    ]
    return (
        *ours,
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
        "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
        "bcrt1q6rhpng9evdsfnn833a4f4vej0asu6dk5srld6x",
    )


def bip21_uris() -> tuple[str, ...]:
    address = addresses()[0]
    return (
        f"bitcoin:{address}?amount=0.1&label=Coffee",
        f"BITCOIN:{address.upper()}?AMOUNT=20.3&LABEL=LUKE",
        "bitcoin:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2?amount=20.3&label=Luke-Jr&message=Donation%20for%20xyz",
        f"bitcoin:{address}?amount=.00000001&pj=https://example.com/pj&lightning=lnbc1",
        "bitcoin:?lightning=lnbc10u1p3pj257pp5yztkwjcz5ftl5laxkav23zmzekaw37zk6kmv80pk4xaev5qhtz7q",
        f"bitcoin:{address}?somethingyoudontunderstand=50&message=hi%20there",
    )


ETH_ADDRESS = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"  # ABANDON's first MetaMask address
USDC_TEXT = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"


def eip681_uris() -> tuple[str, ...]:
    return (
        f"ethereum:{ETH_ADDRESS}@1?value=2.014e18",
        f"ethereum:pay-{ETH_ADDRESS}@137?value=1e18&gas=21000",
        f"ethereum:{USDC_TEXT}@1/transfer?address={ETH_ADDRESS}&uint256=1.5e6",
        f"ethereum:{USDC_TEXT}/approve?address={ETH_ADDRESS}&uint256=1",
        f"ETHEREUM:{ETH_ADDRESS.lower()}",
    )


@cache
def key_texts() -> tuple[str, ...]:
    """An xpub, a key with origin, single-key descriptors with and without checksum, a JSON export."""
    account = root().derive("m/84h/0h/0h").to_public()
    xpub = account.to_base58()
    origin = f"[73c5da0a/84h/0h/0h]{xpub}"
    body = f"wpkh({origin}/0/*)"
    return (
        xpub,
        origin,
        body,
        f"{body}#{checksum(body)}",
        json.dumps({"xfp": "73C5DA0A", "bip84": {"xpub": xpub, "deriv": "m/84'/0'/0'"}}),
    )


@cache
def multisig_files() -> tuple[str, ...]:
    """One wallet in each format people have: descriptor, Specter, Caravan, Coldcard, BSMS."""
    from signer.btc.multisig import parse_descriptor

    keys = [cosigner(ABANDON), cosigner(LEGAL)]
    text = descriptor(keys, 2)
    first = parse_descriptor(text).address(0, 0)
    return (
        text,
        descriptor(keys, 1, "p2sh-p2wsh"),
        specter_json(keys, 2),
        caravan_json(keys, 2),
        coldcard_text(keys, 2),
        bsms_record(keys, 2, first),
    )


def sign_message_requests() -> tuple[str, ...]:
    return (
        "signmessage m/84h/0h/0h/0/0 ascii:hello world",
        "signmessage m/44h/0h/0h/0/3 ascii:a: b: ascii:c",
        "signmessage m/49'/0'/0'/1/0 ascii:Proof of reserves 2025",
        "signmessage m/84h/1h/0h/0/0 ascii:testnet",
    )


def mnemonic_texts() -> tuple[str, ...]:
    return (
        ABANDON,
        LEGAL.upper(),
        " ".join(w[:4] for w in LEGAL.split()),
        "\n".join(LEGAL.split()),
        " ".join(["zoo"] * 23 + ["vote"]),
    )


@cache
def specter_parts() -> tuple[str, ...]:
    text = base64.b64encode(psbts()[0]).decode()
    size = len(text) // 3 + 1
    chunks = [text[i : i + size] for i in range(0, len(text), size)]
    return tuple(f"p{n}of{len(chunks)} {c}" for n, c in enumerate(chunks, 1))


def bytewords_texts() -> tuple[str, ...]:
    from signer.transport import bytewords

    data = bytes.fromhex("d9012ca20150c7098580125e2ab0981253468b2dbc52")
    return tuple(bytewords.encode(data, style) for style in bytewords.Style)


# -- keys -------------------------------------------------------------------------------------------
@cache
def slip39_shares() -> tuple[tuple[str, ...], ...]:
    """Two sets of shares: a 2-of-3 split of ABANDON's entropy and a two-group split of LEGAL's."""
    from signer.keys.seed import Bip39Seed
    from signer.keys.slip39 import SplitPlan, split_bip39

    one = split_bip39(Bip39Seed.from_mnemonic(ABANDON), SplitPlan.single(2, 3))[0]
    two = split_bip39(Bip39Seed.from_mnemonic(LEGAL), SplitPlan.parse("2:2of2,1of1"))
    return tuple(one), tuple(s for group in two for s in group)


@cache
def kef_envelopes() -> tuple[bytes, ...]:
    """LEGAL's entropy in a KEF envelope of every version (words for the versions that cannot hold
    entropy ending in a zero byte), each at the fewest key rounds."""
    from signer.keys import kef
    from signer.keys.bip39 import entropy_from_mnemonic

    entropy = entropy_from_mnemonic(LEGAL)
    out = []
    for version in sorted(kef.VERSIONS):
        for secret in (entropy, LEGAL.encode()):
            try:
                out.append(kef.encrypt(secret, PASSWORD, b"73c5da0a", version=version, rounds=KEF_ROUNDS))
                break
            except kef.KefError:
                continue
    return tuple(out)


@cache
def kef_key() -> bytes:
    from signer.keys import kef

    return kef.derive_key(PASSWORD, b"73c5da0a", KEF_ROUNDS)


@cache
def sealed(magic: bytes, plaintext: bytes) -> bytes:
    from signer.keys import envelope

    return envelope.seal(magic, plaintext, PASSWORD, envelope.TEST_KDF)


@cache
def seed_record() -> dict:  # type: ignore[type-arg]
    """The vault/backup record of ABANDON with one registered multisig wallet."""
    from signer.keys.accounts import AccountSpec
    from signer.keys.seed import Bip39Seed
    from signer.keys.vault import SeedEntry

    material = Bip39Seed.from_mnemonic(ABANDON)
    entry = SeedEntry(
        "main", material, "73c5da0a", "2025-01-01T00:00:00+00:00", [AccountSpec("btc-84"), AccountSpec("eth")]
    )
    entry.add_multisig("Family", multisig_files()[0], "73c5da0a")
    return entry.to_json()


# -- images -----------------------------------------------------------------------------------------
@cache
def image_files() -> tuple[bytes, ...]:
    """A small QR code as PNG, JPEG, GIF, BMP, WEBP and TIFF file bytes."""
    from signer.transport.frames import render_qr

    image = render_qr("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", module_px=2, quiet_zone=2)
    out = []
    for fmt in ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF"):
        buffer = io.BytesIO()
        image.convert("L" if fmt != "GIF" else "P").save(buffer, format=fmt)
        out.append(buffer.getvalue())
    return tuple(out)


# -- Ethereum ---------------------------------------------------------------------------------------
@cache
def eth_requests() -> tuple[bytes, ...]:
    """Raw request bodies as ``parse_raw`` reads them: transactions, EIP-712 JSON, messages."""
    from eth.eth_builders import MAIL, SPENDER, USDC, calldata, permit2_single, tx

    approve = calldata("approve(address,uint256)", SPENDER, 2**256 - 1)
    return (
        tx(USDC, approve).raw,
        tx(USDC, calldata("multicall(bytes[])", [approve, approve])).raw,
        tx(None, b"\x60\x80", 5, tx_type=0).raw,
        json.dumps(MAIL).encode(),
        permit2_single(5, 2**40, 2**40),
        b"0x" + b"ab" * 32,
        b"Sign in to example.com",
    )


@cache
def eth_sign_requests() -> tuple[bytes, ...]:
    """ERC-4527 eth-sign-request CBOR bodies of each data type."""
    from eth.eth_builders import MAIL, SPENDER, USDC, calldata, erc4527, tx

    approve = calldata("approve(address,uint256)", SPENDER, 5)
    return (
        erc4527(tx(USDC, approve).raw, 4).to_cbor(),
        erc4527(tx(USDC, approve, tx_type=0).raw, 1).to_cbor(),
        erc4527(json.dumps(MAIL).encode(), 2).to_cbor(),
        erc4527(b"hello", 3, chain_id=None).to_cbor(),
    )


@cache
def message_signatures() -> tuple[tuple[str, str], ...]:
    """(address, signature) of MESSAGE in BIP-137, Electrum and BIP-322 (P2WPKH and P2TR) form."""
    from signer.btc import BtcKeys
    from signer.btc.message import sign_message
    from signer.btc.networks import parse_path

    keys = BtcKeys(root(), "main")
    out = []
    for path, fmt in (
        ("m/84h/0h/0h/0/0", "bip137"),
        ("m/44h/0h/0h/0/0", "electrum"),
        ("m/84h/0h/0h/0/0", "bip322"),
        ("m/86h/0h/0h/0/0", "bip322"),
    ):
        signed = sign_message(keys, parse_path(path), MESSAGE, fmt)
        out.append((signed.address, signed.signature))
    return tuple(out)


MESSAGE = "hello from the fuzz targets"


@cache
def risk_library() -> tuple[bytes, bytes]:
    """(a small signed risk library, its publisher's public key)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from signer.risk import build_library as builder
    from signer.risk.library import ANY_CHAIN, sign_library

    entries = [
        (1, b"\x01" * 20, "exploit: test"),
        (ANY_CHAIN, b"\x02" * 20, "OFAC sanctioned"),
        (137, b"\x03" * 20, "x"),
    ]
    body = builder.build(entries, version=2, created="2026-01-01T00:00:00Z", sources=[{"name": "test"}])
    private = bytes(range(32))
    public = (
        Ed25519PrivateKey.from_private_bytes(private)
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    return sign_library(body, private), public


# -- whole requests as they reach the CLI and the camera ---------------------------------------------
@cache
def psbt_qr_texts() -> tuple[str, ...]:
    """The first PSBT as the texts of each QR format: animated UR and BBQr (one part a line),
    one UR part, Specter's pMofN parts, base64, hex and Electrum's base43."""
    import cbor2

    from signer.transport import base43, bbqr
    from signer.transport.ur import UR, UREncoder

    psbt = psbts()[0]
    encoder = UREncoder(UR("crypto-psbt", cbor2.dumps(psbt)), 60)
    animated = "\n".join(encoder.next_part() for _ in range(encoder.seq_len + 2))
    single = UREncoder(UR("crypto-psbt", cbor2.dumps(psbt)), 2000).next_part()
    return (
        animated,
        single.upper(),
        "\n".join(bbqr.split(psbt, "P", min_version=3, max_version=6).parts),
        "\n".join(specter_parts()),
        base64.b64encode(psbt).decode(),
        psbt.hex(),
        base43.encode(psbt),
    )


@cache
def eth_request_texts() -> tuple[str, ...]:
    """Ethereum requests as the CLI reads them: ERC-4527 UR, 0x raw transaction, EIP-712 JSON."""
    from signer.transport.ur import UR, UREncoder

    return (
        UREncoder(UR("eth-sign-request", eth_sign_requests()[0]), 2000).next_part(),
        "0x" + eth_requests()[0].hex(),
        eth_requests()[3].decode(),
    )


@cache
def backup_blobs() -> tuple[bytes, ...]:
    """LEGAL's seed as an Airlock backup (fast KDF) and as a Krux KEF envelope in base43 text."""
    from signer.btc.multisig_registry import check_seed_records
    from signer.keys import envelope
    from signer.keys.accounts import AccountSpec
    from signer.keys.backup import export_backup
    from signer.keys.seed import Bip39Seed
    from signer.keys.vault import SeedEntry
    from signer.transport import base43

    entry = SeedEntry(
        "legal",
        Bip39Seed.from_mnemonic(LEGAL),
        "b8688df1",
        "2025-01-01T00:00:00+00:00",
        [AccountSpec("btc-84")],
    )
    blob = export_backup([entry], PASSWORD, envelope.TEST_KDF, check=check_seed_records)
    return blob, base43.encode(kef_envelopes()[-2]).encode()
