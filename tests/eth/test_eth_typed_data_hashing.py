"""EIP-712 hashing of our own (signer.eth.typed_data) against eth-account, byte for byte.

eth-account is the oracle here and nowhere on the signing path. Every case hashes the same JSON
with both; malformed typed data must be refused by ours wherever eth-account refuses it, with one
line of our own, and the cases where ours is stricter are listed as such.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_builders import ABANDON, ABANDON_ADDR0, MAIL
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_vectors import cases

from signer.eth.errors import TypedDataError
from signer.eth.typed_data import parse_typed_data
from signer.keccak import keccak256

ROOT = Path(__file__).resolve().parents[2]
ETH = "eth/eth-signing-vectors.json"
ALICE = "0x" + "a1" * 20
BOB = "0x" + "b0" * 20


def theirs(doc: dict[str, Any]) -> tuple[bytes, bytes, bytes]:
    """eth-account's (domain separator, hashStruct(message), digest) of the same JSON."""
    sm = encode_typed_data(full_message=json.loads(json.dumps(doc)))
    header, body = bytes(sm.header), bytes(sm.body)
    return header, body, keccak256(b"\x19" + bytes(sm.version) + header + body)


def ours(doc: dict[str, Any]) -> tuple[bytes, bytes, bytes]:
    td = parse_typed_data(json.dumps(doc))
    return td.domain_separator(), td.struct_hash(), td.digest()


def doc_of(
    primary: str,
    types: dict[str, list[tuple[str, str]]],
    message: dict[str, Any],
    domain: dict[str, Any] | None,
) -> dict[str, Any]:
    domain = {"name": "Test", "chainId": 1} if domain is None else domain
    domain_types = {"name": "string", "version": "string", "chainId": "uint256"}
    domain_types |= {"verifyingContract": "address", "salt": "bytes32"}
    all_types = {"EIP712Domain": [{"name": k, "type": domain_types[k]} for k in domain]}
    all_types |= {n: [{"name": f, "type": t} for f, t in fs] for n, fs in types.items()}
    return {"types": all_types, "primaryType": primary, "domain": domain, "message": message}


# -- the spec and the public vectors ----------------------------------------------------------------


@pytest.mark.parametrize("v", cases(ETH, lambda d: [("eip712_mail", d["eip712_mail"])]))
def test_the_eip712_mail_vector_step_by_step(v: dict[str, Any]) -> None:
    td = parse_typed_data(json.dumps(v["typed_data"]))
    assert td.encode_type("Mail") == v["encodeType_Mail"]
    assert keccak256(td.encode_type("Mail").encode()).hex() == v["typeHash_Mail"]
    assert keccak256(td.encode_type("EIP712Domain").encode()).hex() == v["typeHash_EIP712Domain"]
    assert td.domain_separator().hex() == v["domainSeparator"]
    assert td.struct_hash().hex() == v["hashStruct_Mail"]
    assert td.digest().hex() == v["digest_keccak(0x1901||domainSeparator||hashStruct)"]
    assert ours(v["typed_data"]) == theirs(v["typed_data"])


def test_the_spec_mail_example_is_eth_accounts() -> None:
    assert ours(MAIL) == theirs(MAIL)


