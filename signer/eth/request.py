"""Signing requests: ERC-4527 ``eth-sign-request`` (from MetaMask, Rabby...) and raw requests
(an unsigned transaction, EIP-712 JSON or a message, as hex, ur:bytes or BBQr).

Flow: ``parse_*`` -> ``review_request`` (signer.chains.ethereum_review: the rules, and with keys the
checks below) -> show -> ``sign_request``. Replies: ``eth-signature`` (request id echoed) for
ERC-4527, the signed raw transaction (or a 65-byte signature for typed data / messages) for raw
requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from signer import strict_json
from signer.errors import AirlockError, UsageError
from signer.eth.errors import EthError, EthRefusal, RequestError, TxFormatError, TypedDataError
from signer.eth.keys import EthKeys, SeedEthKeys, eth_keys
from signer.eth.message import PersonalMessage, parse_personal_message
from signer.eth.primitives import checksum, parse_hex
from signer.eth.review import EthKind, EthReview
from signer.eth.sign import (
    DEFAULT_PATH,
    sign_personal_message,
    sign_transaction,
    sign_typed_data,
)
from signer.eth.tx import LEGACY, UnsignedTx, parse_unsigned_tx
from signer.eth.typed_data import TypedData, parse_typed_data
from signer.review import ReviewWarning, Severity
from signer.transport.payload import Payload, PayloadKind

DATA_LEGACY_TX, DATA_TYPED_DATA, DATA_PERSONAL_MESSAGE, DATA_TYPED_TX = 1, 2, 3, 4
ORIGIN = "airlock"
TX_TYPE_BYTES = (0x01, 0x02, 0x03, 0x04)  # EIP-2718 types Ethereum has (3, blob, is not signed here)
# BIP-43 purposes of Bitcoin keys: single-sig 44' (with coin type 0' or 1'), 49', 84', 86';
# multisig 45' (BIP-45) and 48' (BIP-48).
BITCOIN_PURPOSES = (49, 84, 86, 45, 48)
BITCOIN_COIN_TYPES = (0, 1)

Payload_ = UnsignedTx | TypedData | PersonalMessage


@dataclass(frozen=True)
class EthRequest:
    kind: str  # eth-tx | eth-typed-data | eth-message
    payload: Payload_
    source: str = "raw"  # erc4527 | raw
    data_type: int | None = None
    request_id: bytes | None = None
    chain_id: int | None = None  # chain the request names (ERC-4527 key 4), when it names one
    path: str | None = None
    fingerprint: int | None = None  # source fingerprint of the derivation path
    address: bytes | None = None
    origin: str | None = None

    edited: bool = False  # the transaction was changed on this device (approval limit)
    edit_notes: tuple[str, ...] = ()

    @property
    def signing_path(self) -> str:
        return self.path or DEFAULT_PATH

    @property
    def replies_signed_tx(self) -> bool:
        """The reply is the whole signed transaction, not an ERC-4527 eth-signature: always for raw
        requests; for an ERC-4527 request whose transaction was edited here (see approval_limit)."""
        return self.kind == EthKind.TX and (self.source == "raw" or self.edited)


# -- parsing --------------------------------------------------------------------------------------


def parse_eth_sign_request(req: Any) -> EthRequest:
    """From a signer.transport.urtypes.EthSignRequest (duck-typed)."""
    data_type = int(req.data_type)
    data = bytes(req.sign_data)
    try:
        path = req.derivation_path.to_path_string()
        fingerprint = req.derivation_path.source_fingerprint
    except (AttributeError, TypeError, ValueError, AirlockError) as exc:  # guaranteed by the transport type
        raise RequestError(f"eth-sign-request has no usable derivation path: {exc}") from exc
    payload: Payload_
    if data_type in (DATA_LEGACY_TX, DATA_TYPED_TX):
        tx = parse_unsigned_tx(data)
        if data_type == DATA_LEGACY_TX and tx.tx_type != LEGACY:
            raise RequestError("data type 1 (legacy transaction) holds a typed transaction")
        if data_type == DATA_TYPED_TX and tx.tx_type == LEGACY:
            raise RequestError("data type 4 (typed transaction) holds a legacy transaction")
        kind, payload, chain = EthKind.TX, tx, req.chain_id if req.chain_id is not None else 1
    elif data_type == DATA_TYPED_DATA:
        kind, payload, chain = EthKind.TYPED_DATA, parse_typed_data(data), req.chain_id
    elif data_type == DATA_PERSONAL_MESSAGE:
        kind, payload, chain = EthKind.MESSAGE, parse_personal_message(data), req.chain_id
    else:
        raise RequestError(f"unknown ERC-4527 data type {data_type}")
    return EthRequest(
        kind, payload, "erc4527", data_type, req.request_id, chain, path, fingerprint, req.address, req.origin
    )


def looks_like_tx_bytes(raw: bytes) -> bool:
    """The first byte is a transaction type (EIP-2718) or an RLP list (a legacy transaction)."""
    return bool(raw) and (raw[0] in TX_TYPE_BYTES or raw[0] >= 0xC0)


def _raw_transaction(raw: bytes) -> EthRequest:
    try:
        return EthRequest(EthKind.TX, parse_unsigned_tx(raw))
    except TxFormatError as exc:
        raise TxFormatError(f"not a valid transaction: {exc}") from exc


def parse_raw(data: bytes, *, text: bool = False) -> EthRequest:
    """A raw request: unsigned tx bytes or hex, EIP-712 JSON, or a personal message."""
    if text:
        try:
            s = data.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            raise RequestError("request text is not UTF-8") from exc
        if s.startswith("{"):
            return EthRequest(EthKind.TYPED_DATA, parse_typed_data(s))
        if s[:2].lower() == "0x":  # as personal_sign: 0x-prefixed text is hex bytes, anything else is text
            raw = parse_hex(s, "request", max_bytes=128 * 1024)
            if looks_like_tx_bytes(raw):
                return _raw_transaction(raw)
            return EthRequest(EthKind.MESSAGE, parse_personal_message(raw))
        return EthRequest(EthKind.MESSAGE, parse_personal_message(s.encode()))
    if not data:
        raise RequestError("empty request")
    if looks_like_tx_bytes(data):
        return _raw_transaction(data)
    if data[:1] == b"{":
        return EthRequest(EthKind.TYPED_DATA, parse_typed_data(data))
    raise RequestError(
        "raw bytes are neither an unsigned transaction nor EIP-712 JSON; send a message as text"
    )


def raw_text_payload(text: str) -> Payload | None:
    """A plain file holding an Ethereum raw request (0x-hex transaction/message or EIP-712 JSON) as
    the payload a QR code of it would be; None for other text."""
    s = text.strip()
    if s.startswith("{"):
        try:
            doc = strict_json.loads(s, what="the request file")
        except strict_json.JsonRejected as exc:  # JSON-looking text: say why, not "not a PSBT"
            raise UsageError(str(exc)) from None
        if isinstance(doc, dict) and "primaryType" in doc:
            return Payload(PayloadKind.JSON, "plain", s.encode())
        return None
    if s[:2].lower() == "0x" and len(s) > 2 and all(c in "0123456789abcdefABCDEF" for c in s[2:]):
        return Payload(PayloadKind.TEXT, "plain", s.encode())
    return None


def text_message_request(text: str) -> EthRequest:
    """A personal_sign request for ``text`` exactly as given (never read as hex)."""
    return EthRequest(EthKind.MESSAGE, parse_personal_message(text.encode("utf-8")))


def parse_payload(payload: Payload) -> EthRequest:
    """From a transport Payload: eth-sign-request, bytes, json, text or binary."""
    kind = payload.kind
    if kind == PayloadKind.ETH_SIGN_REQUEST:
        return parse_eth_sign_request(payload.obj)
    if kind in (PayloadKind.BYTES, PayloadKind.BINARY):
        return parse_raw(bytes(payload.data))
    if kind in (PayloadKind.JSON, PayloadKind.TEXT):
        return parse_raw(bytes(payload.data), text=True)
    raise RequestError(f"a {kind} payload is not an Ethereum signing request")


# -- review --------------------------------------------------------------------------------------


def _path_numbers(path: str) -> list[int] | None:
    """The indexes of a path, hardened or not (``m/84'/0'/0'`` -> [84, 0, 0]); None if unreadable."""
    parts = path.strip().removeprefix("m").strip("/").split("/")
    numbers = []
    for part in parts:
        digits = part.rstrip("'hH")
        if not digits.isdigit():
            return None
        numbers.append(int(digits))
    return numbers


def path_warnings(path: str) -> list[ReviewWarning]:
    """A Bitcoin key path (danger), or a path that is not Ethereum's m/44'/60'/... (warning)."""
    numbers = _path_numbers(path) or []
    purpose, coin = [*numbers, -1, -1][:2]
    if purpose in BITCOIN_PURPOSES or (purpose == 44 and coin in BITCOIN_COIN_TYPES):
        return [
            ReviewWarning(
                "key-purpose-mismatch",
                Severity.DANGER,
                f"The request asks for the key at {path}, a Bitcoin key path: a Bitcoin key must not "
                "sign for Ethereum (the wallet sending this is misconfigured or hostile)",
            )
        ]
    hardened = [p.endswith(("'", "h", "H")) for p in path.strip().removeprefix("m").strip("/").split("/")]
    if numbers[:2] != [44, 60] or hardened[:2] != [True, True]:
        return [
            ReviewWarning(
                "unusual-derivation-path",
                Severity.WARN,
                f"The key path {path} is not an Ethereum (m/44'/60'/...) path",
            )
        ]
    return []


def key_checks(req: EthRequest, keys: EthKeys | bytes) -> tuple[bytes, list[ReviewWarning]]:
    """(signing address, refusals): wrong seed or an address the path does not derive. ``keys``: the
    seed's keys or watch-only ones (public keys are enough), or the BIP-32 seed itself."""
    keys = eth_keys(keys)
    refusals = []
    if req.fingerprint is not None:
        ours = keys.fingerprint
        if req.fingerprint != ours:
            refusals.append(
                ReviewWarning(
                    "wrong-seed",
                    Severity.DANGER,
                    f"The request is for the seed with "
                    f"fingerprint {req.fingerprint:08x}; this seed is {ours:08x}",
                )
            )
    address = keys.address(req.signing_path)
    if req.address is not None and req.address != address:
        refusals.append(
            ReviewWarning(
                "address-mismatch",
                Severity.DANGER,
                f"The request names "
                f"{checksum(req.address)} but {req.signing_path} of this seed is "
                f"{checksum(address)}",
            )
        )
    return address, refusals


# -- signing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EthSignResult:
    signature: bytes  # r || s || v as the reply carries it
    address: bytes
    signed_tx: bytes | None = None  # raw transaction requests
    request_id: bytes | None = None
    source: str = "raw"
    edited: bool = False  # an edited transaction: only the whole signed transaction is any use

    @property
    def replies_signed_tx(self) -> bool:
        return self.signed_tx is not None and (self.source == "raw" or self.edited)

    def response(self, origin: str | None = ORIGIN) -> Any:
        """ERC-4527: a signer.transport.urtypes.EthSignature (request id echoed)."""
        if self.edited:
            raise EthError(
                "the transaction was edited here: the wallet cannot use an eth-signature for it; "
                "reply with the signed transaction"
            )
        from signer.transport.urtypes import EthSignature  # the UR types: only an ERC-4527 reply needs them

        return EthSignature(self.signature, self.request_id, origin)

    def response_ur(self) -> str:
        from signer.transport.ur import encode_single
        from signer.transport.urtypes import to_ur

        return encode_single(to_ur(self.response()))

    def raw_reply(self) -> bytes:
        """For raw requests: the signed transaction, or the 65-byte signature."""
        return self.signed_tx if self.signed_tx is not None else self.signature


def sign_request(
    req: EthRequest, review: EthReview, keys: SeedEthKeys | bytes, *, accept_risk: bool = False
) -> EthSignResult:
    """Sign what ``review`` showed with the seed's keys (or the BIP-32 seed itself). Refusals always
    stop; danger stops unless ``accept_risk``."""
    if review.refusals:
        r = review.refusals[0]
        raise EthRefusal(f"refused ({r.code}): {r.message}")
    if _payload_of(review) is not req.payload:
        raise EthRefusal("the review is not of this request; review it again before signing")
    if review.has_danger and not accept_risk:
        raise EthRefusal(
            f"not signed: danger warnings ({', '.join(review.danger_codes)}); review them and "
            "accept the risk explicitly"
        )
    seed_keys = SeedEthKeys(bytes(keys)) if isinstance(keys, bytes | bytearray) else keys
    key = seed_keys.private_key(req.signing_path)
    address, refusals = key_checks(req, seed_keys)
    if refusals:
        raise EthRefusal(f"refused ({refusals[0].code}): {refusals[0].message}")
    p = req.payload
    if isinstance(p, UnsignedTx):
        signed = sign_transaction(p, key)
        return EthSignResult(
            signed.erc4527_signature(), address, signed.raw, req.request_id, req.source, req.edited
        )
    if isinstance(p, TypedData):
        return EthSignResult(sign_typed_data(p, key), address, None, req.request_id, req.source)
    return EthSignResult(sign_personal_message(p, key), address, None, req.request_id, req.source)


def _payload_of(review: EthReview) -> Any:
    return (
        review.tx
        if review.tx is not None
        else review.typed_data
        if review.typed_data is not None
        else review.message
    )


def typed_data_json(td: TypedData) -> str:
    """The normalised typed data as JSON text (for logs and tests)."""
    return json.dumps(td.json_message(), sort_keys=True)


__all__ = [
    "EthRequest",
    "EthSignResult",
    "TypedDataError",
    "key_checks",
    "parse_eth_sign_request",
    "parse_payload",
    "parse_raw",
    "path_warnings",
    "sign_request",
]
