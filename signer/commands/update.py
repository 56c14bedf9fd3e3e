"""``airlock update sign|verify|public-key``: signed update files for the SD-card image.

``sign`` is the maintainers' (on the release machine, with the offline release key, an Ed25519 PEM
private key, normally password-protected: ``openssl genpkey -algorithm ed25519 -aes-256-cbc``);
``verify`` runs the device's own check on a computer, so anyone can check a downloaded update file
against the public key in image/update-key.pub.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from signer.commands._common import get_password, print_json, read_bytes_file
from signer.errors import UsageError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PASSWORD_ENV = "AIRLOCK_UPDATE_KEY_PASSWORD"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("update", help="signed update files for the SD-card image")
    cmds = parser.add_subparsers(dest="update_command", required=True, metavar="ACTION")

    sign = cmds.add_parser("sign", help="make a signed update file (maintainers)")
    sign.add_argument("--key", required=True, metavar="PEM", help="the release key (Ed25519 private key)")
    sign.add_argument(
        "--key-password-file", metavar="F", help=f"its password (else ${PASSWORD_ENV}, else asked)"
    )
    sign.add_argument("--version", required=True, help="the version it installs, e.g. 0.2.0")
    sign.add_argument(
        "--file", action="append", required=True, metavar="NAME=PATH", help="a file it carries (repeat)"
    )
    sign.add_argument("--out", required=True, metavar="FILE", help="the update file to write")
    sign.set_defaults(func=cmd_sign)

    verify = cmds.add_parser("verify", help="check an update file as the device does")
    verify.add_argument("update", metavar="FILE")
    verify.add_argument("--public-key", required=True, metavar="PEM", help="e.g. image/update-key.pub")
    verify.add_argument("--running", required=True, metavar="VERSION", help="the version it would replace")
    verify.set_defaults(func=cmd_verify)

    public = cmds.add_parser("public-key", help="print the public half of a release key (PEM)")
    public.add_argument("--key", required=True, metavar="PEM")
    public.add_argument("--key-password-file", metavar="F")
    public.set_defaults(func=cmd_public_key)


def _private_key(args: argparse.Namespace) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    pem = read_bytes_file(args.key, limit=64 * 1024)
    password = None
    if b"ENCRYPTED" in pem:
        password = get_password(args.key_password_file, PASSWORD_ENV, "Release key password").encode()
    try:
        key = load_pem_private_key(pem, password=password)
    except (ValueError, TypeError):
        raise UsageError(f"{args.key} is not a PEM private key this password opens") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"{args.key} is not an Ed25519 key")
    return key


def cmd_sign(args: argparse.Namespace) -> int:
    from signer.update import write_update

    files: dict[str, Path] = {}
    for spec in args.file:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise UsageError(f"--file takes NAME=PATH, not {spec!r}")
        if name in files:
            raise UsageError(f"--file names {name} twice")
        if not Path(path).is_file():
            raise UsageError(f"cannot read {path}: no such file")
        files[name] = Path(path)
    key = _private_key(args)
    digest = write_update(Path(args.out), args.version, files, key)
    print_json(
        {"update": args.out, "version": args.version, "manifest_sha256": digest, "files": sorted(files)}
    )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from signer.update import load_public_key, verify_update

    key = load_public_key(read_bytes_file(args.public_key, limit=64 * 1024))
    verified = verify_update(Path(args.update), key, args.running)
    print_json(
        {
            "ok": True,
            "version": verified.version,
            "replaces": verified.running_version,
            "manifest_sha256": verified.manifest_sha256,
            "files": {f.name: {"sha256": f.sha256, "size": f.size} for f in verified.files},
        }
    )
    return 0


def cmd_public_key(args: argparse.Namespace) -> int:
    from cryptography.hazmat.primitives import serialization

    key = _private_key(args)
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    print(pem.decode(), end="")
    return 0
