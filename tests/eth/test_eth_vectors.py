"""Public vectors (../shared/vectors/eth and urtypes), one test case each, plus a few embedded."""

from __future__ import annotations

import json

import cbor2
import pytest
from eth_builders import ABANDON_FP, MAIL, seed
from shared_vectors import cases, load_json

from signer.eth.message import parse_personal_message
from signer.eth.request import EthSignResult, parse_eth_sign_request
from signer.eth.sign import sign_authorization, sign_personal_message, sign_transaction, sign_typed_data
from signer.eth.tx import Authorization, parse_unsigned_tx
from signer.eth.typed_data import parse_typed_data
from signer.transport.errors import TransportError

ETH = "eth/eth-signing-vectors.json"
UR = "urtypes/ur-registry-vectors.json"

# -- embedded: EIP-155 example, one ethereumjs EIP-1559 vector, EIP-712 Mail, personal_sign -------------

EIP155_RLP = "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080"
EIP155_SIGNED = (
    "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc"
    "2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb196"
    "6a3b6d83"
)
EIP1559_UNSIGNED = (
    "02ed821e8e8203338301284d8301d97c828ae094000000000000000000000000000000000000aaaa8402933bc980c0"
)
EIP1559_KEY = "8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63"
EIP1559_HASH = "5dac58bc5ee23609037e7d8523aa255f9797ce47113f67f6753284c3b02907dd"


def test_embedded_eip155() -> None:
    tx = parse_unsigned_tx(bytes.fromhex(EIP155_RLP))
    assert tx.signing_hash().hex() == "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"
    signed = sign_transaction(tx, bytes.fromhex("46" * 32))
    assert signed.raw.hex() == EIP155_SIGNED
    assert signed.v == 37 and signed.erc4527_signature()[-1:] == b"\x25"


def test_embedded_eip1559() -> None:
    tx = parse_unsigned_tx(bytes.fromhex(EIP1559_UNSIGNED))
    assert (tx.chain_id, tx.nonce, tx.max_priority_fee_per_gas, tx.max_fee_per_gas) == (
        7822,
        819,
        75853,
        121212,
    )
    assert tx.signing_hash().hex() == EIP1559_HASH
    signed = sign_transaction(tx, bytes.fromhex(EIP1559_KEY))
    assert signed.raw[0] == 2 and signed.v in (0, 1)


def test_embedded_eip712_mail() -> None:
    td = parse_typed_data(json.dumps(MAIL))
    assert td.domain_separator().hex() == "f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f"
    assert td.struct_hash().hex() == "c52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e"
    assert td.digest().hex() == "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"


def test_embedded_personal_sign() -> None:
    msg = parse_personal_message(b"Hello, world!")
    sig = sign_personal_message(
        msg, bytes.fromhex("4af1bceebf7f3634ec3cff8a2c38e51178d5d4ce585c52d6043e5e2cc3418bb0")
    )
    assert sig.hex() == (
        "90a938f7457df6e8f741264c32697fc52f9a8f867c52dd70713d9d2d472f2e415d9c94148991bbe1f4a1818d1dff0916578"
        "2749c877f5cf1eff4ef126e55714d1c"
    )


# -- shared vectors, one case each ---------------------------------------------------------------------


def _single(key: str):
    return lambda d: [(key, d[key])]


@pytest.mark.parametrize("v", cases(ETH, _single("eip155")))
def test_eip155(v: dict) -> None:
    tx = parse_unsigned_tx(bytes.fromhex(v["signing_rlp"]))
    f = v["fields"]
    assert (tx.nonce, tx.gas_price, tx.gas_limit, tx.value, tx.chain_id) == (
        f["nonce"],
        f["gasPrice"],
        f["gasLimit"],
        f["value"],
        v["chain_id"],
    )
    assert tx.signing_hash().hex() == v["signing_hash"]
    signed = sign_transaction(tx, bytes.fromhex(v["private_key"]))
    assert signed.raw.hex() == v["signed_tx"]
    assert (signed.v, hex(signed.r), hex(signed.s)) == (v["v"], v["r"], v["s"])


