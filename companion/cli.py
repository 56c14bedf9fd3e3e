"""``airlock-companion``: the watch-only companion from the command line (scripts, tests, power users).

    airlock-companion [--datadir DIR] btc import NAME FILE --network main|test|signet|regtest --node URL
    airlock-companion [--datadir DIR] btc sync NAME
    airlock-companion [--datadir DIR] btc address NAME [--json]
    airlock-companion [--datadir DIR] btc balance NAME [--json]
    airlock-companion [--datadir DIR] btc send NAME --to ADDR --amount SATS|max --fee-rate SAT_VB -o FILE
            [--utxo TXID:VOUT]... [--qr-dir DIR] [--format ur|bbqr] [--density N] [--json]
    airlock-companion [--datadir DIR] btc broadcast NAME SIGNED... [--json]
    airlock-companion [--datadir DIR] btc bump NAME TXID --fee-rate SAT_VB -o FILE [--qr-dir DIR] [--json]
    airlock-companion [--datadir DIR] btc cpfp NAME TXID --fee-rate SAT_VB -o FILE [--qr-dir DIR] [--json]
    airlock-companion [--datadir DIR] btc labels NAME import|export FILE
    airlock-companion [--datadir DIR] btc label NAME REF TEXT
    airlock-companion [--datadir DIR] btc history NAME [--json]
    airlock-companion [--datadir DIR] btc utxos NAME [--json]
    airlock-companion [--datadir DIR] btc multisig create NAME --threshold M EXPORT... --network N --node URL
            [--script wsh|sh-wsh] [--qr-dir DIR] [--format ur|bbqr] [--density N] [--json]
    airlock-companion [--datadir DIR] web [--no-browser] [--port N] [--monitor-every SECONDS]

Exit status 0 only on success; any error is one line on stderr and changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from companion.errors import CompanionError, UsageError
from companion.eth.command import add_eth_parsers


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, exit status 2, as every other error
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="airlock-companion", description="Airlock's watch-only companion")
    parser.add_argument("--datadir", type=Path, help="data folder (default $XDG_DATA_HOME/airlock-companion)")
    chains = parser.add_subparsers(dest="chain", required=True, metavar="CHAIN", parser_class=_Parser)
    btc = chains.add_parser("btc", help="Bitcoin wallets")
    cmds = btc.add_subparsers(dest="command", required=True, metavar="ACTION", parser_class=_Parser)

    imp = cmds.add_parser("import", help="import an account the device exports (UR, JSON or descriptor)")
    imp.add_argument("name")
    imp.add_argument(
        "file", type=Path, help="the export: `airlock account show --format ur` or --json, a descriptor"
    )
    imp.add_argument("--network", required=True, choices=("main", "test", "signet", "regtest"))
    imp.add_argument("--node", required=True, help="cbf://HOST:PORT or bitcoind://USER:PASS@HOST:PORT")
    imp.set_defaults(func=cmd_import)

    sync = cmds.add_parser("sync", help="bring the wallet up to the node's tip")
    sync.add_argument("name")
    sync.set_defaults(func=cmd_sync)

    address = cmds.add_parser("address", help="the next unused receive address")
    address.add_argument("name")
    address.add_argument("--json", action="store_true")
    address.set_defaults(func=cmd_address)

    balance = cmds.add_parser("balance", help="confirmed and pending sats, as of the last sync")
    balance.add_argument("name")
    balance.add_argument("--json", action="store_true")
    balance.set_defaults(func=cmd_balance)
    add_send_parsers(cmds)
    add_bump_parsers(cmds)
    add_label_parsers(cmds)
    from companion.btc.multisig_command import add_multisig_parsers

    add_multisig_parsers(cmds, _Parser)

    add_eth_parsers(chains, _Parser)
    from companion.approvals.command import add_approvals_parsers

    add_approvals_parsers(chains, _Parser)
    web = chains.add_parser("web", help="the local web page (on 127.0.0.1 only, with a secret token)")
    web.add_argument("--no-browser", action="store_true", help="print the address, do not open a browser")
    web.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    web.add_argument("--monitor-every", type=float, default=3600.0, metavar="SECONDS",
                     help="scan the Ethereum accounts' approvals and remind this often while the page is "
                     "open (default 3600; 0 = off)")  # fmt: skip
    web.set_defaults(func=cmd_web)
    return parser


def add_send_parsers(cmds: Any) -> None:
    send = cmds.add_parser("send", help="build an unsigned PSBT for the device, and show its review")
    send.add_argument("name")
    send.add_argument("--to", required=True, help="the destination address")
    send.add_argument("--amount", required=True, help="sats, or max to send everything (less the fee)")
    send.add_argument("--fee-rate", required=True, type=int, help="sat/vB")
    send.add_argument(
        "--utxo", action="append", default=[], metavar="TXID:VOUT", help="spend only these coins"
    )
    send.add_argument("-o", "--output", required=True, type=Path, help="the unsigned PSBT (binary BIP-174)")
    send.add_argument("--qr-dir", type=Path, help="also write the animated QR frames here (PNG per frame)")
    send.add_argument("--format", choices=("ur", "bbqr"), default="ur", help="QR format (default ur)")
    send.add_argument("--density", type=int, help="QR density 0 (sparse) to 3 (dense); as the device: 1")
    send.add_argument("--json", action="store_true")
    send.set_defaults(func=cmd_send)

    cast = cmds.add_parser("broadcast", help="combine, finalize, check and broadcast signed PSBTs")
    cast.add_argument("name")
    cast.add_argument(
        "signed", nargs="+", type=Path, help="signed PSBTs (binary, base64), QR texts, QR images or a folder"
    )
    cast.add_argument("--json", action="store_true")
    cast.set_defaults(func=cmd_broadcast)

    history = cmds.add_parser("history", help="the wallet's transactions, newest first")
    history.add_argument("name")
    history.add_argument("--json", action="store_true")
    history.set_defaults(func=cmd_history)

    utxos = cmds.add_parser("utxos", help="the wallet's unspent coins (for --utxo)")
    utxos.add_argument("name")
    utxos.add_argument("--json", action="store_true")
    utxos.set_defaults(func=cmd_utxos)


def add_bump_parsers(cmds: Any) -> None:
    for name, func, what in (
        ("bump", cmd_bump, "replace an unconfirmed transaction of this wallet with a higher fee (RBF)"),
        ("cpfp", cmd_cpfp, "a child that pays for an unconfirmed transaction's fee (CPFP)"),
    ):
        sub = cmds.add_parser(name, help=what)
        sub.add_argument("name")
        sub.add_argument("txid", help="the unconfirmed transaction")
        sub.add_argument("--fee-rate", required=True, type=int, help="sat/vB (for CPFP: of parent and child)")
        sub.add_argument("-o", "--output", required=True, type=Path, help="the unsigned PSBT (BIP-174)")
        sub.add_argument("--qr-dir", type=Path, help="also write the animated QR frames here (PNG per frame)")
        sub.add_argument("--format", choices=("ur", "bbqr"), default="ur", help="QR format (default ur)")
        sub.add_argument("--density", type=int, help="QR density 0 (sparse) to 3 (dense); as the device: 1")
        sub.add_argument("--json", action="store_true")
        sub.set_defaults(func=func)


def add_label_parsers(cmds: Any) -> None:
    labels = cmds.add_parser("labels", help="import or export the wallet's labels (BIP-329, as Sparrow)")
    labels.add_argument("name")
    labels.add_argument("action", choices=("import", "export"))
    labels.add_argument("file", type=Path, help="a BIP-329 file (JSON Lines)")
    labels.set_defaults(func=cmd_labels)

    label = cmds.add_parser("label", help="label a transaction, coin or address (empty text: remove)")
    label.add_argument("name")
    label.add_argument("ref", help="TXID, TXID:VOUT (a coin), an address, or TYPE:REF (BIP-329's types)")
    label.add_argument("text")
    label.set_defaults(func=cmd_label)


def _wallets(args: argparse.Namespace) -> Any:
    from companion.btc.wallets import Wallets
    from companion.datadir import open_datadir

    return Wallets(open_datadir(args.datadir))


def cmd_import(args: argparse.Namespace) -> int:
    from companion.btc.node_url import parse_node_url
    from companion.btc.service import import_wallet
    from companion.btc.wallets import check_name

    check_name(args.name)
    parse_node_url(args.node)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CompanionError(f"cannot read {args.file}: {exc.strerror}") from None
    record = import_wallet(_wallets(args), args.name, data, args.network, args.node)
    print(f"imported {record.name}: {record.account_path} on {record.network} (from {record.source})")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from companion.btc.service import sync_wallet

    status = sync_wallet(_wallets(args), args.name)
    print(
        f"synced {args.name} to height {status.height}: "
        f"{status.confirmed} sats confirmed, {status.pending} sats pending"
    )
    return 0


def cmd_address(args: argparse.Namespace) -> int:
    from companion.btc.service import next_address

    receive = next_address(_wallets(args), args.name)
    if not receive.synced:
        print(f"note: {args.name} was never synced; run `btc sync {args.name}` to skip used addresses",
              file=sys.stderr)  # fmt: skip
    if args.json:
        _print_json({"address": receive.address, "index": receive.index, "path": receive.path})
    else:
        print(receive.address)
    return 0


def cmd_balance(args: argparse.Namespace) -> int:
    from companion.btc.service import balance

    status = balance(_wallets(args), args.name)
    if args.json:
        _print_json({"confirmed": status.confirmed, "pending": status.pending})
    else:
        print(f"confirmed {status.confirmed} sats")
        print(f"pending   {status.pending} sats (unconfirmed, and mined coins not yet spendable)")
        print(f"as of     height {status.height}")
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    from companion.btc.send_command import send

    result = send(_wallets(args), args)
    if args.json:
        _print_json(result.to_json())
    else:
        print(result.to_text())
    return 0


def cmd_broadcast(args: argparse.Namespace) -> int:
    from companion.btc.send_command import broadcast

    txid = broadcast(_wallets(args), args.name, args.signed)
    if args.json:
        _print_json({"txid": txid})
    else:
        print(txid)
    return 0


def cmd_bump(args: argparse.Namespace) -> int:
    from companion.btc.bump import bump

    return _print_sent(args, bump(_wallets(args), args))


def cmd_cpfp(args: argparse.Namespace) -> int:
    from companion.btc.bump import cpfp

    return _print_sent(args, cpfp(_wallets(args), args))


def _print_sent(args: argparse.Namespace, result: Any) -> int:
    if args.json:
        _print_json(result.to_json())
    else:
        print(result.to_text())
    return 0


def cmd_labels(args: argparse.Namespace) -> int:
    from companion.btc import labels

    wallets = _wallets(args)
    record = wallets.load(args.name)
    if args.action == "export":
        count = labels.export_file(record, wallets.folder(args.name), args.file)
        print(f"wrote {count} label(s) of {args.name} to {args.file}")
        return 0
    done = labels.import_file(record, wallets.folder(args.name), args.file)
    print(f"imported {done.added} new and {done.updated} updated label(s) into {args.name}"
          + (f"; skipped {done.skipped} record(s) of types BIP-329 does not define" if done.skipped else "")
          + (f"; cut {done.cut} label(s) to {labels.MAX_LABEL} characters" if done.cut else ""))  # fmt: skip
    return 0


def cmd_label(args: argparse.Namespace) -> int:
    from companion.btc.labels import set_label

    wallets = _wallets(args)
    stored = set_label(wallets.load(args.name), wallets.folder(args.name), args.ref, args.text)
    print(f"labelled {stored['type']} {stored['ref']}" if stored and "label" in stored else "label removed")
    return 0


def _labels(wallets: Any, name: str, kind: str) -> dict[str, str]:
    from companion.btc.labels import labels_by, load

    return labels_by(load(wallets.folder(name)), kind)


def cmd_history(args: argparse.Namespace) -> int:
    from companion.btc.activity import history

    wallets = _wallets(args)
    rows = history(wallets.load(args.name), wallets.folder(args.name))
    named = _labels(wallets, args.name, "tx")
    if args.json:
        print(json.dumps([{**row.to_json(), "label": named.get(row.txid)} for row in rows], sort_keys=True))
        return 0
    for row in rows:
        when = "pending" if row.height is None else f"height {row.height}"
        fee = "" if row.fee is None else f" (fee {row.fee})"
        label = f" {json.dumps(named[row.txid], ensure_ascii=False)}" if row.txid in named else ""
        print(f"{row.txid} {row.net:+d} sats{fee} {when}{label}")
    return 0


def cmd_utxos(args: argparse.Namespace) -> int:
    from companion.btc.activity import coins
    from companion.btc.labels import coin_labels, load

    wallets = _wallets(args)
    found = coins(wallets.load(args.name), wallets.folder(args.name))
    named = coin_labels(load(wallets.folder(args.name)), found)
    if args.json:
        rows = [{**coin.to_json(), "label": text} for coin, text in zip(found, named, strict=True)]
        print(json.dumps(rows, sort_keys=True))
        return 0
    for coin, text in zip(found, named, strict=True):
        when = "pending" if coin.height is None else f"height {coin.height}"
        if coin.immature:
            when += f", newly mined: spendable from block {coin.spendable_from_height}"
        kind = "change" if coin.change else "receive"
        label = f" {json.dumps(text, ensure_ascii=False)}" if text else ""
        print(f"{coin.txid}:{coin.vout} {coin.amount} sats {coin.address} ({kind}, {when}){label}")
    return 0


def cmd_web(args: argparse.Namespace) -> int:
    import webbrowser

    from companion.datadir import open_datadir
    from companion.web.server import WebServer

    server = WebServer(open_datadir(args.datadir), args.port, monitor_every=args.monitor_every)
    print(f"Airlock companion: open {server.url}", flush=True)
    print("(this address holds a secret for this run only; Ctrl-C stops the page)", flush=True)
    if not args.no_browser:
        webbrowser.open(server.url)
    server.serve()
    return 0


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, sort_keys=True))


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        result: int = args.func(args)
        return result
    except CompanionError as exc:
        print(f"airlock-companion: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("airlock-companion: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
