"""The button state machine with explicit times: debounce, hold, long hold, repeat."""

from __future__ import annotations

import pytest

from hardware.errors import ConfigError
from hardware.input import Button, ButtonEvent, ButtonTracker, InputPolicy

POLICY = InputPolicy(debounce=0.02, hold_times=(1.0, 2.5), repeat_delay=0.5, repeat_interval=0.1)


def run(tracker: ButtonTracker, until: float) -> list[ButtonEvent]:
    """Advance at every deadline up to ``until``, as the ticker thread does."""
    events = []
    while (deadline := tracker.next_deadline()) is not None and deadline <= until:
        events += tracker.advance(deadline)
    return events


def kinds(events: list[ButtonEvent]) -> list[tuple[str, str]]:
    return [(e.button.name, e.kind) for e in events]


def test_press_counts_once_the_level_is_stable_for_the_debounce_time() -> None:
    tracker = ButtonTracker(POLICY)
    assert tracker.edge(Button.KEY1, True, 10.0) == []
    assert tracker.advance(10.019) == []
    events = tracker.advance(10.02)
    assert events == [ButtonEvent(Button.KEY1, "press", 10.02)]
    tracker.edge(Button.KEY1, False, 10.3)
    assert run(tracker, 11.0) == [ButtonEvent(Button.KEY1, "release", 10.32, pytest.approx(0.3))]


def test_contact_bounce_gives_one_press_and_one_release() -> None:
    tracker = ButtonTracker(POLICY)
    t = 5.0
    for level in (True, False, True, False, True):  # bounce on the way down
        tracker.edge(Button.PRESS, level, t)
        t += 0.003
    events = run(tracker, 5.4)
    tracker.edge(Button.PRESS, False, 5.5)
    tracker.edge(Button.PRESS, True, 5.505)  # bounce on the way up
    tracker.edge(Button.PRESS, False, 5.51)
    events += run(tracker, 6.0)
    assert kinds(events) == [("PRESS", "press"), ("PRESS", "release")]
    assert events[0].at == pytest.approx(5.012 + 0.02)
    assert events[1].at == pytest.approx(5.51 + 0.02)


def test_a_spike_shorter_than_the_debounce_time_is_no_press() -> None:
    tracker = ButtonTracker(POLICY)
    tracker.edge(Button.KEY2, True, 1.0)
    tracker.edge(Button.KEY2, False, 1.005)
    assert run(tracker, 5.0) == []
    assert tracker.pressed == frozenset()


def test_hold_and_long_hold_carry_their_duration() -> None:
    tracker = ButtonTracker(InputPolicy(debounce=0.0))
    tracker.edge(Button.KEY1, True, 0.0)
    events = run(tracker, 3.0)
    holds = [e for e in events if e.kind == "hold"]
    assert [(e.at, e.held_for) for e in holds] == [(1.0, 1.0), (2.5, 2.5)]
    assert not [e for e in events if e.kind == "repeat"]  # KEY1 does not auto-repeat
    release = tracker.edge(Button.KEY1, False, 3.2)
    assert release == [ButtonEvent(Button.KEY1, "release", 3.2, pytest.approx(3.2))]


def test_a_short_press_reaches_no_hold() -> None:
    tracker = ButtonTracker(InputPolicy(debounce=0.0))
    tracker.edge(Button.KEY3, True, 0.0)
    run(tracker, 0.9)
    tracker.edge(Button.KEY3, False, 0.9)
    assert tracker.next_deadline() is None
    assert run(tracker, 10.0) == []


def test_joystick_directions_repeat_while_held() -> None:
    tracker = ButtonTracker(POLICY)
    tracker.edge(Button.DOWN, True, 0.0)
    events = run(tracker, 0.85)
    repeats = [e for e in events if e.kind == "repeat"]
    press_at = 0.02
    expected = [press_at + 0.5 + k * 0.1 for k in range(4)]  # 0.52, 0.62, 0.72, 0.82
    assert [e.at for e in repeats] == pytest.approx(expected)
    assert [e.held_for for e in repeats] == pytest.approx([t - press_at for t in expected])
    tracker.edge(Button.DOWN, False, 0.85)
    assert kinds(run(tracker, 2.0)) == [("DOWN", "release")]


def test_a_late_caller_gets_one_repeat_not_a_burst() -> None:
    tracker = ButtonTracker(InputPolicy(debounce=0.0, repeat_delay=0.5, repeat_interval=0.1))
    tracker.edge(Button.UP, True, 0.0)
    events = tracker.advance(2.05)  # the thread was stalled for over a second
    assert [e.kind for e in events].count("repeat") == 1
    assert tracker.next_deadline() == pytest.approx(2.1)


def test_two_buttons_at_once_are_tracked_apart() -> None:
    tracker = ButtonTracker(InputPolicy(debounce=0.0))
    tracker.edge(Button.KEY1, True, 0.0)
    tracker.edge(Button.KEY3, True, 0.5)
    assert tracker.pressed == {Button.KEY1, Button.KEY3}
    holds = [(e.button, e.at) for e in run(tracker, 1.6) if e.kind == "hold"]
    assert holds == [(Button.KEY1, 1.0), (Button.KEY3, 1.5)]


@pytest.mark.parametrize(
    "options",
    [
        {"debounce": -0.01},
        {"hold_times": (2.5, 1.0)},
        {"hold_times": (0.0,)},
        {"repeat_interval": 0},
        {"repeat_delay": float("inf")},
    ],
)
def test_bad_policies_are_refused(options: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        InputPolicy(**options)  # type: ignore[arg-type]


def test_event_validation() -> None:
    with pytest.raises(ConfigError, match="kind"):
        ButtonEvent(Button.UP, "click", 0.0)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="Button"):
        ButtonEvent("UP", "press", 0.0)  # type: ignore[arg-type]
    assert Button.parse(" key2 ") is Button.KEY2
    with pytest.raises(ConfigError, match="KEY1"):
        Button.parse("KEY4")
