"""``airlock backup export|restore``: the encrypted, portable backup of chosen seeds."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from signer.commands._common import add_vault_arg, get_password, open_vault, read_bytes_file
from signer.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("backup", help="encrypted backup of chosen seeds")
    cmds = parser.add_subparsers(dest="backup_command", required=True, metavar="ACTION")

    export = cmds.add_parser("export", help="write an encrypted backup of chosen seeds")
    add_vault_arg(export)
    export.add_argument("--seeds", help="labels, comma separated (default: all)")
    export.add_argument(
        "--backup-password-file", help="its own password (else $AIRLOCK_BACKUP_PASSWORD or a prompt)"
    )
    export.add_argument("-o", "--output", required=True, help="backup file to write (- for stdout)")
    export.set_defaults(func=cmd_export)

    restore = cmds.add_parser("restore", help="add the seeds of a backup to a vault")
    add_vault_arg(restore)
    restore.add_argument("file", help="the backup file (- for stdin)")
    restore.add_argument("--backup-password-file")
    restore.add_argument("--create", action="store_true", help="create the vault if it does not exist")
    restore.set_defaults(func=cmd_restore)


def _backup_password(args: argparse.Namespace, confirm: bool) -> str:
    return get_password(args.backup_password_file, "AIRLOCK_BACKUP_PASSWORD", "Backup password", confirm)


def cmd_export(args: argparse.Namespace) -> int:
    from signer.atomic_file import atomic_write
    from signer.keys.backup import export_backup

    vault = open_vault(args)
    try:
        labels = [x.strip() for x in args.seeds.split(",")] if args.seeds else vault.labels()
        entries = [vault.get(label) for label in labels]
        blob = export_backup(entries, _backup_password(args, confirm=True))
    finally:
        vault.lock()
    if args.output == "-":
        sys.stdout.buffer.write(blob)
    else:
        atomic_write(Path(args.output), blob)
    print(f"backed up {len(labels)} seed(s), {len(blob)} bytes", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from signer.keys.backup import read_backup, restore_into
    from signer.keys.vault import Vault

    blob = read_bytes_file(args.file)
    entries = read_backup(blob, _backup_password(args, confirm=False))
    if not args.vault.exists():
        if not args.create:
            raise UsageError(f"no vault at {args.vault}; add --create to make one")
        from signer.commands._common import vault_password

        args.vault.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        vault = Vault.create(args.vault, vault_password(args, confirm=True))
    else:
        vault = open_vault(args)
    try:
        restored, skipped = restore_into(vault, entries)
    finally:
        vault.lock()
    for label in restored:
        print(f"restored {label!r}")
    for label in skipped:
        print(f"skipped {label!r}: already in the vault", file=sys.stderr)
    return 0
