"""Send and broadcast end to end on regtest: the companion builds, Airlock's signer signs, the node mines.

Two accounts of the test mnemonic: ``taproot`` (btc-86 from ur:crypto-account, compact block filters)
hands its PSBT over as the QR frames ``btc send --qr-dir`` writes, decoded and fed to ``airlock sign``,
whose signed reply comes back as QR images; ``segwit`` (btc-84 from the JSON export, the node's RPC)
goes through files, the signed one in base64. Every broadcast transaction is checked input by input
with Bitcoin Core's consensus code (libbitcoinkernel), a corrupted signature as the negative control.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from companion_cli import Run, run, snapshot
from conftest import ABANDON, INPUTS_DIR
from device_exports import account, json_export, ur_export
from regtest import RegtestNode, regtest_node_fixture  # noqa: F401

from companion.cli import main

FEE_RATE = 3  # sat/vB


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, regtest_node: RegtestNode) -> dict[str, Path]:
    """Both wallets imported and funded: one mature coinbase each, then one payment of 1 BTC each."""
    folder = tmp_path_factory.mktemp("companion")
    files = tmp_path_factory.mktemp("files")
    (files / "taproot.ur").write_text(ur_export("btc-86"))
    (files / "segwit.json").write_text(json_export("btc-84"))
    words = files / INPUTS_DIR / "words.txt"
    words.parent.mkdir()
    words.write_text(ABANDON + "\n")
    common = ["--network", "regtest", "--node"]
    assert main(["--datadir", str(folder), "btc", "import", "taproot", str(files / "taproot.ur"),
                 *common, regtest_node.cbf_url]) == 0  # fmt: skip
    assert main(["--datadir", str(folder), "btc", "import", "segwit", str(files / "segwit.json"),
                 *common, regtest_node.rpc_url]) == 0  # fmt: skip
    regtest_node.mine(1, account("btc-86").address(0, 0))
    regtest_node.mine(1, account("btc-84").address(0, 0))
    regtest_node.mine(101)  # both coinbases mature, and the node's wallet has one to pay from
    regtest_node.send(account("btc-86").address(0, 1), "1.0")
    regtest_node.send(account("btc-84").address(0, 1), "1.0")
    regtest_node.mine(1)
    for name in ("taproot", "segwit"):
        assert main(["--datadir", str(folder), "btc", "sync", name]) == 0
    return {"datadir": folder, "files": files, "words": words}


def btc(capsys: pytest.CaptureFixture[str], setup: dict[str, Path], *args: str) -> Run:
    return run(capsys, setup["datadir"], "btc", *args)


def sign(capsys: pytest.CaptureFixture[str], words: Path, request: Path, *extra: str) -> str:
    """``airlock sign`` of the test mnemonic: the signed reply's text (QR texts or base64)."""
    from signer.cli import main as airlock

    capsys.readouterr()
    status = airlock(["sign", str(request), "--mnemonic-file", str(words), "--network", "regtest", *extra])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


def balance_by_node(node: RegtestNode, kind: str) -> int:
    """What the account holds by the node's UTXO set, coinbase maturity aside (none is immature here)."""
    scan = node.rpc.call("scantxoutset", "start", [{"desc": account(kind).descriptor, "range": 100}])
    return sum(int(Decimal(str(u["amount"])) * 100_000_000) for u in scan["unspents"])


def kernel_verifies(tx_hex: str, prevouts: list[tuple[int, bytes]]) -> list[bool]:
    """Each input by libbitcoinkernel's script check, all consensus flags: True, or False on failure."""
    pbk = pytest.importorskip("pbk", reason="py-bitcoinkernel is not installed (the dev extra)")
    from pbk.script import PrecomputedTransactionData

    tx = pbk.Transaction(bytes.fromhex(tx_hex))
    spent = [pbk.TransactionOutput(pbk.ScriptPubkey(script), amount) for amount, script in prevouts]
    data = PrecomputedTransactionData(tx, spent)
    results = []
    for index, (amount, script) in enumerate(prevouts):
        try:
            ok = pbk.ScriptPubkey(script).verify(amount, tx, data, index, pbk.ScriptVerificationFlags.ALL)
        except pbk.ScriptVerifyException:
            ok = False
        results.append(bool(ok))  # a failure is a falsy return (0), not an exception
    return results


