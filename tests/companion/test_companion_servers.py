"""The Electrum and Esplora chain sources against loopback servers of ours over the regtest node.

No Electrum or Esplora server can be had here (electrs, Fulcrum and Esplora are packaged nowhere this
machine reaches; PyPI's electrumx is the BSV fork), so ``electrum_server.py`` and ``esplora_server.py``
speak the subset of each protocol BDK's clients call, from the regtest bitcoind. The wallets are the
device's own export of the test mnemonic; the expected balances come from the node's UTXO set
(``scantxoutset``), and must also equal what the ``bitcoind://`` source says.
"""

from __future__ import annotations

import hashlib
import json
import socket
import ssl
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from companion_cli import Run, run, snapshot
from device_exports import account, json_export, ur_export
from electrum_server import Behaviour, ElectrumServer
from esplora_server import EsploraServer
from node_index import scripthash
from regtest import RegtestNode, free_ports, regtest_node_fixture  # noqa: F401
from test_companion_regtest import COINBASE_MATURITY, expected_balance


@pytest.fixture(scope="module")
def electrum(regtest_node: RegtestNode) -> Iterator[ElectrumServer]:
    with ElectrumServer(regtest_node) as server:
        yield server


@pytest.fixture(scope="module")
def esplora(regtest_node: RegtestNode) -> Iterator[EsploraServer]:
    with EsploraServer(regtest_node) as server:
        yield server


@pytest.fixture(scope="module")
def datadir(tmp_path_factory: pytest.TempPathFactory, regtest_node: RegtestNode, electrum: ElectrumServer,
            esplora: EsploraServer) -> Path:  # fmt: skip
    """Four wallets of one account: over Electrum, over Esplora, through the node's RPC and over compact
    block filters."""
    folder = tmp_path_factory.mktemp("companion")
    exports = tmp_path_factory.mktemp("exports")
    (exports / "account.ur").write_text(ur_export())
    (exports / "account.json").write_text(json_export())
    regtest_node.mine(COINBASE_MATURITY + 1)  # the node's wallet gets a spendable coinbase
    from companion.cli import main  # module-scoped: no capsys here

    for name, export, url in (
        ("electrum", "account.ur", electrum.url),
        ("esplora", "account.ur", esplora.url),
        ("core", "account.json", regtest_node.rpc_url),
        ("filters", "account.ur", regtest_node.cbf_url),
    ):
        assert main(["--datadir", str(folder), "btc", "import", name, str(exports / export),
                     "--network", "regtest", "--node", url]) == 0  # fmt: skip
    return folder


def sync(capsys: pytest.CaptureFixture[str], datadir: Path, name: str) -> Run:
    result = run(capsys, datadir, "btc", "sync", name)
    assert result.status == 0, result.err
    return result


def balance(capsys: pytest.CaptureFixture[str], datadir: Path, name: str) -> dict[str, int]:
    answer: dict[str, int] = run(capsys, datadir, "btc", "balance", name, "--json").json()
    return answer


WALLETS = ("electrum", "esplora", "core")
EVERY_SOURCE = (*WALLETS, "filters")  # compact block filters see blocks, not the mempool
Server = ElectrumServer | EsploraServer


