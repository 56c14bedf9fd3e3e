"""The labels' routes: one label set from the history, a coin or the receive address, and the wallet's
labels exported to or imported from a BIP-329 file. Each calls ``companion.btc.service``, as
``btc label``/``btc labels`` do; a refused file changes nothing and names its bad line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from companion.btc import service
from companion.errors import CompanionError
from companion.web import pages

if TYPE_CHECKING:
    from companion.web.context import AppContext

MAX_LABEL_UPLOAD = 4 * 1024 * 1024  # BIP-329 files of a busy wallet; the CLI takes larger ones


class Labelling:
    """The label routes of one run, over the app's wallets and lock."""

    def __init__(self, app: AppContext) -> None:
        self.app = app

    async def label(self, request: Request) -> Response:
        name = request.path_params["name"]
        async with request.form(max_files=0, max_fields=4) as form:
            ref, text = str(form.get("ref") or ""), str(form.get("label") or "")
        try:
            await self.app.locked(service.set_label, self.app.wallets, name, ref, text)
        except CompanionError as exc:
            return await self.app.wallet_response(name, error=f"Not labelled: {exc}", status_code=400)
        return RedirectResponse(f"{pages._wallet_url(name)}?labelled=1", status_code=303)

    async def export(self, request: Request) -> Response:
        name = request.path_params["name"]
        try:
            data = await self.app.locked(service.export_labels, self.app.wallets, name)
        except CompanionError as exc:
            return Response(str(exc), status_code=404, media_type="text/plain")
        filename = f"{name}-labels.jsonl"
        return Response(data, media_type="application/jsonl",
                        headers={"content-disposition": f'attachment; filename="{filename}"'})  # fmt: skip

    async def import_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        async with request.form(max_files=1, max_fields=2, max_part_size=MAX_LABEL_UPLOAD) as form:
            upload = form.get("file")
            data = await upload.read(MAX_LABEL_UPLOAD + 1) if isinstance(upload, UploadFile) else b""
        try:
            if not data:
                raise CompanionError("choose the BIP-329 file to import")
            if len(data) > MAX_LABEL_UPLOAD:
                raise CompanionError("the file is larger than 4 MB: import it with `btc labels NAME import`")
            done = await self.app.locked(service.import_labels, self.app.wallets, name, data)
        except CompanionError as exc:
            return await self.app.wallet_response(name, error=f"Labels not imported: {exc}", status_code=400)
        counts = f"{done.added}.{done.updated}.{done.skipped}.{done.cut}"
        return RedirectResponse(f"{pages._wallet_url(name)}?labels={counts}", status_code=303)


def imported_message(counts: str) -> str:
    """The message after an import, from the redirect's ``labels=ADDED.UPDATED.SKIPPED.CUT`` (numbers
    only: a crafted link cannot put words on the page)."""
    parts = counts.split(".")
    if len(parts) != 4 or not all(p.isdigit() and len(p) < 10 for p in parts):
        return ""
    added, updated, skipped, cut = (int(p) for p in parts)
    text = f"Labels imported: {added} new, {updated} updated"
    if skipped:
        text += f", {skipped} of types BIP-329 does not define skipped"
    if cut:
        text += f", {cut} cut to 255 characters"
    return text + "."
