"""The ``airlock`` command: the power-user and test surface of the signer."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO

from signer import __version__
from signer.errors import AirlockError
from signer.safe_text import visible

# One module per sub-command group under signer/commands; each has register(subparsers).
INTERNAL_ERROR = 70  # EX_SOFTWARE

COMMAND_MODULES = (
    "seed",
    "vault",
    "account",
    "slip39",
    "backup",
    "qr",
    "sign",
    "address",
    "message",
    "multisig",
    "update",
)


def build_parser(extra: Sequence[Callable[[Any], None]] = ()) -> argparse.ArgumentParser:
    """The parser with every signer command; ``extra`` registers more (the device app adds its own)."""
    parser = argparse.ArgumentParser(prog="airlock", description="Air-gapped Bitcoin and Ethereum signer.")
    parser.add_argument("--version", action="version", version=f"airlock {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"signer.commands.{name}").register(sub)
    for register in extra:
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    return run(build_parser(), argv)


class _VisibleText:
    """A text stream that prints hidden characters as their codes (``signer.safe_text.visible``):
    whatever a command prints, a request's string can neither send escape codes to the terminal
    nor reorder or hide text. Bytes written to ``.buffer`` (binary output) pass untouched."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text, keep="\n\t"))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _visible_output() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _VisibleText(sys.stdout), _VisibleText(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def run(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> int:
    args = parser.parse_args(argv)
    with _visible_output():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args) or 0)
    except AirlockError as exc:
        print(f"airlock: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("airlock: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, or an input we failed to bound: one clean line, never a traceback
        if os.environ.get("AIRLOCK_DEBUG"):
            raise
        # only the type: third-party messages can quote their input, and the input may be secret
        print(
            f"airlock: stopped on an unexpected error ({type(exc).__name__}). "
            "Run again with AIRLOCK_DEBUG=1 to see where.",
            file=sys.stderr,
        )
        return INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
