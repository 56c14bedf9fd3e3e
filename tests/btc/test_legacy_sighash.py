"""Legacy sighashes computed once per transaction give the signatures Bitcoin Core and BDK give.

Two references, neither of them Airlock's nor embit's code: Bitcoin Core's own sighash vectors, and
BDK (rust-bitcoin's sighash cache) signing the same PSBT, whose RFC 6979 low-R signatures must equal
ours byte for byte for every sighash type the signer accepts. BDK's taproot signatures carry fresh
randomness, so for P2TR the check is that BDK's signature verifies against our digest.
"""

from __future__ import annotations

import base64

import coincurve
import pytest
from builders import In, Out, Wallet, build_psbt, external, funding_tx, origin, root_from, seed_from
from embit.transaction import Transaction
from multisig_files import cosigner, descriptor

from signer.btc import BtcKeys, load_psbt, parse_psbt, review_psbt, sign_reviewed
from signer.btc.legacy_sighash import LegacySighasher, SingleWithoutOutput
from signer.btc.multisig_formats import parse_wallet
from signer.btc.psbt_fields import PsbtIn
from signer.btc.sighash import ECDSA_SIGHASHES, TAPROOT_SIGHASHES
from signer.btc.sign import SighashCache

MNEMONICS = (
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    "legal winner thank year wave sausage worth useful legal winner thank yellow",
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
)
INPUTS = 3  # with three outputs, so SIGHASH_SINGLE has an output for every input
SIGN_OPTIONS = dict(
    trust_witness_utxo=False,
    assume_height=None,
    allow_all_sighashes=True,
    try_finalize=False,
    sign_with_tap_internal_key=True,
    allow_grinding=True,
)

