"""``airlock vault init|add|list|rename|delete|passwd``: the encrypted seed store."""

from __future__ import annotations

import argparse
import shlex
import sys

from signer.commands._common import (
    add_vault_arg,
    get_new_password,
    new_vault_password,
    open_vault,
    print_json,
    read_text_file,
    typed_again,
    vault_password,
)
from signer.commands.seed import add_entropy_args, new_entropy
from signer.commands.slip39 import choose_kind, read_shares
from signer.derivation import Network
from signer.keys.accounts import AccountSpec

# Every command module is imported to build the parser (``airlock --help``, on a Pi Zero): what the
# vault needs (cryptography, the keys) is imported by the functions that run it.


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("vault", help="the encrypted seed store")
    cmds = parser.add_subparsers(dest="vault_command", required=True, metavar="ACTION")

    init = cmds.add_parser("init", help="create an empty vault")
    add_vault_arg(init)
    init.set_defaults(func=cmd_init)

    add = cmds.add_parser("add", help="store a seed: from a mnemonic, SLIP-39 shares, or new")
    add_vault_arg(add)
    add.add_argument("--label", required=True)
    src = add.add_mutually_exclusive_group(required=True)
    src.add_argument("--mnemonic-file", metavar="F", help="BIP-39 mnemonic to import")
    src.add_argument("--slip39-file", metavar="F", help="SLIP-39 shares, one per line, in any order")
    src.add_argument("--generate", action="store_true", help="a new BIP-39 seed")
    src.add_argument("--generate-slip39", action="store_true", help="a new native SLIP-39 wallet")
    add.add_argument("--words", type=int, default=24, choices=(12, 15, 18, 21, 24), help="with --generate")
    add.add_argument("--bits", type=int, default=128, choices=(128, 256), help="with --generate-slip39")
    add_entropy_args(add, "with --generate: ")
    add.add_argument("--slip39-passphrase-file", metavar="F", help="with --generate-slip39: its passphrase")
    add.add_argument(
        "--slip39-kind",
        choices=("native", "bip39"),
        help="with --slip39-file: bip39 for shares Airlock made of seed words, native for a SLIP-39 "
        "wallet (Trezor); needed when the shares could be either",
    )
    add.add_argument("--accounts", default="btc-84,eth", help="account kinds to show, comma separated")
    add.add_argument("--network", default=str(Network.MAIN), help="network for the Bitcoin accounts")
    add.add_argument("--show-words", action="store_true", help="with --generate: print the new words")
    add.set_defaults(func=cmd_add)

    lst = cmds.add_parser("list", help="labels, kinds, fingerprints and accounts")
    add_vault_arg(lst)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_list)

    ren = cmds.add_parser("rename", help="rename a seed")
    add_vault_arg(ren)
    ren.add_argument("label")
    ren.add_argument("new_label")
    ren.set_defaults(func=cmd_rename)

    dele = cmds.add_parser("delete", help="delete a seed (type its label again to confirm)")
    add_vault_arg(dele)
    dele.add_argument("label")
    dele.add_argument("--confirm", metavar="LABEL", help="the label again (else asked interactively)")
    dele.set_defaults(func=cmd_delete)

    pw = cmds.add_parser("passwd", help="change the vault password")
    add_vault_arg(pw)
    pw.add_argument(
        "--new-password-file", help="file with the new password (else $AIRLOCK_NEW_PASSWORD or a prompt)"
    )
    pw.set_defaults(func=cmd_passwd)


def cmd_init(args: argparse.Namespace) -> int:
    from signer.keys.vault import Vault

    password = new_vault_password(args)
    args.vault.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    vault = Vault.create(args.vault, password)
    print(f"created an empty vault at {vault.path}")
    vault.lock()
    return 0


def _material(args: argparse.Namespace) -> tuple[object, str | None]:
    from signer.keys import slip39
    from signer.keys.seed import Bip39Seed, Slip39Seed

    if args.mnemonic_file:
        return Bip39Seed.from_mnemonic(read_text_file(args.mnemonic_file)), None
    if args.slip39_file:
        shares = read_shares(args.slip39_file)
        return slip39.combine(shares, choose_kind(shares, args.slip39_kind, "", "--slip39-kind", False)), None
    if args.generate_slip39:
        passphrase = (
            read_text_file(args.slip39_passphrase_file).rstrip("\r\n") if args.slip39_passphrase_file else ""
        )
        return Slip39Seed.generate(args.bits, passphrase=passphrase), None

    secret, notes = new_entropy(args)
    for note in notes:
        print(note, file=sys.stderr)
    material = Bip39Seed(secret)
    return material, material.mnemonic() if args.show_words else None


def cmd_add(args: argparse.Namespace) -> int:
    from signer.netcheck import warn_if_online

    accounts = [
        AccountSpec.parse(k.strip(), args.network if k.strip().startswith("btc") else Network.MAIN)
        for k in args.accounts.split(",")
        if k.strip()
    ]
    vault = open_vault(args)
    try:
        material, words = _material(args)
        entry = vault.add_seed(args.label, material, accounts)
        if words:
            warn_if_online()
            print(words)
        print(f"stored {entry.kind} seed {entry.label!r} (fingerprint {entry.fingerprint})", file=sys.stderr)
        seed = shlex.quote(entry.label)
        if args.generate and not words:
            print(
                f"Its words were not shown: write them down from `airlock seed show --seed {seed}`.",
                file=sys.stderr,
            )
        elif args.generate_slip39:
            print(f"Back it up as shares: `airlock slip39 split --seed {seed}`.", file=sys.stderr)
    finally:
        vault.lock()
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    vault = open_vault(args)
    try:
        rows = [entry.summary() for entry in vault.seeds]
    finally:
        vault.lock()
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("the vault holds no seeds yet")
    for row in rows:
        accounts = ", ".join(
            f"{a['kind']}#{a['index']}" + ("" if a["network"] == Network.MAIN else f"({a['network']})")
            for a in row["accounts"]
        )
        print(f"{row['label']:<20} {row['kind']:<7} {row['fingerprint']}  {accounts}")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    vault = open_vault(args)
    try:
        vault.rename(args.label, args.new_label)
    finally:
        vault.lock()
    print(f"renamed {args.label!r} to {args.new_label!r}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    confirm = typed_again(args.confirm, "label", args.label, "delete it for good")
    vault = open_vault(args)
    try:
        vault.delete(args.label, confirm)
    finally:
        vault.lock()
    print(f"deleted {args.label!r} (the previous vault generation keeps it until the next change)")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    old = vault_password(args)
    from signer.keys.vault import Vault

    vault = Vault.open(args.vault, old)
    try:
        new = get_new_password(
            args.new_password_file, "AIRLOCK_NEW_PASSWORD", "New vault password", "vault password"
        )
        vault.change_password(old, new)
    finally:
        vault.lock()
    print("password changed")
    return 0
