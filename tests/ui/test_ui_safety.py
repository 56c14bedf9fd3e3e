"""Safety of the device UI against the ways a person (or a flaky input backend) can slip:

- a danger review is accepted only by a real 3 s hold of KEY1, timed as the input backends send
  it (HOLD events at the tracker's own thresholds, 1 s and 2.5 s), never by a hold that began
  before the review was read or before the review appeared, a release or repeat carrying a long
  held time, a press whose release never came, or a hold broken by another key;
- a refused Ethereum request cannot be signed by any KEY1 use;
- auto-lock cannot be held off forever by a QR code that never completes, and also fires while a
  seed is being entered with nothing unlocked (stateless use);
- the camera preview of a SeedQR scan is never captured.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_driver import ABANDON, FrameCamera, make_session, qr_images, start, unlocked
from ui_txbuilders import (
    ABANDON_ETH,
    MAX,
    RECIPIENT,
    SPENDER,
    USDC,
    approve_data,
    btc_psbt,
    btc_psbt_without_previous_tx,
    check_btc_signature,
    eip1559,
    eth_sign_request,
    recover_eth_signer,
)

from app.person import Driver, collect_qr, decode_frames
from app.wiring import to_input
from hardware.input.scripted import script
from ui.events import Input, Key, Kind


def danger_review(tmp_path: Path) -> tuple[Driver, bytes]:
    """The device showing an unlimited USDC approval (a danger), every page already read."""
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    unsigned = eip1559(USDC, 0, approve_data(SPENDER, MAX))
    camera.show(qr_images(eth_sign_request(unsigned), ur_type="eth-sign-request"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    assert d.content().extra["needs_hold"] and d.content().extra["can_approve"], d.text()
    for _ in range(d.content().extra["pages"]):
        d.press(Key.DOWN)
    assert d.content().extra["seen_all"]
    return d, unsigned


def replay(d: Driver, *steps: str) -> None:
    """Feed the events the input backends make for ``steps`` at their own times, then let the
    device run a few seconds (as the wiring does: one event, then a tick)."""
    start = d.now
    for event in script(*steps):
        d.tick_until(start + event.at)
        d.app.handle(to_input(event))
        d.tick()
    d.tick(60)
    d.settle()


def still_reviewing(d: Driver) -> bool:
    return d.title.startswith("Ethereum") and d.content().extra.get("needs_hold") is True


def test_a_real_three_second_hold_signs(tmp_path: Path) -> None:
    d, unsigned = danger_review(tmp_path)
    replay(d, "hold KEY1 for 3.2 s")
    assert d.title == "Signature", d.text()
    payload = decode_frames(collect_qr(d))
    assert recover_eth_signer(unsigned, payload.obj.signature) == ABANDON_ETH


@pytest.mark.parametrize(
    "steps",
    [
        ("hold KEY1 for 2.8 s",),
        ("press KEY1", "wait 5 s"),
        ("hold KEY1 for 2 s", "hold KEY1 for 2 s"),  # two short holds do not add up
        ("down KEY1", "wait 1.5 s", "press UP", "wait 3 s", "up KEY1"),  # another key breaks the hold
    ],
)
def test_anything_short_of_a_three_second_hold_does_not_sign(tmp_path: Path, steps: tuple[str, ...]) -> None:
    d, _ = danger_review(tmp_path)
    replay(d, *steps)
    assert still_reviewing(d), d.text()


def test_hold_begun_before_the_last_page_was_read_does_not_sign(tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    camera.show(
        qr_images(eth_sign_request(eip1559(USDC, 0, approve_data(SPENDER, MAX))), ur_type="eth-sign-request")
    )
    d.choose("Scan")
    d.tick(12)
    d.settle()
    pages = d.content().extra["pages"]
    assert pages > 1
    # KEY1 goes down on page 1 ("read page 2 first"); the pages are turned while it stays down
    steps = ["down KEY1", "wait 0.2 s", *["press DOWN", "wait 0.1 s"] * pages, "wait 5 s", "up KEY1"]
    replay(d, *steps)
    assert d.content().extra["seen_all"] and still_reviewing(d), d.text()


def test_hold_carried_over_from_before_the_review_does_not_sign(tmp_path: Path) -> None:
    d, _ = danger_review(tmp_path)
    for held in (1.0, 2.5, 3.0, 6.0):  # HOLD reports of a press this screen never saw
        d.tick_until(d.now + 1.0)
        d.app.handle(Input(Key.KEY1, Kind.HOLD, held))
    d.tick(80)
    assert still_reviewing(d) and "release KEY1" in d.content().extra["note"]


@pytest.mark.parametrize("kind", [Kind.RELEASE, Kind.REPEAT])
def test_release_or_repeat_with_a_long_held_time_does_not_sign(tmp_path: Path, kind: Kind) -> None:
    d, _ = danger_review(tmp_path)
    d.press(Key.KEY1, kind, 10.0)
    d.tick(80)
    assert still_reviewing(d)


def test_press_whose_release_never_comes_does_not_sign_without_hold_reports(tmp_path: Path) -> None:
    d, _ = danger_review(tmp_path)
    d.press(Key.KEY1)  # a lost release, e.g. the emulator window losing focus: no HOLD reports follow
    d.tick(100, dt=0.05)
    assert still_reviewing(d)
    assert d.content().extra["hold"] == 1.0  # the bar is full, yet nothing was signed


def test_bitcoin_input_without_its_previous_tx_is_signed_only_after_a_long_hold(tmp_path: Path) -> None:
    """Issue 9.8 on the device: the fee risk is explained in plain words, a press does not sign, a
    3 s hold of KEY1 does, and the signature is valid for the amount shown."""
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    raw, pubkey = btc_psbt_without_previous_tx()
    camera.show(qr_images(raw, ur_type="crypto-psbt"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    content = d.content()
    assert content.title.startswith("Bitcoin") and "missing-utxo" in content.extra["codes"], d.text()
    assert content.extra["needs_hold"] and content.extra["can_approve"]
    danger = [m for severity, m in content.warnings if severity == "danger"]
    assert len(danger) == 1 and "cannot check its amount" in danger[0] and "larger fee" in danger[0]
    assert "cannot check its amount" in " ".join(content.lines)  # on the screen, not only in the model
    for _ in range(content.extra["pages"]):
        d.press(Key.DOWN)
    d.press(Key.KEY1)
    d.tick(80)
    assert d.title.startswith("Bitcoin") and "hold KEY1" in d.content().extra["note"]
    replay(d, "hold KEY1 for 3.2 s")
    assert d.title == "Signed PSBT", d.text()
    check_btc_signature(decode_frames(collect_qr(d)).data, pubkey)


def eth_request_for_another_address() -> bytes:
    """An eth-sign-request naming an address that m/44'/60'/0'/0/0 of the seed does not derive."""
    import cbor2

    path = cbor2.CBORTag(304, {1: [44, True, 60, True, 0, True, 0, False, 0, False], 2: 0x73C5DA0A})
    return cbor2.dumps(
        {
            1: cbor2.CBORTag(37, bytes(16)),
            2: eip1559(RECIPIENT, 10**16),
            3: 4,
            4: 1,
            5: path,
            6: RECIPIENT,
            7: "metamask",
        }
    )


