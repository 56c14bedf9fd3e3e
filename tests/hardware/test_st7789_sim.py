"""The ST7789 driver against the simulated panel: init sequence, timing, pixel-exact frames."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from hardware.display.rgb565 import from_rgb565, to_rgb565, to_wire
from hardware.display.sim_panel import SimPanel
from hardware.display.spi import SpidevTransport
from hardware.display.st7789 import ST7789Display
from hardware.errors import BackendUnavailable, ConfigError, DeviceError, InvalidFrame


def expected_rgb565(image: Image.Image) -> np.ndarray:
    """RGB565 worked out pixel by pixel, independently of the driver's numpy conversion."""
    rgb = image.convert("RGB")
    values = [((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3) for r, g, b in rgb.get_flattened_data()]
    return np.array(values, dtype=np.uint16).reshape(rgb.height, rgb.width)


def random_frame(seed: int, size: tuple[int, int] = (240, 240)) -> Image.Image:
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")


def card_image() -> Image.Image:
    """Asymmetric picture: any flip or turn of it is visibly different."""
    image = Image.new("RGB", (240, 240), (10, 20, 30))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 59, 29), fill=(255, 0, 0))
    draw.rectangle((200, 180, 239, 239), fill=(0, 255, 0))
    draw.line((0, 239, 239, 100), fill=(0, 0, 255), width=3)
    draw.text((80, 100), "Airlock", fill=(255, 255, 255))
    return image


def make(panel: SimPanel, **options: object) -> ST7789Display:
    options.setdefault("sleep", panel.sleep)
    return ST7789Display(panel.transport, panel.dc, panel.rst, panel.backlight, **options)  # type: ignore[arg-type]


def test_init_sequence_follows_the_datasheet() -> None:
    panel = SimPanel()
    make(panel)
    assert panel.violations == []
    assert panel.commands[:6] == ["SWRESET", "SLPOUT", "COLMOD", "MADCTL", "INVON", "NORON"]
    assert panel.commands[-4:] == ["CASET", "RASET", "RAMWR", "DISPON"]
    assert panel.lit
    assert panel.backlight.value == 1.0


def test_init_clears_the_noise_in_frame_memory_before_lighting_up() -> None:
    panel = SimPanel()
    assert panel.native().any()  # the simulated memory starts as noise
    make(panel)
    assert not panel.viewed_rgb565().any()


def test_timing_rules_are_checked_by_the_simulated_panel() -> None:
    panel = SimPanel()
    make(panel, sleep=lambda seconds: None)  # a driver that does not wait
    assert any("SLPOUT within 120 ms" in v for v in panel.violations)
    assert any("too early" in v for v in panel.violations)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_frames_arrive_pixel_exact(seed: int) -> None:
    panel = SimPanel()
    display = make(panel)
    frame = random_frame(seed)
    display.show(frame)
    assert panel.violations == []
    np.testing.assert_array_equal(panel.viewed_rgb565(), expected_rgb565(frame))
    assert max(panel.transport.writes) <= 4096


def test_picture_arrives_upright_in_every_rotation_when_mounted_that_way() -> None:
    card = card_image()
    expected = expected_rgb565(card)
    for rotation in (0, 90, 180, 270):
        panel = SimPanel(mounting=rotation)
        make(panel, rotation=rotation).show(card)
        assert panel.violations == [], rotation
        np.testing.assert_array_equal(panel.viewed_rgb565(), expected, err_msg=f"rotation {rotation}")


def test_wrong_rotation_for_the_mounting_shows_a_turned_picture() -> None:
    card = card_image()
    panel = SimPanel(mounting=90)
    make(panel, rotation=270).show(card)
    seen = panel.viewed_rgb565()
    assert not np.array_equal(seen, expected_rgb565(card))
    np.testing.assert_array_equal(seen, np.rot90(expected_rgb565(card), 2))


def test_partial_update_sends_only_the_changed_rectangle() -> None:
    panel = SimPanel()
    display = make(panel)
    first = random_frame(10)
    display.show(first)
    second = first.copy()
    ImageDraw.Draw(second).rectangle((30, 50, 69, 59), fill=(255, 255, 0))  # 40 x 10 pixels
    before = display.bytes_sent
    display.show(second)
    # rotation 90 on the HAT has no offsets: the addressed window is the logical rectangle
    assert panel.ramwr_windows[-1] == (30, 50, 69, 59)
    window_commands = 3 + 2 * 4  # CASET, RASET, RAMWR and their parameters
    assert display.bytes_sent - before == 40 * 10 * 2 + window_commands
    np.testing.assert_array_equal(panel.viewed_rgb565(), expected_rgb565(second))


def test_unchanged_frame_sends_nothing_and_full_mode_always_sends_all() -> None:
    panel = SimPanel()
    display = make(panel)
    frame = random_frame(4)
    display.show(frame)
    sent = display.bytes_sent
    display.show(frame.copy())
    assert display.bytes_sent == sent
    full_panel = SimPanel()
    full = make(full_panel, partial=False)
    full.show(frame)
    sent = full.bytes_sent
    full.show(frame)
    assert full.bytes_sent - sent >= 240 * 240 * 2


