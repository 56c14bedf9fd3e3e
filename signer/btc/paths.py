"""The single-sig derivation paths wallets scan, and the one script type each of them implies.

A BIP-44/49/84/86 wallet looks for exactly one script type at ``m/purpose'/coin'/account'/branch/index``
(branch 0 receive, 1 change): P2PKH, P2SH-P2WPKH, P2WPKH or P2TR. Our key at any other path, or
at such a path inside another script type, is money no ordinary wallet restored from the seed finds.
"""

from __future__ import annotations

from dataclasses import dataclass

from signer.btc.scripts import SCRIPT_BY_PURPOSE

H = 0x80000000


@dataclass(frozen=True)
class AddressPath:
    """``m/purpose'/coin'/account'/branch/index`` with the script type its purpose gives."""

    purpose: int  # unhardened number: 44, 49, 84 or 86
    coin: int
    account: int
    branch: int  # 0 receive, 1 change
    index: int
    kind: str  # p2pkh | p2sh-p2wpkh | p2wpkh | p2tr

    @property
    def account_path(self) -> tuple[int, ...]:
        return (self.purpose + H, self.coin + H, self.account + H)


def standard_address_path(path: tuple[int, ...]) -> AddressPath | None:
    """The parsed path if it is a standard single-sig address path, else None."""
    if len(path) != 5 or path[0] not in SCRIPT_BY_PURPOSE:
        return None
    if any(i < H for i in path[:3]) or path[3] not in (0, 1) or path[4] >= H:
        return None
    return AddressPath(path[0] - H, path[1] - H, path[2] - H, path[3], path[4], SCRIPT_BY_PURPOSE[path[0]])
