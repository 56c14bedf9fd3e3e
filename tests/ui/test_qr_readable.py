"""Every QR frame the device pushes to its display reads back as its exact text, captioned or not.

The QR screen runs in the device loop (``app.wiring.Runner``) on a virtual clock and pushes its
frames to the headless display: first with its caption and status bars (the first seconds, or after
a key press), then without. Each pushed 240x240 image is decoded as it is, and as a camera a little
farther away sees it (``camera_sim``'s "small" view, where a code whose quiet zone or finder rows
are covered stops reading). At the densest setting a big code has no smaller readable module size
to make room for the caption, so the caption is shown instead of the code, never over it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from transport.camera_sim import camera_view

from app.wiring import Devices, Runner
from hardware.display.headless import CaptureDisplay
from hardware.display.sim_panel import VirtualClock
from signer.transport.frames import decode_qr_image
from ui import exports
from ui.app import App
from ui.events import Input, Key, Kind
from ui.screens.qr import QrDisplay
from ui.session import Session

PSBT_1900 = (bytes(range(256)) * 8)[:1900]  # the size of a signed two-input PSBT
SHORT = b"\x70\x73\x62\x74\xff" + bytes(range(40))  # fits one frame at every density
FRAME_MS = 250  # the slowest speeds but one: fewer captioned frames to decode, the same drawing
PAYLOADS = {"animated": PSBT_1900, "single": SHORT}
ENCODERS: dict[str, Callable[[bytes], exports.Encoder]] = {
    "UR": lambda data: exports.bytes_encoder(data, "crypto-psbt"),
    "BBQr": lambda data: exports.bbqr_encoder(data, "P"),
}


class IdleButtons:
    """Buttons nobody presses: a poll waits its whole timeout on the virtual clock."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock

    def poll(self, timeout: float | None = 0.0) -> None:
        self.clock.sleep(timeout or 0.0)

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Pushed:
    image: Any
    captioned: bool
    text: str


def pushed_frames(screen: QrDisplay, tmp_path: Path, uncaptioned: int = 3) -> list[Pushed]:
    """The frames the device loop pushes to the display, captioned ones first, then ``uncaptioned``."""
    clock = VirtualClock()
    display = CaptureDisplay()
    pushed: list[Pushed] = []

    def on_frame(_app: Any, _frame: Any) -> None:
        assert screen.frames is not None and display.last_frame is not None
        text = screen.frames.texts[screen.index % len(screen.frames)]
        pushed.append(Pushed(display.last_frame, screen.show_caption, text))

    devices = Devices(display, IdleButtons(clock))
    runner = Runner(App(screen), Session(tmp_path / "vault"), devices, clock.now, on_frame)
    runner.draw()
    wanted = uncaptioned if screen.frames is not None and len(screen.frames) > 1 else 1
    while sum(not p.captioned for p in pushed) < wanted:
        runner.step()
    return pushed


def read(image: Any, seed: int) -> tuple[list[bytes], list[bytes]]:
    """What the decoder reads from the screen image itself, and from a camera's "small" view of it."""
    return decode_qr_image(image), decode_qr_image(camera_view(image, "small", np.random.default_rng(seed)))


@pytest.mark.parametrize("density", [0, 1, 2, 3])
@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize("fmt", sorted(ENCODERS))
def test_every_pushed_frame_reads_back_exactly_captioned_or_not(
    fmt: str, payload: str, density: int, tmp_path: Path
) -> None:
    screen = QrDisplay(
        "Signed PSBT", [(fmt, ENCODERS[fmt](PAYLOADS[payload]))], density=density, frame_ms=FRAME_MS
    )
    assert screen.frames is not None, screen.error
    pushed = pushed_frames(screen, tmp_path)
    assert any(p.captioned for p in pushed) and any(not p.captioned for p in pushed)
    for number, frame in enumerate(pushed):
        direct, camera = read(frame.image, number)
        if frame.captioned and screen.caption_hides_code:
            assert (direct, camera) == ([], []), f"frame {number}: a caption card must show no code"
            continue
        expected = [frame.text.encode()]
        assert direct == expected, f"frame {number} (captioned={frame.captioned}) unreadable on screen"
        assert camera == expected, f"frame {number} (captioned={frame.captioned}) unreadable by a camera"


@pytest.mark.parametrize("fmt", sorted(ENCODERS))
def test_only_the_densest_big_code_gives_its_screen_to_the_caption(fmt: str) -> None:
    """The caption shares the screen with the code (drawn smaller) wherever a readable size exists."""
    hides = {}
    for payload, data in PAYLOADS.items():
        for density in range(4):
            screen = QrDisplay("Signed PSBT", [(fmt, ENCODERS[fmt](data))], density=density)
            hides[payload, density] = screen.caption_hides_code
    assert [key for key, hidden in hides.items() if hidden] == [("animated", 3)]


def test_key1_brings_back_a_caption_that_never_covers_the_code(tmp_path: Path) -> None:
    screen = QrDisplay("Signed PSBT", [("UR", ENCODERS["UR"](PSBT_1900))], density=1, frame_ms=FRAME_MS)
    pushed = pushed_frames(screen, tmp_path, uncaptioned=1)
    assert not pushed[-1].captioned
    screen.on_input(Input(Key.KEY1, Kind.PRESS))
    assert screen.show_caption
    assert screen.frames is not None
    image = screen.render()
    direct, camera = read(image, 1)
    expected = [screen.frames.texts[screen.index].encode()]
    assert direct == expected and camera == expected


