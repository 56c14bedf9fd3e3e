"""The entry points fuzzed whole: the real ``airlock`` command (``signer.cli.main`` in process) and
the device's scan from its home menu, fed damaged valid requests and random bytes.

The command (``sign``, ``qr decode``, ``backup restore``, ``multisig register``, ``address check``):

* exits 0, 1, 2 or 3, never 70 (the unexpected-error code) and never prints a traceback;
* prints nothing on stdout when it fails (``address check`` alone exits 1 with its JSON answer
  when an address is not ours);
* writes no file outside the test's folder (an audit hook sees every file opened for writing,
  renamed, made or removed);
* leaves the vault's bytes unchanged when it fails.

The device: a person unlocks the vault, scans a damaged code from the home menu, looks through
what the screen shows (never pressing the approve key) and goes back. The app never shows its
"Stopped" screen (an unexpected error), nothing is signed and the vault file is unchanged.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import INPUTS_DIR
from fuzz import valid_inputs as valid
from fuzz.mutations import fuzz_settings, mutated_bytes, mutated_text
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from signer.cli import INTERNAL_ERROR, main

ALLOWED_EXIT_CODES = {0, 1, 2, 3}

# -- every file a command writes ------------------------------------------------------------------

_writes: list[str] | None = None
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_CHANGES = {"os.rename": 1, "os.replace": 1, "os.link": 1, "os.symlink": 1, "os.remove": 0,
            "os.rmdir": 0, "os.mkdir": 0, "os.truncate": 0, "shutil.rmtree": 0}  # fmt: skip


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _writes is None:
        return
    if event == "open":
        path, mode, flags = args
        writing = any(c in mode for c in "wax+") if isinstance(mode, str) else bool(flags & _WRITE_FLAGS)  # type: ignore[operator]
    elif event in _CHANGES:
        path, writing = args[_CHANGES[event]], True
    else:
        return
    if writing and isinstance(path, str | bytes | os.PathLike):
        _writes.append(os.path.abspath(os.fsdecode(path)))


sys.addaudithook(_audit)  # permanent (audit hooks cannot be removed); idle outside ``recording``


@contextlib.contextmanager
def recording() -> Iterator[list[str]]:
    global _writes
    _writes = found = []
    try:
        yield found
    finally:
        _writes = None


# -- one run of the command --------------------------------------------------------------------------

_examples = itertools.count()


class Example:
    """A folder of its own with a copy of the vault (ABANDON's seed) and its password file."""

    def __init__(self, root: Path, vault: bytes) -> None:
        self.folder = root / f"example-{next(_examples)}"
        self.folder.mkdir()
        self.vault = self.folder / "test.vault"
        self.vault.write_bytes(vault)
        self.password = self.write("vault-password.txt", valid.PASSWORD.encode())

    def write(self, name: str, data: bytes) -> Path:
        """An input file: kept apart, since it may hold the test mnemonics on purpose (tests/conftest.py
        scans every other file a test writes for them)."""
        inputs = self.folder / INPUTS_DIR
        inputs.mkdir(exist_ok=True)
        path = inputs / name
        path.write_bytes(data)
        return path

    def seed_args(self) -> list[str]:
        return ["--vault", str(self.vault), "--password-file", str(self.password), "--seed", "main"]

    def run(self, capsys: pytest.CaptureFixture[bytes], argv: list[str]) -> tuple[int, bytes, str]:
        before = self.vault.read_bytes()
        capsys.readouterr()
        with recording() as writes:
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse refusing the command line: the process exits so
                code = exc.code if isinstance(exc.code, int) else 2
        out, err_bytes = capsys.readouterr()
        err = err_bytes.decode("utf-8", "replace")
        event(f"exit {code}")
        assert code in ALLOWED_EXIT_CODES, f"exit {code}: {err[-300:]}"
        assert code != INTERNAL_ERROR and "Traceback" not in err and "unexpected error" not in err, err[-300:]
        # (/dev/null: ctypes looks for libzbar once with a subprocess whose output goes there)
        outside = [w for w in writes if not Path(w).is_relative_to(self.folder) and w != os.devnull]
        assert not outside, f"wrote outside its folder: {outside}"
        if code != 0:
            assert self.vault.read_bytes() == before, "a failed command changed the vault"
            assert err.rstrip().splitlines()[-1].startswith("airlock: ") or argv[0] == "address", err[-300:]
        return code, out, err


@pytest.fixture(scope="module")
def vault_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from signer.keys import envelope
    from signer.keys.accounts import AccountSpec
    from signer.keys.seed import Bip39Seed
    from signer.keys.vault import Vault

    path = tmp_path_factory.mktemp("vault") / "test.vault"
    vault = Vault.create(path, valid.PASSWORD, envelope.TEST_KDF)
    accounts = [AccountSpec("btc-84"), AccountSpec("btc-84", "test"), AccountSpec("eth")]
    vault.add_seed("main", Bip39Seed.from_mnemonic(valid.ABANDON), accounts)
    vault.lock()
    return path.read_bytes()


@pytest.fixture
def no_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's own .pyc cache would count as writes outside the folder: lazy imports skip it here."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)


CLI = settings(
    fuzz_settings(1),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def cli_settings(examples: int) -> settings:
    return settings(CLI, max_examples=fuzz_settings(examples).max_examples)


def _text_files(texts: tuple[str, ...]) -> st.SearchStrategy[bytes]:
    return mutated_text(texts, alphabet="\n:/-0123456789abcdefABCDEF$").map(
        lambda text: text.encode("utf-8", "surrogatepass")
    )


def _inputs(texts: tuple[str, ...], blobs: tuple[bytes, ...] = ()) -> st.SearchStrategy[bytes]:
    """Damaged texts and files, random bytes, and the valid ones as they are (so that the run also
    reaches success, where the checks differ)."""
    whole = tuple(t.encode() for t in texts) + blobs
    choices = [_text_files(texts), st.binary(max_size=400), st.sampled_from(whole)]
    if blobs:
        choices.append(mutated_bytes(blobs))
    return st.one_of(choices)


# -- the command -----------------------------------------------------------------------------------------

_SIGNABLE = valid.psbt_qr_texts() + valid.eth_request_texts() + valid.sign_message_requests()


@cli_settings(60)
@given(request=_inputs(_SIGNABLE, valid.psbts()))
def test_sign(tmp_path: Path, vault_bytes: bytes, no_bytecode: None, capsysbinary, request: bytes) -> None:  # type: ignore[no-untyped-def]
    example = Example(tmp_path, vault_bytes)
    file = example.write("request", request)
    review = example.folder / "review.json"
    code, out, _ = example.run(
        capsysbinary, ["sign", str(file), *example.seed_args(), "--review-json", str(review)]
    )
    assert (code == 0) == bool(out), "signed output without success, or success without output"


@cli_settings(40)
@given(
    frames=_inputs(valid.psbt_qr_texts() + valid.eth_request_texts() + valid.mnemonic_texts()),
    image=st.one_of(st.none(), mutated_bytes(valid.image_files()[:2])),
)
def test_qr_decode(
    tmp_path: Path, no_bytecode: None, capsysbinary, frames: bytes, image: bytes | None
) -> None:  # type: ignore[no-untyped-def]
    example = Example(tmp_path, b"")
    files = [str(example.write("frames.txt", frames))]
    if image is not None:
        files = [str(example.write("frame.png", image))]
    code, out, _ = example.run(capsysbinary, ["qr", "decode", *files])
    assert (code == 0) == bool(out)


@cli_settings(40)
@given(backup=_inputs((valid.backup_blobs()[1].decode(),), valid.backup_blobs()))
def test_backup_restore(
    tmp_path: Path, vault_bytes: bytes, no_bytecode: None, capsysbinary, backup: bytes
) -> None:  # type: ignore[no-untyped-def]
    example = Example(tmp_path, vault_bytes)
    file = example.write("backup.bin", backup)
    argv = [
        "backup",
        "restore",
        str(file),
        "--vault",
        str(example.vault),
        "--password-file",
        str(example.password),
    ]
    code, out, _ = example.run(capsysbinary, [*argv, "--backup-password-file", str(example.password)])
    if code == 0:
        assert b"restored" in out


@cli_settings(40)
@given(wallet=_inputs(valid.multisig_files()))
def test_multisig_register(
    tmp_path: Path, vault_bytes: bytes, no_bytecode: None, capsysbinary, wallet: bytes
) -> None:  # type: ignore[no-untyped-def]
    example = Example(tmp_path, vault_bytes)
    file = example.write("wallet.txt", wallet)
    code, out, _ = example.run(
        capsysbinary, ["multisig", "register", str(file), *example.seed_args(), "--yes"]
    )
    assert (code == 0) == bool(out)
    assert (code == 0) == (example.vault.read_bytes() != vault_bytes), "registered without saying so"


@cli_settings(40)
@given(
    addresses=st.lists(
        st.one_of(
            mutated_text(valid.addresses() + valid.bip21_uris() + valid.eip681_uris() + (valid.ETH_ADDRESS,)),
            st.text(max_size=60),
        ),
        min_size=1,
        max_size=2,
    )
)
def test_address_check(
    tmp_path: Path, vault_bytes: bytes, no_bytecode: None, capsysbinary, addresses: list[str]
) -> None:  # type: ignore[no-untyped-def]
    import json

    example = Example(tmp_path, vault_bytes)
    texts = [a.replace("\x00", "") or "x" for a in addresses]  # (no NUL fits in a command line)
    argv = ["address", "check", *example.seed_args(), "--gap", "3", "--", *texts]
    code, out, err = example.run(capsysbinary, argv)
    if code == 1 and out:  # an answer: one JSON line per address, some not ours
        answers = [json.loads(line) for line in out.decode().splitlines()]
        assert len(answers) == len(addresses) and not all(a["ours"] for a in answers)
    elif code != 0:
        assert out == b"" and err.rstrip().splitlines()[-1].startswith("airlock: ")


# -- the device ----------------------------------------------------------------------------------------


class Spies:
    """Calls of the signing functions the device's flows use (the real functions still run)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from signer.chains import registry
        from ui.app import App

        self.signed: list[str] = []
        self.stopped: list[str] = []
        for chain in registry.chains():  # every signature the device makes goes through a chain's sign
            monkeypatch.setattr(chain, "sign", self._spy(f"{chain.name}.sign", chain.sign))
        recover = App._recover

        def recorded(app: App, exc: Exception) -> None:
            self.stopped.append(f"{type(exc).__name__}: {exc}")
            recover(app, exc)

        monkeypatch.setattr(App, "_recover", recorded)

    def _spy(self, name: str, real):  # type: ignore[no-untyped-def]
        def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.signed.append(name)
            return real(*args, **kwargs)

        return spy


_SCANNABLE = (
    valid.psbt_qr_texts()[1],
    valid.psbt_qr_texts()[4],
    *valid.eth_request_texts()[:2],
    *valid.sign_message_requests()[:2],
    *valid.bip21_uris()[:2],
    valid.eip681_uris()[2],
    valid.ETH_ADDRESS,
    valid.multisig_files()[0],
    valid.key_texts()[3],
    valid.mnemonic_texts()[2],
    "192402220235174306311124037817700641198012901210",  # a SeedQR
    valid.backup_blobs()[1].decode(),  # a Krux encrypted mnemonic
)


@st.composite
def _animation(draw: st.DrawFn) -> tuple[str, ...]:
    """The frames of an animated code, some missing, repeated, reordered or damaged, or from
    another message (a BBQr part among UR parts)."""
    parts = valid.psbt_qr_texts()[0].splitlines() + valid.psbt_qr_texts()[2].splitlines()[:1]
    frames = draw(st.lists(st.sampled_from(parts), min_size=2, max_size=6))
    at = draw(st.integers(0, len(frames) - 1))
    damaged = draw(mutated_text([frames[at]], alphabet="/-0123456789abcdefghijklmnopqrstuvwxyz", max_ops=2))
    frames[at] = damaged[:1500]  # what one QR code holds
    return tuple(frames)


def _frame_content() -> st.SearchStrategy[str | bytes | tuple[str, ...]]:
    return st.one_of(
        _animation(),
        st.sampled_from(_SCANNABLE),  # undamaged too, so that the person reaches every kind of screen
        mutated_text(_SCANNABLE, alphabet=":/-0123456789ABCDEFabcdef", max_ops=3).map(lambda t: t[:1500]),
        mutated_bytes([valid.backup_blobs()[0]], max_ops=2),
        st.binary(min_size=1, max_size=120),
    )


def _unlocked(folder: Path, camera):  # type: ignore[no-untyped-def]
    """The device with a vault holding ABANDON's seed, unlocked by typing its password."""
    from app.person import Driver
    from signer.keys import envelope
    from signer.keys.accounts import AccountSpec
    from signer.keys.seed import Bip39Seed
    from signer.keys.vault import Vault
    from ui.device import build_app
    from ui.session import Session

    path = folder / "device.vault"
    vault = Vault.create(path, valid.PASSWORD, envelope.TEST_KDF)
    vault.add_seed(
        "main", Bip39Seed.from_mnemonic(valid.ABANDON), [AccountSpec("btc-84"), AccountSpec("eth")]
    )
    vault.lock()
    session = Session(path, kdf=envelope.TEST_KDF, camera=camera)
    driver = Driver(build_app(session))
    driver.choose("Unlock")
    driver.type_text(valid.PASSWORD)
    assert session.vault is not None, driver.text()
    return session, driver


def _scan(driver, camera, content: str | bytes | tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    from signer.transport.frames import render_qr

    frames = content if isinstance(content, tuple) else (content,)
    camera.show([render_qr(frame, module_px=3) for frame in frames if frame])
    driver.choose("Scan")
    driver.tick(8 * len(frames))
    driver.settle()


def _leave(driver) -> None:  # type: ignore[no-untyped-def]
    """Back to the home menu the way a person declines: Cancel where the screen offers it, else the
    back key; OK only on a screen with nothing else to do."""
    from ui.events import Key

    for _ in range(12):
        items = driver.content().items
        if "Scan" in items:
            return
        if "Cancel" in items:
            driver.choose("Cancel")
        elif items == ["OK"]:
            driver.choose("OK")
        else:
            driver.press(Key.KEY3)
        driver.settle()
    raise AssertionError(f"cannot leave {driver.title!r}: {driver.text()}")


@settings(CLI, max_examples=fuzz_settings(20).max_examples)
@given(
    contents=st.lists(_frame_content(), min_size=1, max_size=2),
    looks=st.lists(st.sampled_from("DURL"), max_size=4),
)
def test_device_scan_of_damaged_codes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    contents: list[str | bytes | tuple[str, ...]],
    looks: list[str],
) -> None:
    from app.person import FrameCamera
    from ui.events import Key

    keys = {"D": Key.DOWN, "U": Key.UP, "R": Key.RIGHT, "L": Key.LEFT}
    spies = Spies(monkeypatch)
    folder = tmp_path / f"device-{next(_examples)}"
    folder.mkdir()
    camera = FrameCamera()
    session, driver = _unlocked(folder, camera)
    before = session.vault_path.read_bytes()
    for content in contents:
        _scan(driver, camera, content)
        event(f"screen: {driver.title}")
        for key in looks:  # the person reads on, never presses the approve key
            if "Scan" in driver.content().items:
                break  # back home already (the keys there move through the menu, or lock)
            driver.press(keys[key])
            driver.settle()
        _leave(driver)
    assert spies.stopped == [], f"the app stopped: {spies.stopped}"
    assert spies.signed == [], f"signed without approval: {spies.signed}"
    assert session.vault_path.read_bytes() == before


def test_the_device_spies_see_an_approved_signature(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks above can fail: approving a valid request is seen by the spies."""
    from app.person import FrameCamera
    from ui.events import Key

    spies = Spies(monkeypatch)
    camera = FrameCamera()
    _, driver = _unlocked(tmp_path, camera)
    _scan(driver, camera, valid.psbt_qr_texts()[1])
    assert driver.title.startswith("Bitcoin"), driver.text()
    for _ in range(driver.content().extra["pages"]):
        driver.press(Key.DOWN)
    driver.press(Key.KEY1)
    driver.settle()
    assert driver.title == "Signed PSBT" and spies.signed == ["bitcoin.sign"] and spies.stopped == []
