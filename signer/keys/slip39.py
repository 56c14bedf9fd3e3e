"""SLIP-39 Shamir backups (shamir-mnemonic does the maths).

Two clearly separate modes:
- **native**: shares of a native SLIP-39 wallet (``Slip39Seed``). Combined on a Trezor they give
  the same wallet, exactly as SLIP-39 defines it.
- **bip39**: shares of an existing BIP-39 seed's *entropy*. Combining them here gives back the
  same 12/24 words. A Trezor would treat these shares as a *different* wallet (it would use the
  entropy itself as the BIP-32 seed, skipping BIP-39's PBKDF2), so they must be restored here.

The shares do not say which mode made them: ``split_bip39`` writes the same identifier, extendable
flag and iteration exponent a native wallet has, and no value of those fields could serve as a
marker, because every value is also a valid native wallet. So a set of shares whose secret has a
BIP-39 length (16, 20, 24, 28 or 32 bytes) is both a BIP-39 seed and a native wallet, and only the
person can say which one they made: ``candidates`` lists both (fingerprint and first address) for
them to choose. Only a secret of another length (18, 22, 26 or 30 bytes) is surely native.

Errors never quote share words (the first words identify the set; the rest are secret).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import shamir_mnemonic
from shamir_mnemonic.constants import ID_LENGTH_BITS
from shamir_mnemonic.shamir import EncryptedMasterSecret, ShareGroup
from shamir_mnemonic.share import Share
from shamir_mnemonic.wordlist import WORDLIST

from signer.keys import bip39
from signer.keys.accounts import AccountSpec, derive_btc_account
from signer.keys.errors import Slip39Error, UnknownShareWord
from signer.keys.secret import SecretBytes
from signer.keys.seed import Bip39Seed, SeedMaterial, Slip39Seed

MODES = ("native", "bip39")
MODE_NAMES = {
    "bip39": "seed words (shares Airlock made from 12 or 24 words)",
    "native": "SLIP-39 wallet (Trezor and other SLIP-39 wallets)",
}
SHARE_LENGTHS = (20, 33)  # words, for 128- and 256-bit secrets


@lru_cache(maxsize=1)
def wordlist() -> tuple[str, ...]:
    return tuple(WORDLIST)


def complete(prefix: str) -> list[str]:
    prefix = prefix.lower()
    return [w for w in wordlist() if w.startswith(prefix)]


def share_in_qr(content: bytes) -> list[str] | None:
    """The words of a SLIP-39 share card's QR code (the share's words separated by spaces), or None
    when the code holds anything else. Only the shape is checked here; ``progress`` checks the share."""
    try:
        words = content.decode("ascii").lower().split()
    except UnicodeDecodeError:
        return None
    known = set(wordlist())
    if len(words) not in SHARE_LENGTHS or any(w not in known for w in words):
        return None
    return words


@dataclass(frozen=True)
class SplitPlan:
    """``group_threshold`` of the ``groups`` (each (member_threshold, member_count)) are needed.

    A group as read from text may have another count of numbers: ``check`` says which is wrong."""

    group_threshold: int
    groups: tuple[tuple[int, ...], ...]

    @classmethod
    def single(cls, threshold: int, count: int) -> SplitPlan:
        return cls(1, ((threshold, count),))

    @classmethod
    def parse(cls, text: str) -> SplitPlan:
        """``"2of3"`` (one group) or ``"2:2of3,3of5,1of1"`` (group threshold, then the groups)."""
        try:
            group_threshold, _, rest = text.rpartition(":") if ":" in text else ("1", "", text)
            groups = tuple(tuple(int(x) for x in g.lower().split("of")) for g in rest.split(","))
            plan = cls(int(group_threshold), groups)
        except ValueError:
            raise Slip39Error(
                f"cannot read the split plan {text!r}; write e.g. 2of3 or 2:2of3,2of3,1of1"
            ) from None
        plan.check()
        return plan

    def check(self) -> None:
        if not self.groups or len(self.groups) > 16:
            raise Slip39Error("a split has between 1 and 16 groups")
        if not 1 <= self.group_threshold <= len(self.groups):
            raise Slip39Error(f"group threshold must be 1..{len(self.groups)}")
        for i, group in enumerate(self.groups, start=1):
            if len(group) != 2:
                raise Slip39Error(f"group {i}: write it as MofN")
            m, n = group
            if not 1 <= m <= n <= 16:
                raise Slip39Error(f"group {i}: {m} of {n} is not possible (1 <= M <= N <= 16)")
            if m == 1 and n > 1:
                raise Slip39Error(
                    f"group {i}: 1 of {n} makes copies, not shares; use 1 of 1 for a single card"
                )

    def member_pairs(self) -> list[tuple[int, int]]:
        """(member_threshold, member_count) of each group, once ``check`` has passed."""
        return [(group[0], group[1]) for group in self.groups]

    def describe(self) -> str:
        groups = ", ".join(f"{m} of {n}" for m, n in self.groups)
        if len(self.groups) == 1:
            return f"{groups} shares"
        return f"{self.group_threshold} of {len(self.groups)} groups ({groups})"


def split_native(seed: Slip39Seed, plan: SplitPlan) -> list[list[str]]:
    """Shares of a native SLIP-39 wallet (its stored encrypted master secret and passphrase)."""
    plan.check()
    groups = shamir_mnemonic.split_ems(plan.group_threshold, plan.member_pairs(), seed.to_ems())
    return [[share.mnemonic() for share in group] for group in groups]


def split_bip39(
    seed: Bip39Seed,
    plan: SplitPlan,
    passphrase: str = "",
    extendable: bool = True,
    iteration_exponent: int = 1,
) -> list[list[str]]:
    """Shares of a BIP-39 seed's entropy (restores to the same words here; a different wallet on Trezor)."""
    plan.check()
    identifier = int.from_bytes(os.urandom(2), "big") & ((1 << ID_LENGTH_BITS) - 1)
    ems = shamir_mnemonic.EncryptedMasterSecret.from_master_secret(
        seed.entropy.reveal(), passphrase.encode(), identifier, extendable, iteration_exponent
    )
    groups = shamir_mnemonic.split_ems(plan.group_threshold, plan.member_pairs(), ems)
    return [[share.mnemonic() for share in group] for group in groups]


