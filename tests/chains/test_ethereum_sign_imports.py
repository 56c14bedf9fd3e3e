"""`airlock sign` of an Ethereum request loads only what that request needs (issue 12: the first
signature, a whole process, within ethers' time): a raw request (hex transaction, EIP-712 JSON, hex
message) never loads the UR types or the QR encoders (its reply is text), and a transaction without
calldata never loads the calldata decoders. The last two cases show the same probe seeing those
modules when the request does need them."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "eth"))

from eth_builders import ABANDON, BOB, MAIL, SPENDER, USDC, a, calldata, erc4527, tx  # noqa: E402

from signer.transport.ur import encode_single  # noqa: E402
from signer.transport.urtypes import to_ur  # noqa: E402

UR_TYPES = ("signer.transport.urtypes", "signer.transport.ur", "cbor2")
QR_OUTPUT = ("signer.transport.frames", "signer.transport.bbqr")
CALLDATA = ("signer.eth.calls", "signer.eth.abi", "signer.eth.router")
SUGGESTIONS = ("difflib",)  # signer.keys.bip39's guesses for a mistyped word
PROBED = UR_TYPES + QR_OUTPUT + CALLDATA + SUGGESTIONS

SEND = tx(a(BOB), value=10**17)
APPROVE = tx(USDC, calldata("approve(address,uint256)", SPENDER, 25 * 10**6))
# request text -> the probed modules its signing loads
CASES = {
    "transaction without calldata": ("0x" + SEND.raw.hex() + "\n", set()),
    "typed data": (json.dumps(MAIL), set()),
    "message as hex": ("0x" + b"hello airlock".hex() + "\n", set()),
    "transaction with calldata": ("0x" + APPROVE.raw.hex() + "\n", set(CALLDATA)),
    "ERC-4527 request": (
        encode_single(to_ur(erc4527(SEND.raw, 4))).upper() + "\n",
        set(UR_TYPES + QR_OUTPUT),
    ),
}


def _loaded_after_sign(tmp_path: Path, words: Path, request_text: str) -> tuple[str, set[str]]:
    request = tmp_path / "request.txt"
    request.write_text(request_text)
    script = (
        "import json, sys\n"
        "from signer.cli import main\n"
        f"code = main(['sign', {str(request)!r}, '--mnemonic-file', {str(words)!r}])\n"
        f"print(json.dumps([code, sorted(set(sys.modules) & set({list(PROBED)!r}))]), file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    code, loaded = json.loads(out.stderr.strip().splitlines()[-1])
    assert code == 0, out.stderr
    return out.stdout, set(loaded)


@pytest.mark.parametrize(("request_text", "needed"), CASES.values(), ids=CASES.keys())
def test_airlock_sign_loads_only_what_the_request_needs(
    tmp_path: Path, secret_input: Callable[[str, str], Path], request_text: str, needed: set[str]
) -> None:
    words = secret_input("words.txt", ABANDON + "\n")
    signed, loaded = _loaded_after_sign(tmp_path, words, request_text)
    assert signed.strip()
    assert loaded == needed
