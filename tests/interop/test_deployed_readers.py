"""Airlock's URs against the readers deployed wallets use, in both directions.

The oracles (tests/interop/ur_readers.py): Keystone's ``@keystonehq/bc-ur-registry`` 0.8.0 (Keystone,
BlueWallet) and ``@keystonehq/bc-ur-registry-eth`` 0.22.1 (MetaMask's QR keyring), run with node
from ``.tools/``, and PyPI ``urtypes`` 1.0.1 (SeedSigner, Krux). Each export Airlock writes
(``airlock account show --format ur``, the BlueWallet crypto-output, signed PSBTs, eth-signature)
must be read by them as the same key, path, fingerprints, network and script type; each form they
write must be read by Airlock.

Known limit of the oracle, asserted so a new version is noticed: Keystone's JS registry has no
``tr`` (409) script expression; it drops the tag and sees a taproot account as a bare key.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shared_vectors
from conftest import ABANDON, LEGAL
from embit.bip32 import HDKey as Bip32Key
from embit.ec import PublicKey
from embit.networks import NETWORKS
from eth_account import Account as EthAccount
from eth_account.messages import encode_defunct
from eth_utils import keccak, to_checksum_address
from ur_readers import KeystoneReader, keystone_missing, urtypes_read

from signer.btc.export import output_ur, xpub_from_hdkey
from signer.cli import main
from signer.commands.account import account_ur
from signer.eth.export import NOTE_LEDGER_LIVE, NOTE_STANDARD
from signer.keys.accounts import AccountSpec, BtcAccount, derive_btc_account, derive_eth_account
from signer.keys.bip39 import mnemonic_to_seed
from signer.transport.ur import UR, UREncoder, decode_single
from signer.transport.urtypes import Account, CryptoOutput, HDKey, Keypath, decode_ur

SEED = mnemonic_to_seed(ABANDON)
FP = "73c5da0a"  # master fingerprint of "abandon ... about"
BTC_KINDS = ["btc-44", "btc-49", "btc-84", "btc-86", "btc-48-1", "btc-48-2"]
NETWORKS_ = ["main", "test"]
# What a reader should see as the account's script expressions.
SCRIPTS: dict[str, list[str]] = {
    "btc-44": ["pkh"],
    "btc-49": ["sh", "wpkh"],
    "btc-84": ["wpkh"],
    "btc-86": ["tr"],
    "btc-48-1": ["sh", "wsh"],
    "btc-48-2": ["wsh"],
}
KEYSTONE_SCRIPTS = {**SCRIPTS, "btc-86": []}  # Keystone's registry knows no tr (409): see the module doc


@pytest.fixture(scope="module")
def keystone() -> Iterator[KeystoneReader]:
    reason = keystone_missing()
    if reason is not None:
        pytest.skip(reason)
    reader = KeystoneReader()
    yield reader
    reader.close()


@pytest.fixture(scope="module", autouse=True)
def _urtypes() -> None:
    pytest.importorskip("urtypes", reason="urtypes (dev extra) is not installed")


def btc_account(kind: str, network: str) -> BtcAccount:
    return derive_btc_account(SEED, AccountSpec.parse(kind, network))


def origin_path(account: BtcAccount) -> str:
    return Keypath.from_path_string(account.path).to_path_string("")


def as_version(xpub: str, network: str) -> str:
    return Bip32Key.from_string(xpub).to_base58(version=NETWORKS[network]["xpub"])


def parent_fp(account: BtcAccount) -> str:
    return Bip32Key.from_string(account.xpub).fingerprint.hex()


def eth_address(sec: bytes) -> str:
    point = PublicKey.parse(sec)
    point.compressed = False
    return to_checksum_address(keccak(point.sec()[1:])[-20:])


def check_btc_key(seen: dict[str, Any], account: BtcAccount, network: str, xpub: str) -> None:
    """One reader's view of the account key against the device's own derivation."""
    assert seen["kind"] == "hdkey"
    assert seen["xpub"] == xpub
    assert seen["origin"]["path"] == origin_path(account)
    assert seen["origin"]["source_fingerprint"] == FP
    assert seen["parent_fingerprint"] == parent_fp(account)
    assert seen["use_info"]["network"] == (0 if network == "main" else 1)


# -- Airlock writes, the deployed readers read -------------------------------------------------------
@pytest.mark.parametrize("network", NETWORKS_)
@pytest.mark.parametrize("kind", BTC_KINDS)
def test_keystone_reads_the_account_export(keystone: KeystoneReader, kind: str, network: str) -> None:
    """Keystone's registry (BlueWallet, Keystone) takes the crypto-account; it always renders an
    xpub version and carries the network in use-info."""
    account = btc_account(kind, network)
    seen = keystone.read(account_ur(SEED, account.spec).upper())
    assert "error" not in seen, seen
    assert seen["type"] == "crypto-account" and seen["master_fingerprint"] == FP
    (output,) = seen["outputs"]
    assert output["scripts"] == KEYSTONE_SCRIPTS[kind]
    (key,) = output["keys"]
    check_btc_key(key, account, network, as_version(account.xpub, "main"))


@pytest.mark.parametrize("network", NETWORKS_)
@pytest.mark.parametrize("kind", BTC_KINDS)
def test_urtypes_reads_the_account_export(kind: str, network: str) -> None:
    """urtypes (SeedSigner, Krux) renders the key as xpub on mainnet and tpub on testnet."""
    account = btc_account(kind, network)
    ur = decode_single(account_ur(SEED, account.spec))
    seen = urtypes_read(ur.type, ur.cbor)
    assert "error" not in seen, seen
    assert seen["master_fingerprint"] == FP
    (output,) = seen["outputs"]
    assert output["scripts"] == SCRIPTS[kind]
    (key,) = output["keys"]
    assert key["xpub"][:4] == ("xpub" if network == "main" else "tpub")
    check_btc_key(key, account, network, account.xpub)
    body = f"[{FP}/{origin_path(account)}]{account.xpub}"
    assert output["descriptor"] == "".join(f"{s}(" for s in SCRIPTS[kind]) + body + ")" * len(SCRIPTS[kind])


@pytest.mark.parametrize("network", NETWORKS_)
@pytest.mark.parametrize("kind", BTC_KINDS)
def test_both_read_the_bluewallet_output_export(keystone: KeystoneReader, kind: str, network: str) -> None:
    account = btc_account(kind, network)
    ur = output_ur(account)
    ks = keystone.read(decode_single_text(ur))
    assert "error" not in ks, ks
    assert ks["type"] == "crypto-output" and ks["scripts"] == KEYSTONE_SCRIPTS[kind]
    check_btc_key(ks["keys"][0], account, network, as_version(account.xpub, "main"))
    ut = urtypes_read(ur.type, ur.cbor)
    assert "error" not in ut, ut
    assert ut["scripts"] == SCRIPTS[kind]
    check_btc_key(ut["keys"][0], account, network, account.xpub)


def decode_single_text(ur: UR) -> str:
    from signer.transport.ur import encode_single

    return encode_single(ur).upper()


def test_the_command_line_export_is_what_keystone_reads(
    keystone: KeystoneReader, secret_input: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``airlock account show --format ur`` prints the line a wallet scans."""
    words = secret_input("words.txt", ABANDON + "\n")
    argv = ["account", "show", "--mnemonic-file", str(words), "--account", "btc-84", "--format", "ur"]
    assert main(argv) == 0
    line = capsys.readouterr().out.strip()
    seen = keystone.read(line)
    assert seen["outputs"][0]["keys"][0]["xpub"] == btc_account("btc-84", "main").xpub


