"""The vault: one encrypted file holding any number of seeds with their accounts.

File: the envelope in ``envelope.py`` (magic ``AIRLOCKV``). Plaintext: UTF-8 JSON, version 1::

    {"format": "airlock-vault", "version": 1,
     "seeds": [{"label": str, "kind": "bip39" | "slip39", "fingerprint": "8 hex",
                "created": "ISO-8601 UTC", "demo": bool,
                "secret": {"entropy": hex} | {"ems": hex, "identifier": int,
                                              "extendable": bool, "iteration_exponent": int},
                "accounts": [{"kind": "btc-84", "network": "main", "index": 0}, ...],
                "multisig": [{"name": str, "descriptor": str, "fingerprint": "8 hex"}, ...],
                "history": {...}}],         # addresses signed for (risk rules), opaque here
     "settings": {...}}

A multisig record's ``fingerprint`` is the master fingerprint that registered it (the seed's, or
the seed's with a passphrase); records written before it existed lack it. The descriptors are
opaque here: ``signer.btc.multisig_records`` reads them.

Every save is atomic (``atomic_file``) and first copies the current file to ``<name>.prev``
(itself atomically), so the previous good generation survives whatever happens next.
"""

from __future__ import annotations

import copy
import hmac
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from signer import strict_json
from signer.atomic_file import atomic_write
from signer.keys import envelope
from signer.keys.accounts import AccountSpec, fingerprint
from signer.keys.errors import SeedNotFound, UnsupportedVersion, VaultCorrupt, VaultError, WrongPassword
from signer.keys.seed import SeedMaterial, material_from_json

MAGIC = b"AIRLOCKV"
PLAINTEXT_VERSION = 1
MAX_LABEL = 40
# A decrypted vault or backup document larger than this is not one we wrote (a vault with many
# seeds, multisig wallets and a long history stays well under it).
MAX_CONTENT_BYTES = 4 * 1024 * 1024
MAX_WALLET_NAME = 64
DEFAULT_ACCOUNTS = (AccountSpec("btc-84"), AccountSpec("eth"))


def clean_label(label: str) -> str:
    label = unicodedata.normalize("NFC", label).strip()
    if not label:
        raise VaultError("a seed label cannot be empty")
    if len(label) > MAX_LABEL or any(not c.isprintable() for c in label):
        raise VaultError(f"a seed label is at most {MAX_LABEL} printable characters")
    return label


def clean_wallet_name(name: str) -> str:
    """A multisig wallet name: whitespace collapsed, printable, 1 to MAX_WALLET_NAME characters."""
    cleaned = " ".join(unicodedata.normalize("NFC", name).split())
    if not cleaned:
        raise VaultError("a multisig wallet name cannot be empty")
    if len(cleaned) > MAX_WALLET_NAME or not cleaned.isprintable():
        raise VaultError(f"a multisig wallet name is at most {MAX_WALLET_NAME} printable characters")
    return cleaned


def _multisig_from_json(data: dict[str, Any]) -> dict[str, str]:
    record = {"name": str(data["name"]), "descriptor": str(data["descriptor"])}
    if data.get("fingerprint") is not None:
        record["fingerprint"] = str(data["fingerprint"])
    return record


