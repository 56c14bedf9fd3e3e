"""The hostile corpus (tests/corpus/hostile/) through the real ``airlock`` CLI, with a test vault.

Every case of manifest.json is run as a person would run it, on the file as an attacker hands it
over. Without ``--accept-risk`` nothing may come out: the exit code and the review codes (or the
error line) are the manifest's, stdout is empty (no signature, no signed PSBT or transaction, no
decoded payload), the vault file and its folder are unchanged, and no hidden character reaches the
terminal. With ``--accept-risk`` a danger is signed and a refusal stays refused. A 'warning' case
is signed at once, the warning shown: that is what a warning means (issue 10.3).

The committed files must be exactly what make_hostile_corpus.py makes, so they cannot drift from
the builders that explain them.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import make_hostile_corpus as corpus
import pytest
from conftest import ABANDON

from signer.cli import main
from signer.keys.envelope import TEST_KDF
from signer.keys.seed import Bip39Seed
from signer.keys.vault import Vault

MANIFEST = json.loads((corpus.OUT / corpus.MANIFEST).read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = MANIFEST["cases"]
SEED = MANIFEST["vault"]["seed"]
VAULT_PASSWORD = "corpus vault password"
SEVERITIES = ("info", "warn", "danger", "refusal")


def case_id(case: dict[str, Any]) -> str:
    return " ".join([case["file"], case["command"], *case["args"]])


@pytest.fixture(scope="module")
def vault_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The test vault: the ABANDON seed with its default accounts and the family 2-of-3 registered."""
    path = tmp_path_factory.mktemp("corpus-vault") / "vault"
    vault = Vault.create(path, VAULT_PASSWORD, TEST_KDF)
    wallet = MANIFEST["vault"]["multisig"]
    try:
        vault.add_seed(SEED, Bip39Seed.from_mnemonic(ABANDON))
        vault.add_multisig(SEED, wallet["name"], wallet["descriptor"])
    finally:
        vault.lock()
    return path.read_bytes()


@dataclass
class Run:
    code: int
    out: str
    err: str
    review: dict[str, Any] | None

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("airlock:")]

    def codes(self) -> dict[str, set[str]]:
        """Review code -> the severities it was raised with ('refusal' for a refusal)."""
        found: dict[str, set[str]] = {}
        for warning in (self.review or {}).get("warnings", []):
            found.setdefault(warning["code"], set()).add(warning["severity"])
        for refusal in (self.review or {}).get("refusals", []):
            found.setdefault(refusal["code"], set()).add("refusal")
        return found


class Runner:
    """Runs a case's command on its file, with the test vault in a folder of its own."""

    def __init__(self, folder: Path, template: bytes, capsys: pytest.CaptureFixture[str]) -> None:
        self.folder = folder / "device"
        self.folder.mkdir()
        self.vault = self.folder / "vault"
        self.vault.write_bytes(template)
        self.password = folder / "vault-password"
        self.password.write_text(VAULT_PASSWORD)
        self.backup_password = folder / "backup-password"
        self.backup_password.write_text(MANIFEST["backup_password"])
        self.review = folder / "review.json"
        self.capsys = capsys

    def argv(self, case: dict[str, Any], accept_risk: bool) -> list[str]:
        file = corpus.OUT / case["file"]
        vault = ["--vault", str(self.vault), "--password-file", str(self.password)]
        seed = [*vault, "--seed", SEED]
        command = case["command"]
        if command == "sign":
            argv = ["sign", str(file), *seed, "--review-json", str(self.review)]
        elif command == "qr decode":
            argv = ["qr", "decode", str(file)]
        elif command == "backup restore":
            argv = [
                "backup",
                "restore",
                str(file),
                *vault,
                "--backup-password-file",
                str(self.backup_password),
            ]
        elif command == "multisig register":
            argv = ["multisig", "register", str(file), *seed, "--yes"]
        elif command == "address check":  # the scanned text is the argument
            argv = ["address", "check", file.read_text(encoding="utf-8").strip(), *seed]
        else:
            assert command == "message sign --qr", command
            argv = ["message", "sign", "--qr", str(file), *seed]
        return [*argv, *case["args"], *(["--accept-risk"] if accept_risk else [])]

    def run(self, case: dict[str, Any], accept_risk: bool = False) -> Run:
        self.review.unlink(missing_ok=True)
        code = main(self.argv(case, accept_risk))
        out, err = self.capsys.readouterr()
        review = json.loads(self.review.read_text()) if self.review.exists() else None
        return Run(code, out, err, review)

    def state(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in self.folder.iterdir()}


