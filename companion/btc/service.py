"""What a person does with a watch-only wallet, once: the CLI and the web page both call these.

Each function takes the data folder's :class:`Wallets` and raises :class:`CompanionError` (one line,
nothing changed) on bad input, an unknown wallet or an unreachable node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from companion.btc.wallets import Status, WalletRecord, Wallets, check_name, open_bdk
from companion.errors import CompanionError

if TYPE_CHECKING:
    from collections.abc import Callable

    from signer.transport.payload import Payload


@dataclass(frozen=True)
class ReceiveAddress:
    address: str
    index: int
    path: str  # m/84h/1h/0h/0/INDEX
    synced: bool  # False: the wallet was never synced, so a used address may be given again


def import_wallet(
    wallets: Wallets, name: str, export: bytes | Payload, network: str, node: str
) -> WalletRecord:
    """A new wallet ``name`` from a device export: file bytes, or a payload scanned by the assembler."""
    from companion.btc.exports import read_export, read_payload
    from companion.btc.node_url import parse_node_url

    check_name(name)
    parse_node_url(node)
    account = read_export(export, network) if isinstance(export, bytes) else read_payload(export, network)
    return wallets.create(name, account, node)


def import_key(
    wallets: Wallets, name: str, key: str, fingerprint: str, path: str, network: str, node: str
) -> WalletRecord:
    """A new wallet ``name`` from an extended key with its master fingerprint and derivation path."""
    from companion.btc.exports import read_key_fields
    from companion.btc.node_url import parse_node_url

    check_name(name)
    parse_node_url(node)
    return wallets.create(name, read_key_fields(key, fingerprint, path, network), node)


def sync_wallet(wallets: Wallets, name: str) -> Status:
    """Bring ``name`` to its node's tip and keep what the sync saw (``balance`` answers from it)."""
    from companion.btc.chain import chain_source

    record = wallets.load(name)
    source = chain_source(record.node)
    wallet = open_bdk(record, wallets.folder(name))
    status = source.sync(record, wallet, wallets.folder(name))
    wallets.save_status(name, status)
    return status


def next_address(wallets: Wallets, name: str) -> ReceiveAddress:
    """The next unused receive address as of the last sync (the first one before any sync).

    The address is revealed in BDK's store, so that the next compact block filter sync watches it.
    """
    import bdkpython as bdk

    record = wallets.load(name)
    status = wallets.status(name)
    index = 0 if status is None or status.last_used_receive is None else status.last_used_receive + 1
    opened = open_bdk(record, wallets.folder(name))
    opened.wallet.reveal_addresses_to(bdk.KeychainKind.EXTERNAL, index)
    opened.persist()
    address = str(opened.wallet.peek_address(bdk.KeychainKind.EXTERNAL, index).address)
    return ReceiveAddress(address, index, f"{record.account_path}/0/{index}", status is not None)


def balance(wallets: Wallets, name: str) -> Status:
    """The balance the last sync saw; refuses a wallet never synced."""
    record = wallets.load(name)
    status = wallets.status(name)
    if status is None:
        raise CompanionError(
            f"{record.name} was never synced: run `airlock-companion btc sync {record.name}`"
        )
    return status


def receive_address_at(wallets: Wallets, name: str, index: int) -> ReceiveAddress:
    """Receive address ``index`` of ``name``, without revealing anything in the store."""
    import bdkpython as bdk

    if not 0 <= index < 2**31:
        raise CompanionError(f"address index {index} is out of range")
    record = wallets.load(name)
    opened = open_bdk(record, wallets.folder(name))
    address = str(opened.wallet.peek_address(bdk.KeychainKind.EXTERNAL, index).address)
    return ReceiveAddress(
        address, index, f"{record.account_path}/0/{index}", wallets.status(name) is not None
    )


def device_check_text(address: str) -> str:
    """The address as the device's address check scans it: bech32 in capitals, so the QR code can use
    the compact alphanumeric mode (BIP-173); other addresses as they are (their case matters)."""
    if address.lower().startswith(("bc1", "tb1", "bcrt1")):
        return address.upper()
    return address


def payment_uri(address: str) -> str:
    """A BIP-21 payment request for the address (wallet apps read it; so does the device's check)."""
    text = device_check_text(address)
    return ("BITCOIN:" if text.isupper() else "bitcoin:") + text


# -- sending: build, hand over, take the signed copies back, broadcast, follow ---------------------
@dataclass(frozen=True)
class Built:
    """An unsigned payment ``build_payment`` made: the PSBT (BIP-174, binary), its txid, the device's
    review (``signer.chains.contract.Review``)."""

    psbt: bytes
    txid: str
    review: Any


