"""Counting what the QR encoder is asked to encode, with the real encoder running: how the tests see
that a frame shown again is a cache hit."""

from __future__ import annotations

import pytest

from signer.transport import frames


def count_qr_encoding(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The list every text the QR encoder is asked to encode is appended to, from now on."""
    calls: list[str] = []
    real = frames.qr_matrix

    def counted(content: str | bytes, **kwargs: object) -> object:
        calls.append(str(content))
        return real(content, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(frames, "qr_matrix", counted)
    return calls
