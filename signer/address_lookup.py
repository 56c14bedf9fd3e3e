"""Is this address ours? One answer, in the same words, for ``airlock address check`` and the device.

:func:`parse_address_query` reads every form wallets show an address in: a bare Bitcoin address (bech32
in either case, base58), a ``bitcoin:`` URI with any parameters (BIP-21/321, also the upper-case QR
form ``BITCOIN:BC1Q...``), a bare Ethereum address (EIP-55 checksummed or single case), and an
``ethereum:`` request (EIP-681: the recipient of a payment or of an ERC-20 ``transfer``).

:func:`check` searches the seeds given: for Bitcoin the receive and change chains of the single-sig
accounts whose script type can produce the address (the seed's own accounts of that network, plus
BIP-84/86/49/44 account 0) and the registered multisig wallets of that network; for Ethereum the
addresses of the seed's Ethereum accounts (at least the MetaMask-style ``m/44h/60h/0h/0/n``). The
network is the address's own (``bc1``/``1``/``3`` main, ``tb1``/``m``/``n``/``2`` test and signet,
``bcrt1`` regtest) unless the caller names one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from signer.btc import BtcKeys
from signer.btc.address_check import DEFAULT_GAP, check_address, default_accounts
from signer.btc.errors import AddressError
from signer.btc.multisig_records import load_registered
from signer.btc.networks import coin_type, parse_path, script_from_address, script_type
from signer.derivation import HARDENED, SINGLE_SIG_KIND, Network, Purpose, ScriptKind
from signer.keys.accounts import AccountSpec, derive_eth_account
from signer.transport import plain
from signer.transport.addresses import EthAddress
from signer.transport.errors import TransportError
from signer.transport.payload import ADDRESS_KINDS, Payload, PayloadKind

ETH_GAP = 100
PURPOSE_NAMES: dict[int, str] = {
    Purpose.BIP44: "BIP-44 legacy",
    Purpose.BIP49: "BIP-49 nested segwit",
    Purpose.BIP84: "BIP-84 native segwit",
    Purpose.BIP86: "BIP-86 taproot",
}
NETWORK_LABELS: dict[str, str] = {
    Network.MAIN: "",
    Network.TEST: " (testnet)",
    Network.SIGNET: " (signet)",
    Network.REGTEST: " (regtest)",
}


@dataclass(frozen=True)
class AddressQuery:
    """An address to look for, as read from text or a scanned QR code."""

    chain: str  # "bitcoin" or "ethereum"
    address: str  # bech32 in lower case, base58 as written, Ethereum in EIP-55 form
    network: str | None  # Bitcoin: "main", "test" (testnet and signet) or "regtest"
    script_type: str | None  # Bitcoin: p2pkh, p2sh, p2wpkh, p2wsh, p2tr...
    source: str  # "address", "bip21" or "eip681"


@dataclass(frozen=True)
class SeedToSearch:
    """One seed: its label, its BIP-32 seed (read only while searching), accounts and multisig wallets."""

    label: str
    seed: Callable[[], bytes] = field(repr=False)
    accounts: tuple[AccountSpec, ...] = ()
    multisig: tuple[tuple[str, str], ...] = ()  # (registered name, descriptor)


@dataclass(frozen=True)
class AddressCheck:
    """Where the address was found, or what was searched without finding it."""

    query: AddressQuery
    gap: int
    searched: str  # "the first N ... addresses of <accounts> of <seeds>" ("" when found)
    seed: str | None = None
    account: str | None = None  # the account or the multisig wallet's name, in words
    path: str | None = None  # full path (single-sig, Ethereum) or branch/index (multisig)
    change: bool = False
    index: int | None = None
    note: str = ""  # why nothing could be searched (no account or wallet makes such addresses)
    wallet: str | None = None  # Bitcoin: the registered multisig wallet's name, or "single-sig"

    @property
    def found(self) -> bool:
        return self.seed is not None

    @property
    def title(self) -> str:
        return "Address is ours" if self.found else "Not found"

    def lines(self) -> list[str]:
        """What to tell the person, after the address itself (shown in full by the caller)."""
        if not self.found:
            return [f"Not found: {self.note}."] if self.note else [f"Not found in {self.searched}."]
        where = "Change" if self.change else "Receive"
        lines = ["This is your address.", f"Seed: {self.seed}", f"Account: {self.account}"]
        if self.query.chain == "bitcoin":
            lines.append(f"{where} address #{self.index}")
        lines.append(f"Path: {self.path}")
        return lines

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "address": self.query.address,
            "chain": self.query.chain,
            "network": self.query.network,
            "ours": self.found,
        }
        if self.found:
            doc.update(seed=self.seed, account=self.account, path=self.path, index=self.index)
            if self.query.chain == "bitcoin":
                doc.update(change=self.change, script_type=self.query.script_type, wallet=self.wallet)
        else:
            doc.update(searched=self.searched or self.note)
        doc.update(gap=self.gap, message=" ".join(self.lines()))
        return doc


# --- reading the address ---------------------------------------------------------------------------


def parse_address_query(item: str | Payload) -> AddressQuery:
    """The address in ``item`` (text as typed or scanned, or an assembled payload); AddressError if none."""
    if isinstance(item, Payload):
        payload: Payload | None = item
    else:
        try:
            payload = plain.recognise(item.strip())
        except TransportError as exc:
            raise AddressError(str(exc)) from None
    if payload is None or payload.kind not in ADDRESS_KINDS:
        what = f"a {payload.kind} QR code" if payload is not None else "text that is no address"
        raise AddressError(f"not an address: this is {what}")
    obj = payload.obj
    if payload.kind == PayloadKind.BITCOIN_ADDRESS:
        return _bitcoin(obj, "address")
    if payload.kind == PayloadKind.BIP21:
        address = getattr(obj, "address", None)
        if address is None:
            raise AddressError(
                "this payment request holds no on-chain address (only e.g. a Lightning invoice)"
            )
        return _bitcoin(address, "bip21")
    if payload.kind == PayloadKind.ETH_ADDRESS:
        if not isinstance(obj, EthAddress):
            raise AddressError("not an address: this eth-address QR code holds no address")
        return AddressQuery("ethereum", obj.address, None, None, "address")
    return _eip681_recipient(obj)


def _bitcoin(address: Any, source: str) -> AddressQuery:
    return AddressQuery("bitcoin", address.address, address.network, address.script_type, source)


def _eip681_recipient(request: Any) -> AddressQuery:
    if request.function is None:
        return AddressQuery("ethereum", request.target.address, None, None, "eip681")
    if request.function == "transfer":
        try:
            recipient = request.transfer_recipient
        except TransportError as exc:
            raise AddressError(str(exc)) from None
        if recipient is None:
            raise AddressError("this token transfer request names no recipient address")
        return AddressQuery("ethereum", recipient.address, None, None, "eip681")
    raise AddressError(f"this request calls {request.function!r} on a contract; it names no address to check")


# --- searching ---------------------------------------------------------------------------------


def check(
    query: AddressQuery,
    seeds: Sequence[SeedToSearch],
    *,
    gap: int | None = None,
    network: str | None = None,
    accounts: Sequence[tuple[int, ...]] | None = None,
) -> AddressCheck:
    """Search ``seeds`` for ``query``; ``network`` and ``accounts`` (Bitcoin paths) override the defaults."""
    if not seeds:
        raise AddressError("no seed to search")
    if gap is not None and not 1 <= gap <= 1_000_000:
        raise AddressError(f"the search depth must be 1..1000000, not {gap}")
    if query.chain == "ethereum":
        return _check_ethereum(query, seeds, gap or ETH_GAP)
    chosen = network or query.network or Network.MAIN
    return _check_bitcoin(query, seeds, gap or DEFAULT_GAP, chosen, accounts)


def _check_bitcoin(
    query: AddressQuery,
    seeds: Sequence[SeedToSearch],
    gap: int,
    network: str,
    explicit: Sequence[tuple[int, ...]] | None,
) -> AddressCheck:
    spk = script_from_address(query.address, network)  # AddressError for another network
    kind = script_type(spk)
    searched_accounts: list[str] = []
    searched_wallets: list[str] = []
    for entry in seeds:
        if explicit is not None:
            paths = list(explicit)
        else:
            stored = [  # testnet, signet and regtest accounts share coin type 1: the same keys
                parse_path(a.path)
                for a in entry.accounts
                if a.is_bitcoin and a.coin_type == coin_type(network) and not a.kind.startswith("btc-48")
            ]
            paths = list(dict.fromkeys([*stored, *default_accounts(network)]))
        paths = [p for p in paths if _can_hold(p, kind)]
        wallets = _wallets(entry.multisig, network) if kind in (ScriptKind.P2SH, ScriptKind.P2WSH) else []
        _note(searched_accounts, (_describe_account(p, network) for p in paths))
        _note(searched_wallets, (f"multisig wallet {w.name!r}" for w in wallets))
        if not paths and not wallets:
            continue
        keys = BtcKeys.from_seed(entry.seed(), network, wallets)
        match = check_address(query.address, keys, accounts=paths, gap=gap)
        if match is not None:
            if match.wallet == "single-sig":
                account = _describe_account(parse_path(match.path)[:3], network)
            else:
                account = f"multisig wallet {match.wallet!r}"
            where = (match.path, match.change, match.index)
            return AddressCheck(query, gap, "", entry.label, account, *where, wallet=match.wallet)
    searched = _join(searched_accounts + searched_wallets)
    seeds_named = _seed_names(seeds)
    if searched:
        return AddressCheck(
            query, gap, f"the first {gap} receive and change addresses of {searched} of {seeds_named}"
        )
    if kind in (ScriptKind.P2SH, ScriptKind.P2WSH):
        has = "has" if len(seeds) == 1 else "have"
        on_network = NETWORK_LABELS.get(network, "")
        note = (
            f"{seeds_named} {has} no registered multisig wallet{on_network} that could make this "
            "pay-to-script address; register the wallet first"
        )
        return AddressCheck(query, gap, "", note=note)
    return AddressCheck(query, gap, "", note=f"no account of {seeds_named} makes {kind} addresses")


def _check_ethereum(query: AddressQuery, seeds: Sequence[SeedToSearch], gap: int) -> AddressCheck:
    wanted = query.address.lower()
    described: list[str] = []
    for entry in seeds:
        specs = [a for a in entry.accounts if not a.is_bitcoin]
        specs = list(dict.fromkeys([*specs, AccountSpec("eth")]))
        _note(described, (_describe_eth(s) for s in specs))
        seed = entry.seed()
        for spec in specs:
            account = derive_eth_account(seed, spec)
            for index in range(gap):
                if account.address(index).lower() == wanted:
                    path = account.path(index)
                    return AddressCheck(query, gap, "", entry.label, _describe_eth(spec), path, False, index)
    return AddressCheck(
        query, gap, f"the first {gap} addresses of {_join(described)} of {_seed_names(seeds)}"
    )


def _can_hold(path: tuple[int, ...], kind: str) -> bool:
    """Whether a single-sig account at ``path`` makes addresses of script type ``kind``."""
    purpose = path[0] - HARDENED if path and path[0] >= HARDENED else None
    made = SINGLE_SIG_KIND.get(purpose or -1)
    return made is not None and (made == kind or (made is ScriptKind.P2SH_P2WPKH and kind == ScriptKind.P2SH))


def _wallets(records: Iterable[tuple[str, str]], network: str) -> list[Any]:
    """The registered multisig wallets of ``network``; a record that does not parse is skipped."""
    return list(load_registered([{"name": n, "descriptor": d} for n, d in records], network).wallets)


def _describe_account(path: tuple[int, ...], network: str) -> str:
    purpose, account = path[0] - HARDENED, path[2] - HARDENED if len(path) > 2 else 0
    name = PURPOSE_NAMES.get(purpose, f"purpose {purpose}")
    return f"{name} account {account}{NETWORK_LABELS.get(network, '')}"


def _describe_eth(spec: AccountSpec) -> str:
    if spec.kind == "eth-ledger-live":
        return "Ethereum Ledger Live accounts (m/44h/60h/nh/0/0)"
    return "Ethereum account (m/44h/60h/0h/0/n)"


def _note(seen: list[str], items: Iterable[str]) -> None:
    for item in items:
        if item not in seen:
            seen.append(item)


def _join(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _seed_names(seeds: Sequence[SeedToSearch]) -> str:
    names = [repr(s.label) for s in seeds]
    return (
        f"the seed {names[0]}" if len(names) == 1 else f"the seeds {_join(names)}"
    )  # "... has" reads for both
