"""Rebuild the hostile corpus (tests/corpus/hostile/) from the test builders, byte for byte.

Each case is a file in the form an attacker would hand over (a PSBT, QR text lines, typed-data JSON,
raw transaction hex, a PNG, a backup, a wallet file) and an entry of ``manifest.json``: the command
it is given to, the exit code and review codes expected, whether ``--accept-risk`` may sign it, and
where the attack comes from. The files are made here, deterministically (fixed keys, salts and
nonces; deflate streams written by hand, so no zlib build can change a byte), and
tests/corpus/test_hostile_corpus.py checks that the committed files are exactly what this makes.

Run ``.venv/bin/python tests/corpus/make_hostile_corpus.py`` after changing a case.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
for _folder in (TESTS, TESTS / "btc", TESTS / "eth"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from builders import (  # noqa: E402
    MNEMONIC,
    OTHER_MNEMONIC,
    H,
    In,
    Out,
    Wallet,
    bip322_to_spend,
    build_psbt,
    external,
    funding_tx,
    multisig_ws,
    origin,
    p2wsh_spk,
    proprietary_key,
    root_from,
    spk_for,
)
from conftest import ABANDON, LEGAL, ZOO24  # noqa: E402
from embit.bip32 import HDKey  # noqa: E402
from eth_builders import (  # noqa: E402
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
    permit2_single,
    tx,
    typed,
)
from multisig_files import cosigner, descriptor  # noqa: E402

from signer.eth.safe import SAFE_TX_FIELDS  # noqa: E402

OUT = HERE / "hostile"
MANIFEST = "manifest.json"
KEEP = {MANIFEST, "README.md"}  # files in OUT that are not cases

# What the test gives each command besides the case's file and arguments (see hostile/README.md).
VAULT_SEED = "main"  # the test vault's seed: ABANDON, default accounts (btc-84, eth)
BACKUP_PASSWORD = "corpus backup password"  # handed over with a backup, as an attacker would
FAMILY = "family"  # the 2-of-3 wallet registered under the test vault's seed
NOW_FAR = 2**40  # a deadline no clock reaches: the reviews do not depend on the day they run

VERDICTS = ("refusal", "danger", "warning")
COMMANDS = ("sign", "qr decode", "backup restore", "multisig register", "address check", "message sign --qr")


def family_descriptor() -> str:
    """The mainnet 2-of-3 (ABANDON, LEGAL, ZOO24 at m/48'/0'/0'/2') the test vault has registered."""
    return descriptor([cosigner(m, "p2wsh", "main") for m in (ABANDON, LEGAL, ZOO24)], 2)


# ------------------------------------------------------------------ Bitcoin
THIEF = "letter advice cage absurd amount doctor acoustic avoid letter advice cage above"


def _root() -> HDKey:
    return root_from(MNEMONIC)


def btc_change_wrong_script_type() -> bytes:
    """A host that knows the BIP-84 xpub funds the P2PKH address of one of its keys with dust and
    offers 'change' in P2PKH at a BIP-84 change path: no BIP-84 wallet ever looks there."""
    root = _root()
    odd = Wallet(root, "p2pkh", account_path=(84 + H, H, H))
    good = Wallet(root, "p2wpkh")
    return build_psbt(
        [good.utxo(100_000, 0, 1, salt=1), odd.utxo(600, 0, 0, salt=2)],
        [external(40_000), odd.change(59_000, 3)],
    )


def btc_change_past_gap() -> bytes:
    w = Wallet(_root(), "p2wpkh")
    return build_psbt([w.utxo(100_000, 0, 3, salt=1)], [external(40_000), w.change(59_000, 1_003)])


def _multisig_out(mnemonics: tuple[str, ...], branch: int, index: int, amount: int) -> Out:
    """An output of the 2-of-N P2WSH sortedmulti of ``mnemonics`` at m/48'/0'/0'/2'/branch/index."""
    roots = [root_from(m) for m in mnemonics]
    path = (48 + H, H, H, 2 + H, branch, index)
    secs = [r.derive(list(path)).key.get_public_key().sec() for r in roots]
    ws = multisig_ws(2, secs)
    bip32 = {sec: origin(r.my_fingerprint, path) for r, sec in zip(roots, secs, strict=True)}
    return Out(amount, p2wsh_spk(ws), bip32=bip32, witness_script=ws)


def _family_spend(change: Out) -> bytes:
    """The family wallet spends its receive coin 0/4: 60,000 sat out, ``change`` back."""
    coin = _multisig_out((ABANDON, LEGAL, ZOO24), 0, 4, 100_000)
    inp = In(
        funding_tx([(coin.amount, coin.spk)], salt=7), 0, bip32=coin.bip32, witness_script=coin.witness_script
    )
    return build_psbt([inp], [external(60_000), change])


def btc_multisig_change_past_gap() -> bytes:
    return _family_spend(_multisig_out((ABANDON, LEGAL, ZOO24), 1, 1_004, 39_000))


def btc_multisig_change_swapped_cosigner() -> bytes:
    """'Change' to a 2-of-3 with the same threshold and two of the three keys: the third is the host's."""
    return _family_spend(_multisig_out((ABANDON, LEGAL, THIEF), 1, 5, 39_000))


def btc_missing_previous_tx() -> bytes:
    w = Wallet(_root(), "p2wpkh")
    return build_psbt([w.utxo(100_000, salt=1, nwu=False)], [external(90_000), w.change(9_000, 2)])


def btc_witness_utxo_lies() -> bytes:
    w = Wallet(_root(), "p2wpkh")
    inp = w.utxo(1_500_000_000, salt=1, wu_override=(500_000_001, w.spk(0, 0)))
    return build_psbt([inp], [external(499_000_000)])


def btc_wrong_previous_tx() -> bytes:
    w = Wallet(_root(), "p2wpkh")
    decoy = funding_tx([(100_000, w.spk(0, 0))], salt=99)
    return build_psbt([w.utxo(100_000, salt=1, nwu_override=decoy)], [external(90_000)])


def btc_bip322_hidden_message() -> bytes:
    """A BIP-322 to_sign passed off as a PSBT: signed, it proves a message the person never saw."""
    w = Wallet(_root(), "p2wpkh")
    message = b"I, the owner of this address, hand my account over to Mallory"
    first = w.spending(bip322_to_spend(w.spk(0, 0), message), 0, 0, 0, sequence=0, nwu=False)
    return build_psbt([first], [Out(0, b"\x6a")], tx_version=0)


def btc_bip322_proof_base64() -> bytes:
    return base64.b64encode(btc_bip322_hidden_message()) + b"\n"


