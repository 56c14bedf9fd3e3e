"""`make demo`: a tour of what Airlock does today, on built-in defaults, in a temporary folder.

It uses a clearly marked DEMO seed (the public "abandon ... about" test mnemonic); never put
funds on it. Everything is written under demo-out/ so you can look at it afterwards.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "demo-out"
DEMO_MNEMONIC = " ".join(["abandon"] * 11 + ["about"])
DEMO_PASSWORD = "demo password"


def step(title: str) -> None:
    print(f"\n== {title}")


def airlock(*argv: str) -> int:
    from signer.cli import main

    print("$ airlock " + " ".join(a if " " not in a else repr(a) for a in argv), flush=True)
    code = main(list(argv))
    sys.stdout.flush()
    return code


def main() -> int:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()
    inputs = OUT / "inputs"
    inputs.mkdir()
    os.environ["AIRLOCK_PASSWORD"] = DEMO_PASSWORD
    os.environ["AIRLOCK_BACKUP_PASSWORD"] = "demo backup password"
    vault = str(OUT / "demo.airlock")
    mnemonic_file = inputs / "demo-mnemonic.txt"
    mnemonic_file.write_text(DEMO_MNEMONIC + "\n")

    print("Airlock demo: the DEMO seed is the public test mnemonic 'abandon ... about'. Never fund it.")
    step("A fresh 12-word seed from the OS random generator mixed with 50 dice rolls")
    airlock("seed", "new", "--words", "12", "--dice", "16253443521662534435216625344352166253443521662534")

    step("An encrypted vault holding the demo seed (Argon2id + ChaCha20-Poly1305)")
    airlock("vault", "init", "--vault", vault)
    airlock("vault", "add", "--vault", vault, "--label", "DEMO", "--mnemonic-file", str(mnemonic_file),
            "--accounts", "btc-84,btc-86,eth")
    airlock("vault", "list", "--vault", vault)

    step("Accounts for your wallet software")
    airlock("account", "show", "--vault", vault, "--seed", "DEMO", "--account", "btc-84", "--addresses", "2")
    airlock("account", "show", "--vault", vault, "--seed", "DEMO", "--account", "eth", "--addresses", "2")

    step("SLIP-39: split the seed into 2-of-3 shares, then recover from two of them")
    shares_file = OUT / "shares.txt"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        airlock("slip39", "split", "--vault", vault, "--seed", "DEMO", "--plan", "2of3")
    shares = buf.getvalue().splitlines()[1:]
    print(f"(3 shares written to {shares_file.relative_to(ROOT)})")
    shares_file.write_text("\n".join(shares) + "\n")
    two = inputs / "two-shares.txt"
    two.write_text("\n".join([shares[2], shares[0]]) + "\n")
    airlock("slip39", "combine", str(two))

    step("Encrypted backup: export, then restore into a second vault")
    backup = str(OUT / "demo-backup.bin")
    airlock("backup", "export", "--vault", vault, "-o", backup)
    airlock("backup", "restore", "--vault", str(OUT / "restored.airlock"), backup, "--create")

    print(f"\nDone. Files are in {OUT.relative_to(ROOT)}/. Next: `make test`.")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
