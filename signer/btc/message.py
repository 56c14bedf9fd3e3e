"""Message signing: BIP-137 / Electrum ``signmessage`` and BIP-322 generic signed messages.

* BIP-137: compact recoverable ECDSA over sha256d("\\x18Bitcoin Signed Message:\\n" || len || msg);
  header byte 31-34 (P2PKH, compressed), 35-38 (P2SH-P2WPKH), 39-42 (P2WPKH). Verification also
  accepts the Electrum convention (31-34 for every single-key address type).
* BIP-322: ``simple`` signatures for P2WPKH and P2TR (key path) addresses, written with the ``smp``
  prefix of the finalised BIP (verifiers may omit it; ours accepts both). Verification handles
  ``simple`` and ``full`` proofs for the standard single-key and multisig scripts; anything that
  needs a full script interpreter (time locks, custom scripts, proofs of funds) is reported as
  ``inconclusive``, never as valid.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from embit import ec
from embit.hashes import double_sha256, hash160
from embit.script import Script
from embit.transaction import Transaction
from embit.util import secp256k1

from signer.btc.bip322 import MAX_MESSAGE, message_hash, to_sign, to_spend
from signer.btc.errors import MessageError, PathError, PsbtError
from signer.btc.keys import BtcKeys
from signer.btc.networks import address_from_script, coin_type, format_path, script_from_address, script_type
from signer.btc.scripts import SCRIPT_BY_PURPOSE, parse_multisig_script, single_sig_script
from signer.btc.sign import ecdsa_sign, schnorr_sign
from signer.btc.wire import Reader, compact_bytes, parse_tx, stack_bytes
from signer.derivation import HARDENED, Network, ScriptKind

BIP137_BASE: dict[str, int] = {ScriptKind.P2PKH: 31, ScriptKind.P2SH_P2WPKH: 35, ScriptKind.P2WPKH: 39}


@dataclass(frozen=True)
class MessageSignature:
    address: str
    path: str
    format: str  # "bip137" | "electrum" | "bip322"
    signature: str  # base64 (with the "smp" prefix for BIP-322 unless asked otherwise)

    def to_json(self) -> dict[str, str]:
        return {
            "address": self.address,
            "path": self.path,
            "format": self.format,
            "signature": self.signature,
        }


@dataclass(frozen=True)
class VerifyResult:
    state: str  # "valid" | "invalid" | "inconclusive"
    format: str
    reason: str = ""
    locktime: int = 0
    sequence: int = 0

    @property
    def valid(self) -> bool:
        return self.state == "valid"

    def to_json(self) -> dict[str, object]:
        return {"state": self.state, "valid": self.valid, "format": self.format, "reason": self.reason,
                "locktime": self.locktime, "sequence": self.sequence}  # fmt: skip


def _message_bytes(message: str | bytes) -> bytes:
    data = message.encode("utf-8") if isinstance(message, str) else bytes(message)
    if len(data) > MAX_MESSAGE:
        raise MessageError(f"message is {len(data)} bytes; the limit is {MAX_MESSAGE}")
    return data


def bip137_digest(message: str | bytes) -> bytes:
    data = _message_bytes(message)
    return double_sha256(b"\x18Bitcoin Signed Message:\n" + compact_bytes(len(data)) + data)


def bip322_message_hash(message: str | bytes) -> bytes:
    return message_hash(_message_bytes(message))


def script_kind_for_path(path: tuple[int, ...], network: str) -> str:
    """The single-key script type a BIP-44/49/84/86 address path stands for (PathError otherwise)."""
    if len(path) != 5 or path[0] not in SCRIPT_BY_PURPOSE or any(i < HARDENED for i in path[:3]):
        raise PathError(
            f"{format_path(path)} is not a BIP-44/49/84/86 address path (m/purpose'/coin'/account'/c/i)"
        )
    if path[1] != coin_type(network) + HARDENED:
        raise PathError(f"{format_path(path)} has the coin type of another network than {network}")
    if path[3] not in (0, 1) or path[4] >= HARDENED:
        raise PathError(f"{format_path(path)} must end in /0/i or /1/i with an unhardened index")
    return SCRIPT_BY_PURPOSE[path[0]]


# --------------------------------------------------------------------------- signing
def sign_message(keys: BtcKeys, path: tuple[int, ...], message: str | bytes, fmt: str = "bip137",
                 *, prefix: bool = True) -> MessageSignature:  # fmt: skip
    """Sign ``message`` with the key at ``path``; the address type follows the path's purpose."""
    kind = script_kind_for_path(path, keys.network)
    key = keys.private_key(path)
    sec = key.sec()
    address = address_from_script(single_sig_script(kind, sec), keys.network) or ""
    if fmt in ("bip137", "electrum"):
        if kind == ScriptKind.P2TR:
            raise MessageError("BIP-137 cannot sign for taproot addresses; use --format bip322")
        raw = secp256k1.ecdsa_sign_recoverable(bip137_digest(message), key.secret)
        sig64, recid = secp256k1.ecdsa_recoverable_signature_serialize_compact(raw)
        header = (31 if fmt == "electrum" else BIP137_BASE[kind]) + recid
        signature = base64.b64encode(bytes([header]) + sig64).decode()
        if not verify_bip137(address, message, signature, keys.network).valid:  # pragma: no cover
            raise MessageError("the message signature did not verify (fault?)")
        return MessageSignature(address, format_path(path), fmt, signature)
    if fmt != "bip322":
        raise MessageError(f"unknown message signature format {fmt!r}: bip137, electrum or bip322")
    if kind not in (ScriptKind.P2WPKH, ScriptKind.P2TR):
        raise MessageError(f"BIP-322 simple signing is supported for P2WPKH and P2TR addresses, not {kind}")
    spk = single_sig_script(kind, sec)
    to_sign = _to_sign(_to_spend(spk, message).txid())
    if kind == ScriptKind.P2WPKH:
        code = Script(b"\x76\xa9\x14" + hash160(sec) + b"\x88\xac")
        digest = to_sign.sighash_segwit(0, code, 0, sighash=1)
        witness = [ecdsa_sign(key, digest) + b"\x01", sec]
    else:
        digest = to_sign.sighash_taproot(0, script_pubkeys=[Script(spk)], values=[0], sighash=0)
        witness = [schnorr_sign(key.taproot_tweak(b""), digest)]
    encoded = base64.b64encode(stack_bytes(witness)).decode()
    signature = ("smp" if prefix else "") + encoded
    result = verify_bip322(address, message, signature, keys.network)
    if not result.valid:  # pragma: no cover
        raise MessageError(f"the BIP-322 signature did not verify (fault?): {result.reason}")
    return MessageSignature(address, format_path(path), "bip322", signature)


