"""``airlock seed new|check|show``: make and check BIP-39 mnemonics; show a stored seed's words or
SeedQR again (behind the vault password)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from signer.commands._common import add_vault_arg, open_vault, read_bytes_file, read_text_file
from signer.errors import Refusal, UsageError
from signer.keys.accounts import fingerprint
from signer.keys.errors import UnknownWord

# Every command module is imported to build the parser (``airlock --help``, on a Pi Zero): what the
# seed commands need (the keys, cryptography) is imported by the functions that run it.


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("seed", help="make or check a BIP-39 mnemonic; show a stored seed's words")
    cmds = parser.add_subparsers(dest="seed_command", required=True, metavar="ACTION")

    new = cmds.add_parser("new", help="print a new mnemonic from the OS CSPRNG (plus your entropy)")
    new.add_argument("--words", type=int, default=24, choices=(12, 15, 18, 21, 24))
    add_entropy_args(new)
    new.set_defaults(func=cmd_new)

    check = cmds.add_parser("check", help="check a mnemonic: words, length, checksum")
    check.add_argument("words", nargs="*", help="the words (or give none and use --file)")
    check.add_argument("--file", help="file holding the mnemonic (- for stdin)")
    check.set_defaults(func=cmd_check)

    show = cmds.add_parser(
        "show", help="show the words of a stored seed, or write its SeedQR (standard or compact) as a PNG"
    )
    add_vault_arg(show)
    show.add_argument("--seed", metavar="LABEL", required=True, help="label of the seed in the vault")
    show.add_argument(
        "--seedqr", choices=("standard", "compact"), help="write this SeedQR instead of the words (needs -o)"
    )
    show.add_argument(
        "-o",
        "--output",
        metavar="PNG",
        help="the SeedQR picture to write (mode 0600; standard unless --seedqr)",
    )
    show.set_defaults(func=cmd_show)


def add_entropy_args(parser: argparse.ArgumentParser, when: str = "") -> None:
    parser.add_argument(
        "--dice",
        metavar="ROLLS",
        help=f"{when}die faces 1-6 (at least 50 rolls for 12 words, 99 for 24), mixed with the OS random "
        "generator unless --dice-only",
    )
    parser.add_argument(
        "--dice-only",
        action="store_true",
        help="the words from the dice alone (SHA-256 of the rolls, as Coldcard and SeedSigner do), "
        "so other tools can check them; 12 or 24 words",
    )
    parser.add_argument(
        "--accept-weak-dice",
        action="store_true",
        help="with --dice-only: go on although the rolls do not look random",
    )
    parser.add_argument("--camera-frame", metavar="FILE", help=f"{when}raw bytes of a camera frame to mix in")


def new_entropy(args: argparse.Namespace) -> tuple[Any, list[str]]:
    """Entropy for a new mnemonic from the options of ``add_entropy_args``, and lines for stderr
    (warnings about the dice, what was mixed in, how to check a dice-only seed)."""
    from signer.keys import bip39, dice, entropy

    if args.dice_only and not args.dice:
        raise UsageError("--dice-only needs the rolls: --dice ROLLS")
    if args.dice_only and args.camera_frame:
        raise UsageError("--dice-only makes the words from the dice alone; leave out --camera-frame")
    if args.dice_only:
        dice.check_method(args.words, dice.DiceMethod.DICE_ONLY)
    notes: list[str] = []
    check = None
    if args.dice:
        rolls = entropy.parse_dice(args.dice, args.words).decode()
        check = dice.check_rolls(rolls)
        for problem in check.problems:
            notes.append(f"WARNING: the dice rolls do not look random: {problem}")
    if args.dice_only:
        if check is not None and check.suspicious and not args.accept_weak_dice:
            for note in notes:
                print(note, file=sys.stderr)
            raise Refusal(
                "no seed made: with --dice-only the rolls are the whole secret and these do not look random; "
                "roll again with a real die (or add --accept-weak-dice)"
            )
        secret = dice.new_entropy(rolls, args.words, dice.DiceMethod.DICE_ONLY)
        notes.append(f"words from {len(rolls)} dice rolls only ({dice.DiceMethod.DICE_ONLY.label})")
        notes.append(dice.verify_note(len(rolls), args.words))
        return secret, notes
    extra = b""
    if args.dice:
        extra += b"dice:" + rolls.encode()
        claim = (
            "not counted: they do not look random; the OS random generator alone makes this seed"
            if check is not None and check.suspicious
            else f"{entropy.dice_entropy_bits(rolls):.1f} bits claimed"
        )
        notes.append(f"mixed in {len(rolls)} dice rolls ({claim})")
    if args.camera_frame:
        extra += b"camera:" + entropy.camera_entropy(read_bytes_file(args.camera_frame))
        notes.append("mixed in a camera frame")
    return bip39.generate_entropy(args.words, extra or None), notes


def cmd_new(args: argparse.Namespace) -> int:
    from signer.keys import bip39
    from signer.netcheck import warn_if_online

    secret, notes = new_entropy(args)
    warn_if_online()
    try:
        print(bip39.mnemonic_from_entropy(secret.reveal()))
    finally:
        secret.wipe()
    for note in notes:
        print(note, file=sys.stderr)
    print("Write these words down in order and keep them offline.", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from signer.keys import bip39
    text = " ".join(args.words) if args.words else read_text_file(args.file or "-")
    try:
        entropy = bip39.entropy_from_mnemonic(text)
    except UnknownWord as exc:
        if exc.suggestions:  # for the person at the terminal; kept out of the error text
            print(f"word {exc.position}: did you mean {', '.join(exc.suggestions)}?", file=sys.stderr)
        raise
    fp = fingerprint(bip39.mnemonic_to_seed(text))
    print(f"valid: {len(entropy) * 3 // 4} words, fingerprint {fp}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """The words to stdout, or the SeedQR to a PNG file: never both, and only for the vault password."""
    from pathlib import Path

    from signer.atomic_file import atomic_write
    from signer.keys import reveal
    from signer.netcheck import warn_if_online

    if args.seedqr and not args.output:
        raise UsageError("--seedqr writes a picture: say where with -o FILE.png")
    if args.output == "-":
        raise UsageError("write the SeedQR to a file (-o FILE.png), not to stdout")
    vault = open_vault(args)
    try:
        entry = vault.get(args.seed)
        if args.output:
            fmt = reveal.SeedQrFormat(args.seedqr or "standard")
            png = reveal.seedqr_png(entry.material, fmt)
            words = len(reveal.words_of(entry.material))
        else:
            words_text = " ".join(reveal.words_of(entry.material))
    finally:
        vault.lock()
    warn_if_online()
    if args.output:
        atomic_write(Path(args.output), png)
        print(f"wrote the {fmt} SeedQR of {args.seed!r} ({words} words) to {args.output}", file=sys.stderr)
    else:
        print(words_text)
    print(
        "Anyone who sees these words or this SeedQR can take the funds; keep them offline.", file=sys.stderr
    )
    return 0
