"""A new multisig wallet from the cosigners' key exports, and the QR frames each device registers it from.

A cosigner export is what a device gives for its multisig key (BIP-48): ``airlock account show
--account btc-48-2 --json`` (or ``btc-48-1`` for P2SH-P2WSH), the same as ``--format ur``
(ur:crypto-account, whose ``wsh(KEY)`` / ``sh(wsh(KEY))`` names the script), a ur:crypto-output or
ur:crypto-hdkey of the key, Coldcard's multisig export JSON (``xfp``, ``p2wsh``...), or the key
written ``[fingerprint/path]xpub``. Every key needs its master fingerprint and path: a device finds its
own key in a wallet by them. A key made for the other script type (its export or its BIP-48 path
says so) is refused, as is a key of another network.

The wallet is the signer's canonical ``sortedmulti`` descriptor (signer.btc.multisig.build_wallet),
handed to the devices as ur:crypto-output (BCR-2020-010, with every key's origin) or as BBQr text of
the descriptor: both are read by the device's registration (signer.btc.export.multisig_wallet_text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from companion.errors import CompanionError

if TYPE_CHECKING:
    from signer.btc.multisig import Cosigner, MultisigWallet, ScriptType
    from signer.transport.frames import FrameSet
    from signer.transport.ur import UR

SCRIPTS = ("wsh", "sh-wsh")  # --script: native segwit P2WSH, nested P2SH-P2WSH
MAX_EXPORT = 64 * 1024
_KEY_TEXT = re.compile(r"\[([^\]]*)\]([1-9A-HJ-NP-Za-km-z]{100,120})(/<0;1>/\*|/0/\*|/\{0,1\}/\*)?")
# which BIP-48 script type (the fourth step of m/48h/coin/account/script) each --script takes
_BIP48_SCRIPT = {"sh-wsh": 1, "wsh": 2}
_WRAPPERS = {("sh", "wsh"): "sh-wsh", ("wsh",): "wsh"}


@dataclass(frozen=True)
class CosignerKey:
    """One cosigner's key with its origin, and the script its export was made for (when it says)."""

    cosigner: Cosigner
    is_main: bool
    script: str | None  # "wsh", "sh-wsh", or None when the export does not say


def script_type(script: str) -> ScriptType:
    from signer.btc.multisig import ScriptType

    if script not in SCRIPTS:
        raise CompanionError(f"--script is one of {', '.join(SCRIPTS)}, not {script!r}")
    return ScriptType.P2WSH if script == "wsh" else ScriptType.P2SH_P2WSH


def read_cosigner(data: bytes, network: str, script: str, where: str) -> CosignerKey:
    """The cosigner key of one export file (``where`` names it in errors), for ``script`` wallets."""
    from companion.btc.exports import holds_private_key

    if len(data) > MAX_EXPORT:
        raise CompanionError(f"{where}: {len(data)} bytes is not a cosigner key export")
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise CompanionError(f"{where}: not text; give the JSON, UR or key text the device shows") from None
    if not text:
        raise CompanionError(f"{where}: the file is empty")
    if holds_private_key(text):
        raise CompanionError(f"{where}: it holds a private key; a cosigner export holds public keys only")
    if text.startswith("{"):
        found = _from_json(text, network, script, where)
    elif text[:3].lower() == "ur:":
        found = _from_ur(text, script, where)
    else:
        found = _from_key_text(text, where)
    return _checked(found, network, script, where)


