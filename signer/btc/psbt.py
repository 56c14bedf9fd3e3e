"""Strict PSBT codec: BIP-174 (v0) and BIP-370 (v2) with BIP-371 taproot fields.

Why not ``embit.psbt.PSBT``: it accepts 26 of the 55 invalid PSBTs in the BIP test vectors (v0/v2
field mixing, scriptSigs in the unsigned tx, bad taproot lengths...) and its transaction reader trusts
counts, so a hostile count can make it loop for a very long time. A signer must see exactly what the
network will see, so this module checks every key and value it knows and keeps every map as the
ordered list of raw entries it read: the signed PSBT written back is the input plus our signatures,
nothing reordered or dropped, in the same version.

What each field holds and which versions allow it is the table in ``signer.btc.psbt_fields``; one
generic map reader applies it to the global map, every input and every output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from embit.script import Script
from embit.transaction import Transaction, TransactionInput, TransactionOutput

from signer.btc.errors import PsbtError
from signer.btc.psbt_fields import (
    GLOBAL_FIELDS,
    INPUT_FIELDS,
    OUTPUT_FIELDS,
    Field,
    KeyOrigin,
    PsbtGlobal,
    u32,
)
from signer.btc.wire import MAX_MONEY, Reader, check_amount, check_total, compact_bytes

# MAX_MONEY is re-exported: the review checks sums of amounts against the same consensus limit.

__all__ = [
    "MAGIC",
    "MAX_MONEY",
    "MAX_PSBT_BYTES",
    "Entry",
    "Psbt",
    "PsbtInput",
    "PsbtOutput",
    "parse_psbt",
    "write_map",
]

MAGIC = b"psbt\xff"
MAX_PSBT_BYTES = 16 * 1024 * 1024


# --------------------------------------------------------------------------- maps
@dataclass
class Entry:
    key: bytes
    value: bytes

    @property
    def keytype(self) -> int:
        return _keytype(self.key)[0]

    @property
    def keydata(self) -> bytes:
        return self.key[_keytype(self.key)[1] :]


def _keytype(key: bytes) -> tuple[int, int]:
    """The key type (a CompactSize) and where the key data starts."""
    if key and key[0] < 0xFD:
        return key[0], 1
    r = Reader(key, "key")
    return r.compact("key type"), r.pos


def read_map(r: Reader, where: str) -> list[Entry]:
    """One map: entries up to the 0x00 separator, each key at most once (BIP-174)."""
    entries: list[Entry] = []
    seen: set[bytes] = set()
    while True:
        keylen = r.compact(f"{where} key length")
        if keylen == 0:
            return entries
        key = r.read(keylen, f"{where} key")
        try:
            _keytype(key)
        except PsbtError as exc:
            raise PsbtError(f"{where}: malformed key type ({exc})") from None
        value = r.read(r.compact(f"{where} value length"), f"{where} value")
        if key in seen:
            raise PsbtError(f"{where}: duplicate key {key.hex()}")
        seen.add(key)
        entries.append(Entry(key, value))


def write_map(entries: list[Entry]) -> bytes:
    out = bytearray()
    for e in entries:
        out += compact_bytes(len(e.key)) + e.key + compact_bytes(len(e.value)) + e.value
    out += b"\x00"
    return bytes(out)


def read_fields(entries: list[Entry], table: dict[int, Field], version: int, where: str) -> dict[str, Any]:
    """The typed values of a map's known fields, by attribute, each checked by its row of ``table``.

    A field keyed by key data fills a dict (key data -> value). Unknown types are left alone; their
    entries stay in the map as read."""
    values: dict[str, Any] = {}
    present: set[int] = set()
    for e in entries:
        keytype, start = _keytype(e.key)
        row = table.get(keytype)
        if row is None:
            continue
        if version not in row.versions:
            allowed = " or ".join(str(v) for v in sorted(row.versions))
            raise PsbtError(f"{where}: {row.name} is only allowed in PSBT version {allowed}")
        present.add(keytype)
        if row.key is None:
            if len(e.key) != start:
                raise PsbtError(f"{where}: {row.name} key must be 1 byte(s) long, got {len(e.key)}")
            value = row.value(e.value, where, row.name)
            if row.attr is not None:
                values[row.attr] = value
        else:
            key = row.key(e.key[start:], where, row.name)
            value = row.value(e.value, where, row.name)
            if row.attr is not None:
                values.setdefault(row.attr, {})[key] = value
    for keytype, row in table.items():
        if version in row.required and keytype not in present:
            raise PsbtError(f"{where}: PSBT version {version} without {row.name}")
    return values


# --------------------------------------------------------------------------- typed views
@dataclass
class PsbtInput:
    index: int
    entries: list[Entry]
    prev_txid: bytes = b""  # display (big-endian) order, as embit uses
    prev_vout: int = 0
    sequence: int = 0xFFFFFFFF
    non_witness_utxo: Transaction | None = None
    witness_utxo: TransactionOutput | None = None
    partial_sigs: dict[bytes, bytes] = field(default_factory=dict)
    sighash_type: int | None = None
    redeem_script: bytes | None = None
    witness_script: bytes | None = None
    bip32: dict[bytes, KeyOrigin] = field(default_factory=dict)
    final_scriptsig: bytes | None = None
    final_scriptwitness: list[bytes] | None = None
    tap_key_sig: bytes | None = None
    tap_script_sigs: dict[tuple[bytes, bytes], bytes] = field(default_factory=dict)
    tap_leaf_scripts: dict[bytes, bytes] = field(default_factory=dict)
    tap_bip32: dict[bytes, tuple[tuple[bytes, ...], KeyOrigin]] = field(default_factory=dict)
    tap_internal_key: bytes | None = None
    tap_merkle_root: bytes | None = None
    required_time_locktime: int | None = None
    required_height_locktime: int | None = None

    @property
    def outpoint(self) -> str:
        return f"{self.prev_txid.hex()}:{self.prev_vout}"

    @property
    def is_finalized(self) -> bool:
        return self.final_scriptsig is not None or self.final_scriptwitness is not None


@dataclass
class PsbtOutput:
    index: int
    entries: list[Entry]
    amount: int = 0
    script: bytes = b""
    redeem_script: bytes | None = None
    witness_script: bytes | None = None
    bip32: dict[bytes, KeyOrigin] = field(default_factory=dict)
    tap_internal_key: bytes | None = None
    tap_tree: bytes | None = None
    tap_bip32: dict[bytes, tuple[tuple[bytes, ...], KeyOrigin]] = field(default_factory=dict)


@dataclass
class Psbt:
    version: int
    global_entries: list[Entry]
    inputs: list[PsbtInput]
    outputs: list[PsbtOutput]
    tx_version: int
    tx_locktime: int | None  # v0: from the unsigned tx; v2: None (computed, see locktime())
    fallback_locktime: int | None = None
    tx_modifiable: int | None = None
    xpubs: dict[bytes, KeyOrigin] = field(default_factory=dict)

    def locktime(self) -> int:
        """nLockTime of the transaction; for v2 the BIP-370 determination (PsbtError if impossible)."""
        if self.version == 0:
            return self.tx_locktime or 0
        with_req = [
            i
            for i in self.inputs
            if i.required_time_locktime is not None or i.required_height_locktime is not None
        ]
        if not with_req:
            return self.fallback_locktime or 0
        time_only = any(i.required_height_locktime is None for i in with_req)
        height_only = any(i.required_time_locktime is None for i in with_req)
        if time_only and height_only:
            raise PsbtError("locktime cannot be determined: inputs require both a height and a time lock")
        if time_only:
            return max(i.required_time_locktime or 0 for i in with_req)
        return max(i.required_height_locktime or 0 for i in with_req)

    def unsigned_tx(self) -> Transaction:
        return Transaction(
            version=self.tx_version,
            vin=[TransactionInput(i.prev_txid, i.prev_vout, sequence=i.sequence) for i in self.inputs],
            vout=[TransactionOutput(o.amount, Script(o.script)) for o in self.outputs],
            locktime=self.locktime(),
        )

    def serialize(self, input_entries: list[list[Entry]] | None = None) -> bytes:
        """The PSBT as read (or with the inputs' entries replaced by ``input_entries``)."""
        out = bytearray(MAGIC)
        out += write_map(self.global_entries)
        for entries in input_entries if input_entries is not None else [i.entries for i in self.inputs]:
            out += write_map(entries)
        for o in self.outputs:
            out += write_map(o.entries)
        return bytes(out)


# --------------------------------------------------------------------------- parsing
def parse_psbt(data: bytes) -> Psbt:
    """Parse and validate a binary PSBT (v0 or v2). Raises PsbtError naming the broken rule."""
    if len(data) > MAX_PSBT_BYTES:
        raise PsbtError(f"PSBT is {len(data)} bytes; the limit is {MAX_PSBT_BYTES}")
    if not data.startswith(MAGIC):
        raise PsbtError("not a PSBT: the data does not start with the magic bytes 'psbt\\xff'")
    r = Reader(data, "PSBT")
    r.read(len(MAGIC))
    global_entries = read_map(r, "global map")
    version = _version(global_entries)
    g = read_fields(global_entries, GLOBAL_FIELDS, version, "global map")
    tx: Transaction | None = g.get("unsigned_tx")
    if tx is not None:
        n_in, n_out, tx_version = len(tx.vin), len(tx.vout), tx.version
    else:
        n_in, n_out, tx_version = g["input_count"], g["output_count"], g["tx_version"]
    if n_in > r.remaining or n_out > r.remaining:
        raise PsbtError("PSBT: input/output count exceeds the data")

    inputs = [_input(i, read_map(r, f"input {i}"), version, tx) for i in range(n_in)]
    outputs = [_output(i, read_map(r, f"output {i}"), version, tx) for i in range(n_out)]
    r.expect_end()
    check_total([o.amount for o in outputs], "PSBT: the outputs")
    psbt = Psbt(
        version,
        global_entries,
        inputs,
        outputs,
        tx_version,
        tx.locktime if tx else None,
        g.get("fallback_locktime"),
        g.get("tx_modifiable"),
        g.get("xpubs", {}),
    )
    if version == 2:
        psbt.locktime()  # a v2 PSBT whose locktime cannot be determined is invalid
    return psbt


def _version(global_entries: list[Entry]) -> int:
    """PSBT_GLOBAL_VERSION (0 when absent): read first, as every other rule depends on it."""
    key = bytes([PsbtGlobal.VERSION])
    found = next((e for e in global_entries if e.key == key), None)
    version = 0 if found is None else u32(found.value, "global map", GLOBAL_FIELDS[key[0]].name)
    if version not in (0, 2):
        raise PsbtError(f"unsupported PSBT version {version} (only 0 and 2 exist)")
    return version


def _input(index: int, entries: list[Entry], version: int, tx: Transaction | None) -> PsbtInput:
    values = read_fields(entries, INPUT_FIELDS, version, f"input {index}")
    if tx is not None:  # v0: the outpoint and sequence are the unsigned transaction's
        txin = tx.vin[index]
        values.update(prev_txid=txin.txid, prev_vout=txin.vout, sequence=txin.sequence)
    return PsbtInput(index, entries, **values)


def _output(index: int, entries: list[Entry], version: int, tx: Transaction | None) -> PsbtOutput:
    values = read_fields(entries, OUTPUT_FIELDS, version, f"output {index}")
    if tx is not None:  # v0: the amount and script are the unsigned transaction's
        txout = tx.vout[index]
        values.update(amount=txout.value, script=txout.script_pubkey.data)
    out = PsbtOutput(index, entries, **values)
    check_amount(out.amount, f"output {index}: amount")
    return out
