"""``airlock account show --format ur`` for Bitcoin, and multisig crypto-output back to descriptor text.

The UR the command prints is decoded with the transport layer; the xpub is rebuilt from the hdkey
with embit (key data, chain code, depth, parent fingerprint, child number) and checked against the
BIP-49/84/86 test vectors ("abandon ... about") and the addresses they list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import shared_vectors
from conftest import ABANDON, LEGAL
from embit.bip32 import HDKey as Bip32Key
from embit.descriptor import Descriptor
from embit.ec import PublicKey
from embit.networks import NETWORKS
from hypothesis import given, settings
from hypothesis import strategies as st

from signer.btc.export import descriptor_from_output
from signer.cli import main
from signer.commands.account import account_ur
from signer.keys.accounts import AccountSpec, derive_btc_account
from signer.keys.bip39 import mnemonic_to_seed
from signer.transport.errors import TransportError
from signer.transport.ur import decode_single, encode_single
from signer.transport.urtypes import (
    Account,
    CoinInfo,
    CryptoOutput,
    HDKey,
    Keypath,
    MultiKey,
    decode_ur,
    to_ur,
)

ABANDON_FP = "73c5da0a"  # master fingerprint of "abandon ... about" (BIP-84/86 test vectors)
# BIP-84 test vector: account 0 zpub and first receive address
BIP84_ZPUB = (
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNf"
    "E3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs"
)
BIP84_RECEIVE_0 = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
BIP84_CHANGE_0 = "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"

# kind -> (purpose, BIP-48 script type, crypto-output script expressions as Keystone, SeedSigner and
#          Sparrow write and read them,
#          descriptor template for the first receive address, or None for a cosigner key)
KINDS: dict[str, tuple[int, int | None, tuple[str, ...], str | None]] = {
    "btc-44": (44, None, ("pkh",), "pkh({})"),
    "btc-49": (49, None, ("sh", "wpkh"), "sh(wpkh({}))"),
    "btc-84": (84, None, ("wpkh",), "wpkh({})"),
    "btc-86": (86, None, ("tr",), "tr({})"),
    "btc-48-1": (48, 1, ("sh", "wsh"), None),
    "btc-48-2": (48, 2, ("wsh",), None),
}
H = 0x80000000


def cli_ur(
    capsys: pytest.CaptureFixture[str],
    mnemonic_file: Path,
    kind: str,
    network: str = "main",
    index: int = 0,
) -> str:
    argv = ["account", "show", "--mnemonic-file", str(mnemonic_file), "--account", kind]
    argv += ["--network", network, "--index", str(index), "--format", "ur"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 1, out
    return lines[0]


def decode_account(text: str) -> Account:
    account = decode_ur(decode_single(text))
    assert isinstance(account, Account)
    return account


def only_output(account: Account) -> tuple[tuple[str, ...], HDKey]:
    (output,) = account.outputs
    assert isinstance(output, CryptoOutput) and isinstance(output.key, HDKey)
    return output.scripts, output.key


def rebuild_xpub(key: HDKey, network: str) -> str:
    """The BIP-32 serialisation of the hdkey, from its own fields only."""
    assert key.origin is not None and key.chain_code is not None and key.origin.depth is not None
    node = Bip32Key(
        PublicKey.parse(key.key_data),
        key.chain_code,
        version=NETWORKS[network]["xpub"],
        depth=key.origin.depth,
        fingerprint=(key.parent_fingerprint or 0).to_bytes(4, "big"),
        child_number=key.origin.indexes[-1],
    )
    return node.to_base58()


def first_address(template: str, xpub: str, network: str, change: int = 0) -> str:
    child = Bip32Key.from_string(xpub).derive([change, 0])
    return Descriptor.from_string(template.format(child.key.sec().hex())).address(NETWORKS[network])


def as_xpub(slip132: str, network: str) -> str:
    key = Bip32Key.from_string(slip132)
    return key.to_base58(version=NETWORKS[network]["xpub"])


@pytest.fixture
def abandon_file(secret_input: Callable[[str, str], Path]) -> Path:
    return secret_input("abandon.txt", ABANDON + "\n")


# -- the command ---------------------------------------------------------------------------------
def test_btc84_prints_one_upper_case_ur_line(capsys: pytest.CaptureFixture[str], abandon_file: Path) -> None:
    line = cli_ur(capsys, abandon_file, "btc-84")
    assert line == line.upper() and line.startswith("UR:CRYPTO-ACCOUNT/")
    assert re.fullmatch(r"UR:CRYPTO-ACCOUNT/[A-Z]+", line)


def test_btc84_matches_the_bip84_vector(capsys: pytest.CaptureFixture[str], abandon_file: Path) -> None:
    account = decode_account(cli_ur(capsys, abandon_file, "btc-84"))
    assert f"{account.master_fingerprint:08x}" == ABANDON_FP
    scripts, key = only_output(account)
    assert scripts == ("wpkh",)
    assert key.origin is not None
    assert key.origin.to_path_string() == "m/84'/0'/0'"
    assert f"{key.origin.source_fingerprint:08x}" == ABANDON_FP and key.origin.depth == 3
    assert key.use_info == CoinInfo(0, 0) and not key.is_private
    xpub = rebuild_xpub(key, "main")
    assert xpub == as_xpub(BIP84_ZPUB, "main")
    assert xpub == derive_btc_account(mnemonic_to_seed(ABANDON), AccountSpec.parse("btc-84")).xpub
    assert first_address("wpkh({})", xpub, "main") == BIP84_RECEIVE_0
    assert first_address("wpkh({})", xpub, "main", change=1) == BIP84_CHANGE_0


@pytest.mark.parametrize("network", ["main", "test", "signet", "regtest"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_and_network(
    capsys: pytest.CaptureFixture[str], abandon_file: Path, kind: str, network: str
) -> None:
    purpose, script_type, expected_scripts, template = KINDS[kind]
    index = 1 if network == "signet" else 0
    account = decode_account(cli_ur(capsys, abandon_file, kind, network, index))
    assert f"{account.master_fingerprint:08x}" == ABANDON_FP
    scripts, key = only_output(account)
    assert scripts == expected_scripts
    coin = 0 if network == "main" else 1
    steps = [purpose, coin, index] + ([script_type] if script_type is not None else [])
    assert key.origin is not None
    assert key.origin.indexes == [H | s for s in steps] and key.origin.depth == len(steps)
    assert f"{key.origin.source_fingerprint:08x}" == ABANDON_FP
    assert key.use_info == CoinInfo(0, 0 if network == "main" else 1)
    assert key.is_testnet is (network != "main")
    # the parent fingerprint is that of the key one step up, derived here independently
    root = Bip32Key.from_seed(mnemonic_to_seed(ABANDON))
    parent = root.derive([H | s for s in steps[:-1]])
    assert key.parent_fingerprint == int.from_bytes(parent.my_fingerprint, "big")
    embit_net = "main" if network == "main" else "test"
    device = derive_btc_account(mnemonic_to_seed(ABANDON), AccountSpec.parse(kind, network, index))
    assert rebuild_xpub(key, embit_net) == device.xpub
    if template is not None:
        assert first_address(template, device.xpub, network) == device.address(0, 0)


SCRIPT_TAGS = {"sh": 400, "wsh": 401, "pkh": 403, "wpkh": 404, "tr": 409}


@pytest.mark.parametrize("network", ["main", "test"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_written_as_the_deployed_readers_read_it(kind: str, network: str) -> None:
    """The CBOR itself: each crypto-account element is the bare script-tag chain (Keystone's registry
    fails on BCR-2020-015's 308 wrapper and has no cosigner tag 410), and the key's coin info names
    its network even on mainnet (urtypes shows a key without it as a tpub). The interop tests check
    the same with the readers themselves."""
    from cbor2 import CBORTag

    from signer.transport import dcbor

    text = account_ur(mnemonic_to_seed(ABANDON), AccountSpec.parse(kind, network))
    item = dcbor.loads(decode_single(text).cbor, what="test")
    assert item[1] == int(ABANDON_FP, 16)
    (node,) = item[2]
    tags = []
    while isinstance(node, CBORTag) and node.tag != 303:
        tags.append(node.tag)
        node = node.value
    assert tags == [SCRIPT_TAGS[s] for s in KINDS[kind][2]]
    assert isinstance(node, CBORTag) and node.tag == 303
    use_info = node.value[5]
    assert use_info.tag == 305 and use_info.value == {2: 0 if network == "main" else 1}


def _vector_cases(data: Any) -> list[tuple[str, dict[str, str]]]:
    """(kind, network, account xpub, first receive address) from the BIP-49/84/86 vector file."""
    bip84 = {e["label"]: e for e in data["bip84"]}
    bip86 = {e["label"]: e for e in data["bip86"]}
    bip49 = {e["label"]: e for e in data["bip49"]}
    address49 = re.search(
        r"\b(2[1-9A-HJ-NP-Za-km-z]{30,40})\b",
        bip49["addressBytes base58check encoded for testnet"]["address"],
    )
    assert address49 is not None
    return [
        (
            "bip84",
            {
                "kind": "btc-84",
                "network": "main",
                "xpub": bip84["Account 0, root = m/84'/0'/0'"]["xpub"],
                "address": bip84["Account 0, first receiving address = m/84'/0'/0'/0/0"]["address"],
            },
        ),
        (
            "bip86",
            {
                "kind": "btc-86",
                "network": "main",
                "xpub": bip86["Account 0, root = m/86'/0'/0'"]["xpub"],
                "address": bip86["Account 0, first receiving address = m/86'/0'/0'/0/0"]["address"],
            },
        ),
        (
            "bip49-testnet",
            {
                "kind": "btc-49",
                "network": "test",
                "xpub": bip49["Account 0, root = m/49'/1'/0'"]["account0Xpub"].split()[0],
                "address": address49[1],
            },
        ),
    ]


@pytest.mark.parametrize("case", shared_vectors.cases("bip86/bip49-84-86-test-vectors.json", _vector_cases))
def test_public_vectors(capsys: pytest.CaptureFixture[str], abandon_file: Path, case: dict[str, str]) -> None:
    account = decode_account(cli_ur(capsys, abandon_file, case["kind"], case["network"]))
    _, key = only_output(account)
    xpub = rebuild_xpub(key, case["network"])
    assert xpub == as_xpub(case["xpub"], case["network"])
    template = KINDS[case["kind"]][3]
    assert template is not None
    assert first_address(template, xpub, case["network"]) == case["address"]


@settings(max_examples=25, deadline=None)
@given(kind=st.sampled_from(sorted(KINDS)), index=st.integers(0, 2**31 - 1), main=st.booleans())
def test_any_account_index_round_trips(kind: str, index: int, main: bool) -> None:
    network = "main" if main else "test"
    spec = AccountSpec.parse(kind, network, index)
    seed = mnemonic_to_seed(LEGAL)
    _, key = only_output(decode_account(account_ur(seed, spec)))
    assert key.origin is not None and key.origin.indexes[-1] == H | (KINDS[kind][1] or index)
    assert rebuild_xpub(key, network) == derive_btc_account(seed, spec).xpub


# -- multisig crypto-output back to descriptor text ------------------------------------------------
def cosigner_hdkey(mnemonic: str, kind: str = "btc-48-2") -> HDKey:
    """The cosigner key as another device exports it (our own command, decoded like a scan)."""
    return only_output(decode_account(account_ur(mnemonic_to_seed(mnemonic), AccountSpec.parse(kind))))[1]


def scanned(output: CryptoOutput) -> CryptoOutput:
    decoded = decode_ur(decode_single(encode_single(to_ur(output, legacy=True))))
    assert isinstance(decoded, CryptoOutput)
    return decoded


@pytest.mark.parametrize(
    ("kind", "scripts", "wrap"),
    [
        ("btc-48-2", ("wsh", "sortedmulti"), "wsh({})"),
        ("btc-48-1", ("sh", "wsh", "sortedmulti"), "sh(wsh({}))"),
    ],
)
def test_multisig_output_to_descriptor(kind: str, scripts: tuple[str, ...], wrap: str) -> None:
    from signer.btc.multisig import parse_descriptor

    keys = tuple(cosigner_hdkey(m, kind) for m in (ABANDON, LEGAL))
    text = descriptor_from_output(scanned(CryptoOutput(scripts, MultiKey(2, keys))))
    expressions = [
        derive_btc_account(mnemonic_to_seed(m), AccountSpec.parse(kind)).key_expression
        for m in (ABANDON, LEGAL)
    ]
    assert text == wrap.format(f"sortedmulti(2,{','.join(expressions)})")
    wallet = parse_descriptor(text, "two of two")
    assert (wallet.m, wallet.n) == (2, 2)
    assert {c.fingerprint.hex() for c in wallet.cosigners} == {
        ABANDON_FP,
        Bip32Key.from_seed(mnemonic_to_seed(LEGAL)).my_fingerprint.hex(),
    }


def test_multisig_output_keeps_given_children() -> None:
    """A key that names its children keeps them; one that does not gets the receive/change pair."""
    key = _variant(cosigner_hdkey(ABANDON), children=Keypath.from_path_string("0/*"))
    other = cosigner_hdkey(LEGAL)
    text = descriptor_from_output(scanned(CryptoOutput(("wsh", "sortedmulti"), MultiKey(1, (key, other)))))
    ours = derive_btc_account(mnemonic_to_seed(ABANDON), AccountSpec.parse("btc-48-2"))
    theirs = derive_btc_account(mnemonic_to_seed(LEGAL), AccountSpec.parse("btc-48-2"))
    assert (
        text
        == f"wsh(sortedmulti(1,{ours.key_expression.removesuffix('<0;1>/*')}0/*,{theirs.key_expression}))"
    )


def test_legacy_p2sh_multisig_output_becomes_a_descriptor() -> None:
    """SeedSigner and Sparrow export legacy P2SH wallets as crypto-output sh(sortedmulti(...))."""
    keys = (cosigner_hdkey(ABANDON), cosigner_hdkey(LEGAL))
    text = descriptor_from_output(scanned(CryptoOutput(("sh", "sortedmulti"), MultiKey(2, keys))))
    ours = derive_btc_account(mnemonic_to_seed(ABANDON), AccountSpec.parse("btc-48-2"))
    theirs = derive_btc_account(mnemonic_to_seed(LEGAL), AccountSpec.parse("btc-48-2"))
    assert text == f"sh(sortedmulti(2,{ours.key_expression},{theirs.key_expression}))"


def _variant(key: HDKey, **changes: Any) -> HDKey:
    fields = {
        "key_data": key.key_data,
        "chain_code": key.chain_code,
        "use_info": key.use_info,
        "origin": key.origin,
        "parent_fingerprint": key.parent_fingerprint,
    }
    return HDKey(**{**fields, **changes})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda k: CryptoOutput(("wpkh",), k), "only a multisig output"),
        (lambda k: CryptoOutput(("wsh", "multi"), MultiKey(1, (k,))), "sortedmulti"),
        (lambda k: CryptoOutput(("sh", "multi"), MultiKey(1, (k,))), "sortedmulti"),
        (
            lambda k: CryptoOutput(("wsh", "sortedmulti"), MultiKey(1, (_variant(k, origin=None),))),
            "fingerprint and path",
        ),
        (
            lambda k: CryptoOutput(
                ("wsh", "sortedmulti"),
                MultiKey(1, (_variant(k, origin=Keypath.from_path_string("m/48'/0'/0'/2'")),)),
            ),
            "fingerprint and path",
        ),
        (
            lambda k: CryptoOutput(("wsh", "sortedmulti"), MultiKey(1, (_variant(k, chain_code=None),))),
            "chain code",
        ),
        (
            lambda k: CryptoOutput(
                ("wsh", "sortedmulti"),
                MultiKey(1, (_variant(k, origin=Keypath.from_path_string("m/48'/*", 0x73C5DA0A)),)),
            ),
            "plain derivation path",
        ),
        (
            lambda k: CryptoOutput(
                ("wsh", "sortedmulti"), MultiKey(1, (_variant(k, key_data=b"\x02" + b"\xff" * 32),))
            ),
            "not a valid public key",
        ),
        (
            lambda k: CryptoOutput(
                ("wsh", "sortedmulti"),
                MultiKey(1, (_variant(k, key_data=b"\x00" + b"\x01" * 32, is_private=True),)),
            ),
            "must be public",
        ),
        (lambda k: "wsh(sortedmulti(1,...))", "only a multisig output"),
    ],
)
def test_bad_multisig_outputs_are_refused(make: Callable[[HDKey], object], message: str) -> None:
    with pytest.raises(TransportError, match=re.escape(message)):
        descriptor_from_output(make(cosigner_hdkey(ABANDON)))
