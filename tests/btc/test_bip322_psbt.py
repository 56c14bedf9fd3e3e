"""BIP-322 signed-message proofs handed over as PSBTs (issue 10.5).

A host that passes a BIP-322 ``to_sign`` off as a PSBT gets a valid proof of a message the person
never saw. Such PSBTs are recognised (checked on the BIP's own vectors), refused unless their message
is known and shown, and, when it is, signed into a proof that verifies independently.
"""

from __future__ import annotations

import base64

import pytest
import shared_vectors
from builders import (
    OTHER_MNEMONIC,
    In,
    Out,
    Wallet,
    bip322_to_spend,
    build_psbt,
    proprietary_key,
    root_from,
)
from test_sign import extract
from txverify import Tx, verify_input

from signer.btc import BtcKeys, load_psbt, review_psbt, sign_reviewed
from signer.btc.bip322 import recognise
from signer.btc.errors import BtcRefusal
from signer.btc.message import sign_message, verify_message
from signer.btc.networks import script_from_address
from signer.cli import main
from signer.review import Severity

BIP322_BASIC = "bip322/basic-test-vectors.json"
BIP322_GEN = "bip322/generated-test-vectors.json"
EMPTY_OP_RETURN = Out(0, b"\x6a")
SECRET = b"I, the owner of this address, hand my account over to Mallory"


@pytest.fixture(scope="module")
def root():
    return root_from()


@pytest.fixture(scope="module")
def keys(root):
    return BtcKeys(root, "main")


def proof_psbt(
    w: Wallet,
    message: bytes,
    *,
    nwu: bool = False,
    version: int = 0,
    extra_ins: list[In] = (),
    extra_global: list[tuple[bytes, bytes]] = (),
    **kw: object,
) -> bytes:
    """The to_sign of ``message`` for our address at receive index 0, as a PSBT (BIP-322 'simple'
    layout: version 0, sequence 0, locktime 0)."""
    first = w.spending(bip322_to_spend(w.spk(0, 0), message), 0, 0, 0, sequence=0, nwu=nwu, **kw)
    if w.kind == "p2pkh":
        first.nwu = True
    return build_psbt([first, *extra_ins], [EMPTY_OP_RETURN], tx_version=version, extra_global=extra_global)


def refused(raw: bytes, keys: BtcKeys, code: str, **kw: object) -> None:
    review = review_psbt(load_psbt(raw), keys, **kw)
    assert code in {r.code for r in review.refusals}, review.to_text()
    assert review.kind == "btc-bip322" and not review.can_sign
    with pytest.raises(BtcRefusal):
        sign_reviewed(review, keys, accept_risk=True)


# ------------------------------------------------------------------ recognition, on the BIP's vectors
def _hash_cases(data):
    return [(f"hash-{n}", c) for n, c in enumerate(data["tx_hashes"])]


@pytest.mark.parametrize("case", shared_vectors.cases(BIP322_BASIC, _hash_cases))
def test_to_sign_of_the_bip_vectors_is_recognised_with_its_message(case) -> None:
    spk = script_from_address(case["address"], "main")
    message = case["message"].encode()
    to_spend = bip322_to_spend(spk, message)
    assert to_spend.txid().hex() == case["to_spend_tx_hash"]
    raw = build_psbt([In(to_spend, 0, sequence=0, nwu=False)], [EMPTY_OP_RETURN], tx_version=0)
    psbt = load_psbt(raw)
    assert psbt.unsigned_tx().txid().hex() == case["to_sign_tx_hash"]  # the PSBT is the BIP's to_sign
    proof = recognise(psbt, spk, message)
    assert proof is not None and proof.message == message and proof.source == "given"
    assert proof.to_json("main")["message_hash"] == case["message_hash"]
    unknown = recognise(psbt, spk)
    assert unknown is not None and unknown.message is None
    wrong = recognise(psbt, spk, message + b"!")
    assert wrong is not None and wrong.message is None and wrong.mismatch


def _pof_cases(data):
    return [(f"pof-{n}-{c['type']}", c) for n, c in enumerate(data["proof_of_funds"])]


@pytest.mark.parametrize("case", shared_vectors.cases(BIP322_GEN, _pof_cases))
def test_proof_of_funds_vectors_are_recognised_and_refused_for_a_stranger(case, keys) -> None:
    """The generated proof-of-funds vectors are PSBTs: recognised, their message checked against the
    to_spend they carry, and (not being this seed's) never signed here."""
    psbt = load_psbt(base64.b64decode(case["bip322_signatures"][0][3:]))
    first = psbt.inputs[0]
    utxo = first.witness_utxo or first.non_witness_utxo.vout[first.prev_vout]
    message = case["message"].encode()
    proof = recognise(psbt, utxo.script_pubkey.data, message)
    assert proof is not None and proof.message == message
    assert proof.funds_inputs == tuple(range(1, len(psbt.inputs)))
    if first.non_witness_utxo is not None:
        assert proof.committed == bytes.fromhex(proof.to_json("main")["message_hash"])
    review = review_psbt(psbt, keys, message=message)
    assert review.kind == "btc-bip322" and {"nothing-to-sign", "bip322-not-ours"} <= review.codes()
    assert "bip322-message-unknown" in review_psbt(psbt, keys).codes()


