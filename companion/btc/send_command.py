"""``btc send`` and ``btc broadcast`` put together: every check first, then the writes, then the node.

``send`` builds and reviews in memory, and refuses (one line, nothing written) what the device would
refuse; only then does it write the PSBT, its QR frames and the wallet's note of what it built.
``broadcast`` reads, combines, finalizes and checks everything before one call to the node.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from companion.btc.handover import Sent, check_density, check_frame_folder, plan_qr, write_frames, write_psbt
from companion.btc.wallets import Wallets
from companion.errors import CompanionError


def send(wallets: Wallets, args: argparse.Namespace) -> Sent:
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
    density = check_density(args.density)
    if args.qr_dir is not None:
        check_frame_folder(args.qr_dir)
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
