"""Typed UR registry payloads (BCR-2020-006 and friends, ERC-4527) with strict CBOR decoding.

``decode_ur(ur)`` gives a typed object; ``to_ur(obj, legacy=True)`` encodes one. Each class
also has ``to_cbor()`` / ``from_cbor()`` for its top-level (untagged) payload.
"""

from signer.transport.urtypes._base import RegistryType
from signer.transport.urtypes.basic import PSBT, Bytes, Seed
from signer.transport.urtypes.eth import EthDataType, EthSignature, EthSignRequest
from signer.transport.urtypes.keys import (
    COIN_BTC,
    COIN_ETH,
    NETWORK_MAINNET,
    NETWORK_TESTNET,
    Address,
    ChildIndex,
    ChildPair,
    ChildRange,
    ChildWildcard,
    CoinInfo,
    ECKey,
    HDKey,
    Keypath,
    PathComponent,
)
from signer.transport.urtypes.output import (
    SCRIPT_TAGS,
    Account,
    CryptoOutput,
    MultiAccounts,
    MultiKey,
    OutputDescriptorV3,
)
from signer.transport.urtypes.registry import REGISTRY, decode_ur, to_ur

OutputDescriptor = CryptoOutput
"""The v1 crypto-output structure (script-expression tag chain) most wallets still exchange."""

__all__ = [
    "COIN_BTC",
    "COIN_ETH",
    "NETWORK_MAINNET",
    "NETWORK_TESTNET",
    "PSBT",
    "REGISTRY",
    "SCRIPT_TAGS",
    "Account",
    "Address",
    "Bytes",
    "ChildIndex",
    "ChildPair",
    "ChildRange",
    "ChildWildcard",
    "CoinInfo",
    "CryptoOutput",
    "ECKey",
    "EthDataType",
    "EthSignRequest",
    "EthSignature",
    "HDKey",
    "Keypath",
    "MultiAccounts",
    "MultiKey",
    "OutputDescriptor",
    "OutputDescriptorV3",
    "PathComponent",
    "RegistryType",
    "Seed",
    "decode_ur",
    "to_ur",
]
