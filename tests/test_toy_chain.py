"""A third chain joins by registering once: ``airlock sign`` and the device both sign it, with no
change to ui/ or signer/commands/.

The toy request is text that starts with ``TOY:`` (here in a BBQr text QR, or a plain file for the
CLI). Its review has two facts: the message and the key that signs it. Its signature is an
HMAC-SHA256 of the message keyed by the seed's BIP-32 private key at m/1337'/0', given back as a
text QR. The test checks that signature against one computed with embit directly."""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "ui"))

from ui_driver import ABANDON, FrameCamera, collect_qr, qr_images, unlocked

from signer.chains import registry
from signer.chains.contract import (
    Chain,
    Claim,
    Context,
    Fact,
    KeySource,
    Offer,
    Request,
    Review,
    Signed,
    Wording,
    check_keys,
)
from signer.chains.keys import bitcoin_signer
from signer.cli import main
from signer.errors import AirlockError
from signer.transport.frames import decode_qr_image, encode_frames
from signer.transport.payload import Payload
from ui.events import Key

PREFIX = b"TOY:"
PATH = (1337 + 0x80000000, 0x80000000)


@dataclass(frozen=True)
class ToyReview:
    message: str
    fingerprint: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": "toy-message", "message": self.message, "fingerprint": self.fingerprint}

    def to_text(self) -> str:
        return f"Toy message, seed {self.fingerprint}\n  {self.message}"


class ToyChain(Chain):
    name = "toy"
    kinds = frozenset({"text", "bytes"})
    wording = Wording("Toy", "Reading the toy request...", "Not a toy request", "Signing the toy...")

    def claims(self, payload: Payload) -> Claim:
        return Claim.YES if payload.kind in self.kinds and payload.data.startswith(PREFIX) else Claim.NO

    def parse(self, payload: Payload) -> Request:
        try:
            message = payload.data[len(PREFIX) :].decode("utf-8")
        except UnicodeDecodeError:
            raise AirlockError("a toy message is UTF-8 text") from None
        if not message.strip():
            raise AirlockError("a toy request holds a message after TOY:")
        return Request(payload, message)

    def review(self, request: Request, keys: KeySource, context: Context) -> Review:
        fingerprint = keys.fingerprint.hex()
        return Review(
            chain="toy",
            kind="toy-message",
            title=self.wording.title,
            headline="Sign a toy message",
            facts=(Fact("Message", request.body), Fact("Key", f"{fingerprint} m/1337h/0h")),
            warnings=(),
            refusals=(),
            detail=ToyReview(request.body, fingerprint),
            request=request,
            context=context,
            fingerprint=fingerprint,
        )

    def sign(self, review: Review, keys: KeySource, accept_risk: bool) -> Signed:
        check_keys(review, keys)
        secret = bitcoin_signer(keys, "main").derive(PATH).key.secret
        mac = hmac.new(secret, review.request.body.encode(), hashlib.sha256).hexdigest()
        reply = Offer("text", "text", mac)
        return Signed(
            "Toy signature", "Compare it in the toy verifier", (reply,), reply=reply, note="signed a toy"
        )


@pytest.fixture
def toy() -> Iterator[ToyChain]:
    chain = ToyChain()
    registry.register(chain)  # the one place a chain is added
    yield chain
    registry.unregister(chain.name)


def expected_mac(message: str, mnemonic: str = ABANDON) -> str:
    from embit.bip32 import HDKey
    from embit.bip39 import mnemonic_to_seed

    secret = HDKey.from_seed(mnemonic_to_seed(mnemonic)).derive("m/1337h/0h").key.secret
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def sign_cli(
    tmp_path: Path, secret_input: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> Callable[[str], tuple[int, str, str, dict | None]]:
    mnemonic = secret_input("words.txt", ABANDON + "\n")

    def go(content: str) -> tuple[int, str, str, dict | None]:
        request, review = tmp_path / "request.txt", tmp_path / "review.json"
        request.write_text(content + "\n")
        review.unlink(missing_ok=True)
        code = main(["sign", str(request), "--mnemonic-file", str(mnemonic), "--review-json", str(review)])
        out = capsys.readouterr()
        return code, out.out, out.err, json.loads(review.read_text()) if review.exists() else None

    return go


@pytest.mark.parametrize("form", ["plain text", "BBQr text"])
def test_airlock_sign_signs_the_toy_chain(toy: ToyChain, sign_cli, form: str) -> None:  # type: ignore[no-untyped-def]
    message = "hello from a third chain"
    content = f"TOY:{message}"
    if form == "BBQr text":
        content = "\n".join(encode_frames(content.encode(), format="bbqr", bbqr_type="U").texts)
    code, out, err, review = sign_cli(content)
    assert code == 0, err
    assert out.strip() == expected_mac(message)
    assert review == {"kind": "toy-message", "message": message, "fingerprint": "73c5da0a"}
    assert "Toy message, seed 73c5da0a" in err and "signed a toy" in err


def test_without_its_registration_the_toy_request_is_not_signed(sign_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err, review = sign_cli("TOY:hello")
    assert code == 2 and out == "" and review is None and "--message" in err


def test_the_device_scans_reviews_and_signs_the_toy_chain(toy: ToyChain, tmp_path: Path) -> None:
    message = "hello from a third chain"
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    camera.show(qr_images(f"TOY:{message}".encode(), ur_type="U", fmt="bbqr"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    content = d.content()
    assert content.title == "Toy", d.text()
    assert content.extra["headline"] == "Sign a toy message"
    assert content.extra["facts"] == [("Message", message), ("Key", "73c5da0a m/1337h/0h")]
    for _ in range(content.extra["pages"]):
        d.press(Key.DOWN)
    d.press(Key.KEY1)
    d.settle()
    assert d.title == "Toy signature", d.text()
    (frame,) = collect_qr(d)
    (shown,) = decode_qr_image(frame)
    assert shown.decode() == expected_mac(message)


def test_a_broken_toy_request_is_named_on_the_device(toy: ToyChain, tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    camera.show(qr_images(b"TOY:   ", ur_type="U", fmt="bbqr"))
    d.choose("Scan")
    d.tick(12)
    d.settle()
    assert d.title == "Not a valid request", d.text()
    assert "a toy request holds a message after TOY:" in d.text()
