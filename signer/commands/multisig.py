"""``airlock multisig register|list|rename|delete``: the multisig wallets a seed cosigns.

``register`` reads a wallet file in any format people have (a descriptor, the Coldcard/Sparrow setup
text, Specter Desktop's or Caravan's wallet JSON, a BSMS 1.0 record), as a plain file or as QR texts
(one per line: a plain QR, BBQr U/J, ur:bytes of the text, or Specter's ``pMofN`` parts), shows its
policy with every cosigner key in full and its first address, and stores it in the vault under the
seed, where signing uses it to prove multisig change. Wallets of another network than the one
signed on are left aside there.
"""

from __future__ import annotations

import argparse
import sys

from signer.commands._common import (
    add_seed_args,
    add_vault_arg,
    open_seed,
    open_vault,
    print_json,
    read_text_file,
    typed_again,
)
from signer.derivation import NETWORK_NAMES, Network
from signer.errors import AirlockError, UsageError

# Every command module is imported to build the parser (``airlock --help``, on a Pi Zero): what
# wallet registration needs (embit, the transport) is imported by the functions that run it.


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("multisig", help="register, list, rename and delete multisig wallets of a seed")
    cmds = parser.add_subparsers(dest="multisig_command", required=True, metavar="ACTION")

    reg = cmds.add_parser("register", help="show a wallet's policy and store it under the seed")
    reg.add_argument("file", help="wallet file (descriptor, Coldcard/Specter/Caravan/BSMS), or its QR texts")
    add_seed_args(reg)
    reg.add_argument(
        "--network",
        choices=NETWORK_NAMES,
        help="network of this signer (default: the one the wallet's keys name)",
    )
    reg.add_argument("--name", help="name to store it under (default: the file's, else 'M of N multisig')")
    reg.add_argument("--yes", action="store_true", help="do not ask: the policy was checked elsewhere")
    reg.set_defaults(func=cmd_register)

    lst = cmds.add_parser("list", help="registered multisig wallets of a seed")
    _add_stored_seed_args(lst)
    lst.add_argument("--network", choices=NETWORK_NAMES, help="only the wallets of this network")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_list)

    ren = cmds.add_parser("rename", help="rename a registered multisig wallet")
    ren.add_argument("name")
    ren.add_argument("new_name")
    _add_stored_seed_args(ren)
    ren.set_defaults(func=cmd_rename)

    dele = cmds.add_parser("delete", help="unregister a multisig wallet (type its name again to confirm)")
    dele.add_argument("name")
    _add_stored_seed_args(dele)
    dele.add_argument("--confirm", metavar="NAME", help="the name again (else asked interactively)")
    dele.set_defaults(func=cmd_delete)


def _add_stored_seed_args(parser: argparse.ArgumentParser) -> None:
    add_vault_arg(parser)
    parser.add_argument("--seed", metavar="LABEL", required=True, help="label of a seed stored in the vault")


def wallet_text(path: str) -> str:
    """The wallet text, unwrapped from QR texts when the file holds them."""
    from signer.transport.specter_parts import is_specter_part

    text = read_text_file(path)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    first = lines[0] if lines else ""
    if first.lower().startswith("ur:") or first.startswith("B$") or is_specter_part(first):
        from signer.chains.scanning import new_assembler
        from signer.transport.payload import PayloadKind

        assembler = new_assembler()
        for line in lines:
            assembler.add(line)
        if not assembler.is_complete:
            raise UsageError(f"the QR texts do not make a complete message: {assembler.status.describe()}")
        payload = assembler.result
        if payload.kind == PayloadKind.OUTPUT_DESCRIPTOR:  # a sortedmulti crypto-output: the device reads it
            from signer.btc.export import multisig_wallet_text

            found = multisig_wallet_text(payload)
            if found is not None:
                return found
        wallet_kinds = (PayloadKind.BYTES, PayloadKind.TEXT, PayloadKind.DESCRIPTOR_TEXT, PayloadKind.JSON)
        if payload.kind not in wallet_kinds:
            raise UsageError(f"a {payload.kind} QR is not a multisig wallet; export it as descriptor text")
        return payload.text()
    return text


def cmd_register(args: argparse.Namespace) -> int:
    from signer.btc import BtcKeys
    from signer.btc.multisig_formats import parse_wallet
    from signer.btc.multisig_registry import admit

    wallet = parse_wallet(wallet_text(args.file), args.name)
    with open_seed(args) as unlocked:
        if unlocked.vault is None:
            raise UsageError("registering needs a stored seed: use --vault PATH --seed LABEL")
        network = args.network or wallet.network
        keys = BtcKeys.from_seed(unlocked.seed_bytes(), network)
        wallet = admit(wallet, keys, unlocked.multisig)
        print(wallet.policy_summary(keys.fingerprint, network))
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("confirm the policy above with --yes (or run interactively)")
            if input("Register this wallet? Type yes: ").strip().lower() != "yes":
                print("not registered", file=sys.stderr)
                return 1
        unlocked.vault.add_multisig(unlocked.label, wallet.name, wallet.descriptor, keys.fingerprint.hex())
    print(f"registered {wallet.name!r} ({wallet.m}-of-{wallet.n}, {wallet.network_name})", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from signer.btc.multisig_records import wallet_of_record
    vault = open_vault(args)
    try:
        entry = vault.get(args.seed)
        records = [dict(m) for m in entry.multisig]
        seed_fp = entry.fingerprint
    finally:
        vault.lock()
    rows: list[dict[str, object]] = []
    texts: list[str] = []
    for record in records:
        ours = bytes.fromhex(record.get("fingerprint") or seed_fp)
        try:
            wallet = wallet_of_record(record)
        except AirlockError as exc:
            rows.append({"name": record["name"], "error": str(exc)})
            texts.append(f"{record['name']}: cannot be read ({exc}); delete it and register it again")
            continue
        if args.network and wallet.network_is_main != (args.network == Network.MAIN):
            continue
        rows.append({**wallet.to_json(), "registered_by": ours.hex()})
        texts.append(f"{wallet.policy_summary(ours, args.network)}\n{wallet.descriptor}")
    if args.json:
        print_json(rows)
    elif not texts:
        print("no multisig wallets registered for this seed")
    else:
        print("\n\n".join(texts))
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    vault = open_vault(args)
    try:
        new_name = vault.rename_multisig(args.seed, args.name, args.new_name)
    finally:
        vault.lock()
    print(f"renamed multisig wallet {args.name!r} to {new_name!r}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    confirm = typed_again(args.confirm, "name", args.name, "unregister the wallet")
    vault = open_vault(args)
    try:
        vault.delete_multisig(args.seed, args.name, confirm)
    finally:
        vault.lock()
    print(
        f"unregistered multisig wallet {args.name!r} from {args.seed!r}; its coins are untouched and it "
        "can be registered again from its wallet file"
    )
    return 0
