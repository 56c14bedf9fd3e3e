"""UR type name <-> typed class: ``decode_ur`` and ``to_ur``."""

from __future__ import annotations

from signer.transport.errors import TransportError
from signer.transport.ur import UR
from signer.transport.urtypes._base import RegistryType
from signer.transport.urtypes._fields import load
from signer.transport.urtypes.basic import PSBT, Bytes, Seed
from signer.transport.urtypes.eth import EthSignature, EthSignRequest
from signer.transport.urtypes.keys import Address, CoinInfo, ECKey, HDKey, Keypath
from signer.transport.urtypes.output import Account, CryptoOutput, MultiAccounts, OutputDescriptorV3

REGISTRY: dict[str, type[RegistryType]] = {
    "bytes": Bytes,
    "crypto-psbt": PSBT,
    "psbt": PSBT,
    "crypto-seed": Seed,
    "seed": Seed,
    "crypto-hdkey": HDKey,
    "hdkey": HDKey,
    "crypto-keypath": Keypath,
    "keypath": Keypath,
    "crypto-coin-info": CoinInfo,
    "coin-info": CoinInfo,
    "crypto-eckey": ECKey,
    "eckey": ECKey,
    "crypto-address": Address,
    "address": Address,
    "crypto-output": CryptoOutput,
    "output-descriptor": OutputDescriptorV3,
    "crypto-account": Account,
    "account-descriptor": Account,
    "crypto-multi-accounts": MultiAccounts,
    "eth-sign-request": EthSignRequest,
    "eth-signature": EthSignature,
}
"""Every UR type this signer reads. v1 (``crypto-*``) and current names map to the same class."""


def decode_ur(ur: UR) -> RegistryType:
    """The typed object for ``ur``; TransportError for an unknown type or a malformed payload."""
    if not isinstance(ur, UR):
        raise TransportError("decode_ur needs a UR")
    cls = REGISTRY.get(ur.type)
    if cls is None:
        raise TransportError(f"unsupported UR type ur:{ur.type}")
    item = load(ur.cbor, ur.type)
    if ur.type == "output-descriptor" and not isinstance(item, dict):
        # 2023 interim revision: the v2 name carried v1-style script-tag expressions.
        return CryptoOutput.from_item(item)
    return cls.from_item(item)


def to_ur(obj: RegistryType, *, legacy: bool = True) -> UR:
    """Encode ``obj`` under its legacy (``crypto-*``) name by default, else the current name.

    With ``legacy=False`` a v1 crypto-output becomes a v3 output-descriptor, and an account
    becomes an account-descriptor with v3 descriptors. v3 descriptors have no legacy form.
    """
    if not isinstance(obj, RegistryType):
        raise TransportError(f"cannot encode {type(obj).__name__} as a UR")
    if isinstance(obj, CryptoOutput) and not legacy:
        obj = obj.to_v3()
    if isinstance(obj, Account) and legacy and not all(isinstance(o, CryptoOutput) for o in obj.outputs):
        raise TransportError("this account has v3 descriptors: encode it with legacy=False")
    name = obj.UR_TYPES[0] if legacy else obj.UR_TYPES[1]
    return UR(name, obj.to_cbor(legacy=legacy))
