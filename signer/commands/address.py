"""``airlock address check ADDRESS...``: is each address ours, and where (account, branch, index)?

Searches the receive and change chains (first ``--gap`` indexes) of the chosen single-sig accounts
(default: BIP-84, 86, 49 and 44 account 0) and of every registered multisig wallet. Prints one JSON
object per address; exits 0 when every address was found, 1 when some were not.
"""

from __future__ import annotations

import argparse
import json

from signer.commands._common import add_seed_args


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("address", help="check whether addresses belong to this seed")
    cmds = parser.add_subparsers(dest="address_command", required=True, metavar="ACTION")
    check = cmds.add_parser("check", help="search our accounts and registered wallets for ADDRESS")
    check.add_argument("addresses", nargs="+", metavar="ADDRESS")
    add_seed_args(check)
    check.add_argument(
        "--account",
        action="append",
        metavar="KIND[:INDEX]",
        help="account to search, e.g. btc-84 or btc-86:1 (repeatable; default btc-84/86/49/44:0)",
    )
    check.add_argument("--network", choices=("main", "test", "signet", "regtest"), default="main")
    check.add_argument(
        "--gap", type=int, default=1000, metavar="N", help="indexes per chain to search (1000)"
    )
    check.set_defaults(func=cmd_check)  # fmt: skip


def _account_paths(specs: list[str] | None, network: str) -> list[tuple[int, ...]] | None:
    if not specs:
        return None
    from signer.btc.networks import parse_path
    from signer.errors import UsageError
    from signer.keys.accounts import AccountSpec

    paths = []
    for spec in specs:
        kind, _, index = spec.partition(":")
        if index and not (index.isascii() and index.isdigit()):
            raise UsageError(f"--account {spec}: the index must be a number")
        account = AccountSpec.parse(kind, network, int(index or 0))
        if not account.is_bitcoin or kind.startswith("btc-48"):
            raise UsageError(f"--account {spec}: only single-sig Bitcoin accounts (btc-44/49/84/86)")
        paths.append(parse_path(account.path))
    return paths


def cmd_check(args: argparse.Namespace) -> int:
    from signer.btc import BtcKeys
    from signer.btc.address_check import check_address
    from signer.commands._common import open_seed

    accounts = _account_paths(args.account, args.network)
    missing = 0
    with open_seed(args) as unlocked:
        keys = BtcKeys.from_seed(unlocked.seed_bytes(), args.network, unlocked.multisig)
        for address in args.addresses:
            match = check_address(address, keys, accounts=accounts, gap=args.gap)
            if match is None:
                missing += 1
                print(json.dumps({"address": address, "ours": False, "searched": args.gap}))
            else:
                print(json.dumps(match.to_json()))
    return 1 if missing else 0
