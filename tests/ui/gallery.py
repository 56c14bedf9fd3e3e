"""The screen gallery: every screen of the device UI as docs/gallery/<name>.png, with an index.

Refresh it after changing a screen (tests/ui/test_gallery.py fails until you do)::

    .venv/bin/python -m tests.ui.gallery

Nothing here draws a screen by hand: a scripted person (app/person.py) drives the real device app
(ui.device.build_app) with the test drivers' sessions and simulated camera, and each picture is
what a capture backend would store, taken with ``ui.capture.capture``, so every secret screen
(words, shares, a passphrase, a SeedQR, dice rolls) appears blanked exactly as on the device.

* Menus: the layout test's crawler (tests/ui/test_ui_layout.py) chooses every menu item and
  button from each start state (first start, locked, damaged vault, unlocked), to a depth of six,
  each path on a fresh device; the gallery keeps the first picture of each distinct screen.
* Flows: scripted walks through what a crawl cannot reach by menu choices alone (typing, word
  entry, scanning a PSBT, an Ethereum request, a message, a multisig wallet, an address).
* Scan statuses: the layout test's list of codes people scan, each shown on the scan screen.

It lives with the UI tests because it reuses their drivers, vault builders and crawler, and runs as
part of the suite. It is deterministic: a fixed clock (the driver's), fixed seeds (public test
mnemonics, dice rolls for a new seed), fixed request ids, and a placeholder for the code hash on
the About screen (the real one changes with every commit).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).parent))  # `python -m tests.ui.gallery`: the helpers import by name

import numpy as np
import PIL
from PIL import Image, features
from test_ui_layout import CODES_PEOPLE_SCAN, crawl
from ui_driver import ABANDON, KDF, LEGAL, Driver, FrameCamera, make_session, qr_images, start
from ui_txbuilders import (
    ABANDON_ETH,
    MAX,
    RECIPIENT,
    SPENDER,
    USDC,
    approve_data,
    btc_psbt,
    btc_psbt_burning,
    eip1559,
    eth_sign_request,
    multisig_descriptor,
)

from signer.keys.accounts import AccountSpec
from signer.keys.seed import Bip39Seed
from signer.keys.vault import Vault
from signer.netcheck import Interface
from signer.transport.frames import render_qr
from ui import about
from ui.capture import capture, should_blank
from ui.events import Input, Key, Kind
from ui.screen import Screen
from ui.screens.review import ReviewScreen
from ui.session import Session

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "docs" / "gallery"
INDEX = "index.md"
COMMAND = ".venv/bin/python -m tests.ui.gallery"
PASSWORD = "gallery pass"
SEED = "Savings"
WALLET = "Family 2-of-2"
DICE = "16253443521662534435216625344352166253443521662534"  # 50 rolls: 12 words, dice only
REQUEST_ID = bytes(range(16))
CODE_HASH = "0" * 64  # About shows this instead of the hash of the code, which every commit changes


@dataclass(frozen=True)
class Shot:
    section: str
    name: str
    title: str
    what: str
    how: str
    image: Image.Image  # what a capture stores: for a secret screen, the blank picture
    secret: bool


class Album:
    """The screens seen so far, each once.

    A secret screen is kept once per kind and title (its picture is the blank every capture stores).
    Any other screen is kept unless one with the same pixels is already in, or, for one of a
    numbered series ("Receive #7"), one with the same kind, title and choices up to that number
    (the detail of address #7 after that of address #0)."""

    def __init__(self) -> None:
        self.shots: list[Shot] = []
        self._seen: set[object] = set()

    def take(self, section: str, name: str, app: Any, session: Session, how: str) -> None:
        image = capture(app, session)
        assert image is not None, "captures must be allowed in the gallery's sessions"
        screen = app.screen
        content = screen.content()
        secret = should_blank(screen, session)
        if secret:
            keys: tuple[object, ...] = (("secret", type(screen).__name__, content.title),)
        else:
            keys = (hashlib.sha256(image.tobytes()).hexdigest(),)
            if _numbers(content.title) != content.title:  # one of a numbered series: show the first
                keys += ((type(screen).__name__, _numbers(content.title), *content.items),)
        if any(key in self._seen for key in keys):
            return
        self._seen.update(keys)
        name = slug(name)
        assert name not in {s.name for s in self.shots}, f"two gallery screens named {name}"
        self.shots.append(Shot(section, name, content.title, describe(screen), how, image, secret))


def _numbers(text: str) -> str:
    """``text`` without the numbers of a numbered series ("Receive #7" -> "Receive #")."""
    return re.sub(r"#[0-9]+", "#", text)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:90] or "screen"