def holds_hidden_characters(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") and c not in "\n\t" for c in text)


def signed_output(out: str) -> bool:
    """True when stdout holds a signature: a PSBT with one, an ERC-4527 eth-signature, a signed
    Ethereum transaction or signature in hex, or a message signature (base64)."""
    import base64
    import binascii

    from signer.btc import load_psbt
    from signer.transport.assembler import Assembler

    lines = out.split()
    if not lines:
        return False
    if lines[0].upper().startswith(("UR:", "B$")):
        assembler = Assembler()
        for line in lines:
            assembler.add(line)
        payload = assembler.result
        if payload.kind == "psbt":
            return _psbt_has_signature(load_psbt(payload.data))
        return payload.kind == "eth-signature" and len(payload.obj.signature) == 65
    if lines[0].startswith("0x"):
        return len(bytes.fromhex(lines[0][2:])) >= 65
    try:
        raw = base64.b64decode(lines[0], validate=True)
    except binascii.Error:
        return False
    return _psbt_has_signature(load_psbt(raw)) if raw.startswith(b"psbt\xff") else len(raw) == 65


def _psbt_has_signature(psbt: Any) -> bool:
    return any(i.partial_sigs or i.tap_key_sig for i in psbt.inputs)


@pytest.fixture
def runner(tmp_path: Path, vault_template: bytes, capsys: pytest.CaptureFixture[str]) -> Runner:
    return Runner(tmp_path, vault_template, capsys)


# ------------------------------------------------------------------ every case
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_hostile_case(case: dict[str, Any], runner: Runner) -> None:
    before = runner.state()
    run = runner.run(case)
    assert run.code == case["exit"], run.err
    assert "Traceback" not in run.err and "unexpected error" not in run.err, run.err
    assert not holds_hidden_characters(run.out + run.err)
    if case["error"] is not None:
        assert len(run.error_lines) == 1 and case["error"] in run.error_lines[0], run.err
    codes = run.codes()
    for code, severity in case["codes"].items():
        assert severity in codes.get(code, set()), f"{code} {severity} not in {codes}"

    if case["verdict"] == "warning":  # shown, then signed: a warning does not stop anyone
        assert not run.error_lines and not {"danger", "refusal"} & set().union(*codes.values())
        assert signed_output(run.out)
        return

    assert run.out == ""  # nothing signed, nothing decoded
    assert runner.state() == before  # the vault (and its folder) untouched
    assert len(run.error_lines) == 1, run.err
    line = run.error_lines[0]
    refusals = {code for code, found in codes.items() if "refusal" in found}
    dangers = {code for code, found in codes.items() if "danger" in found}
    if case["verdict"] == "danger":
        assert not refusals and dangers and all(code in line for code in dangers), run.err
    elif refusals:
        assert any(line.startswith(f"airlock: refused ({code})") for code in refusals), line

    if case["command"] != "sign":  # the only command with an override
        return
    accepted = runner.run(case, accept_risk=True)
    if case["verdict"] == "danger":  # the person may take the risk, and then it is signed
        assert accepted.code == 0, accepted.err
        assert signed_output(accepted.out)
    else:  # a refusal is never overridden
        assert (accepted.code, accepted.out) == (case["exit"], "")
        assert runner.state() == before


# ------------------------------------------------------------------ the corpus itself
def test_committed_files_are_what_the_generator_makes() -> None:
    made = corpus.build()
    committed = {p.name for p in corpus.OUT.iterdir()} - corpus.KEEP
    assert committed == set(made) - corpus.KEEP, "run tests/corpus/make_hostile_corpus.py"
    drifted = sorted(name for name, data in made.items() if (corpus.OUT / name).read_bytes() != data)
    assert not drifted, f"{drifted} differ from what make_hostile_corpus.py makes: run it"


def test_every_case_is_complete_and_runnable() -> None:
    for case in CASES:
        assert (corpus.OUT / case["file"]).is_file(), case["file"]
        assert case["command"] in corpus.COMMANDS and case["verdict"] in corpus.VERDICTS, case
        assert case["codes"] or case["error"], f"{case['file']}: no code and no error line to check"
        assert all(severity in SEVERITIES for severity in case["codes"].values()), case
        assert case["description"] and case["source"], case
        assert (case["exit"] == 0) == (case["verdict"] == "warning"), case
        if case["verdict"] == "danger":
            assert case["command"] == "sign" and "danger" in case["codes"].values(), case
    assert len({case_id(case) for case in CASES}) == len(CASES)


def test_files_are_small() -> None:
    sizes = {p.name: p.stat().st_size for p in corpus.OUT.iterdir()}
    assert max(sizes.values()) <= 128 * 1024, sizes
    assert sum(sizes.values()) <= 512 * 1024


def test_the_png_bomb_inflates_to_what_it_declares() -> None:
    """The bomb is real: its pixel data inflates (checksum included) to every declared row."""
    import struct
    import zlib

    data = (corpus.OUT / "png-bomb.png").read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    idat_length = struct.unpack(">I", data[33:37])[0]
    assert data[37:41] == b"IDAT"
    stream, inflate, total = data[41 : 41 + idat_length], zlib.decompressobj(), 0
    while stream:
        total += len(inflate.decompress(stream, 1 << 24))
        stream = inflate.unconsumed_tail
    total += len(inflate.flush())
    assert inflate.eof and total == height * (width + 1) == corpus.BOMB_SIDE * (corpus.BOMB_SIDE + 1)
    assert len(data) * 1000 < total  # more than a thousand times smaller than what it holds
