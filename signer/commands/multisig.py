"""``airlock multisig register|list``: register a multisig wallet for a seed, after showing its policy.

The wallet comes as a descriptor or a Coldcard/Sparrow/Specter wallet-export text, either in a
plain file or as QR texts (one per line: a plain QR, BBQr U/J, or ur:bytes of the text). It is
stored in the vault under the seed, where signing uses it to prove multisig change.
"""

from __future__ import annotations

import argparse
import sys

from signer.commands._common import add_seed_args, open_seed, read_text_file
from signer.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("multisig", help="register and list multisig wallets of a seed")
    cmds = parser.add_subparsers(dest="multisig_command", required=True, metavar="ACTION")

    reg = cmds.add_parser("register", help="show a wallet's policy and store it under the seed")
    reg.add_argument("file", help="descriptor or wallet-export text, or its QR texts (- for stdin)")
    add_seed_args(reg)
    reg.add_argument("--network", choices=("main", "test", "signet", "regtest"), default="main")
    reg.add_argument("--name", help="name to store it under (default: the export's Name, else 'Multisig')")
    reg.add_argument("--yes", action="store_true", help="do not ask: the policy was checked elsewhere")
    reg.set_defaults(func=cmd_register)

    lst = cmds.add_parser("list", help="registered multisig wallets of a seed")
    add_seed_args(lst)
    lst.add_argument("--network", choices=("main", "test", "signet", "regtest"), default="main")
    lst.set_defaults(func=cmd_list)


def wallet_text(path: str) -> str:
    """The wallet text, unwrapped from QR texts when the file holds them."""
    text = read_text_file(path)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if lines and (lines[0].lower().startswith("ur:") or lines[0].startswith("B$")):
        from signer.transport.assembler import Assembler

        assembler = Assembler()
        for line in lines:
            assembler.add(line)
        if not assembler.is_complete:
            raise UsageError(f"the QR texts do not make a complete message: {assembler.status.describe()}")
        payload = assembler.result
        if payload.kind not in ("bytes", "text", "descriptor-text", "json"):
            raise UsageError(f"a {payload.kind} QR is not a multisig wallet; export it as descriptor text")
        return payload.text()
    return text


def cmd_register(args: argparse.Namespace) -> int:
    from signer.btc import BtcKeys
    from signer.btc.multisig import parse_wallet, register_multisig

    text = wallet_text(args.file)
    with open_seed(args) as unlocked:
        if unlocked.vault is None:
            raise UsageError("registering needs a stored seed: use --vault PATH --seed LABEL")
        keys = BtcKeys.from_seed(unlocked.seed_bytes(), args.network, unlocked.multisig)
        existing = tuple(parse_wallet(d) for d in unlocked.multisig)
        wallet = register_multisig(text, keys, args.name, existing)
        print(wallet.policy_summary(keys.fingerprint))
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("confirm the policy above with --yes (or run interactively)")
            if input("Register this wallet? Type yes: ").strip().lower() != "yes":
                print("not registered", file=sys.stderr)
                return 1
        unlocked.add_multisig(wallet.descriptor, wallet.name)
    print(f"registered {wallet.name!r} ({wallet.m}-of-{wallet.n})", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from signer.btc.multisig import parse_wallet

    with open_seed(args) as unlocked:
        descriptors = list(unlocked.multisig)
        fp = bytes.fromhex(unlocked.fingerprint)
    if not descriptors:
        print("no multisig wallets registered for this seed")
    for descriptor in descriptors:
        print(parse_wallet(descriptor).policy_summary(fp))
        print(descriptor)
    return 0