def test_mined_coins_show_over_electrum_and_esplora_as_the_node_has_them(
    regtest_node: RegtestNode, electrum: ElectrumServer, esplora: EsploraServer, datadir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    first = {name: run(capsys, datadir, "btc", "address", name, "--json").json() for name in EVERY_SOURCE}
    assert list(first.values()) == [
        {"address": account().address(0, 0), "index": 0, "path": "m/84h/1h/0h/0/0"}
    ] * len(EVERY_SOURCE)  # fmt: skip
    regtest_node.mine(COINBASE_MATURITY + 1, first["electrum"]["address"])
    expected = expected_balance(regtest_node)
    assert expected["confirmed"] > 0 and expected["pending"] > 0  # spendable and maturing coinbases
    for name in EVERY_SOURCE:
        assert f"to height {regtest_node.height()}:" in sync(capsys, datadir, name).out
        assert balance(capsys, datadir, name) == expected, name
        assert run(capsys, datadir, "btc", "address", name, "--json").json()["index"] == 1, name
    # what BDK's clients asked: a full scan (scripts, then their transactions and blocks)
    assert {"server.features", "blockchain.scripthash.get_history", "blockchain.transaction.get",
            "blockchain.transaction.get_merkle", "blockchain.block.header"} <= set(electrum.calls)
    assert {"GET /block-height/0", "GET /scripthash/:h/txs"} <= set(esplora.calls)


def test_later_syncs_see_payments_pending_then_confirmed_like_the_node(
    regtest_node: RegtestNode, datadir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in EVERY_SOURCE:
        sync(capsys, datadir, name)
    address = run(capsys, datadir, "btc", "address", "electrum", "--json").json()
    regtest_node.send(address["address"], "1.25")
    # an address past the ones the companion handed out, as another wallet of the account would give
    beyond = account().address(0, address["index"] + 7)
    regtest_node.send(beyond, "0.5")
    pending = expected_balance(regtest_node, pending_sats=175_000_000)
    for name in WALLETS:  # unlike compact block filters, both servers see the mempool
        sync(capsys, datadir, name)
        assert balance(capsys, datadir, name) == pending, name
    regtest_node.mine(1)
    for name in EVERY_SOURCE:
        sync(capsys, datadir, name)
        assert balance(capsys, datadir, name) == expected_balance(regtest_node), name
        after = run(capsys, datadir, "btc", "address", name, "--json").json()
        assert after["index"] == address["index"] + 8, name


def loopback(kind: str, node: RegtestNode, behaviour: Behaviour, trigger: str = "") -> Server:
    return (ElectrumServer if kind == "electrum" else EsploraServer)(node, behaviour, trigger)


def failed_sync(capsys: pytest.CaptureFixture[str], folder: Path, url: str, network: str = "regtest") -> str:
    """Import a wallet at ``url``, sync it: the one line of error it gives; the data folder unchanged."""
    export = folder.parent / "account.ur"
    export.write_text(ur_export(network=network))
    assert run(capsys, folder, "btc", "import", "w", str(export), "--network", network,
               "--node", url).status == 0  # fmt: skip
    before = snapshot(folder)
    result = run(capsys, folder, "btc", "sync", "w")
    assert result.status == 1 and result.out == ""
    assert result.err.startswith("airlock-companion: error: ") and result.err.count("\n") == 1, result.err
    assert snapshot(folder) == before
    return result.err.removeprefix("airlock-companion: error: ").rstrip("\n")


BROKEN = "gave a broken answer to {what}, cut off or not {Kind}'s"
FAILURES = [  # (behaviour, from which request on, the line for electrum / for esplora)
    (Behaviour.CLOSE_MID_ANSWER, "", BROKEN.format(what="the handshake", Kind="Electrum"),
     BROKEN.format(what="the network check", Kind="Esplora")),
    (Behaviour.CLOSE_MID_ANSWER, "scripthash",
     "stopped answering during a full scan: it closed the connection or took over 1 s",
     BROKEN.format(what="a full scan", Kind="Esplora")),
    (Behaviour.GARBAGE, "", BROKEN.format(what="the handshake", Kind="Electrum"),
     BROKEN.format(what="the network check", Kind="Esplora")),
    (Behaviour.SILENT, "", "did not answer the handshake within 1 s",
     "did not answer the network check within 1 s"),
    (Behaviour.SILENT, "scripthash",
     "stopped answering during a full scan: it closed the connection or took over 1 s",
     "did not answer a full scan within 1 s"),
]  # fmt: skip


@pytest.mark.parametrize("kind", ["electrum", "esplora"])
@pytest.mark.parametrize(("behaviour", "trigger", "electrum_line", "esplora_line"), FAILURES)
def test_a_misbehaving_server_is_one_line_and_changes_nothing(
    kind: str, behaviour: Behaviour, trigger: str, electrum_line: str, esplora_line: str,
    regtest_node: RegtestNode, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A server that closes the connection halfway through an answer, answers with something else, or
    never answers (with ``?timeout=1``): at once, or in the middle of the scan."""
    if trigger:
        trigger = "GET /scripthash/" if kind == "esplora" else "blockchain.scripthash."
    with loopback(kind, regtest_node, behaviour, trigger) as server:
        message = failed_sync(capsys, tmp_path / "data", server.url + "?timeout=1")
        assert server.triggered  # it did misbehave where the test meant it to
    name = f"the {'Electrum' if kind == 'electrum' else 'Esplora'} server at 127.0.0.1:{server.port}"
    assert message.startswith(f"{name} {electrum_line if kind == 'electrum' else esplora_line}"), message


def test_nothing_listening_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (port,) = free_ports(1)
    for url in (f"electrum://127.0.0.1:{port}", f"electrums://127.0.0.1:{port}",
                f"esplora+http://127.0.0.1:{port}", f"esplora+https://127.0.0.1:{port}/api"):  # fmt: skip
        folder = tmp_path / url.split(":")[0]
        refused = f"cannot reach the node at 127.0.0.1:{port}: connection refused"
        assert failed_sync(capsys, folder, url) == refused


def test_a_server_of_another_network_is_refused(
    electrum: ElectrumServer, esplora: EsploraServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A testnet wallet pointed at a regtest server: the genesis blocks differ, nothing is taken."""
    for server in (electrum, esplora):
        message = failed_sync(capsys, tmp_path / type(server).__name__, server.url, network="test")
        assert message == f"the server at 127.0.0.1:{server.port} is on regtest, the wallet w is test"


def test_tls_to_a_plain_server_is_refused(
    electrum: ElectrumServer, esplora: EsploraServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind, server, url in (
        ("Electrum", electrum, f"electrums://127.0.0.1:{electrum.port}"),
        ("Esplora", esplora, f"esplora+https://127.0.0.1:{esplora.port}"),
    ):
        message = failed_sync(capsys, tmp_path / kind, url + "?timeout=2")
        assert message.startswith(f"no TLS from the {kind} server at 127.0.0.1:{server.port} ("), message
        assert message.endswith("): is it a plain port, or is its certificate not valid?"), message


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("esplora+http://example.com/api", "esplora+http:// is only for a server on this computer"),
        ("esplora+http://10.0.0.2:3000", "esplora+http:// is only for a server on this computer"),
        ("electrum://h:50001/path", "an electrum:// server takes only a host and a port"),
        ("electrum://h", "needs a host and a port: electrum://HOST:PORT"),
        ("electrums://u:p@h:50002", "an electrums:// server takes no user or password"),
        ("electrum://h:50001?timeout=0", "timeout must be whole seconds from 1 to 600"),
        ("esplora+https://h/api?timeout=1.5", "timeout must be whole seconds from 1 to 600"),
        ("esplora+https://h/api?token=x", "takes only ?timeout=SECONDS, not 'token'"),
        ("esplora+https://h/api#x", "takes no #fragment"),
        ("electrum+tcp://h:1", "the node URL must be one of cbf://HOST:PORT, "),
    ],
)
def test_a_bad_server_url_is_refused_at_import(
    url: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "account.ur"
    export.write_text(ur_export())
    result = run(capsys, tmp_path / "data", "btc", "import", "w", str(export), "--network", "regtest",
                 "--node", url)  # fmt: skip
    assert result.status == 1 and message in result.err and result.err.count("\n") == 1, result.err
    assert snapshot(tmp_path / "data") == {}


@pytest.mark.parametrize(
    ("url", "where", "api"),
    [
        ("esplora+https://blockstream.info/api", "blockstream.info:443", "https://blockstream.info:443/api"),
        ("esplora+https://h:3002/testnet/api/?timeout=5", "h:3002", "https://h:3002/testnet/api"),
        ("esplora+http://[::1]:3000", "::1:3000", "http://[::1]:3000"),
        ("esplora+http://localhost:3000", "localhost:3000", "http://localhost:3000"),
    ],
)
def test_esplora_urls_name_the_api_root(url: str, where: str, api: str) -> None:
    from companion.btc.chain import chain_source
    from companion.btc.esplora import EsploraServer as EsploraSource

    source = chain_source(url)
    assert isinstance(source, EsploraSource)
    assert (source.node.where, source.api_url) == (where, api)


# -- the rest of each server's subset, checked against the node (the send and broadcast commands use it)


def node_payment(node: RegtestNode, address: str, btc: float) -> bytes:
    """A transaction signed by the node's own wallet, not sent: its raw bytes."""
    unsigned = node.rpc.call("createrawtransaction", [], [{address: btc}])
    funded = node.rpc.call("fundrawtransaction", unsigned, wallet="miner")["hex"]
    signed = node.rpc.call("signrawtransactionwithwallet", funded, wallet="miner")
    assert signed["complete"]
    return bytes.fromhex(signed["hex"])


def utxos_by_node(node: RegtestNode, address: str) -> list[tuple[str, int, int, int]]:
    scan = node.rpc.call("scantxoutset", "start", [f"addr({address})"])
    return sorted((u["txid"], u["vout"], round(u["amount"] * 100_000_000), u["height"])
                  for u in scan["unspents"])  # fmt: skip


class ElectrumLine:
    """The Electrum protocol by hand: one JSON request a line, one answer a line."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.file = self.sock.makefile("rwb")
        self.next_id = 0

    def call(self, method: str, *params: object) -> dict[str, object]:
        self.next_id += 1
        self.file.write(json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method,
                                    "params": list(params)}).encode() + b"\n")  # fmt: skip
        self.file.flush()
        answer: dict[str, object] = json.loads(self.file.readline())
        assert answer["id"] == self.next_id
        return answer

    def close(self) -> None:
        self.file.close()
        self.sock.close()


def test_the_electrum_server_answers_its_subset_as_the_protocol_says(
    regtest_node: RegtestNode, electrum: ElectrumServer, datadir: Path
) -> None:
    import bdkpython as bdk

    address = account().address(0, 12)
    regtest_node.mine(2, address)
    regtest_node.send(address, "0.3")
    regtest_node.mine(1)
    sh = scripthash(regtest_node.rpc.call("validateaddress", address)["scriptPubKey"])
    line = ElectrumLine(electrum.port)
    try:
        assert line.call("server.version", "test", "1.4")["result"] == ["airlock-test-electrum 0.1", "1.4"]
        unspent = line.call("blockchain.scripthash.listunspent", sh)["result"]
        assert isinstance(unspent, list)
        assert sorted((u["tx_hash"], u["tx_pos"], u["value"], u["height"]) for u in unspent) == utxos_by_node(
            regtest_node, address)  # fmt: skip
        balance = line.call("blockchain.scripthash.get_balance", sh)["result"]
        assert balance == {"confirmed": sum(u["value"] for u in unspent), "unconfirmed": 0}
        history = line.call("blockchain.scripthash.get_history", sh)["result"]
        assert isinstance(history, list) and history
        status = "".join(f"{h['tx_hash']}:{h['height']}:" for h in history)
        subscribe = line.call("blockchain.scripthash.subscribe", sh)["result"]
        assert subscribe == hashlib.sha256(status.encode()).hexdigest()
        assert line.call("blockchain.scripthash.subscribe", "00" * 32)["result"] is None  # never used
        header = bytes.fromhex(str(line.call("blockchain.block.header", 0)["result"]))
        assert hashlib.sha256(hashlib.sha256(header).digest()).digest()[::-1].hex() == regtest_node.rpc.call(
            "getblockhash", 0)  # fmt: skip
        headers = line.call("blockchain.block.headers", 0, 3)["result"]
        assert headers == {"count": 3, "hex": "".join(str(line.call("blockchain.block.header", h)["result"])
                                                        for h in range(3)), "max": 2016}  # fmt: skip
        unknown = {"code": -32601, "message": 'unknown method "no.such.method"'}
        assert line.call("no.such.method")["error"] == unknown
    finally:
        line.close()
    client = bdk.ElectrumClient(f"tcp://127.0.0.1:{electrum.port}")
    client.ping()
    assert client.relay_fee() == regtest_node.rpc.call("getnetworkinfo")["relayfee"]
    assert client.estimate_fee(6) == -1  # regtest has no fee estimate: the protocol's -1
    tx = node_payment(regtest_node, account().address(0, 10), 0.1)
    txid = str(client.transaction_broadcast(bdk.Transaction(tx)))
    assert regtest_node.rpc.call("getmempoolentry", txid)["vsize"] > 0
    with pytest.raises(bdk.ElectrumError):  # its lock time changed: the signatures no longer match
        client.transaction_broadcast(bdk.Transaction(tx[:-4] + b"\xff\xff\xff\xff"))


def test_the_esplora_server_answers_its_subset_as_the_api_says(
    regtest_node: RegtestNode, esplora: EsploraServer, datadir: Path
) -> None:
    import bdkpython as bdk

    client_url = f"http://127.0.0.1:{esplora.port}"
    client = bdk.EsploraClient(client_url)
    assert client.get_height() == regtest_node.height()
    assert str(client.get_tip_hash()) == regtest_node.rpc.call("getbestblockhash")
    assert client.get_fee_estimates() == {}  # regtest has no fee estimate
    tx = node_payment(regtest_node, account().address(0, 11), 0.2)
    client.broadcast(bdk.Transaction(tx))
    txid = str(bdk.Transaction(tx).compute_txid())
    assert client.get_tx_status(bdk.Txid.from_string(txid)).confirmed is False
    info = client.get_tx_info(bdk.Txid.from_string(txid))
    assert info is not None and info.fee == round(
        regtest_node.rpc.call("getmempoolentry", txid)["fees"]["base"] * 100_000_000)  # fmt: skip
    (block,) = regtest_node.mine(1)
    status = client.get_tx_status(bdk.Txid.from_string(txid))
    assert (status.confirmed, status.block_height) == (True, regtest_node.height())
    assert str(status.block_hash) == block
    proof = client.get_merkle_proof(bdk.Txid.from_string(txid))
    assert proof is not None and proof.block_height == regtest_node.height()
    assert client.get_tx(bdk.Txid.from_string("11" * 32)) is None  # 404: not found, not an error
    address = account().address(0, 11)
    script = bytes.fromhex(regtest_node.rpc.call("validateaddress", address)["scriptPubKey"])
    sh = hashlib.sha256(script).hexdigest()  # Esplora's scripthash: not reversed, unlike Electrum's
    with urllib.request.urlopen(f"{client_url}/scripthash/{sh}/utxo", timeout=30) as answer:
        utxo = json.loads(answer.read())
    found = sorted((u["txid"], u["vout"], u["value"], u["status"]["block_height"]) for u in utxo)
    assert found == utxos_by_node(regtest_node, address)


def self_signed_tls(folder: Path) -> ssl.SSLContext:
    """A server TLS context with a certificate for 127.0.0.1 that no authority signed."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())  # fmt: skip
    (folder / "key.pem").write_bytes(pem)  # the test server's throwaway key
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def test_electrums_refuses_a_certificate_no_authority_signed(
    regtest_node: RegtestNode, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """TLS that works, to a self-signed certificate: refused, as a stranger in the middle would be."""
    with ElectrumServer(regtest_node, tls=self_signed_tls(tmp_path)) as server:
        message = failed_sync(capsys, tmp_path / "data", server.url + "?timeout=2")
        assert server.tls is not None and not server.calls  # not a single request went over it
    assert message.startswith(f"no TLS from the Electrum server at 127.0.0.1:{server.port} ("), message
    assert "certificate" in message.lower()


@pytest.mark.parametrize("kind", ["electrum", "esplora"])
def test_a_later_sync_that_fails_midway_keeps_the_last_good_one(
    kind: str, regtest_node: RegtestNode, datadir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The wallet synced once; the next sync is cut off in the middle: its store, status and revealed
    addresses stay as the good sync left them, and the sync after that works."""
    regtest_node.mine(1)  # the mempool empty: the one payment below is all that is pending
    folder = tmp_path / "data"
    export = tmp_path / "account.ur"
    export.write_text(ur_export())
    with loopback(kind, regtest_node, Behaviour.SERVE) as server:
        assert run(capsys, folder, "btc", "import", "w", str(export), "--network", "regtest",
                   "--node", server.url + "?timeout=1").status == 0  # fmt: skip
        sync(capsys, folder, "w")
        good = snapshot(folder)
        regtest_node.send(account().address(0, 3), "0.01")  # something new for the next sync to take
        server.behaviour = Behaviour.CLOSE_MID_ANSWER
        server.trigger = "GET /scripthash/" if kind == "esplora" else "blockchain.scripthash."
        result = run(capsys, folder, "btc", "sync", "w")
        assert result.status == 1 and result.err.count("\n") == 1 and server.triggered, result.err
        assert snapshot(folder) == good
        server.behaviour, server.triggered = Behaviour.SERVE, False
        sync(capsys, folder, "w")
        assert balance(capsys, folder, "w") == expected_balance(regtest_node, pending_sats=1_000_000)
