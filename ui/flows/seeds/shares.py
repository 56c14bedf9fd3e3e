"""Import a seed from SLIP-39 shares, typed or scanned from share cards, in any order, until they
suffice; shares that can be two wallets (Airlock's shares of seed words) let the person choose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from signer.errors import AirlockError
from signer.keys import slip39
from signer.keys.errors import MnemonicError
from signer.review import Severity
from ui.flows.seeds.keep import finish_seed
from ui.screen import Action, Home, Push, Replace
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, error
from ui.screens.scan import ScanScreen
from ui.screens.words import WordEntry
from ui.screens.working import Working

if TYPE_CHECKING:
    from signer.keys.slip39 import Candidate
    from ui.session import Session


class Slip39Import:
    """Collect SLIP-39 shares (typed or scanned from a card), in any order, until they suffice."""

    def __init__(self, session: Session, temporary: bool) -> None:
        self.session = session
        self.temporary = temporary
        self.shares: list[str] = []

    @property
    def length(self) -> int | None:
        return len(self.shares[0].split()) if self.shares else None

    def start(self) -> Menu:
        items = [
            MenuItem("20-word shares", lambda: Push(self.entry(20))),
            MenuItem("33-word shares", lambda: Push(self.entry(33))),
            MenuItem("Scan a share card", lambda: Push(self.scan())),
        ]
        return Menu("SLIP-39 shares", items, header=["Enter the shares in any order."])

    def entry(self, length: int) -> WordEntry:
        number = len(self.shares) + 1
        return WordEntry(
            lambda i: f"Share {number}: word {i + 1}/{length}",
            slip39.wordlist(),
            length,
            lambda words: self.add(" ".join(words)),
        )

    def scan(self) -> ScanScreen:
        def raw(content: bytes) -> Action | None:
            words = slip39.share_in_qr(content)
            return self.add(" ".join(words)) if words else None

        return ScanScreen(
            self.session,
            "Scan share card",
            lambda p: None,
            expect=frozenset(),
            expect_label="a SLIP-39 share",
            on_raw=raw,
            secret=True,
        )

    def add(self, share: str) -> Action:
        try:
            state = slip39.progress([*self.shares, share])
        except MnemonicError as exc:
            retry = self.next_menu if self.shares else self.start
            return Replace(
                Message(
                    "Share not accepted",
                    str(exc),
                    severity=Severity.DANGER,
                    back=False,
                    buttons=[("Try again", lambda: Replace(retry()))],
                )
            )
        self.shares.append(share)
        if state.complete:
            return Replace(
                Working("Shares", "Combining the shares...", self._candidates, self.choose, self._failed)
            )
        return Replace(self.next_menu())

    def _candidates(self) -> list[Candidate]:
        return slip39.candidates(self.shares)

    def _failed(self, exc: AirlockError) -> Action:
        self.shares = []
        return Replace(error("Cannot combine", str(exc), then=lambda: Home()))

    def next_menu(self) -> Menu:
        state = slip39.progress(self.shares)
        length = self.length or 20
        items = [
            MenuItem("Enter next share", lambda: Push(self.entry(length))),
            MenuItem("Scan a share card", lambda: Push(self.scan())),
        ]
        return Menu(
            f"Shares: {state.describe()}"[:60],
            items,
            header=["More shares are needed; enter", "them in any order."],
        )

    def choose(self, found: list[Candidate]) -> Action:
        """The one wallet the shares can be; or, when they can be two, both for the person to pick."""
        if len(found) == 1:
            return self.combine(found[0].mode)
        by_mode = {c.mode: c for c in found}
        words, native = by_mode["bip39"], by_mode["native"]
        body = (
            "These shares can restore two different wallets. Choose the one you made; check its "
            f"fingerprint or first address.\nSeed words (shares Airlock made from {words.words} words): "
            f"fingerprint {words.fingerprint}, first address {words.first_address}.\n"
            f"SLIP-39 wallet (Trezor): fingerprint {native.fingerprint}, "
            f"first address {native.first_address}."
        )
        return Replace(
            Message(
                "Which wallet?",
                body,
                back=False,
                buttons=[
                    ("Seed words", lambda: self.combine("bip39")),
                    ("SLIP-39", lambda: self.combine("native")),
                ],
            )
        )

    def combine(self, mode: str) -> Action:
        try:
            material = slip39.combine(self.shares, mode)
        except MnemonicError as exc:
            return Push(error("Cannot combine", str(exc)))
        self.shares = []
        return finish_seed(self.session, material, self.temporary)
