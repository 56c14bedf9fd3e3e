"""Approvals of every kind made on the test chain, for the approvals tests and bench.

Spenders are contracts (a one-byte runtime placed with ``anvil_setCode``), impersonated so that they can
send their own ``transferFrom``: a spender that is a plain account is flagged risky, which is tested
on its own. The owner's setup transactions are impersonated; its EIP-2612 permit is signed with its key
(the public test mnemonic, m/44'/60'/0'/0/0) and sent by the spender, as dapps do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_chain import DEV, OWNER, PERMIT2, EthChain, Tokens

UNLIMITED = 2**256 - 1
P2_MAX = 2**160 - 1
P2_NEVER = 2**48 - 1
# anvil ignores code at an address it impersonates, so contracts can "send" their own transactions here
SPENDER_A = "0x00000000000000000000000000000000000A11cE"
SPENDER_B = "0x00000000000000000000000000000000000b0B0b"
SPENDER_C = "0x0000000000000000000000000000000000000C0c"


def as_contract(chain: EthChain, address: str) -> str:
    checked = chain.w3.to_checksum_address(address)
    chain.rpc("anvil_setCode", checked, "0x00")
    chain.fund(checked, 10**20)
    chain.impersonate(checked)
    return checked


def owner_key() -> bytes:
    from conftest import ABANDON

    from signer.eth.sign import private_key_at
    from signer.keys.bip39 import mnemonic_to_seed

    return private_key_at(mnemonic_to_seed(ABANDON), "m/44'/60'/0'/0/0")


def permit2(chain: EthChain) -> Any:
    abi = [
        {"type": "function", "name": "approve", "stateMutability": "nonpayable", "outputs": [],
         "inputs": [{"name": "token", "type": "address"}, {"name": "spender", "type": "address"},
                    {"name": "amount", "type": "uint160"}, {"name": "expiration", "type": "uint48"}]},
        {"type": "function", "name": "transferFrom", "stateMutability": "nonpayable", "outputs": [],
         "inputs": [{"name": "from", "type": "address"}, {"name": "to", "type": "address"},
                    {"name": "amount", "type": "uint160"}, {"name": "token", "type": "address"}]},
    ]  # fmt: skip
    return chain.w3.eth.contract(address=PERMIT2, abi=abi)


def sign_permit(
    chain: EthChain, token: str, spender: str, value: int, deadline: int
) -> tuple[int, bytes, bytes]:
    from eth_account import Account

    contract = chain.contract("TestToken", token)
    data = {
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                             {"name": "chainId", "type": "uint256"},
                             {"name": "verifyingContract", "type": "address"}],
            "Permit": [{"name": "owner", "type": "address"}, {"name": "spender", "type": "address"},
                       {"name": "value", "type": "uint256"}, {"name": "nonce", "type": "uint256"},
                       {"name": "deadline", "type": "uint256"}],
        },
        "primaryType": "Permit",
        "domain": {"name": contract.functions.name().call(), "version": "1", "chainId": chain.w3.eth.chain_id,
                   "verifyingContract": contract.address},
        "message": {"owner": OWNER, "spender": spender, "value": value,
                    "nonce": contract.functions.nonces(OWNER).call(), "deadline": deadline},
    }  # fmt: skip
    signed = Account.sign_typed_data(owner_key(), full_message=data)
    return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")


@dataclass
class Made:
    tokens: Tokens
    a: str
    b: str
    c: str


def make_every_kind(chain: EthChain) -> Made:
    """ERC-20 unlimited (dai -> A) and limited (usdc -> B), an EIP-2612 permit (dai -> C, sent by C),
    ERC-721 single (#1 -> A) and for all (-> B), ERC-1155 for all (-> A), usdc -> Permit2 unlimited and
    inside Permit2 usdc -> C (unlimited, never expires)."""
    tokens = Tokens(chain)
    a, b, c = (as_contract(chain, s) for s in (SPENDER_A, SPENDER_B, SPENDER_C))
    tokens.mint(OWNER, dai=10**24, usdc=10**12, nft_ids=(1, 2), multi=10)
    dai, usdc = tokens.erc20(tokens.dai), tokens.erc20(tokens.usdc)
    nft, multi = chain.contract("TestNFT", tokens.nft), chain.contract("TestMultiToken", tokens.multi)
    chain.send(OWNER, dai.functions.approve(a, UNLIMITED))
    chain.send(OWNER, usdc.functions.approve(b, 500 * 10**6))
    deadline = chain.latest_time() + 3600
    v, r, s = sign_permit(chain, tokens.dai, c, 40 * 10**18, deadline)
    chain.send(c, dai.functions.permit(OWNER, c, 40 * 10**18, deadline, v, r, s))
    chain.send(OWNER, nft.functions.approve(a, 1))
    chain.send(OWNER, nft.functions.setApprovalForAll(b, True))
    chain.send(OWNER, multi.functions.setApprovalForAll(a, True))
    chain.send(OWNER, usdc.functions.approve(PERMIT2, UNLIMITED))
    chain.send(OWNER, permit2(chain).functions.approve(tokens.usdc, c, P2_MAX, P2_NEVER))
    return Made(tokens, a, b, c)


__all__ = ["DEV", "Made", "as_contract", "make_every_kind", "permit2"]


def emitter_code(topics: list[bytes], data: bytes = b"") -> str:
    """Runtime code that emits one log (``topics``, ``data`` of at most 32 bytes) whenever it is called:
    a contract that says whatever a hostile token wants its logs to say."""
    code = b""
    if data:
        code += b"\x7f" + data.rjust(32, b"\0") + b"\x60\x00\x52"  # PUSH32 data, PUSH1 0, MSTORE
    for topic in reversed(topics):
        code += b"\x7f" + topic
    code += bytes([0x60, 32 if data else 0, 0x60, 0x00, 0xA0 + len(topics), 0x00])  # size, offset, LOGn, STOP
    return "0x" + code.hex()


REVERTS = "0x60006000fd"  # PUSH1 0, PUSH1 0, REVERT: every call fails
GARBAGE = "0x60036000f3"  # PUSH1 3, PUSH1 0, RETURN: every call answers 3 bytes


def owner_topic(address: str) -> bytes:
    return bytes(12) + bytes.fromhex(address[2:])


def hostile_log(chain: EthChain, address: str, topics: list[bytes], data: bytes, then: str) -> str:
    """A log at ``address`` made by calling an emitter there, after which its code becomes ``then``."""
    checked = chain.w3.to_checksum_address(address)
    chain.rpc("anvil_setCode", checked, emitter_code(topics, data))
    chain.wait(chain.w3.eth.send_transaction({"from": DEV[0], "to": checked, "data": "0x"}))
    chain.rpc("anvil_setCode", checked, then)
    return checked
