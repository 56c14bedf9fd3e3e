"""Attacks from RISK.md section 5: each is refused or warned with its code, and nothing is signed."""

from __future__ import annotations

import pytest
from builders import (
    OTHER_MNEMONIC,
    H,
    Out,
    Wallet,
    build_psbt,
    external,
    funding_tx,
    origin,
    root_from,
    spk_for,
)
from test_sign import extract
from txverify import Tx, verify_input

from signer.btc import BtcKeys, load_psbt, review_psbt, sign_reviewed
from signer.btc.errors import BtcRefusal, RiskNotAccepted
from signer.review import Severity


@pytest.fixture(scope="module")
def root():
    return root_from()


@pytest.fixture(scope="module")
def keys(root):
    return BtcKeys(root, "main")


def refused(raw: bytes, keys: BtcKeys, code: str) -> None:
    """The review refuses with ``code``, signing raises, and the PSBT is left exactly as it was."""
    psbt = load_psbt(raw)
    review = review_psbt(psbt, keys)
    assert code in {r.code for r in review.refusals}, review.to_text()
    assert not review.can_sign
    with pytest.raises(BtcRefusal) as info:
        sign_reviewed(review, keys, accept_risk=True)
    assert info.value.exit_code == 3
    assert psbt.serialize() == raw  # no partial signature was added anywhere


def danger(raw: bytes, keys: BtcKeys, code: str):
    review = review_psbt(load_psbt(raw), keys)
    found = [w for w in review.warnings if w.code == code]
    assert found and found[0].severity == Severity.DANGER, review.to_text()
    assert not review.refusals
    with pytest.raises(RiskNotAccepted):
        sign_reviewed(review, keys)
    return review


