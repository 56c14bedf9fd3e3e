"""The PSBT fields Airlock knows, one row each, as BIP-174, BIP-370 and BIP-371 list them.

A row says what follows the key type in the key (nothing: one such entry per map; or key data, read
by a parser: one entry per distinct key data), how the value is read and checked, which PSBT
versions allow or require the field, and which attribute of the typed view it fills. The generic
map reader in ``signer.btc.psbt`` does the rest. A type not listed here is kept as read and never
interpreted.

Every parser takes ``(data, where, name)`` (``where`` is "global map", "input 3"...; ``name`` is the
field's BIP name) and raises PsbtError saying where it is and which rule the data breaks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from embit import ec
from embit.transaction import Transaction, TransactionOutput

from signer.btc.errors import PsbtError
from signer.btc.wire import Reader, check_amount, parse_tx, parse_txout

LOCKTIME_THRESHOLD = 500_000_000  # nLockTime below: a block height; from it on: a UNIX time
MAX_BIP32_DEPTH = 255
MAX_TAPROOT_DEPTH = 128


class PsbtGlobal(IntEnum):
    """PSBT_GLOBAL_* key types."""

    UNSIGNED_TX = 0x00
    XPUB = 0x01
    TX_VERSION = 0x02
    FALLBACK_LOCKTIME = 0x03
    INPUT_COUNT = 0x04
    OUTPUT_COUNT = 0x05
    TX_MODIFIABLE = 0x06
    VERSION = 0xFB
    PROPRIETARY = 0xFC


class PsbtIn(IntEnum):
    """PSBT_IN_* key types."""

    NON_WITNESS_UTXO = 0x00
    WITNESS_UTXO = 0x01
    PARTIAL_SIG = 0x02
    SIGHASH_TYPE = 0x03
    REDEEM_SCRIPT = 0x04
    WITNESS_SCRIPT = 0x05
    BIP32_DERIVATION = 0x06
    FINAL_SCRIPTSIG = 0x07
    FINAL_SCRIPTWITNESS = 0x08
    POR_COMMITMENT = 0x09
    RIPEMD160 = 0x0A
    SHA256 = 0x0B
    HASH160 = 0x0C
    HASH256 = 0x0D
    PREVIOUS_TXID = 0x0E
    OUTPUT_INDEX = 0x0F
    SEQUENCE = 0x10
    REQUIRED_TIME_LOCKTIME = 0x11
    REQUIRED_HEIGHT_LOCKTIME = 0x12
    TAP_KEY_SIG = 0x13
    TAP_SCRIPT_SIG = 0x14
    TAP_LEAF_SCRIPT = 0x15
    TAP_BIP32_DERIVATION = 0x16
    TAP_INTERNAL_KEY = 0x17
    TAP_MERKLE_ROOT = 0x18
    PROPRIETARY = 0xFC


class PsbtOut(IntEnum):
    """PSBT_OUT_* key types."""

    REDEEM_SCRIPT = 0x00
    WITNESS_SCRIPT = 0x01
    BIP32_DERIVATION = 0x02
    AMOUNT = 0x03
    SCRIPT = 0x04
    TAP_INTERNAL_KEY = 0x05
    TAP_TREE = 0x06
    TAP_BIP32_DERIVATION = 0x07
    PROPRIETARY = 0xFC


_PREFIX: dict[type[IntEnum], str] = {PsbtGlobal: "PSBT_GLOBAL_", PsbtIn: "PSBT_IN_", PsbtOut: "PSBT_OUT_"}
Parser = Callable[[bytes, str, str], Any]


@dataclass(frozen=True)
class KeyOrigin:
    fingerprint: bytes
    path: tuple[int, ...]


# --------------------------------------------------------------------------- value and key data parsers
def raw(data: bytes, where: str, name: str) -> bytes:
    """Anything: kept as it is (scripts, proprietary data)."""
    return data


def u32(data: bytes, where: str, name: str) -> int:
    if len(data) != 4:
        raise PsbtError(f"{where}: {name} must be 4 bytes, got {len(data)}")
    return int.from_bytes(data, "little")


def exactly(size: int) -> Parser:
    """A value of exactly ``size`` bytes."""

    def parse(data: bytes, where: str, name: str) -> bytes:
        if len(data) != size:
            raise PsbtError(f"{where}: {name} must be {size} byte{'s' if size > 1 else ''}")
        return data

    return parse


def flags(data: bytes, where: str, name: str) -> int:
    value: bytes = exactly(1)(data, where, name)
    return value[0]


def amount(data: bytes, where: str, name: str) -> int:
    """A signed 64-bit amount (MoneyRange is checked once the output is complete)."""
    return int.from_bytes(exactly(8)(data, where, name), "little", signed=True)


def txid(data: bytes, where: str, name: str) -> bytes:
    """A txid as serialized (little-endian), returned in display order, as embit keeps it."""
    return bytes(reversed(exactly(32)(data, where, name)))


def count(data: bytes, where: str, name: str) -> int:
    r = Reader(data, f"{where} count")
    n = r.compact("count")
    r.expect_end()
    return n


def unsigned_tx(data: bytes, where: str, name: str) -> Transaction:
    """BIP-174: the transaction to sign, without witnesses and with empty scriptSigs."""
    tx = parse_tx(data, allow_witness=False, what="unsigned transaction")
    if any(txin.script_sig.data for txin in tx.vin):
        raise PsbtError("unsigned transaction: an input has a non-empty scriptSig")
    return tx


def previous_tx(data: bytes, where: str, name: str) -> Transaction:
    return parse_tx(data, allow_witness=True, what=f"{where} non-witness UTXO")


def spent_output(data: bytes, where: str, name: str) -> TransactionOutput:
    out = parse_txout(data, f"{where} witness UTXO")
    check_amount(out.value, f"{where}: witness UTXO amount")
    return out


def ecdsa_sig(data: bytes, where: str, name: str) -> bytes:
    """A DER signature and its sighash byte: 9 to 73 bytes."""
    if not 9 <= len(data) <= 73:
        raise PsbtError(f"{where}: partial signature has an impossible length {len(data)}")
    return data


def schnorr_sig(data: bytes, where: str, name: str) -> bytes:
    """BIP-341: 64 bytes, or 65 with an explicit sighash byte that is not SIGHASH_DEFAULT."""
    if len(data) not in (64, 65):
        raise PsbtError(f"{where}: {name} must be 64 or 65 bytes, got {len(data)}")
    if len(data) == 65 and data[64] == 0:
        raise PsbtError(f"{where}: {name} has an explicit SIGHASH_DEFAULT byte (must be 64 bytes)")
    return data


def witness(data: bytes, where: str, name: str) -> list[bytes]:
    r = Reader(data, f"{where} final script witness")
    items = r.stack("witness")
    r.expect_end()
    return items


def time_lock(data: bytes, where: str, name: str) -> int:
    value = u32(data, where, name)
    if value < LOCKTIME_THRESHOLD:
        raise PsbtError(f"{where}: {name} {value} is below {LOCKTIME_THRESHOLD}")
    return value


def height_lock(data: bytes, where: str, name: str) -> int:
    value = u32(data, where, name)
    if not 0 < value < LOCKTIME_THRESHOLD:
        raise PsbtError(f"{where}: {name} {value} must be in 1..{LOCKTIME_THRESHOLD - 1}")
    return value


def _pubkey(data: bytes, what: str) -> bytes:
    if len(data) not in (33, 65):
        raise PsbtError(f"{what}: public key must be 33 or 65 bytes, got {len(data)}")
    try:
        ec.PublicKey.parse(data)
    except Exception:
        raise PsbtError(f"{what}: not a valid secp256k1 public key") from None
    return data


def _xonly(data: bytes, what: str) -> bytes:
    if len(data) != 32:
        raise PsbtError(f"{what}: x-only public key must be 32 bytes, got {len(data)}")
    try:
        ec.PublicKey.from_xonly(data)
    except Exception:
        raise PsbtError(f"{what}: not a valid x-only public key") from None
    return data


def _origin(data: bytes, what: str) -> KeyOrigin:
    if len(data) < 4 or len(data) % 4:
        raise PsbtError(f"{what}: key origin must be a 4-byte fingerprint plus 4 bytes per path element")
    if len(data) > 4 + 4 * MAX_BIP32_DEPTH:
        raise PsbtError(f"{what}: derivation path deeper than {MAX_BIP32_DEPTH} levels (BIP-32 depth limit)")
    path = tuple(int.from_bytes(data[i : i + 4], "little") for i in range(4, len(data), 4))
    return KeyOrigin(data[:4], path)


def _tap_origin(data: bytes, what: str) -> tuple[tuple[bytes, ...], KeyOrigin]:
    r = Reader(data, what)
    n = r.compact("leaf hash count")
    if n * 32 > r.remaining:
        raise PsbtError(f"{what}: leaf hash count exceeds the data")
    leaves = tuple(r.read(32, "leaf hash") for _ in range(n))
    return leaves, _origin(r.read(r.remaining), what)


def pubkey(label: str) -> Parser:
    """A compressed or uncompressed secp256k1 public key (messages say ``label``)."""
    return lambda data, where, name: _pubkey(data, f"{where} {label}")


def xonly(label: str) -> Parser:
    """A BIP-340 x-only public key."""
    return lambda data, where, name: _xonly(data, f"{where} {label}")


def origin(label: str) -> Parser:
    """A key origin: the master key's fingerprint and the derivation path (at most 255 levels)."""
    return lambda data, where, name: _origin(data, f"{where} {label}")


