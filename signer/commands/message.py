"""``airlock message sign|verify``: BIP-137 / Electrum and BIP-322 signed messages.

``sign`` shows the message on stderr and prints ``{"address", "path", "format", "signature"}``;
``verify`` prints the result and exits 0 only for a valid signature (1 otherwise).
"""

from __future__ import annotations

import argparse
import json
import sys

from signer.commands._common import add_seed_args


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("message", help="sign or verify a message (BIP-137, BIP-322)")
    cmds = parser.add_subparsers(dest="message_command", required=True, metavar="ACTION")
    sign = cmds.add_parser("sign", help="sign a message with the key of one address")
    sign.add_argument("--address-path", required=True, metavar="PATH", help="e.g. m/84h/0h/0h/0/0")
    _message_args(sign)
    sign.add_argument("--format", choices=("bip137", "electrum", "bip322"), default="bip137")
    sign.add_argument(
        "--no-prefix", action="store_true", help="BIP-322: omit the 'smp' prefix (older verifiers)"
    )
    add_seed_args(sign)
    sign.set_defaults(func=cmd_sign)
    verify = cmds.add_parser("verify", help="verify a signed message")
    verify.add_argument("--address", required=True)
    verify.add_argument("--signature", required=True)
    _message_args(verify)
    verify.set_defaults(func=cmd_verify)


def _message_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--message", metavar="TEXT")
    group.add_argument("--message-file", metavar="F", help="file holding the exact message bytes")
    parser.add_argument("--network", choices=("main", "test", "signet", "regtest"), default="main")


def _message(args: argparse.Namespace) -> bytes:
    if args.message is not None:
        return str(args.message).encode("utf-8")
    from signer.commands._common import read_bytes_file

    return read_bytes_file(args.message_file)


def cmd_sign(args: argparse.Namespace) -> int:
    from signer.btc import BtcKeys
    from signer.btc.message import sign_message
    from signer.btc.networks import parse_path
    from signer.commands._common import open_seed

    message = _message(args)
    path = parse_path(args.address_path)
    shown = message.decode("utf-8", "replace")
    print(f"message ({len(message)} bytes):\n{shown}", file=sys.stderr)
    with open_seed(args) as unlocked:
        keys = BtcKeys.from_seed(unlocked.seed_bytes(), args.network)
        signed = sign_message(keys, path, message, args.format, prefix=not args.no_prefix)
    print(json.dumps(signed.to_json()))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from signer.btc.message import verify_message

    result = verify_message(args.address, _message(args), args.signature, args.network)
    print(json.dumps(result.to_json()))
    return 0 if result.valid else 1
