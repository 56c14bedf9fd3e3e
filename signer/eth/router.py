"""Uniswap Universal Router ``execute(commands, inputs[, deadline])``: one step per command byte.

The command layouts below are those of Uniswap's Dispatcher.sol for commands 0x00-0x0e, which are
the same in Universal Router 1.x and 2.x (commands from 0x10 differ between versions and are named
but not decoded). The router reads its inputs with raw calldataload; the strict canonical decoder
here refuses any input it could read differently (dirty address bits, odd offsets), so what is shown
is what runs.

Recipients: address(1) is the caller (you), address(2) the router itself; token address(0) in
payment commands is the native coin. An amount of 2^255 means "the router's whole balance".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from signer.eth import registry
from signer.eth.abi import decode_args
from signer.eth.effects import Approval, Effect, Transfer, format_amount, permit2_approval
from signer.eth.errors import AbiError
from signer.eth.primitives import checksum

MSG_SENDER, ADDRESS_THIS = (1).to_bytes(20, "big"), (2).to_bytes(20, "big")
CONTRACT_BALANCE = 2**255
COMMAND_TYPE_MASK, FLAG_ALLOW_REVERT = 0x3F, 0x80
MAX_COMMANDS = 64
_SWAP = ("address", "uint256", "uint256", "bytes", "bool")
_V2_SWAP = ("address", "uint256", "uint256", "address[]", "bool")
_PERMIT_SINGLE = "((address,uint160,uint48,uint48),address,uint256)"
_PERMIT_BATCH = "((address,uint160,uint48,uint48)[],address,uint256)"
LAYOUTS: dict[int, tuple[str, tuple[str, ...]]] = {
    0x00: ("V3_SWAP_EXACT_IN", _SWAP),
    0x01: ("V3_SWAP_EXACT_OUT", _SWAP),
    0x02: ("PERMIT2_TRANSFER_FROM", ("address", "address", "uint160")),
    0x03: ("PERMIT2_PERMIT_BATCH", (_PERMIT_BATCH, "bytes")),
    0x04: ("SWEEP", ("address", "address", "uint256")),
    0x05: ("TRANSFER", ("address", "address", "uint256")),
    0x06: ("PAY_PORTION", ("address", "address", "uint256")),
    0x08: ("V2_SWAP_EXACT_IN", _V2_SWAP),
    0x09: ("V2_SWAP_EXACT_OUT", _V2_SWAP),
    0x0A: ("PERMIT2_PERMIT", (_PERMIT_SINGLE, "bytes")),
    0x0B: ("WRAP_ETH", ("address", "uint256")),
    0x0C: ("UNWRAP_WETH", ("address", "uint256")),
    0x0D: ("PERMIT2_TRANSFER_FROM_BATCH", ("(address,address,uint160,address)[]",)),
    0x0E: ("BALANCE_CHECK_ERC20", ("address", "address", "uint256")),
}


@dataclass(frozen=True)
class RouterStep:
    """One command: what it does, its effects on you, or why it cannot be read."""

    command: int
    name: str
    title: str
    data: bytes
    effects: tuple[Effect, ...] = ()
    problem: str | None = None
    opaque: bool = False  # a command this device names but does not decode


def _addr(value: str) -> bytes:
    return bytes.fromhex(value[2:])


def _who(address: bytes) -> str:
    return "you" if address == MSG_SENDER else "the router" if address == ADDRESS_THIS else checksum(address)


def _foreign(address: bytes) -> bool:
    return address not in (MSG_SENDER, ADDRESS_THIS)


class _Step:
    """Decodes one command with the chain's token list at hand."""

    def __init__(self, chain_id: int) -> None:
        self.chain_id = chain_id

    def amount(self, token: bytes | None, amount: int) -> str:
        if amount == CONTRACT_BALANCE:
            return "the router's whole balance of " + (self.symbol(token))
        return format_amount(self.chain_id, None if token in (None, bytes(20)) else token, amount)

    def symbol(self, token: bytes | None) -> str:
        if token in (None, bytes(20)):
            return registry.chain(self.chain_id).symbol
        known = registry.token(self.chain_id, token)
        return known.symbol if known else checksum(token)

    def out(self, token: bytes | None, recipient: bytes, amount: int, purpose: str) -> list[Effect]:
        """A Transfer effect when assets leave for someone other than you or the router."""
        if not _foreign(recipient):
            return []
        native = token in (None, bytes(20))
        return [
            Transfer(
                "native" if native else "erc20", None if native else token, recipient, amount, purpose=purpose
            )
        ]

    def swap(self, v: list[Any], *, v2: bool, exact_in: bool) -> tuple[str, list[Effect]]:
        recipient, amount, limit, path, payer_is_user = _addr(v[0]), v[1], v[2], v[3], v[4]
        if v2:
            if len(path) < 2:
                raise AbiError("a V2 swap path needs at least two tokens")
            tokens = [_addr(t) for t in path]
        else:
            if len(path) < 43 or (len(path) - 20) % 23:
                raise AbiError("a V3 swap path is token (20 bytes) then (fee 3 + token 20) per hop")
            tokens = [path[i : i + 20] for i in range(0, len(path), 23)]
            if not exact_in:  # exact-output paths are written from the output back to the input
                tokens.reverse()
        token_in, token_out = tokens[0], tokens[-1]
        payer = "" if payer_is_user else " (paid from the router's balance)"
        if exact_in:
            text = f"{self.amount(token_in, amount)} for at least {self.amount(token_out, limit)}"
        else:
            text = f"at most {self.amount(token_in, limit)} for {self.amount(token_out, amount)}"
        version = "V2" if v2 else "V3"
        title = f"Uniswap {version} swap: {text}{payer}, to {_who(recipient)}"
        return title, self.out(token_out, recipient, limit if exact_in else amount, "proceeds")

    def decode(self, command: int, name: str, v: list[Any]) -> tuple[str, list[Effect]]:
        if command in (0x00, 0x01, 0x08, 0x09):
            return self.swap(v, v2=command >= 0x08, exact_in=command in (0x00, 0x08))
        if command == 0x02:
            token, recipient, amount = _addr(v[0]), _addr(v[1]), v[2]
            what = self.amount(token, amount)
            return f"Take {what} from you (Permit2) to {_who(recipient)}", self.out(
                token, recipient, amount, "pull"
            )
        if command == 0x0D:
            effects: list[Effect] = []
            for _from, to, amount, token in v[0]:  # the router insists 'from' is the caller
                effects += self.out(_addr(token), _addr(to), amount, "pull")
            return f"Take {len(v[0])} token amount(s) from you (Permit2)", effects
        if command in (0x03, 0x0A):
            (details, spender, deadline), _signature = v[0], v[1]
            entries = details if command == 0x03 else [details]
            approvals: list[Effect] = [
                permit2_approval(self.chain_id, None, _addr(spender), d, deadline) for d in entries
            ]
            described = "; ".join(a.describe(self.chain_id) for a in approvals if isinstance(a, Approval))
            return f"Permit2 permit (your signature): {described}", approvals
        if command in (0x04, 0x05, 0x06):
            token, recipient, number = _addr(v[0]), _addr(v[1]), v[2]
            if command == 0x04:
                title = f"Send the router's {self.symbol(token)} (at least {self.amount(token, number)})"
                return f"{title} to {_who(recipient)}", self.out(token, recipient, number, "proceeds")
            if command == 0x05:
                title = f"Pay {self.amount(token, number)} from the router to {_who(recipient)}"
                return title, self.out(token, recipient, number, "proceeds")
            if number > 10_000:
                raise AbiError(f"PAY_PORTION of {number} basis points is more than 100%")
            share = f"{number / 100:g}%"  # a fee share: shown, not an effect on your own assets
            return f"Pay {share} of the router's {self.symbol(token)} to {_who(recipient)}", []
        if command == 0x0B:
            recipient, amount = _addr(v[0]), v[1]
            wrapped = next((t.address for t in registry.tokens_on(self.chain_id) if t.wrapped), None)
            title = f"Wrap {self.amount(None, amount)} for {_who(recipient)}"
            return title, self.out(wrapped, recipient, amount, "proceeds")
        if command == 0x0C:
            recipient, minimum = _addr(v[0]), v[1]
            at_least = self.amount(None, minimum)
            title = f"Unwrap the router's wrapped coin (at least {at_least}) to {_who(recipient)}"
            return title, self.out(None, recipient, minimum, "proceeds")
        owner, token, minimum = _addr(v[0]), _addr(v[1]), v[2]
        return f"Check that {_who(owner)} holds at least {self.amount(token, minimum)}", []


