"""Multisig wallets in the companion: a wallet the devices registered, imported; or a new one made
from the cosigners' key exports.

Import reads every wallet file the device's own registration reads (``signer.btc.multisig_formats``:
a descriptor, a BSMS 1.0 record, the Coldcard/Sparrow setup text, Specter's or Caravan's JSON; a
ur:crypto-output with sortedmulti; any of them as ur:bytes or BBQr text), with the signer's own parser,
so the companion watches exactly the wallet the devices sign for. Only sorted multisig (BIP-67) in
P2WSH, P2SH-P2WSH or legacy P2SH exists there; anything else is refused with the reason.

The result is what BDK takes: the receive (``/0/*``) and change (``/1/*``) descriptors of the one
``sortedmulti`` policy, for the network the companion was told.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from companion.btc.descriptors import NETWORKS, AccountImport, checked_descriptor
from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.btc.wallets import WalletRecord
    from signer.btc.multisig import MultisigWallet
    from signer.chains.keys import WatchOnlyKeys
    from signer.transport.payload import Payload


def is_multisig_descriptor(descriptor: str) -> bool:
    """Whether a wallet's (BDK) descriptor is a multisig one."""
    return "multi(" in descriptor.split("#", 1)[0]


def multisig_in_text(text: str, network: str) -> AccountImport | None:
    """The multisig wallet an export file's text holds, or None when it holds no multisig wallet."""
    if text[:3].lower() == "ur:" or text.startswith("B$"):
        payload = _assembled(text)
        return multisig_in_payload(payload, network) if payload is not None else None
    from signer.btc.multisig_formats import looks_like_multisig

    if not looks_like_multisig(text):
        return None
    return wallet_import(_parse(text), network, _source_of(text))


def multisig_in_payload(payload: Payload, network: str) -> AccountImport | None:
    """The multisig wallet a scanned payload holds (as the device's registration finds it), or None."""
    from signer.btc.export import multisig_wallet_text
    from signer.errors import AirlockError

    try:
        text = multisig_wallet_text(payload)
    except AirlockError as exc:
        raise CompanionError(f"the multisig wallet cannot be read: {exc}") from None
    if text is None:
        return None
    source = "ur:crypto-output" if payload.ur_type == "crypto-output" else _source_of(text)
    return wallet_import(_parse(text), network, source)


def _assembled(text: str) -> Payload | None:
    """The payload of the QR texts (UR or BBQr, one per line); None when they make no complete one
    (the single-sig reader then says what is wrong with them)."""
    from signer.chains.scanning import new_assembler
    from signer.errors import AirlockError

    assembler = new_assembler()
    try:
        for line in text.split():
            if not assembler.add(line).accepted:
                return None
    except AirlockError:
        return None
    return assembler.result if assembler.is_complete else None


def _parse(text: str) -> MultisigWallet:
    from signer.btc.multisig_formats import parse_wallet
    from signer.errors import AirlockError

    try:
        return parse_wallet(text)
    except AirlockError as exc:
        raise CompanionError(f"the multisig wallet cannot be read: {exc}") from None


def _source_of(text: str) -> str:
    from signer.btc.multisig_formats.bsms import is_bsms

    stripped = text.strip()
    if stripped.startswith("{"):
        return "multisig wallet json"
    if is_bsms(stripped):
        return "bsms"
    if stripped.startswith(("wsh(", "sh(")):
        return "multisig descriptor"
    return "multisig setup text"


def wallet_import(wallet: MultisigWallet, network: str, source: str) -> AccountImport:
    """BDK's receive and change descriptors of ``wallet`` on ``network`` (its keys' network checked)."""
    if network not in NETWORKS:
        raise CompanionError(f"unknown network {network!r}; choose one of {', '.join(NETWORKS)}")
    if wallet.network_is_main != (network == "main"):
        raise CompanionError(f"the multisig wallet's keys are for {wallet.network_name}, not {network}")
    body = wallet.descriptor.split("#", 1)[0]  # canonical: every key ends in /<0;1>/*
    receive, change = body.replace("/<0;1>/*", "/0/*"), body.replace("/<0;1>/*", "/1/*")
    return AccountImport(
        checked_descriptor(receive, network), checked_descriptor(change, network), network, source
    )


def wallet_of(record: WalletRecord) -> MultisigWallet:
    """The signer's view of a multisig wallet record: its policy, cosigners and canonical descriptor,
    named as the companion names it."""
    from signer.btc.multisig import parse_descriptor
    from signer.errors import AirlockError

    body = record.descriptor.split("#", 1)[0]
    if not is_multisig_descriptor(body):
        raise CompanionError(f"the wallet {record.name} is not a multisig wallet")
    try:
        return parse_descriptor(body, record.name)  # its /0/* keys are read as the receive/change pair
    except AirlockError as exc:
        raise CompanionError(f"the wallet {record.name}'s descriptor cannot be read: {exc}") from None


def cosigner_keys(record: WalletRecord) -> WatchOnlyKeys:
    """Watch-only keys (signer.chains.keys.WatchOnlyKeys) of the wallet's first cosigner with the
    wallet registered for it: the review any of its devices shows (the same for every cosigner but
    for which key it marks as its own), computed from public keys only."""
    from signer.btc.networks import format_path
    from signer.chains.exports import watch_only_keys

    wallet = wallet_of(record)
    first = next((c for c in wallet.cosigners if c.fingerprint is not None and c.path is not None), None)
    if first is None or first.fingerprint is None or first.path is None:
        raise CompanionError(f"no cosigner of {record.name} has a key origin to review with")
    export = {"fingerprint": first.fingerprint.hex(), "path": format_path(first.path), "xpub": first.xpub}
    return watch_only_keys([export], [{"name": record.name, "descriptor": wallet.descriptor}])


def check_signature_count(record: WalletRecord, psbt: bytes) -> None:
    """Refuse, naming the input, a combined multisig PSBT with fewer signatures by the wallet's keys
    than the wallet needs on some input (the finalizer's own words for it say little)."""
    from embit.psbt import PSBT

    from signer.btc.scripts import parse_multisig_script

    m = wallet_of(record).m
    try:
        parsed = PSBT.parse(psbt)
    except Exception as exc:  # embit's own parse errors; the PSBT was parsed before, so rare
        raise CompanionError(f"not a valid PSBT: {exc}") from None
    for index, inp in enumerate(parsed.inputs):
        script = parse_multisig_script(inp.witness_script.data) if inp.witness_script is not None else None
        if script is None or inp.final_scriptwitness is not None:
            continue
        keys = set(script[1])
        have = sum(1 for pub in inp.partial_sigs if pub.sec() in keys)
        if have < m:
            raise CompanionError(
                f"input {index} has {have} of the {m} signatures it needs: give the signed copies of "
                f"{m} cosigners; nothing was broadcast"
            )
