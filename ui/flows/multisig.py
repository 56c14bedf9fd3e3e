"""Multisig wallets on the device: register one from a scanned wallet file (any format the signer
reads), list a seed's wallets by name, look at one (addresses, every cosigner key in full, policy,
descriptor QR), rename it, delete it.

The decisions (which format, which seed cosigns, is it already there, the record) are the signer's;
this module asks and draws. ``signer.btc`` loads embit: it is imported where a wallet is read, so the
menus that lead here open without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from signer.errors import AirlockError
from signer.keys.vault import MAX_WALLET_NAME
from signer.review import Severity
from signer.transport.payload import PayloadKind
from ui import exports, text, theme
from ui.flows.export import AddressList, qr_screen
from ui.screen import Action, Home, Pop, Push, Replace, pushes
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, confirm, error, info
from ui.screens.review import ReviewModel, ReviewScreen
from ui.screens.scan import ScanScreen
from ui.screens.working import Working

if TYPE_CHECKING:
    from signer.btc.multisig import Cosigner, MultisigWallet
    from signer.keys.vault import SeedEntry
    from signer.transport.payload import Payload
    from ui.session import Session

WALLET_KINDS = frozenset(
    {
        PayloadKind.DESCRIPTOR_TEXT,
        PayloadKind.OUTPUT_DESCRIPTOR,
        PayloadKind.JSON,
        PayloadKind.TEXT,
        PayloadKind.BYTES,
    }
)


def wallet_text(payload: Payload) -> str | None:
    """The multisig wallet a scanned payload carries, as text (None: it is not a wallet)."""
    from signer.btc.export import multisig_wallet_text

    return multisig_wallet_text(payload)


# -- registering ----------------------------------------------------------------------------------
def register(session: Session, payload: Payload, only: SeedEntry | None = None) -> Action:
    """Find the seed that cosigns the scanned wallet, then review the wallet before storing it."""
    from signer.btc.multisig_registry import register_for_seeds

    def job() -> tuple[SeedEntry, MultisigWallet, bytes]:
        text = wallet_text(payload)
        if text is None:
            from signer.btc.errors import DescriptorError

            raise DescriptorError("this QR code does not hold a multisig wallet")
        entries = [only] if only is not None else session.seeds()
        return register_for_seeds(text, ((e, session.seed_bytes(e), e.multisig) for e in entries))

    def found(result: tuple[SeedEntry, MultisigWallet, bytes]) -> Action:
        entry, wallet, fingerprint = result
        return Replace(ReviewScreen(register_model(session, entry, wallet, fingerprint)))

    return Replace(
        Working(
            "Multisig",
            "Checking the wallet...",
            job,
            found,
            lambda exc: Replace(error("Not registered", str(exc))),
        )
    )


def _key_text(cosigner: Cosigner) -> str:
    return f"{cosigner.origin_text()}\n{text.chunked(cosigner.xpub)}"


def register_model(session: Session, entry: SeedEntry, wallet: MultisigWallet, ours: bytes) -> ReviewModel:
    """Everything to check against the coordinator before registering: policy, first address, and
    every cosigner key in full (paged, never cut)."""
    facts = [
        ("Policy", f"{wallet.m} of {wallet.n}, {wallet.script_type.description}"),
        ("Network", "mainnet" if wallet.network_is_main else "testnet"),
        ("First address", text.chunked(wallet.address(0, 0))),
    ]
    for i, c in enumerate(wallet.cosigners, 1):
        mark = " (this seed)" if c.fingerprint == ours else ""
        facts.append((f"Key {i} of {wallet.n}{mark}", _key_text(c)))
    facts.append(("Seed", f"{entry.label} {ours.hex()}"))

    record = (wallet.name, wallet.descriptor, ours.hex())

    def approve(_: bool) -> Action:
        return Push(
            Working(
                "Registering",
                "Saving the wallet...",
                lambda: _change_records(session, entry, "add_multisig", *record),
                lambda _: Home(
                    then=info(
                        "Registered",
                        f"{wallet.name} is registered for {entry.label}. Its change can now be "
                        "verified and its inputs signed.",
                    )
                ),
                lambda exc: Replace(error("Not registered", str(exc))),
            )
        )

    return ReviewModel(
        "Multisig",
        facts,
        approve,
        headline=f"Register {wallet.name}",
        approve_label="register",
        extra={"name": wallet.name, "descriptor": wallet.descriptor},
    )


# -- a seed's wallets -----------------------------------------------------------------------------
def wallets_menu(session: Session, entry: SeedEntry) -> Menu:
    from signer.btc.multisig_records import describe_record

    def build(menu: Menu) -> None:
        menu.items = [
            MenuItem(
                m["name"],
                pushes(wallet_detail, session, entry, m["name"]),
                detail=describe_record(m),
            )
            for m in entry.multisig
        ]
        menu.items.append(
            MenuItem(
                "Register (scan)",
                lambda: Push(
                    ScanScreen(
                        session,
                        "Scan wallet",
                        lambda p: register(session, p, only=entry),
                        expect=WALLET_KINDS,
                        expect_label="a multisig wallet",
                    )
                ),
            )
        )

    menu = Menu("Multisig wallets", [], rebuild=build)
    build(menu)
    return menu


@dataclass
class MultisigAddresses:
    """Adapter giving a registered wallet the shape AddressList expects."""

    wallet: Any
    network: str

    @property
    def path(self) -> str:
        return self.wallet.name

    def address(self, change: int, index: int) -> str:
        return str(self.wallet.address(change, index, self.network))


def wallet_detail(session: Session, entry: SeedEntry, name: str) -> Menu:
    """One registered wallet. Renaming keeps this screen (under the new name); deleting goes home."""
    from signer.btc.multisig_records import wallet_of_record

    current = {"name": name}

    def build(menu: Menu) -> None:
        try:
            record = entry.multisig_record(current["name"])
            wallet = wallet_of_record(record)
        except AirlockError as exc:
            menu.title, menu.header = current["name"], ["This record cannot be read."]
            menu.items = [
                MenuItem("Why", pushes(error, "Unreadable", str(exc))),
                *_manage_items(session, entry, current),
            ]
            return
        ours = bytes.fromhex(record.get("fingerprint") or session.fingerprint(entry))
        adapter = MultisigAddresses(wallet, wallet.network)
        descriptor_qr = [("text", exports.text_encoder(wallet.descriptor))]
        menu.title = wallet.name
        menu.header = [f"{wallet.m} of {wallet.n}, {'mainnet' if wallet.network_is_main else 'testnet'}"]
        menu.items = [
            MenuItem("Receive addresses", lambda: Push(AddressList(session, wallet.name, adapter, 0))),
            MenuItem("Change addresses", lambda: Push(AddressList(session, wallet.name, adapter, 1))),
            MenuItem("Cosigners", lambda: Push(cosigner_page(wallet, ours, 0))),
            MenuItem("Policy", lambda: Push(Message(wallet.name, wallet.policy_summary(ours)))),
            MenuItem("Descriptor QR", lambda: Push(qr_screen(session, wallet.name, descriptor_qr))),
            *_manage_items(session, entry, current),
        ]

    menu = Menu(name, [], rebuild=build)
    build(menu)
    return menu


def cosigner_page(wallet: MultisigWallet, ours: bytes, index: int) -> Message:
    """One cosigner per page: its origin and its whole extended key, to compare with the coordinator."""
    from signer.btc.networks import format_path

    c = wallet.cosigners[index]
    if c.fingerprint is not None and c.path is not None:
        lines = [f"Fingerprint {text.chunked(c.fingerprint.hex())}", f"Path {format_path(c.path)}"]
    else:
        lines = ["Origin not given in the file"]
    lines.append(text.chunked(c.xpub))
    buttons: list[tuple[str, Any]] = [("Done", lambda: Pop(None))]
    if index + 1 < wallet.n:
        buttons.insert(0, ("Next key", lambda: Replace(cosigner_page(wallet, ours, index + 1))))
    title = f"Key {index + 1} of {wallet.n}" + (" (this seed)" if c.fingerprint == ours else "")
    return Message(title, "\n".join(lines), buttons=buttons)


def _change_records(session: Session, entry: SeedEntry, change: str, *args: str) -> Any:
    """A change to the seed's multisig records (``add_multisig``, ``rename_multisig`` or
    ``delete_multisig``): saved in the vault for a stored seed, kept in memory for a temporary one.
    The vault and the seed record offer the same changes, the vault's also naming the seed."""
    if session.vault is not None and not session.is_temporary(entry):
        return getattr(session.vault, change)(entry.label, *args)
    return getattr(entry, change)(*args)


