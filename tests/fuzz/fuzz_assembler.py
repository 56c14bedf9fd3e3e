"""atheris fuzz target for the QR assembler (run by hand; not part of the pytest run).

    pip install atheris
    python tests/fuzz/fuzz_assembler.py [-max_total_time=300] [corpus_dir]

Each input is split into frames on 0x00 bytes; every frame goes to one Assembler as bytes and,
when it is UTF-8, also as text to a second one. Any exception other than TransportError is a bug.
"""

from __future__ import annotations

import contextlib
import sys

from signer.transport.assembler import Assembler
from signer.transport.errors import TransportError


def test_one_input(data: bytes) -> None:
    as_bytes = Assembler(max_bytes=64 * 1024)
    as_text = Assembler(max_bytes=64 * 1024)
    for chunk in data.split(b"\x00")[:32]:
        with contextlib.suppress(TransportError):
            as_bytes.add(chunk)
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            continue
        with contextlib.suppress(TransportError):
            as_text.add(text)
    for assembler in (as_bytes, as_text):
        if assembler.is_complete:
            _ = assembler.result


def main(argv: list[str]) -> None:
    import atheris

    atheris.instrument_all()
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
