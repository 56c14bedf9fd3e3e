"""EIP-191 personal messages (personal_sign; ERC-4527 data type 3): text or bytes, and the
tell-tale signs of blind signing (a bare 32-byte hash, an encoded transaction, binary data)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from signer import safe_text
from signer.eth.errors import EthError
from signer.eth.tx import looks_like_tx
from signer.keccak import keccak256

MAX_MESSAGE_BYTES = 64 * 1024


@dataclass(frozen=True)
class PersonalMessage:
    data: bytes

    @property
    def text(self) -> str | None:
        """The message as text when it is UTF-8 without control codes (line breaks and tabs aside).
        It may hold other hidden characters (right-to-left marks, zero-width spaces): ``shown``
        makes them visible."""
        try:
            text = self.data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in text):
            return None
        return text

    @property
    def shown(self) -> safe_text.Escaped:
        """The text as it is shown: control, bidi and invisible characters as their codes (each
        backslash doubled, so a typed code cannot pass for one), how many were escaped."""
        return safe_text.escape(self.text or "")

    @property
    def is_sentence(self) -> bool:
        """Words a person wrote: letters, digits, spaces and punctuation only, at least three
        words, mostly letters. 32 random bytes pass with odds below 2^-55, so a hash cannot be
        ground into looking like one at any useful cost (printable alone would be ~2^-46)."""
        text = self.text
        if text is None or text.count(" ") < 2:
            return False
        kinds = [unicodedata.category(ch)[0] for ch in text]
        if any(k not in "LNP" and ch != " " for k, ch in zip(kinds, text, strict=True)):
            return False
        return kinds.count("L") * 2 >= len(text)

    @property
    def is_bare_hash(self) -> bool:
        """32 bytes that are not a readable sentence: what eth_sign and contract 'signed hash'
        schemes (a Safe's personal_sign over safeTxHash) take, so possibly a transaction in disguise."""
        return len(self.data) == 32 and not self.is_sentence

    @property
    def looks_like_transaction(self) -> bool:
        return looks_like_tx(self.data)

    @property
    def is_siwe(self) -> bool:
        """Sign-In with Ethereum (EIP-4361) messages start '<domain> wants you to sign in'."""
        text = self.text
        if not text:
            return False
        return " wants you to sign in with your Ethereum account:" in text.split("\n", 1)[0]

    def digest(self) -> bytes:
        """keccak256("\\x19Ethereum Signed Message:\\n" + len + message)."""
        return keccak256(b"\x19Ethereum Signed Message:\n" + str(len(self.data)).encode() + self.data)

    @property
    def siwe_domain(self) -> str | None:
        """The site a Sign-In with Ethereum message names in its first line (EIP-4361)."""
        if not self.is_siwe:
            return None
        return (self.text or "").split(" wants you to sign in", 1)[0].strip()

    @property
    def siwe_uri_host(self) -> str | None:
        """The host of the message's ``URI:`` line, if it has one."""
        from urllib.parse import urlsplit

        for line in (self.text or "").split("\n")[1:]:
            if line.startswith("URI: "):
                try:
                    return urlsplit(line[5:].strip()).hostname
                except ValueError:
                    return None
        return None

    def display(self) -> str:
        return self.shown.text if self.text is not None else "0x" + self.data.hex()


def parse_personal_message(data: bytes) -> PersonalMessage:
    data = bytes(data)
    if len(data) > MAX_MESSAGE_BYTES:
        raise EthError(
            f"message is {len(data)} bytes, more than the {MAX_MESSAGE_BYTES} shown on this device"
        )
    return PersonalMessage(data)
