"""Builders shared by the Ethereum tests: a test seed, calldata, transactions, ERC-4527 requests and
typed data. Calldata is encoded with eth_abi directly (not the signer's own encoder)."""

from __future__ import annotations

import json
from typing import Any

from eth_abi import encode
from eth_utils import keccak

from signer.eth.tx import DYNAMIC_FEE, LEGACY, UnsignedTx, parse_unsigned_tx

ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
PATH = "m/44'/60'/0'/0/0"
ABANDON_FP = 0x73C5DA0A  # master fingerprint of ABANDON (well known)
ABANDON_ADDR0 = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"  # m/44'/60'/0'/0/0 (MetaMask's first account)

USDC = bytes.fromhex("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48")  # chain 1
WETH = bytes.fromhex("c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2")
DAI = bytes.fromhex("6b175474e89094c44da98b954eedeac495271d0f")
PERMIT2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3"
SPENDER = "0x1111111111111111111111111111111111111111"
BOB = "0x2222222222222222222222222222222222222222"
NFT = "0x3333333333333333333333333333333333333333"
MAX = 2**256 - 1
NOW = 1_760_000_000  # a fixed "now" (2025-10-09) for expiry rules


def seed() -> bytes:
    from signer.keys.bip39 import mnemonic_to_seed

    return mnemonic_to_seed(ABANDON)


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def calldata(signature: str, *values: Any) -> bytes:
    types = signature[signature.index("(") + 1 : -1]
    from signer.eth.abi import _split_top

    return selector(signature) + encode(_split_top(types) if types else [], list(values))


def a(hex_address: str) -> bytes:
    return bytes.fromhex(hex_address[2:])


def tx(
    to: bytes | None,
    data: bytes = b"",
    value: int = 0,
    *,
    chain_id: int = 1,
    tx_type: int = DYNAMIC_FEE,
    nonce: int = 7,
    gas: int = 100_000,
    max_fee: int = 30 * 10**9,
    tip: int = 10**9,
    authorizations: tuple = (),
) -> UnsignedTx:
    if tx_type == LEGACY:
        t = UnsignedTx(LEGACY, chain_id, nonce, gas, to, value, data, gas_price=max_fee)
    elif tx_type == 1:
        t = UnsignedTx(1, chain_id, nonce, gas, to, value, data, gas_price=max_fee)
    else:
        t = UnsignedTx(
            tx_type,
            chain_id,
            nonce,
            gas,
            to,
            value,
            data,
            max_fee_per_gas=max_fee,
            max_priority_fee_per_gas=tip,
            authorization_list=authorizations,
        )
    return parse_unsigned_tx(t.encode())


def erc4527(
    sign_data: bytes,
    data_type: int,
    *,
    chain_id: int | None = 1,
    address: bytes | None = None,
    fingerprint: int | None = ABANDON_FP,
    path: str = PATH,
    request_id: bytes = bytes(range(16)),
    origin: str | None = "metamask",
) -> Any:
    from signer.transport.urtypes import EthDataType, EthSignRequest, Keypath

    return EthSignRequest(
        sign_data,
        EthDataType(data_type),
        Keypath.from_path_string(path, fingerprint),
        request_id,
        chain_id,
        address,
        origin,
    )


def typed(
    primary: str, types: dict[str, list[tuple[str, str]]], domain: dict[str, Any], message: dict[str, Any]
) -> bytes:
    domain_types = {
        "name": "string",
        "version": "string",
        "chainId": "uint256",
        "verifyingContract": "address",
        "salt": "bytes32",
    }
    all_types = {"EIP712Domain": [{"name": k, "type": domain_types[k]} for k in domain]}
    all_types.update({n: [{"name": f, "type": t} for f, t in fs] for n, fs in types.items()})
    return json.dumps(
        {"types": all_types, "primaryType": primary, "domain": domain, "message": message}
    ).encode()