# ------------------------------------------------------------------ the attack: a hidden message
@pytest.mark.parametrize("kind", ["p2wpkh", "p2tr", "p2sh-p2wpkh"])
@pytest.mark.parametrize("nwu", [True, False], ids=["with-to_spend", "witness-only"])
def test_proof_whose_message_is_not_shown_is_refused_even_with_accept_risk(root, keys, kind, nwu) -> None:
    """Before: signable after accepting an absurd "fee" danger (or, witness-only, the fee-bug danger);
    now a refusal that says what it is."""
    raw = proof_psbt(Wallet(root, kind), SECRET, nwu=nwu)
    refused(raw, keys, "bip322-message-unknown")
    review = review_psbt(load_psbt(raw), keys)
    text = review.refusals[0].message
    assert "not a payment" in text and "message" in text and review.message_proof.address("main") in text
    assert not review.has_danger  # nothing to accept: no fee, change or fee-bug warnings on a proof


def test_proof_in_the_full_layout_and_with_our_coins_is_refused_too(root, keys) -> None:
    """BIP-322 'full' proofs (version 2) and proofs of funds spending our real coins."""
    w = Wallet(root, "p2wpkh")
    refused(proof_psbt(w, SECRET, version=2), keys, "bip322-message-unknown")
    coin = w.utxo(2_000_000, 0, 5, salt=3)
    refused(proof_psbt(w, SECRET, extra_ins=[coin]), keys, "bip322-message-unknown")


def test_given_message_that_is_not_the_signed_one_is_refused(root, keys) -> None:
    """Even when the PSBT carries the real message: the person meant to sign another one."""
    carried = [(proprietary_key(b"BITGO", 0x07), SECRET)]
    raw = proof_psbt(Wallet(root, "p2wpkh"), SECRET, extra_global=carried)
    refused(raw, keys, "bip322-message-mismatch", message=b"Login to example.com at 12:00")


def test_carried_value_that_is_not_the_signed_message_is_ignored(root, keys) -> None:
    decoy = [(proprietary_key(b"BITGO", 0x07), b"Login to example.com")]
    refused(proof_psbt(Wallet(root, "p2wpkh"), SECRET, extra_global=decoy), keys, "bip322-message-unknown")


def test_output_that_only_looks_like_a_proof_is_refused(root, keys) -> None:
    """The one-empty-OP_RETURN shape but input 0 not spending output 0 of a to_spend: refused."""
    w = Wallet(root, "p2wpkh")
    raw = build_psbt([w.utxo(100_000, salt=1)], [EMPTY_OP_RETURN])
    refused(raw, keys, "bip322-message-unknown")
    refused(raw, keys, "bip322-message-mismatch", message=SECRET)


# ------------------------------------------------------------------ shown, then signed
@pytest.mark.parametrize("kind", ["p2wpkh", "p2tr"])
@pytest.mark.parametrize("nwu", [True, False], ids=["with-to_spend", "witness-only"])
def test_proof_with_its_message_given_is_signed_into_a_valid_bip322_signature(root, keys, kind, nwu) -> None:
    w = Wallet(root, kind)
    review = review_psbt(load_psbt(proof_psbt(w, SECRET, nwu=nwu)), keys, message=SECRET)
    assert review.can_sign and not review.has_danger and not review.refusals, review.to_text()
    assert review.message_proof.display() == SECRET.decode() and review.message_proof.source == "given"
    assert review.inputs[0].amount_proven
    assert "bip322-message" in review.codes() and SECRET.decode() in review.to_text()
    assert "sending" not in review.to_text()  # a proof moves nothing and pays no fee
    signed = sign_reviewed(review, keys, finalize=True)
    tx_raw, amounts, spks = extract(signed.psbt)
    assert amounts == [0] and verify_input(Tx(tx_raw), 0, amounts, spks)  # independent check
    witness = load_psbt(signed.psbt).inputs[0].final_scriptwitness
    encoded = bytes([len(witness)]) + b"".join(bytes([len(x)]) + x for x in witness)
    signature = "smp" + base64.b64encode(encoded).decode()
    address = review.message_proof.address("main")
    assert verify_message(address, SECRET, signature).valid
    assert not verify_message(address, SECRET + b".", signature).valid
    if kind == "p2wpkh":  # RFC 6979: the same signature `airlock message sign` makes
        assert signature == sign_message(keys, w.key_path(0, 0), SECRET, "bip322").signature


