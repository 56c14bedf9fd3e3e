"""Every multisig wallet file people have reads into the same wallet: descriptors, Coldcard/Sparrow
text, Specter Desktop JSON, Caravan JSON and BSMS 1.0 records (BIP-129, with its own vectors); in
native P2WSH, nested P2SH-P2WSH and legacy P2SH. What a format cannot fully say is refused."""

from __future__ import annotations

import json

import pytest
from conftest import ABANDON, LEGAL, ZOO24
from multisig_files import (
    bsms_record,
    caravan_json,
    coldcard_text,
    cosigner,
    descriptor,
    specter_json,
)

from signer.btc import BtcKeys
from signer.btc.errors import DescriptorError, NotACosigner
from signer.btc.multisig import ScriptType
from signer.btc.multisig_formats import looks_like_multisig, parse_wallet
from signer.btc.multisig_registry import register_multisig
from signer.keys.bip39 import mnemonic_to_seed

LETTER = "letter advice cage absurd amount doctor acoustic avoid letter advice cage above"
SCRIPT_TYPES = ["p2wsh", "p2sh-p2wsh", "p2sh"]


def keys_for(script_type: str, network: str = "test") -> list:  # type: ignore[type-arg]
    return [cosigner(m, script_type, network) for m in (ABANDON, LEGAL, LETTER)]


def first_address(script_type: str) -> str:
    return parse_wallet(descriptor(keys_for(script_type), 2, script_type)).address(0, 0)


FORMATS = {
    "descriptor": lambda k, t: descriptor(k, 2, t),
    "descriptor-receive-only-keys": lambda k, t: descriptor(k, 2, t, suffix="/0/*").split("#")[0],
    "coldcard-text": lambda k, t: coldcard_text(k, 2, t),
    "specter-json": lambda k, t: specter_json(k, 2, t),
    "caravan-json": lambda k, t: caravan_json(k, 2, t),
    "bsms": lambda k, t: bsms_record(k, 2, first_address(t), t),
}


@pytest.mark.parametrize("script_type", SCRIPT_TYPES)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_reads_as_the_same_wallet(fmt: str, script_type: str) -> None:
    keys = keys_for(script_type)
    wallet = parse_wallet(FORMATS[fmt](keys, script_type))
    reference = parse_wallet(descriptor(keys, 2, script_type))
    assert wallet.descriptor == reference.descriptor
    assert (wallet.m, wallet.n, wallet.script_type, wallet.network) == (2, 3, ScriptType(script_type), "test")
    assert [c.fingerprint.hex() for c in wallet.cosigners if c.fingerprint] == [k.fingerprint for k in keys]
    assert looks_like_multisig(FORMATS[fmt](keys, script_type))
    keys_abandon = BtcKeys.from_seed(mnemonic_to_seed(ABANDON), "test")
    registered = register_multisig(FORMATS[fmt](keys, script_type), keys_abandon)
    assert registered.descriptor == reference.descriptor


def test_names_come_from_the_file_or_the_policy() -> None:
    keys = keys_for("p2wsh")
    assert parse_wallet(specter_json(keys, 2, label="Specter vault")).name == "Specter vault"
    assert parse_wallet(caravan_json(keys, 2, name="Caravan vault")).name == "Caravan vault"
    assert parse_wallet(coldcard_text(keys, 2, name="CC vault")).name == "CC vault"
    assert parse_wallet(descriptor(keys, 2)).name == "2 of 3 multisig"
    assert parse_wallet(descriptor(keys, 2), name="  Mine \t now\u200b\x07").name == "Mine now"


def test_coldcard_text_without_a_format_line_is_legacy_p2sh_as_on_coldcard() -> None:
    keys = keys_for("p2sh")
    wallet = parse_wallet(coldcard_text(keys, 2, None))
    assert wallet.script_type == ScriptType.P2SH
    assert wallet.descriptor == parse_wallet(descriptor(keys, 2, "p2sh")).descriptor
    assert wallet.address(0, 0).startswith("2")  # a testnet P2SH address


