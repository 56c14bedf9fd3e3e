"""Sign exactly what a Review approved, and nothing else.

Sighashes come from one ``embit.transaction.Transaction`` built once per PSBT: embit caches
hashPrevouts / hashSequence / hashOutputs (BIP-143) on that object, and the BIP-341 midstates are
computed once here, so each segwit or taproot input costs a constant amount of hashing.
(``embit.psbt.PSBT.sign_with``, which SeedSigner uses, rebuilds the transaction for every input
through its ``tx`` property and so re-hashes everything each time: quadratic in the number of
inputs.) Legacy sighashes (P2PKH, legacy P2SH multisig) commit to the whole transaction per input;
signer.btc.legacy_sighash serialises it once and splices each input's script code in, so only the
hashing itself grows with the transaction.

Every signature is verified against its key and digest before it leaves this module.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from embit import ec
from embit.hashes import tagged_hash
from embit.script import Script
from embit.transaction import Transaction
from embit.util import secp256k1

from signer.btc.errors import BtcRefusal, PsbtError, RiskNotAccepted
from signer.btc.keys import BtcKeys
from signer.btc.legacy_sighash import LegacySighasher, SingleWithoutOutput
from signer.btc.psbt import Entry, Psbt, parse_psbt
from signer.btc.psbt_fields import FINALIZER_DROPS, PsbtIn
from signer.btc.review import InputPlan, Review
from signer.btc.scripts import SINGLE_SIG_TYPES, SpendKind
from signer.btc.sighash import ANYONECANPAY, TAPROOT_SIGHASHES
from signer.btc.wire import compact_bytes, stack_bytes
from signer.review import Severity


@dataclass(frozen=True)
class SignedPsbt:
    psbt: bytes  # same version as the input; input plus our signatures (and finals if asked)
    signed_inputs: tuple[int, ...]
    finalized_inputs: tuple[int, ...]
    version: int


class SighashCache:
    """Sighashes for every input of one transaction, linear in the number of inputs overall.

    BIP-143 digests use embit's ``Transaction`` (which caches the BIP-143 midstates on the
    instance). Legacy digests use signer.btc.legacy_sighash: embit 0.8 re-serialises the whole
    transaction per input, and for SIGHASH_SINGLE it commits to the other outputs with a value of
    0xFFFFFFFF instead of Core's -1, so its signatures of input 1 and after are invalid. BIP-341 is
    computed here: embit 0.8 hashes SIGHASH_SINGLE's output wrongly (it feeds the serialized output
    instead of its SHA256; see the BIP-341 vector test), and the midstates below are computed once
    per transaction.
    """

    def __init__(self, psbt: Psbt, utxos: tuple[tuple[int, bytes] | None, ...]) -> None:
        self.tx: Transaction = psbt.unsigned_tx()
        self._utxos = utxos
        self._bip341: tuple[bytes, bytes, bytes, bytes, bytes] | None = None
        self._legacy: LegacySighasher | None = None

    def legacy(self, index: int, script_code: bytes, sighash: int) -> bytes:
        if self._legacy is None:
            self._legacy = LegacySighasher(self.tx)
        try:
            return self._legacy.digest(index, script_code, sighash)
        except SingleWithoutOutput as exc:
            raise BtcRefusal(str(exc), "sighash-invalid") from None

    def segwit_v0(self, index: int, script_code: bytes, amount: int, sighash: int) -> bytes:
        digest: bytes = self.tx.sighash_segwit(index, Script(script_code), amount, sighash=sighash)
        return digest

    def _midstates(self) -> tuple[bytes, bytes, bytes, bytes, bytes]:
        if self._bip341 is None:
            if any(u is None for u in self._utxos):
                raise BtcRefusal("taproot signing needs every input's amount and script", "missing-utxo")
            utxos = [u for u in self._utxos if u is not None]
            self._bip341 = (
                _sha(b"".join(bytes(reversed(i.txid)) + i.vout.to_bytes(4, "little") for i in self.tx.vin)),
                _sha(b"".join(a.to_bytes(8, "little") for a, _ in utxos)),
                _sha(b"".join(compact_bytes(len(s)) + s for _, s in utxos)),
                _sha(b"".join(i.sequence.to_bytes(4, "little") for i in self.tx.vin)),
                _sha(b"".join(o.serialize() for o in self.tx.vout)),
            )
        return self._bip341

    def taproot(self, index: int, sighash: int) -> bytes:
        """BIP-341 key-path signature hash (no annex, ext_flag 0)."""
        base, acp = sighash & 0x03, bool(sighash & ANYONECANPAY)
        if sighash not in TAPROOT_SIGHASHES:
            raise BtcRefusal(f"invalid taproot sighash type 0x{sighash:x}", "sighash-invalid")
        tx = self.tx
        msg = bytes([0, sighash]) + tx.version.to_bytes(4, "little") + tx.locktime.to_bytes(4, "little")
        if not acp:
            prevouts, amounts, scripts, sequences, _ = self._midstates()
            msg += prevouts + amounts + scripts + sequences
        if base not in (2, 3):
            msg += self._midstates()[4]
        msg += b"\x00"  # spend_type: key path, no annex
        if acp:
            utxo = self._utxos[index]
            if utxo is None:
                raise BtcRefusal(f"input {index}: amount unknown", "missing-utxo")
            txin = tx.vin[index]
            msg += bytes(reversed(txin.txid)) + txin.vout.to_bytes(4, "little")
            msg += utxo[0].to_bytes(8, "little") + compact_bytes(len(utxo[1])) + utxo[1]
            msg += txin.sequence.to_bytes(4, "little")
        else:
            msg += index.to_bytes(4, "little")
        if base == 3:
            if index >= len(tx.vout):
                raise BtcRefusal(
                    f"input {index}: SIGHASH_SINGLE without a matching output", "sighash-invalid"
                )
            msg += _sha(tx.vout[index].serialize())
        return tagged_hash("TapSighash", msg)

    def digest(self, plan: InputPlan) -> bytes:
        if plan.kind == SpendKind.P2TR:
            return self.taproot(plan.index, plan.sighash)
        if plan.kind in (SpendKind.P2PKH, SpendKind.P2SH_MULTISIG):
            return self.legacy(plan.index, plan.script_code, plan.sighash)
        return self.segwit_v0(plan.index, plan.script_code, plan.amount, plan.sighash)


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def ecdsa_sign(key: ec.PrivateKey, digest: bytes, *, grind: bool = True) -> bytes:
    """DER signature (RFC 6979, low-S; low-R ground like Bitcoin Core when ``grind``), verified."""
    sig = key.sign(digest, grind=grind)
    if not key.get_public_key().verify(sig, digest):
        raise BtcRefusal("a freshly made ECDSA signature did not verify (hardware fault?)", "sign-fault")
    return sig.serialize()


def schnorr_sign(key: ec.PrivateKey, digest: bytes, aux_rand: bytes | None = None) -> bytes:
    """BIP-340 signature with fresh auxiliary randomness (or the given 32 bytes), verified."""
    aux = os.urandom(32) if aux_rand is None else aux_rand
    sig: bytes = secp256k1.schnorrsig_sign(digest, key.secret, None, aux)
    if not key.get_public_key().schnorr_verify(ec.SchnorrSig(sig), digest):
        raise BtcRefusal("a freshly made Schnorr signature did not verify (hardware fault?)", "sign-fault")
    return sig


def sign_reviewed(review: Review, keys: BtcKeys, *, accept_risk: bool = False, finalize: bool = False,
                  aux_rand: bytes | None = None) -> SignedPsbt:  # fmt: skip
    """Sign the inputs ``review`` planned; refuse if it holds refusals or unaccepted danger."""
    if review.refusals:
        first = review.refusals[0]
        more = f" (and {len(review.refusals) - 1} more)" if len(review.refusals) > 1 else ""
        raise BtcRefusal(f"{first.message}{more}", first.code)
    if review.has_danger and not accept_risk:
        dangers = "; ".join(w.message for w in review.warnings if w.severity == Severity.DANGER)
        raise RiskNotAccepted(f"not signed without an explicit acceptance of the risk: {dangers}")
    if review.fingerprint != keys.fingerprint.hex() or review.network != keys.network:
        raise BtcRefusal("this review was made for another seed or network", "review-mismatch")
    if not review._plan:
        raise BtcRefusal("nothing to sign", "nothing-to-sign")
    psbt: Psbt = review._psbt
    cache = SighashCache(psbt, review._utxos)
    new_entries = [list(inp.entries) for inp in psbt.inputs]
    finalized: list[int] = []
    for plan in review._plan:
        key = keys.private_key(plan.path)
        if key.sec() != plan.pubkey:
            raise BtcRefusal(f"input {plan.index}: derived key changed since review", "review-mismatch")
        digest = cache.digest(plan)
        entries = new_entries[plan.index]
        if plan.kind == SpendKind.P2TR:
            tweaked = key.taproot_tweak(b"")
            sig = schnorr_sign(tweaked, digest, aux_rand) + (bytes([plan.sighash]) if plan.sighash else b"")
            _put(entries, bytes([PsbtIn.TAP_KEY_SIG]), sig)
            final_witness: list[bytes] | None = [sig]
            final_scriptsig = None
        else:
            sig = ecdsa_sign(key, digest) + bytes([plan.sighash])
            _put(entries, bytes([PsbtIn.PARTIAL_SIG]) + plan.pubkey, sig)
            segwit_v0 = plan.kind in (SpendKind.P2WPKH, SpendKind.P2SH_P2WPKH)
            final_witness = [sig, plan.pubkey] if segwit_v0 else None
            final_scriptsig = None
            if plan.kind == SpendKind.P2PKH:
                final_scriptsig = _push(sig) + _push(plan.pubkey)
            elif plan.kind == SpendKind.P2SH_P2WPKH:
                final_scriptsig = _push(plan.redeem_script or b"")
        if finalize and plan.kind in SINGLE_SIG_TYPES:
            entries[:] = [e for e in entries if e.keytype not in FINALIZER_DROPS]
            if final_scriptsig is not None:
                _put(entries, bytes([PsbtIn.FINAL_SCRIPTSIG]), final_scriptsig)
            if final_witness is not None:
                _put(entries, bytes([PsbtIn.FINAL_SCRIPTWITNESS]), stack_bytes(final_witness))
            finalized.append(plan.index)
    raw = psbt.serialize(new_entries)
    try:
        check = parse_psbt(raw)
    except PsbtError as exc:  # pragma: no cover - would be a bug in this module
        raise BtcRefusal(f"the signed PSBT does not parse back: {exc}", "sign-fault") from exc
    if check.unsigned_tx().txid() != psbt.unsigned_tx().txid():  # pragma: no cover
        raise BtcRefusal("signing changed the transaction", "sign-fault")
    return SignedPsbt(raw, tuple(p.index for p in review._plan), tuple(finalized), psbt.version)


def _put(entries: list[Entry], key: bytes, value: bytes) -> None:
    for i, e in enumerate(entries):
        if e.key == key:
            entries[i] = Entry(key, value)  # never mutate the reviewed PSBT's own entries
            return
    entries.append(Entry(key, value))


def _push(data: bytes) -> bytes:
    if len(data) < 76:
        return bytes([len(data)]) + data
    if len(data) < 256:
        return b"\x4c" + bytes([len(data)]) + data
    return b"\x4d" + len(data).to_bytes(2, "little") + data