def describe(screen: Screen) -> str:
    """What the screen shows, in a line; a secret screen says only that it is secret."""
    content = screen.content()
    kind = re.sub(r"(?<!^)(?=[A-Z])", " ", type(screen).__name__).lower()
    if content.secret or screen.secret:
        return f"{kind}, secret: blanked in every capture"
    parts = [*content.lines, *(m for _, m in content.warnings)]
    if isinstance(screen, ReviewScreen):
        kind = f"{kind}, page {screen.page + 1} of {len(screen.pages)}"
        parts = [line.text for line in screen.pages[screen.page]]
    if content.items and not parts:
        parts = [", ".join(content.items)]
    summary = " ".join(" ".join(parts).split())
    return f"{kind}: {summary[:140]}{'…' if len(summary) > 140 else ''}" if summary else kind


# -- the device states --------------------------------------------------------------------------
def make_vault(folder: Path) -> Path:
    """A vault with one seed (the public "abandon ... about" test mnemonic) and a 2-of-2 wallet."""
    path = folder / "device.vault"
    vault = Vault.create(path, PASSWORD, KDF)
    accounts = [AccountSpec.parse(k) for k in ("btc-84", "btc-86", "eth")]
    vault.add_seed(SEED, Bip39Seed.from_mnemonic(ABANDON), accounts)
    vault.add_multisig(SEED, WALLET, multisig_descriptor([ABANDON, LEGAL]))
    vault.lock()
    return path


def new_session(folder: Path, **kwargs: Any) -> Session:
    kwargs.setdefault("camera", FrameCamera())
    kwargs.setdefault("printer", lambda cards: None)
    return make_session(folder, capture_allowed=True, **kwargs)


def unlocked(folder: Path, **kwargs: Any) -> tuple[Session, Driver]:
    session = new_session(folder, **kwargs)
    d = start(session)
    d.choose("Unlock")
    d.type_text(PASSWORD)
    assert session.vault is not None, d.text()
    return session, d


NO_PARTITION = "the vault partition is not mounted at /var/lib/airlock"


def menus(album: Album, folder: Path) -> None:
    """Every screen a menu choice reaches, from each state the device starts in."""
    pristine = make_vault(folder).read_bytes()
    vault = folder / "device.vault"
    current: dict[str, Session] = {}

    def state(blob: bytes | None) -> None:
        """The folder holds exactly this vault file (or none): no previous copies, no leftovers."""
        for leftover in folder.iterdir():
            leftover.unlink()
        if blob is not None:
            vault.write_bytes(blob)

    def fresh(blob: bytes | None) -> Driver:
        state(blob)
        current["s"] = new_session(folder)
        return start(current["s"])

    def no_storage() -> Driver:
        state(None)
        current["s"] = new_session(folder, vault_storage_problem=NO_PARTITION)
        return start(current["s"])

    def home() -> Driver:
        state(pristine)
        current["s"], d = unlocked(folder)
        return d

    damaged = bytearray(pristine)
    damaged[90] ^= 1
    states: list[tuple[str, str, Callable[[], Driver]]] = [
        ("First start (no vault yet)", "welcome", lambda: fresh(None)),
        ("Locked", "locked", lambda: fresh(pristine)),
        ("Damaged vault", "damaged", lambda: fresh(bytes(damaged))),
        ("Vault storage unavailable", "no-storage", no_storage),
        ("Unlocked", "home", home),
    ]

    for section, prefix, new_driver in states:

        def visit(d: Driver, path: tuple[str, ...], section: str = section, prefix: str = prefix) -> None:
            how = " > ".join(path) if path else "the start screen"
            album.take(section, "-".join((prefix, *path)), d.app, current["s"], how)

        crawl(new_driver, prefix, visit)
    state(None)


# -- flows a menu crawl cannot finish --------------------------------------------------------------
def network(album: Album, folder: Path) -> None:
    for name, interfaces in (
        ("network-up", [Interface("wlan0", True, True)]),
        ("network-present", [Interface("eth0", False, False)]),
    ):
        session = new_session(folder, interfaces=interfaces)
        d = start(session)
        album.take("Start", name, d.app, session, "a network interface exists when the device starts")


