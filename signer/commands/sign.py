"""``airlock sign FILE``: review a signing request, then sign it if it is safe (or the risk accepted).

FILE holds QR texts, one per line (UR or BBQr, any order, repeats allowed), a raw PSBT (binary,
base64 or hex), or a SeedSigner/Sparrow sign-message request (``signmessage <path> ascii:<message>``).
The review goes to stderr as text and, with ``--review-json OUT``, to OUT as JSON; the signed result
goes to stdout as QR texts in the request's format family (UR in -> UR out with the same type name,
BBQr in -> BBQr out, raw -> base64 unless ``--format`` says otherwise); a message request is
answered with its base64 signature, the text Sparrow reads back.

A refusal, or a danger warning without ``--accept-risk``, signs nothing and exits 3.

A PSBT that is a BIP-322 signed-message proof (its one output an empty OP_RETURN of value 0) is
signed only when its message is known: carried in the PSBT, or given with ``--proof-message`` /
``--proof-message-file`` (checked against what the proof commits to).

Request kinds are dispatched through ``HANDLERS`` (payload kind -> handler), so other chains add
their kinds with one line: ``HANDLERS["eth-sign-request"] = handle_eth``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from signer.commands._common import add_seed_args
from signer.commands.output import encode_result, write_review_json
from signer.errors import UsageError

Handler = Callable[[argparse.Namespace, Any], int]
HANDLERS: dict[str, Handler] = {}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("sign", help="review and sign a request (PSBT as QR texts or a raw file)")
    parser.add_argument(
        "file", metavar="FILE", nargs="?", help="QR texts one per line, or a raw PSBT (- for stdin)"
    )
    message = parser.add_mutually_exclusive_group()
    message.add_argument(
        "--message",
        action="store_true",
        help="FILE is plain text to sign as an Ethereum message (personal_sign), exactly as written "
        "(one final line ending is not part of it)",
    )
    message.add_argument(
        "--message-text", metavar="TEXT", help="sign TEXT as an Ethereum message (personal_sign); no FILE"
    )
    add_seed_args(parser)
    parser.add_argument(
        "--network",
        choices=("main", "test", "signet", "regtest"),
        help="Bitcoin network of this signer (default: as the PSBT's key paths and the seed's accounts say)",
    )
    parser.add_argument(
        "--accept-risk", action="store_true", help="sign despite danger warnings (never refusals)"
    )
    parser.add_argument(
        "--format", choices=("ur", "bbqr", "base64"), help="output format (default: as the input)"
    )
    parser.add_argument("--review-json", metavar="OUT", help="write the review as JSON to OUT")
    parser.add_argument("--finalize", action="store_true", help="finalize the single-sig inputs signed here")
    parser.add_argument(
        "--tip-height", type=int, metavar="H", help="current block height, for locktime checks"
    )
    proof = parser.add_mutually_exclusive_group()
    proof.add_argument(
        "--proof-message",
        metavar="TEXT",
        help="BIP-322 proof PSBTs: the message it signs (checked, then shown)",
    )
    proof.add_argument(
        "--proof-message-file", metavar="F", help="as --proof-message, the exact message bytes from F"
    )
    parser.add_argument(
        "--approval-limit",
        metavar="AMOUNT",
        help="Ethereum: lower the request's token approval to AMOUNT, review and sign only that "
        "(token units: 250.5 or '250.5 USDC'; base units: 250500000raw). An edited ERC-4527 request "
        "is answered with the signed transaction, for you to broadcast",
    )
    parser.set_defaults(func=cmd_sign)


def read_request(path: str) -> Any:
    """The request payload: assembled from QR texts, or a raw PSBT file."""
    from signer.commands._common import read_bytes_file
    from signer.transport.payload import Payload

    raw = read_bytes_file(path)
    if raw.startswith(b"psbt\xff"):
        return Payload("psbt", "plain", raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is neither a binary PSBT nor text") from None
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise UsageError(f"{path} is empty")
    if lines[0].startswith("signmessage"):  # the whole file is one request (the message may span lines)
        from signer.transport.errors import TransportError
        from signer.transport.plain import recognise

        try:
            payload = recognise(text)
        except TransportError as exc:
            raise UsageError(f"{path}: {exc}") from None
        if payload is not None:
            return payload
    if _is_qr_text(lines[0]):
        from signer.transport.assembler import Assembler

        assembler = Assembler()
        for line in lines:
            assembler.add(line)
        if not assembler.is_complete:
            raise UsageError(f"the QR texts do not make a complete message: {assembler.status.describe()}")
        return assembler.result
    from signer.eth.cli_sign import raw_text_payload

    eth_raw = raw_text_payload(text)  # 0x-hex Ethereum tx/message or EIP-712 JSON
    if eth_raw is not None:
        return eth_raw
    from signer.btc.psbt_io import decode_psbt_bytes

    compact = "".join(text.split())
    if not (compact.startswith("cHNidP") or compact.lower().startswith("70736274")):
        raise UsageError(
            f"{path} holds text that is neither a PSBT, QR texts nor an Ethereum request; to sign the "
            "text as an Ethereum message (personal_sign), pass --message"
        )
    return Payload("psbt", "plain", decode_psbt_bytes(text))


def _is_qr_text(line: str) -> bool:
    """UR or BBQr parts, Specter's pMofN parts, or Electrum's base43: the assembler reads those."""
    from signer.transport import base43, specter_parts

    if line.lower().startswith("ur:") or line.startswith("B$") or specter_parts.is_specter_part(line):
        return True
    return base43.is_base43(line) and not all(c in "0123456789ABCDEF" for c in line)  # hex: below


def cmd_sign(args: argparse.Namespace) -> int:
    from signer.transport.signmessage import from_payload

    if getattr(args, "message", False) or getattr(args, "message_text", None) is not None:
        from signer.eth.cli_sign import handle_message

        return handle_message(args)
    if args.file is None:
        raise UsageError("give the FILE to sign (or --message-text TEXT)")
    payload = read_request(args.file)
    payload = from_payload(payload) or payload  # a sign-message request inside ur:bytes or BBQr text
    handler = HANDLERS.get(payload.kind)
    if handler is None:
        known = ", ".join(sorted(HANDLERS))
        raise UsageError(f"cannot sign a {payload.kind} payload here (signable kinds: {known})")
    args.proof_bytes = _proof_message(args)  # read once: FILE or F may be stdin
    if payload.kind != "psbt" and args.proof_bytes is not None:
        raise UsageError("--proof-message and --proof-message-file are for BIP-322 proof PSBTs only")
    return handler(args, payload)


def _proof_message(args: argparse.Namespace) -> bytes | None:
    if args.proof_message is not None:
        return str(args.proof_message).encode("utf-8")
    if args.proof_message_file:
        from signer.commands._common import read_bytes_file

        return read_bytes_file(args.proof_message_file)
    return None


def handle_psbt(args: argparse.Namespace, payload: Any) -> int:
    from signer.btc import BtcKeys, load_psbt, review_psbt, sign_reviewed
    from signer.btc.errors import BtcRefusal, RiskNotAccepted
    from signer.btc.network_choice import review_for_seed
    from signer.commands._common import open_seed

    psbt = load_psbt(payload.data)
    with open_seed(args) as unlocked:
        message = getattr(args, "proof_bytes", None)
        if args.network:
            keys = BtcKeys.from_seed(unlocked.seed_bytes(), args.network, unlocked.multisig)
            review = review_psbt(psbt, keys, tip_height=args.tip_height, message=message)
        else:
            accounts = [a.network for a in unlocked.accounts if a.is_bitcoin]
            keys, review = review_for_seed(
                psbt,
                unlocked.seed_bytes(),
                unlocked.multisig,
                accounts,
                tip_height=args.tip_height,
                message=message,
            )
        print(review.to_text(), file=sys.stderr)
        write_review_json(args.review_json, review.to_json())
        if review.refusals:
            r = review.refusals[0]
            raise BtcRefusal(f"refused ({r.code}): {r.message}", r.code)
        if review.has_danger and not args.accept_risk:
            codes = ", ".join(sorted({w.code for w in review.warnings if w.severity == "danger"}))
            raise RiskNotAccepted(
                f"not signed: danger warnings ({codes}); review them and pass --accept-risk"
            )
        signed = sign_reviewed(review, keys, accept_risk=args.accept_risk, finalize=args.finalize)
    texts = encode_result(signed.psbt, payload, args.format)
    sys.stdout.write("".join(t + "\n" for t in texts))
    print(f"signed input(s) {', '.join(map(str, signed.signed_inputs))}", file=sys.stderr)
    return 0


HANDLERS["psbt"] = handle_psbt


def handle_sign_message(args: argparse.Namespace, payload: Any) -> int:
    """SeedSigner/Sparrow ``signmessage`` request: review on stderr, the base64 signature on stdout
    (what the device shows as a QR code and Sparrow reads back)."""
    from signer.commands.message import sign_request

    signed = sign_request(args, payload.obj, network=args.network)
    print(signed.signature)
    print(f"signed the message with {signed.address} ({signed.path})", file=sys.stderr)
    return 0


HANDLERS["btc-sign-message"] = handle_sign_message


def handle_eth(args: argparse.Namespace, payload: Any) -> int:
    from signer.eth.cli_sign import handle_eth as handle  # lazily: keeps start-up fast

    return handle(args, payload)


for _kind in ("eth-sign-request", "bytes", "binary", "json", "text"):
    HANDLERS.setdefault(_kind, handle_eth)
