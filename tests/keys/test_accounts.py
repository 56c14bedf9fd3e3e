"""Accounts: BIP-32 / BIP-49 / BIP-84 / BIP-86 public vectors, Ethereum paths, SLIP-132, errors."""

from __future__ import annotations

import pytest
import shared_vectors
from conftest import ABANDON

from signer.keys import accounts
from signer.keys.accounts import AccountSpec, derive_btc_account, derive_eth_account
from signer.keys.bip39 import mnemonic_to_seed
from signer.keys.errors import AccountError

SEED = mnemonic_to_seed(ABANDON)


def _bip32_chains(data: dict) -> list[tuple[str, tuple[str, dict]]]:
    out = []
    for vector in data["vectors"]:
        for chain in vector.get("chains", []):
            out.append((f"tv{vector['vector']}-{chain['path']}", (vector["seed_hex"], chain)))
    return out


@pytest.mark.parametrize("case", shared_vectors.cases("bip32/bip32-test-vectors.json", _bip32_chains))
def test_bip32_vector(case: tuple[str, dict]) -> None:
    from embit.bip32 import HDKey

    seed_hex, chain = case
    key = HDKey.from_seed(bytes.fromhex(seed_hex))
    if chain["path"] != "m":
        key = key.derive(chain["path"].replace("'", "h"))
    assert key.to_base58() == chain["xprv"]
    assert key.to_public().to_base58() == chain["xpub"]


def _invalid_keys(data: dict) -> list[tuple[str, dict]]:
    return [
        (f"tv5-{i}", case)
        for v in data["vectors"]
        for i, case in enumerate(v.get("invalid_extended_keys", []))
    ]


@pytest.mark.parametrize("case", shared_vectors.cases("bip32/bip32-test-vectors.json", _invalid_keys))
def test_bip32_invalid_keys_are_rejected(case: dict) -> None:
    from embit.bip32 import HDKey

    with pytest.raises(Exception):  # noqa: B017 - embit raises several types; none may parse
        HDKey.from_string(case["key"])


def _bip_addresses(data: dict) -> list[tuple[str, tuple[str, dict]]]:
    cases = []
    for bip in ("bip84", "bip86"):
        for row in data[bip]:
            if "address" in row:
                cases.append((f"{bip}-{row['label'][:40]}", (bip, row)))
            if "xpub" in row:
                cases.append((f"{bip}-account-xpub", (bip, row)))
    return cases


@pytest.mark.parametrize("case", shared_vectors.cases("bip86/bip49-84-86-test-vectors.json", _bip_addresses))
def test_bip84_bip86_vectors(case: tuple[str, dict]) -> None:
    bip, row = case
    account = derive_btc_account(SEED, AccountSpec.parse("btc-84" if bip == "bip84" else "btc-86"))
    if "address" in row:
        change, index = (int(x) for x in row["label"].split("= m/")[1].split("/")[-2:])
        assert account.address(change, index) == row["address"]
    else:
        assert row["xpub"] in (account.xpub, account.slip132)


def test_bip49_testnet_vector() -> None:
    data = shared_vectors.load_json("bip86/bip49-84-86-test-vectors.json")
    row = next(r for r in data["bip49"] if "account0Xpub" in r)
    account = derive_btc_account(SEED, AccountSpec.parse("btc-49", "test"))
    assert account.slip132 == row["account0Xpub"].split()[0]
    address_row = next(
        r for r in data["bip49"] if "address" in str(r.get("label", "")).lower() and "address" in r
    )
    assert account.address(0, 0) == address_row["address"].split("= ")[1].split()[0]


# Embedded: BIP-84/86 first addresses, BIP-49 testnet, MetaMask's first address for ABANDON.
EMBEDDED = [
    ("btc-84", "main", 0, 0, "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"),
    ("btc-84", "main", 1, 0, "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"),
    ("btc-86", "main", 0, 0, "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"),
    ("btc-86", "main", 1, 0, "bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7"),
    ("btc-49", "test", 0, 0, "2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2"),
    ("btc-44", "main", 0, 0, "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"),
]