def tap_origin(label: str) -> Parser:
    """BIP-371: the leaf hashes a key is used in, then its key origin."""
    return lambda data, where, name: _tap_origin(data, f"{where} {label}")


sig_pubkey = pubkey("partial signature")
bip32_key = pubkey("BIP-32 derivation")
bip32_origin = origin("BIP-32 derivation")
xpub_origin = origin("xpub")
tap_pubkey = xonly("taproot BIP-32 derivation")
tap_bip32 = tap_origin("taproot BIP-32 derivation")
internal_key = xonly("taproot internal key")


def hash_of(size: int) -> Parser:
    """The hash a preimage is keyed by."""

    def parse(data: bytes, where: str, name: str) -> bytes:
        if len(data) != size:
            raise PsbtError(f"{where}: hash preimage key must hold a {size}-byte hash")
        return data

    return parse


def extended_key(data: bytes, where: str, name: str) -> bytes:
    """A BIP-32 extended public key, serialized (78 bytes)."""
    if len(data) != 78:
        raise PsbtError(f"{where}: {name} key must hold a 78-byte extended key")
    return data


def xonly_leaf(data: bytes, where: str, name: str) -> tuple[bytes, bytes]:
    """BIP-371: the x-only key that signed, then the leaf hash of the script it signed for."""
    if len(data) != 64:
        raise PsbtError(f"{where}: {name} key must hold a 32-byte key and a 32-byte leaf hash")
    return _xonly(data[:32], f"{where} taproot script signature"), data[32:]


