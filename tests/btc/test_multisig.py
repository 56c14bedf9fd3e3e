"""Multisig registration (descriptors and wallet-export text) and 2-of-3 cosigning."""

from __future__ import annotations

import pytest
from builders import (
    H,
    In,
    Out,
    build_psbt,
    external,
    funding_tx,
    multisig_ws,
    origin,
    p2sh_spk,
    p2wsh_spk,
    root_from,
)
from embit.descriptor.checksum import checksum
from embit.hashes import hash160
from txverify import Tx, verify_input

from signer.btc import BtcKeys, load_psbt, parse_psbt, review_psbt, sign_reviewed
from signer.btc.errors import DescriptorError, NotACosigner, RiskNotAccepted
from signer.btc.multisig import DESCRIPTOR_CHARACTERS
from signer.btc.multisig_formats import parse_wallet
from signer.btc.multisig_registry import register_multisig
from signer.review import Severity
from signer.safe_text import visible

MNEMONICS = [
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    "legal winner thank year wave sausage worth useful legal winner thank yellow",
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
    "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
]
ACCOUNT = (48 + H, 1 + H, H, 2 + H)


@pytest.fixture(scope="module")
def roots():
    return [root_from(m, "test") for m in MNEMONICS]


def key_expr(root, account=ACCOUNT) -> str:
    xpub = root.derive(list(account)).to_public().to_base58()
    path = "/".join(f"{i - H}h" for i in account)
    return f"[{root.my_fingerprint.hex()}/{path}]{xpub}"


WRAPS = {"wsh": "wsh({})", "sh": "sh(wsh({}))", "sh-wsh": "sh(wsh({}))", "legacy-sh": "sh({})"}


def descriptor(roots, wrap="wsh", m=2, suffix="/<0;1>/*") -> str:
    body = WRAPS[wrap].format(f"sortedmulti({m},{','.join(key_expr(r) + suffix for r in roots)})")
    return f"{body}#{checksum(body)}"


def wallet_text(roots, fmt="P2WSH") -> str:
    lines = [
        "# Coldcard Multisig setup file (exported by Sparrow)",
        "#",
        "Name: Family vault",
        f"Policy: 2 of {len(roots)}",
        "Derivation: m/48'/1'/0'/2'",
        f"Format: {fmt}",
        "",
    ]
    for r in roots:
        lines.append(f"{r.my_fingerprint.hex().upper()}: {r.derive(list(ACCOUNT)).to_public().to_base58()}")
    return "\n".join(lines) + "\n"


def test_descriptor_and_text_give_the_same_wallet(roots) -> None:
    keys = BtcKeys(roots[0], "test")
    a = register_multisig(descriptor(roots[:3]), keys, name="Family vault")
    b = register_multisig(wallet_text(roots[:3]), keys)
    assert a.descriptor == b.descriptor and (a.m, a.n, a.script_type, b.name) == (
        2,
        3,
        "p2wsh",
        "Family vault",
    )
    assert [c.fingerprint for c in a.cosigners] == [r.my_fingerprint for r in roots[:3]]
    assert a.descriptor.endswith("#" + checksum(a.descriptor.split("#")[0]))
    summary = a.policy_summary(keys.fingerprint)
    assert "2-of-3" in summary and "this seed" in summary
    # descriptor without checksum and with /0/* keys is the same wallet
    plain = descriptor(roots[:3], suffix="/0/*").split("#")[0]
    assert parse_wallet(plain).descriptor == a.descriptor


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        (lambda r: descriptor(r[1:4]), NotACosigner, "not one of the cosigners"),
        (
            lambda r: descriptor(r[:3])[:-1] + ("q" if descriptor(r[:3])[-1] != "q" else "p"),
            DescriptorError,
            "checksum",
        ),
        (lambda r: descriptor([r[0], r[1], r[1]]), DescriptorError, "twice"),
        (
            lambda r: descriptor(r[:3]).replace("sortedmulti", "multi").split("#")[0],
            DescriptorError,
            "sortedmulti",
        ),
        (lambda r: descriptor(r[:3], m=4).split("#")[0], DescriptorError, "threshold"),
        (
            lambda r: descriptor(r[:3]).split("#")[0].replace("sortedmulti(2,", "sortedmulti(²,"),
            DescriptorError,
            "not a number",
        ),
        (  # thousands of digits escaped int() as its ValueError
            lambda r: descriptor(r[:3]).split("#")[0].replace("(2,", "(" + "2" * 4400 + ","),
            DescriptorError,
            "not a number",
        ),
        (lambda r: descriptor(r[:3], suffix="").split("#")[0], DescriptorError, "suffix"),
        (
            lambda r: "sh(multi(2," + ",".join(key_expr(x) + "/<0;1>/*" for x in r[:3]) + "))",
            DescriptorError,
            "sortedmulti",
        ),
        (
            lambda r: wallet_text(r[:3]).replace("Policy: 2 of 3", "Policy: 2 of 4"),
            DescriptorError,
            "lists 3",
        ),
        (lambda r: wallet_text(r[:3], fmt="P2TR"), DescriptorError, "unknown wallet format"),
        (lambda r: wallet_text(r[:3]).replace("tpub", "xpub", 1), DescriptorError, "base58check"),
    ],
    ids=[
        "not-cosigner",
        "bad-checksum",
        "duplicate",
        "unsorted",
        "bad-threshold",
        "superscript-threshold",
        "huge-threshold",
        "no-suffix",
        "legacy-unsorted",
        "policy-count",
        "format-unknown",
        "corrupt-xpub",
    ],
)
def test_registration_errors(roots, text, error, match) -> None:
    with pytest.raises(error, match=match):
        register_multisig(text(roots), BtcKeys(roots[0], "test"))


