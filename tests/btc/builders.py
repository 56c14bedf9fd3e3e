"""Build PSBTs for tests the way a (possibly hostile) companion would: by hand, field by field.

Nothing here uses the code under test except the low-level serialisers of key/value maps, so the
tests exercise the review and signer on PSBTs they did not write themselves.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from embit import ec
from embit.bip32 import HDKey
from embit.hashes import hash160
from embit.networks import NETWORKS
from embit.script import Script
from embit.transaction import Transaction, TransactionInput, TransactionOutput

H = 0x80000000
MNEMONIC = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
OTHER_MNEMONIC = "legal winner thank year wave sausage worth useful legal winner thank yellow"


def root_from(mnemonic: str = MNEMONIC, network: str = "main", passphrase: str = "") -> HDKey:
    from embit.bip39 import mnemonic_to_seed

    return HDKey.from_seed(mnemonic_to_seed(mnemonic, passphrase), version=NETWORKS[network]["xprv"])


def seed_from(mnemonic: str = MNEMONIC, passphrase: str = "") -> bytes:
    from embit.bip39 import mnemonic_to_seed

    return mnemonic_to_seed(mnemonic, passphrase)


def path(text: str) -> tuple[int, ...]:
    out = []
    for part in text.split("/")[1:]:
        out.append(int(part[:-1]) + H if part[-1] in "h'" else int(part))
    return tuple(out)


def origin(fp: bytes, p: tuple[int, ...]) -> bytes:
    return fp + b"".join(i.to_bytes(4, "little") for i in p)


def cs(n: int) -> bytes:
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    return b"\xfe" + n.to_bytes(4, "little")


def kv(key: bytes, value: bytes) -> bytes:
    return cs(len(key)) + key + cs(len(value)) + value


# ------------------------------------------------------------------ scripts (independent of the code)
def spk_for(kind: str, sec: bytes) -> bytes:
    if kind == "p2pkh":
        return b"\x76\xa9\x14" + hash160(sec) + b"\x88\xac"
    if kind == "p2wpkh":
        return b"\x00\x14" + hash160(sec)
    if kind == "p2sh-p2wpkh":
        return b"\xa9\x14" + hash160(b"\x00\x14" + hash160(sec)) + b"\x87"
    if kind == "p2tr":
        return b"\x51\x20" + ec.PublicKey.parse(sec).taproot_tweak(b"").xonly()
    raise ValueError(kind)


def multisig_ws(m: int, secs: list[bytes]) -> bytes:
    keys = sorted(secs)
    return bytes([0x50 + m]) + b"".join(b"\x21" + k for k in keys) + bytes([0x50 + len(keys), 0xAE])


def p2wsh_spk(ws: bytes) -> bytes:
    return b"\x00\x20" + hashlib.sha256(ws).digest()


def p2sh_spk(redeem: bytes) -> bytes:
    return b"\xa9\x14" + hash160(redeem) + b"\x87"


def funding_tx(outputs: list[tuple[int, bytes]], salt: int = 0) -> Transaction:
    """A made-up previous transaction paying ``outputs`` (its own input is a fake outpoint)."""
    vin = [TransactionInput(hashlib.sha256(b"fund%d" % salt).digest(), salt, Script(b"\x51"), 0xFFFFFFFF)]
    return Transaction(
        version=2, vin=vin, vout=[TransactionOutput(a, Script(s)) for a, s in outputs], locktime=0
    )


def bip322_to_spend(spk: bytes, message: bytes) -> Transaction:
    """BIP-322 ``to_spend`` for ``message`` and the address script ``spk``, from the BIP's text."""
    tag = hashlib.sha256(b"BIP0322-signed-message").digest()
    hashed = hashlib.sha256(tag + tag + message).digest()
    vin = [TransactionInput(b"\x00" * 32, 0xFFFFFFFF, Script(b"\x00\x20" + hashed), 0)]
    return Transaction(version=0, vin=vin, vout=[TransactionOutput(0, Script(spk))], locktime=0)


def proprietary_key(identifier: bytes, subtype: int, keydata: bytes = b"") -> bytes:
    """BIP-174 proprietary key: 0xFC, identifier (length-prefixed), subtype, key data."""
    return b"\xfc" + cs(len(identifier)) + identifier + cs(subtype) + keydata


# ------------------------------------------------------------------ the PSBT builder
@dataclass
class In:
    prev: Transaction
    vout: int
    sequence: int = 0xFFFFFFFD
    nwu: bool = True
    wu: bool = True
    bip32: dict[bytes, bytes] = field(default_factory=dict)  # pubkey -> origin bytes
    tap_bip32: dict[bytes, bytes] = field(default_factory=dict)  # xonly -> origin bytes
    tap_internal_key: bytes | None = None
    redeem: bytes | None = None
    witness_script: bytes | None = None
    sighash: int | None = None
    wu_override: tuple[int, bytes] | None = None
    nwu_override: Transaction | None = None
    extra: list[tuple[bytes, bytes]] = field(default_factory=list)


@dataclass
class Out:
    amount: int
    spk: bytes
    bip32: dict[bytes, bytes] = field(default_factory=dict)
    tap_bip32: dict[bytes, bytes] = field(default_factory=dict)
    tap_internal_key: bytes | None = None
    witness_script: bytes | None = None
    redeem: bytes | None = None


