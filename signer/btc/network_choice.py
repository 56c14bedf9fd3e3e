"""Which network to review a PSBT on when the person did not say.

The PSBT's key origins name a BIP-44 coin type (0 for mainnet, 1 for every test network); among
the networks that fit, those the seed's accounts use come first. A seed with accounts on both
mainnet and a test network therefore signs on either, instead of whichever was guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from signer.btc.analyze import review_psbt
from signer.btc.keys import BitcoinKeys
from signer.btc.psbt import Psbt
from signer.btc.review import Review
from signer.derivation import HARDENED, NETWORK_NAMES, Network


def coin_types(psbt: Psbt) -> set[int]:
    """Coin types (0 main, 1 test) named by the PSBT's key origins."""
    found = set()
    maps = [i.bip32 for i in psbt.inputs] + [o.bip32 for o in psbt.outputs]
    maps += [{k: origin for k, (_, origin) in i.tap_bip32.items()} for i in psbt.inputs]
    for mapping in maps:
        for origin in mapping.values():
            if len(origin.path) >= 2:
                found.add(origin.path[1] & (HARDENED - 1))
    return found


def networks_to_try(psbt: Psbt, preferred: Iterable[str] = ()) -> list[str]:
    """The networks the PSBT may be for, most likely first."""
    coins = coin_types(psbt)
    ordered = list(dict.fromkeys([*(n for n in preferred if n in NETWORK_NAMES), *NETWORK_NAMES]))
    if coins == {0}:
        return [Network.MAIN]
    if coins and 0 not in coins:
        return [n for n in ordered if n != Network.MAIN]
    return ordered


def review_on_networks(
    psbt: Psbt,
    keys_on: Callable[[str], BitcoinKeys],
    preferred: Iterable[str] = (),
    *,
    tip_height: int | None = None,
    message: bytes | None = None,
) -> tuple[BitcoinKeys, Review]:
    """The review on the first network where the seed (its keys on a network: ``keys_on``) has inputs
    to sign; else on the likeliest one (``message``: what a BIP-322 proof is said to sign, as for
    ``review_psbt``)."""
    first: tuple[BitcoinKeys, Review] | None = None
    for network in networks_to_try(psbt, preferred):
        keys = keys_on(network)
        review = review_psbt(psbt, keys, tip_height=tip_height, message=message)
        if has_own_inputs(review):
            return keys, review
        first = first or (keys, review)
    assert first is not None  # networks_to_try never returns an empty list
    return first


def has_own_inputs(review: Review) -> bool:
    """The seed reviewed with has inputs in the PSBT: to sign, or already signed or finalized."""
    return bool(review.to_sign) or any(i.ours for i in review.inputs)
