"""The PSBT field table: each row is the registry's field, and the one map reader obeys every column.

The rule tests are generated from the table itself, so a field added as a row is checked the same
way: allowed only in its versions, required where the BIP requires it, and without key data when
the BIP gives it none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import shared_vectors
from builders import Wallet, build_psbt, external, kv, root_from

from signer.btc.errors import PsbtError
from signer.btc.psbt import parse_psbt
from signer.btc.psbt_fields import GLOBAL_FIELDS, INPUT_FIELDS, OUTPUT_FIELDS, Field

REGISTRY = "psbt/psbt-type-registry.json"
TABLES = {"global": GLOBAL_FIELDS, "input": INPUT_FIELDS, "output": OUTPUT_FIELDS}
SECTIONS = {"global": "Global Types", "input": "Per-input Types", "output": "Per-output types"}
ROWS = [(where, row) for where, table in TABLES.items() for row in table.values()]


def _rows(keep: Callable[[Field], bool]) -> list[Any]:
    return [pytest.param(where, row, id=row.name) for where, row in ROWS if keep(row)]


def _maps(version: int) -> list[list[tuple[bytes, bytes]]]:
    """A valid one-input, one-output PSBT of ``version``, as its maps of (key, value)."""
    w = Wallet(root_from(), "p2wpkh")
    psbt = parse_psbt(build_psbt([w.utxo(100_000, salt=1)], [external(90_000)], version=version))
    return [
        [(e.key, e.value) for e in entries]
        for entries in [psbt.global_entries, psbt.inputs[0].entries, psbt.outputs[0].entries]
    ]


def _raw(maps: list[list[tuple[bytes, bytes]]]) -> bytes:
    return b"psbt\xff" + b"".join(b"".join(kv(k, v) for k, v in m) + b"\x00" for m in maps)


def _with(version: int, where: str, key: bytes, value: bytes = b"\x00" * 4) -> bytes:
    maps = _maps(version)
    maps[list(TABLES).index(where)].append((key, value))
    return _raw(maps)


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_row_is_the_registrys_field(section: str) -> None:
    rows = shared_vectors.load_json(REGISTRY)["types"][SECTIONS[section]]
    registry = {int(r["keytype"], 16): r for r in rows}
    for keytype, row in TABLES[section].items():
        assert (registry[keytype]["const"], registry[keytype]["bip"]) == (row.name, row.bip)


def test_the_builders_psbts_parse_in_both_versions() -> None:
    for version in (0, 2):
        assert parse_psbt(_raw(_maps(version))).version == version


@pytest.mark.parametrize(("where", "row"), _rows(lambda row: row.versions != {0, 2}))
def test_a_field_outside_its_versions_is_refused_by_name(where: str, row: Field) -> None:
    (other,) = {0, 2} - row.versions
    with pytest.raises(PsbtError, match=f"{row.name} is only allowed in PSBT version"):
        parse_psbt(_with(other, where, bytes([row.type])))


@pytest.mark.parametrize(("where", "row"), _rows(lambda row: bool(row.required)))
def test_a_required_field_missing_is_refused_by_name(where: str, row: Field) -> None:
    for version in row.required:
        maps = _maps(version)
        index = list(TABLES).index(where)
        maps[index] = [(k, v) for k, v in maps[index] if k != bytes([row.type])]
        with pytest.raises(PsbtError, match=f"PSBT version {version} without {row.name}"):
            parse_psbt(_raw(maps))


@pytest.mark.parametrize(("where", "row"), _rows(lambda row: row.key is None))
def test_a_field_without_key_data_refuses_key_data(where: str, row: Field) -> None:
    version = max(row.versions)
    with pytest.raises(PsbtError, match=f"{row.name} key must be 1 byte"):
        parse_psbt(_with(version, where, bytes([row.type, 0x01])))


def test_an_unknown_type_is_kept_and_not_interpreted() -> None:
    raw = _with(2, "input", bytes([0x1A]) + b"any key data", b"any value")
    assert parse_psbt(raw).serialize() == raw
