"""The camera loop's QR reader: the newest frame decoded on a worker thread, older ones dropped."""

from __future__ import annotations

import numpy as np
import pytest
from transport.gated_decode import WAIT_S, GatedDecode, wait_idle

from signer.transport.errors import TransportError
from signer.transport.frame_reader import FrameReader
from signer.transport.frames import render_qr


def test_synchronous_mode_decodes_in_submit() -> None:
    reader = FrameReader(threaded=False)
    code = np.asarray(render_qr("UR:BYTES/HDCXLKAHSSQZWFVSLOFZOXWKRHGWWDRTTNFL", module_px=4))
    reader.submit(code)
    reader.submit(np.full((60, 80), 255, np.uint8))
    reads = reader.take()
    assert [r.found for r in reads] == [(b"UR:BYTES/HDCXLKAHSSQZWFVSLOFZOXWKRHGWWDRTTNFL",), ()]
    assert [r.number for r in reads] == [1, 2] and reader.take() == []


def test_frames_the_decoder_cannot_keep_up_with_are_dropped_not_queued() -> None:
    decode = GatedDecode()
    reader = FrameReader(decode)
    try:
        reader.submit(1)
        decode.wait_started(1)  # the worker reads frame 1 ...
        for frame in (2, 3, 4):  # ... while three more come: only the newest waits
            reader.submit(frame)
        assert reader.take() == []  # submitting never waited for a decode
        decode.release()
        decode.wait_started(2)
        decode.release()
        wait_idle(reader)
        assert decode.started == [1, 4]
        assert [(r.number, r.found) for r in reader.take()] == [(1, (b"1",)), (4, (b"4",))]
        assert reader.dropped == 2 and reader.decoded == 2
    finally:
        reader.close()


def test_a_frame_the_decoder_refuses_is_an_error_and_the_worker_goes_on() -> None:
    decode = GatedDecode()
    reader = FrameReader(decode)
    try:
        for frame in ("bad", "crash", 7):
            reader.submit(frame)
            decode.release()
            wait_idle(reader)
        reads = reader.take()
        assert reads[0].error == "not an image: array of shape (3, 3, 7)"
        assert reads[1].error == "the camera picture could not be read (ValueError)"
        assert reads[2].found == (b"7",) and reads[2].error is None
    finally:
        reader.close()


def test_forget_drops_what_is_still_being_read() -> None:
    """A message completed while the worker still reads one of its frames: that read is not handed
    out to the next scan."""
    decode = GatedDecode()
    reader = FrameReader(decode)
    try:
        reader.submit("old")
        decode.wait_started(1)
        reader.forget()
        decode.release()
        wait_idle(reader)
        reader.submit("new")
        decode.release()
        wait_idle(reader)
        assert [r.found for r in reader.take()] == [(b"new",)]
    finally:
        reader.close()


def test_an_idle_worker_ends_and_the_next_frame_starts_one() -> None:
    decode = GatedDecode()
    reader = FrameReader(decode, idle_s=0.0)
    first = reader._thread  # None if it ended already
    if first is not None:
        first.join(WAIT_S)
    assert reader._thread is None  # nothing to read: no thread left behind
    decode.release()
    reader.submit(5)
    wait_idle(reader)
    assert [r.found for r in reader.take()] == [(b"5",)]
    reader.close()
    with pytest.raises(TransportError, match="closed"):
        reader.submit(6)


def test_a_finished_read_wakes_whoever_waits_for_the_reader() -> None:
    """Waiting for the reader to be idle ends when the read ends, not when the wait times out: a
    loop or test waiting on it would otherwise sit out the whole timeout for every frame."""
    decode = GatedDecode()
    reader = FrameReader(decode)
    try:
        reader.submit(1)
        decode.wait_started(1)
        with reader._cond:
            decode.release()  # the read finishes while this thread waits, holding no other lock
            woken = reader._cond.wait(WAIT_S)  # True only when notified
        assert woken and reader.idle
    finally:
        reader.close()
