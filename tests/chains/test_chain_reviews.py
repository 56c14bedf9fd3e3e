"""What each chain's review screen shows, built in the signer (it was built in ui/flows before): the
headline, the facts in order, the warnings; and what the chain does around it (the seed choice,
the history kept after an Ethereum signature, the replies).

Expected values are written out from the requests the tests build (addresses computed with embit
from the scripts, amounts from the builders), not read back from the code under test."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for folder in ("btc", "eth", "ui"):
    sys.path.insert(0, str(HERE.parent / folder))

from builders import MNEMONIC, OTHER_MNEMONIC, Out, Wallet, build_psbt, external, root_from, seed_from  # noqa: E402
from embit.networks import NETWORKS  # noqa: E402
from embit.script import Script  # noqa: E402
from eth_builders import BOB, MAIL, USDC, a, calldata, erc4527, tx  # noqa: E402
from ui_txbuilders import ABANDON_ETH, btc_message_proof, multisig_descriptor, multisig_psbt  # noqa: E402

from signer.chains.bitcoin import PSBT_CHAIN  # noqa: E402
from signer.chains.bitcoin_message import MESSAGE_CHAIN  # noqa: E402
from signer.chains.choice import Ask, Chosen, NotLoaded, SigningSeed, choose_seed, review_first  # noqa: E402
from signer.chains.contract import Context, Fact, Request  # noqa: E402
from signer.chains.ethereum import ETHEREUM_CHAIN  # noqa: E402
from signer.chains.ethereum_review import history_after, review_request  # noqa: E402
from signer.chains.keys import SeedKeys  # noqa: E402
from signer.eth.request import parse_eth_sign_request, parse_raw  # noqa: E402
from signer.transport.payload import Payload  # noqa: E402
from signer.transport.plain import recognise  # noqa: E402

SEED = seed_from(MNEMONIC)


def address(spk: bytes, network: str = "main") -> str:
    return Script(spk).address(NETWORKS[network])


def grouped(text: str) -> str:
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def psbt_review(raw: bytes, context: Context | None = None, seed: bytes = SEED):  # type: ignore[no-untyped-def]
    request = PSBT_CHAIN.parse(Payload("psbt", "plain", raw))
    return PSBT_CHAIN.review(request, SeedKeys(seed), context or Context(label="main"))


# -- Bitcoin --------------------------------------------------------------------------------------------
def test_a_payment_shows_where_every_output_goes_then_the_fee_change_and_inputs() -> None:
    wallet = Wallet(root_from(), "p2wpkh")
    pay, burn, data = external(50_000), Out(1_000, b"\x6a\x04memo"), Out(0, b"\x6a\x02hi")
    outputs = [pay, burn, data, wallet.change(30_000, 0), wallet.change(18_000, 5, branch=0)]
    review = psbt_review(build_psbt([wallet.utxo(100_000)], outputs))
    detail = review.detail
    assert review.title == "Bitcoin" and review.headline == "Send 0.00051000 BTC"
    assert review.facts == (
        Fact("To (output 0)", f"{grouped(address(pay.spk))}\n0.00050000 BTC"),
        Fact("Destroyed (output 1)", "data output (OP_RETURN)\n0.00001000 BTC"),
        Fact("Data (output 2)", "data output (OP_RETURN)\n0.00000000 BTC"),
        Fact("Fee", f"0.00001000 BTC ({detail.fee_rate:.1f} sat/vB)"),
        Fact("Change (output 3)", "0.00030000 BTC\nm/84h/0h/0h/1/0"),
        Fact("To yourself (output 4)", "0.00018000 BTC\nm/84h/0h/0h/0/5"),
        Fact("Inputs", "1 (1 of this seed), 0.00100000 BTC"),
        Fact("Seed", "main 73c5da0a"),
        Fact("Lock time", "0, RBF on"),
    )
    assert review.figures == {"sent": 51_000, "fee": 1_000, "change": 48_000}
    assert review.codes == tuple(sorted(detail.codes())) and "op-return-burn" in review.codes


def test_moving_coins_within_the_wallet_has_its_own_headline() -> None:
    wallet = Wallet(root_from(), "p2wpkh")
    review = psbt_review(build_psbt([wallet.utxo(100_000)], [wallet.change(99_000)]))
    assert review.headline == "Move within the wallet"


def test_a_testnet_review_names_its_network_on_screen_but_not_in_its_json() -> None:
    wallet = Wallet(root_from(network="test"), "p2wpkh", network="test")
    raw = build_psbt([wallet.utxo(100_000)], [external(50_000), wallet.change(49_000)])
    review = psbt_review(raw, Context(label="main", networks=("test",)))
    assert Fact("Network", "TEST") in review.facts
    assert (
        review.warnings[-1].code == "testnet" and review.warnings[-1].message == "This is a test transaction."
    )
    assert "testnet" not in {w["code"] for w in review.to_json()["warnings"]}


def test_a_registered_multisig_wallet_is_named() -> None:
    descriptor = multisig_descriptor([MNEMONIC, OTHER_MNEMONIC, "zoo " * 11 + "wrong"])
    raw, _ = multisig_psbt(descriptor)
    request = PSBT_CHAIN.parse(Payload("psbt", "plain", raw))
    keys = SeedKeys(SEED, [{"name": "Family vault", "descriptor": descriptor}])
    review = PSBT_CHAIN.review(request, keys, Context(label="main"))
    assert Fact("Wallet", "Family vault") in review.facts


@pytest.mark.parametrize("carried", [True, False])
def test_a_bip322_proof_shows_its_message_and_address_not_a_payment(carried: bool) -> None:
    message = b"I own this address. Nonce 8c1f"
    raw, owner = btc_message_proof(message, carried=carried)
    review = psbt_review(raw)
    assert review.kind == "btc-bip322" and review.headline == "Sign a message"
    assert review.facts == (
        Fact("Message", message.decode() if carried else "(not included)"),
        Fact("Signed as the owner of", grouped(owner)),
        Fact("Seed", "main 73c5da0a"),
    )


def test_the_signed_psbt_is_offered_in_the_request_format_family() -> None:
    wallet = Wallet(root_from(), "p2wpkh")
    raw = build_psbt([wallet.utxo(100_000)], [external(50_000), wallet.change(49_000)])
    keys = SeedKeys(SEED)
    for payload, labels, reply in (
        (Payload("psbt", "ur", raw, ur_type="psbt"), ["UR", "BBQr"], "ur"),
        (Payload("psbt", "bbqr", raw, bbqr_type="P"), ["BBQr", "UR"], "bbqr"),
        (Payload("psbt", "base43", raw), ["UR", "BBQr", "Electrum"], "base64"),
    ):
        review = PSBT_CHAIN.review(PSBT_CHAIN.parse(payload), keys, Context())
        signed = PSBT_CHAIN.sign(review, keys, accept_risk=False)
        assert [o.label for o in signed.offers] == labels and signed.reply.form == reply
        assert signed.title == "Signed PSBT" and signed.note == "signed input(s) 0"
    assert signed.offers[-1].one_code and signed.offers[-1].ecc == "L"  # Electrum: first only if it fits
    assert (
        PSBT_CHAIN.sign(
            PSBT_CHAIN.review(PSBT_CHAIN.parse(Payload("psbt", "ur", raw, ur_type="psbt")), keys, Context()),
            keys,
            False,
        )
        .offers[0]
        .type
        == "psbt"
    )  # the UR type name the wallet used


def test_a_sign_message_request_shows_the_message_address_and_path() -> None:
    payload = recognise("signmessage m/84h/0h/0h/0/0 ascii:hello world")
    assert payload is not None
    review = MESSAGE_CHAIN.review(MESSAGE_CHAIN.parse(payload), SeedKeys(SEED), Context(label="main"))
    first = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"  # m/84'/0'/0'/0/0 of the abandon seed (BIP-84)
    assert review.headline == "Sign this message?" and review.title == "Sign message"
    assert review.facts == (
        Fact("Message (11 bytes)", "hello world"),
        Fact("Signing address", grouped(first)),
        Fact("Path", "m/84h/0h/0h/0/0"),
        Fact("Seed", "main 73c5da0a"),
    )
    assert review.figures == {"address": first, "path": "m/84h/0h/0h/0/0"}


# -- Ethereum -------------------------------------------------------------------------------------------
def eth_review(parsed, history: dict | None = None):  # type: ignore[no-untyped-def]
    request = Request(Payload("eth-sign-request", "ur", b""), parsed)
    return ETHEREUM_CHAIN.review(request, SeedKeys(SEED), Context(history=history or {}, now=1_760_000_000))


def test_a_token_transfer_shows_network_account_recipient_effect_and_fee() -> None:
    review = eth_review(
        parse_eth_sign_request(erc4527(tx(USDC, calldata("transfer(address,uint256)", BOB, 10**6)).raw, 4))
    )
    labels = [f.label for f in review.facts]
    assert labels == [
        "Network",
        "Signing account",
        "To",
        "Value",
        "Effect",
        "Max fee",
        "Nonce / gas limit",
        "Data",
    ]
    facts = {f.label: f.value for f in review.facts}
    assert facts["Network"] == "Ethereum (1)"
    assert facts["Signing account"] == "0x " + grouped(ABANDON_ETH[2:]) + "\nm/44'/60'/0'/0/0"
    assert facts["To"].replace(" ", "").lower() == "0x" + USDC.hex()
    assert facts["Nonce / gas limit"] == "7 / 100000" and facts["Data"] == "68 bytes"
    assert review.headline == f"Send 1 USDC to {BOB}"


def test_typed_data_shows_every_field_and_a_message_its_text() -> None:
    typed = eth_review(parse_raw(json.dumps(MAIL).encode()))
    fields = {f.label: f.value for f in typed.facts}
    assert fields["message.contents"] == "Hello, Bob!" and fields["domain.name"] == "Ether Mail"
    message = eth_review(parse_raw(b"hello", text=True))
    assert message.facts[-1] == Fact("Message", "hello") and message.kind == "eth-message"


def test_a_signature_remembers_its_recipients_and_keeps_the_rest_of_the_history() -> None:
    sent = review_request(parse_raw(tx(a(BOB), value=10**17).raw), SEED)
    kept = history_after({"other": 1}, sent)
    assert kept is not None and kept["other"] == 1 and kept["eth"]["addresses"] == [BOB.lower()]
    damaged = history_after({"eth": {"version": 7, "addresses": "damaged"}}, sent)
    assert damaged is not None and damaged["eth"]["addresses"] == [BOB.lower()]
    assert history_after({}, review_request(parse_raw(b"hi", text=True), SEED)) is None  # no recipient


def test_the_ethereum_chain_hands_the_new_history_back_with_the_signature() -> None:
    request = Request(Payload("text", "plain", b""), parse_raw(tx(a(BOB), value=10**17).raw))
    keys = SeedKeys(SEED)
    review = ETHEREUM_CHAIN.review(request, keys, Context())
    signed = ETHEREUM_CHAIN.sign(review, keys, accept_risk=True)
    assert signed.history is not None and signed.history["eth"]["addresses"] == [BOB.lower()]
    assert signed.reply.form == "text" and str(signed.reply.data).startswith("0x")


# -- which seed signs -----------------------------------------------------------------------------------
def signing_seed(label: str, mnemonic: str) -> SigningSeed:
    seed = seed_from(mnemonic)
    keys = SeedKeys(seed)
    return SigningSeed(label, keys.fingerprint.hex(), lambda: keys, Context(label=label))


def test_the_seed_an_erc4527_request_names_signs_it_else_the_only_one_else_the_person_chooses() -> None:
    other, ours = signing_seed("other", OTHER_MNEMONIC), signing_seed("main", MNEMONIC)
    named = Request(
        Payload("eth-sign-request", "ur", b""), parse_eth_sign_request(erc4527(tx(a(BOB)).raw, 4))
    )
    assert choose_seed(ETHEREUM_CHAIN, named, [other, ours]) == Chosen(ours)
    missing = choose_seed(ETHEREUM_CHAIN, named, [other])
    assert isinstance(missing, NotLoaded) and "73c5da0a" in missing.message
    unnamed = Request(Payload("text", "plain", b""), parse_raw(b"hi", text=True))
    assert choose_seed(ETHEREUM_CHAIN, unnamed, [other]) == Chosen(other)
    assert choose_seed(ETHEREUM_CHAIN, unnamed, [other, ours]) == Ask((other, ours))


def test_a_psbt_is_signed_by_the_first_seed_with_inputs_in_it() -> None:
    wallet = Wallet(root_from(), "p2wpkh")
    raw = build_psbt([wallet.utxo(100_000)], [external(50_000), wallet.change(49_000)])
    request = PSBT_CHAIN.parse(Payload("psbt", "plain", raw))
    other, ours = signing_seed("other", OTHER_MNEMONIC), signing_seed("main", MNEMONIC)
    found = review_first(PSBT_CHAIN, request, [other, ours])
    assert found is not None and found.seed is ours and found.review.detail.to_sign == (0,)
    nobody = review_first(PSBT_CHAIN, request, [other])  # no seed has inputs: the first says why
    assert nobody is not None and nobody.seed is other and nobody.review.refusals[0].code == "nothing-to-sign"
    assert review_first(PSBT_CHAIN, request, []) is None


def test_the_ethereum_review_reads_the_seeds_history_and_the_risk_library() -> None:
    send = parse_eth_sign_request(erc4527(tx(a(BOB), value=10**17).raw, 4))
    assert "first-time-recipient" in eth_review(send).codes
    kept = history_after(
        {}, review_request(parse_raw(tx(a(BOB), value=1).raw), SEED)
    )  # signed for BOB before
    assert kept is not None
    known = dict(kept)
    assert "first-time-recipient" not in eth_review(send, known).codes
    lookalike = BOB[:10] + "3" + BOB[11:]  # BOB's first and last characters, one in the middle changed
    assert (
        "lookalike-address"
        in eth_review(parse_eth_sign_request(erc4527(tx(a(lookalike), value=1).raw, 4)), known).codes
    )
