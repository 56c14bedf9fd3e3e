"""The Bitcoin review of a fixed set of PSBTs says, byte for byte, what it said when this was written:
its JSON, its text and the signing plan it fixes. A net for changes to the review's code that must
not change what it decides or says.

The PSBTs:
* every Bitcoin PSBT of the hostile corpus (tests/corpus/hostile), with the corpus vault's seed and
  its registered wallet, as its manifest signs them (with the message it gives a BIP-322 proof);
* every PSBT of the BIP-174/370/371 test vectors that parses, with the BIP-174 signer's key and with
  the suite's seed;
* a few PSBTs built here for rules no other test reaches (a finalized input, taproot script paths,
  unusual outputs, time locktimes);
* golden/review-scenarios.json: the PSBTs the suite's tests built and reviewed (the test's name kept
  with each), with the seed, network, registered wallets, tip height and message they were reviewed
  with. Seeds are named, never written: the names are the test mnemonics below.

The estimated chain tip (used when no tip height is given) reads the clock: it is pinned here.

Regenerate after a deliberate change of the review:
``AIRLOCK_UPDATE_GOLDEN=1 pytest tests/btc/test_review_golden.py``.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import shared_vectors
from builders import (
    MNEMONIC,
    OTHER_MNEMONIC,
    H,
    In,
    Out,
    Wallet,
    build_psbt,
    external,
    funding_tx,
    origin,
    root_from,
)
from embit.bip32 import HDKey

from signer.btc import BtcKeys, load_psbt, review_psbt
from signer.btc.psbt import Psbt
from signer.btc.review import Review
from signer.commands.sign import read_request
from signer.errors import AirlockError

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "reviews.json"
SCENARIOS = HERE / "golden" / "review-scenarios.json"
CORPUS = HERE.parent / "corpus" / "hostile"
VECTORS = "psbt/bip174-370-371-test-vectors.json"
SEEDS = {
    "abandon": MNEMONIC,
    "legal": OTHER_MNEMONIC,
    "letter": "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
}
# A clock reading a little past the review's reference block time, so the tip estimate is fixed.
NOW = 1_750_000_000
PARSE_ONLY_GROUPS = (
    "The following are invalid PSBTs",
    "The timelock for the following PSBTs cannot be computed",
)


@dataclasses.dataclass(frozen=True)
class Case:
    psbt: Callable[[], Psbt]
    keys: Callable[[], BtcKeys]
    tip_height: int | None = None
    message: bytes | None = None


@functools.cache
def seed_keys(seed: str, passphrase: str, network: str, multisig: str = "[]") -> BtcKeys:
    """A seed's keys (``multisig``: the registered records as JSON), shared by the cases that use them."""
    return BtcKeys(root_from(SEEDS[seed], network, passphrase), network, json.loads(multisig))


def loads(raw: bytes) -> bool:
    """Whether the PSBT parses (one the parser refuses never reaches the review)."""
    try:
        load_psbt(raw)
    except AirlockError:
        return False
    return True


def corpus_keys() -> BtcKeys:
    """The corpus vault's seed on mainnet, with its registered 2-of-3 wallet."""
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return seed_keys("abandon", "", "main", json.dumps([manifest["vault"]["multisig"]]))


def corpus_cases() -> dict[str, Case]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    out: dict[str, Case] = {}
    for case in manifest["cases"]:
        if case["command"] != "sign" or not case["file"].startswith("btc-"):
            continue
        payload = read_request(str(CORPUS / case["file"]))
        if payload.kind != "psbt" or not loads(payload.data):
            continue
        args = case["args"]
        message = args[args.index("--proof-message") + 1].encode() if "--proof-message" in args else None
        out[f"corpus {case['file']} {' '.join(args)}".strip()] = Case(
            functools.partial(load_psbt, payload.data),
            corpus_keys,
            message=message,
        )
    return out


