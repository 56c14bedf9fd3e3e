"""Address check: every common form of an address QR is read, and the answer (found: seed, account,
path; not found: what was searched) is the same for the CLI and the device. Expected addresses come
from the BIP vectors and from bip-utils, an independent implementation."""

from __future__ import annotations

import pytest
from bip_utils import (
    Bip39SeedGenerator,
    Bip44,
    Bip44Changes,
    Bip44Coins,
    Bip49,
    Bip49Coins,
    Bip84,
    Bip84Coins,
)
from embit.bip32 import HDKey

from signer.address_lookup import AddressQuery, SeedToSearch, check, parse_address_query
from signer.btc.errors import AddressError
from signer.keys.accounts import AccountSpec
from signer.keys.bip39 import mnemonic_to_seed
from signer.transport.assembler import Assembler

ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
SEED = mnemonic_to_seed(ABANDON)
BIP84_0 = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"  # BIP-84 vector, m/84'/0'/0'/0/0
BIP84_CHANGE_0 = "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"  # BIP-84 vector, m/84'/0'/0'/1/0
BIP86_0 = "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"  # BIP-86 vector
BIP49_0 = "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf"  # m/49'/0'/0'/0/0 of the abandon seed
ETH_0 = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"  # m/44'/60'/0'/0/0 of the abandon seed
STRANGER = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"  # BIP-173 example
P2WSH = "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"  # BIP-173 example


def seed(**kwargs: object) -> SeedToSearch:
    return SeedToSearch("main", lambda: SEED, **kwargs)  # type: ignore[arg-type]


def independent(coin: object, purpose: type, change: int, index: int, account: int = 0) -> str:
    ctx = purpose.FromSeed(Bip39SeedGenerator(ABANDON).Generate(), coin)  # type: ignore[attr-defined]
    chain = Bip44Changes.CHAIN_INT if change else Bip44Changes.CHAIN_EXT
    return ctx.Purpose().Coin().Account(account).Change(chain).AddressIndex(index).PublicKey().ToAddress()


# --- every form of the address ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        BIP84_0,
        BIP84_0.upper(),
        f"bitcoin:{BIP84_0}",
        f"bitcoin:{BIP84_0}?amount=0.001&label=Coffee%20shop&message=thanks",
        f"bitcoin:{BIP84_0}?foo",  # a parameter without a value (issue 9.5)
        f"bitcoin:{BIP84_0}?lightning=LNBC10U1P3PJ257PP5YZTKWJCZ5FTL5LAXKAV23ZMZEKAW37ZK6KMV80PK4XAEV5QHTZ7Q",
        f"BITCOIN:{BIP84_0.upper()}?AMOUNT=0.001",  # QR alphanumeric form
        f"  bitcoin:{BIP84_0}\n",
    ],
)
def test_bitcoin_forms_name_the_same_address(text: str) -> None:
    query = parse_address_query(text)
    assert (query.chain, query.address, query.network, query.script_type) == (
        "bitcoin",
        BIP84_0,
        "main",
        "p2wpkh",
    )
    assembler = Assembler()
    assembler.add(text)
    assert parse_address_query(assembler.result) == query  # a scanned QR reads the same


@pytest.mark.parametrize(
    ("text", "source"),
    [
        (ETH_0, "address"),
        (ETH_0.lower(), "address"),
        ("0x" + ETH_0[2:].upper(), "address"),
        (f"ethereum:{ETH_0}@1", "eip681"),
        (f"ethereum:pay-{ETH_0.lower()}@137?value=1e18", "eip681"),
        (
            f"ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer?address={ETH_0}&uint256=1e6",
            "eip681",
        ),
    ],
)
def test_ethereum_forms_name_the_same_address(text: str, source: str) -> None:
    """Checksummed, lower or upper case, an EIP-681 payment, or an ERC-20 transfer's recipient."""
    assert parse_address_query(text) == AddressQuery("ethereum", ETH_0, None, None, source)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (ETH_0[:6] + ETH_0[6].swapcase() + ETH_0[7:], "EIP-55"),  # 'E' -> 'e': checksum broken
        (f"bitcoin:{BIP84_0[:-1]}x", "bech32"),
        (
            "bitcoin:?lightning=lnbc10u1p3pj257pp5yztkwjcz5ftl5laxkav23zmzekaw37zk6kmv80pk4xaev5qhtz7q",
            "no on-chain",
        ),
        (f"ethereum:{ETH_0}/approve?address={ETH_0}&uint256=1", "calls 'approve'"),
        (f"ethereum:{ETH_0}/transfer?uint256=1", "names no recipient"),
        (
            "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8",
            "not an address",
        ),
        ("hello", "not an address"),
    ],
)
def test_what_is_not_an_address_says_why(text: str, reason: str) -> None:
    with pytest.raises(AddressError, match=reason):
        parse_address_query(text)


# --- found: the same words everywhere --------------------------------------------------------------


def test_found_bitcoin_address_says_where() -> None:
    result = check(parse_address_query(f"bitcoin:{BIP84_CHANGE_0}?foo"), [seed()])
    assert result.found and result.title == "Address is ours"
    assert result.lines() == [
        "This is your address.",
        "Seed: main",
        "Account: BIP-84 native segwit account 0",
        "Change address #0",
        "Path: m/84h/0h/0h/1/0",
    ]
    doc = result.to_json()
    assert (doc["address"], doc["ours"], doc["path"], doc["change"], doc["index"]) == (
        BIP84_CHANGE_0,
        True,
        "m/84h/0h/0h/1/0",
        True,
        0,
    )


