"""The single-sig derivation paths wallets scan, and the one script type each of them implies.

A BIP-44/49/84/86 wallet looks for exactly one script type at ``m/purpose'/coin'/account'/branch/index``
(branch 0 receive, 1 change): P2PKH, P2SH-P2WPKH, P2WPKH or P2TR. Our key at any other path, or
at such a path inside another script type, is money no ordinary wallet restored from the seed finds.
"""

from __future__ import annotations

from dataclasses import dataclass

from signer.btc.scripts import SCRIPT_BY_PURPOSE, SpendKind
from signer.derivation import HARDENED, Purpose

MULTISIG_PURPOSE = Purpose.BIP48 + HARDENED  # BIP-48: multisig accounts, m/48'/coin'/account'/script'
# The purposes whose second step is the BIP-44 coin type (0 mainnet, 1 every test network)
STANDARD_PURPOSES = frozenset({*SCRIPT_BY_PURPOSE, MULTISIG_PURPOSE})
RECEIVE_BRANCH, CHANGE_BRANCH = 0, 1  # m/.../branch/index


@dataclass(frozen=True)
class AddressPath:
    """``m/purpose'/coin'/account'/branch/index`` with the script type its purpose gives."""

    purpose: int  # unhardened number: 44, 49, 84 or 86
    coin: int
    account: int
    branch: int  # RECEIVE_BRANCH or CHANGE_BRANCH
    index: int
    kind: SpendKind  # a single-sig one

    @property
    def account_path(self) -> tuple[int, ...]:
        return (self.purpose + HARDENED, self.coin + HARDENED, self.account + HARDENED)


def standard_address_path(path: tuple[int, ...]) -> AddressPath | None:
    """The parsed path if it is a standard single-sig address path, else None."""
    if len(path) != 5 or path[0] not in SCRIPT_BY_PURPOSE:
        return None
    hardened_account = all(i >= HARDENED for i in path[:3])
    if not hardened_account or path[3] not in (RECEIVE_BRANCH, CHANGE_BRANCH) or path[4] >= HARDENED:
        return None
    purpose, coin, account, branch, index = path
    kind = SCRIPT_BY_PURPOSE[purpose]
    return AddressPath(purpose - HARDENED, coin - HARDENED, account - HARDENED, branch, index, kind)
