"""``airlock-companion approvals``: scan, revoke in a batch through the device, broadcast, remind.

airlock-companion [--datadir DIR] approvals scan NAME [--index N] [--now UNIX] [--from-block N] [--json]
airlock-companion [--datadir DIR] approvals revoke NAME (--all-flagged | --spender ADDR ... | --key KEY ...)
        -o DIR [--qr-dir DIR] [--index N] [--json]
airlock-companion [--datadir DIR] approvals broadcast NAME SIGNATURE_FILE... [--json]
airlock-companion [--datadir DIR] approvals remind NAME [--now UNIX] [--index N] [--json]
airlock-companion [--datadir DIR] approvals watch [NAME...] [--every SECONDS] [--once] [--now UNIX] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from companion.errors import CompanionError


def add_approvals_parsers(chains: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    group = chains.add_parser("approvals", help="Ethereum token approvals: scan, revoke, reminders")
    cmds = group.add_subparsers(dest="command", required=True, metavar="ACTION", parser_class=parser_class)

    scan = cmds.add_parser("scan", help="every live approval of the account, flagged ones first")
    _common(scan)
    scan.add_argument(
        "--now", type=int, metavar="UNIX", help="run the rules at this time (default: chain time)"
    )
    scan.add_argument(
        "--from-block", type=_block_number, metavar="N",
        help="where the first scan starts (default 0; on a public chain: the account's first activity)",
    )  # fmt: skip
    scan.set_defaults(func=cmd_scan)

    revoke = cmds.add_parser(
        "revoke", help="the device requests that revoke approvals (one file per transaction)"
    )
    _common(revoke)
    revoke.add_argument("--all-flagged", action="store_true", help="every unlimited, stale or risky approval")
    revoke.add_argument(
        "--spender", action="append", default=[], metavar="ADDR", help="every approval to ADDR"
    )
    revoke.add_argument(
        "--key", action="append", default=[], help="one approval, by the key `scan --json` gives"
    )
    revoke.add_argument(
        "-o", "--output", required=True, type=Path, help="folder for 000-....txt, 001-....txt"
    )
    revoke.add_argument(
        "--qr-dir", type=Path, help="also write each request's QR frames (a folder per request)"
    )
    revoke.set_defaults(func=cmd_revoke)

    cast = cmds.add_parser("broadcast", help="send the signed revokes in nonce order and follow them")
    cast.add_argument("name")
    cast.add_argument("signatures", nargs="+", type=Path, metavar="SIGNATURE_FILE",
                      help="one eth-signature per file: its UR parts, one per line")  # fmt: skip
    cast.add_argument("--json", action="store_true")
    cast.set_defaults(func=cmd_broadcast)

    remind = cmds.add_parser("remind", help="the flagged approvals due for a reminder now (and notify)")
    _common(remind)
    remind.add_argument("--now", type=int, metavar="UNIX", help="the time now (default: chain time)")
    remind.set_defaults(func=cmd_remind)

    watch = cmds.add_parser(
        "watch", help="the monitor: scan every account (or those named), remind and notify, again and again"
    )
    watch.add_argument("names", nargs="*", metavar="NAME", help="the accounts (default: every Ethereum one)")
    watch.add_argument("--every", type=float, default=3600.0, metavar="SECONDS",
                       help="seconds between two rounds (default 3600)")  # fmt: skip
    watch.add_argument(
        "--once", action="store_true", help="one round, then exit: 0 when every account was checked, else 1"
    )
    watch.add_argument("--now", type=int, metavar="UNIX", help="the time now (default: each chain's time)")
    watch.add_argument("--json", action="store_true", help="one JSON line per round")
    watch.set_defaults(func=cmd_watch)


def _block_number(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a block number (0, 1, 2, ...)")
    return int(text)


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("name")
    sub.add_argument("--index", type=int, default=0, help="the account's address index (default 0)")
    sub.add_argument("--json", action="store_true")


def _accounts(args: argparse.Namespace) -> Any:
    from companion.datadir import open_datadir
    from companion.eth.accounts import EthAccounts

    return EthAccounts(open_datadir(args.datadir))


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, sort_keys=True))


def cmd_scan(args: argparse.Namespace) -> int:
    from companion.approvals.service import scan
    from signer.safe_text import visible

    result = scan(_accounts(args), args.name, index=args.index, now=args.now, from_block=args.from_block)
    for unread in result.unreadable:
        print(f"note: {unread.kind} approval of {unread.token} to {unread.spender} cannot be read: "
              f"{visible(unread.reason, keep='')}", file=sys.stderr)  # fmt: skip
    if args.json:
        _print_json(result.to_json())
        return 0
    flagged = sum(a.flagged for a in result.approvals)
    print(f"{len(result.approvals)} approval(s), {flagged} flagged, as of block {result.block}")
    for approval in result.approvals:
        print(approval.describe())
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from companion.approvals.service import plan_revoke
    from companion.btc.handover import check_frame_folder

    if not (args.all_flagged or args.spender or args.key):
        raise CompanionError("say what to revoke: --all-flagged, --spender ADDR or --key KEY")
    _check_output(args.output)
    if args.qr_dir is not None:
        check_frame_folder(args.qr_dir)
    prepared = plan_revoke(_accounts(args), args.name, args.key, all_flagged=args.all_flagged,
                           spenders=args.spender, index=args.index)  # fmt: skip
    files = _write_requests(args.output, args.qr_dir, prepared)
    if args.json:
        rows = [{**p.to_json(), "file": str(f)} for p, f in zip(prepared, files, strict=True)]
        _print_json({"requests": rows})
        return 0
    for item, path in zip(prepared, files, strict=True):
        print(f"{path.name}: nonce {item.request.tx.nonce}: {item.review.title}")
    print(
        f"scan each request on the device in order, then: approvals broadcast {args.name} SIGNATURE_FILES..."
    )
    return 0


def _check_output(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise CompanionError(f"{folder} is not a folder")
    if folder.is_dir() and any(folder.glob("[0-9][0-9][0-9]-*.txt")):
        raise CompanionError(f"{folder} already holds requests: give an empty or new folder")


def _write_requests(folder: Path, qr_dir: Path | None, prepared: list[Any]) -> list[Path]:
    from companion.btc.handover import write_frames
    from signer.atomic_file import atomic_write
    from signer.transport.frames import encode_frames

    paths = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for n, item in enumerate(prepared):
            path = folder / f"{n:03d}-{item.call.short}.txt"
            atomic_write(path, ("\n".join(item.request.ur_parts()) + "\n").encode(), mode=0o644)
            paths.append(path)
            if qr_dir is not None:
                write_frames(qr_dir / path.stem, encode_frames(item.request.ur(), format="ur"))
    except OSError as exc:
        raise CompanionError(f"cannot write the requests to {folder}: {exc.strerror}") from None
    return paths


def cmd_broadcast(args: argparse.Namespace) -> int:
    from companion.approvals.service import broadcast_revokes

    groups = []
    for path in args.signatures:
        try:
            text = path.read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise CompanionError(
                f"cannot read {path}: {getattr(exc, 'strerror', None) or 'not text'}"
            ) from None
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            raise CompanionError(f"{path} holds no signature")
        groups.append(lines)
    done = broadcast_revokes(_accounts(args), args.name, groups)
    if args.json:
        _print_json({"sent": [d.to_json() for d in done]})
    else:
        for d in done:
            state = {1: "mined", 0: "REVERTED"}.get(d.receipt["status"], "not mined yet")
            where = f" in block {d.receipt['block']}" if d.receipt["block"] is not None else ""
            print(f"{d.broadcast.tx_hash} nonce {d.broadcast.nonce}: {state}{where}")
    failed = [d for d in done if d.receipt["status"] != 1]
    if failed:
        print(f"airlock-companion: error: {len(failed)} revoke(s) not confirmed (see above)", file=sys.stderr)
        return 1
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    from companion.approvals.reminders import notify
    from companion.approvals.service import remind

    due = remind(_accounts(args), args.name, now=args.now, index=args.index)
    notify(due, args.name)
    if args.json:
        _print_json({"due": [d.to_json() for d in due]})
        return 0
    if not due:
        print("no approval is due for a reminder")
    for d in due:
        print(f"{d.approval.describe()} (flagged since {d.first_flagged_at})")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    import math
    import time

    from companion.approvals.monitor import Monitor, Tick

    if not args.once and not (math.isfinite(args.every) and args.every > 0):
        raise CompanionError(f"--every {args.every:g} must be a number of seconds above 0")
    accounts = _accounts(args)
    for name in args.names:
        accounts.load(name)  # an unknown name is refused before anything is scanned
    if not args.names and not accounts.names():
        raise CompanionError("no Ethereum account to watch: import one with `eth import`")
    now = args.now
    monitor = Monitor(accounts, names=args.names, clock=None if now is None else lambda: now)

    def report(tick: Tick) -> None:
        if args.json:
            _print_json(tick.to_json())
        for checked in tick.accounts:
            if checked.error is not None:
                print(f"airlock-companion: {checked.name}: not checked: {checked.error}", file=sys.stderr)
            elif not args.json:
                print(f"{checked.name}: {len(checked.due)} approval(s) due for a reminder")
                for d in checked.due:
                    print(f"  {d.approval.describe()} (flagged since {d.first_flagged_at})")
        sys.stdout.flush()

    while True:
        tick = monitor.tick()
        report(tick)
        if args.once:
            return 0 if tick.ok else 1
        time.sleep(args.every)