# bitcoin/bitcoin src/test/data/sighash.json (commit 14dbc73e): of its first 31 vectors, those whose
# script holds no 0xab byte (OP_CODESEPARATOR, which Core strips and the scripts this signer spends
# never hold) and whose transaction embit parses back to the same bytes. Hash types are random 32-bit
# values: ALL, ALL|ANYONECANPAY, NONE and NONE|ANYONECANPAY by their low bits. Digests as Core prints them.
CORE_VECTORS = [
    ("0da910a503304372f2c841f76b767b3c0aacebfc6dc4074f0cae114c365a598e2e6e37a3ff010000000853ac00516aabacabff"
     "ffffffdc6f3ca479a3d12ffff996d03ef4898f896f53556fa7f6ec154e6b96bbe45d860100000000ffffffffb97b61ff17af51ab"
     "aa2ac726eb0a2ca1a0578665f4c3fd76ed6076788d8b7c3e0000000006ab6a655200ac54d974f30107132f675d0b040009536a63"
     "51515251005200000000",
     "6a5100ac0051", 0, -1522017801, "ec2e8a5c762d774486544c01805d62695b41c2eb597106973d092781556f650f"),
    ("4737215002d6ac898bde5f2055b5f642a9d95251aa9bd79a757058b5fc429c0c9ae2b1f2250100000009ab6a00ac00abab656a"
     "ffffffff176c3a90b0495f136312fafc161bff5bb32fa61981303f9d15e683798e8e219e0300000001ab5b0be2bb02b92d222971"
     "4b01000500006353ab294057f6cbcc020002ac6500000000",
     "53", 0, 434913772, "e154b93312a31ae30d7629517083866bb3dd9f2b8c2aeca1fdcc6d9ef28b2deb"),
    ("1053111a029d942e0cb55c273333c5064ccb92cbfdc8d56c97861e03618630237179094f470100000005000053ac65ffffffffda"
     "0f671ceec0ce2ea0a747214e0c9aeb2e092f14d1335a6a13512a70361972d401000000025152f6c86a39024e0136932480020008"
     "006a6a63ab515165ef0cc47fbd8d0300086a65ac535265656556d85a47",
     "ac65536363", 0, 2013933401, "7fb9dd1897d2f6d1f9d60957f1d2a050d10880b94961556f03f161ee9b5b57b3"),
    ("0ad29457020c1f81c448e6a16c1d46c6b11ce10350c25cee981a7e5f355a430a4b1a02c3e3010000000953525165ac6a516a52db"
     "03f96bc594126fef82a78e20977c76c690ec394ab51b00ed9f18fc07400768ad9bd48b0000000009ab51636a5265525263616b54"
     "23012426ef16db5b0100056351006a5300000000",
     "636a", 1, 877962686, "0e1455886a1cd6fd614950b396eb1f207eb6dbbcec0945da95629418da923366"),
    ("d9bd0983028c07265ad18ae5b4f91b6ca2ce31d8a92543d27d4d43ad1d9814404102453bfc01000000020000ffffffffc5654684"
     "507ee70ca0ee24de8577ccf2cd8a891e707026073be775ebed4fb2270100000002ab539cebb35003781985dfcdae000005636aac"
     "510010a97e1e9bcb01000151c933660582b00000066aabab0052527c356b2a",
     "5163ac0052", 0, 243463904, "354d46f80064135c353c756c3865258159d1bb8d2b6b73904abd9de2ebdea2e4"),
    ("1ba51bda02961cbcf129f7ededc032fb7bd72d6d1ea0d0ea2363620753ff528420f24b797a0300000009516352ac6aab6a6552ff"
     "ffffff5164406e0dc5d425e1f1f2eadaf764fe356f031921306ac6cdda8cf4fe2f5a34010000000751ac51ab5100531dff4f8002"
     "19f48b57d658020008006551656353abac2288a35d21e100000000000000",
     "", 0, 767356194, "eb63e6721af3d9b9b45ca2344b1a0891706455a30713bdc9d37f23f89695b27d"),
    ("1558940e04c53c26ce96222a2b44f9bb8f2d616a025b2b92b820aa292da2147d7c5f36a8f10200000003516500fffffffffe73c9"
     "8c41bb236538a4fe75a285048b34599bcbca86523cb0088452da60889f0000000000f138dcf6d079beabc54179cf3b2c9dd9103c"
     "6f47636b8e17fde8f0410fb2c6c4daf2eb120100000004655165006fb2c8aacd093636f76e521162b52e464aaf61d4a2080ec268"
     "609b0975d73812b2252c95020000000765536a536a5200c60ed0e30347e8e2ac28c201000752acab000065abcb13d378b8020100"
     "0853525263ab53ab00d7ef2c96cd4a0200015200000000",
     "", 3, -2022306078, "af8adf2fa72d3f0066b59d9d3d89e498f39f7974b2a97bee72e1318cbefd3a53"),
    ("c2a8db94017709eed353ca42aa3b78a0c4a3c2cc4c52287b784fcf508a4df8876ca9ab156903000000025151853c5140029ac92c"
     "cbb795030007000052526553520d4c9ee0dcd900000665516565006a00acb7f7",
     "526a63", 0, -1402165248, "7f682def9a0f014c9919807c5177e033a478493f753ce763dadc7f097e49fb8b"),
    ("cc3dee6b0395388456d20ddd370a430e665087f08e851898dd4caf2acf650a724199d576350000000001517d566d2f77b9caefa0"
     "004c5df5c34ed75925c36436ac71440f5566a58ccf7a7b9ccf6b5102000000016560aab9340494550cd22311392dcc6f2607eda8"
     "fc7fc81ff1f7c5d06ae3e444f21344daaa0200000008ab656a52acac65524e15a99501b41d1dcb873401000045831831",
     "ac", 1, 1704699221, "b9481741427436838e2dc98b6b9f8f35f480fa617d45300e3ca9904a4f7b8a3d"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "script", "index", "hash_type", "expected"), CORE_VECTORS)
