"""Signed updates for the SD-card image: made by the maintainers, checked by the running device.

An update file (``airlock-<version>.update``) is an uncompressed tar of

- ``manifest.json``: ``{"format": "airlock-update/1", "version": "0.2.0", "files": {NAME: {"sha256":
  HEX, "size": N}, ...}}``, canonical (sorted keys, no spaces);
- ``manifest.sig``: the 64-byte Ed25519 signature of ``SIGNED_PREFIX + manifest.json``, made with the
  release key kept offline by the maintainers (the prefix keeps the signature from meaning anything
  else);
- exactly the files the manifest lists (``root.sqfs``, ``boot/...``).

:func:`verify_update` is what the running, already trusted version does before anything is written: the
signature is checked with the public key baked into the image before the manifest is even parsed, then
the version must be newer than the running one (a downgrade or the same version again is refused), and
every file must be listed, of its listed size, with its listed sha256. It writes nothing. Installing (the
A/B switch, docs/image.md) happens only after the person confirms on the screen, and never touches the
vault partition, which no update file can name.

``cryptography`` is imported by the functions that need it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from signer import strict_json
from signer.errors import AirlockError, Refusal

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "airlock-update/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SIGNED_PREFIX = b"Airlock update manifest v1\n"
MAX_MANIFEST_BYTES = 64 * 1024
MAX_FILES = 256
# a file name in an update: relative, plain characters, no "." or ".." parts
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*")
_VERSION = re.compile(r"(0|[1-9][0-9]{0,5})(\.(0|[1-9][0-9]{0,5})){0,3}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


class UpdateError(AirlockError):
    """The update file cannot be used: damaged, not signed by the release key, or not what it says."""


class UpdateRefused(Refusal):
    """A genuine update that will not be installed: older than, or the same as, the running version."""


@dataclass(frozen=True)
class UpdateFile:
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class VerifiedUpdate:
    """What the person is asked to confirm: an update whose signature, version and files all checked."""

    version: str
    running_version: str
    files: tuple[UpdateFile, ...]
    manifest_sha256: str  # names this exact release: compare it with the one the maintainers publish

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


def parse_version(text: str) -> tuple[int, ...]:
    """``1.2.3`` as (1, 2, 3): one to four numbers; anything else (``1.2rc1``, ``v1``) is refused."""
    if not isinstance(text, str) or not _VERSION.fullmatch(text):
        raise UpdateError("the update's version is not of the form 1.2.3")
    return tuple(int(part) for part in text.split("."))


def _padded(version: tuple[int, ...]) -> tuple[int, ...]:
    return version + (0,) * (4 - len(version))


def check_name(name: str) -> str:
    if not isinstance(name, str) or len(name) > 200 or not _NAME.fullmatch(name):
        raise UpdateError("the update names a file with an unsafe or unreadable path")
    if name in (MANIFEST, SIGNATURE):
        raise UpdateError(f"the update lists {name} among its files")
    return name


# -- making an update (the maintainers) ----------------------------------------------------------
def build_manifest(version: str, files: Mapping[str, Path]) -> bytes:
    """The canonical manifest of ``files`` (name in the update -> file on disk)."""
    parse_version(version)
    entries = {}
    for name, path in sorted(files.items()):
        check_name(name)
        with Path(path).open("rb") as fh:
            digest, size = _hash_stream(fh)
        entries[name] = {"sha256": digest, "size": size}
    if not entries:
        raise UpdateError("an update must hold at least one file")
    doc = {"format": FORMAT, "version": version, "files": entries}
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def sign_manifest(manifest: bytes, key: Ed25519PrivateKey) -> bytes:
    return key.sign(SIGNED_PREFIX + manifest)


def write_update(out: Path, version: str, files: Mapping[str, Path], key: Ed25519PrivateKey) -> str:
    """Write the signed update file ``out`` (via a temporary file, renamed when complete); returns the
    manifest's sha256. Members are in a fixed order with fixed owners and times: the same inputs give
    the same bytes."""
    manifest = build_manifest(version, files)
    signature = sign_manifest(manifest, key)
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.unlink(missing_ok=True)
    with tarfile.open(tmp, "w", format=tarfile.USTAR_FORMAT) as tar:
        _add_bytes(tar, MANIFEST, manifest)
        _add_bytes(tar, SIGNATURE, signature)
        for name, path in sorted(files.items()):
            info = _info(name, Path(path).stat().st_size)
            with Path(path).open("rb") as fh:
                tar.addfile(info, fh)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, out)
    return hashlib.sha256(manifest).hexdigest()


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime, info.uid, info.gid = size, 0o644, 0, 0, 0
    info.uname = info.gname = ""
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    tar.addfile(_info(name, len(data)), io.BytesIO(data))


# -- checking an update (the device) -------------------------------------------------------------
def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """The release key as the image carries it (PEM, SubjectPublicKeyInfo)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(pem)
    except ValueError:
        raise UpdateError("the update key is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UpdateError("the update key is not an Ed25519 key")
    return key


def verify_update(path: Path, key: Ed25519PublicKey, running_version: str) -> VerifiedUpdate:
    """Check the update file at ``path`` completely, writing nothing; raise UpdateError (damaged, wrong
    signature, files not as signed) or UpdateRefused (not newer than ``running_version``)."""
    from cryptography.exceptions import InvalidSignature

    try:
        with tarfile.open(path, "r:") as tar:
            members = _members(tar)
            manifest = _read_small(tar, members, MANIFEST, MAX_MANIFEST_BYTES)
            signature = _read_small(tar, members, SIGNATURE, 64)
            try:
                key.verify(signature, SIGNED_PREFIX + manifest)
            except InvalidSignature:
                raise UpdateError("the update is not signed by the Airlock release key") from None
            version, listed = _parse_manifest(manifest)
            _check_version(version, running_version)
            present = {name for name in members if name not in (MANIFEST, SIGNATURE)}
            if extra := sorted(present - listed.keys()):
                raise UpdateError(f"the update holds a file its signed manifest does not list: {extra[0]}")
            if missing := sorted(listed.keys() - present):
                raise UpdateError(f"the update lacks {missing[0]}, which its signed manifest lists")
            for name, expected in sorted(listed.items()):
                fh = tar.extractfile(members[name])
                assert fh is not None  # regular files only (_members)
                digest, size = _hash_stream(fh)
                if size != expected.size or digest != expected.sha256:
                    raise UpdateError(f"{name} in the update does not match its signed checksum")
    except (tarfile.TarError, EOFError) as exc:
        raise UpdateError(f"the update file is damaged or incomplete ({_why(exc)})") from None
    except OSError as exc:
        raise UpdateError(f"cannot read the update file: {exc.strerror or exc}") from None
    return VerifiedUpdate(
        version=version,
        running_version=running_version,
        files=tuple(listed[name] for name in sorted(listed)),
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
    )


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:120]