def new_seed(album: Album, folder: Path) -> None:
    """Seeds > Add a seed > Create new seed, from dice rolls alone, through the check and the label."""
    make_vault(folder)
    section = "Create a seed"
    session, d = unlocked(folder)

    def shot(name: str, how: str) -> None:
        album.take(section, f"new-seed-{name}", d.app, session, how)

    for item in ("Seeds", "Add a seed", "Create new seed", "12 words", "Add dice rolls", "Dice only"):
        d.choose(item)
    d.type_text(DICE[:20], submit=False)
    shot("dice-rolls", "Seeds > Add a seed > Create new seed > 12 words > Add dice rolls > Dice only")
    d.type_text(DICE[20:])
    shot("write-down", "after 50 dice rolls")
    d.choose("Show words")
    shot("words", "Show words")
    words = d.read_secret_words()
    d.press(Key.RIGHT)
    shot("check", "after the last page of words")
    d.answer_quiz(words)
    shot("ready", "after the check")
    d.choose("Save")
    shot("label", "Save")
    for _ in range(12):
        d.press(Key.KEY1)
    d.type_text("Travel")
    shot("saved", "after typing the label")


def scan(d: Driver, camera: FrameCamera, images: list[Any]) -> None:
    camera.show(images)
    d.choose("Scan")
    d.tick(12)
    d.settle()


def review_pages(album: Album, section: str, name: str, d: Driver, session: Session, how: str) -> None:
    pages = d.content().extra.get("pages", 1)
    for page in range(pages):
        then = how if page == 0 else f"DOWN on page {page}"
        album.take(section, f"{name}-page-{page + 1}", d.app, session, then)
        d.press(Key.DOWN)


def sign_bitcoin(album: Album, folder: Path) -> None:
    make_vault(folder)
    camera = FrameCamera()
    section = "Sign: Bitcoin"
    session, d = unlocked(folder, camera=camera)
    raw, _ = btc_psbt()
    frames = qr_images(raw, ur_type="crypto-psbt", density=1)
    camera.show(frames[:2])  # the camera has seen two parts of an animated QR so far
    d.choose("Scan")
    d.tick(6)
    album.take(section, "scan-progress", d.app, session, "Scan, while an animated PSBT is read")
    camera.show(frames)
    d.tick(20)
    d.settle()
    review_pages(album, section, "psbt-review", d, session, "Scan a PSBT (UR crypto-psbt)")
    d.press(Key.KEY1)
    d.settle()
    album.take(section, "psbt-signed", d.app, session, "KEY1 after reading every page")
    d.go_home()
    scan(d, camera, qr_images(btc_psbt_burning(10_000), ur_type="crypto-psbt"))
    review_pages(album, section, "psbt-danger", d, session, "Scan a PSBT that destroys coins")
    d.app.handle(Input(Key.KEY1, Kind.PRESS))  # hold KEY1 for half of the three seconds it takes
    d.tick(20)
    d.app.handle(Input(Key.KEY1, Kind.HOLD, 1.0))
    d.tick(10)
    album.take(section, "psbt-danger-hold", d.app, session, "KEY1 held for 1.5 s on a review with a danger")
    d.release(Key.KEY1, held=1.5)
    d.go_home()
    message = "I own this address. Nonce 8c1f"
    scan(d, camera, [render_qr(f"signmessage m/84h/0h/0h/0/0 ascii:{message}", module_px=2)])
    review_pages(album, section, "message-review", d, session, "Scan Sparrow's sign-message QR")
    d.press(Key.KEY1)
    d.settle()
    album.take(section, "message-signed", d.app, session, "KEY1 after reading every page")


def sign_ethereum(album: Album, folder: Path) -> None:
    make_vault(folder)
    camera = FrameCamera()
    section = "Sign: Ethereum"
    session, d = unlocked(folder, camera=camera)
    send = eip1559(RECIPIENT, 10**17)
    scan(d, camera, qr_images(eth_sign_request(send, request_id=REQUEST_ID), ur_type="eth-sign-request"))
    review_pages(album, section, "eth-send-review", d, session, "Scan a MetaMask request to send ETH")
    d.press(Key.KEY1)
    d.settle()
    album.take(section, "eth-signed", d.app, session, "KEY1 after reading every page")
    d.go_home()
    approve = eip1559(USDC, 0, approve_data(SPENDER, MAX))
    scan(d, camera, qr_images(eth_sign_request(approve, request_id=REQUEST_ID), ur_type="eth-sign-request"))
    review_pages(album, section, "eth-approval-review", d, session, "Scan an unlimited USDC approval")
    d.press(Key.KEY2)
    d.settle()
    album.take(section, "eth-approval-limit", d.app, session, "KEY2 on an unlimited approval")


