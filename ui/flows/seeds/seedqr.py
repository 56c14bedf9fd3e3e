"""Import a seed from a SeedQR (standard or compact), its words as a text QR, or ur:crypto-seed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from signer.keys.seed import bip39_from_payload
from ui.flows.seeds.keep import finish_seed
from ui.screen import Action, Push
from ui.screens.message import error
from ui.screens.scan import ScanScreen

if TYPE_CHECKING:
    from signer.transport.payload import Payload
    from ui.session import Session


def scan_seedqr(session: Session, temporary: bool) -> ScanScreen:
    def scanned(payload: Payload) -> Action:
        material = bip39_from_payload(payload)
        if material is None:
            return Push(error("Not usable", "This seed QR code does not hold BIP-39 entropy."))
        return finish_seed(session, material, temporary)

    return ScanScreen(
        session, "Scan SeedQR", scanned, expect=frozenset({"seed"}), expect_label="a SeedQR", secret=True
    )
