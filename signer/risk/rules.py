"""Risk rules: decoded Ethereum requests in, ReviewWarning(code, severity, message) out.

Only signer-side facts are used (the decoded request, this device's address history, the
shipped tag library and allowlist), so the rules hold even when the online companion lies.
Codes are stable; the UI, the CLI's review JSON and the tests key on them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from signer import safe_text
from signer.eth import registry
from signer.eth.decoded_call import Call
from signer.eth.effects import Approval, Control, Effect, Trade, Transfer, format_amount
from signer.eth.message import PersonalMessage
from signer.eth.primitives import checksum, parse_address
from signer.eth.safe import SAFE_BATCH_CONTRACTS
from signer.eth.tx import Authorization, UnsignedTx
from signer.eth.typed_data import TypedData, typed_addresses
from signer.eth.typed_meaning import TypedMeaning
from signer.review import ReviewWarning, Severity
from signer.risk.history import AddressHistory
from signer.risk.library import RiskLibrary
from signer.risk.trades import judge

LONG_EXPIRY = 30 * 24 * 3600  # permits usable for longer than this are "long-lived"
FEE_SHARE = 0.10  # fee above this share of the value sent is high
FEE_DANGER_FACTOR = 10  # fee above this many times the chain's cap is danger
APPROVAL_GAS_LIMIT = 1_000_000  # Rabby rule 1118: an approve/revoke needing more is suspicious
# Where anything sent is lost: the zero address, the precompiles and other addresses below 0x10000
# (0x...dEaD among them), and the other burn address in common use.
BURN_ADDRESSES = {bytes.fromhex("dead000000000000000042069420694206942069")}
LOW_ADDRESS_LIMIT = 2**16


def is_burn_address(address: bytes) -> bool:
    return int.from_bytes(address, "big") < LOW_ADDRESS_LIMIT or address in BURN_ADDRESSES

# Codes (stable).
UNLIMITED_APPROVAL = "unlimited-approval"
APPROVAL_NO_EXPIRY = "approval-no-expiry"
PERMIT_LONG_EXPIRY = "permit-long-expiry"
SET_APPROVAL_FOR_ALL = "set-approval-for-all"
PERMIT_SIGNATURE = "permit-signature"
FAKE_PERMIT2 = "fake-permit2"
BLIND_HASH = "blind-hash-signature"
MESSAGE_NOT_TEXT = "message-not-text"
EIP7702 = "eip7702-delegation"
RECIPIENT_IS_TOKEN = "recipient-is-token-contract"
LOOKALIKE = "lookalike-address"
FIRST_TIME = "first-time-recipient"
TAGGED = "tagged-address"
CHAIN_MISMATCH = "chain-mismatch"
UNKNOWN_CHAIN = "unknown-chain"
TYPED_NO_CHAIN = "typed-data-no-chain"
TYPED_IGNORED = "typed-data-ignored-fields"
FEE_HIGH = "fee-high"
CONTRACT_CREATION = "contract-creation"
CONTROL_CHANGE = "control-change"
UNKNOWN_CALL = "unknown-call"
MALFORMED_CALLDATA = "malformed-calldata"
TRAILING_CALLDATA = "calldata-trailing-bytes"
SCAM_CALL = "suspected-scam-call"
BATCH_APPROVALS = "batch-approvals"
BURN_ADDRESS = "burn-address"
SEAPORT_ORDER = "seaport-order"
LIMIT_ORDER = "limit-order"
FOREIGN_RECIPIENT = "foreign-recipient"
SIGN_IN = "sign-in-request"
SIGN_IN_LOOKALIKE = "sign-in-lookalike-domain"
SIGN_IN_MISMATCH = "sign-in-domain-mismatch"
HIDDEN_CHARACTERS = "hidden-characters"
UNKNOWN_TYPED_DATA = "unknown-typed-data"
TRANSFER_SIGNATURE = "transfer-signature"
DELEGATECALL = "delegatecall"
SAFE_GAS_REFUND = "safe-gas-refund"


@lru_cache(maxsize=1)
def builtin_delegates() -> dict[bytes, str]:
    data = json.loads(resources.files("signer.risk").joinpath("delegates.json").read_text())
    return {parse_address(d["address"]): str(d["name"]) for d in data["delegates"]}


@dataclass
class RiskContext:
    """What the rules know beyond the request itself. Everything is optional."""

    expected_chain_id: int | None = None  # the request's chain id (ERC-4527) or the device's chosen chain
    history: AddressHistory | None = None  # addresses this seed has signed for
    library: RiskLibrary | None = None  # risk address tags
    own_addresses: frozenset[bytes] = field(default_factory=frozenset)
    now: int | None = None  # unix time for expiry checks (the Pi may have no clock: pass a sane one)
    delegates: Mapping[bytes, str] | None = None  # EIP-7702 allowlist; None = built-in

    @property
    def clock(self) -> int:
        return self.now if self.now is not None else int(time.time())


class _Out:
    def __init__(self) -> None:
        self.items: list[ReviewWarning] = []

    def add(self, code: str, severity: Severity, message: str) -> None:
        w = ReviewWarning(code, severity, message)
        if w not in self.items:
            self.items.append(w)

    def sorted(self) -> list[ReviewWarning]:
        rank = {Severity.DANGER: 0, Severity.WARN: 1, Severity.INFO: 2}
        return sorted(self.items, key=lambda w: rank[w.severity])


NO_REAL_END = 100 * 365 * 24 * 3600  # an end date more than a century away is no end at all


def _never(ts: int | None, now: int) -> bool:
    """True when ``ts`` is no deadline in practice: absent, or more than a century from now."""
    return ts is None or ts - now > NO_REAL_END


def _when(ts: int) -> str:
    try:
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts))
    except (OverflowError, ValueError, OSError):
        return f"unix time {ts}"


# -- shared effect rules -------------------------------------------------------------------------


def _effect_rules(
    out: _Out, effects: list[Effect], chain_id: int, ctx: RiskContext, *, offchain: bool
) -> None:
    now = ctx.clock
    grants = [e for e in effects if isinstance(e, Approval) and not e.revoke]
    if len(grants) >= 2:
        out.add(BATCH_APPROVALS, Severity.WARN, f"{len(grants)} approvals are granted at once")
    for e in effects:
        if isinstance(e, Approval):
            _approval_rules(out, e, chain_id, now, offchain=offchain)
        elif isinstance(e, Transfer):
            _transfer_rules(out, e, chain_id, ctx, offchain=offchain)
        elif isinstance(e, Trade):
            _trade_rules(out, e, chain_id, ctx)
        else:
            out.add(
                CONTROL_CHANGE,
                Severity.DANGER,
                f"{e.describe(chain_id)}. Whoever controls it can move everything it holds",
            )


def _approval_rules(out: _Out, e: Approval, chain_id: int, now: int, *, offchain: bool) -> None:
    if e.revoke:
        return
    what = e.describe(chain_id)
    if e.standard == "nft-all":
        out.add(
            SET_APPROVAL_FOR_ALL,
            Severity.DANGER,
            f"setApprovalForAll: {what} (every present and future NFT of the collection, until revoked)",
        )
        if offchain and e.signature:
            out.add(
                PERMIT_SIGNATURE,
                Severity.DANGER,
                f"This signature is an approval for ALL your NFTs of the collection that anyone holding it "
                f"can submit: {what}",
            )
        return
    if e.unlimited:
        out.add(
            UNLIMITED_APPROVAL, Severity.DANGER, f"Unlimited approval: {what}. Set an exact amount if you can"
        )
    never_expires = _never(e.expiration, now)
    if e.standard in ("erc20", "erc20-or-721", "erc20-permit", "dai-permit") or (
        e.standard == "permit2" and never_expires
    ):
        out.add(
            APPROVAL_NO_EXPIRY, Severity.WARN, f"The allowance never expires: {what}. Revoke it when done"
        )
    long_lived = False
    expiration = e.expiration if e.standard == "permit2" and not never_expires else None
    if expiration is not None and expiration > now + LONG_EXPIRY:
        long_lived = True
        out.add(PERMIT_LONG_EXPIRY, Severity.WARN, f"Permit2 allowance lasts until {_when(expiration)}")
    if e.signature and (_never(e.deadline, now) or (e.deadline or 0) > now + LONG_EXPIRY):
        long_lived = True
        out.add(
            PERMIT_LONG_EXPIRY,
            Severity.WARN,
            "The permit signature never expires"
            if _never(e.deadline, now)
            else f"The permit signature can be used until {_when(e.deadline or 0)}",
        )
    if offchain and e.signature:
        if e.standard == "permit2" and never_expires:
            long_lived = True
        whole_nft = e.standard == "nft-permit"  # all or nothing: the whole NFT (a position, a collectible)
        severity = Severity.DANGER if e.unlimited or long_lived or whole_nft else Severity.WARN
        kind = "a one-time transfer" if e.standard == "permit2-transfer" else "an approval"
        out.add(
            PERMIT_SIGNATURE, severity, f"This signature is {kind} that anyone holding it can submit: {what}"
        )


def _transfer_rules(out: _Out, e: Transfer, chain_id: int, ctx: RiskContext, *, offchain: bool) -> None:
    if e.purpose == "gas-refund":
        _gas_refund_rule(out, e, chain_id, ctx)
        return
    if e.purpose in ("proceeds", "pull") and e.recipient not in ctx.own_addresses:
        what = e.describe(chain_id).removeprefix("send ")
        out.add(
            FOREIGN_RECIPIENT,
            Severity.DANGER,
            f"{what[0].upper()}{what[1:]}: "
            + (
                "your tokens are taken and sent to someone else"
                if e.purpose == "pull"
                else "what you get (at least this much) goes to someone else, not to you"
            ),
        )
    if e.signature and offchain:
        now = ctx.clock
        lasting = _never(e.valid_until, now) or (e.valid_until or 0) > now + LONG_EXPIRY
        if _never(e.valid_until, now):
            until = "at any time: it never expires"
        else:
            until = f"until {_when(e.valid_until or 0)}"
        out.add(
            TRANSFER_SIGNATURE,
            Severity.DANGER if lasting else Severity.WARN,
            f"This signature is a payment: {e.describe(chain_id)}. Whoever holds it can submit it {until}",
        )
    if is_burn_address(e.recipient):
        out.add(
            BURN_ADDRESS,
            Severity.DANGER,
            f"Recipient {checksum(e.recipient)} is a burn address (or a precompile): anything sent there "
            "is lost",
        )
    if e.asset == "native":
        token = registry.token(chain_id, e.recipient)
        if token is not None and not token.wrapped:
            out.add(
                RECIPIENT_IS_TOKEN,
                Severity.DANGER,
                f"Sending the native coin to the {token.symbol} token contract: it cannot be recovered",
            )
        return
    if e.token is not None and e.recipient == e.token:
        out.add(
            RECIPIENT_IS_TOKEN,
            Severity.DANGER,
            f"The recipient is the token contract itself "
            f"({checksum(e.recipient)}): tokens sent there are lost",
        )
        return
    token = registry.token(chain_id, e.recipient)
    if token is not None:
        out.add(
            RECIPIENT_IS_TOKEN,
            Severity.DANGER,
            f"The recipient {checksum(e.recipient)} is the {token.symbol} "
            "token contract, not a wallet: tokens sent there are lost",
        )


def _gas_refund_rule(out: _Out, e: Transfer, chain_id: int, ctx: RiskContext) -> None:
    stranger = e.recipient != bytes(20) and e.recipient not in ctx.own_addresses
    out.add(
        SAFE_GAS_REFUND,
        Severity.DANGER if stranger else Severity.WARN,
        f"{e.describe(chain_id)[0].upper()}{e.describe(chain_id)[1:]}"
        + (": a third party is paid from the Safe" if stranger else ""),
    )


# -- address rules (history, library) ------------------------------------------------------------


def _address_rules(
    out: _Out,
    chain_id: int,
    ctx: RiskContext,
    counterparties: Iterable[bytes],
    recipients: Iterable[bytes],
    involved: Iterable[bytes],
) -> None:
    if ctx.library is not None:
        for address in dict.fromkeys(involved):
            for tag in ctx.library.lookup(chain_id, address):
                out.add(TAGGED, Severity.DANGER, f"{checksum(address)} is flagged: {tag}")
    known = ctx.history
    for address in dict.fromkeys(counterparties):
        if address in ctx.own_addresses:
            continue
        matches = []
        if known is not None:
            matches = [m.known for m in known.lookalikes(address)]
        for own in ctx.own_addresses:
            if own != address and _looks_alike(own, address):
                matches.append("0x" + own.hex())
        for m in matches[:3]:
            out.add(
                LOOKALIKE,
                Severity.DANGER,
                f"{checksum(address)} looks like {checksum(bytes.fromhex(m[2:]))}, "
                "an address you used before, but is different: check every character (address poisoning)",
            )
    if known is not None:
        for address in dict.fromkeys(recipients):
            if address not in ctx.own_addresses and not known.contains(address):
                out.add(
                    FIRST_TIME, Severity.INFO, f"First time sending to {checksum(address)} from this seed"
                )


def _looks_alike(a: bytes, b: bytes) -> bool:
    x, y = a.hex(), b.hex()
    return x[:4] == y[:4] and x[-4:] == y[-4:] and x != y


def _collect(effects: list[Effect]) -> tuple[list[bytes], list[bytes]]:
    """(counterparties to check for lookalikes, recipients of value)."""
    counterparties, recipients = [], []
    for e in effects:
        if isinstance(e, Transfer) and e.purpose == "gas-refund":
            counterparties += [e.recipient] if e.recipient != bytes(20) else []
        elif isinstance(e, Transfer):
            counterparties.append(e.recipient)
            recipients.append(e.recipient)
        elif isinstance(e, Trade):
            counterparties += [a for a in (e.receiver, *(leg.recipient for leg in e.others)) if a]
        elif isinstance(e, Control):
            counterparties += [e.grantee] if e.grantee else []
        elif not e.revoke:
            counterparties.append(e.spender)
    return counterparties, recipients


# -- transactions -------------------------------------------------------------------------------


def transaction_warnings(tx: UnsignedTx, call: Call | None, ctx: RiskContext) -> list[ReviewWarning]:
    out = _Out()
    chain = registry.chain(tx.chain_id)
    if ctx.expected_chain_id is not None and ctx.expected_chain_id != tx.chain_id:
        out.add(
            CHAIN_MISMATCH,
            Severity.DANGER,
            f"The request says chain {ctx.expected_chain_id} but the "
            f"transaction is for chain {tx.chain_id} ({chain.name})",
        )
    if not chain.known:
        out.add(
            UNKNOWN_CHAIN,
            Severity.INFO,
            f"Chain id {tx.chain_id} is not in this device's chain table; "
            "amounts are shown in 18-decimal units",
        )
    _fee_rules(out, tx, call, chain)
    if tx.is_contract_creation:
        out.add(
            CONTRACT_CREATION,
            Severity.WARN,
            f"Deploys a new contract ({len(tx.data)} bytes of code that cannot be reviewed here)",
        )
    effects = call.all_effects() if call is not None else []
    if call is not None and not tx.is_contract_creation:
        _call_rules(out, call, tx.chain_id, tx.value)
    _effect_rules(out, effects, tx.chain_id, ctx, offchain=False)
    for auth in tx.authorization_list:
        _authorization_rule(out, auth, tx.chain_id, ctx)
    counterparties, recipients = _collect(effects)
    involved = [e.token for e in effects if isinstance(e, Approval | Transfer) and e.token] + counterparties
    if call is not None:
        involved += [c.target for c in call.walk() if c.target]
    involved += [a.address for a in tx.authorization_list]
    counterparties += [a.address for a in tx.authorization_list if not a.is_revocation]
    _address_rules(out, tx.chain_id, ctx, counterparties, recipients, involved)
    return out.sorted()


def _fee_rules(out: _Out, tx: UnsignedTx, call: Call | None, chain: registry.Chain) -> None:
    fee = tx.max_fee
    text = format_amount(tx.chain_id, None, fee)
    if fee > chain.fee_cap:
        severity = Severity.DANGER if fee > FEE_DANGER_FACTOR * chain.fee_cap else Severity.WARN
        out.add(
            FEE_HIGH,
            severity,
            f"The fee can reach {text}, above this device's limit of "
            f"{format_amount(tx.chain_id, None, chain.fee_cap)} on {chain.name}",
        )
    elif tx.value and fee > tx.value * FEE_SHARE:
        out.add(
            FEE_HIGH,
            Severity.WARN,
            f"The fee can reach {text}, more than {int(FEE_SHARE * 100)}% of the "
            f"{format_amount(tx.chain_id, None, tx.value)} sent",
        )
    if (
        call is not None
        and tx.gas_limit > APPROVAL_GAS_LIMIT
        and any(isinstance(e, Approval) for e in call.effects)
        and not call.inner
    ):
        out.add(FEE_HIGH, Severity.WARN, f"Gas limit {tx.gas_limit:,} is far more than an approval needs")


def _call_rules(out: _Out, call: Call, chain_id: int, value: int) -> None:
    """Rules on a call tree: blind calls, unreadable calldata, delegatecalls, scam selectors."""
    for c in call.walk():
        where = f" (inside a batch, level {c.depth})" if c.depth else ""
        if c.delegatecall and c.target not in SAFE_BATCH_CONTRACTS:
            out.add(
                DELEGATECALL,
                Severity.DANGER,
                f"DELEGATECALL to {checksum(c.target or bytes(20))}{where}: its code runs as the account "
                "itself and can take every asset it holds",
            )
        if c.problem:
            out.add(
                MALFORMED_CALLDATA,
                Severity.DANGER,
                f"{c.title}{where}: {c.problem}. What it does cannot be shown reliably",
            )
        elif not c.known:
            out.add(
                UNKNOWN_CALL,
                Severity.WARN,
                f"Blind signing: {c.title} on {checksum(c.target or bytes(20))}"
                f"{where}. Its effect cannot be shown",
            )
        elif c.opaque:
            out.add(UNKNOWN_CALL, Severity.WARN, f"{c.title}{where}: its effect cannot be shown")
        if c.trailing:
            out.add(
                TRAILING_CALLDATA,
                Severity.WARN,
                f"{c.trailing} extra byte(s) after the arguments of "
                f"{c.signature}{where} (ignored by most contracts)",
            )
        if c.suspicious and (c.value or (c.depth == 0 and value)):
            out.add(
                SCAM_CALL,
                Severity.DANGER,
                f"{c.signature} with {format_amount(chain_id, None, c.value or value)} "
                "attached: a common 'claim / security update' scam that just takes the coins",
            )


def _authorization_rule(out: _Out, auth: Authorization, chain_id: int, ctx: RiskContext) -> None:
    authority = auth.authority
    who = checksum(authority) if authority else "an account (the signature is invalid; it will be skipped)"
    if auth.chain_id not in (0, chain_id):
        out.add(
            EIP7702, Severity.INFO, f"An authorization for chain {auth.chain_id} (not this chain) from {who}"
        )
        return
    if auth.is_revocation:
        out.add(EIP7702, Severity.INFO, f"Clears the EIP-7702 delegation of {who} (back to a plain account)")
        return
    allow = ctx.delegates if ctx.delegates is not None else builtin_delegates()
    delegate = checksum(auth.address)
    if auth.chain_id == 0:
        out.add(
            EIP7702,
            Severity.DANGER,
            f"EIP-7702: {who} hands control to {delegate} on EVERY chain (chain id 0)",
        )
    if auth.address in allow:
        out.add(
            EIP7702,
            Severity.WARN,
            f"EIP-7702: {who} will run the code of {allow[auth.address]} "
            f"({delegate}); that code controls all of the account's assets",
        )
    else:
        out.add(
            EIP7702,
            Severity.DANGER,
            f"EIP-7702: {who} hands full control of the account to {delegate}, a "
            "contract not on this device's list of known delegates",
        )


# -- typed data and messages ----------------------------------------------------------------------


def typed_data_warnings(td: TypedData, meaning: TypedMeaning, ctx: RiskContext) -> list[ReviewWarning]:
    out = _Out()
    chain_id = td.chain_id
    if chain_id is None:
        out.add(
            TYPED_NO_CHAIN,
            Severity.WARN,
            "The domain has no chain id: this signature is valid on every chain",
        )
    elif ctx.expected_chain_id is not None and chain_id != ctx.expected_chain_id:
        out.add(
            CHAIN_MISMATCH,
            Severity.DANGER,
            f"The signature is for chain {chain_id} but the request is for chain {ctx.expected_chain_id}",
        )
    effective_chain = chain_id if chain_id is not None else (ctx.expected_chain_id or 1)
    if meaning.fake_permit2:
        out.add(
            FAKE_PERMIT2,
            Severity.DANGER,
            "The domain claims to be Permit2 but its verifying contract "
            f"{checksum(td.verifying_contract or bytes(20))} is not the real Permit2: a phishing signature",
        )
    if td.ignored_fields:
        out.add(
            TYPED_IGNORED,
            Severity.WARN,
            f"{len(td.ignored_fields)} field(s) are not part of the signed types "
            f"and are not shown: {', '.join(td.ignored_fields[:5])}",
        )
    hidden = td.hidden_character_fields()
    if hidden:
        out.add(
            HIDDEN_CHARACTERS,
            Severity.WARN,
            f"{len(hidden)} text field(s) hold hidden characters (control, right-to-left or invisible), "
            f"shown as \\x, \\u or \\U codes: {', '.join(hidden[:5])}",
        )
    if meaning.kind == "unknown":
        out.add(
            UNKNOWN_TYPED_DATA,
            Severity.WARN,
            f"Airlock does not know this kind of signature ({td.primary_type}"
            f"{' for ' + td.name if td.name else ''}): what it allows cannot be shown. "
            "Read every field below and sign only if you know the app",
        )
    if meaning.call is not None:  # a Safe transaction: its call is judged like a transaction's
        _call_rules(out, meaning.call, effective_chain, meaning.call.value)
    _effect_rules(out, list(meaning.effects), effective_chain, ctx, offchain=meaning.call is None)
    counterparties, recipients = _collect(list(meaning.effects))
    involved = typed_addresses(td.message) + counterparties
    if td.verifying_contract:
        involved.append(td.verifying_contract)
    _address_rules(out, effective_chain, ctx, counterparties, recipients, involved)
    return out.sorted()


def _trade_rules(out: _Out, trade: Trade, chain_id: int, ctx: RiskContext) -> None:
    """An order judged by value: what comes back against what is given (signer.risk.trades)."""
    code = SEAPORT_ORDER if trade.venue == "seaport" else LIMIT_ORDER
    what = trade.describe(chain_id)
    verdict = judge(trade, chain_id)
    if verdict.nothing:
        kind = "an NFT-drain listing" if trade.venue == "seaport" else "a drain order"
        out.add(code, Severity.DANGER, f"{what}. {verdict.nothing[0].upper()}{verdict.nothing[1:]}: {kind}")
    for shortfall in verdict.shortfalls:
        out.add(code, Severity.DANGER, f"{trade.name}: {shortfall}")
    for leg in verdict.any_nft:
        out.add(code, Severity.WARN, f"{trade.name}: you offer {leg.describe(chain_id)}, not one chosen NFT")
    receiver = trade.receiver
    if receiver is not None and receiver != trade.maker and receiver not in ctx.own_addresses:
        out.add(
            FOREIGN_RECIPIENT,
            Severity.DANGER,
            f"{trade.name}: what you receive goes to {checksum(receiver)}, not to you",
        )
    if not verdict.nothing and not verdict.shortfalls:
        paid_out = f"; {len(trade.others)} payment(s) go to other addresses" if trade.others else ""
        if trade.valid_until is None:
            until = "until it expires or is cancelled"
        elif _never(trade.valid_until, ctx.clock):
            until = "until cancelled: it never expires"
        else:
            until = f"until {_when(trade.valid_until)} unless cancelled"
        out.add(
            code,
            Severity.WARN,
            f"{what}. It moves your assets whenever someone fills it, {until}{paid_out}",
        )


def message_warnings(msg: PersonalMessage, ctx: RiskContext) -> list[ReviewWarning]:
    out = _Out()
    if msg.is_bare_hash:
        out.add(
            BLIND_HASH,
            Severity.DANGER,
            "Signing a bare 32-byte hash (eth_sign style): it can be a transaction "
            "or permit in disguise. Refused unless you override",
        )
    elif msg.looks_like_transaction:
        out.add(
            BLIND_HASH,
            Severity.DANGER,
            "The message is an encoded transaction: signing it blind can hand over "
            "funds. Refused unless you override",
        )
    elif msg.text is None:
        out.add(
            MESSAGE_NOT_TEXT,
            Severity.DANGER,
            f"The message is {len(msg.data)} bytes of binary data, not text: "
            "what it authorises cannot be shown",
        )
    elif msg.shown.escaped:
        out.add(
            HIDDEN_CHARACTERS,
            Severity.WARN,
            f"The message holds {msg.shown.escaped} hidden character(s) (control, right-to-left or "
            "invisible): they are shown as \\x, \\u or \\U codes. Read them before signing",
        )
    if msg.is_siwe:
        _sign_in_rules(out, msg)
    return out.sorted()


def _sign_in_rules(out: _Out, msg: PersonalMessage) -> None:
    """Sign-In with Ethereum: the site in the first line is what the person checks, so it must be
    the plain name it looks like, and the same site as the message's URI."""
    domain = msg.siwe_domain or ""
    out.add(
        SIGN_IN,
        Severity.INFO,
        "Sign-In with Ethereum: check that the site named in the first line is the one you are using",
    )
    found = safe_text.lookalike(domain)
    if found is not None:
        out.add(
            SIGN_IN_LOOKALIKE,
            Severity.DANGER if found.deceptive else Severity.WARN,
            f"The site {safe_text.visible(domain)} may imitate another: {found.reason}",
        )
    host = domain.rsplit("@", 1)[-1].split(":", 1)[0].lower()  # EIP-4361: authority = [userinfo@]host[:port]
    uri_host = msg.siwe_uri_host
    if uri_host is not None and uri_host.lower() != host:
        out.add(
            SIGN_IN_MISMATCH,
            Severity.WARN,
            f"The message names {safe_text.visible(domain)} but its URI is on {safe_text.visible(uri_host)}",
        )
