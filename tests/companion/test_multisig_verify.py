"""companion.btc.multisig_verify on malformed witnesses: a real 2-of-3 spend (P2WSH and P2SH-P2WSH),
signed with embit by keys of the suite's test mnemonics, passes the check and Bitcoin Core's consensus
code (libbitcoinkernel, where installed); each variant below breaks exactly one rule of the good
witness and must be refused for that reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pytest
from conftest import ABANDON, LEGAL, ZOO24
from test_companion_send import kernel_verifies

from companion.btc.multisig_verify import nested_program, p2wsh_multisig
from companion.btc.verify import verify_inputs
from companion.errors import CompanionError

AMOUNT = 1_000_000
PATH = "m/48h/1h/0h/2h/0/0"
ALL, NONE, SINGLE, ANYONECANPAY = 0x01, 0x02, 0x03, 0x80
CHECKMULTISIG, CHECKMULTISIGVERIFY = 0xAE, 0xAF
OP_1, OP_DROP = 0x51, 0x75


def _private_key(mnemonic: str) -> object:
    from embit import bip32, bip39

    return bip32.HDKey.from_seed(bip39.mnemonic_to_seed(mnemonic)).derive(PATH).key


@cache
def _keys() -> tuple[list[object], object]:
    """The three cosigners' keys in the script's (sorted) order, and a key outside the script."""
    from embit import ec

    cosigners = sorted((_private_key(m) for m in (ABANDON, LEGAL, ZOO24)), key=lambda k: k.sec())
    return cosigners, ec.PrivateKey(bytes(31) + b"\x07")


def multisig_script(m: int, keys: list[object], op: int = CHECKMULTISIG) -> bytes:
    pushes = b"".join(b"\x21" + k.sec() for k in keys)
    return bytes([0x50 + m]) + pushes + bytes([0x50 + len(keys), op])


def _sha256(data: bytes) -> bytes:
    import hashlib

    return hashlib.sha256(data).digest()


def _hash160(data: bytes) -> bytes:
    from embit.hashes import hash160

    result: bytes = hash160(data)
    return result


@dataclass
class Spend:
    """One input spending ``coin`` (amount, scriptPubKey); ``script_sig`` is the nested form's push."""

    unsigned_psbt: bytes
    coin: tuple[int, bytes]
    script_sig: bytes

    def tx(self) -> object:
        from embit.psbt import PSBT

        return PSBT.parse(self.unsigned_psbt).tx

    def sign(self, key: object, script: bytes, sighash: int = ALL, amount: int = AMOUNT) -> bytes:
        """An embit ECDSA signature of input 0 over the BIP-143 digest, with its sighash byte."""
        from embit.script import Script

        digest = self.tx().sighash_segwit(0, Script(script), amount, sighash=sighash)
        return bytes(key.sign(digest).serialize()) + bytes([sighash])

    def final(self, witness: list[bytes], script_sig: bytes | None = None) -> bytes:
        from embit.script import Script, Witness

        tx = self.tx()
        tx.vin[0].witness = Witness(witness)
        tx.vin[0].script_sig = Script(self.script_sig if script_sig is None else script_sig)
        return bytes(tx.serialize())

    def check(self, witness: list[bytes], program: bytes | None = None, amount: int = AMOUNT) -> bool:
        from signer.btc.psbt import parse_psbt
        from signer.btc.sign import SighashCache

        if program is None:
            program = self.coin[1][2:] if not self.script_sig else self.script_sig[3:]
        cache_ = SighashCache(parse_psbt(self.unsigned_psbt), (self.coin,))
        return p2wsh_multisig(cache_, 0, amount, program, witness)

    def kernel(self, witness: list[bytes], amount: int = AMOUNT, script_sig: bytes | None = None) -> bool:
        """libbitcoinkernel's verdict on input 0 (skips the test when it is not installed)."""
        return kernel_verifies(self.final(witness, script_sig).hex(), [(amount, self.coin[1])]) == [True]


def _spend(script: bytes, nested: bool) -> Spend:
    from embit.psbt import PSBT
    from embit.script import Script
    from embit.transaction import Transaction, TransactionInput, TransactionOutput

    p2wsh = b"\x00\x20" + _sha256(script)
    if nested:
        coin_script, script_sig = b"\xa9\x14" + _hash160(p2wsh) + b"\x87", b"\x22" + p2wsh
    else:
        coin_script, script_sig = p2wsh, b""
    tx = Transaction(
        vin=[TransactionInput(bytes(range(32)), 1, sequence=0xFFFFFFFD)],
        vout=[TransactionOutput(AMOUNT - 1_000, Script(b"\x00\x14" + bytes(20)))],
    )
    return Spend(bytes(PSBT(tx).serialize()), (AMOUNT, coin_script), script_sig)


