"""A batch of Ethereum requests handed to the device one after another: a send is a batch of one, a
revoke of several approvals a batch of several (nonce order).

The page shows request k of n as an animated QR; the device's signature scanned (or pasted) for it is
checked at once (its request id, and that it recovers to the account's address, by
``companion.eth.handover.signed_raw``) and the page moves on to the next. Once every request is signed,
all are broadcast in nonce order and followed (when the node refuses one after others went out, those
sent are followed and the rest can be broadcast again). What is kept lives in memory for this run only; the
requests themselves are also remembered by ``companion.eth.pending`` (the command line can finish them).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.approvals.service import PreparedRevoke
    from companion.eth.handover import SignRequest
    from companion.eth.service import Prepared
    from signer.eth.review import EthReview
    from signer.transport.frames import FrameSet
    from signer.transport.payload import Payload

KEEP = 16  # batches kept at once (the oldest is forgotten)
KEEP_FRAMESETS = 8


@dataclass
class Sent:
    """One broadcast transaction and, once mined, its receipt."""

    tx_hash: str
    nonce: int
    receipt: dict[str, Any] | None = None  # companion.eth.pending.follow's: status, block, gas_used

    @property
    def block(self) -> int | None:
        return None if self.receipt is None else int(self.receipt["block"])

    @property
    def succeeded(self) -> bool | None:
        return None if self.receipt is None else int(self.receipt.get("status", 0)) == 1


@dataclass
class Batch:
    """Requests for one account, their reviews, the signatures brought back, what was broadcast."""

    batch_id: str
    name: str
    kind: str  # "send" | "revoke"
    requests: tuple[SignRequest, ...]  # nonce order
    reviews: tuple[EthReview, ...]  # one per request
    signatures: dict[int, tuple[str, ...]] = field(default_factory=dict)  # position -> the texts
    sent: list[Sent] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.requests)

    @property
    def signed(self) -> int:
        return len(self.signatures)

    @property
    def current(self) -> int | None:
        """The first request still waiting for its signature, or None when all are signed."""
        return next((k for k in range(self.total) if k not in self.signatures), None)

    @property
    def finished(self) -> bool:
        """Every request broadcast (a node may refuse one after others went out: then some are not)."""
        return len(self.sent) == self.total

    @property
    def confirmed(self) -> bool:
        return bool(self.sent) and all(s.receipt is not None for s in self.sent)

    def position_of(self, request_id: bytes) -> int:
        for k, request in enumerate(self.requests):
            if bytes(request.request_id) == bytes(request_id):
                return k
        raise CompanionError("this signature answers a request of another batch, not one shown here")

    def groups(self) -> list[tuple[str, ...]]:
        """The signatures of the requests not broadcast yet, in the batch's order."""
        sent = {s.nonce for s in self.sent}
        return [self.signatures[k] for k in range(self.total) if self.requests[k].tx.nonce not in sent]


class Batches:
    """The batches of one run, by a random id (a page cannot guess another's)."""

    def __init__(self) -> None:
        self._batches: OrderedDict[str, Batch] = OrderedDict()
        self._frames: OrderedDict[tuple[str, int, int], FrameSet] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, name: str, kind: str, prepared: list[Prepared] | list[PreparedRevoke]) -> Batch:
        """A batch of ``prepared`` (a send's, or a revoke's): each a request and its review."""
        if not prepared:
            raise CompanionError("nothing to hand over")
        batch = Batch(secrets.token_urlsafe(12), name, kind,
                      tuple(p.request for p in prepared), tuple(p.review for p in prepared))  # fmt: skip
        with self._lock:
            self._batches[batch.batch_id] = batch
            while len(self._batches) > KEEP:
                self._batches.popitem(last=False)
        return batch

    def get(self, name: str, batch_id: str) -> Batch:
        with self._lock:
            batch = self._batches.get(batch_id)
        if batch is None or batch.name != name:
            raise CompanionError("this hand-over is not one of this run of the page: prepare it again")
        return batch

    def drop(self, batch: Batch) -> None:
        with self._lock:
            self._batches.pop(batch.batch_id, None)

    def frames(self, batch: Batch, position: int, density: int) -> FrameSet:
        """The animated QR of request ``position`` (``signer.transport.frames.FrameSet``), made once."""
        key = (batch.batch_id, position, density)
        with self._lock:
            frames = self._frames.get(key)
        if frames is None:
            frames = request_frames(batch.requests[position], density)
            with self._lock:
                self._frames[key] = frames
                while len(self._frames) > KEEP_FRAMESETS:
                    self._frames.popitem(last=False)
        return frames


def request_frames(request: SignRequest, density: int) -> FrameSet:
    from signer.transport.frames import encode_frames

    return encode_frames(request.ur(), format="ur", density=density)


def request_text(request: SignRequest) -> str:
    """The request's UR parts, one a line: what ``airlock sign`` reads from a file (an SD card)."""
    return "\n".join(request.ur_parts()) + "\n"


def signature_texts(payload: Payload) -> tuple[str, ...]:
    """A camera scan's payload as the text of one eth-signature UR (what ``read_signature`` reads)."""
    from signer.transport.ur import UR, encode_single

    if str(payload.kind) != "eth-signature" or payload.ur_type is None:
        raise CompanionError(f"the camera read a {payload.kind}, not the device's eth-signature")
    return (encode_single(UR(payload.ur_type, bytes(payload.data))),)


def pasted_texts(text: str) -> tuple[str, ...]:
    """Pasted or file text: one UR part a line (blank lines and spaces ignored)."""
    lines = tuple(line.strip() for line in text.splitlines() if line.strip())
    if not lines:
        raise CompanionError("give the device's signature: scan it, paste it, or choose its file")
    return lines
