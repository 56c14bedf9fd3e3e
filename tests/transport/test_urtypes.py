"""UR registry types: every public vector, the meaning of each field, and strict rejection."""

from __future__ import annotations

import re
import uuid

import pytest
from cbor2 import CBORTag
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_vectors import cases

from signer.transport import dcbor
from signer.transport.errors import TransportError
from signer.transport.ur import UR, decode_single
from signer.transport.urtypes import (
    PSBT,
    REGISTRY,
    Account,
    Address,
    Bytes,
    ChildIndex,
    ChildPair,
    ChildRange,
    ChildWildcard,
    CoinInfo,
    CryptoOutput,
    ECKey,
    EthDataType,
    EthSignature,
    EthSignRequest,
    HDKey,
    Keypath,
    MultiAccounts,
    MultiKey,
    OutputDescriptorV3,
    Seed,
    decode_ur,
    to_ur,
)

REGISTRY_VECTORS = "urtypes/ur-registry-vectors.json"
CURRENT_NAMES = {
    "psbt",
    "seed",
    "hdkey",
    "eckey",
    "keypath",
    "coin-info",
    "output-descriptor",
    "account-descriptor",
}

# -- embedded key vectors (PROTOCOLS.md 2.3-2.6, 3.2) --------------------------------------------------------
SEED_UR = "ur:crypto-seed/oeadgdstaslplabghydrpfmkbggufgludprfgmaotpiecffltnlpqdenos"
HDKEY_MASTER_UR = (
    "ur:crypto-hdkey/otadykaxhdclaevswfdmjpfswpwkahcywspsmndwmusoskprbbehetchsnpfcybbmwrhchspfxjeecaahdcxltfs"
    "zmlyrtdlgmhfcnzcctvwcmkbpsftgonbgauefsehgrqzdmvodizmweemtlaybakiylat"
)
OUTPUT_PKH_UR = (
    "ur:crypto-output/taadmutaadeyoyaxhdclaoswaalbmwfpwekijndyfefzjtmdrt"
    "ketphhktmngrlkwsfnospypsasrhhhjonnvwtsqzwljy"
)
ETH_REQUEST_HEX = (
    "a601d825509b1deb4d3b7d4bad9bdd2b0d7b3dcb6d02584bf849808609184e72a0008227109400000000000000000000000000000000"
    "0000000080a47f74657374320000000000000000000000000000000000000000000000000000006000578080800301040105d90130"
    "a2018a182cf501f501f500f401f4021a1234567807686d6574616d61736b"
)


def test_embedded_seed():
    seed = decode_ur(decode_single(SEED_UR))
    assert isinstance(seed, Seed)
    assert seed.payload.hex() == "c7098580125e2ab0981253468b2dbc52"
    assert seed.creation_date is not None and seed.creation_date.isoformat() == "2020-05-12"  # day 18394
    assert to_ur(seed) == decode_single(SEED_UR)


def test_embedded_hdkey_master_is_bip32_tv1():
    key = decode_ur(decode_single(HDKEY_MASTER_UR))
    assert isinstance(key, HDKey) and key.is_master and key.is_private
    assert _xkey(key) == (
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"
    )
    assert to_ur(key, legacy=False) == UR("hdkey", decode_single(HDKEY_MASTER_UR).cbor)


def test_embedded_crypto_output_pkh():
    out = decode_ur(decode_single(OUTPUT_PKH_UR))
    assert isinstance(out, CryptoOutput) and out.scripts == ("pkh",)
    assert isinstance(out.key, ECKey)
    assert out.key.data.hex() == "02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"
    assert out.template() == "pkh(@0)"


def test_embedded_eth_sign_request():
    request = decode_ur(UR("eth-sign-request", bytes.fromhex(ETH_REQUEST_HEX)))
    assert isinstance(request, EthSignRequest)
    assert request.request_uuid == uuid.UUID("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d")
    assert request.data_type is EthDataType.LEGACY_TRANSACTION
    assert request.effective_chain_id == 1 and request.origin == "metamask" and request.address is None
    assert request.derivation_path.to_path_string() == "m/44'/1'/1'/0/1"
    assert request.derivation_path.source_fingerprint == 0x12345678
    assert request.derivation_path.indexes == [0x8000002C, 0x80000001, 0x80000001, 0, 1]
    assert request.sign_data.hex().startswith("f849808609184e72a000")
    assert request.to_cbor().hex() == ETH_REQUEST_HEX


