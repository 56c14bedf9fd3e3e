"""BIP-329 labels: the BIP's own test vector imported and exported unchanged, bad lines refused with their
number and nothing changed, single labels set and removed, and labels beside history and coins."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from companion_cli import Run, run, snapshot
from device_exports import account, descriptor_export, ur_export
from regtest import RegtestNode, regtest_node_fixture  # noqa: F401

# BIP-329's "Test Vectors" section, as the BIP prints it (spaces inside the braces included)
SPEC_EXAMPLE = """\
{ "type": "tx", "ref": "f91d0a8a78462bc59398f2c5d7a84fcff491c26ba54c4833478b202796c8aafd", "label": "Transaction", "origin": "wpkh([d34db33f/84'/0'/0'])" }
{ "type": "addr", "ref": "bc1q34aq5drpuwy3wgl9lhup9892qp6svr8ldzyy7c", "label": "Address" }
{ "type": "pubkey", "ref": "0283409659355b6d1cc3c32decd5d561abaac86c37a353b52895a5e6c196d6f448", "label": "Public Key" }
{ "type": "input", "ref": "f91d0a8a78462bc59398f2c5d7a84fcff491c26ba54c4833478b202796c8aafd:0", "label": "Input" }
{ "type": "output", "ref": "f91d0a8a78462bc59398f2c5d7a84fcff491c26ba54c4833478b202796c8aafd:1", "label": "Output", "spendable": false }
{ "type": "xpub", "ref": "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8", "label": "Extended Public Key" }
{ "type": "tx", "ref": "f546156d9044844e02b181026a1a407abfca62e7ea1159f87bbeaa77b4286c74", "label": "Account #1 Transaction", "origin": "wpkh([d34db33f/84'/0'/1'])" }
"""  # noqa: E501
TXID = "f91d0a8a78462bc59398f2c5d7a84fcff491c26ba54c4833478b202796c8aafd"


@pytest.fixture
def datadir(tmp_path: Path) -> Path:
    """A main-network wallet of the test mnemonic (the BIP's examples are main-network), never synced."""
    from companion.cli import main

    folder = tmp_path / "companion"
    export = tmp_path / "main.ur"
    export.write_text(ur_export("btc-84", "main"))
    assert main(["--datadir", str(folder), "btc", "import", "main", str(export), "--network", "main",
                 "--node", "cbf://127.0.0.1:8333"]) == 0  # fmt: skip
    return folder


def btc(capsys: pytest.CaptureFixture[str], datadir: Path, *args: str) -> Run:
    return run(capsys, datadir, "btc", *args)


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_bip_test_vector_imports_and_exports_unchanged(
    datadir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    given = tmp_path / "spec.jsonl"
    given.write_text(SPEC_EXAMPLE)
    result = btc(capsys, datadir, "labels", "main", "import", str(given))
    assert (result.status, result.out) == (0, "imported 7 new and 0 updated label(s) into main\n"), result.err
    stored = datadir / "btc" / "main" / "labels.jsonl"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600

    out = tmp_path / "export.jsonl"
    written = btc(capsys, datadir, "labels", "main", "export", str(out))
    assert written.out == f"wrote 7 label(s) of main to {out}\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # labels are private
    expected = [json.loads(line) for line in SPEC_EXAMPLE.splitlines()]
    assert records(out) == expected  # every record, every field, in order: the tx records had their origin
    # Sparrow's reader: one JSON object per line, "\n" ends each line, booleans as JSON booleans
    raw = out.read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw and raw.count(b"\n") == 7
    assert b'"spendable":false' in raw

    # a round trip through a second wallet gives the same file, byte for byte
    second = tmp_path / "second.ur"
    second.write_text(ur_export("btc-84", "main"))
    assert btc(capsys, datadir, "import", "other", str(second), "--network", "main", "--node",
               "cbf://127.0.0.1:8333").status == 0  # fmt: skip
    assert btc(capsys, datadir, "labels", "other", "import", str(out)).status == 0
    again = tmp_path / "again.jsonl"
    assert btc(capsys, datadir, "labels", "other", "export", str(again)).status == 0
    assert again.read_bytes() == raw

    # importing again updates, it does not duplicate; an omitted label or spendable is left as it was
    update = tmp_path / "update.jsonl"
    origin = "wpkh([d34db33f/84'/0'/0'])"
    update.write_text(f'{{"type":"output","ref":"{TXID}:1","label":"Renamed"}}\n'
                      f'{{"type":"tx","ref":"{TXID.upper()}","origin":"{origin}"}}\n')  # fmt: skip
    result = btc(capsys, datadir, "labels", "main", "import", str(update))
    assert result.out == "imported 0 new and 2 updated label(s) into main\n"
    assert btc(capsys, datadir, "labels", "main", "export", str(out)).status == 0
    by_ref = {(r["type"], r["ref"]): r for r in records(out)}
    assert len(by_ref) == 7
    assert by_ref[("output", f"{TXID}:1")] == {"type": "output", "ref": f"{TXID}:1", "label": "Renamed",
                                                 "spendable": False}  # fmt: skip
    assert by_ref[("tx", TXID)]["label"] == "Transaction"


def test_labels_without_origin_are_exported_with_the_wallets(
    datadir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As Sparrow's own export: a transaction's record names the wallet it belongs to."""
    address = account("btc-84", "main").address(0, 0)
    assert btc(capsys, datadir, "label", "main", TXID, "rent").out == f"labelled tx {TXID}\n"
    assert btc(capsys, datadir, "label", "main", address, "from Alice").out == f"labelled addr {address}\n"
    out = tmp_path / "export.jsonl"
    assert btc(capsys, datadir, "labels", "main", "export", str(out)).status == 0
    assert records(out) == [
        {"type": "tx", "ref": TXID, "label": "rent", "origin": "wpkh([73c5da0a/84'/0'/0'])"},
        {"type": "addr", "ref": address, "label": "from Alice"},
    ]
    from companion.btc.labels import wallet_origin

    taproot = descriptor_export("btc-86", "main").strip()
    assert wallet_origin(taproot) == "tr([73c5da0a/86'/0'/0'])"


def test_label_sets_and_removes_one_label(datadir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [
        (f"{TXID}:3", "output"),
        (f"input:{TXID}:3", "input"),
        ("0283409659355b6d1cc3c32decd5d561abaac86c37a353b52895a5e6c196d6f448", "pubkey"),
    ]
    for ref, kind in cases:
        assert btc(capsys, datadir, "label", "main", ref, "x").out.startswith(f"labelled {kind} "), ref
    assert btc(capsys, datadir, "label", "main", f"{TXID}:3", "").out == "label removed\n"
    from companion.btc.labels import load

    assert sorted(load(datadir / "btc" / "main")) == [
        ("input", f"{TXID}:3"),
        ("pubkey", "0283409659355b6d1cc3c32decd5d561abaac86c37a353b52895a5e6c196d6f448"),
    ]
    before = snapshot(datadir)
    for args, message in [
        (["main", "bcrt1qnotanaddress", "x"], "the addr reference 'bcrt1qnotanaddress' is not a main"),
        (["main", TXID, "two\nlines"], "a label is one line of text"),
        (["main", TXID, "x" * 256], "a label has at most 255 characters, this one 256"),
        (["nosuch", TXID, "x"], "no wallet named nosuch"),
    ]:
        result = btc(capsys, datadir, "label", *args)
        assert result.status == 1 and result.err.count("\n") == 1 and message in result.err, result.err
    assert snapshot(datadir) == before


GOOD = f'{{"type":"tx","ref":"{TXID}","label":"fine"}}'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json at all", "line 3: not JSON (Expecting value at column 1)"),
        ('["type", "tx"]', "line 3: not a JSON object"),
        ('{"ref": "x", "label": "y"}', 'line 3: the record has no "type"'),
        ('{"type": "tx", "label": "y"}', 'line 3: the tx record has no "ref"'),
        ('{"type": "tx", "ref": "abc", "label": "y"}', "line 3: the tx reference 'abc' is not a txid"),
        (f'{{"type": "output", "ref": "{TXID}", "label": "y"}}', "line 3: the output reference"),
        (f'{{"type": "input", "ref": "{TXID}:x"}}', "is not TXID:INDEX"),
        ('{"type": "addr", "ref": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"}', "is not a main Bitcoin"),
        ('{"type": "pubkey", "ref": "02abcd"}', "is not a 32, 33 or 65 byte key in hex"),
        ('{"type": "xpub", "ref": "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjq"}',
         "is not an extended public key"),
        (f'{{"type": "output", "ref": "{TXID}:1", "spendable": "false"}}', '"spendable" must be true or'),
        (f'{{"type": "tx", "ref": "{TXID}", "spendable": true}}', '"spendable" is only for output records'),
        (f'{{"type": "tx", "ref": "{TXID}", "label": 5}}', '"label" must be a string'),
        (f'{{"type": "tx", "ref": "{TXID}", "label": "a\\nb"}}', "the label spans more than one line"),
    ],
)  # fmt: skip
def test_a_bad_line_is_refused_with_its_number_and_nothing_changes(
    datadir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, message: str
) -> None:
    given = tmp_path / "first.jsonl"
    given.write_text(SPEC_EXAMPLE)
    assert btc(capsys, datadir, "labels", "main", "import", str(given)).status == 0
    before = snapshot(datadir)
    bad = tmp_path / "bad.jsonl"
    other = f'{{"type":"addr","ref":"{account("btc-84", "main").address(0, 1)}","label":"new"}}'
    bad.write_text(f"{GOOD}\n{other}\n{line}\n{GOOD}\n")
    result = btc(capsys, datadir, "labels", "main", "import", str(bad))
    assert result.status == 1 and result.out == ""
    assert result.err.count("\n") == 1 and result.err.startswith(f"airlock-companion: error: {bad} line 3: ")
    assert message in result.err
    assert snapshot(datadir) == before  # the good lines before it were not taken either


def test_unknown_types_are_skipped_long_labels_cut_and_bad_files_refused(
    datadir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    given = tmp_path / "mixed.jsonl"
    given.write_text(f'{GOOD}\n\n{{"type":"invoice","ref":"lnbc1..."}}\n'
                     f'{{"type":"output","ref":"{TXID}:0","label":"{"y" * 300}"}}\n')  # fmt: skip
    result = btc(capsys, datadir, "labels", "main", "import", str(given))
    assert result.out == (
        "imported 2 new and 0 updated label(s) into main; skipped 1 record(s) of types BIP-329 does not "
        "define; cut 1 label(s) to 255 characters\n"
    )
    from companion.btc.labels import load

    assert load(datadir / "btc" / "main")[("output", f"{TXID}:0")]["label"] == "y" * 255
    before = snapshot(datadir)
    latin = tmp_path / "latin1.jsonl"
    latin.write_bytes(GOOD.encode() + b'\n{"type":"tx","ref":"' + TXID.encode() + b'","label":"caf\xe9"}\n')
    for path, message in [
        (latin, f"{latin} line 2: not UTF-8 text"),
        (tmp_path / "missing.jsonl", "cannot read"),
    ]:
        result = btc(capsys, datadir, "labels", "main", "import", str(path))
        assert result.status == 1 and message in result.err and result.err.count("\n") == 1, result.err
    assert snapshot(datadir) == before


def test_history_and_utxos_show_the_labels(
    regtest_node: RegtestNode, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    datadir = tmp_path / "companion"
    export = tmp_path / "regtest.ur"
    export.write_text(ur_export("btc-84"))
    assert btc(capsys, datadir, "import", "w", str(export), "--network", "regtest", "--node",
               regtest_node.cbf_url).status == 0  # fmt: skip
    regtest_node.mine(101)
    first = regtest_node.send(account("btc-84").address(0, 0), "1.5")
    second = regtest_node.send(account("btc-84").address(0, 1), "0.5")
    regtest_node.mine(1)
    assert btc(capsys, datadir, "sync", "w").status == 0
    coins = btc(capsys, datadir, "utxos", "w", "--json").json()
    (one,) = [c for c in coins if c["txid"] == first]
    assert btc(capsys, datadir, "label", "w", first, "salary").status == 0
    assert btc(capsys, datadir, "label", "w", f"{first}:{one['vout']}", "salary coin").status == 0
    assert btc(capsys, datadir, "label", "w", account("btc-84").address(0, 1), "from Bob").status == 0

    history = {r["txid"]: r["label"] for r in btc(capsys, datadir, "history", "w", "--json").json()}
    assert history == {first: "salary", second: None}
    coins = {c["txid"]: c["label"] for c in btc(capsys, datadir, "utxos", "w", "--json").json()}
    assert coins == {first: "salary coin", second: "from Bob"}  # the coin's own label, else its address's
    text = btc(capsys, datadir, "history", "w").out
    assert f'{first} +150000000 sats height {regtest_node.height()} "salary"\n' in text
    assert '(receive, height' in btc(capsys, datadir, "utxos", "w").out
    assert '"from Bob"\n' in btc(capsys, datadir, "utxos", "w").out
