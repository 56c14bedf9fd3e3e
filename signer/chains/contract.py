"""The one shape every chain has (Specter-DIY's "apps"): what it takes, how it reviews, how it signs.

A chain registers once (``signer.chains.registry``); the ``airlock sign`` command and the device's
scan dispatch both read the registry, so a new chain reaches both without an edit to either.

The verbs, in order::

    claim = chain.claims(payload)                 # is this scanned payload one of mine?
    request = chain.parse(payload)                # the typed request (AirlockError when malformed)
    review = chain.review(request, keys, context) # public keys only: what signing would mean
    signed = chain.sign(review, keys, accept)     # the private root: exactly what was reviewed

A ``Review`` is what every front end shows (headline, facts, warnings, refusals) and what the CLI
prints (``to_text``, ``to_json``: the chain's own documents). Its ``detail`` is the chain's own
review object, which keeps the signing plan, so a signature can only be made of what was reviewed.
``Signed`` says how the result goes back: the QR encodings the device offers, in order, and the
texts ``airlock sign`` prints for each ``--format``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import TYPE_CHECKING, Any, Protocol

from signer.errors import Refusal, UsageError, WatchOnlyError
from signer.review import ReviewWarning, Severity

if TYPE_CHECKING:
    from signer.btc.keys import BitcoinKeys
    from signer.eth.keys import EthKeys
    from signer.keys.accounts import AccountSpec
    from signer.transport.payload import Payload


class Claim(IntEnum):
    """How sure a chain is that a payload is its request; the registry takes the surest claim."""

    NO = 0
    MAYBE = 1  # a generic container (text, JSON, bytes) the chain tries: if it does not parse, the
    #            payload is "not a signing request" rather than "a broken request"
    YES = 2  # the payload's kind or content names this chain


class SeedChoice(Enum):
    """How a front end holding several seeds picks the one to sign with."""

    BY_REVIEW = "by-review"  # review with each seed in turn; the first that has something to sign
    BY_FINGERPRINT = "by-fingerprint"  # the seed the request names; else the only one; else ask


class ChainOption(Enum):
    """The options of ``Context`` a chain reads (``airlock sign`` refuses a BIP-322 proof message for a
    request whose chain does not read one)."""

    NETWORK = "network"
    TIP_HEIGHT = "tip_height"
    PROOF_MESSAGE = "proof_message"
    FINALIZE = "finalize"
    APPROVAL_LIMIT = "approval_limit"


class KeySource(Protocol):
    """A seed's keys as a chain sees them. Reviews use only the public side (fingerprint, public keys
    and addresses below the accounts); signing needs the private root, which watch-only keys lack."""

    @property
    def fingerprint(self) -> bytes:
        """The master key fingerprint (4 bytes)."""
        ...

    @property
    def can_sign(self) -> bool: ...

    def bitcoin(self, network: str) -> BitcoinKeys:
        """The Bitcoin keys on ``network`` with the registered multisig wallets of that network."""
        ...

    def ethereum(self) -> EthKeys: ...


@dataclass(frozen=True)
class Context:
    """What a review knows beyond the request and the keys: the seed's record and the person's options.

    Front ends fill what they have: the device its vault entry and settings, the CLI its flags."""

    label: str = ""  # the seed's name, shown next to its fingerprint
    # the seed's accounts (None: not known, the standard ones are assumed)
    accounts: tuple[AccountSpec, ...] | None = None
    networks: tuple[str, ...] = ()  # Bitcoin networks to try first (the seed's accounts, then settings)
    network: str | None = None  # the one Bitcoin network the person chose
    history: Mapping[str, Any] = field(default_factory=dict)  # the seed's signing history record
    now: int | None = None  # unix time for expiry checks (None: the clock's)
    tip_height: int | None = None  # Bitcoin: the current block height, for locktime checks
    proof_message: bytes | None = None  # Bitcoin: the message a BIP-322 proof PSBT is said to sign
    finalize: bool = False  # Bitcoin: finalize the single-sig inputs signed here
    approval_limit: str | None = None  # Ethereum: lower the request's token approval to this amount


@dataclass(frozen=True)
class Request:
    """A parsed request: the payload it came in (the reply takes its format) and the chain's object."""

    payload: Payload
    body: Any


@dataclass(frozen=True)
class Fact:
    """One line of what the review screen shows: a label and its value (values may span lines)."""

    label: str
    value: str


class ChainReview(Protocol):
    """The chain's own review object: its JSON (``--review-json``) and text (the CLI's stderr)."""

    def to_json(self) -> dict[str, Any]: ...

    def to_text(self) -> str: ...


@dataclass(frozen=True)
class Review:
    """What signing ``request`` with one seed means, as every front end shows it."""

    chain: str  # "bitcoin", "ethereum", ...
    kind: str  # btc-psbt, btc-bip322, btc-sign-message, eth-tx, eth-typed-data, eth-message, ...
    title: str  # the review screen's title ("Bitcoin")
    headline: str  # one big line on its first page ("Send 0.01000000 BTC")
    facts: tuple[Fact, ...]
    warnings: tuple[ReviewWarning, ...]  # as shown: may add notes the chain's JSON keeps elsewhere
    refusals: tuple[ReviewWarning, ...]  # never signed, whatever the person says
    detail: ChainReview  # the chain's own review, with the signing plan
    request: Request
    context: Context
    fingerprint: str  # the seed reviewed with (hex): signing checks it holds the same keys
    codes: tuple[str, ...] = ()  # the rule codes of the chain's review, sorted
    figures: Mapping[str, object] = field(default_factory=dict)  # key numbers (sent, fee, path...)
    ours: bool = True  # the seed has something to sign here (how Bitcoin chooses its seed)

    @property
    def has_danger(self) -> bool:
        return any(w.severity == Severity.DANGER for w in self.warnings)

    @property
    def danger_codes(self) -> list[str]:
        return sorted({w.code for w in self.warnings if w.severity == Severity.DANGER})

    def to_json(self) -> dict[str, Any]:
        return self.detail.to_json()

    def to_text(self) -> str:
        return self.detail.to_text()


