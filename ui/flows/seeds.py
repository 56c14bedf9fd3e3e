"""Seeds: create (with dice or camera entropy, a words display and a quiz), import (words, SeedQR,
SLIP-39 shares, Krux encrypted QR), the seed list, and each seed's page (accounts, passphrase,
rename, delete).

New material is checked and its fingerprint shown before it is kept; a seed is either saved in
the vault under a label or held as the temporary seed (never written anywhere).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from signer.errors import AirlockError
from signer.keys.errors import EntropyError, MnemonicError, NothingToShow, VaultError
from ui import theme
from ui.flows.common import default_label, describe_kind, password_again
from ui.screen import Action, Home, Pop, Push, Redraw, Replace, Screen
from ui.screens.camera import CameraCapture
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, confirm, error, info
from ui.screens.pickers import NumberPicker
from ui.screens.quiz import WordQuiz
from ui.screens.scan import ScanScreen, frame_bytes
from ui.screens.secret_qr import SecretQr
from ui.screens.secret_words import SecretWords
from ui.screens.words import WordEntry
from ui.screens.working import Working

if TYPE_CHECKING:
    from PIL.Image import Image

    from signer.keys.accounts import AccountSpec
    from signer.keys.dice import DiceMethod
    from signer.keys.seed import SeedMaterial
    from signer.keys.slip39 import Candidate
    from signer.keys.vault import SeedEntry
    from signer.transport.payload import Payload
    from ui.session import Session

NEW_WORD_COUNTS = (12, 24)
IMPORT_WORD_COUNTS = (12, 24, 15, 18, 21)
QUIZ_QUESTIONS = 3
ACCOUNT_KINDS: tuple[tuple[str, str], ...] = (
    ("btc-84", "Native segwit (84)"),
    ("btc-86", "Taproot (86)"),
    ("btc-49", "Nested segwit (49)"),
    ("btc-44", "Legacy (44)"),
    ("btc-48-2", "Multisig key (48/2)"),
    ("btc-48-1", "Multisig key (48/1)"),
    ("eth", "Ethereum"),
    ("eth-ledger-live", "Ethereum Ledger Live"),
)


# -- adding a seed --------------------------------------------------------------------------
def add_seed_menu(session: Session, *, temporary: bool = False) -> Menu:
    from ui.flows import krux
    from ui.flows import vault as vault_flows

    items = [
        MenuItem("Create new seed", lambda: Push(create_menu(session, temporary))),
        MenuItem("Enter words", lambda: Push(import_words_menu(session, temporary))),
        MenuItem("Scan SeedQR", lambda: Push(scan_seedqr(session, temporary))),
        MenuItem("SLIP-39 shares", lambda: Push(Slip39Import(session, temporary).start())),
        MenuItem("Krux encrypted QR", lambda: Push(krux.scan(session, temporary))),
    ]
    if not temporary and session.vault is not None:
        items.append(MenuItem("Restore backup", lambda: Push(vault_flows.restore_scan(session))))
    header = ["Kept only until locked or power-off"] if temporary else []
    return Menu("Temporary seed" if temporary else "Add a seed", items, header=header)


def _fingerprint(material: SeedMaterial) -> str:
    from signer.keys.accounts import fingerprint

    return fingerprint(material.bip32_seed(""))


def finish_seed(
    session: Session,
    material: SeedMaterial,
    temporary: bool,
    *,
    label: str | None = None,
    created: bool = False,
) -> Action:
    """Show the new seed's fingerprint, then keep it: in the vault under a label (``label`` is the
    suggestion, e.g. a Krux code's ID), or as temporary.

    A seed brought in (words, SeedQR, shares) is checked against the person's records; a seed just
    made has no records yet: its fingerprint is one to note down."""
    fp = _fingerprint(material)
    about = (
        f"Fingerprint {fp}. Note it beside your words: wallet apps show it for this seed."
        if created
        else f"Fingerprint {fp}. Check that it matches your records."
    )

    def cancel() -> Action:
        material.wipe()
        return Home()

    if temporary or session.vault is None:

        def use() -> Action:
            entry = session.set_temp_seed(material)
            return Home(then=seed_detail(session, entry))

        body = f"{about} A temporary seed is kept only until the device locks or powers off."
        return Replace(Message("Seed ready", body, back=False, buttons=[("Use it", use), ("Cancel", cancel)]))

    taken = {s.label for s in session.seeds()}
    suggested = label if label and label not in taken else None

    def save() -> Action:
        return Push(label_keyboard(session, lambda value: _save_new(session, value, material), suggested))

    body = f"{about} Then give the seed a label."
    return Replace(Message("Seed ready", body, back=False, buttons=[("Save", save), ("Cancel", cancel)]))


def label_keyboard(
    session: Session,
    on_label: Callable[[str], Action | None],
    initial: str | None = None,
    title: str = "Seed label",
) -> Keyboard:
    from signer.keys.vault import MAX_LABEL, clean_label

    def validate(value: str) -> str | None:
        try:
            label = clean_label(value)
        except VaultError as exc:
            return str(exc)
        if label != initial and label in {s.label for s in session.seeds()}:
            return "that label is already used"
        return None

    return Keyboard(
        title,
        lambda value: on_label(value.strip()),
        initial=initial or default_label(session),
        validate=validate,
        max_len=MAX_LABEL,
    )


def _save_new(
    session: Session, label: str, material: SeedMaterial, accounts: list[AccountSpec] | None = None
) -> Action:
    def job() -> SeedEntry:
        if session.vault is None:
            raise VaultError("the vault is locked")
        return session.vault.add_seed(label, material, accounts)

    def done(entry: SeedEntry) -> Action:
        return Home(then=seed_detail(session, entry))

    return Push(
        Working(
            "Saving", "Encrypting the vault...", job, done, lambda exc: Replace(error("Not saved", str(exc)))
        )
    )


# -- create ---------------------------------------------------------------------------------
def create_menu(session: Session, temporary: bool) -> Menu:
    items = [
        MenuItem(f"{n} words", lambda n=n: Push(entropy_menu(session, n, temporary))) for n in NEW_WORD_COUNTS
    ]
    return Menu("New seed", items)


def entropy_menu(session: Session, words: int, temporary: bool) -> Menu:
    items = [
        MenuItem("Device random", lambda: generated(session, words, None, temporary)),
        MenuItem("Add dice rolls", lambda: Push(dice_menu(session, words, temporary))),
    ]
    if session.camera is not None:
        items.append(MenuItem("Add camera image", lambda: Push(camera_entry(session, words, temporary))))
    return Menu(
        "Entropy", items, header=["Use the device's random generator,", "or add dice rolls or an image."]
    )


def dice_menu(session: Session, words: int, temporary: bool) -> Menu:
    from signer.keys.dice import DiceMethod

    items = [
        MenuItem(
            "Mix with device random", lambda: Push(dice_entry(session, words, temporary, DiceMethod.MIXED))
        ),
        MenuItem(
            "Dice only, verifiable", lambda: Push(dice_entry(session, words, temporary, DiceMethod.DICE_ONLY))
        ),
    ]
    return Menu(
        "Dice rolls", items, header=["Dice only: Coldcard and SeedSigner", "give the same words from them."]
    )


def dice_entry(session: Session, words: int, temporary: bool, method: DiceMethod) -> Keyboard:
    from signer.keys.entropy import MIN_ROLLS, dice_entropy_bits, parse_dice

    need = MIN_ROLLS[words]

    def validate(value: str) -> str | None:
        try:
            parse_dice(value, words)
        except EntropyError as exc:
            return str(exc)
        return None

    def status(value: str) -> str:
        return f"{len(value)} of {need} rolls, {dice_entropy_bits(value):.0f} bits"

    def rolled(value: str) -> Action:
        from signer.keys.dice import check_rolls

        check = check_rolls(value)
        if check.suspicious:
            return Replace(weak_dice(session, words, temporary, method, value, check.problems))
        return from_dice(session, words, temporary, method, value)

    return Keyboard(
        f"Dice rolls ({need}+)",
        rolled,
        layout="dice",
        secret=True,
        max_len=4 * need,
        validate=validate,
        status=status,
    )


def weak_dice(
    session: Session, words: int, temporary: bool, method: DiceMethod, rolls: str, problems: tuple[str, ...]
) -> Message:
    """The rolls do not look random: say why, and let the person roll again or go on."""
    from signer.keys.dice import DiceMethod

    found = "; ".join(problems)
    if method is DiceMethod.DICE_ONLY:
        advice = (
            "With dice only, the rolls are the whole secret: rolls that are not random make words "
            "others can guess. Roll again with a real die."
        )
    else:
        advice = (
            "The device's random generator still keeps this seed safe, but your die or the way you "
            "roll may be faulty."
        )
    return Message(
        "Rolls look wrong",
        f"{found[:1].upper()}{found[1:]}. {advice}",
        severity="danger" if method is DiceMethod.DICE_ONLY else "warn",
        back=False,
        secret=True,
        buttons=[
            ("Roll again", lambda: Replace(dice_entry(session, words, temporary, method))),
            ("Continue", lambda: from_dice(session, words, temporary, method, rolls)),
        ],
    )


def from_dice(session: Session, words: int, temporary: bool, method: DiceMethod, rolls: str) -> Action:
    from signer.keys import dice
    from signer.keys.seed import Bip39Seed

    material = Bip39Seed(dice.new_entropy(rolls, words, method))
    if method is dice.DiceMethod.DICE_ONLY:
        count = len("".join(rolls.split()))
        source = (
            f"your {count} dice rolls only, as Coldcard and SeedSigner make it: the same rolls give the "
            "same words there"
        )
    else:
        source = "the device's random generator mixed with your dice rolls"
    return Replace(write_down(session, material, words, source, temporary))


def camera_entry(session: Session, words: int, temporary: bool) -> CameraCapture:
    from signer.keys.entropy import camera_entropy

    def capture(frame: Image) -> Action | None:
        try:
            extra = camera_entropy(frame_bytes(frame))
        except EntropyError as exc:
            return screen.set_error(str(exc))
        return generated(session, words, extra, temporary, replace=True)

    screen = CameraCapture(session, "Camera entropy", capture)
    return screen


def generated(
    session: Session, words: int, extra: bytes | None, temporary: bool, *, replace: bool = False
) -> Action:
    from signer.keys.bip39 import generate_entropy
    from signer.keys.seed import Bip39Seed

    material = Bip39Seed(generate_entropy(words, extra))
    source = "the device's random generator" + (" mixed with your entropy" if extra else "")
    intro = write_down(session, material, words, source, temporary)
    return Replace(intro) if replace else Push(intro)


def write_down(session: Session, material: Any, words: int, source: str, temporary: bool) -> Message:
    body = (
        f"A new {words}-word seed from {source}. Write the words on paper, in order; a short check "
        "follows. Never photograph them or type them into anything online."
    )
    return Message(
        "Write the words down",
        body,
        buttons=[("Show words", lambda: Replace(show_new_words(session, material, temporary)))],
    )


def show_new_words(session: Session, material: Any, temporary: bool) -> SecretWords:
    from signer.keys import bip39

    words = material.mnemonic().split()

    def quiz() -> Action:
        def wrong(position: int) -> Action:
            screen.go_to_word(position)
            return Replace(
                error(
                    "Not quite",
                    f"That is not word {position}. Next you see the page with word {position}: check "
                    "what you wrote for it, then take the check again.",
                )
            )

        return Push(
            WordQuiz(
                words,
                bip39.wordlist(),
                lambda: finish_seed(session, material, temporary, created=True),
                wrong,
                questions=QUIZ_QUESTIONS,
            )
        )

    screen = SecretWords("Words", words, quiz, done_label="check")
    return screen


# -- import words ---------------------------------------------------------------------------
def import_words_menu(session: Session, temporary: bool) -> Menu:
    items = [
        MenuItem(f"{n} words", lambda n=n: Push(word_entry(session, n, temporary)))
        for n in IMPORT_WORD_COUNTS
    ]
    return Menu("How many words?", items)


def word_entry(session: Session, count: int, temporary: bool) -> WordEntry:
    from signer.keys import bip39

    return WordEntry(
        lambda i: f"Word {i + 1} of {count}",
        bip39.wordlist(),
        count,
        lambda words: check_words(session, words, temporary),
    )


def check_words(session: Session, words: list[str], temporary: bool) -> Action:
    from signer.keys import bip39
    from signer.keys.secret import SecretBytes
    from signer.keys.seed import Bip39Seed

    try:
        entropy = bip39.entropy_from_mnemonic(words)
    except MnemonicError as exc:
        problem = Message(
            "Words not valid",
            str(exc),
            severity="danger",
            back=False,
            buttons=[
                ("Edit words", lambda: Replace(WordEditor(session, words, temporary))),
                ("Start over", lambda: Replace(word_entry(session, len(words), temporary))),
            ],
        )
        return Replace(problem)
    return finish_seed(session, Bip39Seed(SecretBytes(entropy)), temporary)


class WordEditor(Menu):
    """Correct single words of an entered mnemonic, then check it again."""

    secret = True

    def __init__(self, session: Session, words: list[str], temporary: bool) -> None:
        self.session = session
        self.words = list(words)
        self.temporary = temporary
        self.editing: int | None = None
        super().__init__("Edit words", [], rebuild=lambda menu: self._build())
        self._build()

    def _build(self) -> None:
        self.items = [MenuItem("Check again", lambda: check_words(self.session, self.words, self.temporary))]
        self.items += [MenuItem(f"{i + 1}. {w}", lambda i=i: self._edit(i)) for i, w in enumerate(self.words)]

    def _edit(self, index: int) -> Action:
        from signer.keys import bip39

        self.editing = index
        return Push(WordEntry(lambda _: f"Word {index + 1}", bip39.wordlist(), 1, lambda ws: Pop(ws[0])))

    def on_result(self, result: Any) -> Action | None:
        if isinstance(result, str) and self.editing is not None:
            self.words[self.editing] = result
        self.editing = None
        self._build()
        return Redraw()

    def wipe(self) -> None:
        self.words = []
        self.items = []


# -- SeedQR ---------------------------------------------------------------------------------
def scan_seedqr(session: Session, temporary: bool) -> ScanScreen:
    def scanned(payload: Payload) -> Action:
        material = material_from_seed_payload(payload)
        if material is None:
            return Push(error("Not usable", "This seed QR code does not hold BIP-39 entropy."))
        return finish_seed(session, material, temporary)

    return ScanScreen(
        session, "Scan SeedQR", scanned, expect=frozenset({"seed"}), expect_label="a SeedQR", secret=True
    )


def material_from_seed_payload(payload: Payload) -> SeedMaterial | None:
    from signer.keys.bip39 import ENTROPY_BYTES
    from signer.keys.secret import SecretBytes
    from signer.keys.seed import Bip39Seed

    # SeedQR and mnemonic text carry the entropy itself; ur:crypto-seed carries it in its payload field
    entropy = getattr(payload.obj, "payload", None) if payload.format == "ur" else payload.data
    if not isinstance(entropy, bytes) or len(entropy) not in ENTROPY_BYTES.values():
        return None
    return Bip39Seed(SecretBytes(entropy))


# -- SLIP-39 shares -------------------------------------------------------------------------
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
        from signer.keys import slip39

        number = len(self.shares) + 1
        return WordEntry(
            lambda i: f"Share {number}: word {i + 1}/{length}",
            slip39.wordlist(),
            length,
            lambda words: self.add(" ".join(words)),
        )

    def scan(self) -> ScanScreen:
        def raw(content: bytes) -> Action | None:
            words = share_words(content)
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
        from signer.keys import slip39

        try:
            state = slip39.progress([*self.shares, share])
        except MnemonicError as exc:
            retry = self.next_menu if self.shares else self.start
            return Replace(
                Message(
                    "Share not accepted",
                    str(exc),
                    severity="danger",
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
        from signer.keys import slip39

        return slip39.candidates(self.shares)

    def _failed(self, exc: AirlockError) -> Action:
        self.shares = []
        return Replace(error("Cannot combine", str(exc), then=lambda: Home()))

    def next_menu(self) -> Menu:
        from signer.keys import slip39

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
        from signer.keys import slip39

        try:
            material = slip39.combine(self.shares, mode)
        except MnemonicError as exc:
            return Push(error("Cannot combine", str(exc)))
        self.shares = []
        return finish_seed(self.session, material, self.temporary)


def share_words(content: bytes) -> list[str] | None:
    """The words of a SLIP-39 share QR (its words separated by spaces), or None if it is not one."""
    from signer.keys import slip39

    try:
        words = content.decode("ascii").lower().split()
    except UnicodeDecodeError:
        return None
    known = set(slip39.wordlist())
    if len(words) not in slip39.SHARE_LENGTHS or any(w not in known for w in words):
        return None
    return words


# -- seed list and details ------------------------------------------------------------------
def seed_list(session: Session) -> Menu:
    def build(menu: Menu) -> None:
        menu.items = [
            MenuItem(s.label, lambda s=s: Push(seed_detail(session, s)), detail=session.fingerprint(s))
            for s in session.seeds()
        ]
        menu.items.append(
            MenuItem("Add a seed", lambda: Push(add_seed_menu(session, temporary=session.vault is None)))
        )

    menu = Menu("Seeds", [], rebuild=build)
    build(menu)
    return menu


def seed_detail(session: Session, entry: SeedEntry) -> Menu:
    from ui.flows import backups, export, multisig

    temporary = session.is_temporary(entry)

    def build(menu: Menu) -> None:
        menu.title = entry.label
        passphrase = " + passphrase" if session.has_passphrase(entry) else ""
        menu.header = [f"Fingerprint {session.fingerprint(entry)}", describe_kind(entry) + passphrase]
        items = [
            MenuItem("Export accounts", lambda: Push(export.choose_account(session, entry, "export"))),
            MenuItem("Addresses", lambda: Push(export.choose_account(session, entry, "addresses"))),
            MenuItem("Accounts", lambda: Push(accounts_menu(session, entry))),
            MenuItem("Multisig wallets", lambda: Push(multisig.wallets_menu(session, entry))),
            MenuItem("Passphrase", lambda: Push(passphrase_menu(session, entry))),
            MenuItem("Show words", lambda: show_words(session, entry)),
        ]
        if entry.kind == "bip39":
            items.append(MenuItem("Show SeedQR", lambda: show_seedqr(session, entry)))
        items.append(
            MenuItem(
                "SLIP-39 backup",
                lambda: Push(password_again(session, lambda: backups.split_start(session, entry))),
            )
        )
        if temporary:
            if session.vault is not None:
                items.append(MenuItem("Save to vault", lambda: Push(save_temporary(session, entry))))
            items.append(
                MenuItem(
                    "Forget seed",
                    lambda: Push(
                        confirm(
                            "Forget seed",
                            "Forget the temporary seed? It was never stored here.",
                            lambda: forget(session),
                            yes_label="Forget",
                        )
                    ),
                )
            )
        else:
            items += [
                MenuItem(
                    "Encrypted backup",
                    lambda: Push(password_again(session, lambda: backups.export_backup(session, [entry]))),
                ),
                MenuItem("Rename", lambda: Push(rename(session, entry))),
                MenuItem("Delete", lambda: Push(delete(session, entry)), colour=theme.DANGER),
            ]
        menu.items = items

    menu = Menu(entry.label, [], rebuild=build)
    build(menu)
    return menu


def show_words(session: Session, entry: SeedEntry) -> Action:
    """A stored seed's words, shown a page at a time while a key is held (after the vault password)."""
    from signer.keys.reveal import words_of

    def screen() -> Screen:
        return SecretWords(
            "Words",
            words_of(entry.material),
            lambda: Pop(None),
            secret_fingerprint=entry.fingerprint,
            done_label="done",
        )

    return _show_secret(session, entry, "words", lambda: words_of(entry.material), screen)


