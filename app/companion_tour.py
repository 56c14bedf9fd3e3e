"""``make demo``'s companion tour: the device and the companion pass one payment back and forth by QR.

On a throw-away regtest node (Bitcoin Knots' bitcoind from .tools/), headless:

1. the device (the real UI, driven as a person would) shows its account export as an animated QR;
   its screen frames play into the companion page's camera (Chromium's fake camera, a Y4M video) and
   the page imports the wallet;
2. the node mines 101 blocks to the wallet's first address; the page syncs (compact block filters);
3. the page builds a payment (its send form: address, amount, fee rate) and shows the device's review
   and the handover QR; screenshots of that QR element, taken as the page cycles its frames, are the
   device camera's pictures; the device reviews, signs, and shows the signed PSBT as an animated QR;
4. the device's signed screen frames become the fake camera's video, the page opens again with it
   (the fake camera is chosen when Chromium starts), scans them, checks the signatures and
   broadcasts; a block is mined, and the page, asked to check, shows the payment confirmed.

Every picture of both sides lands in ``demo-out/companion/``, numbered in order and named by side
(``device-`` or ``page-``). Every process it starts (bitcoind, the web server, chromium) is stopped
on the way out, also on failure or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from app.demo_seed import DEMO_LABEL, DEMO_MNEMONIC, DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
WALLET = "demo"
PAY_SATS = 2_500_000
FEE_RATE = 2
VIDEO_W, VIDEO_H, VIDEO_FPS, VIDEO_FRAMES_PER_QR = 640, 480, 10, 3
PAGE_TIMEOUT_MS = 120_000
ALBUM_HANDOVER_FRAMES = 2  # of the page's handover QR captures (all are in companion-files/)
COMPANION_MODULES = ("bdkpython", "starlette", "uvicorn", "python_multipart", "playwright")


def missing() -> str | None:
    """Why the companion tour cannot run here, with the one command that fixes it; None when it can."""
    from companion.demo_node import bitcoind_missing

    absent = [m for m in COMPANION_MODULES if not _importable(m)]
    if absent:
        return f"{', '.join(absent)} not installed: run `scripts/bootstrap.sh demo`"
    reason = bitcoind_missing()
    if reason:
        return f"{reason} (scripts/fetch-bitcoind.sh fetches it)"
    if not CHROMIUM.is_file():
        return "no chromium for the page: run `sudo apt-get install -y chromium`"
    return None


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


class Album:
    """Numbered pictures of both sides in one folder: ``07-device-bitcoin-1-3.png``; a later tour's
    album numbers on from the pictures already there."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.count = len(self.pictures())

    def path(self, side: str, name: str) -> Path:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "picture"
        return self.folder / f"{self.count:02d}-{side}-{slug}.png"

    def add(self, side: str, name: str, image: Image.Image) -> Path:
        target = self.path(side, name)
        image.save(target)
        return target

    def pictures(self) -> list[Path]:
        return sorted(self.folder.glob("*.png"))


