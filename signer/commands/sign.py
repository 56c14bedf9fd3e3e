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

Requests go to the chain that claims them in the registry the device reads too
(signer.chains.registry): a chain registered there is signed here with no change to this file.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from signer.commands._common import add_seed_args, open_seed, read_bytes_file
from signer.derivation import NETWORK_NAMES
from signer.errors import UsageError

if TYPE_CHECKING:
    from signer.chains.contract import Chain, Request
    from signer.transport.payload import Payload

# Every command module is imported to build the parser (``airlock --help``, on a Pi Zero): what
# signing needs (the chains, embit, the transport) is imported by the functions that run it.


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
        choices=NETWORK_NAMES,
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


def read_request(path: str) -> Payload:
    """The request payload: assembled from QR texts, or a raw PSBT file."""
    from signer.chains import registry
    from signer.chains.contract import Claim
    from signer.transport.payload import Payload, PayloadKind

    raw = read_bytes_file(path)
    if raw.startswith(b"psbt\xff"):
        return Payload(PayloadKind.PSBT, "plain", raw)
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
        from signer.chains.scanning import new_assembler

        assembler = new_assembler()
        for line in lines:
            assembler.add(line)
        if not assembler.is_complete:
            raise UsageError(f"the QR texts do not make a complete message: {assembler.status.describe()}")
        return assembler.result
    from signer.eth.request import raw_text_payload

    eth_raw = raw_text_payload(text)  # 0x-hex Ethereum tx/message or EIP-712 JSON
    if eth_raw is not None:
        return eth_raw
    from signer.btc.psbt_io import decode_psbt_bytes

    compact = "".join(text.split())
    if not (compact.startswith("cHNidP") or compact.lower().startswith("70736274")):
        as_text = Payload(PayloadKind.TEXT, "plain", text.strip().encode())  # as a QR code of it would read
        if registry.claiming(as_text)[1] is Claim.YES:  # text a registered chain knows for its own
            return as_text
        raise UsageError(
            f"{path} holds text that is neither a PSBT, QR texts nor an Ethereum request; to sign the "
            "text as an Ethereum message (personal_sign), pass --message"
        )
    return Payload(PayloadKind.PSBT, "plain", decode_psbt_bytes(text))


def _is_qr_text(line: str) -> bool:
    """UR or BBQr parts, Specter's pMofN parts, or Electrum's base43: the assembler reads those."""
    from signer.transport import base43, specter_parts

    if line.lower().startswith("ur:") or line.startswith("B$") or specter_parts.is_specter_part(line):
        return True
    return base43.is_base43(line) and not all(c in "0123456789ABCDEF" for c in line)  # hex: below


def cmd_sign(args: argparse.Namespace) -> int:
    from signer.chains.contract import Context, check_signable
    from signer.chains.keys import SeedKeys
    from signer.commands.output import reply_texts, write_review_json

    chain, request, proof = _request(args)
    context = Context(
        network=args.network,
        tip_height=args.tip_height,
        proof_message=proof,
        finalize=args.finalize,
        approval_limit=args.approval_limit,
    )
    request = chain.prepare(request, context)
    with open_seed(args) as unlocked:
        keys = SeedKeys(unlocked.seed_bytes(), unlocked.multisig)
        context = replace(
            context,
            label=unlocked.label,
            accounts=tuple(unlocked.accounts) or None,
            networks=tuple(a.network for a in unlocked.accounts if a.is_bitcoin),
            history=dict(unlocked.history or {}),
            now=int(time.time()),
        )
        review = chain.review(request, keys, context)
        print(review.to_text(), file=sys.stderr)
        write_review_json(args.review_json, review.to_json())
        check_signable(review, args.accept_risk)
        signed = chain.sign(review, keys, args.accept_risk)
        texts = reply_texts(signed.reply_for(args.format))  # first: a --format it cannot give keeps nothing
        if signed.history is not None:
            unlocked.save_history(dict(signed.history))
    sys.stdout.write("".join(t + "\n" for t in texts))
    if signed.note:
        print(signed.note, file=sys.stderr)
    return 0


def _request(args: argparse.Namespace) -> tuple[Chain, Request, bytes | None]:
    """The chain, the parsed request (the FILE's, or the text of --message / --message-text) and the
    message a BIP-322 proof is said to sign."""
    from signer.chains import registry
    from signer.chains.contract import ChainOption

    if args.message or args.message_text is not None:
        from signer.chains.ethereum import ETHEREUM_CHAIN, text_message

        return ETHEREUM_CHAIN, text_message(message_text(args)), None
    if args.file is None:
        raise UsageError("give the FILE to sign (or --message-text TEXT)")
    payload = read_request(args.file)
    chain, _ = registry.claiming(payload)
    if chain is None:
        known = ", ".join(registry.signable_kinds())
        raise UsageError(f"cannot sign a {payload.kind} payload here (signable kinds: {known})")
    proof = _proof_message(args)  # read once: FILE or F may be stdin
    if proof is not None and ChainOption.PROOF_MESSAGE not in chain.options:
        raise UsageError("--proof-message and --proof-message-file are for BIP-322 proof PSBTs only")
    return chain, chain.parse(payload), proof


def message_text(args: argparse.Namespace) -> str:
    """The text of ``--message-text``, or of the ``--message`` FILE without its final line ending."""
    if args.message_text is not None:
        if args.file is not None:
            raise UsageError("give either FILE with --message, or --message-text, not both")
        return str(args.message_text)
    if args.file is None:
        raise UsageError("--message needs the FILE holding the message text")
    raw = read_bytes_file(args.file)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{args.file} is not UTF-8 text (byte {exc.start}); a binary message is given as 0x-hex "
            "without --message"
        ) from None
    first = text.strip().split("\n", 1)[0].strip()
    if first.lower().startswith("ur:") or first.startswith("B$"):
        raise UsageError(f"{args.file} holds QR texts, not a message: sign it without --message")
    return text.removesuffix("\n").removesuffix("\r")


def _proof_message(args: argparse.Namespace) -> bytes | None:
    if args.proof_message is not None:
        return str(args.proof_message).encode("utf-8")
    if args.proof_message_file:
        return read_bytes_file(args.proof_message_file)
    return None
