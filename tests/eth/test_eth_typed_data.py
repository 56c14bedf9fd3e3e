"""EIP-712: strict validation, hashing and recognition (Permit, DAI, Permit2, fake Permit2, Seaport)."""

from __future__ import annotations

import contextlib
import json

import pytest
from eth_builders import (
    MAIL,
    PERMIT2,
    SPENDER,
    USDC,
    dai_permit,
    eip2612_permit,
    permit2_single,
    seaport,
    typed,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from signer.eth.errors import EthError, TypedDataError
from signer.eth.typed_data import parse_typed_data
from signer.eth.typed_meaning import recognise

# Published Permit2 DOMAIN_SEPARATOR values (RISK.md section 6; Uniswap/permit2 tests).
PERMIT2_DOMAIN_SEPARATORS = {
    1: "866a5aba21966af95d6c7ab78eb2b2fc913915c28be3b9aa07cc04ff903e3f28",
    42161: "8a6e6e19bdfb3db3409910416b47c2f8fc28b49488d6555c7fceaa4479135bc3",
}


@pytest.mark.parametrize(("chain", "expected"), PERMIT2_DOMAIN_SEPARATORS.items())
def test_permit2_domain_separator(chain: int, expected: str) -> None:
    td = parse_typed_data(permit2_single(1, 2, 3, chain_id=chain))
    assert td.domain_separator().hex() == expected


def mail(**changes: object) -> str:
    doc = json.loads(json.dumps(MAIL))
    for path, value in changes.items():
        target = doc
        *parents, last = path.split("__")
        for p in parents:
            target = target[p]
        if value is ...:
            del target[last]
        else:
            target[last] = value
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ('{"types": {}, "types": {}}', "appears twice"),
        ("[1, 2]", "must be a JSON object"),
        ("{", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        ('{"a": NaN}', "NaN"),
        (mail(primaryType="EIP712Domain"), "signs only the domain|sign only the domain"),
        (mail(primaryType="Nope"), "not one of the declared types"),
        (mail(types__EIP712Domain=...), "no EIP712Domain"),
        (mail(domain__salt="0x" + "00" * 32), "not in the EIP712Domain type"),
        (mail(message__contents=...), "missing field"),
        (mail(message__contents=5), "expects text"),
        (mail(message__from__wallet="0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD827"), "40 hex|checksum"),
        (mail(message__from__wallet="0xcD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"), "checksum"),
        (
            mail(types__Person=[{"name": "name", "type": "string"}, {"name": "name", "type": "string"}]),
            "twice",
        ),
        (mail(types__Person=[{"name": "a,b", "type": "string"}]), "not an identifier"),
        (mail(types__Person=[{"name": "x", "type": "uint7"}]), "not a valid integer"),
        (mail(types__Person=[{"name": "x", "type": "bytes33"}]), "unknown type"),
        (mail(types__Person=[{"name": "x", "type": "Ghost"}]), "unknown type"),
        (mail(types__Person=[{"name": "x", "type": "string", "extra": 1}]), "unexpected keys"),
        (mail(types__EIP712Domain=[{"name": "chainId", "type": "string"}]), "not standard"),
        (mail(domain__chainId=-1), "out of range"),
        (mail(domain__chainId="0x" + "f" * 65), "out of range"),
        (mail(domain__chainId=True), "boolean"),
        (mail(domain__chainId="one"), "not a valid uint256"),
        # each of these escaped as Python's ValueError (int() of more than 4300 digits, or str() of
        # an int that long for the message), or read another script's digits as ASCII ones
        (mail(domain__chainId="1" * 4400), "out of range"),
        (mail(domain__chainId="0x" + "f" * 4000), "out of range"),
        (mail(domain__chainId="١"), "not a valid uint256"),
        (mail(types__Person=[{"name": "x", "type": "uint" + "8" * 4400}]), "unknown type"),
        (mail(types__Person=[{"name": "x", "type": "uint٢٥٦"}]), "unknown type"),
        (mail(types__Person=[{"name": "x", "type": "bytes" + "3" * 4400}]), "unknown type"),
        (mail(types__Person=[{"name": "x", "type": "string[" + "1" * 4400 + "]"}]), "unknown type"),
        (mail(types__Person=[{"name": "x", "type": "string[٣]"}]), "unknown type"),
        (mail(extra=1), "unexpected top-level"),
    ],
)
def test_invalid_typed_data(data: str | bytes, match: str) -> None:
    with pytest.raises(TypedDataError, match=match):
        parse_typed_data(data)


def test_number_forms_and_ignored_fields() -> None:
    td = parse_typed_data(mail(domain__chainId="0x1", message__from__age=3))
    assert td.chain_id == 1 and td.ignored_fields == ("message.from.age",)
    assert td.digest().hex() == "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"
    assert parse_typed_data(mail(domain__chainId="1")).digest() == td.digest()
    fields = {f.path: f.display for f in td.fields()}
    assert fields["domain.verifyingContract"] == "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"
    assert fields["message.to.name"] == "Bob"