def show_seedqr(session: Session, entry: SeedEntry) -> Action:
    """A stored seed's SeedQR (standard; KEY2 compact), shown while a key is held (after the password)."""
    from signer.keys import reveal

    def screen() -> Screen:
        codes = [
            (fmt.value, lambda fmt=fmt: reveal.seedqr_image(entry.material, fmt, canvas_px=theme.WIDTH))
            for fmt in reveal.SeedQrFormat
        ]
        return SecretQr("SeedQR", codes, secret_fingerprint=entry.fingerprint)

    return _show_secret(
        session,
        entry,
        "SeedQR",
        lambda: reveal.seedqr_content(entry.material, reveal.SeedQrFormat.STANDARD),
        screen,
    )


def _show_secret(
    session: Session,
    entry: SeedEntry,
    what: str,
    available: Callable[[], object],
    screen: Callable[[], Screen],
) -> Action:
    """A caution, the vault password again, then ``screen()``; a seed without ``what`` says what it
    has instead (a native SLIP-39 wallet: shares, made again behind the same password)."""
    from ui.flows import backups

    try:
        available()
    except NothingToShow as exc:
        body = f"{str(exc)[:1].upper()}{str(exc)[1:]}."
        if entry.kind == "slip39":

            def shares() -> Action:
                return Replace(password_again(session, lambda: backups.split_start(session, entry)))

            return Push(Message(f"No {what}", body, buttons=[("Make shares", shares)]))
        return Push(info(f"No {what}", body))
    passphrase = " Your passphrase is not part of them." if session.has_passphrase(entry) else ""
    body = (
        f"Anyone who sees the {what} of {entry.label} can take its funds. Make sure no one and no "
        f"camera can see the screen. Hold PRESS to show them; let go to hide them.{passphrase}"
    )
    return Push(
        Message(
            f"Show {what}",
            body,
            severity="warn",
            buttons=[("Continue", lambda: Replace(password_again(session, screen)))],
        )
    )


