"""GPIO buttons through gpiozero's MockFactory: real gpiozero devices, pins driven by the test."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest
from gpiozero.pins.mock import MockFactory

from hardware.errors import ConfigError
from hardware.input import WAVESHARE_HAT_PINS, Button, ButtonEvent, InputPolicy
from hardware.input.gpio import GpioButtons

FAST = InputPolicy(debounce=0.03, hold_times=(0.15, 0.3), repeat_delay=0.1, repeat_interval=0.04)


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    factory = MockFactory()
    yield factory
    factory.reset()


@pytest.fixture
def buttons(factory: MockFactory) -> Iterator[GpioButtons]:
    source = GpioButtons(policy=FAST, pin_factory=factory)
    yield source
    source.close()


def collect(source: GpioButtons, seconds: float) -> list[ButtonEvent]:
    events = []
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        event = source.poll(left)
        if event is not None:
            events.append(event)
    return events


def wait_for(source: GpioButtons, kind: str, timeout: float = 2.0) -> ButtonEvent:
    end = time.monotonic() + timeout
    while (left := end - time.monotonic()) > 0:
        event = source.poll(left)
        if event is not None and event.kind == kind:
            return event
    raise AssertionError(f"no {kind} event within {timeout} s")


def test_every_hat_pin_maps_to_its_button_active_low(factory: MockFactory, buttons: GpioButtons) -> None:
    for button, pin in WAVESHARE_HAT_PINS.items():
        assert factory.pin(pin).pull == "up"
        factory.pin(pin).drive_low()
        event = wait_for(buttons, "press")
        assert event.button is button
        factory.pin(pin).drive_high()
        event = wait_for(buttons, "release")
        assert event.button is button
    assert buttons.poll(0.05) is None


def test_release_reports_how_long_the_button_was_down(factory: MockFactory, buttons: GpioButtons) -> None:
    pin = factory.pin(WAVESHARE_HAT_PINS[Button.PRESS])
    pin.drive_low()
    press = wait_for(buttons, "press")
    time.sleep(0.08)
    pin.drive_high()
    release = wait_for(buttons, "release")
    assert release.held_for == pytest.approx(release.at - press.at)
    assert release.held_for >= 0.07


def test_hold_and_long_hold(factory: MockFactory, buttons: GpioButtons) -> None:
    pin = factory.pin(WAVESHARE_HAT_PINS[Button.KEY1])
    pin.drive_low()
    events = collect(buttons, 0.45)
    pin.drive_high()
    events += collect(buttons, 0.1)
    assert [e.kind for e in events] == ["press", "hold", "hold", "release"]
    press, hold, long_hold, release = events
    assert (hold.held_for, long_hold.held_for) == (0.15, 0.3)
    assert hold.at == pytest.approx(press.at + 0.15)
    assert long_hold.at == pytest.approx(press.at + 0.3)
    assert release.held_for > 0.3


def test_joystick_repeats_while_held_at_the_set_interval(factory: MockFactory, buttons: GpioButtons) -> None:
    pin = factory.pin(WAVESHARE_HAT_PINS[Button.DOWN])
    pin.drive_low()
    events = collect(buttons, 0.35)
    pin.drive_high()
    events += collect(buttons, 0.05)
    assert events[0].kind == "press" and events[-1].kind == "release"
    repeats = [e for e in events if e.kind == "repeat"]
    assert len(repeats) >= 3
    assert repeats[0].at == pytest.approx(events[0].at + 0.1)
    for earlier, later in itertools.pairwise(repeats):
        steps = (later.at - earlier.at) / 0.04
        assert round(steps) >= 1 and steps == pytest.approx(round(steps))  # on the grid, late ones skipped
    assert all(e.button is Button.DOWN for e in events)


def test_contact_bounce_is_filtered(factory: MockFactory, buttons: GpioButtons) -> None:
    pin = factory.pin(WAVESHARE_HAT_PINS[Button.KEY2])
    for _ in range(3):  # a burst of bounces that ends released: nothing happened
        pin.drive_low()
        pin.drive_high()
    assert collect(buttons, 0.1) == []
    for _ in range(3):  # bounces that end pressed: one press
        pin.drive_high()
        pin.drive_low()
    events = collect(buttons, 0.1)
    assert [(e.button, e.kind) for e in events] == [(Button.KEY2, "press")]
    pin.drive_high()
    pin.drive_low()
    pin.drive_high()
    assert [e.kind for e in collect(buttons, 0.1)] == ["release"]


def test_custom_pins_and_duplicate_pins(factory: MockFactory) -> None:
    with GpioButtons({Button.KEY1: 4}, policy=FAST, pin_factory=factory) as source:
        factory.pin(4).drive_low()
        assert wait_for(source, "press").button is Button.KEY1
    with pytest.raises(ConfigError, match="same GPIO pin"):
        GpioButtons({Button.KEY1: 4, Button.KEY2: 4}, pin_factory=factory)


def test_close_releases_the_pins(factory: MockFactory) -> None:
    source = GpioButtons(policy=FAST, pin_factory=factory)
    source.close()
    factory.pin(WAVESHARE_HAT_PINS[Button.UP]).drive_low()
    assert source.poll(0.05) is None
    again = GpioButtons(policy=FAST, pin_factory=factory)  # the pins are free to claim again
    again.close()
