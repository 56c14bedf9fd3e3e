"""``make demo``: Airlock on built-in defaults, with a clearly marked DEMO seed in a temporary vault.

With a desktop (and pygame) it opens the emulator window preloaded with the demo seed; the camera
plays an animated PSBT for the demo seed's own account, to every Scan. Without one (or when the
window cannot open, e.g. a DISPLAY nobody answers on) it runs a scripted tour through
the real UI — create and store a seed, lock and unlock, scan the animated PSBT, review, sign, show
the signed animated QR, decode it — writing every screen as PNG (secret screens of non-demo seeds
blanked, as on any capture) and the signed QR as an animated GIF to ``demo-out/``.

The demo seed is the public test mnemonic "abandon ... about": never put funds on it.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from embit.psbt import PSBT

from app.demo_seed import DEMO_LABEL, DEMO_MNEMONIC, DEMO_PASSWORD
from app.device import run_device
from app.person import Driver, FrameCamera, collect_qr, decode_frames, demo_psbt, qr_images
from hardware.errors import BackendUnavailable
from signer import netcheck
from signer.derivation import HARDENED
from signer.keys.accounts import AccountSpec
from signer.keys.seed import Bip39Seed
from signer.keys.vault import Vault
from ui.capture import capture
from ui.device import build_app
from ui.events import Key
from ui.session import Session

DICE = "16253443521662534435216625344352166253443521662534"  # 50 rolls: enough for 12 words
EMULATOR_FRAMES_LOOP = True  # the emulator's camera plays the PSBT to every Scan, not only the first


def prepare(out: Path, clean: bool = True) -> tuple[Path, list[Any]]:
    """A fresh demo-out/ with a vault holding the demo seed, and the camera frames of a PSBT for it."""
    if clean:
        shutil.rmtree(out, ignore_errors=True)
    (out / "screens").mkdir(parents=True, exist_ok=True)
    vault_path = out / "demo.airlock"
    vault = Vault.create(vault_path, DEMO_PASSWORD)
    vault.add_seed(
        DEMO_LABEL,
        Bip39Seed.from_mnemonic(DEMO_MNEMONIC),
        [AccountSpec.parse("btc-84"), AccountSpec.parse("eth")],
        demo=True,
    )
    vault.lock()
    psbt, _ = demo_psbt(DEMO_MNEMONIC)
    images = qr_images(psbt, ur_type="crypto-psbt")
    camera_dir = out / "camera"
    camera_dir.mkdir()
    for i, image in enumerate(images):
        image.save(camera_dir / f"psbt-{i:03d}.png")
    return vault_path, images


class Recorder:
    """Writes a PNG of each screen the tour reaches (capture rules apply: secrets blanked)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.count = folder, 0
        self.last: tuple[int, str] | None = None

    def __call__(self, app: Any, session: Any) -> None:
        content = app.content()
        key = (id(app.screen), content.title)  # one picture per screen, not per cursor move
        if key == self.last:
            return
        self.last = key
        image = capture(app, session)
        if image is None:
            return
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", content.title.lower()).strip("-")[:40] or "screen"
        image.save(self.folder / f"{self.count:03d}-{slug}.png")


def tour(out: Path) -> int:
    vault_path, psbt_frames = prepare(out)
    camera = FrameCamera()
    session = Session(vault_path, camera=camera, capture_allowed=True, interfaces=netcheck.interfaces())
    record = Recorder(out / "screens")
    d = Driver(build_app(session), on_step=lambda app: record(app, session))
    record(d.app, session)

    def say(text: str) -> None:
        print(f"  {text}", flush=True)

    print("Airlock scripted tour (the DEMO seed is the public 'abandon ... about' mnemonic)")
    if "I understand" in d.content().items:  # "Network detected" or "Network hardware found"
        say("this machine has network interfaces: the device warns first (a real Airlock has none)")
        d.choose("I understand")
    say("unlock the vault that holds the DEMO seed")
    d.choose("Unlock")
    d.type_text(DEMO_PASSWORD)

    say("create and store a new 12-word seed with 50 dice rolls mixed in")
    d.choose("Seeds")
    d.choose("Add a seed")
    d.choose("Create new seed")
    d.choose("12 words")
    d.choose("Add dice rolls")
    d.choose("Mix with device random")
    d.type_text(DICE)
    d.choose("Show words")
    words = d.read_secret_words()
    d.press(Key.RIGHT)
    d.answer_quiz(words)
    d.choose("Save")
    for _ in range(12):
        d.press(Key.KEY1)
    d.type_text("Tour seed")
    say(f"stored 'Tour seed' ({len(words)} words; its word screens are blanked in the PNGs)")
    d.go_home()

    say("lock, then unlock again")
    d.choose("Lock")
    d.choose("Unlock")
    d.type_text(DEMO_PASSWORD)

    say("scan an animated PSBT (UR crypto-psbt) spending from the DEMO seed's BIP-84 account")
    camera.show(psbt_frames)
    d.choose("Scan")
    d.tick(12)
    d.settle()
    if d.title.startswith("Sign with"):
        d.choose(DEMO_LABEL)
    facts = dict(d.content().extra.get("facts", []))
    say(f"review: {d.content().extra.get('headline')}, fee {facts.get('Fee', '?')}")
    for _ in range(d.content().extra.get("pages", 1)):
        d.press(Key.DOWN)
    d.press(Key.KEY1)
    d.settle()
    say(f"signed; the device shows the result as an animated QR ({d.title})")
    images = collect_qr(d)
    gif = out / "signed-psbt.gif"
    frame_ms = session.setting("qr_frame_ms")
    images[0].save(gif, save_all=True, append_images=images[1:], duration=frame_ms, loop=0)
    payload = decode_frames(images)
    print_signed(payload.data)
    print(f"\n{record.count} screens in {out / 'screens'}/, the signed QR as {gif}")
    return 0


