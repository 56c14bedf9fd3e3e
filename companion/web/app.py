"""The companion's local web app: routes over the same service functions the CLI calls.

Blocking work (BDK, the node, QR decoding) runs in Starlette's thread pool, one wallet operation at a
time (BDK's sqlite store is not shared between threads). Errors are shown on the page, the person's
input kept; nothing is half-done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from companion.approvals.monitor import Monitor
from companion.btc import service
from companion.btc.exports import holds_private_key
from companion.btc.wallets import Wallets
from companion.errors import CompanionError
from companion.web import eth_pages, pages, send_pages
from companion.web.approval_reminders import Reminders
from companion.web.approval_routes import ApprovalRoutes
from companion.web.eth_batch import Batches
from companion.web.eth_routes import EthRoutes
from companion.web.guard import Guard
from companion.web.label_routes import Labelling, imported_message
from companion.web.multisig_routes import Multisig, registration_link
from companion.web.scan import MAX_FRAME_BYTES, Scans
from companion.web.send_routes import Sending

STATIC = Path(__file__).with_name("static")
STATIC_FILES = {"app.js": "text/javascript", "style.css": "text/css"}
MAX_EXPORT_UPLOAD = 64 * 1024
QR_MODULE_PX = 6
T = TypeVar("T")


class CompanionApp:
    """The state of one run: the data folder's wallets and the camera scans in progress."""

    def __init__(self, datadir: Path) -> None:
        from companion.eth.accounts import EthAccounts

        self.wallets = Wallets(datadir)
        self.eth_accounts = EthAccounts(datadir)
        self.scans = Scans()
        self.reminders = Reminders()
        self._wallet_lock = threading.Lock()

    async def locked(self, fn: Callable[..., T], *args: Any) -> T:
        def run() -> T:
            with self._wallet_lock:
                return fn(*args)

        return await run_in_threadpool(run)

    # -- pages ------------------------------------------------------------------------------------
    async def home(self, request: Request) -> Response:
        def rows() -> list[Any]:
            return [(self.wallets.load(n), self.wallets.status(n)) for n in self.wallets.names()]

        def eth_row(name: str) -> eth_pages.AccountRow:
            try:
                account = self.eth_accounts.load(name)
            except CompanionError as exc:
                return eth_pages.AccountRow(name, None, problem=str(exc))
            return eth_pages.AccountRow(name, account, self.reminders.count(self.eth_accounts, name))

        def eth_rows() -> list[eth_pages.AccountRow]:
            return [eth_row(name) for name in self.eth_accounts.names()]

        page = pages.wallets_page(await self.locked(rows), extra=eth_pages.accounts_section(
            await self.locked(eth_rows)))  # fmt: skip
        return HTMLResponse(page)

    async def import_form(self, request: Request) -> Response:
        return HTMLResponse(pages.import_page(pages.ImportForm()))

    async def import_post(self, request: Request) -> Response:
        async with request.form(max_files=1, max_fields=12, max_part_size=MAX_EXPORT_UPLOAD) as form:
            keys = ("name", "network", "node", "scan", "xpub", "fingerprint", "path")
            fields = {k: str(form.get(k) or "").strip() for k in keys}
            entered = pages.ImportForm(paste=str(form.get("paste") or ""), **fields)
            upload = form.get("file")
            file_data = await upload.read(MAX_EXPORT_UPLOAD + 1) if isinstance(upload, UploadFile) else b""
        try:
            export = self._one_export(entered, file_data)
            if export is None:  # the key, fingerprint and path fields
                key = (entered.xpub, entered.fingerprint, entered.path)
                await self.locked(service.import_key, self.wallets, entered.name, *key, entered.network,
                                  entered.node)  # fmt: skip
            else:
                await self.locked(service.import_wallet, self.wallets, entered.name, export, entered.network,
                                  entered.node)  # fmt: skip
        except CompanionError as exc:
            if holds_private_key(entered.paste) or holds_private_key(entered.xpub):
                entered = replace(entered, paste="", xpub="")  # a private key is never shown back
            return HTMLResponse(pages.import_page(entered, error=str(exc)), status_code=400)
        if entered.scan:
            self.scans.finish(entered.scan)
        return RedirectResponse(f"/wallet/{entered.name}?imported=1", status_code=303)

    def _one_export(self, form: pages.ImportForm, file_data: bytes) -> Any:
        given = [bool(form.scan), bool(form.paste.strip()), bool(file_data), form.has_key_fields]
        if sum(given) == 0:
            raise CompanionError(
                "give the export: scan it with the camera, paste it, choose its file or type its key"
            )
        if sum(given) > 1:
            raise CompanionError("give the export one way only: camera, paste, file or key fields")
        if form.has_key_fields:
            return None
        if form.scan:
            return self.scans.get(form.scan).payload()
        if form.paste.strip():
            return form.paste.encode()
        if len(file_data) > MAX_EXPORT_UPLOAD:
            raise CompanionError("the file is too large to be an account export (a few hundred bytes)")
        return file_data

    async def wallet(self, request: Request) -> Response:
        name = request.path_params["name"]
        message = "Imported. Press Sync to read its balance." if request.query_params.get("imported") else ""
        if request.query_params.get("synced"):
            message = "Synced."
        if request.query_params.get("labelled"):
            message = "Label saved."
        if request.query_params.get("labels"):
            message = imported_message(request.query_params["labels"])
        return await self.wallet_response(name, message=message)

    async def sync(self, request: Request) -> Response:
        name = request.path_params["name"]
        try:
            await self.locked(service.sync_wallet, self.wallets, name)
        except CompanionError as exc:
            return await self.wallet_response(name, error=f"Not synced: {exc}", status_code=502)
        return RedirectResponse(f"/wallet/{name}?synced=1", status_code=303)

    async def wallet_response(self, name: str, *, message: str = "", error: str = "", status_code: int = 200,
                              form: send_pages.SendForm | None = None) -> Response:  # fmt: skip
        """The wallet page; ``form``: the send form as typed (kept when building failed)."""

        def gather() -> tuple[Any, Any, Any, str, send_pages.Activity]:
            record = self.wallets.load(name)
            status = self.wallets.status(name)
            try:
                receive, problem = service.next_address(self.wallets, name), ""
            except CompanionError as exc:
                receive, problem = None, str(exc)
            return record, status, receive, problem, _activity(self.wallets, name, status is not None)

        try:
            record, status, receive, problem, activity = await self.locked(gather)
        except CompanionError as exc:
            return HTMLResponse(pages.layout("Not found", "", error=str(exc)), status_code=404)
        synced = status is not None
        extra = send_pages.activity_sections(name, activity, form or send_pages.SendForm(), synced=synced)
        extra += send_pages.labels_section(pages._wallet_url(name))
        extra += registration_link(name, record.descriptor)
        receive_label = "" if receive is None else activity.labels.get(("addr", receive.address), "")
        page = pages.wallet_page(record, status, receive, message=message, error=error or problem,
                                 extra=extra, receive_label=receive_label)  # fmt: skip
        return HTMLResponse(page, status_code=status_code)

    async def address_qr(self, request: Request) -> Response:
        name, index, use = (
            request.path_params["name"],
            request.path_params["index"],
            request.path_params["use"],
        )
        if use not in ("receive", "verify"):
            return Response("unknown QR code", status_code=404, media_type="text/plain")
        try:
            receive = await self.locked(service.receive_address_at, self.wallets, name, index)
        except CompanionError as exc:
            return Response(str(exc), status_code=404, media_type="text/plain")
        text = service.payment_uri(receive.address) if use == "receive" else service.device_check_text(
            receive.address)  # fmt: skip
        return Response(await run_in_threadpool(_qr_png, text), media_type="image/png")

    # -- camera scans (a general endpoint: any payload the assembler reads) -------------------------
    async def scan_start(self, request: Request) -> Response:
        return JSONResponse({"id": self.scans.start()})

    async def scan_frame(self, request: Request) -> Response:
        try:
            scan = self.scans.get(request.path_params["scan_id"])
        except CompanionError as exc:
            return JSONResponse({"error": str(exc), "done": False, "progress": 0}, status_code=404)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FRAME_BYTES:
                break
        report = await run_in_threadpool(scan.add_frame, body)
        return JSONResponse(report.to_json())

    async def static(self, request: Request) -> Response:
        name = request.path_params["file"]
        if name not in STATIC_FILES:
            return Response("not found", status_code=404, media_type="text/plain")
        return FileResponse(STATIC / name, media_type=STATIC_FILES[name])