def _from_json(text: str, network: str, script: str, where: str) -> CosignerKey:
    from signer.errors import AirlockError
    from signer.strict_json import loads

    try:
        doc = loads(text)
    except (AirlockError, ValueError) as exc:
        raise CompanionError(f"{where}: not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise CompanionError(f"{where}: the JSON must be an object, as `airlock account show --json` prints")
    if "xfp" in doc:  # Coldcard's (and Passport's, Keystone's) multisig key export
        key = "p2wsh" if script == "wsh" else "p2sh_p2wsh"
        xpub, path = doc.get(key), doc.get(f"{key}_deriv")
        if not isinstance(xpub, str) or not isinstance(path, str) or not isinstance(doc["xfp"], str):
            raise CompanionError(f"{where}: the Coldcard export has no {key} key")
        return _key(doc["xfp"], path, xpub, script, where)
    exported = doc.get("network")
    if exported is not None and exported != network:
        raise CompanionError(f"{where}: the export is for the {exported} network, not {network}")
    kind = str(doc.get("kind", ""))
    if kind and not kind.startswith("btc-48-"):
        raise CompanionError(
            f"{where}: a {kind} account is not a multisig key; export the device's multisig key "
            "(`airlock account show --account btc-48-2`)"
        )
    fingerprint, path, xpub = doc.get("fingerprint"), doc.get("path"), doc.get("xpub")
    if not all(isinstance(v, str) for v in (fingerprint, path, xpub)):
        raise CompanionError(f"{where}: the JSON export needs its fingerprint, path and xpub")
    made_for = {"btc-48-1": "sh-wsh", "btc-48-2": "wsh"}.get(kind)
    return _key(str(fingerprint), str(path), str(xpub), made_for, where)


def _key(fingerprint: str, path: str, xpub: str, made_for: str | None, where: str) -> CosignerKey:
    from signer.btc.multisig import Cosigner, normalise_xpub, parse_fingerprint, parse_path_text
    from signer.errors import AirlockError

    try:
        fp = parse_fingerprint(fingerprint, where)
        steps = parse_path_text(path, where)
        canonical, is_main = normalise_xpub(xpub)
    except AirlockError as exc:
        raise CompanionError(f"{where}: {exc}") from None
    return CosignerKey(Cosigner(fp, steps, canonical), is_main, made_for)


def _from_key_text(text: str, where: str) -> CosignerKey:
    match = _KEY_TEXT.fullmatch("".join(text.split()))
    if match is None:
        raise CompanionError(
            f"{where}: not a cosigner key export; give `airlock account show --account btc-48-2 --json` "
            "or --format ur, or the key as [fingerprint/path]xpub"
        )
    origin, xpub = match.group(1), match.group(2)
    fingerprint, _, path = origin.partition("/")
    return _key(fingerprint, "m/" + path if path else "m", xpub, None, where)


def _from_ur(text: str, script: str, where: str) -> CosignerKey:
    from signer.btc.export import xpub_from_hdkey
    from signer.chains.scanning import new_assembler
    from signer.errors import AirlockError
    from signer.transport.urtypes import Account, CryptoOutput, HDKey

    assembler = new_assembler()
    try:
        for line in text.split():
            status = assembler.add(line)
            if not status.accepted:
                raise CompanionError(f"{where}: the UR is not readable: {status.reason}")
        if not assembler.is_complete:
            raise CompanionError(f"{where}: the UR is incomplete: {assembler.status.describe()}")
        obj = assembler.result.obj
    except AirlockError as exc:
        raise CompanionError(f"{where}: the UR is not readable: {exc}") from None
    master: int | None = None
    outputs: list[CryptoOutput] = []
    if isinstance(obj, Account):
        master = obj.master_fingerprint
        outputs = [o for o in obj.outputs if isinstance(o, CryptoOutput) and isinstance(o.key, HDKey)]
    elif isinstance(obj, CryptoOutput) and isinstance(obj.key, HDKey):
        outputs = [obj]
    elif isinstance(obj, HDKey):
        outputs = [CryptoOutput((), obj)]
    else:
        raise CompanionError(f"{where}: a {type(obj).__name__} is not a cosigner key export")
    multisig = [o for o in outputs if o.scripts in _WRAPPERS]
    chosen = [o for o in multisig if _WRAPPERS[o.scripts] == script] or multisig or outputs
    if len(chosen) != 1:
        raise CompanionError(f"{where}: the export holds {len(outputs)} keys, none a {script} multisig key")
    output = chosen[0]
    key = output.key
    assert isinstance(key, HDKey)
    if key.origin is None or not key.origin.is_concrete:
        raise CompanionError(f"{where}: the key has no derivation path: a device could not find it")
    source = key.origin.source_fingerprint or master
    if source is None:
        raise CompanionError(f"{where}: the key has no master fingerprint: a device could not find it")
    try:
        xpub = xpub_from_hdkey(key)
    except AirlockError as exc:
        raise CompanionError(f"{where}: the key is not usable: {exc}") from None
    path = key.origin.to_path_string()
    return _key(f"{source:08x}", path, xpub, _WRAPPERS.get(output.scripts), where)


def _checked(found: CosignerKey, network: str, script: str, where: str) -> CosignerKey:
    from signer.derivation import HARDENED

    if found.is_main != (network == "main"):
        kind = "mainnet" if found.is_main else "test network"
        raise CompanionError(f"{where}: the key is a {kind} key, not for {network}")
    if found.script is not None and found.script != script:
        raise CompanionError(f"{where}: the key was exported for {found.script} wallets, not {script}")
    path = found.cosigner.path or ()
    if len(path) == 4 and path[0] == 48 + HARDENED and path[3] - HARDENED != _BIP48_SCRIPT[script]:
        raise CompanionError(
            f"{where}: the key's path {found.cosigner.origin_text().split()[-1]} is for another script "
            f"type than {script} (m/48h/coin/account/{_BIP48_SCRIPT[script]}h)"
        )
    return found


def build(name: str, threshold: int, keys: list[CosignerKey], script: str) -> MultisigWallet:
    """The signer's canonical sortedmulti wallet of ``keys`` (threshold and keys checked there)."""
    from signer.btc.multisig import build_wallet
    from signer.errors import AirlockError

    if len(keys) < 2:
        raise CompanionError(f"a multisig wallet needs at least 2 cosigners, got {len(keys)}")
    try:
        return build_wallet(name, threshold, script_type(script), [(k.cosigner, k.is_main) for k in keys])
    except AirlockError as exc:
        raise CompanionError(f"the wallet cannot be made: {exc}") from None


def registration_frames(wallet: MultisigWallet, fmt: str, density: int) -> FrameSet:
    """The QR frames a device scans to register ``wallet``: ur:crypto-output, or the descriptor as
    BBQr text (type U)."""
    from signer.errors import AirlockError
    from signer.transport.frames import encode_frames

    try:
        if fmt == "ur":
            return encode_frames(_output_ur(wallet), format="ur", density=density)
        if fmt == "bbqr":
            return encode_frames(wallet.descriptor.encode(), format="bbqr", bbqr_type="U", density=density)
    except AirlockError as exc:
        raise CompanionError(f"cannot make QR frames: {exc}") from None
    raise CompanionError(f"--format is ur or bbqr, not {fmt!r}")


def _output_ur(wallet: MultisigWallet) -> UR:
    """ur:crypto-output of the wallet: sortedmulti inside its script wrappers, each key a crypto-hdkey
    with its origin (master fingerprint, path, depth), its parent fingerprint and its /<0;1>/* children."""
    from embit.bip32 import HDKey as Bip32Key

    from signer.btc.multisig import ScriptType
    from signer.btc.networks import format_path
    from signer.transport.urtypes import (
        COIN_BTC,
        NETWORK_MAINNET,
        NETWORK_TESTNET,
        CoinInfo,
        CryptoOutput,
        HDKey,
        Keypath,
        MultiKey,
        to_ur,
    )

    network = NETWORK_MAINNET if wallet.network_is_main else NETWORK_TESTNET
    keys = []
    for c in wallet.cosigners:
        assert c.fingerprint is not None and c.path is not None  # read_cosigner required them
        node = Bip32Key.from_string(c.xpub)
        fingerprint = int.from_bytes(c.fingerprint, "big")
        origin = Keypath.from_path_string(format_path(c.path), fingerprint, node.depth)
        keys.append(
            HDKey(
                node.key.sec(),
                node.chain_code,
                use_info=CoinInfo(COIN_BTC, network),
                origin=origin,
                children=Keypath.from_path_string("<0;1>/*"),
                parent_fingerprint=int.from_bytes(node.fingerprint, "big") or None,
            )
        )
    scripts = {
        ScriptType.P2WSH: ("wsh", "sortedmulti"),
        ScriptType.P2SH_P2WSH: ("sh", "wsh", "sortedmulti"),
        ScriptType.P2SH: ("sh", "sortedmulti"),
    }[wallet.script_type]
    return to_ur(CryptoOutput(scripts, MultiKey(wallet.m, tuple(keys))), legacy=True)
