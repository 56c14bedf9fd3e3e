"""``airlock-companion eth ...``: Ethereum accounts from the command line.

    airlock-companion [--datadir DIR] eth import NAME FILE --rpc URL [--chain-id N] [--json]
    airlock-companion [--datadir DIR] eth address NAME [--index N] [--json]
    airlock-companion [--datadir DIR] eth balance NAME [--index N] [--json]
    airlock-companion [--datadir DIR] eth token add NAME TOKEN_ADDR [--json]
    airlock-companion [--datadir DIR] eth history NAME [--index N] [--json]
    airlock-companion [--datadir DIR] eth send NAME --to ADDR --value WEI [--token TOKEN_ADDR] [--index N]
            -o REQUEST.txt [--qr-dir DIR] [--density N] [--json]
    airlock-companion [--datadir DIR] eth pending NAME [--json]
    airlock-companion [--datadir DIR] eth discard NAME REQUEST_ID
    airlock-companion [--datadir DIR] eth broadcast NAME SIGNATURE... [--no-wait] [--timeout S] [--json]

Exit status 0 only on success; any error is one line on stderr and changes nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from companion.errors import CompanionError
from companion.qr_files import is_picture, pictures_in, qr_codes_in_picture, read_limited

_MULTIPART = re.compile(r"^ur:[a-z0-9-]+/\d+-\d+/", re.IGNORECASE)


def add_eth_parsers(chains: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    eth = chains.add_parser("eth", help="Ethereum accounts")
    cmds = eth.add_subparsers(dest="command", required=True, metavar="ACTION", parser_class=parser_class)

    imp = cmds.add_parser(
        "import", help="import an account the device exports (crypto-hdkey, crypto-account)"
    )
    imp.add_argument("name")
    imp.add_argument(
        "file", type=Path, help="`airlock account show` (kinds eth, eth-ledger-live), or a 0x address"
    )
    imp.add_argument("--rpc", required=True, help="the node's JSON-RPC URL, http(s)://... (no default)")
    imp.add_argument("--chain-id", type=int, help="the chain the node must be on")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=cmd_import)

    address = cmds.add_parser("address", help="an address of the account (index 0 unless --index)")
    address.add_argument("name")
    address.add_argument("--index", type=int, default=0)
    address.add_argument("--json", action="store_true")
    address.set_defaults(func=cmd_address)

    balance = cmds.add_parser("balance", help="ETH and token balances, from the node")
    balance.add_argument("name")
    balance.add_argument("--index", type=int, default=0)
    balance.add_argument("--json", action="store_true")
    balance.set_defaults(func=cmd_balance)

    token = cmds.add_parser("token", help="the tokens the balance lists beside the chain's token list")
    tokens = token.add_subparsers(
        dest="token_command", required=True, metavar="ACTION", parser_class=parser_class
    )
    add = tokens.add_parser("add", help="list an ERC-20 (its symbol and decimals are read from it)")
    add.add_argument("name")
    add.add_argument("token", help="the token's contract address")
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=cmd_token_add)

    history = cmds.add_parser("history", help="token transfers in and out, and this account's sends")
    history.add_argument("name")
    history.add_argument("--index", type=int, default=0)
    history.add_argument("--json", action="store_true")
    history.set_defaults(func=cmd_history)

    send = cmds.add_parser("send", help="an EIP-1559 transaction for the device, and its review")
    send.add_argument("name")
    send.add_argument("--to", required=True, help="the recipient")
    send.add_argument("--value", required=True, help="wei (ETH), or base units of --token")
    send.add_argument("--token", help="an ERC-20 contract: send the token, not ETH")
    send.add_argument("--index", type=int, default=0, help="the address to send from (default 0)")
    send.add_argument(
        "-o", "--output", required=True, type=Path, help="the eth-sign-request UR parts, one a line"
    )
    send.add_argument("--qr-dir", type=Path, help="also write the animated QR frames here (PNG per frame)")
    send.add_argument("--density", type=int, help="QR density 0 (sparse) to 3 (dense); as the device: 1")
    send.add_argument("--json", action="store_true")
    send.set_defaults(func=cmd_send)

    pending = cmds.add_parser("pending", help="the requests handed to the device and not yet broadcast")
    pending.add_argument("name")
    pending.add_argument("--json", action="store_true")
    pending.set_defaults(func=cmd_pending)

    discard = cmds.add_parser("discard", help="forget a request handed over that will not be signed")
    discard.add_argument("name")
    discard.add_argument("request_id", help="the request's id (as `eth pending` lists it)")
    discard.set_defaults(func=cmd_discard)

    cast = cmds.add_parser("broadcast", help="check the device's eth-signature(s), broadcast, follow")
    cast.add_argument("name")
    cast.add_argument(
        "signatures", nargs="+", metavar="SIGNATURE",
        help="UR texts (a file of parts, one a line, or the text itself), QR images, or folders of frames",
    )  # fmt: skip
    cast.add_argument("--no-wait", action="store_true", help="do not wait for the receipt")
    cast.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the receipt")
    cast.add_argument("--json", action="store_true")
    cast.set_defaults(func=cmd_broadcast)


def _accounts(args: argparse.Namespace) -> Any:
    from companion.datadir import open_datadir
    from companion.eth.accounts import EthAccounts

    return EthAccounts(open_datadir(args.datadir))


def _print_json(data: Any) -> None:
    print(json.dumps(data, sort_keys=True))


def _units(text: str, what: str) -> int:
    if not re.fullmatch(r"\d{1,78}", text.strip()):
        raise CompanionError(f"{what} is a whole number of base units (wei for ETH), not {text[:40]!r}")
    value = int(text)
    if value >= 2**256:
        raise CompanionError(f"{what} is larger than a uint256")
    return value


def cmd_import(args: argparse.Namespace) -> int:
    from companion.eth.accounts import check_name
    from companion.eth.node import check_url
    from companion.eth.service import import_account
    from signer.eth import registry

    check_name(args.name)
    check_url(args.rpc)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CompanionError(f"cannot read {args.file}: {exc.strerror}") from None
    account = import_account(_accounts(args), args.name, data, args.rpc, chain_id=args.chain_id)
    chain = registry.chain(account.chain_id)
    if args.json:
        doc = account.to_json()
        doc.pop("rpc")  # it may hold credentials
        _print_json(doc)
    else:
        print(f"imported {account.name}: {account.source} on {chain.name} (chain {account.chain_id})")
        for a in account.addresses:
            print(f"  {a.index}: {a.address} {a.path}".rstrip())
    return 0


def cmd_address(args: argparse.Namespace) -> int:
    from companion.eth.service import reveal

    account = reveal(_accounts(args), args.name, args.index)
    found = account.address(args.index)
    if args.json:
        _print_json(found.to_json())
    else:
        print(found.address)
    return 0


def cmd_balance(args: argparse.Namespace) -> int:
    from companion.eth.service import balances

    found = balances(_accounts(args), args.name, args.index)
    if args.json:
        _print_json(found.to_json())
    else:
        print(found.to_text())
    return 0


def cmd_token_add(args: argparse.Namespace) -> int:
    from companion.eth.service import add_token

    account = add_token(_accounts(args), args.name, args.token)
    if args.json:
        _print_json({"tokens": list(account.tokens)})
    else:
        print(f"{args.name} lists {len(account.tokens)} token(s) of its own: {', '.join(account.tokens)}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from companion.eth.service import history

    rows = history(_accounts(args), args.name, args.index)
    if args.json:
        _print_json({"activity": [row.to_json() for row in rows]})
        return 0
    for row in rows:
        when = "pending" if row.block is None else f"block {row.block}"
        what = row.title or (
            f"{row.amount} of {row.token}" if row.token_id is None else f"#{row.token_id} of {row.token}"
        )
        print(f"{row.tx_hash} {row.kind} {what} {row.counterparty or ''} ({when})")
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    from companion.btc.handover import check_density, check_frame_folder, write_frames
    from companion.eth.service import Prepared, prepare_send
    from signer.atomic_file import atomic_write
    from signer.transport.errors import TransportError
    from signer.transport.frames import encode_frames

    value = _units(args.value, "--value")
    density = check_density(args.density)
    if args.qr_dir is not None:
        check_frame_folder(args.qr_dir)
    if args.output.is_dir():
        raise CompanionError(f"{args.output} is a folder: give the request file's name")
    frames: Any = None

    def hand_over(prepared: Prepared) -> None:  # planned and written before the request is remembered
        nonlocal frames
        if args.qr_dir is not None:
            try:
                frames = encode_frames(prepared.request.ur(), format="ur", density=density)
            except TransportError as exc:
                raise CompanionError(f"cannot make QR frames: {exc}") from None
        text = "\n".join(prepared.request.ur_parts()) + "\n"
        try:
            atomic_write(args.output, text.encode(), mode=0o644)
        except OSError as exc:
            raise CompanionError(f"cannot write {args.output}: {exc.strerror}") from None

    prepared = prepare_send(
        _accounts(args), args.name, to=args.to, value=value, token=args.token, index=args.index,
        before_remember=hand_over,
    )  # fmt: skip
    written = write_frames(args.qr_dir, frames) if frames is not None else []
    if args.json:
        _print_json({**prepared.to_json(), "request": str(args.output), "frames": [str(p) for p in written]})
        return 0
    tx = prepared.request.tx
    print("The device will show:")
    print(prepared.review.to_text())
    print()
    print(f"wrote {args.output} (nonce {tx.nonce}, request {prepared.to_json()['request_id']})")
    if prepared.waiting:
        print(
            f"note: nonce {tx.nonce} comes after {prepared.waiting} request(s) not yet broadcast; "
            f"it cannot be mined before them (see `eth pending {args.name}`; "
            "`eth discard` the ones you will not sign)"
        )
    if written:
        print(f"wrote {len(written)} QR frame(s) to {written[0].parent}")
    return 0


def cmd_pending(args: argparse.Namespace) -> int:
    import uuid

    from companion.eth.pending import pending_requests

    found = pending_requests(_accounts(args), args.name)
    rows = [
        {"request_id": str(uuid.UUID(bytes=r.request_id)), "nonce": r.tx.nonce, "from": r.address,
         "to": "0x" + r.tx.to.hex() if r.tx.to else None, "value": str(r.tx.value)}
        for r in found
    ]  # fmt: skip
    if args.json:
        _print_json({"pending": rows})
    for row in [] if args.json else rows:
        print(f"{row['request_id']} nonce {row['nonce']} from {row['from']}")
    return 0


def cmd_discard(args: argparse.Namespace) -> int:
    import uuid

    from companion.eth.pending import forget, take

    try:
        request_id = uuid.UUID(args.request_id.strip()).bytes
    except ValueError:
        raise CompanionError(f"{args.request_id[:40]!r} is not a request id (a UUID)") from None
    accounts = _accounts(args)
    request = take(accounts, args.name, request_id)
    forget(accounts, args.name, request_id)
    print(f"discarded request {uuid.UUID(bytes=request_id)} (nonce {request.tx.nonce})")
    return 0


def signature_groups(items: list[str]) -> list[list[str]]:
    """The texts of each eth-signature in ``items``: a file of parts or a folder of frames is one
    signature when its parts are of an animated UR; each single-part UR is a signature of its own."""
    groups: list[list[str]] = []
    for item in items:
        texts = _texts_of(item)
        multi = [t for t in texts if _MULTIPART.match(t)]
        groups += [[t] for t in texts if not _MULTIPART.match(t)]
        if multi:
            groups.append(multi)
    return groups


def _texts_of(item: str) -> list[str]:
    if item.strip()[:3].lower() == "ur:":
        return [item.strip()]
    path = Path(item)
    if path.is_dir():
        files = pictures_in(path)
        if not files:
            raise CompanionError(f"{path} holds no QR picture")
        return [t for p in files for t in _texts_of(str(p))]
    raw = read_limited(path, "a signature or a QR picture")
    if is_picture(path, raw):
        return _image_texts(path, raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CompanionError(f"{path} is neither UR text nor a QR picture") from None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise CompanionError(f"{path} is empty")
    return lines


def _image_texts(path: Path, raw: bytes) -> list[str]:
    try:
        return [f.decode("ascii").strip() for f in qr_codes_in_picture(path, raw)]
    except UnicodeDecodeError:
        raise CompanionError(f"{path}: the QR code is not a UR text") from None


def cmd_broadcast(args: argparse.Namespace) -> int:
    from companion.eth.node import EthNode
    from companion.eth.pending import broadcast_signatures, follow

    accounts = _accounts(args)
    account = accounts.load(args.name)
    done = broadcast_signatures(accounts, args.name, signature_groups(args.signatures))
    results: list[dict[str, Any]] = []
    node = EthNode(account.rpc, account.chain_id) if not args.no_wait else None
    for sent in done:
        row: dict[str, Any] = {**sent.to_json(), "status": None, "block": None}
        if node is not None:
            receipt = follow(node, sent.tx_hash, args.timeout)
            row.update(status=receipt["status"], block=receipt["block"])
        results.append(row)
    if args.json:
        _print_json(results[0] if len(results) == 1 else {"transactions": results})
    else:
        for row in results:
            state = (
                "sent" if args.no_wait
                else f"not mined within {args.timeout:g} s" if row["status"] is None
                else f"confirmed in block {row['block']}" if row["status"] == 1
                else f"REVERTED in block {row['block']}"
            )  # fmt: skip
            print(f"{row['hash']} (nonce {row['nonce']}): {state}")
    reverted = [row for row in results if row["status"] == 0]
    if reverted:
        what = f"{reverted[0]['hash']} reverted (mined, but it did nothing but pay its fee)"
        print(f"airlock-companion: error: {what}", file=sys.stderr)
        return 1
    return 0
