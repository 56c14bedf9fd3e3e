"""The signer's own signing (libsecp256k1 via embit, our RLP) against eth-account, byte for byte.

eth-account is the cross-check here, never the signer's path: every transaction type, EIP-191,
EIP-712 and EIP-7702 authorizations must give exactly eth-account's bytes for the same key.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from eth_builders import ABANDON, ABANDON_ADDR0, BOB, MAIL, PATH, USDC, a, calldata, seed, tx
from hypothesis import given, settings
from hypothesis import strategies as st

from signer.eth.ecdsa import SECP256K1_N, RecoverableSignature, recover_address, sign_digest
from signer.eth.errors import EthError
from signer.eth.message import parse_personal_message
from signer.eth.primitives import checksum
from signer.eth.sign import (
    address_of,
    private_key_at,
    sign_authorization,
    sign_personal_message,
    sign_transaction,
    sign_typed_data,
)
from signer.eth.tx import ACCESS_LIST, LEGACY, SET_CODE, AccessTuple, Authorization, UnsignedTx
from signer.eth.typed_data import parse_typed_data

ROOT = Path(__file__).resolve().parents[2]
KEY = private_key_at(seed(), PATH)


def eth_account_dict(t: UnsignedTx) -> dict[str, Any]:
    """The transaction as eth-account takes it (built from the decoded fields)."""
    d: dict[str, Any] = {"chainId": t.chain_id, "nonce": t.nonce, "gas": t.gas_limit, "value": t.value}
    d["data"] = t.data
    if t.to is not None:
        d["to"] = checksum(t.to)
    if t.tx_type == LEGACY:
        d["gasPrice"] = t.gas_price
        return d
    d["type"] = t.tx_type
    d["accessList"] = [
        {"address": checksum(x.address), "storageKeys": ["0x" + k.hex() for k in x.storage_keys]}
        for x in t.access_list
    ]
    if t.gas_price is not None:
        d["gasPrice"] = t.gas_price
    else:
        d["maxFeePerGas"] = t.max_fee_per_gas
        d["maxPriorityFeePerGas"] = t.max_priority_fee_per_gas
    if t.authorization_list:
        d["authorizationList"] = [
            {"chainId": x.chain_id, "address": checksum(x.address), "nonce": x.nonce}
            | {"yParity": x.y_parity, "r": x.r, "s": x.s}
            for x in t.authorization_list
        ]
    return d


def _authorization(chain_id: int, delegate: bytes, nonce: int) -> Authorization:
    y, r, s = sign_authorization(chain_id, delegate, nonce, KEY)
    return Authorization(chain_id, delegate, nonce, y, r, s)


def _with_access_list(t: UnsignedTx) -> UnsignedTx:
    from dataclasses import replace

    changed = replace(
        t, access_list=(AccessTuple(USDC, (b"\x01" * 32, b"\x02" * 32)), AccessTuple(a(BOB), ()))
    )
    return replace(changed, raw=changed.encode())


TRANSACTIONS = {
    "eip1559 transfer": tx(a(BOB), value=10**17),
    "eip1559 token call": tx(USDC, calldata("transfer(address,uint256)", BOB, 10**6)),
    "eip1559 contract creation": tx(None, b"\x60\x00\x60\x00", 0),
    "eip1559 access list": _with_access_list(tx(USDC, b"\x01\x02", 5)),
    "eip2930": _with_access_list(tx(USDC, b"", 1, tx_type=ACCESS_LIST)),
    "eip155 chain 1": tx(a(BOB), value=1, tx_type=LEGACY),
    "eip155 large chain id": tx(a(BOB), value=1, tx_type=LEGACY, chain_id=2**40 + 3),
    "eip155 creation": tx(None, b"\x00", tx_type=LEGACY, chain_id=137),
    "eip7702": tx(a(BOB), tx_type=SET_CODE, authorizations=(_authorization(1, USDC, 8),)),
}


@pytest.mark.parametrize("name", list(TRANSACTIONS))
def test_transaction_signature_is_eth_accounts_byte_for_byte(name: str) -> None:
    t = TRANSACTIONS[name]
    ours = sign_transaction(t, KEY)
    theirs = Account.sign_transaction(eth_account_dict(t), KEY)
    assert ours.raw == bytes(theirs.raw_transaction)
    assert (ours.r, ours.s, ours.v) == (theirs.r, theirs.s, theirs.v)


@settings(max_examples=40, deadline=None)
@given(
    key=st.integers(1, SECP256K1_N - 1),
    nonce=st.integers(0, 2**64 - 2),
    value=st.integers(0, 2**256 - 1),
    data=st.binary(max_size=80),
    chain_id=st.integers(1, 2**64 - 1),
    legacy=st.booleans(),
)
def test_any_key_and_fields_sign_as_eth_account_does(
    key: int, nonce: int, value: int, data: bytes, chain_id: int, legacy: bool
) -> None:
    private = key.to_bytes(32, "big")
    t = tx(a(BOB), data, value, nonce=nonce, chain_id=chain_id, tx_type=LEGACY if legacy else 2)
    assert sign_transaction(t, private).raw == bytes(
        Account.sign_transaction(eth_account_dict(t), private).raw_transaction
    )


@pytest.mark.parametrize("text", [b"hello world", b"", "caf\u00e9 \u2713".encode(), bytes(range(256))])
def test_personal_message_signature_is_eth_accounts(text: bytes) -> None:
    theirs = Account.sign_message(encode_defunct(primitive=text), KEY).signature
    assert sign_personal_message(parse_personal_message(text), KEY) == bytes(theirs)


def test_typed_data_signature_is_eth_accounts() -> None:
    theirs = Account.sign_message(encode_typed_data(full_message=MAIL), KEY).signature
    assert sign_typed_data(parse_typed_data(json.dumps(MAIL)), KEY) == bytes(theirs)


@pytest.mark.parametrize(("chain_id", "nonce"), [(0, 0), (1, 8), (2**64, 2**64 - 2)])
def test_authorization_signature_is_eth_accounts(chain_id: int, nonce: int) -> None:
    theirs = Account.sign_authorization({"chainId": chain_id, "address": checksum(USDC), "nonce": nonce}, KEY)
    assert sign_authorization(chain_id, USDC, nonce, KEY) == (theirs.y_parity, theirs.r, theirs.s)
    assert _authorization(chain_id, USDC, nonce).authority == address_of(KEY)


@pytest.mark.parametrize("key", [bytes(32), SECP256K1_N.to_bytes(32, "big"), b"\xff" * 32])
def test_out_of_range_key_is_refused_without_showing_it(key: bytes) -> None:
    with pytest.raises(EthError, match="out of range") as err:
        sign_digest(b"\x11" * 32, key)
    assert key.hex() not in str(err.value)


def test_a_signature_recovers_its_signer_and_a_changed_one_does_not() -> None:
    digest = b"\x42" * 32
    sig = sign_digest(digest, KEY)
    assert recover_address(digest, sig) == address_of(KEY)
    flipped = RecoverableSignature(1 - sig.y_parity, sig.r, sig.s)
    assert recover_address(digest, flipped) != address_of(KEY)
    assert recover_address(digest, RecoverableSignature(0, 0, sig.s)) is None
    assert recover_address(digest, RecoverableSignature(0, sig.r, SECP256K1_N)) is None


def test_airlock_sign_of_a_transaction_does_not_import_eth_account(
    tmp_path: Path, secret_input: Callable[[str, str], Path]
) -> None:
    """eth-account costs more to import than the whole signature: `airlock sign` must not need it."""
    words = secret_input("words.txt", ABANDON + "\n")
    request = tmp_path / "request.txt"
    request.write_text("0x" + TRANSACTIONS["eip1559 token call"].raw.hex() + "\n")
    script = (
        "import sys\n"
        "from signer.cli import main\n"
        f"code = main(['sign', {str(request)!r}, '--mnemonic-file', {str(words)!r}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('eth_account', 'eth_keys', 'py_ecc'))\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    signed = out.stdout.strip()
    assert Account.recover_transaction(signed) == ABANDON_ADDR0
    assert out.stderr.strip().splitlines()[-1] == "0 []"
