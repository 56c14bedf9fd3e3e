"""What the signing commands write: the review as JSON, and the signed result as QR texts."""

from __future__ import annotations

import json
from typing import Any

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


def encode_result(data: bytes, payload: Any, fmt: str | None, bbqr_type: str = "P",
                  ur_default: str = "crypto-psbt") -> list[str]:  # fmt: skip
    """QR texts (or one base64 line) for the signed result, in the request's format family."""
    from signer.commands.qr import encode_texts

    family = fmt or {"ur": "ur", "bbqr": "bbqr"}.get(payload.format, "base64")
    if family == "ur":
        ur_type = payload.ur_type if payload.format == "ur" and payload.ur_type else ur_default
        return encode_texts(data, "ur", ur_type, None, None)
    if family == "bbqr":
        return encode_texts(data, "bbqr", bbqr_type, None, None)
    import base64

    return [base64.b64encode(data).decode()]
