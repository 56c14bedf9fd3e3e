"""Importing a chain's review and signing modules ahead of need, on a background thread.

On a Pi Zero 2 W the Ethereum decoders, risk rules and signer take seconds to import: done after
unlock while the person finds the request on their wallet, the first review is not a wait.

Python can deadlock (``_DeadlockError``) when two threads import one package from opposite ends
(``pkg`` whose ``__init__`` imports ``pkg.sub``, and ``pkg.sub`` directly), so the warm-up imports
one module at a time under a lock that the owner's main loop takes around its own work
(``with warm_up.turn():``): the two never import at the same time, and once the warm-up is over
the main loop takes no lock at all. A module that fails to import is skipped: the flow that needs
it imports it again and reports the error there.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

# Leaves first, so each step is short and the main loop never waits long for its turn.
ETHEREUM_MODULES = (
    "sha3",
    "signer.keccak",
    "embit.util.secp256k1",
    "embit.bip32",
    "signer.eth.rlpcodec",
    "signer.eth.primitives",
    "signer.eth.tx",
    "signer.eth.message",
    "signer.eth.typed_data",
    "signer.eth.ecdsa",
    "signer.eth.sign",
    "signer.eth.abi",
    "signer.eth.registry",
    "signer.eth.safe",
    "signer.eth.calls",
    "signer.eth.effects",
    "signer.eth.typed_meaning",
    "signer.eth.review",
    "signer.transport.urtypes",
    "signer.eth.request",
    "signer.risk.library",
    "signer.risk.rules",
    "signer.btc",
    "signer.chains.keys",
    "signer.chains.ethereum_review",
    "signer.chains.ethereum",
    # the registry asks every built-in chain whether a scanned payload is theirs
    "signer.chains.bitcoin",
    "signer.chains.bitcoin_message",
    "signer.chains.registry",
)
PAUSE_S = 0.002  # between two modules: the main loop's turn


class WarmUp:
    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = tuple(modules)
        self.imported: list[str] = []
        self.failed: list[str] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._done = threading.Event()

    def start(self) -> None:
        """Start once; later calls do nothing."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="warm-up", daemon=True)
            self._thread.start()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once every module was tried (for tests and benchmarks)."""
        return self._done.wait(timeout)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """The main loop's work between two warm-up imports (no lock once the warm-up is over)."""
        if self._thread is None or self._done.is_set():
            yield
            return
        with self._lock:
            yield

    def _run(self) -> None:
        try:
            for name in self.modules:
                with self._lock:
                    try:
                        importlib.import_module(name)
                    except Exception:  # never fatal here: the flow that needs it will say what is wrong
                        self.failed.append(name)
                    else:
                        self.imported.append(name)
                time.sleep(PAUSE_S)
        finally:
            self._done.set()
