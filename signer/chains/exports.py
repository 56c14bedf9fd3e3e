"""Watch-only keys from the account exports a seed gave its wallets.

Each export names the master key fingerprint, an account path and the extended public key there:

* ``airlock account show --json`` (a JSON object, or its text): ``fingerprint``, ``path``, ``xpub``;
* UR ``crypto-account`` / ``account-descriptor`` (Sparrow, Nunchuk, Specter; Ledger Live keys for
  MetaMask), ``crypto-hdkey`` / ``hdkey`` (MetaMask, Rabby), ``crypto-output`` / ``output-descriptor``
  (BlueWallet): one single-part UR text, or the payload the assembler made of an animated one.

Every key must carry its full origin (path from the master key and the master fingerprint), and
all exports must be of one seed; anything else is refused with the reason, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from embit.bip32 import HDKey
from embit.ec import PublicKey

from signer import strict_json
from signer.btc.errors import PathError
from signer.btc.multisig_records import RecordLike
from signer.btc.networks import parse_path
from signer.chains.keys import AccountKey, ExportedKeys, WatchOnlyKeys
from signer.errors import AirlockError, WatchOnlyError
from signer.transport import urtypes
from signer.transport.payload import Payload
from signer.transport.ur import decode_single

Export = str | Mapping[str, Any] | Payload


def watch_only_keys(exports: Iterable[Export], multisig: Sequence[RecordLike] = ()) -> WatchOnlyKeys:
    """Watch-only keys of the one seed ``exports`` describe, with its registered multisig wallets."""
    found: list[tuple[bytes, AccountKey]] = []
    for export in exports:
        found += account_keys(export)
    if not found:
        raise WatchOnlyError("no account export was given")
    fingerprints = sorted({fp.hex() for fp, _ in found})
    if len(fingerprints) > 1:
        raise WatchOnlyError(
            f"the exports are of different seeds ({', '.join(fingerprints)}): give one seed's exports"
        )
    return WatchOnlyKeys(ExportedKeys(found[0][0], (key for _, key in found)), multisig)


def account_keys(export: Export) -> list[tuple[bytes, AccountKey]]:
    """(master fingerprint, key) of each account key in one export."""
    if isinstance(export, Payload):
        return _from_registry_object(export.obj)
    if isinstance(export, Mapping):
        return [_from_json(export)]
    text = export.strip()
    if text.startswith("{"):
        try:
            doc = strict_json.loads(text, what="the account export")
        except strict_json.JsonRejected as exc:
            raise WatchOnlyError(str(exc)) from None
        if not isinstance(doc, dict):
            raise WatchOnlyError("an account export in JSON is an object")
        return [_from_json(doc)]
    if text[:3].lower() == "ur:":
        try:
            return _from_registry_object(urtypes.decode_ur(decode_single(text)))
        except AirlockError as exc:
            raise WatchOnlyError(f"the account export cannot be read: {exc}") from None
    raise WatchOnlyError("an account export is the JSON of 'airlock account show --json' or a UR text")


def _from_json(doc: Mapping[str, Any]) -> tuple[bytes, AccountKey]:
    fingerprint, path, xpub = doc.get("fingerprint"), doc.get("path"), doc.get("xpub")
    if not all(isinstance(v, str) for v in (fingerprint, path, xpub)):
        raise WatchOnlyError("an account export in JSON needs its fingerprint, path and xpub as text")
    assert isinstance(fingerprint, str) and isinstance(path, str) and isinstance(xpub, str)
    try:
        fp = bytes.fromhex(fingerprint)
        key = HDKey.from_string(xpub)
        numbers = parse_path(path)
    except PathError as exc:
        raise WatchOnlyError(str(exc)) from None
    except (ValueError, TypeError) as exc:  # embit's base58 / version errors name no secret: keys are public
        raise WatchOnlyError(f"the account export's fingerprint or xpub cannot be read ({exc})") from None
    if len(fp) != 4:
        raise WatchOnlyError("a master key fingerprint is 8 hex characters")
    return fp, AccountKey(numbers, key)


def _from_registry_object(obj: object) -> list[tuple[bytes, AccountKey]]:
    if isinstance(obj, urtypes.HDKey):
        return [_from_hdkey(obj, None)]
    if isinstance(obj, urtypes.CryptoOutput | urtypes.OutputDescriptorV3):
        return [_from_hdkey(k, None) for k in _hdkeys(obj)]
    if isinstance(obj, urtypes.Account):
        return [_from_hdkey(k, obj.master_fingerprint) for output in obj.outputs for k in _hdkeys(output)]
    raise WatchOnlyError(
        f"a {type(obj).__name__} is not an account export (crypto-account, crypto-hdkey or crypto-output)"
    )


def _hdkeys(output: urtypes.CryptoOutput | urtypes.OutputDescriptorV3) -> list[urtypes.HDKey]:
    keys = [k for k in output.keys if isinstance(k, urtypes.HDKey)]
    if not keys:
        raise WatchOnlyError("an exported output holds no extended public key")
    return keys


def _from_hdkey(key: urtypes.HDKey, master: int | None) -> tuple[bytes, AccountKey]:
    if key.is_private or key.is_master:
        raise WatchOnlyError("an account export must hold public keys only")
    origin = key.origin
    if origin is None or key.chain_code is None:
        raise WatchOnlyError("an exported key needs its origin and chain code to derive below it")
    if not origin.is_concrete or (origin.depth is not None and origin.depth != len(origin.components)):
        raise WatchOnlyError("an exported key's origin must be its whole path from the master key")
    source = origin.source_fingerprint
    if source is not None and master is not None and source != master:
        raise WatchOnlyError("an exported key names another master fingerprint than its account")
    fingerprint = source if source is not None else master
    if fingerprint is None:
        raise WatchOnlyError("an exported key needs the master key fingerprint")
    path = tuple(origin.indexes)
    parent = (key.parent_fingerprint or 0).to_bytes(4, "big")
    node = HDKey(
        PublicKey.parse(key.key_data),
        key.chain_code,
        depth=len(path),
        fingerprint=parent,
        child_number=path[-1] if path else 0,
    )
    return fingerprint.to_bytes(4, "big"), AccountKey(path, node)
