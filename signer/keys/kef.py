"""KEF, the Krux Encryption Format: the envelope Krux writes for encrypted mnemonics (and other
secrets), so a seed can move between Krux and Airlock in either direction.

Envelope (``docs/.../kef-specifications.md`` in selfcustody/krux)::

    len_id (1)  id (len_id, the PBKDF2 salt)  version (1)  iterations (3, big-endian)  payload

The stored iteration count ``i`` (>= 1) means ``i`` PBKDF2 rounds when above 10,000, else
``i * 10,000``. The AES-256 key is PBKDF2-HMAC-SHA256(password, id, rounds): the password is the
UTF-8 of what was typed, not normalised. The version fixes the AES mode, the IV length, the
padding, the authentication and compression:

=====  ==========  ====  ==  =======  ===========================================  ========
 ver   name        mode  IV  padding  authentication                               compress
=====  ==========  ====  ==  =======  ===========================================  ========
 0     AES-ECB v1  ECB   -   NUL      sha256(P)[:16] hidden (appended, encrypted)  no
 1     AES-CBC v1  CBC   16  NUL      sha256(P)[:16] hidden                        no
 5     AES-ECB     ECB   -   NUL      sha256(v + P + k)[:3] exposed (after ct)     no
 6     AES-ECB +p  ECB   -   PKCS7    sha256(P)[:4] hidden                         no
 7     AES-ECB +c  ECB   -   PKCS7    sha256(Z)[:4] hidden                         yes
 10    AES-CBC     CBC   16  NUL      sha256(v + iv + P + k)[:4] exposed           no
 11    AES-CBC +p  CBC   16  PKCS7    sha256(P)[:4] hidden                         no
 12    AES-CBC +c  CBC   16  PKCS7    sha256(Z)[:4] hidden                         yes
 15    AES-CTR     CTR   12  -        sha256(P)[:4] hidden                         no
 16    AES-CTR +c  CTR   12  -        sha256(Z)[:4] hidden                         yes
 20    AES-GCM     GCM   12  -        GCM tag[:4] exposed                          no
 21    AES-GCM +c  GCM   12  -        GCM tag[:4] exposed                          yes
=====  ==========  ====  ==  =======  ===========================================  ========

``Z`` is the raw-deflate (window 2**10) of the plaintext; the payload is ``iv + ciphertext``
followed by the exposed authentication when there is one; the CTR counter block is the 12-byte
nonce followed by a 32-bit counter from 0. As the specification asks, encryption is strict
(refused when ECB would repeat a block or NUL padding could not be undone) and decryption is
tolerant (NUL padding that swallowed trailing zero bytes is tried both ways).

Every version decrypts here; Airlock encrypts with version 20 (AES-GCM), Krux's default.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
import zlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from signer.keys.errors import KefError, UnsupportedVersion, WrongPassword

MAX_ID = 252
MAX_ROUNDS = 2_000_000  # Krux offers up to 500,000 (+10%); more would stall a Pi Zero for minutes
ROUNDS_MULTIPLIER = 10_000
MAX_PLAINTEXT = 64 * 1024
DEFAULT_VERSION = 20
WRONG_PASSWORD = "wrong password (or a damaged code): this Krux encrypted QR does not open with it"
BLOCK = 16


@dataclass(frozen=True)
class KefVersion:
    number: int
    name: str
    mode: str  # ECB | CBC | CTR | GCM
    padding: str | None  # "nul" | "pkcs7" | None
    auth: int  # < 0: that many bytes of sha256 hidden inside the plaintext; > 0: exposed after it
    compress: bool = False

    @property
    def iv_len(self) -> int:
        return {"ECB": 0, "CBC": 16, "CTR": 12, "GCM": 12}[self.mode]


VERSIONS: dict[int, KefVersion] = {
    v.number: v
    for v in (
        KefVersion(0, "AES-ECB v1", "ECB", "nul", -16),
        KefVersion(1, "AES-CBC v1", "CBC", "nul", -16),
        KefVersion(5, "AES-ECB", "ECB", "nul", 3),
        KefVersion(6, "AES-ECB +p", "ECB", "pkcs7", -4),
        KefVersion(7, "AES-ECB +c", "ECB", "pkcs7", -4, True),
        KefVersion(10, "AES-CBC", "CBC", "nul", 4),
        KefVersion(11, "AES-CBC +p", "CBC", "pkcs7", -4),
        KefVersion(12, "AES-CBC +c", "CBC", "pkcs7", -4, True),
        KefVersion(15, "AES-CTR", "CTR", None, -4),
        KefVersion(16, "AES-CTR +c", "CTR", None, -4, True),
        KefVersion(20, "AES-GCM", "GCM", None, 4),
        KefVersion(21, "AES-GCM +c", "GCM", None, 4, True),
    )
}


@dataclass(frozen=True)
class Envelope:
    id: bytes
    version: int
    rounds: int  # PBKDF2 rounds (the stored field already expanded)
    payload: bytes

    @property
    def spec(self) -> KefVersion:
        return VERSIONS[self.version]

    @property
    def id_text(self) -> str:
        """The ID for a screen: its text when it is printable UTF-8, else its hex."""
        try:
            text = self.id.decode("utf-8")
        except UnicodeDecodeError:
            return "0x" + self.id.hex()
        return text if text.isprintable() else "0x" + self.id.hex()

    def describe(self) -> str:
        return f"ID {self.id_text}, {self.spec.name}, {self.rounds:,} key rounds"


# --------------------------------------------------------------------------- envelope bytes
def unwrap(blob: bytes) -> Envelope:
    """Split an envelope into its fields; KefError / UnsupportedVersion say what is wrong."""
    blob = bytes(blob)
    if len(blob) < 2:
        raise KefError("not a KEF envelope: it is too short")
    len_id = blob[0]
    if len_id > MAX_ID:
        raise KefError(f"not a KEF envelope: its ID length {len_id} is over {MAX_ID}")
    if len(blob) < 1 + len_id + 4:
        raise KefError("the KEF envelope is truncated: it ends inside its header")
    id_ = blob[1 : 1 + len_id]
    version = blob[1 + len_id]
    if version not in VERSIONS:
        known = ", ".join(str(v) for v in VERSIONS)
        raise UnsupportedVersion(
            f"KEF version {version} is not one Airlock reads (it reads {known}), or this is no KEF envelope"
        )
    stored = int.from_bytes(blob[2 + len_id : 5 + len_id], "big")
    if stored == 0:
        raise KefError("the KEF envelope is damaged: its iteration count is 0")
    rounds = stored if stored > ROUNDS_MULTIPLIER else stored * ROUNDS_MULTIPLIER
    payload = blob[5 + len_id :]
    _check_payload(VERSIONS[version], payload)
    return Envelope(id_, version, rounds, payload)


def _check_payload(spec: KefVersion, payload: bytes) -> None:
    exposed = max(spec.auth, 0)
    body = len(payload) - spec.iv_len - exposed
    if spec.mode in ("ECB", "CBC"):
        if body < BLOCK or body % BLOCK:
            raise KefError(
                f"the KEF envelope is truncated or damaged: {spec.name} needs whole 16-byte blocks "
                f"of ciphertext, it has {max(body, 0)} bytes"
            )
    elif body < 1 + max(-spec.auth, 0):
        raise KefError(f"the KEF envelope is truncated: {spec.name} needs more than {len(payload)} bytes")


def wrap(id_: bytes, version: int, rounds: int, payload: bytes) -> bytes:
    if len(id_) > MAX_ID:
        raise KefError(f"a KEF ID is at most {MAX_ID} bytes")
    if version not in VERSIONS:
        raise UnsupportedVersion(f"KEF version {version} is not one Airlock writes")
    if rounds % ROUNDS_MULTIPLIER == 0 and 1 <= rounds // ROUNDS_MULTIPLIER <= ROUNDS_MULTIPLIER:
        stored = rounds // ROUNDS_MULTIPLIER
    elif ROUNDS_MULTIPLIER < rounds < 2**24:
        stored = rounds
    else:
        raise KefError(f"{rounds} key rounds cannot be written in a KEF envelope")
    return bytes([len(id_)]) + id_ + bytes([version]) + stored.to_bytes(3, "big") + payload


def is_envelope(blob: bytes) -> bool:
    """Whether ``blob`` parses as an envelope of a version Airlock reads (a hint, not a proof: only
    decryption proves it)."""
    try:
        unwrap(blob)
    except (KefError, UnsupportedVersion):
        return False
    return True


# --------------------------------------------------------------------------- key
def derive_key(password: str | bytes, id_: bytes, rounds: int) -> bytes:
    if not 1 <= rounds <= MAX_ROUNDS:
        raise KefError(
            f"this KEF envelope asks for {rounds:,} key rounds; Airlock accepts at most {MAX_ROUNDS:,}"
        )
    secret = password.encode("utf-8") if isinstance(password, str) else bytes(password)
    return hashlib.pbkdf2_hmac("sha256", secret, id_, rounds)


def password_forms(password: str) -> list[bytes]:
    """The typed password's UTF-8, then (for non-ASCII passwords only) its NFC and NFD forms, since
    another device may have composed accents differently."""
    forms = [password.encode("utf-8")]
    if not password.isascii():
        for form in ("NFC", "NFD"):
            candidate = unicodedata.normalize(form, password).encode("utf-8")
            if candidate not in forms:
                forms.append(candidate)
    return forms


# --------------------------------------------------------------------------- decryption
def decrypt(envelope: Envelope, password: str) -> bytearray:
    """The plaintext (a bytearray the caller wipes). WrongPassword when no form of the password
    authenticates; KefError when the envelope decrypts but its contents are damaged."""
    for secret in password_forms(password):
        key = derive_key(secret, envelope.id, envelope.rounds)
        plain = decrypt_with_key(envelope, key)
        if plain is not None:
            return plain
    raise WrongPassword(WRONG_PASSWORD)


def decrypt_with_key(envelope: Envelope, key: bytes) -> bytearray | None:
    """The plaintext, or None when ``key`` does not authenticate the payload."""
    spec = envelope.spec
    payload = envelope.payload
    iv = payload[: spec.iv_len]
    exposed = payload[len(payload) - spec.auth :] if spec.auth > 0 else b""
    body = payload[spec.iv_len : len(payload) - len(exposed)]
    if spec.mode == "GCM":
        data = _gcm_open(key, iv, body, exposed)
        if data is None:
            return None
    else:
        data = bytearray(_aes(spec.mode, key, iv, encrypt=False).update(body))
    try:
        unpacked = _unpack(spec, data, iv, key, exposed)
    finally:
        data[:] = bytes(len(data))
    if unpacked is None:
        return None
    if not spec.compress:
        return unpacked
    try:
        return _inflate(unpacked)
    finally:
        unpacked[:] = bytes(len(unpacked))


def _unpack(spec: KefVersion, data: bytearray, iv: bytes, key: bytes, exposed: bytes) -> bytearray | None:
    """Remove padding and check the authentication; None when it does not match."""
    hidden = max(-spec.auth, 0)
    if spec.padding == "pkcs7":
        pad = data[-1] if data else 0
        if not 1 <= pad <= BLOCK or pad > len(data) or data[-pad:] != bytes([pad]) * pad:
            return None
        candidates = [len(data) - pad]
    elif spec.padding == "nul":
        zeros = len(data) - len(data.rstrip(b"\x00"))
        candidates = [len(data) - k for k in range(min(zeros, BLOCK - 1), -1, -1)]
    else:
        candidates = [len(data)]
    for end in candidates:
        if end <= hidden:
            continue
        if hidden:
            body, tag = data[: end - hidden], data[end - hidden : end]
            if hmac.compare_digest(hashlib.sha256(body).digest()[:hidden], tag):
                return bytearray(body)
        elif spec.mode == "GCM":
            return bytearray(data[:end])
        else:
            body = data[:end]
            check = hashlib.sha256(bytes([spec.number]) + iv + body + key).digest()[: len(exposed)]
            if hmac.compare_digest(check, exposed):
                return bytearray(body)
    return None


def _gcm_open(key: bytes, iv: bytes, body: bytes, tag: bytes) -> bytearray | None:
    decryptor = Cipher(algorithms.AES(key), modes.GCM(iv, tag, min_tag_length=len(tag))).decryptor()
    data = bytearray(decryptor.update(body))
    try:
        decryptor.finalize()
    except InvalidTag:
        data[:] = bytes(len(data))
        return None
    return data


def _aes(mode: str, key: bytes, iv: bytes, *, encrypt: bool) -> CipherContext:
    chosen: modes.ECB | modes.CBC | modes.CTR
    if mode == "ECB":
        chosen = modes.ECB()
    elif mode == "CBC":
        chosen = modes.CBC(iv)
    elif mode == "CTR":
        chosen = modes.CTR(iv + bytes(4))
    else:
        raise KeyError(mode)
    cipher = Cipher(algorithms.AES(key), chosen)
    return cipher.encryptor() if encrypt else cipher.decryptor()


def _inflate(data: bytes | bytearray) -> bytearray:
    inflater = zlib.decompressobj(-15)  # a 2**15 window also reads KEF's 2**10 streams
    try:
        out = bytearray(inflater.decompress(bytes(data), MAX_PLAINTEXT + 1))
    except zlib.error:
        raise KefError("the KEF envelope decrypted but its compressed contents are damaged") from None
    if len(out) > MAX_PLAINTEXT or inflater.unconsumed_tail:
        out[:] = bytes(len(out))
        raise KefError(f"the KEF envelope holds more than {MAX_PLAINTEXT} bytes; Airlock reads less")
    if not inflater.eof:
        out[:] = bytes(len(out))
        raise KefError("the KEF envelope decrypted but its compressed contents are cut short")
    return out


# --------------------------------------------------------------------------- encryption
def encrypt(
    plaintext: bytes,
    password: str,
    id_: bytes,
    *,
    version: int = DEFAULT_VERSION,
    rounds: int = 100_000,
    iv: bytes | None = None,
) -> bytes:
    """A complete envelope of ``plaintext``. KefError when this version cannot hold it safely."""
    if version not in VERSIONS:
        raise UnsupportedVersion(f"KEF version {version} is not one Airlock writes")
    spec = VERSIONS[version]
    if not plaintext:
        raise KefError("nothing to encrypt")
    if iv is None:
        iv = os.urandom(spec.iv_len)
    if len(iv) != spec.iv_len:
        raise KefError(f"{spec.name} needs a {spec.iv_len}-byte IV")
    key = derive_key(password, id_, rounds)
    return wrap(id_, version, rounds, encrypt_with_key(spec, key, iv, plaintext))


def encrypt_with_key(spec: KefVersion, key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    data = bytearray(_deflate(plaintext) if spec.compress else plaintext)
    try:
        exposed = b""
        if spec.auth < 0:
            data += hashlib.sha256(data).digest()[: -spec.auth]
        elif spec.mode != "GCM":
            exposed = hashlib.sha256(bytes([spec.number]) + iv + bytes(data) + key).digest()[: spec.auth]
        if spec.padding == "nul":
            if data.endswith(b"\x00"):
                raise KefError(
                    f"{spec.name} cannot hold this secret: it ends in a zero byte that NUL padding "
                    "would lose; use another version"
                )
            data += bytes(-len(data) % BLOCK)
        elif spec.padding == "pkcs7":
            pad = BLOCK - len(data) % BLOCK
            data += bytes([pad]) * pad
        if spec.mode == "ECB":
            blocks = [bytes(data[i : i + BLOCK]) for i in range(0, len(data), BLOCK)]
            if len(set(blocks)) != len(blocks):
                raise KefError(
                    f"{spec.name} would repeat a ciphertext block for this secret; use another version"
                )
        if spec.mode == "GCM":
            sealed = AESGCM(key).encrypt(iv, bytes(data), None)
            return iv + sealed[:-16] + sealed[-16 : -16 + spec.auth]
        return iv + _aes(spec.mode, key, iv, encrypt=True).update(bytes(data)) + exposed
    finally:
        data[:] = bytes(len(data))


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -10)
    return compressor.compress(data) + compressor.flush()
