"""Drive the device UI the way a person does: joystick moves, presses, key holds, a clock.

Everything goes through ``App.handle`` / ``App.tick`` with ``Input`` events; helpers only read
``content()`` to decide which moves to make (which key of the keyboard is under the cursor, which
menu item is selected), exactly as a person reads the screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.person import Driver, FrameCamera, collect_qr, decode_frames, qr_images
from signer.keys import envelope
from ui.device import build_app
from ui.session import Session

KDF = envelope.TEST_KDF
PASSWORD = "vault pass 123"
ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
ABANDON_FP = "73c5da0a"
LEGAL = "legal winner thank year wave sausage worth useful legal winner thank yellow"


def make_session(tmp_path: Path, **kwargs: Any) -> Session:
    kwargs.setdefault("kdf", KDF)
    return Session(tmp_path / "device.vault", **kwargs)


def start(session: Session) -> Driver:
    return Driver(build_app(session))


def vault_with(tmp_path: Path, mnemonics: dict[str, str], password: str = PASSWORD, **settings: Any) -> Path:
    from signer.keys.accounts import AccountSpec
    from signer.keys.seed import Bip39Seed
    from signer.keys.vault import Vault

    path = tmp_path / "device.vault"
    vault = Vault.create(path, password, KDF)
    for label, words in mnemonics.items():
        vault.add_seed(label, Bip39Seed.from_mnemonic(words), [AccountSpec("btc-84"), AccountSpec("eth")])
    if settings:
        vault.update_settings(device=settings)
    vault.lock()
    return path


def unlocked(
    tmp_path: Path, mnemonics: dict[str, str] | None = None, **kwargs: Any
) -> tuple[Session, Driver]:
    """A session whose vault holds ``mnemonics``, unlocked through the UI."""
    vault_with(tmp_path, mnemonics if mnemonics is not None else {"main": ABANDON})
    session = make_session(tmp_path, **kwargs)
    driver = start(session)
    driver.choose("Unlock")
    driver.type_text(PASSWORD)
    assert session.vault is not None, driver.text()
    return session, driver


__all__ = ["Driver", "FrameCamera", "collect_qr", "decode_frames", "qr_images"]
