"""The words of a derivation path, each defined once: hardened steps, purposes, coin types, networks.

A standard account path is ``m/purpose'/coin_type'/account'`` (BIP-43/44): a hardened step is its
index plus ``HARDENED`` (written ``h`` or ``'``); the purpose says which script kind the account's
addresses have (BIP-44/49/84/86; BIP-48 for a multisig cosigner); the SLIP-44 coin type says which
coin, and for Bitcoin whether the keys are for the main network or any test network.

The enums are ``IntEnum``/``StrEnum``: their members equal the plain numbers and names they stand for,
so paths, vault records and review JSON read and write exactly as before.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

HARDENED = 0x80000000  # BIP-32: child numbers from here on are hardened
MAX_UNHARDENED = HARDENED - 1  # the largest index of a step, before the hardened offset is added


class Network(StrEnum):
    """The Bitcoin networks, by the names the vault, the CLI and the reviews use."""

    MAIN = "main"
    TEST = "test"
    SIGNET = "signet"
    REGTEST = "regtest"


# the names as plain strings, for argparse choices and messages (an enum member's repr names its class)
NETWORK_NAMES: tuple[str, ...] = tuple(network.value for network in Network)


class CoinType(IntEnum):
    """SLIP-44 coin types, the second step of a standard path (unhardened)."""

    BITCOIN = 0
    BITCOIN_TEST = 1  # every Bitcoin test network: testnet, signet and regtest share their keys
    ETHEREUM = 60

    @classmethod
    def of_network(cls, network: str) -> CoinType:
        """The Bitcoin coin type of ``network`` (a ``Network`` name)."""
        return cls.BITCOIN if network == Network.MAIN else cls.BITCOIN_TEST


class Purpose(IntEnum):
    """BIP-43 purposes, the first step of a standard path (unhardened)."""

    BIP44 = 44  # P2PKH
    BIP45 = 45  # legacy P2SH multisig (the whole path is m/45')
    BIP48 = 48  # multisig cosigner keys (the script type is the path's fourth step)
    BIP49 = 49  # P2SH-P2WPKH
    BIP84 = 84  # P2WPKH
    BIP86 = 86  # P2TR, key path only


class ScriptKind(StrEnum):
    """The kinds of Bitcoin output script a review names (``witness-vN`` is written for newer versions)."""

    P2PKH = "p2pkh"
    P2SH = "p2sh"
    P2SH_P2WPKH = "p2sh-p2wpkh"
    P2WPKH = "p2wpkh"
    P2WSH = "p2wsh"
    P2TR = "p2tr"
    OP_RETURN = "op_return"
    UNKNOWN = "unknown"


# The one script kind a single-sig wallet looks for under each purpose (looked up by its number).
SINGLE_SIG_KIND: dict[int, ScriptKind] = {
    Purpose.BIP44: ScriptKind.P2PKH,
    Purpose.BIP49: ScriptKind.P2SH_P2WPKH,
    Purpose.BIP84: ScriptKind.P2WPKH,
    Purpose.BIP86: ScriptKind.P2TR,
}
