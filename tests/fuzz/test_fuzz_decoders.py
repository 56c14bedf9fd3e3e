"""A fuzz target for every decoder of outside input in ``signer/``: each either returns a well-formed
result or raises its module's own error (an AirlockError, one specific line), never anything else.

Targets start from valid examples (tests/fuzz/valid_inputs.py) and damage them (mutations.py: bits
flipped, bytes and characters set, inserted, deleted, repeated, truncated, spliced, digit runs longer
than ``int()`` reads), and some draw structured inputs of the format. Inputs are bounded in size and
every run is seeded (tests/conftest.py); ``AIRLOCK_FUZZ=N`` runs N times more, freshly drawn.

Inventory: every decoder of outside input and every entry point, and the fuzz test that covers it
(``here`` is this file, ``T`` tests/transport/test_fuzz_transport.py, ``U`` tests/transport/
test_fuzz_ur.py, ``B`` tests/btc/test_fuzz_props.py, ``E`` tests/eth/; a row with a blank first
column continues the one above; names cut with ``..`` are longer).

===============================================  =====================================================
decoder (module: function)                       fuzz test
===============================================  =====================================================
transport.assembler: Assembler.add (any format)  T::test_assembler_add_never_raises_anything_else
transport.plain: recognise                       T::test_plain_recognise_never_raises_anything_else
transport.key_text: classify/check_key_text      here::test_key_text
transport.ur: URDecoder.receive, decode_single   U::test_random_text_to_decoder
                                                 U::test_fuzz_target_never_raises
transport.bytewords: decode                      here::test_bytewords_decode
transport.fountain: from_cbor, Decoder.receive   U::test_structured_part_cbor_with_valid_checksum
                                                 U::test_mixed_good_and_tampered_parts_never_yield_a_w..
transport.urtypes: decode_ur (every type)        U::test_random_bytes_to_decode_ur
                                                 U::test_mutated_registry_payloads
                                                 U::test_structured_cbor_to_decode_ur
transport.dcbor: loads                           here::test_dcbor_loads
transport.bbqr: parse_part, join, collector      T::test_bbqr_join_never_raises_anything_else
transport.seedqr: decode                         T::test_seedqr_decode_never_raises_anything_else
transport.specter_parts: parse_part, collector   here::test_specter_parts
transport.base43: decode                         here::test_base43_decode
transport.bip21: parse_bip21, btc_to_sats        here::test_bip21
                                                 here::test_bip21_amount_is_exact_or_refused
transport.eip681: parse_eip681, numbers          here::test_eip681
                                                 here::test_eip681_number_is_exact_or_refused
transport.addresses: Bitcoin and Ethereum        here::test_addresses
transport.mnemonic_text: looks_like, decode      here::test_mnemonic_text
transport.signmessage: parse, from_payload       here::test_sign_message_request
transport.images: open_gray, decode_qr_image     here::test_image_files
strict_json: loads                               here::test_strict_json
safe_text: visible, escape                       here::test_safe_text
address_lookup: parse_address_query              here::test_address_query
keys.envelope: read_kdf, open_sealed             here::test_sealed_envelope
keys.vault: Vault.open (contents)                here::test_vault_contents
keys.vault: Vault.open (file bytes)              keys/test_vault.py::test_every_single_bit_flip_is_..
keys.backup: read_backup (contents)              here::test_backup_contents
keys.kef: unwrap, decrypt_with_key               here::test_kef_envelope
keys.kef_mnemonic: inspect, read_mnemonic        here::test_kef_text
keys.kef_text: sd_card_entries (seeds.json)      here::test_kef_seeds_json
keys.slip39: parse_share, progress, combine      here::test_slip39_shares
keys.slip39: SplitPlan.parse                     here::test_slip39_split_plan
keys.bip39: entropy_from_mnemonic                here::test_mnemonic_text
keys.dice: check_rolls, verifiable_entropy       here::test_dice_rolls
btc.psbt, psbt_io: load_psbt, review, sign       B::test_random_byte_mutations
                                                 B::test_arbitrary_bytes_after_magic
btc.psbt_io: decode_psbt_bytes (base64, hex)     here::test_psbt_text
btc.bip322: recognise (proof PSBTs)              here::test_bip322_proof
btc.multisig_formats: parse_wallet (5 formats)   here::test_multisig_wallet_files
btc.multisig_registry: admit                     here::test_multisig_wallet_files
btc.multisig_registry: check_seed_records        here::test_backup_contents
btc.message_request: review_message              here::test_sign_message_request
btc.message: verify_message                      here::test_message_signature
btc.networks: parse_path                         here::test_derivation_path
eth.rlpcodec: decode                             E/test_eth_tx.py::test_rlp_any_bytes_decode_or_rlp_error
eth.tx: parse_unsigned_tx                        E/test_eth_tx.py::test_mutated_transactions_decode_or..
eth.typed_data: parse_typed_data                 E/test_eth_typed_data.py::test_any_json_parses_or_fa..
                                                 E/test_eth_typed_data.py::test_mutated_mail_parses_o..
                                                 here::test_eth_raw_request (damaged JSON text)
eth.typed_meaning, orders: recognise             E/test_eth_typed_kinds.py::test_mutated_recognised_..
eth.calls, abi, router: decode_call              E/test_eth_calls.py::test_any_calldata_decodes
                                                 E/test_eth_calls.py::test_any_calldata_with_a_known_..
eth.request + chains.ethereum_review: parse_raw, review_request  here::test_eth_raw_request
eth.request: parse_payload (ERC-4527)            here::test_eth_sign_request
eth.request: raw_text_payload                    here::test_eth_request_file_text
eth.approval_limit: parse_limit                  here::test_approval_limit
risk.library: parse, verify_update, load         here::test_risk_library
risk.history: AddressHistory.from_json           here::test_address_history
cli: sign, qr decode, backup restore             fuzz/test_fuzz_entry_points.py
cli: multisig register, address check            fuzz/test_fuzz_entry_points.py
device: scan from home (ui.flows.sign.dispatch)  fuzz/test_fuzz_entry_points.py
===============================================  =====================================================

Not fuzzed here: ``signer.risk.build_library`` (a maintainer's build tool reading the published
source lists, never run on the device) and ``signer.eth.registry`` (reads the chain and token lists
shipped with Airlock, not outside input).
"""

