"""The README stays true: every option its command tour shows exists, and every picture it shows is
in the repository."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from app.main import register_device
from signer.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def tour_lines() -> list[str]:
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        lines += [ln.split("#", 1)[0].strip() for ln in block.splitlines() if ln.startswith("airlock ")]
    return lines


def subparser(parser: argparse.ArgumentParser, words: list[str]) -> tuple[argparse.ArgumentParser, list[str]]:
    """The deepest sub-command parser the words name, and the words after it."""
    while words:
        actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not actions or words[0] not in actions[0].choices:
            break
        parser, words = actions[0].choices[words[0]], words[1:]
    return parser, words


@pytest.mark.parametrize("line", tour_lines())
def test_every_option_the_tour_shows_exists(line: str) -> None:
    words = line.split()[1:]
    command = words[0].split("|")[0]
    parser, rest = subparser(build_parser(extra=[register_device]), [command, *words[1:]])
    assert parser.prog != "airlock", f"no such command: {line}"
    known = {option for action in parser._actions for option in action.option_strings}
    shown = {w.strip("[]").split("=")[0] for w in rest if w.strip("[]").startswith("--")}
    assert shown <= known, f"{line}: {sorted(shown - known)} not options of '{parser.prog}'"


def test_the_tour_is_read() -> None:
    assert len(tour_lines()) > 20


def test_every_picture_the_readme_shows_exists() -> None:
    pictures = re.findall(r"!\[[^]]*\]\(([^)]+)\)", README)
    assert pictures and all((ROOT / p).is_file() for p in pictures), pictures