def payment_from_form(to: str, amount: str, fee_rate: str, utxos: list[str]) -> Any:
    """A ``spend.Payment`` from what a person typed (the web page's send form)."""
    from companion.btc.spend import Payment, check_fee_rate, parse_amount, parse_outpoint

    if not to.strip():
        raise CompanionError("give the address to send to")
    rate = fee_rate.strip()
    if not rate.isdigit():
        raise CompanionError(f"the fee rate must be a whole number of sat/vB, not {rate[:20]!r}")
    chosen = tuple(parse_outpoint(u) for u in utxos)
    if len(set(chosen)) != len(chosen):
        raise CompanionError("a coin is chosen twice")
    return Payment(to=to.strip(), amount=parse_amount(amount), fee_rate=check_fee_rate(int(rate)),
                   utxos=chosen)  # fmt: skip


def build_payment(
    wallets: Wallets,
    name: str,
    payment: Any,
    *,
    sync_hint: str = "press Sync first",
    before_notes: Callable[[bytes], None] | None = None,
) -> Built:
    """What ``btc send`` and the page's send form do: build, review as the device will, refuse what it
    would refuse (nothing written); ``before_notes(psbt)`` (the CLI's file and frames) may still refuse;
    then note the txid as built here (so its broadcast is accepted) and keep the change address taken."""
    from companion.btc.broadcast import remember_built, unsigned_txid
    from companion.btc.device_review import review_psbt
    from companion.btc.spend import build_psbt

    record = wallets.load(name)
    if wallets.status(name) is None:
        raise CompanionError(f"{record.name} was never synced: {sync_hint}")
    folder = wallets.folder(name)
    opened = None
    if record.node.startswith("bitcoind://"):
        from companion.btc.core_coins import node_coins_wallet

        wallet = node_coins_wallet(record)
    else:
        opened = open_bdk(record, folder)
        wallet = opened.wallet
    psbt = build_psbt(wallet, record.network, payment)
    review = review_psbt(record, psbt)
    if review.refusals:
        first = review.refusals[0]
        raise CompanionError(f"the device would refuse this PSBT ({first.code}): {first.message}")
    txid = unsigned_txid(psbt)
    if before_notes is not None:
        before_notes(psbt)
    remember_built(folder, txid)
    if opened is not None:
        opened.persist()
    return Built(psbt, txid, review)


def signed_from_payload(payload: Payload) -> bytes:
    """The PSBT a camera scan read; anything else is refused."""
    from signer.transport.payload import PayloadKind

    if payload.kind != PayloadKind.PSBT:
        raise CompanionError(f"the scanned QR code holds a {payload.type_label}, not a signed PSBT")
    return bytes(payload.data)


def signed_from_data(data: bytes) -> bytes:
    """The one PSBT in a pasted text or an uploaded file: binary, base64 or hex, the QR texts of an
    animated UR or BBQr (one a line, as ``airlock sign`` prints them), or a picture of a one-part QR."""
    from signer.btc.psbt_io import decode_psbt_bytes
    from signer.errors import AirlockError

    if not data.strip():
        raise CompanionError("give the signed PSBT: scan it with the camera, paste it, or choose its file")
    if data[:4] == b"\x89PNG" or data[:3] == b"\xff\xd8\xff":
        return _signed_from_frames(_qr_codes_in(data))
    if not data.startswith(b"psbt\xff"):
        try:
            lines = [line.strip() for line in data.decode("utf-8").splitlines() if line.strip()]
        except UnicodeDecodeError:
            raise CompanionError("this is neither a PSBT, QR texts nor a QR picture") from None
        if lines[0][:3].lower() == "ur:" or lines[0].startswith("B$"):
            return _signed_from_frames([line.encode() for line in lines])
    try:
        return decode_psbt_bytes(data)
    except AirlockError as exc:
        raise CompanionError(f"this is not a PSBT: {exc}") from None


def _qr_codes_in(data: bytes) -> list[bytes]:
    from signer.transport.errors import TransportError
    from signer.transport.frames import decode_qr_image
    from signer.transport.images import open_gray

    try:
        found = decode_qr_image(open_gray(data, "the picture"))
    except TransportError as exc:
        raise CompanionError(str(exc)) from None
    if not found:
        raise CompanionError("no QR code found in the picture")
    return list(found)


