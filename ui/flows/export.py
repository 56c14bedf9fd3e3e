"""Account exports for wallet software, and the address explorer (each address also as a QR)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from signer.errors import AirlockError
from signer.keys.accounts import BtcAccount, EthAccount, derive_account
from ui import exports, text
from ui.screen import Action, Push, Redraw
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, error
from ui.screens.qr import QrDisplay

if TYPE_CHECKING:
    from signer.keys.accounts import AccountSpec
    from signer.keys.vault import SeedEntry
    from ui.session import Session

PAGE = 10


def derive(session: Session, entry: SeedEntry, spec: AccountSpec) -> BtcAccount | EthAccount:
    return derive_account(session.seed_bytes(entry), spec)


def qr_screen(
    session: Session, title: str, encoders: list[tuple[str, exports.Encoder]], caption: str = ""
) -> QrDisplay:
    return QrDisplay(
        title,
        encoders,
        density=session.setting("qr_density"),
        frame_ms=session.setting("qr_frame_ms"),
        caption=caption or title,
    )


def choose_account(session: Session, entry: SeedEntry, purpose: str) -> Menu:
    def pick(spec: AccountSpec) -> Action | None:
        if purpose == "export":
            return Push(export_menu(session, entry, spec))
        return addresses_for(session, entry, spec)

    def build(menu: Menu) -> None:
        menu.items = [MenuItem(str(spec), partial(pick, spec)) for spec in entry.accounts]
        if not menu.items:
            menu.header = ["No accounts: add one first."]

    menu = Menu("Export" if purpose == "export" else "Addresses", [], rebuild=build)
    build(menu)
    return menu


def export_menu(session: Session, entry: SeedEntry, spec: AccountSpec) -> Menu:
    """The formats wallets read, for one account."""
    try:
        account = derive(session, entry, spec)
    except AirlockError as exc:
        return Menu("Export", [MenuItem("Back", lambda: None)], header=[str(exc)[:40]])
    items: list[MenuItem] = []
    if isinstance(account, BtcAccount):
        btc = account
        items.append(
            MenuItem(
                "Sparrow, Nunchuk, Specter",
                lambda: Push(
                    qr_screen(
                        session,
                        "Account (UR)",
                        [("UR", exports.ur_encoder(exports.btc_account_ur(btc)))],
                        f"{spec} crypto-account",
                    )
                ),
                detail="UR",
            )
        )
        items.append(
            MenuItem(
                "BlueWallet",
                lambda: Push(
                    qr_screen(
                        session,
                        "Output (UR)",
                        [("UR", exports.ur_encoder(exports.btc_output_ur(btc)))],
                        f"{spec} crypto-output",
                    )
                ),
                detail="UR",
            )
        )
        if btc.descriptor is not None:
            descriptor = btc.descriptor
            items.append(
                MenuItem(
                    "Descriptor text",
                    lambda: Push(
                        qr_screen(
                            session, "Descriptor", [("text", exports.text_encoder(descriptor))], str(spec)
                        )
                    ),
                    detail="text",
                )
            )
        else:
            key = btc.key_expression.removesuffix("/<0;1>/*")
            items.append(
                MenuItem(
                    "Key text",
                    lambda: Push(
                        qr_screen(session, "Cosigner key", [("text", exports.text_encoder(key))], str(spec))
                    ),
                    detail="text",
                )
            )
        shown = btc.slip132 or btc.xpub
        items.append(
            MenuItem(
                "Extended key",
                lambda: Push(
                    qr_screen(session, "Extended key", [("text", exports.text_encoder(shown))], shown[:4])
                ),
                detail=shown[:4],
            )
        )
        items.append(MenuItem("Show details", lambda: Push(Message(str(spec), _btc_details(btc)))))
    else:
        eth = account
        metamask = (
            ("MetaMask, Rabby", "MetaMask (UR)", exports.eth_metamask_ur, "crypto-hdkey m/44'/60'/0'")
            if spec.kind == "eth"
            else (
                "MetaMask Ledger Live",
                "Ledger Live (UR)",
                exports.eth_ledger_live_ur,
                "5 keys m/44'/60'/i'/0/0",
            )
        )
        label, title, make, caption = metamask
        items.append(
            MenuItem(
                label,
                lambda: Push(
                    qr_screen(
                        session, title, [("UR", exports.ur_encoder(make(session.seed_bytes(entry))))], caption
                    )
                ),
                detail="UR",
            )
        )
        first = eth.address(0)
        items.append(
            MenuItem("First address", lambda: Push(address_detail(session, f"{spec} #0", first, eth.path(0))))
        )
    return Menu(f"Export {spec.kind}", items, header=[f"{spec} {session.fingerprint(entry)}"])


def _btc_details(account: BtcAccount) -> str:
    lines = [f"Path {account.path}", f"Fingerprint {account.fingerprint}", account.slip132 or account.xpub]
    return "\n".join(lines)


# -- addresses ------------------------------------------------------------------------------
def addresses_for(session: Session, entry: SeedEntry, spec: AccountSpec) -> Action:
    if spec.kind.startswith("btc-48"):
        return Push(
            error(
                "No own addresses",
                "A multisig key has no addresses of its own. Register the "
                "multisig wallet, then look at its addresses.",
            )
        )
    try:
        account = derive(session, entry, spec)
    except AirlockError as exc:
        return Push(error("Cannot derive", str(exc)))
    if spec.is_bitcoin:
        items = [
            MenuItem("Receive", lambda: Push(AddressList(session, str(spec), account, 0))),
            MenuItem("Change", lambda: Push(AddressList(session, str(spec), account, 1))),
        ]
        return Push(Menu("Addresses", items, header=[str(spec)]))
    return Push(AddressList(session, str(spec), account, None))


class AddressList(Menu):
    """Addresses by index, ten at a time; PRESS shows one in full and as a QR."""

    def __init__(self, session: Session, name: str, account: Any, change: int | None) -> None:
        self.session = session
        self.name = name
        self.account = account
        self.change = change
        self.start = 0
        branch = {0: "Receive", 1: "Change"}.get(change if change is not None else -1, "Addresses")
        self.item_title = {0: "Receive", 1: "Change"}.get(change if change is not None else -1, "Address")
        super().__init__(branch, [], header=[name])
        self._build()

    def address(self, index: int) -> str:
        if self.change is None:
            return str(self.account.address(index))
        return str(self.account.address(self.change, index))

    def _detail(self, index: int, address: str) -> Action:
        return Push(address_detail(self.session, f"{self.item_title} #{index}", address, self.path(index)))

    def path(self, index: int) -> str:
        if self.change is None:
            return str(self.account.path(index))
        return f"{self.account.path}/{self.change}/{index}"

    def _build(self) -> None:
        items = []
        if self.start > 0:
            items.append(MenuItem(f"Previous {PAGE}", lambda: self._page(-PAGE)))
        for index in range(self.start, self.start + PAGE):
            address = self.address(index)
            items.append(
                MenuItem(
                    f"{index} {text.middle_ellipsize(address, 170)}",
                    partial(self._detail, index, address),
                )
            )
        items.append(MenuItem(f"Next {PAGE}", lambda: self._page(PAGE)))
        self.items = items

    def _page(self, delta: int) -> Action:
        self.start = max(0, self.start + delta)
        self._build()
        self.selected = 1 if self.start > 0 else 0
        return Redraw()


def address_detail(session: Session, title: str, address: str, path: str) -> Message:
    body = f"{text.chunked(address)}\n{path}"
    qr = exports.text_encoder(exports.address_qr_text(address))
    return Message(
        title, body, buttons=[("Show QR", lambda: Push(qr_screen(session, title, [("text", qr)], address)))]
    )
