"""An account given as an extended public key with its master fingerprint and derivation path.

Three ways to give it, as Sparrow's "xpub + master fingerprint + derivation" import takes it:

- a key expression, ``[73c5da0a/84h/0h/0h]zpub...`` (optionally ending in ``/<0;1>/*``);
- the text ``airlock account show`` prints (its ``account``, ``fingerprint``, ``path``, ``xpub``,
  ``slip132`` and ``descriptor`` lines; the addresses after them are not read);
- the three values apart (the page's fields).

The key may be in SLIP-132 form (ypub/zpub, upub/vpub on test networks): its prefix and the path's
BIP-43 purpose must then name the same script. embit reads and re-encodes the key (no base58 by hand);
the result is the single-sig ``<0;1>/*`` descriptor exports.py checks with BDK, the device's own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from companion.errors import CompanionError

if TYPE_CHECKING:
    from embit.bip32 import HDKey

HARDENED = 0x80000000
# BIP-43 purpose of a single-sig account -> descriptor around its key (as exports.py)
_SCRIPT_OF_PURPOSE = {44: "pkh({})", 49: "sh(wpkh({}))", 84: "wpkh({})", 86: "tr({})"}
# SLIP-132 single-sig versions (embit's names) -> the only purpose they may be used at
_PURPOSE_OF_VERSION = {"ypub": 49, "zpub": 84}
_MULTISIG_VERSIONS = ("Ypub", "Zpub")
_SCRIPT_NAMES = {44: "legacy", 49: "nested segwit", 84: "native segwit", 86: "taproot"}
_COSIGNER_KEY = "a multisig cosigner key: use `btc multisig create` to make the wallet from its cosigners"
_BASE58 = "1-9A-HJ-NP-Za-km-z"
_KEY_EXPRESSION = re.compile(rf"\[(?P<origin>[^\]]*)\](?P<key>[{_BASE58}]+)(?P<tail>\S*)")
_BARE_KEY = re.compile(rf"[xtyzuvYZUV]pub[{_BASE58}]+")
_SHOW_LINE = re.compile(r"(account|fingerprint|path|xpub|slip132|descriptor|cosigner key)[ \t]+(\S.*)")


def looks_like_key_expression(text: str) -> bool:
    """``[origin]key`` or a bare extended key: the forms this module reads (not a JSON array)."""
    return bool(re.match(r"\[[^\]]*\][xtyzuvYZUV]pub", text) or _BARE_KEY.fullmatch(text))


def looks_like_account_show(text: str) -> bool:
    """The text ``airlock account show`` prints: two of its labelled lines at least (a line missing is
    then said by name)."""
    labels = set(re.findall(r"^(account|fingerprint|path|xpub|slip132)[ \t]", text, re.M))
    return len(labels) >= 2


def descriptor_of_key_expression(text: str, network: str) -> str:
    """The account descriptor of ``[fingerprint/path]key`` (or the same ending in ``/<0;1>/*``)."""
    if _BARE_KEY.fullmatch(text):
        raise CompanionError(
            "the key has no fingerprint and path: give it as [fingerprint/path]key, as the device shows them"
        )
    match = _KEY_EXPRESSION.fullmatch(text)
    if match is None:
        raise CompanionError("the key expression is not [fingerprint/path]key")
    if match["tail"] not in ("", "/<0;1>/*"):
        raise CompanionError("the key expression must end with the account key (or /<0;1>/*)")
    fingerprint, _, path = match["origin"].partition("/")
    if re.fullmatch(r"\d+[hH']?", fingerprint):
        fingerprint, path = "", match["origin"]  # [84h/0h/0h]key: a path without its fingerprint
    return account_descriptor(match["key"], fingerprint, path, network)


def descriptor_of_account_show(text: str, network: str) -> str:
    """The account descriptor of ``airlock account show``'s text, checked line against line."""
    lines: dict[str, str] = {}
    for line in text.splitlines():
        match = _SHOW_LINE.fullmatch(line.strip())
        if match is not None:
            if match[1] in lines:
                raise CompanionError(f"the account text has two {match[1]} lines")
            lines[match[1]] = match[2].strip()
    if "cosigner key" in lines:
        raise CompanionError(f"this is {_COSIGNER_KEY}")
    shown = re.search(r"\((main|test|signet|regtest)\)\s*$", lines.get("account", ""))
    exported = shown[1] if shown else "main"  # the device names the network unless it is main
    if "account" in lines and exported != network:
        raise CompanionError(f"the export is for the {exported} network, not {network}")
    key = lines.get("slip132") or lines.get("xpub")
    if key is None:
        raise CompanionError("the account text has no xpub line")
    both = [_read_key(lines[label]).serialize()[4:] for label in ("xpub", "slip132") if label in lines]
    if (
        len(both) == 2 and both[0] != both[1]
    ):  # all but the version bytes: depth, parent, child, chain code, key
        raise CompanionError("the account text's xpub and slip132 lines are not the same key")
    descriptor = account_descriptor(key, lines.get("fingerprint", ""), lines.get("path", ""), network)
    shown_descriptor = lines.get("descriptor", "").split("#", 1)[0]
    if shown_descriptor and shown_descriptor != descriptor:
        raise CompanionError("the descriptor line is not the one the key, fingerprint and path give")
    return descriptor


def account_descriptor(key: str, fingerprint: str, path: str, network: str) -> str:
    """``wpkh([fp/84h/0h/0h]xpub.../<0;1>/*)`` and its kin for an account key; one line when it is not one."""
    from embit.networks import NETWORKS as EMBIT_NETWORKS

    key, fingerprint, path = key.strip(), fingerprint.strip().lower(), path.strip()
    if not key:
        raise CompanionError("the extended public key is missing")
    if not fingerprint:
        raise CompanionError("the master fingerprint is missing: the device shows it beside the key")
    if not re.fullmatch(r"[0-9a-f]{8}", fingerprint):
        raise CompanionError("the master fingerprint must be 8 hex digits, like 73c5da0a")
    if not path:
        raise CompanionError("the derivation path is missing: the device shows it beside the key")
    steps = _read_path(path)
    hd_key = _read_key(key)
    version = _version_name(hd_key)
    if version in _MULTISIG_VERSIONS:
        raise CompanionError(f"this is {_COSIGNER_KEY}")
    key_is_main = hd_key.version in EMBIT_NETWORKS["main"].values()
    if key_is_main != (network == "main"):
        raise CompanionError(f"the key is for {'main' if key_is_main else 'a test'} network, not {network}")
    shown_path = "m/" + "/".join(_step_text(step) for step in steps) if steps else "m"
    purpose = steps[0] - HARDENED if steps and steps[0] >= HARDENED else None
    if purpose == 48:
        raise CompanionError(f"the path {shown_path} is for {_COSIGNER_KEY}")
    if purpose not in _SCRIPT_OF_PURPOSE:
        raise CompanionError(f"the path {shown_path} is not a single-sig account (m/44h, 49h, 84h or 86h)")
    if hd_key.depth != len(steps):
        raise CompanionError(
            f"the key is {hd_key.depth} steps from the master key but the path {shown_path} has {len(steps)}"
        )
    if hd_key.child_number != steps[-1]:
        raise CompanionError(
            f"the key is child {_step_text(hd_key.child_number)}, but the path {shown_path} ends in "
            f"{_step_text(steps[-1])}"
        )
    if len(steps) != 3 or any(step < HARDENED for step in steps):
        raise CompanionError(f"the path {shown_path} is not an account path: m/purpose'/coin'/account'")
    coin = steps[1] - HARDENED
    if coin not in (0, 1):
        raise CompanionError(f"the path {shown_path} is not a Bitcoin account (coin type {coin}h)")
    if (coin == 0) != (network == "main"):
        raise CompanionError(
            f"the path {shown_path} is for {'main' if coin == 0 else 'a test'} network, not {network}"
        )
    wanted = _PURPOSE_OF_VERSION.get(version)
    if wanted is not None and wanted != purpose:
        raise CompanionError(
            f"a {key[:4]} key is for {_SCRIPT_NAMES[wanted]} accounts (m/{wanted}h), "
            f"not the path {shown_path}"
        )
    xpub = hd_key.to_base58(version=EMBIT_NETWORKS[network]["xpub"])
    origin = fingerprint + shown_path[1:]
    return _SCRIPT_OF_PURPOSE[purpose].format(f"[{origin}]{xpub}/<0;1>/*")


def _read_key(text: str) -> HDKey:
    from embit.bip32 import HDKey

    if re.fullmatch(rf"[xtyzuvYZUV]prv[{_BASE58}]+", text.strip()):
        raise CompanionError("this is a private key: the companion only takes public keys")
    try:
        key: HDKey = HDKey.from_string(text.strip())
    except Exception:  # embit raises ValueError, HDError or base58 errors for every kind of bad key
        raise CompanionError("the extended key is not valid: a character is wrong or missing") from None
    if key.is_private:
        raise CompanionError("this is a private key: the companion only takes public keys")
    return key


def _version_name(key: HDKey) -> str:
    """embit's name of the key's version bytes (xpub, ypub, zpub, Ypub, Zpub; tpub/upub/vpub are the
    test networks' xpub/ypub/zpub)."""
    from embit.networks import NETWORKS as EMBIT_NETWORKS

    for versions in EMBIT_NETWORKS.values():
        for name, version in versions.items():
            if name in ("xpub", "ypub", "zpub", *_MULTISIG_VERSIONS) and version == key.version:
                return name
    raise CompanionError("the key is not a Bitcoin extended public key (unknown prefix)")


def _read_path(text: str) -> list[int]:
    body = text[2:] if text[:2] in ("m/", "M/") else "" if text in ("m", "M") else text.lstrip("/")
    steps = []
    for part in body.split("/") if body else []:
        match = re.fullmatch(r"(\d{1,10})([hH']?)", part)
        if match is None or int(match[1]) >= HARDENED:
            raise CompanionError("the derivation path is not one: write it like m/84h/0h/0h")
        steps.append(int(match[1]) + (HARDENED if match[2] else 0))
    return steps


def _step_text(step: int) -> str:
    return f"{step - HARDENED}h" if step >= HARDENED else str(step)