def _members(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    members: dict[str, tarfile.TarInfo] = {}
    for info in tar:
        if len(members) > MAX_FILES:
            raise UpdateError(f"the update holds more than {MAX_FILES} files")
        if not info.isreg():
            raise UpdateError("the update holds something other than plain files (a link or a folder)")
        name = info.name
        if name not in (MANIFEST, SIGNATURE):
            check_name(name)
        if name in members:
            raise UpdateError(f"the update holds {name} twice")
        members[name] = info
    return members


def _read_small(tar: tarfile.TarFile, members: Mapping[str, tarfile.TarInfo], name: str, limit: int) -> bytes:
    info = members.get(name)
    if info is None:
        raise UpdateError(f"the update has no {name}: it is not an Airlock update file")
    if info.size > limit:
        raise UpdateError(f"the update's {name} is larger than {limit} bytes")
    fh = tar.extractfile(info)
    assert fh is not None
    data = fh.read(limit + 1)
    if len(data) != info.size:
        raise UpdateError(f"the update file is damaged or incomplete ({name} is cut short)")
    return data


def _parse_manifest(manifest: bytes) -> tuple[str, dict[str, UpdateFile]]:
    try:
        doc: Any = strict_json.loads(manifest, what="the update's manifest", max_bytes=MAX_MANIFEST_BYTES)
    except strict_json.JsonRejected as exc:
        raise UpdateError(str(exc)) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise UpdateError(f"the update's manifest is not of the {FORMAT} format")
    if set(doc) != {"format", "version", "files"}:
        raise UpdateError("the update's manifest has fields other than format, version and files")
    version = doc["version"]
    parse_version(version)
    files = doc["files"]
    if not isinstance(files, dict) or not files or len(files) > MAX_FILES:
        raise UpdateError("the update's manifest lists no files, or too many")
    listed = {}
    for name, entry in files.items():
        check_name(name)
        if not isinstance(entry, dict) or set(entry) != {"sha256", "size"}:
            raise UpdateError(f"the update's manifest entry for {name} is not a sha256 and a size")
        digest, size = entry["sha256"], entry["size"]
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise UpdateError(f"the update's manifest gives {name} no valid sha256")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise UpdateError(f"the update's manifest gives {name} no valid size")
        listed[name] = UpdateFile(name, digest, size)
    return version, listed


def _check_version(version: str, running: str) -> None:
    new = _padded(parse_version(version))
    try:
        current = _padded(parse_version(running))
    except UpdateError:
        raise UpdateError(f"the running version {running!r} cannot be compared with an update's") from None
    if new == current:
        raise UpdateRefused(f"this update is version {version}, which is already installed")
    if new < current:
        raise UpdateRefused(
            f"downgrade refused: the update is version {version}, older than the installed {running}"
        )


def _hash_stream(fh: Any) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := fh.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size