@pytest.mark.parametrize(
    ("hidden", "code"),
    [("\u200b", "200B"), ("\x10", "0010"), ("\u00b2", "00B2")],
    ids=["zero-width-space", "control", "superscript-two"],
)
def test_a_character_descriptors_cannot_hold_is_named_not_a_crash(roots, hidden: str, code: str) -> None:
    """A checksummed descriptor with a character outside the descriptor alphabet (an invisible one
    slipped into a key, say) used to escape as embit's own error: the CLI's 'unexpected error'."""
    text = descriptor(roots[:3])
    body, checksum_ = text.split("#")
    altered = body[:60] + hidden + body[60:] + "#" + checksum_
    with pytest.raises(
        DescriptorError, match=rf"no descriptor can contain: .*\(U\+{code}\), character 61;"
    ) as info:
        parse_wallet(altered)
    assert visible(str(info.value)) == str(info.value)  # a hidden character is shown as its code


def test_the_descriptor_alphabet_is_bip380s() -> None:
    """The characters accepted before the checksum is computed are those embit's BIP-380 code takes."""
    from embit.descriptor.checksum import checksum as embit_checksum
    from embit.descriptor.errors import DescriptorError as EmbitError

    def takes(ch: str) -> bool:
        try:
            embit_checksum(ch)
        except EmbitError:
            return False
        return True

    assert {chr(c) for c in range(0x300) if takes(chr(c))} == DESCRIPTOR_CHARACTERS


def test_mixed_networks_are_refused(roots) -> None:
    main_key = key_expr(root_from(MNEMONICS[3], "main"), (48 + H, H, H, 2 + H))
    body = f"wsh(sortedmulti(2,{key_expr(roots[0])}/<0;1>/*,{key_expr(roots[1])}/<0;1>/*,{main_key}/<0;1>/*))"
    with pytest.raises(DescriptorError, match="mix mainnet and testnet"):
        parse_wallet(body)
    with pytest.raises(DescriptorError, match="this signer is on main"):
        register_multisig(descriptor(roots[:3]), BtcKeys(root_from(MNEMONICS[0], "main"), "main"))


def test_already_registered_is_refused(roots) -> None:
    keys = BtcKeys(roots[0], "test")
    first = register_multisig(descriptor(roots[:3]), keys)
    with pytest.raises(DescriptorError, match="already registered"):
        register_multisig(wallet_text(roots[:3]), keys, existing=(first,))


def _ms_psbt(roots, wallet, wrap: str, change_wallet=None, amount=100_000, nwu=True):
    """A 2-of-3 spend from ``wallet`` receive 0/4 with change to 1/2 (of ``change_wallet`` if given)."""

    def scripts(w, branch, index):
        return w.scripts_at(branch, index)

    spk, ws, redeem = scripts(wallet, 0, 4)
    prev = funding_tx([(amount, spk)], salt=7)
    bip32 = {}
    for c in wallet.cosigners:
        sec = c.key.derive([0, 4]).key.sec()
        bip32[sec] = origin(c.fingerprint, (*c.path, 0, 4))
    # legacy P2SH spends carry only the previous transaction (BIP-174: no witness_utxo)
    inp = In(prev, 0, bip32=bip32, witness_script=ws, redeem=redeem, nwu=nwu, wu=ws is not None)
    cw = change_wallet or wallet
    cspk, cws, credeem = scripts(cw, 1, 2)
    cb = {c.key.derive([1, 2]).key.sec(): origin(c.fingerprint, (*c.path, 1, 2)) for c in cw.cosigners}
    return build_psbt(
        [inp], [external(60_000), Out(39_000, cspk, bip32=cb, witness_script=cws, redeem=credeem)], version=2
    )


