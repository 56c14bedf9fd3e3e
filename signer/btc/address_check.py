"""Is this address ours? Search the receive and change chains of our accounts and registered wallets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from signer.btc.errors import AddressError
from signer.btc.keys import BtcKeys
from signer.btc.multisig import MultisigWallet
from signer.btc.networks import coin_type, format_path, script_from_address, script_type
from signer.btc.scripts import single_sig_script
from signer.derivation import HARDENED, SINGLE_SIG_KIND, Purpose, ScriptKind

DEFAULT_GAP = 1000
# the purpose whose accounts make addresses of each script kind (P2SH-P2WPKH addresses read as P2SH)
PURPOSE_BY_SCRIPT: dict[str, int] = {
    (ScriptKind.P2SH if kind is ScriptKind.P2SH_P2WPKH else kind): purpose
    for purpose, kind in SINGLE_SIG_KIND.items()
}


@dataclass(frozen=True)
class AddressMatch:
    address: str
    wallet: str  # "single-sig" or the multisig wallet's name
    script_type: str
    path: str  # full path (single-sig) or branch/index under the wallet (multisig)
    change: bool
    index: int

    def to_json(self) -> dict[str, object]:
        return {"address": self.address, "ours": True, "wallet": self.wallet, "script_type": self.script_type,
                "path": self.path, "change": self.change, "index": self.index}  # fmt: skip


def default_accounts(network: str, account_indexes: Iterable[int] = (0,)) -> list[tuple[int, ...]]:
    """Account paths searched by default: BIP-44/49/84/86 for ``network`` at the given indexes."""
    coin = coin_type(network) + HARDENED
    purposes = (Purpose.BIP84, Purpose.BIP86, Purpose.BIP49, Purpose.BIP44)
    return [(p + HARDENED, coin, a + HARDENED) for a in account_indexes for p in purposes]


def check_address(address: str, keys: BtcKeys, *, accounts: Iterable[tuple[int, ...]] | None = None,
                  gap: int = DEFAULT_GAP) -> AddressMatch | None:  # fmt: skip
    """Where ``address`` sits among our first ``gap`` receive and change addresses, or None.

    Raises AddressError for a malformed address or one of another network.
    """
    if not 1 <= gap <= 1_000_000:
        raise AddressError(f"the search depth must be 1..1000000, not {gap}")
    spk = script_from_address(address, keys.network)
    kind = script_type(spk)
    if kind in (ScriptKind.P2WSH, ScriptKind.P2SH):
        for wallet in keys.multisig:
            found = _search_multisig(wallet, spk, gap)
            if found is not None:
                branch, index = found
                return AddressMatch(
                    address, wallet.name, wallet.script_type, f"{branch}/{index}", branch == 1, index
                )
    for account in accounts if accounts is not None else default_accounts(keys.network):
        purpose = account[0] - HARDENED if account and account[0] >= HARDENED else None
        stype = SINGLE_SIG_KIND.get(purpose or -1)
        if stype is None or (kind == ScriptKind.P2SH) != (stype == ScriptKind.P2SH_P2WPKH) or \
                (kind != ScriptKind.P2SH and PURPOSE_BY_SCRIPT.get(kind) != purpose):  # fmt: skip
            continue
        node = keys.xpub(account)
        for branch in (0, 1):
            chain = node.child(branch)
            for index in range(gap):
                sec = chain.child(index).key.sec()
                if single_sig_script(stype, sec) == spk:
                    path = format_path((*account, branch, index))
                    return AddressMatch(address, "single-sig", stype, path, branch == 1, index)
    return None


def _search_multisig(wallet: MultisigWallet, spk: bytes, gap: int) -> tuple[int, int] | None:
    for branch in (0, 1):
        for index in range(gap):
            if wallet.scripts_at(branch, index)[0] == spk:
                return branch, index
    return None
