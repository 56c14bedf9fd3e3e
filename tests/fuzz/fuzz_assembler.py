"""atheris fuzz target for the QR assembler (coverage-guided, run by hand).

    pip install atheris
    python tests/fuzz/fuzz_assembler.py [-max_total_time=300] [corpus_dir]

Each input is split into frames on 0x00 bytes; every frame goes to one Assembler as bytes and,
when it is UTF-8, also as text to a second one. Any exception other than TransportError is a bug.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

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


def seeds() -> list[bytes]:
    """Frames of every format, one message per seed (frames split on 0x00): an animated UR, BBQr
    parts, Specter's pMofN parts, a SeedQR and a few plain codes."""
    import random

    import cbor2

    from signer.transport import bbqr
    from signer.transport.ur import UR, UREncoder

    data = random.Random(1).randbytes(200)
    encoder = UREncoder(UR("bytes", cbor2.dumps(data)), 40)
    ur = [encoder.next_part().encode() for _ in range(encoder.seq_len + 1)]
    bbqr_parts = [p.encode() for p in bbqr.split(data, "B", min_version=1, max_version=3).parts]
    text = data.hex()
    specter = [f"p{n}of2 {text[(n - 1) * 200 : n * 200]}".encode() for n in (1, 2)]
    singles = [
        b"192402220235174306311124037817700641198012901210",
        b"bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=0.1",
        b"ethereum:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed@1?value=1e18",
    ]
    return [b"\x00".join(ur), b"\x00".join(bbqr_parts), b"\x00".join(specter), *singles]


def main(argv: list[str]) -> None:
    import atheris

    corpus = [a for a in argv[1:] if not a.startswith("-")]
    if corpus:
        folder = Path(corpus[0])
        folder.mkdir(parents=True, exist_ok=True)
        for n, seed in enumerate(seeds()):
            (folder / f"seed-{n}").write_bytes(seed)
    for seed in seeds():  # load the lazily imported decoders before instrumenting them
        test_one_input(seed)
    atheris.instrument_all()
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
