"""BIP-329 wallet labels: import, export, set one, and show them beside history and coins.

The wallet's labels are kept in its folder as ``labels.jsonl``, in BIP-329's own format (JSON Lines,
one record per line: ``type``, ``ref``, optional ``label``, ``origin``, ``spendable``, and any of the
BIP's additional fields, kept as they came), written atomically and readable by the owner only, like
everything in the data folder: labels say who paid whom.

An import checks every line before it changes anything: a line that is not a JSON object, a record
without ``type`` or ``ref``, a reference that is not of its type (a txid, ``TXID:N``, an address of
the wallet's network, a public key, an xpub), ``spendable`` that is not ``true``/``false`` or is on
anything but an output, a label over more than one line: the whole file is refused, naming the line.
Records of types BIP-329 does not define are skipped, as it asks. A record for a reference already
labelled updates it; a field it omits is left as it was (BIP-329: "the importing wallet should not
alter these values"). Labels longer than ``MAX_LABEL`` characters are cut, and the import says so.

The export is what Sparrow reads: the same records, one compact JSON object per line, each
transaction's record carrying the wallet's ``origin`` (its descriptor with the keys left out) when it
had none, as Sparrow's own export does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.btc.wallets import WalletRecord

FILE = "labels.jsonl"
TYPES = ("tx", "addr", "pubkey", "input", "output", "xpub")
MAX_LABEL = 255  # BIP-329's suggested maximum
MAX_FILE = 64 * 1024 * 1024
_TXID = re.compile(r"[0-9a-fA-F]{64}")
_OUTPOINT = re.compile(r"([0-9a-fA-F]{64}):([0-9]{1,10})")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_KEY = re.compile(r"(\[[0-9a-fA-F]{8}(?:/[0-9]+['hH]?)*\])?[1-9A-HJ-NP-Za-km-z]{100,112}(?:/[0-9*'h<>;]+)*")
Key = tuple[str, str]  # (type, ref)


@dataclass(frozen=True)
class Imported:
    added: int
    updated: int
    skipped: int  # records of a type BIP-329 does not define
    cut: int  # labels cut to MAX_LABEL characters


def load(folder: Path) -> dict[Key, dict[str, Any]]:
    """The wallet's labels by (type, ref), in the order they were first given."""
    try:
        text = (folder / FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise CompanionError(f"the wallet's labels cannot be read: {exc}") from None
    records: dict[Key, dict[str, Any]] = {}
    for line in text.splitlines():
        if line.strip():
            record = json.loads(line)
            records[(record["type"], record["ref"])] = record
    return records


def save(folder: Path, records: dict[Key, dict[str, Any]]) -> None:
    from signer.atomic_file import atomic_write

    atomic_write(folder / FILE, _lines(records.values()))


def import_file(record: WalletRecord, folder: Path, path: Path) -> Imported:
    """Merge the BIP-329 file ``path`` into the wallet's labels; refuses it whole on any bad line."""
    try:
        if path.stat().st_size > MAX_FILE:
            raise CompanionError(f"{path} is {path.stat().st_size} bytes: too large for a label export")
        raw = path.read_bytes()
    except OSError as exc:
        raise CompanionError(f"cannot read {path}: {exc.strerror}") from None
    return import_data(record, folder, raw, str(path))


def import_data(record: WalletRecord, folder: Path, raw: bytes, where: str) -> Imported:
    """Merge a BIP-329 file's bytes (``where``: how errors name it) into the wallet's labels."""
    if len(raw) > MAX_FILE:
        raise CompanionError(f"{where} is {len(raw)} bytes: too large for a label export")
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark some editors add is not part of the first line
    except UnicodeDecodeError as exc:
        at = raw[: exc.start].count(b"\n") + 1
        raise CompanionError(f"{where} line {at}: not UTF-8 text (BIP-329 files are UTF-8)") from None
    records = load(folder)
    added = updated = skipped = cut = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            given = check_record(json_object(line), record.network)
        except CompanionError as exc:
            raise CompanionError(f"{where} line {number}: {exc}") from None
        if given is None:
            skipped += 1
            continue
        if len(given.get("label", "")) > MAX_LABEL:
            given["label"], cut = given["label"][:MAX_LABEL], cut + 1
        key = (given["type"], given["ref"])
        if key in records:
            records[key] = {**records[key], **given}
            updated += 1
        else:
            records[key] = given
            added += 1
    save(folder, records)
    return Imported(added, updated, skipped, cut)


def export_file(record: WalletRecord, folder: Path, path: Path) -> int:
    """Write the wallet's labels to ``path`` (BIP-329, owner-only); the number of records."""
    from signer.atomic_file import atomic_write

    records = _exported(record, folder)
    try:
        atomic_write(path, _lines(records))
    except OSError as exc:
        raise CompanionError(f"cannot write {path}: {exc.strerror}") from None
    return len(records)


def export_data(record: WalletRecord, folder: Path) -> bytes:
    """The wallet's labels as the bytes of a BIP-329 file (what ``export_file`` writes)."""
    return _lines(_exported(record, folder))


def _exported(record: WalletRecord, folder: Path) -> list[dict[str, Any]]:
    origin = wallet_origin(record.descriptor)
    return [
        {**r, "origin": origin} if r["type"] == "tx" and "origin" not in r and origin else r
        for r in load(folder).values()
    ]


def set_label(record: WalletRecord, folder: Path, ref: str, text: str) -> dict[str, Any] | None:
    """Label ``ref`` (``TYPE:REF``, or a txid, ``TXID:N`` for an output, an address, a key) with ``text``;
    an empty text removes the label. The record as now stored, or None when nothing is left of it."""
    kind, _, rest = ref.partition(":")
    given = {"type": kind, "ref": rest} if kind in TYPES and rest else {"type": guess_type(ref), "ref": ref}
    if "\n" in text or "\r" in text:
        raise CompanionError("a label is one line of text")
    if len(text) > MAX_LABEL:
        raise CompanionError(f"a label has at most {MAX_LABEL} characters, this one {len(text)}")
    checked = check_record({**given, "label": text}, record.network)
    assert checked is not None
    records = load(folder)
    key = (checked["type"], checked["ref"])
    stored = {**records.get(key, {}), **checked}
    if not text:
        stored.pop("label", None)
    if set(stored) <= {"type", "ref", "origin"}:
        records.pop(key, None)
        result = None
    else:
        records[key] = stored
        result = stored
    save(folder, records)
    return result


def guess_type(ref: str) -> str:
    if _TXID.fullmatch(ref):
        return "tx"
    if _OUTPOINT.fullmatch(ref):
        return "output"
    if _KEY.fullmatch(ref) and ref[1:4] == "pub":
        return "xpub"
    if _HEX.fullmatch(ref) and len(ref) in (64, 66, 130):
        return "pubkey"
    return "addr"


def json_object(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CompanionError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except ValueError:  # a number too long to convert, and the like
        raise CompanionError("not JSON that can be read") from None
    if not isinstance(value, dict):
        raise CompanionError("not a JSON object: each line of a BIP-329 file is one {...} record")
    return value


def check_record(given: dict[str, Any], network: str) -> dict[str, Any] | None:
    """The record as it will be stored, or None for a type BIP-329 does not define (to be skipped)."""
    kind, ref = given.get("type"), given.get("ref")
    if not isinstance(kind, str) or not kind:
        raise CompanionError('the record has no "type"')
    if kind not in TYPES:
        return None
    if not isinstance(ref, str) or not ref:
        raise CompanionError(f'the {kind} record has no "ref"')
    for field in ("label", "origin"):
        if field in given and not isinstance(given[field], str):
            raise CompanionError(f'"{field}" must be a string')
    if "\n" in given.get("label", "") or "\r" in given.get("label", ""):
        raise CompanionError("the label spans more than one line (BIP-329 does not allow it)")
    if "spendable" in given:
        if kind != "output":
            raise CompanionError(f'"spendable" is only for output records, not {kind}')
        if not isinstance(given["spendable"], bool):
            raise CompanionError('"spendable" must be true or false (not a string)')
    return {**given, "ref": _check_ref(kind, ref, network)}


def _check_ref(kind: str, ref: str, network: str) -> str:
    if kind == "tx":
        if not _TXID.fullmatch(ref):
            raise CompanionError(f"the tx reference {ref[:80]!r} is not a txid (64 hex digits)")
        return ref.lower()
    if kind in ("input", "output"):
        match = _OUTPOINT.fullmatch(ref)
        if not match or int(match.group(2)) >= 2**32:
            raise CompanionError(f"the {kind} reference {ref[:80]!r} is not TXID:INDEX")
        return f"{match.group(1).lower()}:{int(match.group(2))}"
    if kind == "pubkey":
        if not _HEX.fullmatch(ref) or len(ref) not in (64, 66, 130):
            raise CompanionError(f"the pubkey reference {ref[:80]!r} is not a 32, 33 or 65 byte key in hex")
        return ref.lower()
    if kind == "xpub":
        return _check_xpub(ref)
    return _check_address(ref, network)


def _check_xpub(ref: str) -> str:
    from embit import base58

    try:
        data = base58.decode_check(ref)
    except Exception:  # embit raises ValueError or its own errors for a bad checksum or character
        raise CompanionError(f"the xpub reference {ref[:80]!r} is not an extended public key") from None
    if len(data) != 78:
        raise CompanionError(f"the xpub reference {ref[:80]!r} is not an extended public key")
    return ref


def _check_address(ref: str, network: str) -> str:
    from companion.btc.spend import destination

    try:
        destination(ref, network)
    except CompanionError:
        raise CompanionError(f"the addr reference {ref[:100]!r} is not a {network} Bitcoin address") from None
    return ref


def wallet_origin(descriptor: str) -> str:
    """BIP-329's ``origin``: the descriptor with its keys, child steps and checksum left out
    (``wpkh([d34db33f/84'/0'/0'])``)."""
    body = descriptor.split("#", 1)[0]
    body = _KEY.sub(lambda m: (m.group(1) or "").replace("h", "'").replace("H", "'"), body)
    return body if "[" in body else ""


def labels_by(records: dict[Key, dict[str, Any]], kind: str) -> dict[str, str]:
    return {ref: r["label"] for (t, ref), r in records.items() if t == kind and r.get("label")}


def coin_labels(records: dict[Key, dict[str, Any]], coins: list[Any]) -> list[str | None]:
    """Each coin's label: its output's, else its address's (as Sparrow shows a coin)."""
    outputs, addresses = labels_by(records, "output"), labels_by(records, "addr")
    return [outputs.get(f"{c.txid}:{c.vout}", addresses.get(c.address)) for c in coins]


def _lines(records: Any) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records).encode()