# -- public vectors --------------------------------------------------------------------------------
def _vector_cases(data):
    for v in data["vectors"]:
        yield re.sub(r"[^A-Za-z0-9]+", "-", v["name"]).strip("-"), v


@pytest.mark.parametrize("vector", cases(REGISTRY_VECTORS, _vector_cases))
def test_public_registry_vector(vector):
    text = vector.get("ur") or vector["ur_computed"]
    ur = decode_single(text)
    payload = bytes.fromhex(vector["cbor_hex"])
    if ur.type == "output-descriptor":  # the document publishes the tagged 40308(...) form
        tagged = dcbor.loads(payload, what="vector")
        assert isinstance(tagged, CBORTag) and tagged.tag == 40308
        assert OutputDescriptorV3.from_tagged(tagged) == decode_ur(ur)
        payload = dcbor.dumps(tagged.value)
    assert ur.cbor == payload
    obj = decode_ur(ur)
    assert isinstance(obj, REGISTRY[ur.type])
    if "BCR-2020-015" in vector["name"]:
        # written back as the deployed wallets write it: elements without the 308 wrapper
        again = to_ur(obj)
        assert again.type == "crypto-account" and decode_ur(again) == obj
        published = dcbor.loads(payload, what="vector")
        assert all(isinstance(e, CBORTag) and e.tag == 308 for e in published[2])
        published[2] = [e.value for e in published[2]]
        assert again.cbor == dcbor.dumps(published)
    else:
        assert to_ur(obj, legacy=ur.type not in CURRENT_NAMES) == ur
    _check_meaning(vector, obj)


def _check_meaning(vector, obj):
    """Compare typed fields with what the vector says in other words (hex, xpub, descriptor)."""
    if "psbt_hex" in vector:
        assert obj.data.hex() == vector["psbt_hex"]
    if "xkey" in vector:
        assert _xkey(obj) == vector["xkey"]
    if "descriptor" in vector:
        _check_descriptor(obj, vector["descriptor"])
    if "descriptors" in vector:
        assert len(obj.outputs) == len(vector["descriptors"])
        for output, text in zip(obj.outputs, vector["descriptors"], strict=True):
            _check_descriptor(output, text, full_xpub=True)
    if "mnemonic" in vector:
        _check_account_keys(obj, vector["mnemonic"])
    if "request_id" in vector:
        assert str(obj.request_uuid) == vector["request_id"]
    if "sign_data_hex" in vector:
        assert obj.sign_data.hex() == vector["sign_data_hex"]
        assert obj.effective_chain_id == vector["chain_id"] and obj.origin == vector["origin"]
        path, xfp = vector["derivation"].split(", source xfp ")
        assert obj.derivation_path.to_path_string() == path
        assert obj.derivation_path.source_fingerprint == int(xfp, 16)
    if "signature_hex" in vector:
        assert obj.signature.hex() == vector["signature_hex"] and obj.origin == vector["origin"]


def _xkey(key: HDKey) -> str:
    """BIP-32 serialization by the rule in PROTOCOLS.md 2.3 (Keystone getBip32Key), via embit."""
    from embit import ec
    from embit.bip32 import HDKey as Bip32Key
    from embit.networks import NETWORKS

    net = NETWORKS["test" if key.is_testnet else "main"]
    components = key.origin.components if key.origin else ()
    depth = len(components) if components else (key.origin.depth or 0) if key.origin else 0
    child = 0
    if components:
        last = components[-1]
        child = last.index | (0x80000000 if last.hardened else 0)
    material = ec.PrivateKey(key.key_data[1:]) if key.is_private else ec.PublicKey.parse(key.key_data)
    version = net["xprv" if key.is_private else "xpub"]
    parent = (key.parent_fingerprint or 0).to_bytes(4, "big")
    return Bip32Key(material, key.chain_code, version, depth, parent, child).to_base58()