def test_lying_witness_utxo_is_refused(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    inp = w.utxo(1_500_000_000, salt=1, wu_override=(500_000_001, w.spk(0, 0)))
    refused(build_psbt([inp], [external(499_000_000)]), keys, "utxo-mismatch")


def test_wrong_non_witness_utxo_is_refused(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    decoy = funding_tx([(100_000, w.spk(0, 0))], salt=99)
    inp = w.utxo(100_000, salt=1, nwu_override=decoy)
    refused(build_psbt([inp], [external(90_000)]), keys, "utxo-mismatch")


@pytest.mark.parametrize("kind", ["p2wpkh", "p2sh-p2wpkh"])
def test_segwit_v0_without_previous_tx_is_a_danger_the_person_can_accept(root, keys, kind: str) -> None:
    """The 2020 fee attack: witness_utxo alone cannot prove a segwit v0 amount. Sparrow and others send
    only witness_utxo, so (as Coldcard and Ledger do) it is a danger explained in plain words, not a dead
    end; accepted, the input is signed with the amount it claims, and the signature is valid for it."""
    w = Wallet(root, kind)
    raw = build_psbt([w.utxo(100_000, salt=1, nwu=False)], [external(90_000), w.change(9_000, 2)])
    review = danger(raw, keys, "missing-utxo")
    text = next(x.message for x in review.warnings if x.code == "missing-utxo")
    assert "Input 0" in text and "0.00100000 BTC" in text and "larger fee" in text
    assert review.fee == 1_000 and not review.inputs[0].amount_proven
    assert review.inputs[0].amount_source == "claimed"
    signed = sign_reviewed(review, keys, accept_risk=True, finalize=True)
    assert signed.signed_inputs == (0,)
    tx_raw, amounts, spks = extract(signed.psbt)
    assert amounts == [100_000] and verify_input(Tx(tx_raw), 0, amounts, spks)


def test_missing_previous_tx_warning_names_every_such_input_once(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    ins = [
        w.utxo(50_000, 0, 1, salt=1, nwu=False),
        w.utxo(50_000, 0, 2, salt=2),
        w.utxo(50_000, 0, 3, salt=3, nwu=False),
    ]
    review = danger(build_psbt(ins, [external(149_000)]), keys, "missing-utxo")
    found = [x.message for x in review.warnings if x.code == "missing-utxo"]
    assert len(found) == 1 and found[0].startswith("Inputs 0 and 2 ")
    assert [i.amount_source for i in review.inputs] == ["claimed", "previous-tx", "claimed"]


def test_accepting_a_missing_previous_tx_still_refuses_disagreeing_utxos(root, keys) -> None:
    """Acceptance never covers a PSBT whose witness_utxo and previous transaction disagree."""
    w = Wallet(root, "p2wpkh")
    honest_less = w.utxo(100_000, 0, 1, salt=1, nwu=False)
    lying = w.utxo(1_500_000, 0, 2, salt=2, wu_override=(150_000, w.spk(0, 2)))
    refused(build_psbt([honest_less, lying], [external(240_000)]), keys, "utxo-mismatch")


def test_witness_utxo_of_a_script_that_is_not_our_key_is_never_signed(root, keys) -> None:
    """With only witness_utxo, the script it names must be our key's: a PSBT naming our key for
    someone else's coin gets nothing signed, accepted or not."""
    w = Wallet(root, "p2wpkh")
    inp = w.utxo(100_000, salt=1, nwu=False, wu_override=(100_000, external(0).spk))
    refused(build_psbt([inp], [external(90_000)]), keys, "nothing-to-sign")


def test_legacy_input_without_previous_tx_stays_refused(root, keys) -> None:
    """A P2PKH signature commits to no amount at all: without the previous transaction, never."""
    w = Wallet(root, "p2pkh")
    inp = w.utxo(100_000, salt=1, nwu=False)
    inp.wu = True  # all a host could give instead
    review = review_psbt(load_psbt(build_psbt([inp], [external(90_000)])), keys)
    assert "missing-utxo" in {r.code for r in review.refusals} and not review.can_sign


def test_input_review_says_how_each_amount_is_known(root, keys) -> None:
    """The text review never says "committed by taproot" of a P2WPKH input (issue 9.17)."""
    segwit, taproot = Wallet(root, "p2wpkh"), Wallet(root, "p2tr")
    raw = build_psbt([segwit.utxo(100_000, salt=1, nwu=False)], [external(90_000)])
    text = review_psbt(load_psbt(raw), keys).to_text()
    assert "taproot" not in text and "amount NOT proven: previous transaction missing" in text
    raw = build_psbt([taproot.utxo(100_000, salt=1, nwu=False)], [external(90_000)])
    review = review_psbt(load_psbt(raw), keys)
    assert "(amount committed by the taproot signature)" in review.to_text()
    assert review.inputs[0].amount_source == "taproot-signature" and "missing-utxo" not in review.codes()


def test_all_taproot_spend_may_rely_on_witness_utxo(root, keys) -> None:
    w = Wallet(root, "p2tr")
    raw = build_psbt(
        [w.utxo(100_000, salt=1, nwu=False), w.utxo(5_000, 0, 1, salt=2, nwu=False)],
        [external(90_000), w.change(14_000, 3)],
    )
    review = review_psbt(load_psbt(raw), keys)
    assert review.can_sign and review.to_sign == (0, 1)
    assert not review.inputs[0].amount_proven and "missing-utxo" not in review.codes()


def test_taproot_with_anyonecanpay_needs_previous_tx(root, keys) -> None:
    w = Wallet(root, "p2tr")
    raw = build_psbt([w.utxo(100_000, salt=1, nwu=False, sighash=0x81)], [external(90_000)])
    refused(raw, keys, "missing-utxo")


def test_change_to_another_seeds_key_is_refused(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    thief = root_from(OTHER_MNEMONIC).derive("m/84h/0h/0h/1/5").key.get_public_key().sec()
    fake_change = Out(
        50_000, spk_for("p2wpkh", thief), bip32={thief: origin(keys.fingerprint, w.key_path(1, 5))}
    )
    refused(build_psbt([w.utxo(100_000, salt=1)], [external(40_000), fake_change]), keys, "change-fraud")


@pytest.mark.parametrize(
    "path",
    [
        (84 + H, H, H, 1 + H, 5),  # hardened branch
        (84 + H, H, H, 1, 5 + H),  # hardened index
        (84 + H, H, H, 7, 5),  # branch that is neither receive nor change
        (H + 0, 1, 2),  # a path no wallet scans
    ],
    ids=["hardened-branch", "hardened-index", "branch-7", "foreign-path"],
)
def test_change_on_unusual_path_is_not_change(root, keys, path) -> None:
    w = Wallet(root, "p2wpkh")
    sec = root.derive(list(path)).key.get_public_key().sec()
    out = Out(50_000, spk_for("p2wpkh", sec), bip32={sec: origin(keys.fingerprint, path)})
    review = danger(build_psbt([w.utxo(100_000, salt=1)], [external(49_000), out]), keys, "change-unverified")
    assert review.outputs[1].kind == "external"
    assert review.sent == 99_000 and review.change == 0
    assert sign_reviewed(review, keys, accept_risk=True).signed_inputs == (0,)  # a danger may be accepted


@pytest.mark.parametrize(
    ("spent", "change", "danger_expected"),
    [
        (3, 1_002, False),  # 999 past the highest index spent
        (3, 1_003, True),  # 1,000 past: wallets do not look that far (issue 10.1)
        (3, 5_000, True),  # was only a warning
        (3, 100_003, True),  # "100,000 indexes" past: was only a warning
        (99_990, 99_999, False),  # a large wallet spending near its end
        (99_990, 100_000, True),  # no wallet looks this far, whatever input claims to be near it
    ],
)
def test_change_far_past_used_indexes_is_danger(root, keys, spent: int, change: int, danger_expected) -> None:
    w = Wallet(root, "p2wpkh")
    raw = build_psbt([w.utxo(100_000, 0, spent, salt=1)], [external(40_000), w.change(59_000, change)])
    review = review_psbt(load_psbt(raw), keys)
    gap = [x.severity for x in review.warnings if x.code == "change-index-gap"]
    assert gap == ([Severity.DANGER] if danger_expected else []), review.to_text()
    assert review.outputs[1].kind == "change"


@pytest.mark.parametrize(
    ("sighash", "code"),
    [
        (2, "sighash-nonstandard"),
        (3, "sighash-nonstandard"),
        (0x81, "sighash-nonstandard"),
        (0x82, "sighash-nonstandard"),
    ],
)
def test_nonstandard_sighash_is_danger(root, keys, sighash: int, code: str) -> None:
    w = Wallet(root, "p2wpkh")
    danger(build_psbt([w.utxo(100_000, salt=1, sighash=sighash)], [external(90_000)]), keys, code)


@pytest.mark.parametrize("sighash", [0, 4, 0x84, 0x100])
def test_invalid_sighash_is_refused(root, keys, sighash: int) -> None:
    w = Wallet(root, "p2wpkh")
    refused(
        build_psbt([w.utxo(100_000, salt=1, sighash=sighash)], [external(90_000)]), keys, "sighash-invalid"
    )


def test_sighash_single_without_matching_output_is_refused(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    raw = build_psbt([w.utxo(50_000, salt=1), w.utxo(50_000, 0, 1, salt=2, sighash=3)], [external(90_000)])
    refused(raw, keys, "sighash-invalid")


def test_testnet_psbt_on_mainnet_account_is_refused(keys) -> None:
    w = Wallet(root_from(network="test"), "p2wpkh", network="test")
    refused(build_psbt([w.utxo(100_000, salt=1)], [external(90_000)]), keys, "wrong-network")


def test_mainnet_psbt_on_testnet_signer_is_refused(root) -> None:
    w = Wallet(root, "p2tr")
    refused(build_psbt([w.utxo(100_000, salt=1)], [external(90_000)]), BtcKeys(root, "test"), "wrong-network")


def test_other_seed_has_nothing_to_sign(root) -> None:
    w = Wallet(root, "p2wpkh")
    refused(
        build_psbt([w.utxo(100_000, salt=1)], [external(90_000)]),
        BtcKeys(root_from(OTHER_MNEMONIC), "main"),
        "nothing-to-sign",
    )


def test_duplicate_input_is_refused(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    inp = w.utxo(100_000, salt=1)
    refused(build_psbt([inp, inp], [external(190_000)]), keys, "duplicate-input")


def test_outputs_above_inputs_is_refused(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    refused(build_psbt([w.utxo(100_000, salt=1)], [external(100_001)]), keys, "fee-negative")


@pytest.mark.parametrize(
    ("sent", "fee", "severity"),
    [
        (100_000, 4_000, None),
        (100_000, 6_000, Severity.WARN),
        (100_000, 30_000, Severity.DANGER),
        (10_000_000, 200_000, Severity.DANGER),
    ],
)
def test_fee_thresholds(root, keys, sent: int, fee: int, severity) -> None:
    w = Wallet(root, "p2wpkh")
    raw = build_psbt([w.utxo(sent + fee + 10_000, salt=1)], [external(sent), w.change(10_000, 1)])
    review = review_psbt(load_psbt(raw), keys)
    found = [x.severity for x in review.warnings if x.code == "fee-high"]
    assert found == ([] if severity is None else [severity])
    assert review.fee == fee


def test_full_spend_and_address_reuse_are_flagged(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    raw = build_psbt([w.utxo(100_000, salt=1)], [Out(99_000, w.spk(0, 0))])
    codes = review_psbt(load_psbt(raw), keys).codes()
    assert {"full-spend", "address-reuse"} <= codes


def test_large_locktime_is_warned(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    raw = build_psbt([w.utxo(100_000, salt=1)], [external(90_000)], locktime=1_000_000)
    review = review_psbt(load_psbt(raw), keys, tip_height=900_000)
    assert "large-locktime" in review.codes() and review.locktime == 1_000_000
    near = build_psbt([w.utxo(100_000, salt=1)], [external(90_000)], locktime=900_001)
    assert "large-locktime" not in review_psbt(load_psbt(near), keys, tip_height=900_000).codes()


def test_input_without_any_utxo_naming_us_is_refused(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    refused(
        build_psbt([w.utxo(100_000, salt=1, nwu=False, wu=False)], [external(90_000)]), keys, "missing-utxo"
    )


def test_danger_needs_acceptance_but_refusal_never_signs(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    raw = build_psbt([w.utxo(100_000, salt=1, sighash=2)], [external(90_000)])
    review = review_psbt(load_psbt(raw), keys)
    with pytest.raises(RiskNotAccepted):
        sign_reviewed(review, keys)
    assert sign_reviewed(review, keys, accept_risk=True).signed_inputs == (0,)


def test_absurdly_deep_derivation_path_is_a_parse_error(root) -> None:
    from signer.btc.errors import PsbtError

    w = Wallet(root, "p2wpkh")
    inp = w.utxo(100_000, salt=1)
    sec = next(iter(inp.bip32))
    inp.bip32[sec] = origin(root.my_fingerprint, tuple(range(300)))  # would cost 300 derivations per key
    with pytest.raises(PsbtError, match="255"):
        load_psbt(build_psbt([inp], [external(90_000)]))


@pytest.mark.parametrize(
    "path",
    [
        (84 + H, H, 2**31 - 1 + H, 1, 2**31 - 1),  # "ransom change": an account and index no wallet scans
        (84 + H, H, 101 + H, 0, 0),  # an account number past what wallets look at
        (84 + H, H, 100 + H, 0, 0),  # account 100 (issue 10.1)
        (84 + H, H, 1 + H, 1, 1_001),  # another account, address index past the gap
        (84 + H, H, 1 + H, 1, 1_000),  # index 1000 (issue 10.1)
    ],
    ids=["ransom", "far-account", "account-100", "far-index", "index-1000"],
)
def test_unfindable_path_in_another_account_is_danger_not_self(root, keys, path) -> None:
    w = Wallet(root, "p2wpkh")
    sec = root.derive(list(path)).key.get_public_key().sec()
    out = Out(99_000, spk_for("p2wpkh", sec), bip32={sec: origin(keys.fingerprint, path)})
    review = danger(build_psbt([w.utxo(100_000, salt=1)], [out]), keys, "change-unverified")
    assert review.outputs[0].kind == "external" and review.sent == 99_000 and review.change == 0


def test_another_account_at_a_findable_path_is_still_self(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    other = Wallet(root, "p2wpkh", account=1)
    review = review_psbt(load_psbt(build_psbt([w.utxo(100_000, salt=1)], [other.change(99_000, 7)])), keys)
    assert review.outputs[0].kind == "self" and "other-account" in review.codes()
    assert not review.has_danger and review.can_sign


def test_change_absurdly_far_past_used_indexes_is_danger(root, keys) -> None:
    w = Wallet(root, "p2wpkh")
    raw = build_psbt([w.utxo(100_000, 0, 3, salt=1)], [external(40_000), w.change(59_000, 2**31 - 1)])
    review = danger(raw, keys, "change-index-gap")
    assert review.outputs[1].kind == "change"


# ------------------------------------------------------------------ impossible amounts (issue 10.5)
MAX_MONEY = 21_000_000 * 100_000_000


@pytest.mark.parametrize("amount", [MAX_MONEY + 1, 2**63, 2**64 - 1])
def test_input_amount_above_21_million_btc_is_refused_like_an_output(root, amount: int) -> None:
    from signer.btc.errors import PsbtError

    w = Wallet(root, "p2wpkh")
    inp = w.utxo(100_000, salt=1, nwu=False, wu_override=(amount, w.spk(0, 0)))
    with pytest.raises(PsbtError, match=r"input 0: witness UTXO amount .* outside 0\.\.21 million BTC"):
        load_psbt(build_psbt([inp], [external(90_000)]))


@pytest.mark.parametrize(
    "outputs",
    [[MAX_MONEY + 1], [MAX_MONEY, 1], [2**63, 2**63]],
    ids=["one-output", "sum", "sum-wraps-int64"],
)
def test_previous_transaction_paying_more_than_21_million_btc_is_refused(root, outputs) -> None:
    """A previous transaction no node would accept cannot prove an amount."""
    from signer.btc.errors import PsbtError

    w = Wallet(root, "p2wpkh")
    prev = funding_tx([(a, w.spk(0, 0)) for a in outputs], salt=5)
    inp = w.utxo(100_000, salt=1)
    inp.prev, inp.wu = prev, False
    with pytest.raises(PsbtError, match="21 million BTC"):
        load_psbt(build_psbt([inp], [external(90_000)]))


@pytest.mark.parametrize("version", [0, 2])
def test_outputs_adding_up_to_more_than_21_million_btc_are_refused(root, version: int) -> None:
    from signer.btc.errors import PsbtError

    w = Wallet(root, "p2wpkh")
    raw = build_psbt(
        [w.utxo(100_000, salt=1)], [external(MAX_MONEY), external(MAX_MONEY, b"b")], version=version
    )
    with pytest.raises(PsbtError, match="21 million BTC"):
        load_psbt(raw)


def test_inputs_adding_up_to_more_than_21_million_btc_are_refused(root, keys) -> None:
    """Each amount is possible, their sum is not: some of them are lies."""
    w = Wallet(root, "p2tr")
    ins = [w.utxo(MAX_MONEY, 0, i, salt=i, nwu=False) for i in range(2)]
    refused(build_psbt(ins, [external(MAX_MONEY)]), keys, "amount-invalid")


# ------------------------------------------------------------------ OP_RETURN burns (issue 10.5)
@pytest.mark.parametrize(
    ("burned", "severity"),
    [
        (0, None),
        (1, Severity.WARN),
        (546, Severity.WARN),
        (547, Severity.DANGER),
        (5_000_000, Severity.DANGER),
    ],
)
def test_btc_burned_in_op_return_is_a_warning_or_danger(root, keys, burned: int, severity) -> None:
    """Coins given to an OP_RETURN output are destroyed: never just a note. Up to the dust limit
    (what a protocol marker might carry, and could not have been a spendable output) it is a
    warning; above it, money that could have gone anywhere is lost: danger."""
    w = Wallet(root, "p2wpkh")
    data = Out(burned, b"\x6a\x04" + b"memo")
    raw = build_psbt([w.utxo(6_000_000, salt=1)], [external(90_000), data, w.change(5_900_000 - burned, 1)])
    review = review_psbt(load_psbt(raw), keys)
    found = [x for x in review.warnings if x.code == "op-return-burn"]
    assert [x.severity for x in found] == ([] if severity is None else [severity]), review.to_text()
    if found:
        assert "destroy" in found[0].message and f"{burned / 1e8:.8f} BTC" in found[0].message
    assert "op-return" in review.codes() and review.sent == 90_000 + burned


# ------------------------------------------------------------------ change script types (issue 10.1)
def test_change_script_type_must_be_the_one_its_path_gives(root, keys) -> None:
    """A host that knows the BIP-84 xpub derives m/84h/0h/0h/0/0, funds its P2PKH address with dust
    and spends it with the person's coins: the P2PKH "change" at m/84h/0h/0h/1/3 used to pass because
    the input had that type. A BIP-84 wallet only looks for P2WPKH there: never change, danger."""
    odd = Wallet(root, "p2pkh", account_path=(84 + H, H, H))
    good = Wallet(root, "p2wpkh")
    raw = build_psbt(
        [good.utxo(100_000, 0, 1, salt=1), odd.utxo(600, 0, 0, salt=2)],
        [external(40_000), odd.change(59_000, 3)],
    )
    review = danger(raw, keys, "change-wrong-type")
    text = next(x.message for x in review.warnings if x.code == "change-wrong-type")
    assert "p2pkh" in text and "p2wpkh" in text and "m/84h/0h/0h/1/3" in text
    assert review.outputs[1].kind == "external" and review.change == 0 and review.sent == 99_000


@pytest.mark.parametrize(
    ("kind", "purpose"),
    [("p2sh-p2wpkh", 84), ("p2wpkh", 86), ("p2tr", 84), ("p2wpkh", 44), ("p2pkh", 49)],
)
def test_change_of_another_script_type_than_its_purpose_is_never_change(root, keys, kind, purpose) -> None:
    """Whatever the inputs are, an output of our key in a script its path's purpose does not give
    is a danger, never change (one rule for every purpose, and the input's type is no excuse)."""
    odd = Wallet(root, kind, account_path=(purpose + H, H, H))
    raw = build_psbt([odd.utxo(100_000, 0, 1, salt=1)], [external(40_000), odd.change(59_000, 3)])
    review = danger(raw, keys, "change-wrong-type")
    assert review.outputs[1].kind == "external" and review.change == 0


@pytest.mark.parametrize(
    "account",
    [
        (48 + H, H, H, 2 + H),  # single-sig keys under the BIP-48 multisig xpub the host was given
        (84 + H, H, H, 7),  # a branch below the BIP-84 account xpub
    ],
    ids=["bip48-account", "below-bip84-account"],
)
def test_change_on_the_same_nonstandard_account_as_an_input_is_not_change(root, keys, account) -> None:
    """An input at a path only the host's wallet uses does not make the same place acceptable change."""
    odd = Wallet(root, "p2wpkh", account_path=account)
    good = Wallet(root, "p2wpkh")
    raw = build_psbt(
        [good.utxo(100_000, 0, 1, salt=1), odd.utxo(600, 0, 0, salt=2)],
        [external(40_000), odd.change(59_000, 5)],
    )
    review = danger(raw, keys, "change-unverified")
    assert review.outputs[1].kind == "external" and review.change == 0


# ------------------------------------------------------------------ non-standard input paths (issue 10.8)
@pytest.mark.parametrize(
    ("kind", "account", "words"),
    [
        ("p2wpkh", (H + 0,), "m/0h/0/0"),
        ("p2wpkh", (84 + H, H, H, 7), "m/84h/0h/0h/7/0/0"),
        ("p2wpkh", (48 + H, H, H, 2 + H), "m/48h/0h/0h/2h/0/0"),
        ("p2pkh", (84 + H, H, H), "p2pkh coin at m/84h/0h/0h/0/0, a BIP-84 path where wallets use p2wpkh"),
        ("p2tr", (49 + H, H, H), "p2tr coin at m/49h/0h/0h/0/0, a BIP-49 path where wallets use p2sh-p2wpkh"),
    ],
)
def test_input_at_a_nonstandard_path_gets_a_note_naming_it(root, keys, kind, account, words) -> None:
    odd = Wallet(root, kind, account_path=account)
    raw = build_psbt([odd.utxo(100_000, 0, 0, salt=1)], [external(99_000)])
    review = review_psbt(load_psbt(raw), keys)
    notes = [x for x in review.warnings if x.code == "nonstandard-path"]
    assert len(notes) == 1 and notes[0].severity == Severity.INFO and words in notes[0].message
    assert review.inputs[0].note and review.can_sign


@pytest.mark.parametrize("kind", ["p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr"])
def test_inputs_at_standard_paths_get_no_path_note(root, keys, kind: str) -> None:
    w = Wallet(root, kind)
    raw = build_psbt([w.utxo(100_000, 1, 9, salt=1)], [external(99_000)])
    review = review_psbt(load_psbt(raw), keys)
    assert "nonstandard-path" not in review.codes() and review.inputs[0].note is None


def test_fee_check_of_a_transaction_that_sends_nothing(root, keys) -> None:
    """Nothing sent and no fee is no "inf%" danger (such a meaningless danger trains people to accept
    dangers); a fee when nothing is sent is a danger that says so."""
    w = Wallet(root, "p2wpkh")
    data = Out(0, b"\x6a\x02hi")
    free = review_psbt(load_psbt(build_psbt([w.utxo(0, salt=1)], [data])), keys)
    assert "fee-high" not in free.codes() and not free.has_danger, free.to_text()
    burn = danger(build_psbt([w.utxo(5_000, salt=2)], [data]), keys, "fee-high")
    text = next(x.message for x in burn.warnings if x.code == "fee-high")
    assert "inf" not in text and "nothing is sent" in text
