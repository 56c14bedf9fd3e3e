"""The encrypted envelope shared by the vault and the portable backup.

Layout (all integers big-endian)::

    0   8  magic            b"AIRLOCKV" (vault) or b"AIRLOCKB" (backup)
    8   1  format version   1
    9   1  KDF id           1 = Argon2id (RFC 9106, cryptography's implementation)
    10  4  memory cost KiB
    14  4  iterations
    18  1  lanes
    19 16  salt
    35  1  AEAD id          1 = ChaCha20-Poly1305
    36 12  nonce
    48 16  password check   bytes 32..47 of the Argon2id output (key is bytes 0..31)
    64  4  ciphertext length N
    68  N  ciphertext + 16-byte tag, associated data = bytes 0..67
    68+N 32 SHA-256 of bytes 0..68+N (unkeyed: tells damage apart from a wrong password)

Opening checks, in order: length and magic, version, checksum (damage -> VaultCorrupt), password
check (-> WrongPassword), AEAD tag (tampering -> VaultCorrupt). The KDF parameters live in the
header, so they can be raised later without breaking old files.

cryptography's Argon2id and ChaCha20-Poly1305 are imported when a file is sealed or opened: the
device starts without them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from dataclasses import dataclass

from signer.keys.errors import UnsupportedVersion, VaultCorrupt, WrongPassword

VERSION = 1
KDF_ARGON2ID = 1
AEAD_CHACHA20POLY1305 = 1
_HEADER = struct.Struct(">8sBBIIB16sB12s16sI")
HEADER_LEN = _HEADER.size  # 68
TRAILER_LEN = 32
TAG_LEN = 16
# A header (a backup may come from anyone's QR) must not make a 512 MB Pi run out of memory or
# spin for minutes before the password is even checked: what a header may ask for is bounded to
# twice the default's work (about 2 s on a Pi Zero 2 W) and twice its memory. Raising the default
# later means raising these with it.
MAX_MEMORY_KIB = 128 * 1024
MAX_ITERATIONS = 8
MAX_WORK_KIB = 2 * (64 * 1024) * 4  # memory x passes
# The largest ciphertext a header may announce (a vault of many seeds, wallets and a long history
# is well under a megabyte); with the header and trailer, the most a reader needs to read.
MAX_CIPHERTEXT = 8 * 1024 * 1024
MAX_FILE_BYTES = 68 + MAX_CIPHERTEXT + 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. Default: 64 MiB, 4 passes, 4 lanes: ~0.1 s on the development machine,
    about 1 s on a Pi Zero 2 W (``make bench`` prints both)."""

    memory_kib: int = 64 * 1024
    iterations: int = 4
    lanes: int = 4

    def check(self) -> None:
        if not (1 <= self.lanes <= 16) or self.memory_kib < 8 * self.lanes or self.iterations < 1:
            raise VaultCorrupt("the KDF parameters in the header are malformed")
        if (
            self.memory_kib > MAX_MEMORY_KIB
            or self.iterations > MAX_ITERATIONS
            or self.memory_kib * self.iterations > MAX_WORK_KIB
        ):
            raise VaultCorrupt(
                f"the header asks for a KDF cost of {self.memory_kib // 1024} MiB x {self.iterations} "
                f"passes, more than this device accepts ({MAX_MEMORY_KIB // 1024} MiB, "
                f"{MAX_WORK_KIB // 1024} MiB-passes in all); nothing was tried"
            )


# Fast parameters for tests only (never for real secrets).
TEST_KDF = KdfParams(memory_kib=64, iterations=1, lanes=1)


def _derive(password: str, salt: bytes, kdf: KdfParams) -> bytes:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    return Argon2id(
        salt=salt, length=48, iterations=kdf.iterations, lanes=kdf.lanes, memory_cost=kdf.memory_kib
    ).derive(password.encode("utf-8"))


def seal(magic: bytes, plaintext: bytes, password: str, kdf: KdfParams) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    if not password:
        raise WrongPassword("an empty password is not allowed")
    kdf.check()
    salt, nonce = os.urandom(16), os.urandom(12)
    derived = bytearray(_derive(password, salt, kdf))
    try:
        header = _HEADER.pack(
            magic,
            VERSION,
            KDF_ARGON2ID,
            kdf.memory_kib,
            kdf.iterations,
            kdf.lanes,
            salt,
            AEAD_CHACHA20POLY1305,
            nonce,
            bytes(derived[32:48]),
            len(plaintext) + TAG_LEN,
        )
        body = header + ChaCha20Poly1305(bytes(derived[:32])).encrypt(nonce, plaintext, header)
    finally:
        derived[:] = bytes(len(derived))
    return body + hashlib.sha256(body).digest()


def read_kdf(magic: bytes, blob: bytes) -> KdfParams:
    """Validate the structure (no password needed) and return the KDF parameters."""
    kind = "vault" if magic == b"AIRLOCKV" else "backup"
    if len(blob) < 9:
        raise VaultCorrupt(f"the {kind} file is truncated ({len(blob)} bytes)")
    if blob[:8] != magic:
        raise VaultCorrupt(f"this is not an Airlock {kind} file (bad magic)")
    if blob[8] != VERSION:
        raise UnsupportedVersion(
            f"{kind} format version {blob[8]} is not supported by this Airlock (knows version {VERSION})"
        )
    if len(blob) < HEADER_LEN + TAG_LEN + TRAILER_LEN:
        raise VaultCorrupt(f"the {kind} file is truncated ({len(blob)} bytes)")
    fields = _HEADER.unpack_from(blob)
    _, _, kdf_id, mem, iters, lanes, _, aead_id, _, _, ct_len = fields
    if ct_len > MAX_CIPHERTEXT:
        raise VaultCorrupt(f"the {kind} header announces {ct_len} bytes of contents, more than any {kind}")
    expected = HEADER_LEN + ct_len + TRAILER_LEN
    if len(blob) != expected:
        what = "truncated" if len(blob) < expected else "longer than its header says"
        raise VaultCorrupt(f"the {kind} file is {what} ({len(blob)} of {expected} bytes)")
    if not hmac.compare_digest(hashlib.sha256(blob[:-TRAILER_LEN]).digest(), blob[-TRAILER_LEN:]):
        raise VaultCorrupt(f"the {kind} file is damaged (checksum mismatch); restore from a backup")
    if kdf_id != KDF_ARGON2ID or aead_id != AEAD_CHACHA20POLY1305:
        raise UnsupportedVersion(f"unknown KDF ({kdf_id}) or cipher ({aead_id}) in the {kind} header")
    kdf = KdfParams(mem, iters, lanes)
    kdf.check()
    return kdf


def open_sealed(magic: bytes, blob: bytes, password: str) -> bytearray:
    """Decrypt; the caller wipes the returned buffer when done."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    kdf = read_kdf(magic, blob)
    fields = _HEADER.unpack_from(blob)
    salt, nonce, check = fields[6], fields[8], fields[9]
    derived = bytearray(_derive(password, salt, kdf))
    try:
        if not hmac.compare_digest(bytes(derived[32:48]), check):
            raise WrongPassword("wrong password")
        try:
            plain = ChaCha20Poly1305(bytes(derived[:32])).decrypt(
                nonce, blob[HEADER_LEN:-TRAILER_LEN], blob[:HEADER_LEN]
            )
        except InvalidTag:
            raise VaultCorrupt("the file fails authentication although the password is right") from None
    finally:
        derived[:] = bytes(len(derived))
    return bytearray(plain)
