"""What the assembler hands on: one typed payload per scanned message.

``kind`` says what the bytes are (the consumer dispatches on it), ``format`` how they travelled.
``data`` is the payload proper:

* UR: the inner byte string for ``bytes`` and ``(crypto-)psbt``, the CBOR body for other types;
* BBQr: the joined file; SeedQR and mnemonic words as text: the BIP-39 entropy;
* plain: the PSBT / transaction bytes, or the UTF-8 text of an address, URI, descriptor or JSON;
* base43 (Electrum): the PSBT or transaction bytes;
* specter (``pMofN`` parts): the PSBT bytes of a base64 PSBT, else what the joined text holds, as
  for plain.

``obj`` holds the decoded object where there is one (a ``urtypes`` object, :class:`SeedQR`,
:class:`~signer.transport.plain.BIP21`, ...). A seed payload is a secret: its repr hides the content.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from signer.transport.errors import TransportError

# specter: Specter's pMofN animated parts; base43: Electrum's PSBT / transaction QR
FORMATS = frozenset({"ur", "bbqr", "specter", "seedqr", "plain", "base43"})

class PayloadKind(StrEnum):
    """What a scanned payload is; the value is the kind's name in the CLI's JSON and in errors."""

    PSBT = "psbt"  # BIP-174/370 PSBT bytes
    BITCOIN_TX = "bitcoin-tx"  # raw (network-serialised) Bitcoin transaction
    ETH_SIGN_REQUEST = "eth-sign-request"  # ERC-4527 request (CBOR body)
    ETH_SIGNATURE = "eth-signature"  # ERC-4527 signature (CBOR body)
    HDKEY = "hdkey"  # crypto-hdkey / hdkey
    ACCOUNT = "account"  # crypto-account / account-descriptor
    MULTI_ACCOUNTS = "multi-accounts"  # crypto-multi-accounts (Keystone)
    OUTPUT_DESCRIPTOR = "output-descriptor"  # crypto-output / output-descriptor
    SEED = "seed"  # SeedQR entropy or crypto-seed: SECRET
    BYTES = "bytes"  # ur:bytes
    CBOR = "cbor"  # a UR type or BBQr file we carry but do not interpret
    BITCOIN_ADDRESS = "bitcoin-address"
    BIP21 = "bip21"
    ETH_ADDRESS = "eth-address"
    EIP681 = "eip681"
    BTC_SIGN_MESSAGE = "btc-sign-message"  # SeedSigner/Sparrow "signmessage <path> ascii:<message>"
    DESCRIPTOR_TEXT = "descriptor-text"  # xpub, descriptor, or multisig wallet file text (btc parses it)
    JSON = "json"
    TEXT = "text"
    BINARY = "binary"


KINDS = frozenset(PayloadKind)
SECRET_KINDS = frozenset({PayloadKind.SEED})
ADDRESS_KINDS = frozenset(
    {PayloadKind.BITCOIN_ADDRESS, PayloadKind.BIP21, PayloadKind.ETH_ADDRESS, PayloadKind.EIP681}
)


@dataclass(frozen=True, repr=False)
class Payload:
    kind: str
    format: str
    data: bytes
    ur_type: str | None = None
    bbqr_type: str | None = None
    obj: object | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown payload kind {self.kind!r}")
        if self.format not in FORMATS:
            raise ValueError(f"unknown payload format {self.format!r}")

    @property
    def is_secret(self) -> bool:
        return self.kind in SECRET_KINDS

    @property
    def type_label(self) -> str:
        """The format's own name for the type: UR type, BBQr letter, SeedQR flavour, or the kind."""
        if self.ur_type:
            return self.ur_type
        if self.bbqr_type:
            return self.bbqr_type
        if self.format == "seedqr":
            return "compact" if getattr(self.obj, "compact", False) else "standard"
        if self.kind == PayloadKind.SEED:
            return "mnemonic"  # words as text
        return self.kind

    def text(self) -> str:
        """``data`` as UTF-8 text (TransportError if it is not)."""
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError:
            raise TransportError(f"{self.kind} payload is not UTF-8 text") from None

    def __repr__(self) -> str:
        extra = "".join(
            f", {name}={value!r}"
            for name, value in (("ur_type", self.ur_type), ("bbqr_type", self.bbqr_type))
            if value
        )
        content = "content hidden" if self.is_secret else f"{len(self.data)} bytes"
        return f"Payload(kind={str(self.kind)!r}, format={self.format!r}{extra}, {content})"
