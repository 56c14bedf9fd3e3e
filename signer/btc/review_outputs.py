"""Where each output goes: someone else, change, another findable place of ours ("self"), or data.

An output is change only if its script re-derives from a registered multisig wallet, or from our key
at a standard BIP-44/49/84/86 path in the script type that path's purpose gives, on the change branch
of the account being spent and not far past its highest spent index. Our key anywhere else is a danger
("ransom change", RISK.md section 5: coins no wallet restored from the seed would find). A PSBT that
claims one of our keys for an output but names a key we do not derive there is lying: refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from signer.btc.findings import Findings
from signer.btc.keys import BitcoinKeys
from signer.btc.networks import address_from_script, format_path, script_type
from signer.btc.paths import CHANGE_BRANCH, standard_address_path
from signer.btc.psbt import PsbtOutput
from signer.btc.psbt_fields import KeyOrigin
from signer.btc.review import SINGLE_SIG_WALLET, OutputKind, OutputReview
from signer.btc.review_checks import check_path_network
from signer.btc.review_owners import Owner
from signer.btc.scripts import SINGLE_SIG_TYPES, SpendKind, single_sig_script
from signer.review import Severity

# Wallets scan 20 unused addresses past the last used one by default; people raise that, but not by
# thousands. Change or self on the account being spent at this many indexes past the highest index
# spent is danger; so is an index this high on an account or registered wallet that is not being
# spent (no spent index to compare against).
CHANGE_GAP = 1000
# Account numbers wallets reach (they add accounts one by one): another account at or past this is danger.
OTHER_ACCOUNT_LIMIT = 100
# No wallet scans this far on any branch, whatever index an input claims to come from: a host that
# knows an xpub can fund an address as deep as it likes and spend it to move the reference.
MAX_ADDRESS_INDEX = 100_000

AccountKey = tuple[int, ...] | str  # a single-sig account's path, or a registered wallet's descriptor


@dataclass(frozen=True)
class Account:
    """An account being spent (a standard single-sig account or a registered multisig wallet): the
    highest address index spent on each branch."""

    max_index: dict[int, int]


def spent_accounts(owners: Sequence[Owner | None]) -> dict[AccountKey, Account]:
    """The accounts our inputs spend from, keyed by account path (single-sig) or descriptor.

    Only standard paths make a single-sig account: an input at a path no standard wallet scans (which
    a host can derive below any xpub it was given, and fund) must not make that place acceptable change.
    """
    accounts: dict[AccountKey, Account] = {}
    for o in owners:
        if o is None:
            continue
        if o.wallet is not None and o.branch_index is not None:
            key: AccountKey = o.wallet.descriptor
            branch, index = o.branch_index
        else:
            std = standard_address_path(o.path)
            if std is None:
                continue
            key, branch, index = std.account_path, std.branch, std.index
        acc = accounts.setdefault(key, Account({}))
        acc.max_index[branch] = max(acc.max_index.get(branch, 0), index)
    return accounts


class Claim(NamedTuple):
    """A derivation the PSBT gives for an output, naming our fingerprint."""

    key: bytes  # compressed, or x-only for taproot
    xonly: bool
    origin: KeyOrigin


def classify_output(
    out: PsbtOutput,
    keys: BitcoinKeys,
    accounts: dict[AccountKey, Account],
    gap: int,
    f: Findings,
) -> OutputReview:
    """External, change, self (another findable account or wallet of ours) or data; dangers for our
    keys where wallets will not find the coins."""
    spk = out.script
    stype = script_type(spk)
    shown = partial(
        OutputReview,
        index=out.index,
        address=address_from_script(spk, keys.network),
        script_hex=spk.hex(),
        script_type=stype,
        amount=out.amount,
    )
    if stype == "op_return":
        return shown(kind=OutputKind.OP_RETURN)
    fp = keys.fingerprint
    claims = [Claim(pub, False, o) for pub, o in out.bip32.items() if o.fingerprint == fp]
    claims += [
        Claim(x, True, o) for x, (leaves, o) in out.tap_bip32.items() if o.fingerprint == fp and not leaves
    ]
    if not claims:
        return shown(kind=OutputKind.EXTERNAL)
    # registered multisig wallets first: their scripts re-derive completely
    to_wallet = _to_registered_wallet(out, claims, keys, accounts, gap, shown, f)
    return to_wallet if to_wallet is not None else _to_our_key(out, claims, keys, accounts, gap, shown, f)


def _to_registered_wallet(
    out: PsbtOutput,
    claims: list[Claim],
    keys: BitcoinKeys,
    accounts: dict[AccountKey, Account],
    gap: int,
    shown: Callable[..., OutputReview],
    f: Findings,
) -> OutputReview | None:
    """The output if a registered wallet re-derives its script at a claimed origin, else None."""
    for wallet in keys.multisig:
        for claim in claims:
            loc = wallet.locate(claim.origin)
            if loc is None:
                continue
            _, branch, index = loc
            if wallet.scripts_at(branch, index)[0] != out.script:
                continue
            where = format_path(claim.origin.path)
            acc = accounts.get(wallet.descriptor)
            if acc is None and index >= min(gap, MAX_ADDRESS_INDEX):
                f.warn(
                    "change-unverified",
                    Severity.DANGER,
                    f"output {out.index} pays registered wallet {wallet.name} at address index {index}; "
                    f"wallets look at indexes below {gap} only: they will not find it",
                )
                note = "our wallet at an unusual index"
                return shown(kind=OutputKind.EXTERNAL, path=where, wallet=wallet.name, note=note)
            if acc is None:
                f.warn(
                    "other-wallet",
                    Severity.INFO,
                    f"output {out.index} goes to registered wallet {wallet.name}, not the one being spent",
                )
                note = "another registered wallet"
                return shown(kind=OutputKind.SELF, path=where, wallet=wallet.name, note=note)
            check_path_network(claim.origin.path, keys.network, f"output {out.index}", f)
            _check_gap(out.index, index, acc, gap, f)
            kind = OutputKind.CHANGE if branch == CHANGE_BRANCH else OutputKind.SELF
            return shown(kind=kind, path=where, wallet=wallet.name)
    return None


def _to_our_key(
    out: PsbtOutput,
    claims: list[Claim],
    keys: BitcoinKeys,
    accounts: dict[AccountKey, Account],
    gap: int,
    shown: Callable[..., OutputReview],
    f: Findings,
) -> OutputReview:
    """The output as our single-sig key at a claimed path: refused if the key is not ours there,
    change or self only where a standard wallet finds it."""
    for claim in claims:
        derived = keys.pubkey(claim.origin.path)
        if (derived[1:] if claim.xonly else derived) != claim.key:
            where = format_path(claim.origin.path)
            f.refuse(
                "change-fraud",
                f"output {out.index} claims to pay this seed at {where}, but "
                "that is not the key this seed derives there (deception about change)",
            )
            return shown(kind=OutputKind.EXTERNAL, path=where, note="false change claim")
    # our key really is behind the claimed path; is the script the one a wallet scanning that path finds?
    for claim in claims:
        path = claim.origin.path
        check_path_network(path, keys.network, f"output {out.index}", f)
        actual = _single_sig_kind(out.script, keys.pubkey(path), out)
        if actual is None:
            continue
        where = format_path(path)
        std = standard_address_path(path)
        if std is None:
            f.warn(
                "change-unverified",
                Severity.DANGER,
                f"output {out.index} pays this seed at {where}, which is not a receive or change address "
                "of a standard wallet (m/purpose'/coin'/account'/0 or 1/index): wallets will not find it",
            )
            return shown(kind=OutputKind.EXTERNAL, path=where, note="our key at an unusual path")
        if actual != std.kind:
            f.warn(
                "change-wrong-type",
                Severity.DANGER,
                f"output {out.index} pays this seed's key at {where} as a {actual} address, but wallets "
                f"look for {std.kind} addresses on BIP-{std.purpose} paths: they will not find it",
            )
            return shown(kind=OutputKind.EXTERNAL, path=where, note="our key, unexpected address type")
        acc = accounts.get(std.account_path)
        if acc is not None:
            _check_gap(out.index, std.index, acc, gap, f)
            kind = OutputKind.CHANGE if std.branch == CHANGE_BRANCH else OutputKind.SELF
            return shown(kind=kind, path=where, wallet=SINGLE_SIG_WALLET)
        if std.account < OTHER_ACCOUNT_LIMIT and std.index < min(gap, MAX_ADDRESS_INDEX):
            f.warn(
                "other-account",
                Severity.INFO,
                f"output {out.index} goes to another account of this seed ({format_path(path[:3])})",
            )
            note = "another account of this seed"
            return shown(kind=OutputKind.SELF, path=where, wallet=SINGLE_SIG_WALLET, note=note)
        f.warn(
            "change-unverified",
            Severity.DANGER,
            f"output {out.index} pays another account of this seed at {where}; wallets look at accounts "
            f"below {OTHER_ACCOUNT_LIMIT} and indexes below {gap} only: they will not find it",
        )
        return shown(kind=OutputKind.EXTERNAL, path=where, note="our key at an unusual path")
    f.warn(
        "change-unverified",
        Severity.DANGER,
        f"output {out.index} names this seed but its script is not one we "
        "can re-derive (a multisig whose cosigners or threshold differ from every registered wallet?): "
        "treated as a payment to someone else",
    )
    return shown(kind=OutputKind.EXTERNAL, note="claims to be ours; not verified")


def _single_sig_kind(spk: bytes, sec: bytes, out: PsbtOutput) -> SpendKind | None:
    """Which single-sig script of key ``sec`` the output is (None if none, or if a taproot output's
    internal key field names another key)."""
    for kind in SINGLE_SIG_TYPES:
        if single_sig_script(kind, sec) == spk:
            if kind == SpendKind.P2TR and out.tap_internal_key not in (None, sec[1:]):
                return None
            return kind
    return None


def _check_gap(index_out: int, index: int, acc: Account, gap: int, f: Findings) -> None:
    """Change or self on the account being spent: danger when wallets will not look that far."""
    highest = max(acc.max_index.values(), default=0)
    if index >= MAX_ADDRESS_INDEX:
        f.warn(
            "change-index-gap",
            Severity.DANGER,
            f"output {index_out} uses address index {index}; no wallet looks that far "
            f"(whatever index an input was taken from): it will not be found",
        )
    elif index >= highest + gap:
        f.warn(
            "change-index-gap",
            Severity.DANGER,
            f"output {index_out} uses address index {index}, {index - highest} past the highest index "
            f"spent ({highest}); wallets do not look that far ahead: it will not be found",
        )
