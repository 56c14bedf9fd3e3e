"""An independent check that a finished transaction's signatures are valid.

Sighashes (legacy, BIP-143, BIP-341 key path) are computed here from the raw transaction bytes
with hashlib only, and signatures are verified with coincurve (a separate libsecp256k1 binding),
so nothing of Airlock's signing path or of embit is trusted by this check.
"""

from __future__ import annotations

import hashlib
import io

import coincurve

H256 = lambda b: hashlib.sha256(b).digest()  # noqa: E731
D256 = lambda b: H256(H256(b))  # noqa: E731


def _h160(b: bytes) -> bytes:
    return hashlib.new("ripemd160", H256(b)).digest()


def _tagged(tag: str, data: bytes) -> bytes:
    t = H256(tag.encode())
    return H256(t + t + data)


def _cs(n: int) -> bytes:
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    return b"\xfe" + n.to_bytes(4, "little")


def _read_cs(s: io.BytesIO) -> int:
    b = s.read(1)[0]
    if b < 0xFD:
        return b
    return int.from_bytes(s.read({0xFD: 2, 0xFE: 4, 0xFF: 8}[b]), "little")


class Tx:
    def __init__(self, raw: bytes) -> None:
        s = io.BytesIO(raw)
        self.version = int.from_bytes(s.read(4), "little")
        n = _read_cs(s)
        segwit = n == 0
        if segwit:
            assert s.read(1) == b"\x01"
            n = _read_cs(s)
        self.vin = []
        for _ in range(n):
            prev = s.read(36)
            script_sig = s.read(_read_cs(s))
            seq = s.read(4)
            self.vin.append([prev, script_sig, seq, []])
        self.vout = []
        for _ in range(_read_cs(s)):
            amount = s.read(8)
            self.vout.append(amount + _cs(k := _read_cs(s)) + s.read(k))
        if segwit:
            for txin in self.vin:
                txin[3] = [s.read(_read_cs(s)) for _ in range(_read_cs(s))]
        self.locktime = s.read(4)
        assert not s.read(), "trailing bytes"

    def legacy_sighash(self, i: int, script_code: bytes, ht: int) -> bytes:
        assert ht == 1
        out = self.version.to_bytes(4, "little") + _cs(len(self.vin))
        for j, (prev, _, seq, _) in enumerate(self.vin):
            sc = script_code if j == i else b""
            out += prev + _cs(len(sc)) + sc + seq
        out += _cs(len(self.vout)) + b"".join(self.vout) + self.locktime + ht.to_bytes(4, "little")
        return D256(out)

    def bip143_sighash(self, i: int, script_code: bytes, amount: int, ht: int) -> bytes:
        assert ht == 1
        prevouts = D256(b"".join(v[0] for v in self.vin))
        seqs = D256(b"".join(v[2] for v in self.vin))
        outs = D256(b"".join(self.vout))
        prev, _, seq, _ = self.vin[i]
        pre = (
            self.version.to_bytes(4, "little") + prevouts + seqs + prev + _cs(len(script_code)) + script_code
        )
        pre += amount.to_bytes(8, "little") + seq + outs + self.locktime + ht.to_bytes(4, "little")
        return D256(pre)

    def bip341_sighash(self, i: int, amounts: list[int], spks: list[bytes], ht: int) -> bytes:
        assert ht in (0, 1)
        msg = bytes([0, ht]) + self.version.to_bytes(4, "little") + self.locktime
        msg += H256(b"".join(v[0] for v in self.vin))
        msg += H256(b"".join(a.to_bytes(8, "little") for a in amounts))
        msg += H256(b"".join(_cs(len(s)) + s for s in spks))
        msg += H256(b"".join(v[2] for v in self.vin))
        msg += H256(b"".join(self.vout))
        msg += b"\x00" + i.to_bytes(4, "little")
        return _tagged("TapSighash", msg)


def _pushes(script: bytes) -> list[bytes]:
    out, s = [], io.BytesIO(script)
    while b := s.read(1):
        op = b[0]
        if 1 <= op <= 75:
            out.append(s.read(op))
        elif op == 0x4C:
            out.append(s.read(s.read(1)[0]))
        elif op == 0x4D:
            out.append(s.read(int.from_bytes(s.read(2), "little")))
        elif op == 0:
            out.append(b"")
        else:
            raise AssertionError(f"unexpected opcode {op:#x} in scriptSig")
    return out


def _ecdsa_ok(sec: bytes, sig_with_type: bytes, digest: bytes) -> bool:
    return coincurve.PublicKey(sec).verify(sig_with_type[:-1], digest, hasher=None)


def _multisig_ok(ws: bytes, sigs: list[bytes], digest_for: object) -> bool:
    m, n = ws[0] - 0x50, ws[-2] - 0x50
    keys = [ws[2 + 34 * k : 35 + 34 * k] for k in range(n)]
    if len(sigs) != m:
        return False
    k = 0
    for sig in sigs:  # CHECKMULTISIG: signatures in key order
        while k < n and not _ecdsa_ok(keys[k], sig, digest_for(sig[-1])):  # type: ignore[operator]
            k += 1
        if k == n:
            return False
        k += 1
    return True


def verify_input(tx: Tx, i: int, amounts: list[int], spks: list[bytes]) -> bool:
    """True if input ``i`` is validly signed for the spent output (amount, scriptPubKey)."""
    _, script_sig, _, wit = tx.vin[i]
    spk, amount = spks[i], amounts[i]
    if len(spk) == 34 and spk[:2] == b"\x51\x20":  # P2TR key path
        if len(wit) != 1 or len(wit[0]) not in (64, 65):
            return False
        ht = wit[0][64] if len(wit[0]) == 65 else 0
        digest = tx.bip341_sighash(i, amounts, spks, ht)
        return coincurve.PublicKeyXOnly(spk[2:]).verify(wit[0][:64], digest)
    if len(spk) == 25 and spk[:3] == b"\x76\xa9\x14":  # P2PKH
        sig, sec = _pushes(script_sig)
        return _h160(sec) == spk[3:23] and _ecdsa_ok(sec, sig, tx.legacy_sighash(i, spk, sig[-1]))
    program = spk
    if len(spk) == 23 and spk[:2] == b"\xa9\x14":  # P2SH: a witness program, or legacy multisig
        *stack, redeem = _pushes(script_sig)
        if _h160(redeem) != spk[2:22]:
            return False
        if stack:  # legacy P2SH multisig: OP_0 <signatures in key order> <redeem script>
            if wit or stack[0] != b"":
                return False
            return _multisig_ok(redeem, stack[1:], lambda ht: tx.legacy_sighash(i, redeem, ht))
        program = redeem
    elif script_sig:
        return False
    if len(program) == 22 and program[:2] == b"\x00\x14":  # P2WPKH
        sig, sec = wit
        code = b"\x76\xa9\x14" + program[2:] + b"\x88\xac"
        return _h160(sec) == program[2:] and _ecdsa_ok(sec, sig, tx.bip143_sighash(i, code, amount, sig[-1]))
    if len(program) == 34 and program[:2] == b"\x00\x20":  # P2WSH multisig
        ws = wit[-1]
        if H256(ws) != program[2:] or wit[0] != b"":
            return False
        return _multisig_ok(ws, wit[1:-1], lambda ht: tx.bip143_sighash(i, ws, amount, ht))
    return False
