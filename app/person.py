"""A scripted person for the device UI: joystick moves, presses, key holds and a clock.

Everything goes through ``App.handle`` / ``App.tick`` with ``Input`` events; the helpers only read
``content()`` to decide which moves to make (which key of the keyboard is under the cursor, which
menu item is selected), exactly as a person reads the screen. The UI tests and ``make demo`` use it.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from embit.bip32 import HDKey
from embit.bip39 import mnemonic_to_seed
from embit.hashes import hash160
from embit.psbt import PSBT, DerivationPath
from embit.script import Script
from embit.transaction import Transaction, TransactionInput, TransactionOutput
from PIL import Image

from signer.chains.scanning import new_assembler
from signer.derivation import HARDENED
from signer.transport.frames import decode_qr_image, encode_frames
from ui.app import App
from ui.events import Input, Key, Kind
from ui.screen import Content
from ui.screens.message import Message


class FrameCamera:
    """A camera that shows the given images one after another, looping (None: no image)."""

    def __init__(self, images: Sequence[Any] = ()) -> None:
        self.images = list(images)
        self.calls = 0

    def show(self, images: Iterable[Any]) -> None:
        self.images = list(images)
        self.calls = 0

    def __call__(self) -> Any:
        if not self.images:
            return None
        image = self.images[self.calls % len(self.images)]
        self.calls += 1
        return image


class Driver:
    def __init__(self, app: App, start: float = 1000.0, on_step: Callable[[App], None] | None = None) -> None:
        self.app = app
        self.now = start
        self.on_step = on_step  # called after every tick (the demo records screens with it)
        self.app.tick(self.now)

    # -- time and raw input ---------------------------------------------------------------
    def tick(self, n: int = 1, dt: float = 0.05) -> None:
        for _ in range(n):
            self.now += dt
            self.app.tick(self.now)
            if self.on_step is not None:
                self.on_step(self.app)

    def press(self, key: str | Key, kind: Kind = Kind.PRESS, held: float = 0.0) -> None:
        self.app.handle(Input(Key(key), kind, held))
        self.tick()

    def release(self, key: str | Key, held: float = 0.1) -> None:
        self.press(key, Kind.RELEASE, held)

    def hold(self, key: str | Key, seconds: float, dt: float = 0.05) -> None:
        """Press, keep the key down for ``seconds`` while the clock runs (a HOLD report every half
        second, as an input layer sends them), then release."""
        start = self.now
        self.app.handle(Input(Key(key), Kind.PRESS))
        held = 0.5
        while held <= seconds + 1e-9:
            self.tick_until(start + held, dt)
            self.app.handle(Input(Key(key), Kind.HOLD, held))
            held += 0.5
        self.tick_until(start + seconds, dt)
        self.app.handle(Input(Key(key), Kind.RELEASE, seconds))
        self.tick()

    def tick_until(self, when: float, dt: float = 0.05) -> None:
        while self.now + 1e-9 < when:
            self.tick(1, min(dt, when - self.now))

    def settle(self, limit: int = 50) -> None:
        """Tick until no "please wait" screen is showing."""
        for _ in range(limit):
            if not self.content().extra.get("working"):
                return
            self.app.frame()
            self.tick()
        raise AssertionError("still working after many ticks")

    def go_home(self, home_item: str = "Scan", limit: int = 10) -> None:
        """Press back (KEY3) until the home menu shows."""
        for _ in range(limit):
            if home_item in self.content().items:
                return
            self.press(Key.KEY3)
        raise AssertionError(f"not back home: {self.title!r}")

    # -- reading --------------------------------------------------------------------------
    def content(self) -> Content:
        return self.app.content()

    @property
    def title(self) -> str:
        return self.content().title

    def text(self) -> str:
        c = self.content()
        return "\n".join([c.title, *c.lines, *(m for _, m in c.warnings), *c.items])

    def frame(self) -> Image.Image:
        return self.app.frame()

    # -- menus ----------------------------------------------------------------------------
    def choose(self, label: str) -> None:
        """Move to the menu item or button starting with ``label`` and select it."""
        items = self.content().items
        matches = [i for i, item in enumerate(items) if item == label] or [
            i for i, item in enumerate(items) if item.startswith(label)
        ]
        assert matches, f"{label!r} not in {items} on {self.title!r}"
        target = matches[0]
        horizontal = self._is_message()
        for _ in range(len(items) + 1):
            if self.content().selected == target:
                break
            self.press(Key.RIGHT if horizontal else Key.DOWN)
        assert self.content().selected == target, f"could not reach {label!r}"
        self.press(Key.PRESS)
        self.settle()

    def _is_message(self) -> bool:
        return isinstance(self.app.screen, Message)

    def back_to(self, title: str) -> None:
        """KEY3 until the screen titled ``title`` shows."""
        for _ in range(12):
            if self.title == title:
                return
            self.press(Key.KEY3)
        raise AssertionError(f"never got back to {title!r}")

    # -- keyboards ------------------------------------------------------------------------
    def _key_position(self, label: str) -> tuple[int, int] | None:
        rows = self.content().extra["keys"]
        for r, row in enumerate(rows):
            for c, key in enumerate(row):
                if key == label:
                    return r, c
        return None

    def _go_to_key(self, label: str) -> None:
        extra = self.content().extra
        position = self._key_position(label)
        if position is None:  # switch pages until the key is there
            for _ in range(len(extra["modes"])):
                self.press(Key.KEY2)
                position = self._key_position(label)
                if position is not None:
                    break
        assert position is not None, f"no key {label!r}"
        for _ in range(12):
            row = self.content().extra["cursor"][0]
            if row == position[0]:
                break
            self.press(Key.DOWN if row < position[0] else Key.UP)
        for _ in range(12):
            col = self.content().extra["cursor"][1]
            if col == position[1]:
                break
            self.press(Key.RIGHT if col < position[1] else Key.LEFT)
        assert tuple(self.content().extra["cursor"]) == position

    def type_text(self, value: str, submit: bool = True) -> None:
        for char in value:
            self._go_to_key("space" if char == " " else char)
            self.press(Key.PRESS)
        if submit:
            self._go_to_key("OK")
            self.press(Key.PRESS)
            self.settle()

    # -- word entry -----------------------------------------------------------------------
    def enter_word(self, word: str) -> None:
        before = self.content().extra["entered"]
        title = self.title
        for letter in word:
            index = string.ascii_lowercase.index(letter)
            target = divmod(index, 6)
            for _ in range(8):
                if self.content().extra["cursor"][0] == target[0]:
                    break
                self.press(Key.DOWN)
            for _ in range(8):
                if self.content().extra["cursor"][1] == target[1]:
                    break
                self.press(Key.LEFT if self.content().extra["cursor"][1] > target[1] else Key.RIGHT)
            self.press(Key.PRESS)
            if self._word_taken(before, title):
                return
        self.press(Key.KEY2)  # into the list of matching words
        items = self.content().items
        for _ in range(len(items)):
            selected = self.content().selected
            if selected is not None and items[selected] == word:
                break
            self.press(Key.DOWN)
        self.press(Key.PRESS)
        assert self._word_taken(before, title), f"word {word!r} was not taken"

    def _word_taken(self, before: int, title: str) -> bool:
        extra = self.content().extra
        if "entered" not in extra:
            return True  # the entry finished and another screen is showing
        return extra["entered"] != before or self.title != title

    def enter_words(self, words: Sequence[str]) -> None:
        for word in words:
            self.enter_word(word)
        self.settle()

    # -- secret words ---------------------------------------------------------------------
    def read_secret_words(self) -> list[str]:
        """Hold PRESS on every page and note the words shown (as a person writes them down)."""
        words: list[str] = []
        pages = self.content().extra["pages"]
        for page in range(pages):
            assert self.content().extra["page"] == page
            assert self.content().lines == [], "words visible without holding the key"
            self.press(Key.PRESS)
            words += [line.split(". ", 1)[1] for line in self.content().lines]
            self.release(Key.PRESS)
            if page < pages - 1:
                self.press(Key.RIGHT)
        return words

    def answer_quiz(self, words: Sequence[str]) -> None:
        while "position" in self.content().extra:
            position = self.content().extra["position"]
            self.choose(words[position - 1])


def qr_images(
    data: bytes, *, ur_type: str | None = "bytes", fmt: str = "ur", density: int = 2
) -> list[Any]:
    """Camera images of ``data`` as the companion would show them (UR or BBQr frames)."""
    if fmt == "bbqr":
        frames = encode_frames(data, format="bbqr", bbqr_type=ur_type or "B", density=density)
    else:
        frames = encode_frames(data, format="ur", ur_type=ur_type or "bytes", density=density)
    return [frames.image(i) for i in range(len(frames))]


def decode_frames(images: Iterable[Image.Image]) -> Any:
    """Read frames shown on the device's screen back through the transport assembler."""
    assembler = new_assembler()
    for image in images:
        for content in decode_qr_image(image):
            assembler.add(content)
        if assembler.is_complete:
            return assembler.result
    raise AssertionError(f"QR frames incomplete: {assembler.status.describe()}")


