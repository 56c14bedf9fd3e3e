"""Every multisig wallet file people have, read into one MultisigWallet.

* a descriptor: ``wsh(sortedmulti(...))``, ``sh(wsh(sortedmulti(...)))``, ``sh(sortedmulti(...))``
* the Coldcard setup text (Coldcard, Sparrow, Specter, Nunchuk, Keystone...) - ``coldcard``
* Specter Desktop's wallet JSON - ``specter``
* Caravan's wallet configuration JSON - ``caravan``
* a BSMS 1.0 descriptor record (BIP-129) - ``bsms``

``parse_wallet`` tells them apart by shape; each reader refuses what it cannot fully understand,
with the reason.
"""

from __future__ import annotations

from signer import strict_json
from signer.btc.errors import DescriptorError
from signer.btc.multisig import MultisigWallet, parse_descriptor
from signer.btc.multisig_formats.bsms import is_bsms, is_encrypted_bsms, parse_bsms
from signer.btc.multisig_formats.caravan import is_caravan_json, parse_caravan_json
from signer.btc.multisig_formats.coldcard import is_coldcard_text, parse_coldcard_text
from signer.btc.multisig_formats.specter import is_specter_json, parse_specter_json

__all__ = ["looks_like_multisig", "parse_wallet"]

MAX_TEXT = 64_000  # 15 cosigners in the most verbose format are under 5 kB
_DESCRIPTOR_STARTS = ("wsh(", "sh(")


def _without_comments(text: str) -> str:
    return "\n".join(ln for ln in text.splitlines() if not ln.strip().startswith("#")).strip()


def _json_object(text: str) -> dict[str, object]:
    try:
        doc = strict_json.loads(text, what="the wallet file's JSON", max_bytes=MAX_TEXT)
    except strict_json.JsonRejected as exc:
        raise DescriptorError(str(exc)) from None
    if not isinstance(doc, dict):
        raise DescriptorError("the wallet file's JSON is not an object")
    return doc


def parse_wallet(text: str, name: str | None = None) -> MultisigWallet:
    """The wallet described by ``text`` in any of the formats above; ``name`` overrides the file's."""
    stripped = text.strip()
    if not stripped:
        raise DescriptorError("empty wallet description")
    if len(stripped) > MAX_TEXT:
        raise DescriptorError(f"a wallet description of {len(stripped)} characters is too long")
    if stripped.startswith("{"):
        doc = _json_object(stripped)
        if is_specter_json(doc):
            return parse_specter_json(doc, name)
        if is_caravan_json(doc):
            return parse_caravan_json(doc, name)
        raise DescriptorError(
            "this JSON is not a multisig wallet file (expected Specter's 'descriptor' or Caravan's "
            "'extendedPublicKeys')"
        )
    if is_bsms(stripped):
        return parse_bsms(stripped, name)
    if is_encrypted_bsms(stripped):
        raise DescriptorError(
            "this looks like an encrypted BSMS record; export it without encryption from the coordinator"
        )
    body = _without_comments(stripped)
    if body.startswith(_DESCRIPTOR_STARTS):
        return parse_descriptor(body, name)
    if is_coldcard_text(stripped):
        return parse_coldcard_text(stripped, name)
    raise DescriptorError(
        "not a multisig wallet: expected a descriptor, a Coldcard/Sparrow setup file, a Specter or "
        "Caravan wallet file, or a BSMS record"
    )


def looks_like_multisig(text: str) -> bool:
    """Whether scanned text is meant as a multisig wallet (to register), not a key or something else."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            doc = _json_object(stripped)
        except DescriptorError:
            return False
        if is_caravan_json(doc):
            return True
        descriptor = doc.get("descriptor", doc.get("recv_descriptor"))
        return isinstance(descriptor, str) and "multi(" in descriptor
    if is_bsms(stripped) or is_coldcard_text(stripped):
        return True
    body = _without_comments(stripped)
    return body.startswith(_DESCRIPTOR_STARTS) and "multi(" in body