@pytest.mark.parametrize("wrap", ["wsh", "sh-wsh", "legacy-sh"])
def test_two_of_three_each_cosigner_signs_and_tx_verifies(roots, wrap: str) -> None:
    desc = descriptor(roots[:3], wrap=wrap)
    wallet = parse_wallet(desc)
    raw = _ms_psbt(roots, wallet, wrap)
    sigs = {}
    for r in roots[:3]:
        keys = BtcKeys(r, "test", [{"name": "Family vault", "descriptor": desc}])
        review = review_psbt(load_psbt(raw), keys)
        assert review.can_sign and not review.has_danger, review.to_text()
        assert review.inputs[0].wallet == "Family vault" and review.outputs[1].kind == "change"
        assert review.multisig_wallets == ("Family vault",) and "wallet: Family vault" in review.to_text()
        signed = parse_psbt(sign_reviewed(review, keys).psbt)
        sigs.update(signed.inputs[0].partial_sigs)
    assert len(sigs) == 3
    # finalize 2-of-3 by hand (keys in script order) and check the signatures independently
    psbt = load_psbt(raw)
    inp = psbt.inputs[0]
    script = inp.witness_script or inp.redeem_script
    keys_in_order = [script[2 + 34 * k : 35 + 34 * k] for k in range(3)]
    chosen = [sigs[k] for k in keys_in_order if k in sigs][:2]
    tx = psbt.unsigned_tx()
    from embit.script import Script, Witness

    utxo = inp.non_witness_utxo.vout[inp.prev_vout]
    spk = utxo.script_pubkey.data
    if wrap == "legacy-sh":  # OP_0 <sig> <sig> <redeem script> in the scriptSig, no witness
        pushes = b"".join(bytes([len(x)]) + x for x in chosen)
        tx.vin[0].script_sig = Script(b"\x00" + pushes + b"\x4c" + bytes([len(script)]) + script)
        assert spk == p2sh_spk(script)
    else:
        tx.vin[0].witness = Witness([b"", *chosen, script])
        if inp.redeem_script:
            tx.vin[0].script_sig = Script(bytes([len(inp.redeem_script)]) + inp.redeem_script)
        assert spk == (p2wsh_spk(script) if wrap == "wsh" else p2sh_spk(inp.redeem_script))
    assert verify_input(Tx(tx.serialize()), 0, [utxo.value], [spk])


def test_legacy_p2sh_spend_without_its_previous_transaction_is_refused(roots) -> None:
    """Legacy sighashes do not commit to the amount: the previous transaction must prove it."""
    desc = descriptor(roots[:3], wrap="legacy-sh")
    wallet = parse_wallet(desc)
    spk, _, redeem = wallet.scripts_at(0, 4)
    prev = funding_tx([(100_000, spk)], salt=7)
    bip32 = {c.key.derive([0, 4]).key.sec(): origin(c.fingerprint, (*c.path, 0, 4)) for c in wallet.cosigners}
    raw = build_psbt([In(prev, 0, bip32=bip32, redeem=redeem, nwu=False, wu=True)], [external(99_000)])
    review = review_psbt(load_psbt(raw), BtcKeys(roots[0], "test", [desc]))
    assert not review.can_sign and "script-mismatch" in review.codes()
    raw = build_psbt([In(prev, 0, bip32=bip32, redeem=redeem, nwu=True, wu=False)], [external(99_000)])
    review = review_psbt(load_psbt(raw), BtcKeys(roots[0], "test", [desc]))
    assert review.can_sign and review.fee == 1_000 and review.inputs[0].amount_proven
    assert review.inputs[0].script_type == "p2sh" and review.vsize_exact


@pytest.mark.parametrize("wrap", ["wsh", "sh-wsh"])
def test_multisig_input_without_previous_tx_is_an_acceptable_danger(roots, wrap: str) -> None:
    """Segwit v0 multisig has the same fee attack as single-sig: a danger to accept, not a refusal."""
    desc = descriptor(roots[:3], wrap="wsh" if wrap == "wsh" else "sh")
    raw = _ms_psbt(roots, parse_wallet(desc, "test"), wrap, nwu=False)
    keys = BtcKeys(roots[0], "test", [desc])
    review = review_psbt(load_psbt(raw), keys)
    assert not review.refusals and review.has_danger and "missing-utxo" in review.codes(), review.to_text()
    with pytest.raises(RiskNotAccepted):
        sign_reviewed(review, keys)
    signed = parse_psbt(sign_reviewed(review, keys, accept_risk=True).psbt)
    assert list(signed.inputs[0].partial_sigs) == [roots[0].derive([*ACCOUNT, 0, 4]).key.sec()]


