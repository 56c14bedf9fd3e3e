"""Backups: SLIP-39 split (M of N, or groups) with each share shown and/or printed as a card, the
encrypted backup exported as an animated QR code, and a seed as a Krux encrypted QR (``krux.py``).

The Bitcoin multisig checks of the seeds' records (``signer.btc``, which loads embit) are imported
when a backup is made, not when a seed's page opens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from signer.keys import slip39
from signer.keys.backup import export_backup as seal
from signer.keys.errors import MnemonicError
from signer.keys.seed import Bip39Seed
from signer.keys.slip39 import SplitPlan
from signer.review import Severity
from ui import cards, exports
from ui.events import Input, Key, Kind
from ui.flows import krux, vault
from ui.flows.common import new_password, password_again
from ui.screen import Action, Home, Pop, Push, Redraw, Replace, pushes
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, confirm, error, info
from ui.screens.pickers import Checklist, NumberPicker
from ui.screens.qr import QrDisplay
from ui.screens.secret_words import SecretWords
from ui.screens.working import Working

if TYPE_CHECKING:
    from PIL.Image import Image

    from signer.keys.vault import SeedEntry
    from ui.session import Session

BIP39_NOTE = "Restore with Airlock: gives the BIP-39 words"
MAX_GROUPS = 8


def backups_menu(session: Session) -> Menu:
    def pick_seed(then: Callable[[SeedEntry], Action | None]) -> Action | None:
        seeds = session.seeds()
        if len(seeds) == 1:
            return then(seeds[0])
        return Push(
            Menu("Which seed?", [MenuItem(s.label, partial(then, s), detail=s.fingerprint) for s in seeds])
        )

    items = [
        MenuItem(
            "SLIP-39 shares",
            lambda: pick_seed(lambda s: Push(password_again(session, lambda: split_start(session, s)))),
        )
    ]
    if session.vault is not None:
        items.append(
            MenuItem(
                "Encrypted backup",
                lambda: Push(password_again(session, lambda: choose_backup_seeds(session))),
            )
        )
    items.append(MenuItem("Krux encrypted QR", lambda: krux.export_start(session)))
    if session.vault is not None:
        items.append(MenuItem("Restore backup", lambda: Push(vault.restore_scan(session))))
    return Menu("Backups", items)


# -- SLIP-39 split --------------------------------------------------------------------------
def split_start(session: Session, entry: SeedEntry) -> Menu | Message:
    plans = plan_menu(session, entry)
    if entry.kind == "bip39":
        body = (
            "These shares carry this seed's BIP-39 entropy: combined in Airlock they give back the same "
            "words. A Trezor would make a different wallet from them, so restore them with Airlock."
        )
        return Message(
            "SLIP-39 of words", body, severity=Severity.WARN, buttons=[("Continue", lambda: Replace(plans))]
        )
    return plans


def plan_menu(session: Session, entry: SeedEntry) -> Menu:
    def go(plan: SplitPlan) -> Action:
        return make_shares(session, entry, plan)

    items = [
        MenuItem("2 of 3 shares", lambda: go(SplitPlan.single(2, 3))),
        MenuItem("3 of 5 shares", lambda: go(SplitPlan.single(3, 5))),
        MenuItem("Other M of N", lambda: Push(_single_count(session, entry))),
        MenuItem("Groups", lambda: Push(GroupPlanner(session, entry).first())),
    ]
    return Menu("How many shares?", items)


def _single_count(session: Session, entry: SeedEntry) -> NumberPicker:
    def count(n: int) -> Action:
        return Replace(
            NumberPicker(
                "Shares needed",
                f"of {n} shares, how many restore?",
                2,
                2,
                n,
                lambda m: make_shares(session, entry, SplitPlan.single(m, n), replace=True),
            )
        )

    return NumberPicker("Shares to make", "How many shares in all?", 3, 2, 16, count)


@dataclass
class GroupPlanner:
    """Ask the group count, how many groups are needed, then each group's M of N."""

    session: Session
    entry: SeedEntry
    count: int = 2
    needed: int = 2
    groups: list[tuple[int, int]] = field(default_factory=list)

    def first(self) -> NumberPicker:
        return NumberPicker("Groups", "How many groups?", 2, 2, MAX_GROUPS, self._count)

    def _count(self, count: int) -> Action:
        self.count = count
        return Replace(
            NumberPicker("Groups needed", f"of {count} groups, how many restore?", 2, 1, count, self._needed)
        )

    def _needed(self, needed: int) -> Action:
        self.needed = needed
        self.groups = []
        return Replace(self._group_size())

    def _group_size(self) -> NumberPicker:
        number = len(self.groups) + 1
        return NumberPicker(
            f"Group {number} of {self.count}", "shares in this group", 3, 1, 16, self._group_n
        )

    def _group_n(self, n: int) -> Action:
        if n == 1:
            return self._group_done(1, 1)
        number = len(self.groups) + 1
        return Replace(
            NumberPicker(
                f"Group {number} of {self.count}",
                f"of {n} shares, how many needed?",
                2,
                2,
                n,
                lambda m: self._group_done(m, n),
            )
        )

    def _group_done(self, m: int, n: int) -> Action:
        self.groups.append((m, n))
        if len(self.groups) < self.count:
            return Replace(self._group_size())
        return make_shares(self.session, self.entry, SplitPlan(self.needed, tuple(self.groups)), replace=True)


