"""The approvals routes: the page (the last stored scan and what is up for review), a rescan, and the
revoke of the chosen or of every flagged approval as one batch handed over request by request
(``eth_routes``' batch pages).
Each calls ``companion.approvals.service`` as ``airlock-companion approvals`` does.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from companion.errors import CompanionError
from companion.web import approval_pages, eth_batch_pages, eth_pages
from companion.web.pages import layout

if TYPE_CHECKING:
    from companion.approvals.service import PreparedRevoke, Review
    from companion.eth.accounts import EthAccount, EthAccounts
    from companion.web.approval_reminders import Reminders
    from companion.web.context import AppContext
    from companion.web.eth_batch import Batches

MAX_KEYS = 512  # approvals revoked in one batch at most (the form's checkboxes)


class ApprovalRoutes:
    """The approvals routes of one run. The page shows the account's last stored scan; it scans only when
    the account was never scanned. ``scan_lock``: one scan of an account at a time (the monitor's)."""

    def __init__(self, app: AppContext, accounts: EthAccounts, batches: Batches, reminders: Reminders,
                 scan_lock: threading.Lock) -> None:  # fmt: skip
        self.app = app
        self.accounts = accounts
        self.batches = batches
        self.reminders = reminders
        self.scan_lock = scan_lock

    async def page(self, request: Request, *, error: str = "", status_code: int = 200) -> Response:
        name = request.path_params["name"]
        message = "Scanned." if request.query_params.get("scanned") else ""
        if request.query_params.get("discarded"):
            message = "Discarded: nothing was sent."
        try:
            account, review = await self.app.locked(self._gather, name)
        except CompanionError as exc:
            return HTMLResponse(layout("Not found", "", error=str(exc)), status_code=404)
        except _NotScanned as exc:
            account, review = exc.account, None
            error = error or f"Not scanned: {exc.why}"
            status_code = 502 if status_code == 200 else status_code
        page = approval_pages.approvals_page(name, account, review, message=message, error=error)
        return HTMLResponse(page, status_code=status_code)

    def _gather(self, name: str) -> tuple[EthAccount, Review]:
        """The account and its last scan with what is up for review (a scan made now when none is stored)."""
        account = self.accounts.load(name)
        review = self.reminders.review(self.accounts, name)
        if review.scan is None:
            try:
                self._scan(name)
            except CompanionError as exc:
                raise _NotScanned(account, str(exc)) from None
            review = self.reminders.review(self.accounts, name)
        return account, review

    async def rescan(self, request: Request) -> Response:
        name = request.path_params["name"]
        try:
            await self.app.locked(self._scan, name)
        except CompanionError as exc:
            return await self.page(request, error=f"Not scanned: {exc}", status_code=502)
        return RedirectResponse(f"{eth_pages.account_url(name)}/approvals?scanned=1", status_code=303)

    def _scan(self, name: str) -> None:
        """A scan, stored, and its reminders recorded: what the page shows is what the person was told."""
        from companion.approvals import service

        with self.scan_lock:
            service.remind(self.accounts, name)

    async def revoke(self, request: Request) -> Response:
        name = request.path_params["name"]
        async with request.form(max_files=0, max_fields=MAX_KEYS + 4) as form:
            how = str(form.get("how") or "")
            keys = [str(k) for k in form.getlist("key")]
        try:
            if how == "flagged":
                prepared = await self.app.locked(self._plan, name, None, True)
            elif how == "selected":
                if not keys:
                    raise CompanionError("tick the approvals to revoke, or press Revoke all flagged")
                prepared = await self.app.locked(self._plan, name, keys, False)
            else:
                raise CompanionError("choose Revoke selected or Revoke all flagged")
        except CompanionError as exc:
            return await self.page(request, error=f"Not prepared: {exc}", status_code=400)
        batch = self.batches.start(name, "revoke", list(prepared))
        return RedirectResponse(eth_batch_pages.batch_url(batch), status_code=303)

    def _plan(self, name: str, keys: list[str] | None, all_flagged: bool) -> list[PreparedRevoke]:
        from companion.approvals import service

        with self.scan_lock:
            return list(service.plan_revoke(self.accounts, name, keys, all_flagged=all_flagged))


class _NotScanned(Exception):
    """The node did not answer the scan: the page still shows, with the reason."""

    def __init__(self, account: EthAccount, why: str) -> None:
        super().__init__(why)
        self.account = account
        self.why = why