@pytest.mark.parametrize("policy", ["٢ of ٣", "2 of " + "3" * 4400, "²/3"])
def test_a_coldcard_policy_takes_only_a_few_ascii_digits(policy: str) -> None:
    """\\d took Arabic-Indic digits as 2 of 3, and thousands of digits escaped int() as ValueError."""
    text = coldcard_text(keys_for("p2wsh"), 2).replace("Policy: 2 of 3", f"Policy: {policy}")
    with pytest.raises(DescriptorError, match="Policy: M of N"):
        parse_wallet(text)


def test_sparrow_caravan_export_spells_nested_segwit_with_an_underscore() -> None:
    keys = keys_for("p2sh-p2wsh")
    text = caravan_json(keys, 2, "p2sh-p2wsh", address_type="P2SH_P2WSH")
    assert parse_wallet(text).script_type == ScriptType.P2SH_P2WSH


# -- Caravan's placeholders ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "xfp"),
    [
        ("Unknown", "00000000"),
        ("Unknown", None),
        (None, "Unknown"),
        ("m/48'/1'/0'/2'", "00000000"),
        ("m/0/0/0/0", "12345678"),
    ],
    ids=["unknown-path-zero-xfp", "unknown-path-no-xfp", "no-path", "zero-xfp", "masked-path"],
)
def test_caravan_placeholder_origins_are_not_kept_as_origins(path: str | None, xfp: str | None) -> None:
    keys = keys_for("p2wsh")
    text = caravan_json([keys[0], keys[1], (keys[2].xpub, path, xfp)], 2)
    wallet = parse_wallet(text)
    third = next(c for c in wallet.cosigners if c.xpub == keys[2].xpub)
    assert third.fingerprint is None and third.path is None and third.origin_text() == "origin unknown"
    assert f",{keys[2].xpub}/<0;1>/*" in wallet.descriptor  # a bare key, not a made-up origin
    # the canonical descriptor reads back as the same wallet, and this seed can register it
    assert parse_wallet(wallet.descriptor).descriptor == wallet.descriptor
    registered = register_multisig(text, BtcKeys.from_seed(mnemonic_to_seed(ABANDON), "test"))
    assert registered.address(0, 0) == parse_wallet(descriptor(keys, 2)).address(0, 0)


def test_caravan_file_that_hides_this_seeds_origin_is_refused_with_the_reason() -> None:
    keys = keys_for("p2wsh")
    text = caravan_json([(keys[0].xpub, "Unknown", "00000000"), keys[1], keys[2]], 2)
    with pytest.raises(NotACosigner, match=r"without its fingerprint and path"):
        register_multisig(text, BtcKeys.from_seed(mnemonic_to_seed(ABANDON), "test"))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.update(network="mainnet"), "not mainnet keys"),
        (lambda d: d["quorum"].update(totalSigners=4), "lists 3 keys"),
        (lambda d: d["quorum"].update(requiredSigners="2"), "requiredSigners must be a number"),
        (lambda d: d.update(addressType="P2TR"), "addressType 'P2TR'"),
        (lambda d: d["extendedPublicKeys"][1].update(xfp="1234"), "8 hex digits"),
        (lambda d: d["extendedPublicKeys"][1].update(bip32Path="m/48'/x"), "bad derivation element"),
        # digits of other scripts were read as ASCII ones; thousands of digits escaped int()
        (lambda d: d["extendedPublicKeys"][1].update(bip32Path="m/٤٨'/1'/0'/2'"), "bad derivation element"),
        (lambda d: d["extendedPublicKeys"][1].update(bip32Path="m/48'/" + "1" * 4400), "bad derivation"),
        (lambda d: d["extendedPublicKeys"][1].pop("xpub"), "xpub is missing"),
        (lambda d: d.update(extendedPublicKeys="none"), "list of keys"),
    ],
)
def test_bad_caravan_files_are_refused(change, match: str) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(caravan_json(keys_for("p2wsh"), 2))
    change(doc)
    with pytest.raises(DescriptorError, match=match):
        parse_wallet(json.dumps(doc))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.update(descriptor=d["descriptor"][:-1] + "x"), "checksum"),
        (lambda d: d.update(devices=[{"label": "one"}]), "1 devices for 3"),
        (lambda d: d.update(blockheight="soon"), "blockheight"),
        (lambda d: d.update(descriptor=7), "'descriptor' must be a text"),
    ],
)
def test_bad_specter_files_are_refused(change, match: str) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(specter_json(keys_for("p2wsh"), 2))
    change(doc)
    with pytest.raises(DescriptorError, match=match):
        parse_wallet(json.dumps(doc))


