"""Bitcoin signing core: strict PSBT parsing, review (proofs, change, warnings) and signing.

Typical use::

    keys = BtcKeys.from_seed(seed, "main", multisig=registered_descriptors)
    review = review_psbt(load_psbt(data), keys)      # show review.to_text() / to_json()
    signed = sign_reviewed(review, keys, accept_risk=person_accepted_danger)

Signing is impossible while ``review.refusals`` is non-empty, and needs ``accept_risk`` when a
warning is of danger severity.
"""

from signer.btc.analyze import review_psbt
from signer.btc.keys import BtcKeys
from signer.btc.psbt import Psbt, parse_psbt
from signer.btc.psbt_io import decode_psbt_bytes, encode_psbt, load_psbt
from signer.btc.review import InputReview, OutputReview, Review
from signer.btc.sign import SignedPsbt, sign_reviewed

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
