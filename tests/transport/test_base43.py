"""Electrum's base43 QR: Electrum's own vector, PSBTs and transactions recognised, nothing else taken
for one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signer.transport import base43, plain
from signer.transport.assembler import Assembler
from signer.transport.errors import TransportError

# spesmilo/electrum tests/test_bitcoin.py TestBaseEncode.test_base43: a segwit transaction and its
# base43 text as Electrum shows it in a QR code.
ELECTRUM_TX = bytes.fromhex(
    "020000000001021cd0e96f9ca202e017ca3465e3c13373c0df3a4cdd91c1fd02ea42a1a65d2a410000000000fdffffff757da7cf"
    "8322e5063785e2d8ada74702d2648fa2add2d533ba83c52eb110df690200000000fdffffff02d07e010000000000160014b544"
    "c86eaf95e3bb3b6d2cabb12ab40fc59cad9ca086010000000000232102ce0d066fbfcf150a5a1bbc4f312cd2eb080e8d8a47e5"
    "f2ce1a63b23215e54fb5ac02483045022100a9856bf10a950810abceeabc9a86e6ba533e130686e3d7863971b9377e7c658a02"
    "20288a69ef2b958a7c2ecfa376841d4a13817ed24fa9a0e0a6b9cb48e6439794c701210324e291735f83ff8de47301b1203495"
    "0b80fa4724926a34d67e413d8ff8817c53024830450221008f885978f7af746679200ed55fe2e86c1303620824721f95cc41eb"
    "7965a3dfcf02207872082ac4a3c433d41a203e6d685a459e70e551904904711626ac899238c20a0121023d4c9deae1aacf3f82"
    "2dd97a28deaec7d4e4ff97be746d124a63d20e582f5b290a971600"
)
ELECTRUM_TX_BASE43 = (
    "3E2DH7.J3PKVZJ3RCOXQVS3Y./6-WE.75DDU0K58-0N1FRL565N8ZH-DG1Z.1IGWTE5HK8F7PWH5P8+V3XGZZ6GQBPHNDE+RD8CAQ"
    "VV1/6PQEMJIZTGPMIJ93B8P$QX+Y2R:TGT9QW8S89U4N2.+FUT8VG+34USI/N/JJ3CE*KLSW:REE8T5Y*9:U6515JIUR$6TODLYH"
    "SDE3B5DAF:5TF7V*VAL3G40WBOM0DO2+CFKTTM$G-SO:8U0EW:M8V:4*R9ZDX$B1IRBP9PLMDK8H801PNTFB4$HL1+/U3F61P$4N:"
    "UAO88:N5D+J:HI4YR8IM:3A7K1YZ9VMRC/47$6GGW5JEL1N690TDQ4XW+TWHD:V.1.630QK*JN/.EITVU80YS3.8LWKO:2STLWZAV"
    "HUXFHQ..NZ0:.J/FTZM.KYDXIE1VBY7/:PHZMQ$.JZQ2.XT32440X/HM+UY/7QP4I+HTD9.DUSY-8R6HDR-B8/PF2NP7I2-MRW9VP"
    "W3U9.S0LQ.*221F8KVMD5ANJXZJ8WV4UFZ4R.$-NXVE+-FAL:WFERGU+WHJTHAP"
)
PSBT = bytes.fromhex(  # BIP-174 creator PSBT
    "70736274ff01009a020000000258e87a21b56daf0c23be8e7070456c336f7cbaa5c8757924f545887bb2abdd750000000000"
    "ffffffff838d0427d0ec650a68aa46bb0b098aea4422c071b2ca78352a077959d07cea1d0100000000ffffffff0270aaf008"
    "00000000160014d85c2b71d0060b09c9886aeb815e50991dda124d00e1f5050000000016001400aea9a2e5f0f876a588df55"
    "46e8742d1d87008f000000000000000000"
)


def test_electrum_vector() -> None:
    assert base43.encode(ELECTRUM_TX) == ELECTRUM_TX_BASE43
    assert base43.decode(ELECTRUM_TX_BASE43) == ELECTRUM_TX


def test_electrum_transaction_qr_is_a_transaction() -> None:
    assembler = Assembler()
    assert assembler.add(ELECTRUM_TX_BASE43).complete
    payload = assembler.result
    assert (payload.kind, payload.format, payload.data) == ("bitcoin-tx", "base43", ELECTRUM_TX)


def test_electrum_psbt_qr_is_a_psbt() -> None:
    text = base43.encode(PSBT)
    payload = plain.recognise(text)
    assert payload is not None and (payload.kind, payload.format, payload.data) == ("psbt", "base43", PSBT)


@given(st.binary(max_size=200))
def test_round_trip_keeps_leading_zero_bytes(data: bytes) -> None:
    assert base43.decode(base43.encode(data)) == data


def test_leading_zeros() -> None:
    assert base43.encode(b"\x00\x00\x01") == "001"
    assert base43.decode("001") == b"\x00\x00\x01"


def test_other_text_is_not_taken_for_base43() -> None:
    assert plain.recognise(base43.encode(b"\x01" + bytes(70))) is None  # base43, but neither PSBT nor tx
    assert plain.recognise(ELECTRUM_TX_BASE43.lower()) is None  # base43 is upper case only
    assert plain.recognise(ELECTRUM_TX_BASE43[:60]) is None  # too short to hold a PSBT
    truncated = plain.recognise(ELECTRUM_TX_BASE43[:-1])
    assert truncated is None
    with pytest.raises(TransportError, match="not base43"):
        base43.decode("ABC abc")


def test_text_longer_than_one_qr_code_is_not_decoded() -> None:
    """Decoding costs the square of the length: base43 longer than a QR code holds is refused."""
    assert len(base43.decode("Z" * base43.MAX_CHARS)) > 0
    with pytest.raises(TransportError, match="longer than one QR code holds"):
        base43.decode("Z" * (base43.MAX_CHARS + 1))