@pytest.mark.parametrize(
    ("address", "path"),
    [
        (BIP84_0, "m/84h/0h/0h/0/0"),
        (BIP86_0, "m/86h/0h/0h/0/0"),
        (BIP49_0, "m/49h/0h/0h/0/0"),
        (independent(Bip44Coins.BITCOIN, Bip44, 0, 3), "m/44h/0h/0h/0/3"),
        (independent(Bip49Coins.BITCOIN, Bip49, 1, 7), "m/49h/0h/0h/1/7"),
        (independent(Bip84Coins.BITCOIN_TESTNET, Bip84, 0, 5), "m/84h/1h/0h/0/5"),  # network from the address
        (independent(Bip84Coins.BITCOIN_TESTNET, Bip84, 0, 5).upper(), "m/84h/1h/0h/0/5"),
    ],
)
def test_every_single_sig_kind_is_found(address: str, path: str) -> None:
    result = check(parse_address_query(address), [seed()], gap=10)
    assert result.found and result.path == path, result.lines()


def test_stored_accounts_are_searched() -> None:
    address = independent(Bip84Coins.BITCOIN, Bip84, 0, 2, account=3)
    assert not check(parse_address_query(address), [seed()], gap=5).found
    result = check(parse_address_query(address), [seed(accounts=(AccountSpec("btc-84", "main", 3),))], gap=5)
    assert (
        result.found
        and result.account == "BIP-84 native segwit account 3"
        and result.path == "m/84h/0h/3h/0/2"
    )


def test_found_ethereum_address_says_where() -> None:
    result = check(parse_address_query(f"ethereum:{ETH_0.lower()}@1"), [seed()])
    assert result.lines() == [
        "This is your address.",
        "Seed: main",
        "Account: Ethereum account (m/44h/60h/0h/0/n)",
        "Path: m/44h/60h/0h/0/0",
    ]
    ledger = parse_address_query(independent_eth_ledger(2))
    assert not check(ledger, [seed()], gap=5).found
    found = check(ledger, [seed(accounts=(AccountSpec("eth-ledger-live"),))], gap=5)
    assert found.found and found.path == "m/44h/60h/2h/0/0"


def independent_eth_ledger(account: int) -> str:
    ctx = Bip44.FromSeed(Bip39SeedGenerator(ABANDON).Generate(), Bip44Coins.ETHEREUM)
    return (
        ctx.Purpose()
        .Coin()
        .Account(account)
        .Change(Bip44Changes.CHAIN_EXT)
        .AddressIndex(0)
        .PublicKey()
        .ToAddress()
    )


# --- not found: what was searched, in full ---------------------------------------------------------


def test_not_found_names_what_was_searched() -> None:
    result = check(
        parse_address_query(STRANGER.upper()), [seed(), SeedToSearch("legal", lambda: bytes(64))], gap=50
    )
    assert not result.found and result.title == "Not found"
    assert result.lines() == [
        "Not found in the first 50 receive and change addresses of BIP-84 native segwit account 0 "
        "of the seeds 'main' and 'legal'."
    ]
    assert result.to_json()["address"] == STRANGER
    eth = check(parse_address_query("0x" + "11" * 20), [seed()], gap=3)
    assert eth.lines() == [
        "Not found in the first 3 addresses of Ethereum account (m/44h/60h/0h/0/n) of the seed 'main'."
    ]


def test_pay_to_script_without_a_wallet_says_to_register_it() -> None:
    result = check(parse_address_query(P2WSH), [seed()])
    assert result.lines() == [
        "Not found: the seed 'main' has no registered multisig wallet that could make this pay-to-script "
        "address; register the wallet first."
    ]


def test_registered_multisig_is_found_by_its_name() -> None:
    from embit.descriptor import Descriptor

    keys = []
    for words, fp in (
        (ABANDON, "73c5da0a"),
        ("legal winner thank year wave sausage worth useful legal winner thank yellow", "b8688df1"),
    ):
        xpub = HDKey.from_seed(mnemonic_to_seed(words)).derive("m/48h/0h/0h/2h").to_public().to_base58()
        keys.append(f"[{fp}/48h/0h/0h/2h]{xpub}/<0;1>/*")
    descriptor = f"wsh(sortedmulti(2,{keys[0]},{keys[1]}))"
    address = Descriptor.from_string(descriptor).derive(4, branch_index=1).address()
    result = check(parse_address_query(address), [seed(multisig=(("Family vault", descriptor),))], gap=10)
    assert result.found and result.account == "multisig wallet 'Family vault'" and result.path == "1/4"
    assert result.lines()[3] == "Change address #4"


def test_another_network_is_refused_when_one_is_named() -> None:
    with pytest.raises(AddressError, match="another network"):
        check(
            parse_address_query(independent(Bip84Coins.BITCOIN_TESTNET, Bip84, 0, 0)),
            [seed()],
            network="main",
        )


def test_signet_accounts_are_searched_for_testnet_addresses() -> None:
    """tb1 addresses serve testnet and signet alike (coin type 1): a stored signet account is searched."""
    deeper = independent(Bip84Coins.BITCOIN_TESTNET, Bip84, 1, 3, account=2)
    assert parse_address_query(deeper).network == "test"
    assert not check(parse_address_query(deeper), [seed()], gap=5).found
    stored = seed(accounts=(AccountSpec("btc-84", "signet", 2),))
    result = check(parse_address_query(deeper), [stored], gap=5)
    assert result.found and result.path == "m/84h/1h/2h/1/3" and result.change
