"""``airlock account show --account eth --format ur``: the hdkey MetaMask reads derives our addresses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ABANDON

from signer.cli import main
from signer.keys.accounts import AccountSpec, derive_eth_account, eth_address_from_pubkey
from signer.keys.bip39 import mnemonic_to_seed


def test_metamask_hdkey_ur(
    capsys: pytest.CaptureFixture[str], secret_input: Callable[[str, str], Path]
) -> None:
    from embit.bip32 import HDKey as Bip32Key
    from embit.ec import PublicKey

    from signer.transport.ur import decode_single
    from signer.transport.urtypes import HDKey, decode_ur

    assert (
        main(
            [
                "account",
                "show",
                "--mnemonic-file",
                str(secret_input("m", ABANDON)),
                "--account",
                "eth",
                "--format",
                "ur",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out.strip()
    assert text.startswith("UR:CRYPTO-HDKEY/")
    hdkey = decode_ur(decode_single(text))
    assert isinstance(hdkey, HDKey) and hdkey.note == "account.standard"
    assert hdkey.origin.to_path_string() in ("m/44'/60'/0'", "44'/60'/0'")
    account = Bip32Key(PublicKey.parse(hdkey.key_data), hdkey.chain_code, depth=3)
    device = derive_eth_account(mnemonic_to_seed(ABANDON), AccountSpec.parse("eth"))
    for i in range(3):
        assert eth_address_from_pubkey(account.derive([0, i]).key) == device.address(i)