@dataclass(frozen=True)
class Progress:
    """How far a set of entered shares is from recovery (for "2 of 3" on screen)."""

    groups_needed: int
    groups_complete: int
    shares_by_group: dict[int, tuple[int, int]]  # group index -> (have, need)

    @property
    def complete(self) -> bool:
        return self.groups_complete >= self.groups_needed

    def describe(self) -> str:
        if len(self.shares_by_group) == 1 and self.groups_needed == 1:
            have, need = next(iter(self.shares_by_group.values()))
            return f"{have} of {need}"
        parts = [f"group {g + 1}: {h} of {n}" for g, (h, n) in sorted(self.shares_by_group.items())]
        return f"{self.groups_complete} of {self.groups_needed} groups ({'; '.join(parts)})"


def parse_share(mnemonic: str, position: int = 1) -> Share:
    """Parse one share with a specific error; ``position`` names it in messages (1-based)."""
    words = mnemonic.lower().split()
    known = set(wordlist())
    for i, word in enumerate(words, start=1):
        if word not in known:
            hint = [w for w in wordlist() if w.startswith(word[:3])][:3] if len(word) >= 3 else []
            raise UnknownShareWord(f"share {position}: word {i} is not in the SLIP-39 list", i, hint)
    if len(words) < SHARE_LENGTHS[0]:
        raise Slip39Error(f"share {position}: has {len(words)} words; SLIP-39 shares have 20 or 33")
    try:
        return shamir_mnemonic.Share.from_mnemonic(" ".join(words))
    except shamir_mnemonic.MnemonicError as exc:
        text = str(exc)
        if "checksum" in text:
            raise Slip39Error(f"share {position}: checksum is wrong (a word is mistyped)") from None
        if "length" in text:
            raise Slip39Error(f"share {position}: {len(words)} words is not a valid share length") from None
        raise Slip39Error(f"share {position}: not a valid SLIP-39 share") from None


def _collect(mnemonics: list[str]) -> tuple[dict[int, dict[int, Share]], Share]:
    shares: dict[int, dict[int, Share]] = {}
    first: Share | None = None
    seen: dict[str, int] = {}
    for pos, mnemonic in enumerate(mnemonics, start=1):
        norm = " ".join(mnemonic.lower().split())
        if norm in seen:
            raise Slip39Error(f"share {pos} is a duplicate of share {seen[norm]}")
        seen[norm] = pos
        share = parse_share(norm, pos)
        if first is None:
            first = share
        elif share.common_parameters() != first.common_parameters():
            raise Slip39Error(f"share {pos} belongs to another set of shares (different backup)")
        group = shares.setdefault(share.group_index, {})
        if group and next(iter(group.values())).group_parameters() != share.group_parameters():
            raise Slip39Error(f"share {pos} does not match the other shares of its group")
        if share.index in group:
            raise Slip39Error(f"share {pos} has the same number as an earlier share but other words")
        group[share.index] = share
    if first is None:
        raise Slip39Error("no shares given")
    return shares, first


