"""The Ethereum account store, the node and the device handover, with the real signer and anvil.

Addresses derived from each export equal the signer's own derivation from the seed; a request handed
over is signed by ``airlock sign`` in process, its eth-signature read back, checked and mined; a
signature for another request, by another seed or altered is refused and nothing is sent.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import LEGAL
from eth_chain import CHAIN_ID, DEV, OWNER, EthChain, eth_chain_fixture, requires_chain  # noqa: F401
from eth_device import airlock_sign, seed_of, words_file, write_exports

from companion.errors import CompanionError
from companion.eth.accounts import EthAccount, EthAccounts, first_addresses, read_export, with_address
from companion.eth.handover import SignRequest, build_request, read_signature, signed_raw
from companion.eth.node import EthNode


def account_from(path: Path, name: str = "main", rpc: str = "http://127.0.0.1:1") -> EthAccount:
    parsed = read_export(path.read_bytes())
    account = EthAccount(name, CHAIN_ID, rpc, parsed.source, parsed.fingerprint, (), (), parsed.export)
    return replace(account, addresses=first_addresses(account))


def test_each_export_gives_the_signers_own_addresses(tmp_path: Path) -> None:
    from signer.eth.primitives import checksum
    from signer.eth.sign import address_at

    seed = seed_of()
    files = write_exports(tmp_path)
    hd = account_from(files["hdkey"])
    assert hd.source == "crypto-hdkey" and hd.fingerprint == 0x73C5DA0A
    assert [a.index for a in hd.addresses] == [0, 1, 2, 3, 4]
    for a in with_address(hd, 17).addresses:
        assert a.path == f"m/44'/60'/0'/0/{a.index}"
        assert a.address == checksum(address_at(seed, a.path))
    assert hd.address(0).address == OWNER
    ledger = account_from(files["ledger"])
    assert ledger.source == "crypto-account"
    for a in ledger.addresses:
        assert a.path == f"m/44'/60'/{a.index}'/0/0"
        assert a.address == checksum(address_at(seed, a.path))
    with pytest.raises(CompanionError, match="holds the Ledger Live keys 0, 1, 2, 3, 4 only"):
        ledger.address(5)
    bare = account_from(files["address"])
    assert bare.source == "address" and bare.fingerprint is None and bare.watch_only
    assert [a.address for a in bare.addresses] == [OWNER]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello", "neither a UR"),
        ("0x9858EfFD232B4033E47d90003D41EC34EcaEda95", "wrong EIP-55 checksum"),
        ("ur:bytes/hdcxdwdwdwdwdwdwdw", "cannot be read"),
    ],
)
def test_bad_exports_are_one_line(text: str, message: str) -> None:
    with pytest.raises(CompanionError, match=message) as caught:
        read_export(text.encode())
    assert "\n" not in str(caught.value)


def test_a_truncated_or_bitcoin_export_is_refused(tmp_path: Path) -> None:
    from device_exports import ur_export

    files = write_exports(tmp_path)
    text = files["hdkey"].read_text().strip()
    with pytest.raises(CompanionError, match="cannot be read"):
        read_export(text[:-12].encode())
    with pytest.raises(CompanionError, match=r"no Ethereum key|not an Ethereum account"):
        read_export(ur_export("btc-84").encode())


def test_the_store_is_owner_only_and_names_what_is_missing(tmp_path: Path) -> None:
    files = write_exports(tmp_path / "files")
    store = EthAccounts(tmp_path / "data")
    with pytest.raises(CompanionError, match="no Ethereum account named main"):
        store.load("main")
    account = account_from(files["hdkey"])
    store.create(account)
    assert store.load("main") == account and store.names() == ["main"]
    with pytest.raises(CompanionError, match="already exists"):
        store.create(account)
    assert (store.folder("main") / "account.json").stat().st_mode & 0o077 == 0
    with pytest.raises(CompanionError, match="not allowed"):
        store.load("../x")


def test_a_bare_address_cannot_hand_over(tmp_path: Path) -> None:
    from signer.eth.tx import DYNAMIC_FEE, UnsignedTx

    bare = account_from(write_exports(tmp_path)["address"])
    tx = UnsignedTx(DYNAMIC_FEE, CHAIN_ID, 0, 21000, bytes(20), 1, b"", None, 2, 1)
    with pytest.raises(CompanionError, match="bare address \\(watch only\\): it cannot send"):
        build_request(bare, 0, replace(tx, raw=tx.encode()))


def test_node_errors_name_the_host_only() -> None:
    with pytest.raises(CompanionError) as caught:
        EthNode("http://user:s3cret@127.0.0.1:9/key/abcdef123456", 1)
    text = str(caught.value)
    assert "127.0.0.1:9" in text and "s3cret" not in text and "abcdef123456" not in text
    with pytest.raises(CompanionError, match="http:// or https://"):
        EthNode("ws://127.0.0.1:9")


@requires_chain
def test_node_on_another_chain_is_refused(eth_chain: EthChain) -> None:
    with pytest.raises(CompanionError, match=r"is on chain 1337, not chain 1$"):
        EthNode(eth_chain.url, 1)
    assert EthNode(eth_chain.url, CHAIN_ID).chain_id() == CHAIN_ID


def _request(eth_chain: EthChain, account: EthAccount, value: int) -> SignRequest:
    from signer.eth.primitives import parse_address
    from signer.eth.tx import DYNAMIC_FEE, UnsignedTx

    node = EthNode(eth_chain.url, CHAIN_ID)
    fee, tip = node.fee_suggestion()
    sender = account.address(0).address
    tx = UnsignedTx(DYNAMIC_FEE, CHAIN_ID, node.pending_nonce(sender), 21000, parse_address(DEV[1]), value,
                    b"", None, fee, tip)  # fmt: skip
    return build_request(account, 0, replace(tx, raw=tx.encode()))


@requires_chain
def test_signed_by_the_device_checked_and_mined(
    eth_chain: EthChain, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from signer.transport.ur import decode_single
    from signer.transport.urtypes import EthSignRequest, decode_ur

    account = account_from(write_exports(tmp_path)["hdkey"], rpc=eth_chain.url)
    request = _request(eth_chain, account, 10**15)
    parsed = decode_ur(decode_single(request.ur_parts()[0]))
    assert isinstance(parsed, EthSignRequest)  # what MetaMask's keyring sends: data type 4, full path
    assert (int(parsed.data_type), parsed.chain_id, parsed.derivation_path.source_fingerprint) == (
        4,
        1337,
        0x73C5DA0A,
    )
    assert (
        parsed.derivation_path.to_path_string() == "m/44'/60'/0'/0/0"
        and parsed.request_id == request.request_id
    )
    assert SignRequest.from_json(request.to_json()) == request
    (tmp_path / "req.txt").write_text("\n".join(request.ur_parts()) + "\n")
    texts = airlock_sign(capsys, words_file(tmp_path), tmp_path / "req.txt")
    signature = read_signature(texts)

    other = _request(eth_chain, account, 10**15)
    with pytest.raises(CompanionError, match="answers request"):
        signed_raw(other, signature)
    bad = bytearray(signature.signature)
    bad[40] ^= 1
    with pytest.raises(CompanionError, match="not made by 0x9858"):
        signed_raw(request, replace(signature, signature=bytes(bad)))
    (tmp_path / "req-other.txt").write_text("\n".join(request.ur_parts()) + "\n")
    other_seed = account_from(write_exports(tmp_path / "legal", LEGAL)["hdkey"], rpc=eth_chain.url)
    request_other = _request(eth_chain, other_seed, 1)
    (tmp_path / "legal.txt").write_text("\n".join(request_other.ur_parts()) + "\n")
    foreign = read_signature(airlock_sign(capsys, words_file(tmp_path, LEGAL), tmp_path / "legal.txt"))
    with pytest.raises(CompanionError, match="not made by 0x9858"):
        signed_raw(request, replace(foreign, request_id=request.request_id))
    with pytest.raises(CompanionError, match=r"incomplete|cannot be read"):
        read_signature([texts[0][:-20]])

    node = EthNode(eth_chain.url, CHAIN_ID)
    before = eth_chain.w3.eth.get_balance(DEV[1])
    tx_hash = node.send_raw(signed_raw(request, signature))
    receipt = node.receipt(tx_hash, 30)
    assert receipt is not None and receipt["status"] == 1
    assert eth_chain.w3.eth.get_balance(DEV[1]) == before + 10**15
