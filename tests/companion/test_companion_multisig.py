"""Multisig wallets in the companion: a registered wallet imported from any file the device registers,
and ``btc multisig create`` from the cosigners' key exports, whose QR frames the device's own
registration code reads back as the same wallet; and on regtest, a 2-of-3 wallet (P2WSH over compact
block filters, P2SH-P2WSH over the node's RPC) spent with the signatures of two devices that registered
it from those frames, every input checked by Bitcoin Core's consensus code."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from btc.multisig_files import bsms_record, caravan_json, coldcard_text, cosigner, specter_json
from btc.multisig_files import descriptor as descriptor_text
from companion_cli import run, snapshot
from conftest import ABANDON, INPUTS_DIR, LEGAL, ZOO24
from device_exports import json_export, ur_export
from regtest import RegtestNode, regtest_node_fixture  # noqa: F401
from test_companion_send import kernel_verifies, spent_coins

from companion.btc.exports import read_export
from companion.btc.wallets import Wallets
from companion.cli import main as companion_main
from companion.errors import CompanionError

MNEMONICS = (ABANDON, LEGAL, ZOO24)
NODE = "cbf://127.0.0.1:18444"
PRIVATE = (  # BIP-32 test vector 1's master key: a private key, never a cosigner export
    "tprv8ZgxMBicQKsPd7Uf69XL1XwhmjHopUGep8GuEiJDZmbQz6o58LninorQAfcKZWARbtRtfnLcJ5MQ2AtHcQJCCRUcMRvmDUjyEmNUWwx8UbK"
)


def wallet_from_device_code(texts: list[str], mnemonic: str) -> object:
    """What a device makes of scanned QR texts: its assembler, its wallet finder, its registration."""
    from signer.btc.export import multisig_wallet_text
    from signer.btc.multisig_registry import register_for_seeds
    from signer.chains.scanning import new_assembler
    from signer.keys.bip39 import mnemonic_to_seed

    assembler = new_assembler()
    for text in texts:
        assert assembler.add(text).accepted
    assert assembler.is_complete
    wallet_text = multisig_wallet_text(assembler.result)
    assert wallet_text is not None
    _, wallet, _ = register_for_seeds(wallet_text, [("seed", mnemonic_to_seed(mnemonic), ())])
    return wallet


def qr_texts(folder: Path) -> list[str]:
    """The QR frames in ``folder`` as a camera reads them (each PNG decoded by pyzbar)."""
    from signer.transport.frames import decode_qr_image
    from signer.transport.images import open_gray

    frames = sorted(folder.glob("frame-*.png"))
    assert frames
    return [decode_qr_image(open_gray(p.read_bytes()))[0].decode() for p in frames]


# -- import ---------------------------------------------------------------------------------------
def _files(script: str) -> dict[str, str]:
    from signer.btc.multisig import parse_descriptor

    keys = [cosigner(m, script) for m in MNEMONICS]
    text = descriptor_text(keys, 2, script)
    first = parse_descriptor(text).address(0, 0, "regtest")
    return {
        "descriptor": text,
        "bsms": bsms_record(keys, 2, first, script),
        "coldcard": coldcard_text(keys, 2, script),
        "specter": specter_json(keys, 2, script),
        "caravan": caravan_json(keys, 2, script, network="regtest"),
    }


@pytest.mark.parametrize("script", ["p2wsh", "p2sh-p2wsh"])
@pytest.mark.parametrize("kind", ["descriptor", "bsms", "coldcard", "specter", "caravan"])
def test_every_wallet_file_the_device_registers_imports_as_the_same_wallet(kind: str, script: str) -> None:
    """Each format gives BDK the same receive and change descriptors, whose addresses are the ones
    the signer derives for the wallet (receive and change)."""
    from signer.btc.multisig import parse_descriptor

    files = _files(script)
    expected = read_export(files["descriptor"].encode(), "regtest")
    found = read_export(files[kind].encode(), "regtest")
    assert (found.descriptor, found.change_descriptor) == (expected.descriptor, expected.change_descriptor)
    assert "sortedmulti(2," in found.descriptor and found.descriptor.count("/0/*") == 3
    assert found.change_descriptor.count("/1/*") == 3
    device = parse_descriptor(files["descriptor"])
    import bdkpython as bdk

    wallet = bdk.Wallet(
        bdk.Descriptor(found.descriptor, bdk.NetworkKind.TEST),
        bdk.Descriptor(found.change_descriptor, bdk.NetworkKind.TEST),
        bdk.Network.REGTEST,
        bdk.Persister.new_in_memory(),
    )
    for keychain, branch in ((bdk.KeychainKind.EXTERNAL, 0), (bdk.KeychainKind.INTERNAL, 1)):
        for index in (0, 1, 7):
            address = str(wallet.peek_address(keychain, index).address)
            assert address == device.address(branch, index, "regtest")


def test_qr_forms_of_a_wallet_import_too(tmp_path: Path) -> None:
    """The wallet as the device reads it from QR: ur:crypto-output with sortedmulti, ur:bytes of the
    descriptor, BBQr text; also scanned frame by frame (the web page's camera)."""
    from companion.btc.exports import read_payload
    from companion.btc.multisig_create import build, read_cosigner, registration_frames
    from signer.commands.qr import encode_texts
    from signer.transport.payload import PayloadKind

    text = _files("p2wsh")["descriptor"]
    expected = read_export(text.encode(), "regtest").descriptor
    keys = [
        read_cosigner(json_export("btc-48-2", mnemonic=m).encode(), "regtest", "wsh", "export")
        for m in MNEMONICS
    ]
    output_texts = registration_frames(build("x", 2, keys, "wsh"), "ur", 1).texts
    as_bytes = encode_texts(text.encode(), "ur", "bytes", None, None)
    as_bbqr = encode_texts(text.encode(), "bbqr", "U", None, None)
    for texts, source in ((output_texts, "ur:crypto-output"), (as_bytes, "multisig descriptor"),
                          (as_bbqr, "multisig descriptor")):  # fmt: skip
        found = read_export("\n".join(texts).encode(), "regtest")
        assert (found.descriptor, found.source) == (expected, source)
    from signer.chains.scanning import new_assembler

    assembler = new_assembler()
    for part in output_texts:
        assembler.add(part)
    assert assembler.result.kind == PayloadKind.OUTPUT_DESCRIPTOR
    assert read_payload(assembler.result, "regtest").descriptor == expected


@pytest.mark.parametrize(
    ("text", "network", "message"),
    [
        ("descriptor", "main", "the multisig wallet's keys are for testnet/signet/regtest, not main"),
        ("unsorted", "regtest", "only sortedmulti() (BIP-67) wallets are supported"),
        ("checksum", "regtest", "checksum"),
        ("bsms-address", "regtest", "address"),
    ],
)
def test_bad_multisig_files_give_one_clear_line(text: str, network: str, message: str) -> None:
    files = _files("p2wsh")
    data = {
        "descriptor": files["descriptor"],
        "unsorted": files["descriptor"].split("#")[0].replace("sortedmulti(", "multi("),
        "checksum": files["descriptor"][:-2] + "qq",
        "bsms-address": files["bsms"].replace(files["bsms"].splitlines()[3], "bcrt1qxyz"),
    }[text]
    with pytest.raises(CompanionError) as caught:
        read_export(data.encode(), network)
    assert message in str(caught.value) and "\n" not in str(caught.value)


# -- create ---------------------------------------------------------------------------------------
def _exports(tmp_path: Path, script: str = "wsh") -> list[Path]:
    """Three cosigners as devices export them: JSON, ur:crypto-account, and the key text."""
    kind = "btc-48-2" if script == "wsh" else "btc-48-1"
    a, b, c = tmp_path / "a.json", tmp_path / "b.ur", tmp_path / "c.txt"
    a.write_text(json_export(kind, mnemonic=ABANDON))
    b.write_text(ur_export(kind, mnemonic=LEGAL))
    c.write_text(f"{cosigner(ZOO24, 'p2wsh' if script == 'wsh' else 'p2sh-p2wsh').expression()}\n")
    return [a, b, c]


@pytest.mark.parametrize(("script", "fmt"), [("wsh", "ur"), ("sh-wsh", "bbqr")])
def test_create_writes_frames_every_device_registers_as_the_same_wallet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], script: str, fmt: str
) -> None:
    from signer.btc.multisig import parse_descriptor

    datadir, frames = tmp_path / "data", tmp_path / "frames"
    made = run(capsys, datadir, "btc", "multisig", "create", "family", "--threshold", "2",
               *map(str, _exports(tmp_path, script)), "--network", "regtest", "--node", NODE,
               "--script", script, "--qr-dir", str(frames), "--format", fmt, "--json")  # fmt: skip
    result = made.json()
    ours = parse_descriptor(result["descriptor"])
    assert (ours.m, ours.n, str(ours.script_type)) == (2, 3, "p2wsh" if script == "wsh" else "p2sh-p2wsh")
    texts = qr_texts(frames)
    assert all(t.startswith("UR:CRYPTO-OUTPUT/" if fmt == "ur" else "B$") for t in texts)
    for mnemonic in MNEMONICS:  # each device finds its own key and registers the very same policy
        registered = wallet_from_device_code(texts, mnemonic)
        assert registered.descriptor == result["descriptor"]  # type: ignore[attr-defined]
    # the companion's wallet gives the addresses the devices derive
    address = run(capsys, datadir, "btc", "address", "family", "--json").json()
    assert address["address"] == ours.address(0, 0, "regtest") == result["first_address"]
    assert address["address"].startswith("bcrt1q" if script == "wsh" else "2")


