"""``bitcoin:`` payment URIs (BIP-21, as updated by BIP-321).

Grammar (BIP-21/321)::

    bitcoinurn   = "bitcoin:" [ bitcoinaddress ] [ "?" bitcoinparams ]
    bitcoinparam = [ amountparam / labelparam / messageparam / otherparam / reqparam ]
    otherparam   = qchar *qchar [ "=" *qchar ]        ; a parameter may have no value
    reqparam     = "req-" qchar *qchar [ "=" *qchar ]

What is read here:

* the scheme and the parameter names in any case (QR codes use the upper-case alphanumeric form
  ``BITCOIN:BC1Q...?AMOUNT=1``), the address in either case for bech32;
* ``amount`` (decimal BTC, at most 8 decimals, at most 21 million), ``label``, ``message``;
* ``req-*`` parameters Airlock does not know make the whole URI invalid, as BIP-21 requires;
* every other parameter (``lightning``, ``lno``, ``sp``, ``pj``, ``bc``...) is kept, never acted on;
* no address at all is allowed (BIP-321: a URI carrying only e.g. a Lightning invoice); ``address``
  is then None and there is nothing on-chain to check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from signer.transport.addresses import BitcoinAddress, parse_bitcoin_address
from signer.transport.errors import TransportError
from signer.transport.uri_query import split_query

SCHEME = "bitcoin:"
MAX_SATS = 21_000_000 * 100_000_000
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")
_SINGLE = ("amount", "label", "message")  # given twice, these would be ambiguous


@dataclass(frozen=True)
class BIP21:
    address: BitcoinAddress | None  # None: the URI holds no on-chain address (BIP-321)
    amount_sats: int | None
    label: str | None
    message: str | None
    params: tuple[tuple[str, str | None], ...]  # every other parameter, name in lower case, in order

    def param(self, name: str) -> str | None:
        return next((v for k, v in self.params if k == name.lower()), None)


def is_bip21(text: str) -> bool:
    return text.strip()[: len(SCHEME)].lower() == SCHEME


def btc_to_sats(amount: str) -> int:
    """A BIP-21 amount (decimal BTC, no exponent, no sign, no thousands separator) in satoshis.

    Read digit by digit, never through a rounding decimal context: ``1.0000000000000000000000000001``
    has more than 8 decimals and is refused, not rounded to 1 BTC.
    """
    if not _AMOUNT.fullmatch(amount):
        raise TransportError("BIP-21 amount is not a plain decimal number of BTC")
    whole, _, fraction = amount.partition(".")
    whole, fraction = whole.lstrip("0"), fraction.rstrip("0")
    if len(fraction) > 8:
        raise TransportError("BIP-21 amount has more than 8 decimals")
    if len(whole) > len(str(MAX_SATS // 100_000_000)):
        raise TransportError("BIP-21 amount exceeds 21 million BTC")
    sats = int(whole or "0") * 100_000_000 + int(fraction.ljust(8, "0"))
    if sats > MAX_SATS:
        raise TransportError("BIP-21 amount exceeds 21 million BTC")
    return sats


def parse_bip21(text: str) -> BIP21:
    """Parse a ``bitcoin:`` URI; TransportError says which rule it breaks."""
    uri = text.strip()
    if not is_bip21(uri):
        raise TransportError("not a bitcoin: URI")
    target, _, query = uri[len(SCHEME) :].partition("?")
    address = parse_bitcoin_address(target) if target else None
    amount = label = message = None
    others: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for key, value in split_query(query, "BIP-21", values_required=False):
        name = key.lower()
        if name in _SINGLE:
            if name in seen:
                raise TransportError(f"BIP-21 URI gives {name} twice")
            seen.add(name)
        if name == "amount":
            if not value:
                raise TransportError("BIP-21 amount has no value")
            amount = btc_to_sats(value)
        elif name == "label":
            label = value or None
        elif name == "message":
            message = value or None
        elif name.startswith("req-"):
            raise TransportError(f"BIP-21 URI requires parameter {key!r}, which Airlock does not understand")
        else:
            others.append((name, value))
    if address is None and not others:
        raise TransportError("BIP-21 URI has no on-chain address and no other payment instruction")
    return BIP21(address, amount, label, message, tuple(others))