def test_metamask_reads_the_eth_hdkey(keystone: KeystoneReader) -> None:
    """MetaMask's keyring: source fingerprint present, xpub/0/i gives the device's addresses."""
    seen = keystone.read(account_ur(SEED, AccountSpec.parse("eth")).upper(), lib="eth")
    assert "error" not in seen, seen
    assert seen["origin"] == {"path": "44'/60'/0'", "source_fingerprint": FP, "depth": None}
    assert seen["children"]["path"] == "0/*" and seen["note"] == NOTE_STANDARD
    assert seen["use_info"] == {"type": 60, "network": 0}
    node = Bip32Key.from_string(seen["xpub"])
    device = derive_eth_account(SEED, AccountSpec.parse("eth"))
    assert [eth_address(node.derive([0, i]).key.sec()) for i in range(5)] == [
        device.address(i) for i in range(5)
    ]


def test_urtypes_reads_the_eth_hdkey_as_mainnet() -> None:
    ur = decode_single(account_ur(SEED, AccountSpec.parse("eth")))
    seen = urtypes_read(ur.type, ur.cbor)
    assert "error" not in seen, seen
    assert seen["xpub"].startswith("xpub") and seen["use_info"] == {"type": 60, "network": 0}
    assert seen["origin"]["path"] == "44'/60'/0'" and seen["origin"]["source_fingerprint"] == FP


