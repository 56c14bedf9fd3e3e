"""Device settings, one declarative list: each setting's key, label, choices, default and help.

The list drives everything else: the defaults, what a stored or chosen value must be, the settings
menu and its choosers (``ui.flows.settings``), and what is kept. Settings live in the vault
(encrypted, under the ``"device"`` key of its settings) once one is unlocked; before that, and in
stateless use, the defaults apply and changes last until power-off. A stored value that is not a
valid choice (an older or damaged vault) is replaced by the default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from signer.derivation import NETWORK_NAMES, Network
from signer.errors import AirlockError

VAULT_KEY = "device"


class SettingError(AirlockError):
    """A setting that does not exist, or a value it cannot take."""


class Kind(StrEnum):
    ONE_OF = "one of"  # one of the choices, picked from a menu
    ON_OFF = "on or off"  # a switch (False, True), flipped from the settings menu itself
    SOME_OF = "some of"  # one or more of the choices, ticked in a list, kept in the choices' order


@dataclass(frozen=True)
class Setting:
    key: str
    label: str  # in the settings menu
    title: str  # of its chooser
    kind: Kind
    choices: tuple[Any, ...]
    default: Any
    describe: Callable[[Any], str]  # one choice as the screen says it
    help: str  # shown under the chooser's title

    def valid(self, value: Any) -> bool:
        if self.kind is Kind.SOME_OF:
            return (
                isinstance(value, list)
                and bool(value)
                and all(self._is_choice(v) for v in value)
                and len(set(value)) == len(value)
            )
        return self._is_choice(value)

    def _is_choice(self, value: Any) -> bool:
        # of the choices' own type: True is not the density 1, nor 250.0 the frame time 250
        return any(type(value) is type(c) and value == c for c in self.choices)

    def clean(self, value: Any) -> Any:
        """``value`` made valid, as it is kept: for several choices, those it holds in the choices'
        order (the default if none); for one, the value if it is a choice, else the default."""
        if self.kind is Kind.SOME_OF and isinstance(value, list):
            value = [c for c in self.choices if any(self._is_choice(v) and v == c for v in value)]
        return value if self.valid(value) else self.fresh_default()

    def fresh_default(self) -> Any:
        return list(self.default) if isinstance(self.default, list) else self.default

    def shown(self, value: Any) -> str:
        """The current value, as the settings menu shows it beside the label."""
        if self.kind is Kind.SOME_OF:
            return ",".join(self.describe(v) for v in value)
        return self.describe(value)

    def check(self, value: Any) -> None:
        """SettingError, saying what the setting takes, unless ``value`` is one it can have."""
        if self.valid(value):
            return
        allowed = ", ".join(self.describe(c) for c in self.choices)
        if self.kind is Kind.ON_OFF:
            raise SettingError(f"{self.label} is either on or off")
        many = "one or more" if self.kind is Kind.SOME_OF else "one"
        raise SettingError(f"{self.label} must be {many} of: {allowed}")


def describe_seconds(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds >= 60 else f"{seconds} s"


# fmt: off
SETTINGS: tuple[Setting, ...] = (
    Setting("networks", "Networks", "Bitcoin networks", Kind.SOME_OF, NETWORK_NAMES, [str(Network.MAIN)],
            str, "Offered when you add a Bitcoin account."),
    Setting("qr_density", "QR density", "QR density", Kind.ONE_OF, (0, 1, 2, 3), 1,
            lambda v: ("sparse", "normal", "dense", "densest")[v],
            "Sparse codes scan more easily; dense ones need fewer frames."),
    Setting("qr_frame_ms", "QR speed", "Time per frame", Kind.ONE_OF, (100, 150, 250, 400, 600), 100,
            lambda v: f"{v} ms", "How long each frame of an animated QR code is shown."),
    Setting("auto_lock_s", "Auto-lock", "Lock after idle", Kind.ONE_OF, (60, 120, 300, 600, 1800), 300,
            describe_seconds, "The device locks after this long without a key press."),
    Setting("camera_rotation", "Camera rotation", "Camera rotation", Kind.ONE_OF, (0, 90, 180, 270), 0,
            lambda v: f"{v} deg", "Turns the camera picture clockwise, as the camera is mounted."),
    Setting("camera_mirror", "Camera mirror", "Camera mirror", Kind.ON_OFF, (False, True), False,
            lambda v: "on" if v else "off", "Flips the camera picture left to right."),
    Setting("brightness", "Brightness", "Brightness", Kind.ONE_OF, (20, 40, 60, 80, 100), 80,
            lambda v: f"{v}%", "The screen's backlight."),
)
# fmt: on


def spec(key: str) -> Setting:
    for setting in SETTINGS:
        if setting.key == key:
            return setting
    raise SettingError(f"unknown setting {key!r}")


def clean(stored: dict[str, Any] | None) -> dict[str, Any]:
    """Every setting: the stored value where it is valid, else the default."""
    stored = stored if isinstance(stored, dict) else {}
    return {s.key: s.clean(stored.get(s.key, s.fresh_default())) for s in SETTINGS}


def changed(current: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """``current`` with ``key`` set to ``value``; SettingError, changing nothing, if it cannot be."""
    setting = spec(key)
    setting.check(value)
    return {**clean(current), key: setting.clean(value)}