_KEY_EXPR = re.compile(
    r"(\[[0-9a-f]{8}(?:/\d+'?)*\])?"  # origin
    r"((?:xpub|tpub)\w+|0[23][0-9a-f]{64}|(?:tb1|bc1)\w+|[KLc5][1-9A-HJ-NP-Za-km-z]{50,51})"  # key
    r"((?:/(?:\d+'?|\*|<\d+;\d+>))*)"  # children
)


def _check_descriptor(output, text: str, full_xpub: bool = False) -> None:
    from embit import ec
    from embit.bip32 import HDKey as Bip32Key
    from embit.networks import NETWORKS
    from embit.script import Script

    keys = output.keys
    found = list(_KEY_EXPR.finditer(text))
    assert len(found) == len(keys)
    template = text
    for i, match in reversed(list(enumerate(found))):
        template = template[: match.start()] + f"@{i}" + template[match.end() :]
    assert template == (output.template() if isinstance(output, CryptoOutput) else output.source)
    for key, match in zip(keys, found, strict=True):
        origin, material, children = match.groups()
        if isinstance(key, ECKey) and key.is_private:
            assert ec.PrivateKey(key.data).wif(NETWORKS["main"]) == material
        elif isinstance(key, ECKey):
            assert key.data.hex() == material
        elif isinstance(key, Address):
            network = NETWORKS["test" if key.info and key.info.network == 1 else "main"]
            assert Script(b"\x00\x14" + key.data).address(network) == material
        else:
            parsed = Bip32Key.from_base58(material)
            assert parsed.key.sec() == key.key_data and parsed.chain_code == key.chain_code
            if key.parent_fingerprint is not None:
                assert parsed.fingerprint == key.parent_fingerprint.to_bytes(4, "big")
            if full_xpub:
                assert _xkey(key) == material
            if origin:
                fp = f"{key.origin.source_fingerprint:08x}"
                assert origin == f"[{'/'.join([fp, key.origin.to_path_string('')]).rstrip('/')}]"
            expected_children = "/" + key.children.to_path_string("") if key.children else ""
            assert children == expected_children


def _check_account_keys(account: Account, mnemonic: str) -> None:
    from embit import bip39
    from embit.bip32 import HDKey as Bip32Key

    root = Bip32Key.from_seed(bip39.mnemonic_to_seed(mnemonic))
    assert account.master_fingerprint == int.from_bytes(root.my_fingerprint, "big")
    for output in account.outputs:
        key = output.keys[0]
        assert key.origin.source_fingerprint == account.master_fingerprint
        derived = root.derive(key.origin.to_path_string())
        assert derived.key.sec() == key.key_data and derived.chain_code == key.chain_code
        parent = root.derive(Keypath(key.origin.components[:-1]).to_path_string())
        assert key.parent_fingerprint == int.from_bytes(parent.my_fingerprint, "big")


def _by_name(data, prefix):
    return next(v for v in data["vectors"] if v["name"].startswith(prefix))


@pytest.mark.parametrize(
    "vector",
    cases(
        REGISTRY_VECTORS,
        lambda d: [("bcr-v1-to-v2", (_by_name(d, "crypto-account (BCR"), _by_name(d, "account-descriptor")))],
    ),
)
def test_public_account_converts_to_account_descriptor(vector):
    """crypto-account v1 re-encoded with legacy=False is byte-for-byte the published v2 descriptor."""
    v1, v2 = vector
    account = decode_ur(decode_single(v1["ur"]))
    assert to_ur(account, legacy=False) == decode_single(v2["ur"])


@pytest.mark.parametrize(
    "vector",
    cases(
        REGISTRY_VECTORS,
        lambda d: [
            ("keystone-vs-bcr", (_by_name(d, "crypto-account (Keystone"), _by_name(d, "crypto-account (BCR")))
        ],
    ),
)
def test_public_keystone_account_without_308_wrapper(vector):
    keystone, bcr = vector
    ks = decode_ur(decode_single(keystone["ur"]))
    ref = decode_ur(decode_single(bcr["ur"]))
    assert ks.master_fingerprint == ref.master_fingerprint == 0x37B5EED4
    assert [o.scripts for o in ks.outputs] == [
        ("pkh",),
        ("sh", "wpkh"),
        ("wpkh",),
        ("sh",),
        ("sh", "wsh"),
        ("wsh",),
    ]
    assert [o.keys[0].key_data for o in ks.outputs] == [o.keys[0].key_data for o in ref.outputs[:6]]
    assert all(o.keys[0].origin.source_fingerprint is None for o in ks.outputs)


