"""After unlock, the device imports the Ethereum review and signing modules on a background thread
(signer.chains.warm_up), so the first review is not a wait; the main loop and the warm-up never
import at the same time."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from signer.chains.warm_up import ETHEREUM_MODULES, WarmUp

ROOT = Path(__file__).resolve().parents[2]
# what a first Ethereum review and signature may import after the warm-up: nothing of the signer,
# the UI or the libraries they sign with (the QR decoder belongs to the scan, which runs first)
STACK = ("signer", "ui", "embit", "eth_", "sha3", "_pysha3", "cbor2", "Crypto")

FIRST_REVIEW = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ui_driver import make_session, qr_images, start, vault_with, FrameCamera, PASSWORD, ABANDON
    from ui_txbuilders import ABANDON_ETH, RECIPIENT, eip1559, eth_sign_request, recover_eth_signer
    from app.person import collect_qr, decode_frames
    from signer.chains.warm_up import ETHEREUM_MODULES, WarmUp
    from ui.device import REVIEW_MODULES
    from ui.events import Key

    tmp, warm = Path(sys.argv[1]), sys.argv[2] == "warm"
    vault_with(tmp, {"main": ABANDON})
    camera = FrameCamera()
    warm_up = WarmUp(ETHEREUM_MODULES + REVIEW_MODULES)
    session = make_session(tmp, camera=camera, warm_up=warm_up if warm else None)
    d = start(session)
    d.choose("Unlock")
    d.type_text(PASSWORD)
    assert session.vault is not None, d.text()
    assert warm_up.wait(120) if warm else not warm_up.done
    unsigned = eip1559(RECIPIENT, 10**16)
    camera.show(qr_images(eth_sign_request(unsigned), ur_type="eth-sign-request"))
    before = set(sys.modules)
    d.choose("Scan")
    d.tick(12)
    d.settle()
    assert d.content().title.startswith("Ethereum"), d.text()
    for _ in range(d.content().extra["pages"]):
        d.press(Key.DOWN)
    d.press(Key.KEY1)
    d.settle()
    assert d.title == "Signature", d.text()
    after = set(sys.modules)
    payload = decode_frames(collect_qr(d))
    assert recover_eth_signer(unsigned, payload.obj.signature) == ABANDON_ETH
    print("failed:", sorted(warm_up.failed))
    print("imported:", " ".join(sorted(after - before)))
    """
)


def _first_review(tmp_path: Path, mode: str) -> tuple[list[str], list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", FIRST_REVIEW, str(tmp_path), mode],
        cwd=ROOT,
        env={"PYTHONPATH": f"{ROOT / 'tests'}:{ROOT / 'tests' / 'ui'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = dict(line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)
    imported = lines["imported"].split()
    return [m for m in imported if m.startswith(STACK)], lines["failed"].strip()


def test_first_ethereum_review_after_the_warm_up_imports_nothing_of_the_review_stack(tmp_path: Path) -> None:
    stack, failed = _first_review(tmp_path, "warm")
    assert failed == "[]"
    assert stack == [], " ".join(stack)


def test_without_the_warm_up_the_first_review_imports_the_stack(tmp_path: Path) -> None:
    """The check above can fail: the same review, cold, imports the Ethereum modules."""
    stack, _ = _first_review(tmp_path, "cold")
    assert "signer.eth.request" in stack and "signer.eth.sign" in stack


def test_warm_up_skips_a_module_that_fails_and_says_which() -> None:
    warm_up = WarmUp(("signer.eth.rlpcodec", "no_such_module_here", "signer.eth.tx"))
    warm_up.start()
    warm_up.start()  # once only
    assert warm_up.wait(60)
    assert warm_up.failed == ["no_such_module_here"]
    assert warm_up.imported == ["signer.eth.rlpcodec", "signer.eth.tx"]


def test_the_warm_up_never_imports_during_the_main_loops_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("warm_probe_a", "warm_probe_b", "warm_probe_c"):
        (tmp_path / f"{name}.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    warm_up = WarmUp(("warm_probe_a", "warm_probe_b", "warm_probe_c"))
    with warm_up.turn():  # not started: no lock is taken
        pass
    warm_up.start()
    for _ in range(3):
        with warm_up.turn():
            seen = list(warm_up.imported)
            time.sleep(0.05)  # the warm-up has every chance to import now, and must not
            assert warm_up.imported == seen
    assert warm_up.wait(60) and warm_up.imported == ["warm_probe_a", "warm_probe_b", "warm_probe_c"]
    with warm_up.turn():  # over: no lock at all
        pass


def test_the_ethereum_list_names_only_modules_that_exist() -> None:
    import importlib.util

    missing = [m for m in ETHEREUM_MODULES if importlib.util.find_spec(m) is None]
    assert missing == []


@pytest.mark.parametrize("module", ["eth_account", "eth_account.messages"])
def test_the_warm_up_leaves_out_eth_account(module: str) -> None:
    """One import of ~4 s on a Pi would hold the main loop's turn that long."""
    assert module not in ETHEREUM_MODULES