def test_bytes_and_arrays_validated() -> None:
    doc = typed(
        "T",
        {"T": [("h", "bytes32"), ("b", "bytes"), ("xs", "uint8[2]"), ("ys", "int8[]")]},
        {"name": "x"},
        {"h": "0x" + "11" * 32, "b": "0x", "xs": [1, 255], "ys": [-128, 127]},
    )
    td = parse_typed_data(doc)
    assert td.message["h"] == b"\x11" * 32 and td.message["ys"] == [-128, 127]
    # normalising values must not change what is signed: eth-account on the original JSON agrees
    from eth_account.messages import _hash_eip191_message, encode_typed_data

    assert _hash_eip191_message(encode_typed_data(full_message=json.loads(doc))) == td.digest()
    for bad, match in [
        ({"h": "0x11"}, "exactly 32"),
        ({"xs": [1]}, "exactly 2"),
        ({"xs": [1, 256]}, "out of range"),
        ({"ys": [-129]}, "out of range"),
        ({"b": "zz"}, "hex"),
    ]:
        d = json.loads(doc)
        d["message"].update(bad)
        with pytest.raises(TypedDataError, match=match):
            parse_typed_data(json.dumps(d))


def test_unused_types_are_dropped_cycles_refused() -> None:
    doc = json.loads(json.dumps(MAIL))
    doc["types"]["Unused"] = [{"name": "x", "type": "uint256"}]
    td = parse_typed_data(json.dumps(doc))
    assert "Unused" not in td.types
    assert td.digest().hex() == "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"
    cyclic = typed("A", {"A": [("b", "B[]")], "B": [("a", "A")]}, {"name": "x"}, {"b": []})
    with pytest.raises(TypedDataError, match="types are cyclic: the primaryType A is used inside B"):
        parse_typed_data(cyclic)


def test_recursion_and_size_limits() -> None:
    doc = typed("N", {"N": [("next", "N[]")]}, {"name": "x"}, {"next": []})
    assert parse_typed_data(doc).message == {"next": []}
    d = json.loads(doc)
    node: dict = {"next": []}
    for _ in range(30):
        node = {"next": [node]}
    d["message"] = node
    with pytest.raises(TypedDataError, match=r"nested deeper|nests more than"):
        parse_typed_data(json.dumps(d))
    with pytest.raises(TypedDataError, match="more than"):
        parse_typed_data(b"{" + b" " * (300 * 1024) + b"}")


def test_recognise_eip2612_and_dai() -> None:
    m = recognise(parse_typed_data(eip2612_permit(2**256 - 1, 2**256 - 1)))
    (e,) = m.effects
    assert m.kind == "permit" and e.token == USDC and e.unlimited and e.signature
    m = recognise(parse_typed_data(dai_permit(True, 0)))
    assert m.kind == "dai-permit" and m.effects[0].unlimited and m.effects[0].deadline is None
    assert recognise(parse_typed_data(dai_permit(False, 5))).effects[0].revoke


def test_recognise_permit2_and_fake() -> None:
    m = recognise(parse_typed_data(permit2_single(2**160 - 1, 2**48 - 1, 2**40)))
    (e,) = m.effects
    assert m.kind == "permit2" and not m.fake_permit2 and e.unlimited and e.expiration is None
    assert e.spender == bytes.fromhex(SPENDER[2:]) and e.deadline == 2**40
    fake = recognise(parse_typed_data(permit2_single(1, 2, 3, verifying="0x" + "ab" * 20)))
    assert fake.fake_permit2 and fake.notes
    batch = typed(
        "PermitBatchTransferFrom",
        {
            "PermitBatchTransferFrom": [
                ("permitted", "TokenPermissions[]"),
                ("spender", "address"),
                ("nonce", "uint256"),
                ("deadline", "uint256"),
            ],
            "TokenPermissions": [("token", "address"), ("amount", "uint256")],
        },
        {"name": "Permit2", "chainId": 1, "verifyingContract": PERMIT2},
        {
            "permitted": [{"token": "0x" + USDC.hex(), "amount": 5}],
            "spender": SPENDER,
            "nonce": 1,
            "deadline": 9,
        },
    )
    m = recognise(parse_typed_data(batch))
    assert (
        m.kind == "permit2-transfer"
        and m.effects[0].standard == "permit2-transfer"
        and m.effects[0].amount == 5
    )


def test_recognise_seaport() -> None:
    m = recognise(parse_typed_data(seaport(1, 10**18)))
    (trade,) = m.effects
    assert m.kind == "seaport-order" and trade.given[0].token_id == 7 and trade.given[0].asset == "erc721"
    assert trade.received[0].recipient == bytes.fromhex(SPENDER[2:]) and trade.received[0].amount == 10**18


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_parses_or_fails_cleanly(doc: object) -> None:
    with contextlib.suppress(EthError):
        parse_typed_data(json.dumps(doc))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["types", "primaryType", "domain", "message"]), json_values)
def test_mutated_mail_parses_or_fails_cleanly(key: str, value: object) -> None:
    doc = json.loads(json.dumps(MAIL))
    doc[key] = value
    try:
        td = parse_typed_data(json.dumps(doc))
    except EthError:
        return
    td.digest()
    recognise(td)


@pytest.mark.parametrize(
    ("struct", "field", "wrong"),
    [
        ("PermitDetails", "token", "uint160"),  # found by fuzzing: crashed the review with a TypeError
        ("PermitSingle", "spender", "uint160"),
        ("PermitDetails", "amount", "address"),
    ],
)
@pytest.mark.parametrize("amount", [0, 5])
def test_permit2_with_wrongly_typed_fields_is_refused_cleanly(
    struct: str, field: str, wrong: str, amount: int
) -> None:
    doc = json.loads(permit2_single(amount, 2**40, 2**40))
    for f in doc["types"][struct]:
        if f["name"] == field:
            f["type"] = wrong
    value = doc["message"] if struct == "PermitSingle" else doc["message"]["details"]
    value[field] = str(int(value[field], 16)) if wrong.startswith("uint") else SPENDER
    with pytest.raises(TypedDataError, match="Permit2"):
        recognise(parse_typed_data(json.dumps(doc)))