def progress(mnemonics: list[str]) -> Progress:
    shares, first = _collect(mnemonics)
    by_group = {g: (len(m), next(iter(m.values())).member_threshold) for g, m in shares.items()}
    complete = sum(1 for have, need in by_group.values() if have >= need)
    return Progress(first.group_threshold, complete, by_group)


def recover_ems(mnemonics: list[str]) -> EncryptedMasterSecret:
    """The encrypted master secret from enough shares, in any order; extra shares are fine."""
    shares, first = _collect(mnemonics)
    state = progress(mnemonics)
    if not state.complete:
        missing = [
            f"group {g + 1} needs {need - have} more"
            for g, (have, need) in sorted(state.shares_by_group.items())
            if have < need
        ]
        if state.groups_needed == 1 and len(state.shares_by_group) == 1:
            have, need = next(iter(state.shares_by_group.values()))
            raise Slip39Error(f"not enough shares: {have} of {need}; {need - have} more needed")
        raise Slip39Error(
            f"not enough shares: {state.groups_complete} of {state.groups_needed} groups complete"
            + (f" ({'; '.join(missing)})" if missing else "")
        )
    groups: dict[int, ShareGroup] = {}
    for g, members in sorted(shares.items()):
        threshold = next(iter(members.values())).member_threshold
        if len(members) < threshold or len(groups) >= first.group_threshold:
            continue
        group = ShareGroup()
        for index in sorted(members)[:threshold]:
            group.add(members[index])
        groups[g] = group
    try:
        return shamir_mnemonic.recover_ems(groups)
    except shamir_mnemonic.MnemonicError:
        raise Slip39Error(
            "the shares do not fit together (digest check failed): one is from another split"
        ) from None


def combine_native(mnemonics: list[str]) -> Slip39Seed:
    """A native SLIP-39 wallet from its shares (the passphrase is applied when the seed is used)."""
    return Slip39Seed.from_ems(recover_ems(mnemonics))


def combine_bip39(mnemonics: list[str], passphrase: str = "") -> Bip39Seed:
    """The BIP-39 seed whose entropy these shares carry (mode ``bip39``)."""
    ems = recover_ems(mnemonics)
    entropy = ems.decrypt(passphrase.encode())
    if len(entropy) not in (16, 20, 24, 28, 32):
        raise Slip39Error("these shares do not hold BIP-39 entropy (wrong length); use native mode")
    return Bip39Seed(SecretBytes(entropy))


def master_secret(mnemonics: list[str], passphrase: str = "") -> bytes:
    """The decrypted master secret (= BIP-32 seed of a native wallet)."""
    return recover_ems(mnemonics).decrypt(passphrase.encode())


@dataclass(frozen=True)
class Candidate:
    """One wallet a set of shares can restore, as the person can recognise it."""

    mode: str  # "bip39" or "native"
    fingerprint: str
    first_address: str  # BIP-84 receive address m/84h/0h/0h/0/0 on mainnet
    words: int | None = None  # the mnemonic's length for mode bip39

    @property
    def name(self) -> str:
        return MODE_NAMES[self.mode]

    def describe(self) -> str:
        return f"{self.name}: fingerprint {self.fingerprint}, first address {self.first_address}"

    def to_json(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "fingerprint": self.fingerprint,
            "first_address": self.first_address,
            "words": self.words,
        }


def _candidate(mode: str, bip32_seed: bytes, words: int | None = None) -> Candidate:
    account = derive_btc_account(bip32_seed, AccountSpec("btc-84"))
    return Candidate(mode, account.fingerprint, account.address(0, 0), words)


def candidates(mnemonics: list[str], passphrase: str = "") -> list[Candidate]:
    """Every wallet these shares can restore: the BIP-39 seed (when the secret has a BIP-39
    length) first, then the native SLIP-39 wallet. More than one means the person must choose."""
    secret = bytearray(master_secret(mnemonics, passphrase))
    try:
        found = []
        if len(secret) in bip39.ENTROPY_BYTES.values():
            words = bip39.mnemonic_from_entropy(bytes(secret))
            found.append(_candidate("bip39", bip39.mnemonic_to_seed(words), len(words.split())))
        found.append(_candidate("native", bytes(secret)))
        return found
    finally:
        secret[:] = bytes(len(secret))


def combine(mnemonics: list[str], mode: str, passphrase: str = "") -> SeedMaterial:
    """The seed these shares hold, read as ``mode`` (one of ``MODES``, as the person chose it).

    ``passphrase`` is the share passphrase of mode bip39; a native wallet keeps its encrypted
    master secret and applies its passphrase whenever it is used."""
    if mode == "bip39":
        return combine_bip39(mnemonics, passphrase)
    if mode == "native":
        return combine_native(mnemonics)
    raise Slip39Error(f"unknown kind of shares {mode!r}; choose native or bip39")
