"""Everything the device's flows need from outside the UI, injected by the app wiring.

The UI never imports ``hardware``: the wiring passes the camera, printer and clock in as plain
callables, and the network-interface list it read at start-up. The session also holds the
unlocked state: the open vault, a temporary (never stored) seed, passphrases in use. ``lock()``
wipes all of it.

PIL and numpy (camera frames) are imported where a frame is read: not needed to start.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from signer.errors import AirlockError
from signer.keys.accounts import fingerprint
from signer.keys.errors import UnsupportedVersion, VaultCorrupt
from signer.keys.vault import DEFAULT_ACCOUNTS, SeedEntry, Vault, previous_generation
from signer.transport.errors import TransportError
from signer.transport.frames import to_gray
from ui import settings as device_settings

if TYPE_CHECKING:
    from PIL.Image import Image

    from signer.chains.warm_up import WarmUp
    from signer.keys.envelope import KdfParams
    from signer.keys.seed import SeedMaterial
    from signer.netcheck import Interface
    from signer.update import VerifiedUpdate

TEMP_LABEL = "Temporary seed"


class CameraError(AirlockError):
    """The camera backend raised; the message says what it reported."""


class CameraMissing(CameraError):
    """There is no camera to read: none was found, or it could not be opened."""


class CameraStopped(CameraError):
    """The camera was opened but stopped delivering pictures, or failed while in use."""


CAMERA_HELP = "Check that the camera cable is seated firmly at both ends, then restart Airlock."


@dataclass(frozen=True)
class VaultState:
    """What is on disk at the vault path: ``missing``, ``ok``, ``corrupt``, ``unsupported``, ``lost``
    (no vault file, but its previous generation ``<vault>.prev`` is there: recover, never start over), or
    ``unavailable`` (the vault's storage cannot keep one: no vault is created or opened)."""

    kind: str
    message: str = ""


@dataclass(eq=False)
class Session:
    vault_path: Path
    camera: Callable[[], Any] | None = None  # latest frame (numpy array or PIL image) or None
    camera_problem: str = "no camera is connected"  # why ``camera`` is None
    camera_help: str = CAMERA_HELP  # what to check when there is no camera or it stopped
    read_qr_in_background: bool = False  # scans decode on a worker thread (the device); else in the tick
    printer: Callable[[list[Image]], None] | None = None  # prints card images; None: no printer
    clock: Callable[[], float] = time.monotonic
    interfaces: list[Interface] = field(default_factory=list)  # non-loopback network interfaces
    capture_allowed: bool = False  # may frames be saved (headless PNGs, emulator screenshots)?
    kdf: KdfParams | None = None  # Argon2id cost for new vaults and backups (None: the strong default)
    demo_fingerprints: frozenset[str] = frozenset()  # seeds whose secrets may appear in captures
    apply_settings: Callable[[dict[str, Any]], None] | None = None  # e.g. set the backlight
    version: str | None = None  # shown in About; None: read from the installed package
    warm_up: WarmUp | None = None  # started on the first unlock (the device's wiring passes one)
    # why the vault's folder cannot keep a vault (signer.keys.vault_storage), found at start-up; "" if it can
    vault_storage_problem: str = ""
    # Settings > Update Airlock (ui.flows.update): find and check an update file (signer.update), and
    # write a confirmed one to the other system slot; None where the device has none
    find_update: Callable[[], VerifiedUpdate] | None = None
    install_update: Callable[[VerifiedUpdate], None] | None = None
    # -- unlocked state (wiped by lock) --------------------------------------------------------
    vault: Vault | None = None
    temp_seed: SeedEntry | None = None
    network_acknowledged: bool = False
    vault_problem: VaultState | None = None  # found on unlock (e.g. authentication failed)
    _passphrases: dict[str, bytearray] = field(default_factory=dict, repr=False)
    _fingerprints: dict[str, str] = field(default_factory=dict, repr=False)
    _settings: dict[str, Any] = field(default_factory=lambda: device_settings.clean(None), repr=False)

    # -- state ------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """A vault is unlocked or a temporary seed is loaded."""
        return self.vault is not None or self.temp_seed is not None

    def vault_state(self) -> VaultState:
        if self.vault_storage_problem:
            return VaultState("unavailable", self.vault_storage_problem)
        if self.vault_problem is not None:
            return self.vault_problem
        path = Path(self.vault_path)
        if not path.exists():
            if previous_generation(path).exists():
                return VaultState("lost", "the vault file is missing, but its previous copy is still there")
            return VaultState("missing")
        try:
            Vault.check_file(path)
        except UnsupportedVersion as exc:
            return VaultState("unsupported", str(exc))
        except VaultCorrupt as exc:
            return VaultState("corrupt", str(exc))
        except OSError as exc:
            return VaultState("corrupt", f"the vault file cannot be read ({exc.strerror})")
        return VaultState("ok")

    def unlocked(self, vault: Vault) -> None:
        self.vault = vault
        self._settings = device_settings.clean(vault.settings.get(device_settings.VAULT_KEY))
        self._apply()
        if self.warm_up is not None:
            self.warm_up.start()

    def seeds(self) -> list[SeedEntry]:
        """Every seed in use: the vault's, then the temporary one."""
        found = list(self.vault.seeds) if self.vault is not None else []
        if self.temp_seed is not None:
            found.append(self.temp_seed)
        return found

    def is_temporary(self, entry: SeedEntry) -> bool:
        return entry is self.temp_seed

    def set_temp_seed(self, material: SeedMaterial) -> SeedEntry:
        if self.temp_seed is not None:
            self.forget_temp_seed()
        entry = SeedEntry(
            TEMP_LABEL,
            material,
            fingerprint(material.bip32_seed("")),
            datetime.now(UTC).isoformat(timespec="seconds"),
            list(DEFAULT_ACCOUNTS),
        )
        self.temp_seed = entry
        if self.warm_up is not None:
            self.warm_up.start()
        return entry

    def forget_temp_seed(self) -> None:
        if self.temp_seed is not None:
            self._drop_passphrase(self.temp_seed)
            self.temp_seed.material.wipe()
            self.temp_seed = None

    def lock(self) -> None:
        """Wipe every unlocked secret: the vault's seeds and password, the temporary seed, passphrases."""
        if self.vault is not None:
            self.vault.lock()
            self.vault = None
        self.forget_temp_seed()
        for buf in self._passphrases.values():
            buf[:] = bytes(len(buf))
        self._passphrases.clear()
        self._fingerprints.clear()

    # -- passphrases ------------------------------------------------------------------------
    def _key(self, entry: SeedEntry) -> str:
        return f"{id(entry)}:{entry.fingerprint}"

    def set_passphrase(self, entry: SeedEntry, passphrase: str) -> None:
        self._drop_passphrase(entry)
        self._fingerprints.clear()
        if passphrase:
            self._passphrases[self._key(entry)] = bytearray(passphrase.encode())

    def _drop_passphrase(self, entry: SeedEntry) -> None:
        buf = self._passphrases.pop(self._key(entry), None)
        self._fingerprints.pop(self._key(entry), None)
        if buf is not None:
            buf[:] = bytes(len(buf))

    def has_passphrase(self, entry: SeedEntry) -> bool:
        return self._key(entry) in self._passphrases

    def passphrase(self, entry: SeedEntry) -> str:
        buf = self._passphrases.get(self._key(entry))
        return bytes(buf).decode() if buf is not None else ""

    def seed_bytes(self, entry: SeedEntry) -> bytes:
        """The BIP-32 seed of ``entry`` with its passphrase in use (keep the result short-lived)."""
        return entry.bip32_seed(self.passphrase(entry))

    def fingerprint(self, entry: SeedEntry) -> str:
        """The master fingerprint in use: with the passphrase, when one is set."""
        if not self.has_passphrase(entry):
            return entry.fingerprint
        key = self._key(entry)
        cached = self._fingerprints.get(key)
        if cached is None:
            cached = fingerprint(self.seed_bytes(entry))
            self._fingerprints[key] = cached
        return cached

    def is_demo(self, fingerprint: str | None) -> bool:
        if fingerprint is None:
            return False
        if fingerprint in self.demo_fingerprints:
            return True
        return self.vault is not None and any(
            s.demo and s.fingerprint == fingerprint for s in self.vault.seeds
        )

    # -- settings ---------------------------------------------------------------------------
    @property
    def settings(self) -> dict[str, Any]:
        return dict(self._settings)

    def setting(self, key: str) -> Any:
        return self._settings[key]

    def set_setting(self, key: str, value: Any) -> None:
        """Change one setting; saved in the vault when one is unlocked. A setting that does not exist
        or a value it cannot take is a SettingError; a failed save a VaultError; either changes nothing."""
        updated = device_settings.changed(self._settings, key, value)
        if self.vault is not None:
            self.vault.update_settings(**{device_settings.VAULT_KEY: updated})
        self._settings = updated
        self._apply()

    def _apply(self) -> None:
        if self.apply_settings is not None:
            self.apply_settings(self.settings)

    # -- camera -----------------------------------------------------------------------------
    def _camera_read(self) -> Any:
        if self.camera is None:
            return None
        try:
            return self.camera()
        except CameraError:
            raise
        except Exception as exc:  # the camera is hardware: report its failure, never crash the UI
            raise CameraStopped(f"the camera failed: {type(exc).__name__}: {exc}"[:160]) from None

    def camera_gray(self) -> Any:
        """The latest camera frame as a 2-D uint8 numpy array, rotated and mirrored as set; None if
        none. The device's camera delivers gray frames: they pass through without a conversion (a
        copy only when rotated or mirrored)."""
        frame = self._camera_read()
        if frame is None:
            return None
        import numpy as np

        try:
            gray = to_gray(frame)
        except TransportError as exc:
            raise CameraStopped(f"the camera sent {exc}") from None
        rotation = self._settings["camera_rotation"]
        if rotation:
            gray = np.rot90(gray, -(rotation // 90))  # clockwise, as the setting says
        if self._settings["camera_mirror"]:
            gray = gray[:, ::-1]
        return gray if gray.flags.c_contiguous else np.ascontiguousarray(gray)

    def camera_frame(self) -> Any:
        """The latest camera frame as an RGB PIL image, rotated and mirrored as set; None if none."""
        frame = self._camera_read()
        if frame is None:
            return None
        from PIL import Image, ImageOps

        if not isinstance(frame, Image.Image):
            import numpy as np

            array = np.asarray(frame)
            if array.ndim == 3 and array.shape[2] == 3:
                array = array[:, :, ::-1]  # OpenCV frames are BGR
            elif array.ndim == 3 and array.shape[2] == 4:
                array = array[:, :, 2::-1]
            frame = Image.fromarray(np.ascontiguousarray(array))
        image = frame.convert("RGB")
        rotation = self._settings["camera_rotation"]
        if rotation:
            image = image.rotate(-rotation, expand=True)
        if self._settings["camera_mirror"]:
            image = ImageOps.mirror(image)
        return image