def decode_commands(chain_id: int, commands: bytes, inputs: list[bytes]) -> list[RouterStep]:
    """One step per command; a command that cannot be read carries its problem instead of effects."""
    if len(commands) != len(inputs):
        raise AbiError(f"{len(commands)} commands but {len(inputs)} inputs: the router would revert")
    if len(commands) > MAX_COMMANDS:
        raise AbiError(f"{len(commands)} router commands are more than the {MAX_COMMANDS} decoded")
    decoder, steps = _Step(chain_id), []
    for raw, data in zip(commands, inputs, strict=True):
        command = raw & COMMAND_TYPE_MASK
        may_fail = " (allowed to fail)" if raw & FLAG_ALLOW_REVERT else ""
        if raw & ~(COMMAND_TYPE_MASK | FLAG_ALLOW_REVERT):
            steps.append(RouterStep(raw, "?", f"Command byte 0x{raw:02x}", data, problem="unknown flag bits"))
            continue
        layout = LAYOUTS.get(command)
        if layout is None:
            title = f"Router command 0x{command:02x} (not decoded){may_fail}"
            steps.append(RouterStep(command, f"0x{command:02x}", title, data, opaque=True))
            continue
        name, types = layout
        try:
            values, trailing = decode_args(types, data)
            if trailing:
                raise AbiError(f"{trailing} extra byte(s) after the {name} input")
            title, effects = decoder.decode(command, name, list(values))
        except AbiError as exc:
            steps.append(
                RouterStep(command, name, f"{name} with an input that cannot be read", data, problem=str(exc))
            )
            continue
        steps.append(RouterStep(command, name, title + may_fail, data, tuple(effects)))
    return steps
