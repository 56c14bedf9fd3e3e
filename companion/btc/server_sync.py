"""What the Electrum and Esplora sources share: the network check and BDK's scan-then-sync.

Both servers answer by script, so BDK asks them about the wallet's addresses. The first sync is BDK's
full scan (every address until ``STOP_GAP`` unused ones in a row, on both branches); the later ones
sync the revealed addresses only, so before each the wallet reveals ``STOP_GAP`` addresses past the
last used one of each branch: a payment to an address another wallet of the same account handed out
is still found, as a full scan would find it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from companion.btc.wallets import OpenWallet, Status, wallet_status
from companion.errors import CompanionError

STOP_GAP = 20

# The genesis block of each network the companion knows: a server of another network is refused
# before the wallet takes anything from it.
GENESIS = {
    "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f": "main",
    "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943": "test",
    "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043": "testnet4",
    "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6": "signet",
    "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206": "regtest",
}


def check_genesis(genesis_hash: str, network: str, wallet_name: str, server: str) -> None:
    their = GENESIS.get(genesis_hash.lower(), "an unknown network")
    if their != network:
        raise CompanionError(f"the server at {server} is on {their}, the wallet {wallet_name} is {network}")


def scan_or_sync(
    wallet: OpenWallet,
    full_scan: Callable[[Any], Any],
    sync: Callable[[Any], Any],
) -> Status:
    """Fetch an update with ``full_scan(request)`` (never synced) or ``sync(request)``, apply it, persist."""
    import bdkpython as bdk

    bdk_wallet = wallet.wallet
    if bdk_wallet.latest_checkpoint().height == 0:
        update = full_scan(bdk_wallet.start_full_scan().build())
    else:
        used: dict[Any, int] = {}
        for output in bdk_wallet.list_output():
            used[output.keychain] = max(used.get(output.keychain, -1), output.derivation_index)
        for keychain in (bdk.KeychainKind.EXTERNAL, bdk.KeychainKind.INTERNAL):
            bdk_wallet.reveal_addresses_to(keychain, used.get(keychain, -1) + STOP_GAP)
        update = sync(bdk_wallet.start_sync_with_revealed_spks().build())
    try:
        bdk_wallet.apply_update(update)
    except Exception as exc:  # bdkpython's CannotConnectError: the server's chain is not the wallet's
        raise CompanionError(f"the server's blocks do not connect to the wallet's: {exc}") from None
    wallet.persist()
    return wallet_status(bdk_wallet)


TIMED_OUT = ("timed out", "timeout", "os error 11", "would block", "temporarily unavailable")
BROKEN = ("Json", "HexToArray", "HexToBytes", "Parsing", "BitcoinEncoding", "InvalidResponse", "Hex")
NOT_TLS = ("tls", "ssl", "handshake", "certificate", "corrupt message", "invalid content type")


def explain(server: str, protocol: str, what: str, exc: Exception, timeout: int, tls: bool) -> str:
    """One line for a failure of BDK's Electrum or Esplora client: what went wrong, with its detail."""
    text = bdk_error_text(exc)
    kind, lowered = type(exc).__name__, text.lower()
    if any(mark in lowered for mark in TIMED_OUT):
        return f"{server} did not answer {what} within {timeout} s"
    if tls and any(mark in lowered for mark in NOT_TLS):
        return f"no TLS from {server} ({text}): is it a plain port, or is its certificate not valid?"
    if kind == "AllAttemptsErrored":
        return f"{server} stopped answering during {what}: it closed the connection or took over {timeout} s"
    if kind in BROKEN or "eof while parsing" in lowered:
        return f"{server} gave a broken answer to {what}, cut off or not {protocol}'s ({text})"
    return f"{server} failed {what}: {text}"


def refused(server: str, protocol: str, exc: Exception, timeout: int, tls: bool) -> str:
    """One line for a broadcast that failed: a timeout or a broken answer as ``explain`` says, any other
    error as the server's refusal, with its reason; nothing was sent, or the server did not take it."""
    text = bdk_error_text(exc)
    lowered = text.lower()
    if any(mark in lowered for mark in TIMED_OUT) or (tls and any(mark in lowered for mark in NOT_TLS)):
        return explain(server, protocol, "the broadcast", exc, timeout, tls)
    return f"{server} refused the transaction: {_reason(text)}"


def _reason(text: str) -> str:
    """The server's own words: the ``message`` of an Electrum error object, the body of an Esplora 4xx."""
    found = re.search(r'"message"\s*:\s*"((?:[^"\\]|\\.)*)"', text) or re.search(
        r"HttpResponse: status=\d+,? '?(.*?)'?$", text
    )
    return found.group(1).strip() if found and found.group(1).strip() else text


def bdk_error_text(exc: Exception) -> str:
    """bdkpython's error as one short line: ``Kind: message`` without the wrapper's field names."""
    text = " ".join(str(exc).split())
    for prefix in ("error_message=", "msg="):
        text = text.replace(prefix, "")
    text = text.strip("'\" ,")
    kind = type(exc).__name__
    return (f"{kind}: {text}" if text else kind)[:160]
