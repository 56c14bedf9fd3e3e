"""Every screen, drawn with the longest labels it can get, keeps its text on the 240x240 screen,
draws only characters the font has, and never lets two pieces of text overlap.

Screens reached through menus are found by crawling the menus from each root (a fresh device per
path, so actions along one path cannot affect another); the rest are built directly with extreme
content (the widest words, 40-character labels, long warnings)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ui_driver import ABANDON, KDF, LEGAL, PASSWORD, Driver, FrameCamera, make_session, start
from ui_txbuilders import multisig_descriptor

from signer.keys import bip39, slip39
from signer.keys.accounts import AccountSpec
from signer.keys.seed import Bip39Seed
from signer.keys.vault import MAX_LABEL, MAX_WALLET_NAME, Vault
from signer.netcheck import Interface, exposure
from signer.review import ReviewWarning, Severity
from ui import text, theme
from ui.screen import Screen, footer_top
from ui.screens.camera import CameraCapture
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message
from ui.screens.pickers import Checklist, NumberPicker
from ui.screens.quiz import WordQuiz
from ui.screens.review import ReviewModel, ReviewScreen
from ui.screens.scan import KIND_NAMES, ScanScreen, wrong_kind_text
from ui.screens.secret_words import SecretWords
from ui.screens.words import WordEntry

LONG_LABEL = "W" * MAX_LABEL
MAX_DEPTH = 6


def widest(words: tuple[str, ...], size: int = theme.LARGE) -> str:
    return max(words, key=lambda w: text.width(w, size))


def check_screen(screen: Screen, where: str) -> None:
    screen.render()
    problems = []
    boxes = []
    for drawn in screen.drawn:
        x0, y0, x1, y1 = drawn.box
        if x0 < 0 or y0 < 0 or x1 > theme.WIDTH or y1 > theme.HEIGHT:
            problems.append(f"{drawn.text!r} at {drawn.box} runs off the screen")
        missing = text.missing_glyphs(drawn.text)
        if missing:
            problems.append(f"{drawn.text!r} uses characters the font lacks: {sorted(missing)}")
        if y0 >= footer_top() - 1 and drawn.text.endswith("…"):
            problems.append(f"key hint or status {drawn.text!r} is cut")
        if isinstance(screen, ReviewScreen | ScanScreen | CameraCapture) and "…" in drawn.text:
            problems.append(f"review text or scan status {drawn.text!r} is cut")
        boxes.append(drawn)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if _overlap(a.box, b.box):
                problems.append(f"{a.text!r} overlaps {b.text!r}")
    assert not problems, f"{where}: " + "; ".join(problems)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


# -- crawling the menus -----------------------------------------------------------------------
SKIP = {"Lock", "Next 10", "Previous 10", "I understand"}


def crawl(
    new_driver: Callable[[], Driver],
    label: str,
    visit: Callable[[Driver, tuple[str, ...]], None] | None = None,
) -> int:
    """Visit every screen reachable by menu choices (depth-limited); return how many were checked.

    Each screen is checked for layout, or handed to ``visit`` with the choices that reach it (the
    screen gallery, tests/ui/gallery.py, draws them)."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    checked = 0
    queue: list[tuple[str, ...]] = [()]
    while queue:
        path = queue.pop(0)
        d = new_driver()
        for step in path:
            d.choose(step)
        screen = d.app.screen
        content = screen.content()
        key = (content.title, tuple(content.items))
        if key in seen:
            continue
        seen.add(key)
        if visit is None:
            check_screen(screen, f"{label} {' > '.join(path) or 'root'}")
        else:
            visit(d, path)
        checked += 1
        if len(path) < MAX_DEPTH and isinstance(screen, Menu | Message):
            queue += [(*path, item) for item in content.items if item not in SKIP]
    return checked


def _vault(tmp_path: Path) -> Path:
    path = tmp_path / "device.vault"
    if not path.exists():
        vault = Vault.create(path, PASSWORD, KDF)
        accounts = [AccountSpec.parse(k) for k in ("btc-84", "btc-86", "btc-49", "btc-44", "btc-48-2", "eth")]
        accounts.append(AccountSpec.parse("btc-84", "regtest", 99))
        vault.add_seed(LONG_LABEL, Bip39Seed.from_mnemonic(ABANDON), accounts)
        # a multisig wallet with the longest name, and a record that cannot be read
        vault.add_multisig(LONG_LABEL, "W" * MAX_WALLET_NAME, multisig_descriptor([ABANDON, LEGAL], "test"))
        vault.add_multisig(LONG_LABEL, "M" * MAX_WALLET_NAME, "wsh(sortedmulti(1,x))")
        vault.update_settings(device={"networks": ["main", "test", "signet", "regtest"]})
        vault.lock()
    return path