def btc_op_return_burn() -> bytes:
    w = Wallet(_root(), "p2wpkh")
    burn = Out(5_000_000, b"\x6a\x04memo")
    return build_psbt([w.utxo(6_000_000, salt=1)], [external(90_000), burn, w.change(900_000, 1)])


def btc_input_above_21m() -> bytes:
    w = Wallet(_root(), "p2wpkh")
    inp = w.utxo(100_000, salt=1, nwu=False, wu_override=(21_000_000 * 10**8 + 1, w.spk(0, 0)))
    return build_psbt([inp], [external(90_000)])


def btc_inputs_sum_above_21m() -> bytes:
    w = Wallet(_root(), "p2tr")
    most = 21_000_000 * 10**8
    return build_psbt([w.utxo(most, 0, i, salt=i, nwu=False) for i in range(2)], [external(most)])


def btc_accepted_missing_tx_beside_a_lie() -> bytes:
    """One input without its previous transaction (acceptable), one whose witness_utxo lies."""
    w = Wallet(_root(), "p2wpkh")
    honest = w.utxo(100_000, 0, 1, salt=1, nwu=False)
    lying = w.utxo(1_500_000, 0, 2, salt=2, wu_override=(150_000, w.spk(0, 2)))
    return build_psbt([honest, lying], [external(240_000)])


def btc_taproot_anyonecanpay_witness_only() -> bytes:
    w = Wallet(_root(), "p2tr")
    return build_psbt([w.utxo(100_000, salt=1, nwu=False, sighash=0x81)], [external(90_000)])


def btc_change_to_another_seed() -> bytes:
    root = _root()
    w = Wallet(root, "p2wpkh")
    thief = root_from(OTHER_MNEMONIC).derive("m/84h/0h/0h/1/5").key.get_public_key().sec()
    fake = Out(50_000, spk_for("p2wpkh", thief), bip32={thief: origin(root.my_fingerprint, w.key_path(1, 5))})
    return build_psbt([w.utxo(100_000, salt=1)], [external(40_000), fake])


def btc_ransom_change() -> bytes:
    """Our key at an account and index no wallet scans: the coins would be ours, and lost."""
    root = _root()
    w = Wallet(root, "p2wpkh")
    path = (84 + H, H, 2**31 - 1 + H, 1, 2**31 - 1)
    sec = root.derive(list(path)).key.get_public_key().sec()
    out = Out(99_000, spk_for("p2wpkh", sec), bip32={sec: origin(root.my_fingerprint, path)})
    return build_psbt([w.utxo(100_000, salt=1)], [out])


def btc_sighash(sighash: int) -> Callable[[], bytes]:
    def make() -> bytes:
        w = Wallet(_root(), "p2wpkh")
        return build_psbt([w.utxo(100_000, salt=1, sighash=sighash)], [external(90_000)])

    return make


def btc_legacy_without_previous_tx() -> bytes:
    w = Wallet(_root(), "p2pkh")
    inp = w.utxo(100_000, salt=1, nwu=False)
    inp.wu = True  # all a host could give instead
    return build_psbt([inp], [external(90_000)])


def btc_duplicate_input() -> bytes:
    w = Wallet(_root(), "p2wpkh")
    inp = w.utxo(100_000, salt=1)
    return build_psbt([inp, inp], [external(190_000)])


def btc_outputs_above_inputs() -> bytes:
    w = Wallet(_root(), "p2wpkh")
    return build_psbt([w.utxo(100_000, salt=1)], [external(100_001)])


def btc_witness_utxo_of_a_stranger() -> bytes:
    w = Wallet(_root(), "p2wpkh")
    inp = w.utxo(100_000, salt=1, nwu=False, wu_override=(100_000, external(0).spk))
    return build_psbt([inp], [external(90_000)])


def btc_fee_high() -> bytes:
    w = Wallet(_root(), "p2wpkh")
    return build_psbt([w.utxo(140_000, salt=1)], [external(100_000), w.change(10_000, 1)])


def btc_deep_derivation_path() -> bytes:
    root = _root()
    inp = Wallet(root, "p2wpkh").utxo(100_000, salt=1)
    sec = next(iter(inp.bip32))
    inp.bip32[sec] = origin(root.my_fingerprint, tuple(range(300)))
    return build_psbt([inp], [external(90_000)])


def as_ur(make: Callable[[], bytes], fragment: int = 120) -> Callable[[], bytes]:
    def wrap() -> bytes:
        from signer.commands.qr import encode_texts

        return "".join(t + "\n" for t in encode_texts(make(), "ur", "crypto-psbt", fragment, None)).encode()

    return wrap


def text(value: str) -> Callable[[], bytes]:
    return lambda: (value + "\n").encode()


# ------------------------------------------------------------------ Ethereum
def _hex(raw: bytes) -> bytes:
    return ("0x" + raw.hex() + "\n").encode()


def _ur_request(sign_data: bytes, data_type: int, **kw: object) -> bytes:
    from signer.transport.ur import encode_single
    from signer.transport.urtypes import to_ur

    return (encode_single(to_ur(erc4527(sign_data, data_type, **kw))).upper() + "\n").encode()


def _json(doc: object) -> bytes:
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode()


def eth_typed_data_hidden_characters() -> bytes:
    doc = json.loads(json.dumps(MAIL))
    doc["domain"]["name"] = "Ether Mail\u202e"  # RIGHT-TO-LEFT OVERRIDE: reverses what follows
    doc["message"]["contents"] = "Hello\x1b[1A\x1b[2K, Bob!\u2066"  # terminal escapes: up a line, erase it
    return _json(doc)


def eth_unknown_typed_data() -> bytes:
    return _json(MAIL)


SAFE = "0x" + "5a" * 20
SAFE_TX = [list(field) for field in SAFE_TX_FIELDS]


def _safe_tx(to: str, data: bytes, operation: int) -> bytes:
    message = {
        "to": to,
        "value": 0,
        "data": "0x" + data.hex(),
        "operation": operation,
        "safeTxGas": 0,
        "baseGas": 0,
        "gasPrice": 0,
        "gasToken": "0x" + "00" * 20,
        "refundReceiver": "0x" + "00" * 20,
        "nonce": 3,
    }
    return typed("SafeTx", {"SafeTx": SAFE_TX}, {"chainId": 1, "verifyingContract": SAFE}, message) + b"\n"


def eth_safe_tx_delegatecall() -> bytes:
    return _safe_tx("0x" + "66" * 20, bytes.fromhex("deadbeef"), operation=1)


def eth_safe_tx_approve_max() -> bytes:
    return _safe_tx("0x" + USDC.hex(), calldata("approve(address,uint256)", SPENDER, MAX - 1), operation=0)