def _signed_from_frames(frames: list[bytes]) -> bytes:
    from signer.chains.scanning import new_assembler
    from signer.errors import AirlockError

    assembler = new_assembler()
    for frame in frames:
        try:
            status = assembler.add(frame)
        except AirlockError as exc:
            raise CompanionError(f"the QR text is not readable: {exc}") from None
        if not status.accepted:
            raise CompanionError(f"{status.outcome} QR text: {status.reason}")
    if not assembler.is_complete:
        raise CompanionError(f"the QR texts are incomplete: {assembler.status.describe()}")
    return signed_from_payload(assembler.result)


def check_signed(wallets: Wallets, name: str, signed: list[bytes]) -> Any:
    """``btc broadcast``'s checks without the broadcast: the copies combined, finalized and verified as
    this wallet's transaction (a ``broadcast.Ready``)."""
    from companion.btc.broadcast import prepare

    record = wallets.load(name)
    folder = wallets.folder(name)
    return prepare(record, open_bdk(record, folder), folder, signed)


def broadcast_signed(wallets: Wallets, name: str, signed: list[bytes]) -> str:
    """Check the signed copies again (the wallet may have changed since) and broadcast; the txid."""
    from companion.btc.broadcast import prepare, send

    record = wallets.load(name)
    folder = wallets.folder(name)
    opened = open_bdk(record, folder)
    return send(record, opened, folder, prepare(record, opened, folder, signed))


@dataclass(frozen=True)
class TxState:
    """Where a transaction of the wallet stands, as of the last sync."""

    txid: str
    known: bool  # the wallet has seen it (sent from here, or found by a sync)
    height: int | None  # its block, None while pending

    def to_json(self) -> dict[str, Any]:
        state = "confirmed" if self.height is not None else ("pending" if self.known else "unknown")
        return {"txid": self.txid, "state": state, "height": self.height}


def transaction_state(wallets: Wallets, name: str, txid: str, *, sync: bool = False) -> TxState:
    """Where ``txid`` stands; with ``sync``, after a sync (how the page follows it to its block)."""
    from companion.btc.activity import history

    if sync:
        sync_wallet(wallets, name)
    rows = [row for row in history(wallets.load(name), wallets.folder(name)) if row.txid == txid]
    if not rows:
        return TxState(txid, False, None)
    return TxState(txid, True, rows[0].height)


@dataclass(frozen=True)
class NewMultisig:
    """A multisig wallet made here: its record, the signer's view of it and the devices' QR frames."""

    record: WalletRecord
    wallet: object  # signer.btc.multisig.MultisigWallet
    frames: object | None  # signer.transport.frames.FrameSet, when asked for


def create_multisig(
    wallets: Wallets,
    name: str,
    threshold: int,
    exports: list[tuple[str, bytes]],
    network: str,
    node: str,
    script: str = "wsh",
    qr_format: str | None = None,
    density: int | None = None,
) -> NewMultisig:
    """A new multisig wallet ``name`` from the cosigners' exports ((where, bytes) each): every check
    and the QR frames first, then the wallet is created (nothing is written when anything fails)."""
    from companion.btc.multisig import wallet_import
    from companion.btc.multisig_create import build, read_cosigner, registration_frames, script_type
    from companion.btc.node_url import parse_node_url

    check_name(name)
    parse_node_url(node)
    script_type(script)
    if wallets.folder(name).exists():
        raise CompanionError(f"a wallet named {name} already exists")
    keys = [read_cosigner(data, network, script, where) for where, data in exports]
    wallet = build(name, threshold, keys, script)
    account = wallet_import(wallet, network, "multisig create")
    frames = None
    if qr_format is not None:
        from signer.transport.frames import DEFAULT_DENSITY

        frames = registration_frames(wallet, qr_format, DEFAULT_DENSITY if density is None else density)
    return NewMultisig(wallets.create(name, account, node), wallet, frames)


# -- speeding up a pending transaction, labels: what the web page asks ------------------------------
@dataclass(frozen=True)
class SpeedUp:
    """How a pending transaction of the wallet can be sped up (the history's buttons)."""

    replace: bool  # every input the wallet's, replace-by-fee signalled: ``btc bump``
    child: bool  # it has an unspent output of the wallet: ``btc cpfp``


