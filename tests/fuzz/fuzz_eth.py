"""Atheris fuzz target for the Ethereum decoders, review and risk rules (coverage-guided, run by hand).

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_eth.py -max_total_time=600 [corpus_dir]

The first input byte picks the entry point (raw transaction, ERC-4527 request body, EIP-712 JSON,
personal message, bare calldata); the rest is the payload. Any exception other than an
AirlockError is a finding. Nothing is signed: the fuzzer only reviews.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eth"))

from eth_builders import MAIL, SPENDER, USDC, calldata, permit2_single, tx, typed

from signer.chains.ethereum_review import review_request
from signer.errors import AirlockError
from signer.eth.calls import decode_call
from signer.eth.request import parse_raw
from signer.eth.safe import SAFE_TX_FIELDS
from signer.risk.library import builtin_library
from signer.risk.rules import RiskContext

CTX = RiskContext(library=builtin_library(), now=1_760_000_000)


def seeds() -> list[bytes]:
    """Valid inputs of every entry point to start the corpus from."""
    approve = calldata("approve(address,uint256)", SPENDER, 2**256 - 1)
    return [
        b"\x00" + tx(USDC, approve).raw,
        b"\x00" + tx(USDC, calldata("multicall(bytes[])", [approve, approve])).raw,
        b"\x01" + json.dumps(MAIL).encode(),
        b"\x01" + permit2_single(5, 2**40, 2**40),
        b"\x02" + b"0x" + b"ab" * 32,
        b"\x03" + approve,
        # Universal Router: a Permit2 transfer of USDC to a stranger
        b"\x03"
        + calldata(
            "execute(bytes,bytes[])",
            b"\x02",
            [bytes(12) + USDC + bytes(12) + bytes.fromhex(SPENDER[2:]) + (10**6).to_bytes(32, "big")],
        ),
        # Safe execTransaction carrying the unlimited approve, then a SafeTx asking for the same
        b"\x03"
        + calldata(
            "execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)",
            "0x" + USDC.hex(),
            0,
            approve,
            0,
            0,
            0,
            0,
            "0x" + "00" * 20,
            "0x" + "00" * 20,
            b"",
        ),
        b"\x01"
        + typed(
            "SafeTx",
            {"SafeTx": SAFE_TX_FIELDS},
            {"chainId": 1, "verifyingContract": "0x" + "5a" * 20},
            {
                **{n: 0 for n, _ in SAFE_TX_FIELDS},
                "to": "0x" + USDC.hex(),
                "data": "0x" + approve.hex(),
                "gasToken": "0x" + "00" * 20,
                "refundReceiver": "0x" + "00" * 20,
            },
        ),
    ]




def test_one_input(data: bytes) -> None:
    if not data:
        return
    mode, body = data[0] % 4, data[1:]
    try:
        if mode == 0:
            review_request(parse_raw(body), None, CTX).to_json()
        elif mode == 1:
            review_request(parse_raw(body, text=True), None, CTX).to_json()
        elif mode == 2:
            review_request(parse_raw(body, text=True), None, CTX).to_text()
        else:
            decode_call(1, USDC, 0, body).to_json()
    except AirlockError:
        pass


def main() -> None:
    import atheris

    corpus = Path(sys.argv[-1]) if len(sys.argv) > 1 and Path(sys.argv[-1]).is_dir() else None
    if corpus is not None:
        for i, s in enumerate(seeds()):
            (corpus / f"seed-{i}").write_bytes(s)
    for s in seeds():  # load the lazily imported decoders before instrumenting them
        test_one_input(s)
    atheris.instrument_all()  # coverage feedback for the already imported signer code
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