def forget(session: Session) -> Action:
    session.forget_temp_seed()
    return Home()


def save_temporary(session: Session, entry: SeedEntry) -> Keyboard:
    from signer.keys.seed import material_from_json

    def save(label: str) -> Action:
        copy = material_from_json(entry.kind, entry.material.to_json())  # the vault gets its own copy
        accounts = list(entry.accounts)
        session.forget_temp_seed()
        return _save_new(session, label, copy, accounts)

    return label_keyboard(session, save)


def vault_change(
    title: str, job: Callable[[], Any], then: Callable[[Any], Action | None] | None = None
) -> Action:
    """Run a vault change (one Argon2id save) behind a wait screen; errors become a message."""
    return Push(
        Working(
            title,
            "Saving the vault...",
            job,
            then or (lambda _: Pop(None)),
            lambda exc: Replace(error("Not saved", str(exc))),
        )
    )


def set_accounts(session: Session, entry: SeedEntry, accounts: list[AccountSpec]) -> None:
    if session.is_temporary(entry) or session.vault is None:
        entry.accounts = list(dict.fromkeys(accounts))
    else:
        session.vault.set_accounts(entry.label, accounts)


def rename(session: Session, entry: SeedEntry) -> Keyboard:
    def done(label: str) -> Action:
        if session.vault is None:
            return Push(error("Locked", "Unlock the vault first."))
        vault = session.vault
        return Replace(
            Working(
                "Renaming",
                "Saving the vault...",
                lambda: vault.rename(entry.label, label),
                lambda _: Pop(None),
                lambda exc: Replace(error("Not renamed", str(exc))),
            )
        )

    return label_keyboard(session, done, initial=entry.label, title="New label")


