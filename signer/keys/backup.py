"""Encrypted backup: chosen seeds (with accounts, labels and registered multisig wallets) under
their own password, small enough to travel as an animated QR, restorable into any vault.

File/QR payload: the envelope in ``envelope.py`` with magic ``AIRLOCKB`` (same Argon2id +
ChaCha20-Poly1305 as the vault). Plaintext: UTF-8 JSON, version 1::

    {"format": "airlock-backup", "version": 1, "created": "ISO-8601 UTC",
     "seeds": [<seed record exactly as in the vault, see vault.py>, ...]}

About 330 bytes for one 12-word seed with two accounts: a single dense QR, or a few UR frames.

Exporting and reading both take ``check``, the caller's test of each seed record (the Bitcoin layer's
``multisig_registry.check_seed_records``: every multisig wallet valid and cosigned by its seed). A
record that fails it stops the export, or the restore before anything is stored; it is a required
argument so that no caller can forget it (this layer cannot import the Bitcoin one).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from signer import strict_json
from signer.keys import envelope
from signer.keys.accounts import fingerprint
from signer.keys.errors import UnsupportedVersion, VaultCorrupt, VaultError
from signer.keys.vault import MAX_CONTENT_BYTES, SeedEntry, Vault

MAGIC = b"AIRLOCKB"
PLAINTEXT_VERSION = 1
Check = Callable[[SeedEntry], None]  # raises AirlockError for a record that must not be stored


def export_backup(
    entries: list[SeedEntry], password: str, kdf: envelope.KdfParams | None = None, *, check: Check
) -> bytes:
    if not entries:
        raise VaultError("choose at least one seed to back up")
    for entry in entries:
        check(entry)
    doc = {
        "format": "airlock-backup",
        "version": PLAINTEXT_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seeds": [{k: v for k, v in e.to_json().items() if k != "history"} for e in entries],
    }
    plain = bytearray(json.dumps(doc, separators=(",", ":"), sort_keys=True).encode())
    try:
        return envelope.seal(MAGIC, bytes(plain), password, kdf or envelope.KdfParams())
    finally:
        plain[:] = bytes(len(plain))


def is_backup(blob: bytes) -> bool:
    return blob[:8] == MAGIC


def read_backup(blob: bytes, password: str, *, check: Check) -> list[SeedEntry]:
    """The backup's seed records, each passed by ``check``; on any error none is returned (and the
    secrets read are wiped)."""
    plain = envelope.open_sealed(MAGIC, blob, password)
    try:
        doc = strict_json.loads(bytes(plain), what="the backup's contents", max_bytes=MAX_CONTENT_BYTES)
    except strict_json.JsonRejected:  # its message is not shown: the text could quote a secret
        raise VaultCorrupt("the backup decrypted but its contents are not valid") from None
    finally:
        plain[:] = bytes(len(plain))
    if not isinstance(doc, dict) or doc.get("format") != "airlock-backup":
        raise VaultCorrupt("the backup decrypted but is not an Airlock backup")
    if doc.get("version") != PLAINTEXT_VERSION:
        raise UnsupportedVersion(f"backup contents version {doc.get('version')} is not supported")
    entries: list[SeedEntry] = []
    try:
        try:
            entries.extend(SeedEntry.from_json(s) for s in doc["seeds"])
        except (KeyError, TypeError, ValueError):
            raise VaultCorrupt("the backup decrypted but a seed record is malformed") from None
        for entry in entries:
            _check_fingerprint(entry)
            check(entry)
    except BaseException:
        for entry in entries:
            entry.material.wipe()
        raise
    return entries


def _check_fingerprint(entry: SeedEntry) -> None:
    """The fingerprint a record states must be its secret's: restoring skips seeds by fingerprint,
    and shows it to say which seed this is."""
    actual = fingerprint(entry.material.bip32_seed(""))
    if actual != entry.fingerprint:
        raise VaultCorrupt(
            f"seed {entry.label!r}: the backup says fingerprint {entry.fingerprint}, its words give "
            f"{actual}: the backup was altered; nothing was restored"
        )


def restore_into(vault: Vault, entries: list[SeedEntry]) -> tuple[list[str], list[str]]:
    """Add the backup's seeds to ``vault``; seeds already there (same fingerprint) are skipped.

    Returns (restored labels, skipped labels). A label clash gets a numbered suffix.
    """
    restored: list[SeedEntry] = []
    skipped: list[str] = []
    taken = set(vault.labels())
    for entry in entries:
        if vault.find_fingerprint(entry.fingerprint) is not None:
            skipped.append(entry.label)
            continue
        label, n = entry.label, 2
        while label in taken:
            label = f"{entry.label[:34]} ({n})"
            n += 1
        taken.add(label)
        entry.label = label
        restored.append(entry)
    if restored:
        vault.import_entries(restored)  # one save, one key derivation
    return [e.label for e in restored], skipped
