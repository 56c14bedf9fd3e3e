"""The Ethereum routes: import, the account page, a send prepared and reviewed, and the batch hand-over
(request k of n, its frames and file, the signature back, the broadcast, the receipts). Each calls
``companion.eth`` as ``airlock-companion eth`` does.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from companion.errors import CompanionError
from companion.web import eth_batch_pages, eth_pages
from companion.web.eth_batch import Batch, Batches, Sent, pasted_texts, request_text, signature_texts
from companion.web.pages import layout
from companion.web.send_pages import DEFAULT_SPEED_MS, DENSITIES, SPEEDS_MS, QrOptions
from companion.web.send_routes import _frame_png

if TYPE_CHECKING:
    from companion.eth.accounts import EthAccounts
    from companion.eth.pending import Broadcast
    from companion.eth.service import Prepared
    from companion.web.approval_reminders import Reminders
    from companion.web.context import AppContext
    from signer.transport.payload import Payload

MAX_EXPORT_UPLOAD = 64 * 1024
MAX_SIGNATURE_UPLOAD = 64 * 1024  # an eth-signature is about 100 bytes; its text a few hundred
QR_MODULE_PX = 6
RECEIPT_WAIT = 0.0  # the status route asks once; the page polls


class EthRoutes:
    """The Ethereum routes of one run over the data folder's accounts and the app's lock and scans."""

    def __init__(self, app: AppContext, accounts: EthAccounts, batches: Batches,
                 reminders: Reminders) -> None:  # fmt: skip
        self.app = app
        self.accounts = accounts
        self.batches = batches
        self.reminders = reminders

    # -- import -----------------------------------------------------------------------------------
    async def import_form(self, request: Request) -> Response:
        return HTMLResponse(eth_pages.import_page(eth_pages.ImportForm()))

    async def import_post(self, request: Request) -> Response:
        from companion.eth import service

        async with request.form(max_files=1, max_fields=8, max_part_size=MAX_EXPORT_UPLOAD) as form:
            fields = {k: str(form.get(k) or "").strip() for k in ("name", "rpc", "chain_id", "scan")}
            entered = eth_pages.ImportForm(paste=str(form.get("paste") or ""), **fields)
            upload = form.get("file")
            file_data = await upload.read(MAX_EXPORT_UPLOAD + 1) if isinstance(upload, UploadFile) else b""
        try:
            data = self._one_export(entered, file_data)
            chain_id = _chain_id(entered.chain_id)
            await self.app.locked(_import, service, self.accounts, entered.name, data, entered.rpc,
                                  chain_id)  # fmt: skip
        except CompanionError as exc:
            if may_be_secret(entered.paste):
                entered = replace(entered, paste="")  # never shown back
            return HTMLResponse(eth_pages.import_page(entered, error=str(exc)), status_code=400)
        if entered.scan:
            self.app.scans.finish(entered.scan)
        return RedirectResponse(f"{eth_pages.account_url(entered.name)}?imported=1", status_code=303)

    def _one_export(self, form: eth_pages.ImportForm, file_data: bytes) -> bytes:
        given = [bool(form.scan), bool(form.paste.strip()), bool(file_data)]
        if sum(given) == 0:
            raise CompanionError("give the export: scan it with the camera, paste it, or choose its file")
        if sum(given) > 1:
            raise CompanionError("give the export one way only: camera, paste or file")
        if form.scan:
            return _payload_bytes(self.app.scans.get(form.scan).payload())
        if form.paste.strip():
            return form.paste.strip().encode()
        if len(file_data) > MAX_EXPORT_UPLOAD:
            raise CompanionError("the file is too large to be an account export (a few hundred bytes)")
        return file_data

    # -- the account page -------------------------------------------------------------------------
    async def account(self, request: Request) -> Response:
        name = request.path_params["name"]
        query = request.query_params
        message = {"imported": "Imported.", "token": "Token added.",
                   "discarded": "Discarded: nothing was sent."}  # fmt: skip
        shown = next((text for key, text in message.items() if query.get(key)), "")
        try:
            index = _index(query.get("index", "0"))
        except CompanionError as exc:
            return await self.account_response(name, error=str(exc), status_code=400)
        return await self.account_response(name, index, message=shown)

    async def account_response(self, name: str, index: int = 0, *,
                               form: eth_pages.SendForm | None = None, message: str = "", error: str = "",
                               status_code: int = 200) -> Response:  # fmt: skip
        try:
            view = await self.app.locked(self._view, name, index)
        except CompanionError as exc:
            return HTMLResponse(layout("Not found", "", error=str(exc)), status_code=404)
        page = eth_pages.account_page(view, form or eth_pages.SendForm(), message=message, error=error)
        return HTMLResponse(page, status_code=status_code)

    def _view(self, name: str, index: int) -> eth_pages.AccountView:
        from companion.eth import service
        from companion.eth.pending import pending_requests

        account = self.accounts.load(name)
        if not 0 <= index < len(account.addresses):
            raise CompanionError(f"the account {name} has addresses 0 to {len(account.addresses) - 1}")
        pending = tuple(pending_requests(self.accounts, name))
        try:
            balances, history = service.balances(self.accounts, name, index), service.history(
                self.accounts, name, index)  # fmt: skip
        except CompanionError as exc:
            return eth_pages.AccountView(account, index, problem=f"The node did not answer: {exc}",
                                         due=self.reminders.count(self.accounts, name),
                                         pending=pending)  # fmt: skip
        due = self.reminders.count(self.accounts, name)
        return eth_pages.AccountView(account, index, balances, history, due=due, pending=pending)

    async def address_qr(self, request: Request) -> Response:
        name, index = request.path_params["name"], request.path_params["index"]
        try:
            account = await self.app.locked(self.accounts.load, name)
            if not 0 <= index < len(account.addresses):
                raise CompanionError(f"the account {name} has no address {index}")
        except CompanionError as exc:
            return Response(str(exc), status_code=404, media_type="text/plain")
        address = account.address(index).address
        return Response(await run_in_threadpool(_qr_png, address), media_type="image/png")

    async def add_token(self, request: Request) -> Response:
        from companion.eth import service

        name = request.path_params["name"]
        async with request.form(max_files=0, max_fields=4) as form:
            token = str(form.get("token") or "").strip()
        try:
            await self.app.locked(service.add_token, self.accounts, name, token)
        except CompanionError as exc:
            return await self.account_response(name, error=f"Not added: {exc}", status_code=400)
        return RedirectResponse(f"{eth_pages.account_url(name)}?token=1", status_code=303)

    # -- send -------------------------------------------------------------------------------------
    async def send(self, request: Request) -> Response:
        name = request.path_params["name"]
        async with request.form(max_files=0, max_fields=8) as form:
            entered = eth_pages.SendForm(
                to=str(form.get("to") or "").strip(),
                amount=str(form.get("amount") or "").strip(),
                token=str(form.get("token") or "").strip(),
            )
            index_text = str(form.get("index") or "0")
        try:
            index = _index(index_text)
            prepared = await self.app.locked(self._prepare, name, entered, index)
        except CompanionError as exc:
            return await self.account_response(name, form=entered, error=f"Not prepared: {exc}",
                                               status_code=400)  # fmt: skip
        batch = self.batches.start(name, "send", [prepared])
        return RedirectResponse(eth_batch_pages.batch_url(batch), status_code=303)

    def _prepare(self, name: str, entered: eth_pages.SendForm, index: int) -> Prepared:
        from companion.eth import service

        token = entered.token or None
        value = _base_units(self.accounts, name, entered.amount, token, index)
        return service.prepare_send(self.accounts, name, to=entered.to, value=value, token=token, index=index)

    # -- the batch hand-over ----------------------------------------------------------------------
    async def batch(self, request: Request, *, message: str = "", error: str = "",
                    status_code: int = 200) -> Response:  # fmt: skip
        name = request.path_params["name"]
        try:
            batch = self.batches.get(name, request.path_params["batch"])
        except CompanionError as exc:
            return _gone(name, str(exc))
        try:
            options = qr_options(request)
        except CompanionError as exc:
            options, error = QrOptions(), str(exc)
        count = 0
        if batch.current is not None and not batch.sent:
            frames = await run_in_threadpool(self.batches.frames, batch, batch.current, options.density)
            count = len(frames)
        if request.query_params.get("signed") and not message:
            message = f"Signature {batch.signed} checked: {eth_batch_pages.progress_text(batch)}."
        if request.query_params.get("sent") and not message:
            message = "Broadcast."
        waiting = ((), ()) if batch.sent else await self.app.locked(_waiting, self.accounts, batch)
        page = eth_batch_pages.batch_page(batch, count, options, waiting=waiting, message=message,
                                          error=error)  # fmt: skip
        return HTMLResponse(page, status_code=status_code)

    async def discard(self, request: Request) -> Response:
        """Forget the batch's requests (nothing was sent): their nonces go to the next requests."""
        name = request.path_params["name"]
        try:
            batch = self.batches.get(name, request.path_params["batch"])
            # checked under the lock a broadcast holds: a discard pressed during one never says "nothing
            # was sent" after it
            await self.app.locked(_discard, self.accounts, self.batches, batch)
        except CompanionError as exc:
            return _gone(name, str(exc))
        where = "/approvals" if batch.kind == "revoke" else ""
        return RedirectResponse(f"{eth_pages.account_url(name)}{where}?discarded=1", status_code=303)

    async def discard_pending(self, request: Request) -> Response:
        name, request_hex = request.path_params["name"], request.path_params["request_id"]
        try:
            await self.app.locked(_forget, self.accounts, name, [bytes.fromhex(request_hex)])
        except CompanionError as exc:
            return await self.account_response(name, error=f"Not discarded: {exc}", status_code=400)
        return RedirectResponse(f"{eth_pages.account_url(name)}?discarded=1", status_code=303)

    async def frame(self, request: Request) -> Response:
        name, position, index = (request.path_params[k] for k in ("name", "position", "n"))
        try:
            batch = self.batches.get(name, request.path_params["batch"])
            if not 0 <= position < batch.total:
                raise CompanionError(f"the hand-over has requests 1 to {batch.total}")
            density = qr_options(request).density
            frames = await run_in_threadpool(self.batches.frames, batch, position, density)
        except CompanionError as exc:
            return Response(str(exc), status_code=404, media_type="text/plain")
        if not 0 <= index < len(frames):
            return Response(f"there are {len(frames)} frames", status_code=404, media_type="text/plain")
        return Response(await run_in_threadpool(_frame_png, frames, index), media_type="image/png")

    async def request_file(self, request: Request) -> Response:
        name, position = request.path_params["name"], request.path_params["position"]
        try:
            batch = self.batches.get(name, request.path_params["batch"])
            if not 0 <= position < batch.total:
                raise CompanionError(f"the hand-over has requests 1 to {batch.total}")
        except CompanionError as exc:
            return Response(str(exc), status_code=404, media_type="text/plain")
        nonce = batch.requests[position].tx.nonce
        filename = f"{position:03d}-{name}-nonce-{nonce}.txt"
        return Response(request_text(batch.requests[position]), media_type="text/plain",
                        headers={"content-disposition": f'attachment; filename="{filename}"'})  # fmt: skip

    async def signature(self, request: Request) -> Response:
        name = request.path_params["name"]
        try:
            batch = self.batches.get(name, request.path_params["batch"])
        except CompanionError as exc:
            return _gone(name, str(exc))
        async with request.form(max_files=1, max_fields=8, max_part_size=MAX_SIGNATURE_UPLOAD) as form:
            scan, paste = str(form.get("scan") or ""), str(form.get("paste") or "")
            upload = form.get("file")
            data = await upload.read(MAX_SIGNATURE_UPLOAD + 1) if isinstance(upload, UploadFile) else b""
        try:
            if batch.sent:
                raise CompanionError("this hand-over is already broadcast")
            texts = self._one_signature(scan, paste, data)
            position = await run_in_threadpool(_check_signature, batch, texts)
        except CompanionError as exc:
            return await self.batch(request, error=f"Not accepted: {exc}", status_code=400)
        batch.signatures[position] = texts
        if scan:
            self.app.scans.finish(scan)
        return RedirectResponse(f"{eth_batch_pages.batch_url(batch)}?signed=1", status_code=303)

    def _one_signature(self, scan: str, paste: str, data: bytes) -> tuple[str, ...]:
        given = [bool(scan), bool(paste.strip()), bool(data)]
        if sum(given) == 0:
            raise CompanionError("give the device's signature: scan it, paste it, or choose its file")
        if sum(given) > 1:
            raise CompanionError("give the signature one way only: camera, paste or file")
        if scan:
            return signature_texts(self.app.scans.get(scan).payload())
        if len(data) > MAX_SIGNATURE_UPLOAD:
            raise CompanionError("the file is too large to be a signature (a few hundred bytes)")
        try:
            text = paste if paste.strip() else data.decode("ascii")
        except UnicodeDecodeError:
            raise CompanionError("the file is not a signature's text (UR:ETH-SIGNATURE/...)") from None
        return pasted_texts(text)

    async def broadcast(self, request: Request) -> Response:
        name = request.path_params["name"]
        try:
            batch = self.batches.get(name, request.path_params["batch"])
        except CompanionError as exc:
            return _gone(name, str(exc))
        try:
            await self.app.locked(_broadcast, self.accounts, batch)
        except CompanionError as exc:
            return await self.batch(request, error=f"Not broadcast: {exc}", status_code=502)
        return RedirectResponse(f"{eth_batch_pages.batch_url(batch)}?sent=1", status_code=303)

    async def status(self, request: Request) -> Response:
        """Each transaction's receipt asked of the node once (the page's script polls this)."""
        name = request.path_params["name"]
        try:
            batch = self.batches.get(name, request.path_params["batch"])
            await self.app.locked(_follow, self.accounts, batch)
        except CompanionError as exc:
            return JSONResponse({"error": str(exc)}, status_code=502)
        state = "confirmed" if batch.confirmed else "pending"
        return JSONResponse({"state": state, "text": eth_batch_pages.follow_text(batch),
                             "sent": [_sent_json(s) for s in batch.sent]})  # fmt: skip

    async def check(self, request: Request) -> Response:
        """The Check now button: the same, then the page again."""
        name = request.path_params["name"]
        try:
            batch = self.batches.get(name, request.path_params["batch"])
            await self.app.locked(_follow, self.accounts, batch)
        except CompanionError as exc:
            return await self.batch(request, error=f"Not checked: {exc}", status_code=502)
        return RedirectResponse(eth_batch_pages.batch_url(batch), status_code=303)


