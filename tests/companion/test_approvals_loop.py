"""The whole approvals loop from the command line, on the real chain with Airlock's own signer:
approvals of every kind made, scanned, flagged, reminded over time, revoked in one batch (each request
signed by ``airlock sign`` in process, one file after another), broadcast in nonce order, mined, and
rescanned clean; a signature for another account's request is refused and nothing is sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from approvals_chain import Made, make_every_kind
from companion_cli import Run, run, snapshot
from eth_chain import CHAIN_ID, OWNER, PERMIT2, EthChain, eth_chain_fixture, requires_chain  # noqa: F401
from eth_device import airlock_sign, words_file, write_exports

from companion.cli import main

pytestmark = requires_chain
HOUR, DAY = 3600, 86400
FIELDS = {"kind", "token", "spender", "amount", "unlimited", "stale", "risky", "granted_at", "last_used_at"}


@pytest.fixture(scope="module")
def made(eth_chain: EthChain) -> Made:
    return make_every_kind(eth_chain)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, eth_chain: EthChain, made: Made) -> dict[str, Path]:
    datadir, files = tmp_path_factory.mktemp("companion"), tmp_path_factory.mktemp("files")
    export = write_exports(files)["hdkey"]
    for name in ("main", "second"):  # as the person does: `eth import` of the device's crypto-hdkey
        assert (
            main(["--datadir", str(datadir), "eth", "import", name, str(export), "--rpc", eth_chain.url]) == 0
        )
    return {"datadir": datadir, "files": files, "words": words_file(files)}


def approvals(capsys: pytest.CaptureFixture[str], setup: dict[str, Path], *args: str) -> Run:
    return run(capsys, setup["datadir"], "approvals", *args)


def scanned(capsys: pytest.CaptureFixture[str], setup: dict[str, Path], *extra: str) -> dict[str, Any]:
    return {
        a["key"]: a for a in approvals(capsys, setup, "scan", "main", "--json", *extra).json()["approvals"]
    }


def sign_all(capsys: pytest.CaptureFixture[str], setup: dict[str, Path], requests: list[Path]) -> list[Path]:
    """The device: each request file scanned and signed in turn, its eth-signature written to a file."""
    out = []
    for request in requests:
        parts = airlock_sign(capsys, setup["words"], request)
        path = request.with_name(request.stem.replace("-", "-sig-", 1) + ".txt")
        path.write_text("\n".join(parts) + "\n")
        out.append(path)
    return out


def test_scan_json_has_the_issues_fields(capsys: pytest.CaptureFixture[str], setup: dict[str, Path],
                                         made: Made) -> None:  # fmt: skip
    found = scanned(capsys, setup)
    assert len(found) == 8
    for item in found.values():
        assert item.keys() >= FIELDS
        assert item["kind"] in ("erc20", "erc721", "erc1155", "permit2")
        assert isinstance(item["granted_at"], int) and item["last_used_at"] is None
    inside = found[f"permit2:{made.tokens.usdc}:{made.c}"]
    assert (inside["token"], inside["spender"], inside["amount"]) == (made.tokens.usdc, made.c, 2**160 - 1)
    assert type(inside["amount"]) is int and inside["token_id"] is None  # exact integers, not strings
    unlimited = found[f"erc20:{made.tokens.dai}:{made.a}"]["amount"]
    assert type(unlimited) is int and unlimited == 2**256 - 1  # wider than a double: still exact
    nft = found[f"erc721:{made.tokens.nft}:{made.a}:1"]
    assert (nft["amount"], nft["token_id"]) == (None, 1) and type(nft["token_id"]) is int
    assert found[f"erc20:{made.tokens.usdc}:{PERMIT2}"]["kind"] == "erc20"  # the approval *to* Permit2


def test_reminders_over_time(capsys: pytest.CaptureFixture[str], setup: dict[str, Path], eth_chain: EthChain,
                             made: Made) -> None:  # fmt: skip
    now = eth_chain.latest_time()
    flagged = {k for k, a in scanned(capsys, setup).items() if a["flagged"]}
    assert len(flagged) == 5
    first = approvals(capsys, setup, "remind", "main", "--json").json()["due"]  # chain time: due at once
    assert {d["key"] for d in first} == flagged
    assert all(d["first_flagged_at"] == now and d["last_reminded_at"] is None for d in first)
    assert all(type(d["amount"]) is int for d in first if d["kind"] in ("erc20", "permit2"))
    assert (
        approvals(capsys, setup, "remind", "main", "--json", "--now", str(now + 23 * HOUR)).json()["due"]
        == []
    )
    again = approvals(capsys, setup, "remind", "main", "--json", "--now", str(now + 24 * HOUR)).json()["due"]
    assert {d["key"] for d in again} == flagged
    assert all(d["first_flagged_at"] == now and d["last_reminded_at"] == now for d in again)
    text = approvals(capsys, setup, "remind", "main", "--now", str(now + 25 * HOUR))
    assert (text.status, text.out) == (0, "no approval is due for a reminder\n")


def test_batch_revoke_signed_by_the_device_mined_and_rescanned_clean(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Path], eth_chain: EthChain, made: Made
) -> None:
    out = setup["files"] / "revoke"
    result = approvals(capsys, setup, "revoke", "main", "--all-flagged", "-o", str(out), "--json").json()
    requests = result["requests"]
    assert [Path(r["file"]).name[:4] for r in requests] == ["000-", "001-", "002-", "003-", "004-"]
    start = eth_chain.w3.eth.get_transaction_count(OWNER)
    assert [r["nonce"] for r in requests] == list(range(start, start + 5))
    titles = [r["title"] for r in requests]
    assert all(t.startswith("Revoke: ") for t in titles[:4]), titles
    assert titles[4].startswith("Permit2 lockdown (revoke) of 1 allowances")
    assert sum(len(r["revokes"]) for r in requests) == 5
    signatures = sign_all(capsys, setup, [Path(r["file"]) for r in requests])

    before = snapshot(setup["datadir"])
    wrong = approvals(capsys, setup, "broadcast", "second", *map(str, signatures))
    assert wrong.status == 1 and wrong.err.count("\n") == 1 and "no request" in wrong.err
    assert eth_chain.w3.eth.get_transaction_count(OWNER) == start and snapshot(setup["datadir"]) == before

    sent = approvals(capsys, setup, "broadcast", "main", *map(str, reversed(signatures)), "--json").json()[
        "sent"
    ]
    assert [s["nonce"] for s in sent] == list(range(start, start + 5))  # nonce order, whatever the file order
    assert all(s["status"] == 1 for s in sent)
    left = scanned(capsys, setup)
    assert not any(a["flagged"] for a in left.values())
    assert sorted(left) == sorted([f"erc20:{made.tokens.usdc}:{made.b}", f"erc20:{made.tokens.dai}:{made.c}",
                                   f"erc721:{made.tokens.nft}:{made.a}:1"])  # fmt: skip


def test_revoke_by_spender_clears_a_single_nft_and_reminders_drop_what_is_gone(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Path], eth_chain: EthChain, made: Made
) -> None:
    eth_chain.increase_time(31 * DAY)  # the three left are now stale: flagged, due at once
    due = approvals(capsys, setup, "remind", "main", "--json").json()["due"]
    assert len(due) == 3 and all("not used for 30 days" in d["reasons"] for d in due)
    out = setup["files"] / "by-spender"
    frames = setup["files"] / "frames"
    result = approvals(capsys, setup, "revoke", "main", "--spender", made.a.lower(), "-o", str(out),
                       "--qr-dir", str(frames), "--json")  # fmt: skip
    (request,) = result.json()["requests"]
    assert request["title"] == (
        f"Revoke: clear the approval of NFT #1 of {made.tokens.nft} (no one but you may move it)"
    )
    written = {p.relative_to(frames).parts[0] for p in frames.rglob("frame-*.png")}
    assert written == {Path(request["file"]).stem}  # the request's QR frames, for the device's camera
    (signature,) = sign_all(capsys, setup, [Path(request["file"])])
    assert approvals(capsys, setup, "broadcast", "main", str(signature)).status == 0
    assert f"erc721:{made.tokens.nft}:{made.a}:1" not in scanned(capsys, setup)
    later = approvals(capsys, setup, "remind", "main", "--json", "--now", str(eth_chain.latest_time() + DAY))
    assert {d["key"] for d in later.json()["due"]} == {f"erc20:{made.tokens.usdc}:{made.b}",
                                                        f"erc20:{made.tokens.dai}:{made.c}"}  # fmt: skip


def test_refusals_are_one_line_and_change_nothing(capsys: pytest.CaptureFixture[str], setup: dict[str, Path],
                                                  tmp_path: Path) -> None:  # fmt: skip
    before = snapshot(setup["datadir"])
    cases = [
        (("revoke", "main", "-o", str(tmp_path / "x")), "say what to revoke"),
        (("revoke", "main", "--spender", "0x1234", "-o", str(tmp_path / "x")), "spender must be 0x followed"),
        (
            ("revoke", "main", "--spender", "0x" + "77" * 20, "-o", str(tmp_path / "x")),
            "no current approval to",
        ),
        (("scan", "nobody"), "no Ethereum account named nobody"),
        (("broadcast", "main", str(tmp_path / "missing.txt")), "cannot read"),
    ]
    for args, message in cases:
        result = approvals(capsys, setup, *args)
        assert result.status != 0 and result.err.count("\n") == 1 and message in result.err, result.err
    assert snapshot(setup["datadir"]) == before and not (tmp_path / "x").exists()


def test_scan_from_block_is_kept_for_the_account(capsys: pytest.CaptureFixture[str], setup: dict[str, Path],
                                                 eth_chain: EthChain) -> None:  # fmt: skip
    export = write_exports(setup["files"])["hdkey"]
    imported = run(capsys, setup["datadir"], "eth", "import", "late", str(export), "--rpc", eth_chain.url)
    assert imported.status == 0
    start = eth_chain.w3.eth.block_number
    first = approvals(capsys, setup, "scan", "late", "--from-block", str(start), "--json").json()
    assert (first["from_block"], first["checked_blocks"], first["approvals"]) == (start, 1, [])
    eth_chain.rpc("evm_mine")
    again = approvals(capsys, setup, "scan", "late", "--json").json()
    assert (again["from_block"], again["checked_blocks"]) == (start, 1)  # from the high-water mark
    before = snapshot(setup["datadir"])
    earlier = approvals(capsys, setup, "scan", "late", "--from-block", "0")
    assert earlier.status == 1 and earlier.err.count("\n") == 1
    assert f"scanned from block {start} on, not 0" in earlier.err
    wrong = approvals(capsys, setup, "scan", "late", "--from-block", "-3")
    assert wrong.status == 2 and "'-3' is not a block number" in wrong.err
    assert snapshot(setup["datadir"]) == before
