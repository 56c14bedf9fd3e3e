"""The new-multisig routes: one form whose buttons add a cosigner, remove one, or create the wallet (with
``companion.btc.service``, as ``btc multisig create``), then the registration QR frames and files.

A refused step answers the same form, every field and cosigner kept, and writes nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from companion.btc import service
from companion.btc.exports import holds_private_key
from companion.errors import CompanionError
from companion.web import pages
from companion.web.multisig_pages import MultisigForm, new_multisig_page, registration_page
from companion.web.send_routes import _frame_png, _keep, _qr_options

if TYPE_CHECKING:
    from companion.web.context import AppContext

MAX_EXPORT_UPLOAD = 64 * 1024
MAX_COSIGNER_FIELDS = 20  # the signer's limit on cosigners is 15; a few more fields for the rest
KEEP_FRAMESETS = 8


class Multisig:
    """The new-multisig routes of one run, over the app's wallets, lock and camera scans."""

    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.framesets: OrderedDict[tuple[str, str, int], Any] = OrderedDict()

    async def new_form(self, request: Request) -> Response:
        return HTMLResponse(new_multisig_page(MultisigForm(), None))

    async def new_post(self, request: Request) -> Response:
        async with request.form(max_files=1, max_fields=MAX_COSIGNER_FIELDS + 12,
                                max_part_size=MAX_EXPORT_UPLOAD) as form:  # fmt: skip
            fields = {k: str(form.get(k) or "").strip()
                      for k in ("name", "network", "node", "threshold", "script", "scan")}  # fmt: skip
            cosigners = tuple(str(c) for c in form.getlist("cosigner"))
            entered = MultisigForm(paste=str(form.get("paste") or ""), cosigners=cosigners, **fields)
            action, remove = str(form.get("action") or ""), str(form.get("remove") or "")
            upload = form.get("file")
            file_data = await upload.read(MAX_EXPORT_UPLOAD + 1) if isinstance(upload, UploadFile) else b""
        if remove:
            return await self._removed(entered, remove)
        if action == "create":
            return await self._create(entered)
        if action == "check":  # Enter in a field (the form's first, default button): shown again, kept
            return await self._page(entered, keep_input=True)
        return await self._add(entered, file_data)

    async def _add(self, entered: MultisigForm, file_data: bytes) -> Response:
        exports = [c.encode() for c in entered.cosigners]
        try:
            new = self._one_export(entered, file_data)
            exports = service.add_cosigner(exports, new, entered.network, entered.script)
            text = new.decode("utf-8").strip()
        except CompanionError as exc:
            return await self._page(entered, error=f"Not added: {exc}", status_code=400)
        except UnicodeDecodeError:  # read_cosigner refused it already; kept for the type checker
            return await self._page(entered, error="Not added: the export is not text", status_code=400)
        if entered.scan:
            self.app.scans.finish(entered.scan)
        kept = MultisigForm(entered.name, entered.network, entered.node, entered.threshold, entered.script,
                            (*entered.cosigners, text))  # fmt: skip
        return await self._page(kept, message=f"Added cosigner {len(exports)}.")

    async def _removed(self, entered: MultisigForm, remove: str) -> Response:
        index = int(remove) if remove.isdecimal() else -1
        if not 0 <= index < len(entered.cosigners):
            return await self._page(entered, error="that cosigner is not in the list", status_code=400)
        left = entered.cosigners[:index] + entered.cosigners[index + 1 :]
        kept = MultisigForm(entered.name, entered.network, entered.node, entered.threshold, entered.script,
                            left, entered.paste, entered.scan)  # fmt: skip
        return await self._page(kept, message=f"Removed cosigner {index + 1}.")

    async def _create(self, entered: MultisigForm) -> Response:
        exports = [c.encode() for c in entered.cosigners]
        try:
            await self.app.locked(service.create_multisig_from_page, self.app.wallets, entered.name,
                                  entered.threshold, exports, entered.network, entered.node,
                                  entered.script)  # fmt: skip
        except CompanionError as exc:
            return await self._page(entered, error=f"Not created: {exc}", status_code=400)
        return RedirectResponse(f"{pages._wallet_url(entered.name)}/registration?created=1", status_code=303)

    def _one_export(self, form: MultisigForm, file_data: bytes) -> bytes:
        given = [bool(form.scan), bool(form.paste.strip()), bool(file_data)]
        if sum(given) == 0:
            raise CompanionError("give the cosigner's key: scan it, paste it, or choose its file")
        if sum(given) > 1:
            raise CompanionError("give one cosigner's key one way only: camera, paste or file")
        if form.scan:
            return service.cosigner_text(self.app.scans.get(form.scan).payload())
        if form.paste.strip():
            return form.paste.strip().encode()
        if len(file_data) > MAX_EXPORT_UPLOAD:
            raise CompanionError("the file is too large to be a cosigner key export (a few hundred bytes)")
        return file_data

    async def _page(self, form: MultisigForm, *, message: str = "", error: str = "", status_code: int = 200,
                    keep_input: bool = False) -> Response:  # fmt: skip
        exports = [c.encode() for c in form.cosigners]
        try:
            plan = await run_in_threadpool(service.plan_multisig, form.name, form.threshold, exports,
                                           form.network, form.script)  # fmt: skip
        except CompanionError as exc:
            plan, error = None, error or str(exc)
        keep = (error or keep_input) and not holds_private_key(form.paste)  # never a private key shown back
        shown = MultisigForm(form.name, form.network, form.node, form.threshold, form.script, form.cosigners,
                             form.paste if keep else "",
                             form.scan if error or keep_input else "")  # fmt: skip
        page = new_multisig_page(shown, plan, message=message, error=error)
        return HTMLResponse(page, status_code=status_code)

    # -- the registration ---------------------------------------------------------------------------
    async def registration(self, request: Request) -> Response:
        name = request.path_params["name"]
        message = "Created. Register it on each device now." if request.query_params.get("created") else ""
        error = ""
        try:
            options = _qr_options(request)
        except CompanionError as exc:
            from companion.web.send_pages import QrOptions

            options, error = QrOptions(), str(exc)
        try:
            reg = await self.app.locked(service.multisig_registration, self.app.wallets, name)
            frames = await self._frames(name, options.format, options.density)
        except CompanionError as exc:
            return HTMLResponse(pages.layout("Not found", "", error=str(exc)), status_code=404)
        page = registration_page(name, reg, len(frames), options, message=message, error=error)
        return HTMLResponse(page, status_code=400 if error else 200)

    async def frame(self, request: Request) -> Response:
        name, index = request.path_params["name"], request.path_params["n"]
        try:
            options = _qr_options(request)
            frames = await self._frames(name, options.format, options.density)
        except CompanionError as exc:
            return Response(str(exc), status_code=400, media_type="text/plain")
        if not 0 <= index < len(frames):
            return Response(f"there are {len(frames)} frames", status_code=404, media_type="text/plain")
        return Response(await run_in_threadpool(_frame_png, frames, index), media_type="image/png")

    async def descriptor_file(self, request: Request) -> Response:
        return await self._file(request, "descriptor")

    async def bsms_file(self, request: Request) -> Response:
        return await self._file(request, "bsms")

    async def _file(self, request: Request, which: str) -> Response:
        name = request.path_params["name"]
        try:
            reg = await self.app.locked(service.multisig_registration, self.app.wallets, name)
        except CompanionError as exc:
            return Response(str(exc), status_code=404, media_type="text/plain")
        text = reg.descriptor if which == "descriptor" else reg.bsms
        filename = f"{name}-{which}.txt"
        return Response(text.encode(), media_type="text/plain; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{filename}"'})  # fmt: skip

    async def _frames(self, name: str, fmt: str, density: int) -> Any:
        key = (name, fmt, density)
        frames = self.framesets.get(key)
        if frames is None:
            frames = await self.app.locked(service.registration_frames, self.app.wallets, name, fmt, density)
            _keep(self.framesets, key, frames, KEEP_FRAMESETS)
        return frames


def registration_link(name: str, descriptor: str) -> str:
    """The wallet page's way back to a multisig wallet's registration QR and files (none for single-sig)."""
    from html import escape

    from companion.btc.multisig import is_multisig_descriptor

    if not is_multisig_descriptor(descriptor):
        return ""
    return (
        '<section id="registration-link"><h2>Devices</h2><p>Each cosigner\'s Airlock registers this wallet '
        f'once: <a href="{escape(pages._wallet_url(name))}/registration" id="show-registration">show its '
        "registration QR code and files</a>.</p></section>"
    )