def test_metamask_reads_the_ledger_live_account(keystone: KeystoneReader) -> None:
    """MetaMask's "pubkey" mode: a multiple of 5 keys, each through getHDKey(), address = keccak(key)."""
    text = account_ur(SEED, AccountSpec.parse("eth-ledger-live"))
    seen = keystone.read(text.upper(), lib="eth")
    assert "error" not in seen, seen
    assert seen["master_fingerprint"] == FP and len(seen["outputs"]) % 5 == 0
    device = derive_eth_account(SEED, AccountSpec.parse("eth-ledger-live"))
    for i, output in enumerate(seen["outputs"]):
        assert output["scripts"] == []
        (key,) = output["keys"]
        assert key["kind"] == "hdkey" and key["note"] == NOTE_LEDGER_LIVE
        assert key["origin"]["path"] == f"44'/60'/{i}'/0/0" and key["origin"]["source_fingerprint"] == FP
        assert eth_address(bytes.fromhex(key["key"])) == device.address(i)
    ur = decode_single(text)
    ut = urtypes_read(ur.type, ur.cbor)
    assert "error" not in ut, ut
    assert [o["keys"][0]["xpub"][:4] for o in ut["outputs"]] == ["xpub"] * 5


def test_keystone_and_urtypes_read_an_animated_psbt(keystone: KeystoneReader) -> None:
    """The fountain-coded crypto-psbt frames the device shows after signing."""
    psbt = shared_vectors.path("bbqr/1in10out.psbt")
    if psbt is None:
        pytest.skip("shared vectors not found (../shared absent)")
    data = psbt.read_bytes()
    encoder = UREncoder(UR("crypto-psbt", _cbor_bytes(data)), 120)
    assert encoder.seq_len > 1
    parts = [encoder.next_part().upper() for _ in range(encoder.seq_len + 3)]
    seen = keystone.read(*parts[1:])  # out of order, one part missing, repair parts after
    assert seen == {"type": "crypto-psbt", "psbt": data.hex()}
    assert urtypes_read("crypto-psbt", _cbor_bytes(data)) == {"type": "crypto-psbt", "psbt": data.hex()}


def test_keystone_and_urtypes_read_a_raw_bytes_reply(keystone: KeystoneReader) -> None:
    """A signed raw transaction goes back as ur:bytes when the request came as ur:bytes."""
    from signer.transport.urtypes import Bytes

    data = bytes(range(256)) * 2
    ur = UR("bytes", Bytes(data).to_cbor())
    encoder = UREncoder(ur, 100)
    parts = [encoder.next_part().upper() for _ in range(encoder.seq_len)]
    assert keystone.read(*parts) == {"type": "bytes", "data": data.hex()}
    assert urtypes_read("bytes", ur.cbor) == {"type": "bytes", "data": data.hex()}


def test_airlock_assembles_keystones_animated_psbt(keystone: KeystoneReader) -> None:
    """BlueWallet and Keystone animate a PSBT with the library's fountain encoder: the device's
    assembler takes the frames out of order and with the rateless parts beyond the first pass."""
    from signer.transport.assembler import Assembler

    psbt = shared_vectors.path("bbqr/1in10out.psbt")
    if psbt is None:
        pytest.skip("shared vectors not found (../shared absent)")
    data = psbt.read_bytes()
    parts = keystone.write_parts({"type": "crypto-psbt", "psbt": data.hex()}, max_fragment=90, count=40)
    assembler = Assembler()
    for part in reversed(parts):  # rateless parts first
        assembler.add(part.upper())
        if assembler.is_complete:
            break
    assert assembler.is_complete
    result = assembler.result
    assert (result.kind, result.ur_type, result.data) == ("psbt", "crypto-psbt", data)


def _cbor_bytes(data: bytes) -> bytes:
    from signer.transport.urtypes import PSBT

    return PSBT(data).to_cbor()