# Each: (primary, types, message, domain or None for a default one)
SHAPES: dict[str, tuple[str, dict[str, list[tuple[str, str]]], dict[str, Any], dict[str, Any] | None]] = {
    "nested structs, referenced types sorted by name": (
        "Order",
        {
            "Order": [("zeta", "Zed"), ("alpha", "Alpha"), ("n", "uint256")],
            "Zed": [("a", "Alpha"), ("who", "address")],
            "Alpha": [("text", "string"), ("flag", "bool")],
        },
        {
            "zeta": {"a": {"text": "in zed", "flag": False}, "who": ALICE},
            "alpha": {"text": "top", "flag": True},
            "n": 7,
        },
        None,
    ),
    "array of structs, empty array, self-recursive type": (
        "Mail",
        {
            "Mail": [("from", "Person"), ("to", "Person[]"), ("replies", "Mail[]"), ("contents", "string")],
            "Person": [("name", "string"), ("wallets", "address[]")],
        },
        {
            "from": {"name": "Cow", "wallets": [ALICE, BOB]},
            "to": [{"name": "Bob", "wallets": [BOB]}, {"name": "Eve", "wallets": []}],
            "replies": [{"from": {"name": "Bob", "wallets": []}, "to": [], "replies": [], "contents": "re"}],
            "contents": "Hello",
        },
        None,
    ),
    "fixed and dynamic arrays, arrays of arrays": (
        "Grid",
        {
            "Grid": [
                ("cells", "uint8[2][]"),
                ("tags", "bytes3[3]"),
                ("names", "string[]"),
                ("blobs", "bytes[1]"),
            ]
        },
        {
            "cells": [[1, 2], [255, 0]],
            "tags": ["0x010203", "0xaabbcc", "0x000000"],
            "names": ["a", "", "\u00e9\u2713"],
            "blobs": ["0x"],
        },
        None,
    ),
    "bytesN and intN at their bounds": (
        "Bounds",
        {
            "Bounds": [
                ("b1", "bytes1"),
                ("b32", "bytes32"),
                ("i8lo", "int8"),
                ("i8hi", "int8"),
                ("i256lo", "int256"),
                ("u8", "uint8"),
                ("u256", "uint256"),
                ("i", "int"),
                ("u", "uint"),
            ]
        },
        {
            "b1": "0xff",
            "b32": "0x" + "ee" * 32,
            "i8lo": -128,
            "i8hi": 127,
            "i256lo": -(2**255),
            "u8": 255,
            "u256": 2**256 - 1,
            "i": -1,
            "u": "0x" + "ff" * 32,
        },
        None,
    ),
    "every domain field": (
        "Ping",
        {"Ping": [("n", "uint64")]},
        {"n": 1},
        {
            "name": "Full",
            "version": "2",
            "chainId": 137,
            "verifyingContract": BOB,
            "salt": "0x" + "5a" * 32,
        },
    ),
    "an empty domain and an empty struct": ("Empty", {"Empty": []}, {}, {}),
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_shapes_hash_as_eth_account_does(shape: Any) -> None:
    doc = doc_of(*shape)
    assert ours(doc) == theirs(doc)


def test_encode_type_lists_referenced_types_sorted_after_the_primary() -> None:
    td = parse_typed_data(json.dumps(doc_of(*SHAPES["nested structs, referenced types sorted by name"])))
    assert td.encode_type("Order") == (
        "Order(Zed zeta,Alpha alpha,uint256 n)Alpha(string text,bool flag)Zed(Alpha a,address who)"
    )


# -- generated typed data ---------------------------------------------------------------------------

ATOMIC = st.one_of(
    st.sampled_from(["address", "bool", "string", "bytes", "int", "uint"]),
    st.integers(1, 32).map(lambda n: f"bytes{n}"),
    st.integers(1, 32).map(lambda n: f"uint{8 * n}"),
    st.integers(1, 32).map(lambda n: f"int{8 * n}"),
)


def _arrayed(base: str) -> st.SearchStrategy[str]:
    suffix = st.lists(st.one_of(st.just("[]"), st.integers(1, 3).map(lambda n: f"[{n}]")), max_size=2)
    return suffix.map(lambda parts: base + "".join(parts))


@st.composite
def typed_documents(draw: st.DrawFn) -> dict[str, Any]:
    """An acyclic graph of struct types, each one used by an earlier one, and values that fit."""
    count = draw(st.integers(1, 4))
    names = [f"T{i}" for i in range(count)]
    types: dict[str, list[tuple[str, str]]] = {}
    for i, name in enumerate(names):
        fields = [(f"f{j}", draw(_arrayed(draw(ATOMIC)))) for j in range(draw(st.integers(0, 4)))]
        if i + 1 < count:  # every type reachable from T0, so there is one root
            fields.insert(draw(st.integers(0, len(fields))), ("next", draw(_arrayed(names[i + 1]))))
        if i + 2 < count and draw(st.booleans()):
            fields.append(("skip", draw(_arrayed(names[draw(st.integers(i + 1, count - 1))]))))
        types[name] = fields

    def value(type_: str, depth: int) -> Any:
        if type_.endswith("]"):
            inner, fixed = type_[: type_.rindex("[")], type_[type_.rindex("[") + 1 : -1]
            n = int(fixed) if fixed else draw(st.integers(0, 2 if depth < 3 else 0))
            return [value(inner, depth + 1) for _ in range(n)]
        if type_ in types:
            return {f: value(t, depth + 1) for f, t in types[type_]}
        if type_ == "address":
            return "0x" + draw(st.binary(min_size=20, max_size=20)).hex()
        if type_ == "bool":
            return draw(st.booleans())
        if type_ == "string":
            return draw(st.text(max_size=8))
        if type_.startswith("bytes"):
            size = int(type_[5:]) if type_ != "bytes" else draw(st.integers(0, 40))
            return "0x" + draw(st.binary(min_size=size, max_size=size)).hex()
        bits = int(type_.lstrip("uint") or 256)
        lo, hi = (0, 2**bits - 1) if type_.startswith("u") else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
        n = draw(st.one_of(st.integers(lo, hi), st.sampled_from([lo, hi])))
        return draw(st.sampled_from([n, str(n)] + ([hex(n)] if n >= 0 else [])))

    full = {"name": "Gen", "version": "1", "chainId": 5, "verifyingContract": ALICE, "salt": "0x" + "01" * 32}
    domain_fields = draw(st.lists(st.sampled_from(list(full)), unique=True))
    domain = {k: v for k, v in full.items() if k in domain_fields}  # in the standard order
    return doc_of("T0", types, value("T0", 0), domain)


@settings(max_examples=80, deadline=None)
@given(typed_documents())
def test_generated_typed_data_hashes_as_eth_account_does(doc: dict[str, Any]) -> None:
    assert ours(doc) == theirs(doc)


# -- malformed typed data ---------------------------------------------------------------------------


def mail(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(MAIL))
    edit(doc)
    return doc


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for p in parents:
        doc = doc[p]
    if value is ...:
        del doc[last]
    else:
        doc[last] = value


def edited(**changes: Any) -> dict[str, Any]:
    def edit(doc: dict[str, Any]) -> None:
        for path, value in changes.items():
            _set(doc, path.replace("__", "."), value)

    return mail(edit)


def one(primary: str, types: dict[str, list[tuple[str, str]]], message: dict[str, Any]) -> dict[str, Any]:
    return doc_of(primary, types, message, None)


def nested(depth: int) -> dict[str, Any]:
    message: dict[str, Any] = {"next": []}
    for _ in range(depth):
        message = {"next": [message]}
    return one("N", {"N": [("next", "N[]")]}, message)


PERSON = [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}]