# -- the device ------------------------------------------------------------------------------------
class Device:
    """The device emulator's UI on a demo vault holding the DEMO seed with ``accounts`` (its regtest
    account unless told), driven by a scripted person; its camera shows the frames it is given, each
    screen it reaches goes to the album."""

    def __init__(
        self, folder: Path, album: Album, window: Any = None, accounts: Sequence[tuple[str, str]] = ()
    ) -> None:
        from app.person import Driver, FrameCamera
        from signer import netcheck
        from signer.keys.accounts import AccountSpec
        from signer.keys.seed import Bip39Seed
        from signer.keys.vault import Vault
        from ui.device import build_app
        from ui.session import Session

        folder.mkdir(parents=True, exist_ok=True)
        vault_path = folder / "device.airlock"
        vault = Vault.create(vault_path, DEMO_PASSWORD)
        specs = [AccountSpec.parse(kind, network) for kind, network in accounts or [("btc-84", "regtest")]]
        vault.add_seed(DEMO_LABEL, Bip39Seed.from_mnemonic(DEMO_MNEMONIC), specs, demo=True)
        vault.lock()
        self.label, self.password = DEMO_LABEL, DEMO_PASSWORD
        self.album = album
        self.camera = FrameCamera()
        self.session = Session(vault_path, camera=self.camera, capture_allowed=True,
                               interfaces=netcheck.interfaces())  # fmt: skip
        self._last: tuple[int, str] | None = None
        self.recording = False
        self.window = window  # with a desktop: the emulator window mirrors the screen
        self.d = Driver(build_app(self.session), on_step=self._record)

    def _record(self, app: Any) -> None:
        from ui.capture import capture

        if self.window is not None:
            self.window.show(app.frame())
        content = app.content()
        key = (id(app.screen), content.title)
        if not self.recording or key == self._last:
            return
        self._last = key
        image = capture(app, self.session)
        if image is not None:
            self.album.add("device", content.title, image)

    def unlock(self) -> None:
        if "I understand" in self.d.content().items:  # this computer has a network: the device warns
            self.d.choose("I understand")
        self.d.choose("Unlock")
        self.d.type_text(self.password)

    def export_account(self, wallet: str = "Sparrow, Nunchuk, Specter") -> list[Image.Image]:
        """Seeds > the DEMO seed > Export accounts > its (first) account > the format ``wallet`` reads:
        the QR frames shown."""
        from app.person import collect_qr

        self.recording = True
        self.d.choose("Seeds")
        self.d.choose(self.label)
        self.d.choose("Export accounts")
        self.d.choose(self.d.content().items[0])
        self.d.choose(wallet)
        frames = collect_qr(self.d)
        self.recording = False
        self.d.go_home()
        return frames

    def sign(self, handover: Sequence[Image.Image]) -> tuple[str, list[Image.Image]]:
        """Scan the handover QR, page through the review, sign: (the review's headline, signed frames)."""
        from app.person import collect_qr
        from ui.events import Key

        self.recording = True
        self.d.go_home()  # from the last signature's QR, as a person goes back before the next scan
        self.camera.show(handover)
        self.d.choose("Scan")
        for _ in range(40 * max(1, len(handover))):
            self.d.tick()
            if self.d.title != "Scan" and not self.d.content().extra.get("working"):
                break
        self.d.settle()
        if self.d.title.startswith("Sign with"):
            self.d.choose(self.label)
        content = self.d.content()
        headline = str(content.extra.get("headline", ""))
        if not headline:
            raise TourError(f"the device did not show a review but {self.d.title!r}: {content.lines[:2]}")
        for _ in range(content.extra.get("pages", 1)):
            self.d.press(Key.DOWN)
        if content.extra.get("needs_hold"):  # a danger warning: KEY1 held down, as the screen asks
            self.d.hold(Key.KEY1, 3.0)
        else:
            self.d.press(Key.KEY1)  # sign
        self.d.settle()
        if "texts" not in self.d.content().extra:
            raise TourError(f"the device did not sign; it shows {self.d.title!r}")
        frames = collect_qr(self.d)
        self.recording = False
        return headline, frames


class TourError(Exception):
    """A step of the tour went wrong (one line)."""


# -- the page ----------------------------------------------------------------------------------------
def write_y4m(frames: Sequence[Image.Image], path: Path) -> None:
    """Chromium's fake camera video: each screen frame twice its size, centred, for 0.3 s, looping."""
    import numpy as np

    side = VIDEO_H
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{VIDEO_W} H{VIDEO_H} F{VIDEO_FPS}:1 Ip A1:1 C420jpeg\n".encode())
        chroma = bytes([128]) * (VIDEO_W // 2) * (VIDEO_H // 2) * 2
        left = (VIDEO_W - side) // 2
        for frame in frames:
            screen = np.asarray(frame.convert("L").resize((side, side), Image.Resampling.NEAREST))
            luma = np.full((VIDEO_H, VIDEO_W), 255, dtype=np.uint8)
            luma[:, left : left + side] = screen
            for _ in range(VIDEO_FRAMES_PER_QR):
                out.write(b"FRAME\n" + luma.tobytes() + chroma)


@contextlib.contextmanager
def browser_page(url: str, video: Path, headed: bool) -> Iterator[Any]:
    """Debian's chromium with its fake camera playing ``video``, on the page's address; closed after."""
    from playwright.sync_api import sync_playwright

    args = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=not headed, args=args)
        try:
            page = browser.new_context(viewport={"width": 900, "height": 1000}).new_page()
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            page.goto(url)  # the printed address: its token becomes a cookie
            yield page
        finally:
            browser.close()


