"""BIP-174 / BIP-370 / BIP-371 test vectors: every case on its own, plus a few embedded ones."""

from __future__ import annotations

import base64

import pytest
import shared_vectors
from builders import root_from
from embit import ec
from embit.bip32 import HDKey

from signer.btc import BtcKeys, load_psbt, parse_psbt, review_psbt
from signer.btc.errors import PsbtError
from signer.btc.sign import SighashCache, ecdsa_sign

REL = "psbt/bip174-370-371-test-vectors.json"


def _all_cases(data: dict) -> list[tuple[str, dict]]:
    out = []
    for bip in ("bip174_cases", "bip370_cases", "bip371_cases"):
        for n, case in enumerate(data[bip]):
            out.append((f"{bip[:6]}-{n:02d}-{case['description'][:50]}", case))
    return out


def _raw(case: dict) -> bytes:
    return bytes.fromhex(case["hex"].lstrip("<"))


@pytest.mark.parametrize("case", shared_vectors.cases(REL, _all_cases))
def test_vector(case: dict) -> None:
    group = case["group"]
    raw = _raw(case)
    if group == "The following are invalid PSBTs":
        with pytest.raises(PsbtError):
            load_psbt(raw)
        return
    if group == "The timelock for the following PSBTs cannot be computed":
        with pytest.raises(PsbtError, match="locktime cannot be determined"):
            load_psbt(raw)
        return
    psbt = load_psbt(raw)
    assert psbt.serialize() == raw  # nothing reordered, nothing dropped
    assert load_psbt(case["base64"]).serialize() == raw  # the base64 form is the same PSBT
    if group.startswith("The timelock for the following PSBTs should be computed to be "):
        assert psbt.locktime() == int(group.rsplit(" ", 1)[1])
    if group == "Fails Signer checks":
        review = review_psbt(psbt, BtcKeys(root_from(), "test"))
        assert "script-mismatch" in {r.code for r in review.refusals}
        assert not review.can_sign


# --- embedded vectors (BIP-174 text), so the suite means something without ../shared -----------------
EMBEDDED_INVALID = {
    "value size not the stated size": (
        "70736274ff0100337401ff0700010000000100ff01000a73317428ff0000000001ff0103010000010000000000000000"
        "76010000004100090000000000"
    ),
    "network transaction, not PSBT": (
        "0200000001268171371edff285e937adeea4b37b78000c0566cbb3ad64641713ca42171bf6000000006a473044022070"
        "b2245123e6bf474d60c5b50c043d4c691a5d2435f09a34a7662a9dc251790a022001329ca9dacf280bdf30740ec03904"
        "22422c81cb45839457aeb76fc12edd95b3012102657d118d3357b8e0f4c2cd46db7b39f6d9c38d9a70abcb9b2de5dc8d"
        "bfe4ce31feffffff02d3dff505000000001976a914d0c59903c5bac2868760e90fd521a4665aa7652088ac00e1f50500"
        "00000017a9143545e6e33b832c47050f24d3eeb93c9c03948bc787b32e1300"
    ),
}
EMBEDDED_VALID = {
    "unknown types in the inputs": (
        "70736274ff01003f0200000001ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff000000"
        "0000ffffffff010000000000000000036a010000000000000af00102030405060708090f0102030405060708090a0b0c"
        "0d0e0f0000"
    ),
    "0 inputs and 0 outputs": ("70736274ff01000a0000000000000000000000"),
}


@pytest.mark.parametrize("name", sorted(EMBEDDED_INVALID))
def test_embedded_invalid(name: str) -> None:
    with pytest.raises(PsbtError):
        load_psbt(bytes.fromhex(EMBEDDED_INVALID[name]))


@pytest.mark.parametrize("name", sorted(EMBEDDED_VALID))
def test_embedded_valid_round_trip(name: str) -> None:
    raw = bytes.fromhex(EMBEDDED_VALID[name])
    assert parse_psbt(raw).serialize() == raw
    assert load_psbt(raw.hex()).serialize() == raw
    assert load_psbt(base64.b64encode(raw).decode()).serialize() == raw


def test_unknown_input_keys_are_kept() -> None:
    psbt = parse_psbt(bytes.fromhex(EMBEDDED_VALID["unknown types in the inputs"]))
    assert [e.key.hex() for e in psbt.inputs[0].entries] == ["f0010203040506070809"]  # unknown key kept


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (lambda r: r[:-1], "truncated"),
        (lambda r: r + b"\x00", "trailing"),
        (lambda r: b"psbt\xfe" + r[5:], "magic"),
        (lambda r: r.replace(b"\x01\x00\x0a", b"\x01\x00\xfd\x0a\x00", 1), "non-minimal"),
    ],
)
def test_structural_errors_are_specific(mutation: object, message: str) -> None:
    raw = bytes.fromhex(EMBEDDED_VALID["0 inputs and 0 outputs"])
    with pytest.raises(PsbtError, match=message):
        parse_psbt(mutation(raw))  # type: ignore[operator]


def test_not_a_psbt_text_is_a_clean_error() -> None:
    for text in ("", "hello", "ur:crypto-psbt/abc", "B$ZP0100ABC", "cHNidP8!!!!"):
        with pytest.raises(PsbtError):
            load_psbt(text)


# --- BIP-174 role workflow: our sighashes + RFC 6979 signatures reproduce the signer steps exactly ----
def _workflow() -> list[dict]:
    return shared_vectors.load_json(REL)["bip174_role_workflow"]


@pytest.mark.parametrize("step", [4, 5])
def test_bip174_signer_step_signatures(step: int) -> None:
    wf = _workflow()
    master = HDKey.from_string(wf[0]["pre_blocks"][0])
    before = parse_psbt(bytes.fromhex(wf[3]["pre_blocks"][0]))  # after "updater adds SIGHASH_ALL"
    after = parse_psbt(bytes.fromhex(wf[step]["pre_blocks"][0]))
    text = wf[step]["text"]
    wifs = [part.split("</tt>")[0] for part in text.split("<tt>")[1::2]]
    spent = [i.witness_utxo or i.non_witness_utxo.vout[i.prev_vout] for i in before.inputs]
    cache = SighashCache(before, tuple((u.value, u.script_pubkey.data) for u in spent))
    produced = 0
    for wif in wifs:
        key = ec.PrivateKey.from_wif(wif)
        sec = key.get_public_key().sec()
        for inp in before.inputs:
            if sec not in inp.bip32:
                continue
            origin = inp.bip32[sec]
            assert master.derive(list(origin.path)).key.secret == key.secret  # the WIF is the tprv's child
            if inp.witness_script is not None:
                digest = cache.segwit_v0(inp.index, inp.witness_script, inp.witness_utxo.value, 1)
            else:
                digest = cache.legacy(inp.index, inp.redeem_script, 1)
            sig = ecdsa_sign(key, digest, grind=False) + b"\x01"
            assert after.inputs[inp.index].partial_sigs[sec] == sig
            produced += 1
    assert produced == 2