@pytest.mark.parametrize(("kind", "network", "change", "index", "address"), EMBEDDED)
def test_embedded_addresses(kind: str, network: str, change: int, index: int, address: str) -> None:
    assert derive_btc_account(SEED, AccountSpec.parse(kind, network)).address(change, index) == address


def test_descriptor_form_and_checksum() -> None:
    from embit.descriptor.checksum import checksum

    account = derive_btc_account(SEED, AccountSpec.parse("btc-84"))
    body, cs = account.descriptor.split("#")
    assert body == f"wpkh([73c5da0a/84h/0h/0h]{account.xpub}/<0;1>/*)"
    assert checksum(body) == cs
    assert account.slip132.startswith("zpub")


@pytest.mark.parametrize("network", ["test", "signet", "regtest"])
def test_test_networks_use_coin_type_1_and_tpub(network: str) -> None:
    account = derive_btc_account(SEED, AccountSpec.parse("btc-84", network))
    assert account.path == "m/84h/1h/0h" and account.xpub.startswith("tpub")
    prefix = "bcrt1q" if network == "regtest" else "tb1q"
    assert account.address(0, 0).startswith(prefix)


def test_multisig_cosigner_keys() -> None:
    p2wsh = derive_btc_account(SEED, AccountSpec.parse("btc-48-2"))
    p2sh_wsh = derive_btc_account(SEED, AccountSpec.parse("btc-48-1", "test", 3))
    assert p2wsh.path == "m/48h/0h/0h/2h" and p2wsh.slip132.startswith("Zpub")
    assert p2sh_wsh.path == "m/48h/1h/3h/1h" and p2sh_wsh.slip132.startswith("Upub")
    assert p2wsh.descriptor is None and p2wsh.key_expression.startswith("[73c5da0a/48h/0h/0h/2h]xpub")
    with pytest.raises(AccountError, match="register"):
        p2wsh.address(0, 0)


def test_account_index_changes_keys() -> None:
    a0 = derive_btc_account(SEED, AccountSpec.parse("btc-84", index=0))
    a1 = derive_btc_account(SEED, AccountSpec.parse("btc-84", index=1))
    assert a1.path == "m/84h/0h/1h" and a0.xpub != a1.xpub


def test_ethereum_metamask_and_ledger_live_paths_match_bip_utils() -> None:
    from bip_utils import Bip32Secp256k1, EthAddrEncoder

    metamask = derive_eth_account(SEED, AccountSpec.parse("eth"))
    assert metamask.address(0) == "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"  # widely published
    root = Bip32Secp256k1.FromSeed(SEED)
    for i in range(3):
        expected = EthAddrEncoder.EncodeKey(root.DerivePath(f"m/44'/60'/0'/0/{i}").PublicKey().KeyObject())
        assert metamask.address(i) == expected
        ledger = derive_eth_account(SEED, AccountSpec.parse("eth-ledger-live"))
        assert ledger.path(i) == f"m/44h/60h/{i}h/0/0"
        expected = EthAddrEncoder.EncodeKey(root.DerivePath(f"m/44'/60'/{i}'/0/0").PublicKey().KeyObject())
        assert ledger.address(i) == expected


def test_eip55_checksum_vectors() -> None:
    # From EIP-55's own examples.
    for addr in (
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ):
        assert accounts.checksum_address(bytes.fromhex(addr[2:])) == addr


@pytest.mark.parametrize(
    ("kind", "network", "index", "message"),
    [
        ("btc-99", "main", 0, "unknown account kind"),
        ("btc-84", "moon", 0, "unknown network"),
        ("btc-84", "main", -1, "account index"),
        ("btc-84", "main", 2**31, "account index"),
        ("eth", "test", 0, "Ethereum accounts"),
    ],
)
def test_bad_specs(kind: str, network: str, index: int, message: str) -> None:
    with pytest.raises(AccountError, match=message):
        AccountSpec.parse(kind, network, index)


def test_bad_address_requests() -> None:
    account = derive_btc_account(SEED, AccountSpec.parse("btc-84"))
    with pytest.raises(AccountError):
        account.address(2, 0)
    with pytest.raises(AccountError):
        account.address(0, -1)


def test_spec_json_round_trip() -> None:
    spec = AccountSpec.parse("btc-86", "signet", 7)
    assert AccountSpec.from_json(spec.to_json()) == spec