@pytest.mark.parametrize("where", ["global", "input-0"])
def test_message_carried_in_the_psbt_is_shown_and_signed(root, keys, where: str) -> None:
    w = Wallet(root, "p2wpkh")
    field = (proprietary_key(b"BITGO", 0x07), SECRET)  # BitGo's BIP322_MESSAGE layout
    raw = (
        proof_psbt(w, SECRET, extra_global=[field])
        if where == "global"
        else proof_psbt(w, SECRET, extra=[field])
    )
    review = review_psbt(load_psbt(raw), keys)
    assert review.can_sign and review.message_proof.source == "psbt"
    assert review.to_json()["message_proof"]["message"] == SECRET.decode()
    assert sign_reviewed(review, keys).signed_inputs == (0,)


def test_proof_of_funds_with_our_coin_shows_what_it_proves(root, keys) -> None:
    """A witness-only coin of ours added to a proof: no fee-bug danger (a proof can never be mined),
    but the note says which coins it proves control of."""
    w = Wallet(root, "p2wpkh")
    coin = w.utxo(2_000_000, 0, 5, salt=3, nwu=False)
    review = review_psbt(load_psbt(proof_psbt(w, SECRET, extra_ins=[coin])), keys, message=SECRET)
    assert review.can_sign and not review.has_danger, review.to_text()
    note = next(x for x in review.warnings if x.code == "bip322-message")
    assert note.severity == Severity.INFO and "input(s) 1 (0.02000000 BTC)" in note.message
    assert sign_reviewed(review, keys).signed_inputs == (0, 1)


def test_proof_for_another_seeds_address_with_our_coin_is_refused(root, keys) -> None:
    stranger = Wallet(root_from(OTHER_MNEMONIC), "p2wpkh")
    coin = Wallet(root, "p2wpkh").utxo(2_000_000, 0, 5, salt=3)
    raw = proof_psbt(stranger, SECRET, extra_ins=[coin])
    refused(raw, keys, "bip322-not-ours", message=SECRET)


@pytest.mark.parametrize("sighash", [2, 0x81, 0x82])
def test_proof_asking_for_another_sighash_than_all_is_refused(root, keys, sighash: int) -> None:
    """NONE or ANYONECANPAY would let a proof's signature spend the coin in another transaction."""
    w = Wallet(root, "p2wpkh")
    coin = w.utxo(2_000_000, 0, 5, salt=3, sighash=sighash)
    refused(proof_psbt(w, SECRET, extra_ins=[coin]), keys, "bip322-sighash", message=SECRET)


def test_proof_whose_first_input_claims_an_amount_is_refused(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    raw = proof_psbt(w, SECRET, wu_override=(50_000, w.spk(0, 0)))
    refused(raw, keys, "utxo-mismatch", message=SECRET)


def test_message_that_is_not_plain_text_is_shown_with_codes_and_a_warning(root, keys) -> None:
    """A right-to-left override could make a message read differently from what it says."""
    message = "pay to \u202eevil \\u202e".encode()
    review = review_psbt(load_psbt(proof_psbt(Wallet(root, "p2wpkh"), message)), keys, message=message)
    assert review.message_proof.display() == "pay to \\u202eevil \\\\u202e"  # the typed one doubled
    assert "message-escaped" in review.codes() and "\u202e" not in review.to_text()


# ------------------------------------------------------------------ the CLI
@pytest.fixture()
def mnemonic_file(secret_input):
    from builders import MNEMONIC

    return str(secret_input("words.txt", MNEMONIC + "\n"))


def test_cli_refuses_a_hidden_message_and_signs_a_given_one(tmp_path, mnemonic_file, capsys, root) -> None:
    req = tmp_path / "proof.psbt"
    req.write_bytes(proof_psbt(Wallet(root, "p2wpkh"), SECRET))
    base = ["sign", str(req), "--mnemonic-file", mnemonic_file]
    assert main([*base, "--accept-risk"]) == 3
    captured = capsys.readouterr()
    assert captured.out == "" and "bip322-message-unknown" in captured.err
    assert main([*base, "--proof-message", "Login to example.com"]) == 3
    assert "bip322-message-mismatch" in capsys.readouterr().err
    msg = tmp_path / "message.txt"
    msg.write_bytes(SECRET)
    assert main([*base, "--proof-message-file", str(msg)]) == 0
    captured = capsys.readouterr()
    assert SECRET.decode() in captured.err and load_psbt(captured.out.strip()).inputs[0].partial_sigs


def test_cli_message_option_is_only_for_psbts(tmp_path, mnemonic_file, capsys) -> None:
    req = tmp_path / "tx.txt"
    req.write_text(
        "0x02e80180843b9aca00850ba43b7400825208940000000000000000000000000000000000000000880de0b6b3a764000080c0\n"
    )
    assert main(["sign", str(req), "--mnemonic-file", mnemonic_file, "--proof-message", "hi"]) == 2
    assert "BIP-322 proof PSBTs only" in capsys.readouterr().err