def eth_approve_near_max() -> bytes:
    return _hex(tx(USDC, calldata("approve(address,uint256)", SPENDER, 2**96 - 2)).raw)


SEAPORT_ITEM = [
    ("itemType", "uint8"),
    ("token", "address"),
    ("identifierOrCriteria", "uint256"),
    ("startAmount", "uint256"),
    ("endAmount", "uint256"),
]


def eth_seaport_one_wei() -> bytes:
    """A Seaport 1.6 listing of your NFT whose price, paid to you, is 1 wei: it passed the old rule
    'something is paid to the offerer'."""
    zero32 = "0x" + "00" * 32
    components = {
        "offerer": ABANDON_ADDR0,
        "zone": "0x" + "00" * 20,
        "offer": [
            {
                "itemType": 2,
                "token": "0x" + "33" * 20,
                "identifierOrCriteria": 7,
                "startAmount": "1",
                "endAmount": "1",
            }
        ],
        "consideration": [
            {
                "itemType": 0,
                "token": "0x" + "00" * 20,
                "identifierOrCriteria": 0,
                "startAmount": "1",
                "endAmount": "1",
                "recipient": ABANDON_ADDR0,
            }
        ],
        "orderType": 0,
        "startTime": 0,
        "endTime": NOW_FAR,
        "zoneHash": zero32,
        "salt": 1,
        "conduitKey": zero32,
        "counter": 0,
    }
    types = {
        "OrderComponents": [
            ("offerer", "address"),
            ("zone", "address"),
            ("offer", "OfferItem[]"),
            ("consideration", "ConsiderationItem[]"),
            ("orderType", "uint8"),
            ("startTime", "uint256"),
            ("endTime", "uint256"),
            ("zoneHash", "bytes32"),
            ("salt", "uint256"),
            ("conduitKey", "bytes32"),
            ("counter", "uint256"),
        ],
        "OfferItem": SEAPORT_ITEM,
        "ConsiderationItem": [*SEAPORT_ITEM, ("recipient", "address")],
    }
    domain = {
        "name": "Seaport",
        "version": "1.6",
        "chainId": 1,
        "verifyingContract": "0x0000000000000068F116a894984e2DB1123eB395",
    }
    return typed("OrderComponents", types, domain, components) + b"\n"


def eth_bitcoin_key_path() -> bytes:
    return _ur_request(tx(a(BOB), value=1).raw, 4, path="m/84'/0'/0'/0/0", fingerprint=ABANDON_FP)


def eth_7702_chain_zero() -> bytes:
    from signer.eth.sign import private_key_at, sign_authorization
    from signer.eth.tx import SET_CODE, Authorization
    from signer.keys.bip39 import mnemonic_to_seed

    key = private_key_at(mnemonic_to_seed(ABANDON), "m/44'/60'/0'/0/0")
    delegate = bytes.fromhex("63c0c19a282a1B52b07dD5a65b58948A07DAE32B")  # MetaMask's delegator
    y, r, s = sign_authorization(0, delegate, 8, key)
    auth = Authorization(0, delegate, 8, y, r, s)
    return _hex(tx(a(ABANDON_ADDR0), tx_type=SET_CODE, authorizations=(auth,)).raw)


def eth_siwe_lookalike_domain() -> bytes:
    domain = "app.un\u0456swap.org"  # a Cyrillic i among Latin letters
    message = "\n".join(
        [
            f"{domain} wants you to sign in with your Ethereum account:",
            ABANDON_ADDR0,
            "",
            "Sign in.",
            "",
            f"URI: https://{domain}",
            "Version: 1",
            "Chain ID: 1",
            "Nonce: 32891756",
        ]
    )
    return _ur_request(message.encode(), 3, chain_id=None)


def eth_message_with_control_codes() -> bytes:
    return _ur_request(b"clear\x1b[2Jscreen", 3, chain_id=None)


def eth_message_that_is_a_transaction() -> bytes:
    return _ur_request(tx(USDC).raw, 3, chain_id=None)


def eth_bare_hash() -> bytes:
    return ("0x" + "ab" * 32 + "\n").encode()


def eth_chain_mismatch() -> bytes:
    return _ur_request(tx(a(BOB), value=1, chain_id=10).raw, 4, chain_id=1)


def eth_request_for_another_seed() -> bytes:
    return _ur_request(tx(a(BOB), value=1).raw, 4, fingerprint=0x0BADF00D)


def eth_fake_permit2() -> bytes:
    return permit2_single(5, NOW_FAR, NOW_FAR, verifying="0x" + "ab" * 20) + b"\n"


def eth_ofac_recipient() -> bytes:
    return _hex(tx(a("0x722122dF12D4e14e13Ac3b6895a86e84145b6967"), value=10**16).raw)


def eth_router_foreign_recipient() -> bytes:
    router = a("0x66a9893cC07D91D95644AEDD05D03f95e1dBA8Af")
    pull = bytes(12) + USDC + bytes(12) + a(SPENDER) + (10**9).to_bytes(32, "big")  # PERMIT2_TRANSFER_FROM
    return _hex(tx(router, calldata("execute(bytes,bytes[])", b"\x02", [pull])).raw)


def eth_safe_exec_delegatecall() -> bytes:
    signature = "execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)"
    zero = "0x" + "00" * 20
    data = calldata(signature, SPENDER, 0, b"\xde\xad\xbe\xef", 1, 0, 0, 0, zero, zero, b"")
    return _hex(tx(a(SAFE), data).raw)


def eth_pre_eip155_legacy() -> bytes:
    """A legacy transaction of six fields: no chain id, so its signature is valid on every chain."""
    from signer.eth.rlpcodec import encode

    return _hex(encode([7, 30 * 10**9, 21_000, a(BOB), 10**18, b""]))


def eth_request_for_another_address() -> bytes:
    return _ur_request(tx(a(BOB), value=1).raw, 4, address=a(BOB))


def eth_blob_type_hex() -> bytes:
    return ("0x03" + "11" * 40 + "\n").encode()


