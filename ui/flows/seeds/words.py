"""Import a seed by its BIP-39 words: how many, each word with completion, then the checksum; a
mistyped word is corrected on its own, without typing the others again."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from signer.keys import bip39
from signer.keys.errors import MnemonicError
from signer.keys.secret import SecretBytes
from signer.keys.seed import Bip39Seed
from signer.review import Severity
from ui.flows.seeds.keep import finish_seed
from ui.screen import Action, Pop, Push, Redraw, Replace, pushes
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message
from ui.screens.words import WordEntry

if TYPE_CHECKING:
    from ui.session import Session

IMPORT_WORD_COUNTS = (12, 24, 15, 18, 21)


def import_words_menu(session: Session, temporary: bool) -> Menu:
    items = [
        MenuItem(f"{n} words", pushes(word_entry, session, n, temporary))
        for n in IMPORT_WORD_COUNTS
    ]
    return Menu("How many words?", items)


def word_entry(session: Session, count: int, temporary: bool) -> WordEntry:
    return WordEntry(
        lambda i: f"Word {i + 1} of {count}",
        bip39.wordlist(),
        count,
        lambda words: check_words(session, words, temporary),
    )


def check_words(session: Session, words: list[str], temporary: bool) -> Action:
    try:
        entropy = bip39.entropy_from_mnemonic(words)
    except MnemonicError as exc:
        problem = Message(
            "Words not valid",
            str(exc),
            severity=Severity.DANGER,
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
        self.items += [MenuItem(f"{i + 1}. {w}", partial(self._edit, i)) for i, w in enumerate(self.words)]

    def _edit(self, index: int) -> Action:
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