def page_shot(page: Any, album: Album, name: str) -> Path:
    target = album.path("page", name)
    page.screenshot(path=str(target), full_page=True)
    return target


def import_by_camera(page: Any, album: Album, node_url: str) -> None:
    page.click("text=Import a wallet")
    page.fill("#name", WALLET)
    page.select_option("#network", "regtest")
    page.fill("#node", node_url)
    page.click("#camera-start")
    page.wait_for_selector("#camera-status[data-done='1']")
    page_shot(page, album, "import-scanned")
    page.click("#import")
    page.wait_for_url(f"**/wallet/{WALLET}?imported=1")
    page_shot(page, album, "wallet-imported")


def sync_on_page(page: Any, album: Album, name: str) -> None:
    page.click("#sync")
    page.wait_for_url(f"**/wallet/{WALLET}?synced=1")
    page_shot(page, album, name)


# -- sending on the page ----------------------------------------------------------------------------
def handover(page: Any, album: Album, to: str, folder: Path) -> tuple[str, list[Image.Image]]:
    """Fill the page's send form, review, and capture its handover QR as it cycles.

    The captures are screenshots of the QR element on the page (what a camera pointed at the screen
    sees), kept until every frame the page cycles through was caught once; all go to ``folder``, the
    first two to the album too: (the txid, the captures)."""
    page.fill("#send-to", to)
    page.fill("#send-amount", str(PAY_SATS))
    page.fill("#send-fee-rate", str(FEE_RATE))
    page.click("#send")
    page.wait_for_selector("#handover-qr, #error")
    if page.locator("#error").count():
        raise TourError(f"the page did not build the payment: {page.inner_text('#error')}")
    txid = page.url.rsplit("/", 1)[1]
    page_shot(page, album, "send-review")
    return txid, capture_handover(page, album, folder)


def capture_handover(
    page: Any, album: Album, folder: Path, name: str = "handover-qr", keep: int = ALBUM_HANDOVER_FRAMES
) -> list[Image.Image]:
    """Screenshots of the page's ``#handover-qr`` as it cycles, until every frame was caught once: to
    ``folder``, the first ``keep`` to the album too (as ``name``)."""
    from signer.transport.frames import decode_qr_image

    qr = page.locator("#handover-qr")
    count = int(qr.get_attribute("data-count") or 0)
    captures: dict[bytes, Image.Image] = {}
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while len(captures) < count:
        if time.monotonic() > deadline:
            raise TourError(f"caught {len(captures)} of the page's {count} handover frames")
        shot = Image.open(io.BytesIO(qr.screenshot())).convert("RGB")
        codes = decode_qr_image(shot)
        if len(codes) == 1 and codes[0] not in captures:
            captures[codes[0]] = shot
    folder.mkdir(parents=True, exist_ok=True)
    for i, shot in enumerate(captures.values()):
        shot.save(folder / f"capture-{i + 1:02d}.png")
        if i < keep:
            album.add("page", f"{name}-{i + 1}", shot)
    return list(captures.values())


def broadcast(page: Any, album: Album, origin: str, txid: str) -> None:
    """On the payment's handover page: scan the device's signed QR with the camera, check, Broadcast."""
    page.goto(f"{origin}/wallet/{WALLET}/send/{txid}")
    page.click("#signed-camera-start")
    page.wait_for_selector("#signed-state, #error")
    if page.locator("#error").count():
        raise TourError(f"the page refused the signed copy: {page.inner_text('#error')}")
    if page.get_attribute("#signed-state", "data-ready") != "1":
        raise TourError(f"the signed copy is not ready: {page.inner_text('#signed-state')}")
    page_shot(page, album, "signed-checked")
    page.click("#broadcast")
    page.wait_for_selector("#tx-state, #error")
    if page.locator("#error").count():
        raise TourError(f"the page did not broadcast: {page.inner_text('#error')}")
    page_shot(page, album, "broadcast-pending")


