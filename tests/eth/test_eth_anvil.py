"""Integration: transactions signed by the device are accepted by a real node (anvil).

Installs nothing. Skips unless anvil is at .tools/node_modules/.bin/anvil (or $AIRLOCK_ANVIL):
    npm install --prefix .tools @foundry-rs/anvil-linux-amd64
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_builders import ABANDON_ADDR0, BOB, a, seed

from signer.chains.ethereum_review import review_request
from signer.eth.request import parse_raw, sign_request
from signer.eth.sign import private_key_at, sign_authorization
from signer.eth.tx import DYNAMIC_FEE, LEGACY, SET_CODE, Authorization, UnsignedTx
from signer.risk.rules import RiskContext

ROOT = Path(__file__).resolve().parents[2]
ANVIL = Path(os.environ.get("AIRLOCK_ANVIL", ROOT / ".tools" / "node_modules" / ".bin" / "anvil"))
pytestmark = pytest.mark.skipif(
    not ANVIL.exists(),
    reason=f"anvil not installed at {ANVIL}: npm install --prefix .tools @foundry-rs/anvil-linux-amd64",
)
CHAIN = 31337
SEED = seed()


class Node:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, *params: Any) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
        req = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            reply = json.loads(resp.read())
        if "error" in reply:
            raise AssertionError(f"{method}: {reply['error']}")
        return reply["result"]

    def receipt(self, tx_hash: str) -> dict[str, Any]:
        for _ in range(100):
            r = self.call("eth_getTransactionReceipt", tx_hash)
            if r:
                return r
            time.sleep(0.05)
        raise AssertionError("no receipt")


@pytest.fixture(scope="module")
def node() -> Iterator[Node]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [str(ANVIL), "--host", "127.0.0.1", "--port", str(port), "--chain-id", str(CHAIN)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    n = Node(f"http://127.0.0.1:{port}")
    try:
        for _ in range(100):
            try:
                n.call("eth_chainId")
                break
            except OSError:
                time.sleep(0.1)
        n.call("anvil_setBalance", ABANDON_ADDR0, hex(10**19))
        yield n
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def send(node: Node, tx: UnsignedTx) -> dict[str, Any]:
    request = parse_raw(tx.encode())
    review = review_request(request, SEED, RiskContext(expected_chain_id=CHAIN))
    result = sign_request(request, review, SEED, accept_risk=True)
    tx_hash = node.call("eth_sendRawTransaction", "0x" + result.signed_tx.hex())
    receipt = node.receipt(tx_hash)
    assert receipt["status"] == "0x1" and receipt["from"].lower() == ABANDON_ADDR0.lower()
    return receipt


def nonce(node: Node) -> int:
    return int(node.call("eth_getTransactionCount", ABANDON_ADDR0, "latest"), 16)


def test_eip1559_and_legacy_transactions_are_mined(node: Node) -> None:
    fee = int(node.call("eth_gasPrice"), 16) * 2
    before = int(node.call("eth_getBalance", BOB, "latest"), 16)
    send(
        node,
        UnsignedTx(
            DYNAMIC_FEE,
            CHAIN,
            nonce(node),
            21000,
            a(BOB),
            10**15,
            b"",
            max_fee_per_gas=fee,
            max_priority_fee_per_gas=10**9,
        ),
    )
    send(node, UnsignedTx(LEGACY, CHAIN, nonce(node), 21000, a(BOB), 2 * 10**15, b"", gas_price=fee))
    assert int(node.call("eth_getBalance", BOB, "latest"), 16) == before + 3 * 10**15


def test_eip7702_delegation_is_applied(node: Node) -> None:
    key = private_key_at(SEED, "m/44'/60'/0'/0/0")
    delegate = bytes.fromhex("63c0c19a282a1B52b07dD5a65b58948A07DAE32B")
    n = nonce(node)
    y, r, s = sign_authorization(CHAIN, delegate, n + 1, key)  # the sender's own nonce is used first
    fee = int(node.call("eth_gasPrice"), 16) * 2
    tx = UnsignedTx(
        SET_CODE,
        CHAIN,
        n,
        100_000,
        a(ABANDON_ADDR0),
        0,
        b"",
        max_fee_per_gas=fee,
        max_priority_fee_per_gas=10**9,
        authorization_list=(Authorization(CHAIN, delegate, n + 1, y, r, s),),
    )
    send(node, tx)
    assert node.call("eth_getCode", ABANDON_ADDR0, "latest") == "0xef0100" + delegate.hex()


def test_limited_wallet_request_is_broadcast_as_signed_and_its_signature_fits_nothing_else(
    node: Node,
) -> None:
    """An ERC-4527 approval lowered on the device: the signed transaction Airlock returns is mined as
    ours; the same r, s, v put on the wallet's own (unlimited) transaction, as MetaMask would do with
    an eth-signature, is a transaction from some other account, which the node refuses."""
    import rlp
    from eth_builders import MAX, SPENDER, calldata, erc4527

    from signer.eth.approval_limit import apply_limit
    from signer.eth.request import parse_eth_sign_request

    token = a("0x" + "70" * 20)  # no code there: the call succeeds and the calldata stays on chain
    fee = int(node.call("eth_gasPrice"), 16) * 2
    wallet_tx = UnsignedTx(
        DYNAMIC_FEE,
        CHAIN,
        nonce(node),
        100_000,
        token,
        0,
        calldata("approve(address,uint256)", SPENDER, MAX - 1),
        max_fee_per_gas=fee,
        max_priority_fee_per_gas=10**9,
    )
    request = apply_limit(parse_eth_sign_request(erc4527(wallet_tx.encode(), 4, chain_id=CHAIN)), 5)
    result = sign_request(request, review_request(request, SEED, RiskContext()), SEED, accept_risk=True)
    fields = rlp.decode(wallet_tx.encode()[1:])
    y, r, s = result.signature[64], result.signature[:32].lstrip(b"\0"), result.signature[32:64].lstrip(b"\0")
    forged = b"\x02" + rlp.encode([*fields, y.to_bytes(1, "big").lstrip(b"\0"), r, s])
    with pytest.raises(AssertionError, match=r"(?i)insufficient funds"):
        node.call("eth_sendRawTransaction", "0x" + forged.hex())  # a random sender with no funds: refused
    tx_hash = node.call("eth_sendRawTransaction", "0x" + result.signed_tx.hex())
    receipt = node.receipt(tx_hash)
    assert receipt["status"] == "0x1" and receipt["from"].lower() == ABANDON_ADDR0.lower()
    mined = node.call("eth_getTransactionByHash", tx_hash)
    assert int(mined["input"][-64:], 16) == 5