# --- the other screens that show a QR code ------------------------------------------------------

ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
LEGAL = "legal winner thank year wave sausage worth useful legal winner thank yellow"
ZOO_24 = " ".join(["zoo"] * 23 + ["vote"])


def _seed(words: str) -> bytes:
    from signer.keys.seed import Bip39Seed

    return Bip39Seed.from_mnemonic(words).bip32_seed()


def _cosigner(words: str) -> str:
    from embit.bip32 import HDKey

    key = HDKey.from_seed(_seed(words))
    return f"[{key.my_fingerprint.hex()}/48h/0h/0h/2h]{key.derive('m/48h/0h/0h/2h').to_public()}/<0;1>/*"


def _other_screens(session: Session) -> dict[str, Callable[[], QrDisplay]]:
    """Each QR screen as its flow builds it, for the abandon seed's accounts."""
    from signer.keys import kef_mnemonic
    from signer.keys.accounts import AccountSpec, derive_account
    from signer.keys.seed import Bip39Seed
    from ui.flows import krux
    from ui.flows.export import qr_screen

    seed = _seed(ABANDON)
    btc = derive_account(seed, AccountSpec("btc-84"))
    eth = derive_account(seed, AccountSpec("eth"))
    multisig = f"wsh(sortedmulti(2,{_cosigner(ABANDON)},{_cosigner(LEGAL)}))"

    def address(value: str) -> QrDisplay:
        return qr_screen(session, "Address", [("text", exports.text_encoder(exports.address_qr_text(value)))])

    def krux_qr() -> QrDisplay:
        blob = kef_mnemonic.export_mnemonic(Bip39Seed.from_mnemonic(ABANDON), "a long password", "73c5da0a")
        return krux.shown(session, blob, "73c5da0a")

    return {
        "btc address": lambda: address(btc.address(0, 0)),  # type: ignore[union-attr]
        "eth address": lambda: address(eth.address(0)),  # type: ignore[union-attr]
        "descriptor": lambda: qr_screen(
            session, "Descriptor", [("text", exports.text_encoder(btc.descriptor))]
        ),  # type: ignore[union-attr,arg-type]
        "multisig descriptor": lambda: qr_screen(
            session, "Family", [("text", exports.text_encoder(multisig))]
        ),
        "account UR": lambda: qr_screen(
            session, "Account", [("UR", exports.ur_encoder(exports.btc_account_ur(btc)))]
        ),  # type: ignore[arg-type]
        "output UR": lambda: qr_screen(
            session, "Output", [("UR", exports.ur_encoder(exports.btc_output_ur(btc)))]
        ),  # type: ignore[arg-type]
        "MetaMask UR": lambda: qr_screen(
            session, "MetaMask", [("UR", exports.ur_encoder(exports.eth_metamask_ur(seed)))]
        ),
        "Krux encrypted QR": krux_qr,
    }


@pytest.mark.parametrize("density", [0, 1, 2, 3])
@pytest.mark.parametrize(
    "kind",
    [
        "btc address",
        "eth address",
        "descriptor",
        "multisig descriptor",
        "account UR",
        "output UR",
        "MetaMask UR",
        "Krux encrypted QR",
    ],
)
def test_every_other_qr_screen_reads_back_exactly_captioned_or_not(
    kind: str, density: int, tmp_path: Path
) -> None:
    session = Session(tmp_path / "vault")
    session.set_setting("qr_density", density)
    session.set_setting("qr_frame_ms", FRAME_MS)
    screen = _other_screens(session)[kind]()
    assert screen.frames is not None, screen.error
    pushed = pushed_frames(screen, tmp_path)
    for number, frame in enumerate(pushed):
        direct, camera = read(frame.image, number)
        if frame.captioned and screen.caption_hides_code:
            assert (direct, camera) == ([], [])
            continue
        expected = [frame.text.encode()]
        assert direct == expected, f"frame {number} (captioned={frame.captioned}) unreadable on screen"
        assert camera == expected, f"frame {number} (captioned={frame.captioned}) unreadable by a camera"


@pytest.mark.parametrize("words", [ABANDON, ZOO_24])
@pytest.mark.parametrize("fmt", ["standard", "compact"])
def test_the_seedqr_screen_reads_back_exactly(words: str, fmt: str) -> None:
    from functools import partial

    from signer.keys import reveal
    from signer.keys.seed import Bip39Seed
    from ui.screens.secret_qr import SecretQr

    material = Bip39Seed.from_mnemonic(words)
    kind = reveal.SeedQrFormat(fmt)
    screen = SecretQr(
        "SeedQR",
        [(fmt, partial(reveal.seedqr_image, material, kind, canvas_px=240))],
        secret_fingerprint=None,
    )
    screen.on_input(Input(Key.PRESS, Kind.PRESS))
    assert screen.revealed
    content = reveal.seedqr_content(material, kind)
    expected = [content.encode() if isinstance(content, str) else content]
    direct, camera = read(screen.render(), 5)
    assert direct == expected and camera == expected