def spent_coins(node: RegtestNode, tx: dict[str, Any]) -> list[tuple[int, bytes]]:
    coins = []
    for vin in tx["vin"]:
        prev = node.raw_transaction(vin["txid"])["vout"][vin["vout"]]
        sats = int(Decimal(str(prev["value"])) * 100_000_000)
        coins.append((sats, bytes.fromhex(prev["scriptPubKey"]["hex"])))
    return coins


def corrupt_first_signature(tx_hex: str) -> str:
    """The transaction with one bit of input 0's first witness item (its signature) flipped."""
    from embit.transaction import Transaction

    tx = Transaction.parse(bytes.fromhex(tx_hex))
    sig = bytearray(tx.vin[0].witness.items[0])
    sig[10] ^= 0x01
    tx.vin[0].witness.items[0] = bytes(sig)
    return str(tx.serialize().hex())


def check_confirmed(
    capsys: pytest.CaptureFixture[str],
    setup: dict[str, Path],
    node: RegtestNode,
    name: str,
    kind: str,
    txid: str,
    unsigned: Path,
) -> dict[str, Any]:
    """The transaction is in the mempool, verifies by consensus and by the companion's own check (and
    a corrupted copy by neither); once mined and synced, it is confirmed and the wallet's balance is
    the node's count of its coins."""
    from companion.btc.verify import verify_inputs
    from companion.errors import CompanionError

    assert txid in node.rpc.call("getrawmempool")
    tx = node.raw_transaction(txid)
    coins = spent_coins(node, tx)
    assert kernel_verifies(tx["hex"], coins) == [True] * len(coins)
    corrupted = corrupt_first_signature(tx["hex"])
    assert kernel_verifies(corrupted, coins)[0] is False
    verify_inputs(unsigned.read_bytes(), bytes.fromhex(tx["hex"]), coins)
    with pytest.raises(CompanionError, match="input 0's signature does not verify"):
        verify_inputs(unsigned.read_bytes(), bytes.fromhex(corrupted), coins)
    node.mine(1)
    assert node.raw_transaction(txid)["confirmations"] == 1
    assert btc(capsys, setup, "sync", name).status == 0
    balance = btc(capsys, setup, "balance", name, "--json").json()
    assert balance == {"confirmed": balance_by_node(node, kind), "pending": 0}
    return tx