def collect_qr(driver: Driver, frames: int | None = None) -> list[Image.Image]:
    """The QR frames the device shows over one animation cycle (caption hidden first)."""
    extra = driver.content().extra
    count = frames or len(extra["texts"])
    images = []
    driver.tick(int(2.5 / 0.05))  # let the caption bar disappear
    seen: set[int] = set()
    for _ in range(count * 20):
        index = driver.content().extra["index"]
        if index not in seen:
            seen.add(index)
            images.append(driver.frame())
        if len(seen) == count:
            break
        driver.tick()
    return images


SPEND_IN, SEND, CHANGE = 100_000, 60_000, 39_000  # the demo PSBT: fee 1,000 sats
EXTERNAL_SPK = bytes.fromhex("0014") + bytes(range(20))


def _path(text: str) -> list[int]:
    return [int(p[:-1]) + HARDENED if p.endswith("h") else int(p) for p in text.split("/")[1:]]


def demo_psbt(mnemonic: str) -> tuple[bytes, bytes]:
    """A PSBT spending one P2WPKH coin of m/84h/0h/0h/0/0: 0.0006 out, change to .../1/0, fee 1000 sats.

    Returns (psbt bytes, public key of the input)."""
    root = HDKey.from_seed(mnemonic_to_seed(mnemonic))
    fp = root.my_fingerprint
    in_path, change_path = "m/84h/0h/0h/0/0", "m/84h/0h/0h/1/0"
    in_pub = root.derive(in_path).key.get_public_key()
    change_pub = root.derive(change_path).key.get_public_key()
    in_spk = b"\x00\x14" + hash160(in_pub.sec())
    change_spk = b"\x00\x14" + hash160(change_pub.sec())
    funding = Transaction(
        vin=[TransactionInput(bytes(32), 0)], vout=[TransactionOutput(SPEND_IN, Script(in_spk))]
    )
    tx = Transaction(
        vin=[TransactionInput(funding.txid(), 0, sequence=0xFFFFFFFD)],
        vout=[TransactionOutput(SEND, Script(EXTERNAL_SPK)), TransactionOutput(CHANGE, Script(change_spk))],
    )
    psbt = PSBT(tx)
    psbt.inputs[0].non_witness_utxo = funding
    psbt.inputs[0].witness_utxo = funding.vout[0]
    psbt.inputs[0].bip32_derivations[in_pub] = DerivationPath(fp, _path(in_path))
    psbt.outputs[1].bip32_derivations[change_pub] = DerivationPath(fp, _path(change_path))
    return psbt.serialize(), in_pub.sec()
