"""The assembler the device and the CLI scan with: the transport's, with the checks of the payloads
the chains sign.

BBQr and pMofN parts carry no checksum, so the parts of two PSBTs of the same size could join into
one: a PSBT joined from such parts must parse as a whole before it is accepted (issue 10), and the
person is asked to scan again when it does not.
"""

from __future__ import annotations

from signer.transport.assembler import DEFAULT_MAX_BYTES, Assembler
from signer.transport.payload import PayloadKind


def new_assembler(max_bytes: int = DEFAULT_MAX_BYTES) -> Assembler:
    return Assembler(max_bytes, checks={PayloadKind.PSBT: _whole_psbt})


def _whole_psbt(raw: bytes) -> None:
    # the PSBT parser loads embit: imported when a PSBT arrives, so scanning anything else does not
    from signer.btc.psbt import parse_psbt

    parse_psbt(raw)