@pytest.mark.parametrize(
    "v", cases(ETH, lambda d: [(f"nonce{x['nonce']}", x) for x in d["eip1559"]["vectors"]])
)
def test_eip1559(v: dict) -> None:
    unsigned = next(val for k, val in v.items() if k.startswith("unsigned_payload"))
    tx = parse_unsigned_tx(bytes.fromhex(unsigned[2:]))
    assert (tx.chain_id, tx.nonce, tx.gas_limit, tx.value) == (
        v["chain_id"],
        v["nonce"],
        v["gasLimit"],
        v["value"],
    )
    assert (tx.max_priority_fee_per_gas, tx.max_fee_per_gas) == (
        v["maxInclusionFeePerGas"],
        v["maxFeePerGas"],
    )
    assert tx.to == bytes.fromhex(v["to"][2:])
    assert tx.signing_hash().hex() == v["signing_hash"]
    signed = sign_transaction(tx, bytes.fromhex(v["privateKey"][2:]))
    assert signed.raw.hex() == v["raw_signed_tx_0x02"][2:]
    assert signed.v == v["y_parity"] and signed.erc4527_signature()[64:] == bytes([v["y_parity"]])


@pytest.mark.parametrize("v", cases(ETH, _single("eip2930")))
def test_eip2930(v: dict) -> None:
    from signer.eth import rlpcodec

    def unhex(x):
        return [unhex(i) for i in x] if isinstance(x, list) else bytes.fromhex(x[2:])

    fields = unhex(v["raw_fields"])
    unsigned = b"\x01" + rlpcodec.encode(fields[:8])
    tx = parse_unsigned_tx(unsigned)
    assert tx.tx_type == 1 and len(tx.access_list) == 1 and len(tx.access_list[0].storage_keys) == 2
    assert tx.signing_hash().hex() == v["signing_hash"]
    signed = sign_transaction(tx, bytes.fromhex(v["private_key"]))
    assert signed.raw.hex() == v["signed_tx"][2:]


@pytest.mark.parametrize("v", cases(ETH, _single("eip712_mail")))
def test_eip712_mail(v: dict) -> None:
    td = parse_typed_data(json.dumps(v["typed_data"]))
    assert td.domain_separator().hex() == v["domainSeparator"]
    assert td.struct_hash().hex() == v["hashStruct_Mail"]
    assert td.digest().hex() == v["digest_keccak(0x1901||domainSeparator||hashStruct)"]
    key = bytes.fromhex(v["private_key"].split("= ")[1])
    sig = sign_typed_data(td, key)
    assert (sig[:32].hex(), sig[32:64].hex(), sig[64]) == (v["r"][2:], v["s"][2:], v["v"])


@pytest.mark.parametrize(
    "v", cases(ETH, lambda d: [(x["label"], x) for x in d["eip191_personal_sign"]["vectors"]])
)
def test_personal_sign(v: dict) -> None:
    msg = parse_personal_message(bytes.fromhex(v["message_hex"]))
    assert msg.digest().hex() == v["hash"]
    assert sign_personal_message(msg, bytes.fromhex(v["private_key"])).hex() == v["signature_rsv"]


@pytest.mark.parametrize("v", cases(ETH, _single("eip7702_authorization")))
def test_eip7702_authorization(v: dict) -> None:
    t = v["tuple"]
    sig = bytes.fromhex(v["signature_rsv(v=27+y_parity)"])
    auth = Authorization(
        t["chain_id"],
        bytes.fromhex(t["address"][2:]),
        t["nonce"],
        sig[64] - 27,
        int.from_bytes(sig[:32], "big"),
        int.from_bytes(sig[32:64], "big"),
    )
    assert auth.digest().hex() == v["hash_keccak(0x05||rlp([chain_id,address,nonce]))"]
    assert auth.y_parity == v["y_parity_in_tx_tuple"]
    from eth_account import Account

    key = bytes.fromhex(v["private_key"])
    assert auth.authority == bytes.fromhex(Account.from_key(key).address[2:])
    assert sign_authorization(auth.chain_id, auth.address, auth.nonce, key) == (auth.y_parity, auth.r, auth.s)