def _to_spend(spk: bytes, message: str | bytes) -> Transaction:
    return to_spend(spk, _message_bytes(message))


_to_sign = to_sign


def bip322_tx_hashes(address: str, message: str | bytes, network: str = Network.MAIN) -> tuple[str, str]:
    """(to_spend txid, to_sign txid) in display order, for the BIP-322 test vectors."""
    to_spend = _to_spend(script_from_address(address, network), message)
    return to_spend.txid().hex(), _to_sign(to_spend.txid()).txid().hex()


# --------------------------------------------------------------------------- verification
def verify_message(
    address: str, message: str | bytes, signature: str, network: str = Network.MAIN
) -> VerifyResult:
    """Verify a BIP-137/Electrum or BIP-322 signature, detecting which from its form."""
    sig = signature.strip()
    if sig[:3] in ("smp", "ful", "pof"):
        return verify_bip322(address, message, sig, network)
    try:
        raw = base64.b64decode(sig, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == 65 and 27 <= raw[0] <= 42:
        return verify_bip137(address, message, sig, network)
    return verify_bip322(address, message, sig, network)


def verify_bip137(
    address: str, message: str | bytes, signature: str, network: str = Network.MAIN
) -> VerifyResult:
    spk = script_from_address(address, network)
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise MessageError("error decoding signature as base64") from None
    if len(raw) != 65:
        raise MessageError(f"a BIP-137 signature is 65 bytes, this one is {len(raw)}")
    header = raw[0]
    if not 27 <= header <= 42:
        raise MessageError(f"BIP-137 header byte {header} is out of range 27..42")
    recid = (header - 27) % 4
    try:
        rsig = secp256k1.ecdsa_recoverable_signature_parse_compact(raw[1:], recid)
        point = secp256k1.ecdsa_recover(rsig, bip137_digest(message))
    except ValueError:
        return VerifyResult("invalid", "bip137", "invalid signature: no public key can be recovered")
    compressed = header >= 31
    pub = ec.PublicKey(point, compressed)
    sec = pub.sec()
    if not compressed:
        ok = single_sig_script(ScriptKind.P2PKH, sec) == spk
    else:
        by_header = {
            31: (ScriptKind.P2PKH, ScriptKind.P2SH_P2WPKH, ScriptKind.P2WPKH),
            35: (ScriptKind.P2SH_P2WPKH,),
            39: (ScriptKind.P2WPKH,),
        }
        kinds = by_header[27 + 4 * ((header - 27) // 4)]
        ok = any(single_sig_script(k, sec) == spk for k in kinds)
    if not ok:
        return VerifyResult(
            "invalid", "bip137", "invalid signature: it was made by another key or for another message"
        )
    return VerifyResult("valid", "bip137")


def verify_bip322(
    address: str, message: str | bytes, signature: str, network: str = Network.MAIN
) -> VerifyResult:
    spk = script_from_address(address, network)
    sig = signature.strip()
    if not sig:
        raise MessageError("signature too short: it is empty")
    variant = "simple"
    if sig[:3] in ("smp", "ful", "pof"):
        variant = {"smp": "simple", "ful": "full", "pof": "proof-of-funds"}[sig[:3]]
        sig = sig[3:]
    try:
        raw = base64.b64decode(sig, validate=True)
    except (binascii.Error, ValueError):
        raise MessageError("error decoding signature as base64") from None
    if not raw:
        raise MessageError("signature too short: it decodes to nothing")
    to_spend = _to_spend(spk, message)
    if variant == "proof-of-funds":
        return VerifyResult("inconclusive", "bip322-pof", "proofs of funds need the UTXO set to verify")
    if variant == "simple":
        try:
            witness = _decode_witness(raw)
        except MessageError as exc:
            return VerifyResult("invalid", "bip322-simple", f"invalid signature: {exc}")
        tx = _to_sign(to_spend.txid())
        tx.vin[0].witness.items = witness
        return _check_input(tx, spk, "bip322-simple")
    try:
        tx = parse_tx(raw, allow_witness=True, what="BIP-322 full signature")
    except PsbtError as exc:
        raise MessageError(f"error parsing signature as full variant: {exc}") from None
    if len(tx.vin) < 1 or tx.vin[0].txid != to_spend.txid() or tx.vin[0].vout != 0:
        return VerifyResult(
            "invalid", "bip322-full", "invalid signature: it does not spend this message's to_spend"
        )
    if len(tx.vout) != 1 or tx.vout[0].value != 0 or tx.vout[0].script_pubkey.data != b"\x6a":
        return VerifyResult(
            "invalid", "bip322-full", "invalid signature: to_sign must have one empty OP_RETURN output"
        )
    if len(tx.vin) > 1:
        return VerifyResult("inconclusive", "bip322-full", "extra inputs (proof of funds) need the UTXO set")
    if tx.version not in (0, 2):
        return VerifyResult(
            "inconclusive", "bip322-full", f"to_sign version {tx.version} is reserved for upgrades"
        )
    return _check_input(tx, spk, "bip322-full")


def _decode_witness(raw: bytes) -> list[bytes]:
    r = Reader(raw, "signature")
    try:
        items = r.stack("witness")
        r.expect_end()
    except PsbtError as exc:
        raise MessageError(str(exc)) from None
    return items


Digest = Callable[[], bytes]  # the sighash a signature commits to, computed only when one is checked


def _ecdsa_ok(sec: bytes, sig: bytes, digest_for: Digest) -> bool:
    if len(sig) < 9 or sig[-1] != 1:  # BIP-322: SIGHASH_ALL only
        return False
    try:
        pub = ec.PublicKey.parse(sec)
        parsed = ec.Signature.parse(sig[:-1])
    except Exception:
        return False
    if parsed.serialize() != sig[:-1]:  # strict DER
        return False
    return bool(pub.verify(parsed, digest_for()))  # libsecp256k1 enforces low-S


def _pushes(script: bytes) -> list[bytes] | None:
    """Data pushes of a push-only scriptSig (minimal pushes only), else None."""
    out, i = [], 0
    while i < len(script):
        op = script[i]
        if op == 0:
            out.append(b"")
            i += 1
            continue
        if 1 <= op <= 75:
            n, i = op, i + 1
        elif op == 0x4C and i + 1 < len(script):
            n, i = script[i + 1], i + 2
        elif op == 0x4D and i + 2 < len(script):
            n, i = int.from_bytes(script[i + 1 : i + 3], "little"), i + 3
        else:
            return None
        if i + n > len(script):
            return None
        out.append(script[i : i + n])
        i += n
    return out


def _check_input(tx: Transaction, spk: bytes, fmt: str) -> VerifyResult:
    inp = tx.vin[0]
    witness = list(inp.witness.items)
    script_sig = inp.script_sig.data
    kind = script_type(spk)
    meta = {"locktime": tx.locktime, "sequence": inp.sequence}

    def result(ok: bool) -> VerifyResult:
        if ok:
            return VerifyResult("valid", fmt, "", **meta)
        return VerifyResult("invalid", fmt, "invalid signature", **meta)

    def v0(code: bytes) -> Digest:
        return lambda: tx.sighash_segwit(0, Script(code), 0, sighash=1)

    if kind == ScriptKind.P2TR:
        if script_sig or len(witness) != 1 or len(witness[0]) not in (64, 65):
            return VerifyResult("inconclusive" if len(witness) > 1 else "invalid", fmt,
                                "only taproot key-path signatures are checked here", **meta)  # fmt: skip
        sig = witness[0]
        if len(sig) == 65 and sig[64] != 1:
            return result(False)
        digest = tx.sighash_taproot(
            0, script_pubkeys=[Script(spk)], values=[0], sighash=0 if len(sig) == 64 else 1
        )
        try:
            pub = ec.PublicKey.from_xonly(spk[2:])
        except Exception:
            return result(False)
        return result(pub.schnorr_verify(ec.SchnorrSig(sig[:64]), digest))
    if kind == ScriptKind.P2WPKH:
        if script_sig or len(witness) != 2 or hash160(witness[1]) != spk[2:]:
            return result(False)
        return result(_ecdsa_ok(witness[1], witness[0], v0(b"\x76\xa9\x14" + spk[2:] + b"\x88\xac")))
    if kind == ScriptKind.P2WSH:
        if script_sig or not witness or hashlib.sha256(witness[-1]).digest() != spk[2:]:
            return result(False)
        return _multisig(witness[:-1], witness[-1], lambda ws: v0(ws), result, fmt, meta)
    if kind == ScriptKind.P2PKH:
        pushes = _pushes(script_sig)
        if witness or pushes is None or len(pushes) != 2 or hash160(pushes[1]) != spk[3:23]:
            return result(False)
        return result(_ecdsa_ok(pushes[1], pushes[0], lambda: tx.sighash_legacy(0, Script(spk), sighash=1)))
    if kind == ScriptKind.P2SH:
        pushes = _pushes(script_sig)
        if not pushes or hash160(pushes[-1]) != spk[2:22]:
            return result(False)
        redeem = pushes[-1]
        inner = script_type(redeem)
        nested_p2wpkh = inner == ScriptKind.P2WPKH and len(pushes) == 1 and len(witness) == 2
        if nested_p2wpkh and hash160(witness[1]) == redeem[2:]:
            return result(_ecdsa_ok(witness[1], witness[0], v0(b"\x76\xa9\x14" + redeem[2:] + b"\x88\xac")))
        if (
            inner == ScriptKind.P2WSH
            and len(pushes) == 1
            and witness
            and hashlib.sha256(witness[-1]).digest() == redeem[2:]
        ):
            return _multisig(witness[:-1], witness[-1], lambda ws: v0(ws), result, fmt, meta)
        if not witness and parse_multisig_script(redeem) is not None:

            def legacy(rs: bytes) -> Digest:
                return lambda: tx.sighash_legacy(0, Script(rs), sighash=1)

            return _multisig(pushes[:-1], redeem, legacy, result, fmt, meta)
        return VerifyResult("inconclusive", fmt, "this P2SH script needs a full script interpreter", **meta)
    return VerifyResult("inconclusive", fmt, f"{kind} scripts need a full script interpreter", **meta)


def _multisig(
    stack: list[bytes],
    script: bytes,
    digest_maker: Callable[[bytes], Digest],
    result: Callable[[bool], VerifyResult],
    fmt: str,
    meta: dict[str, int],
) -> VerifyResult:
    parsed = parse_multisig_script(script)
    if parsed is None:
        return VerifyResult("inconclusive", fmt, "this script needs a full script interpreter", **meta)
    m, keys = parsed
    if len(stack) != m + 1 or stack[0] != b"":  # CHECKMULTISIG dummy must be empty (NULLDUMMY)
        return result(False)
    digest_for = digest_maker(script)
    k = 0
    for sig in stack[1:]:
        while k < len(keys) and not _ecdsa_ok(keys[k], sig, digest_for):
            k += 1
        if k == len(keys):
            return result(False)
        k += 1
    return result(True)