def test_refused_eth_request_cannot_be_signed_by_any_key_use(tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    camera.show(qr_images(eth_request_for_another_address(), ur_type="eth-sign-request"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    content = d.content()
    assert content.title.startswith("Ethereum") and not content.extra["can_approve"], d.text()
    assert "address-mismatch" in content.extra["codes"] or any(
        "cannot sign" in m for _, m in content.warnings
    )
    for _ in range(content.extra["pages"]):
        d.press(Key.DOWN)
    d.press(Key.KEY1)
    assert d.content().extra["note"] == "this cannot be signed"
    replay(d, "hold KEY1 for 4 s")
    d.press(Key.KEY1, Kind.HOLD, 10.0)
    d.tick(80)
    assert d.title.startswith("Ethereum") and not d.content().extra["can_approve"]


# -- auto-lock ----------------------------------------------------------------------------------
def test_a_qr_that_never_completes_does_not_hold_off_auto_lock(tmp_path: Path) -> None:
    camera = FrameCamera()
    session, d = unlocked(tmp_path, camera=camera)
    session.set_setting("auto_lock_s", 60)
    raw, _ = btc_psbt()
    frames = qr_images(raw, ur_type="crypto-psbt", density=0)
    assert len(frames) > 2
    camera.show(frames[:1])  # one frame of an animation, frozen (a paused screen, a print-out)
    d.choose("Scan")
    d.tick(5)
    assert d.content().extra["format"] == "ur"  # a partial animated QR is being collected
    d.tick(200, dt=1.0)
    assert not session.active and d.title == "Airlock"


def test_a_scan_that_keeps_progressing_is_not_cut_short(tmp_path: Path) -> None:
    camera = FrameCamera()
    session, d = unlocked(tmp_path, camera=camera)
    session.set_setting("auto_lock_s", 60)
    d.choose("Scan")
    d.tick(50, dt=1.0)  # idle on the scan screen for 50 s: no code in sight
    raw, _ = btc_psbt()
    camera.show(qr_images(raw, ur_type="crypto-psbt", density=0))
    for _ in range(120):  # a slow camera: one frame a second, past the 60 s auto-lock
        d.tick(1, dt=1.0)
        if not d.title.startswith("Scan"):
            break
    d.settle()
    assert session.active and d.title.startswith("Bitcoin"), d.text()


def test_auto_lock_wipes_words_entered_for_a_temporary_seed(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    d = start(session)
    d.choose("Temporary seed")
    d.choose("Continue")
    d.choose("Enter words")
    d.choose("12 words")
    d.enter_words([*ABANDON.split()[:11], "abandon"])  # a checksum error: the words stay for editing
    d.choose("Edit words")
    assert "1. abandon" in d.content().items and not session.active
    d.tick(int(session.setting("auto_lock_s")) + 5, dt=1.0)
    assert d.title == "Welcome to Airlock"
    assert all(not getattr(screen, "words", None) for screen in d.app.stack)


# -- capture ------------------------------------------------------------------------------------
def test_seedqr_camera_preview_is_never_captured(tmp_path: Path) -> None:
    from signer.transport.frames import render_qr
    from ui.capture import blank_image, capture, should_blank

    camera = FrameCamera()
    session, d = unlocked(tmp_path, {}, camera=camera, capture_allowed=True)
    # a SeedQR of another (real) seed, just out of focus: the camera shows it, nothing decodes yet
    camera.show([render_qr("0000" * 11 + "0003").resize((30, 30))])
    d.choose("Add a seed")
    d.choose("Scan SeedQR")
    d.tick(3)
    assert d.title == "Scan SeedQR" and d.content().extra["frames"] > 0
    assert should_blank(d.app.screen, session)
    shot = capture(d.app, session)
    assert shot is not None and shot.tobytes() == blank_image().tobytes()
    d.go_home("Add a seed")
    d.choose("Scan")  # the general scan screen (a PSBT and the like) is captured as usual
    d.tick(3)
    assert not should_blank(d.app.screen, session)


# -- the vault ----------------------------------------------------------------------------------
def test_a_missing_vault_with_its_previous_copy_is_recovered_not_started_over(tmp_path: Path) -> None:
    from ui_driver import ABANDON_FP, PASSWORD, vault_with

    from signer.keys.vault import Vault

    path = vault_with(tmp_path, {"main": ABANDON}, auto_lock_s=600)  # a save after the seed's: .prev has it
    prev = path.with_name(path.name + ".prev")
    assert prev.exists()
    path.unlink()  # the current file is gone (a card fault, a mistaken rm); its .prev remains
    session = make_session(tmp_path)
    d = start(session)
    assert d.title == "Vault file missing" and "Set up a vault" not in d.content().items
    d.choose("Options")
    d.choose("Use previous copy")
    d.type_text(PASSWORD)
    assert session.vault is not None and d.title == "Vault restored", d.text()
    assert [s.fingerprint for s in session.vault.seeds] == [ABANDON_FP]
    assert Vault.open(path, PASSWORD).get("main").fingerprint == ABANDON_FP
