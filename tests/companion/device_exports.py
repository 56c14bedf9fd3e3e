"""Account exports exactly as the device makes them, derived by the signer's own code from a test mnemonic."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from conftest import ABANDON  # the suite-wide conftest (tests/)

from signer.commands.account import account_ur
from signer.keys.accounts import AccountSpec, BtcAccount, derive_btc_account
from signer.keys.bip39 import mnemonic_to_seed


def account(kind: str = "btc-84", network: str = "regtest", mnemonic: str = ABANDON) -> BtcAccount:
    return derive_btc_account(mnemonic_to_seed(mnemonic), AccountSpec.parse(kind, network))


def ur_export(kind: str = "btc-84", network: str = "regtest", mnemonic: str = ABANDON) -> str:
    """``airlock account show --format ur``: one upper-case UR line."""
    return account_ur(mnemonic_to_seed(mnemonic), AccountSpec.parse(kind, network)).upper() + "\n"


def json_export(kind: str = "btc-84", network: str = "regtest", mnemonic: str = ABANDON) -> str:
    """``airlock account show --json`` (with the first five addresses, as the command prints them)."""
    return json.dumps(account(kind, network, mnemonic).to_json(addresses=5), indent=2) + "\n"


def descriptor_export(kind: str = "btc-84", network: str = "regtest", mnemonic: str = ABANDON) -> str:
    descriptor = account(kind, network, mnemonic).descriptor
    assert descriptor is not None
    return descriptor + "\n"


def key_export(
    kind: str = "btc-84", network: str = "regtest", *, slip132: bool = True, mark: str = "h"
) -> str:
    """``[fingerprint/path]key`` from the lines ``airlock account show`` prints: the SLIP-132 key when
    the account has one (else the xpub), hardened steps marked with ``mark``."""
    shown = account(kind, network)
    key = shown.slip132 if slip132 and shown.slip132 else shown.xpub
    return f"[{shown.fingerprint}{shown.path[1:].replace('h', mark)}]{key}\n"


def show_text(mnemonic_file: Path, kind: str = "btc-84", network: str = "regtest") -> str:
    """What ``airlock account show`` prints (text format), run in-process with the device's CLI."""
    from signer.cli import main

    argv = ["account", "show", "--mnemonic-file", str(mnemonic_file), "--account", kind, "--network", network]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(argv) == 0
    return printed.getvalue()
