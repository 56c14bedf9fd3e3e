"""What the signing commands write: the review as JSON, and the signed result as QR texts."""

from __future__ import annotations

import base64
import json
from typing import Any

from signer.chains.contract import Offer
from signer.commands.qr import DEFAULT_UR_FRAGMENT, encode_texts
from signer.errors import UsageError


def write_review_json(path: str | None, data: dict[str, Any]) -> None:
    if not path:
        return
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
            fh.write("\n")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def reply_texts(offer: Offer) -> list[str]:
    """The lines ``airlock sign`` prints for ``offer``: UR or BBQr parts (upper case, as ``airlock qr
    encode`` prints them), one base64 line, or the text itself."""
    if offer.form == "text":
        assert isinstance(offer.data, str)
        return [offer.data]
    assert isinstance(offer.data, bytes)
    if offer.form == "base64":
        return [base64.b64encode(offer.data).decode()]
    if offer.form == "bbqr":
        return encode_texts(offer.data, "bbqr", offer.type, None, None)
    from signer.transport.frames import wrap_ur
    from signer.transport.ur import UREncoder

    encoder = UREncoder(wrap_ur(offer.data, offer.type), DEFAULT_UR_FRAGMENT)
    count = 1 if encoder.is_single_part else encoder.seq_len
    return [encoder.next_part().upper() for _ in range(count)]
