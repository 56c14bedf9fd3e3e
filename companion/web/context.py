"""What the route classes (send, labels, multisig) use of the companion's web app, as a Protocol.

``companion.web.app.CompanionApp`` implements it and builds the route classes, so they never import it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from starlette.responses import Response

    from companion.btc.wallets import Wallets
    from companion.web.scan import Scans
    from companion.web.send_pages import SendForm

T = TypeVar("T")


class AppContext(Protocol):
    """The state of one run and the two things every route does with it."""

    wallets: Wallets
    scans: Scans

    async def locked(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in the thread pool, one wallet operation at a time (BDK's store is not shared)."""
        ...

    async def wallet_response(self, name: str, *, message: str = "", error: str = "", status_code: int = 200,
                              form: SendForm | None = None) -> Response:  # fmt: skip
        """The wallet page, with a message or an error; ``form``: the send form as typed."""
        ...
