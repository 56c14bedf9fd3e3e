"""Multisig on the device, as a person uses it: register a wallet from the file a coordinator shows
(Sparrow's ur:bytes text, Caravan's JSON as BBQr), check every cosigner key in full, find the wallet
by its name in the list, in the sign review and in address checks, rename and delete it; a testnet
wallet never stops the seed from signing on mainnet."""

from __future__ import annotations

import json
from pathlib import Path

from embit.bip32 import HDKey
from embit.bip39 import mnemonic_to_seed
from ui_driver import (
    ABANDON,
    LEGAL,
    PASSWORD,
    FrameCamera,
    collect_qr,
    decode_frames,
    make_session,
    qr_images,
    start,
    unlocked,
)
from ui_txbuilders import btc_psbt, multisig_descriptor, multisig_psbt

from signer.btc.multisig_records import wallet_of_record
from signer.keys.seed import Bip39Seed
from signer.keys.vault import Vault
from signer.transport.frames import render_qr
from ui.events import Key

SAVINGS = multisig_descriptor([ABANDON, LEGAL], "main")
PRACTICE = multisig_descriptor([ABANDON, LEGAL], "test")


def scan(d, camera: FrameCamera, images: list) -> None:  # type: ignore[no-untyped-def,type-arg]
    camera.show(images)
    d.choose("Scan")
    d.tick(12)
    d.settle()


def read_all_pages(d) -> None:  # type: ignore[no-untyped-def]
    for _ in range(d.content().extra["pages"]):
        d.press(Key.DOWN)
    assert d.content().extra["seen_all"]


def with_wallets(tmp_path: Path, records: list[dict[str, str]]):  # type: ignore[no-untyped-def]
    camera = FrameCamera()
    session, d = unlocked(tmp_path, camera=camera)
    assert session.vault is not None
    for record in records:
        session.vault.add_multisig("main", record["name"], record["descriptor"])
    return session, d, camera


def stored(session) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return Vault.open(session.vault_path, PASSWORD).get("main").multisig


def open_wallets(d) -> None:  # type: ignore[no-untyped-def]
    d.go_home()
    d.choose("Seeds")
    d.choose("main")
    d.choose("Multisig wallets")


def xpub(mnemonic: str, path: str) -> str:
    return HDKey.from_seed(mnemonic_to_seed(mnemonic)).derive(path).to_public().to_base58()


def test_register_from_a_sparrow_ur_bytes_export_showing_every_key_in_full(tmp_path: Path) -> None:
    camera = FrameCamera()
    session, d = unlocked(tmp_path, camera=camera)
    keys = {fp: xpub(m, "m/48h/0h/0h/2h") for fp, m in (("73C5DA0A", ABANDON), ("B8688DF1", LEGAL))}
    text = "Name: Savings\nPolicy: 2 of 2\nDerivation: m/48'/0'/0'/2'\nFormat: P2WSH\n\n"
    text += "\n".join(f"{fp}: {key}" for fp, key in keys.items())
    scan(d, camera, qr_images(text.encode(), ur_type="bytes"))  # how Sparrow shows a wallet as UR
    content = d.content()
    assert content.title.startswith("Multisig") and content.extra["headline"] == "Register Savings", d.text()
    facts = dict(content.extra["facts"])
    assert facts["Policy"] == "2 of 2, native segwit P2WSH" and facts["Network"] == "mainnet"
    first = wallet_of_record(SAVINGS).address(0, 0)
    assert facts["First address"].replace(" ", "") == first
    assert facts["Key 1 of 2 (this seed)"].split("\n")[0] == "73c5da0a m/48h/0h/0h/2h"
    shown = {v.split("\n")[1].replace(" ", "") for k, v in facts.items() if k.startswith("Key ")}
    assert shown == set(keys.values())  # whole keys, never cut
    read_all_pages(d)
    d.press(Key.KEY1)
    d.settle()
    assert d.title == "Registered" and "Savings is registered for main" in d.content().extra["body"]
    assert stored(session) == [
        {"name": "Savings", "descriptor": wallet_of_record(SAVINGS).descriptor, "fingerprint": "73c5da0a"}
    ]


def test_register_a_caravan_file_shown_as_bbqr(tmp_path: Path) -> None:
    camera = FrameCamera()
    session, d = unlocked(tmp_path, camera=camera)
    caravan = {
        "name": "Caravan vault",
        "addressType": "P2WSH",
        "network": "mainnet",
        "client": {"type": "public"},
        "quorum": {"requiredSigners": 2, "totalSigners": 2},
        "extendedPublicKeys": [
            {
                "name": "Airlock",
                "bip32Path": "m/48'/0'/0'/2'",
                "xpub": xpub(ABANDON, "m/48h/0h/0h/2h"),
                "xfp": "73c5da0a",
                "method": "text",
            },
            {"name": "Typed in", "bip32Path": "Unknown", "xpub": xpub(LEGAL, "m/48h/0h/0h/2h")},
        ],
        "startingAddressIndex": 0,
    }
    scan(d, camera, qr_images(json.dumps(caravan).encode(), ur_type="J", fmt="bbqr"))
    content = d.content()
    assert content.extra.get("headline") == "Register Caravan vault", d.text()
    facts = dict(content.extra["facts"])
    assert facts["Key 2 of 2"].startswith("origin unknown\n")
    read_all_pages(d)
    d.press(Key.KEY1)
    d.settle()
    assert [m["name"] for m in stored(session)] == ["Caravan vault"]


