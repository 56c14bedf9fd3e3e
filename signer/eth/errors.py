"""Errors of the Ethereum signer. Every bad input ends in one of these, never another exception."""

from __future__ import annotations

from signer.errors import AirlockError, Refusal


class EthError(AirlockError):
    """Base of Ethereum errors: the request is malformed or not supported; nothing was signed."""


class RlpError(EthError):
    """Bytes are not canonical RLP (truncated, trailing bytes, non-minimal lengths, too deep)."""


class TxFormatError(EthError):
    """RLP is fine but it is not an unsigned transaction of a supported type."""


class AbiError(EthError):
    """Calldata arguments do not decode as the ABI types of the function."""


class TypedDataError(EthError):
    """EIP-712 typed data is malformed: bad JSON, bad types, or values that do not fit them."""


class RequestError(EthError):
    """A signing request (ERC-4527 or raw) is malformed or of an unsupported kind."""


class EthRefusal(EthError, Refusal):
    """The request is understood and will not be signed (wrong seed or address, or risk not accepted)."""
