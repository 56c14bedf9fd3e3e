"""What the signing commands write: the review as JSON, and the signed result as QR texts."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from signer.atomic_file import atomic_write
from signer.chains.contract import Offer
from signer.errors import UsageError


def write_review_json(path: str | None, data: dict[str, Any]) -> None:
    """Write the review to ``path``: a file is replaced atomically (a crash leaves the old review or
    the new one, never half of one); a stream that exists (a pipe, /dev/stderr) is written as one."""
    if not path:
        return
    text = json.dumps(data, indent=2) + "\n"
    target = Path(path)
    try:
        if target.exists() and not target.is_file():
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            atomic_write(target, text.encode("utf-8"))
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
    from signer.commands.qr import DEFAULT_UR_FRAGMENT, encode_texts  # QR encoders: only for a QR reply

    if offer.form == "bbqr":
        return encode_texts(offer.data, "bbqr", offer.type, None, None)
    from signer.transport.frames import wrap_ur
    from signer.transport.ur import UREncoder

    encoder = UREncoder(wrap_ur(offer.data, offer.type), DEFAULT_UR_FRAGMENT)
    count = 1 if encoder.is_single_part else encoder.seq_len
    return [encoder.next_part().upper() for _ in range(count)]
