"""Reviews need public keys only: watch-only keys built from a seed's account exports review every
request within those accounts exactly as the seed does (the same JSON, facts and warnings), say so
when a request reaches outside them, and never sign.

The exports are the ones the seed gives its wallets: ``airlock account show --json`` and the UR
forms (crypto-account for Sparrow, crypto-output for BlueWallet, crypto-hdkey for MetaMask, the
Ledger Live crypto-account), decoded by the same code that reads them from a camera."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for folder in ("btc", "eth", "ui"):
    sys.path.insert(0, str(HERE.parent / folder))

from builders import (  # noqa: E402
    MNEMONIC,
    OTHER_MNEMONIC,
    H,
    Out,
    Wallet,
    build_psbt,
    external,
    origin,
    path,
    root_from,
    seed_from,
)
from eth_builders import BOB, MAIL, MAX, SPENDER, USDC, a, calldata, erc4527, tx  # noqa: E402
from ui_txbuilders import multisig_descriptor, multisig_psbt  # noqa: E402

from signer.btc.export import account_ur, output_ur  # noqa: E402
from signer.btc.sign import sign_reviewed  # noqa: E402
from signer.chains.bitcoin import PSBT_CHAIN  # noqa: E402
from signer.chains.contract import Chain, Context, Request, Review  # noqa: E402
from signer.chains.ethereum import ETHEREUM_CHAIN  # noqa: E402
from signer.chains.exports import watch_only_keys  # noqa: E402
from signer.chains.keys import SeedKeys, WatchOnlyKeys  # noqa: E402
from signer.errors import WatchOnlyError  # noqa: E402
from signer.eth.export import account_hdkey_ur, ledger_live_account_ur  # noqa: E402
from signer.eth.request import parse_eth_sign_request, parse_raw, sign_request  # noqa: E402
from signer.keys.accounts import AccountSpec, derive_account  # noqa: E402
from signer.risk.history import AddressHistory  # noqa: E402
from signer.transport.payload import Payload  # noqa: E402
from signer.transport.ur import encode_single  # noqa: E402

SEED = seed_from(MNEMONIC)
NOW = 1_760_000_000
BTC_KINDS = {"p2pkh": "btc-44", "p2sh-p2wpkh": "btc-49", "p2wpkh": "btc-84", "p2tr": "btc-86"}


def account_json(kind: str, network: str = "main", index: int = 0) -> dict:
    """What ``airlock account show --json`` prints for the account."""
    return derive_account(SEED, AccountSpec.parse(kind, network, index)).to_json(addresses=5)


def both(exports: list, multisig: tuple = ()) -> tuple[SeedKeys, WatchOnlyKeys]:
    return SeedKeys(SEED, multisig), watch_only_keys(exports, multisig)


def psbt_request(raw: bytes) -> Request:
    return PSBT_CHAIN.parse(Payload("psbt", "plain", raw))


def assert_same_review(
    chain: Chain, request: Request, seed: SeedKeys, watch: WatchOnlyKeys, context: Context
) -> tuple[Review, Review]:
    from_seed = chain.review(request, seed, context)
    from_exports = chain.review(request, watch, context)
    assert from_exports.to_json() == from_seed.to_json()
    assert (from_exports.headline, from_exports.facts, from_exports.warnings, from_exports.refusals) == (
        from_seed.headline,
        from_seed.facts,
        from_seed.warnings,
        from_seed.refusals,
    )
    assert from_exports.fingerprint == from_seed.fingerprint == "73c5da0a"
    return from_seed, from_exports


# -- Bitcoin ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(BTC_KINDS))
def test_single_sig_payment_with_change_reviews_the_same_from_the_account_export(kind: str) -> None:
    wallet = Wallet(root_from(), kind)
    raw = build_psbt([wallet.utxo(100_000, 0, 3)], [external(60_000), wallet.change(39_000, 2)])
    seed, watch = both([account_json(BTC_KINDS[kind])])
    review, _ = assert_same_review(PSBT_CHAIN, psbt_request(raw), seed, watch, Context(label="main"))
    assert review.detail.to_sign == (0,) and review.detail.outputs[1].kind == "change"
    assert not review.refusals and not review.has_danger


@pytest.mark.parametrize(
    "export",
    [
        pytest.param(
            lambda: encode_single(account_ur(derive_account(SEED, AccountSpec("btc-84")))),
            id="crypto-account",
        ),
        pytest.param(
            lambda: encode_single(output_ur(derive_account(SEED, AccountSpec("btc-84")))), id="crypto-output"
        ),
        pytest.param(lambda: account_json("btc-84"), id="account-show-json"),
    ],
)
def test_every_export_form_gives_the_same_review(export) -> None:  # type: ignore[no-untyped-def]
    wallet = Wallet(root_from(), "p2wpkh")
    raw = build_psbt([wallet.utxo(100_000)], [external(50_000), wallet.change(49_000)])
    seed, watch = both([export()])
    assert_same_review(PSBT_CHAIN, psbt_request(raw), seed, watch, Context())


def test_testnet_payment_reviews_the_same_from_a_testnet_export() -> None:
    wallet = Wallet(root_from(network="test"), "p2wpkh", network="test")
    raw = build_psbt([wallet.utxo(100_000)], [external(50_000), wallet.change(49_000)])
    seed, watch = both([account_json("btc-84", "test")])
    review, _ = assert_same_review(PSBT_CHAIN, psbt_request(raw), seed, watch, Context(networks=("test",)))
    assert review.detail.network == "test" and "testnet" in {w.code for w in review.warnings}


def test_registered_multisig_spend_and_change_review_the_same() -> None:
    descriptor = multisig_descriptor([MNEMONIC, OTHER_MNEMONIC, "zoo " * 11 + "wrong"])
    records = ({"name": "Family vault", "descriptor": descriptor},)
    raw, _ = multisig_psbt(descriptor)
    seed, watch = both([account_json("btc-48-2")], records)
    review, _ = assert_same_review(PSBT_CHAIN, psbt_request(raw), seed, watch, Context())
    assert review.detail.multisig_wallets == ("Family vault",) and review.detail.to_sign == (0,)
    assert review.detail.outputs[1].kind == "change"


def test_change_far_past_the_gap_is_the_same_danger() -> None:
    wallet = Wallet(root_from(), "p2wpkh")
    raw = build_psbt([wallet.utxo(100_000, 0, 1)], [external(50_000), wallet.change(49_000, 50_000)])
    seed, watch = both([account_json("btc-84")])
    review, _ = assert_same_review(PSBT_CHAIN, psbt_request(raw), seed, watch, Context())
    assert review.has_danger


def test_a_psbt_lying_about_our_change_key_is_refused_the_same() -> None:
    wallet, thief = Wallet(root_from(), "p2wpkh"), Wallet(root_from(OTHER_MNEMONIC), "p2wpkh")
    lie = Out(49_000, thief.spk(1, 0))  # the thief's key, said to be ours at change #0
    lie.bip32[thief.sec(thief.key_path(1, 0))] = origin(wallet.fp, wallet.key_path(1, 0))
    raw = build_psbt([wallet.utxo(100_000)], [external(50_000), lie])
    seed, watch = both([account_json("btc-84")])
    review, _ = assert_same_review(PSBT_CHAIN, psbt_request(raw), seed, watch, Context())
    assert [r.code for r in review.refusals] == ["change-fraud"]


def test_a_psbt_with_nothing_of_ours_is_refused_the_same() -> None:
    other = Wallet(root_from(OTHER_MNEMONIC), "p2wpkh")
    raw = build_psbt([other.utxo(100_000)], [external(99_000)])
    seed, watch = both([account_json("btc-84")])
    review, _ = assert_same_review(PSBT_CHAIN, psbt_request(raw), seed, watch, Context())
    assert [r.code for r in review.refusals] == ["nothing-to-sign"] and not review.ours


def test_a_key_outside_the_exported_accounts_is_named_not_guessed() -> None:
    wallet = Wallet(root_from(), "p2wpkh", account=1)
    raw = build_psbt([wallet.utxo(100_000)], [external(99_000)])
    _, watch = both([account_json("btc-84")])
    with pytest.raises(
        WatchOnlyError, match=r"m/84h/0h/1h/0/0 is not below an exported account \(m/84h/0h/0h\)"
    ):
        PSBT_CHAIN.review(psbt_request(raw), watch, Context())


def test_watch_only_keys_never_sign_a_psbt() -> None:
    wallet = Wallet(root_from(), "p2wpkh")
    raw = build_psbt([wallet.utxo(100_000)], [external(50_000), wallet.change(49_000)])
    seed, watch = both([account_json("btc-84")])
    review = PSBT_CHAIN.review(psbt_request(raw), watch, Context())
    with pytest.raises(WatchOnlyError, match="watch-only keys"):
        PSBT_CHAIN.sign(review, watch, accept_risk=True)
    with pytest.raises(WatchOnlyError, match="cannot sign"):  # the key object itself refuses too
        sign_reviewed(review.detail, watch.bitcoin("main"), accept_risk=True)
    assert PSBT_CHAIN.sign(
        PSBT_CHAIN.review(psbt_request(raw), seed, Context()), seed, False
    ).detail.signed_inputs


def test_the_seed_signs_only_a_review_made_with_it() -> None:
    wallet = Wallet(root_from(), "p2wpkh")
    raw = build_psbt([wallet.utxo(100_000)], [external(50_000), wallet.change(49_000)])
    review = PSBT_CHAIN.review(psbt_request(raw), SeedKeys(SEED), Context())
    with pytest.raises(Exception, match="another seed"):
        PSBT_CHAIN.sign(review, SeedKeys(seed_from(OTHER_MNEMONIC)), accept_risk=True)


# -- Ethereum -----------------------------------------------------------------------------------------
ETH_EXPORTS = {
    "account-show-json": lambda: [account_json("eth")],
    "crypto-hdkey (MetaMask)": lambda: [account_hdkey_ur(SEED)],
}


@pytest.mark.parametrize("form", list(ETH_EXPORTS))
@pytest.mark.parametrize(
    "request_of",
    [
        pytest.param(lambda: parse_eth_sign_request(erc4527(tx(a(BOB), value=10**17).raw, 4)), id="send"),
        pytest.param(
            lambda: parse_eth_sign_request(
                erc4527(tx(USDC, calldata("approve(address,uint256)", SPENDER, MAX - 1)).raw, 4)
            ),
            id="unlimited-approval",
        ),
        pytest.param(lambda: parse_raw(__import__("json").dumps(MAIL).encode()), id="typed-data"),
        pytest.param(lambda: parse_raw(b"hello", text=True), id="message"),
        pytest.param(
            lambda: parse_eth_sign_request(erc4527(tx(a(BOB), value=1).raw, 4, fingerprint=0x12345678)),
            id="wrong-seed",
        ),
        pytest.param(
            lambda: parse_eth_sign_request(erc4527(tx(a(BOB), value=1).raw, 4, address=a(SPENDER))),
            id="address-mismatch",
        ),
        pytest.param(
            lambda: parse_eth_sign_request(erc4527(tx(a(BOB), value=1).raw, 4, path="m/44'/60'/0'/0/7")),
            id="another-address",
        ),
    ],
)
def test_ethereum_requests_review_the_same_from_the_account_export(form: str, request_of) -> None:  # type: ignore[no-untyped-def]
    seed, watch = both(ETH_EXPORTS[form]())
    request = Request(Payload("text", "plain", b"x"), request_of())
    history = AddressHistory()
    history.add(a(BOB))  # the seed signed for BOB before: no first-time-recipient warning
    context = Context(now=NOW, history={"eth": history.to_json()})
    assert_same_review(ETHEREUM_CHAIN, request, seed, watch, context)


def test_ledger_live_keys_review_the_same_from_their_export() -> None:
    seed, watch = both([ledger_live_account_ur(SEED, 5)])
    request = Request(
        Payload("eth-sign-request", "ur", b""),
        parse_eth_sign_request(erc4527(tx(a(BOB), value=1).raw, 4, path="m/44'/60'/3'/0/0")),
    )
    review, _ = assert_same_review(ETHEREUM_CHAIN, request, seed, watch, Context(now=NOW))
    assert not review.refusals


def test_a_bitcoin_key_asked_to_sign_for_ethereum_is_the_same_danger() -> None:
    seed, watch = both([account_json("eth"), account_json("btc-84")])
    request = Request(
        Payload("eth-sign-request", "ur", b""),
        parse_eth_sign_request(erc4527(tx(a(BOB), value=1).raw, 4, path="m/84'/0'/0'/0/0")),
    )
    review, _ = assert_same_review(ETHEREUM_CHAIN, request, seed, watch, Context(now=NOW))
    assert "key-purpose-mismatch" in review.codes


def test_an_ethereum_path_outside_the_exports_is_named() -> None:
    _, watch = both([account_json("eth")])
    request = Request(
        Payload("eth-sign-request", "ur", b""),
        parse_eth_sign_request(erc4527(tx(a(BOB), value=1).raw, 4, path="m/44'/60'/1'/0/0")),
    )
    with pytest.raises(WatchOnlyError, match=r"m/44h/60h/1h/0/0 is not below an exported account"):
        ETHEREUM_CHAIN.review(request, watch, Context(now=NOW))


def test_watch_only_keys_never_sign_for_ethereum() -> None:
    _, watch = both([account_json("eth")])
    parsed = parse_eth_sign_request(erc4527(tx(a(BOB), value=1).raw, 4))
    review = ETHEREUM_CHAIN.review(
        Request(Payload("eth-sign-request", "ur", b""), parsed), watch, Context(now=NOW)
    )
    with pytest.raises(WatchOnlyError, match="watch-only keys"):
        ETHEREUM_CHAIN.sign(review, watch, accept_risk=True)
    with pytest.raises(WatchOnlyError, match="cannot sign"):
        sign_request(parsed, review.detail, watch.ethereum(), accept_risk=True)  # type: ignore[arg-type]


# -- the exports themselves ------------------------------------------------------------------------------
def test_exports_of_two_seeds_are_refused() -> None:
    other = derive_account(seed_from(OTHER_MNEMONIC), AccountSpec("btc-84")).to_json()
    with pytest.raises(WatchOnlyError, match="different seeds"):
        watch_only_keys([account_json("btc-84"), other])


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"path": "m/84h/0h/1h"}, "another child"),
        ({"path": "m/84h/0h"}, "depth 3, not 2"),
        ({"xpub": "xpub-not-base58"}, "cannot be read"),
        ({"fingerprint": "73c5"}, "8 hex characters"),
        ({"xpub": None}, "fingerprint, path and xpub"),
    ],
)
def test_an_inconsistent_export_is_refused_with_its_reason(change: dict, match: str) -> None:
    with pytest.raises(WatchOnlyError, match=match):
        watch_only_keys([{**account_json("btc-84"), **change}])


def test_an_export_of_a_private_key_is_refused() -> None:
    from embit.bip32 import HDKey

    xprv = HDKey.from_seed(SEED).derive("m/84h/0h/0h").to_base58()
    with pytest.raises(WatchOnlyError, match="public key, not a private one"):
        watch_only_keys([{**account_json("btc-84"), "xpub": xprv}])


def test_watch_only_keys_show_no_key_material() -> None:
    watch = watch_only_keys([account_json("btc-84")])
    assert repr(watch) == "WatchOnlyKeys(fingerprint=73c5da0a, accounts=m/84h/0h/0h)"
    assert "73c5da0a" in repr(SeedKeys(SEED)) and SEED.hex() not in repr(SeedKeys(SEED))
    assert watch.bitcoin("main").pubkey(path("m/84h/0h/0h/0/0")) == SeedKeys(SEED).bitcoin("main").pubkey(
        (84 + H, H, H, 0, 0)
    )