def test_create_prints_the_policy_with_every_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = run(capsys, tmp_path / "data", "btc", "multisig", "create", "family", "--threshold", "2",
               *map(str, _exports(tmp_path)), "--network", "regtest", "--node", NODE)  # fmt: skip
    assert made.status == 0, made.err
    assert "family: 2-of-3 multisig, native segwit P2WSH, sorted keys" in made.out
    for mnemonic in MNEMONICS:
        key = cosigner(mnemonic)
        assert f"{key.fingerprint} m/48h/1h/0h/2h {key.xpub}" in made.out
    assert "descriptor: wsh(sortedmulti(2," in made.out


def test_create_reads_coldcard_and_crypto_hdkey_key_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Coldcard's multisig key JSON (xfp, p2wsh, p2wsh_deriv) and a ur:crypto-hdkey of the key."""
    import json

    from signer.btc.export import account_hdkey
    from signer.keys.accounts import AccountSpec, derive_btc_account
    from signer.keys.bip39 import mnemonic_to_seed
    from signer.transport.ur import encode_single
    from signer.transport.urtypes import to_ur

    a = tmp_path / "cc.json"
    key = cosigner(ABANDON)
    coldcard = {"xfp": key.fingerprint.upper(), "p2wsh": key.xpub, "p2wsh_deriv": "m/48'/1'/0'/2'"}
    a.write_text(json.dumps({**coldcard, "p2sh_p2wsh": "x", "p2sh_p2wsh_deriv": "x"}))
    b = tmp_path / "hdkey.ur"
    account = derive_btc_account(mnemonic_to_seed(LEGAL), AccountSpec.parse("btc-48-2", "regtest"))
    b.write_text(encode_single(to_ur(account_hdkey(account))))
    c = _exports(tmp_path)[2]
    made = run(capsys, tmp_path / "data", "btc", "multisig", "create", "w", "--threshold", "2",
               str(a), str(b), str(c), "--network", "regtest", "--node", NODE, "--json")  # fmt: skip
    expected = descriptor_text([cosigner(m) for m in MNEMONICS], 2, "p2wsh")
    from signer.btc.multisig import parse_descriptor

    assert made.json()["descriptor"] == parse_descriptor(expected).descriptor


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("other-script", "the key was exported for sh-wsh wallets, not wsh"),
        ("path-script", "is for another script type than wsh"),
        ("mainnet", "the key is a mainnet key, not for regtest"),
        ("single-sig", "a btc-84 account is not a multisig key"),
        ("no-origin", "not a cosigner key export"),
        ("private", "holds a private key"),
        ("twice", "the same extended key appears twice"),
        ("threshold", "threshold 4 must be between 1 and the number of cosigners (3)"),
        ("one", "needs at least 2 cosigners"),
        ("empty", "the file is empty"),
        ("exists", "a wallet named family already exists"),
    ],
)
def test_create_refuses_bad_cosigners_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, message: str
) -> None:
    datadir, frames = tmp_path / "data", tmp_path / "frames"
    exports = _exports(tmp_path)
    threshold = "2"
    odd = tmp_path / "odd.txt"
    if case == "exists":
        assert run(capsys, datadir, "btc", "multisig", "create", "family", "--threshold", "2",
                   *map(str, exports), "--network", "regtest", "--node", NODE).status == 0  # fmt: skip
    elif case == "other-script":
        odd.write_text(json_export("btc-48-1", mnemonic=LEGAL))
        exports[1] = odd
    elif case == "path-script":
        odd.write_text(cosigner(LEGAL, "p2sh-p2wsh").expression() + "\n")
        exports[1] = odd
    elif case == "mainnet":
        odd.write_text(json_export("btc-48-2", network="main", mnemonic=LEGAL).replace('"main"', '"regtest"'))
        exports[1] = odd
    elif case == "single-sig":
        odd.write_text(json_export("btc-84", mnemonic=LEGAL))
        exports[1] = odd
    elif case == "no-origin":
        odd.write_text(cosigner(LEGAL).xpub + "\n")
        exports[1] = odd
    elif case == "private":
        odd.write_text(PRIVATE + "\n")
        exports[1] = odd
    elif case == "twice":
        exports[1] = exports[0]
    elif case == "threshold":
        threshold = "4"
    elif case == "one":
        exports, threshold = exports[:1], "1"
    elif case == "empty":
        odd.write_text("")
        exports[1] = odd
    before = snapshot(datadir)
    made = run(capsys, datadir, "btc", "multisig", "create", "family", "--threshold", threshold,
               *map(str, exports), "--network", "regtest", "--node", NODE,
               "--qr-dir", str(frames))  # fmt: skip
    assert made.status != 0 and made.out == ""
    assert message in made.err and made.err.count("\n") == 1
    assert "tpub" not in made.err and "tprv" not in made.err
    assert snapshot(datadir) == before and not frames.exists()


