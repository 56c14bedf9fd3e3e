"""Device settings: defaults, the choices offered on screen, and how they are kept.

Settings live in the vault (encrypted, under the ``"device"`` key of its settings) once one is
unlocked; before that, and in stateless use, the defaults apply and changes last until power-off.
"""

from __future__ import annotations

from typing import Any

VAULT_KEY = "device"

DEFAULTS: dict[str, Any] = {
    "networks": ["main"],  # Bitcoin networks offered when adding accounts
    "qr_density": 1,  # 0 (sparsest, biggest modules) .. 3 (densest)
    "qr_frame_ms": 250,  # animated QR: time per frame
    "auto_lock_s": 300,
    "camera_rotation": 0,  # degrees clockwise: 0, 90, 180, 270
    "camera_mirror": False,
    "brightness": 80,  # percent
}

NETWORK_CHOICES = ("main", "test", "signet", "regtest")
DENSITY_CHOICES = (0, 1, 2, 3)
FRAME_MS_CHOICES = (100, 150, 250, 400, 600)
AUTO_LOCK_CHOICES = (60, 120, 300, 600, 1800)
ROTATION_CHOICES = (0, 90, 180, 270)
BRIGHTNESS_CHOICES = (20, 40, 60, 80, 100)


def clean(stored: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults overlaid with the stored values that are still valid choices."""
    result = dict(DEFAULTS)
    result["networks"] = list(DEFAULTS["networks"])
    if not isinstance(stored, dict):
        return result
    checks: dict[str, Any] = {
        "qr_density": DENSITY_CHOICES,
        "qr_frame_ms": FRAME_MS_CHOICES,
        "auto_lock_s": AUTO_LOCK_CHOICES,
        "camera_rotation": ROTATION_CHOICES,
        "brightness": BRIGHTNESS_CHOICES,
    }
    for key, choices in checks.items():
        if stored.get(key) in choices:
            result[key] = stored[key]
    if isinstance(stored.get("camera_mirror"), bool):
        result["camera_mirror"] = stored["camera_mirror"]
    networks = stored.get("networks")
    if isinstance(networks, list):
        picked = [n for n in NETWORK_CHOICES if n in networks]
        if picked:
            result["networks"] = picked
    return result


def describe_seconds(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds >= 60 else f"{seconds} s"
