"""BIP-341 wallet vectors (output keys/addresses; key-path sighashes and signatures), BIP-86 vectors."""

from __future__ import annotations

import pytest
import shared_vectors
from builders import kv
from embit import ec

from signer.btc import BtcKeys
from signer.btc.networks import address_from_script
from signer.btc.psbt import parse_psbt
from signer.btc.scripts import p2tr
from signer.btc.sign import SighashCache, schnorr_sign
from signer.btc.wire import parse_tx

REL = "bip341/wallet-test-vectors.json"
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def _spk_cases(data: dict) -> list[tuple[str, dict]]:
    return [(f"spk-{n}", c) for n, c in enumerate(data["scriptPubKey"]) if c["given"]["scriptTree"] is None]


@pytest.mark.parametrize("case", shared_vectors.cases(REL, _spk_cases))
def test_key_path_output_script_and_address(case: dict) -> None:
    spk = p2tr(bytes.fromhex(case["given"]["internalPubkey"]))
    assert spk.hex() == case["expected"]["scriptPubKey"]
    assert address_from_script(spk, "main") == case["expected"]["bip350Address"]


def _n_outputs(raw_tx: bytes) -> int:
    return len(parse_tx(raw_tx, allow_witness=False, what="vector tx").vout)


def _keypath_cases(data: dict) -> list[tuple[str, dict]]:
    out = []
    for block in data["keyPathSpending"]:
        for c in block["inputSpending"]:
            if c["given"]["merkleRoot"] is None:
                out.append(
                    (
                        f"input-{c['given']['txinIndex']}-ht{c['given']['hashType']}",
                        {"block": block, "case": c},
                    )
                )
    return out


@pytest.mark.parametrize("item", shared_vectors.cases(REL, _keypath_cases))
def test_key_path_sighash_and_signature(item: dict) -> None:
    block, case = item["block"], item["case"]
    raw_tx = bytes.fromhex(block["given"]["rawUnsignedTx"])
    utxos = tuple((u["amountSats"], bytes.fromhex(u["scriptPubKey"])) for u in block["given"]["utxosSpent"])
    psbt = parse_psbt(
        b"psbt\xff" + kv(b"\x00", raw_tx) + b"\x00" + b"\x00" * (len(utxos) + _n_outputs(raw_tx))
    )
    given = case["given"]
    digest = SighashCache(psbt, utxos).taproot(given["txinIndex"], given["hashType"])
    assert digest.hex() == case["intermediary"]["sigHash"]
    key = ec.PrivateKey(bytes.fromhex(given["internalPrivkey"]))
    tweaked = key.taproot_tweak(b"")
    expected = int(case["intermediary"]["tweakedPrivkey"], 16)
    # embit keeps tweaked keys with an even Y (BIP-340 signs the same either way)
    assert int.from_bytes(tweaked.secret, "big") in (expected, SECP256K1_N - expected)
    sig = schnorr_sign(tweaked, digest, aux_rand=bytes(32))
    if given["hashType"]:
        sig += bytes([given["hashType"]])
    assert [sig.hex()] == case["expected"]["witness"]


# Embedded: BIP-86 first receive address of the "abandon ... about" seed (bip-0086 test vectors)
def test_bip86_vector_embedded() -> None:
    from builders import root_from

    keys = BtcKeys(root_from(), "main")
    sec = keys.pubkey((86 + 2**31, 2**31, 2**31, 0, 0))
    assert sec[1:].hex() == "cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115"
    spk = p2tr(sec[1:])
    assert spk[2:].hex() == "a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c"
    assert (
        address_from_script(spk, "main") == "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"
    )
