"""Reading the device's account exports into a watch-only wallet's descriptors (no node needed)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from companion_cli import run, snapshot
from conftest import ABANDON
from device_exports import account, descriptor_export, json_export, key_export, show_text, ur_export

from companion.btc.exports import read_export
from companion.errors import CompanionError

KINDS = ("btc-84", "btc-86", "btc-49", "btc-44")


def _bytes_ur() -> str:
    from signer.transport.ur import encode_single
    from signer.transport.urtypes import Bytes, to_ur

    return encode_single(to_ur(Bytes(b"not an account")))


@pytest.mark.parametrize("kind", KINDS)
def test_every_export_form_gives_the_devices_own_addresses(kind: str) -> None:
    import bdkpython as bdk

    device = account(kind)
    forms = {
        "ur": ur_export(kind),
        "json": json_export(kind),
        "descriptor": descriptor_export(kind),
        "key": key_export(kind),
        "xpub key": key_export(kind, slip132=False),
    }
    imports = {name: read_export(text.encode(), "regtest") for name, text in forms.items()}
    assert imports["ur"].source == "ur:crypto-account"
    assert len({(i.descriptor, i.change_descriptor) for i in imports.values()}) == 1
    imported = imports["ur"]
    for branch, text in ((0, imported.descriptor), (1, imported.change_descriptor)):
        descriptor = bdk.Descriptor(text, bdk.NetworkKind.TEST)
        for index in (0, 1, 7):
            bdk_address = str(descriptor.derive_address(index, bdk.Network.REGTEST))
            assert bdk_address == device.address(branch, index)


def test_multi_line_ur_and_single_branch_descriptor() -> None:
    """UR lines go through the signer's Assembler; a ``/0/*`` descriptor gets ``/1/*`` for change."""
    one_line = read_export(ur_export().encode(), "regtest")
    two_lines = read_export((ur_export() + ur_export()).encode(), "regtest")  # a repeated frame is fine
    assert one_line == two_lines
    receive_only = descriptor_export().split("#")[0].replace("<0;1>", "0")
    assert read_export(receive_only.encode(), "regtest").change_descriptor == one_line.change_descriptor


@pytest.mark.parametrize(
    ("text", "network", "message"),
    [
        (ur_export(), "main", "the export's keys are for a test network, not main"),
        (ur_export(network="main"), "regtest", "the export's keys are for main network, not regtest"),
        (json_export(network="test"), "regtest", "the export is for the test network, not regtest"),
        (descriptor_export(network="main"), "test", "not test"),
        (json_export("btc-48-2"), "regtest", "one cosigner's key, not a wallet"),
        (ur_export("btc-48-2"), "regtest", "one cosigner's key, not a wallet"),
        (descriptor_export()[:-5] + "q\n", "regtest", "checksum"),
        (descriptor_export().replace("tpubD", "tpubE", 1), "regtest", "fails its checksum"),
        (ur_export()[:-12] + "\n", "regtest", "the UR is not readable"),
        ("", "regtest", "the export file is empty"),
        ("hello", "regtest", "the descriptor"),
        ('{"kind": "eth", "network": "regtest"}', "regtest", "has no descriptor"),
        ("[1, 2]", "regtest", "must be an object"),
        ("wpkh(tprv8ZgxMBicQKsPd7Uf69XL1XwhmjHopUGep8GuEiJDZmbQz6o58LninorQAfcKZWARbtRtfnLcJ5MQ2AtHcQJCCRUcMRvmDUjyEmNUWwx8UbK/84h/1h/0h/0/*)",
         "regtest", "holds a private key"),
        (_bytes_ur(), "regtest", "a bytes is not an account export"),
        (ur_export("eth", "main"), "main", "not a Bitcoin account"),
    ],
)  # fmt: skip
def test_bad_exports_give_one_clear_line(text: str, network: str, message: str) -> None:
    with pytest.raises(CompanionError) as caught:
        read_export(text.encode(), network)
    error = str(caught.value)
    assert message in error
    assert "\n" not in error
    assert "tprv" not in error and "tpub" not in error  # key material is never echoed