def in_mempool(node: Any, txid: str, seconds: float = 30.0) -> bool:
    """Whether the node has ``txid`` in its mempool within ``seconds`` (the broadcast goes by P2P)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if txid in node.rpc("getrawmempool"):
            return True
        time.sleep(0.2)
    return False


# -- the tour ----------------------------------------------------------------------------------------
@dataclass
class Result:
    txid: str
    confirmations: int
    block_height: int
    pictures: list[Path]
    seconds: float


def run(out: Path, window: Any = None) -> Result:
    """The whole tour into ``out/companion/``; stops everything it started, also on failure.

    With ``window`` (an emulator window: there is a desktop) the device's screen shows there and the
    page in a Chromium window; without, both run headless."""
    from companion.demo_node import DemoNode
    from companion.web.server import WebServer

    started = time.monotonic()
    work = out / "companion-files"
    album = Album(out / "companion")

    def say(text: str) -> None:
        print(f"  {text}", flush=True)

    with contextlib.ExitStack() as stack:
        node = stack.enter_context(DemoNode())  # in a temporary folder, removed after
        say(f"bitcoind -regtest on 127.0.0.1:{node.rpc_port} (RPC) and :{node.p2p_port} (P2P, block filters)")
        datadir = work / "companion-data"
        server = stack.enter_context(WebServer(datadir))
        say(f"the companion's page on {server.origin}")

        device = Device(work / "device", album, window)
        device.unlock()
        export = device.export_account()
        video = work / "device-export.y4m"
        write_y4m(export, video)
        say(f"the device shows its regtest account as an animated QR ({len(export)} frames)")
        browser = stack.enter_context(contextlib.ExitStack())  # the browser, relaunched below
        page = browser.enter_context(browser_page(server.url, video, headed=window is not None))
        import_by_camera(page, album, node.cbf_url)
        address = page.inner_text("#address").replace(" ", "")
        say(f"the page read it with the camera and imported wallet '{WALLET}'; first address {address}")

        node.mine(101, address)
        sync_on_page(page, album, "wallet-synced")
        balance = " ".join(page.inner_text("#balance").split())
        say(f"mined 101 blocks to it; the page synced: {balance}")

        to = node.miner()
        txid, captures = handover(page, album, to, work / "handover-captures")
        say(f"the page built a payment of {PAY_SATS} sats; its handover QR captured ({len(captures)} frames)")
        headline, signed = device.sign(captures)
        say(f"the device read it, showed '{headline}', signed, shows the signed QR ({len(signed)} frames)")

        signed_video = work / "device-signed.y4m"
        write_y4m(signed, signed_video)
        browser.close()  # the fake camera is chosen at launch: the page opens again with the signed video
        page = browser.enter_context(browser_page(server.url, signed_video, headed=window is not None))
        broadcast(page, album, server.origin, txid)
        if not in_mempool(node, txid):
            raise TourError(f"the page broadcast {txid} but the node never received it")
        say(f"the page read the device's screen with the camera and broadcast {txid}")
        block = node.mine(1)[0]
        tx = node.rpc("getrawtransaction", txid, True)
        if tx.get("blockhash") != block:
            raise TourError(f"{txid} is not in the block just mined")
        page.click("#tx-check")  # the page asks the companion, which syncs
        page.wait_for_selector("#tx-state[data-state='confirmed']")
        page_shot(page, album, "payment-confirmed")
        page.goto(f"{server.origin}/wallet/{WALLET}")
        page_shot(page, album, "wallet-paid")
        height = node.height()
        confirmations = int(tx.get("confirmations", 0))
        say(f"mined block {height}: the payment is confirmed, the page shows ({confirmations} confirmation)")
        return Result(txid, confirmations, height, album.pictures(),
                      time.monotonic() - started)  # fmt: skip
    raise AssertionError("unreachable")  # pragma: no cover
