"""``airlock seed new|check``: make and check BIP-39 mnemonics without storing them."""

from __future__ import annotations

import argparse
import sys

from signer.commands._common import read_bytes_file, read_text_file


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("seed", help="make or check a BIP-39 mnemonic (not stored)")
    cmds = parser.add_subparsers(dest="seed_command", required=True, metavar="ACTION")

    new = cmds.add_parser("new", help="print a new mnemonic from the OS CSPRNG (plus your entropy)")
    new.add_argument("--words", type=int, default=24, choices=(12, 15, 18, 21, 24))
    new.add_argument(
        "--dice", metavar="ROLLS", help="die faces 1-6 to mix in (50 rolls for 12 words, 99 for 24)"
    )
    new.add_argument("--camera-frame", metavar="FILE", help="raw bytes of a camera frame to mix in")
    new.set_defaults(func=cmd_new)

    check = cmds.add_parser("check", help="check a mnemonic: words, length, checksum")
    check.add_argument("words", nargs="*", help="the words (or give none and use --file)")
    check.add_argument("--file", help="file holding the mnemonic (- for stdin)")
    check.set_defaults(func=cmd_check)


def gather_entropy(words: int, dice: str | None, camera_frame: str | None) -> tuple[bytes, list[str]]:
    """Person-supplied entropy to mix in, and lines saying what was claimed."""
    from signer.keys import entropy

    extra, notes = b"", []
    if dice:
        rolls = entropy.parse_dice(dice, words)
        extra += b"dice:" + rolls
        notes.append(
            f"mixed in {len(rolls)} dice rolls ({entropy.dice_entropy_bits(rolls.decode()):.1f} bits claimed)"
        )
    if camera_frame:
        extra += b"camera:" + entropy.camera_entropy(read_bytes_file(camera_frame))
        notes.append("mixed in a camera frame")
    return extra, notes


def cmd_new(args: argparse.Namespace) -> int:
    from signer.keys import bip39
    from signer.netcheck import warn_if_online

    warn_if_online()
    extra, notes = gather_entropy(args.words, args.dice, args.camera_frame)
    secret = bip39.generate_entropy(args.words, extra or None)
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
    from signer.keys.accounts import fingerprint
    from signer.keys.errors import UnknownWord

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
