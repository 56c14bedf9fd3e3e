"""Bitcoin signing core: strict PSBT parsing, review (proofs, change, warnings) and signing.

Typical use::

    keys = BtcKeys.from_seed(seed, "main", multisig=registered_descriptors)
    review = review_psbt(load_psbt(data), keys)      # show review.to_text() / to_json()
    signed = sign_reviewed(review, keys, accept_risk=person_accepted_danger)

Signing is impossible while ``review.refusals`` is non-empty, and needs ``accept_risk`` when a
warning is of danger severity.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from signer.btc.analyze import review_psbt
    from signer.btc.keys import BtcKeys
    from signer.btc.psbt import Psbt, parse_psbt
    from signer.btc.psbt_io import decode_psbt_bytes, encode_psbt, load_psbt
    from signer.btc.review import InputReview, OutputReview, Review
    from signer.btc.sign import SignedPsbt, sign_reviewed

# Imported on first use (PEP 562): a module that needs one submodule (signer.btc.errors, say, on the
# Ethereum path) does not pay for the whole PSBT review.
_HOMES = {
    "review_psbt": "signer.btc.analyze",
    "BtcKeys": "signer.btc.keys",
    "Psbt": "signer.btc.psbt",
    "parse_psbt": "signer.btc.psbt",
    "decode_psbt_bytes": "signer.btc.psbt_io",
    "encode_psbt": "signer.btc.psbt_io",
    "load_psbt": "signer.btc.psbt_io",
    "InputReview": "signer.btc.review",
    "OutputReview": "signer.btc.review",
    "Review": "signer.btc.review",
    "SignedPsbt": "signer.btc.sign",
    "sign_reviewed": "signer.btc.sign",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'signer.btc' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


__all__ = [
    "BtcKeys",
    "InputReview",
    "OutputReview",
    "Psbt",
    "Review",
    "SignedPsbt",
    "decode_psbt_bytes",
    "encode_psbt",
    "load_psbt",
    "parse_psbt",
    "review_psbt",
    "sign_reviewed",
]