from __future__ import annotations

import base64
import decimal
import json
import re
import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from fuzz import valid_inputs as valid
from fuzz.mutations import clean, fuzz_settings, long_digits, mutated_bytes, mutated_text
from hypothesis import given
from hypothesis import strategies as st

from signer.errors import AirlockError
from signer.transport.errors import TransportError


def exact_decimals() -> decimal.localcontext:  # type: ignore[type-arg]
    """A decimal context that never rounds the numbers these tests build (the oracle must be exact)."""
    return decimal.localcontext(prec=20_000, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


# -- transport ------------------------------------------------------------------------------------


@fuzz_settings(150)
@given(mutated_text(valid.bip21_uris(), alphabet=":?&=%.0123456789abcdefABCDEF-_"))
def test_bip21(text: str) -> None:
    from signer.transport.bip21 import MAX_SATS, parse_bip21

    uri = clean(lambda: parse_bip21(text), TransportError)
    if uri is None:
        return
    assert uri.amount_sats is None or 0 <= uri.amount_sats <= MAX_SATS
    assert uri.address is not None or uri.params
    if uri.address is not None:
        assert uri.address.network in ("main", "test", "regtest")


_amounts = st.one_of(
    st.from_regex(r"[0-9]{0,9}(\.[0-9]{0,40})?", fullmatch=True),
    # a whole amount with one more digit far past the 8th decimal
    st.builds(
        lambda w, z, d: f"{w}.{'0' * z}{d}", st.integers(1, 21_000_000), st.integers(8, 40), st.integers(1, 9)
    ),
    st.decimals(min_value=0, max_value=30_000_000, allow_nan=False, allow_infinity=False).map(str),
    long_digits(),
    st.text(alphabet="0123456789.,-+eE ²٣", max_size=30),
)


@fuzz_settings(200)
@given(_amounts)
def test_bip21_amount_is_exact_or_refused(amount: str) -> None:
    """BIP-21: a decimal number of BTC with at most 8 decimals; anything else is refused, never rounded."""
    from signer.transport.bip21 import MAX_SATS, parse_bip21

    uri = clean(lambda: parse_bip21(f"bitcoin:{valid.addresses()[0]}?amount={amount}"), TransportError)
    exact = None
    amount = amount.rstrip()  # the end of the URI, stripped with it
    if amount and all(c in "0123456789." for c in amount) and amount.count(".") <= 1 and amount != ".":
        with exact_decimals():
            sats = Decimal(amount).scaleb(8)
            if sats == sats.to_integral_value() and sats <= MAX_SATS:
                exact = int(sats)
    assert (uri.amount_sats if uri else None) == exact, amount


@fuzz_settings(150)
@given(mutated_text(valid.eip681_uris(), alphabet=":?&=@/.0123456789abcdefABCDEFxeE+-"))
def test_eip681(text: str) -> None:
    from signer.transport.eip681 import MAX_UINT256, parse_eip681

    request = clean(lambda: parse_eip681(text), TransportError)
    if request is None:
        return
    assert request.value is None or 0 <= request.value <= MAX_UINT256
    assert request.chain_id is None or request.chain_id > 0
    recipient = clean(lambda: request.transfer_recipient, TransportError)
    amount = clean(lambda: request.transfer_amount, TransportError)
    assert recipient is None or recipient.address.startswith("0x")
    assert amount is None or 0 <= amount <= MAX_UINT256


_numbers = st.one_of(
    st.from_regex(r"\+?[0-9]{1,90}(\.[0-9]{0,30})?([eE]\+?[0-9]{1,3})?", fullmatch=True),
    long_digits(),
    long_digits().map(lambda d: d[:3400] + "e999"),
    st.text(alphabet="0123456789.eE+-²٣", max_size=30),
)


@fuzz_settings(200)
@given(_numbers)
def test_eip681_number_is_exact_or_refused(text: str) -> None:
    from signer.transport.eip681 import MAX_UINT256, parse_eip681_number

    value = clean(lambda: parse_eip681_number(text), TransportError)
    if value is None:
        return
    mantissa, _, exponent = text.lstrip("+").lower().partition("e")
    with exact_decimals():
        assert Decimal(mantissa).scaleb(int(exponent.lstrip("+") or 0)) == value <= MAX_UINT256


@fuzz_settings(150)
@given(
    mutated_text(
        (*valid.addresses(), valid.ETH_ADDRESS, valid.USDC_TEXT), alphabet="qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    )
)
def test_addresses(text: str) -> None:
    from signer.transport.addresses import (
        looks_like_bitcoin_address,
        parse_bitcoin_address,
        parse_eth_address,
    )

    btc = clean(lambda: parse_bitcoin_address(text), TransportError)
    if btc is not None:
        assert btc.network in ("main", "test", "regtest") and btc.script_type
        assert looks_like_bitcoin_address(btc.address)
    eth = clean(lambda: parse_eth_address(text), TransportError)
    if eth is not None:
        assert len(eth.address) == 42 and eth.address.lower() == text.strip().lower()


@fuzz_settings(150)
@given(mutated_text(valid.key_texts(), alphabet="[]/()#,'h0123456789abcdefxpub"))
def test_key_text(text: str) -> None:
    from signer.transport.key_text import check_key_text
    from signer.transport.plain import classify_text

    kind = clean(lambda: classify_text(text), TransportError)
    assert kind in (None, "descriptor-text", "json")
    clean(lambda: check_key_text(text), TransportError)


@fuzz_settings(120)
@given(mutated_text(valid.mnemonic_texts(), alphabet="abcdefghijklmnopqrstuvwxyz \n"))
def test_mnemonic_text(text: str) -> None:
    from signer.transport import mnemonic_text

    if not mnemonic_text.looks_like_mnemonic(text):
        return
    words = clean(lambda: mnemonic_text.decode(text), TransportError)
    if words is not None:
        assert len(words.entropy) in (16, 20, 24, 28, 32)
        assert "content hidden" in repr(words)


@fuzz_settings(120)
@given(mutated_text(valid.sign_message_requests(), alphabet="m/h'0123456789 :ascii"))
def test_sign_message_request(text: str) -> None:
    from signer.btc import BtcKeys
    from signer.btc.errors import BtcRefusal
    from signer.btc.message_request import review_message
    from signer.transport import signmessage
    from signer.transport.payload import Payload

    request = clean(lambda: signmessage.parse(text), TransportError)
    inside = clean(
        lambda: signmessage.from_payload(Payload("bytes", "ur", text.encode("utf-8", "surrogatepass"))),
        TransportError,
    )
    assert inside is None or inside.kind == "btc-sign-message"
    if request is None:
        return
    assert request.message and request.encoding == "ascii"
    for network in ("main", "test"):
        review = clean(
            lambda network=network: review_message(request, BtcKeys(valid.root(), network)), BtcRefusal
        )
        if review is not None:
            assert review.address and review.message == request.message
            review.to_json()


@fuzz_settings(100)
@given(
    st.lists(mutated_text(valid.specter_parts(), alphabet="p0123456789of "), min_size=1, max_size=5),
    st.data(),
)
def test_specter_parts(damaged: list[str], data: st.DataObject) -> None:
    from signer.transport.specter_parts import SpecterCollector

    parts = list(valid.specter_parts()) + damaged
    order = data.draw(st.permutations(parts))
    collector = SpecterCollector(max_chars=10_000)
    for part in order:
        clean(lambda part=part: collector.add(part), TransportError)
        assert 0.0 <= collector.progress <= 1.0
    text = clean(collector.result, TransportError)
    assert text is None or 0 < len(text) <= 10_000


@fuzz_settings(100)
@given(
    st.one_of(
        mutated_text(
            [e.hex().upper() for e in valid.kef_envelopes()[:2]],
            alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*+-./:",
        ),
        st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*+-./:", max_size=300),
    )
)
def test_base43_decode(text: str) -> None:
    from signer.transport import base43

    if not base43.is_base43(text):
        return
    raw = clean(lambda: base43.decode(text), TransportError)
    assert raw is None or base43.encode(raw) == text


@fuzz_settings(100)
@given(
    st.one_of(
        mutated_text(valid.bytewords_texts(), alphabet="abcdefghijklmnopqrstuvwxyz -"), st.text(max_size=80)
    )
)
def test_bytewords_decode(text: str) -> None:
    from signer.transport import bytewords

    for style in bytewords.Style:
        raw = clean(lambda style=style: bytewords.decode(text, style), TransportError)
        assert raw is None or bytewords.decode(bytewords.encode(raw, style), style) == raw


@fuzz_settings(150)
@given(mutated_bytes(valid.eth_sign_requests()))
def test_dcbor_loads(data: bytes) -> None:
    from signer.transport import dcbor

    for deterministic in (True, False):
        clean(lambda d=deterministic: dcbor.loads(data, what="fuzzed CBOR", deterministic=d), TransportError)


@fuzz_settings(80)
@given(st.one_of(mutated_bytes(valid.image_files()), st.binary(max_size=200)))
def test_image_files(raw: bytes) -> None:
    """Damaged image files become one TransportError or a bounded grey image; the QR passes then
    read it or find nothing."""
    from signer.transport.frames import decode_qr_image
    from signer.transport.images import DECODE_SIDE, open_gray

    with warnings.catch_warnings(record=True) as caught:  # the CLI would print them
        warnings.simplefilter("always")
        gray = clean(lambda: open_gray(raw), TransportError)
    assert [str(w.message) for w in caught] == []
    if gray is None:
        return
    assert gray.ndim == 2 and gray.dtype.name == "uint8" and max(gray.shape) <= DECODE_SIDE
    found = clean(lambda: decode_qr_image(gray, retry=False), TransportError)
    assert found is None or all(isinstance(item, bytes) for item in found)


# -- text and JSON from anyone ----------------------------------------------------------------------

_json_text = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
).map(json.dumps)


@fuzz_settings(200)
@given(
    st.one_of(
        _json_text,
        mutated_text(
            [json.dumps(valid.seed_record()), valid.multisig_files()[2]], alphabet='{}[]":,0123456789-.eE'
        ),
    )
)
def test_strict_json(text: str) -> None:
    from signer import strict_json

    try:
        doc = strict_json.loads(text.encode("utf-8", "surrogatepass"))
    except strict_json.JsonRejected as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert strict_json.depth(doc) <= strict_json.DEFAULT_MAX_DEPTH


@fuzz_settings(150)
@given(st.text(max_size=60))
def test_safe_text(text: str) -> None:
    from signer import safe_text

    shown = safe_text.visible(text)
    assert safe_text.visible(shown) == shown
    assert not any(safe_text.is_hidden(c) for c in shown)
    escaped = safe_text.escape(text)
    assert not any(safe_text.is_hidden(c) for c in escaped.text)


@fuzz_settings(150)
@given(mutated_text(valid.addresses() + valid.bip21_uris() + valid.eip681_uris() + (valid.ETH_ADDRESS,)))
def test_address_query(text: str) -> None:
    from signer.address_lookup import parse_address_query
    from signer.btc.errors import AddressError

    query = clean(lambda: parse_address_query(text), AddressError)
    if query is not None:
        assert query.chain in ("bitcoin", "ethereum") and query.address
        assert (query.network is None) == (query.chain == "ethereum")


@fuzz_settings(120)
@given(
    mutated_text(
        ("m/84h/0h/0h/0/0", "m/48'/1'/0'/2'", "m/0/1/2147483647", "84h/0h/0h"), alphabet="m/h'H0123456789"
    )
)
def test_derivation_path(text: str) -> None:
    from signer.btc.errors import PathError
    from signer.btc.networks import parse_path

    path = clean(lambda: parse_path(text), PathError)
    assert path is None or all(0 <= i < 2**32 for i in path)


# -- keys: vault, backup, KEF, SLIP-39, dice --------------------------------------------------------


@st.composite
def resealed(draw: st.DrawFn, magic: bytes) -> bytes:
    """A sealed blob damaged anywhere, half the time with its trailing checksum recomputed so the
    damage reaches the header checks, the password check and the AEAD."""
    import hashlib

    from signer.keys.envelope import TRAILER_LEN

    blob = draw(mutated_bytes([valid.sealed(magic, json.dumps({"format": "x"}).encode())]))
    if draw(st.booleans()) and len(blob) > TRAILER_LEN:
        body = blob[:-TRAILER_LEN]
        blob = body + hashlib.sha256(body).digest()
    return blob


@fuzz_settings(150)
@given(st.sampled_from([b"AIRLOCKV", b"AIRLOCKB"]).flatmap(lambda m: st.tuples(st.just(m), resealed(m))))
def test_sealed_envelope(case: tuple[bytes, bytes]) -> None:
    from signer.keys import envelope
    from signer.keys.errors import VaultError

    magic, blob = case
    kdf = clean(lambda: envelope.read_kdf(magic, blob), VaultError)
    if kdf is None or kdf.memory_kib * kdf.iterations > 4096:
        return  # a header asking for more work is bounded by read_kdf's own limits (tested in keys/)
    plain = clean(lambda: envelope.open_sealed(magic, blob, valid.PASSWORD), VaultError)
    assert plain is None or isinstance(plain, bytearray)


def _record_values() -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.text(max_size=12),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=6), st.integers(), max_size=3),
    )