def _import(service: Any, accounts: Any, name: str, data: bytes, rpc: str, chain_id: int | None) -> Any:
    return service.import_account(accounts, name, data, rpc, chain_id=chain_id)


_SECRET_HEX = re.compile(r"(?<![0-9a-fA-F])(0x)?[0-9a-fA-F]{64}(?![0-9a-fA-F])")
_WORDS = re.compile(r"^\s*([a-z]+\s+){11,}[a-z]+\s*$")


def may_be_secret(text: str) -> bool:
    """Whether pasted text may be a private key (64 hex digits, an extended or WIF key) or seed words:
    then it is not shown back on the page, whatever it was."""
    from companion.btc.exports import holds_private_key

    return bool(_SECRET_HEX.search(text) or _WORDS.match(text) or holds_private_key(text))


def _payload_bytes(payload: Payload) -> bytes:
    """A camera scan as the bytes ``import_account`` reads: a UR as its single-part text, else the text."""
    from signer.transport.ur import UR, encode_single

    if payload.ur_type is not None:
        return encode_single(UR(payload.ur_type, bytes(payload.data))).encode()
    return bytes(payload.data)


def _chain_id(text: str) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**64:
        raise CompanionError(f"the chain id is a whole number, like 1 for Ethereum, not {text[:20]!r}")
    return int(text)