def test_crawl_unlocked_device(tmp_path: Path) -> None:
    pristine = _vault(tmp_path).read_bytes()

    def new_driver() -> Driver:
        (tmp_path / "device.vault").write_bytes(pristine)  # what one path changed, the next does not see
        session = make_session(
            tmp_path,
            camera=FrameCamera(),
            printer=lambda cards: None,
            interfaces=[Interface("wlan0-with-a-long-name", True, True)],
        )
        session.network_acknowledged = True
        d = start(session)
        d.choose("Unlock")
        d.type_text(PASSWORD)
        return d

    assert crawl(new_driver, "unlocked") > 120


@pytest.mark.parametrize("state", ["welcome", "locked", "damaged"])
def test_crawl_other_roots(tmp_path: Path, state: str) -> None:
    if state != "welcome":
        _vault(tmp_path)
    if state == "damaged":
        blob = bytearray((tmp_path / "device.vault").read_bytes())
        blob[90] ^= 1
        (tmp_path / "device.vault").write_bytes(bytes(blob))

    def new_driver() -> Driver:
        d = start(
            make_session(
                tmp_path,
                camera=FrameCamera(),
                interfaces=[Interface("eth0", False, False), Interface("wlan0", True, True)],
            )
        )
        assert d.title == "Network detected"
        check_screen(d.app.screen, "network warning")
        d.choose("I understand")
        return d

    assert crawl(new_driver, state) >= 3


# -- screens built directly with extreme content ----------------------------------------------
def extreme_screens() -> list[tuple[str, Screen]]:
    long_word = widest(bip39.wordlist())
    long_share = widest(slip39.wordlist())
    warning = ReviewWarning(
        "x", Severity.DANGER, "W" * 30 + " " + "0x" + "D" * 40 + " may spend UNLIMITED " + "W" * 20
    )
    facts = [
        ("Output " + "9" * 6, "bc1p" + "w" * 58),
        ("Call", "M" * 120),
        ("Value", "1,000,000,000.123456789 ETH"),
    ]
    screens: list[tuple[str, Screen]] = []
    for layout in ("text", "dice", "digits", "number"):
        kb = Keyboard(
            "W" * 30,
            lambda v: None,
            layout=layout,
            initial="W" * 60,
            status=lambda v: "W" * 60,
            validate=lambda v: "W" * 60,
        )
        for _ in kb.modes:
            screens.append((f"keyboard {layout} {kb.mode}", kb))
            kb = Keyboard(kb.title, kb.on_done, layout=layout, initial=kb.value, status=kb.status)
            kb.mode = kb.modes[(kb.modes.index(kb.mode) + 1) % len(kb.modes)]
    entry = WordEntry(lambda i: f"Share 16: word {i + 1}/33", slip39.wordlist(), 33, lambda w: None)
    entry.prefix = long_share[:2]
    screens.append(("word entry", entry))
    for words, name in (([long_word] * 24, "bip39"), ([long_share] * 33, "slip39")):
        shown = SecretWords("Share 16", words, lambda: None)
        shown.revealed = True
        shown.page = shown.pages - 1
        screens.append((f"secret words {name}", shown))
    quiz = WordQuiz([long_word] * 24, bip39.wordlist(), lambda: None, lambda p: None)
    screens.append(("quiz", quiz))
    model = ReviewModel(
        "Ethereum",
        facts,
        lambda a: None,
        warnings=[warning] * 2,
        refusals=[ReviewWarning("r", Severity.DANGER, "W" * 80)],
        headline="W" * 60,
    )
    review = ReviewScreen(model)
    for page in range(len(review.pages)):
        review.page = page
        screens.append((f"review page {page}", review))
        review = ReviewScreen(model)
        review.page = min(page + 1, len(review.pages) - 1)
    screens.append(
        (
            "message",
            Message(
                "W" * 40,
                "W " * 400,
                severity="danger",
                buttons=[("W" * 20, lambda: None), ("W" * 20, lambda: None)],
            ),
        )
    )
    screens.append(
        ("picker", NumberPicker("W" * 40, "W " * 40, 16, 1, 16, lambda v: None, describe=lambda v: "W" * 50))
    )
    screens.append(("checklist", Checklist("W" * 40, ["W" * 60] * 9, {1, 3}, lambda s: None)))
    # the image's screens: the longest versions an update can carry, a long vault path
    from signer.update import UpdateFile, VerifiedUpdate
    from ui.flows.home import storage_unavailable
    from ui.flows.update import confirm_update

    session = make_session(Path("/var/lib/airlock"))
    big = "999999.999999.999999.999999"
    update = VerifiedUpdate(big, big, (UpdateFile("root.sqfs", "f" * 64, 10**12),), "f" * 64)
    screens.append(("update confirmation", confirm_update(session, update)))
    reason = "the vault partition is not mounted at /" + "W" * 80
    screens.append(("vault storage unavailable", storage_unavailable(session, reason)))
    for up in (True, False):  # interface names are at most 15 characters (IFNAMSIZ)
        found = exposure(
            [Interface(name, up, False) for name in ("enx00e04c680001", "wlx00c0ca1234567", "eth0")]
        )
        assert found is not None
        menu = Menu("W" * 40, [MenuItem("W" * 40, lambda: None)] * 6, banner=found.banner)
        menu.banner_severity = found.severity
        screens.append((f"menu with a two-line {found.severity} banner", menu))
    return screens


