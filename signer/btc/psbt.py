"""Strict PSBT codec: BIP-174 (v0) and BIP-370 (v2) with BIP-371 taproot fields.

Why not ``embit.psbt.PSBT``: it accepts 26 of the 55 invalid PSBTs in the BIP test vectors (v0/v2
field mixing, scriptSigs in the unsigned tx, bad taproot lengths...) and its transaction reader trusts
counts, so a hostile count can make it loop for a very long time. A signer must see exactly what the
network will see, so this module checks every key and value it knows and keeps every map as the
ordered list of raw entries it read: the signed PSBT written back is the input plus our signatures,
nothing reordered or dropped, in the same version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from embit import ec
from embit.script import Script, Witness
from embit.transaction import Transaction, TransactionInput, TransactionOutput

from signer.btc.errors import PsbtError

MAGIC = b"psbt\xff"
MAX_PSBT_BYTES = 16 * 1024 * 1024
MAX_MONEY = 21_000_000 * 100_000_000
LOCKTIME_THRESHOLD = 500_000_000

# Global key types
G_UNSIGNED_TX, G_XPUB, G_TX_VERSION, G_FALLBACK_LOCKTIME = 0x00, 0x01, 0x02, 0x03
G_INPUT_COUNT, G_OUTPUT_COUNT, G_TX_MODIFIABLE, G_VERSION, PROPRIETARY = 0x04, 0x05, 0x06, 0xFB, 0xFC
# Input key types
I_NON_WITNESS_UTXO, I_WITNESS_UTXO, I_PARTIAL_SIG, I_SIGHASH, I_REDEEM, I_WITNESS_SCRIPT = 0, 1, 2, 3, 4, 5
I_BIP32, I_FINAL_SCRIPTSIG, I_FINAL_WITNESS, I_POR = 6, 7, 8, 9
I_RIPEMD160, I_SHA256, I_HASH160, I_HASH256 = 0x0A, 0x0B, 0x0C, 0x0D
I_PREV_TXID, I_OUTPUT_INDEX, I_SEQUENCE, I_REQ_TIME, I_REQ_HEIGHT = 0x0E, 0x0F, 0x10, 0x11, 0x12
I_TAP_KEY_SIG, I_TAP_SCRIPT_SIG, I_TAP_LEAF_SCRIPT, I_TAP_BIP32 = 0x13, 0x14, 0x15, 0x16
I_TAP_INTERNAL_KEY, I_TAP_MERKLE_ROOT = 0x17, 0x18
# Output key types
O_REDEEM, O_WITNESS_SCRIPT, O_BIP32, O_AMOUNT, O_SCRIPT = 0, 1, 2, 3, 4
O_TAP_INTERNAL_KEY, O_TAP_TREE, O_TAP_BIP32 = 5, 6, 7

V2_ONLY_GLOBAL = {G_TX_VERSION, G_FALLBACK_LOCKTIME, G_INPUT_COUNT, G_OUTPUT_COUNT, G_TX_MODIFIABLE}
V2_ONLY_INPUT = {I_PREV_TXID, I_OUTPUT_INDEX, I_SEQUENCE, I_REQ_TIME, I_REQ_HEIGHT}
V2_ONLY_OUTPUT = {O_AMOUNT, O_SCRIPT}


# --------------------------------------------------------------------------- low-level reading
class Reader:
    """Bounds-checked reader; every short read is a PsbtError naming what was being read."""

    def __init__(self, data: bytes, what: str) -> None:
        self.data = data
        self.pos = 0
        self.what = what

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def read(self, n: int, what: str = "") -> bytes:
        if n < 0 or n > self.remaining:
            raise PsbtError(f"{self.what}: truncated while reading {what or 'data'} ({n} bytes needed)")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def u32(self, what: str) -> int:
        return int.from_bytes(self.read(4, what), "little")

    def compact(self, what: str) -> int:
        first = self.read(1, what)[0]
        if first < 0xFD:
            return first
        size = {0xFD: 2, 0xFE: 4, 0xFF: 8}[first]
        value = int.from_bytes(self.read(size, what), "little")
        if value < {2: 0xFD, 4: 0x10000, 8: 0x100000000}[size]:
            raise PsbtError(f"{self.what}: {what} uses a non-minimal CompactSize")
        return value

    def expect_end(self) -> None:
        if self.remaining:
            raise PsbtError(f"{self.what}: {self.remaining} unexpected trailing bytes")


def check_amount(value: int, what: str) -> None:
    """Consensus MoneyRange: an amount outside 0..21 million BTC is no amount."""
    if not 0 <= value <= MAX_MONEY:
        raise PsbtError(f"{what} {value} is outside 0..21 million BTC")


def check_total(values: list[int], what: str) -> None:
    """Consensus MoneyRange of a sum (what a C implementation would overflow on is simply too much)."""
    total = sum(values)
    if total > MAX_MONEY:
        raise PsbtError(f"{what} add up to {total} satoshis, more than 21 million BTC")


def compact_bytes(n: int) -> bytes:
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def parse_tx(data: bytes, *, allow_witness: bool, what: str) -> Transaction:
    """A transaction, parsed with every count bounded by the bytes actually present."""
    r = Reader(data, what)
    version = r.u32("version")
    n_in = r.compact("input count")
    segwit = False
    if n_in == 0 and r.remaining > 0 and r.data[r.pos] == 0x01 and allow_witness:
        r.read(1, "segwit flag")
        segwit = True
        n_in = r.compact("input count")
    if n_in * 41 > r.remaining:
        raise PsbtError(f"{what}: input count {n_in} exceeds the data")
    vin = []
    for _ in range(n_in):
        txid = bytes(reversed(r.read(32, "prevout txid")))
        vout = r.u32("prevout index")
        script_sig = r.read(r.compact("scriptSig length"), "scriptSig")
        sequence = r.u32("sequence")
        vin.append(TransactionInput(txid, vout, Script(script_sig), sequence))
    n_out = r.compact("output count")
    if n_out * 9 > r.remaining:
        raise PsbtError(f"{what}: output count {n_out} exceeds the data")
    vout_list = []
    for i in range(n_out):
        value = int.from_bytes(r.read(8, "output amount"), "little")
        spk = r.read(r.compact("scriptPubKey length"), "scriptPubKey")
        vout_list.append(TransactionOutput(value, Script(spk)))
        check_amount(value, f"{what}: output {i} amount")
    check_total([o.value for o in vout_list], f"{what}: the outputs")
    if segwit:
        for txin in vin:
            n_items = r.compact("witness item count")
            if n_items > r.remaining:
                raise PsbtError(f"{what}: witness item count exceeds the data")
            txin.witness = Witness(
                [r.read(r.compact("witness item length"), "witness item") for _ in range(n_items)]
            )
    locktime = r.u32("locktime")
    r.expect_end()
    return Transaction(version=version, vin=vin, vout=vout_list, locktime=locktime)


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
    r = Reader(key, "key")
    return r.compact("key type"), r.pos


def _read_map(r: Reader, where: str) -> list[Entry]:
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


# --------------------------------------------------------------------------- typed views
@dataclass(frozen=True)
class KeyOrigin:
    fingerprint: bytes
    path: tuple[int, ...]


def _origin(value: bytes, where: str) -> KeyOrigin:
    if len(value) < 4 or len(value) % 4:
        raise PsbtError(f"{where}: key origin must be a 4-byte fingerprint plus 4 bytes per path element")
    if len(value) > 4 + 4 * 255:
        raise PsbtError(f"{where}: derivation path deeper than 255 levels (BIP-32 depth limit)")
    path = tuple(int.from_bytes(value[i : i + 4], "little") for i in range(4, len(value), 4))
    return KeyOrigin(value[:4], path)


def _pubkey(data: bytes, where: str) -> bytes:
    if len(data) not in (33, 65):
        raise PsbtError(f"{where}: public key must be 33 or 65 bytes, got {len(data)}")
    try:
        ec.PublicKey.parse(data)
    except Exception:
        raise PsbtError(f"{where}: not a valid secp256k1 public key") from None
    return data


def _xonly(data: bytes, where: str) -> bytes:
    if len(data) != 32:
        raise PsbtError(f"{where}: x-only public key must be 32 bytes, got {len(data)}")
    try:
        ec.PublicKey.from_xonly(data)
    except Exception:
        raise PsbtError(f"{where}: not a valid x-only public key") from None
    return data


def _exact(entry: Entry, keylen: int, where: str, name: str) -> None:
    if len(entry.key) != keylen:
        raise PsbtError(f"{where}: {name} key must be {keylen} byte(s) long, got {len(entry.key)}")


def _u32(value: bytes, where: str, name: str) -> int:
    if len(value) != 4:
        raise PsbtError(f"{where}: {name} must be 4 bytes, got {len(value)}")
    return int.from_bytes(value, "little")


def _schnorr_sig(value: bytes, where: str, name: str) -> bytes:
    if len(value) not in (64, 65):
        raise PsbtError(f"{where}: {name} must be 64 or 65 bytes, got {len(value)}")
    if len(value) == 65 and value[64] == 0:
        raise PsbtError(f"{where}: {name} has an explicit SIGHASH_DEFAULT byte (must be 64 bytes)")
    return value


def _tap_origin(value: bytes, where: str) -> tuple[tuple[bytes, ...], KeyOrigin]:
    r = Reader(value, where)
    n = r.compact("leaf hash count")
    if n * 32 > r.remaining:
        raise PsbtError(f"{where}: leaf hash count exceeds the data")
    leaves = tuple(r.read(32, "leaf hash") for _ in range(n))
    return leaves, _origin(r.read(r.remaining), where)


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

    def serialize(self) -> bytes:
        out = bytearray(MAGIC)
        out += write_map(self.global_entries)
        for inp in self.inputs:
            out += write_map(inp.entries)
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
    global_entries = _read_map(r, "global map")
    g = {e.key: e for e in global_entries}

    version = 0
    if bytes([G_VERSION]) in g:
        version = _u32(g[bytes([G_VERSION])].value, "global map", "PSBT_GLOBAL_VERSION")
    if version not in (0, 2):
        raise PsbtError(f"unsupported PSBT version {version} (only 0 and 2 exist)")

    xpubs: dict[bytes, KeyOrigin] = {}
    tx: Transaction | None = None
    tx_version = 2
    fallback = None
    modifiable = None
    n_in = n_out = 0
    for e in global_entries:
        t = e.keytype
        if t in V2_ONLY_GLOBAL and version != 2:
            raise PsbtError(f"global map: key type 0x{t:02x} is only allowed in PSBT version 2")
        if t == G_UNSIGNED_TX:
            _exact(e, 1, "global map", "PSBT_GLOBAL_UNSIGNED_TX")
            if version == 2:
                raise PsbtError("global map: PSBT_GLOBAL_UNSIGNED_TX is not allowed in PSBT version 2")
            tx = parse_tx(e.value, allow_witness=False, what="unsigned transaction")
            for txin in tx.vin:
                if txin.script_sig.data:
                    raise PsbtError("unsigned transaction: an input has a non-empty scriptSig")
        elif t == G_XPUB:
            if len(e.key) != 79:
                raise PsbtError("global map: PSBT_GLOBAL_XPUB key must hold a 78-byte extended key")
            xpubs[e.key[1:]] = _origin(e.value, "global xpub")
        elif t == G_TX_VERSION:
            _exact(e, 1, "global map", "PSBT_GLOBAL_TX_VERSION")
            tx_version = _u32(e.value, "global map", "PSBT_GLOBAL_TX_VERSION")
        elif t == G_FALLBACK_LOCKTIME:
            _exact(e, 1, "global map", "PSBT_GLOBAL_FALLBACK_LOCKTIME")
            fallback = _u32(e.value, "global map", "PSBT_GLOBAL_FALLBACK_LOCKTIME")
        elif t in (G_INPUT_COUNT, G_OUTPUT_COUNT):
            _exact(e, 1, "global map", "input/output count")
            cr = Reader(e.value, "global map count")
            count = cr.compact("count")
            cr.expect_end()
            if t == G_INPUT_COUNT:
                n_in = count
            else:
                n_out = count
        elif t == G_TX_MODIFIABLE:
            _exact(e, 1, "global map", "PSBT_GLOBAL_TX_MODIFIABLE")
            if len(e.value) != 1:
                raise PsbtError("global map: PSBT_GLOBAL_TX_MODIFIABLE must be 1 byte")
            modifiable = e.value[0]
        elif t == G_VERSION:
            _exact(e, 1, "global map", "PSBT_GLOBAL_VERSION")

    if version == 0:
        if tx is None:
            raise PsbtError("PSBT version 0 without PSBT_GLOBAL_UNSIGNED_TX")
        n_in, n_out = len(tx.vin), len(tx.vout)
        tx_version = tx.version
    else:
        for key, name in (
            (G_TX_VERSION, "PSBT_GLOBAL_TX_VERSION"),
            (G_INPUT_COUNT, "PSBT_GLOBAL_INPUT_COUNT"),
            (G_OUTPUT_COUNT, "PSBT_GLOBAL_OUTPUT_COUNT"),
        ):
            if bytes([key]) not in g:
                raise PsbtError(f"PSBT version 2 without {name}")
    if n_in > r.remaining or n_out > r.remaining:
        raise PsbtError("PSBT: input/output count exceeds the data")

    inputs = [_parse_input(i, _read_map(r, f"input {i}"), version, tx) for i in range(n_in)]
    outputs = [_parse_output(i, _read_map(r, f"output {i}"), version, tx) for i in range(n_out)]
    r.expect_end()
    check_total([o.amount for o in outputs], "PSBT: the outputs")
    psbt = Psbt(
        version,
        global_entries,
        inputs,
        outputs,
        tx_version,
        tx.locktime if tx else None,
        fallback,
        modifiable,
        xpubs,
    )
    if version == 2:
        psbt.locktime()  # a v2 PSBT whose locktime cannot be determined is invalid
    return psbt


def _parse_input(index: int, entries: list[Entry], version: int, tx: Transaction | None) -> PsbtInput:
    where = f"input {index}"
    inp = PsbtInput(index, entries)
    if tx is not None:
        inp.prev_txid, inp.prev_vout, inp.sequence = (
            tx.vin[index].txid,
            tx.vin[index].vout,
            tx.vin[index].sequence,
        )
    have_txid = have_vout = False
    for e in entries:
        t, kd = e.keytype, e.keydata
        if t in V2_ONLY_INPUT and version != 2:
            raise PsbtError(f"{where}: key type 0x{t:02x} is only allowed in PSBT version 2")
        if t == I_NON_WITNESS_UTXO:
            _exact(e, 1, where, "PSBT_IN_NON_WITNESS_UTXO")
            inp.non_witness_utxo = parse_tx(e.value, allow_witness=True, what=f"{where} non-witness UTXO")
        elif t == I_WITNESS_UTXO:
            _exact(e, 1, where, "PSBT_IN_WITNESS_UTXO")
            wr = Reader(e.value, f"{where} witness UTXO")
            amount = int.from_bytes(wr.read(8, "amount"), "little")
            spk = wr.read(wr.compact("scriptPubKey length"), "scriptPubKey")
            wr.expect_end()
            check_amount(amount, f"{where}: witness UTXO amount")
            inp.witness_utxo = TransactionOutput(amount, Script(spk))
        elif t == I_PARTIAL_SIG:
            pub = _pubkey(kd, f"{where} partial signature")
            if not 9 <= len(e.value) <= 73:
                raise PsbtError(f"{where}: partial signature has an impossible length {len(e.value)}")
            inp.partial_sigs[pub] = e.value
        elif t == I_SIGHASH:
            _exact(e, 1, where, "PSBT_IN_SIGHASH_TYPE")
            inp.sighash_type = _u32(e.value, where, "PSBT_IN_SIGHASH_TYPE")
        elif t == I_REDEEM:
            _exact(e, 1, where, "PSBT_IN_REDEEM_SCRIPT")
            inp.redeem_script = e.value
        elif t == I_WITNESS_SCRIPT:
            _exact(e, 1, where, "PSBT_IN_WITNESS_SCRIPT")
            inp.witness_script = e.value
        elif t == I_BIP32:
            inp.bip32[_pubkey(kd, f"{where} BIP-32 derivation")] = _origin(
                e.value, f"{where} BIP-32 derivation"
            )
        elif t == I_FINAL_SCRIPTSIG:
            _exact(e, 1, where, "PSBT_IN_FINAL_SCRIPTSIG")
            inp.final_scriptsig = e.value
        elif t == I_FINAL_WITNESS:
            _exact(e, 1, where, "PSBT_IN_FINAL_SCRIPTWITNESS")
            wr = Reader(e.value, f"{where} final script witness")
            n = wr.compact("item count")
            if n > wr.remaining:
                raise PsbtError(f"{where}: final script witness item count exceeds the data")
            inp.final_scriptwitness = [wr.read(wr.compact("item length"), "item") for _ in range(n)]
            wr.expect_end()
        elif t in (I_RIPEMD160, I_HASH160):
            if len(kd) != 20:
                raise PsbtError(f"{where}: hash preimage key must hold a 20-byte hash")
        elif t in (I_SHA256, I_HASH256):
            if len(kd) != 32:
                raise PsbtError(f"{where}: hash preimage key must hold a 32-byte hash")
        elif t == I_PREV_TXID:
            _exact(e, 1, where, "PSBT_IN_PREVIOUS_TXID")
            if len(e.value) != 32:
                raise PsbtError(f"{where}: PSBT_IN_PREVIOUS_TXID must be 32 bytes")
            inp.prev_txid, have_txid = bytes(reversed(e.value)), True
        elif t == I_OUTPUT_INDEX:
            _exact(e, 1, where, "PSBT_IN_OUTPUT_INDEX")
            inp.prev_vout, have_vout = _u32(e.value, where, "PSBT_IN_OUTPUT_INDEX"), True
        elif t == I_SEQUENCE:
            _exact(e, 1, where, "PSBT_IN_SEQUENCE")
            inp.sequence = _u32(e.value, where, "PSBT_IN_SEQUENCE")
        elif t == I_REQ_TIME:
            _exact(e, 1, where, "PSBT_IN_REQUIRED_TIME_LOCKTIME")
            value = _u32(e.value, where, "PSBT_IN_REQUIRED_TIME_LOCKTIME")
            if value < LOCKTIME_THRESHOLD:
                raise PsbtError(f"{where}: PSBT_IN_REQUIRED_TIME_LOCKTIME {value} is below 500000000")
            inp.required_time_locktime = value
        elif t == I_REQ_HEIGHT:
            _exact(e, 1, where, "PSBT_IN_REQUIRED_HEIGHT_LOCKTIME")
            value = _u32(e.value, where, "PSBT_IN_REQUIRED_HEIGHT_LOCKTIME")
            if not 0 < value < LOCKTIME_THRESHOLD:
                raise PsbtError(f"{where}: PSBT_IN_REQUIRED_HEIGHT_LOCKTIME {value} must be in 1..499999999")
            inp.required_height_locktime = value
        elif t == I_TAP_KEY_SIG:
            _exact(e, 1, where, "PSBT_IN_TAP_KEY_SIG")
            inp.tap_key_sig = _schnorr_sig(e.value, where, "PSBT_IN_TAP_KEY_SIG")
        elif t == I_TAP_SCRIPT_SIG:
            if len(kd) != 64:
                raise PsbtError(
                    f"{where}: PSBT_IN_TAP_SCRIPT_SIG key must hold a 32-byte key and a 32-byte leaf hash"
                )
            _xonly(kd[:32], f"{where} taproot script signature")
            inp.tap_script_sigs[(kd[:32], kd[32:])] = _schnorr_sig(e.value, where, "PSBT_IN_TAP_SCRIPT_SIG")
        elif t == I_TAP_LEAF_SCRIPT:
            if len(kd) < 33 or (len(kd) - 33) % 32 or len(kd) > 33 + 128 * 32:
                raise PsbtError(
                    f"{where}: PSBT_IN_TAP_LEAF_SCRIPT control block has an invalid length {len(kd)}"
                )
            if not e.value:
                raise PsbtError(f"{where}: PSBT_IN_TAP_LEAF_SCRIPT value is empty (no leaf version)")
            inp.tap_leaf_scripts[kd] = e.value
        elif t == I_TAP_BIP32:
            inp.tap_bip32[_xonly(kd, f"{where} taproot BIP-32 derivation")] = _tap_origin(
                e.value, f"{where} taproot BIP-32 derivation"
            )
        elif t == I_TAP_INTERNAL_KEY:
            _exact(e, 1, where, "PSBT_IN_TAP_INTERNAL_KEY")
            inp.tap_internal_key = _xonly(e.value, f"{where} taproot internal key")
        elif t == I_TAP_MERKLE_ROOT:
            _exact(e, 1, where, "PSBT_IN_TAP_MERKLE_ROOT")
            if len(e.value) != 32:
                raise PsbtError(f"{where}: PSBT_IN_TAP_MERKLE_ROOT must be 32 bytes")
            inp.tap_merkle_root = e.value
    if version == 2 and not (have_txid and have_vout):
        missing = "PSBT_IN_PREVIOUS_TXID" if not have_txid else "PSBT_IN_OUTPUT_INDEX"
        raise PsbtError(f"{where}: PSBT version 2 input without {missing}")
    return inp


def _parse_output(index: int, entries: list[Entry], version: int, tx: Transaction | None) -> PsbtOutput:
    where = f"output {index}"
    out = PsbtOutput(index, entries)
    if tx is not None:
        out.amount, out.script = tx.vout[index].value, tx.vout[index].script_pubkey.data
    have_amount = have_script = False
    for e in entries:
        t, kd = e.keytype, e.keydata
        if t in V2_ONLY_OUTPUT and version != 2:
            raise PsbtError(f"{where}: key type 0x{t:02x} is only allowed in PSBT version 2")
        if t == O_REDEEM:
            _exact(e, 1, where, "PSBT_OUT_REDEEM_SCRIPT")
            out.redeem_script = e.value
        elif t == O_WITNESS_SCRIPT:
            _exact(e, 1, where, "PSBT_OUT_WITNESS_SCRIPT")
            out.witness_script = e.value
        elif t == O_BIP32:
            out.bip32[_pubkey(kd, f"{where} BIP-32 derivation")] = _origin(
                e.value, f"{where} BIP-32 derivation"
            )
        elif t == O_AMOUNT:
            _exact(e, 1, where, "PSBT_OUT_AMOUNT")
            if len(e.value) != 8:
                raise PsbtError(f"{where}: PSBT_OUT_AMOUNT must be 8 bytes")
            out.amount, have_amount = int.from_bytes(e.value, "little", signed=True), True
        elif t == O_SCRIPT:
            _exact(e, 1, where, "PSBT_OUT_SCRIPT")
            out.script, have_script = e.value, True
        elif t == O_TAP_INTERNAL_KEY:
            _exact(e, 1, where, "PSBT_OUT_TAP_INTERNAL_KEY")
            out.tap_internal_key = _xonly(e.value, f"{where} taproot internal key")
        elif t == O_TAP_TREE:
            _exact(e, 1, where, "PSBT_OUT_TAP_TREE")
            _check_tap_tree(e.value, where)
            out.tap_tree = e.value
        elif t == O_TAP_BIP32:
            out.tap_bip32[_xonly(kd, f"{where} taproot BIP-32 derivation")] = _tap_origin(
                e.value, f"{where} taproot BIP-32 derivation"
            )
    if version == 2 and not (have_amount and have_script):
        missing = "PSBT_OUT_AMOUNT" if not have_amount else "PSBT_OUT_SCRIPT"
        raise PsbtError(f"{where}: PSBT version 2 output without {missing}")
    check_amount(out.amount, f"{where}: amount")
    return out


def _check_tap_tree(value: bytes, where: str) -> None:
    r = Reader(value, f"{where} taproot tree")
    if not value:
        raise PsbtError(f"{where}: PSBT_OUT_TAP_TREE is empty")
    while r.remaining:
        depth = r.read(1, "depth")[0]
        r.read(1, "leaf version")
        r.read(r.compact("script length"), "script")
        if depth > 128:
            raise PsbtError(f"{where}: PSBT_OUT_TAP_TREE leaf depth {depth} exceeds 128")