def test_multisig_change_with_other_cosigners_is_not_change(roots) -> None:
    desc = descriptor(roots[:3])
    wallet = parse_wallet(desc)
    attacker = parse_wallet(descriptor([roots[0], roots[1], roots[3]]))  # one cosigner swapped
    raw = _ms_psbt(roots, wallet, "wsh", change_wallet=attacker)
    keys = BtcKeys(roots[0], "test", [desc])
    review = review_psbt(load_psbt(raw), keys)
    assert review.outputs[1].kind == "external" and review.sent == 99_000
    found = [w for w in review.warnings if w.code == "change-unverified"]
    assert found and found[0].severity == Severity.DANGER


@pytest.mark.parametrize(("index", "danger_expected"), [(1_003, False), (1_004, True), (5_000, True)])
def test_multisig_change_far_past_the_spent_index_is_danger(roots, index: int, danger_expected) -> None:
    """The same gap rule as single-sig: 1,000 past the highest index spent (0/4 here) is danger."""
    desc = descriptor(roots[:3])
    wallet = parse_wallet(desc, "test")
    spk, ws, _ = wallet.scripts_at(0, 4)
    bip32 = {c.key.derive([0, 4]).key.sec(): origin(c.fingerprint, (*c.path, 0, 4)) for c in wallet.cosigners}
    inp = In(funding_tx([(100_000, spk)], salt=7), 0, bip32=bip32, witness_script=ws)
    cspk, cws, _ = wallet.scripts_at(1, index)
    cb = {
        c.key.derive([1, index]).key.sec(): origin(c.fingerprint, (*c.path, 1, index))
        for c in wallet.cosigners
    }
    raw = build_psbt([inp], [external(60_000), Out(39_000, cspk, bip32=cb, witness_script=cws)])
    review = review_psbt(load_psbt(raw), BtcKeys(roots[0], "test", [desc]))
    gap = [w.severity for w in review.warnings if w.code == "change-index-gap"]
    assert gap == ([Severity.DANGER] if danger_expected else []) and review.outputs[1].kind == "change"


def test_unregistered_multisig_is_not_signed(roots) -> None:
    wallet = parse_wallet(descriptor(roots[:3]))
    raw = _ms_psbt(roots, wallet, "wsh")
    review = review_psbt(load_psbt(raw), BtcKeys(roots[0], "test"))  # nothing registered
    assert "multisig-unregistered" in review.codes() and "nothing-to-sign" in review.codes()
    assert not review.can_sign


def test_multisig_threshold_mismatch_is_not_ours(roots) -> None:
    """Same cosigners, other threshold: the witness script differs, so it is not our wallet."""
    registered = descriptor(roots[:3], m=2)
    other = parse_wallet(descriptor(roots[:3], m=1))
    raw = _ms_psbt(roots, other, "wsh")
    review = review_psbt(load_psbt(raw), BtcKeys(roots[0], "test", [registered]))
    assert "nothing-to-sign" in review.codes()


def test_bare_multisig_script_helper_matches_wallet(roots) -> None:
    wallet = parse_wallet(descriptor(roots[:3]))
    secs = [c.key.derive([0, 0]).key.sec() for c in wallet.cosigners]
    assert wallet.scripts_at(0, 0)[1] == multisig_ws(2, secs)


@pytest.mark.parametrize(
    ("index", "kind"),
    [(3, "self"), (999, "self"), (1_000, "external"), (1_001, "external"), (2**31 - 1, "external")],
)
def test_payment_to_another_registered_wallet_needs_a_findable_index(roots, index: int, kind: str) -> None:
    """A single-sig spend paying a registered multisig wallet: fine at a small index, danger past the gap."""
    desc = descriptor(roots[:3])
    wallet = parse_wallet(desc)
    keys = BtcKeys(roots[0], "test", [desc])
    own = (84 + H, 1 + H, H, 0, 0)
    sec = roots[0].derive(list(own)).key.sec()
    spend = In(funding_tx([(100_000, b"\x00\x14" + hash160(sec))], salt=3), 0)
    spend.bip32[sec] = origin(roots[0].my_fingerprint, own)
    spk, ws, _ = wallet.scripts_at(0, index)
    cb = {
        c.key.derive([0, index]).key.sec(): origin(c.fingerprint, (*c.path, 0, index))
        for c in wallet.cosigners
    }
    raw = build_psbt([spend], [Out(99_000, spk, bip32=cb, witness_script=ws)])
    review = review_psbt(load_psbt(raw), keys)
    assert review.outputs[0].kind == kind, review.to_text()
    assert review.has_danger == (kind == "external")
    assert ("change-unverified" in review.codes()) == (kind == "external")
