"""A FrameSet encodes each QR code once and keeps its memory bounded, whatever the payload's size."""

from __future__ import annotations

import numpy as np
import pytest
from transport.qr_encoder_calls import count_qr_encoding

from signer.transport import frames

PAYLOAD = bytes(range(256)) * 6  # 1.5 KB: a few dozen frames at the device's default density
SCREEN_BYTES = 240 * 240  # one 8-bit 240x240 frame


@pytest.fixture
def encoder_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the QR encoder was asked to encode (the real encoder runs)."""
    return count_qr_encoding(monkeypatch)


def test_each_frame_is_encoded_once_then_shown_from_the_cache(encoder_calls: list[str]) -> None:
    frame_set = frames.encode_frames(PAYLOAD, format="ur", ur_type="crypto-psbt")
    assert frame_set.is_animated
    first = [frame_set.image(i) for i in range(len(frame_set))]
    assert sorted(encoder_calls) == sorted(frame_set.texts)
    again = [frame_set.image(i) for i in range(len(frame_set))]
    assert len(encoder_calls) == len(frame_set)  # the second cycle encoded nothing
    assert all(a is b for a, b in zip(first, again, strict=True))


def test_a_huge_payload_keeps_images_within_the_bound_and_never_encodes_twice(
    encoder_calls: list[str],
) -> None:
    bound = 3 * SCREEN_BYTES
    frame_set = frames.encode_frames(PAYLOAD, format="ur", ur_type="crypto-psbt")
    bounded = frames.FrameSet(
        frame_set.texts,
        format=frame_set.format,
        version=frame_set.version,
        ecc=frame_set.ecc,
        plan=frame_set.plan,
        image_cache_bytes=bound,
    )
    count = len(bounded)
    assert count > 3
    for _ in range(2):
        for i in range(count):
            image = bounded.image(i)
            assert np.array_equal(np.asarray(image), np.asarray(frame_set.image(i)))  # the same pixels
            assert bounded.cached_image_bytes <= bound
    assert bounded.cached_image_bytes == bound  # the first three stay, the rest are drawn again
    assert encoder_calls.count(bounded.texts[-1]) == 2  # once per FrameSet: never again on cycle two


def test_a_kept_matrix_is_the_encoded_one() -> None:
    frame_set = frames.encode_frames(PAYLOAD, format="ur", ur_type="crypto-psbt")
    assert not frame_set.is_encoded(1)
    encoded = frame_set.matrix(1)
    assert frame_set.is_encoded(1) and frame_set.is_encoded(1 + len(frame_set))  # indices wrap
    kept = frame_set.matrix(1)
    expected = frames.qr_matrix(frame_set.texts[1], ecc=frame_set.ecc, version=frame_set.version)
    assert kept.dtype == bool and np.array_equal(kept, expected) and np.array_equal(encoded, expected)


def test_preparing_ahead_encodes_then_keeps_within_the_bound(encoder_calls: list[str]) -> None:
    frame_set = frames.encode_frames(PAYLOAD, format="ur", ur_type="crypto-psbt")
    frame_set.image_cache_bytes = 2 * SCREEN_BYTES
    assert frame_set.prepare(0) and frame_set.prepare(1)  # encoded and kept
    assert not frame_set.prepare(0) and not frame_set.prepare(1 + len(frame_set))  # nothing left to do
    assert frame_set.prepare(2)  # no room left: encoded only
    assert not frame_set.prepare(2)
    assert frame_set.cached_image_bytes == 2 * SCREEN_BYTES
    assert encoder_calls == list(frame_set.texts[:3])
    frame_set.image(2)
    assert len(encoder_calls) == 3  # shown from its kept matrix
