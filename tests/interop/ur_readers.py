"""The UR readers deployed wallets use, as test oracles.

* Keystone's ``@keystonehq/bc-ur-registry`` (and ``-eth``, what MetaMask's QR keyring imports),
  driven through ``keystone_ur.js`` with node; installed into ``.tools/`` by scripts/bootstrap.sh.
* ``urtypes`` (PyPI), the registry SeedSigner and Krux read crypto-account / crypto-output with.

Each reader answers with a plain dict of what it understood (xpub, path, fingerprints, network,
script types), or ``{"error": ...}`` when it could not read the payload.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / ".tools" / "node_modules"
SCRIPT = Path(__file__).with_name("keystone_ur.js")


def keystone_missing() -> str | None:
    """Why the Keystone reader cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed (scripts/bootstrap.sh installs npm and node)"
    for package in ("bc-ur-registry", "bc-ur-registry-eth"):
        if not (NODE_MODULES / "@keystonehq" / package / "package.json").is_file():
            return f"@keystonehq/{package} is not in .tools/ (run make bootstrap)"
    return None


class KeystoneReader:
    """One long-lived node process answering JSON requests line by line."""

    def __init__(self) -> None:
        env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
        self._proc = subprocess.Popen(
            ["node", str(SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError("the Keystone reader stopped")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def read(self, *parts: str, lib: str = "base") -> dict[str, Any]:
        return self._ask({"op": "read", "lib": lib, "parts": list(parts)})

    def write(self, item: dict[str, Any], lib: str = "base") -> str:
        """The item as one single-part UR written by the library."""
        return self.write_parts(item, lib=lib)[0]

    def write_parts(
        self, item: dict[str, Any], lib: str = "base", max_fragment: int = 100_000, count: int = 1
    ) -> list[str]:
        """The first ``count`` parts of the library's (fountain) encoder for the item."""
        request = {"op": "write", "lib": lib, "item": item, "max_fragment": max_fragment, "parts": count}
        answer = self._ask(request)
        if "error" in answer:
            raise RuntimeError(f"Keystone could not write {item.get('type')}: {answer['error']}")
        parts: list[str] = answer["parts"]
        return parts

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        self._proc.wait(timeout=30)


# -- urtypes ----------------------------------------------------------------------------------------
def urtypes_read(ur_type: str, cbor: bytes) -> dict[str, Any]:
    """What urtypes (SeedSigner, Krux) understands of a payload; ``{"error": ...}`` if it fails."""
    from urtypes import Bytes
    from urtypes.crypto import PSBT, Account, HDKey, Output

    try:
        if ur_type == "crypto-account":
            account = Account.from_cbor(cbor)
            return {
                "type": ur_type,
                "master_fingerprint": account.master_fingerprint.hex(),
                "outputs": [_urtypes_output(o) for o in account.output_descriptors],
            }
        if ur_type == "crypto-output":
            return {"type": ur_type, **_urtypes_output(Output.from_cbor(cbor))}
        if ur_type == "crypto-hdkey":
            return {"type": ur_type, **_urtypes_hdkey(HDKey.from_cbor(cbor))}
        if ur_type == "crypto-psbt":
            return {"type": ur_type, "psbt": bytes(PSBT.from_cbor(cbor).data).hex()}
        if ur_type == "bytes":
            return {"type": ur_type, "data": bytes(Bytes.from_cbor(cbor).data).hex()}
    except Exception as exc:  # the reader's own failure is the observation
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"error": f"urtypes has no reader for ur:{ur_type}"}


def _urtypes_output(output: Any) -> dict[str, Any]:
    from urtypes.crypto import HDKey

    result: dict[str, Any] = {
        "scripts": [s.expression for s in output.script_expressions],
        "descriptor": output.descriptor(include_checksum=False),
    }
    multi = output.multi_key()
    if multi is not None:
        result["threshold"] = multi.threshold
        result["keys"] = [_urtypes_hdkey(k) for k in multi.hd_keys]
    else:
        key = output.crypto_key
        result["keys"] = [_urtypes_hdkey(key) if isinstance(key, HDKey) else {"kind": "eckey"}]
    return result


def _urtypes_hdkey(key: Any) -> dict[str, Any]:
    origin = key.origin
    return {
        "kind": "hdkey",
        "xpub": key.bip32_key(),
        "key": bytes(key.key).hex(),
        "origin": None
        if origin is None
        else {
            "path": origin.path() or None,
            "source_fingerprint": None
            if origin.source_fingerprint is None
            else origin.source_fingerprint.hex(),
            "depth": origin.depth,
        },
        "children": None if key.children is None else {"path": key.children.path() or None},
        "parent_fingerprint": None if key.parent_fingerprint is None else key.parent_fingerprint.hex(),
        "use_info": None
        if key.use_info is None
        else {"type": key.use_info.type, "network": key.use_info.network},
        "name": key.name,
        "note": key.note,
    }