def test_metamask_reads_the_eth_signature_of_its_own_request(
    keystone: KeystoneReader, secret_input: Callable[[str, str], Path], tmp_path: Path, capsys: Any
) -> None:
    """MetaMask writes eth-sign-request; ``airlock sign`` answers; MetaMask reads the eth-signature."""
    request_id = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
    message = b"Sign in to example.org"
    request = keystone.write(
        {
            "type": "eth-sign-request",
            "sign_data": message.hex(),
            "data_type": 3,
            "path": "m/44'/60'/0'/0/0",
            "source_fingerprint": FP,
            "request_id": request_id,
            "chain_id": 1,
            "address": derive_eth_account(SEED, AccountSpec.parse("eth")).address(0),
            "origin": "metamask",
        },
        lib="eth",
    )
    path = tmp_path / "request.txt"
    path.write_text(request + "\n")
    words = secret_input("words.txt", ABANDON + "\n")
    assert main(["sign", str(path), "--mnemonic-file", str(words)]) == 0
    parts = capsys.readouterr().out.split()
    seen = keystone.read(*parts, lib="eth")
    assert seen["type"] == "eth-signature" and seen["request_id"] == uuid.UUID(request_id).hex
    signer = EthAccount.recover_message(encode_defunct(message), signature=bytes.fromhex(seen["signature"]))
    assert signer == derive_eth_account(SEED, AccountSpec.parse("eth")).address(0)


# -- the deployed writers write, Airlock reads -------------------------------------------------------
def key_spec(account: BtcAccount, network: str | None, **changes: Any) -> dict[str, Any]:
    """The account key as Keystone's CryptoHDKey constructor takes it."""
    node = Bip32Key.from_string(account.xpub)
    spec: dict[str, Any] = {
        "key": node.key.sec().hex(),
        "chain_code": node.chain_code.hex(),
        "origin": {"path": origin_path(account), "source_fingerprint": FP, "depth": node.depth},
        "children": None,
        "parent_fingerprint": parent_fp(account),
        "use_info": None if network is None else {"type": 0, "network": 0 if network == "main" else 1},
        "name": None,
        "note": None,
    }
    return {**spec, **changes}


def airlock_reads(text: str) -> tuple[tuple[str, ...], HDKey]:
    account = decode_ur(decode_single(text))
    assert isinstance(account, Account) and f"{account.master_fingerprint:08x}" == FP
    (output,) = account.outputs
    assert isinstance(output, CryptoOutput) and isinstance(output.key, HDKey)
    return output.scripts, output.key


@pytest.mark.parametrize("network", NETWORKS_)
@pytest.mark.parametrize("kind", [k for k in BTC_KINDS if k != "btc-86"])  # Keystone cannot write tr
def test_airlock_reads_keystone_accounts(keystone: KeystoneReader, kind: str, network: str) -> None:
    account = btc_account(kind, network)
    item = {
        "type": "crypto-account",
        "master_fingerprint": FP,
        "outputs": [{"scripts": SCRIPTS[kind], "keys": [key_spec(account, network)]}],
    }
    scripts, key = airlock_reads(keystone.write(item))
    assert list(scripts) == SCRIPTS[kind]
    assert xpub_from_hdkey(key) == account.xpub


@pytest.mark.parametrize(
    ("variant", "changes"),
    [
        ("no use-info", {"use_info": None}),
        ("origin without depth", {"origin": {"path": "84'/0'/0'", "source_fingerprint": FP, "depth": None}}),
        (
            "origin without fingerprint",
            {"origin": {"path": "84'/0'/0'", "source_fingerprint": None, "depth": 3}},
        ),
        ("children", {"children": {"path": "0/*", "source_fingerprint": None, "depth": None}}),
        ("name and note", {"name": "Keystone", "note": "account.standard"}),
        ("no parent fingerprint", {"parent_fingerprint": None}),
    ],
)
def test_airlock_reads_keystone_key_variants(keystone: KeystoneReader, variant: str, changes: dict) -> None:
    account = btc_account("btc-84", "main")
    spec = key_spec(account, "main", **changes)
    item = {
        "type": "crypto-account",
        "master_fingerprint": FP,
        "outputs": [{"scripts": ["wpkh"], "keys": [spec]}],
    }
    scripts, key = airlock_reads(keystone.write(item))
    assert (
        scripts == ("wpkh",)
        and key.key_data.hex() == spec["key"]
        and key.chain_code.hex() == spec["chain_code"]
    )
    assert key.origin is not None and key.origin.to_path_string("") == "84'/0'/0'"
    assert key.is_testnet is False
    if spec["parent_fingerprint"] is not None:
        assert xpub_from_hdkey(key) == account.xpub
    assert (key.name, key.note) == (spec["name"], spec["note"])
    assert (key.children.to_path_string("") if key.children else None) == (
        spec["children"]["path"] if spec["children"] else None
    )