def vector_cases() -> dict[str, Case]:
    path = shared_vectors.path(VECTORS)
    if path is None:
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    signer_root = data["bip174_role_workflow"][0]["pre_blocks"][0]  # the BIP-174 signer's master key
    keys = {
        "bip174-signer": lambda: BtcKeys(HDKey.from_string(signer_root), "test"),
        "abandon": functools.partial(seed_keys, "abandon", "", "main"),
    }
    psbts: dict[str, bytes] = {}
    for bip in ("bip174_cases", "bip370_cases", "bip371_cases"):
        for n, case in enumerate(data[bip]):
            if case["group"] not in PARSE_ONLY_GROUPS:
                psbts[f"{bip[:6]}-{n:02d}"] = bytes.fromhex(case["hex"].lstrip("<"))
    for n, step in enumerate(data["bip174_role_workflow"]):
        for m, block in enumerate(step["pre_blocks"]):
            if block.startswith("70736274ff"):
                psbts[f"bip174-workflow-{n:02d}-{m}"] = bytes.fromhex(block)
    out: dict[str, Case] = {}
    for name, raw in psbts.items():
        if not loads(raw):
            continue
        for key_name, make_keys in keys.items():
            out[f"vector {name} {key_name}"] = Case(functools.partial(load_psbt, raw), make_keys)
    return out


def scenario_cases() -> dict[str, Case]:
    out: dict[str, Case] = {}
    for n, s in enumerate(json.loads(SCENARIOS.read_text(encoding="utf-8"))["cases"]):
        raw = base64.b64decode(s["psbt"])
        where = s["test"].rsplit("/", 1)[-1].replace(".py::", " ")  # pytest ids may not hold "::"
        out[f"scenario {n:03d} {where}"] = Case(
            functools.partial(load_psbt, raw),
            functools.partial(seed_keys, s["seed"], s["passphrase"], s["network"], json.dumps(s["multisig"])),
            tip_height=s["tip_height"],
            message=None if s["message"] is None else base64.b64decode(s["message"]),
        )
    return out


def built_cases() -> dict[str, Case]:
    """PSBTs for the review's rules that the rest of the suite does not reach."""
    root = root_from()
    keys = functools.partial(seed_keys, "abandon", "", "main")
    wpkh, tr = Wallet(root, "p2wpkh"), Wallet(root, "p2tr")
    fp = root.my_fingerprint
    stranger = stranger_sec()[1:]
    leaf = tr.key_path(0, 1)
    tap_leaf = In(funding_tx([(70_000, tr.spk(0, 1))], 7), 0)  # our key, in a script leaf only
    tap_leaf.extra.append((b"\x16" + tr.sec(leaf)[1:], b"\x01" + bytes(32) + origin(fp, leaf)))
    built = {
        "finalized input beside one to sign": build_psbt(
            [
                wpkh.utxo(50_000, salt=1, extra=[(b"\x08", b"\x02\x01\x01\x01\x02")]),
                wpkh.utxo(60_000, 0, 1, salt=2),
            ],
            [external(100_000)],
        ),
        "previous transaction without the spent output": build_psbt(
            [In(funding_tx([(40_000, wpkh.spk(0, 0))], 3), 1, wu=False)], [external(30_000)]
        ),
        "taproot script path and a key we do not derive": build_psbt(
            [
                tap_leaf,
                In(
                    funding_tx([(80_000, tr.spk(0, 2))], 8),
                    0,
                    tap_bip32={stranger: origin(fp, tr.key_path(0, 2))},
                ),
                tr.utxo(90_000, 0, 3, salt=9),
            ],
            [external(200_000)],
        ),
        "taproot beside an input that says nothing of what it spends": build_psbt(
            [
                tr.utxo(90_000, 0, 4, salt=10),
                In(funding_tx([(10_000, b"\x00\x14" + bytes(20))], 11), 0, wu=False, nwu=False),
            ],
            [external(80_000)],
        ),
        "unusual outputs and a time locktime": build_psbt(
            [wpkh.utxo(1_000_000, salt=12)],
            [
                external(300_000),
                external(300_000),
                external(300),
                Out(0, b"\x6a\x4c\x54" + bytes(84)),
                Out(0, b"\x6a\x01\x01"),
                Out(1_000, b"\x52\x02\x00\x00"),
                Out(10_000, b"\x51"),
            ],
            locktime=2_000_000_000,
        ),
        "height locktime far past the estimated tip": build_psbt(
            [wpkh.utxo(100_000, salt=13)], [external(90_000)], locktime=1_000_000
        ),
        "locktime with every input final": build_psbt(
            [wpkh.utxo(100_000, salt=14, sequence=0xFFFFFFFF)], [external(90_000)], locktime=900_000
        ),
    }
    cases = {f"built {name}": Case(functools.partial(load_psbt, raw), keys) for name, raw in built.items()}
    nested = Wallet(root, "p2sh-p2wpkh")
    odd_redeem = nested.utxo(50_000, salt=15)
    odd_redeem.redeem = b"\x51"  # our key's P2SH-P2WPKH script, with another redeem script beside it
    ours = wpkh.sec(wpkh.key_path(0, 5))
    two_of_two = bytes([0x52, 0x21]) + ours + b"\x21" + stranger_sec() + bytes([0x52, 0xAE])
    unregistered = In(
        funding_tx([(60_000, b"\x00\x20" + hashlib.sha256(two_of_two).digest())], 16),
        0,
        witness_script=two_of_two,
        bip32={ours: origin(fp, wpkh.key_path(0, 5))},  # a path the registered wallet does not use
    )
    raw = build_psbt([odd_redeem, unregistered, wpkh.utxo(70_000, salt=17)], [external(150_000)])
    cases["built odd redeem script and a multisig no registered wallet has"] = Case(
        functools.partial(load_psbt, raw), corpus_keys
    )
    return cases