# (doc, our one-line error, does eth-account refuse it too?)
REFUSED_BY_BOTH: dict[str, tuple[dict[str, Any], str]] = {
    "unknown type": (
        edited(types__Person=[{"name": "name", "type": "string"}, {"name": "wallet", "type": "adress"}]),
        "Person.wallet: unknown type 'adress'",
    ),
    "cyclic types through the primary type": (
        one("A", {"A": [("b", "B[]")], "B": [("a", "A")]}, {"b": []}),
        "types are cyclic: the primaryType A is used inside B",
    ),
    "uint8 above its range": (one("X", {"X": [("v", "uint8")]}, {"v": 256}), "256 is out of range for uint8"),
    "int8 below its range": (one("X", {"X": [("v", "int8")]}, {"v": -129}), "-129 is out of range for int8"),
    "negative uint256": (one("X", {"X": [("v", "uint256")]}, {"v": "-1"}), "-1 is out of range for uint256"),
    "uint256 overflow": (
        one("X", {"X": [("v", "uint256")]}, {"v": hex(2**256)}),
        "is out of range for uint256",
    ),
    "a fraction for an int": (one("X", {"X": [("v", "int64")]}, {"v": 1.5}), "1.5 is not a valid int64"),
    "bytes4 too long": (
        one("X", {"X": [("v", "bytes4")]}, {"v": "0x0102030405"}),
        "bytes4 needs exactly 4 bytes, got 5",
    ),
    "missing address field": (edited(message__to__wallet=...), "struct Person is missing field(s) wallet"),
    "domain field not in EIP712Domain": (
        edited(domain__salt="0x" + "00" * 32),
        "domain field(s) salt are not in the EIP712Domain type",
    ),
    "domain field declared but absent": (
        edited(domain__version=...),
        "struct EIP712Domain is missing field(s) version",
    ),
    "array given a non-list": (
        one("X", {"X": [("v", "uint8[]")]}, {"v": 3}),
        "message.v: uint8[] expects a list",
    ),
    "a lone surrogate in a string": (
        edited(message__contents="\ud800"),
        "message.contents: the text holds a lone surrogate (not valid Unicode)",
    ),
}