@dataclass(eq=False)
class SeedEntry:
    label: str
    material: SeedMaterial
    fingerprint: str
    created: str
    accounts: list[AccountSpec] = field(default_factory=list)
    multisig: list[dict[str, str]] = field(default_factory=list)
    history: dict[str, Any] = field(default_factory=dict)
    demo: bool = False

    @property
    def kind(self) -> str:
        return self.material.kind

    def bip32_seed(self, passphrase: str = "") -> bytes:
        return self.material.bip32_seed(passphrase)

    def summary(self) -> dict[str, Any]:
        """Everything but the secret (for ``vault list --json`` and the UI)."""
        return {
            "label": self.label,
            "kind": self.kind,
            "fingerprint": self.fingerprint,
            "created": self.created,
            "demo": self.demo,
            "accounts": [a.to_json() for a in self.accounts],
            "multisig": [m["name"] for m in self.multisig],
        }

    def to_json(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "secret": self.material.to_json(),
            "multisig": self.multisig,
            "history": self.history,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SeedEntry:
        return cls(
            label=str(data["label"]),
            material=material_from_json(str(data["kind"]), data["secret"]),
            fingerprint=str(data["fingerprint"]),
            created=str(data["created"]),
            accounts=[AccountSpec.from_json(a) for a in data.get("accounts", [])],
            multisig=[_multisig_from_json(m) for m in data.get("multisig", [])],
            history=dict(data.get("history", {})),
            demo=bool(data.get("demo", False)),
        )

    # -- multisig records (the Vault methods below save these changes) ----------------------
    def multisig_record(self, name: str) -> dict[str, str]:
        for record in self.multisig:
            if record["name"] == name:
                return record
        raise VaultError(f"no multisig wallet named {name!r} is registered for {self.label!r}")

    def add_multisig(self, name: str, descriptor: str, fingerprint: str | None = None) -> bool:
        """Add a record; False (and nothing changes) when this descriptor is already registered."""
        if any(m["descriptor"] == descriptor for m in self.multisig):
            return False
        name = clean_wallet_name(name)
        if any(m["name"] == name for m in self.multisig):
            raise VaultError(f"a multisig wallet named {name!r} is already registered for this seed")
        record = {"name": name, "descriptor": descriptor}
        if fingerprint is not None:
            record["fingerprint"] = fingerprint
        self.multisig.append(record)
        return True

    def rename_multisig(self, name: str, new_name: str) -> str:
        """Rename a record; returns the name as stored."""
        record = self.multisig_record(name)
        new_name = clean_wallet_name(new_name)
        if new_name != name and any(m["name"] == new_name for m in self.multisig):
            raise VaultError(f"a multisig wallet named {new_name!r} is already registered for this seed")
        record["name"] = new_name
        return new_name

    def delete_multisig(self, name: str, confirm_name: str) -> None:
        """Remove a record; ``confirm_name`` must repeat its name exactly (typed back by the person)."""
        record = self.multisig_record(name)
        if confirm_name != name:
            raise VaultError("the confirmation does not match the wallet name; nothing was deleted")
        self.multisig.remove(record)

    def __repr__(self) -> str:
        return f"<SeedEntry {self.label!r} {self.kind} {self.fingerprint}>"


class Vault:
    """An unlocked vault. Mutating methods save at once; ``lock()`` wipes the secrets."""

    def __init__(
        self,
        path: Path,
        password: str,
        seeds: list[SeedEntry],
        settings: dict[str, Any],
        kdf: envelope.KdfParams,
    ) -> None:
        self.path = Path(path)
        self._password = bytearray(password.encode())
        self.seeds = seeds
        self.settings = settings
        self.kdf = kdf

    # -- opening and creating -------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, password: str, kdf: envelope.KdfParams | None = None) -> Vault:
        path = Path(path)
        if path.exists():
            raise VaultError(f"a vault already exists at {path}; refusing to overwrite it")
        vault = cls(path, password, [], {}, kdf or envelope.KdfParams())
        if vault.prev_path.exists():
            # The first change to the new vault would replace it: it may be the last copy of the seeds.
            raise VaultError(
                f"a previous vault generation exists at {vault.prev_path}; open or move it away "
                "before creating a new vault here"
            )
        vault.save()
        return vault

    @classmethod
    def open(cls, path: Path, password: str) -> Vault:
        path = Path(path)
        blob = _read_vault_file(path)
        kdf = envelope.read_kdf(MAGIC, blob)
        plain = envelope.open_sealed(MAGIC, blob, password)
        try:
            seeds, settings = _parse_plaintext(plain)
        finally:
            plain[:] = bytes(len(plain))
        return cls(path, password, seeds, settings, kdf)

    @staticmethod
    def check_file(path: Path) -> envelope.KdfParams:
        """Structure and checksum check without the password (used to offer a restore)."""
        return envelope.read_kdf(MAGIC, _read_vault_file(Path(path)))

    # -- seeds --------------------------------------------------------------------------
    def labels(self) -> list[str]:
        return [s.label for s in self.seeds]

    def get(self, label: str) -> SeedEntry:
        for entry in self.seeds:
            if entry.label == label:
                return entry
        raise SeedNotFound(f"no seed labelled {label!r} in the vault")

    def find_fingerprint(self, fp: str) -> SeedEntry | None:
        return next((s for s in self.seeds if s.fingerprint == fp.lower()), None)

    def add_seed(
        self,
        label: str,
        material: SeedMaterial,
        accounts: list[AccountSpec] | None = None,
        demo: bool = False,
    ) -> SeedEntry:
        label = clean_label(label)
        if label in self.labels():
            raise VaultError(f"a seed labelled {label!r} already exists")
        fp = fingerprint(material.bip32_seed(""))
        same = self.find_fingerprint(fp)
        if same is not None:
            raise VaultError(f"this seed is already stored as {same.label!r} (fingerprint {fp})")
        entry = SeedEntry(
            label,
            material,
            fp,
            datetime.now(UTC).isoformat(timespec="seconds"),
            list(accounts if accounts is not None else DEFAULT_ACCOUNTS),
            demo=demo,
        )
        self._mutate(lambda: self.seeds.append(entry))
        return entry

    def import_entries(self, entries: list[SeedEntry]) -> None:
        """Add complete records (from a backup) in one save; labels and fingerprints must be new."""
        labels, fps = set(self.labels()), {s.fingerprint for s in self.seeds}
        for entry in entries:
            entry.label = clean_label(entry.label)
            if entry.label in labels or entry.fingerprint in fps:
                raise VaultError(f"a seed labelled {entry.label!r} or with its fingerprint already exists")
            if fingerprint(entry.material.bip32_seed("")) != entry.fingerprint:
                raise VaultCorrupt(f"the record {entry.label!r} does not match its fingerprint")
            labels.add(entry.label)
            fps.add(entry.fingerprint)
        self._mutate(lambda: self.seeds.extend(entries))

    def rename(self, label: str, new_label: str) -> None:
        entry = self.get(label)
        new_label = clean_label(new_label)
        if new_label != label and new_label in self.labels():
            raise VaultError(f"a seed labelled {new_label!r} already exists")
        self._mutate(lambda: setattr(entry, "label", new_label))

    def delete(self, label: str, confirm_label: str) -> None:
        """Delete a seed; ``confirm_label`` must repeat its label exactly (typed back by the person)."""
        entry = self.get(label)
        if confirm_label != entry.label:
            raise VaultError("the confirmation does not match the label; nothing was deleted")
        self._mutate(lambda: self.seeds.remove(entry))
        entry.material.wipe()

    def set_accounts(self, label: str, accounts: list[AccountSpec]) -> None:
        entry = self.get(label)
        self._mutate(lambda: setattr(entry, "accounts", list(dict.fromkeys(accounts))))

    def add_multisig(self, label: str, name: str, descriptor: str, fingerprint: str | None = None) -> None:
        entry = self.get(label)
        if any(m["descriptor"] == descriptor for m in entry.multisig):
            return  # already there: nothing to save
        self._mutate(lambda: entry.add_multisig(name, descriptor, fingerprint))

    def rename_multisig(self, label: str, name: str, new_name: str) -> str:
        """Rename a registered multisig wallet; returns the name as stored."""
        entry = self.get(label)
        entry.multisig_record(name)  # a missing wallet is an error before anything is saved
        new_name = clean_wallet_name(new_name)
        self._mutate(lambda: entry.rename_multisig(name, new_name))
        return new_name

    def delete_multisig(self, label: str, name: str, confirm_name: str) -> None:
        """Unregister a multisig wallet; ``confirm_name`` must repeat its name exactly."""
        entry = self.get(label)
        entry.multisig_record(name)
        if confirm_name != name:
            raise VaultError("the confirmation does not match the wallet name; nothing was deleted")
        self._mutate(lambda: entry.delete_multisig(name, confirm_name))

    def set_history(self, label: str, history: dict[str, Any]) -> None:
        entry = self.get(label)
        self._mutate(lambda: setattr(entry, "history", history))

    def update_settings(self, **changes: Any) -> None:
        self._mutate(lambda: self.settings.update(changes))

    def verify_password(self, password: str) -> bool:
        """Whether ``password`` opened this vault (constant time); False once the vault is locked."""
        return bool(self._password) and hmac.compare_digest(password.encode(), bytes(self._password))

    def change_password(
        self, old_password: str, new_password: str, kdf: envelope.KdfParams | None = None
    ) -> None:
        if not self.verify_password(old_password):
            raise WrongPassword("the current password is wrong; the password was not changed")
        old, old_kdf = self._password, self.kdf
        self._password, self.kdf = bytearray(new_password.encode()), kdf or self.kdf
        try:
            self.save()
        except BaseException:
            self._password, self.kdf = old, old_kdf
            raise
        old[:] = bytes(len(old))
        # A password is changed because the old one may have leaked: the kept previous generation
        # must not stay readable with it. It becomes a copy of the new file (same seeds).
        atomic_write(self.prev_path, self.path.read_bytes())

    # -- persistence --------------------------------------------------------------------
    def _mutate(self, change: Any) -> None:
        """Apply ``change`` and save; on any failure the in-memory state is rolled back.

        The rollback restores the same entry objects (their secrets are never copied), so
        callers holding an entry keep a live, wipeable one.
        """
        seeds = list(self.seeds)
        fields = [
            (e, e.label, list(e.accounts), copy.deepcopy(e.multisig), copy.deepcopy(e.history), e.demo)
            for e in seeds
        ]
        settings = copy.deepcopy(self.settings)
        change()
        try:
            self.save()
        except BaseException:
            self.seeds = seeds
            for entry, label, accounts, multisig, history, demo in fields:
                entry.label, entry.accounts, entry.multisig = label, accounts, multisig
                entry.history, entry.demo = history, demo
            self.settings = settings
            raise

    def _plaintext(self) -> bytes:
        doc = {
            "format": "airlock-vault",
            "version": PLAINTEXT_VERSION,
            "seeds": [s.to_json() for s in self.seeds],
            "settings": self.settings,
        }
        return json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()

    def save(self) -> None:
        plain = bytearray(self._plaintext())
        try:
            blob = envelope.seal(MAGIC, bytes(plain), self._password.decode(), self.kdf)
        finally:
            plain[:] = bytes(len(plain))
        if self.path.exists():
            # Keep the last good generation (copied atomically) before replacing the current one.
            atomic_write(self.prev_path, self.path.read_bytes())
        atomic_write(self.path, blob)

    @property
    def prev_path(self) -> Path:
        return previous_generation(self.path)

    def lock(self) -> None:
        for entry in self.seeds:
            entry.material.wipe()
        self.seeds = []
        self._password[:] = bytes(len(self._password))
        self._password = bytearray()

    def __repr__(self) -> str:
        return f"<Vault {self.path} seeds={len(self.seeds)}>"


def previous_generation(path: Path) -> Path:
    """Where the vault at ``path`` keeps its previous generation."""
    return path.with_name(path.name + ".prev")


def _read_vault_file(path: Path) -> bytes:
    """The vault file's bytes; a file larger than any vault is not read into memory."""
    try:
        with path.open("rb") as fh:
            blob = fh.read(envelope.MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise VaultError(f"no vault at {path}") from None
    except OSError as exc:
        raise VaultError(f"cannot read the vault at {path}: {exc.strerror}") from None
    if len(blob) > envelope.MAX_FILE_BYTES:
        raise VaultCorrupt(f"the file at {path} is larger than any vault; it was not read")
    return blob


def _parse_plaintext(plain: bytearray) -> tuple[list[SeedEntry], dict[str, Any]]:
    try:
        doc = strict_json.loads(bytes(plain), what="the vault's contents", max_bytes=MAX_CONTENT_BYTES)
    except strict_json.JsonRejected:  # its message is not shown: the text could quote a secret
        raise VaultCorrupt("the vault decrypted but its contents are not valid") from None
    if not isinstance(doc, dict) or doc.get("format") != "airlock-vault":
        raise VaultCorrupt("the vault decrypted but its contents are not an Airlock vault")
    if doc.get("version") != PLAINTEXT_VERSION:
        raise UnsupportedVersion(f"vault contents version {doc.get('version')} is not supported")
    settings = doc.get("settings", {})
    if not isinstance(settings, dict):
        raise VaultCorrupt("the vault decrypted but its settings are malformed")
    try:
        seeds = [SeedEntry.from_json(s) for s in doc["seeds"]]
    except (KeyError, TypeError, ValueError):
        raise VaultCorrupt("the vault decrypted but a seed record is malformed") from None
    return seeds, dict(settings)