def test_bitcoin_core_sighash_vectors(
    raw: str, script: str, index: int, hash_type: int, expected: str
) -> None:
    tx = Transaction.parse(bytes.fromhex(raw))
    digest = LegacySighasher(tx).digest(index, bytes.fromhex(script), hash_type)
    assert digest[::-1].hex() == expected  # Core prints a uint256, byte-reversed


def test_digests_do_not_depend_on_the_order_inputs_are_hashed_in() -> None:
    raw, _, _, _, _ = CORE_VECTORS[-3]  # four inputs, three outputs
    tx = Transaction.parse(bytes.fromhex(raw))
    code = bytes.fromhex("76a914" + "11" * 20 + "88ac")
    cases = [(i, ht) for i in range(4) for ht in ECDSA_SIGHASHES if i < 3 or ht & 0x1F != 3]
    reference = {(i, ht): LegacySighasher(tx).digest(i, code, ht) for i, ht in cases}
    assert len(set(reference.values())) == len(cases)
    shared = LegacySighasher(tx)
    for i, ht in [(3, 1), (0, 1), (2, 3), (2, 1), (1, 2), (3, 0x82), (1, 1), (0, 3), (3, 1), (2, 0x83)]:
        assert shared.digest(i, code, ht) == reference[(i, ht)], (i, ht)


def test_single_without_an_output_at_its_index_is_refused_not_the_constant_one() -> None:
    raw, script, _, _, _ = CORE_VECTORS[0]  # three inputs, one output
    tx = Transaction.parse(bytes.fromhex(raw))
    with pytest.raises(SingleWithoutOutput, match="input 1: SIGHASH_SINGLE without an output"):
        LegacySighasher(tx).digest(1, bytes.fromhex(script), 3)
    assert len(LegacySighasher(tx).digest(0, bytes.fromhex(script), 0x83)) == 32


# ------------------------------------------------------------------ against BDK
bdk = pytest.importorskip("bdkpython")
DESCRIPTORS = {"p2pkh": "pkh({})", "p2sh-p2wpkh": "sh(wpkh({}))", "p2wpkh": "wpkh({})", "p2tr": "tr({})"}
PURPOSES = {"p2pkh": 44, "p2sh-p2wpkh": 49, "p2wpkh": 84, "p2tr": 86}


def _bdk_sign(raw: bytes, external_desc: str, internal_desc: str, network: str) -> bytes:
    kind = bdk.NetworkKind.MAIN if network == "main" else bdk.NetworkKind.TEST
    wallet = bdk.Wallet(
        bdk.Descriptor(external_desc, kind),
        bdk.Descriptor(internal_desc, kind),
        bdk.Network.BITCOIN if network == "main" else bdk.Network.TESTNET,
        bdk.Persister.new_in_memory(),
    )
    psbt = bdk.Psbt(base64.b64encode(raw).decode())
    wallet.sign(psbt, bdk.SignOptions(**SIGN_OPTIONS))
    return base64.b64decode(psbt.serialize())


def _values(raw: bytes, keytype: int) -> list[list[bytes]]:
    return [[e.value for e in inp.entries if e.keytype == keytype] for inp in parse_psbt(raw).inputs]


def _single_sig_psbt(kind: str, sighash: int) -> tuple[bytes, BtcKeys, str, str]:
    root = root_from()
    w = Wallet(root, kind)
    ins = [w.utxo(10_000 + i, 0, i, salt=i, sighash=sighash) for i in range(INPUTS)]
    raw = build_psbt(ins, [external(9_000), external(9_001, b"other"), w.change(9_002, 0)])
    account = root.derive(f"m/{PURPOSES[kind]}h/0h/0h")
    key = f"[{root.my_fingerprint.hex()}/{PURPOSES[kind]}h/0h/0h]{account.to_base58()}"
    template = DESCRIPTORS[kind]
    return raw, BtcKeys(root, "main"), template.format(f"{key}/0/*"), template.format(f"{key}/1/*")