def test_airlock_reads_a_keystone_multisig_output(keystone: KeystoneReader) -> None:
    """A wallet's wsh(sortedmulti) as Keystone's registry writes it, registered by Airlock."""
    from signer.btc.export import descriptor_from_output

    account = btc_account("btc-48-2", "main")
    legal = mnemonic_to_seed(LEGAL)
    other = derive_btc_account(legal, account.spec)
    other_origin = {"path": "48'/0'/0'/2'", "source_fingerprint": other.fingerprint, "depth": 4}
    keys = [key_spec(account, "main"), key_spec(other, "main", origin=other_origin)]
    item = {"type": "crypto-output", "scripts": ["wsh", "sortedmulti"], "threshold": 2, "keys": keys}
    text = keystone.write(item)
    output = decode_ur(decode_single(text))
    assert isinstance(output, CryptoOutput) and output.scripts == ("wsh", "sortedmulti")
    assert (
        descriptor_from_output(output)
        == f"wsh(sortedmulti(2,{account.key_expression},{other.key_expression}))"
    )


def test_airlock_reads_keystone_eth_hdkey(keystone: KeystoneReader) -> None:
    device = derive_eth_account(SEED, AccountSpec.parse("eth"))
    node = Bip32Key.from_seed(SEED).derive("m/44h/60h/0h")
    spec = {
        "type": "crypto-hdkey",
        "key": node.key.sec().hex(),
        "chain_code": node.chain_code.hex(),
        "origin": {"path": "44'/60'/0'", "source_fingerprint": FP, "depth": 3},
        "children": {"path": "0/*", "source_fingerprint": None, "depth": 0},
        "parent_fingerprint": node.fingerprint.hex(),
        "use_info": {"type": 60, "network": 0},
        "name": "Keystone",
        "note": NOTE_STANDARD,
    }
    key = decode_ur(decode_single(keystone.write(spec, lib="eth")))
    assert isinstance(key, HDKey) and key.note == NOTE_STANDARD and key.children is not None
    child = Bip32Key(PublicKey.parse(key.key_data), key.chain_code).derive([0, 0])
    assert eth_address(child.key.sec()) == device.address(0)


@pytest.mark.parametrize("network", NETWORKS_)
@pytest.mark.parametrize("kind", BTC_KINDS)
def test_airlock_reads_urtypes_accounts(kind: str, network: str) -> None:
    """crypto-account as urtypes writes it (Krux; SeedSigner without use-info, see below)."""
    from urtypes.crypto import Account as UAccount
    from urtypes.crypto import CoinInfo as UCoinInfo
    from urtypes.crypto import HDKey as UHDKey
    from urtypes.crypto import Keypath as UKeypath
    from urtypes.crypto import Output as UOutput
    from urtypes.crypto import PathComponent as UPathComponent
    from urtypes.crypto.output import SCRIPT_EXPRESSION_TAG_MAP

    account = btc_account(kind, network)
    node = Bip32Key.from_string(account.xpub)
    steps = [UPathComponent(int(s.rstrip("'")), s.endswith("'")) for s in origin_path(account).split("/")]
    key = UHDKey(
        {
            "key": node.key.sec(),
            "chain_code": node.chain_code,
            "origin": UKeypath(steps, bytes.fromhex(FP), len(steps)),
            "parent_fingerprint": node.fingerprint,
            "use_info": UCoinInfo(0, 0 if network == "main" else 1),
        }
    )
    tags = {v.expression: v for v in SCRIPT_EXPRESSION_TAG_MAP.values()}
    written = UAccount(bytes.fromhex(FP), [UOutput([tags[s] for s in SCRIPTS[kind]], key)]).to_cbor()
    scripts, hdkey = airlock_reads(decode_single_text(UR("crypto-account", bytes(written))))
    assert list(scripts) == SCRIPTS[kind] and xpub_from_hdkey(hdkey) == account.xpub


def test_airlock_reads_the_seedsigner_export() -> None:
    """SeedSigner's xpub export: urtypes, no use-info (mainnet by default), origin with depth."""
    from urtypes.crypto import Account as UAccount
    from urtypes.crypto import HDKey as UHDKey
    from urtypes.crypto import Keypath as UKeypath
    from urtypes.crypto import Output as UOutput
    from urtypes.crypto import PathComponent as UPathComponent
    from urtypes.crypto.output import SCRIPT_EXPRESSION_TAG_MAP

    account = btc_account("btc-84", "main")
    node = Bip32Key.from_string(account.xpub)
    origin = UKeypath(
        [UPathComponent(84, True), UPathComponent(0, True), UPathComponent(0, True)], bytes.fromhex(FP), 3
    )
    key = UHDKey(
        {
            "key": node.key.sec(),
            "chain_code": node.chain_code,
            "origin": origin,
            "parent_fingerprint": node.fingerprint,
        }
    )
    written = UAccount(bytes.fromhex(FP), [UOutput([SCRIPT_EXPRESSION_TAG_MAP[404]], key)]).to_cbor()
    scripts, hdkey = airlock_reads(decode_single_text(UR("crypto-account", bytes(written))))
    assert scripts == ("wpkh",) and hdkey.use_info is None and xpub_from_hdkey(hdkey) == account.xpub