@st.composite
def damaged_document(draw: st.DrawFn, kind: str) -> bytes:
    """A vault or backup plaintext whose seed record has fields removed, retyped or replaced."""
    record = json.loads(json.dumps(valid.seed_record()))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["record", "secret", "account", "multisig"]))
        target = {
            "record": lambda: record,
            "secret": lambda: record["secret"],
            "account": lambda: record["accounts"][0],
            "multisig": lambda: record["multisig"][0],
        }[where]
        try:
            target = target()
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(target, dict) or not target:
            continue
        key = draw(st.sampled_from(sorted(target)))
        if draw(st.booleans()):
            del target[key]
        else:
            target[key] = draw(_record_values())
    seeds = draw(st.sampled_from([[record], [record, record], record, [[record]], ["x"], {}]))
    doc = {"format": f"airlock-{kind}", "version": 1, "seeds": seeds}
    if kind == "vault":
        doc["settings"] = draw(st.one_of(st.just({}), _record_values()))
    text = json.dumps(doc)
    if draw(st.integers(0, 3)) == 0:  # damage the text too (long digit runs among the edits)
        text = draw(mutated_text([text], alphabet='{}[]":,0123456789'))
    return text.encode("utf-8", "surrogatepass")


@fuzz_settings(80)
@given(damaged_document("backup"))
def test_backup_contents(plaintext: bytes) -> None:
    """A backup that opens with the right password but holds damaged records restores nothing."""
    from signer.btc.multisig_registry import check_seed_records
    from signer.keys import backup

    blob = valid.sealed(backup.MAGIC, plaintext)
    entries = clean(lambda: backup.read_backup(blob, valid.PASSWORD, check=check_seed_records), AirlockError)
    if entries is not None:  # (each record's fingerprint is checked against its seed when restored)
        assert all(isinstance(e.label, str) and e.material.kind in ("bip39", "slip39") for e in entries)


