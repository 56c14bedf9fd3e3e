"""Reading the device's account exports into a watch-only wallet's descriptors (no node needed)."""

from __future__ import annotations

import pytest
from device_exports import account, descriptor_export, json_export, ur_export

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
    forms = {"ur": ur_export(kind), "json": json_export(kind), "descriptor": descriptor_export(kind)}
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
