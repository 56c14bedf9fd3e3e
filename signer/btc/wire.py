"""Bitcoin's serialization, read strictly: CompactSize integers, transactions, witness stacks, amounts.

Every read is bounded by the bytes actually present, so a hostile count or length fails at once with
a PsbtError naming what was being read; it never loops or allocates on the count's word.
"""

from __future__ import annotations

from embit.script import Script, Witness
from embit.transaction import Transaction, TransactionInput, TransactionOutput

from signer.btc.errors import PsbtError

MAX_MONEY = 21_000_000 * 100_000_000  # consensus MoneyRange, in satoshis
MIN_INPUT_BYTES = 41  # outpoint 36 + empty scriptSig length 1 + sequence 4
MIN_OUTPUT_BYTES = 9  # amount 8 + empty scriptPubKey length 1
_COMPACT_WIDTH = {0xFD: 2, 0xFE: 4, 0xFF: 8}
_COMPACT_MINIMUM = {2: 0xFD, 4: 0x10000, 8: 0x100000000}


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
        """A CompactSize integer, which must be written in its shortest form."""
        first = self.read(1, what)[0]
        if first < 0xFD:
            return first
        size = _COMPACT_WIDTH[first]
        value = int.from_bytes(self.read(size, what), "little")
        if value < _COMPACT_MINIMUM[size]:
            raise PsbtError(f"{self.what}: {what} uses a non-minimal CompactSize")
        return value

    def sized(self, what: str) -> bytes:
        """A CompactSize length, then that many bytes."""
        return self.read(self.compact(f"{what} length"), what)

    def stack(self, what: str) -> list[bytes]:
        """A witness stack: a CompactSize item count, then that many length-prefixed items."""
        n = self.compact(f"{what} item count")
        if n > self.remaining:
            raise PsbtError(f"{self.what}: {what} item count exceeds the data")
        return [self.sized(f"{what} item") for _ in range(n)]

    def expect_end(self) -> None:
        if self.remaining:
            raise PsbtError(f"{self.what}: {self.remaining} unexpected trailing bytes")


def compact_bytes(n: int) -> bytes:
    """``n`` as a CompactSize integer (shortest form)."""
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def stack_bytes(items: list[bytes]) -> bytes:
    """A witness stack as serialized in a transaction (and in PSBT_IN_FINAL_SCRIPTWITNESS)."""
    return compact_bytes(len(items)) + b"".join(compact_bytes(len(x)) + x for x in items)


def check_amount(value: int, what: str) -> None:
    """Consensus MoneyRange: an amount outside 0..21 million BTC is no amount."""
    if not 0 <= value <= MAX_MONEY:
        raise PsbtError(f"{what} {value} is outside 0..21 million BTC")


def check_total(values: list[int], what: str) -> None:
    """Consensus MoneyRange of a sum (what a C implementation would overflow on is simply too much)."""
    total = sum(values)
    if total > MAX_MONEY:
        raise PsbtError(f"{what} add up to {total} satoshis, more than 21 million BTC")


def parse_txout(data: bytes, what: str) -> TransactionOutput:
    """One serialized transaction output (amount, scriptPubKey) and nothing after it."""
    r = Reader(data, what)
    amount = int.from_bytes(r.read(8, "amount"), "little")
    spk = r.sized("scriptPubKey")
    r.expect_end()
    return TransactionOutput(amount, Script(spk))


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
    if n_in * MIN_INPUT_BYTES > r.remaining:
        raise PsbtError(f"{what}: input count {n_in} exceeds the data")
    vin = []
    for _ in range(n_in):
        txid = bytes(reversed(r.read(32, "prevout txid")))
        vout = r.u32("prevout index")
        script_sig = r.sized("scriptSig")
        sequence = r.u32("sequence")
        vin.append(TransactionInput(txid, vout, Script(script_sig), sequence))
    n_out = r.compact("output count")
    if n_out * MIN_OUTPUT_BYTES > r.remaining:
        raise PsbtError(f"{what}: output count {n_out} exceeds the data")
    vout_list = []
    for i in range(n_out):
        value = int.from_bytes(r.read(8, "output amount"), "little")
        spk = r.sized("scriptPubKey")
        vout_list.append(TransactionOutput(value, Script(spk)))
        check_amount(value, f"{what}: output {i} amount")
    check_total([o.value for o in vout_list], f"{what}: the outputs")
    if segwit:
        for txin in vin:
            txin.witness = Witness(r.stack("witness"))
    locktime = r.u32("locktime")
    r.expect_end()
    return Transaction(version=version, vin=vin, vout=vout_list, locktime=locktime)
