"""Secret material held in memory only while a seed is unlocked.

Python cannot promise that no copy survives (immutable ``bytes`` and ``str`` made from it may
linger until garbage collection), so this is best effort: the canonical copy lives in a
``bytearray`` that ``wipe()`` zeroes, and nothing here ever prints its contents.
"""

from __future__ import annotations

import contextlib
import hmac
from typing import NoReturn


class SecretBytes:
    """A wipeable byte buffer whose repr, str and pickling never reveal the contents."""

    __slots__ = ("_buf", "_wiped")

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        self._buf = bytearray(data)
        self._wiped = False

    def reveal(self) -> bytes:
        """A copy for the few calls that need ``bytes``; keep its lifetime short."""
        if self._wiped:
            raise ValueError("secret was wiped (the seed is locked)")
        return bytes(self._buf)

    def wipe(self) -> None:
        for i in range(len(self._buf)):
            self._buf[i] = 0
        self._wiped = True

    @property
    def wiped(self) -> bool:
        return self._wiped

    def __len__(self) -> int:
        return len(self._buf)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecretBytes):
            return NotImplemented
        return hmac.compare_digest(bytes(self._buf), bytes(other._buf))

    __hash__ = None  # type: ignore[assignment]  # unhashable on purpose; typeshed types __hash__ as a method

    def __repr__(self) -> str:
        return f"<SecretBytes len={len(self._buf)}{' wiped' if self._wiped else ''}>"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("secrets are not picklable")

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # interpreter shutdown
            self.wipe()
