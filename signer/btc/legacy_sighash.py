"""Legacy (pre-segwit) signature hashes for many inputs of one transaction, serialised once.

The legacy algorithm (Bitcoin Core's ``SignatureHash`` for SIGVERSION_BASE) double-SHA256es a copy
of the whole transaction for every input: every scriptSig emptied, the input being signed given
the script code, and for NONE and SINGLE the other inputs' sequences zeroed and the outputs cut.
Re-serialising that copy per input (as ``embit.transaction.Transaction.sighash_legacy`` does) costs
Python work proportional to the transaction per input: quadratic in the number of inputs overall.

Here the transaction is serialised once into flat buffers (every input with an empty script, in
both sequence variants, and the outputs); an input's digest feeds slices of them to hashlib
(memoryview, no copies) around its own input with the script code spliced in. The SHA256 state
after the inputs before ``index`` is kept and moved forward when the inputs are signed in order.
What remains quadratic is the hashing of the bytes after each input, by design of the algorithm
(each signature commits to the whole transaction); that is C code at memory speed. Segwit v0
(BIP-143) and taproot (BIP-341) fixed this with midstates shared by every input.
"""

from __future__ import annotations

import hashlib
from typing import Any

from embit.transaction import Transaction

from signer.btc.wire import compact_bytes

SIGHASH_NONE, SIGHASH_SINGLE, ANYONECANPAY = 2, 3, 0x80
_NULL_OUTPUT = b"\xff" * 8 + b"\x00"  # CTxOut() in the SINGLE serialisation: value -1, empty script
_EMPTY_SCRIPT = b"\x00"
_BLANK_WIDTH = 32 + 4 + len(_EMPTY_SCRIPT) + 4  # one input with an empty script


class SingleWithoutOutput(ValueError):
    """SIGHASH_SINGLE for an input with no output at its index: Core would sign the constant 1."""


class LegacySighasher:
    """Legacy signature hashes of ``tx``'s inputs; linear Python work per input (see the module)."""

    def __init__(self, tx: Transaction) -> None:
        self._version = tx.version.to_bytes(4, "little")
        self._tail = tx.locktime.to_bytes(4, "little")
        self._outpoints = [bytes(reversed(i.txid)) + i.vout.to_bytes(4, "little") for i in tx.vin]
        self._sequences = [i.sequence.to_bytes(4, "little") for i in tx.vin]
        self._outputs = [o.serialize() for o in tx.vout]
        self._outputs_all = compact_bytes(len(self._outputs)) + b"".join(self._outputs)
        self._head = self._version + compact_bytes(len(self._outpoints))
        self._blanks: dict[bool, memoryview] = {}  # zeroed sequences? -> every input, empty script
        self._prefix: dict[bool, tuple[int, Any]] = {}  # zeroed sequences? -> (index, SHA256 state)
        self._nulls: memoryview | None = None

    def digest(self, index: int, script_code: bytes, sighash: int) -> bytes:
        """The 32-byte digest an ECDSA signature of input ``index`` signs.

        ``script_code`` is used as given: Core drops OP_CODESEPARATORs from it first, and the scripts
        this signer spends (P2PKH, sorted multisig) hold none. ``sighash`` is the 32-bit hash type
        as committed (its low 5 bits pick NONE or SINGLE, else ALL; 0x80 is ANYONECANPAY).
        Raises SingleWithoutOutput where Core would sign the constant 1 instead of a hash.
        """
        if not 0 <= index < len(self._outpoints):
            raise IndexError(f"input {index} does not exist")
        base, acp = sighash & 0x1F, bool(sighash & ANYONECANPAY)
        if base == SIGHASH_SINGLE and index >= len(self._outputs):
            raise SingleWithoutOutput(f"input {index}: SIGHASH_SINGLE without an output at its index")
        zeroed = base in (SIGHASH_NONE, SIGHASH_SINGLE)
        own = self._outpoints[index] + compact_bytes(len(script_code)) + script_code + self._sequences[index]
        if acp:
            h = hashlib.sha256(self._version + b"\x01" + own)
        else:
            h = self._state_before(index, zeroed)
            h.update(own)
            h.update(self._blank(zeroed)[_BLANK_WIDTH * (index + 1) :])
        if base == SIGHASH_NONE:
            h.update(b"\x00")
        elif base == SIGHASH_SINGLE:
            h.update(compact_bytes(index + 1))
            h.update(self._null_outputs()[: len(_NULL_OUTPUT) * index])
            h.update(self._outputs[index])
        else:
            h.update(self._outputs_all)
        h.update(self._tail + (sighash & 0xFFFFFFFF).to_bytes(4, "little"))
        return hashlib.sha256(h.digest()).digest()

    def _blank(self, zeroed: bool) -> memoryview:
        if zeroed not in self._blanks:
            seqs = [b"\x00" * 4] * len(self._outpoints) if zeroed else self._sequences
            flat = b"".join(o + _EMPTY_SCRIPT + s for o, s in zip(self._outpoints, seqs, strict=True))
            self._blanks[zeroed] = memoryview(flat)
        return self._blanks[zeroed]

    def _state_before(self, index: int, zeroed: bool) -> Any:
        """A SHA256 state fed with the head and the blank inputs before ``index`` (a copy)."""
        at, state = self._prefix.get(zeroed, (0, None))
        if state is None or at > index:
            at, state = 0, hashlib.sha256(self._head)
        state.update(self._blank(zeroed)[_BLANK_WIDTH * at : _BLANK_WIDTH * index])
        self._prefix[zeroed] = (index, state)
        return state.copy()

    def _null_outputs(self) -> memoryview:
        if self._nulls is None:
            self._nulls = memoryview(_NULL_OUTPUT * len(self._outputs))
        return self._nulls
