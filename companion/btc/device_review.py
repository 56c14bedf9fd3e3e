"""The review the device will show for a PSBT, computed here from the account's public keys only.

The signer's own review code runs on watch-only keys (signer.chains.keys.WatchOnlyKeys) built from
the wallet's descriptor: the same amounts, the same change proof, the same warnings and codes as
the device, because it is the same code; only the private key is missing, and the review needs none.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.btc.wallets import WalletRecord

_ORIGIN = re.compile(r"\[([0-9a-fA-F]{8})((?:/[0-9]+['h]?)*)\]([xt]pub[1-9A-HJ-NP-Za-km-z]+)")


def account_export(record: WalletRecord) -> dict[str, str]:
    """The wallet's account as ``airlock account show --json`` names it: fingerprint, path, xpub."""
    match = _ORIGIN.search(record.descriptor)
    if match is None:
        raise CompanionError(f"the wallet {record.name}'s descriptor has no key origin to review with")
    fingerprint, steps, xpub = match.groups()
    return {"fingerprint": fingerprint.lower(), "path": "m" + steps.replace("h", "'"), "xpub": xpub}


def review_psbt(record: WalletRecord, psbt: bytes) -> Any:
    """The signer's review (``signer.chains.contract.Review``) of ``psbt`` for this wallet's seed."""
    from companion.btc.multisig import is_multisig_descriptor
    from signer.chains.bitcoin import PSBT_CHAIN
    from signer.chains.contract import Context
    from signer.chains.exports import watch_only_keys
    from signer.errors import AirlockError
    from signer.transport.payload import Payload, PayloadKind

    try:
        if is_multisig_descriptor(record.descriptor):
            from companion.btc.multisig import cosigner_keys

            keys = cosigner_keys(record)
        else:
            keys = watch_only_keys([account_export(record)])
        request = PSBT_CHAIN.parse(Payload(PayloadKind.PSBT, "plain", psbt))
        return PSBT_CHAIN.review(request, keys, Context(network=record.network, label=record.name))
    except AirlockError as exc:
        raise CompanionError(f"the device's review cannot be computed: {exc}") from None