# EIP-712 Mail example (ethereum/EIPs assets/eip-712/Example.js)
MAIL = {
    "types": {
        "EIP712Domain": [
            {"name": "name", "type": "string"},
            {"name": "version", "type": "string"},
            {"name": "chainId", "type": "uint256"},
            {"name": "verifyingContract", "type": "address"},
        ],
        "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
        "Mail": [
            {"name": "from", "type": "Person"},
            {"name": "to", "type": "Person"},
            {"name": "contents", "type": "string"},
        ],
    },
    "primaryType": "Mail",
    "domain": {
        "name": "Ether Mail",
        "version": "1",
        "chainId": 1,
        "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC",
    },
    "message": {
        "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
        "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
        "contents": "Hello, Bob!",
    },
}

PERMIT2_DETAILS = [("token", "address"), ("amount", "uint160"), ("expiration", "uint48"), ("nonce", "uint48")]


def permit2_single(
    amount: int, expiration: int, sig_deadline: int, *, verifying: str = PERMIT2, chain_id: int = 1
) -> bytes:
    return typed(
        "PermitSingle",
        {
            "PermitSingle": [
                ("details", "PermitDetails"),
                ("spender", "address"),
                ("sigDeadline", "uint256"),
            ],
            "PermitDetails": PERMIT2_DETAILS,
        },
        {"name": "Permit2", "chainId": chain_id, "verifyingContract": verifying},
        {
            "details": {
                "token": "0x" + USDC.hex(),
                "amount": str(amount),
                "expiration": str(expiration),
                "nonce": "0",
            },
            "spender": SPENDER,
            "sigDeadline": str(sig_deadline),
        },
    )


def eip2612_permit(value: int, deadline: int, *, chain_id: int = 1) -> bytes:
    return typed(
        "Permit",
        {
            "Permit": [
                ("owner", "address"),
                ("spender", "address"),
                ("value", "uint256"),
                ("nonce", "uint256"),
                ("deadline", "uint256"),
            ]
        },
        {"name": "USD Coin", "version": "2", "chainId": chain_id, "verifyingContract": "0x" + USDC.hex()},
        {
            "owner": ABANDON_ADDR0,
            "spender": SPENDER,
            "value": str(value),
            "nonce": 0,
            "deadline": str(deadline),
        },
    )


def dai_permit(allowed: bool, expiry: int) -> bytes:
    return typed(
        "Permit",
        {
            "Permit": [
                ("holder", "address"),
                ("spender", "address"),
                ("nonce", "uint256"),
                ("expiry", "uint256"),
                ("allowed", "bool"),
            ]
        },
        {"name": "Dai Stablecoin", "version": "1", "chainId": 1, "verifyingContract": "0x" + DAI.hex()},
        {"holder": ABANDON_ADDR0, "spender": SPENDER, "nonce": 0, "expiry": expiry, "allowed": allowed},
    )


def seaport(offer_amount: int, paid_to_offerer: int) -> bytes:
    item = [
        ("itemType", "uint8"),
        ("token", "address"),
        ("identifierOrCriteria", "uint256"),
        ("startAmount", "uint256"),
        ("endAmount", "uint256"),
    ]
    return typed(
        "OrderComponents",
        {
            "OrderComponents": [
                ("offerer", "address"),
                ("offer", "OfferItem[]"),
                ("consideration", "ConsiderationItem[]"),
                ("startTime", "uint256"),
                ("endTime", "uint256"),
            ],
            "OfferItem": item,
            "ConsiderationItem": [*item, ("recipient", "address")],
        },
        {
            "name": "Seaport",
            "version": "1.5",
            "chainId": 1,
            "verifyingContract": "0x00000000000000ADc04C56Bf30aC9d3c0aAF14dC",
        },
        {
            "offerer": SPENDER,
            "offer": [
                {
                    "itemType": 2,
                    "token": "0x" + "33" * 20,
                    "identifierOrCriteria": 7,
                    "startAmount": offer_amount,
                    "endAmount": offer_amount,
                }
            ],
            "consideration": [
                {
                    "itemType": 0,
                    "token": "0x" + "00" * 20,
                    "identifierOrCriteria": 0,
                    "startAmount": paid_to_offerer,
                    "endAmount": paid_to_offerer,
                    "recipient": SPENDER,
                }
            ],
            "startTime": 0,
            "endTime": 2**40,
        },
    )
