"""Read an account the device exports into the two descriptors of a watch-only wallet.

Accepted, as the device writes them: ``airlock account show --format ur`` (ur:crypto-account, also
ur:crypto-output and ur:crypto-hdkey; several lines of an animated UR are assembled by the signer's own
``Assembler``), ``airlock account show --json``, descriptor text (``wpkh([fp/84h/1h/0h]tpub.../<0;1>/*)``
or its ``/0/*`` receive branch, the BIP-380 checksum checked when present), and an extended key with
its fingerprint and path (``[fp/84h/0h/0h]zpub...``, or ``airlock account show``'s text: read by
companion.btc.extended_key).

The result is a receive and a change descriptor with checksums, for ``network``: an export whose keys
belong to another network is refused, as is anything holding a private key. A registered multisig
wallet (any file the device's registration reads) is read by companion.btc.multisig.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from companion.btc.descriptors import NETWORKS, AccountImport, checked_descriptor
from companion.errors import CompanionError

if TYPE_CHECKING:
    from signer.transport.payload import Payload

# BIP-43 purpose of a single-sig account -> descriptor around its key
_SCRIPT_OF_PURPOSE = {44: "pkh({})", 49: "sh(wpkh({}))", 84: "wpkh({})", 86: "tr({})"}
_PRIVATE = re.compile(
    r"[xtyzuvYZUV]prv[1-9A-HJ-NP-Za-km-z]{50,}|(?<![0-9A-Za-z])[5KLc9][1-9A-HJ-NP-Za-km-z]{50,51}(?![0-9A-Za-z])"
)


def holds_private_key(text: str) -> bool:
    """Whether ``text`` carries an extended private key or a WIF key (then it is never shown back)."""
    return bool(_PRIVATE.search(text))


_MAX_EXPORT = 64 * 1024
_COSIGNER_KEY = "this is one cosigner's key, not a wallet: make the wallet with `btc multisig create`"


def read_export(data: bytes, network: str) -> AccountImport:
    """The account in an export file; CompanionError (one line, no key material) when it is not usable."""
    if network not in NETWORKS:
        raise CompanionError(f"unknown network {network!r}; choose one of {', '.join(NETWORKS)}")
    if len(data) > _MAX_EXPORT:
        raise CompanionError(f"the export is {len(data)} bytes; an account export is a few hundred")
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise CompanionError(
            "the export is not text: give the UR, JSON or descriptor the device shows"
        ) from None
    if not text:
        raise CompanionError("the export file is empty")
    if _PRIVATE.search(text):
        raise CompanionError("the export holds a private key: the companion only takes public keys")
    from companion.btc.multisig import multisig_in_text

    multisig = multisig_in_text(text, network)
    if multisig is not None:
        return multisig
    from companion.btc import extended_key

    if extended_key.looks_like_key_expression(text):
        descriptor, source = extended_key.descriptor_of_key_expression(text, network), "key"
    elif extended_key.looks_like_account_show(text):
        descriptor, source = extended_key.descriptor_of_account_show(text, network), "account text"
    elif text.startswith(("{", "[")):
        descriptor, source = _from_json(text, network), "json"
    elif text[:3].lower() == "ur:":
        descriptor, source = _from_ur(text)
    else:
        descriptor, source = text, "descriptor"
    return _split(descriptor, network, source)


def read_key_fields(key: str, fingerprint: str, path: str, network: str) -> AccountImport:
    """The account of an extended key typed with its master fingerprint and path (the page's fields)."""
    from companion.btc.extended_key import account_descriptor

    if network not in NETWORKS:
        raise CompanionError(f"unknown network {network!r}; choose one of {', '.join(NETWORKS)}")
    if any(len(field) > 256 for field in (key, fingerprint, path)):
        raise CompanionError("a field is too long for an extended key, fingerprint or path")
    return _split(account_descriptor(key, fingerprint, path, network), network, "key")


def _from_json(text: str, network: str) -> str:
    from signer.errors import AirlockError
    from signer.strict_json import loads

    try:
        data = loads(text)
    except (AirlockError, ValueError) as exc:
        raise CompanionError(f"the export is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise CompanionError("the JSON export must be an object, as `airlock account show --json` prints")
    exported = data.get("network")
    if exported is not None and exported != network:
        raise CompanionError(f"the export is for the {exported} network, not {network}")
    if str(data.get("kind", "")).startswith("btc-48"):
        raise CompanionError(_COSIGNER_KEY)
    descriptor = data.get("descriptor")
    if not isinstance(descriptor, str) or not descriptor:
        raise CompanionError("the JSON export has no descriptor: export a Bitcoin account")
    return descriptor


def _from_ur(text: str) -> tuple[str, str]:
    from signer.errors import AirlockError
    from signer.transport.assembler import Assembler

    assembler = Assembler()
    try:
        for line in text.split():
            status = assembler.add(line)
            if status.outcome in ("garbage", "foreign"):
                raise CompanionError(f"the UR is not readable: {status.reason}")
        payload = assembler.result
    except AirlockError as exc:
        raise CompanionError(f"the UR is not readable: {exc}") from None
    return _payload_descriptor(payload)


def read_payload(payload: Payload, network: str) -> AccountImport:
    """The account in a payload the signer's assembler put together (a camera scan, frame by frame)."""
    from signer.transport.payload import PayloadKind

    if payload.is_secret:
        raise CompanionError("this QR code holds a seed: the companion only takes public keys")
    from companion.btc.multisig import multisig_in_payload

    multisig = multisig_in_payload(payload, network)
    if multisig is not None:
        return multisig
    if payload.kind in (PayloadKind.ACCOUNT, PayloadKind.OUTPUT_DESCRIPTOR, PayloadKind.HDKEY):
        if network not in NETWORKS:
            raise CompanionError(f"unknown network {network!r}; choose one of {', '.join(NETWORKS)}")
        descriptor, source = _payload_descriptor(payload)
        return _split(descriptor, network, source)
    if payload.kind in (PayloadKind.DESCRIPTOR_TEXT, PayloadKind.JSON, PayloadKind.TEXT):
        return read_export(payload.data, network)  # a descriptor or JSON export shown as a text QR
    raise CompanionError(f"a {payload.type_label} QR code is not an account export")


def _payload_descriptor(payload: Payload) -> tuple[str, str]:
    from signer.transport.payload import PayloadKind
    from signer.transport.urtypes import Account, CryptoOutput, HDKey

    obj = payload.obj
    source = f"ur:{payload.ur_type or payload.kind}"
    if payload.kind == PayloadKind.ACCOUNT and isinstance(obj, Account):
        outputs = [o for o in obj.outputs if isinstance(o, CryptoOutput)]
        if len(outputs) != 1:
            raise CompanionError(f"the account export holds {len(obj.outputs)} outputs; import one account")
        return _output_descriptor(outputs[0], obj.master_fingerprint), source
    if payload.kind == PayloadKind.OUTPUT_DESCRIPTOR and isinstance(obj, CryptoOutput):
        return _output_descriptor(obj, None), source
    if payload.kind == PayloadKind.HDKEY and isinstance(obj, HDKey):
        return _hdkey_descriptor(obj), source
    raise CompanionError(f"a {payload.type_label} is not an account export")


def _output_descriptor(output: object, fingerprint: int | None) -> str:
    from signer.transport.errors import TransportError
    from signer.transport.urtypes import CryptoOutput, HDKey

    assert isinstance(output, CryptoOutput)
    if (output.scripts and output.scripts[-1] in ("multi", "sortedmulti")) or output.scripts in (
        ("sh",), ("wsh",), ("sh", "wsh")):  # fmt: skip
        raise CompanionError(_COSIGNER_KEY)
    if not isinstance(output.key, HDKey):
        raise CompanionError("the account export holds no extended public key")
    try:
        template = output.template()
    except TransportError as exc:
        raise CompanionError(f"the account export has no descriptor form: {exc}") from None
    return template.replace("@0", _key_expression(output.key, fingerprint))


def _hdkey_descriptor(key: object) -> str:
    from signer.derivation import HARDENED
    from signer.transport.urtypes import HDKey

    assert isinstance(key, HDKey)
    if key.origin is None or not key.origin.is_concrete or not key.origin.indexes:
        raise CompanionError("the key export has no derivation path: cannot tell its address type")
    purpose = key.origin.indexes[0] - HARDENED
    coin = key.origin.indexes[1] - HARDENED if len(key.origin.indexes) > 1 else None
    if coin not in (0, 1) or (key.use_info is not None and key.use_info.coin_type != 0):
        raise CompanionError("the key export is not a Bitcoin account")
    if purpose not in _SCRIPT_OF_PURPOSE:
        raise CompanionError(f"the key's path m/{purpose}h/... is not a single-sig Bitcoin account")
    return _SCRIPT_OF_PURPOSE[purpose].format(_key_expression(key, None))


def _key_expression(key: object, fingerprint: int | None) -> str:
    """``[fp/path]xpub/<0;1>/*`` of a crypto-hdkey (its own children, when it names them)."""
    from signer.btc.export import xpub_from_hdkey
    from signer.errors import AirlockError
    from signer.transport.urtypes import HDKey

    assert isinstance(key, HDKey)
    try:
        xpub = xpub_from_hdkey(key)
    except AirlockError as exc:
        raise CompanionError(f"the account key is not usable: {exc}") from None
    assert key.origin is not None  # xpub_from_hdkey checked it
    source = key.origin.source_fingerprint or fingerprint
    if source is None:
        raise CompanionError("the account key has no master fingerprint: the device could not sign for it")
    path = key.origin.to_path_string("").replace("'", "h")
    children = key.children.to_path_string("") if key.children is not None else "<0;1>/*"
    return f"[{source:08x}{'/' + path if path else ''}]{xpub}/{children}"


def _split(descriptor: str, network: str, source: str) -> AccountImport:
    """Receive and change descriptors of a single-sig descriptor, checked for ``network`` by BDK."""
    from signer.errors import AirlockError
    from signer.transport.key_text import check_key_text

    text = "".join(descriptor.split())
    try:
        check_key_text(text)
    except AirlockError as exc:
        raise CompanionError(f"the descriptor is not valid: {exc}") from None
    body = text.split("#", 1)[0]
    if "multi(" in body:
        raise CompanionError(
            "only sorted multisig wallets can be imported: wsh(sortedmulti(...)) or sh(wsh(sortedmulti(...)))"
        )
    if "<0;1>/*" in body:
        receive, change = body.replace("<0;1>/*", "0/*"), body.replace("<0;1>/*", "1/*")
    elif body.count("/0/*") == 1:
        receive, change = body, body.replace("/0/*", "/1/*")
    else:
        raise CompanionError("the descriptor needs a key ending in /<0;1>/* or /0/* (receive and change)")
    keys = re.findall(r"[xtyzuvYZUV]pub[1-9A-HJ-NP-Za-km-z]+", body)
    if not keys:
        raise CompanionError("the descriptor holds no extended public key")
    if any(not key.startswith(("xpub", "tpub")) for key in keys):
        raise CompanionError("descriptors take xpub or tpub keys, not SLIP-132 ypub/zpub forms")
    key_network = "main" if keys[0].startswith("xpub") else "a test"
    if (key_network == "main") != (network == "main"):
        raise CompanionError(f"the export's keys are for {key_network} network, not {network}")
    return AccountImport(
        checked_descriptor(receive, network), checked_descriptor(change, network), network, source
    )