def cblock(data: bytes, where: str, name: str) -> bytes:
    """A BIP-341 control block: 33 bytes, then 32 per level of the script tree (at most 128 levels)."""
    if len(data) < 33 or (len(data) - 33) % 32 or len(data) > 33 + MAX_TAPROOT_DEPTH * 32:
        raise PsbtError(f"{where}: {name} control block has an invalid length {len(data)}")
    return data


def leaf_script(data: bytes, where: str, name: str) -> bytes:
    """The script, then its leaf version byte."""
    if not data:
        raise PsbtError(f"{where}: {name} value is empty (no leaf version)")
    return data


def tap_tree(data: bytes, where: str, name: str) -> bytes:
    """BIP-371: one or more (depth, leaf version, script) leaves, each no deeper than 128."""
    if not data:
        raise PsbtError(f"{where}: {name} is empty")
    r = Reader(data, f"{where} taproot tree")
    while r.remaining:
        depth = r.read(1, "depth")[0]
        r.read(1, "leaf version")
        r.sized("script")
        if depth > MAX_TAPROOT_DEPTH:
            raise PsbtError(f"{where}: {name} leaf depth {depth} exceeds {MAX_TAPROOT_DEPTH}")
    return data


# --------------------------------------------------------------------------- the tables
ANY = frozenset({0, 2})
V0 = frozenset({0})
V2 = frozenset({2})
NONE: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Field:
    """One row of a BIP's field table ("vers": the PSBT versions allowing it; "req": those requiring it)."""

    type: IntEnum
    attr: str | None  # the typed view's attribute it fills; None: checked (or kept), not interpreted
    key: Parser | None  # None: no key data, one such entry per map; else the key data's parser
    value: Parser
    versions: frozenset[int]  # the PSBT versions allowing it
    required: frozenset[int]  # the PSBT versions requiring it
    bip: int

    @property
    def name(self) -> str:
        return _PREFIX[type(self.type)] + self.type.name