def test_binary_is_refused() -> None:
    with pytest.raises(CompanionError, match="not text"):
        read_export(b"\xff\xfe\x00psbt", "regtest")


@pytest.mark.parametrize("network", ["main", "regtest"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_key_with_fingerprint_and_path_is_the_same_wallet_as_the_ur(
    kind: str, network: str, secret_input: Callable[[str, str], Path]
) -> None:
    """Every way to give the key, fingerprint and path (SLIP-132 or not, h or ', the text `airlock
    account show` prints) makes the ur:crypto-account's descriptors; BDK's addresses are the device's."""
    import bdkpython as bdk

    words = secret_input("words.txt", ABANDON)
    forms = {
        "key": key_export(kind, network),
        "xpub key": key_export(kind, network, slip132=False),
        "apostrophes": key_export(kind, network, mark="'"),
        "with branches": key_export(kind, network).strip() + "/<0;1>/*",
        "account show": show_text(words, kind, network),
    }
    slip132 = {"btc-49": ("ypub", "upub"), "btc-84": ("zpub", "vpub")}.get(kind)
    if slip132 is not None:  # the SLIP-132 form really is what is read
        assert forms["key"].split("]")[1].startswith(slip132[network != "main"])
        assert "slip132" in forms["account show"]
    expected = read_export(ur_export(kind, network).encode(), network)
    for name, text in forms.items():
        imported = read_export(text.encode(), network)
        assert imported.descriptor == expected.descriptor, name
        assert imported.change_descriptor == expected.change_descriptor, name
        assert imported.source == ("account text" if name == "account show" else "key")
    device = account(kind, network)
    bdk_network = bdk.Network.BITCOIN if network == "main" else bdk.Network.REGTEST
    for branch, text in ((0, expected.descriptor), (1, expected.change_descriptor)):
        descriptor = bdk.Descriptor(text, bdk.NetworkKind.MAIN if network == "main" else bdk.NetworkKind.TEST)
        assert str(descriptor.derive_address(3, bdk_network)) == device.address(branch, 3)


def _child_key(kind: str, network: str, index: int) -> str:
    """The account key's unhardened child (a key one step below an account)."""
    from embit.bip32 import HDKey

    return str(HDKey.from_string(account(kind, network).xpub).derive([index]).to_base58())


_TPUB = account().xpub  # btc-84 on regtest, at m/84h/1h/0h
_FP = account().fingerprint


@pytest.mark.parametrize(
    ("text", "network", "message"),
    [
        (f"[{_FP}/44h/0h/0h]" + account("btc-84", "main").slip132, "main",  # type: ignore[operator]
         "a zpub key is for native segwit accounts (m/84h), not the path m/44h/0h/0h"),
        (f"[{_FP}/86h/1h/0h]" + account("btc-49").slip132, "regtest",  # type: ignore[operator]
         "a upub key is for nested segwit accounts (m/49h)"),
        (f"[{_FP}/49h/1h/0h]" + account("btc-84").slip132, "regtest",  # type: ignore[operator]
         "a vpub key is for native segwit accounts (m/84h)"),
        (key_export("btc-48-2"), "regtest", "a multisig cosigner key: use `btc multisig create`"),
        (key_export("btc-48-2", slip132=False), "regtest", "m/48h/1h/0h/2h is for a multisig cosigner key"),
        (f"[{_FP}/45h/1h/0h]{_TPUB}", "regtest", "the path m/45h/1h/0h is not a single-sig account"),
        (f"[84h/1h/0h]{_TPUB}", "regtest", "the master fingerprint is missing"),
        (f"[73c5da0/84h/1h/0h]{_TPUB}", "regtest", "the master fingerprint must be 8 hex digits"),
        (_TPUB, "regtest", "the key has no fingerprint and path"),
        (f"[{_FP}]{_TPUB}", "regtest", "the derivation path is missing"),
        (f"[{_FP}/84h/1h]{_TPUB}", "regtest", "is 3 steps from the master key but the path m/84h/1h has 2"),
        (f"[{_FP}/84h/1h/0h/0]{_TPUB}", "regtest", "the key is 3 steps from the master key"),
        (f"[{_FP}/84h/1h/0h/0]" + _child_key("btc-84", "regtest", 0), "regtest",
         "the path m/84h/1h/0h/0 is not an account path"),
        (f"[{_FP}/84h/1h/1h]{_TPUB}", "regtest", "the key is child 0h, but the path m/84h/1h/1h ends in 1h"),
        (f"[{_FP}/84h/1h/0]{_TPUB}", "regtest", "the key is child 0h, but the path m/84h/1h/0 ends in 0"),
        (f"[{_FP}/84h/1h/0h/x]{_TPUB}", "regtest", "the derivation path is not one"),
        (f"[{_FP}/84h/0h/0h]{_TPUB}", "regtest", "the path m/84h/0h/0h is for main network, not regtest"),
        (f"[{_FP}/84h/60h/0h]{_TPUB}", "regtest", "not a Bitcoin account (coin type 60h)"),
        (key_export(network="main"), "regtest", "the key is for main network, not regtest"),
        (key_export(), "main", "the key is for a test network, not main"),
        (key_export().replace("vpub5", "vpub6", 1), "regtest", "the extended key is not valid"),
        (key_export().strip() + "/0/*", "regtest", "must end with the account key"),
        (f"[{_FP}/84h/1h/0h]tprv8ZgxMBicQKsPd7Uf69XL1XwhmjHopUGep8GuEiJDZmbQz6o58LninorQAfcKZWARbtRtfnLcJ5MQ2AtHcQJCCRUcMRvmDUjyEmNUWwx8UbK",
         "regtest", "holds a private key"),
    ],
)  # fmt: skip
def test_a_bad_key_fingerprint_or_path_is_one_line_and_writes_nothing(
    text: str, network: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CompanionError) as caught:
        read_export(text.encode(), network)
    error = str(caught.value)
    assert message in error and "\n" not in error
    assert "tpub" not in error and "tprv" not in error  # key material is never echoed
    export, data = tmp_path / "key.txt", tmp_path / "data"
    export.write_text(text)
    result = run(capsys, data, "btc", "import", "w", str(export), "--network", network, "--node", "cbf://127.0.0.1:1")
    assert result.status == 1 and result.err.count("\n") == 1 and message in result.err
    assert snapshot(data / "btc") == {}


def test_the_account_text_is_read_line_against_line(secret_input: Callable[[str, str], Path]) -> None:
    words = secret_input("words.txt", ABANDON)
    shown = show_text(words, "btc-84", "regtest")
    cases = {
        show_text(words, "btc-84", "main"): "the export is for the main network, not regtest",
        show_text(words, "btc-48-2", "regtest"): "this is a multisig cosigner key",
        shown.replace("path         m/84h/1h/0h", "path         m/84h/1h/1h"): "ends in 1h",
        shown.replace("fingerprint  73c5da0a", "fingerprint  73c5da0b"): "descriptor line is not the one",
        shown.replace("slip132      vpub", "slip132      upub", 1): "not valid",
        shown.replace(account("btc-84").slip132 or "", account("btc-49").slip132 or ""): "not the same key",
        _without(shown, "fingerprint"): "fingerprint is missing",
        _without(shown, "xpub", "slip132"): "no xpub line",
        shown + "path         m/84h/1h/0h\n": "two path lines",
    }
    for text, message in cases.items():
        with pytest.raises(CompanionError, match=re.escape(message)):
            read_export(text.encode(), "regtest")


def _without(text: str, *labels: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(labels))