def test_wallet_screens_name_the_wallet_show_the_cosigners_and_rename_and_delete(tmp_path: Path) -> None:
    records = [{"name": "Savings", "descriptor": SAVINGS}, {"name": "Practice", "descriptor": PRACTICE}]
    session, d, _ = with_wallets(tmp_path, records)
    open_wallets(d)
    content = d.content()
    assert content.items == ["Savings", "Practice", "Register (scan)"]
    assert content.extra["details"][:2] == ["2 of 2, mainnet", "2 of 2, testnet"]
    d.choose("Savings")
    assert d.title == "Savings" and d.content().lines == ["2 of 2, mainnet"]
    d.choose("Cosigners")
    assert d.title == "Key 1 of 2 (this seed)"
    body = d.content().extra["body"]
    assert body.startswith("Fingerprint 73c5 da0a\nPath m/48h/0h/0h/2h\n")
    assert len(d.content().lines) <= d.app.screen.visible_lines()  # the whole key on one page, no scrolling
    assert body.split("\n")[-1].replace(" ", "") == xpub(ABANDON, "m/48h/0h/0h/2h")
    d.choose("Next key")
    assert d.title == "Key 2 of 2" and d.content().items == ["Done"]
    assert d.content().extra["body"].split("\n")[-1].replace(" ", "") == xpub(LEGAL, "m/48h/0h/0h/2h")
    d.choose("Done")
    assert d.title == "Savings"
    d.choose("Rename")
    for _ in range(len("Savings")):
        d.press(Key.KEY1)  # delete what is there
    d.type_text("Cold")
    assert d.title == "Cold"  # the same wallet, under its new name
    assert [m["name"] for m in stored(session)] == ["Cold", "Practice"]
    d.choose("Delete")
    assert d.title == "Delete wallet" and d.content().selected == 1  # "No" first
    d.choose("Delete")
    assert d.title == "Deleted" and "Cold is no longer registered for main" in d.content().extra["body"]
    assert [m["name"] for m in stored(session)] == ["Practice"]


def test_an_unreadable_record_explains_itself_and_can_be_deleted(tmp_path: Path) -> None:
    session, d, _ = with_wallets(tmp_path, [{"name": "Broken", "descriptor": "wsh(sortedmulti(2,x))"}])
    open_wallets(d)
    assert d.content().extra["details"][0] == "unreadable"
    d.choose("Broken")
    assert d.content().items == ["Why", "Rename", "Delete"]
    d.choose("Why")
    assert d.title == "Unreadable" and "base58check" in d.text()
    d.choose("OK")
    d.choose("Delete")
    d.choose("Delete")
    assert d.title == "Deleted" and stored(session) == []


def test_sign_review_names_the_wallet_and_a_testnet_wallet_stops_nothing(tmp_path: Path) -> None:
    records = [{"name": "Practice", "descriptor": PRACTICE}, {"name": "Savings", "descriptor": SAVINGS}]
    _, d, camera = with_wallets(tmp_path, records)
    raw, _ = btc_psbt()  # single-sig mainnet: the testnet wallet registered first must not matter
    scan(d, camera, qr_images(raw, ur_type="crypto-psbt"))
    assert d.title.startswith("Bitcoin") and d.content().extra["can_approve"], d.text()
    assert "Wallet" not in dict(d.content().extra["facts"])
    d.press(Key.KEY3)
    d.go_home()
    raw, ours = multisig_psbt(SAVINGS)
    scan(d, camera, qr_images(raw, ur_type="crypto-psbt"))
    content = d.content()
    assert content.title.startswith("Bitcoin") and content.extra["can_approve"], d.text()
    facts = dict(content.extra["facts"])
    assert facts["Wallet"] == "Savings" and "(output 1)" in " ".join(facts)
    read_all_pages(d)
    d.press(Key.KEY1)
    d.settle()
    assert d.title == "Signed PSBT"
    from embit.psbt import PSBT

    signed = PSBT.parse(decode_frames(collect_qr(d)).data)
    assert ours in {k.sec() for k in signed.inputs[0].partial_sigs}


def test_address_check_names_the_registered_wallet(tmp_path: Path) -> None:
    records = [{"name": "Practice", "descriptor": PRACTICE}, {"name": "Savings", "descriptor": SAVINGS}]
    _, d, camera = with_wallets(tmp_path, records)
    for descriptor, name in ((SAVINGS, "Savings"), (PRACTICE, "Practice")):
        address = wallet_of_record(descriptor).address(0, 3)
        scan(d, camera, [render_qr(address.upper(), module_px=3)])
        assert d.title == "Address is ours", d.text()
        body = d.content().extra["body"]
        assert f"Account: multisig wallet '{name}'" in body and "Receive address #3" in body
        d.choose("OK")


def test_a_temporary_seed_keeps_its_wallets_in_memory(tmp_path: Path) -> None:
    camera = FrameCamera()
    session = make_session(tmp_path, camera=camera)
    entry = session.set_temp_seed(Bip39Seed.from_mnemonic(ABANDON))
    d = start(session)
    scan(d, camera, [render_qr(SAVINGS, module_px=3)])
    assert d.content().extra.get("headline") == "Register 2 of 2 multisig", d.text()
    read_all_pages(d)
    d.press(Key.KEY1)
    d.settle()
    assert d.title == "Registered" and [m["name"] for m in entry.multisig] == ["2 of 2 multisig"]
    d.choose("OK")
    d.go_home()
    d.choose("Seeds")
    d.choose("Temporary seed")
    d.choose("Multisig wallets")
    d.choose("2 of 2 multisig")
    d.choose("Rename")
    for _ in range(len("2 of 2 multisig")):
        d.press(Key.KEY1)
    d.type_text("Trip")
    assert d.title == "Trip" and entry.multisig[0]["name"] == "Trip"
    d.choose("Delete")
    d.choose("Delete")
    assert d.title == "Deleted" and entry.multisig == [] and not (tmp_path / "device.vault").exists()