class ReviewRefused(Refusal):
    """The review refuses the request, or holds danger the person did not accept: nothing signed."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def check_signable(review: Review, accept_risk: bool) -> None:
    """What ``airlock sign`` checks before signing: a refusal stops always, danger unless the person
    accepted it (the device's review screen does the same with its long hold)."""
    if review.refusals:
        first = review.refusals[0]
        raise ReviewRefused(f"refused ({first.code}): {first.message}", first.code)
    if review.has_danger and not accept_risk:
        raise ReviewRefused(
            f"not signed: danger warnings ({', '.join(review.danger_codes)}); review them and pass "
            "--accept-risk",
            "risk-not-accepted",
        )


NO_PRIVATE_KEY = (
    "these are watch-only keys (public keys from account exports): they cannot sign; sign on the "
    "device that holds the seed"
)


def check_keys(review: Review, keys: KeySource) -> None:
    """Sign only with a private root, and only with the seed the review was made with."""
    if not keys.can_sign:
        raise WatchOnlyError(NO_PRIVATE_KEY)
    if keys.fingerprint.hex() != review.fingerprint:
        raise ReviewRefused(
            "this review was made with another seed; review again before signing", "review-mismatch"
        )


@dataclass(frozen=True)
class Offer:
    """One way to give the signed result back."""

    label: str  # the name on the device's format switch: UR, BBQr, text, Electrum
    form: str  # ur | bbqr | text | base64
    data: bytes | str  # bytes for ur / bbqr / base64, the text itself for text
    type: str = ""  # the UR type or BBQr file type
    ecc: str = "M"  # error correction of a text code
    one_code: bool = False  # offered first when it fits one code on the screen, else last (Electrum)


@dataclass(frozen=True)
class Signed:
    """The signed result: what the device shows and what ``airlock sign`` prints."""

    title: str  # the result screen's title ("Signed PSBT")
    hint: str  # its caption ("Scan with your wallet")
    offers: tuple[Offer, ...]  # the device's encodings, first shown first
    reply: Offer  # what ``airlock sign`` prints without --format
    replies: Mapping[str, Offer] = field(default_factory=dict)  # what --format ur|bbqr|base64 gives
    only: str = ""  # why no other --format can answer (empty: another --format gives ``reply``)
    note: str = ""  # the CLI's closing line on stderr
    history: Mapping[str, Any] | None = None  # the seed's signing history to keep (None: unchanged)
    detail: Any = None  # the chain's own result

    def reply_for(self, fmt: str | None) -> Offer:
        """The CLI's answer for ``--format fmt`` (None: as the request came)."""
        if fmt is None:
            return self.reply
        if fmt in self.replies:
            return self.replies[fmt]
        if self.only:
            raise UsageError(f"{self.only}; --format must be {' or '.join(self.replies)}")
        return self.reply


@dataclass(frozen=True)
class Edit:
    """A change the person may make to a reviewed request (Ethereum: lower an unlimited approval).
    ``apply`` gives the edited request, which is reviewed again from the start."""

    label: str  # the key's word on the review screen ("limit")
    prompt: str  # the keyboard's title ("Limit in USDC")
    validate: Callable[[str], str | None]  # why a typed value cannot be used, or None
    status: Callable[[str], str]  # what the typed value means ("approve at most 5 USDC")
    apply: Callable[[str], Request]  # AirlockError when it cannot be applied
    layout: str = "digits"
    max_len: int = 40


@dataclass(frozen=True)
class Wording:
    """The words front ends show around a chain's review (the device's waiting and error screens)."""

    title: str  # "Bitcoin"
    reviewing: str  # "Checking the transaction..."
    review_failed: str  # the error screen's title when the review fails ("Not a valid PSBT")
    signing: str  # "Signing the transaction..."


class Chain(Protocol):
    """One chain (or one kind of request of a chain). Subclass it: the optional verbs have defaults."""

    name: str  # the registry's key ("bitcoin")
    kinds: frozenset[str]  # the payload kinds it may take (for "signable kinds" in errors)
    wording: Wording
    seed_choice: SeedChoice = SeedChoice.BY_FINGERPRINT
    options: frozenset[ChainOption] = frozenset()

    def claims(self, payload: Payload) -> Claim: ...

    def parse(self, payload: Payload) -> Request:
        """The typed request; AirlockError naming what is wrong when it is malformed."""
        ...

    def prepare(self, request: Request, context: Context) -> Request:
        """Apply what the person asked for on the command line before the review (default: nothing)."""
        return request

    def wanted_fingerprint(self, request: Request) -> str | None:
        """The seed the request names (hex fingerprint), if it names one."""
        return None

    def review(self, request: Request, keys: KeySource, context: Context) -> Review: ...

    def sign(self, review: Review, keys: KeySource, accept_risk: bool) -> Signed:
        """Sign exactly what ``review`` showed, with the keys it was made with."""
        ...

    def edits(self, review: Review) -> tuple[Edit, ...]:
        """Changes the device offers on the review screen (default: none)."""
        return ()
