"""Safe (Gnosis Safe) facts shared by the calldata decoder (``execTransaction``) and the typed-data
recogniser (``SafeTx``): the official batch contracts a Safe may DELEGATECALL, and its gas refund.

A Safe transaction with operation 1 runs the target's code *as the Safe* (DELEGATECALL): that code
can do anything with every asset of the Safe. The Safe apps use it for exactly one thing, batching
through the official MultiSend contracts (safe-deployments, canonical addresses), which this device
decodes call by call; a DELEGATECALL anywhere else is danger.
"""

from __future__ import annotations

from signer.eth.effects import Transfer
from signer.eth.primitives import parse_address

CALL, DELEGATECALL = 0, 1
# safe-deployments: multi_send_call_only 1.3.0 / 1.4.1, multi_send 1.3.0 / 1.4.1 (canonical).
SAFE_BATCH_CONTRACTS = frozenset(
    parse_address(a)
    for a in (
        "0x40A2aCCbd92BCA938b02010E17A5b8929b49130D",
        "0x9641d764fc13c8B624c04430C7356C1C7C8102e2",
        "0xA238CBeb142c10Ef7Ad8442C6D1f9E89e07e7761",
        "0x38869bf66a61cF6bDB996A6aE40D5853Fd43B526",
    )
)
# The SafeTx struct Safe's contracts hash (EIP-712), in its order; execTransaction takes the same
# fields but the nonce (the Safe's own), then the signatures.
SAFE_TX_FIELDS: tuple[tuple[str, str], ...] = (
    ("to", "address"),
    ("value", "uint256"),
    ("data", "bytes"),
    ("operation", "uint8"),
    ("safeTxGas", "uint256"),
    ("baseGas", "uint256"),
    ("gasPrice", "uint256"),
    ("gasToken", "address"),
    ("refundReceiver", "address"),
    ("nonce", "uint256"),
)
EXEC_TRANSACTION_ARGS = (*(name for name, _ in SAFE_TX_FIELDS[:-1]), "signatures")
EXEC_TRANSACTION = (
    "execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)"
)


def gas_refund(
    safe: bytes | None, safe_tx_gas: int, base_gas: int, gas_price: int, gas_token: bytes, receiver: bytes
) -> Transfer | None:
    """What the Safe pays the executor when ``gas_price`` is set: (gas used + baseGas) x gasPrice, in
    ``gas_token`` (native coin when zero), to ``receiver`` (the executor, tx.origin, when zero).
    Gas used is capped by safeTxGas only when safeTxGas is set: otherwise the refund has no bound."""
    if gas_price == 0:
        return None
    bound = (safe_tx_gas + base_gas) * gas_price if safe_tx_gas else None
    native = gas_token == bytes(20)
    return Transfer(
        "native" if native else "erc20",
        None if native else gas_token,
        receiver,
        bound,
        sender=safe,
        purpose="gas-refund",
    )
