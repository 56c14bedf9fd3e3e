"""Scan -> review -> sign -> animated QR, end to end through the device UI.

Bitcoin: the review shows the amount sent, the fee and the change; the QR shown afterwards decodes
to a PSBT with a valid signature. Ethereum: an EIP-1559 eth-sign-request is answered with an
eth-signature that recovers to our address; an unlimited approval cannot be accepted with a short
press, only with a long hold; a raw request's unlimited approval can be lowered before signing."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from ui_driver import FrameCamera, collect_qr, decode_frames, qr_images, unlocked
from ui_txbuilders import (
    ABANDON_ETH,
    CHANGE,
    MAX,
    RECIPIENT,
    SPENDER,
    USDC,
    approve_data,
    btc_message_proof,
    btc_psbt,
    btc_psbt_burning,
    check_btc_signature,
    eip1559,
    eth_sign_request,
    recover_eth_signer,
)

from signer.btc import load_psbt
from ui.events import Key


def read_all_pages(d) -> None:  # type: ignore[no-untyped-def]
    for _ in range(d.content().extra["pages"]):
        d.press(Key.DOWN)
    assert d.content().extra["seen_all"]


def test_btc_psbt_review_and_sign(tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    raw, pubkey = btc_psbt()
    camera.show(qr_images(raw, ur_type="crypto-psbt"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    content = d.content()
    assert content.title.startswith("Bitcoin"), d.text()
    assert content.extra["headline"] == "Send 0.00060000 BTC"
    facts = dict(content.extra["facts"])
    assert facts["Fee"].startswith("0.00001000 BTC")
    assert "0.00039000 BTC" in facts["Change (output 1)"] and "m/84h/0h/0h/1/0" in facts["Change (output 1)"]
    assert (
        content.extra["sent"] == 60_000
        and content.extra["fee"] == 1_000
        and content.extra["change"] == CHANGE
    )
    assert not content.extra["needs_hold"] and content.extra["can_approve"]
    if content.extra["pages"] > 1:
        d.press(Key.KEY1)  # not everything read yet: refused
        assert "read page" in d.content().extra["note"]
    read_all_pages(d)
    d.press(Key.KEY1)
    d.settle()
    assert d.title == "Signed PSBT"
    assert d.content().extra["format"] == "UR"
    payload = decode_frames(collect_qr(d))
    assert payload.kind == "psbt" and payload.ur_type == "crypto-psbt"
    check_btc_signature(payload.data, pubkey)


def test_btc_burn_is_shown_as_destroyed_coins_not_as_a_recipient(tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    camera.show(qr_images(btc_psbt_burning(10_000), ur_type="crypto-psbt"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    content = d.content()
    facts = dict(content.extra["facts"])
    assert facts["Destroyed (output 2)"] == "data output (OP_RETURN)\n0.00010000 BTC", d.text()
    assert not any(label.startswith("To (output 2)") for label in facts)
    assert "op-return-burn" in content.extra["codes"] and content.extra["needs_hold"]
    assert content.extra["can_approve"] and content.extra["fee"] == 1_000  # a valid spend, burn aside
    assert any("destroys 0.00010000 BTC" in m for severity, m in content.warnings if severity == "danger")


def test_bip322_proof_psbt_shows_its_message_then_signs_a_valid_proof(tmp_path: Path) -> None:
    """Issue 10.5: a BIP-322 proof disguised as a PSBT is shown as the message it signs."""
    from signer.btc.message import verify_message

    message = b"I control this address. Nonce 8c1f"
    raw, address = btc_message_proof(message, carried=True)
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    camera.show(qr_images(raw, ur_type="crypto-psbt"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    content = d.content()
    assert content.extra["headline"] == "Sign a message" and content.extra["kind"] == "btc-bip322", d.text()
    facts = dict(content.extra["facts"])
    assert facts["Message"] == message.decode() and "Fee" not in facts
    assert facts["Signed as the owner of"].replace(" ", "").replace("\n", "") == address
    assert not content.extra["needs_hold"] and content.extra["can_approve"]
    read_all_pages(d)
    d.press(Key.KEY1)
    d.settle()
    assert d.title == "Signed PSBT", d.text()
    signed = load_psbt(decode_frames(collect_qr(d)).data)
    ((pubkey, sig),) = signed.inputs[0].partial_sigs.items()
    witness = bytes([2, len(sig)]) + sig + bytes([len(pubkey)]) + pubkey
    assert verify_message(address, message, "smp" + base64.b64encode(witness).decode()).valid


def test_bip322_message_the_font_cannot_draw_is_shown_with_codes(tmp_path: Path) -> None:
    message = "Sign-in \U0001f510 ok".encode()
    raw, _ = btc_message_proof(message, carried=True)
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    camera.show(qr_images(raw, ur_type="crypto-psbt"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    assert dict(d.content().extra["facts"])["Message"] == "Sign-in \\U0001f510 ok", d.text()
    assert "message-escaped" in d.content().extra["codes"]


def test_bip322_proof_psbt_without_its_message_cannot_be_signed(tmp_path: Path) -> None:
    raw, _ = btc_message_proof(b"a message the person never sees", carried=False)
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    camera.show(qr_images(raw, ur_type="crypto-psbt"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    content = d.content()
    assert content.title.startswith("Bitcoin") and not content.extra["can_approve"], d.text()
    assert "bip322-message-unknown" in content.extra["codes"]
    assert any("not a payment" in m for _, m in content.warnings)
    read_all_pages(d)
    d.press(Key.KEY1)
    assert d.content().extra["note"] == "this cannot be signed"


def test_btc_psbt_for_another_seed_cannot_be_signed(tmp_path: Path) -> None:
    from ui_driver import LEGAL

    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    raw, _ = btc_psbt(LEGAL)
    camera.show(qr_images(raw, ur_type="crypto-psbt"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    assert not d.content().extra["can_approve"]
    assert any("no input belongs to this seed" in m for _, m in d.content().warnings)
    read_all_pages(d)
    d.press(Key.KEY1)
    assert d.title.startswith("Bitcoin") and d.content().extra["note"] == "this cannot be signed"


def test_specter_animated_psbt_is_assembled_then_reviewed(tmp_path: Path) -> None:
    """Specter's pMofN animation: progress counts parts, the review starts only with every part."""
    import base64

    from signer.transport.frames import render_qr

    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    raw, pubkey = btc_psbt()
    text = base64.b64encode(raw).decode()
    size = -(-len(text) // 4)
    parts = [f"p{n + 1}of4 {text[n * size : (n + 1) * size]}" for n in range(4)]
    camera.show([render_qr(p, module_px=3) for p in (parts[2], parts[0], parts[2])])
    d.choose("Scan")
    d.tick(4)
    assert d.title == "Scan" and d.content().lines == ["2 of 4 parts"]
    camera.show([render_qr(p, module_px=3) for p in (parts[3], parts[1])])
    d.tick(4)
    d.settle()
    assert d.title.startswith("Bitcoin"), d.text()
    _review_and_sign(d)
    assert d.title == "Signed PSBT"
    check_btc_signature(decode_frames(collect_qr(d)).data, pubkey)


def _small_psbt() -> tuple[bytes, bytes]:
    """The test PSBT without the change derivation: its signed form (411 bytes, 606 base43
    characters) fits one QR code on the 240-pixel screen."""
    from embit.psbt import PSBT

    raw, pubkey = btc_psbt()
    psbt = PSBT.parse(raw)
    psbt.outputs[1].bip32_derivations = {}
    return psbt.serialize(), pubkey


def _review_and_sign(d) -> None:  # type: ignore[no-untyped-def]
    read_all_pages(d)
    if d.content().extra["needs_hold"]:
        d.hold(Key.KEY1, 3.0)
    else:
        d.press(Key.KEY1)
    d.settle()


@pytest.mark.parametrize("small", [True, False])
def test_electrum_base43_psbt_is_signed_and_offered_back(tmp_path: Path, small: bool) -> None:
    """Electrum shows a PSBT as one base43 QR and reads only that form back: the signed PSBT is offered
    in it, first when it fits one code on this screen, else after UR and BBQr."""
    from signer.transport import base43
    from signer.transport.frames import render_qr

    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    raw, pubkey = _small_psbt() if small else btc_psbt()
    camera.show([render_qr(base43.encode(raw), module_px=2)])
    d.choose("Scan")
    d.tick(6)
    d.settle()
    assert d.title.startswith("Bitcoin"), d.text()
    _review_and_sign(d)
    assert d.title == "Signed PSBT"
    formats = d.content().extra["formats"]
    assert formats == (["Electrum", "UR", "BBQr"] if small else ["UR", "BBQr", "Electrum"])
    payload = decode_frames(collect_qr(d))
    assert (payload.kind, payload.format) == (("psbt", "base43") if small else ("psbt", "ur"))
    check_btc_signature(payload.data, pubkey)


def test_eth_eip1559_sign_request(tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    unsigned = eip1559(RECIPIENT, 10**16)
    request_id = bytes(range(16))
    camera.show(qr_images(eth_sign_request(unsigned, request_id=request_id), ur_type="eth-sign-request"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    content = d.content()
    assert content.title.startswith("Ethereum"), d.text()
    facts = dict(content.extra["facts"])
    assert facts["Value"] == "0.01 ETH"
    assert facts["To"].replace(" ", "") == "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045"
    assert "Ethereum" in facts["Network"]
    read_all_pages(d)
    if content.extra["needs_hold"]:
        d.hold(Key.KEY1, 3.0)
    else:
        d.press(Key.KEY1)
    d.settle()
    assert d.title == "Signature"
    payload = decode_frames(collect_qr(d))
    assert payload.kind == "eth-signature"
    assert payload.obj.request_id == request_id
    assert recover_eth_signer(unsigned, payload.obj.signature) == ABANDON_ETH


def test_unlimited_approval_needs_a_long_hold(tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    unsigned = eip1559(USDC, 0, approve_data(SPENDER, MAX))
    camera.show(qr_images(eth_sign_request(unsigned), ur_type="eth-sign-request"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    content = d.content()
    assert content.warnings[0][0] == "danger" and "Unlimited approval" in content.warnings[0][1]
    assert content.extra["needs_hold"] and content.extra["edit"] == "limit"  # it can be lowered (not here)
    read_all_pages(d)
    d.press(Key.KEY1)  # a short press
    d.release(Key.KEY1, 0.2)
    assert d.title.startswith("Ethereum") and "hold KEY1" in d.content().extra["note"]
    d.hold(Key.KEY1, 2.0)  # not long enough
    assert d.title.startswith("Ethereum")
    d.hold(Key.KEY1, 3.0)
    d.settle()
    assert d.title == "Signature"
    payload = decode_frames(collect_qr(d))
    assert recover_eth_signer(unsigned, payload.obj.signature) == ABANDON_ETH


def test_raw_unlimited_approval_can_be_limited(tmp_path: Path) -> None:
    import rlp

    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    camera.show(qr_images(eip1559(USDC, 0, approve_data(SPENDER, MAX)), ur_type="bytes"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    assert d.content().extra["needs_hold"] and d.content().extra["edit"] == "limit"
    d.press(Key.KEY2)
    assert d.title.startswith("Limit in USDC")
    d.type_text("250.5")
    content = d.content()
    assert content.title.startswith("Ethereum") and not content.extra["needs_hold"]
    assert content.extra["page"] == 0  # the edited request is read again from the start
    assert content.extra["pages"] == 1 or not content.extra["seen_all"]
    assert "may spend 250.5 USDC" in content.extra["headline"]
    assert "unlimited-approval" not in content.extra["codes"]
    read_all_pages(d)
    d.press(Key.KEY1)
    d.settle()
    payload = decode_frames(collect_qr(d))
    signed = payload.data
    assert signed[0] == 2
    fields = rlp.decode(signed[1:])
    assert int.from_bytes(fields[7][-32:], "big") == 250_500_000  # 250.5 USDC (6 decimals)
    assert len(fields) == 12  # the 9 fields plus y-parity, r, s


def test_wallet_request_limited_on_the_device_returns_the_signed_transaction(tmp_path: Path) -> None:
    """MetaMask would put an eth-signature on its own (unlimited) transaction, where it is invalid:
    a limited ERC-4527 request is answered with the whole signed transaction, to broadcast."""
    import rlp
    from eth_account import Account

    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    unsigned = eip1559(USDC, 0, approve_data(SPENDER, MAX))
    camera.show(qr_images(eth_sign_request(unsigned), ur_type="eth-sign-request"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    d.press(Key.KEY2)
    assert d.title.startswith("Limit in USDC")
    d.type_text("40")
    content = d.content()
    assert not content.extra["needs_hold"] and "may spend 40 USDC" in content.extra["headline"]
    assert any(label == "Note" and "broadcast" in value.lower() for label, value in content.extra["facts"])
    read_all_pages(d)
    d.press(Key.KEY1)
    d.settle()
    assert d.title == "Signed transaction"
    from signer.transport.frames import decode_qr_image

    (text,) = decode_qr_image(collect_qr(d)[0])  # one plain QR: 0x-hex, what broadcast pages take
    signed = bytes.fromhex(text.decode()[2:] if isinstance(text, bytes) else text[2:])
    assert Account.recover_transaction(signed) == ABANDON_ETH
    assert int.from_bytes(rlp.decode(signed[1:])[7][-32:], "big") == 40 * 10**6
    d.press(Key.KEY2)  # the other format: ur:bytes
    assert decode_frames(collect_qr(d)).data == signed


@pytest.mark.parametrize("fmt", ["ur", "bbqr"])
def test_result_format_follows_the_request(tmp_path: Path, fmt: str) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    raw, pubkey = btc_psbt()
    camera.show(qr_images(raw, ur_type="psbt" if fmt == "ur" else "P", fmt=fmt))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    read_all_pages(d)
    d.press(Key.KEY1)
    d.settle()
    assert d.content().extra["format"] == fmt.replace("ur", "UR").replace("bbqr", "BBQr")
    d.press(Key.UP)  # denser: fewer frames, still the same payload
    payload = decode_frames(collect_qr(d))
    check_btc_signature(payload.data, pubkey)
    if fmt == "ur":
        assert payload.ur_type == "psbt"
    d.press(Key.KEY2)  # the other format
    payload = decode_frames(collect_qr(d))
    check_btc_signature(payload.data, pubkey)


def test_eth_personal_message(tmp_path: Path) -> None:
    from eth_account import Account
    from eth_account.messages import encode_defunct

    camera = FrameCamera()
    _, d = unlocked(tmp_path, camera=camera)
    message = b"Sign in to example.org, nonce 42"
    camera.show(qr_images(eth_sign_request(message, data_type=3), ur_type="eth-sign-request"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    assert d.content().extra["kind"] == "eth-message"
    assert any(label == "Message" and "example.org" in value for label, value in d.content().extra["facts"])
    read_all_pages(d)
    if d.content().extra["needs_hold"]:
        d.hold(Key.KEY1, 3.0)
    else:
        d.press(Key.KEY1)
    d.settle()
    payload = decode_frames(collect_qr(d))
    signature = payload.obj.signature
    assert Account.recover_message(encode_defunct(message), signature=signature) == ABANDON_ETH


def test_signature_is_shown_even_if_saving_the_history_fails(tmp_path: Path) -> None:
    from signer import atomic_file

    camera = FrameCamera()
    session, d = unlocked(tmp_path, camera=camera)
    unsigned = eip1559(RECIPIENT, 10**16)
    camera.show(qr_images(eth_sign_request(unsigned, request_id=bytes(16)), ur_type="eth-sign-request"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    read_all_pages(d)

    def disk_full(step: str) -> None:
        raise OSError(28, "No space left on device")

    atomic_file.FAULT_HOOK = disk_full
    try:
        if d.content().extra["needs_hold"]:
            d.hold(Key.KEY1, 3.0)
        else:
            d.press(Key.KEY1)
        d.settle()
    finally:
        atomic_file.FAULT_HOOK = None
    assert d.title == "Signature"
    payload = decode_frames(collect_qr(d))
    assert recover_eth_signer(unsigned, payload.obj.signature) == ABANDON_ETH
    entry = session.vault.get("main")  # type: ignore[union-attr]
    assert entry.history  # kept in memory for this session