def build_psbt(
    ins: list[In],
    outs: list[Out],
    *,
    version: int = 0,
    tx_version: int = 2,
    locktime: int = 0,
    xpubs: list[tuple[bytes, bytes]] = (),
    extra_global: list[tuple[bytes, bytes]] = (),
) -> bytes:
    g = b""
    if version == 0:
        tx = Transaction(
            version=tx_version,
            vin=[TransactionInput(i.prev.txid(), i.vout, Script(b""), i.sequence) for i in ins],
            vout=[TransactionOutput(o.amount, Script(o.spk)) for o in outs],
            locktime=locktime,
        )
        g += kv(b"\x00", tx.serialize())
    for raw, org in xpubs:
        g += kv(b"\x01" + raw, org)
    if version == 2:
        g += kv(b"\x02", tx_version.to_bytes(4, "little"))
        g += kv(b"\x03", locktime.to_bytes(4, "little"))
        g += kv(b"\x04", cs(len(ins))) + kv(b"\x05", cs(len(outs)))
        g += kv(b"\xfb", (2).to_bytes(4, "little"))
    for k, v in extra_global:
        g += kv(k, v)
    out = b"psbt\xff" + g + b"\x00"
    for i in ins:
        m = b""
        prev = i.nwu_override or i.prev
        if i.nwu:
            m += kv(b"\x00", prev.serialize())
        if i.wu:
            amount, spk = i.wu_override or (i.prev.vout[i.vout].value, i.prev.vout[i.vout].script_pubkey.data)
            m += kv(b"\x01", amount.to_bytes(8, "little") + cs(len(spk)) + spk)
        if i.sighash is not None:
            m += kv(b"\x03", i.sighash.to_bytes(4, "little"))
        if i.redeem is not None:
            m += kv(b"\x04", i.redeem)
        if i.witness_script is not None:
            m += kv(b"\x05", i.witness_script)
        for pub, org in i.bip32.items():
            m += kv(b"\x06" + pub, org)
        if version == 2:
            m += kv(b"\x0e", bytes(reversed(i.prev.txid())))
            m += kv(b"\x0f", i.vout.to_bytes(4, "little"))
            m += kv(b"\x10", i.sequence.to_bytes(4, "little"))
        for x, org in i.tap_bip32.items():
            m += kv(b"\x16" + x, b"\x00" + org)
        if i.tap_internal_key is not None:
            m += kv(b"\x17", i.tap_internal_key)
        for k, v in i.extra:
            m += kv(k, v)
        out += m + b"\x00"
    for o in outs:
        m = b""
        if o.redeem is not None:
            m += kv(b"\x00", o.redeem)
        if o.witness_script is not None:
            m += kv(b"\x01", o.witness_script)
        for pub, org in o.bip32.items():
            m += kv(b"\x02" + pub, org)
        if version == 2:
            m += kv(b"\x03", o.amount.to_bytes(8, "little"))
            m += kv(b"\x04", o.spk)
        if o.tap_internal_key is not None:
            m += kv(b"\x05", o.tap_internal_key)
        for x, org in o.tap_bip32.items():
            m += kv(b"\x07" + x, b"\x00" + org)
        out += m + b"\x00"
    return out


# ------------------------------------------------------------------ single-sig wallet helper
PURPOSE = {"p2pkh": 44, "p2sh-p2wpkh": 49, "p2wpkh": 84, "p2tr": 86}


class Wallet:
    """A single-sig account of ``root`` that makes our inputs and change like a companion would.

    ``account_path`` puts it anywhere (a hostile host can derive any unhardened path below an xpub it
    was given, and fund it), with ``kind`` scripts whatever the path's purpose says."""

    def __init__(
        self,
        root: HDKey,
        kind: str,
        network: str = "main",
        account: int = 0,
        account_path: tuple[int, ...] | None = None,
    ) -> None:
        self.root, self.kind, self.network = root, kind, network
        self.fp = root.my_fingerprint
        coin = 0 if network == "main" else 1
        self.account = account_path or (PURPOSE[kind] + H, coin + H, account + H)

    def key_path(self, branch: int, index: int) -> tuple[int, ...]:
        return (*self.account, branch, index)

    def sec(self, p: tuple[int, ...]) -> bytes:
        return self.root.derive(list(p)).key.get_public_key().sec()

    def spk(self, branch: int, index: int) -> bytes:
        return spk_for(self.kind, self.sec(self.key_path(branch, index)))

    def _annotate(self, p: tuple[int, ...], target: In | Out) -> None:
        sec = self.sec(p)
        if self.kind == "p2tr":
            target.tap_bip32[sec[1:]] = origin(self.fp, p)
            target.tap_internal_key = sec[1:]
        else:
            target.bip32[sec] = origin(self.fp, p)
            if self.kind == "p2sh-p2wpkh":
                target.redeem = b"\x00\x14" + hash160(sec)

    def utxo(self, amount: int, branch: int = 0, index: int = 0, salt: int = 0, **kw: object) -> In:
        prev = funding_tx([(amount, self.spk(branch, index))], salt)
        return self.spending(prev, 0, branch, index, **kw)

    def spending(self, prev: Transaction, vout: int, branch: int, index: int, **kw: object) -> In:
        """An input spending output ``vout`` of ``prev``, annotated as our key at branch/index."""
        inp = In(prev, vout, **kw)  # type: ignore[arg-type]
        if self.kind == "p2pkh":
            inp.wu = False
        self._annotate(self.key_path(branch, index), inp)
        return inp

    def change(self, amount: int, index: int = 0, branch: int = 1) -> Out:
        out = Out(amount, self.spk(branch, index))
        self._annotate(self.key_path(branch, index), out)
        return out


def external(amount: int, tag: bytes = b"someone") -> Out:
    return Out(amount, b"\x00\x14" + hash160(tag))