# -- keypath ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "components"),
    [
        ("m/84'/0'/0'", (ChildIndex(84, True), ChildIndex(0, True), ChildIndex(0, True))),
        ("m/84h/0H/5", (ChildIndex(84, True), ChildIndex(0, True), ChildIndex(5))),
        ("m", ()),
        ("0/*", (ChildIndex(0), ChildWildcard())),
        ("<0;1>/*", (ChildPair(ChildIndex(0), ChildIndex(1)), ChildWildcard())),
        ("m/1/[0-9]'/*'", (ChildIndex(1), ChildRange(0, 9, True), ChildWildcard(True))),
    ],
)
def test_keypath_from_path_string(text, components):
    path = Keypath.from_path_string(text)
    assert path.components == components
    assert Keypath.from_path_string(path.to_path_string()) == path


@pytest.mark.parametrize(
    "text", ["m/", "m//0", "m/x", "m/2147483648", "m/-1", "m/0''", "m/<0;1", "m/*/", "m/[5-5]"]
)
def test_keypath_rejects_malformed_strings(text):
    with pytest.raises(TransportError):
        Keypath.from_path_string(text)


def test_keypath_children_wildcard_vector_encoding():
    """BCR-2020-010 TV4: /1/* is [1, false, [], false]; multipath <0;1>/* is [[0,false,1,false],[],false]."""
    assert Keypath.from_path_string("1/*").to_cbor() == bytes.fromhex("a1018401f480f4")
    assert Keypath.from_path_string("<0;1>/*").to_item() == {1: [[0, False, 1, False], [], False]}
    with pytest.raises(TransportError, match="wildcard"):
        _ = Keypath.from_path_string("1/*").indexes


# -- strict rejection ------------------------------------------------------------------------------
def _hdkey_public_item() -> dict:
    return {3: bytes.fromhex("02" + "11" * 32), 4: bytes(32)}


