"""``airlock message sign|verify``: BIP-137 / Electrum and BIP-322 signed messages.

``sign`` shows the message on stderr and prints ``{"address", "path", "format", "signature"}``;
``verify`` prints the result and exits 0 only for a valid signature (1 otherwise).

``sign --qr FILE`` takes the path and the message from a SeedSigner/Sparrow sign-message request
(``signmessage m/84h/0h/0h/0/0 ascii:<message>``), reviews it as the device does and signs as
SeedSigner does (Electrum-style header); a refused path exits 3 with nothing signed.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from signer.commands._common import add_seed_args, open_seed, read_bytes_file
from signer.derivation import NETWORK_NAMES, Network
from signer.errors import UsageError

# Every command module is imported to build the parser (``airlock --help``, on a Pi Zero): what
# message signing needs (embit, the chains) is imported by the functions that run it.


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("message", help="sign or verify a message (BIP-137, BIP-322)")
    cmds = parser.add_subparsers(dest="message_command", required=True, metavar="ACTION")
    sign = cmds.add_parser("sign", help="sign a message with the key of one address")
    sign.add_argument("--address-path", metavar="PATH", help="e.g. m/84h/0h/0h/0/0")
    _message_args(sign, required=False)
    sign.add_argument(
        "--qr", metavar="FILE", help="a sign-message request (signmessage <path> ascii:<message>) to sign"
    )
    sign.add_argument(
        "--format",
        choices=("bip137", "electrum", "bip322"),
        help="signature format (default: bip137; electrum for --qr, as SeedSigner)",
    )
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


def _message_args(parser: argparse.ArgumentParser, required: bool = True) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--message", metavar="TEXT")
    group.add_argument("--message-file", metavar="F", help="file holding the exact message bytes")
    parser.add_argument("--network", choices=NETWORK_NAMES, default=Network.MAIN.value)


def _message(args: argparse.Namespace) -> bytes:
    if args.message is not None:
        return str(args.message).encode("utf-8")

    return read_bytes_file(args.message_file)


def cmd_sign(args: argparse.Namespace) -> int:
    from signer.btc import BtcKeys
    from signer.btc.message import sign_message
    from signer.btc.message_request import shown_message
    from signer.btc.networks import parse_path
    if args.qr is not None:
        if args.address_path is not None or args.message is not None or args.message_file is not None:
            raise UsageError("--qr brings its own path and message: drop --address-path and --message")
        return _sign_qr(args)
    if args.address_path is None or (args.message is None and args.message_file is None):
        raise UsageError("say what to sign: --address-path with --message or --message-file, or --qr FILE")
    message = _message(args)
    path = parse_path(args.address_path)
    shown, _ = shown_message(message)  # never raw: control codes could rewrite the terminal
    print(f"message ({len(message)} bytes):\n{shown}", file=sys.stderr)
    with open_seed(args) as unlocked:
        keys = BtcKeys.from_seed(unlocked.seed_bytes(), args.network)
        signed = sign_message(keys, path, message, args.format or "bip137", prefix=not args.no_prefix)
    print(json.dumps(signed.to_json()))
    return 0


def _sign_qr(args: argparse.Namespace) -> int:
    from signer.transport.errors import TransportError
    from signer.transport.signmessage import parse

    if args.format == "bip322":
        raise UsageError("--qr signs as SeedSigner does (BIP-137 style); for BIP-322 give --address-path")
    raw = read_bytes_file(args.qr)
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise UsageError(f"{args.qr} is not UTF-8 text") from None
    try:
        request = parse(text)
    except TransportError as exc:
        raise UsageError(f"{args.qr}: {exc}") from None
    network = None if args.network == Network.MAIN else args.network
    signed = sign_request(args, request, network=network, fmt=args.format or "electrum")
    print(json.dumps(signed.to_json()))
    return 0


def sign_request(
    args: argparse.Namespace, request: Any, network: str | None = None, fmt: str = "electrum"
) -> Any:
    """Review ``request`` (SignMessageRequest) with the seed the arguments name as the device does,
    print the review on stderr (and as JSON with ``--review-json``), then sign it; BtcRefusal signs
    nothing."""
    from signer.btc.message import sign_message
    from signer.btc.message_request import SIGNATURE_FORMAT, MessageReview
    from signer.chains.bitcoin_message import KIND, MESSAGE_CHAIN
    from signer.chains.contract import Context, Request
    from signer.chains.keys import SeedKeys, bitcoin_signer
    from signer.commands.output import write_review_json
    from signer.transport.payload import Payload

    with open_seed(args) as unlocked:
        keys = SeedKeys(unlocked.seed_bytes())
        context = Context(
            label=unlocked.label,
            accounts=tuple(unlocked.accounts) or None,
            networks=tuple(a.network for a in unlocked.accounts if a.is_bitcoin),
            network=network,
        )
        payload = Payload(KIND, "plain", request.message, obj=request)
        review = MESSAGE_CHAIN.review(Request(payload, request), keys, context)
        print(review.to_text(), file=sys.stderr)
        write_review_json(getattr(args, "review_json", None), review.to_json())
        if fmt == SIGNATURE_FORMAT:
            return MESSAGE_CHAIN.sign(review, keys, accept_risk=False).detail
        detail = review.detail
        assert isinstance(detail, MessageReview)
        signer = bitcoin_signer(keys, detail.network)
        return sign_message(signer, detail.path, detail.message, fmt)  # bip137: the address type's header


def cmd_verify(args: argparse.Namespace) -> int:
    from signer.btc.message import verify_message

    result = verify_message(args.address, _message(args), args.signature, args.network)
    print(json.dumps(result.to_json()))
    return 0 if result.valid else 1