@fuzz_settings(80)
@given(damaged_document("vault"))
def test_vault_contents(plaintext: bytes) -> None:
    import tempfile
    from pathlib import Path

    from signer.keys.errors import VaultError
    from signer.keys.vault import MAGIC, Vault

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.vault"
        path.write_bytes(valid.sealed(MAGIC, plaintext))
        vault = clean(lambda: Vault.open(path, valid.PASSWORD), AirlockError)
        if vault is not None:
            assert all(isinstance(s.label, str) for s in vault.seeds)
            vault.lock()
        with pytest.raises(VaultError):
            Vault.open(path, "not the password")


@fuzz_settings(150)
@given(mutated_bytes(valid.kef_envelopes()))
def test_kef_envelope(blob: bytes) -> None:
    """Damaged envelopes of every KEF version, opened with the right key (no PBKDF2 per example)."""
    from signer.keys import kef, kef_mnemonic
    from signer.keys.errors import KefError, VaultError

    envelope = clean(lambda: kef.unwrap(blob), VaultError)
    if envelope is None:
        return
    assert envelope.describe()
    plain = clean(lambda: kef.decrypt_with_key(envelope, valid.kef_key()), KefError)
    if plain is not None:
        assert len(plain) <= kef.MAX_PLAINTEXT
        material = clean(lambda: kef_mnemonic._material(plain), KefError)
        assert material is None or len(material.entropy.reveal()) in (16, 20, 24, 28, 32)