def _index(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        raise CompanionError(f"the address index is a whole number, not {text[:20]!r}")
    return int(text)


def _base_units(accounts: EthAccounts, name: str, amount: str, token: str | None, index: int) -> int:
    """The amount typed in ETH or in the token's units, in wei or the token's base units."""
    from companion.eth import service
    from signer.eth.errors import EthError
    from signer.eth.primitives import parse_units

    if not amount:
        raise CompanionError("give the amount to send")
    decimals = 18
    if token is not None:
        held = {t.token.lower(): t for t in service.balances(accounts, name, index).tokens}
        known = held.get(token.lower())
        if known is None:
            raise CompanionError("add the token first (Balances, Add a token): its decimals come from it")
        if known.decimals is None:
            raise CompanionError("the token does not answer as an ERC-20 now (its decimals): not sent")
        decimals = int(known.decimals)
    try:
        value = parse_units(amount, decimals)
    except EthError as exc:
        raise CompanionError(str(exc)) from None
    if value == 0:
        raise CompanionError("the amount is zero")
    return value


def _check_signature(batch: Batch, texts: tuple[str, ...]) -> int:
    """Which request the signature answers; refused unless it recovers to the account's address."""
    from companion.eth import handover

    signature = handover.read_signature(list(texts))
    if signature.request_id is None:
        raise CompanionError("the signature names no request: sign the request shown here")
    position = batch.position_of(signature.request_id)
    handover.signed_raw(batch.requests[position], signature)  # raises CompanionError when it is not ours
    return position


def _waiting(accounts: EthAccounts, batch: Batch) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The nonces before the batch's first one that the node has not seen: those held by earlier requests
    handed over and not broadcast, and those held by none (a request discarded: the batch is mined only
    once another transaction takes them). Nothing when the node does not answer (the broadcast says so)."""
    from companion.eth.node import EthNode
    from companion.eth.pending import pending_requests

    first = min(r.tx.nonce for r in batch.requests)
    address = batch.requests[0].address
    account = accounts.load(batch.name)
    try:
        seen = EthNode(account.rpc, account.chain_id).pending_nonce(address)
    except CompanionError:
        return (), ()
    held = {r.tx.nonce for r in pending_requests(accounts, batch.name) if r.address == address}
    before = range(seen, first)
    return tuple(n for n in before if n in held), tuple(n for n in before if n not in held)


def _forget(accounts: EthAccounts, name: str, request_ids: list[bytes]) -> None:
    from companion.eth.pending import forget

    for request_id in request_ids:
        forget(accounts, name, request_id)


def _broadcast(accounts: EthAccounts, batch: Batch) -> None:
    """Every signature not yet broadcast checked again, then sent in nonce order, and kept in ``batch.sent``
    (``approvals broadcast`` does the same, then waits for the receipts: here the page follows them, so the
    press answers at once). Run under the app's lock: two presses at once send nothing twice."""
    from companion.eth.pending import PartlyBroadcast, broadcast_signatures

    if batch.finished:
        raise CompanionError("this hand-over is already broadcast")
    if batch.current is not None:
        raise CompanionError(f"only {eth_batch_pages.progress_text(batch)}: bring every signature first")
    try:
        done = broadcast_signatures(accounts, batch.name, batch.groups())
    except PartlyBroadcast as exc:  # those sent are followed; the rest can be broadcast again
        _keep_sent(batch, exc.done)
        raise
    _keep_sent(batch, done)


def _keep_sent(batch: Batch, done: list[Broadcast]) -> None:
    batch.sent = sorted([*batch.sent, *(Sent(b.tx_hash, b.nonce) for b in done)], key=lambda s: s.nonce)


def _discard(accounts: EthAccounts, batches: Batches, batch: Batch) -> None:
    if batch.finished:
        raise CompanionError("this hand-over is already broadcast")
    if batch.sent:
        raise CompanionError("part of this hand-over is broadcast: broadcast the rest, or discard each "
                             "request left on the account's page (Waiting for a signature)")  # fmt: skip
    _forget(accounts, batch.name, [r.request_id for r in batch.requests])
    batches.drop(batch)


def _follow(accounts: EthAccounts, batch: Batch) -> None:
    from companion.eth.node import EthNode
    from companion.eth.pending import follow

    waiting = [s for s in batch.sent if s.receipt is None]
    if not waiting:
        return
    account = accounts.load(batch.name)
    node = EthNode(account.rpc, account.chain_id)
    for sent in waiting:
        receipt = follow(node, sent.tx_hash, RECEIPT_WAIT)
        if receipt["block"] is not None:
            sent.receipt = receipt


def _sent_json(sent: Sent) -> dict[str, Any]:
    return {"tx_hash": sent.tx_hash, "nonce": sent.nonce, "block": sent.block, "succeeded": sent.succeeded,
            "text": eth_batch_pages.receipt_text(sent)}  # fmt: skip


def qr_options(request: Request) -> QrOptions:
    query = request.query_params
    fmt = query.get("format", "ur")
    if fmt not in eth_batch_pages.FORMATS:
        raise CompanionError(f"the QR format of an Ethereum request is ur, not {fmt[:20]!r}")
    density_text = query.get("density", str(QrOptions.density))
    if density_text not in {str(d) for d in DENSITIES}:
        raise CompanionError(f"the QR density is 0 to 3, not {density_text[:20]!r}")
    speed_text = query.get("speed", str(DEFAULT_SPEED_MS))
    if speed_text not in {str(s) for s in SPEEDS_MS}:
        raise CompanionError(f"the QR speed is one of {', '.join(map(str, SPEEDS_MS))} ms")
    return QrOptions(fmt, int(density_text), int(speed_text))


def _qr_png(text: str) -> bytes:
    import io

    from signer.transport.frames import render_qr

    image = render_qr(text, ecc="M", module_px=QR_MODULE_PX, quiet_zone=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _gone(name: str, why: str) -> Response:
    body = f'<p><a href="{eth_pages.account_url(name)}">Back to the account</a> to prepare it again.</p>'
    return HTMLResponse(layout("Not found", body, error=why), status_code=404)


class RequestIdConvertor(Convertor[str]):
    """``{request_id:request_id}`` in a route: a request id's 32 lower-case hex digits, else no match."""

    regex = "[0-9a-f]{32}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("request_id", RequestIdConvertor())