def scanned_things(album: Album, folder: Path) -> None:
    make_vault(folder)
    camera = FrameCamera()
    section = "Scan: wallets and addresses"
    session, d = unlocked(folder, camera=camera)
    descriptor = multisig_descriptor([ABANDON, " ".join(["zoo"] * 23 + ["vote"])])
    scan(d, camera, [render_qr(descriptor, module_px=2)])
    review_pages(album, section, "multisig-register", d, session, "Scan a multisig wallet descriptor")
    d.go_home()
    for name, address in (
        ("address-ours", "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"),
        ("address-not-found", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
        ("address-ours-eth", ABANDON_ETH),
    ):
        scan(d, camera, [render_qr(address, module_px=4)])
        album.take(section, name, d.app, session, "Scan an address")
        d.go_home()


def scan_statuses(album: Album, folder: Path) -> None:
    """What the scan screen says about each kind of code people scan (the layout test's list)."""
    make_vault(folder)
    camera = FrameCamera()
    session, d = unlocked(folder, camera=camera)
    for label, content in CODES_PEOPLE_SCAN:
        if isinstance(content, bytes) or not content:
            continue  # a camera reads text codes; binary and empty ones are covered by the layout test
        camera.show([render_qr(content, module_px=2)])
        d.choose("Scan")
        d.tick(12)
        d.settle()
        album.take("Scan statuses", f"scan-{label}", d.app, session, f"Scan a QR code of this kind: {label}")
        d.go_home()


FLOWS: list[Callable[[Album, Path], None]] = [
    network,
    menus,
    new_seed,
    sign_bitcoin,
    sign_ethereum,
    scanned_things,
    scan_statuses,
]


# -- writing --------------------------------------------------------------------------------------
@contextmanager
def fixed_code_hash() -> Iterator[None]:
    with mock.patch.object(about, "code_fingerprint", lambda *a: CODE_HASH):
        yield


def renderer() -> str:
    return f"Pillow {PIL.__version__}, FreeType {features.version('freetype2')}"


def shoot() -> list[Shot]:
    album = Album()
    with tempfile.TemporaryDirectory() as tmp, fixed_code_hash():
        for i, flow in enumerate(FLOWS):
            folder = Path(tmp) / f"{i}-{flow.__name__}"
            folder.mkdir()
            flow(album, folder)
    return album.shots


def save_png(image: Image.Image, path: Path) -> None:
    """A palette PNG of a few KB: exact when the frame has at most 256 colours (the blanked secret
    picture, most menus), else reduced to 64 colours, in which text still reads as on the screen."""
    image = image.convert("RGB")
    if image.getcolors(256) is None:
        image.quantize(colors=64, dither=Image.Dither.NONE).save(path, optimize=True)
        return
    rgb = np.asarray(image).astype(np.uint32)
    packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    colours, indexes = np.unique(packed, return_inverse=True)
    exact = Image.fromarray(indexes.reshape(packed.shape).astype(np.uint8), mode="P")
    exact.putpalette(np.stack([colours >> 16, colours >> 8, colours], axis=1).astype(np.uint8).tobytes())
    exact.save(path, optimize=True)


def index(shots: list[Shot]) -> str:
    lines = [
        "# Screen gallery",
        "",
        "Every screen of the device, drawn by the real UI and captured the way the device captures",
        "screens: a secret screen (words, shares, dice rolls, a passphrase or password, a SeedQR) is",
        "stored blank, whatever it shows. Generated by `tests/ui/gallery.py` (its docstring says how",
        f"each screen is reached) and checked by `tests/ui/test_gallery.py`; refresh with `{COMMAND}`.",
        "",
        f"Drawn with {renderer()}.",
    ]
    section = None
    for shot in shots:
        if shot.section != section:
            section = shot.section
            lines += ["", f"## {section}", "", "| Screen | Name, and how to reach it | What it shows |"]
            lines.append("|---|---|---|")
        what = shot.what.replace("|", "\\|")
        how = shot.how.replace("|", "\\|")
        lines.append(f"| ![{shot.name}]({shot.name}.png) | **{shot.name}**<br>{how} | {what} |")
    return "\n".join(lines) + "\n"


def write(out: Path) -> list[Shot]:
    shots = shoot()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    for shot in shots:
        save_png(shot.image, out / f"{shot.name}.png")
    (out / INDEX).write_text(index(shots))
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the screen gallery (PNGs and index.md).")
    parser.add_argument("--out", type=Path, default=GALLERY)
    args = parser.parse_args(argv)
    shots = write(args.out)
    print(f"{len(shots)} screens in {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
