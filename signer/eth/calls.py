"""Calldata -> typed calls: known selectors (ERC-20/721/1155, EIP-2612, DAI, Permit2, WETH,
multicalls and smart-account batches, recursively) and unknown calls as selector + raw words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from signer.eth import registry
from signer.eth.abi import decode_args, split_signature
from signer.eth.decoded_call import Arg, Call, plain_call
from signer.eth.effects import (
    UINT160_MAX,
    Approval,
    Control,
    Effect,
    Transfer,
    allowance_is_unlimited,
    format_amount,
    permit2_approval,
    permit2_expiration,
)
from signer.eth.errors import AbiError
from signer.eth.primitives import checksum
from signer.eth.router import decode_commands
from signer.eth.safe import CALL, DELEGATECALL, EXEC_TRANSACTION, EXEC_TRANSACTION_ARGS, gas_refund
from signer.keccak import keccak256

PERMIT2 = bytes.fromhex("000000000022d473030f116ddee9f6b43ac78ba3")
MAX_DEPTH = 4  # multicall nesting levels decoded
MAX_INNER_CALLS = 256  # per batch


@dataclass(frozen=True)
class _Ctx:
    chain_id: int
    target: bytes | None
    value: int
    depth: int


Interpretation = tuple[str, list[Effect], list["Call"], list[str]]  # title, effects, inner calls, notes
Interpreter = Callable[[_Ctx, list[Any]], Interpretation]


@dataclass(frozen=True)
class FunctionSpec:
    signature: str
    arg_names: tuple[str, ...]
    interpret: Interpreter
    suspicious: bool = False

    @property
    def types(self) -> tuple[str, ...]:
        return split_signature(self.signature)[1]

    @property
    def selector(self) -> bytes:
        return keccak256(self.signature.encode())[:4]


def _addr(value: str) -> bytes:
    return bytes.fromhex(value[2:])


def _token_is_erc20(ctx: _Ctx) -> bool:
    return ctx.target is not None and registry.token(ctx.chain_id, ctx.target) is not None


def _amount(ctx: _Ctx, token: bytes | None, amount: int) -> str:
    return format_amount(ctx.chain_id, token, amount)


# -- interpreters: (ctx, decoded values) -> (title, effects, inner calls, notes) -----------------


def _transfer(ctx: _Ctx, v: list[Any]) -> Interpretation:
    to, amount = _addr(v[0]), v[1]
    eff = Transfer("erc20", ctx.target, to, amount)
    return f"Send {_amount(ctx, ctx.target, amount)} to {checksum(to)}", [eff], [], []


def _approve(ctx: _Ctx, v: list[Any]) -> Interpretation:
    spender, amount = _addr(v[0]), v[1]
    standard = "erc20" if _token_is_erc20(ctx) else "erc20-or-721"
    if spender == bytes(20) and standard != "erc20":  # ERC-721: approving no one clears token #amount
        eff = Approval("erc721", ctx.target, spender, None, revoke=True, token_id=amount)
        return f"Revoke: {eff.describe(ctx.chain_id)}", [eff], [], []
    unlimited = allowance_is_unlimited(ctx.chain_id, ctx.target, amount)
    eff = Approval(standard, ctx.target, spender, amount, unlimited=unlimited, revoke=amount == 0)
    notes = (
        []
        if standard == "erc20"
        else ["contract not in the token list: an NFT approve uses the same selector"]
    )
    return ("Revoke: " if eff.revoke else "Approve: ") + eff.describe(ctx.chain_id), [eff], [], notes


def _increase(ctx: _Ctx, v: list[Any]) -> Interpretation:
    spender, amount = _addr(v[0]), v[1]
    unlimited = allowance_is_unlimited(ctx.chain_id, ctx.target, amount)
    eff = Approval("erc20", ctx.target, spender, amount, unlimited=unlimited, increase=True)
    return f"Increase allowance: {eff.describe(ctx.chain_id)}", [eff], [], []


def _decrease(ctx: _Ctx, v: list[Any]) -> Interpretation:
    return f"Decrease allowance of {checksum(_addr(v[0]))} by {_amount(ctx, ctx.target, v[1])}", [], [], []


def _transfer_from(ctx: _Ctx, v: list[Any]) -> Interpretation:
    src, to, amount = _addr(v[0]), _addr(v[1]), v[2]
    route = f"from {checksum(src)} to {checksum(to)}"
    if _token_is_erc20(ctx):
        eff = Transfer("erc20", ctx.target, to, amount, sender=src)
        return f"Transfer {_amount(ctx, ctx.target, amount)} {route}", [eff], [], []
    eff = Transfer("erc20-or-721", ctx.target, to, amount, sender=src)
    return (
        f"Transfer {amount} units (or NFT #{amount}) of {checksum(ctx.target or bytes(20))} {route}",
        [eff],
        [],
        ["contract not in the token list: an NFT transfer uses the same selector"],
    )


def _set_approval_for_all(ctx: _Ctx, v: list[Any]) -> Interpretation:
    operator, approved = _addr(v[0]), bool(v[1])
    eff = Approval("nft-all", ctx.target, operator, None, unlimited=approved, revoke=not approved)
    return ("Approve: " if approved else "Revoke: ") + eff.describe(ctx.chain_id), [eff], [], []


def _nft_transfer(ctx: _Ctx, v: list[Any]) -> Interpretation:
    src, to, token_id = _addr(v[0]), _addr(v[1]), v[2]
    eff = Transfer("erc721", ctx.target, to, None, token_id=token_id, sender=src)
    return f"Transfer NFT #{token_id} of {checksum(ctx.target or bytes(20))} to {checksum(to)}", [eff], [], []


def _erc1155_transfer(ctx: _Ctx, v: list[Any]) -> Interpretation:
    src, to, token_id, amount = _addr(v[0]), _addr(v[1]), v[2], v[3]
    eff = Transfer("erc1155", ctx.target, to, amount, token_id=token_id, sender=src)
    return (
        f"Transfer {amount} x token #{token_id} of {checksum(ctx.target or bytes(20))} to {checksum(to)}",
        [eff],
        [],
        [],
    )


def _erc1155_batch(ctx: _Ctx, v: list[Any]) -> Interpretation:
    src, to, ids, amounts = _addr(v[0]), _addr(v[1]), v[2], v[3]
    notes = [] if len(ids) == len(amounts) else ["ids and amounts differ in length: the contract will revert"]
    effs: list[Effect] = [
        Transfer("erc1155", ctx.target, to, a, token_id=i, sender=src)
        for i, a in zip(ids, amounts, strict=False)
    ]
    return (
        f"Transfer {len(ids)} kinds of token of {checksum(ctx.target or bytes(20))} to {checksum(to)}",
        effs,
        [],
        notes,
    )


def _deposit(ctx: _Ctx, v: list[Any]) -> Interpretation:
    token = registry.token(ctx.chain_id, ctx.target) if ctx.target else None
    native = _amount(ctx, None, ctx.value)
    if token and token.wrapped:
        return f"Wrap {native} into {token.symbol}", [], [], []
    return f"deposit() sending {native} to a contract not known as a wrapped native token", [], [], []


def _withdraw(ctx: _Ctx, v: list[Any]) -> Interpretation:
    token = registry.token(ctx.chain_id, ctx.target) if ctx.target else None
    if token and token.wrapped:
        return f"Unwrap {_amount(ctx, ctx.target, v[0])}", [], [], []
    return f"withdraw({v[0]}) on a contract not known as a wrapped native token", [], [], []


def _eip2612_permit(ctx: _Ctx, v: list[Any]) -> Interpretation:
    owner, spender, value, deadline = _addr(v[0]), _addr(v[1]), v[2], v[3]
    eff = Approval(
        "erc20-permit",
        ctx.target,
        spender,
        value,
        unlimited=allowance_is_unlimited(ctx.chain_id, ctx.target, value),
        revoke=value == 0,
        owner=owner,
        deadline=deadline,
        signature=True,
    )
    return (
        f"Submit an EIP-2612 permit signed by {checksum(owner)}: {eff.describe(ctx.chain_id)}",
        [eff],
        [],
        [],
    )


def _dai_permit(ctx: _Ctx, v: list[Any]) -> Interpretation:
    holder, spender, expiry, allowed = _addr(v[0]), _addr(v[1]), v[3], bool(v[4])
    eff = Approval(
        "dai-permit",
        ctx.target,
        spender,
        None,
        unlimited=allowed,
        revoke=not allowed,
        owner=holder,
        deadline=expiry or None,
        signature=True,
    )
    return (
        f"Submit a DAI-style permit: {checksum(holder)} {'allows' if allowed else 'revokes'} "
        f"{checksum(spender)} (unlimited)",
        [eff],
        [],
        [],
    )


def _permit2_note(ctx: _Ctx) -> list[str]:
    return (
        []
        if ctx.target == PERMIT2
        else ["called contract is not the canonical Permit2 (0x000000000022D4…8BA3)"]
    )


def _permit2_approve(ctx: _Ctx, v: list[Any]) -> Interpretation:
    token, spender, amount, expiration = _addr(v[0]), _addr(v[1]), v[2], v[3]
    eff = Approval(
        "permit2",
        token,
        spender,
        amount,
        unlimited=allowance_is_unlimited(ctx.chain_id, token, amount),
        revoke=amount == 0,
        expiration=permit2_expiration(expiration),
    )
    return f"Permit2 approve: {eff.describe(ctx.chain_id)}", [eff], [], _permit2_note(ctx)


def _permit2_permit(ctx: _Ctx, v: list[Any]) -> Interpretation:
    owner, (details, spender, sig_deadline) = _addr(v[0]), v[1]
    eff = permit2_approval(ctx.chain_id, owner, _addr(spender), details, sig_deadline)
    return (
        f"Submit a Permit2 permit for {checksum(owner)}: {eff.describe(ctx.chain_id)}",
        [eff],
        [],
        _permit2_note(ctx),
    )


def _permit2_permit_batch(ctx: _Ctx, v: list[Any]) -> Interpretation:
    owner, (details, spender, sig_deadline) = _addr(v[0]), v[1]
    effs: list[Effect] = [
        permit2_approval(ctx.chain_id, owner, _addr(spender), d, sig_deadline) for d in details
    ]
    return (
        f"Submit a Permit2 batch permit for {checksum(owner)} over {len(effs)} tokens",
        effs,
        [],
        _permit2_note(ctx),
    )


def _permit2_lockdown(ctx: _Ctx, v: list[Any]) -> Interpretation:
    pairs = ", ".join(f"{checksum(_addr(t))}->{checksum(_addr(s))}" for t, s in v[0])
    return f"Permit2 lockdown (revoke) of {len(v[0])} allowances: {pairs}", [], [], _permit2_note(ctx)


def _permit2_invalidate(ctx: _Ctx, v: list[Any]) -> Interpretation:
    return (
        f"Permit2: invalidate nonces below {v[2]} for {checksum(_addr(v[0]))} / {checksum(_addr(v[1]))}",
        [],
        [],
        _permit2_note(ctx),
    )


def _permit2_invalidate_unordered(ctx: _Ctx, v: list[Any]) -> Interpretation:
    return f"Permit2: invalidate unordered nonces (word {v[0]}, mask {v[1]:#x})", [], [], _permit2_note(ctx)


def _permit2_transfer_from(ctx: _Ctx, v: list[Any]) -> Interpretation:
    src, to, amount, token = _addr(v[0]), _addr(v[1]), v[2], _addr(v[3])
    eff = Transfer("erc20", token, to, amount, sender=src)
    return f"Permit2 transfer: {eff.describe(ctx.chain_id)}", [eff], [], _permit2_note(ctx)


def _permit2_transfer_from_batch(ctx: _Ctx, v: list[Any]) -> Interpretation:
    effs: list[Effect] = [Transfer("erc20", _addr(t), _addr(to), a, sender=_addr(s)) for s, to, a, t in v[0]]
    return f"Permit2 batch transfer of {len(effs)} tokens", effs, [], _permit2_note(ctx)


def _permit_transfer(ctx: _Ctx, v: list[Any]) -> Interpretation:
    (permitted, _nonce, _deadline), (to, amount), owner = v[0], v[1], _addr(v[2])
    token = _addr(permitted[0])
    effs: list[Effect] = [Transfer("erc20", token, _addr(to), amount, sender=owner)]
    return f"Permit2 signature transfer: {effs[0].describe(ctx.chain_id)}", effs, [], _permit2_note(ctx)


def _permit_transfer_batch(ctx: _Ctx, v: list[Any]) -> Interpretation:
    (permitted, _nonce, _deadline), details, owner = v[0], v[1], _addr(v[2])
    effs: list[Effect] = [
        Transfer("erc20", _addr(p[0]), _addr(d[0]), d[1], sender=owner)
        for p, d in zip(permitted, details, strict=False)
    ]
    return (
        f"Permit2 signature batch transfer of {len(effs)} tokens from {checksum(owner)}",
        effs,
        [],
        _permit2_note(ctx),
    )


# (target, value, data) or (target, value, data, run with DELEGATECALL)
Item = tuple[bytes | None, int, bytes] | tuple[bytes | None, int, bytes, bool]


def _inner(ctx: _Ctx, items: Sequence[Item], how: str) -> tuple[list[Call], list[str]]:
    if ctx.depth + 1 > MAX_DEPTH:
        raise AbiError(f"calls nested deeper than {MAX_DEPTH} levels are not decoded")
    if len(items) > MAX_INNER_CALLS:
        raise AbiError(f"a batch of {len(items)} calls is more than the {MAX_INNER_CALLS} decoded")
    calls = [
        decode_call(ctx.chain_id, i[0], i[1], i[2], ctx.depth + 1, delegatecall=len(i) > 3 and bool(i[3]))
        for i in items
    ]
    return calls, [how]


def _self_multicall(ctx: _Ctx, v: list[Any]) -> Interpretation:
    calls, notes = _inner(
        ctx, [(ctx.target, 0, d) for d in v[-1]], "each call runs on the same contract, as you"
    )
    return f"Multicall: {len(calls)} calls to {checksum(ctx.target or bytes(20))}", [], calls, notes


def _aggregate(ctx: _Ctx, v: list[Any]) -> Interpretation:
    items = [(_addr(t), 0, d) for t, d in v[-1]]
    calls, notes = _inner(
        ctx, items, "Multicall3 makes each call itself (the callee sees Multicall3, not you)"
    )
    return f"Multicall3 batch of {len(calls)} calls", [], calls, notes


def _aggregate3(ctx: _Ctx, v: list[Any]) -> Interpretation:
    items = [(_addr(t), 0, d) for t, _allow, d in v[0]]
    calls, notes = _inner(
        ctx, items, "Multicall3 makes each call itself (the callee sees Multicall3, not you)"
    )
    return f"Multicall3 batch of {len(calls)} calls", [], calls, notes


def _aggregate3_value(ctx: _Ctx, v: list[Any]) -> Interpretation:
    items = [(_addr(t), val, d) for t, _allow, val, d in v[0]]
    calls, notes = _inner(
        ctx, items, "Multicall3 makes each call itself (the callee sees Multicall3, not you)"
    )
    return f"Multicall3 batch of {len(calls)} calls with value", [], calls, notes


def _smart_account_execute(ctx: _Ctx, v: list[Any]) -> Interpretation:
    """ERC-7579 / ERC-7821 execute(mode, executionData), as used by EIP-7702 smart accounts."""
    mode, payload = v[0], v[1]
    call_type = mode[0]
    items: list[Item]
    if call_type == 0x01:
        (batch,), trailing = decode_args(["(address,uint256,bytes)[]"], payload)
        if trailing:
            raise AbiError("batch execution data has trailing bytes")
        items = [(_addr(t), val, d) for t, val, d in batch]
    elif call_type == 0x00:
        if len(payload) < 52:
            raise AbiError("single execution data is shorter than target + value")
        items = [(payload[:20], int.from_bytes(payload[20:52], "big"), payload[52:])]
    elif call_type == 0xFF:
        if len(payload) < 20:
            raise AbiError("delegatecall execution data is shorter than a target address")
        items = [(payload[:20], 0, payload[20:], True)]
    else:
        raise AbiError(f"unknown execution mode call type 0x{call_type:02x}")
    calls, notes = _inner(ctx, items, "your smart account makes each call as you")
    return f"Smart-account batch of {len(calls)} call(s)", [], calls, notes


def _safe_multisend(ctx: _Ctx, v: list[Any]) -> Interpretation:
    packed: bytes = v[0]
    items: list[Item] = []
    pos = 0
    while pos < len(packed):
        if pos + 85 > len(packed):
            raise AbiError("Safe multiSend payload is truncated")
        op = packed[pos]
        if op not in (CALL, DELEGATECALL):
            raise AbiError(f"Safe multiSend operation {op} is neither CALL (0) nor DELEGATECALL (1)")
        to, val = packed[pos + 1 : pos + 21], int.from_bytes(packed[pos + 21 : pos + 53], "big")
        size = int.from_bytes(packed[pos + 53 : pos + 85], "big")
        if pos + 85 + size > len(packed):
            raise AbiError("Safe multiSend call data runs past the end")
        items.append((to, val, packed[pos + 85 : pos + 85 + size], op == DELEGATECALL))
        pos += 85 + size
    calls, notes = _inner(ctx, items, "the Safe makes each call")
    return f"Safe multiSend of {len(calls)} calls", [], calls, notes


def _safe_exec(ctx: _Ctx, v: list[Any]) -> Interpretation:
    """Safe execTransaction: an owner submits a Safe transaction (signatures attached)."""
    to, value, data, operation = _addr(v[0]), v[1], v[2], v[3]
    if operation not in (CALL, DELEGATECALL):
        raise AbiError(f"Safe operation {operation} is neither CALL (0) nor DELEGATECALL (1)")
    calls, notes = _inner(ctx, [(to, value, data, operation == DELEGATECALL)], "the Safe makes this call")
    refund = gas_refund(ctx.target, v[4], v[5], v[6], _addr(v[7]), _addr(v[8]))
    safe = checksum(ctx.target or bytes(20))
    return f"Safe {safe} executes: {calls[0].title}", [refund] if refund else [], calls, notes


def _router(ctx: _Ctx, v: list[Any]) -> Interpretation:
    """Universal Router execute: one inner call per command (signer.eth.router)."""
    steps = decode_commands(ctx.chain_id, v[0], list(v[1]))
    calls = [
        Call(
            ctx.target,
            0,
            step.data,
            step.title,
            signature=f"Universal Router command {step.name}",
            effects=step.effects,
            opaque=step.opaque,
            problem=step.problem,
            depth=ctx.depth + 1,
        )
        for step in steps
    ]
    notes = ["commands run in order; the router pays out and takes in as you"]
    return f"Uniswap Universal Router: {len(calls)} command(s)", [], calls, notes


def _nft_permit(ctx: _Ctx, v: list[Any]) -> Interpretation:
    """ERC-4494 / Uniswap V3 positions permit(spender, tokenId, deadline, v, r, s), submitted."""
    eff = Approval("nft-permit", ctx.target, _addr(v[0]), None, token_id=v[1], deadline=v[2], signature=True)
    return f"Submit an NFT permit: {eff.describe(ctx.chain_id)}", [eff], [], []


def _control(what: Callable[[list[Any]], str], grantee: int | None = 0) -> Interpreter:
    """An interpreter for a call that changes who controls ``ctx.target`` (Safe owners, modules...)."""

    def interpret(ctx: _Ctx, v: list[Any]) -> Interpretation:
        eff = Control(ctx.target, what(v), _addr(v[grantee]) if grantee is not None else None)
        return eff.describe(ctx.chain_id), [eff], [], []

    return interpret


def _claim_like(ctx: _Ctx, v: list[Any]) -> Interpretation:
    return "Call a no-argument 'claim / security update' style function", [], [], []


_SPECS: tuple[FunctionSpec, ...] = (
    FunctionSpec("transfer(address,uint256)", ("to", "amount"), _transfer),
    FunctionSpec("approve(address,uint256)", ("spender", "amount"), _approve),
    FunctionSpec("transferFrom(address,address,uint256)", ("from", "to", "amount"), _transfer_from),
    FunctionSpec("increaseAllowance(address,uint256)", ("spender", "addedValue"), _increase),
    FunctionSpec("decreaseAllowance(address,uint256)", ("spender", "subtractedValue"), _decrease),
    FunctionSpec(
        "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
        ("owner", "spender", "value", "deadline", "v", "r", "s"),
        _eip2612_permit,
    ),
    FunctionSpec(
        "permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)",
        ("holder", "spender", "nonce", "expiry", "allowed", "v", "r", "s"),
        _dai_permit,
    ),
    FunctionSpec("setApprovalForAll(address,bool)", ("operator", "approved"), _set_approval_for_all),
    FunctionSpec("safeTransferFrom(address,address,uint256)", ("from", "to", "tokenId"), _nft_transfer),
    FunctionSpec(
        "safeTransferFrom(address,address,uint256,bytes)", ("from", "to", "tokenId", "data"), _nft_transfer
    ),
    FunctionSpec(
        "safeTransferFrom(address,address,uint256,uint256,bytes)",
        ("from", "to", "id", "amount", "data"),
        _erc1155_transfer,
    ),
    FunctionSpec(
        "safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
        ("from", "to", "ids", "amounts", "data"),
        _erc1155_batch,
    ),
    FunctionSpec("deposit()", (), _deposit),
    FunctionSpec("withdraw(uint256)", ("amount",), _withdraw),
    FunctionSpec(
        "approve(address,address,uint160,uint48)",
        ("token", "spender", "amount", "expiration"),
        _permit2_approve,
    ),
    FunctionSpec(
        "permit(address,((address,uint160,uint48,uint48),address,uint256),bytes)",
        ("owner", "permitSingle", "signature"),
        _permit2_permit,
    ),
    FunctionSpec(
        "permit(address,((address,uint160,uint48,uint48)[],address,uint256),bytes)",
        ("owner", "permitBatch", "signature"),
        _permit2_permit_batch,
    ),
    FunctionSpec("lockdown((address,address)[])", ("approvals",), _permit2_lockdown),
    FunctionSpec(
        "invalidateNonces(address,address,uint48)", ("token", "spender", "newNonce"), _permit2_invalidate
    ),
    FunctionSpec(
        "invalidateUnorderedNonces(uint256,uint256)", ("wordPos", "mask"), _permit2_invalidate_unordered
    ),
    FunctionSpec(
        "transferFrom(address,address,uint160,address)",
        ("from", "to", "amount", "token"),
        _permit2_transfer_from,
    ),
    FunctionSpec(
        "transferFrom((address,address,uint160,address)[])",
        ("transferDetails",),
        _permit2_transfer_from_batch,
    ),
    FunctionSpec(
        "permitTransferFrom(((address,uint256),uint256,uint256),(address,uint256),address,bytes)",
        ("permit", "transferDetails", "owner", "signature"),
        _permit_transfer,
    ),
    FunctionSpec(
        "permitTransferFrom(((address,uint256)[],uint256,uint256),(address,uint256)[],address,bytes)",
        ("permit", "transferDetails", "owner", "signature"),
        _permit_transfer_batch,
    ),
    FunctionSpec(
        "permitWitnessTransferFrom(((address,uint256),uint256,uint256),(address,uint256),address,bytes32,"
        "string,bytes)",
        ("permit", "transferDetails", "owner", "witness", "witnessTypeString", "signature"),
        _permit_transfer,
    ),
    FunctionSpec(
        "permitWitnessTransferFrom(((address,uint256)[],uint256,uint256),(address,uint256)[],address,"
        "bytes32,string,bytes)",
        ("permit", "transferDetails", "owner", "witness", "witnessTypeString", "signature"),
        _permit_transfer_batch,
    ),
    FunctionSpec(
        "permit(address,uint256,uint256,uint8,bytes32,bytes32)",
        ("spender", "tokenId", "deadline", "v", "r", "s"),
        _nft_permit,
    ),
    # Who controls a Safe (OwnerManager, ModuleManager, GuardManager, FallbackManager) or a contract.
    FunctionSpec(
        "enableModule(address)",
        ("module",),
        _control(lambda v: "becomes a module: it may make any transaction as the Safe"),
    ),
    FunctionSpec(
        "addOwnerWithThreshold(address,uint256)",
        ("owner", "threshold"),
        _control(lambda v: f"becomes an owner ({v[1]} signature(s) needed)"),
    ),
    FunctionSpec(
        "swapOwner(address,address,address)",
        ("prevOwner", "oldOwner", "newOwner"),
        _control(lambda v: f"replaces owner {checksum(_addr(v[1]))}", grantee=2),
    ),
    FunctionSpec(
        "removeOwner(address,address,uint256)",
        ("prevOwner", "owner", "threshold"),
        _control(
            lambda v: f"owner {checksum(_addr(v[1]))} is removed ({v[2]} signature(s) needed)", grantee=None
        ),
    ),
    FunctionSpec(
        "changeThreshold(uint256)",
        ("threshold",),
        _control(lambda v: f"{v[0]} signature(s) will be needed", grantee=None),
    ),
    FunctionSpec(
        "setGuard(address)",
        ("guard",),
        _control(lambda v: "becomes the guard: it can block every transaction"),
    ),
    FunctionSpec(
        "setFallbackHandler(address)",
        ("handler",),
        _control(lambda v: "becomes the fallback handler: it answers calls made to the Safe"),
    ),
    FunctionSpec("transferOwnership(address)", ("newOwner",), _control(lambda v: "becomes the owner")),
    FunctionSpec("multicall(bytes[])", ("data",), _self_multicall),
    FunctionSpec("multicall(uint256,bytes[])", ("deadline", "data"), _self_multicall),
    FunctionSpec("multicall(bytes32,bytes[])", ("previousBlockhash", "data"), _self_multicall),
    FunctionSpec("aggregate((address,bytes)[])", ("calls",), _aggregate),
    FunctionSpec("tryAggregate(bool,(address,bytes)[])", ("requireSuccess", "calls"), _aggregate),
    FunctionSpec("aggregate3((address,bool,bytes)[])", ("calls",), _aggregate3),
    FunctionSpec("aggregate3Value((address,bool,uint256,bytes)[])", ("calls",), _aggregate3_value),
    FunctionSpec("execute(bytes32,bytes)", ("mode", "executionData"), _smart_account_execute),
    FunctionSpec("multiSend(bytes)", ("transactions",), _safe_multisend),
    FunctionSpec(EXEC_TRANSACTION, EXEC_TRANSACTION_ARGS, _safe_exec),
    FunctionSpec("execute(bytes,bytes[],uint256)", ("commands", "inputs", "deadline"), _router),
    FunctionSpec("execute(bytes,bytes[])", ("commands", "inputs"), _router),
    # revoke.cash browser extension potentialScamSignatures: no-argument "claim" bait taking native value.
    *(
        FunctionSpec(f"{name}()", (), _claim_like, suspicious=True)
        for name in (
            "SecurityUpdate",
            "securityUpdate",
            "ClaimReward",
            "claimReward",
            "ClaimRewards",
            "claimRewards",
            "Claim",
            "claim",
            "SafeClaim",
            "safeClaim",
            "ClaimAirdrop",
            "claimAirdrop",
            "NetworkMerge",
            "networkMerge",
            "Verify",
            "verify",
        )
    ),
)


@lru_cache(maxsize=1)
def functions() -> dict[bytes, FunctionSpec]:
    table: dict[bytes, FunctionSpec] = {}
    for spec in _SPECS:
        if spec.selector in table:
            raise AssertionError(f"selector clash: {spec.signature} / {table[spec.selector].signature}")
        if len(spec.arg_names) != len(spec.types):
            raise AssertionError(f"argument names do not match {spec.signature}")
        table[spec.selector] = spec
    return table


def _raw_words(body: bytes) -> tuple[Arg, ...]:
    words = [body[i : i + 32] for i in range(0, len(body), 32)]
    return tuple(
        Arg(f"word{i}", "bytes32" if len(w) == 32 else f"bytes{len(w)}", w) for i, w in enumerate(words)
    )


def decode_call(
    chain_id: int,
    target: bytes | None,
    value: int,
    data: bytes,
    depth: int = 0,
    *,
    delegatecall: bool = False,
) -> Call:
    """Decode one call. Never raises for bad calldata: problems are reported on the Call."""
    return replace(_decode(chain_id, target, value, bytes(data), depth), delegatecall=delegatecall)


def _decode(chain_id: int, target: bytes | None, value: int, data: bytes, depth: int) -> Call:
    if not data:
        return plain_call(chain_id, target, value, depth)
    if len(data) < 4:
        return Call(
            target,
            value,
            data,
            f"Unknown call: {len(data)} byte(s) of calldata, shorter than a selector",
            known=False,
            args=_raw_words(data),
            depth=depth,
        )
    selector, body = data[:4], data[4:]
    spec = functions().get(selector)
    if spec is None:
        return Call(
            target,
            value,
            data,
            f"Unknown function 0x{selector.hex()}",
            selector=selector,
            args=_raw_words(body),
            known=False,
            depth=depth,
        )
    ctx = _Ctx(chain_id, target, value, depth)
    name = split_signature(spec.signature)[0]
    try:
        values, trailing = decode_args(spec.types, body)
        args = tuple(Arg(n, t, val) for n, t, val in zip(spec.arg_names, spec.types, values, strict=True))
        title, effects_list, inner, notes = spec.interpret(ctx, list(values))
    except AbiError as exc:
        return Call(
            target,
            value,
            data,
            f"{name}(…) with calldata that cannot be read reliably",
            selector=selector,
            signature=spec.signature,
            args=_raw_words(body),
            problem=str(exc),
            depth=depth,
            suspicious=spec.suspicious,
        )
    return Call(
        target,
        value,
        data,
        title,
        selector=selector,
        signature=spec.signature,
        args=args,
        effects=tuple(effects_list),
        inner=tuple(inner),
        suspicious=spec.suspicious,
        trailing=trailing,
        depth=depth,
        notes=tuple(notes),
    )


__all__ = ["MAX_DEPTH", "PERMIT2", "UINT160_MAX", "Arg", "Call", "FunctionSpec", "decode_call", "functions"]
