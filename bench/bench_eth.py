"""Ethereum: the first signature as a whole process against ethers, then review timings (decode +
every risk rule on a typical EIP-1559 approve and on a 50-call multicall) and the risk-library
lookup. ``.venv/bin/python -m bench eth``"""

from __future__ import annotations

import compileall
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from eth_abi.abi import encode
from eth_utils.crypto import keccak

from bench.report import Table
from bench.timing import ProcessRuns, interleaved_runs, pi_estimate

ROOT = Path(__file__).resolve().parents[1]
ETHERS = ROOT / ".tools" / "node_modules" / "ethers" / "package.json"
WORDS = " ".join(["abandon"] * 11 + ["about"])  # the public test mnemonic; m/44'/60'/0'/0/0 signs


def _calldata(signature: str, types: list[str], values: list) -> bytes:
    return keccak(text=signature)[:4] + encode(types, values)


def _per_call(fn, min_time: float = 0.5) -> float:
    fn()  # warm caches and lazy imports
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_time:
        fn()
        n += 1
    return (time.perf_counter() - start) / n




def _mail() -> dict[str, object]:
    """The EIP-712 specification's Mail example, as the Ethereum tests keep it."""
    tests = str(ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    mail: dict[str, object] = importlib.import_module("eth.eth_builders").MAIL  # tests are not type-checked
    return mail


def first_signature(repeat: int = 5) -> None:
    """`airlock sign` of a raw EIP-1559 transaction and of EIP-712 typed data against ethers signing
    the same ones, both as whole processes from launch (derive the key from the mnemonic, sign,
    print), same machine, same run. The two take turns (ours, ethers, ours, ...) so that other load on
    the machine hits both alike; the ratio is of the fastest wall times, and the CPU time (user +
    system) of each process, which other programs' load hardly moves, is shown beside it."""
    from signer.eth.tx import DYNAMIC_FEE, UnsignedTx

    unsigned = UnsignedTx(
        DYNAMIC_FEE,
        1,
        7,
        21_000,
        bytes.fromhex("22" * 20),
        10**17,
        b"",
        max_fee_per_gas=30 * 10**9,
        max_priority_fee_per_gas=10**9,
    ).encode()
    requests = {
        "airlock sign (EIP-1559)": "0x" + unsigned.hex() + "\n",
        "airlock sign (EIP-712 Mail)": json.dumps(_mail()),
    }
    # Our modules' bytecode up to date, as an installed package has it: with PYTHONDONTWRITEBYTECODE set
    # (this machine, the device's unit) every run would compile each module changed since the last
    # compile again, about four times the import time of a whole `airlock sign`.
    for package in ("signer", "app"):
        compileall.compile_dir(ROOT / package, quiet=1)
    have_ethers = shutil.which("node") is not None and ETHERS.is_file()
    ethers = f"ethers {json.loads(ETHERS.read_text())['version']}" if have_ethers else ""
    table = Table(f"first Ethereum signature, whole process (best of {repeat}, turns with ethers)")
    estimates = []
    env = {**os.environ, "NODE_PATH": str(ROOT / ".tools" / "node_modules")}
    with tempfile.TemporaryDirectory() as name:
        words, request = Path(name) / "words.txt", Path(name) / "request.txt"
        words.write_text(WORDS + "\n")
        for figure, text in requests.items():
            request.write_text(text)
            sign = ["sign", str(request), "--mnemonic-file", str(words)]
            commands = [[sys.executable, "-m", "app.main", *sign]]
            if have_ethers:
                commands.append(["node", str(ROOT / "bench" / "ethers_sign.js"), str(words), str(request)])
            runs = interleaved_runs(commands, repeat, env)
            ours = runs[0]
            estimates.append(f"   {figure}: {pi_estimate(ours.wall_ms)}")
            if not have_ethers:
                table.add(figure, ours.wall_ms, None, "ms", "ethers missing: run make bootstrap")
                table.add(f"{figure}, CPU", ours.cpu_ms, None, "ms", "user + system of the process")
                continue
            theirs = runs[1]
            table.add(figure, ours.wall_ms, theirs.wall_ms, "ms", f"{ethers}, wall time")
            table.add(f"{figure}, CPU", ours.cpu_ms, theirs.cpu_ms, "ms", f"{ethers}, user + system")
            print(f"   {figure}, signed by both: {_same(ours, theirs)}")
    table.print()
    print("\n".join(estimates))


def _same(ours: ProcessRuns, theirs: ProcessRuns) -> str:
    a, b = ours.stdout.strip(), theirs.stdout.strip()
    return "byte-identical" if a == b else f"DIFFERENT: {b[:20]}... / {a[:20]}..."


def run() -> None:
    first_signature()
    from signer.chains.ethereum_review import review_request
    from signer.eth.request import parse_raw
    from signer.eth.tx import DYNAMIC_FEE, UnsignedTx
    from signer.risk.build_library import build
    from signer.risk.history import AddressHistory
    from signer.risk.library import builtin_library, parse_library
    from signer.risk.rules import RiskContext

    usdc = bytes.fromhex("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48")
    spender = "0x" + "11" * 20
    approve = _calldata("approve(address,uint256)", ["address", "uint256"], [spender, 2**256 - 1])
    transfer = _calldata("transfer(address,uint256)", ["address", "uint256"], ["0x" + "22" * 20, 10**6])
    multicall = _calldata(
        "multicall(bytes[])", ["bytes[]"], [[approve if i % 2 else transfer for i in range(50)]]
    )
    history = AddressHistory()
    for i in range(500):
        history.add(keccak(i.to_bytes(4, "big"))[:20])
    ctx = RiskContext(history=history, library=builtin_library(), now=int(time.time()))

    def review(data: bytes) -> object:
        raw = UnsignedTx(
            DYNAMIC_FEE,
            1,
            7,
            200_000,
            usdc,
            0,
            data,
            max_fee_per_gas=30 * 10**9,
            max_priority_fee_per_gas=10**9,
        ).encode()
        return review_request(parse_raw(raw), None, ctx)

    print(f"   EIP-1559 approve: decode + all rules   {_per_call(lambda: review(approve)) * 1e3:8.2f} ms")
    print(f"   50-call multicall: decode + all rules  {_per_call(lambda: review(multicall)) * 1e3:8.2f} ms")

    # A Universal Router swap (V3 swap, fee portion, unwrap) and a Safe transaction as typed data.
    weth = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"
    path = usdc + (500).to_bytes(3, "big") + bytes.fromhex(weth[2:])
    commands = [
        encode(
            ["address", "uint256", "uint256", "bytes", "bool"],
            ["0x" + "00" * 19 + "02", 10**9, 0, path, True],
        ),
        encode(["address", "address", "uint256"], [weth, "0x" + "fe" * 20, 25]),
        encode(["address", "uint256"], ["0x" + "00" * 19 + "01", 4 * 10**17]),
    ]
    router = _calldata(
        "execute(bytes,bytes[],uint256)", ["bytes", "bytes[]", "uint256"], [b"\x00\x06\x0c", commands, 2**40]
    )
    print(f"   Universal Router swap: decode + rules  {_per_call(lambda: review(router)) * 1e3:8.2f} ms")
    from signer.eth.safe import SAFE_TX_FIELDS

    safe_fields = [name for name, _ in SAFE_TX_FIELDS]
    safe_tx = json.dumps(
        {
            "types": {
                "EIP712Domain": [
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"},
                ],
                "SafeTx": [{"name": n, "type": t} for n, t in SAFE_TX_FIELDS],
            },
            "primaryType": "SafeTx",
            "domain": {"chainId": 1, "verifyingContract": "0x" + "5a" * 20},
            "message": dict(
                zip(
                    safe_fields,
                    [
                        "0x" + usdc.hex(),
                        0,
                        "0x" + approve.hex(),
                        0,
                        0,
                        0,
                        0,
                        "0x" + "00" * 20,
                        "0x" + "00" * 20,
                        1,
                    ],
                    strict=True,
                )
            ),
        }
    ).encode()
    safe_ms = _per_call(lambda: review_request(parse_raw(safe_tx), None, ctx)) * 1e3
    print(f"   Safe SafeTx (typed data): parse + rules {safe_ms:8.2f} ms")

    lib = builtin_library()
    probe = bytes.fromhex("722122dF12D4e14e13Ac3b6895a86e84145b6967")
    small = _per_call(lambda: lib.lookup(1, probe)) * 1e6
    print(f"   risk library lookup ({lib.count} records)      {small:8.2f} us")
    big_entries = [(1 + i % 8, keccak(i.to_bytes(4, "big"))[:20], f"tag {i % 50}") for i in range(100_000)]
    big = parse_library(build(big_entries, version=1, created="2026-01-01T00:00:00Z", sources=[]))
    miss = b"\x99" * 20
    print(
        f"   risk library lookup (100k records)     {_per_call(lambda: big.lookup(3, miss)) * 1e6:8.2f} us "
        f"(file {len(big.body) / 1024:.0f} KiB)"
    )
