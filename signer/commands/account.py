"""``airlock account show``: xpub, descriptor, fingerprint and first addresses of an account."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from signer.commands._common import add_seed_args, open_seed, print_json
from signer.derivation import NETWORK_NAMES, Network
from signer.errors import UsageError
from signer.keys.accounts import KINDS, AccountSpec, derive_account, derive_btc_account

if TYPE_CHECKING:
    from signer.keys.accounts import AccountSpec

# Every command module is imported to build the parser (``airlock --help``, on a Pi Zero): what the
# exports need (embit, the UR encoders) is imported by the functions that run it.


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("account", help="show accounts derived from a seed")
    cmds = parser.add_subparsers(dest="account_command", required=True, metavar="ACTION")
    show = cmds.add_parser("show", help="xpub, descriptor, fingerprint and first addresses")
    add_seed_args(show)
    show.add_argument("--account", required=True, choices=KINDS)
    show.add_argument("--index", type=int, default=0, help="account index (default 0)")
    show.add_argument("--network", default=str(Network.MAIN), choices=NETWORK_NAMES)
    show.add_argument("--addresses", type=int, default=5, help="how many addresses to list (default 5)")
    show.add_argument("--json", action="store_true", help="print JSON (same as --format json)")
    show.add_argument(
        "--format",
        choices=("text", "json", "ur"),
        default="text",
        help="ur: the account as one UR line (crypto-account for Sparrow/Nunchuk/Specter, "
        "crypto-hdkey for MetaMask/Rabby)",
    )
    show.set_defaults(func=cmd_show)


def cmd_show(args: argparse.Namespace) -> int:
    spec = AccountSpec.parse(args.account, args.network, args.index)
    count = max(0, min(args.addresses, 1000))
    if args.format == "ur":
        with open_seed(args) as seed:
            print(account_ur(seed.seed_bytes(), spec).upper())
        return 0
    with open_seed(args) as seed:
        data = derive_account(seed.seed_bytes(), spec).to_json(addresses=count)
    if args.json or args.format == "json":
        print_json(data)
        return 0
    print(f"account      {spec}")
    print(f"fingerprint  {data['fingerprint']}")
    print(f"path         {data['path']}")
    print(f"xpub         {data['xpub']}")
    if data.get("slip132"):
        print(f"slip132      {data['slip132']}")
    if data.get("descriptor"):
        print(f"descriptor   {data['descriptor']}")
    elif data.get("key"):
        print(f"cosigner key {data['key']}")
    for i, addr in enumerate(data.get("receive", [])):
        print(f"receive {i:<4} {addr}")
    for i, addr in enumerate(data.get("change", [])):
        print(f"change  {i:<4} {addr}")
    for row in data.get("addresses", []):
        print(f"{row['path']:<22} {row['address']}")
    return 0


def account_ur(seed: bytes, spec: AccountSpec) -> str:
    """The account as one UR string: crypto-account for Bitcoin (Sparrow, Nunchuk, Specter,
    BlueWallet, Keystone; a BIP-48 cosigner key as ``[sh(]wsh(KEY))``), crypto-hdkey for MetaMask
    and Rabby, and crypto-account of Ledger Live keys."""
    from signer.transport.ur import encode_single

    if spec.is_bitcoin:
        from signer.btc.export import account_ur as btc_account_ur
        return encode_single(btc_account_ur(derive_btc_account(seed, spec)))
    from signer.eth.export import account_hdkey_ur, ledger_live_account_ur

    if spec.kind == "eth":
        return account_hdkey_ur(seed)
    if spec.kind == "eth-ledger-live":
        return ledger_live_account_ur(seed, 5)

    raise UsageError(f"--format ur has no form for {spec.kind} accounts")