@pytest.mark.parametrize(
    "v",
    cases(ETH, lambda d: [(x["what"][:40], x) for x in d["erc4527_examples_(computed)"] if "cbor_hex" in x]),
)
def test_erc4527_computed_signatures(v: dict) -> None:
    """The computed type-4 / type-3 signatures match; the computed request CBOR itself is malformed
    (its keypath array says 5 items for a 10-item path), so the transport must refuse it."""
    from signer.transport.ur import decode_single
    from signer.transport.urtypes import decode_ur

    with pytest.raises(TransportError):
        decode_ur(decode_single(v["ur"]))
    raw = cbor2.loads(bytes.fromhex(v["cbor_hex"]))  # lenient decoder: reads the well-formed prefix
    sign_data = raw[2]
    if raw[3] == 4:
        vec = load_json(ETH)["eip1559"]["vectors"][0]
        signed = sign_transaction(parse_unsigned_tx(sign_data), bytes.fromhex(vec["privateKey"][2:]))
        assert signed.erc4527_signature().hex() == v["signature_r||s||y_parity"]
        response = cbor2.loads(bytes.fromhex(v["response_eth-signature_cbor_hex"]))
        assert response[2] == signed.erc4527_signature() and response[1].bytes == raw[1].bytes
    else:
        key = bytes.fromhex(load_json(ETH)["eip191_personal_sign"]["vectors"][0]["private_key"])
        assert (
            sign_personal_message(parse_personal_message(sign_data), key).hex()
            == v["expected_signature_rsv(v=27/28)"]
        )


def _ur_vectors(prefix: str):
    return lambda d: [(x["name"], x) for x in d["vectors"] if x["name"].startswith(prefix)]


@pytest.mark.parametrize("v", cases(UR, _ur_vectors("eth-sign-request")))
def test_keystone_sign_request_vectors_are_refused_clearly(v: dict) -> None:
    """Keystone's example request carries a legacy tx whose EIP-155 chain id field is 0: not signable."""
    from signer.eth.tx import TxFormatError
    from signer.transport.ur import decode_single
    from signer.transport.urtypes import decode_ur

    req = decode_ur(decode_single(v["ur"]))
    assert req.derivation_path.to_path_string() == "m/44'/1'/1'/0/1"
    assert req.derivation_path.source_fingerprint == 0x12345678
    with pytest.raises(TxFormatError, match="chain id 0"):
        parse_eth_sign_request(req)


@pytest.mark.parametrize("v", cases(UR, _ur_vectors("eth-signature")))
def test_eth_signature_reply_encoding(v: dict) -> None:
    sig = bytes.fromhex(v["signature_hex"])
    result = EthSignResult(sig, bytes(20), None, bytes.fromhex("9b1deb4d3b7d4bad9bdd2b0d7b3dcb6d"), "erc4527")
    assert result.response(origin=v["origin"]).to_cbor().hex() == v["cbor_hex"]


@pytest.mark.parametrize("v", cases(UR, _ur_vectors("crypto-hdkey ETH account")))
def test_account_hdkey_matches_keystone_vector(v: dict) -> None:
    """Keystone's ETH account vector is the ABANDON mnemonic's m/44'/60'/0' key (with a made-up xfp)."""
    from signer.eth.export import account_hdkey

    expected = cbor2.loads(bytes.fromhex(v["cbor_hex"]))
    ours = account_hdkey(seed())
    assert ours.key_data == expected[3] and ours.chain_code == expected[4]
    assert ours.parent_fingerprint == expected[8]
    assert ours.origin.to_path_string() == "m/44'/60'/0'" and ours.origin.source_fingerprint == ABANDON_FP
