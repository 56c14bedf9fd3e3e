"""``airlock address check ADDRESS...``: is each address ours, and where (account, path)?

ADDRESS is any form wallets show: a Bitcoin address (bech32 in either case, base58), a ``bitcoin:``
URI with parameters (BIP-21, also ``BITCOIN:BC1Q...``), an Ethereum address (checksummed or not) or
an ``ethereum:`` request (EIP-681). Bitcoin: the receive and change chains (first ``--gap`` indexes)
of the seed's accounts that can make that kind of address (default also BIP-84, 86, 49 and 44
account 0) and of its registered multisig wallets, on the address's own network. Ethereum: the
seed's Ethereum accounts. The device's address check gives the same answer in the same words.

Prints one JSON object per address on stdout and the answer in words on stderr; exits 0 when every
address was found, 1 when some were not.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from signer.commands._common import add_seed_args, open_seed
from signer.derivation import NETWORK_NAMES, Network
from signer.errors import UsageError
from signer.keys.accounts import AccountSpec

# Every command module is imported to build the parser (``airlock --help``, on a Pi Zero): what the
# address check needs (embit) is imported by the functions that run it.


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("address", help="check whether addresses belong to this seed")
    cmds = parser.add_subparsers(dest="address_command", required=True, metavar="ACTION")
    check = cmds.add_parser("check", help="search our accounts and registered wallets for ADDRESS")
    check.add_argument(
        "addresses", nargs="+", metavar="ADDRESS", help="an address, bitcoin: or ethereum: URI"
    )
    add_seed_args(check)
    check.add_argument(
        "--account",
        action="append",
        metavar="KIND[:INDEX]",
        help="Bitcoin account to search, e.g. btc-84 or btc-86:1 (repeatable; default the seed's "
        "accounts and btc-84/86/49/44:0)",
    )
    check.add_argument(
        "--network",
        choices=NETWORK_NAMES,
        help="Bitcoin network (default: the address's own)",
    )
    check.add_argument(
        "--gap", type=int, metavar="N", help="indexes per chain to search (Bitcoin 1000, Ethereum 100)"
    )
    check.set_defaults(func=cmd_check)


def _account_paths(specs: list[str] | None, network: str) -> list[tuple[int, ...]] | None:
    if not specs:
        return None
    from signer.btc.networks import parse_path
    paths = []
    for spec in specs:
        kind, _, index = spec.partition(":")
        # ASCII digits, few enough for int() (it refuses more than 4300); AccountSpec checks the range
        if index and not (index.isascii() and index.isdigit() and len(index) <= 10):
            raise UsageError(f"--account {spec[:24]}: the index must be a number from 0 to 2147483647")
        account = AccountSpec.parse(kind, network, int(index or 0))
        if not account.is_bitcoin or kind.startswith("btc-48"):
            raise UsageError(f"--account {spec}: only single-sig Bitcoin accounts (btc-44/49/84/86)")
        paths.append(parse_path(account.path))
    return paths


def _multisig_records(unlocked: Any) -> tuple[tuple[str, str], ...]:
    """(name, descriptor) of the seed's registered wallets: the vault's names where there are some."""
    if unlocked.vault is not None:
        records = unlocked.vault.get(unlocked.label).multisig
        return tuple((r["name"], r["descriptor"]) for r in records)
    return tuple((f"multisig {n}", d) for n, d in enumerate(unlocked.multisig, 1))


def cmd_check(args: argparse.Namespace) -> int:
    from signer.address_lookup import SeedToSearch, check, parse_address_query
    queries = [parse_address_query(text) for text in args.addresses]  # refuse bad input before unlocking
    missing = 0
    with open_seed(args) as unlocked:
        seed = SeedToSearch(
            unlocked.label, unlocked.seed_bytes, tuple(unlocked.accounts), _multisig_records(unlocked)
        )
        for query in queries:
            network = args.network or query.network or Network.MAIN
            accounts = _account_paths(args.account, network) if query.chain == "bitcoin" else None
            result = check(query, [seed], gap=args.gap, network=args.network, accounts=accounts)
            missing += not result.found
            print(json.dumps(result.to_json()))
            print("\n".join([f"{result.title}: {query.address}", *result.lines()]), file=sys.stderr)
    return 1 if missing else 0