def delete(session: Session, entry: SeedEntry) -> Message:
    def typed(value: str) -> Action:
        if session.vault is None:
            return Push(error("Locked", "Unlock the vault first."))
        vault = session.vault

        def job() -> None:
            vault.delete(entry.label, value)

        return Replace(
            Working(
                "Deleting",
                "Saving the vault...",
                job,
                lambda _: Home(then=info("Deleted", f"{value} was deleted from the vault.")),
                lambda exc: Replace(error("Not deleted", str(exc))),
            )
        )

    def ask() -> Action:
        def same(value: str) -> str | None:
            return None if value == entry.label else "type the label exactly"

        return Replace(Keyboard("Type the label", typed, validate=same, max_len=64))

    body = (
        f"Delete {entry.label} ({entry.fingerprint}) from the vault? Without a backup of its words or "
        "shares its funds are lost. You will type the label to confirm."
    )
    return confirm("Delete seed", body, ask, yes_label="Delete", severity="danger")


# -- passphrase -----------------------------------------------------------------------------
def passphrase_menu(session: Session, entry: SeedEntry) -> Menu:
    def build(menu: Menu) -> None:
        menu.header = ["A passphrase makes another wallet", "from the same words. It is not stored."]
        menu.items = [MenuItem("Set passphrase", lambda: Push(passphrase_entry(session, entry)))]
        if session.has_passphrase(entry):
            menu.items.append(MenuItem("Clear passphrase", lambda: clear_passphrase(session, entry)))

    menu = Menu("Passphrase", [], rebuild=build)
    build(menu)
    return menu


