"""The chains this signer speaks, registered once, read by ``airlock sign`` and the device alike.

The built-in chains are imported on first use (their modules pull in embit and the Ethereum
decoders, which the CLI's other commands and the device's start-up do not need). Another chain
joins with ``register(chain)``.
"""

from __future__ import annotations

import importlib

from signer.chains.contract import Chain, Claim
from signer.transport.payload import Payload

# module:attribute of each built-in chain, in the order they are asked (ties go to the first)
BUILTIN = (
    "signer.chains.bitcoin:PSBT_CHAIN",
    "signer.chains.bitcoin_message:MESSAGE_CHAIN",
    "signer.chains.ethereum:ETHEREUM_CHAIN",
)

_chains: list[Chain] = []
_loaded = False


def _load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    builtin = []
    for ref in BUILTIN:
        module, _, attribute = ref.partition(":")
        builtin.append(getattr(importlib.import_module(module), attribute))
    _chains[:0] = builtin


def register(chain: Chain) -> None:
    """Add ``chain`` (after the built-in ones); registering the same name again replaces it."""
    _load_builtin()
    _chains[:] = [c for c in _chains if c.name != chain.name]
    _chains.append(chain)


def unregister(name: str) -> None:
    _load_builtin()
    _chains[:] = [c for c in _chains if c.name != name]


def chains() -> tuple[Chain, ...]:
    _load_builtin()
    return tuple(_chains)


def get(name: str) -> Chain:
    for chain in chains():
        if chain.name == name:
            return chain
    raise KeyError(name)


def claiming(payload: Payload) -> tuple[Chain | None, Claim]:
    """The chain with the surest claim on ``payload`` (the first registered among equals)."""
    best: Chain | None = None
    surest = Claim.NO
    for chain in chains():
        claim = chain.claims(payload)
        if claim > surest:
            best, surest = chain, claim
    return best, surest


def signable_kinds() -> list[str]:
    return sorted({kind for chain in chains() for kind in chain.kinds})
