"""strict_json: numbers from anyone are bounded like everything else (one JsonRejected, never another
error, never a number that is not one)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ABANDON

from signer import strict_json
from signer.cli import main


@pytest.mark.parametrize(
    "text",
    [
        "1" * 4301,  # past Python's own limit for int() of text: its ValueError escaped
        '{"value": ' + "9" * 5000 + "}",
        "[-" + "1" * 4400 + "]",
        "1" * 101,
    ],
)
def test_an_integer_longer_than_any_value_is_refused(text: str) -> None:
    with pytest.raises(strict_json.JsonRejected, match="digits, more than the 100 accepted"):
        strict_json.loads(text, what="the test")


@pytest.mark.parametrize("text", ["1e999", '{"a": -1e400}', "[1.5E+309]"])
def test_a_number_beyond_a_float_is_refused_not_read_as_infinity(text: str) -> None:
    with pytest.raises(strict_json.JsonRejected, match="too large"):
        strict_json.loads(text, what="the test")


def test_numbers_of_every_size_a_request_carries_still_read() -> None:
    doc = strict_json.loads(f'{{"max": {2**256 - 1}, "min": {-(2**255)}, "f": 1.5e300, "e": 1e-400}}')
    assert doc == {"max": 2**256 - 1, "min": -(2**255), "f": 1.5e300, "e": 0.0}


def test_a_request_file_with_a_huge_number_is_one_clean_line(
    tmp_path: Path, secret_input: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    request = tmp_path / "typed.json"
    request.write_text('{"primaryType": "Mail", "types": {}, "message": {"n": ' + "1" * 5000 + "}}")
    code = main(["sign", str(request), "--mnemonic-file", str(secret_input("words.txt", ABANDON))])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("airlock: ") and "5000 digits" in err and err.count("\n") == 1


def test_deep_nesting_is_refused_even_after_eth_account_raised_the_recursion_limit() -> None:
    """py_ecc (imported with eth-account) sets the recursion limit to 100,000: json's C parser then
    recursed through 400,000 brackets until the process died (SIGSEGV) instead of RecursionError.
    Run in a child process: the old behaviour ends the process."""
    import subprocess
    import sys

    program = (
        "import sys; import py_ecc; assert sys.getrecursionlimit() >= 100_000\n"
        "from signer import strict_json\n"
        "try:\n"
        "    strict_json.loads('[' * 400_000 + ']' * 400_000)\n"
        "except strict_json.JsonRejected as exc:\n"
        "    print(exc)\n"
        # the same brackets fit one BBQr QR code (zlib): scanning it ended the device app
        "from signer.transport import bbqr\n"
        "from signer.transport.assembler import Assembler\n"
        "(part,) = bbqr.split(b'[' * 400_000 + b']' * 400_000, 'U', encoding='Z').parts\n"
        "print(Assembler().add(part).describe())\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-300:]
    assert "nests more than 32 levels deep" in done.stdout and "complete (bbqr)" in done.stdout


@pytest.mark.parametrize(
    ("text", "deeper"),
    [('"[[[[[[" ', False), ('["\\\\", "[[[[["]', False), ('["\\"[[[[[[["]', False), ("[[[[[[]]]]]]", True)],
)
def test_nesting_is_counted_outside_strings_only(text: str, deeper: bool) -> None:
    assert strict_json.nests_deeper_than(text, 5) == deeper
