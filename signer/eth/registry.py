"""Built-in chain table (chains.json) and token list (tokens.json), validated when loaded.

Both files are data: replace them to update; ``load_chains`` / ``load_tokens`` accept another
file with the same schema. A bad file (unknown field type, bad EIP-55 checksum) is an EthError.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from signer.eth.errors import EthError
from signer.eth.primitives import checksum, parse_address, parse_units


@dataclass(frozen=True)
class Chain:
    chain_id: int
    name: str
    symbol: str
    decimals: int
    fee_cap: int  # in the smallest unit (wei)
    testnet: bool = False
    known: bool = True


@dataclass(frozen=True)
class Token:
    chain_id: int
    address: bytes
    symbol: str
    decimals: int
    wrapped: bool = False  # the chain's wrapped native token (deposit / withdraw)

    def to_json(self) -> dict[str, Any]:
        return {"address": checksum(self.address), "symbol": self.symbol, "decimals": self.decimals}


UNKNOWN_FEE_CAP = 10**17  # 0.1 of an 18-decimal native unit


def _read(path: Path | None, name: str) -> Any:
    try:
        text = path.read_text() if path else resources.files("signer.eth").joinpath(name).read_text()
        return json.loads(text)
    except (OSError, ValueError) as exc:
        raise EthError(f"cannot read {path or name}: {exc}") from exc


def _chain_id(key: str) -> int:
    if not (key.isascii() and key.isdigit()) or not 0 < int(key) < 2**64:
        raise EthError(f"chain id {key!r} must be a positive decimal number below 2^64")
    return int(key)


def load_chains(path: Path | None = None) -> dict[int, Chain]:
    data = _read(path, "chains.json")
    out: dict[int, Chain] = {}
    try:
        for key, c in data["chains"].items():
            cid = _chain_id(key)
            decimals = int(c["decimals"])
            out[cid] = Chain(
                cid,
                str(c["name"]),
                str(c["symbol"]),
                decimals,
                parse_units(str(c["fee_cap"]), decimals),
                bool(c.get("testnet", False)),
            )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise EthError(f"chain table is malformed: {exc!r}") from exc
    return out


def load_tokens(path: Path | None = None) -> dict[tuple[int, bytes], Token]:
    data = _read(path, "tokens.json")
    out: dict[tuple[int, bytes], Token] = {}
    try:
        for key, items in data["tokens"].items():
            cid = _chain_id(key)
            for t in items:
                text = str(t["address"])
                address = parse_address(text, f"token {t.get('symbol')} on chain {cid}")
                if text != checksum(address):
                    raise EthError(f"token address {text} must be written EIP-55 checksummed")
                decimals = int(t["decimals"])
                if not 0 <= decimals <= 36:
                    raise EthError(f"token {text} has implausible decimals {decimals}")
                if (cid, address) in out:
                    raise EthError(f"token {text} listed twice on chain {cid}")
                out[(cid, address)] = Token(
                    cid, address, str(t["symbol"]), decimals, bool(t.get("wrapped", False))
                )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise EthError(f"token list is malformed: {exc!r}") from exc
    return out


_OVERRIDE: dict[str, Any] = {}


@lru_cache(maxsize=1)
def _chains() -> dict[int, Chain]:
    return _OVERRIDE.get("chains") or load_chains()


@lru_cache(maxsize=1)
def _tokens() -> dict[tuple[int, bytes], Token]:
    return _OVERRIDE.get("tokens") or load_tokens()


def install(chains_path: Path | None = None, tokens_path: Path | None = None) -> None:
    """Use updated chain / token files instead of the built-in ones (each validated first)."""
    chains = load_chains(chains_path) if chains_path else None
    tokens = load_tokens(tokens_path) if tokens_path else None
    if chains is not None:
        _chains.cache_clear()
        _OVERRIDE["chains"] = chains
    if tokens is not None:
        _tokens.cache_clear()
        _OVERRIDE["tokens"] = tokens


def reset() -> None:
    """Back to the built-in files."""
    _OVERRIDE.clear()
    _chains.cache_clear()
    _tokens.cache_clear()


def chain(chain_id: int) -> Chain:
    found = _chains().get(chain_id)
    if found is not None:
        return found
    return Chain(chain_id, f"unknown chain {chain_id}", "ETH", 18, UNKNOWN_FEE_CAP, known=False)


def token(chain_id: int, address: bytes) -> Token | None:
    return _tokens().get((chain_id, address))


def tokens_on(chain_id: int) -> list[Token]:
    return [t for (cid, _), t in _tokens().items() if cid == chain_id]
