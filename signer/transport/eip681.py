"""``ethereum:`` payment and call requests (EIP-681).

Form: ``ethereum:[pay-]0xADDR[@CHAIN][/FUNCTION][?key=value&...]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from signer.transport.addresses import EthAddress, is_eth_address_text, parse_eth_address
from signer.transport.errors import TransportError
from signer.transport.uri_query import split_query

SCHEME = "ethereum:"
MAX_UINT256 = 2**256 - 1
_MAX_DIGITS = len(str(MAX_UINT256))
_FUNCTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"\+?([0-9]+)(?:\.([0-9]+))?(?:[eE]\+?([0-9]{1,3}))?")


@dataclass(frozen=True)
class EIP681:
    target: EthAddress  # the contract for a function call, else the recipient
    chain_id: int | None
    function: str | None
    value: int | None  # wei, from ``value=``
    params: tuple[tuple[str, str], ...]  # all parameters, percent-decoded, in order

    def param(self, key: str) -> str | None:
        return next((v for k, v in self.params if k == key), None)

    @property
    def transfer_recipient(self) -> EthAddress | None:
        """For ``/transfer`` (ERC-20): the ``address`` parameter."""
        addr = self.param("address") if self.function == "transfer" else None
        return parse_eth_address(addr) if addr is not None else None

    @property
    def transfer_amount(self) -> int | None:
        """For ``/transfer`` (ERC-20): the ``uint256`` parameter, in token base units."""
        amount = self.param("uint256") if self.function == "transfer" else None
        return parse_eip681_number(amount) if amount is not None else None


def is_eip681(text: str) -> bool:
    return text.strip()[: len(SCHEME)].lower() == SCHEME


def parse_eip681_number(text: str) -> int:
    """EIP-681 number (``2.014e18`` allowed) as a non-negative integer below 2**256."""
    match = _NUMBER.fullmatch(text)
    if not match:
        raise TransportError("EIP-681 number is malformed or negative")
    whole, frac, exp = match.group(1), match.group(2) or "", int(match.group(3) or 0)
    if len(frac) > exp and frac[exp:].strip("0"):
        raise TransportError("EIP-681 number is not a whole number")
    digits = (whole + frac[:exp].ljust(exp, "0")).lstrip("0") or "0"
    # counted before int(): Python refuses to read more than 4300 digits (and 2**256 has 78)
    if len(digits) > _MAX_DIGITS or int(digits) > MAX_UINT256:
        raise TransportError("EIP-681 number exceeds 2**256 - 1")
    return int(digits)


def parse_eip681(text: str) -> EIP681:
    """Parse an ``ethereum:`` URI; TransportError says which rule it breaks."""
    uri = text.strip()
    if not is_eip681(uri):
        raise TransportError("not an ethereum: URI")
    rest = uri[len(SCHEME) :]
    if rest[:4].lower() == "pay-":
        rest = rest[4:]
    rest, _, query = rest.partition("?")
    rest, _, function = rest.partition("/")
    target, at, chain = rest.partition("@")
    if not is_eth_address_text(target):
        raise TransportError("EIP-681 target is not an 0x address (ENS names cannot be resolved offline)")
    chain_id = None
    if at:
        if not chain.isascii() or not chain.isdigit() or len(chain) > 19 or int(chain) == 0:
            raise TransportError("EIP-681 chain id is not a positive decimal number")
        chain_id = int(chain)
    if function and not _FUNCTION_NAME.fullmatch(function):
        raise TransportError("EIP-681 function name is malformed")
    params = [(k, v or "") for k, v in split_query(query, "EIP-681", values_required=True)]
    keys = [k for k, _ in params]
    if len(set(keys)) != len(keys):
        raise TransportError("EIP-681 repeats a parameter")
    value = None
    for key, item in params:
        if key == "value":
            value = parse_eip681_number(item)
        elif key in ("gas", "gasLimit", "gasPrice") or key.startswith("uint"):
            parse_eip681_number(item)
        elif key == "address":
            parse_eth_address(item)
    return EIP681(parse_eth_address(target), chain_id, function or None, value, tuple(params))