def passphrase_entry(session: Session, entry: SeedEntry) -> Keyboard:
    def done(value: str) -> Action:
        session.set_passphrase(entry, value)
        fp = session.fingerprint(entry)
        return Replace(
            info(
                "Passphrase set",
                f"With this passphrase the fingerprint is {fp}. Check that it "
                "matches your wallet; a typo gives another, empty wallet.",
            )
        )

    keyboard = Keyboard("Passphrase", done, secret=True, max_len=100)
    keyboard.secret_fingerprint = entry.fingerprint
    return keyboard


def clear_passphrase(session: Session, entry: SeedEntry) -> Action:
    session.set_passphrase(entry, "")
    return Push(info("Passphrase cleared", f"The fingerprint is {entry.fingerprint} again."))


# -- accounts -------------------------------------------------------------------------------
def accounts_menu(session: Session, entry: SeedEntry) -> Menu:
    def build(menu: Menu) -> None:
        menu.items = [
            MenuItem(str(spec), lambda spec=spec: Push(account_actions(session, entry, spec)))
            for spec in entry.accounts
        ]
        menu.items.append(MenuItem("Add account", lambda: Push(add_account(session, entry))))

    menu = Menu("Accounts", [], rebuild=build)
    build(menu)
    return menu


def account_actions(session: Session, entry: SeedEntry, spec: AccountSpec) -> Menu:
    from ui.flows import export

    items = [
        MenuItem("Export", lambda: Push(export.export_menu(session, entry, spec))),
        MenuItem("Addresses", lambda: export.addresses_for(session, entry, spec)),
    ]
    if spec.is_bitcoin:
        items.append(MenuItem("Network", lambda: Replace(network_menu(session, entry, spec))))
    items.append(
        MenuItem(
            "Remove",
            lambda: Push(
                confirm(
                    "Remove account",
                    f"Remove {spec} from this seed? Its funds stay safe; you can add it again.",
                    lambda: vault_change(
                        "Removing",
                        lambda: set_accounts(session, entry, [a for a in entry.accounts if a != spec]),
                        lambda _: Home(then=seed_detail(session, entry)),
                    ),
                    yes_label="Remove",
                )
            ),
        )
    )
    return Menu(str(spec), items)


