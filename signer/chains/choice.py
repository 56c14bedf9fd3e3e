"""Which seed signs a request, when a front end holds several (the device's vault; the CLI names one).

A chain says how (``Chain.seed_choice``): Bitcoin reviews with each seed in turn and takes the first
with inputs of its own (a PSBT names key origins, not one seed); Ethereum takes the seed an ERC-4527
request names by fingerprint; otherwise the only seed, or the person chooses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from signer.chains.contract import Chain, Context, KeySource, Request, Review


@dataclass(frozen=True)
class SigningSeed:
    """A seed a front end could sign with, before its keys are derived (slow on a Pi: in the background)."""

    label: str
    fingerprint: str  # hex, with the passphrase in use
    keys: Callable[[], KeySource]
    context: Context
    handle: object = None  # the front end's own handle on it (the device's vault entry)


@dataclass(frozen=True)
class Chosen:
    seed: SigningSeed


@dataclass(frozen=True)
class Ask:
    """Several seeds could sign: the person chooses."""

    seeds: tuple[SigningSeed, ...]


@dataclass(frozen=True)
class NotLoaded:
    """The request names a seed that is not loaded."""

    message: str


@dataclass(frozen=True)
class Reviewed:
    seed: SigningSeed
    keys: KeySource
    review: Review


def choose_seed(chain: Chain, request: Request, seeds: Sequence[SigningSeed]) -> Chosen | Ask | NotLoaded:
    """The seed the request names (by fingerprint), else the only one, else ask (seeds is not empty)."""
    wanted = chain.wanted_fingerprint(request)
    if wanted is not None:
        match = [s for s in seeds if s.fingerprint == wanted]
        if not match:
            return NotLoaded(
                f"The request is for the seed with fingerprint {wanted}; it is not loaded here "
                "(check the passphrase)."
            )
        return Chosen(match[0])
    if len(seeds) == 1:
        return Chosen(seeds[0])
    return Ask(tuple(seeds))


def review_with(chain: Chain, request: Request, seed: SigningSeed) -> Reviewed:
    keys = seed.keys()
    return Reviewed(seed, keys, chain.review(request, keys, seed.context))


def review_first(chain: Chain, request: Request, seeds: Sequence[SigningSeed]) -> Reviewed | None:
    """The first seed whose review has something of its own to sign; else the first seed's review
    (its refusal says why nothing can be signed); None without seeds."""
    fallback: Reviewed | None = None
    for seed in seeds:
        reviewed = review_with(chain, request, seed)
        if reviewed.review.ours:
            return reviewed
        fallback = fallback or reviewed
    return fallback
