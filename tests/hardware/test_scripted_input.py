"""Scripted input: readable steps become the events the device would produce."""

from __future__ import annotations

import pytest

from hardware.errors import ConfigError
from hardware.input import Button, ButtonEvent, InputPolicy
from hardware.input.scripted import ScriptedInput, script


def test_press_is_a_press_then_a_release() -> None:
    assert script("press DOWN") == [
        ButtonEvent(Button.DOWN, "press", 0.0),
        ButtonEvent(Button.DOWN, "release", 0.08, 0.08),
    ]


def test_hold_key1_for_three_seconds_reaches_the_long_hold() -> None:
    events = script("hold KEY1 for 3 s")
    assert [(e.kind, e.at, e.held_for) for e in events] == [
        ("press", 0.0, 0.0),
        ("hold", 1.0, 1.0),
        ("hold", 2.5, 2.5),
        ("release", 3.0, 3.0),
    ]


def test_holding_a_direction_repeats() -> None:
    policy = InputPolicy(repeat_delay=0.5, repeat_interval=0.25)
    events = script("hold up for 1.1s", policy=policy)
    assert [e.kind for e in events] == ["press", "repeat", "repeat", "hold", "repeat", "release"]
    assert [e.at for e in events if e.kind == "repeat"] == pytest.approx([0.5, 0.75, 1.0])


def test_steps_follow_one_another_in_time() -> None:
    events = script(
        "press KEY2", "wait 0.5 s", "down LEFT", "down KEY3", "wait 0.2", "up KEY3", "up LEFT", start=10.0
    )
    assert [(e.button.name, e.kind, round(e.at, 6)) for e in events] == [
        ("KEY2", "press", 10.0),
        ("KEY2", "release", 10.08),
        ("LEFT", "press", 10.58),
        ("KEY3", "press", 10.58),
        ("KEY3", "release", 10.78),
        ("LEFT", "release", 10.78),
    ]


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("push UP", "cannot read script step"),
        ("press KEY9", "unknown button"),
        ("hold KEY1 for ever", "cannot read script step"),
        ("up KEY1", "not down"),
    ],
)
def test_unreadable_steps_say_what_is_wrong(step: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        script(step)


def test_pressing_a_button_that_is_down_is_refused() -> None:
    with pytest.raises(ConfigError, match="already down"):
        script("down PRESS", "press PRESS")


def test_scripted_source_hands_out_events_in_order() -> None:
    source = ScriptedInput.from_script("press UP", "press KEY1")
    got = []
    while (event := source.poll()) is not None:
        got.append((event.button, event.kind))
    assert got == [
        (Button.UP, "press"),
        (Button.UP, "release"),
        (Button.KEY1, "press"),
        (Button.KEY1, "release"),
    ]
    assert source.remaining == 0
    with pytest.raises(ConfigError, match="timeout"):
        source.poll(-1)


def test_realtime_pacing_waits_for_each_event() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    source = ScriptedInput(script("hold KEY1 for 1.5 s"), realtime=True, clock=lambda: now[0], sleep=sleep)
    assert source.poll(0).kind == "press"  # type: ignore[union-attr]
    assert source.poll(0.2) is None  # the hold is 1 s away
    assert slept == [0.2]
    hold = source.poll(None)
    assert hold is not None and hold.kind == "hold"
    assert now[0] == pytest.approx(101.0)
    assert source.poll(1.0).kind == "release"  # type: ignore[union-attr]
    assert now[0] == pytest.approx(101.5)


def test_scripted_input_takes_only_events() -> None:
    with pytest.raises(ConfigError):
        ScriptedInput(["press UP"])  # type: ignore[list-item]