def speed_ups(wallets: Wallets, name: str, txids: list[str]) -> dict[str, SpeedUp]:
    """For each pending ``txid`` of the wallet: whether a replacement, a child, or neither can speed it up
    (the same tests ``btc bump`` and ``btc cpfp`` apply first; they check everything again)."""
    import bdkpython as bdk

    from companion.btc.bump import RBF_MAX_SEQUENCE, is_ours

    if not txids:
        return {}
    record = wallets.load(name)
    if record.node.startswith("bitcoind://"):
        from companion.btc.core_coins import node_coins_wallet

        wallet = node_coins_wallet(record, also=txids)
    else:
        wallet = open_bdk(record, wallets.folder(name)).wallet
    unspent = {str(u.outpoint.txid) for u in wallet.list_unspent()}
    found: dict[str, SpeedUp] = {}
    for txid in txids:
        tx = wallet.get_tx(bdk.Txid.from_string(txid))
        if tx is None or tx.chain_position.is_confirmed():
            continue
        inputs = tx.transaction.input()
        replace = all(is_ours(wallet, i.previous_output) for i in inputs) and any(
            i.sequence <= RBF_MAX_SEQUENCE for i in inputs
        )
        found[txid] = SpeedUp(replace=replace, child=txid in unspent)
    return found


def build_speed_up(wallets: Wallets, name: str, how: str, txid: str, fee_rate: str) -> Built:
    """What ``btc bump`` (``how`` "replace") or ``btc cpfp`` (``how`` "child") builds, for the page: the
    same checks, the device's review, the txid noted as built here and the change address kept."""
    import argparse
    import tempfile
    from pathlib import Path

    from companion.btc.bump import bump, cpfp

    if how not in ("replace", "child"):
        raise CompanionError(f"a transaction is sped up by replace or child, not {how[:20]!r}")
    rate = fee_rate.strip()
    if not rate.isdigit():
        raise CompanionError(f"the fee rate must be a whole number of sat/vB, not {rate[:20]!r}")
    # bump and cpfp write the PSBT as the commands do; here it is read back and the file dropped
    with tempfile.TemporaryDirectory(prefix="airlock-speed-up-") as folder:
        output = Path(folder) / "unsigned.psbt"
        args = argparse.Namespace(name=name, txid=txid, fee_rate=int(rate), output=output, qr_dir=None,
                                  format="ur", density=None)  # fmt: skip
        sent = (bump if how == "replace" else cpfp)(wallets, args)
        psbt = output.read_bytes()
    return Built(psbt, sent.txid, sent.review)


def set_label(wallets: Wallets, name: str, ref: str, text: str) -> None:
    """Label a transaction, coin or address of the wallet (``btc label``); an empty text removes it."""
    from companion.btc import labels

    record = wallets.load(name)
    labels.set_label(record, wallets.folder(name), ref, text.strip())


def wallet_labels(wallets: Wallets, name: str) -> dict[tuple[str, str], str]:
    """The wallet's labels by (BIP-329 type, ref), for showing beside history, coins and addresses."""
    from companion.btc import labels

    return {key: r["label"] for key, r in labels.load(wallets.folder(name)).items() if r.get("label")}


def import_labels(wallets: Wallets, name: str, data: bytes) -> Any:
    """Merge a BIP-329 file's bytes into the wallet's labels (``btc labels NAME import``): refused whole,
    naming the line, when a line is bad. A ``labels.Imported``."""
    from companion.btc import labels

    record = wallets.load(name)
    return labels.import_data(record, wallets.folder(name), data, "the file")


def export_labels(wallets: Wallets, name: str) -> bytes:
    """The wallet's labels as a BIP-329 file (``btc labels NAME export``)."""
    from companion.btc import labels

    record = wallets.load(name)
    return labels.export_data(record, wallets.folder(name))


# -- a new multisig wallet on the web page: its cosigners one by one, then what the devices register --
@dataclass(frozen=True)
class MultisigPlan:
    """What the page shows before Create: each cosigner's key (or why its export is refused), and the
    wallet they make with the threshold (``problem`` says why there is none yet)."""

    keys: list[Any]  # companion.btc.multisig_create.CosignerKey, or a str: why that export is refused
    wallet: Any | None  # signer.btc.multisig.MultisigWallet
    first_address: str | None
    problem: str


def cosigner_where(index: int) -> str:
    """How errors name the cosigner at ``index`` (0-based)."""
    return f"cosigner {index + 1}"


def cosigner_text(payload: Payload) -> bytes:
    """A scanned cosigner export as the text ``btc multisig create`` reads from a file (a UR in one part,
    or the QR's text)."""
    from signer.transport.ur import UR, encode_single

    if payload.is_secret:
        raise CompanionError("this QR code holds a seed: never show it to a computer. Nothing was kept")
    if payload.format == "ur" and payload.ur_type:
        return encode_single(UR(payload.ur_type, payload.data)).encode()
    return payload.data