@fuzz_settings(60)
@given(
    st.builds(
        lambda blob, encoding: encoding(blob),
        mutated_bytes(valid.kef_envelopes()[-2:]),
        st.sampled_from(
            [
                lambda b: b,
                lambda b: b.hex().encode(),
                lambda b: base64.b64encode(b),
                lambda b: __import__("signer.transport.base43", fromlist=["x"]).encode(b).encode(),
            ]
        ),
    )
)
def test_kef_text(raw: bytes) -> None:
    """What a Krux QR or file holds, in any encoding: inspected, then opened when its key rounds are
    the fewest (more rounds are bounded by kef.MAX_ROUNDS, tested in keys/)."""
    from signer.keys import kef, kef_mnemonic, kef_text
    from signer.keys.errors import VaultError

    envelope = clean(lambda: kef_mnemonic.inspect(raw), VaultError)
    if envelope is None:
        return
    if all(kef.unwrap(c).rounds <= valid.KEF_ROUNDS for c in kef_text.candidates(raw)):
        found = clean(lambda: kef_mnemonic.read_mnemonic(raw, valid.PASSWORD), VaultError)
        assert found is None or found.material.word_count in (12, 15, 18, 21, 24)


@fuzz_settings(100)
@given(
    mutated_text(
        [
            json.dumps({"73c5da0a": {"b64_kef": base64.b64encode(e).decode()}})
            for e in valid.kef_envelopes()[-2:]
        ],
        alphabet='{}":,=+/ABCabc0123',
    )
)
def test_kef_seeds_json(text: str) -> None:
    from signer.keys import kef_text

    entries = kef_text.sd_card_entries(text.encode("utf-8", "surrogatepass"))
    assert all(isinstance(k, str) and isinstance(v, bytes) for k, v in entries.items())