def network_menu(session: Session, entry: SeedEntry, spec: AccountSpec) -> Menu:
    from signer.keys.accounts import AccountSpec

    def choose(network: str) -> Action:
        changed = AccountSpec.parse(spec.kind, network, spec.index)
        accounts = [changed if a == spec else a for a in entry.accounts]
        if changed in entry.accounts:
            return Push(error("Already there", f"{changed} is already an account of this seed."))
        return vault_change("Saving", lambda: set_accounts(session, entry, accounts))

    networks = session.setting("networks")
    items = [
        MenuItem(n, lambda n=n: choose(n), detail="current" if n == spec.network else "") for n in networks
    ]
    return Menu("Network", items)


def add_account(session: Session, entry: SeedEntry) -> Menu:
    items = [
        MenuItem(label, lambda kind=kind: _account_network(session, entry, kind), detail=kind)
        for kind, label in ACCOUNT_KINDS
    ]
    return Menu("Add account", items)


def _account_network(session: Session, entry: SeedEntry, kind: str) -> Action:
    networks = session.setting("networks")
    if kind.startswith("eth") or len(networks) == 1:
        network = "main" if kind.startswith("eth") else networks[0]
        return Replace(_account_index(session, entry, kind, network))
    items = [MenuItem(n, lambda n=n: Replace(_account_index(session, entry, kind, n))) for n in networks]
    return Replace(Menu("Network", items))


def _account_index(session: Session, entry: SeedEntry, kind: str, network: str) -> NumberPicker:
    from signer.keys.accounts import AccountSpec

    def done(index: int) -> Action:
        try:
            spec = AccountSpec.parse(kind, network, index)
        except AirlockError as exc:
            return Push(error("Not possible", str(exc)))
        if spec in entry.accounts:
            return Push(error("Already there", f"{spec} is already an account of this seed."))
        return Replace(
            Working(
                "Adding",
                "Saving the vault...",
                lambda: set_accounts(session, entry, [*entry.accounts, spec]),
                lambda _: Pop(None),
                lambda exc: Replace(error("Not saved", str(exc))),
            )
        )

    return NumberPicker("Account number", f"{kind} on {network}", 0, 0, 99, done)
