"""The companion's one error type: its message is the one line the person reads."""

from __future__ import annotations


class CompanionError(Exception):
    """Bad input, an unknown wallet, an unreachable node: nothing was changed. ``exit_code`` is the CLI's."""

    exit_code = 1


class UsageError(CompanionError):
    """The command line itself is wrong (argparse's own exit status)."""

    exit_code = 2