# -- end to end on regtest: two devices of three sign -----------------------------------------------
PASSWORD = "multisig device password"
SIGNERS = (ABANDON, LEGAL)  # two devices sign; ZOO24's device stays in the drawer


def _device(folder: Path, mnemonic: str, frames: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """A device (a vault holding the seed) that registered the wallet from the companion's QR frames,
    through ``airlock multisig register``; the arguments that make ``airlock sign`` use it."""
    from signer.cli import main as airlock
    from signer.keys.envelope import TEST_KDF
    from signer.keys.seed import Bip39Seed
    from signer.keys.vault import Vault

    folder.mkdir()
    vault, password, scanned = folder / "vault", folder / "password", folder / "scanned.txt"
    password.write_text(PASSWORD + "\n")
    Vault.create(vault, PASSWORD, TEST_KDF).add_seed("device", Bip39Seed.from_mnemonic(mnemonic))
    scanned.write_text("\n".join(frames) + "\n")
    seed = ["--vault", str(vault), "--password-file", str(password), "--seed", "device"]
    capsys.readouterr()
    status = airlock(["multisig", "register", str(scanned), *seed, "--network", "regtest", "--yes"])
    assert status == 0, capsys.readouterr().err
    return seed


@pytest.fixture(scope="module", params=[("wsh", "ur", "cbf"), ("sh-wsh", "bbqr", "bitcoind")])
def multisig(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, regtest_node: RegtestNode
) -> dict[str, Any]:
    """A 2-of-3 wallet made by ``btc multisig create`` (P2WSH over compact block filters, and
    P2SH-P2WSH over the node's RPC), registered on two devices from its QR frames, holding two coins."""
    script, fmt, backend = request.param
    files = tmp_path_factory.mktemp(f"multisig-{script}")
    name = f"family-{script}"
    node = regtest_node.cbf_url if backend == "cbf" else regtest_node.rpc_url
    datadir = files / "data"
    status = companion_main(["--datadir", str(datadir), "btc", "multisig", "create", name,
                             "--threshold", "2", *map(str, _exports(files, script)), "--network", "regtest",
                             "--node", node, "--script", script, "--qr-dir", str(files / "frames"),
                             "--format", fmt])  # fmt: skip
    assert status == 0
    from signer.btc.multisig import parse_descriptor

    wallet = Wallets(datadir).load(name)
    policy = parse_descriptor(wallet.descriptor)
    regtest_node.mine(101)
    regtest_node.send(policy.address(0, 0, "regtest"), "1.0")
    regtest_node.send(policy.address(0, 1, "regtest"), "0.5")
    regtest_node.mine(1)
    assert companion_main(["--datadir", str(datadir), "btc", "sync", name]) == 0
    frames = qr_texts(files / "frames")
    return {"files": files, "datadir": datadir, "name": name, "policy": policy, "frames": frames}


def _outsider_copy(unsigned: bytes, posing_as: str | None) -> bytes:
    """The PSBT with every input signed by a key outside the wallet, filed under the key of the
    cosigner ``posing_as`` (a forged cosigner signature) or under the outsider's own key (None)."""
    from embit import ec
    from embit.psbt import PSBT
    from embit.script import Script

    psbt = PSBT.parse(unsigned)
    outsider = ec.PrivateKey(bytes.fromhex("11" * 32))
    for index, inp in enumerate(psbt.inputs):
        digest = psbt.tx.sighash_segwit(index, Script(inp.witness_script.data), inp.witness_utxo.value)
        filed_under = outsider.get_public_key()
        if posing_as is not None:
            fingerprint = bytes.fromhex(cosigner(posing_as).fingerprint)
            filed_under = next(p for p, d in inp.bip32_derivations.items() if d.fingerprint == fingerprint)
        inp.partial_sigs[filed_under] = outsider.sign(digest).serialize() + b"\x01"
    return bytes(psbt.serialize())


def test_two_of_three_sent_signed_by_two_devices_and_confirmed(
    multisig: dict[str, Any], regtest_node: RegtestNode, capsys: pytest.CaptureFixture[str]
) -> None:
    from companion.btc.verify import verify_inputs
    from signer.cli import main as airlock

    files, datadir, name = multisig["files"], multisig["datadir"], multisig["name"]
    policy = multisig["policy"]
    to = regtest_node.miner()
    unsigned = files / "unsigned.psbt"
    sent = run(capsys, datadir, "btc", "send", name, "--to", to, "--amount", "120000000", "--fee-rate", "2",
               "-o", str(unsigned))  # fmt: skip
    assert sent.status == 0, sent.err
    # the review the devices will show: the destination in full, the change proven to the wallet
    assert f"SEND    1.20000000 BTC {to}\n" in sent.out
    assert "CHANGE  " in sent.out and policy.address(1, 0, "regtest") in sent.out

    devices = [_device(files / f"device-{i}", m, multisig["frames"], capsys) for i, m in enumerate(SIGNERS)]
    copies = []
    for i, seed in enumerate(devices):
        capsys.readouterr()
        status = airlock(["sign", str(unsigned), *seed, "--network", "regtest", "--format", "base64"])
        out, err = capsys.readouterr()
        assert status == 0, err
        assert "wallet: 2 of 3 multisig\n" in err  # the registered wallet it signs for (named by default)
        assert "signed input(s) 0, 1" in err
        copies.append(files / f"signed-{i}.psbt")
        copies[-1].write_text(out)

    # one device alone, or with a signature by a key outside the wallet: refused, nothing sent
    forged, stranger = files / "forged.psbt", files / "stranger.psbt"
    forged.write_bytes(_outsider_copy(unsigned.read_bytes(), LEGAL))
    stranger.write_bytes(_outsider_copy(unsigned.read_bytes(), None))
    one_of_two = "input 0 has 1 of the 2 signatures it needs"
    for given, message in (([copies[0]], one_of_two), ([copies[0], copies[0]], one_of_two),
                           ([copies[0], forged], "input 0's signature does not verify"),
                           ([copies[0], stranger], one_of_two)):  # fmt: skip
        refused = run(capsys, datadir, "btc", "broadcast", name, *map(str, given))
        assert refused.status != 0 and message in refused.err, refused.err
        assert regtest_node.rpc.call("getrawmempool") == []

    result = run(capsys, datadir, "btc", "broadcast", name, *map(str, copies), "--json")
    txid = result.json()["txid"]
    assert txid in regtest_node.rpc.call("getrawmempool")
    tx = regtest_node.raw_transaction(txid)
    coins = spent_coins(regtest_node, tx)
    assert len(coins) == 2  # both of the wallet's coins, each checked
    assert kernel_verifies(tx["hex"], coins) == [True, True]
    verify_inputs(unsigned.read_bytes(), bytes.fromhex(tx["hex"]), coins)
    for index in (0, 1):
        corrupted = _corrupt_signature(tx["hex"], index)
        assert kernel_verifies(corrupted, coins)[index] is False
        with pytest.raises(CompanionError, match=f"input {index}'s signature does not verify"):
            verify_inputs(unsigned.read_bytes(), bytes.fromhex(corrupted), coins)

    regtest_node.mine(1)
    assert regtest_node.raw_transaction(txid)["confirmations"] == 1
    assert run(capsys, datadir, "btc", "sync", name).status == 0
    balance = run(capsys, datadir, "btc", "balance", name, "--json").json()
    scan = regtest_node.rpc.call("scantxoutset", "start", [
        {"desc": Wallets(datadir).load(name).descriptor, "range": 50},
        {"desc": Wallets(datadir).load(name).change_descriptor, "range": 50},
    ])  # fmt: skip
    assert balance == {"confirmed": round(Decimal(str(scan["total_amount"])) * 100_000_000), "pending": 0}
    assert 0 < balance["confirmed"] < 30_000_000


def test_a_device_that_did_not_register_the_wallet_does_not_sign(
    multisig: dict[str, Any], regtest_node: RegtestNode, capsys: pytest.CaptureFixture[str]
) -> None:
    from signer.cli import main as airlock

    files, datadir, name = multisig["files"], multisig["datadir"], multisig["name"]
    unsigned = files / "unregistered.psbt"
    assert run(capsys, datadir, "btc", "send", name, "--to", regtest_node.miner(), "--amount", "1000000",
               "--fee-rate", "2", "-o", str(unsigned)).status == 0  # fmt: skip
    words = files / INPUTS_DIR / "words.txt"
    words.parent.mkdir(exist_ok=True)
    words.write_text(ZOO24 + "\n")
    capsys.readouterr()
    status = airlock(["sign", str(unsigned), "--mnemonic-file", str(words), "--network", "regtest"])
    out, err = capsys.readouterr()
    assert status == 3 and out == ""
    assert "multisig-unregistered" in err


def _corrupt_signature(tx_hex: str, index: int) -> str:
    """The transaction with one bit of input ``index``'s first signature flipped (witness item 1:
    item 0 is CHECKMULTISIG's empty dummy)."""
    from embit.transaction import Transaction

    tx = Transaction.parse(bytes.fromhex(tx_hex))
    sig = bytearray(tx.vin[index].witness.items[1])
    sig[10] ^= 0x01
    tx.vin[index].witness.items[1] = bytes(sig)
    return str(tx.serialize().hex())