@fuzz_settings(60)
@given(st.data())
def test_slip39_shares(data: st.DataObject) -> None:
    """Shares of two splits, some damaged (characters or whole words), in any order and number."""
    from signer.keys import slip39
    from signer.keys.errors import MnemonicError

    shares = list(data.draw(st.sampled_from(valid.slip39_shares())))
    chosen = data.draw(st.lists(st.sampled_from(shares), min_size=1, max_size=4))
    for _ in range(data.draw(st.integers(0, 2))):
        at = data.draw(st.integers(0, len(chosen) - 1))
        if data.draw(st.booleans()):
            chosen[at] = data.draw(mutated_text([chosen[at]], alphabet="abcdefghijklmnopqrstuvwxyz "))
        elif words := chosen[at].split():
            words[data.draw(st.integers(0, len(words) - 1))] = data.draw(st.sampled_from(slip39.wordlist()))
            chosen[at] = " ".join(words)
    clean(lambda: slip39.parse_share(chosen[0]), MnemonicError)
    progress = clean(lambda: slip39.progress(chosen), MnemonicError)
    if progress is None or not progress.complete:
        return
    material = clean(lambda: slip39.combine(chosen, "bip39"), MnemonicError)
    assert material is None or material.word_count in (12, 15, 18, 21, 24)


@fuzz_settings(120)
@given(mutated_text(("2of3", "2:2of3,3of5,1of1", "1of1", "3:2of2,2of3,3of5,1of1"), alphabet="0123456789of:,"))
def test_slip39_split_plan(text: str) -> None:
    from signer.keys.errors import Slip39Error
    from signer.keys.slip39 import SplitPlan

    plan = clean(lambda: SplitPlan.parse(text), Slip39Error)
    assert plan is None or 1 <= plan.group_threshold <= len(plan.groups) <= 16


@fuzz_settings(100)
@given(
    mutated_text(
        ("1234561234561234561234561234561234561234561234561234" * 2, "6" * 99 + "123456"),
        alphabet="0123456 \n",
    )
)
def test_dice_rolls(text: str) -> None:
    from signer.keys import dice
    from signer.keys.errors import EntropyError

    clean(lambda: dice.check_rolls(text), EntropyError)
    for method in dice.DiceMethod:
        secret = clean(lambda method=method: dice.new_entropy(text, 12, method), EntropyError)
        assert secret is None or len(secret.reveal()) == 16


# -- Bitcoin ------------------------------------------------------------------------------------------


@fuzz_settings(120)
@given(
    mutated_text(
        [base64.b64encode(p).decode() for p in valid.psbts()[:2]] + [valid.psbts()[0].hex()],
        alphabet="ABCDEFabcdef0123456789+/= \n",
    )
)
def test_psbt_text(text: str) -> None:
    from signer.btc import decode_psbt_bytes, load_psbt
    from signer.btc.errors import PsbtError

    raw = clean(lambda: decode_psbt_bytes(text), PsbtError)
    if raw is not None:
        assert raw.startswith(b"psbt\xff")
        clean(lambda: load_psbt(raw), PsbtError)