@pytest.fixture(params=[False, True], ids=["p2wsh", "p2sh-p2wsh"])
def nested(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def spend(nested: bool) -> Spend:
    return _spend(multisig_script(2, _keys()[0]), nested)


def good_witness(spend: Spend, sighash: int = ALL) -> list[bytes]:
    keys, _ = _keys()
    script = multisig_script(2, keys)
    return [b"", spend.sign(keys[0], script, sighash), spend.sign(keys[2], script, sighash), script]


def test_the_good_witness_passes_and_the_kernel_agrees(spend: Spend) -> None:
    witness = good_witness(spend)
    assert spend.check(witness) is True
    verify_inputs(spend.unsigned_psbt, spend.final(witness), [spend.coin])  # raises on refusal
    assert spend.kernel(witness) is True


def test_every_pair_of_cosigners_in_key_order_passes(spend: Spend) -> None:
    keys, _ = _keys()
    script = multisig_script(2, keys)
    for first, second in ((0, 1), (0, 2), (1, 2)):
        witness = [b"", spend.sign(keys[first], script), spend.sign(keys[second], script), script]
        assert spend.check(witness) is True, (first, second)


def _variants() -> dict[str, Callable[[Spend, list[bytes]], list[bytes]]]:
    def third_signature(spend: Spend, w: list[bytes]) -> list[bytes]:
        return [w[0], w[1], spend.sign(_keys()[0][1], w[3]), w[2], w[3]]

    def outsider(spend: Spend, w: list[bytes]) -> list[bytes]:
        return [w[0], w[1], spend.sign(_keys()[1], w[3]), w[3]]

    return {
        "non-empty dummy": lambda s, w: [b"\x01", *w[1:]],
        "one signature only": lambda s, w: [w[0], w[1], w[3]],
        "three signatures for a 2-of-3": third_signature,
        "signatures out of key order": lambda s, w: [w[0], w[2], w[1], w[3]],
        "the same signature twice": lambda s, w: [w[0], w[1], w[1], w[3]],
        "a signature by a key outside the script": outsider,
        "an empty signature": lambda s, w: [w[0], w[1], b"", w[3]],
        "sighash byte changed after signing": lambda s, w: [w[0], w[1][:-1] + bytes([NONE]), w[2], w[3]],
    }


@pytest.mark.parametrize("name", list(_variants()))
def test_a_malformed_witness_is_refused_and_the_kernel_agrees(spend: Spend, name: str) -> None:
    witness = _variants()[name](spend, good_witness(spend))
    assert spend.check(witness) is False
    with pytest.raises(CompanionError, match="input 0's signature does not verify"):
        verify_inputs(spend.unsigned_psbt, spend.final(witness), [spend.coin])
    assert spend.kernel(witness) is False


def test_an_empty_witness_is_refused(spend: Spend) -> None:
    assert spend.check([]) is False
    assert spend.check([b""]) is False
    assert spend.kernel([]) is False


def test_a_witness_script_of_another_wallet_is_refused(spend: Spend) -> None:
    """Signatures valid for the script they come with, but the script is not the coin's: the hash decides."""
    keys, _ = _keys()
    other = multisig_script(2, [keys[2], keys[1], keys[0]])  # the same keys, unsorted: another script
    witness = [b"", spend.sign(keys[2], other), spend.sign(keys[0], other), other]
    assert spend.check(witness, program=_sha256(other)) is True  # a coin of that script: it verifies
    assert spend.check(witness) is False
    assert spend.kernel(witness) is False


@pytest.mark.parametrize(
    "shape",
    ["OP_CHECKMULTISIGVERIFY", "leading OP_1 OP_DROP", "uncompressed key"],
)
def test_a_script_that_is_not_plain_multisig_is_refused(nested: bool, shape: str) -> None:
    """The coin really is this script and the signatures are valid for it: only its shape is wrong."""
    keys, _ = _keys()
    if shape == "OP_CHECKMULTISIGVERIFY":
        script = multisig_script(2, keys, CHECKMULTISIGVERIFY)
    elif shape == "leading OP_1 OP_DROP":
        script = bytes([OP_1, OP_DROP]) + multisig_script(2, keys)
    else:
        full = keys[0].get_public_key()
        full.compressed = False
        script = bytes([0x52, 0x41]) + full.sec() + multisig_script(2, keys)[1 + 34 :]
    spend = _spend(script, nested)
    witness = [b"", spend.sign(keys[0], script), spend.sign(keys[2], script), script]
    assert spend.check(witness, program=_sha256(script)) is False
    with pytest.raises(CompanionError, match="input 0's signature does not verify"):
        verify_inputs(spend.unsigned_psbt, spend.final(witness), [spend.coin])


def test_a_wrong_amount_is_refused_bip143_commits_to_it(spend: Spend) -> None:
    witness = good_witness(spend)
    assert spend.check(witness, amount=AMOUNT + 1) is False
    assert spend.kernel(witness, amount=AMOUNT + 1) is False
    # and signatures made over the wrong amount do not verify against the true one
    keys, _ = _keys()
    script = witness[-1]
    lying = [b"", *(spend.sign(k, script, amount=AMOUNT - 1) for k in (keys[0], keys[2])), script]
    assert spend.check(lying) is False
    assert spend.kernel(lying) is False


@pytest.mark.parametrize("sighash", [NONE, SINGLE, ALL | ANYONECANPAY], ids=["none", "single", "all-acp"])
def test_other_valid_sighash_types_are_checked_not_refused(spend: Spend, sighash: int) -> None:
    """The checker proves the signatures spend the coin, as consensus does: a signature made with another
    defined sighash type verifies over that type's digest. Whether to sign with it is the device's
    review (signer.btc), not the broadcast check; the byte itself is committed (see the variant
    "sighash byte changed after signing")."""
    witness = good_witness(spend, sighash)
    assert spend.check(witness) is True
    assert spend.kernel(witness) is True


def test_an_undefined_sighash_type_is_refused_not_a_crash(spend: Spend) -> None:
    witness = good_witness(spend)
    witness[1] = witness[1][:-1] + b"\x04"
    assert spend.check(witness) is False
    with pytest.raises(CompanionError, match="input 0's signature does not verify"):
        verify_inputs(spend.unsigned_psbt, spend.final(witness), [spend.coin])


def test_a_nested_redeem_script_that_does_not_match_is_refused() -> None:
    keys, _ = _keys()
    spend = _spend(multisig_script(2, keys), nested=True)
    witness = good_witness(spend)
    coin_hash = spend.coin[1][2:22]
    assert nested_program([spend.script_sig[1:]], coin_hash) == _sha256(witness[-1])
    other = b"\x00\x20" + _sha256(multisig_script(1, keys))
    wrong_sigs = {
        "another program": b"\x22" + other,
        "a P2WPKH redeem script": b"\x16\x00\x14" + bytes(20),
        "two pushes": b"\x01\x00" + b"\x21" + spend.script_sig[2:],
        "no scriptSig": b"",
    }
    assert nested_program([other], coin_hash) is None
    assert nested_program([spend.script_sig[1:], b""], coin_hash) is None
    assert nested_program(None, coin_hash) is None
    for name, script_sig in wrong_sigs.items():
        with pytest.raises(CompanionError, match="input 0's signature does not verify"):
            verify_inputs(spend.unsigned_psbt, spend.final(witness, script_sig), [spend.coin])
        assert spend.kernel(witness, script_sig=script_sig) is False, name


@pytest.mark.parametrize("wrapped", [False, True], ids=["p2wpkh", "p2sh-p2wpkh"])
def test_a_single_key_signature_of_an_undefined_sighash_type_is_refused_not_a_crash(wrapped: bool) -> None:
    """The same rule for the single-key inputs: a sighash byte no digest exists for is a signature
    that does not verify, never an error escaping the check."""
    key = _keys()[0][0]
    pub = key.sec()
    p2wpkh = b"\x00\x14" + _hash160(pub)
    coin_script = b"\xa9\x14" + _hash160(p2wpkh) + b"\x87" if wrapped else p2wpkh
    base = _spend(b"", nested=False)
    spend = Spend(base.unsigned_psbt, (AMOUNT, coin_script), b"\x16" + p2wpkh if wrapped else b"")
    good = [spend.sign(key, b"\x76\xa9\x14" + _hash160(pub) + b"\x88\xac"), pub]
    verify_inputs(spend.unsigned_psbt, spend.final(good), [spend.coin])  # the good signature passes
    bad = [good[0][:-1] + b"\x04", pub]
    with pytest.raises(CompanionError, match="input 0's signature does not verify"):
        verify_inputs(spend.unsigned_psbt, spend.final(bad), [spend.coin])
