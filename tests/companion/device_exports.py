"""Account exports exactly as the device makes them, derived by the signer's own code from a test mnemonic."""

from __future__ import annotations

import json

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
