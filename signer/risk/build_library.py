"""Build, sign and inspect risk address library files (signer/risk/library.py) from public lists.

Runs offline on downloaded copies of the lists; never fetches anything itself::

    python -m signer.risk.build_library build --version 2026112501 --out lib.bin \\
        --ofac sanctioned_addresses_ETH.json --revoke-exploits approval-exploit-list/exploits
    python -m signer.risk.build_library keygen --out publisher.key     # keep offline; prints the public key
    python -m signer.risk.build_library sign --key publisher.key lib.bin lib.signed.bin
    python -m signer.risk.build_library verify --pubkey <hex> lib.signed.bin
    python -m signer.risk.build_library show lib.signed.bin
    python -m signer.risk.build_library build-builtin               # rebuild the shipped file

Inputs: OFAC list from 0xB10C/ofac-sanctioned-digital-currency-addresses (JSON array or one
address per line; tagged on every chain), revoke.cash approval-exploit-list exploit JSON files
(directory or files; per chain), CSV ``chain_id,address,tag``, ScamSniffer blacklist/address.json
(GPL-3.0: for personal builds only).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import struct
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from signer.risk.errors import RiskDataError
from signer.risk.library import ANY_CHAIN, MAGIC, RECORD, parse_library, sign_library, verify_signature

Entry = tuple[int, bytes, str]
_ADDR = re.compile(r"^0x[0-9a-fA-F]{40}$")
SOURCES_DIR = Path(__file__).resolve().parent / "data" / "sources"
BUILTIN_PATH = Path(__file__).resolve().parent / "data" / "risk-addresses.bin"
OFAC_TAG = "OFAC sanctioned (US Treasury SDN list)"


def _address(text: Any, where: str) -> bytes:
    if not isinstance(text, str) or not _ADDR.match(text.strip()):
        raise RiskDataError(f"{where}: not an EVM address: {str(text)[:60]!r}")
    return bytes.fromhex(text.strip()[2:])


def read_ofac(path: Path) -> list[Entry]:
    text = path.read_text()
    items = (
        json.loads(text) if text.lstrip().startswith("[") else [ln for ln in text.splitlines() if ln.strip()]
    )
    return [(ANY_CHAIN, _address(a, f"{path.name} item {i}"), OFAC_TAG) for i, a in enumerate(items)]


def read_revoke_exploit(path: Path) -> list[Entry]:
    data = json.loads(path.read_text())
    try:
        tag = f"exploit: {data['name']} ({data['date']}); revoke approvals to it"
        pairs = [(int(a["chainId"]), a["address"]) for a in data["addresses"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise RiskDataError(f"{path.name}: not a revoke.cash exploit file ({exc!r})") from exc
    return [(chain, _address(addr, path.name), tag) for chain, addr in pairs]


def read_csv(path: Path) -> list[Entry]:
    out = []
    with path.open(newline="") as fh:
        for n, row in enumerate(csv.reader(fh), 1):
            if not row or row[0].startswith("#"):
                continue
            if len(row) != 3 or not row[0].strip().isdigit() or not row[2].strip():
                raise RiskDataError(f"{path.name} line {n}: expected chain_id,address,tag")
            out.append((int(row[0]), _address(row[1], f"{path.name} line {n}"), row[2].strip()))
    return out


def read_scamsniffer(path: Path) -> list[Entry]:
    items = json.loads(path.read_text())
    return [
        (ANY_CHAIN, _address(a, f"{path.name} item {i}"), "ScamSniffer blacklist (scam / drainer)")
        for i, a in enumerate(items)
    ]


def build(entries: Iterable[Entry], *, version: int, created: str, sources: list[dict[str, Any]]) -> bytes:
    """An unsigned library body; the same inputs always give the same bytes."""
    unique = sorted({(c, a, t) for c, a, t in entries})
    for chain, _, _ in unique:
        if not 0 <= chain < 2**64:
            raise RiskDataError(f"chain id {chain} out of range")
    tags = sorted({t for _, _, t in unique})
    index = {t: i for i, t in enumerate(tags)}
    records = sorted(RECORD.pack(c, a, index[t]) for c, a, t in unique)
    header = {
        "format": "airlock-risk-addresses",
        "schema": 1,
        "version": version,
        "created": created,
        "sources": sources,
        "tags": tags,
        "count": len(records),
    }
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    body = MAGIC + struct.pack(">I", len(raw)) + raw + b"".join(records)
    parse_library(body)  # self-check
    return body


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_builtin(sources_dir: Path = SOURCES_DIR) -> bytes:
    """The shipped library, from the byte-exact source copies listed in data/sources/manifest.json."""
    manifest = json.loads((sources_dir / "manifest.json").read_text())
    readers = {"ofac": read_ofac, "revoke-exploits": read_revoke_exploit}
    entries: list[Entry] = []
    sources = []
    for src in manifest["sources"]:
        files = [sources_dir / f for f in src["files"]]
        for f in files:
            entries.extend(readers[src["kind"]](f))
        meta = {k: src[k] for k in ("name", "url", "commit", "license")}
        meta["files"] = [{"path": f, "sha256": _sha(sources_dir / f)} for f in src["files"]]
        sources.append(meta)
    return build(entries, version=int(manifest["version"]), created=manifest["created"], sources=sources)


def keygen() -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return private, key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _read_key(path: Path) -> bytes:
    raw = bytes.fromhex(path.read_text().strip())
    if len(raw) != 32:
        raise RiskDataError(f"{path}: expected a 32-byte Ed25519 private key in hex")
    return raw


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m signer.risk.build_library", description=__doc__.split("\n")[0]
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build an (unsigned) library from downloaded lists")
    b.add_argument("--version", type=int, required=True, help="monotonic version, e.g. YYYYMMDDNN")
    b.add_argument("--created", default=None, help="ISO 8601 UTC time (default: now)")
    b.add_argument("--ofac", type=Path, action="append", default=[])
    b.add_argument(
        "--revoke-exploits", type=Path, action="append", default=[], help="exploit JSON file or dir"
    )
    b.add_argument("--csv", type=Path, action="append", default=[])
    b.add_argument("--scamsniffer", type=Path, action="append", default=[])
    b.add_argument("--sign-key", type=Path)
    b.add_argument("--out", type=Path, required=True)
    sub.add_parser("build-builtin", help="rebuild signer/risk/data/risk-addresses.bin from data/sources")
    k = sub.add_parser("keygen", help="make a publisher key pair (private key file mode 0600)")
    k.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("sign", help="sign a library with the publisher key")
    s.add_argument("--key", type=Path, required=True)
    s.add_argument("input", type=Path)
    s.add_argument("output", type=Path)
    v = sub.add_parser("verify", help="check a library's signature")
    v.add_argument("--pubkey", required=True, help="Ed25519 public key, hex")
    v.add_argument("input", type=Path)
    sh = sub.add_parser("show", help="print a library's header")
    sh.add_argument("input", type=Path)
    args = p.parse_args(argv)
    try:
        return _run(args)
    except (RiskDataError, OSError, ValueError) as exc:
        print(f"build_library: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.cmd == "build":
        entries: list[Entry] = []
        sources: list[dict[str, Any]] = []
        for path in args.ofac:
            entries += read_ofac(path)
            sources.append({"name": "OFAC SDN", "files": [{"path": path.name, "sha256": _sha(path)}]})
        for path in args.revoke_exploits:
            files = sorted(path.glob("*.json")) if path.is_dir() else [path]
            for f in files:
                entries += read_revoke_exploit(f)
            sources.append(
                {
                    "name": "revoke.cash approval-exploit-list",
                    "files": [{"path": f.name, "sha256": _sha(f)} for f in files],
                }
            )
        for path in args.csv:
            entries += read_csv(path)
            sources.append({"name": f"CSV {path.name}", "files": [{"path": path.name, "sha256": _sha(path)}]})
        for path in args.scamsniffer:
            entries += read_scamsniffer(path)
            sources.append(
                {
                    "name": "ScamSniffer (GPL-3.0, personal build)",
                    "files": [{"path": path.name, "sha256": _sha(path)}],
                }
            )
        created = args.created or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = build(entries, version=args.version, created=created, sources=sources)
        if args.sign_key:
            body = sign_library(body, _read_key(args.sign_key))
        args.out.write_bytes(body)
        print(f"wrote {args.out}: {parse_library(body).describe()}")
    elif args.cmd == "build-builtin":
        BUILTIN_PATH.write_bytes(build_builtin())
        print(f"wrote {BUILTIN_PATH}: {parse_library(BUILTIN_PATH.read_bytes()).describe()}")
    elif args.cmd == "keygen":
        private, public = keygen()
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(private.hex() + "\n")
        print(f"private key written to {args.out} (keep it offline); public key: {public.hex()}")
    elif args.cmd == "sign":
        args.output.write_bytes(sign_library(args.input.read_bytes(), _read_key(args.key)))
        print(f"signed {args.output}")
    elif args.cmd == "verify":
        verify_signature(parse_library(args.input.read_bytes()), [bytes.fromhex(args.pubkey)])
        print("signature OK")
    elif args.cmd == "show":
        lib = parse_library(args.input.read_bytes())
        print(json.dumps({**lib.describe(), "tags": lib.tags}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