@pytest.mark.parametrize("sighash", sorted(ECDSA_SIGHASHES))
@pytest.mark.parametrize("kind", ["p2pkh", "p2sh-p2wpkh", "p2wpkh"])
def test_ecdsa_signatures_equal_bdks_for_every_sighash_type(kind: str, sighash: int) -> None:
    raw, keys, ext, internal = _single_sig_psbt(kind, sighash)
    review = review_psbt(load_psbt(raw), keys)
    assert review.to_sign == tuple(range(INPUTS))
    ours = sign_reviewed(review, keys, accept_risk=True).psbt
    theirs = _bdk_sign(raw, ext, internal, "main")
    expected = _values(theirs, PsbtIn.PARTIAL_SIG)
    assert all(len(sigs) == 1 for sigs in expected)  # BDK did sign every input
    assert _values(ours, PsbtIn.PARTIAL_SIG) == expected


@pytest.mark.parametrize("sighash", sorted(TAPROOT_SIGHASHES))
def test_bdks_taproot_signatures_verify_against_our_digests(sighash: int) -> None:
    raw, keys, ext, internal = _single_sig_psbt("p2tr", sighash)
    review = review_psbt(load_psbt(raw), keys)
    theirs = _bdk_sign(raw, ext, internal, "main")
    cache = SighashCache(review._psbt, review._utxos)
    psbt = parse_psbt(raw)
    for plan, (sig,) in zip(review._plan, _values(theirs, PsbtIn.TAP_KEY_SIG), strict=True):
        assert sig[64:] == (bytes([sighash]) if sighash else b"")
        spk = psbt.inputs[plan.index].witness_utxo.script_pubkey.data
        xonly = coincurve.PublicKeyXOnly(spk[2:])
        assert xonly.verify(sig[:64], cache.digest(plan)), plan.index
    ours = sign_reviewed(review, keys, accept_risk=True).psbt
    assert [len(s) for (s,) in _values(ours, PsbtIn.TAP_KEY_SIG)] == [64 + (sighash != 0)] * INPUTS


@pytest.mark.parametrize("sighash", sorted(ECDSA_SIGHASHES))
def test_legacy_p2sh_multisig_signatures_equal_bdks(sighash: int) -> None:
    cosigners = [cosigner(m, "p2sh") for m in MNEMONICS]
    record = {"name": "Family vault", "descriptor": descriptor(cosigners, 2, "p2sh")}
    wallet = parse_wallet(record["descriptor"])
    ins = []
    for i in range(INPUTS):
        spk, _, redeem = wallet.scripts_at(0, i)
        bip32 = {
            c.key.derive([0, i]).key.sec(): origin(c.fingerprint, (*c.path, 0, i)) for c in wallet.cosigners
        }
        ins.append(
            In(funding_tx([(50_000, spk)], salt=i), 0, bip32=bip32, redeem=redeem, wu=False, sighash=sighash)
        )
    cspk, _, credeem = wallet.scripts_at(1, 0)
    raw = build_psbt(ins, [external(40_000), external(40_001, b"other"), Out(60_000, cspk, redeem=credeem)])
    keys = BtcKeys.from_seed(seed_from(), "test", [record])
    review = review_psbt(load_psbt(raw), keys)
    assert review.to_sign == tuple(range(INPUTS))
    ours = sign_reviewed(review, keys, accept_risk=True).psbt

    root = root_from(network="test")
    xprv = root.derive("m/45h").to_base58()
    ours_key = f"[{root.my_fingerprint.hex()}/45h]{xprv}"
    others = [c.expression("") for c in cosigners[1:]]
    ext, internal = (
        f"sh(sortedmulti(2,{ours_key}/{b}/*,{','.join(o + f'/{b}/*' for o in others)}))" for b in (0, 1)
    )
    theirs = _bdk_sign(raw, ext, internal, "test")
    expected = _values(theirs, PsbtIn.PARTIAL_SIG)
    assert all(len(sigs) == 1 for sigs in expected)
    assert _values(ours, PsbtIn.PARTIAL_SIG) == expected