def test_taproot_over_filters_hands_over_by_qr_frames_and_back(
    regtest_node: RegtestNode, setup: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from signer.transport.frames import decode_qr_image, render_qr
    from signer.transport.images import open_gray

    files, to = setup["files"], regtest_node.miner()
    before = btc(capsys, setup, "balance", "taproot", "--json").json()["confirmed"]
    sent = btc(capsys, setup, "send", "taproot", "--to", to, "--amount", "25000000",
               "--fee-rate", str(FEE_RATE), "-o", str(files / "tr.psbt"),
               "--qr-dir", str(files / "tr-frames"))  # fmt: skip
    assert sent.status == 0, sent.err
    assert (files / "tr.psbt").read_bytes().startswith(b"psbt\xff")
    # the review the device will show: the destination in full, change proven to this account, the fee
    assert f"SEND    0.25000000 BTC {to}\n" in sent.out
    change = account("btc-86").address(1, 0)
    assert "CHANGE  " in sent.out and f"{change} m/86h/1h/0h/1/0" in sent.out
    assert "(3.0 sat/vB" in sent.out and "RBF on" in sent.out

    # the camera's side: every frame image decodes, and the texts go to the signer as they would
    frames = sorted((files / "tr-frames").glob("frame-*.png"))
    assert len(frames) > 1  # animated at the device's density
    texts = [decode_qr_image(open_gray(p.read_bytes()))[0].decode() for p in frames]
    assert all(t.startswith("UR:CRYPTO-PSBT/") for t in texts)
    (files / "tr-scanned.txt").write_text("\n".join(texts) + "\n")
    reply = sign(capsys, setup["words"], files / "tr-scanned.txt").split()
    assert reply[0].startswith("UR:CRYPTO-PSBT/")
    back = files / "tr-signed-frames"
    back.mkdir()
    for n, text in enumerate(reply):
        render_qr(text, ecc="L", module_px=4, quiet_zone=4).save(back / f"signed-{n:03d}.png")

    result = btc(capsys, setup, "broadcast", "taproot", str(back), "--json")
    txid = result.json()["txid"]
    tx = check_confirmed(capsys, setup, regtest_node, "taproot", "btc-86", txid, files / "tr.psbt")
    assert all(vin["sequence"] == 0xFFFFFFFD for vin in tx["vin"])  # RBF
    paid = [o for o in tx["vout"] if o["scriptPubKey"].get("address") == to]
    assert [o["value"] for o in paid] == [0.25]
    fee = before - btc(capsys, setup, "balance", "taproot", "--json").json()["confirmed"] - 25_000_000
    assert FEE_RATE * tx["weight"] <= fee * 4 < (FEE_RATE + 1) * tx["weight"]


def test_segwit_over_core_rpc_signed_as_base64(
    regtest_node: RegtestNode, setup: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    files, to = setup["files"], regtest_node.miner()
    sent = btc(capsys, setup, "send", "segwit", "--to", to, "--amount", "30000000", "--fee-rate", "5",
               "-o", str(files / "sw.psbt"), "--json")  # fmt: skip
    review = sent.json()["review"]
    assert [(o["kind"], o["address"], o["amount"]) for o in review["outputs"] if not o["is_change"]] == [
        ("external", to, 30_000_000)
    ]
    change = [o for o in review["outputs"] if o["is_change"]]
    assert [(o["path"], o["address"]) for o in change] == [
        ("m/84h/1h/0h/1/0", account("btc-84").address(1, 0))
    ]
    assert review["rbf"] is True and review["refusals"] == []
    assert review["fee"] == review["total_in"] - review["total_out"]
    assert review["fee_rate"] == pytest.approx(5, abs=0.05)  # the device estimates the signed size

    signed = files / "sw-signed.txt"
    signed.write_text(sign(capsys, setup["words"], files / "sw.psbt", "--format", "base64"))
    result = btc(capsys, setup, "broadcast", "segwit", str(signed))
    assert result.status == 0, result.err
    txid = result.out.strip()
    tx = check_confirmed(capsys, setup, regtest_node, "segwit", "btc-84", txid, files / "sw.psbt")
    assert review["fee"] * 4 >= 5 * tx["weight"]  # the fee rate is honoured (a vbyte is 4 weight units)


ELSEWHERE = "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"  # BIP-173's testnet example: not regtest
UNKNOWN_COIN = "ab" * 32 + ":0"


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("nosuch", [], "no wallet named nosuch (wallets: segwit, taproot)"),
        ("taproot", ["--to", ELSEWHERE], f"the address {ELSEWHERE} is not a regtest address"),
        ("segwit", ["--to", "bcrt1qnotanaddress"], "is not a valid Bitcoin address"),
        ("taproot", ["--amount", "100"], "below the dust limit"),
        ("segwit", ["--amount", "100"], "below the dust limit"),
        ("taproot", ["--amount", "2100000000000000"], "more than the balance this wallet can spend"),
        ("segwit", ["--amount", "2100000000000000"], "more than the balance this wallet can spend"),
        ("segwit", ["--amount", "1.5"], "whole number of sats or max"),
        ("segwit", ["--fee-rate", "0"], "the fee rate 0 sat/vB is out of bounds: use 1 to 1000"),
        ("taproot", ["--fee-rate", "5000"], "the fee rate 5000 sat/vB is out of bounds"),
        ("taproot", ["--utxo", UNKNOWN_COIN], "is not an unspent coin of this wallet"),
        ("segwit", ["--utxo", UNKNOWN_COIN], "is not an unspent coin of this wallet"),
        ("segwit", ["--utxo", "abc:1"], "a coin is TXID:VOUT"),
        ("taproot", ["--density", "7"], "--density is 0 (sparse) to 3 (dense), not 7"),
    ],
)  # fmt: skip
def test_send_refusals_are_one_line_and_write_nothing(
    regtest_node: RegtestNode,
    setup: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    args: list[str],
    message: str,
) -> None:
    options = {"--to": regtest_node.miner(), "--amount": "10000", "--fee-rate": "2"}
    given = dict(zip(args[::2], args[1::2], strict=True))
    line = [part for key, value in {**options, **given}.items() for part in (key, value)]
    before = snapshot(setup["datadir"])
    result = btc(capsys, setup, "send", name, *line, "-o", str(tmp_path / "out.psbt"),
                 "--qr-dir", str(tmp_path / "frames"))  # fmt: skip
    assert result.status == 1 and result.out == ""
    assert result.err.count("\n") == 1 and result.err.startswith("airlock-companion: error: ")
    assert message in result.err
    assert snapshot(setup["datadir"]) == before
    assert list(tmp_path.iterdir()) == []


