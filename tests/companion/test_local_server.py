"""Waiting for a demo server: its answer, its exit and its last words, with a real child process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

from companion.errors import CompanionError
from companion.local_server import wait_until_answering


class StartError(CompanionError):
    pass


def child(code: str) -> subprocess.Popen[bytes]:
    quiet = subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-c", code], stdin=quiet, stdout=quiet, stderr=subprocess.PIPE)


def wait(process: subprocess.Popen[bytes], probe: Callable[[], object], timeout: float) -> None:
    wait_until_answering(process, "srv", probe=probe, not_ready=(OSError,), error=StartError, timeout=timeout)


@pytest.fixture(name="sleeper")
def sleeper_fixture() -> Iterator[subprocess.Popen[bytes]]:
    process = child("import time; time.sleep(60)")
    yield process
    process.kill()
    process.wait()
    assert process.stderr is not None
    process.stderr.close()


def test_it_returns_once_the_probe_answers(sleeper: subprocess.Popen[bytes]) -> None:
    calls: list[int] = []

    def probe() -> None:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionRefusedError("not listening yet")

    wait(sleeper, probe, timeout=600)
    assert len(calls) == 3 and sleeper.poll() is None


def test_a_server_that_exits_is_one_line_with_its_last_words() -> None:
    process = child("import sys; sys.stderr.write('bad flag --x\\n'); sys.exit(3)")
    process.wait()
    with pytest.raises(StartError, match=r"^srv exited with 3: bad flag --x$"):
        wait(process, lambda: None, timeout=600)
    assert process.stderr is not None
    process.stderr.close()


def test_an_unexpected_failure_of_the_probe_is_not_waited_out(sleeper: subprocess.Popen[bytes]) -> None:
    def probe() -> None:
        raise StartError("refused: wrong chain")

    with pytest.raises(StartError, match="wrong chain"):
        wait(sleeper, probe, timeout=600)


def test_a_server_that_never_answers_is_given_up_on(sleeper: subprocess.Popen[bytes]) -> None:
    def probe() -> None:
        raise ConnectionRefusedError("not listening yet")

    with pytest.raises(StartError, match=r"^srv did not answer within 0 s$"):
        wait(sleeper, probe, timeout=0)