def test_extreme_screens() -> None:
    for name, screen in extreme_screens():
        check_screen(screen, name)


# -- every status a scan can show ---------------------------------------------------------------
def _ur(ur_type: str, body: bytes) -> str:
    import cbor2

    from signer.transport.ur import UR, encode_single

    return encode_single(UR(ur_type, cbor2.dumps(body)))


def _ur_parts(count: int) -> list[str]:
    import random

    import cbor2

    from signer.transport.ur import UR, UREncoder

    encoder = UREncoder(UR("bytes", cbor2.dumps(random.Random(5).randbytes(600))), 100)
    return [encoder.next_part() for _ in range(count)]


CODES_PEOPLE_SCAN: list[tuple[str, str | bytes]] = [
    ("plain text", "hello there"),
    ("web link", "https://example.com/" + "a" * 200),
    ("wifi", "WIFI:S:home;T:WPA;P:hunter22;;"),
    ("contact", "BEGIN:VCARD\nFN:Ann\nEND:VCARD"),
    ("email", "mailto:ann@example.com"),
    ("phone", "tel:+441234567"),
    ("lightning", "lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwz"),
    ("number", "123456789012"),
    ("binary", b"\x00\x01\x02binary"),
    ("empty", ""),
    ("bad UR", "ur:crypto-psbt/lpadaxcfaxhlcyynzmzmjshdhgjojejtkosnsaxtaxtk"),
    ("bad BBQr", "B$ZP0100garbage"),
    ("bad SeedQR", "0000" * 12),
    ("private key", "xprv" + "1" * 107),
    ("bad bitcoin address", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"),
    ("bad payment request", "bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4?amount=22000000"),
]
def _expect_labels() -> list[str]:
    """What each scan of a flow says it is for (its ``expect_label``), read from the flows' source."""
    import re

    flows = Path(__file__).parents[2] / "ui" / "flows"
    found = {m for f in flows.rglob("*.py") for m in re.findall(r'expect_label="([^"]+)"', f.read_text())}
    assert {"a SeedQR", "an encrypted backup"} <= found  # the pattern still finds them
    return sorted(found)


EXPECT_LABELS = _expect_labels()


def scan_status_screens(tmp_path: Path) -> list[tuple[str, Screen]]:
    """Scan screens showing each status, reached through the real assembler where a code gives it."""
    from PIL import Image

    session = make_session(tmp_path, camera=FrameCamera([Image.new("L", (640, 480), 128)]))
    screens: list[tuple[str, Screen]] = []

    def scan(label: str, contents: list[str | bytes], title: str = "Scan") -> ScanScreen:
        screen = ScanScreen(session, title, lambda payload: None)
        screen.on_tick(0.0)  # a camera picture behind the status
        for content in contents:
            screen._take(content)
        screens.append((f"scan status: {label}", screen))
        return screen

    scan("waiting for the camera", []).preview = None
    scan("nothing read yet", [])
    for label, content in CODES_PEOPLE_SCAN:
        scan(label, [content])
    scan("UR without a PSBT", [_ur("crypto-psbt", b"not a psbt at all")])
    parts = _ur_parts(2)
    scan("progress", parts[:1])
    scan("another message", [parts[0], _ur("bytes", b"x" * 50)])
    for wanted in EXPECT_LABELS:
        for kind in KIND_NAMES:
            scan(f"{kind} is not {wanted}", [], title="Scan share card").error = wrong_kind_text(kind, wanted)
    entropy = CameraCapture(session, "Camera entropy", lambda frame: None)
    entropy.on_tick(0.0)
    entropy.error = "camera frame is nearly uniform (lens covered?); point the camera at a scene"
    screens.append(("camera entropy error", entropy))
    return screens


def test_every_scan_status_fits(tmp_path: Path) -> None:
    screens = scan_status_screens(tmp_path)
    statuses = {screen.content().warnings[0][1] for _, screen in screens if screen.content().warnings}
    # every code above gives a status of its own, and so does every kind a scan can refuse
    assert len(statuses) >= len(CODES_PEOPLE_SCAN) + len(EXPECT_LABELS) * len(set(KIND_NAMES.values()))
    for name, screen in screens:
        check_screen(screen, name)


class _Careless(Screen):
    title = "Careless"

    def draw_body(self, image: Any, draw: Any, top: int) -> None:
        draw.text((200, top), "runs off the edge", fill=theme.FG, font=theme.font())
        draw.text((10, top + 40), "arrows ▶", fill=theme.FG, font=theme.font())


def test_the_checks_catch_bad_screens() -> None:
    with pytest.raises(AssertionError) as caught:
        check_screen(_Careless(), "careless")
    assert "runs off the screen" in str(caught.value) and "font lacks" in str(caught.value)