def print_signed(psbt: bytes) -> None:

    parsed = PSBT.parse(psbt)
    for i, inp in enumerate(parsed.inputs):
        for pub, origin in inp.bip32_derivations.items():
            path = "".join(f"/{x - HARDENED}h" if x >= HARDENED else f"/{x}" for x in origin.derivation)
            state = "signed" if pub in inp.partial_sigs else "NOT signed"
            print(f"  input {i}: {state} by key {origin.fingerprint.hex()}{path}")
    print(f"  decoded from the QR frames: {base64.b64encode(psbt).decode()[:60]}...")


def companion(out: Path, window: Any = None) -> int:
    """The companion tour (app/companion_tour.py) after the device's, then its Ethereum leg
    (app/companion_eth_tour.py); each says why when it cannot run, and runs without the other."""
    from app import companion_eth_tour, companion_tour

    print("\nAirlock and its companion on a regtest node: one payment from import to confirmation")
    status = _leg(companion_tour, "companion tour", out, window)
    print("\nAirlock and its companion on anvil: risky token approvals found, revoked, gone")
    return _leg(companion_eth_tour, "Ethereum leg", out, window) or status


def _leg(module: Any, name: str, out: Path, window: Any) -> int:
    reason = module.missing()
    if reason:
        print(f"  skipped: {reason}")
        return 0
    try:
        result = module.run(out, window)
    except Exception as exc:  # one line; every process it started is already stopped
        first = (str(exc).splitlines() or [""])[0]
        print(f"The {name} stopped: {type(exc).__name__}: {first}", file=sys.stderr)
        return 1
    print(f"\n{len(result.pictures)} pictures of both sides in {out / 'companion'}/ "
          f"(the {name} took {result.seconds:.0f} s)")  # fmt: skip
    return 0


def headless(out: Path) -> int:
    return tour(out) or companion(out)


def emulator(out: Path, clean: bool = True) -> int:
    vault_path, _ = prepare(out, clean)
    print("Airlock emulator with the DEMO seed (never fund it).")
    print(f"  vault password: {DEMO_PASSWORD!r}")
    print("  keys: arrows = joystick, Enter = press, 1/2/3 = KEY1-KEY3 (also clickable)")
    print(f"  Scan shows the camera: it plays {out / 'camera'}/ (an animated PSBT for the DEMO seed)")
    return run_device(
        vault_path,
        {"display": "emulator", "input": "keyboard", "camera": "frames"},
        frames=out / "camera",
        frames_loop=EMULATOR_FRAMES_LOOP,
    )


def has_desktop() -> bool:
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    if os.environ.get("SDL_VIDEODRIVER") == "dummy":
        return False
    import importlib.util

    return importlib.util.find_spec("pygame") is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("demo-out"))
    parser.add_argument("--tour", action="store_true", help="the scripted tour even with a desktop")
    args = parser.parse_args(argv)
    if args.tour or not has_desktop():
        return headless(args.out)

    from hardware.display.emulator import EmulatorWindow

    try:  # the companion tour mirrors the device's screen in this window, the page in Chromium's
        window = EmulatorWindow(title="Airlock (emulator): the companion tour")
    except BackendUnavailable as exc:  # a DISPLAY nobody answers on: the tour still shows Airlock
        print(f"The emulator window cannot open ({exc}); running the scripted tour instead.\n")
        return headless(args.out)
    shutil.rmtree(args.out, ignore_errors=True)
    try:
        status = companion(args.out, window)
    finally:
        window.close()
    try:
        return emulator(args.out, clean=False) or status
    except BackendUnavailable as exc:
        print(f"The emulator window cannot open ({exc}); running the scripted tour instead.\n")
        return tour(args.out)


if __name__ == "__main__":
    sys.exit(main())