def test_json_that_is_not_a_wallet_is_refused() -> None:
    with pytest.raises(DescriptorError, match="not a multisig wallet file"):
        parse_wallet('{"types": {}, "primaryType": "Mail"}')
    assert not looks_like_multisig('{"xpub": "not a wallet"}')


# -- BSMS (BIP-129) -----------------------------------------------------------------------------
# BIP-129's NO_ENCRYPTION 2-of-2 round-2 record (bitcoin/bips bip-0129.mediawiki, test vectors).
BIP129_RECORD = """BSMS 1.0
wsh(sortedmulti(2,[1cf0bf7e/48'/0'/0'/2']xpub6FL8FhxNNUVnG64YurPd16AfGyvFLhh7S2uSsDqR3Qfcm6o9jtcMYwh6DvmcBF9qozxNQmTCVvWtxLpKTnhVLN3Pgnu2D3pAoXYFgVyd8Yz/**,[4fc1dd4a/48'/0'/0'/2']xpub6EebMbEps7ZcV3FYEnddRsvrFWDrt2tiPmCeM7pPXQEmphvq9ZfJ1LWFUDjf3vxCeBuPrfyGrMazWUsYsetrnHatQZVLJH7LsgCjtMqdzgj/**))
/0/*,/1/*
bc1qrgc6p3kylfztu06ysl752gwwuekhvtfh9vr7zg43jvu60mutamcsv948ej
"""
# The plaintext of its STANDARD-encryption record, and its 1-of-2 record made of bare public keys.
BIP129_SECOND = """BSMS 1.0
wsh(sortedmulti(2,[b7868815/48'/0'/0'/2']xpub6FA5rfxJc94K1kNtxRby1hoHwi7YDyTWwx1KUR3FwskaF6HzCbZMz3zQwGnCqdiFeMTPV3YneTGS2YQPiuNYsSvtggWWMQpEJD4jXU7ZzEh/**,[eedff89a/48'/0'/0'/2']xpub6EhJvMneoLWAf8cuyLBLQiKiwh89RAmqXEqYeFuaCEHdHwxSRfzLrUxKXEBap7nZSHAYP7Jfq6gZmucotNzpMQ9Sb1nTqerqW8hrtmx6Y6o/**))
/0/*,/1/*
bc1qhs4u273g4azq7kqqpe6vh5wfhasfmrq7nheyzsnq77humd7rwtkqagvakf
"""
BIP129_PUBKEYS = """BSMS 1.0
wsh(sortedmulti(1,[59865f44/48'/0'/0'/2']026d15412460ba0d881c21837bb999233896085a9ed4e5445bd637c10e579768ba,[b7044ca6/48'/0'/0'/2']030baf0497ab406ff50cb48b4013abac8a0338758d2fd54cd934927afa57cc2062))#rzx9dffd
No path restrictions
bc1quqy523xu3l8che3s8vja8n33qtg0uyugr9l5z092s3wa50p8t7rqy6zumf
"""


@pytest.mark.parametrize("record", [BIP129_RECORD, BIP129_SECOND], ids=["no-encryption", "standard"])
def test_bip129_vectors_verify_their_first_address(record: str) -> None:
    wallet = parse_wallet(record)
    assert (wallet.m, wallet.n, wallet.script_type, wallet.network) == (2, 2, ScriptType.P2WSH, "main")
    assert wallet.address(0, 0) == record.strip().splitlines()[-1]


