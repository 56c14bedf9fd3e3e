"""Account export for MetaMask / Rabby: the addresses a wallet derives from the QR equal the device's."""

from __future__ import annotations

import pytest
from embit.bip32 import HDKey as EmbitHDKey
from embit.ec import PublicKey
from eth_builders import ABANDON_ADDR0, ABANDON_FP, seed
from eth_utils import keccak, to_checksum_address

from signer.eth.errors import EthError
from signer.eth.export import account_hdkey_ur, ledger_live_account_ur
from signer.eth.sign import address_at
from signer.keys.accounts import AccountSpec, derive_eth_account
from signer.transport.ur import decode_single
from signer.transport.urtypes import Account, HDKey, decode_ur

SEED = seed()


def eth_address(sec: bytes) -> str:
    point = PublicKey.parse(sec)
    point.compressed = False
    return to_checksum_address(keccak(point.sec()[1:])[-20:])


def test_hdkey_ur_gives_metamask_the_same_addresses() -> None:
    text = account_hdkey_ur(SEED)
    assert text.startswith("ur:crypto-hdkey/")
    key = decode_ur(decode_single(text))
    assert isinstance(key, HDKey) and not key.is_private
    # What MetaMask's QR keyring needs: origin with source fingerprint, children 0/*, note account.standard.
    assert key.origin.to_path_string() == "m/44'/60'/0'" and key.origin.source_fingerprint == ABANDON_FP
    assert (
        key.children.to_path_string("") == "0/*" and key.note == "account.standard" and key.name == "Airlock"
    )
    # Derive as a watch-only wallet does: xpub (key + chain code) / 0 / i.
    xpub = EmbitHDKey(PublicKey.parse(key.key_data), key.chain_code, depth=3)
    wallet = [eth_address(xpub.derive([0, i]).key.sec()) for i in range(5)]
    device = derive_eth_account(SEED, AccountSpec.parse("eth"))
    assert wallet == [device.address(i) for i in range(5)]
    assert wallet == [to_checksum_address(address_at(SEED, f"m/44'/60'/0'/0/{i}")) for i in range(5)]
    assert wallet[0] == ABANDON_ADDR0


def test_eth_exports_name_mainnet_in_their_coin_info() -> None:
    """urtypes (SeedSigner, Krux) reads a coin info without a network as testnet."""
    from signer.transport import dcbor

    key = dcbor.loads(decode_single(account_hdkey_ur(SEED)).cbor, what="test")
    assert key[5].tag == 305 and key[5].value == {1: 60, 2: 0}
    account = dcbor.loads(decode_single(ledger_live_account_ur(SEED)).cbor, what="test")
    assert all(e.tag == 303 and e.value[5].value == {1: 60, 2: 0} for e in account[2])


@pytest.mark.parametrize("count", [5, 10])
def test_ledger_live_account(count: int) -> None:
    text = ledger_live_account_ur(SEED, count)
    account = decode_ur(decode_single(text))
    assert isinstance(account, Account) and account.master_fingerprint == ABANDON_FP
    assert len(account.outputs) == count
    device = derive_eth_account(SEED, AccountSpec.parse("eth-ledger-live"))
    for i, output in enumerate(account.outputs):
        assert output.scripts == ()  # bare keys, as Keystone writes them: no Bitcoin script type
        key = output.key
        assert key.origin.to_path_string() == f"m/44'/60'/{i}'/0/0" and key.note == "account.ledger_live"
        assert eth_address(key.key_data) == device.address(i)


@pytest.mark.parametrize("count", [0, 3, 105])
def test_ledger_live_count_must_suit_metamask(count: int) -> None:
    with pytest.raises(EthError, match="groups of 5"):
        ledger_live_account_ur(SEED, count)