# ------------------------------------------------------------------ hostile files
def nested_json() -> bytes:
    return b'{"primaryType": "Mail", "types": ' + b"[" * 50_000 + b"]" * 50_000 + b"}\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, idat: bytes) -> bytes:
    """A grayscale PNG (8 bits, no interlace) of ``width`` x ``height`` with the given pixel stream."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def zlib_stored(data: bytes) -> bytes:
    """A zlib stream of stored deflate blocks (RFC 1950/1951): the same bytes from any zlib."""
    out = bytearray(b"\x78\x01")
    chunks = [data[i : i + 65_535] for i in range(0, len(data), 65_535)] or [b""]
    for n, chunk in enumerate(chunks):
        out += bytes([n == len(chunks) - 1]) + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk
    return bytes(out) + struct.pack(">I", zlib.adler32(data))


class _Bits:
    """Deflate's bit order: fields least significant bit first, Huffman codes most significant first."""

    def __init__(self) -> None:
        self.out, self.acc, self.count = bytearray(), 0, 0

    def put(self, value: int, bits: int) -> None:
        self.acc |= value << self.count
        self.count += bits
        while self.count >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.count -= 8

    def code(self, code: int, bits: int) -> None:
        self.put(int(format(code, f"0{bits}b")[::-1], 2), bits)

    def done(self) -> bytes:
        return bytes(self.out) + (bytes([self.acc]) if self.count else b"")


