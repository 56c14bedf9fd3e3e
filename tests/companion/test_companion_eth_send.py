"""``eth`` commands end to end on anvil: import, addresses, balances, history, send, broadcast.

The requests are signed by Airlock's own signer (``airlock sign`` in process with the test mnemonic);
what the node mines is checked on the node (receipts, balances, nonces). Hostile inputs each give one
line on stderr, change nothing in the data folder and send nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from companion_cli import Run, run, snapshot
from conftest import LEGAL
from eth_chain import CHAIN_ID, DEV, OWNER, EthChain, Tokens, eth_chain_fixture, requires_chain  # noqa: F401
from eth_device import airlock_sign, seed_of, words_file, write_exports

pytestmark = requires_chain


@pytest.fixture(scope="module")
def tokens(eth_chain: EthChain) -> Tokens:
    deployed = Tokens(eth_chain)
    deployed.mint(OWNER, dai=10**21)
    return deployed


@pytest.fixture
def setup(tmp_path: Path, eth_chain: EthChain) -> dict[str, Any]:
    files = write_exports(tmp_path / "files")
    datadir = tmp_path / "data"
    return {"datadir": datadir, "files": files, "words": words_file(tmp_path), "tmp": tmp_path}


def eth(capsys: pytest.CaptureFixture[str], setup: dict[str, Any], *args: str) -> Run:
    return run(capsys, setup["datadir"], "eth", *args)


def imported(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Any], chain: EthChain, kind: str = "hdkey"
) -> str:
    name = f"main-{kind}"
    done = eth(
        capsys, setup, "import", name, str(setup["files"][kind]), "--rpc", chain.url, "--chain-id", "1337"
    )
    assert done.status == 0, done.err
    return name


def one_line_error(done: Run, *fragments: str) -> None:
    assert done.status == 1 and done.out == ""
    assert done.err.count("\n") == 1 and done.err.startswith("airlock-companion: error: "), done.err
    for fragment in fragments:
        assert fragment in done.err, done.err


def send(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Any], name: str, request: Path, *args: str
) -> Any:
    return eth(capsys, setup, "send", name, *args, "-o", str(request), "--json").json()


def test_import_each_source_gives_the_signers_addresses(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Any], eth_chain: EthChain
) -> None:
    from signer.eth.primitives import checksum
    from signer.eth.sign import address_at

    seed = seed_of()
    for kind, path in (("hdkey", "m/44'/60'/0'/0/{i}"), ("ledger", "m/44'/60'/{i}'/0/0")):
        name = imported(capsys, setup, eth_chain, kind)
        for i in (0, 3):
            got = eth(capsys, setup, "address", name, "--index", str(i), "--json").json()
            assert got == {
                "address": checksum(address_at(seed, path.format(i=i))),
                "index": i,
                "path": path.format(i=i),
            }
    deep = eth(capsys, setup, "address", "main-hdkey", "--index", "250", "--json").json()
    assert deep["address"] == checksum(address_at(seed, "m/44'/60'/0'/0/250"))
    stored = (setup["datadir"] / "eth" / "main-hdkey" / "account.json").read_text()
    assert "\"m/44'/60'/0'/0/250\"" in stored and eth_chain.url in stored  # revealed and kept
    bare = imported(capsys, setup, eth_chain, "address")
    assert eth(capsys, setup, "address", bare, "--json").json()["address"] == OWNER
    assert (setup["datadir"] / "eth").stat().st_mode & 0o077 == 0


def test_import_refusals_change_nothing(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Any], eth_chain: EthChain
) -> None:
    imported(capsys, setup, eth_chain)
    before = snapshot(setup["datadir"])
    hd = str(setup["files"]["hdkey"])
    one_line_error(
        eth(capsys, setup, "import", "other", hd, "--rpc", eth_chain.url, "--chain-id", "1"),
        "is on chain 1337, not chain 1",
    )
    one_line_error(eth(capsys, setup, "import", "main-hdkey", hd, "--rpc", eth_chain.url), "already exists")
    secret_url = "http://user:hunter2@127.0.0.1:9/v3/0123456789abcdef"
    failed = eth(capsys, setup, "import", "other", hd, "--rpc", secret_url)
    one_line_error(failed, "127.0.0.1:9")
    assert "hunter2" not in failed.err and "0123456789abcdef" not in failed.err
    truncated = setup["tmp"] / "truncated.ur"
    truncated.write_text(setup["files"]["hdkey"].read_text()[:60])
    one_line_error(
        eth(capsys, setup, "import", "other", str(truncated), "--rpc", eth_chain.url), "cannot be read"
    )
    assert snapshot(setup["datadir"]) == before


def _sign_and_broadcast(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Any], name: str, *requests: Path
) -> Any:
    signatures = []
    for request in requests:
        texts = airlock_sign(capsys, setup["words"], request)
        path = request.with_suffix(".sig.txt")
        path.write_text("\n".join(texts) + "\n")
        signatures.append(str(path))
    return eth(capsys, setup, "broadcast", name, *signatures, "--json").json()


def test_eth_send_is_reviewed_signed_and_confirmed(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Any], eth_chain: EthChain
) -> None:
    from signer.transport.frames import decode_qr_image
    from signer.transport.images import open_gray
    from signer.transport.ur import URDecoder

    name = imported(capsys, setup, eth_chain)
    request, frames = setup["tmp"] / "request.txt", setup["tmp"] / "frames"
    shown = eth(
        capsys,
        setup,
        "send",
        name,
        "--to",
        DEV[2],
        "--value",
        str(5 * 10**17),
        "-o",
        str(request),
        "--qr-dir",
        str(frames),
    )
    assert shown.status == 0, shown.err
    assert (
        shown.out.startswith("The device will show:\nSend 0.5 ETH\n") and "first-time-recipient" in shown.out
    )
    decoder = URDecoder()
    for png in sorted(frames.glob("frame-*.png")):
        for text in decode_qr_image(open_gray(png.read_bytes(), str(png))):
            decoder.receive(text.decode())
    expected = URDecoder()
    for line in request.read_text().split():
        expected.receive(line)
    assert decoder.is_complete and decoder.result.cbor == expected.result.cbor  # the frames carry the request

    nonce = eth_chain.w3.eth.get_transaction_count(OWNER)
    before = eth_chain.w3.eth.get_balance(DEV[2])
    done = _sign_and_broadcast(capsys, setup, name, request)
    assert done["status"] == 1 and done["nonce"] == nonce and isinstance(done["block"], int)
    assert eth_chain.w3.eth.get_balance(DEV[2]) == before + 5 * 10**17
    mined = eth_chain.w3.eth.get_transaction(done["hash"])
    assert mined["from"] == OWNER and mined["type"] == 2
    # the same signature again: its request is no longer pending, nothing is sent
    again = eth(capsys, setup, "broadcast", name, str(request.with_suffix(".sig.txt")))
    one_line_error(again, "is waiting for a signature")
    rows = eth(capsys, setup, "history", name, "--json").json()["activity"]
    assert {"kind": "send", "hash": done["hash"], "counterparty": DEV[2]}.items() <= rows[0].items()


def test_token_send_and_balance_history(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Any], eth_chain: EthChain, tokens: Tokens
) -> None:
    name = imported(capsys, setup, eth_chain)
    added = eth(capsys, setup, "token", "add", name, tokens.dai, "--json").json()
    assert added == {"tokens": [tokens.dai]}
    one_line_error(eth(capsys, setup, "token", "add", name, DEV[3]), "does not answer as an ERC-20")
    dai = tokens.erc20(tokens.dai)
    held = dai.functions.balanceOf(OWNER).call()
    listed = eth(capsys, setup, "balance", name, "--json").json()
    assert listed["tokens"] == [{"token": tokens.dai, "symbol": "tDAI", "decimals": 18, "amount": held}]
    assert listed["eth"] == eth_chain.w3.eth.get_balance(OWNER)

    request = setup["tmp"] / "token.txt"
    shown = send(
        capsys, setup, name, request, "--to", DEV[3], "--value", str(7 * 10**18), "--token", tokens.dai
    )
    assert shown["review"]["call"]["function"] == "transfer(address,uint256)"
    done = _sign_and_broadcast(capsys, setup, name, request)
    assert done["status"] == 1
    assert dai.functions.balanceOf(OWNER).call() == held - 7 * 10**18
    assert dai.functions.balanceOf(DEV[3]).call() == 7 * 10**18
    rows = eth(capsys, setup, "history", name, "--json").json()["activity"]
    outgoing = [r for r in rows if r["kind"] == "token-out" and r["hash"] == done["hash"]]
    assert outgoing == [
        {
            "kind": "token-out",
            "hash": done["hash"],
            "block": done["block"],
            "token": tokens.dai,
            "counterparty": DEV[3],
            "amount": 7 * 10**18,
            "token_id": None,
            "title": "",
        }
    ]
    assert any(r["kind"] == "token-in" and r["counterparty"] == "0x" + "0" * 40 for r in rows)  # the mint
    eth_chain.rpc("anvil_mine", 13)  # the transfer is now settled: kept in the cache, not read again
    assert eth(capsys, setup, "history", name, "--json").json()["activity"] == rows
    cache = json.loads((setup["datadir"] / "eth" / name / "transfers.json").read_text())
    assert cache[OWNER]["scanned_to"] >= done["block"]
    assert eth(capsys, setup, "history", name, "--json").json()["activity"] == rows


def test_two_sends_in_a_row_get_consecutive_nonces(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Any], eth_chain: EthChain
) -> None:
    name = imported(capsys, setup, eth_chain)
    first, second = setup["tmp"] / "first.txt", setup["tmp"] / "second.txt"
    a = send(capsys, setup, name, first, "--to", DEV[1], "--value", "1000")
    b = send(capsys, setup, name, second, "--to", DEV[1], "--value", "2000")
    nonce = eth_chain.w3.eth.get_transaction_count(OWNER, "pending")
    assert (a["nonce"], b["nonce"]) == (nonce, nonce + 1) and (a["waiting"], b["waiting"]) == (0, 1)
    done = _sign_and_broadcast(capsys, setup, name, second, first)  # given out of order: sent in nonce order
    assert [t["nonce"] for t in done["transactions"]] == [nonce, nonce + 1]
    assert [t["status"] for t in done["transactions"]] == [1, 1]
    assert eth_chain.w3.eth.get_transaction_count(OWNER) == nonce + 2


def test_hostile_signatures_and_a_bare_address_change_nothing(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Any], eth_chain: EthChain, tmp_path: Path
) -> None:
    from dataclasses import replace

    from companion.eth.handover import read_signature
    from signer.transport.ur import encode_single
    from signer.transport.urtypes import to_ur

    name = imported(capsys, setup, eth_chain)
    bare = imported(capsys, setup, eth_chain, "address")
    request = tmp_path / "request.txt"
    send(capsys, setup, name, request, "--to", DEV[1], "--value", "1")
    good = read_signature(airlock_sign(capsys, setup["words"], request))

    other_dir = {**setup, "datadir": tmp_path / "other"}  # another request, made elsewhere: unknown here
    imported(capsys, other_dir, eth_chain)
    send(capsys, other_dir, "main-hdkey", tmp_path / "elsewhere.txt", "--to", DEV[1], "--value", "1")
    unknown = read_signature(airlock_sign(capsys, setup["words"], tmp_path / "elsewhere.txt"))

    legal_files = write_exports(tmp_path / "legal", LEGAL)
    legal_dir = {**setup, "datadir": tmp_path / "legal-data", "files": legal_files}
    imported(capsys, legal_dir, eth_chain)
    eth_chain.fund(eth(capsys, legal_dir, "address", "main-hdkey").out.strip(), 10**18)
    send(capsys, legal_dir, "main-hdkey", tmp_path / "legal.txt", "--to", DEV[1], "--value", "1")
    foreign = read_signature(airlock_sign(capsys, words_file(tmp_path, LEGAL), tmp_path / "legal.txt"))

    tampered = bytearray(good.signature)
    tampered[10] ^= 0x40
    cases = {
        "unknown.txt": (encode_single(to_ur(unknown)), "is waiting for a signature"),
        "foreign.txt": (
            encode_single(to_ur(replace(foreign, request_id=good.request_id))),
            "was not made by",
        ),
        "tampered.txt": (encode_single(to_ur(replace(good, signature=bytes(tampered)))), "was not made by"),
        "truncated.txt": (encode_single(to_ur(good))[:-15], "cannot be read"),
    }
    before, nonce = snapshot(setup["datadir"]), eth_chain.w3.eth.get_transaction_count(OWNER, "pending")
    for file, (text, message) in cases.items():
        (tmp_path / file).write_text(text + "\n")
        one_line_error(eth(capsys, setup, "broadcast", name, str(tmp_path / file)), message)
    one_line_error(
        eth(capsys, setup, "send", bare, "--to", DEV[1], "--value", "1", "-o", str(tmp_path / "x.txt")),
        "bare address (watch only): it cannot send",
    )
    one_line_error(
        eth(capsys, setup, "send", name, "--to", DEV[1][:-1], "--value", "1", "-o", str(tmp_path / "y")),
        "the recipient must be 0x",
    )
    one_line_error(
        eth(capsys, setup, "send", name, "--to", DEV[1], "--value", "1e18", "-o", str(tmp_path / "z")),
        "--value is a whole number",
    )
    assert snapshot(setup["datadir"]) == before
    assert eth_chain.w3.eth.get_transaction_count(OWNER, "pending") == nonce
    assert not (tmp_path / "x.txt").exists() and not (tmp_path / "y").exists()


def test_a_discarded_request_frees_its_nonce(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Any], eth_chain: EthChain
) -> None:
    name = imported(capsys, setup, eth_chain)
    request = setup["tmp"] / "abandoned.txt"
    first = send(capsys, setup, name, request, "--to", DEV[1], "--value", "5")
    listed = eth(capsys, setup, "pending", name, "--json").json()["pending"]
    assert [(p["request_id"], p["nonce"]) for p in listed] == [(first["request_id"], first["nonce"])]
    one_line_error(eth(capsys, setup, "discard", name, "not-a-uuid"), "is not a request id")
    assert eth(capsys, setup, "discard", name, first["request_id"]).status == 0
    assert eth(capsys, setup, "pending", name, "--json").json() == {"pending": []}
    again = send(capsys, setup, name, setup["tmp"] / "again.txt", "--to", DEV[1], "--value", "5")
    assert again["nonce"] == first["nonce"] and again["waiting"] == 0
    texts = airlock_sign(capsys, setup["words"], request)  # the discarded one, signed after all: not sent
    (setup["tmp"] / "late.txt").write_text("\n".join(texts) + "\n")
    one_line_error(
        eth(capsys, setup, "broadcast", name, str(setup["tmp"] / "late.txt")), "is waiting for a signature"
    )
    assert eth(capsys, setup, "discard", name, again["request_id"]).status == 0