def _manage_items(session: Session, entry: SeedEntry, current: dict[str, str]) -> list[MenuItem]:
    return [
        MenuItem("Rename", lambda: Push(rename(session, entry, current))),
        MenuItem("Delete", lambda: Push(delete(session, entry, current["name"])), colour=theme.DANGER),
    ]


def rename(session: Session, entry: SeedEntry, current: dict[str, str]) -> Keyboard:
    old = current["name"]

    def done(new_name: str) -> Action:
        def renamed(stored: str) -> Action:
            current["name"] = stored
            return Pop(None)

        return Replace(
            Working(
                "Renaming",
                "Saving the vault...",
                lambda: _change_records(session, entry, "rename_multisig", old, new_name),
                renamed,
                lambda exc: Replace(error("Not renamed", str(exc))),
            )
        )

    return Keyboard("Wallet name", done, initial=old, max_len=MAX_WALLET_NAME)


def delete(session: Session, entry: SeedEntry, name: str) -> Message:
    def yes() -> Action:
        return Replace(
            Working(
                "Deleting",
                "Saving the vault...",
                lambda: _change_records(session, entry, "delete_multisig", name, name),
                lambda _: Home(then=info("Deleted", f"{name} is no longer registered for {entry.label}.")),
                lambda exc: Replace(error("Not deleted", str(exc))),
            )
        )

    body = (
        f"Delete {name} from {entry.label}? Its coins stay where they are, but this seed cannot sign "
        "for it or check its change until you register its wallet file again."
    )
    return confirm("Delete wallet", body, yes, yes_label="Delete", severity=Severity.DANGER)