def deflate_zeros(total: int) -> bytes:
    """``total`` zero bytes as one raw dynamic-Huffman deflate block of 2 bits per 258 bytes (RFC 1951
    3.2.7): the literal 0 (code 10), length 258 (code 0) at distance 1 (code 0), end of block (11)."""
    bits = _Bits()
    bits.put(1, 1)  # BFINAL
    bits.put(2, 2)  # dynamic Huffman codes
    bits.put(286 - 257, 5)  # HLIT: literal/length codes 0..285
    bits.put(0, 5)  # HDIST: one distance code
    order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1]
    bits.put(len(order) - 4, 4)  # HCLEN
    length_code = {18: (0, 1), 1: (2, 2), 2: (3, 2)}  # code-length alphabet: symbol -> (code, bits)
    for symbol in order:
        bits.put(length_code.get(symbol, (0, 0))[1], 3)

    def zeros(run: int) -> None:  # symbol 18: 11..138 zero lengths
        while run:
            step = min(run, 138)
            bits.code(*length_code[18])
            bits.put(step - 11, 7)
            run -= step

    bits.code(*length_code[2])  # literal 0: 2 bits
    zeros(255)
    bits.code(*length_code[2])  # end of block: 2 bits
    zeros(28)
    bits.code(*length_code[1])  # length code 285 (258 bytes): 1 bit
    bits.code(*length_code[1])  # distance code 0 (distance 1): 1 bit
    literals = total % 258 or 258
    for _ in range(literals):
        bits.code(2, 2)
    for _ in range((total - literals) // 258):
        bits.code(0, 1)
        bits.code(0, 1)
    bits.code(3, 2)
    return bits.done()


def zlib_zeros(total: int) -> bytes:
    """``total`` zero bytes as a zlib stream (RFC 1950) around :func:`deflate_zeros`."""
    adler = ((total % 65_521) << 16) | 1  # Adler-32 of zeros: a = 1, b = total
    return b"\x78\xda" + deflate_zeros(total) + struct.pack(">I", adler)


BOMB_SIDE = 8192  # within the side limit, four times the pixel limit; 67 MB decoded, 268 MB as RGBA


def png_bomb() -> bytes:
    return png(BOMB_SIDE, BOMB_SIDE, zlib_zeros(BOMB_SIDE * (BOMB_SIDE + 1)))


def png_huge_dimensions() -> bytes:
    return png(100_000, 100_000, zlib_stored(b""))


def png_broken() -> bytes:
    return png(100, 100, b"not zlib at all")


def png_truncated() -> bytes:
    return png(100, 100, zlib_stored((b"\x00" + b"\xff" * 100) * 100))[:200]


# signer/keys/envelope.py's documented layout: magic, version, KDF id, memory KiB, passes, lanes,
# salt, AEAD id, nonce, password check, contents length; then the contents and a SHA-256 trailer
ENVELOPE_HEADER = struct.Struct(">8sBBIIB16sB12s16sI")
BACKUP_MAGIC = b"AIRLOCKB"
TEST_KDF = (64, 1, 1)  # memory KiB, passes, lanes: envelope.TEST_KDF
FIXED_SALT = hashlib.sha256(b"corpus salt").digest()[:16]  # fixed so that the files are reproducible
FIXED_NONCE = hashlib.sha256(b"corpus nonce").digest()[:12]


def _envelope(kdf: tuple[int, int, int], check: bytes, contents: bytes, length: int) -> tuple[bytes, bytes]:
    """(header, header + contents) of a backup envelope; ``length`` is what the header announces."""
    memory, passes, lanes = kdf
    header = ENVELOPE_HEADER.pack(
        BACKUP_MAGIC, 1, 1, memory, passes, lanes, FIXED_SALT, 1, FIXED_NONCE, check, length
    )
    return header, header + contents


def sealed_backup(plaintext: bytes) -> bytes:
    """``plaintext`` sealed as an Airlock backup under BACKUP_PASSWORD (Argon2id, ChaCha20-Poly1305)."""
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    memory, passes, lanes = TEST_KDF
    derived = Argon2id(salt=FIXED_SALT, length=48, iterations=passes, lanes=lanes, memory_cost=memory)
    key = derived.derive(BACKUP_PASSWORD.encode())
    header, _ = _envelope(TEST_KDF, key[32:48], b"", len(plaintext) + 16)
    body = header + ChaCha20Poly1305(key[:32]).encrypt(FIXED_NONCE, plaintext, header)
    return body + hashlib.sha256(body).digest()


def backup_huge_kdf() -> bytes:
    """A well-formed backup whose header asks for Argon2id with 4 GiB and 64 passes (minutes of work
    and more memory than the Pi has, before the password is even checked); the contents are junk."""
    contents = (hashlib.sha256(b"junk").digest() * 16)[:512]
    _, body = _envelope((4 * 1024 * 1024, 64, 4), bytes(16), contents, len(contents))
    return body + hashlib.sha256(body).digest()


def _backup_of(mnemonic: str, records: list[dict[str, str]], claimed_fingerprint: str | None = None) -> bytes:
    from signer.keys.accounts import fingerprint
    from signer.keys.seed import Bip39Seed

    material = Bip39Seed.from_mnemonic(mnemonic)
    seed = {
        "label": "savings",
        "kind": "bip39",
        "fingerprint": claimed_fingerprint or fingerprint(material.bip32_seed("")),
        "created": "2025-01-01T00:00:00+00:00",
        "demo": False,
        "secret": material.to_json(),
        "accounts": [],
        "multisig": records,
    }
    doc = {"format": "airlock-backup", "version": 1, "created": "2025-01-01T00:00:00+00:00", "seeds": [seed]}
    return sealed_backup(json.dumps(doc).encode())


def backup_foreign_multisig() -> bytes:
    """LEGAL's seed with a 'family' wallet of ABANDON and ZOO24 that LEGAL is no cosigner of: restored,
    the device would sign for (and show as change) a wallet it is no part of."""
    foreign = descriptor([cosigner(m, "p2wsh", "main") for m in (ABANDON, ZOO24)], 2)
    return _backup_of(LEGAL, [{"name": "family", "descriptor": foreign}])


def backup_lying_fingerprint() -> bytes:
    """LEGAL's words under the fingerprint of the test vault's seed (ABANDON's): restoring used to
    skip it as 'already in the vault'."""
    return _backup_of(LEGAL, [], claimed_fingerprint=f"{ABANDON_FP:08x}")


def backup_nested_contents() -> bytes:
    inner = b'{"format": "airlock-backup", "version": 1, "seeds": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    return sealed_backup(inner)


def _two_psbts() -> tuple[bytes, bytes]:
    """Two PSBTs of the same length, so their BBQr parts get the same header, count and lengths."""
    w = Wallet(_root(), "p2wpkh")
    first = build_psbt([w.utxo(100_000, salt=1)], [external(90_000, b"alice")])
    second = build_psbt([w.utxo(100_000, salt=1)], [external(90_000, b"mallory")])
    return first, second


def _shifted_psbts() -> tuple[bytes, bytes]:
    """A PSBT, and the same with a proprietary global field first: split in three, the same header."""
    first = _two_psbts()[0]
    return first, first[:5] + proprietary_key(b"a", 10) + b"\x0a0123456789" + first[5:]


def _bbqr_parts(data: bytes) -> list[str]:
    from signer.transport import bbqr

    return list(bbqr.split(data, "P", encoding="H", min_split=3, max_split=3, min_version=1).parts)


def bbqr_same_part_twice() -> bytes:
    first, second = (_bbqr_parts(p) for p in _two_psbts())
    assert first[0][:8] == second[0][:8] and first[0] != second[0]
    return "".join(line + "\n" for line in [first[0], first[1], second[0], second[2]]).encode()


def bbqr_parts_of_two_files() -> bytes:
    """Parts 1 and 2 of one PSBT, part 3 of another: no part number repeats, the join does not parse."""
    first, second = (_bbqr_parts(p) for p in _shifted_psbts())
    assert first[0][:8] == second[0][:8]
    return "".join(line + "\n" for line in [first[0], first[1], second[2]]).encode()


def bbqr_part_of_another_length() -> bytes:
    first, second = (_bbqr_parts(p) for p in _shifted_psbts())
    return "".join(line + "\n" for line in [first[0], second[1], first[2]]).encode()


def bbqr_deflate_bomb() -> bytes:
    """A 'PSBT' of 3 MB of zeros in two BBQr Z parts of 2,400 characters: more than any request."""
    body = base64.b32encode(deflate_zeros(3 * 1024 * 1024)).decode().rstrip("=")
    size = -(-len(body) // 2)
    return "".join(f"B$ZP02{n:02d}{body[n * size : (n + 1) * size]}\n" for n in range(2)).encode()


def kef_huge_rounds() -> bytes:
    """A Krux encrypted mnemonic (KEF version 20, as its QR's base43 text) asking for 100 million
    PBKDF2 rounds: stored 10,000, which KEF multiplies by 10,000."""
    from signer.transport import base43

    payload = hashlib.sha256(b"corpus kef").digest()  # 12-byte IV, 16 bytes of ciphertext, 4 of tag
    envelope = bytes([6]) + b"corpus" + bytes([20]) + (10_000).to_bytes(3, "big") + payload
    return (base43.encode(envelope) + "\n").encode()


def _specter_parts(value: str, count: int) -> list[str]:
    size = -(-len(value) // count)
    return [f"p{m + 1}of{count} {value[m * size : (m + 1) * size]}" for m in range(count)]


def specter_first_part_alone() -> bytes:
    """The first of two Specter pMofN parts of the family wallet: it holds whole xpubs, but not all."""
    return (_specter_parts(family_descriptor(), 2)[0] + "\n").encode()


def multisig_not_a_cosigner() -> bytes:
    return (descriptor([cosigner(m, "p2wsh", "main") for m in (LEGAL, ZOO24)], 2) + "\n").encode()


def multisig_spoofed_fingerprint() -> bytes:
    """A wallet that names this seed's fingerprint beside a key the seed does not derive."""
    from embit.descriptor.checksum import checksum

    keys = [cosigner(m, "p2wsh", "main") for m in (LEGAL, ZOO24)]
    spoofed = replace(keys[0], fingerprint=f"{ABANDON_FP:08x}")
    body = descriptor([spoofed, keys[1]], 2).split("#")[0]
    return f"{body}#{checksum(body)}\n".encode()


def multisig_invisible_character() -> bytes:
    """The family wallet's descriptor with a zero-width space inside a key, its checksum kept: on
    most screens it reads exactly as the real one."""
    body, checksum = family_descriptor().split("#")
    at = body.index("xpub") + 10
    return f"{body[:at]}\u200b{body[at:]}#{checksum}\n".encode()


# ------------------------------------------------------------------ the cases
@dataclass(frozen=True)
class Case:
    file: str
    make: Callable[[], bytes]
    command: str
    exit: int
    verdict: str
    description: str
    source: str
    codes: dict[str, str] = field(default_factory=dict)  # review code -> severity ("refusal" if refused)
    error: str | None = None  # what the one error line says
    args: tuple[str, ...] = ()

    def entry(self) -> dict[str, object]:
        return {
            "file": self.file,
            "command": self.command,
            "args": list(self.args),
            "exit": self.exit,
            "codes": self.codes,
            "error": self.error,
            "verdict": self.verdict,
            "description": self.description,
            "source": self.source,
        }


DANGER, REFUSAL, WARNING = "danger", "refusal", "warning"

CASES: tuple[Case, ...] = (
    # -- Bitcoin PSBTs
    Case(
        "btc-change-wrong-script-type.psbt", btc_change_wrong_script_type, "sign", 3, DANGER,
        "P2PKH 'change' at a BIP-84 change path, beside a dust input of that type: no wallet finds it",
        "issue 10.1", {"change-wrong-type": "danger"},
    ),
    Case(
        "btc-change-past-gap.psbt", btc_change_past_gap, "sign", 3, DANGER,
        "change 1,000 indexes past the highest one spent: past any wallet's gap limit",
        "issue 10.1", {"change-index-gap": "danger"},
    ),
    Case(
        "btc-multisig-change-past-gap.psbt", btc_multisig_change_past_gap, "sign", 3, DANGER,
        "2-of-3 change of the registered wallet 1,000 indexes past the highest one spent",
        "issue 10.1", {"change-index-gap": "danger"},
    ),
    Case(
        "btc-multisig-change-swapped-cosigner.psbt", btc_multisig_change_swapped_cosigner, "sign", 3, DANGER,
        "2-of-3 'change' where one cosigner key is the host's: an external output, not change",
        "RISK.md 5.2 (Coldcard, Specter-DIY)", {"change-unverified": "danger"},
    ),
    Case(
        "btc-missing-previous-tx.txt", as_ur(btc_missing_previous_tx), "sign", 3, DANGER,
        "segwit v0 input with witness_utxo only (as UR parts): its amount is a claim, accepted only "
        "with the override",
        "issue 9.8, CVE-2020-14199", {"missing-utxo": "danger"},
    ),
    Case(
        "btc-witness-utxo-lies.psbt", btc_witness_utxo_lies, "sign", 3, REFUSAL,
        "witness_utxo amount differs from the previous transaction's output (the two-round fee attack)",
        "CVE-2020-14199", {"utxo-mismatch": "refusal"},
    ),
    Case(
        "btc-wrong-previous-tx.psbt", btc_wrong_previous_tx, "sign", 3, REFUSAL,
        "non_witness_utxo is another transaction than the one the input spends",
        "CVE-2020-14199, BIP-174", {"utxo-mismatch": "refusal"},
    ),
    Case(
        "btc-witness-utxo-of-a-stranger.psbt", btc_witness_utxo_of_a_stranger, "sign", 3, REFUSAL,
        "our key's origin on an input whose witness_utxo script is someone else's",
        "RISK.md 5.1", {"nothing-to-sign": "refusal"},
    ),
    Case(
        "btc-legacy-without-previous-tx.psbt", btc_legacy_without_previous_tx, "sign", 3, REFUSAL,
        "P2PKH input without its previous transaction (a legacy signature commits to no amount)",
        "RISK.md 5.1 (Coldcard)", {"missing-utxo": "refusal"},
    ),
    Case(
        "btc-bip322-hidden-message.txt", btc_bip322_proof_base64, "sign", 3, REFUSAL,
        "a BIP-322 to_sign disguised as a PSBT: it proves a message the person never sees",
        "issue 10.5, BIP-322", {"bip322-message-unknown": "refusal"},
    ),
    Case(
        "btc-bip322-hidden-message.txt", btc_bip322_proof_base64, "sign", 3, REFUSAL,
        "a BIP-322 proof presented as a login message while it commits to another one",
        "issue 10.5, BIP-322", {"bip322-message-mismatch": "refusal"},
        args=("--proof-message", "Login to example.com"),
    ),
    Case(
        "btc-op-return-burn.psbt", btc_op_return_burn, "sign", 3, DANGER,
        "0.05 BTC sent to an OP_RETURN output, where coins are destroyed",
        "issue 10.5", {"op-return-burn": "danger"},
    ),
    Case(
        "btc-input-above-21m.psbt", btc_input_above_21m, "sign", 1, REFUSAL,
        "an input amount above 21 million BTC",
        "issue 10.5", error="outside 0..21 million BTC",
    ),
    Case(
        "btc-inputs-sum-above-21m.psbt", btc_inputs_sum_above_21m, "sign", 3, REFUSAL,
        "taproot inputs of 21 million BTC each: possible one by one, impossible together",
        "issue 10.5", {"amount-invalid": "refusal"},
    ),
    Case(
        "btc-accepted-missing-tx-beside-a-lie.psbt", btc_accepted_missing_tx_beside_a_lie, "sign", 3, REFUSAL,
        "an input without its previous transaction (a danger one may accept) beside one whose "
        "witness_utxo lies: accepting the first never covers the second",
        "issue 9.8, CVE-2020-14199", {"missing-utxo": "danger", "utxo-mismatch": "refusal"},
    ),
    Case(
        "btc-taproot-anyonecanpay-witness-only.psbt", btc_taproot_anyonecanpay_witness_only, "sign", 3,
        REFUSAL,
        "a taproot input signed ANYONECANPAY with witness_utxo only: the signature commits to no other "
        "input's amount, so this one's is unproven",
        "BIP-341, RISK.md 5.1", {"missing-utxo": "refusal"},
    ),
    Case(
        "btc-change-to-another-seed.psbt", btc_change_to_another_seed, "sign", 3, REFUSAL,
        "'change' whose script is another seed's key under our change path",
        "RISK.md 5.2 (Coldcard FraudulentChangeOutput)", {"change-fraud": "refusal"},
    ),
    Case(
        "btc-ransom-change.psbt", btc_ransom_change, "sign", 3, DANGER,
        "everything sent to our key at account 2^31-1, index 2^31-1: ours, but no wallet would find it",
        "RISK.md 5.2, issue 10.1", {"change-unverified": "danger"},
    ),
    Case(
        "btc-sighash-none.psbt", btc_sighash(2), "sign", 3, DANGER,
        "SIGHASH_NONE: the outputs can be changed after signing",
        "RISK.md 5.3", {"sighash-nonstandard": "danger"},
    ),
    Case(
        "btc-sighash-invalid.psbt", btc_sighash(0x84), "sign", 3, REFUSAL,
        "a sighash type that does not exist",
        "RISK.md 5.3", {"sighash-invalid": "refusal"},
    ),
    Case(
        "btc-duplicate-input.psbt", btc_duplicate_input, "sign", 3, REFUSAL,
        "the same outpoint spent twice (its amount counted twice in the fee)",
        "CVE-2018-17144, RISK.md 5.1", {"duplicate-input": "refusal"},
    ),
    Case(
        "btc-outputs-above-inputs.psbt", btc_outputs_above_inputs, "sign", 3, REFUSAL,
        "outputs worth more than the inputs",
        "BIP-174", {"fee-negative": "refusal"},
    ),
    Case(
        "btc-fee-high.psbt", btc_fee_high, "sign", 3, DANGER,
        "a 30,000 sat fee on a 100,000 sat payment",
        "RISK.md 5.3", {"fee-high": "danger"},
    ),
    Case(
        "btc-deep-derivation-path.psbt", btc_deep_derivation_path, "sign", 1, REFUSAL,
        "a key origin of 300 derivation steps (300 derivations per key)",
        "issue 10 (resource bounds)", error="255",
    ),
    Case(
        "btc-signmessage-change-path.txt", text("signmessage m/84h/0h/0h/2/0 ascii:hello"),
        "message sign --qr", 3, REFUSAL,
        "a sign-message request for a key that is no receive or change address",
        "issue 10.8", error="must end in /0/i or /1/i",
    ),
    Case(
        "btc-signmessage-multisig-key.txt", text("signmessage m/48h/0h/0h/2h/0/0 ascii:hello"),
        "sign", 3, REFUSAL,
        "a sign-message request for a multisig cosigner key",
        "issue 10.8", error="is not a BIP-44/49/84/86 address path",
    ),
    # -- Ethereum
    Case(
        "eth-typed-data-hidden-characters.json", eth_typed_data_hidden_characters, "sign", 0, WARNING,
        "EIP-712 strings with a right-to-left override and terminal escape codes: shown as codes, warned",
        "issue 10.3", {"hidden-characters": "warn"},
    ),
    Case(
        "eth-unknown-typed-data.json", eth_unknown_typed_data, "sign", 0, WARNING,
        "typed data of no known kind: warned, every field shown",
        "issue 10.3, EIP-712", {"unknown-typed-data": "warn"},
    ),
    Case(
        "eth-safe-tx-delegatecall.json", eth_safe_tx_delegatecall, "sign", 3, DANGER,
        "a Safe transaction that DELEGATECALLs an unknown contract (the Bybit 2025 attack)",
        "issue 10.3", {"delegatecall": "danger"},
    ),
    Case(
        "eth-safe-tx-approve-max.json", eth_safe_tx_approve_max, "sign", 3, DANGER,
        "a Safe transaction whose inner call approves MAX-1 USDC",
        "issue 10.3, 10.4", {"unlimited-approval": "danger"},
    ),
    Case(
        "eth-safe-exec-delegatecall.hex", eth_safe_exec_delegatecall, "sign", 3, DANGER,
        "execTransaction calldata with operation 1 (DELEGATECALL)",
        "issue 10.3", {"delegatecall": "danger"},
    ),
    Case(
        "eth-approve-near-max.hex", eth_approve_near_max, "sign", 3, DANGER,
        "approve(2^96-2) USDC: no sentinel value, unlimited in practice",
        "issue 10.4", {"unlimited-approval": "danger"},
    ),
    Case(
        "eth-seaport-one-wei.json", eth_seaport_one_wei, "sign", 3, DANGER,
        "a Seaport listing of an NFT paying its owner 1 wei",
        "issue 10.4", {"seaport-order": "danger"},
    ),
    Case(
        "eth-bitcoin-key-path.txt", eth_bitcoin_key_path, "sign", 3, DANGER,
        "an ERC-4527 request to sign with the key at m/84'/0'/0'/0/0 (a Bitcoin key)",
        "issue 10.8", {"key-purpose-mismatch": "danger"},
    ),
    Case(
        "eth-7702-chain-zero.hex", eth_7702_chain_zero, "sign", 3, DANGER,
        "an EIP-7702 authorization with chain id 0: valid on every chain",
        "issue 10, EIP-7702", {"eip7702-delegation": "danger"},
    ),
    Case(
        "eth-siwe-lookalike-domain.txt", eth_siwe_lookalike_domain, "sign", 3, DANGER,
        "Sign-In with Ethereum for app.unіswap.org, with a Cyrillic i",
        "issue 10, EIP-4361", {"sign-in-lookalike-domain": "danger"},
    ),
    Case(
        "eth-message-control-codes.txt", eth_message_with_control_codes, "sign", 3, DANGER,
        "a personal message holding terminal escape codes",
        "issue 10", {"message-not-text": "danger"},
    ),
    Case(
        "eth-message-that-is-a-transaction.txt", eth_message_that_is_a_transaction, "sign", 3, DANGER,
        "a transaction's bytes sent as a 'message' to sign blindly",
        "RISK.md 2.4", {"blind-hash-signature": "danger"},
    ),
    Case(
        "eth-bare-hash.hex", eth_bare_hash, "sign", 3, DANGER,
        "32 opaque bytes to sign: could be any transaction's hash",
        "RISK.md 2.4", {"blind-hash-signature": "danger"},
    ),
    Case(
        "eth-chain-mismatch.txt", eth_chain_mismatch, "sign", 3, DANGER,
        "an ERC-4527 request for chain 1 carrying an Optimism transaction",
        "ERC-4527", {"chain-mismatch": "danger"},
    ),
    Case(
        "eth-request-for-another-seed.txt", eth_request_for_another_seed, "sign", 3, REFUSAL,
        "an ERC-4527 request naming another seed's fingerprint",
        "ERC-4527", {"wrong-seed": "refusal"},
    ),
    Case(
        "eth-request-for-another-address.txt", eth_request_for_another_address, "sign", 3, REFUSAL,
        "an ERC-4527 request naming another address than the one its key path gives",
        "ERC-4527", {"address-mismatch": "refusal"},
    ),
    Case(
        "eth-pre-eip155-legacy.hex", eth_pre_eip155_legacy, "sign", 1, REFUSAL,
        "a legacy transaction without a chain id: its signature could be replayed on every chain",
        "EIP-155", error="without an EIP-155 chain id",
    ),
    Case(
        "eth-fake-permit2.json", eth_fake_permit2, "sign", 3, DANGER,
        "a Permit2 permit whose domain is not the Permit2 contract",
        "RISK.md 2.1", {"fake-permit2": "danger"},
    ),
    Case(
        "eth-ofac-recipient.hex", eth_ofac_recipient, "sign", 3, DANGER,
        "a payment to an address on the OFAC list",
        "RISK.md 4", {"tagged-address": "danger"},
    ),
    Case(
        "eth-router-foreign-recipient.hex", eth_router_foreign_recipient, "sign", 3, DANGER,
        "a Universal Router call that pulls USDC to a stranger",
        "issue 10.3", {"foreign-recipient": "danger"},
    ),
    Case(
        "eth-blob-type-hex.hex", eth_blob_type_hex, "sign", 1, REFUSAL,
        "hex that starts with a blob transaction's type byte and is not a transaction",
        "issue 9.15", error="not a valid transaction",
    ),
    # -- hostile files
    Case(
        "nested-json.json", nested_json, "sign", 2, REFUSAL,
        "typed data nesting 50,000 levels deep (recursion and memory)",
        "issue 10 (resource bounds)", error="nests more than",
    ),
    Case(
        "png-huge-dimensions.png", png_huge_dimensions, "qr decode", 2, REFUSAL,
        "a 100-byte PNG declaring 100,000 x 100,000 pixels",
        "issue 10 (resource bounds), CVE-2014-9601 class", error="declares an image too large to read",
    ),
    Case(
        "png-bomb.png", png_bomb, "qr decode", 2, REFUSAL,
        f"a 65 KB PNG that inflates to {BOMB_SIDE} x {BOMB_SIDE} pixels (67 MB gray, 268 MB as RGBA)",
        "issue 10 (resource bounds)", error=f"{BOMB_SIDE} x {BOMB_SIDE} pixels",
    ),
    Case(
        "png-broken.png", png_broken, "qr decode", 2, REFUSAL,
        "a PNG whose pixel data is not zlib",
        "issue 10 (resource bounds)", error="damaged",
    ),
    Case(
        "png-truncated.png", png_truncated, "qr decode", 2, REFUSAL,
        "a PNG cut off inside its pixel data",
        "issue 10 (resource bounds)", error="damaged",
    ),
    Case(
        "backup-huge-kdf.bin", backup_huge_kdf, "backup restore", 1, REFUSAL,
        "a backup whose header asks for Argon2id with 4 GiB x 64 passes",
        "issue 10 (resource bounds)", error="asks for a KDF cost of 4096 MiB x 64 passes",
    ),
    Case(
        "backup-foreign-multisig.bin", backup_foreign_multisig, "backup restore", 3, REFUSAL,
        "a backup whose seed carries a multisig wallet it is no cosigner of",
        "issue 10", error="not one of its cosigners",
    ),
    Case(
        "kef-huge-rounds.txt", kef_huge_rounds, "backup restore", 1, REFUSAL,
        "a Krux encrypted mnemonic asking for 100 million PBKDF2 rounds (hours on a Pi Zero)",
        "issue 10 (resource bounds), KEF", error="asks for 100,000,000 key rounds",
    ),
    Case(
        "backup-lying-fingerprint.bin", backup_lying_fingerprint, "backup restore", 1, REFUSAL,
        "a backup whose seed states the fingerprint of a seed already in the vault, with other words",
        "issue 10", error="the backup says fingerprint 73c5da0a, its words give b8688df1",
    ),
    Case(
        "backup-nested-contents.bin", backup_nested_contents, "backup restore", 1, REFUSAL,
        "a backup that opens with its password and nests 5,000 levels deep inside",
        "issue 10 (resource bounds)", error="contents are not valid",
    ),
    Case(
        "bbqr-same-part-twice.txt", bbqr_same_part_twice, "sign", 1, REFUSAL,
        "BBQr parts of two PSBTs with the same header; part 1 read from both",
        "issue 10", error="was read twice with different content",
    ),
    Case(
        "bbqr-parts-of-two-files.txt", bbqr_parts_of_two_files, "sign", 1, REFUSAL,
        "BBQr parts 1 and 2 of one PSBT and part 3 of another with the same header",
        "issue 10", error="does not parse",
    ),
    Case(
        "bbqr-part-of-another-length.txt", bbqr_part_of_another_length, "sign", 1, REFUSAL,
        "BBQr parts 1 and 3 of one PSBT and part 2 of another with the same header",
        "issue 10", error="has another length than the other parts",
    ),
    Case(
        "bbqr-same-part-twice.txt", bbqr_same_part_twice, "qr decode", 1, REFUSAL,
        "the same mixed BBQr parts given to qr decode",
        "issue 10", error="was read twice with different content",
    ),
    Case(
        "bbqr-deflate-bomb.txt", bbqr_deflate_bomb, "sign", 1, REFUSAL,
        "two BBQr Z parts (3 KB) that inflate to 3 MB of zeros",
        "issue 10 (resource bounds)", error="expands beyond the limit",
    ),
    Case(
        "specter-first-part-alone.txt", specter_first_part_alone, "multisig register", 2, REFUSAL,
        "the first of two Specter pMofN parts of a wallet descriptor, which holds whole xpubs",
        "issue 9.4", error="do not make a complete message",
    ),
    Case(
        "specter-first-part-alone.txt", specter_first_part_alone, "qr decode", 1, REFUSAL,
        "the same first part given to qr decode",
        "issue 9.4", error="incomplete: 1 of 2 parts",
    ),
    Case(
        "multisig-not-a-cosigner.txt", multisig_not_a_cosigner, "multisig register", 3, REFUSAL,
        "a wallet descriptor this seed is no cosigner of",
        "RISK.md 5.2", error="not one of the cosigners",
    ),
    Case(
        "multisig-spoofed-fingerprint.txt", multisig_spoofed_fingerprint, "multisig register", 3, REFUSAL,
        "a wallet naming this seed's fingerprint beside another seed's key",
        "RISK.md 5.2", error="not the key this seed derives",
    ),
    Case(
        "multisig-invisible-character.txt", multisig_invisible_character, "multisig register", 1, REFUSAL,
        "a wallet descriptor with a zero-width space hidden in a key (it was an unexpected error)",
        "issue 10, BIP-380", error="no descriptor can contain: '\\u200b' (U+200B)",
    ),
    Case(
        "address-eip681-approve.txt",
        text(f"ethereum:{ABANDON_ADDR0}/approve?address={ABANDON_ADDR0}&uint256=1"),
        "address check", 1, REFUSAL,
        "an EIP-681 approve request scanned as 'an address to check'",
        "issue 9.5, EIP-681", error="calls 'approve'",
    ),
    Case(
        "address-eip55-typo.txt", text("0x9858eFFD232B4033E47d90003D41EC34EcaEda94"),
        "address check", 1, REFUSAL,
        "an address one letter's case away from ours (a broken EIP-55 checksum)",
        "issue 9.5, EIP-55", error="EIP-55",
    ),
)  # fmt: skip


def manifest() -> dict[str, object]:
    return {
        "about": "Hostile inputs, one file per attack; see README.md. Made by ../make_hostile_corpus.py.",
        "vault": {
            "seed": VAULT_SEED,
            "mnemonic": "the suite's ABANDON test mnemonic, accounts btc-84 and eth",
            "multisig": {"name": FAMILY, "descriptor": family_descriptor()},
        },
        "backup_password": BACKUP_PASSWORD,
        "cases": [case.entry() for case in CASES],
    }


def build() -> dict[str, bytes]:
    """Every file of the corpus, manifest included, by name."""
    makers: dict[str, Callable[[], bytes]] = {}
    for case in CASES:  # a file may be given to several commands, never made two ways
        assert makers.setdefault(case.file, case.make) is case.make, f"{case.file} is made two ways"
    files = {name: make() for name, make in makers.items()}
    files[MANIFEST] = (json.dumps(manifest(), indent=2, ensure_ascii=False) + "\n").encode()
    return files


def main() -> int:
    files = build()
    OUT.mkdir(exist_ok=True)
    for stale in OUT.iterdir():
        if stale.name not in files and stale.name not in KEEP:
            stale.unlink()
            print(f"removed {stale.name}")
    for name, data in sorted(files.items()):
        path = OUT / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            print(f"wrote {name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
