"""BIP-322 ``to_spend`` / ``to_sign`` transactions, and recognising a ``to_sign`` handed over as a PSBT.

A BIP-322 signature of message M for address A is a signature of the virtual transaction ``to_sign``:
version 0 (or another version in the full format), one input spending output 0 of ``to_spend`` (which
commits to A's script and to the tagged hash of M in its scriptSig), and exactly one output of value 0
whose script is a bare OP_RETURN. Extra inputs make it a proof of funds.

A host that passes ``to_sign`` off as an ordinary PSBT gets a valid proof of a message the person never
saw (a login, a statement of ownership, a proof of reserves). Such a PSBT can never move coins: the
``to_spend`` output it spends cannot exist (a coinbase-shaped transaction without a block height), so
every signature in it is bound to a transaction that can never be mined. It is therefore safe to sign
once the message it commits to is shown, and is never signed otherwise. The message is known when the
person gives it, or when the PSBT carries it in a proprietary field (any proprietary value in the
global map or in input 0 is tried, e.g. BitGo's BIP322_MESSAGE): it is accepted only if rebuilding
``to_spend`` from it gives exactly the transaction input 0 spends, so where it came from does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass

from embit.hashes import tagged_hash
from embit.script import Script
from embit.transaction import Transaction, TransactionInput, TransactionOutput

from signer import safe_text
from signer.btc.networks import address_from_script
from signer.btc.psbt import Psbt
from signer.btc.psbt_fields import PsbtGlobal, PsbtIn

MAX_MESSAGE = 64 * 1024
OP_RETURN = b"\x6a"
NULL_TXID = b"\x00" * 32


def message_hash(message: bytes) -> bytes:
    return tagged_hash("BIP0322-signed-message", message)


def to_spend_for_hash(challenge: bytes, hashed: bytes) -> Transaction:
    vin = TransactionInput(NULL_TXID, 0xFFFFFFFF, Script(b"\x00\x20" + hashed), 0)
    return Transaction(version=0, vin=[vin], vout=[TransactionOutput(0, Script(challenge))], locktime=0)


def to_spend(challenge: bytes, message: bytes) -> Transaction:
    """The virtual transaction committing to ``message`` for the address whose script is ``challenge``."""
    return to_spend_for_hash(challenge, message_hash(message))


def to_sign(to_spend_txid: bytes, version: int = 0, locktime: int = 0, sequence: int = 0) -> Transaction:
    vin = TransactionInput(to_spend_txid, 0, Script(b""), sequence)
    return Transaction(
        version=version, vin=[vin], vout=[TransactionOutput(0, Script(OP_RETURN))], locktime=locktime
    )


def committed_hash(tx: Transaction) -> bytes | None:
    """The message hash in ``tx`` if it has the shape of a ``to_spend``, else None."""
    if tx.version != 0 or tx.locktime != 0 or len(tx.vin) != 1 or len(tx.vout) != 1:
        return None
    txin = tx.vin[0]
    script_sig: bytes = txin.script_sig.data
    if txin.txid != NULL_TXID or txin.vout != 0xFFFFFFFF or txin.sequence != 0:
        return None
    if len(script_sig) != 34 or script_sig[:2] != b"\x00\x20" or tx.vout[0].value != 0:
        return None
    return script_sig[2:]


def is_to_sign(psbt: Psbt) -> bool:
    """True when the PSBT has the one output every BIP-322 ``to_sign`` has: value 0, bare OP_RETURN.

    Nothing else can make a valid BIP-322 proof, and no real payment looks like this (it would give
    every input to the miners and record nothing)."""
    return (
        bool(psbt.inputs)
        and len(psbt.outputs) == 1
        and psbt.outputs[0].amount == 0
        and psbt.outputs[0].script == OP_RETURN
    )


@dataclass(frozen=True)
class MessageProof:
    """What a BIP-322 ``to_sign`` PSBT would prove, and whether its message is known."""

    challenge: bytes | None  # script of the address the message is signed for (input 0's coin)
    message: bytes | None  # the message it signs, proven by rebuilding to_spend; None if unknown
    source: str  # "given" (by the person) | "psbt" (carried in the PSBT) | "" (unknown)
    committed: bytes | None  # the message hash in the to_spend the PSBT carries, if it carries one
    funds_inputs: tuple[int, ...]  # inputs after the first: a proof of funds for these coins
    mismatch: bool = False  # a message was given, and it is not the one this proof signs

    def address(self, network: str) -> str | None:
        return address_from_script(self.challenge, network) if self.challenge is not None else None

    def shown(self) -> safe_text.Escaped:
        """The message as it is shown: printable ASCII and line breaks as they are, every other
        character as its code (as for a sign-message request), so nothing can hide or reorder."""
        return safe_text.escape_bytes(self.message or b"", ascii_only=True)

    def display(self) -> str:
        return self.shown().text if self.message is not None else "(unknown)"

    def to_json(self, network: str) -> dict[str, object]:
        hashed = self.committed or (message_hash(self.message) if self.message is not None else None)
        return {
            "address": self.address(network),
            "message": self.display() if self.message is not None else None,
            "message_hex": self.message.hex() if self.message is not None else None,
            "message_source": self.source or None,
            "message_hash": hashed.hex() if hashed is not None else None,
            "proof_of_funds_inputs": list(self.funds_inputs),
        }


def carried_messages(psbt: Psbt) -> list[bytes]:
    """Candidate messages the PSBT carries: every proprietary value of the global map and input 0."""
    found = [e for e in psbt.global_entries if e.keytype == PsbtGlobal.PROPRIETARY]
    found += [e for e in (psbt.inputs[0].entries if psbt.inputs else []) if e.keytype == PsbtIn.PROPRIETARY]
    return [e.value for e in found if len(e.value) <= MAX_MESSAGE]


def recognise(psbt: Psbt, challenge: bytes | None, given: bytes | None = None) -> MessageProof | None:
    """The BIP-322 proof ``psbt`` would make, or None if it is not a ``to_sign``.

    ``challenge`` is the script of the coin input 0 spends (as the PSBT states it); ``given`` is the
    message the person says they sign."""
    if not is_to_sign(psbt):
        return None
    first = psbt.inputs[0]
    nwu = first.non_witness_utxo
    committed = committed_hash(nwu) if nwu is not None else None
    message, source = None, ""
    if challenge is not None and first.prev_vout == 0:
        candidates = [("given", given)] if given is not None else []
        candidates += [("psbt", m) for m in carried_messages(psbt)]
        for where, candidate in candidates:
            if len(candidate) <= MAX_MESSAGE and to_spend(challenge, candidate).txid() == first.prev_txid:
                message, source = candidate, where
                break
    funds = tuple(range(1, len(psbt.inputs)))
    return MessageProof(challenge, message, source, committed, funds, given is not None and source != "given")