@pytest.mark.parametrize(
    ("ur_type", "payload", "match"),
    [
        ("crypto-hdkey", dcbor.dumps({**_hdkey_public_item(), 11: 1}), "unknown map key 11"),
        ("crypto-hdkey", dcbor.dumps({4: bytes(32)}), "required key 3"),
        ("crypto-hdkey", dcbor.dumps({3: "text"}), "key 3 must be a byte string"),
        ("crypto-hdkey", dcbor.dumps({3: bytes.fromhex("00" + "11" * 32)}), "compressed point"),
        ("crypto-hdkey", dcbor.dumps({1: False, 3: bytes(33), 4: bytes(32)}), "must be true"),
        ("crypto-hdkey", dcbor.dumps({1: True, 3: bytes(33), 4: bytes(32), 9: "x"}), "exactly keys"),
        ("crypto-hdkey", dcbor.dumps({**_hdkey_public_item(), 6: CBORTag(305, {})}), "unexpected tag 305"),
        ("crypto-hdkey", dcbor.dumps({**_hdkey_public_item(), 6: {1: []}}), "expected a tagged item"),
        ("crypto-hdkey", dcbor.dumps({**_hdkey_public_item(), 8: 0}), "parent fingerprint"),
        ("crypto-hdkey", dcbor.dumps({**_hdkey_public_item(), 9: None}), "null"),
        ("crypto-hdkey", dcbor.dumps({**_hdkey_public_item(), 9: "Acct\u202e1"}), "control or format"),
        ("crypto-hdkey", dcbor.dumps(CBORTag(303, _hdkey_public_item())), "expected a CBOR map"),
        ("crypto-keypath", dcbor.dumps({1: [44, 1]}), "hardened flag"),
        ("crypto-keypath", dcbor.dumps({1: [2**31, True]}), "child index"),
        ("crypto-keypath", dcbor.dumps({1: [[5, 5], False]}), "low < high"),
        ("crypto-keypath", dcbor.dumps({1: [44]}), "hardened flag"),
        ("crypto-keypath", dcbor.dumps({1: [], 2: 0}), "source fingerprint"),
        ("crypto-seed", dcbor.dumps({1: bytes(65)}), "1 to 64"),
        ("crypto-seed", dcbor.dumps({1: bytes(16), 2: CBORTag(0, "2020-01-01")}), "unexpected tag 0"),
        ("crypto-psbt", dcbor.dumps(b"notapsbt"), "magic"),
        ("crypto-psbt", dcbor.dumps("psbt"), "byte string"),
        ("crypto-eckey", dcbor.dumps({1: 1, 3: bytes(32)}), "curve"),
        (
            "crypto-output",
            dcbor.dumps(CBORTag(400, CBORTag(409, CBORTag(306, {3: bytes([2]) + bytes(32)})))),
            "tr",
        ),
        (
            "crypto-output",
            dcbor.dumps(CBORTag(400, CBORTag(400, CBORTag(306, {3: bytes([2]) + bytes(32)})))),
            "sh",
        ),
        (
            "crypto-output",
            dcbor.dumps(CBORTag(406, {1: 3, 2: [CBORTag(306, {3: bytes([2]) + bytes(32)})]})),
            "threshold",
        ),
        ("crypto-output", dcbor.dumps(CBORTag(403, CBORTag(304, {1: []}))), "hdkey"),
        ("crypto-account", dcbor.dumps({1: 1, 2: []}), "at least one"),
        ("crypto-account", dcbor.dumps({1: 1, 2: [CBORTag(1, 0)]}), "tagged output"),
        ("eth-sign-request", dcbor.dumps({2: b"x", 3: 5, 5: CBORTag(304, {1: []})}), "unknown data type 5"),
        ("eth-sign-request", dcbor.dumps({3: 1, 5: CBORTag(304, {1: []})}), "required key 2"),
        (
            "eth-sign-request",
            dcbor.dumps({2: b"x", 3: 1, 5: CBORTag(304, {1: [0, False, [], False]})}),
            "concrete",
        ),
        (
            "eth-sign-request",
            dcbor.dumps({2: b"x", 3: 1, 5: CBORTag(304, {1: []}), 6: bytes(19)}),
            "20 bytes",
        ),
        (
            "eth-sign-request",
            dcbor.dumps({1: CBORTag(37, bytes(15)), 2: b"x", 3: 1, 5: CBORTag(304, {1: []})}),
            "UUID",
        ),
        ("eth-sign-request", dcbor.dumps({2: b"x", 3: 1, 4: 0, 5: CBORTag(304, {1: []})}), "chain id"),
        ("eth-signature", dcbor.dumps({2: bytes(64)}), "r \\(32\\)"),
        ("crypto-hdkey", bytes.fromhex("a1031801"), "deterministic"),  # 1 written in two bytes
        ("crypto-coin-info", bytes.fromhex("a202010101"), "deterministic"),  # keys out of order
        ("crypto-coin-info", bytes.fromhex("a201010101"), "duplicate"),
        ("crypto-coin-info", bytes.fromhex("a0") + b"\x00", "trailing"),
        ("crypto-coin-info", bytes.fromhex("bf0101ff"), "indefinite"),
        ("crypto-coin-info", bytes.fromhex("a101fb3ff0000000000000"), "unsupported CBOR item"),
        ("crypto-coin-info", bytes.fromhex("a101f7"), "unsupported CBOR item"),
        ("crypto-coin-info", bytes.fromhex("a1015b7fffffffffffffff00"), "truncated"),
        ("crypto-coin-info", b"\xa1\x01" * 200 + b"\x00", "nested"),
        ("crypto-coin-info", bytes.fromhex("a101d81c81d81d00"), "integer"),  # shared refs stay inert tags
        ("crypto-coin-info", bytes.fromhex("a1017f"), "indefinite|truncated"),
        ("crypto-coin-info", bytes.fromhex("a1011c"), "reserved"),
        ("crypto-coin-info", bytes.fromhex("a101994e21") + b"\x80" * 20001, "more than 10000"),  # item bomb
        ("no-such-type", bytes.fromhex("a0"), "unsupported UR type"),
    ],
)
def test_malformed_payloads_are_refused(ur_type, payload, match):
    with pytest.raises(TransportError, match=match):
        decode_ur(UR(ur_type, payload))