@dataclass
class Share:
    group: int  # 0-based
    member: int  # 0-based
    group_size: int
    mnemonic: str
    shown: bool = False
    printed: bool = False

    @property
    def label(self) -> str:
        return f"Group {self.group + 1} share {self.member + 1}"


def make_shares(session: Session, entry: SeedEntry, plan: SplitPlan, *, replace: bool = False) -> Action:
    try:
        plan.check()
        material = entry.material
        if isinstance(material, Bip39Seed):
            groups = slip39.split_bip39(material, plan)
        else:
            groups = slip39.split_native(material, plan)
    except MnemonicError as exc:
        return Push(error("Cannot split", str(exc)))
    shares = [
        Share(g, m, len(members), words)
        for g, members in enumerate(groups)
        for m, words in enumerate(members)
    ]
    screen = ShareList(session, entry, plan, shares)
    return Replace(screen) if replace else Push(screen)


class ShareList(Menu):
    """Every share of the split: show its words, print its card, or both."""

    def __init__(self, session: Session, entry: SeedEntry, plan: SplitPlan, shares: list[Share]) -> None:
        self.session = session
        self.entry = entry
        self.plan = plan
        self.shares = shares
        self.secret_fingerprint = entry.fingerprint
        super().__init__(
            "Shares", [], back=False, rebuild=lambda menu: self._build(), hint="PRESS select   KEY3 finish"
        )
        self._build()

    def _build(self) -> None:
        single = len(self.plan.groups) == 1
        self.header = [self.plan.describe()]
        items = []
        for share in self.shares:
            status = "+".join(x for x, done in (("shown", share.shown), ("printed", share.printed)) if done)
            label = f"Share {share.member + 1} of {share.group_size}" if single else share.label
            items.append(MenuItem(label, pushes(self.share_menu, share), detail=status or "new"))
        if self.session.printer is not None:
            items.append(MenuItem("Print all cards", lambda: self.print(self.shares)))
        items.append(MenuItem("Finish", self.finish))
        self.items = items

    def on_input(self, event: Input) -> Action | None:
        if event.key == Key.KEY3 and event.kind == Kind.PRESS:
            return self.finish()
        return super().on_input(event)

    def share_menu(self, share: Share) -> Menu:
        items = [MenuItem("Show words", lambda: Replace(self.show(share)))]
        if self.session.printer is not None:
            items.append(MenuItem("Print card", lambda: self.print([share], pop=True)))
            items.append(
                MenuItem(
                    "Print and show", lambda: self.print([share], then=lambda: Replace(self.show(share)))
                )
            )
        return Menu(share.label, items)

    def show(self, share: Share) -> SecretWords:
        def done() -> Action:
            share.shown = True
            return Pop(None)

        screen = SecretWords(f"Share {share.member + 1}", share.mnemonic.split(), done, done_label="done")
        screen.secret_fingerprint = self.entry.fingerprint
        return screen

    def card(self, share: Share) -> Image:
        note = BIP39_NOTE if self.entry.kind == "bip39" else "SLIP-39 wallet (Trezor compatible)"
        info_ = cards.ShareInfo.of(share.mnemonic, share.group_size, self.entry.fingerprint, note)
        return cards.share_card(share.mnemonic.split(), info_)

    def print(
        self, shares: list[Share], *, pop: bool = False, then: Callable[[], Action | None] | None = None
    ) -> Action:
        printer = self.session.printer
        if printer is None:
            return Push(error("No printer", "No printer is connected."))
        try:
            printer([self.card(s) for s in shares])
        except Exception as exc:  # the printer is hardware: any failure is reported, never fatal
            return Push(error("Not printed", f"The printer failed: {type(exc).__name__}: {exc}"[:200]))
        for share in shares:
            share.printed = True
        self._build()
        if then is not None:
            return then() or Redraw()
        return Pop(None) if pop else Redraw()

    def finish(self) -> Action:
        missing = [s for s in self.shares if not (s.shown or s.printed)]
        if missing:
            body = (
                f"{len(missing)} share(s) were neither shown nor printed. Leave anyway? Those shares are "
                "gone once you leave; make a new split if you need them."
            )
            return Push(confirm("Shares left", body, self._leave, yes_label="Leave", severity=Severity.WARN))
        return self._leave()

    def _leave(self) -> Action:
        self.wipe()
        return Home()

    def wipe(self) -> None:
        for share in self.shares:
            share.mnemonic = ""
        self.shares = []
        self.items = []


