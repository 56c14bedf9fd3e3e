"""Signing requests built the way a watch-only wallet builds them, with embit / rlp / cbor2 directly
(not with the code under test), and independent checks of what the device signed."""

from __future__ import annotations

import uuid

from embit import ec
from embit.hashes import hash160
from embit.psbt import PSBT
from embit.script import Script
from ui_driver import ABANDON

from app.person import CHANGE, SEND, SPEND_IN, demo_psbt  # the tests import them from here too

H = 0x80000000
ABANDON_ETH = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"  # m/44'/60'/0'/0/0 of ABANDON (well known)
EXTERNAL_SPK = bytes.fromhex("0014") + bytes(range(20))


def _path(text: str) -> list[int]:
    return [int(p[:-1]) + H if p.endswith("h") else int(p) for p in text.split("/")[1:]]


def btc_psbt(mnemonic: str = ABANDON) -> tuple[bytes, bytes]:
    """A PSBT spending one P2WPKH coin of m/84h/0h/0h/0/0: 0.0006 out, change to .../1/0, fee 1000 sats.

    Returns (psbt bytes, public key of the input)."""
    return demo_psbt(mnemonic)


def btc_psbt_without_previous_tx(mnemonic: str = ABANDON) -> tuple[bytes, bytes]:
    """The same spend with only the witness_utxo of its input, as Sparrow and BlueWallet often send."""
    raw, pubkey = demo_psbt(mnemonic)
    psbt = PSBT.parse(raw)
    psbt.inputs[0].non_witness_utxo = None
    return psbt.serialize(), pubkey


def btc_psbt_burning(burned: int, mnemonic: str = ABANDON) -> bytes:
    """The demo spend with ``burned`` sats moved from its change to an OP_RETURN output."""
    from embit.psbt import OutputScope
    from embit.transaction import TransactionOutput

    raw, _ = demo_psbt(mnemonic)
    psbt = PSBT.parse(raw)
    psbt.outputs[1].value -= burned  # embit's ``vout`` is a fresh copy: changing it changes nothing
    psbt.outputs.append(OutputScope(vout=TransactionOutput(burned, Script(b"\x6a\x04memo"))))
    return psbt.serialize()


def btc_message_proof(message: bytes, *, carried: bool, mnemonic: str = ABANDON) -> tuple[bytes, str]:
    """A BIP-322 to_sign for ``message`` and m/84h/0h/0h/0/0, as a PSBT (the message in a BitGo-style
    proprietary global field when ``carried``). Returns (psbt bytes, address).

    Written by hand: embit's PSBT writer turns to_sign's version 0 and sequence 0 into 2 and 0xffffffff."""
    import hashlib

    from embit.bip32 import HDKey
    from embit.bip39 import mnemonic_to_seed
    from embit.script import p2wpkh
    from embit.transaction import Transaction, TransactionInput, TransactionOutput

    def kv(key: bytes, value: bytes) -> bytes:  # short keys and values only
        assert len(key) < 0xFD and len(value) < 0xFD
        return bytes([len(key)]) + key + bytes([len(value)]) + value

    root = HDKey.from_seed(mnemonic_to_seed(mnemonic))
    path = "m/84h/0h/0h/0/0"
    sec = root.derive(path).key.get_public_key().sec()
    spk = b"\x00\x14" + hash160(sec)
    tag = hashlib.sha256(b"BIP0322-signed-message").digest()
    hashed = hashlib.sha256(tag + tag + message).digest()
    spend_in = TransactionInput(bytes(32), 0xFFFFFFFF, Script(b"\x00\x20" + hashed), sequence=0)
    to_spend = Transaction(version=0, vin=[spend_in], vout=[TransactionOutput(0, Script(spk))], locktime=0)
    unsigned = (
        bytes(4)  # version 0
        + b"\x01" + bytes(reversed(to_spend.txid())) + bytes(4) + b"\x00" + bytes(4)  # to_spend:0, sequence 0
        + b"\x01" + bytes(8) + b"\x01\x6a"  # one output: 0, OP_RETURN
        + bytes(4)  # locktime 0
    )  # fmt: skip
    origin = root.my_fingerprint + b"".join(i.to_bytes(4, "little") for i in _path(path))
    glob = kv(b"\x00", unsigned) + (kv(b"\xfc\x05BITGO\x07", message) if carried else b"")
    witness_utxo = bytes(8) + bytes([len(spk)]) + spk
    inp = kv(b"\x01", witness_utxo) + kv(b"\x06" + sec, origin)
    raw = b"psbt\xff" + glob + b"\x00" + inp + b"\x00" + b"\x00"
    return raw, p2wpkh(ec.PublicKey.parse(sec)).address()


def check_btc_signature(signed: bytes, pubkey: bytes) -> None:
    """The signed PSBT carries a valid SIGHASH_ALL signature of the input by ``pubkey``."""
    psbt = PSBT.parse(signed)
    sigs = {k.sec(): v for k, v in psbt.inputs[0].partial_sigs.items()}
    assert pubkey in sigs, "no signature for our key"
    sig = sigs[pubkey]
    assert sig[-1] == 1
    script_code = Script(b"\x76\xa9\x14" + hash160(pubkey) + b"\x88\xac")
    digest = psbt.tx.sighash_segwit(0, script_code, SPEND_IN, sighash=1)
    assert ec.PublicKey.parse(pubkey).verify(ec.Signature.parse(sig[:-1]), digest)


