"""``airlock backup export|restore``: the encrypted, portable backup of chosen seeds.

``--format kef`` reads and writes Krux's encrypted mnemonic (a KEF envelope, ``keys/kef.py``):
``export --format kef --seeds LABEL`` writes one BIP-39 seed as the text a Krux QR code holds
(base43; ``--encoding`` picks base64, hex or the raw bytes instead), and ``restore`` recognises a
KEF envelope in any of those forms, or an entry of Krux's ``seeds.json`` (``--kef-id``), by itself
and stores its seed under ``--label`` (default: the envelope's ID; Krux's default is the fingerprint).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from signer.commands._common import (
    add_vault_arg,
    get_new_password,
    get_password,
    new_vault_password,
    open_vault,
    read_bytes_file,
)
from signer.derivation import Network
from signer.errors import UsageError
from signer.keys.accounts import AccountSpec
from signer.keys.errors import NotKef, VaultCorrupt

# Every command module is imported to build the parser (``airlock --help``, on a Pi Zero): what
# backups need (the vault and backup codecs: cryptography, embit) is imported by the functions that
# run it.


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("backup", help="encrypted backup of chosen seeds")
    cmds = parser.add_subparsers(dest="backup_command", required=True, metavar="ACTION")

    export = cmds.add_parser("export", help="write an encrypted backup of chosen seeds")
    add_vault_arg(export)
    export.add_argument("--seeds", help="labels, comma separated (default: all)")
    export.add_argument(
        "--backup-password-file", help="its own password (else $AIRLOCK_BACKUP_PASSWORD or a prompt)"
    )
    export.add_argument("-o", "--output", required=True, help="backup file to write (- for stdout)")
    export.add_argument(
        "--format",
        choices=("airlock", "kef"),
        default="airlock",
        help="airlock: Airlock's backup of chosen seeds; kef: Krux encrypted mnemonic of one seed",
    )
    export.add_argument("--kef-id", metavar="ID", help="kef: the envelope's ID (default: the fingerprint)")
    export.add_argument(
        "--encoding",
        choices=("base43", "base64", "hex", "binary"),
        default="base43",
        help="kef: base43 is the text of Krux's QR code (default); base64 as in Krux's seeds.json",
    )
    export.set_defaults(func=cmd_export)

    restore = cmds.add_parser("restore", help="add the seeds of a backup to a vault")
    add_vault_arg(restore)
    restore.add_argument("file", help="the backup file (- for stdin)")
    restore.add_argument("--backup-password-file")
    restore.add_argument("--create", action="store_true", help="create the vault if it does not exist")
    restore.add_argument(
        "--format",
        choices=("auto", "airlock", "kef"),
        default="auto",
        help="auto (default): an Airlock backup, else a Krux encrypted mnemonic (KEF)",
    )
    restore.add_argument("--label", help="kef: label for the restored seed (default: the envelope's ID)")
    restore.add_argument("--kef-id", metavar="ID", help="kef: which entry of a Krux seeds.json to restore")
    restore.add_argument("--accounts", default="btc-84,eth", help="kef: account kinds, comma separated")
    restore.add_argument("--network", default=str(Network.MAIN), help="kef: network for the Bitcoin accounts")
    restore.set_defaults(func=cmd_restore)


def _backup_password(args: argparse.Namespace) -> str:
    return get_password(args.backup_password_file, "AIRLOCK_BACKUP_PASSWORD", "Backup password")


def _new_backup_password(args: argparse.Namespace) -> str:
    return get_new_password(
        args.backup_password_file, "AIRLOCK_BACKUP_PASSWORD", "Backup password", "backup password"
    )


def cmd_export(args: argparse.Namespace) -> int:
    from signer.btc.multisig_registry import check_seed_records
    from signer.keys.backup import export_backup

    if args.format == "kef":
        return _export_kef(args)
    vault = open_vault(args)
    try:
        labels = [x.strip() for x in args.seeds.split(",")] if args.seeds else vault.labels()
        entries = [vault.get(label) for label in labels]
        blob = export_backup(entries, _new_backup_password(args), check=check_seed_records)
    finally:
        vault.lock()
    _write(args.output, blob)
    print(f"backed up {len(labels)} seed(s), {len(blob)} bytes", file=sys.stderr)
    return 0


def _write(output: str, blob: bytes) -> None:
    from signer.atomic_file import atomic_write

    if output == "-":
        sys.stdout.buffer.write(blob)
    else:
        atomic_write(Path(output), blob)


def _export_kef(args: argparse.Namespace) -> int:
    import base64

    from signer.keys import kef, kef_mnemonic
    from signer.transport import base43

    labels = [x.strip() for x in (args.seeds or "").split(",") if x.strip()]
    if len(labels) != 1:
        raise UsageError("a Krux encrypted mnemonic holds one seed: give --seeds LABEL")
    vault = open_vault(args)
    try:
        entry = vault.get(labels[0])
        blob = kef_mnemonic.export_mnemonic(
            entry.material, _new_backup_password(args), args.kef_id or entry.fingerprint
        )
    finally:
        vault.lock()
    encoded = {
        "base43": lambda: base43.encode(blob).encode() + b"\n",
        "base64": lambda: base64.b64encode(blob) + b"\n",
        "hex": lambda: blob.hex().encode() + b"\n",
        "binary": lambda: blob,
    }[args.encoding]()
    _write(args.output, encoded)
    print(f"Krux encrypted mnemonic of {entry.label!r}: {kef.unwrap(blob).describe()}", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from signer.btc.multisig_registry import check_seed_records
    from signer.keys.backup import is_backup, read_backup, restore_into

    blob = read_bytes_file(args.file)
    fmt = args.format if args.format != "auto" else ("airlock" if is_backup(blob) else "kef")
    if fmt == "kef":
        try:
            return _restore_kef(args, blob)
        except NotKef:
            if args.format == "kef":
                raise
            what = "is neither an Airlock backup nor a Krux encrypted mnemonic"
            raise VaultCorrupt(f"{args.file} {what}") from None
    entries = read_backup(blob, _backup_password(args), check=check_seed_records)
    vault = _target_vault(args)
    try:
        restored, skipped = restore_into(vault, entries)
    finally:
        vault.lock()
    for label in restored:
        print(f"restored {label!r}")
    for label in skipped:
        print(f"skipped {label!r}: already in the vault", file=sys.stderr)
    return 0


def _target_vault(args: argparse.Namespace) -> Any:
    from signer.keys.vault import Vault

    if args.vault.exists():
        return open_vault(args)
    if not args.create:
        raise UsageError(f"no vault at {args.vault}; add --create to make one")
    password = new_vault_password(args)
    args.vault.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return Vault.create(args.vault, password)


def _restore_kef(args: argparse.Namespace, blob: bytes) -> int:
    from signer.keys.kef_mnemonic import inspect, read_mnemonic

    blob = _sd_card_entry(args, blob)
    print(f"Krux encrypted mnemonic: {inspect(blob).describe()}", file=sys.stderr)
    accounts = [
        AccountSpec.parse(k.strip(), args.network if k.strip().startswith("btc") else Network.MAIN)
        for k in args.accounts.split(",")
        if k.strip()
    ]
    found = read_mnemonic(blob, _backup_password(args))
    try:
        vault = _target_vault(args)
        try:
            label = args.label or _free_label(vault, found.label_hint or "Krux")
            entry = vault.add_seed(label, found.material, accounts)
        finally:
            vault.lock()
    finally:
        found.material.wipe()
    print(f"restored {entry.label!r} (fingerprint {entry.fingerprint}) from {found.envelope.describe()}")
    return 0


def _sd_card_entry(args: argparse.Namespace, blob: bytes) -> bytes:
    """One envelope of a Krux seeds.json (picked by --kef-id when it holds several), else ``blob``."""
    from signer.keys.kef_text import sd_card_entries

    entries = sd_card_entries(blob)
    if not entries:
        return blob
    if args.kef_id:
        if args.kef_id not in entries:
            raise UsageError(
                f"no entry {args.kef_id!r} in {args.file}; it holds {', '.join(sorted(entries))}"
            )
        return entries[args.kef_id]
    if len(entries) > 1:
        raise UsageError(
            f"{args.file} holds {len(entries)} seeds: say which with --kef-id ({', '.join(sorted(entries))})"
        )
    return next(iter(entries.values()))


def _free_label(vault: Any, wanted: str) -> str:
    label, n = wanted[:40], 2
    while label in vault.labels():
        label = f"{wanted[:34]} ({n})"
        n += 1
    return label
