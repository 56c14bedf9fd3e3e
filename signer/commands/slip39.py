"""``airlock slip39 split|combine``: Shamir backups of a native SLIP-39 wallet or a BIP-39 seed."""

from __future__ import annotations

import argparse
import sys

from signer.commands._common import add_seed_args, open_vault, print_json, read_text_file
from signer.errors import UsageError

BIP39_NOTE = (
    "NOTE: these shares hold a BIP-39 seed's entropy. Combine them with Airlock to get the same words "
    "back; a Trezor would treat them as a different wallet."
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("slip39", help="SLIP-39 Shamir shares: split and combine")
    cmds = parser.add_subparsers(dest="slip39_command", required=True, metavar="ACTION")

    split = cmds.add_parser("split", help="split a seed into SLIP-39 shares")
    add_seed_args(split)
    split.add_argument("--plan", default="2of3", help="2of3, or 2:2of3,2of3,1of1 for groups (default 2of3)")
    split.add_argument(
        "--mode", choices=("native", "bip39"), help="native for a SLIP-39 wallet, bip39 for BIP-39"
    )
    split.add_argument(
        "--share-passphrase-file", metavar="F", help="bip39 mode: passphrase protecting the shares"
    )
    split.add_argument("--json", action="store_true")
    split.set_defaults(func=cmd_split)

    combine = cmds.add_parser("combine", help="recover from shares (one per line, any order)")
    combine.add_argument("file", help="file of shares, one per line (- for stdin)")
    combine.add_argument("--mode", choices=("native", "bip39"), default="bip39")
    combine.add_argument("--share-passphrase-file", metavar="F", help="passphrase given when splitting")
    combine.add_argument("--json", action="store_true")
    combine.set_defaults(func=cmd_combine)


def _seed_material(args: argparse.Namespace) -> object:
    from signer.keys.seed import Bip39Seed

    if args.mnemonic_file:
        return Bip39Seed.from_mnemonic(read_text_file(args.mnemonic_file))
    if not args.seed:
        raise UsageError("say which seed: --vault PATH --seed LABEL, or --mnemonic-file F")
    from signer.keys.seed import material_from_json

    vault = open_vault(args)
    try:
        entry = vault.get(args.seed)
        return material_from_json(entry.kind, entry.material.to_json())  # a copy: lock() wipes the vault's
    finally:
        vault.lock()


def cmd_split(args: argparse.Namespace) -> int:
    from signer.keys import slip39
    from signer.keys.seed import Bip39Seed
    from signer.netcheck import warn_if_online

    plan = slip39.SplitPlan.parse(args.plan)
    material = _seed_material(args)
    mode = args.mode or ("bip39" if isinstance(material, Bip39Seed) else "native")
    try:
        if mode == "native":
            if isinstance(material, Bip39Seed):
                raise UsageError(
                    "this is a BIP-39 seed: native SLIP-39 shares would be another wallet; use --mode bip39"
                )
            shares = slip39.split_native(material, plan)  # type: ignore[arg-type]
        else:
            if not isinstance(material, Bip39Seed):
                raise UsageError("this is a native SLIP-39 wallet; use --mode native")
            passphrase = (
                read_text_file(args.share_passphrase_file).rstrip("\r\n")
                if args.share_passphrase_file
                else ""
            )
            shares = slip39.split_bip39(material, plan, passphrase)
    finally:
        material.wipe()  # type: ignore[attr-defined]
    warn_if_online()
    if args.json:
        print_json({"mode": mode, "plan": plan.describe(), "groups": shares})
    else:
        for g, group in enumerate(shares, start=1):
            for i, share in enumerate(group, start=1):
                print(f"# group {g} of {len(shares)}, share {i} of {len(group)}", file=sys.stderr)
                print(share)
    print(f"{plan.describe()}, mode {mode}", file=sys.stderr)
    if mode == "bip39":
        print(BIP39_NOTE, file=sys.stderr)
    return 0


def cmd_combine(args: argparse.Namespace) -> int:
    from signer.keys import slip39
    from signer.keys.accounts import fingerprint
    from signer.netcheck import warn_if_online

    shares = [
        line.strip() for line in read_text_file(args.file).splitlines() if line.strip() and line[0] != "#"
    ]
    passphrase = (
        read_text_file(args.share_passphrase_file).rstrip("\r\n") if args.share_passphrase_file else ""
    )
    warn_if_online()
    if args.mode == "bip39":
        seed = slip39.combine_bip39(shares, passphrase)
        result = {"mode": "bip39", "mnemonic": seed.mnemonic(), "fingerprint": fingerprint(seed.bip32_seed())}
        seed.wipe()
    else:
        master = slip39.master_secret(shares, passphrase)
        result = {"mode": "native", "master_secret": master.hex(), "fingerprint": fingerprint(master)}
    if args.json:
        print_json(result)
    else:
        print(result.get("mnemonic") or result["master_secret"])
        print(f"fingerprint {result['fingerprint']}", file=sys.stderr)
    return 0