def add_cosigner(exports: list[bytes], new: bytes, network: str, script: str) -> list[bytes]:
    """``exports`` with ``new`` added, once it reads as a cosigner key of ``script`` wallets on
    ``network`` and is not a key (or a fingerprint and path) given already."""
    from companion.btc.multisig_create import read_cosigner

    key = read_cosigner(new, network, script, cosigner_where(len(exports)))
    for i, data in enumerate(exports):
        try:
            other = read_cosigner(data, network, script, cosigner_where(i))
        except CompanionError:
            continue  # that one shows its own refusal in the list
        if other.cosigner.xpub == key.cosigner.xpub:
            raise CompanionError(f"this key is already {cosigner_where(i)}: each key is given once")
        if (other.cosigner.fingerprint, other.cosigner.path) == (key.cosigner.fingerprint, key.cosigner.path):
            raise CompanionError(
                f"{cosigner_where(i)} has the same fingerprint and path: one device's key is given once"
            )
    return [*exports, new]


def parse_threshold(text: str, cosigners: int) -> int:
    """The number of signatures a spend needs, typed on the page: 1 to the number of cosigners."""
    cleaned = text.strip()
    if not cleaned.isdecimal() or len(cleaned) > 3:
        raise CompanionError(f"the threshold is a whole number of signatures, not {cleaned[:20]!r}")
    value = int(cleaned)
    if not 1 <= value <= max(cosigners, 1):
        raise CompanionError(f"the threshold must be 1 to {cosigners} (the number of cosigners), not {value}")
    return value


def plan_multisig(name: str, threshold: str, exports: list[bytes], network: str, script: str) -> MultisigPlan:
    """Each export read as ``btc multisig create`` reads it, and the wallet they make (no file written)."""
    from companion.btc.descriptors import NETWORKS
    from companion.btc.multisig_create import build, read_cosigner, script_type

    if network not in NETWORKS:
        raise CompanionError(f"unknown network {network!r}; choose one of {', '.join(NETWORKS)}")
    script_type(script)
    keys: list[Any] = []
    for i, data in enumerate(exports):
        try:
            keys.append(read_cosigner(data, network, script, cosigner_where(i)))
        except CompanionError as exc:
            keys.append(str(exc))
    refused = [k for k in keys if isinstance(k, str)]
    if refused:
        return MultisigPlan(keys, None, None, refused[0])
    if len(keys) < 2:
        return MultisigPlan(keys, None, None, "add at least 2 cosigners")
    try:
        wallet = build(name, parse_threshold(threshold, len(keys)), keys, script)
    except CompanionError as exc:
        return MultisigPlan(keys, None, None, str(exc))
    return MultisigPlan(keys, wallet, wallet.address(0, 0, network), "")


def create_multisig_from_page(wallets: Wallets, name: str, threshold: str, exports: list[bytes], network: str,
                              node: str, script: str) -> NewMultisig:  # fmt: skip
    """``create_multisig`` with the page's threshold text and its cosigners named by position."""
    if len(exports) < 2:
        raise CompanionError(f"a multisig wallet needs at least 2 cosigners, got {len(exports)}")
    number = parse_threshold(threshold, len(exports))
    given = [(cosigner_where(i), data) for i, data in enumerate(exports)]
    return create_multisig(wallets, name, number, given, network, node, script)


@dataclass(frozen=True)
class Registration:
    """What each device registers a multisig wallet from: the wallet, its descriptor and BSMS record."""

    wallet: Any  # signer.btc.multisig.MultisigWallet
    network: str
    first_address: str
    descriptor: str
    bsms: str


def multisig_registration(wallets: Wallets, name: str) -> Registration:
    """A multisig wallet's registration files: the canonical descriptor (as ``btc multisig create``
    prints it) and a BSMS 1.0 record (BIP-129: the template, receive and change, the first address)."""
    from companion.btc.multisig import wallet_of

    record = wallets.load(name)
    wallet = wallet_of(record)
    first = wallet.address(0, 0, record.network)
    template = wallet.descriptor.split("#", 1)[0].replace("/<0;1>/*", "/**")
    bsms = f"BSMS 1.0\n{template}\n/0/*,/1/*\n{first}\n"
    return Registration(wallet, record.network, first, wallet.descriptor + "\n", bsms)


def registration_frames(wallets: Wallets, name: str, fmt: str, density: int) -> Any:
    """The QR frames (``FrameSet``) each device registers the wallet from, as ``--qr-dir`` writes them."""
    from companion.btc.multisig_create import registration_frames as frames_of

    return frames_of(multisig_registration(wallets, name).wallet, fmt, density)
