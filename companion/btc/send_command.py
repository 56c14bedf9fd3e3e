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
    from companion.btc.handover import plan_qr, write_frames, write_psbt
    from companion.btc.service import build_payment
    from companion.btc.spend import Payment, check_fee_rate, parse_amount, parse_outpoint

    payment = Payment(
        to=args.to,
        amount=parse_amount(args.amount),
        fee_rate=check_fee_rate(args.fee_rate),
        utxos=tuple(parse_outpoint(u) for u in args.utxo),
    )
    if len(set(payment.utxos)) != len(payment.utxos):
        raise CompanionError("a coin is named twice in --utxo")
    density = _density(args.density)
    if args.qr_dir is not None:
        _check_frame_folder(args.qr_dir)
    frames: object | None = None

    def hand_over(psbt: bytes) -> None:  # the frames are planned, the file written, before the notes
        nonlocal frames
        if args.qr_dir is not None:
            frames = plan_qr(psbt, args.format, density)
        write_psbt(args.output, psbt)

    hint = f"run `airlock-companion btc sync {args.name}`"
    built = build_payment(wallets, args.name, payment, sync_hint=hint, before_notes=hand_over)
    written = write_frames(args.qr_dir, frames) if frames is not None else []
    return Sent(args.output, built.txid, built.review, written)


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