@fuzz_settings(100)
@given(mutated_bytes([valid.proof_psbt()]), st.sampled_from([None, valid.PROOF_MESSAGE, b"another message"]))
def test_bip322_proof(raw: bytes, message: bytes | None) -> None:
    """Damaged BIP-322 proofs: reviewed (a proof only with the message it commits to) or refused."""
    from signer.btc import BtcKeys, load_psbt, review_psbt, sign_reviewed
    from signer.btc.bip322 import recognise

    keys = BtcKeys(valid.root(), "main")
    psbt = clean(lambda: load_psbt(raw), AirlockError)
    if psbt is None:
        return
    clean(lambda: recognise(psbt, None, message), AirlockError)
    review = clean(lambda: review_psbt(psbt, keys, message=message), AirlockError)
    if review is None:
        return
    review.to_json()
    if review.message_proof is not None and review.can_sign:
        assert message == valid.PROOF_MESSAGE or review.message_proof.source == "psbt"
        clean(lambda: sign_reviewed(review, keys, accept_risk=True), AirlockError)


@fuzz_settings(120)
@given(mutated_text(valid.multisig_files(), alphabet="[]/()#,<>;*'h0123456789:{}\"tpubxpub \n"))
def test_multisig_wallet_files(text: str) -> None:
    from signer.btc import BtcKeys
    from signer.btc.multisig_formats import looks_like_multisig, parse_wallet
    from signer.btc.multisig_registry import admit

    looks_like_multisig(text)
    wallet = clean(lambda: parse_wallet(text), AirlockError)
    if wallet is None:
        return
    assert 1 <= wallet.m <= wallet.n <= 15
    assert wallet.address(0, 0)
    wallet.policy_summary()
    for network in ("main", "test"):
        clean(lambda network=network: admit(wallet, BtcKeys(valid.root(), network)), AirlockError)


@fuzz_settings(120)
@given(st.sampled_from(valid.message_signatures()), st.data())
def test_message_signature(signed: tuple[str, str], data: st.DataObject) -> None:
    """Damaged signatures (and messages, and addresses) verify as invalid or fail cleanly."""
    from signer.btc.message import verify_message

    address, signature = signed
    signature = data.draw(mutated_text([signature], alphabet="ABCabc0123+/=smpfulpof"))
    message = data.draw(st.one_of(st.just(valid.MESSAGE), mutated_text([valid.MESSAGE])))
    address = data.draw(st.one_of(st.just(address), mutated_text([address])))
    result = clean(lambda: verify_message(address, message, signature), AirlockError)
    assert result is None or result.state in ("valid", "invalid", "inconclusive")
    if result is not None and result.valid:
        assert (address, message) == (signed[0], valid.MESSAGE)


# -- Ethereum ------------------------------------------------------------------------------------------


def _eth_context():  # type: ignore[no-untyped-def]
    from eth.eth_builders import NOW

    from signer.risk.library import builtin_library
    from signer.risk.rules import RiskContext

    return RiskContext(library=builtin_library(), now=NOW)


@fuzz_settings(200)
@given(
    st.one_of(
        mutated_bytes(valid.eth_requests()),
        mutated_text(
            [r.decode() for r in valid.eth_requests() if r[:1] == b"{"], alphabet='{}[]":,0123456789'
        ).map(lambda text: text.encode("utf-8", "surrogatepass")),
    ),
    st.booleans(),
)
def test_eth_raw_request(body: bytes, as_text: bool) -> None:
    """What tests/fuzz/fuzz_eth.py gives atheris: raw transactions, EIP-712 JSON, messages."""
    from eth.eth_builders import seed

    from signer.chains.ethereum_review import review_request
    from signer.eth.request import parse_raw

    request = clean(lambda: parse_raw(body, text=as_text), AirlockError)
    if request is None:
        return
    for key in (None, seed()):
        review = clean(lambda key=key: review_request(request, key, _eth_context()), AirlockError)
        if review is not None:
            review.to_json()
            review.to_text()


@fuzz_settings(150)
@given(mutated_bytes(valid.eth_sign_requests()))
def test_eth_sign_request(body: bytes) -> None:
    """ERC-4527 requests as MetaMask sends them, damaged in their CBOR."""
    from eth.eth_builders import seed

    from signer.chains.ethereum_review import review_request
    from signer.eth.request import parse_payload
    from signer.transport.payload import Payload
    from signer.transport.ur import UR
    from signer.transport.urtypes import decode_ur

    obj = clean(lambda: decode_ur(UR("eth-sign-request", body)), TransportError)
    if obj is None:
        return
    request = clean(
        lambda: parse_payload(Payload("eth-sign-request", "ur", body, ur_type="eth-sign-request", obj=obj)),
        AirlockError,
    )
    if request is None:
        return
    review = clean(lambda: review_request(request, seed(), _eth_context()), AirlockError)
    if review is not None:
        review.to_json()


