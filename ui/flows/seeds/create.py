"""Create a seed: 12 or 24 words from the device's random generator, mixed with dice rolls or a
camera image, or from dice alone; the words shown to write down, then a short check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from signer.keys import bip39, dice
from signer.keys.dice import DiceMethod
from signer.keys.entropy import MIN_ROLLS, camera_entropy, dice_entropy_bits, parse_dice
from signer.keys.errors import EntropyError
from signer.keys.seed import Bip39Seed
from signer.review import Severity
from ui.flows.seeds.keep import finish_seed
from ui.screen import Action, Push, Replace, pushes
from ui.screens.camera import CameraCapture
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, error
from ui.screens.quiz import WordQuiz
from ui.screens.scan import frame_bytes
from ui.screens.secret_words import SecretWords

if TYPE_CHECKING:
    from PIL.Image import Image

    from ui.session import Session

NEW_WORD_COUNTS = (12, 24)
QUIZ_QUESTIONS = 3


def create_menu(session: Session, temporary: bool) -> Menu:
    items = [
        MenuItem(f"{n} words", pushes(entropy_menu, session, n, temporary)) for n in NEW_WORD_COUNTS
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
        check = dice.check_rolls(value)
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
        severity=Severity.DANGER if method is DiceMethod.DICE_ONLY else Severity.WARN,
        back=False,
        secret=True,
        buttons=[
            ("Roll again", lambda: Replace(dice_entry(session, words, temporary, method))),
            ("Continue", lambda: from_dice(session, words, temporary, method, rolls)),
        ],
    )


def from_dice(session: Session, words: int, temporary: bool, method: DiceMethod, rolls: str) -> Action:
    material = Bip39Seed(dice.new_entropy(rolls, words, method))
    if method is DiceMethod.DICE_ONLY:
        count = len("".join(rolls.split()))
        source = (
            f"your {count} dice rolls only, as Coldcard and SeedSigner make it: the same rolls give the "
            "same words there"
        )
    else:
        source = "the device's random generator mixed with your dice rolls"
    return Replace(write_down(session, material, words, source, temporary))


def camera_entry(session: Session, words: int, temporary: bool) -> CameraCapture:
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
    material = Bip39Seed(bip39.generate_entropy(words, extra))
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
