"""Fuzz target for the UR layer: any input must end in a result or TransportError.

Run by hand (atheris is not a dependency):
    pip install atheris && python tests/fuzz/fuzz_ur.py [-max_total_time=600] [corpus_dir]

``fuzz_one_input`` is also driven by hypothesis in tests/transport/test_fuzz_ur.py.
The first input byte picks the entry point:
  0: the rest is text fed line by line to one URDecoder (whole UR strings),
  1: the rest is a registry payload given to decode_ur under a chosen UR type,
  2: the rest is fountain-part CBOR, wrapped in a UR with a valid bytewords checksum so
     that it reaches the CBOR and fountain checks.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from signer.transport import bytewords  # noqa: E402
from signer.transport.errors import TransportError  # noqa: E402
from signer.transport.ur import UR, URDecoder  # noqa: E402
from signer.transport.urtypes import REGISTRY, decode_ur  # noqa: E402

UR_TYPES = sorted(REGISTRY)
MAX_LINES = 64


def fuzz_one_input(data: bytes) -> None:
    if not data:
        return
    selector, body = data[0] % 3, data[1:]
    try:
        if selector == 0:
            decoder = URDecoder(max_message_len=64 * 1024)
            for line in body.decode("utf-8", errors="replace").splitlines()[:MAX_LINES]:
                try:
                    decoder.receive(line)
                except TransportError:
                    continue
            if decoder.is_complete:
                decode_ur(decoder.result)
        elif selector == 1 and body:
            decode_ur(UR(UR_TYPES[body[0] % len(UR_TYPES)], body[1:]))
        elif selector == 2 and body:
            text = f"ur:bytes/1-1/{bytewords.encode(body)}"
            URDecoder().receive(text)
    except TransportError:
        pass


def seeds() -> list[bytes]:
    """Valid inputs of each entry point to start the corpus from: a two-part bytes message, a
    crypto-seed payload, and a fountain part with its bytewords checksum."""
    import cbor2

    from signer.transport.ur import UREncoder

    encoder = UREncoder(UR("bytes", cbor2.dumps(bytes(range(100)))), 60)
    parts = "\n".join(encoder.next_part() for _ in range(encoder.seq_len + 1))
    seed = bytes.fromhex("a20150c7098580125e2ab0981253468b2dbc5202d8641947da")
    fragment = bytewords.decode(encoder.next_part().rsplit("/", 1)[1])
    return [
        b"\x00" + parts.encode(),
        b"\x01" + bytes([UR_TYPES.index("crypto-seed")]) + seed,
        b"\x02" + fragment,
    ]


def main() -> int:
    try:
        import atheris  # only needed when fuzzing by hand
    except ImportError:
        print("atheris is not installed: pip install atheris", file=sys.stderr)
        return 2
    corpus = [a for a in sys.argv[1:] if not a.startswith("-")]
    if corpus:
        folder = Path(corpus[0])
        folder.mkdir(parents=True, exist_ok=True)
        for n, seed in enumerate(seeds()):
            (folder / f"seed-{n}").write_bytes(seed)
    for seed in seeds():  # load the lazily imported decoders before instrumenting them
        fuzz_one_input(seed)
    atheris.instrument_all()  # coverage feedback for the already imported signer code
    atheris.Setup(sys.argv, fuzz_one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