# Ours refuses, eth-account signs something: what it would sign is not what a person reads.
REFUSED_BY_OURS_ONLY: dict[str, tuple[dict[str, Any], str]] = {
    "bytes4 too short (eth-account pads it)": (
        one("X", {"X": [("v", "bytes4")]}, {"v": "0x010203"}),
        "bytes4 needs exactly 4 bytes, got 3",
    ),
    "missing string field (eth-account hashes it as empty)": (
        edited(message__contents=...),
        "struct Mail is missing field(s) contents",
    ),
    "missing struct field (eth-account hashes it as zero)": (
        edited(message__from=...),
        "struct Mail is missing field(s) from",
    ),
    "fixed array of the wrong length (eth-account does not check)": (
        one("X", {"X": [("v", "uint8[2]")]}, {"v": [1, 2, 3]}),
        "uint8[2] needs exactly 2 items, got 3",
    ),
    "the text 'false' for a bool (eth-account reads it as false)": (
        one("X", {"X": [("v", "bool")]}, {"v": "false"}),
        "bool expects true or false",
    ),
    "unexpected key in a field definition (eth-account ignores it)": (
        edited(types__Person=[{"name": "name", "type": "string", "x": 1}, PERSON[1]]),
        "field 'name' of type Person has unexpected keys ['x']",
    ),
    "domain fields out of the standard order (eth-account hashes them reordered)": (
        mail(lambda d: d["types"]["EIP712Domain"].reverse()),
        "EIP712Domain fields verifyingContract, chainId, version, name are out of the standard order",
    ),
    "a domain field of a non-standard type (eth-account hashes the standard one)": (
        edited(types__EIP712Domain=[{"name": "name", "type": "bytes"}], domain={"name": "0x00"}),
        "EIP712Domain field name bytes is not standard (expected string)",
    ),
    "an address with a wrong EIP-55 checksum (eth-account ignores the case)": (
        edited(message__to__wallet="0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbb"),
        "has a wrong EIP-55 checksum",
    ),
    "structs nested deeper than 12 levels": (nested(13), "values nested deeper than 12 levels"),
}


@pytest.mark.parametrize(("doc", "error"), REFUSED_BY_BOTH.values(), ids=REFUSED_BY_BOTH.keys())
def test_malformed_typed_data_is_refused_where_eth_account_refuses_it(
    doc: dict[str, Any], error: str
) -> None:
    with pytest.raises(Exception):  # noqa: B017 -- eth-account raises many types
        theirs(doc)
    with pytest.raises(TypedDataError) as err:
        parse_typed_data(json.dumps(doc))
    assert error in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(("doc", "error"), REFUSED_BY_OURS_ONLY.values(), ids=REFUSED_BY_OURS_ONLY.keys())
def test_ours_is_stricter_than_eth_account_here(doc: dict[str, Any], error: str) -> None:
    theirs(doc)  # eth-account would sign it
    with pytest.raises(TypedDataError) as err:
        parse_typed_data(json.dumps(doc))
    assert error in str(err.value) and "\n" not in str(err.value)


def test_message_fields_outside_the_types_are_not_hashed_as_in_eth_account() -> None:
    """Both sign without them; ours lists them, and the review warns (signer.risk)."""
    doc = edited(message__from__age=30)
    assert ours(doc) == theirs(doc) == ours(MAIL)
    assert parse_typed_data(json.dumps(doc)).ignored_fields == ("message.from.age",)


def test_unused_types_are_left_out_where_eth_account_refuses_the_whole() -> None:
    """The one place ours is more lenient: a type nothing uses cannot change the hash (encodeType lists
    only the types used), so it is dropped; eth-account refuses a types graph with two roots."""
    doc = edited(types__Unused=[{"name": "x", "type": "uint256"}])
    with pytest.raises(Exception):  # noqa: B017
        theirs(doc)
    assert ours(doc) == theirs(MAIL)


def test_airlock_sign_of_typed_data_does_not_import_eth_account(
    tmp_path: Path, secret_input: Callable[[str, str], Path]
) -> None:
    words = secret_input("words.txt", ABANDON + "\n")
    request = tmp_path / "typed.json"
    request.write_text(json.dumps(MAIL))
    script = (
        "import sys\n"
        "from signer.cli import main\n"
        f"code = main(['sign', {str(request)!r}, '--mnemonic-file', {str(words)!r}])\n"
        "heavy = ('eth_account', 'eth_keys', 'eth_abi')\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    signature = out.stdout.strip()
    recovered = Account.recover_message(encode_typed_data(full_message=MAIL), signature=signature)
    assert recovered == ABANDON_ADDR0
    assert out.stderr.strip().splitlines()[-1] == "0 []"
