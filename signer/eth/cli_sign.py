"""``airlock sign`` handler for Ethereum payloads (dispatched from signer/commands/sign.py).

Kinds: ``eth-sign-request`` (ERC-4527; reply ur:eth-signature), and raw requests as ``bytes``
(ur:bytes / BBQr binary), ``json`` (EIP-712) or ``text`` (0x-hex transaction or message); raw
replies are the signed transaction (or the 65-byte signature). Refusals, and danger warnings
without ``--accept-risk``, sign nothing and exit 3 (EthRefusal).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from signer import strict_json
from signer.errors import UsageError
from signer.eth.errors import EthRefusal


def raw_text_payload(text: str) -> Any | None:
    """A plain file holding an Ethereum raw request (0x-hex transaction/message or EIP-712 JSON)."""
    from signer.transport.payload import Payload

    s = text.strip()
    if s.startswith("{"):
        try:
            doc = strict_json.loads(s, what="the request file")
        except strict_json.JsonRejected as exc:  # JSON-looking text: say why, not "not a PSBT"
            raise UsageError(str(exc)) from None
        if isinstance(doc, dict) and "primaryType" in doc:
            return Payload("json", "plain", s.encode())
        return None
    if s[:2].lower() == "0x" and len(s) > 2 and all(c in "0123456789abcdefABCDEF" for c in s[2:]):
        return Payload("text", "plain", s.encode())
    return None


def _reply_texts(result: Any, payload: Any, fmt: str | None) -> list[str]:
    if result.source == "erc4527" and result.edited:  # see signer.eth.approval_limit
        if fmt in (None, "base64"):
            return ["0x" + result.raw_reply().hex()]
        from signer.commands.output import encode_result

        return encode_result(result.raw_reply(), payload, fmt, bbqr_type="B", ur_default="bytes")
    if result.source == "erc4527":
        from signer.errors import UsageError
        from signer.transport.ur import UR, UREncoder

        if fmt not in (None, "ur"):
            raise UsageError("an ERC-4527 request is answered with ur:eth-signature; --format must be ur")
        ur = UR("eth-signature", result.response().to_cbor())
        encoder = UREncoder(ur, 200)
        count = 1 if encoder.is_single_part else encoder.seq_len
        return [encoder.next_part().upper() for _ in range(count)]
    data = result.raw_reply()
    if payload.format == "plain" and fmt is None:
        return ["0x" + data.hex()]
    from signer.commands.output import encode_result

    return encode_result(data, payload, fmt, bbqr_type="B", ur_default="bytes")


def message_text(args: argparse.Namespace) -> str:
    """The text of ``--message-text``, or of the ``--message`` FILE without its final line ending."""
    from signer.errors import UsageError

    if args.message_text is not None:
        if args.file is not None:
            raise UsageError("give either FILE with --message, or --message-text, not both")
        return str(args.message_text)
    if args.file is None:
        raise UsageError("--message needs the FILE holding the message text")
    from signer.commands._common import read_bytes_file

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


def handle_message(args: argparse.Namespace) -> int:
    """``airlock sign --message FILE`` / ``--message-text TEXT``: personal_sign of plain text."""
    from signer.eth.request import text_message_request
    from signer.transport.payload import Payload

    text = message_text(args)
    return handle_eth(args, Payload("text", "plain", text.encode("utf-8")), text_message_request(text))


def handle_eth(args: argparse.Namespace, payload: Any, request: Any = None) -> int:
    from signer.commands._common import open_seed
    from signer.commands.output import write_review_json
    from signer.eth.request import parse_payload, review_request, sign_request
    from signer.risk.history import HISTORY_KEY, seed_history
    from signer.risk.library import builtin_library
    from signer.risk.rules import RiskContext

    request = request if request is not None else parse_payload(payload)
    limit = getattr(args, "approval_limit", None)
    if limit is not None:
        request = _limited(request, limit)
    with open_seed(args) as unlocked:
        seed = unlocked.seed_bytes()
        history = seed_history(unlocked.history)
        ctx = RiskContext(history=history, library=builtin_library(), now=int(time.time()))
        review = review_request(request, seed, ctx)
        print(review.to_text(), file=sys.stderr)
        write_review_json(getattr(args, "review_json", None), review.to_json())
        if review.refusals:
            r = review.refusals[0]
            raise EthRefusal(f"refused ({r.code}): {r.message}")
        accept = bool(getattr(args, "accept_risk", False))
        if review.has_danger and not accept:
            raise EthRefusal(
                f"not signed: danger warnings ({', '.join(review.danger_codes)}); review them and "
                "pass --accept-risk"
            )
        result = sign_request(request, review, seed, accept_risk=accept)
        for address in review.recipients():
            history.add(address)
        if review.recipients():
            unlocked.save_history({**(unlocked.history or {}), HISTORY_KEY: history.to_json()})
    texts = _reply_texts(result, payload, getattr(args, "format", None))
    sys.stdout.write("".join(t + "\n" for t in texts))
    print(f"signed with {review.path}", file=sys.stderr)
    if result.source == "erc4527" and result.edited:
        from signer.eth.approval_limit import BROADCAST_NOTE

        print(f"{BROADCAST_NOTE}.", file=sys.stderr)
    return 0


def _limited(request: Any, text: str) -> Any:
    """``--approval-limit``: the request with its approval lowered (a usage error if it has none)."""
    from signer.errors import UsageError
    from signer.eth.approval_limit import apply_limit, editable_approval, parse_limit
    from signer.eth.errors import EthError

    approval = editable_approval(request.payload if request.kind == "eth-tx" else None)
    if approval is None:
        raise UsageError(
            "--approval-limit: the request has no approve / increaseAllowance (or Permit2 approve) call "
            "to limit; nothing was signed"
        )
    try:
        return apply_limit(request, parse_limit(text, approval))
    except EthError as exc:
        raise UsageError(f"--approval-limit: {exc}; nothing was signed") from None