def _table(*fields: Field) -> dict[int, Field]:
    return {int(f.type): f for f in fields}


G, In, Out = PsbtGlobal, PsbtIn, PsbtOut
# fmt: off
GLOBAL_FIELDS = _table(
    #     type                 attr                 key data      value        vers req   BIP
    Field(G.UNSIGNED_TX,       "unsigned_tx",       None,         unsigned_tx, V0,  V0,   174),
    Field(G.XPUB,              "xpubs",             extended_key, xpub_origin, ANY, NONE, 174),
    Field(G.TX_VERSION,        "tx_version",        None,         u32,         V2,  V2,   370),
    Field(G.FALLBACK_LOCKTIME, "fallback_locktime", None,         u32,         V2,  NONE, 370),
    Field(G.INPUT_COUNT,       "input_count",       None,         count,       V2,  V2,   370),
    Field(G.OUTPUT_COUNT,      "output_count",      None,         count,       V2,  V2,   370),
    Field(G.TX_MODIFIABLE,     "tx_modifiable",     None,         flags,       V2,  NONE, 370),
    Field(G.VERSION,           "version",           None,         u32,         ANY, NONE, 174),
    Field(G.PROPRIETARY,       None,                raw,          raw,         ANY, NONE, 174),
)

INPUT_FIELDS = _table(
    #     type                         attr                        key data     value         vers req   BIP
    Field(In.NON_WITNESS_UTXO,         "non_witness_utxo",         None,        previous_tx,  ANY, NONE, 174),
    Field(In.WITNESS_UTXO,             "witness_utxo",             None,        spent_output, ANY, NONE, 174),
    Field(In.PARTIAL_SIG,              "partial_sigs",             sig_pubkey,  ecdsa_sig,    ANY, NONE, 174),
    Field(In.SIGHASH_TYPE,             "sighash_type",             None,        u32,          ANY, NONE, 174),
    Field(In.REDEEM_SCRIPT,            "redeem_script",            None,        raw,          ANY, NONE, 174),
    Field(In.WITNESS_SCRIPT,           "witness_script",           None,        raw,          ANY, NONE, 174),
    Field(In.BIP32_DERIVATION,         "bip32",                    bip32_key,   bip32_origin, ANY, NONE, 174),
    Field(In.FINAL_SCRIPTSIG,          "final_scriptsig",          None,        raw,          ANY, NONE, 174),
    Field(In.FINAL_SCRIPTWITNESS,      "final_scriptwitness",      None,        witness,      ANY, NONE, 174),
    Field(In.POR_COMMITMENT,           None,                       raw,         raw,          ANY, NONE, 127),
    Field(In.RIPEMD160,                None,                       hash_of(20), raw,          ANY, NONE, 174),
    Field(In.SHA256,                   None,                       hash_of(32), raw,          ANY, NONE, 174),
    Field(In.HASH160,                  None,                       hash_of(20), raw,          ANY, NONE, 174),
    Field(In.HASH256,                  None,                       hash_of(32), raw,          ANY, NONE, 174),
    Field(In.PREVIOUS_TXID,            "prev_txid",                None,        txid,         V2,  V2,   370),
    Field(In.OUTPUT_INDEX,             "prev_vout",                None,        u32,          V2,  V2,   370),
    Field(In.SEQUENCE,                 "sequence",                 None,        u32,          V2,  NONE, 370),
    Field(In.REQUIRED_TIME_LOCKTIME,   "required_time_locktime",   None,        time_lock,    V2,  NONE, 370),
    Field(In.REQUIRED_HEIGHT_LOCKTIME, "required_height_locktime", None,        height_lock,  V2,  NONE, 370),
    Field(In.TAP_KEY_SIG,              "tap_key_sig",              None,        schnorr_sig,  ANY, NONE, 371),
    Field(In.TAP_SCRIPT_SIG,           "tap_script_sigs",          xonly_leaf,  schnorr_sig,  ANY, NONE, 371),
    Field(In.TAP_LEAF_SCRIPT,          "tap_leaf_scripts",         cblock,      leaf_script,  ANY, NONE, 371),
    Field(In.TAP_BIP32_DERIVATION,     "tap_bip32",                tap_pubkey,  tap_bip32,    ANY, NONE, 371),
    Field(In.TAP_INTERNAL_KEY,         "tap_internal_key",         None,        internal_key, ANY, NONE, 371),
    Field(In.TAP_MERKLE_ROOT,          "tap_merkle_root",          None,        exactly(32),  ANY, NONE, 371),
    Field(In.PROPRIETARY,              None,                       raw,         raw,          ANY, NONE, 174),
)

