"""Settings come from one list (ui.settings.SETTINGS): a setting added there is in the menu, has its
chooser, is validated and is kept in the vault; values it cannot take are refused, changing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_driver import PASSWORD, make_session, start, unlocked

from signer.keys.vault import Vault
from ui import settings
from ui.settings import Kind, Setting, SettingError

BEEP = Setting(
    "beep_volume",
    "Beep",
    "Beep volume",
    Kind.ONE_OF,
    (0, 50, 100),
    50,
    lambda v: f"{v}%",
    "How loud keys click.",
)


def test_a_setting_added_to_the_list_is_in_the_menu_validated_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "SETTINGS", (*settings.SETTINGS, BEEP))
    session, d = unlocked(tmp_path)
    assert session.setting("beep_volume") == 50  # its default, before it was ever stored
    d.choose("Settings")
    items = d.content().items
    assert items[-2:] == ["Beep", "About"] and d.content().extra["details"][-2] == "50%"
    d.choose("Beep")
    assert d.title == "Beep volume" and d.content().lines == ["How loud keys click."]
    assert d.content().items == ["0%", "50%", "100%"] and d.content().extra["details"][1] == "current"
    d.choose("100%")
    assert d.title == "Settings" and d.content().extra["details"][-2] == "100%"
    with pytest.raises(SettingError, match="Beep must be one of: 0%, 50%, 100%"):
        session.set_setting("beep_volume", 70)
    stored = Vault.open(session.vault_path, PASSWORD)
    try:
        assert stored.settings["device"]["beep_volume"] == 100
    finally:
        stored.lock()


def test_a_value_a_setting_cannot_take_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    session, _ = unlocked(tmp_path)
    session.set_setting("brightness", 40)
    before = session.vault_path.read_bytes()
    for key, value in [("brightness", 55), ("brightness", "40"), ("camera_mirror", 1), ("networks", [])]:
        with pytest.raises(SettingError):
            session.set_setting(key, value)
    with pytest.raises(SettingError, match="unknown setting 'volume'"):
        session.set_setting("volume", 3)
    assert session.setting("brightness") == 40 and session.setting("networks") == ["main"]
    assert session.vault_path.read_bytes() == before  # not saved again


def test_without_a_vault_the_defaults_are_the_lists(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    assert session.settings == {s.key: s.default for s in settings.SETTINGS}
    start(session)  # the device starts on them


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({"qr_density": 3, "camera_mirror": True}, {"qr_density": 3, "camera_mirror": True}),
        ({"networks": ["test", "main", "test", 7]}, {"networks": ["main", "test"]}),  # the list's order
        ({"networks": ["mainnet"]}, {"networks": ["main"]}),  # nothing valid left: the default
        ({"qr_density": True, "qr_frame_ms": 250.0, "brightness": 55}, {}),  # not one of the choices
        ({"camera_mirror": 1, "auto_lock_s": None, "unknown": 1}, {}),
    ],
)
def test_stored_values_are_read_through_the_list(stored: dict, expected: dict) -> None:
    defaults = settings.clean(None)
    assert settings.clean(stored) == {**defaults, **expected}
