"""Options and helpers shared by the sub-commands: passwords, vault path, seed source."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signer.errors import UsageError
from signer.keys.accounts import fingerprint

# Every command module is imported to build the parser (``airlock --help``, on a Pi Zero): what the
# vault helpers need (cryptography, the keys) is imported by the functions that run it.

DEFAULT_VAULT = Path(os.environ.get("AIRLOCK_VAULT", Path.home() / ".airlock" / "vault.airlock"))


# Nothing the signer reads comes near this (a photo of a QR code, a PSBT of thousands of inputs);
# reading stops here so that /dev/zero or a huge file is refused instead of filling the memory.
MAX_INPUT_BYTES = 64 * 1024 * 1024


def read_text_file(path: str, limit: int = MAX_INPUT_BYTES) -> str:
    try:
        return read_bytes_file(path, limit).decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None


def read_bytes_file(path: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The file's bytes (``-``: standard input), at most ``limit`` of them."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise UsageError(f"{path} is larger than {limit // (1024 * 1024)} MiB: not an input Airlock reads")
    return data


def get_password(file: str | None, env: str, prompt: str, confirm: bool = False) -> str:
    """From ``--...-password-file``, else the environment variable, else an interactive prompt."""
    if file:
        value = read_text_file(file).rstrip("\r\n")
    elif os.environ.get(env):
        value = os.environ[env]
    elif sys.stdin.isatty():
        value = getpass.getpass(f"{prompt}: ")
        if confirm and getpass.getpass(f"{prompt} (again): ") != value:
            raise UsageError("the two passwords differ")
    else:
        raise UsageError(f"no password: give a password file or set {env}")
    if not value:
        raise UsageError("the password is empty")
    return value


def get_new_password(file: str | None, env: str, prompt: str, what: str) -> str:
    """A password about to be set (typed twice at a prompt), checked against the password rule."""
    from signer.keys.passwords import check_new_password

    value = get_password(file, env, prompt, confirm=True)
    check_new_password(value, what)
    return value


def typed_again(given: str | None, what: str, name: str, effect: str) -> str:
    """The name of what is about to be removed, typed again (``--confirm``, else asked on a terminal)."""
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise UsageError(f"deleting needs --confirm {what.upper()} (the {what} typed again)")
    return input(f"Type the {what} {name!r} again to {effect}: ")


def add_vault_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vault", type=Path, default=DEFAULT_VAULT, help=f"vault file (default {DEFAULT_VAULT})"
    )
    parser.add_argument(
        "--password-file", help="file holding the vault password (else $AIRLOCK_PASSWORD or a prompt)"
    )


def vault_password(args: argparse.Namespace) -> str:
    return get_password(args.password_file, "AIRLOCK_PASSWORD", "Vault password")


def new_vault_password(args: argparse.Namespace) -> str:
    """The password of a vault about to be created (the password rule applies)."""
    return get_new_password(args.password_file, "AIRLOCK_PASSWORD", "Vault password", "vault password")


def open_vault(args: argparse.Namespace) -> Any:
    from signer.keys.vault import Vault

    return Vault.open(args.vault, vault_password(args))


def add_seed_args(parser: argparse.ArgumentParser, required: bool = True) -> None:
    """``--vault PATH --seed LABEL`` or ``--mnemonic-file F``; optional ``--passphrase-file``."""
    add_vault_arg(parser)
    parser.add_argument("--seed", metavar="LABEL", help="label of a seed stored in the vault")
    parser.add_argument("--mnemonic-file", metavar="F", help="file holding a BIP-39 mnemonic (not stored)")
    parser.add_argument("--passphrase-file", metavar="F", help="file holding the BIP-39/SLIP-39 passphrase")
    parser.set_defaults(_seed_required=required)


@dataclass
class UnlockedSeed:
    """A seed ready to sign with; wiped when the ``open_seed`` block ends."""

    label: str
    fingerprint: str
    _seed: bytearray
    vault: Any = None
    multisig: list[dict[str, str]] = field(default_factory=list)  # vault records: name, descriptor
    history: dict[str, Any] = field(default_factory=dict)
    accounts: list[Any] = field(default_factory=list)

    def seed_bytes(self) -> bytes:
        return bytes(self._seed)

    def save_history(self, history: dict[str, Any]) -> None:
        self.history = history
        if self.vault is not None:
            self.vault.set_history(self.label, history)

    def wipe(self) -> None:
        self._seed[:] = bytes(len(self._seed))
        if self.vault is not None:
            self.vault.lock()

    def __repr__(self) -> str:
        return f"<UnlockedSeed {self.label!r} {self.fingerprint}>"


@contextlib.contextmanager
def open_seed(args: argparse.Namespace) -> Iterator[UnlockedSeed]:
    passphrase = read_text_file(args.passphrase_file).rstrip("\r\n") if args.passphrase_file else ""
    if args.mnemonic_file and args.seed:
        raise UsageError("give either --seed (from the vault) or --mnemonic-file, not both")
    if args.mnemonic_file:
        from signer.keys.seed import Bip39Seed

        material = Bip39Seed.from_mnemonic(read_text_file(args.mnemonic_file))
        seed = bytearray(material.bip32_seed(passphrase))
        material.wipe()
        unlocked = UnlockedSeed("mnemonic file", fingerprint(bytes(seed)), seed)
    elif args.seed:
        vault = open_vault(args)
        try:
            entry = vault.get(args.seed)
        except BaseException:
            vault.lock()
            raise
        seed = bytearray(entry.bip32_seed(passphrase))
        unlocked = UnlockedSeed(
            entry.label,
            fingerprint(bytes(seed)),
            seed,
            vault,
            [dict(m) for m in entry.multisig],
            dict(entry.history),
            list(entry.accounts),
        )
    else:
        raise UsageError("say which seed: --vault PATH --seed LABEL, or --mnemonic-file F")
    try:
        yield unlocked
    finally:
        unlocked.wipe()


def print_json(data: Any) -> None:
    import json

    print(json.dumps(data, indent=2, sort_keys=False))