def test_secrets_stay_out_of_reprs_and_errors():
    seed = decode_ur(decode_single(SEED_UR))
    master = decode_ur(decode_single(HDKEY_MASTER_UR))
    eckey = ECKey(
        bytes.fromhex("8c05c4b4f3e88840a4f4b5f155cfd69473ea169f3d0431b7a6787a23777f08aa"), is_private=True
    )
    for obj, secret in ((seed, seed.payload), (master, master.key_data[1:]), (eckey, eckey.data)):
        assert secret.hex() not in repr(obj) and secret.hex()[:8] not in str(obj)
    with pytest.raises(TransportError) as info:
        decode_ur(UR("crypto-seed", dcbor.dumps({1: bytes(range(65))})))
    assert bytes(range(65)).hex()[:16] not in str(info.value)


def test_to_ur_names_legacy_by_default():
    key = decode_ur(decode_single(HDKEY_MASTER_UR))
    assert to_ur(key).type == "crypto-hdkey" and to_ur(key, legacy=False).type == "hdkey"
    psbt = PSBT(b"psbt\xff\x00")
    assert (to_ur(psbt).type, to_ur(psbt, legacy=False).type) == ("crypto-psbt", "psbt")
    assert to_ur(Bytes(b"x")) == UR("bytes", b"\x41x")
    out = decode_ur(decode_single(OUTPUT_PKH_UR))
    v3 = to_ur(out, legacy=False)
    assert v3.type == "output-descriptor" and decode_ur(v3) == out.to_v3()
    v3_account = Account(1, (out.to_v3(),))
    with pytest.raises(TransportError, match="legacy=False"):
        to_ur(v3_account)
    assert decode_ur(to_ur(v3_account, legacy=False)) == v3_account
    with pytest.raises(TransportError):
        to_ur("not a registry object")  # type: ignore[arg-type]


def test_constructors_validate_what_the_signer_builds():
    path = Keypath.from_path_string("m/44'/60'/0'/0/0", source_fingerprint=0xE9181CF3)
    with pytest.raises(TransportError):
        EthSignature(bytes(64))
    with pytest.raises(TransportError):
        EthSignature(bytes(65), request_id=bytes(8))
    with pytest.raises(TransportError):
        EthSignRequest(b"", EthDataType.PERSONAL_MESSAGE, path)
    with pytest.raises(TransportError):
        EthSignRequest(b"x", 3, path)  # type: ignore[arg-type]
    with pytest.raises(TransportError):
        HDKey(bytes(33))  # public key data must be a point
    with pytest.raises(TransportError):
        MultiKey(0, (ECKey(bytes([2]) + bytes(32)),))
    with pytest.raises(TransportError):
        CryptoOutput(("wsh", "sh"), ECKey(bytes([2]) + bytes(32)))
    with pytest.raises(TransportError):
        OutputDescriptorV3("pkh(@1)", (ECKey(bytes([2]) + bytes(32)),))
    assert EthSignature(bytes(64) + b"\x25\x01").signature[-2:] == b"\x25\x01"  # multi-byte EIP-155 v


def test_bare_key_outputs_as_keystone_lists_ledger_live_keys():
    key = HDKey(
        bytes.fromhex("02" + "11" * 32), origin=Keypath.from_path_string("m/44'/60'/0'/0/0", 0x757E6FC9)
    )
    account = Account(0x757E6FC9, (CryptoOutput((), key),))
    item = dcbor.loads(to_ur(account).cbor, what="test")
    assert item[2][0].tag == 303  # the key itself, no script tag and no 308 wrapper
    assert decode_ur(to_ur(account)) == account
    with pytest.raises(TransportError, match="must hold a key"):
        CryptoOutput((), MultiKey(1, (key,)))
    with pytest.raises(TransportError, match="no output descriptor form"):
        to_ur(account, legacy=False)