@settings(max_examples=25, deadline=None)
@given(
    boxes=st.lists(
        st.tuples(st.integers(0, 239), st.integers(0, 239), st.integers(1, 60), st.integers(1, 60)),
        min_size=1,
        max_size=4,
    ),
    rotation=st.sampled_from([0, 90, 180, 270]),
)
def test_sequences_of_partial_updates_stay_pixel_exact(
    boxes: list[tuple[int, int, int, int]], rotation: int
) -> None:
    panel = SimPanel(mounting=rotation)
    display = make(panel, rotation=rotation)
    frame = random_frame(99)
    display.show(frame)
    rng = np.random.default_rng(len(boxes))
    for x, y, w, h in boxes:
        frame = frame.copy()
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        ImageDraw.Draw(frame).rectangle((x, y, min(239, x + w - 1), min(239, y + h - 1)), fill=colour)
        display.show(frame)
        np.testing.assert_array_equal(panel.viewed_rgb565(), expected_rgb565(frame))
    assert panel.violations == []


@pytest.mark.parametrize("limit", [4096, 1000, 3])
def test_chunking_respects_the_transfer_limit(limit: int) -> None:
    panel = SimPanel(max_transfer=limit)
    display = make(panel, partial=False)
    frame = random_frame(5)
    display.show(frame)
    assert max(panel.transport.writes) <= limit
    np.testing.assert_array_equal(panel.viewed_rgb565(), expected_rgb565(frame))
    assert panel.violations == []


def test_works_with_gpiozero_pins_on_the_mock_factory() -> None:
    from gpiozero import DigitalOutputDevice, PWMOutputDevice
    from gpiozero.pins.mock import MockFactory, MockPWMPin

    factory = MockFactory(pin_class=MockPWMPin)
    dc = DigitalOutputDevice(25, pin_factory=factory)
    rst = DigitalOutputDevice(27, initial_value=True, pin_factory=factory)
    bl = PWMOutputDevice(24, pin_factory=factory)
    panel = SimPanel(dc_level=lambda: bool(factory.pin(25).state))
    display = ST7789Display(panel.transport, dc, rst, bl, sleep=panel.sleep)
    frame = random_frame(6)
    display.show(frame)
    np.testing.assert_array_equal(panel.viewed_rgb565(), expected_rgb565(frame))
    display.set_backlight(0.3)
    assert factory.pin(24).state == pytest.approx(0.3)
    display.close()
    assert factory.pin(24).state == 0


def test_close_blanks_the_memory_and_switches_off() -> None:
    panel = SimPanel()
    display = make(panel)
    display.show(random_frame(7))
    display.close()
    assert not panel.lit
    assert not panel.native().any()
    assert panel.commands[-2:] == ["DISPOFF", "SLPIN"]
    assert panel.transport.closed and panel.dc.closed and panel.backlight.value == 0
    with pytest.raises(DeviceError):
        display.show(random_frame(7))
    display.close()  # idempotent


def test_bad_frames_and_levels_are_refused() -> None:
    panel = SimPanel()
    display = make(panel)
    with pytest.raises(InvalidFrame, match="240x240"):
        display.show(Image.new("RGB", (240, 200)))
    with pytest.raises(InvalidFrame, match="PIL image"):
        display.show(np.zeros((240, 240, 3), dtype=np.uint8))  # type: ignore[arg-type]
    for level in (-0.1, 1.5, float("nan"), "1", True):
        with pytest.raises(ConfigError):
            display.set_backlight(level)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="rotation"):
        make(SimPanel(), rotation=45)
    # a grayscale or palette image is converted, not refused
    display.show(Image.new("L", (240, 240), 128))
    assert panel.viewed_rgb565()[0, 0] == expected_rgb565(Image.new("L", (1, 1), 128))[0, 0]


def test_transport_failure_becomes_a_device_error() -> None:
    panel = SimPanel()
    display = make(panel)
    panel.transport.close()
    with pytest.raises(DeviceError, match="display write failed"):
        display.show(random_frame(8))


def test_spidev_transport_says_what_is_missing() -> None:
    pytest.importorskip("gpiozero")
    try:
        import spidev  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        with pytest.raises(BackendUnavailable, match="spidev"):
            SpidevTransport()
    else:  # pragma: no cover - only on a machine with spidev
        pytest.skip("spidev is installed here")


def test_rgb565_known_values_and_wire_order() -> None:
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0), (8, 4, 8)]
    image = Image.new("RGB", (len(colours), 1))
    image.putdata(colours)
    values = to_rgb565(image)
    assert values.tolist() == [[0xF800, 0x07E0, 0x001F, 0xFFFF, 0x0000, 0x0821]]
    assert to_wire(values) == bytes.fromhex("f800 07e0 001f ffff 0000 0821")


def test_rgb565_decode_then_encode_is_identity_for_all_values() -> None:
    every = np.arange(0x10000, dtype=np.uint16).reshape(256, 256)
    np.testing.assert_array_equal(to_rgb565(from_rgb565(every)), every)
    white = from_rgb565(np.array([[0xFFFF]], dtype=np.uint16))
    assert white.getpixel((0, 0)) == (255, 255, 255)