def forge_wrong_key(signed: bytes) -> bytes:
    """The signed P2WPKH PSBT with input 0's signature replaced by a valid signature of the same
    digest made by another key (as a compromised or confused signer would give)."""
    import hashlib

    from embit.ec import PrivateKey
    from embit.hashes import hash160
    from embit.psbt import PSBT
    from embit.script import Script

    psbt = PSBT.parse(signed)
    inp = psbt.inputs[0]
    (pub,) = list(inp.partial_sigs)
    code = Script(b"\x76\xa9\x14" + hash160(pub.sec()) + b"\x88\xac")
    digest = psbt.tx.sighash_segwit(0, code, inp.witness_utxo.value)
    other = PrivateKey(hashlib.sha256(b"a key of no wallet here").digest())
    inp.partial_sigs[pub] = other.sign(digest).serialize() + b"\x01"
    forged: bytes = psbt.serialize()
    return forged


def test_broadcast_refuses_what_is_not_this_wallets_signed_transaction(
    regtest_node: RegtestNode, setup: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import base64

    to = regtest_node.miner()
    for name in ("segwit", "taproot"):
        assert btc(capsys, setup, "send", name, "--to", to, "--amount", "40000", "--fee-rate", "2",
                   "-o", str(tmp_path / f"{name}.psbt")).status == 0  # fmt: skip
    signed = {}
    for name in ("segwit", "taproot"):
        text = sign(capsys, setup["words"], tmp_path / f"{name}.psbt", "--format", "base64")
        signed[name] = base64.b64decode(text)
    files = {
        "unsigned": (tmp_path / "segwit.psbt").read_bytes(),
        "wrong-key": forge_wrong_key(signed["segwit"]),
        "taproot-signed": signed["taproot"],
        "garbage": b"this is not a PSBT\n",
    }
    for label, data in files.items():
        (tmp_path / label).write_bytes(data)
    cases = [
        (["unsigned"], "the PSBT cannot be finalized (is it signed?)"),
        (["wrong-key"], "input 0's signature does not verify (signed by another key, or damaged)"),
        (["taproot-signed"], "this transaction is not from the wallet segwit"),
        (["unsigned", "taproot-signed"], "the signed PSBTs are of 2 different transactions"),
        (["garbage"], "is not a PSBT"),
        (["missing"], "cannot read"),
    ]
    before = snapshot(setup["datadir"])
    for names, message in cases:
        result = btc(capsys, setup, "broadcast", "segwit", *(str(tmp_path / n) for n in names))
        assert result.status == 1 and result.out == "", names
        assert result.err.count("\n") == 1 and message in result.err, (names, result.err)
    assert regtest_node.rpc.call("getrawmempool") == []  # nothing was broadcast
    assert snapshot(setup["datadir"]) == before
    # the unsigned copy combined with the signed one is the signed transaction: it goes out
    unsigned_twice = [str(tmp_path / "unsigned"), str(tmp_path / "segwit.psbt")]
    assert btc(capsys, setup, "broadcast", "segwit", *unsigned_twice).status == 1  # nothing to finalize
    (tmp_path / "signed").write_bytes(signed["segwit"])
    result = btc(capsys, setup, "broadcast", "segwit", str(tmp_path / "unsigned"), str(tmp_path / "signed"))
    assert result.status == 0, result.err
    assert regtest_node.rpc.call("getrawmempool") == [result.out.strip()]
    regtest_node.mine(1)


@pytest.mark.parametrize(("name", "kind"), [("taproot", "btc-86"), ("segwit", "btc-84")])
def test_utxos_match_the_node_and_coin_control_spends_only_the_chosen_coin(
    regtest_node: RegtestNode,
    setup: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    kind: str,
) -> None:
    assert btc(capsys, setup, "sync", name).status == 0
    coins = btc(capsys, setup, "utxos", name, "--json").json()
    scan = regtest_node.rpc.call("scantxoutset", "start", [{"desc": account(kind).descriptor, "range": 100}])
    assert sorted((c["txid"], c["vout"], c["amount"]) for c in coins) == sorted(
        (u["txid"], u["vout"], int(Decimal(str(u["amount"])) * 100_000_000)) for u in scan["unspents"]
    )
    assert all(c["height"] is not None and c["address"].startswith("bcrt1") for c in coins)
    assert len(coins) >= 2
    chosen = min(coins, key=lambda c: c["amount"])
    to = regtest_node.miner()
    outpoint = f"{chosen['txid']}:{chosen['vout']}"
    sent = btc(capsys, setup, "send", name, "--to", to, "--amount", "max", "--fee-rate", "2",
               "--utxo", outpoint, "-o", str(tmp_path / "one.psbt"), "--json")  # fmt: skip
    review = sent.json()["review"]
    assert [i["outpoint"] for i in review["inputs"]] == [outpoint]
    assert [(o["address"], o["amount"]) for o in review["outputs"]] == [
        (to, chosen["amount"] - review["fee"])
    ]  # send-max: no change
    assert review["change"] == 0 and review["refusals"] == []


@pytest.mark.parametrize(("name", "kind", "mined_at"), [("taproot", "btc-86", 1), ("segwit", "btc-84", 2)])
def test_history_names_the_funding_and_each_payment_with_its_fee(
    regtest_node: RegtestNode,
    setup: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    name: str,
    kind: str,
    mined_at: int,
) -> None:
    assert btc(capsys, setup, "sync", name).status == 0
    rows = btc(capsys, setup, "history", name, "--json").json()
    received = [(r["net"], r["height"], r["fee"]) for r in rows if r["net"] > 0]
    assert (5_000_000_000, mined_at, None) in received  # the coinbase
    assert (100_000_000, 104, None) in received  # the node's payment, mined in the setup
    spent = [r for r in rows if r["net"] < 0]
    assert spent, "the tests above sent from this wallet"
    for row in rows:
        tx = regtest_node.raw_transaction(row["txid"])
        assert row["height"] == regtest_node.height() - tx["confirmations"] + 1
    for row in spent:  # a payment's fee is what its inputs hold beyond its outputs
        tx = regtest_node.raw_transaction(row["txid"])
        inputs = sum(amount for amount, _ in spent_coins(regtest_node, tx))
        outputs = sum(int(Decimal(str(o["value"])) * 100_000_000) for o in tx["vout"])
        assert row["fee"] == inputs - outputs
    assert rows == sorted(rows, key=lambda r: -(r["height"] or 1 << 40))  # newest first


def test_short_of_funds_names_what_is_spendable_not_maturing_coinbase(
    regtest_node: RegtestNode, setup: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Runs last: it leaves an immature coinbase in the taproot wallet."""
    regtest_node.mine(1, account("btc-86").address(0, 5))
    assert btc(capsys, setup, "sync", "taproot").status == 0
    balance = btc(capsys, setup, "balance", "taproot", "--json").json()
    assert balance["pending"] == 5_000_000_000  # the new coinbase, not spendable for 100 blocks
    too_much = str(balance["confirmed"] + 1)
    result = btc(capsys, setup, "send", "taproot", "--to", regtest_node.miner(), "--amount", too_much,
                 "--fee-rate", "1", "-o", str(tmp_path / "x.psbt"))  # fmt: skip
    assert result.status == 1
    assert f"can spend ({balance['confirmed']} sats, as of the last sync)" in result.err