@pytest.mark.parametrize("wrapper", [None, 308, 40308])
@pytest.mark.parametrize("legacy", [True, False])
def test_account_elements_are_read_in_every_form(wrapper, legacy):
    """Bare chains (Keystone, SeedSigner), 308 (BCR-2020-015, Sparrow) or 40308 around a v1 chain,
    with the keys' inner tags of either generation (303/304/305 or 40303/40304/40305)."""
    key = HDKey(
        bytes.fromhex("02" + "11" * 32),
        bytes(32),
        use_info=CoinInfo(0, 1),
        origin=Keypath.from_path_string("m/84'/1'/0'", 0x73C5DA0A, 3),
        parent_fingerprint=0x01020304,
    )
    output = CryptoOutput(("sh", "wpkh"), key)
    element = output.to_item(legacy)
    if wrapper is not None:
        element = CBORTag(wrapper, element)
    cbor = dcbor.dumps({1: 0x73C5DA0A, 2: [element]})
    assert decode_ur(UR("crypto-account", cbor)) == Account(0x73C5DA0A, (output,))


def test_multi_accounts_and_coin_info_defaults():
    # The network is written even on mainnet: urtypes takes a coin info without it for testnet.
    coin = CoinInfo(60, 0)
    assert coin.to_item() == {1: 60, 2: 0} and CoinInfo().to_item() == {2: 0}
    assert CoinInfo.from_item({}) == CoinInfo.from_item({1: 0, 2: 0}) == CoinInfo()  # read any form
    key = HDKey(bytes.fromhex("02" + "11" * 32), origin=Keypath.from_path_string("m/44'/60'/0'"))
    multi = MultiAccounts(0xE9181CF3, (key,), device="airlock")
    assert decode_ur(to_ur(multi)) == multi


# -- properties ------------------------------------------------------------------------------------
_index = st.builds(ChildIndex, st.integers(0, 2**31 - 1), st.booleans())
_component = st.one_of(
    _index,
    st.builds(ChildWildcard, st.booleans()),
    st.tuples(st.integers(0, 2**31 - 2), st.integers(1, 1000), st.booleans()).map(
        lambda t: ChildRange(t[0], min(t[0] + t[1], 2**31 - 1), t[2])
    ),
    st.builds(ChildPair, _index, _index),
)
_keypaths = st.builds(
    Keypath,
    st.lists(_component, max_size=8).map(tuple),
    st.one_of(st.none(), st.integers(1, 2**32 - 1)),
    st.one_of(st.none(), st.integers(0, 255)),
)
_text = st.one_of(st.none(), st.text(st.characters(categories=["L", "N", "P", "Zs"]), max_size=30))


@settings(max_examples=150, deadline=None)
@given(_keypaths, st.booleans())
def test_keypath_round_trips(path, legacy):
    assert decode_ur(to_ur(path, legacy=legacy)) == path
    assert Keypath.from_path_string(path.to_path_string(), path.source_fingerprint, path.depth) == path


@settings(max_examples=100, deadline=None)
@given(
    st.binary(min_size=32, max_size=32),
    st.booleans(),
    st.one_of(st.none(), st.binary(min_size=32, max_size=32)),
    st.one_of(st.none(), _keypaths),
    st.one_of(st.none(), st.integers(1, 2**32 - 1)),
    _text,
    _text,
    st.booleans(),
)
def test_hdkey_round_trips(body, private, chain_code, origin, parent, name, note, legacy):
    key_data = (b"\x00" if private else b"\x02") + body
    key = HDKey(
        key_data,
        chain_code,
        is_private=private,
        use_info=CoinInfo(60, 1),
        origin=origin,
        children=Keypath.from_path_string("0/*"),
        parent_fingerprint=parent,
        name=name,
        note=note,
    )
    assert decode_ur(to_ur(key, legacy=legacy)) == key


@settings(max_examples=100, deadline=None)
@given(
    st.binary(min_size=1, max_size=300),
    st.sampled_from(list(EthDataType)),
    st.lists(_index, min_size=1, max_size=6).map(tuple),
    st.one_of(st.none(), st.binary(min_size=16, max_size=16)),
    st.one_of(st.none(), st.integers(1, 2**64 - 1)),
    st.one_of(st.none(), st.binary(min_size=20, max_size=20)),
    _text,
)
def test_eth_sign_request_round_trips(data, data_type, steps, request_id, chain_id, address, origin):
    request = EthSignRequest(
        data, data_type, Keypath(steps, 0x12345678), request_id, chain_id, address, origin
    )
    assert decode_ur(to_ur(request)) == request
    signature = EthSignature(bytes(65), request_id, origin)
    assert decode_ur(to_ur(signature)) == signature
