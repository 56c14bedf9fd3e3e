"""``btc multisig create``: a multisig wallet from the cosigners' key exports, and the QR frames each
device scans to register it.

    airlock-companion [--datadir DIR] btc multisig create NAME --threshold M EXPORT... \
            --network main|test|signet|regtest --node URL [--script wsh|sh-wsh] \
            [--qr-dir DIR] [--format ur|bbqr] [--density N] [--json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from companion.errors import CompanionError


def add_multisig_parsers(cmds: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    multisig = cmds.add_parser("multisig", help="multisig wallets: create one from the cosigners' keys")
    sub = multisig.add_subparsers(dest="multisig_command", required=True, metavar="ACTION",
                                  parser_class=parser_class)  # fmt: skip
    create = sub.add_parser("create", help="make a multisig wallet and the QR frames the devices register")
    create.add_argument("name")
    create.add_argument("--threshold", required=True, type=int, metavar="M", help="signatures needed")
    create.add_argument(
        "exports", nargs="+", type=Path, metavar="EXPORT",
        help="each cosigner's key: `airlock account show --account btc-48-2 --json` or --format ur, "
        "or [fingerprint/path]xpub",
    )  # fmt: skip
    create.add_argument("--network", required=True, choices=("main", "test", "signet", "regtest"))
    create.add_argument("--node", required=True, help="cbf://HOST:PORT or bitcoind://USER:PASS@HOST:PORT")
    create.add_argument("--script", choices=("wsh", "sh-wsh"), default="wsh",
                        help="wsh: native segwit P2WSH (default); sh-wsh: nested P2SH-P2WSH")  # fmt: skip
    create.add_argument("--qr-dir", type=Path, help="write the devices' registration QR frames here")
    create.add_argument("--format", choices=("ur", "bbqr"), default="ur", help="QR format (default ur)")
    create.add_argument("--density", type=int, help="QR density 0 (sparse) to 3 (dense); as the device: 1")
    create.add_argument("--json", action="store_true")
    create.set_defaults(func=cmd_multisig_create)


def cmd_multisig_create(args: argparse.Namespace) -> int:
    from companion.btc.handover import check_density, check_frame_folder, write_frames
    from companion.btc.service import create_multisig
    from companion.btc.wallets import Wallets
    from companion.datadir import open_datadir

    density = check_density(args.density)
    if args.qr_dir is not None:
        check_frame_folder(args.qr_dir)
    exports = [(str(path), _read(path)) for path in args.exports]
    wallets = Wallets(open_datadir(args.datadir))
    made = create_multisig(
        wallets, args.name, args.threshold, exports, args.network, args.node, args.script,
        args.format if args.qr_dir is not None else None, density,
    )  # fmt: skip
    frames = write_frames(args.qr_dir, made.frames) if made.frames is not None else []
    wallet: Any = made.wallet
    if args.json:
        print(json.dumps({**wallet.to_json(), "name": made.record.name,
                          "first_address": wallet.address(0, 0, args.network), "network": args.network,
                          "frames": [str(p) for p in frames]}, sort_keys=True))  # fmt: skip
        return 0
    print(f"created {made.record.name} on {args.network}")
    print(wallet.policy_summary(None, args.network))
    print(f"descriptor: {wallet.descriptor}")
    if frames:
        print(
            f"wrote {len(frames)} QR frame(s) to {args.qr_dir}: scan them on each device to register the "
            "wallet, and check its first address there"
        )
    return 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CompanionError(f"cannot read {path}: {exc.strerror}") from None