def _activity(wallets: Wallets, name: str, synced: bool) -> send_pages.Activity:
    from companion.btc.activity import coins, history

    if not synced:
        return send_pages.Activity(problem="Sync to see the wallet's transactions and coins.")
    record, folder = wallets.load(name), wallets.folder(name)
    try:
        rows = history(record, folder)
        pending = [row.txid for row in rows if row.height is None]
        return send_pages.Activity(rows, coins(record, folder), labels=service.wallet_labels(wallets, name),
                                   speed_ups=service.speed_ups(wallets, name, pending))  # fmt: skip
    except CompanionError as exc:
        return send_pages.Activity(problem=f"The history cannot be read: {exc}")


def _qr_png(text: str) -> bytes:
    import io

    from signer.transport.frames import render_qr

    image = render_qr(text, ecc="M", module_px=QR_MODULE_PX, quiet_zone=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def create_app(datadir: Path, token: str, port: int, monitor: Monitor | None = None) -> Guard:
    """The ASGI app for one run, behind its :class:`Guard` (token, Host, Origin, CSP). ``monitor``: the
    approvals monitor of the run (its lock keeps the page's scans and the monitor's apart)."""
    state = CompanionApp(datadir)
    if monitor is None:
        monitor = Monitor(state.eth_accounts)
    sending = Sending(state)
    labelling = Labelling(state)
    multisig = Multisig(state)
    batches = Batches()
    eth = EthRoutes(state, state.eth_accounts, batches, state.reminders)
    approvals = ApprovalRoutes(state, state.eth_accounts, batches, state.reminders, monitor.lock)
    wallet = "/wallet/{name}"
    account, batch = "/eth/{name}", "/eth/{name}/batch/{batch}"
    routes = [
        Route("/", state.home, methods=["GET"]),
        Route("/import", state.import_form, methods=["GET"]),
        Route("/import", state.import_post, methods=["POST"]),
        Route("/wallet/{name}", state.wallet, methods=["GET"]),
        Route("/wallet/{name}/sync", state.sync, methods=["POST"]),
        Route("/wallet/{name}/address/{index:int}/{use}.png", state.address_qr, methods=["GET"]),
        Route(wallet + "/send", sending.send, methods=["POST"]),
        Route(wallet + "/speed-up", sending.speed_up, methods=["POST"]),
        Route(wallet + "/label", labelling.label, methods=["POST"]),
        Route(wallet + "/labels.jsonl", labelling.export, methods=["GET"]),
        Route(wallet + "/labels", labelling.import_file, methods=["POST"]),
        Route(wallet + "/send/{txid:txid}", sending.handover, methods=["GET"]),
        Route(wallet + "/send/{txid:txid}/unsigned.psbt", sending.unsigned_file, methods=["GET"]),
        Route(wallet + "/send/{txid:txid}/frame/{n:int}.png", sending.frame, methods=["GET"]),
        Route(wallet + "/signed", sending.signed_post, methods=["POST"]),
        Route(wallet + "/signed/{txid:txid}", sending.signed_page, methods=["GET"]),
        Route(wallet + "/signed/{txid:txid}/broadcast", sending.broadcast, methods=["POST"]),
        Route(wallet + "/signed/{txid:txid}/discard", sending.discard, methods=["POST"]),
        Route(wallet + "/tx/{txid:txid}", sending.tx_page, methods=["GET"]),
        Route(wallet + "/tx/{txid:txid}/status", sending.tx_status, methods=["POST"]),
        Route(wallet + "/tx/{txid:txid}/check", sending.tx_check, methods=["POST"]),
        Route("/multisig/new", multisig.new_form, methods=["GET"]),
        Route("/multisig/new", multisig.new_post, methods=["POST"]),
        Route(wallet + "/registration", multisig.registration, methods=["GET"]),
        Route(wallet + "/registration/frame/{n:int}.png", multisig.frame, methods=["GET"]),
        Route(wallet + "/registration/descriptor.txt", multisig.descriptor_file, methods=["GET"]),
        Route(wallet + "/registration/bsms.txt", multisig.bsms_file, methods=["GET"]),
        Route("/eth/import", eth.import_form, methods=["GET"]),
        Route("/eth/import", eth.import_post, methods=["POST"]),
        Route(account, eth.account, methods=["GET"]),
        Route(account + "/address/{index:int}.png", eth.address_qr, methods=["GET"]),
        Route(account + "/token", eth.add_token, methods=["POST"]),
        Route(account + "/send", eth.send, methods=["POST"]),
        Route(account + "/approvals", approvals.page, methods=["GET"]),
        Route(account + "/approvals/scan", approvals.rescan, methods=["POST"]),
        Route(account + "/approvals/revoke", approvals.revoke, methods=["POST"]),
        Route(batch, eth.batch, methods=["GET"]),
        Route(batch + "/{position:int}", eth.batch, methods=["GET"]),  # the QR options form (density, speed)
        Route(batch + "/{position:int}/frame/{n:int}.png", eth.frame, methods=["GET"]),
        Route(batch + "/{position:int}/request.txt", eth.request_file, methods=["GET"]),
        Route(batch + "/signature", eth.signature, methods=["POST"]),
        Route(batch + "/broadcast", eth.broadcast, methods=["POST"]),
        Route(batch + "/status", eth.status, methods=["POST"]),
        Route(batch + "/check", eth.check, methods=["POST"]),
        Route(batch + "/discard", eth.discard, methods=["POST"]),
        Route(account + "/pending/{request_id:request_id}/discard", eth.discard_pending, methods=["POST"]),
        Route("/scan", state.scan_start, methods=["POST"]),
        Route("/scan/{scan_id}/frame", state.scan_frame, methods=["POST"]),
        Route("/static/{file}", state.static, methods=["GET"]),
    ]
    return Guard(Starlette(routes=routes), token, port)
