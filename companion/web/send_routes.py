"""The sending routes: build and review, the QR handover and its file, the signed copies, the broadcast
and the transaction's state. Each calls ``companion.btc.service``, as ``btc send``/``btc broadcast`` do.

What is kept between requests lives in memory for this run only: the unsigned PSBTs built here (to show
their QR frames and file), and the signed copies brought back (several cosigners' copies are combined
as they come). Nothing is broadcast but by the Broadcast button, after the checks ran again.
"""

from __future__ import annotations

import contextlib
import io
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from companion.btc import service
from companion.errors import CompanionError
from companion.web import pages, send_pages

if TYPE_CHECKING:
    from companion.web.context import AppContext

MAX_SIGNED_UPLOAD = 4 * 1024 * 1024  # a signed PSBT, its QR texts or one QR picture
KEEP = 32  # handovers, and transactions with signed copies, kept at once (the oldest is forgotten)
KEEP_FRAMESETS = 8
NOT_BUILT = "this transaction was not built in this run of the page: build it again"
FRAME_SCALE = 2  # the device's 240 px frames shown at 480 px, pixel for pixel


class Sending:
    """The sending routes of one run, over the app's wallets, lock and camera scans."""

    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.handovers: OrderedDict[tuple[str, str], service.Built] = OrderedDict()
        self.framesets: OrderedDict[tuple[str, str, str, int], Any] = OrderedDict()
        self.copies: OrderedDict[tuple[str, str], list[bytes]] = OrderedDict()

    # -- build and review -------------------------------------------------------------------------
    async def send(self, request: Request) -> Response:
        name = request.path_params["name"]
        async with request.form(max_files=0, max_fields=512) as form:
            entered = send_pages.SendForm(
                to=str(form.get("to") or "").strip(),
                amount=str(form.get("amount") or "").strip(),
                send_max=bool(form.get("max")),
                fee_rate=str(form.get("fee_rate") or "").strip(),
                utxos=tuple(str(u) for u in form.getlist("utxo")),
            )
        try:
            amount = "max" if entered.send_max else entered.amount
            payment = service.payment_from_form(entered.to, amount, entered.fee_rate, list(entered.utxos))
            built = await self.app.locked(service.build_payment, self.app.wallets, name, payment)
        except CompanionError as exc:
            error = f"Not built: {exc}"
            return await self.app.wallet_response(name, error=error, form=entered, status_code=400)
        _keep(self.handovers, (name, built.txid), built, KEEP)
        return RedirectResponse(f"{pages._wallet_url(name)}/send/{built.txid}", status_code=303)

    async def speed_up(self, request: Request) -> Response:
        """A pending transaction replaced at a higher fee (RBF) or paid for by a child (CPFP): built as
        ``btc bump``/``btc cpfp`` build it, then the same review, handover and broadcast as a payment."""
        name = request.path_params["name"]
        async with request.form(max_files=0, max_fields=8) as form:
            txid, how = str(form.get("txid") or "").strip(), str(form.get("how") or "")
            fee_rate = str(form.get("fee_rate") or "")
        try:
            built = await self.app.locked(service.build_speed_up, self.app.wallets, name, how, txid, fee_rate)
        except CompanionError as exc:
            return await self.app.wallet_response(name, error=f"Not built: {exc}", status_code=400)
        _keep(self.handovers, (name, built.txid), built, KEEP)
        return RedirectResponse(f"{pages._wallet_url(name)}/send/{built.txid}", status_code=303)

    async def handover(self, request: Request, *, error: str = "", status_code: int = 200) -> Response:
        name, txid = request.path_params["name"], request.path_params["txid"]
        built = self.handovers.get((name, txid))
        if built is None:
            return _gone(name)
        try:
            options = _qr_options(request)
            frames = await self._frames(name, txid, options.format, options.density)
        except CompanionError as exc:
            options, error = send_pages.QrOptions(), str(exc)
            frames = await self._frames(name, txid, options.format, options.density)
        url = pages._wallet_url(name)
        body = (
            send_pages.review_section(built.review)
            + send_pages.handover_section(url, txid, len(frames), options)
            + '<section id="signed-section"><h2>Bring the signed transaction back</h2>'
            "<p>Once your Airlock has signed, it shows the signed transaction as a QR code: scan it here, "
            "or paste it, or choose its file.</p>" + send_pages.signed_form(url, txid) + "</section>"
        )
        return HTMLResponse(pages.layout(f"Send from {name}", body, error=error), status_code=status_code)

    async def unsigned_file(self, request: Request) -> Response:
        name, txid = request.path_params["name"], request.path_params["txid"]
        built = self.handovers.get((name, txid))
        if built is None:
            return Response(NOT_BUILT, status_code=404, media_type="text/plain")
        filename = f"{name}-{txid[:8]}.psbt"
        return Response(built.psbt, media_type="application/octet-stream",
                        headers={"content-disposition": f'attachment; filename="{filename}"'})  # fmt: skip

    async def frame(self, request: Request) -> Response:
        name, txid, index = request.path_params["name"], request.path_params["txid"], request.path_params["n"]
        if (name, txid) not in self.handovers:
            return Response(NOT_BUILT, status_code=404, media_type="text/plain")
        try:
            options = _qr_options(request)
            frames = await self._frames(name, txid, options.format, options.density)
        except CompanionError as exc:
            return Response(str(exc), status_code=400, media_type="text/plain")
        if not 0 <= index < len(frames):
            return Response(f"there are {len(frames)} frames", status_code=404, media_type="text/plain")
        from starlette.concurrency import run_in_threadpool

        return Response(await run_in_threadpool(_frame_png, frames, index), media_type="image/png")

    async def _frames(self, name: str, txid: str, fmt: str, density: int) -> Any:
        from starlette.concurrency import run_in_threadpool

        from companion.btc.handover import plan_qr

        key = (name, txid, fmt, density)
        frames = self.framesets.get(key)
        if frames is None:
            frames = await run_in_threadpool(plan_qr, self.handovers[(name, txid)].psbt, fmt, density)
            _keep(self.framesets, key, frames, KEEP_FRAMESETS)
        return frames

    # -- the signed copies --------------------------------------------------------------------------
    async def signed_post(self, request: Request) -> Response:
        name = request.path_params["name"]
        async with request.form(max_files=1, max_fields=8, max_part_size=MAX_SIGNED_UPLOAD) as form:
            expect = str(form.get("expect") or "")
            scan, paste = str(form.get("scan") or ""), str(form.get("paste") or "")
            upload = form.get("file")
            file_data = await upload.read(MAX_SIGNED_UPLOAD + 1) if isinstance(upload, UploadFile) else b""
        from companion.btc.broadcast import unsigned_txid

        try:
            signed = self._one_signed(scan, paste, file_data)
            txid = unsigned_txid(signed)
            if expect and txid != expect:
                raise CompanionError(
                    f"this signed PSBT is of another transaction ({txid[:16]}…), not the one handed over here"
                )
            copies = [*self.copies.get((name, txid), []), signed]
            await self.app.locked(_check_keeping_partial, self.app.wallets, name, copies)
        except CompanionError as exc:
            return await self._refused(request, name, expect, f"Not accepted: {exc}")
        if scan:
            self.app.scans.finish(scan)
        _keep(self.copies, (name, txid), copies, KEEP)
        return RedirectResponse(f"{pages._wallet_url(name)}/signed/{txid}", status_code=303)

    async def _refused(self, request: Request, name: str, expect: str, error: str) -> Response:
        if expect and (name, expect) in self.handovers:
            request.path_params["txid"] = expect
            return await self.handover(request, error=error, status_code=400)
        return await self.app.wallet_response(name, error=error, status_code=400)

    def _one_signed(self, scan: str, paste: str, file_data: bytes) -> bytes:
        given = [bool(scan), bool(paste.strip()), bool(file_data)]
        if sum(given) == 0:
            raise CompanionError("give the signed transaction: scan it, paste it, or choose its file")
        if sum(given) > 1:
            raise CompanionError("give the signed transaction one way only: camera, paste or file")
        if scan:
            return service.signed_from_payload(self.app.scans.get(scan).payload())
        if len(file_data) > MAX_SIGNED_UPLOAD:
            raise CompanionError("the file is too large to be a signed PSBT")
        return service.signed_from_data(paste.encode() if paste.strip() else file_data)

    async def signed_page(self, request: Request, *, error: str = "", status_code: int = 200) -> Response:
        name, txid = request.path_params["name"], request.path_params["txid"]
        copies = self.copies.get((name, txid))
        if not copies:
            return _gone(name, "no signed copy of this transaction is waiting here")

        def gather() -> tuple[Any, Any, str]:
            from companion.btc.device_review import review_psbt

            record = self.app.wallets.load(name)
            try:
                ready = service.check_signed(self.app.wallets, name, copies)
            except CompanionError as exc:
                return None, None, str(exc)
            return ready, review_psbt(record, ready.unsigned), ""

        ready, review, problem = await self.app.locked(gather)
        url = pages._wallet_url(name)
        body = ""
        if review is not None:
            body += send_pages.review_section(review, "The signed transaction")
        body += send_pages.signed_status(url, txid, len(copies), ready=ready is not None, problem=problem)
        if ready is None:
            body += '<section id="signed-section"><h2>Add a copy</h2>' + send_pages.signed_form(url, txid)
            body += "</section>"
        page = pages.layout(f"Broadcast from {name}", body, error=error)
        return HTMLResponse(page, status_code=status_code)

    async def discard(self, request: Request) -> Response:
        name, txid = request.path_params["name"], request.path_params["txid"]
        self.copies.pop((name, txid), None)
        return RedirectResponse(pages._wallet_url(name), status_code=303)

    async def broadcast(self, request: Request) -> Response:
        name, txid = request.path_params["name"], request.path_params["txid"]
        copies = self.copies.get((name, txid))
        if not copies:
            return _gone(name, "no signed copy of this transaction is waiting here")
        try:
            sent = await self.app.locked(service.broadcast_signed, self.app.wallets, name, copies)
        except CompanionError as exc:
            return await self.signed_page(request, error=f"Not broadcast: {exc}", status_code=502)
        self.copies.pop((name, txid), None)
        return RedirectResponse(f"{pages._wallet_url(name)}/tx/{sent}?sent=1", status_code=303)

    # -- following a transaction --------------------------------------------------------------------
    async def tx_page(self, request: Request) -> Response:
        name, txid = request.path_params["name"], request.path_params["txid"]
        try:
            state = await self.app.locked(service.transaction_state, self.app.wallets, name, txid)
        except CompanionError as exc:
            return HTMLResponse(pages.layout("Not found", "", error=str(exc)), status_code=404)
        message = "Broadcast." if request.query_params.get("sent") else ""
        body = send_pages.tx_section(pages._wallet_url(name), state)
        return HTMLResponse(pages.layout(f"Sent from {name}", body, message=message))

    async def tx_status(self, request: Request) -> Response:
        """Sync, then where the transaction stands (the page polls this)."""
        name, txid = request.path_params["name"], request.path_params["txid"]
        try:
            state = await self.app.locked(self._synced_state, name, txid)
        except CompanionError as exc:
            return JSONResponse({"txid": txid, "error": str(exc)}, status_code=502)
        return JSONResponse({**state.to_json(), "text": send_pages.tx_state_text(state)})

    async def tx_check(self, request: Request) -> Response:
        name, txid = request.path_params["name"], request.path_params["txid"]
        try:
            await self.app.locked(self._synced_state, name, txid)
        except CompanionError as exc:
            return HTMLResponse(pages.layout("Not checked", "", error=str(exc)), status_code=502)
        return RedirectResponse(f"{pages._wallet_url(name)}/tx/{txid}", status_code=303)

    def _synced_state(self, name: str, txid: str) -> service.TxState:
        return service.transaction_state(self.app.wallets, name, txid, sync=True)


