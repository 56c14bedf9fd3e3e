"""``airlock slip39 split|combine``: Shamir backups of a native SLIP-39 wallet or a BIP-39 seed."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from signer.commands._common import add_seed_args, open_vault, print_json, read_text_file
from signer.errors import UsageError
from signer.keys.accounts import AccountSpec, derive_btc_account

if TYPE_CHECKING:
    from signer.keys.seed import SeedMaterial

# Every command module is imported to build the parser (``airlock --help``, on a Pi Zero): what
# SLIP-39 needs (shamir-mnemonic, the vault) is imported by the functions that run it.

BIP39_NOTE = (
    "NOTE: these shares hold a BIP-39 seed's entropy. Combine them with Airlock to get the same words "
    "back; a Trezor would treat them as a different wallet."
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("slip39", help="SLIP-39 Shamir shares: split and combine")
    cmds = parser.add_subparsers(dest="slip39_command", required=True, metavar="ACTION")

    split = cmds.add_parser("split", help="split a seed into SLIP-39 shares")
    add_seed_args(split)
    split.add_argument("--plan", default="2of3", help="2of3, or 2:2of3,2of3,1of1 for groups (default 2of3)")
    split.add_argument(
        "--kind",
        "--mode",
        dest="kind",
        choices=("native", "bip39"),
        help="native for a SLIP-39 wallet, bip39 for the words of a BIP-39 seed (default: the seed's own)",
    )
    split.add_argument(
        "--share-passphrase-file", metavar="F", help="bip39 mode: passphrase protecting the shares"
    )
    split.add_argument("--json", action="store_true")
    split.set_defaults(func=cmd_split)

    combine = cmds.add_parser("combine", help="recover from shares (one per line, any order)")
    combine.add_argument("file", help="file of shares, one per line (- for stdin)")
    combine.add_argument(
        "--kind",
        "--mode",
        dest="kind",
        choices=("native", "bip39"),
        help="bip39: shares Airlock made of seed words; native: a SLIP-39 wallet (Trezor). "
        "Without it, when the shares could be either, both wallets are listed and nothing is restored",
    )
    combine.add_argument("--share-passphrase-file", metavar="F", help="passphrase given when splitting")
    combine.add_argument("--json", action="store_true")
    combine.set_defaults(func=cmd_combine)


def _seed_material(args: argparse.Namespace) -> SeedMaterial:
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
    mode = args.kind or ("bip39" if isinstance(material, Bip39Seed) else "native")
    try:
        if mode == "native":
            if isinstance(material, Bip39Seed):
                raise UsageError(
                    "this is a BIP-39 seed: native SLIP-39 shares would be another wallet; use --kind bip39"
                )
            shares = slip39.split_native(material, plan)
        else:
            if not isinstance(material, Bip39Seed):
                raise UsageError("this is a native SLIP-39 wallet; use --kind native")
            passphrase = (
                read_text_file(args.share_passphrase_file).rstrip("\r\n")
                if args.share_passphrase_file
                else ""
            )
            shares = slip39.split_bip39(material, plan, passphrase)
    finally:
        material.wipe()
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


def read_shares(path: str) -> list[str]:
    """Shares from a file, one per line; blank lines and # comments are skipped."""
    return [
        line.strip() for line in read_text_file(path).splitlines() if line.strip() and line.strip()[0] != "#"
    ]


def choose_kind(shares: list[str], kind: str | None, passphrase: str, option: str, as_json: bool) -> str:
    """``kind`` when given; else the only wallet the shares can be. When they can be a BIP-39 seed
    as well as a native SLIP-39 wallet, list both (fingerprint, first address) and stop: picking one
    silently could restore a wallet other than the person's."""
    from signer.keys import slip39

    if kind is not None:
        return kind
    found = slip39.candidates(shares, passphrase)
    if len(found) == 1:
        return found[0].mode
    if as_json:
        print_json({"candidates": [c.to_json() for c in found]})
    else:
        print("These shares can restore two different wallets:", file=sys.stderr)
        for candidate in found:
            print(f"  {option} {candidate.mode:<7} {candidate.describe()}", file=sys.stderr)
        print(
            "Compare the fingerprint or first address with the wallet you expect, then run again with "
            f"{option} bip39 or {option} native.",
            file=sys.stderr,
        )
    raise UsageError(f"nothing restored: say which wallet with {option} bip39 or {option} native")


def cmd_combine(args: argparse.Namespace) -> int:
    from signer.keys import slip39
    from signer.netcheck import warn_if_online

    shares = read_shares(args.file)
    passphrase = (
        read_text_file(args.share_passphrase_file).rstrip("\r\n") if args.share_passphrase_file else ""
    )
    kind = choose_kind(shares, args.kind, passphrase, "--kind", args.json)
    if kind == "bip39":
        seed = slip39.combine_bip39(shares, passphrase)
        try:
            bip32_seed = seed.bip32_seed()
            result = {"mode": "bip39", "mnemonic": seed.mnemonic()}
        finally:
            seed.wipe()
    else:
        bip32_seed = slip39.master_secret(shares, passphrase)
        result = {"mode": "native", "master_secret": bip32_seed.hex()}
    account = derive_btc_account(bip32_seed, AccountSpec("btc-84"))
    result["fingerprint"] = account.fingerprint
    result["first_address"] = account.address(0, 0)
    warn_if_online()
    if args.json:
        print_json(result)
    else:
        print(result.get("mnemonic") or result["master_secret"])
        print(
            f"{slip39.MODE_NAMES[kind]}: fingerprint {result['fingerprint']}, "
            f"first address {result['first_address']}",
            file=sys.stderr,
        )
    return 0
