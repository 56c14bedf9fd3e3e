"""The watch-only wallet every import becomes: receive and change descriptors as BDK takes them.

A single-sig export (companion.btc.exports) and a multisig wallet (companion.btc.multisig) both end in an
``AccountImport``, each descriptor checked and given its checksum by BDK for the companion's network.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.errors import CompanionError

# the networks of the companion's --network, as the signer names them
NETWORKS = ("main", "test", "signet", "regtest")


@dataclass(frozen=True)
class AccountImport:
    """An account (single-sig or multisig) as BDK takes it: receive and change descriptors, checksummed."""

    descriptor: str
    change_descriptor: str
    network: str
    source: str  # what the file was: "ur:crypto-account", "json", "descriptor", "key", "account text"


def checked_descriptor(body: str, network: str) -> str:
    """The descriptor with its checksum, as BDK parses it for ``network``."""
    import bdkpython as bdk

    from companion.btc.bdk_network import bdk_network_kind

    try:
        parsed = bdk.Descriptor(body, bdk_network_kind(network))
    except Exception as exc:  # bdkpython raises its own DescriptorError variants
        raise CompanionError(f"the descriptor is not valid: {_one_line(exc)}") from None
    if not parsed.has_wildcard():
        raise CompanionError("the descriptor needs a /* wildcard to give addresses")
    text = str(parsed)
    return text


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