def stranger_sec() -> bytes:
    """A compressed key that is not this seed's."""
    return Wallet(root_from(OTHER_MNEMONIC), "p2wpkh").sec((84 + H, H, H, 0, 0))


CASES = {**corpus_cases(), **vector_cases(), **built_cases(), **scenario_cases()}


def plan_json(review: Review) -> list[dict[str, Any]]:
    """The signing plan the review fixes (what signing will sign), as JSON."""
    plan = []
    for step in review._plan:  # private: what signing follows, and so part of what must not move
        fields = dataclasses.asdict(step)
        plan.append({k: v.hex() if isinstance(v, bytes) else v for k, v in fields.items()})
    return plan


def observed(case: Case) -> str:
    """The review as the golden file keeps it: JSON text, keys in the order the review writes them."""
    review = review_psbt(case.psbt(), case.keys(), tip_height=case.tip_height, message=case.message)
    return as_text({"json": review.to_json(), "text": review.to_text(), "plan": plan_json(review)})


def as_text(value: Any) -> str:
    return json.dumps(value, indent=1)


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    """The golden reviews, first written from the code as it is when AIRLOCK_UPDATE_GOLDEN is set."""
    if os.environ.get("AIRLOCK_UPDATE_GOLDEN"):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(time, "time", lambda: float(NOW))
            reviews = {name: json.loads(observed(CASES[name])) for name in sorted(CASES)}
        GOLDEN.write_text(as_text(reviews) + "\n", encoding="utf-8")
    return json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "time", lambda: float(NOW))


@pytest.mark.parametrize("name", sorted(CASES))
def test_review_is_unchanged(name: str, golden: dict[str, Any]) -> None:
    assert name in golden, f"no golden review for {name}: run with AIRLOCK_UPDATE_GOLDEN=1 once"
    assert observed(CASES[name]) == as_text(golden[name])  # as text: the order of the keys counts too


def test_every_golden_review_has_its_case() -> None:
    """A case that disappears (a corpus file renamed, a scenario dropped) is noticed, not skipped."""
    if not GOLDEN.exists():
        pytest.skip("no golden file yet")
    missing = set(json.loads(GOLDEN.read_text(encoding="utf-8"))) - set(CASES)
    if shared_vectors.path(VECTORS) is None:
        missing = {name for name in missing if not name.startswith("vector ")}
    assert not missing, f"golden reviews without a case: {sorted(missing)[:5]}"


def test_the_net_covers_what_the_review_decides(golden: dict[str, Any]) -> None:
    """The cases reach every kind of output, every amount source, refusals, dangers and signing plans
    of every script kind; a net that lost them would pass while meaning little."""
    reviews = [g["json"] for g in golden.values()]
    kinds = {o["kind"] for r in reviews for o in r["outputs"]}
    sources = {i["amount_source"] for r in reviews for i in r["inputs"]}
    plans = {p["kind"] for g in golden.values() for p in g["plan"]}
    assert kinds == {"external", "change", "self", "op_return"}
    assert sources == {"previous-tx", "taproot-signature", "claimed", "unknown"}
    assert {"p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr", "p2wsh-multisig"} <= plans
    assert {"p2sh-p2wsh-multisig", "p2sh-multisig"} <= plans
    assert any(r["refusals"] for r in reviews) and any(r["can_sign"] for r in reviews)
    assert {"btc-psbt", "btc-bip322"} == {r["kind"] for r in reviews}