OUTPUT_FIELDS = _table(
    #     type                      attr                key data    value         vers req   BIP
    Field(Out.REDEEM_SCRIPT,        "redeem_script",    None,       raw,          ANY, NONE, 174),
    Field(Out.WITNESS_SCRIPT,       "witness_script",   None,       raw,          ANY, NONE, 174),
    Field(Out.BIP32_DERIVATION,     "bip32",            bip32_key,  bip32_origin, ANY, NONE, 174),
    Field(Out.AMOUNT,               "amount",           None,       amount,       V2,  V2,   370),
    Field(Out.SCRIPT,               "script",           None,       raw,          V2,  V2,   370),
    Field(Out.TAP_INTERNAL_KEY,     "tap_internal_key", None,       internal_key, ANY, NONE, 371),
    Field(Out.TAP_TREE,             "tap_tree",         None,       tap_tree,     ANY, NONE, 371),
    Field(Out.TAP_BIP32_DERIVATION, "tap_bip32",        tap_pubkey, tap_bip32,    ANY, NONE, 371),
    Field(Out.PROPRIETARY,          None,               raw,        raw,          ANY, NONE, 174),
)

# What the Input Finalizer removes once the final scriptSig / witness are in place (BIP-174: "all other
# data besides the UTXO and unknown fields"); BIP-370's transaction fields, proof-of-reserves
# commitments and proprietary fields stay, as unknown fields do.
FINALIZER_DROPS = frozenset({
    In.PARTIAL_SIG, In.SIGHASH_TYPE, In.REDEEM_SCRIPT, In.WITNESS_SCRIPT, In.BIP32_DERIVATION,
    In.RIPEMD160, In.SHA256, In.HASH160, In.HASH256, In.TAP_KEY_SIG, In.TAP_SCRIPT_SIG,
    In.TAP_LEAF_SCRIPT, In.TAP_BIP32_DERIVATION, In.TAP_INTERNAL_KEY, In.TAP_MERKLE_ROOT,
})
# fmt: on