def test_keystone_ledger_live_vector_is_read() -> None:
    """Keystone 3 firmware's Ledger Live crypto-account: bare hdkeys with no script expression
    (KeystoneHQ/keystone3-firmware rust/apps/wallets/src/metamask.rs, test_ledger_live)."""
    account = decode_ur(UR("crypto-account", bytes.fromhex(KEYSTONE_LEDGER_LIVE_HEX)))
    assert isinstance(account, Account) and account.master_fingerprint == 0x757E6FC9
    assert len(account.outputs) == 10
    for i, output in enumerate(account.outputs):
        assert isinstance(output, CryptoOutput) and output.scripts == ()
        key = output.key
        assert isinstance(key, HDKey) and key.note == NOTE_LEDGER_LIVE and key.name == "Keystone"
        assert key.origin is not None and key.origin.to_path_string() == f"m/44'/60'/{i}'/0/0"
        assert key.origin.source_fingerprint == 0x757E6FC9


KEYSTONE_LEDGER_LIVE_HEX = re.sub(
    r"\s+",
    "",
    """
a2011a757e6fc9028ad9012fa502f40358210326bd25d39a5eeb0217c4508bc5c50d28087121372daa5d2e48b30a8f33459986
06d90130a3018a182cf5183cf500f500f400f4021a757e6fc9030309684b657973746f6e650a736163636f756e742e6c656467
65725f6c697665d9012fa502f4035821030b235be63214e20961295fb82ff3fe365c21e3c5c203bc7a995b5f31fa10a86506d9
0130a3018a182cf5183cf501f500f400f4021a757e6fc9030309684b657973746f6e650a736163636f756e742e6c6564676572
5f6c697665d9012fa502f4035821020a48e423f5991eba82dc251aa4b7191bb4bf72838ff61e761fe1e08f374968e706d90130
a3018a182cf5183cf502f500f400f4021a757e6fc9030309684b657973746f6e650a736163636f756e742e6c65646765725f6c
697665d9012fa502f403582103c2d7cb8f289f4211064258c63c86a57d22eb4e2565fa1c9b203797251a1fad9d06d90130a301
8a182cf5183cf503f500f400f4021a757e6fc9030309684b657973746f6e650a736163636f756e742e6c65646765725f6c6976
65d9012fa502f403582103435a76cc11055f740187fbfe68a7a1f0180fe43f6835bd52797bb50c6e567a2506d90130a3018a18
2cf5183cf504f500f400f4021a757e6fc9030309684b657973746f6e650a736163636f756e742e6c65646765725f6c697665d9
012fa502f403582102f41789edb56ce2786392d4fb040565ac767be3e43355610a91853e65212a02a106d90130a3018a182cf5
183cf505f500f400f4021a757e6fc9030309684b657973746f6e650a736163636f756e742e6c65646765725f6c697665d9012f
a502f4035821038f4e60d5035d28a76d1b9a64dd7867b11fb652a56605a0e51923b4f49e23522a06d90130a3018a182cf5183c
f506f500f400f4021a757e6fc9030309684b657973746f6e650a736163636f756e742e6c65646765725f6c697665d9012fa502
f403582102765303723f047bac13ff1a9617c0891fd23ebcf7c7053d4c2d1dc49f24c9e0d906d90130a3018a182cf5183cf507
f500f400f4021a757e6fc9030309684b657973746f6e650a736163636f756e742e6c65646765725f6c697665d9012fa502f403
582103ac7982290292097e2d072b5520911a4c94af713ae49cdd8ab6fcd1895c194ef306d90130a3018a182cf5183cf508f500
f400f4021a757e6fc9030309684b657973746f6e650a736163636f756e742e6c65646765725f6c697665d9012fa502f4035821
039fcc0a270027ee3d8ad2b41f172d03aa8f5353a9876301e0799f845bda6f1f3506d90130a3018a182cf5183cf509f500f400
f4021a757e6fc9030309684b657973746f6e650a736163636f756e742e6c65646765725f6c697665
""",
)