# -- Ethereum ---------------------------------------------------------------------------------
USDC = bytes.fromhex("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48")  # mainnet USDC
SPENDER = bytes.fromhex("1111111254eeb25477b68fb85ed929f73a960582")
RECIPIENT = bytes.fromhex("d8da6bf26964af9d7eed9e03e53415d37aa96045")
MAX = 2**256 - 1


def eip1559(to: bytes, value: int, data: bytes = b"", *, nonce: int = 7, chain_id: int = 1) -> bytes:
    """Unsigned EIP-1559 transaction bytes: 0x02 || rlp([...]) (EIP-1559 field order)."""
    import rlp

    fields = [chain_id, nonce, 1_500_000_000, 30_000_000_000, 60_000, to, value, data, []]
    return b"\x02" + rlp.encode(fields)


def approve_data(spender: bytes, amount: int) -> bytes:
    return bytes.fromhex("095ea7b3") + bytes(12) + spender + amount.to_bytes(32, "big")


def eth_sign_request(sign_data: bytes, *, data_type: int = 4, request_id: bytes | None = None) -> bytes:
    """The CBOR of an ERC-4527 eth-sign-request as MetaMask's QR keyring sends it."""
    import cbor2

    rid = request_id or uuid.uuid4().bytes
    path = cbor2.CBORTag(304, {1: [44, True, 60, True, 0, True, 0, False, 0, False], 2: 0x73C5DA0A})
    return cbor2.dumps(
        {
            1: cbor2.CBORTag(37, rid),
            2: sign_data,
            3: data_type,
            4: 1,
            5: path,
            6: bytes.fromhex(ABANDON_ETH[2:]),
            7: "metamask",
        }
    )


def recover_eth_signer(unsigned: bytes, signature: bytes) -> str:
    from eth_keys import keys
    from eth_utils import keccak

    r, s, v = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big"), signature[64]
    sig = keys.Signature(vrs=(v, r, s))
    return sig.recover_public_key_from_msg_hash(keccak(unsigned)).to_checksum_address()


# -- Bitcoin multisig ---------------------------------------------------------------------------
def multisig_descriptor(mnemonics: list[str], network: str = "main", m: int = 2) -> str:
    """``wsh(sortedmulti(m, ...))`` of the seeds' BIP-48 P2WSH keys (account 0), with its checksum."""
    from embit.bip32 import HDKey
    from embit.bip39 import mnemonic_to_seed
    from embit.descriptor.checksum import add_checksum
    from embit.networks import NETWORKS

    coin = "0h" if network == "main" else "1h"
    keys = []
    for words in mnemonics:
        root = HDKey.from_seed(mnemonic_to_seed(words))
        xpub = root.derive(f"m/48h/{coin}/0h/2h").to_public().to_base58(NETWORKS[network]["xpub"])
        keys.append(f"[{root.my_fingerprint.hex()}/48h/{coin}/0h/2h]{xpub}/<0;1>/*")
    return add_checksum(f"wsh(sortedmulti({m},{','.join(keys)}))")


def multisig_psbt(descriptor: str, index: int = 3) -> tuple[bytes, bytes]:
    """A spend of the wallet's receive ``index`` coin: 0.0006 out, change to change #0, fee 1000 sats,
    built with embit's descriptors. Returns (psbt bytes, our (ABANDON's) public key of the input)."""
    from embit.descriptor import Descriptor
    from embit.psbt import PSBT, DerivationPath
    from embit.transaction import Transaction, TransactionInput, TransactionOutput

    wallet = Descriptor.from_string(descriptor.split("#")[0])
    spent, change = wallet.derive(index, branch_index=0), wallet.derive(0, branch_index=1)
    funding = Transaction(
        vin=[TransactionInput(bytes(32), 1)], vout=[TransactionOutput(SPEND_IN, spent.script_pubkey())]
    )
    tx = Transaction(
        vin=[TransactionInput(funding.txid(), 0, sequence=0xFFFFFFFD)],
        vout=[
            TransactionOutput(SEND, Script(EXTERNAL_SPK)),
            TransactionOutput(CHANGE, change.script_pubkey()),
        ],
    )
    psbt = PSBT(tx)
    psbt.inputs[0].non_witness_utxo = funding
    psbt.inputs[0].witness_utxo = funding.vout[0]
    psbt.inputs[0].witness_script = spent.witness_script()
    ours = None
    for key in spent.keys:  # each key's origin already ends in the derived branch/index
        psbt.inputs[0].bip32_derivations[key.get_public_key()] = DerivationPath(
            key.origin.fingerprint, key.origin.derivation
        )
        if key.origin.fingerprint.hex() == "73c5da0a":
            ours = key.get_public_key().sec()
    psbt.outputs[1].witness_script = change.witness_script()
    for key in change.keys:
        psbt.outputs[1].bip32_derivations[key.get_public_key()] = DerivationPath(
            key.origin.fingerprint, key.origin.derivation
        )
    assert ours is not None
    return psbt.serialize(), ours