@fuzz_settings(120)
@given(
    mutated_text(
        [b.decode() for b in valid.eth_requests() if b[:1] in b"{0"] + ["0x" + valid.eth_requests()[0].hex()]
    )
)
def test_eth_request_file_text(text: str) -> None:
    from signer.eth.request import raw_text_payload

    payload = clean(lambda: raw_text_payload(text), AirlockError)
    assert payload is None or payload.kind in ("json", "text")


@fuzz_settings(150)
@given(
    mutated_text(
        ("250.5", "250.5 USDC", "250500000raw", "1,000.000001", "0raw", "0"),
        alphabet="0123456789.,_ raw USDC",
    )
)
def test_approval_limit(text: str) -> None:
    from eth.eth_builders import SPENDER, USDC, calldata, tx

    from signer.eth.approval_limit import editable_approval, parse_limit
    from signer.eth.errors import EthError

    for amount in (2**256 - 1, 10**9):
        approval = editable_approval(tx(USDC, calldata("approve(address,uint256)", SPENDER, amount)))
        assert approval is not None
        limit = clean(lambda approval=approval: parse_limit(text, approval), EthError)
        assert limit is None or 0 <= limit <= amount


# -- risk data ----------------------------------------------------------------------------------------


@fuzz_settings(150)
@given(st.one_of(mutated_bytes([valid.risk_library()[0]]), mutated_bytes([valid.risk_library()[0][:60]])))
def test_risk_library(blob: bytes) -> None:
    """Library updates from a card: damaged, they are refused; only the publisher's signed file loads."""
    from signer.risk.errors import RiskDataError
    from signer.risk.library import load_library, parse_library, verify_update

    library = clean(lambda: parse_library(blob), RiskDataError)
    if library is not None:
        library.describe()
        assert isinstance(library.lookup(1, b"\x01" * 20), list)
    updated = clean(lambda: verify_update(blob, [valid.risk_library()[1]]), RiskDataError)
    assert updated is None or blob == valid.risk_library()[0]
    _library, problem = load_library(blob, [valid.risk_library()[1]])
    assert (problem is None) == (updated is not None)


@fuzz_settings(150)
@given(
    st.one_of(
        st.dictionaries(
            st.sampled_from(["version", "max_size", "addresses", "x"]), _record_values(), max_size=4
        ),
        st.builds(
            lambda size, items: {"version": 1, "max_size": size, "addresses": items},
            st.integers(-5, 2**70),
            st.lists(st.one_of(st.text(max_size=44), st.just("0x" + "ab" * 20), st.integers()), max_size=6),
        ),
    )
)
def test_address_history(data: object) -> None:
    from signer.risk.errors import RiskDataError
    from signer.risk.history import HISTORY_KEY, AddressHistory, seed_history

    history = clean(lambda: AddressHistory.from_json(data), RiskDataError)
    if history is not None:
        assert len(history) <= max(history.max_size, 0) or not len(history)
        assert AddressHistory.from_json(history.to_json()).to_json() == history.to_json()
    seed_history({HISTORY_KEY: data})  # a damaged history never stops a seed from signing


# -- the inventory above stays true -------------------------------------------------------------------

_INVENTORY_FILES = {
    "here": "fuzz/test_fuzz_decoders.py",
    "T": "transport/test_fuzz_transport.py",
    "U": "transport/test_fuzz_ur.py",
    "B": "btc/test_fuzz_props.py",
}


def test_the_inventory_names_only_tests_that_exist() -> None:
    tests = Path(__file__).resolve().parents[1]
    named = re.findall(r"(here|[TUB]|E/[\w.]+|[\w/]+\.py)::(test_\w+)(\.\.)?", __doc__ or "")
    assert len(named) > 60
    for where, name, cut in named:
        path = tests / (_INVENTORY_FILES.get(where) or where.replace("E/", "eth/"))
        source = path.read_text()
        assert re.search(rf"def {name}{'' if cut else '[(]'}", source), f"{where}::{name} does not exist"
    entry_points = (tests / "fuzz" / "test_fuzz_entry_points.py").read_text()
    for name in ("sign", "qr_decode", "backup_restore", "multisig_register", "address_check"):
        assert f"def test_{name}(" in entry_points
    assert "def test_device_scan_of_damaged_codes(" in entry_points
