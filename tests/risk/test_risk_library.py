"""Risk address library: shipped file, lookups, reproducible build, signed updates (tampered or older
files refused)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from signer.risk import build_library as builder
from signer.risk.errors import RiskDataError
from signer.risk.library import (
    ANY_CHAIN,
    builtin_library,
    load_library,
    parse_library,
    sign_library,
    trusted_publisher_keys,
    verify_update,
)

LIFI = bytes.fromhex("1231DEB6f5749EF6cE6943a275A1D3E7486F4EaE")
TORNADO = bytes.fromhex("722122dF12D4e14e13Ac3b6895a86e84145b6967")
SOURCES = Path(builder.__file__).parent / "data" / "sources"


def test_builtin_library_lookups() -> None:
    lib = builtin_library()
    assert lib.count == 236 and lib.version == 1 and lib.signature is None
    assert lib.lookup(1, LIFI) == ["exploit: 2024 LI.FI Hack (2024-07-16); revoke approvals to it"]
    assert lib.lookup(8453, LIFI) and not lib.lookup(11155111, LIFI)  # exploit entries are per chain
    assert lib.lookup(1, TORNADO) == lib.lookup(42161, TORNADO) == ["OFAC sanctioned (US Treasury SDN list)"]
    assert lib.lookup(1, bytes(20)) == []
    multichain = bytes.fromhex("6b7a87899490EcE95443e979cA9485CBE7E71522")
    assert len(lib.lookup(1, multichain)) == 2  # listed by two exploits


def test_every_source_record_is_found() -> None:
    lib = builtin_library()
    ofac = json.loads((SOURCES / "ofac_sanctioned_addresses_ETH.json").read_text())
    assert all(lib.lookup(137, bytes.fromhex(x[2:])) for x in ofac)
    for f in (SOURCES / "revoke-cash-exploits").glob("*.json"):
        for entry in json.loads(f.read_text())["addresses"]:
            assert lib.lookup(entry["chainId"], bytes.fromhex(entry["address"][2:]))


def test_shipped_file_is_reproducible_from_sources() -> None:
    assert builder.build_builtin() == builder.BUILTIN_PATH.read_bytes()


def test_build_is_deterministic_and_deduplicates() -> None:
    entries = [(1, b"\x01" * 20, "b"), (ANY_CHAIN, b"\x02" * 20, "a"), (1, b"\x01" * 20, "b")]
    one = builder.build(entries, version=3, created="2026-01-01T00:00:00Z", sources=[])
    two = builder.build(list(reversed(entries)), version=3, created="2026-01-01T00:00:00Z", sources=[])
    assert one == two and parse_library(one).count == 2


def keypair() -> tuple[bytes, bytes]:
    return builder.keygen()


def library(version: int) -> bytes:
    return builder.build(
        [(1, b"\x09" * 20, "test tag")],
        version=version,
        created="2026-11-25T00:00:00Z",
        sources=[{"name": "test"}],
    )


def test_signed_update_is_accepted() -> None:
    private, public = keypair()
    update = sign_library(library(2), private)
    lib = verify_update(update, [public], builtin_library())
    assert lib.version == 2 and lib.lookup(1, b"\x09" * 20) == ["test tag"]
    loaded, problem = load_library(update, [public])
    assert problem is None and loaded.version == 2 and loaded.sha256 == lib.sha256
    assert load_library(None, [public]) == (builtin_library(), None)


def test_tampered_update_is_refused() -> None:
    private, public = keypair()
    update = bytearray(sign_library(library(2), private))
    update[-80] ^= 1  # inside the records
    with pytest.raises(RiskDataError, match="does not verify"):
        verify_update(bytes(update), [public], builtin_library())
    lib, problem = load_library(bytes(update), [public])
    assert lib is builtin_library() and "ignored" in problem


def test_older_or_same_version_is_refused() -> None:
    private, public = keypair()
    current = verify_update(sign_library(library(5), private), [public])
    for version in (4, 5):
        with pytest.raises(RiskDataError, match="not newer"):
            verify_update(sign_library(library(version), private), [public], current)


def test_unsigned_or_foreign_key_is_refused() -> None:
    private, public = keypair()
    other_private, _ = keypair()
    with pytest.raises(RiskDataError, match="not signed"):
        verify_update(library(2), [public])
    with pytest.raises(RiskDataError, match="unknown key"):
        verify_update(sign_library(library(2), other_private), [public])
    with pytest.raises(RiskDataError, match="no publisher key"):
        verify_update(sign_library(library(2), private), [])


def test_malformed_files_are_refused() -> None:
    good = library(2)
    (hlen,) = struct.unpack_from(">I", good, 8)
    records = 12 + hlen
    cases = {
        b"XXXXXXXX" + good[8:]: "bad magic",
        good[:10]: "truncated",
        good[:-1]: "fewer records",
        good + b"\x00": "unexpected bytes",
        good[:records] + good[records : records + 28] + b"\x00\x07": "names tag",
    }
    for blob, match in cases.items():
        with pytest.raises(RiskDataError, match=match):
            parse_library(blob)
    two = builder.build(
        [(1, b"\x01" * 20, "t"), (1, b"\x02" * 20, "t")],
        version=2,
        created="2026-01-01T00:00:00Z",
        sources=[],
    )
    (hlen,) = struct.unpack_from(">I", two, 8)
    start = 12 + hlen
    swapped = two[:start] + two[start + 30 : start + 60] + two[start : start + 30]
    with pytest.raises(RiskDataError, match="not sorted"):
        parse_library(swapped)


def test_publisher_key_file() -> None:
    assert trusted_publisher_keys() == []  # until the project creates its key


def test_builder_cli_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_file = tmp_path / "extra.csv"
    csv_file.write_text("# chain,address,tag\n1,0x" + "ab" * 20 + ",drainer\n")
    key = tmp_path / "publisher.key"
    assert builder.main(["keygen", "--out", str(key)]) == 0
    public = capsys.readouterr().out.rsplit("public key: ", 1)[1].strip()
    assert key.stat().st_mode & 0o777 == 0o600
    out = tmp_path / "lib.bin"
    args = [
        "build",
        "--version",
        "7",
        "--created",
        "2026-11-25T00:00:00Z",
        "--out",
        str(out),
        "--csv",
        str(csv_file),
        "--ofac",
        str(SOURCES / "ofac_sanctioned_addresses_ETH.json"),
        "--revoke-exploits",
        str(SOURCES / "revoke-cash-exploits"),
        "--sign-key",
        str(key),
    ]
    assert builder.main(args) == 0
    lib = verify_update(out.read_bytes(), [bytes.fromhex(public)], builtin_library())
    assert lib.count == 237 and lib.lookup(1, b"\xab" * 20) == ["drainer"]
    assert builder.main(["verify", "--pubkey", public, str(out)]) == 0
    assert builder.main(["verify", "--pubkey", "00" * 32, str(out)]) == 1
    assert builder.main(["show", str(out)]) == 0 and '"version": 7' in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("1,notanaddress,x\n")
    assert builder.main(["build", "--version", "1", "--out", str(out), "--csv", str(bad)]) == 1