# -- encrypted backup -----------------------------------------------------------------------
def choose_backup_seeds(session: Session) -> Checklist | Message:
    seeds = session.vault.seeds if session.vault is not None else []
    if not seeds:
        return info("No seeds", "The vault holds no seeds yet.")
    return Checklist(
        "Seeds to back up",
        [f"{s.label} {s.fingerprint}" for s in seeds],
        set(range(len(seeds))),
        lambda picked: Replace(backup_password(session, [seeds[i] for i in sorted(picked)])),
    )


def export_backup(session: Session, entries: list[SeedEntry]) -> Message:
    labels = ", ".join(e.label for e in entries)
    body = (
        f"An encrypted backup of {labels}, to scan with another Airlock or keep as an image. Choose a "
        "strong password: the backup is only as safe as it."
    )
    return Message(
        "Encrypted backup", body, buttons=[("Continue", lambda: Replace(backup_password(session, entries)))]
    )


def backup_password(session: Session, entries: list[SeedEntry]) -> Keyboard:
    def make(password: str) -> Action:
        from signer.btc.multisig_registry import check_seed_records

        def done(blob: bytes) -> Action:
            screen = QrDisplay(
                "Encrypted backup",
                [("UR", exports.bytes_encoder(blob)), ("BBQr", exports.bbqr_encoder(blob, "B"))],
                density=session.setting("qr_density"),
                frame_ms=session.setting("qr_frame_ms"),
                caption=f"Backup of {len(entries)} seed(s), {len(blob)} bytes",
                on_done=lambda: Home(),
            )
            return Replace(screen)

        return Replace(
            Working(
                "Backup",
                "Encrypting the backup...",
                lambda: seal(entries, password, session.kdf, check=check_seed_records),
                done,
                lambda exc: Replace(error("No backup", str(exc))),
            )
        )

    return new_password("Backup password", make, what="backup password")
