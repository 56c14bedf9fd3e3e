"""The Ethereum review and signature load only the Bitcoin modules they use (the errors and the path
parser), not the PSBT review: `airlock sign` asks every chain of the registry whether a request is
theirs, and the Bitcoin chains' verbs import signer.btc when they run, not when asked."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "eth"))

from eth_builders import ABANDON, MAIL  # noqa: E402

from signer.eth.tx import DYNAMIC_FEE, UnsignedTx  # noqa: E402

NEEDED = ["signer.btc", "signer.btc.errors", "signer.btc.networks"]  # signer.chains.keys' path parser
TX = UnsignedTx(
    DYNAMIC_FEE, 1, 7, 21_000, b"\x22" * 20, 10**17, b"", max_fee_per_gas=3, max_priority_fee_per_gas=1
)
REQUESTS = {"transaction": "0x" + TX.encode().hex() + "\n", "typed data": json.dumps(MAIL)}


@pytest.mark.parametrize("request_text", REQUESTS.values(), ids=REQUESTS.keys())
def test_airlock_sign_of_an_ethereum_request_imports_no_bitcoin_review(
    tmp_path: Path, secret_input: Callable[[str, str], Path], request_text: str
) -> None:
    words = secret_input("words.txt", ABANDON + "\n")
    request = tmp_path / "request.txt"
    request.write_text(request_text)
    script = (
        "import sys\n"
        "from signer.cli import main\n"
        f"code = main(['sign', {str(request)!r}, '--mnemonic-file', {str(words)!r}])\n"
        "print(code, sorted(m for m in sys.modules if m.startswith('signer.btc')), file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.startswith("0x")
    assert out.stderr.strip().splitlines()[-1] == f"0 {NEEDED}"


def test_signer_btc_still_offers_its_names() -> None:
    """signer.btc imports its submodules on first use; every name it lists still resolves."""
    import signer.btc as btc

    for name in btc.__all__:
        assert getattr(btc, name).__name__ == name
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = btc.nothing  # type: ignore[attr-defined]