def test_bsms_record_with_a_changed_first_address_is_refused() -> None:
    other_address = BIP129_SECOND.strip().splitlines()[-1]
    tampered = "\n".join([*BIP129_RECORD.strip().splitlines()[:3], other_address])
    with pytest.raises(DescriptorError, match=r"first address .* is not the descriptor's first address"):
        parse_wallet(tampered)
    # a key swapped for another (the attack the first address is there to catch)
    second_key = BIP129_SECOND.splitlines()[1].split(",")[2]
    swapped = BIP129_RECORD.replace(BIP129_RECORD.splitlines()[1].split(",")[2], second_key)
    assert swapped != BIP129_RECORD
    with pytest.raises(DescriptorError, match="first address"):
        parse_wallet(swapped)


def test_bsms_template_with_a_character_descriptors_cannot_hold_is_refused_by_name() -> None:
    from embit.descriptor.checksum import checksum

    lines = BIP129_RECORD.splitlines()
    template = lines[1][:40] + "\u202e" + lines[1][40:]
    record = "\n".join([lines[0], f"{template}#{checksum(lines[1])}", *lines[2:]])
    with pytest.raises(
        DescriptorError, match=r"no descriptor can contain: '\\u202e' \(U\+202E\), character 41;"
    ):
        parse_wallet(record)


# The first bytes (MAC, then ciphertext) of BIP-129's encrypted my_multisig_wallet.dat.
ENCRYPTED_RECORD_START = "734ce791b466861945e1ef6f74c63faec590793de54831f0036b28d08714b71a273cad18a5e1eff37"


@pytest.mark.parametrize(
    ("record", "match"),
    [
        (BIP129_PUBKEYS, "must be written \\[fingerprint/path\\]xpub"),
        (BIP129_RECORD.replace("sortedmulti", "multi"), "sortedmulti"),
        (BIP129_RECORD.replace("/0/*,/1/*", "/0/*"), "only /0/\\*,/1/\\*"),
        (BIP129_RECORD.replace("/0/*,/1/*", "No path restrictions"), "only /0/\\*,/1/\\*"),
        (BIP129_RECORD.replace("BSMS 1.0", "BSMS 2.0"), "version 'BSMS 2.0'"),
        ("\n".join(BIP129_RECORD.splitlines()[:3]), "4 lines"),
        (ENCRYPTED_RECORD_START, "encrypted"),
    ],
    ids=[
        "bare-pubkeys",
        "unsorted",
        "receive-only",
        "template-without-restrictions",
        "version",
        "three-lines",
        "encrypted",
    ],
)
def test_bsms_records_we_cannot_fully_use_are_refused(record: str, match: str) -> None:
    with pytest.raises(DescriptorError, match=match):
        parse_wallet(record)


def test_bsms_record_for_a_test_seed_registers() -> None:
    keys = keys_for("p2sh-p2wsh")
    record = bsms_record(keys, 2, first_address("p2sh-p2wsh"), "p2sh-p2wsh")
    wallet = register_multisig(record, BtcKeys.from_seed(mnemonic_to_seed(ABANDON), "test"))
    assert wallet.descriptor == parse_wallet(descriptor(keys, 2, "p2sh-p2wsh")).descriptor


def test_wallet_of_other_seeds_is_not_registered_whatever_the_format() -> None:
    keys = [cosigner(m) for m in (LEGAL, LETTER, ZOO24)]
    for text in (specter_json(keys, 2), caravan_json(keys, 2), bsms_record(keys, 2, "tb1qxx")):
        with pytest.raises((NotACosigner, DescriptorError), match=r"not one of the cosigners|first address"):
            register_multisig(text, BtcKeys.from_seed(mnemonic_to_seed(ABANDON), "test"))
