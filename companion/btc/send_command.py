"""``btc send`` and ``btc broadcast`` put together: every check first, then the writes, then the node.

``send`` builds and reviews in memory, and refuses (one line, nothing written) what the device would
refuse; only then does it write the PSBT, its QR frames and the wallet's note of what it built.
``broadcast`` reads, combines, finalizes and checks everything before one call to the node.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion.btc.wallets import Wallets
from companion.errors import CompanionError


@dataclass
class Sent:
    """What ``btc send`` made: the file, the frames, the txid and the device's review."""

    psbt_path: Path
    txid: str
    review: Any  # signer.chains.contract.Review
    frames: list[Path] = field(default_factory=list)

    def to_text(self) -> str:
        lines = [
            "The device will show:",
            self.review.to_text(),
            "",
            f"wrote {self.psbt_path} (txid {self.txid})",
        ]
        if self.frames:
            lines.append(f"wrote {len(self.frames)} QR frame(s) to {self.frames[0].parent}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "psbt": str(self.psbt_path),
            "txid": self.txid,
            "frames": [str(p) for p in self.frames],
            "review": self.review.to_json(),
        }


def send(wallets: Wallets, args: argparse.Namespace) -> Sent:
    from companion.btc.broadcast import remember_built, unsigned_txid
    from companion.btc.device_review import review_psbt
    from companion.btc.handover import plan_qr, write_frames, write_psbt
    from companion.btc.spend import Payment, build_psbt, check_fee_rate, parse_amount, parse_outpoint
    from companion.btc.wallets import open_bdk

    record = wallets.load(args.name)
    if wallets.status(args.name) is None:
        raise CompanionError(
            f"{record.name} was never synced: run `airlock-companion btc sync {record.name}`"
        )
    payment = Payment(
        to=args.to,
        amount=parse_amount(args.amount),
        fee_rate=check_fee_rate(args.fee_rate),
        utxos=tuple(parse_outpoint(u) for u in args.utxo),
    )
    if len(set(payment.utxos)) != len(payment.utxos):
        raise CompanionError("a coin is named twice in --utxo")
    density = _density(args.density)
    frames = None
    if args.qr_dir is not None:
        _check_frame_folder(args.qr_dir)
    folder = wallets.folder(args.name)
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
    if args.qr_dir is not None:
        frames = plan_qr(psbt, args.format, density)

    txid = unsigned_txid(psbt)
    write_psbt(args.output, psbt)
    remember_built(folder, txid)
    if opened is not None:
        opened.persist()  # the change address it took stays taken
    written = write_frames(args.qr_dir, frames) if frames is not None else []
    return Sent(args.output, txid, review, written)


def broadcast(wallets: Wallets, name: str, paths: list[Path]) -> str:
    from companion.btc.broadcast import prepare, send
    from companion.btc.handover import read_signed
    from companion.btc.wallets import open_bdk

    record = wallets.load(name)
    signed = read_signed(paths)
    folder = wallets.folder(name)
    opened = open_bdk(record, folder)
    ready = prepare(record, opened, folder, signed)
    return send(record, opened, folder, ready)


def _density(value: int | None) -> int:
    from signer.transport.frames import DEFAULT_DENSITY, DENSITY_MODULE_PX

    if value is None:
        return DEFAULT_DENSITY
    if not 0 <= value < len(DENSITY_MODULE_PX):
        raise CompanionError(f"--density is 0 (sparse) to {len(DENSITY_MODULE_PX) - 1} (dense), not {value}")
    return value


def _check_frame_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise CompanionError(f"{folder} is not a folder")
    if folder.is_dir() and any(folder.glob("frame-*.png")):
        raise CompanionError(f"{folder} already holds QR frames: give an empty or new folder")
