"""Watch-only wallets in the data folder: one folder per account, ``btc/NAME/``.

``wallet.json`` names the account (its two descriptors, network and node), ``wallet.sqlite`` is BDK's
store of the same wallet (revealed addresses; for compact block filters, the transactions and chain it
synced), ``status.json`` the last sync's balance and last used receive index, ``cbf/`` Kyoto's peer and
header data. A wallet folder is built under a temporary name and renamed in one step, so an import
that fails leaves nothing behind. Nothing here ever holds a private key.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from companion.btc.descriptors import AccountImport
from companion.errors import CompanionError

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise CompanionError(
            f"wallet name {name[:70]!r} is not allowed: use up to 64 letters, digits, '.', '_' or '-'"
        )
    return name


@dataclass(frozen=True)
class WalletRecord:
    name: str
    network: str
    descriptor: str
    change_descriptor: str
    node: str
    source: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WalletRecord:
        return cls(**{k: str(data[k]) for k in cls.__dataclass_fields__})

    @property
    def account_path(self) -> str:
        """``m/84h/1h/0h``: the account's path from its descriptor's key origin."""
        match = re.search(r"\[[0-9a-fA-F]{8}((?:/[0-9]+['h]?)*)\]", self.descriptor)
        steps = match.group(1).replace("'", "h") if match else ""
        return "m" + steps


@dataclass(frozen=True)
class Status:
    """What the last sync saw."""

    height: int
    confirmed: int  # sats
    pending: int  # sats: unconfirmed and immature coinbase
    last_used_receive: int | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def wallet_status(wallet: Any) -> Status:
    """Balance and usage as BDK's wallet has them: immature coinbase counts as pending."""
    import bdkpython as bdk

    balance = wallet.balance()
    pending = (
        balance.immature.to_sat() + balance.trusted_pending.to_sat() + balance.untrusted_pending.to_sat()
    )
    used = [out.derivation_index for out in wallet.list_output() if out.keychain == bdk.KeychainKind.EXTERNAL]
    return Status(
        height=wallet.latest_checkpoint().height,
        confirmed=balance.confirmed.to_sat(),
        pending=pending,
        last_used_receive=max(used) if used else None,
    )


class Wallets:
    """The wallets of one data folder."""

    def __init__(self, datadir: Path) -> None:
        self.root = datadir / "btc"

    def folder(self, name: str) -> Path:
        return self.root / check_name(name)

    def create(self, name: str, account: AccountImport, node: str) -> WalletRecord:
        """A new wallet folder for ``account`` (its BDK store created here); refuses an existing name."""
        from signer.atomic_file import atomic_write

        final = self.folder(name)
        if final.exists():
            raise CompanionError(f"a wallet named {name} already exists")
        record = WalletRecord(
            name, account.network, account.descriptor, account.change_descriptor, node, account.source
        )
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=self.root))
        try:
            open_bdk(record, building).close()
            atomic_write(building / "wallet.json", _dumps(record.to_json()))
            building.rename(final)  # one step: the wallet exists complete, or not at all
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        return record

    def load(self, name: str) -> WalletRecord:
        path = self.folder(name) / "wallet.json"
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            known = ", ".join(self.names()) or "none yet"
            raise CompanionError(f"no wallet named {name} (wallets: {known})") from None
        except (OSError, ValueError) as exc:
            raise CompanionError(f"the wallet {name} cannot be read: {exc}") from None
        return WalletRecord.from_json(data)

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "wallet.json").is_file())

    def save_status(self, name: str, status: Status) -> None:
        from signer.atomic_file import atomic_write

        atomic_write(self.folder(name) / "status.json", _dumps(status.to_json()))

    def status(self, name: str) -> Status | None:
        try:
            data = json.loads((self.folder(name) / "status.json").read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise CompanionError(f"the wallet {name}'s sync status cannot be read: {exc}") from None
        return Status(**data)


class OpenWallet:
    """A BDK wallet with its sqlite persister: persist after every change, close when done."""

    def __init__(self, wallet: Any, persister: Any) -> None:
        self.wallet = wallet
        self.persister = persister

    def persist(self) -> None:
        self.wallet.persist(self.persister)

    def close(self) -> None:
        self.persist()


def open_bdk(record: WalletRecord, folder: Path) -> OpenWallet:
    """BDK's wallet for ``record``, created in ``folder/wallet.sqlite`` on first use, loaded after."""
    import bdkpython as bdk

    from companion.btc.bdk_network import bdk_network, bdk_network_kind

    kind = bdk_network_kind(record.network)
    descriptor = bdk.Descriptor(record.descriptor, kind)
    change = bdk.Descriptor(record.change_descriptor, kind)
    store = folder / "wallet.sqlite"
    exists = store.exists()
    persister = bdk.Persister.new_sqlite(str(store))
    try:
        if exists:
            wallet = bdk.Wallet.load(descriptor, change, persister)
        else:
            wallet = bdk.Wallet(descriptor, change, bdk_network(record.network), persister)
    except Exception as exc:  # bdkpython's LoadWithPersistError / CreateWithPersistError
        raise CompanionError(f"the wallet store {store} does not match this wallet: {exc}") from None
    opened = OpenWallet(wallet, persister)
    opened.persist()
    return opened


def _dumps(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()