def _check_keeping_partial(wallets: Any, name: str, copies: list[bytes]) -> None:
    """The copies are kept when they make a checked transaction, or when only signatures are missing
    (a cosigner's copy to come); any other fault refuses the new copy."""
    from companion.btc.broadcast import NotFullySigned

    with contextlib.suppress(NotFullySigned):
        service.check_signed(wallets, name, copies)


def _qr_options(request: Request) -> send_pages.QrOptions:
    query = request.query_params
    fmt = query.get("format", "ur")
    if fmt not in send_pages.FORMATS:
        raise CompanionError(f"the QR format is ur or bbqr, not {fmt[:20]!r}")
    density_text = query.get("density", str(send_pages.QrOptions.density))
    if density_text not in {str(d) for d in send_pages.DENSITIES}:
        raise CompanionError(f"the QR density is 0 to 3, not {density_text[:20]!r}")
    speed_text = query.get("speed", str(send_pages.DEFAULT_SPEED_MS))
    if speed_text not in {str(s) for s in send_pages.SPEEDS_MS}:
        raise CompanionError(f"the QR speed is one of {', '.join(map(str, send_pages.SPEEDS_MS))} ms")
    return send_pages.QrOptions(fmt, int(density_text), int(speed_text))


def _frame_png(frames: Any, index: int) -> bytes:
    from PIL import Image

    image = frames.image(index)
    big = image.resize((image.width * FRAME_SCALE, image.height * FRAME_SCALE), Image.Resampling.NEAREST)
    out = io.BytesIO()
    big.save(out, format="PNG")
    return out.getvalue()


def _keep(store: OrderedDict[Any, Any], key: Any, value: Any, limit: int) -> None:
    store[key] = value
    store.move_to_end(key)
    while len(store) > limit:
        store.popitem(last=False)


def _gone(name: str, why: str = NOT_BUILT) -> Response:
    body = f'<p><a href="{pages._wallet_url(name)}">Back to the wallet</a> to build it again.</p>'
    return HTMLResponse(pages.layout("Not found", body, error=why), status_code=404)


class TxidConvertor(Convertor[str]):
    """``{txid:txid}`` in a route: 64 lower-case hex digits, else the route does not match (404)."""

    regex = "[0-9a-f]{64}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("txid", TxidConvertor())
