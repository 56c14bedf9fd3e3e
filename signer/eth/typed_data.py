"""EIP-712 typed data: strict parsing and validation, and hashing (encodeType, encodeData,
hashStruct, the domain separator and the 0x1901 digest, on signer.keccak).
What a parsed message means (permits, orders...) is signer.eth.typed_meaning's business.

The hashing is ours rather than eth-account's, which costs seconds to import on a Pi; the test
suite checks it against eth-account byte for byte. Validation refuses everything eth-account
refuses, with a one-line error of its own, before anything is hashed.

Validation is stricter than wallets usually are, on purpose: every value shown must be exactly
what is hashed. Duplicate JSON keys, type or field names that could corrupt the type string,
values that do not fit their type, a domain field without a type (shown but not signed) and a
primaryType of EIP712Domain (signs only the domain) are refused with a specific error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from signer import safe_text, strict_json
from signer.eth.errors import EthError, TypedDataError
from signer.eth.primitives import checksum, parse_address
from signer.keccak import keccak256

MAX_JSON_BYTES = 256 * 1024
MAX_DEPTH = 12
MAX_NODES = 20_000
_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
# ASCII digits, and only as many as a valid type can have (\d would take other scripts' digits,
# and int() refuses more than 4300 of them with a ValueError of its own)
_INT_TYPE = re.compile(r"^(u?)int([0-9]{0,3})$")
_BYTES_N = re.compile(r"^bytes([0-9]{1,2})$")
_ARRAY = re.compile(r"^(.*)\[([0-9]{0,5})\]$")
_DECIMAL = re.compile(r"-?[0-9]+")
_MAX_INT_DIGITS = len(str(2**256))
DOMAIN_FIELDS = {
    "name": "string",
    "version": "string",
    "chainId": "uint256",
    "verifyingContract": "address",
    "salt": "bytes32",
}


@dataclass(frozen=True)
class Field:
    path: str
    type: str
    display: str


@dataclass(frozen=True)
class TypedData:
    types: dict[str, tuple[tuple[str, str], ...]]
    primary_type: str
    domain: dict[str, Any]  # normalised values: int, bool, str, bytes (bytes/bytesN), bytes20 for addresses
    message: dict[str, Any]
    ignored_fields: tuple[str, ...] = ()  # present in JSON, absent from the types: not signed, not shown

    @property
    def chain_id(self) -> int | None:
        return self.domain.get("chainId")

    @property
    def verifying_contract(self) -> bytes | None:
        return self.domain.get("verifyingContract")

    @property
    def name(self) -> str | None:
        return self.domain.get("name")

    def json_message(self) -> dict[str, Any]:
        """The normalised typed data in eth_signTypedData_v4 form (only the types that are hashed)."""
        return {
            "types": {n: [{"name": f, "type": t} for f, t in fs] for n, fs in self.types.items()},
            "primaryType": self.primary_type,
            "domain": _to_json_values(self.domain),
            "message": _to_json_values(self.message),
        }

    def encode_type(self, name: str) -> str:
        """EIP-712 encodeType: ``name(type field,...)`` then its referenced types, sorted by name."""
        return encode_type(self.types, name)

    def domain_separator(self) -> bytes:
        return _Hasher(self.types).hash_struct("EIP712Domain", self.domain)

    def struct_hash(self) -> bytes:
        return _Hasher(self.types).hash_struct(self.primary_type, self.message)

    def digest(self) -> bytes:
        """keccak256(0x19 0x01 || domainSeparator || hashStruct(message)): what is signed."""
        hasher = _Hasher(self.types)
        return keccak256(
            b"\x19\x01"
            + hasher.hash_struct("EIP712Domain", self.domain)
            + hasher.hash_struct(self.primary_type, self.message)
        )

    def hidden_character_fields(self) -> list[str]:
        """Paths of the string fields that hold control, bidi or invisible characters."""
        strings = [(f"domain.{n}", self.domain[n]) for n, t in self.types["EIP712Domain"] if t == "string"]
        _strings(self.types, self.primary_type, self.message, "message", strings)
        return [path for path, value in strings if safe_text.escape(value).escaped]

    def fields(self) -> list[Field]:
        """The domain then the message, flattened to (path, type, display) for the screen."""
        out = [Field(f"domain.{n}", t, _display(t, self.domain[n])) for n, t in self.types["EIP712Domain"]]
        _flatten(self.types, self.primary_type, self.message, "message", out)
        return out


def _to_json_values(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _to_json_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json_values(v) for v in value]
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, _Address):
        return checksum(value.raw)
    return value


class _Address:
    """A decoded address (kept apart from bytes/bytes20 values for display and re-encoding)."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Address) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __repr__(self) -> str:
        return checksum(self.raw)


def _display(type_: str, value: Any) -> str:
    if isinstance(value, _Address):
        return checksum(value.raw)
    if type_ == "address" and isinstance(value, bytes):
        return checksum(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    if isinstance(value, str):  # chosen by whoever made the request: nothing hidden, nothing reordered
        return safe_text.escape(value).text
    return str(value)


def _flatten(
    types: dict[str, tuple[tuple[str, str], ...]], type_: str, value: Any, path: str, out: list[Field]
) -> None:
    m = _ARRAY.match(type_)
    if m:
        out.append(Field(path, type_, f"[{len(value)} items]"))
        for i, item in enumerate(value):
            _flatten(types, m.group(1), item, f"{path}[{i}]", out)
    elif type_ in types:
        for name, ftype in types[type_]:
            _flatten(types, ftype, value[name], f"{path}.{name}", out)
    else:
        out.append(Field(path, type_, _display(type_, value)))


def _strings(
    types: dict[str, tuple[tuple[str, str], ...]],
    type_: str,
    value: Any,
    path: str,
    out: list[tuple[str, str]],
) -> None:
    m = _ARRAY.match(type_)
    if m:
        for i, item in enumerate(value):
            _strings(types, m.group(1), item, f"{path}[{i}]", out)
    elif type_ in types:
        for name, ftype in types[type_]:
            _strings(types, ftype, value[name], f"{path}.{name}", out)
    elif type_ == "string":
        out.append((path, value))


# -- hashing --------------------------------------------------------------------------------------


def _dependencies(types: dict[str, tuple[tuple[str, str], ...]], name: str) -> set[str]:
    """The struct types ``name`` refers to, directly or not (itself excluded)."""
    found: set[str] = set()
    todo = [name]
    while todo:
        for _, ftype in types[todo.pop()]:
            dep = _base(ftype)
            if dep in types and dep != name and dep not in found:
                found.add(dep)
                todo.append(dep)
    return found


def encode_type(types: dict[str, tuple[tuple[str, str], ...]], name: str) -> str:
    return "".join(
        f"{t}({','.join(f'{ftype} {fname}' for fname, ftype in types[t])})"
        for t in [name, *sorted(_dependencies(types, name))]
    )


class _Hasher:
    """hashStruct over validated values (see _value): each type's hash computed once per digest."""

    def __init__(self, types: dict[str, tuple[tuple[str, str], ...]]) -> None:
        self.types = types
        self._type_hashes: dict[str, bytes] = {}

    def type_hash(self, name: str) -> bytes:
        if name not in self._type_hashes:
            self._type_hashes[name] = keccak256(encode_type(self.types, name).encode("ascii"))
        return self._type_hashes[name]

    def hash_struct(self, name: str, value: dict[str, Any]) -> bytes:
        encoded = [self.type_hash(name)]
        encoded += [self.encode_value(ftype, value[fname]) for fname, ftype in self.types[name]]
        return keccak256(b"".join(encoded))

    def encode_value(self, type_: str, value: Any) -> bytes:
        """One 32-byte word of encodeData: dynamic and reference values hashed, atomic ones padded."""
        if (m := _ARRAY.match(type_)) is not None:
            return keccak256(b"".join(self.encode_value(m.group(1), item) for item in value))
        if type_ in self.types:
            return self.hash_struct(type_, value)
        if type_ == "string":
            return keccak256(value.encode("utf-8"))
        if type_ == "bytes":
            return keccak256(value)
        if type_ == "address":
            raw = value.raw if isinstance(value, _Address) else value
            return bytes(12) + raw
        if type_ == "bool":
            return int(value).to_bytes(32, "big")
        if _BYTES_N.match(type_) is not None:
            return bytes(value).ljust(32, b"\x00")
        return (int(value) % 2**256).to_bytes(32, "big")  # intN/uintN, two's complement for negatives


# -- parsing --------------------------------------------------------------------------------------


def load_json(data: bytes | str) -> Any:
    """Strict JSON (see :mod:`signer.strict_json`): UTF-8, size and depth capped, no duplicate
    keys (which one is signed would be ambiguous), no NaN/Infinity."""
    try:
        return strict_json.loads(data, what="typed data", max_bytes=MAX_JSON_BYTES, max_depth=4 * MAX_DEPTH)
    except strict_json.JsonRejected as exc:
        raise TypedDataError(str(exc)) from None


def _parse_types(raw: Any) -> dict[str, tuple[tuple[str, str], ...]]:
    if not isinstance(raw, dict) or not raw:
        raise TypedDataError("'types' must be a non-empty object")
    types: dict[str, tuple[tuple[str, str], ...]] = {}
    for name, fields in raw.items():
        if not _IDENT.match(name):
            raise TypedDataError(f"type name {name!r} is not an identifier")
        if not isinstance(fields, list):
            raise TypedDataError(f"type {name} must be a list of fields")
        seen: set[str] = set()
        out = []
        for f in fields:
            if (
                not isinstance(f, dict)
                or not isinstance(f.get("name"), str)
                or not isinstance(f.get("type"), str)
            ):
                raise TypedDataError(f"every field of type {name} needs a string 'name' and 'type'")
            extra = sorted(set(f) - {"name", "type"})
            if extra:
                raise TypedDataError(f"field {f['name']!r} of type {name} has unexpected keys {extra}")
            fname, ftype = f["name"], f["type"]
            if not _IDENT.match(fname):
                raise TypedDataError(f"field name {fname!r} in type {name} is not an identifier")
            if fname in seen:
                raise TypedDataError(f"field {fname!r} appears twice in type {name}")
            seen.add(fname)
            out.append((fname, ftype))
        types[name] = tuple(out)
    for name, fields in types.items():
        for fname, ftype in fields:
            _check_type_ref(types, ftype, f"{name}.{fname}")
    return types


def _check_type_ref(types: dict[str, Any], type_: str, where: str) -> None:
    base = type_
    while (m := _ARRAY.match(base)) is not None:
        if m.group(2) and not 0 < int(m.group(2)) <= 10_000:
            raise TypedDataError(f"{where}: fixed array length {m.group(2)} is out of range")
        base = m.group(1)
    if base in types:
        if base == "EIP712Domain":
            raise TypedDataError(f"{where}: EIP712Domain cannot be used as a field type")
        return
    if base in ("address", "bool", "string", "bytes"):
        return
    if (m := _INT_TYPE.match(base)) is not None:
        bits = int(m.group(2) or 256)
        if bits % 8 or not 8 <= bits <= 256 or (m.group(2) and m.group(2).startswith("0")):
            raise TypedDataError(f"{where}: {base} is not a valid integer type")
        return
    if (
        (m := _BYTES_N.match(base)) is not None
        and 1 <= int(m.group(1)) <= 32
        and not m.group(1).startswith("0")
    ):
        return
    raise TypedDataError(f"{where}: unknown type {base!r}")


class _Budget:
    def __init__(self) -> None:
        self.nodes = 0

    def tick(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise TypedDataError(f"typed data has more than {MAX_NODES} values")


def _int_value(value: Any, type_: str, path: str) -> int:
    m = _INT_TYPE.match(type_)
    assert m is not None
    signed, bits = m.group(1) == "", int(m.group(2) or 256)
    if isinstance(value, bool):
        raise TypedDataError(f"{path}: {type_} expects a number, got a boolean")
    if isinstance(value, int):
        n = value
    elif isinstance(value, str) and re.fullmatch(r"-?0x[0-9a-fA-F]+", value.strip()):
        text = value.strip()
        n = -int(text[3:], 16) if text.startswith("-") else int(text[2:], 16)
    elif isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        if len(value.strip().lstrip("-").lstrip("0")) > _MAX_INT_DIGITS:
            raise TypedDataError(f"{path}: {value.strip()[:20]}... is out of range for {type_}")
        n = int(value.strip())
    elif isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        n = int(value)
    else:
        raise TypedDataError(f"{path}: {value!r} is not a valid {type_}")
    lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    if not lo <= n <= hi:  # shown as given: str() of an int from thousands of hex digits is a ValueError
        shown = str(value).strip()
        shown = shown if len(shown) <= 80 else shown[:80] + "..."
        raise TypedDataError(f"{path}: {shown} is out of range for {type_}")
    return n


def _hex_value(value: Any, path: str, size: int | None) -> bytes:
    if not isinstance(value, str) or not re.fullmatch(r"0x([0-9a-fA-F]{2})*", value.strip()):
        raise TypedDataError(f"{path}: expected 0x-prefixed hex bytes, got {str(value)[:40]!r}")
    raw = bytes.fromhex(value.strip()[2:])
    if size is not None and len(raw) != size:
        raise TypedDataError(f"{path}: bytes{size} needs exactly {size} bytes, got {len(raw)}")
    return raw


def _value(
    types: dict[str, Any], type_: str, value: Any, path: str, depth: int, budget: _Budget, ignored: list[str]
) -> Any:
    budget.tick()
    if depth > MAX_DEPTH:
        raise TypedDataError(f"{path}: values nested deeper than {MAX_DEPTH} levels")
    m = _ARRAY.match(type_)
    if m:
        if not isinstance(value, list):
            raise TypedDataError(f"{path}: {type_} expects a list")
        if m.group(2) and len(value) != int(m.group(2)):
            raise TypedDataError(f"{path}: {type_} needs exactly {m.group(2)} items, got {len(value)}")
        return [
            _value(types, m.group(1), v, f"{path}[{i}]", depth + 1, budget, ignored)
            for i, v in enumerate(value)
        ]
    if type_ in types:
        if not isinstance(value, dict):
            raise TypedDataError(f"{path}: struct {type_} expects an object")
        names = [n for n, _ in types[type_]]
        missing = [n for n in names if n not in value]
        if missing:
            raise TypedDataError(f"{path}: struct {type_} is missing field(s) {', '.join(missing)}")
        ignored.extend(f"{path}.{k}" for k in value if k not in names)
        return {
            n: _value(types, t, value[n], f"{path}.{n}", depth + 1, budget, ignored) for n, t in types[type_]
        }
    if type_ == "address":
        try:
            return _Address(parse_address(value, path))
        except EthError as exc:
            raise TypedDataError(str(exc)) from exc
    if type_ == "bool":
        if not isinstance(value, bool):
            raise TypedDataError(f"{path}: bool expects true or false, got {str(value)[:20]!r}")
        return value
    if type_ == "string":
        if not isinstance(value, str):
            raise TypedDataError(f"{path}: string expects text")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # JSON may escape a lone surrogate (\ud800): no UTF-8 to hash
            raise TypedDataError(f"{path}: the text holds a lone surrogate (not valid Unicode)") from None
        return value
    if type_ == "bytes":
        return _hex_value(value, path, None)
    if (mb := _BYTES_N.match(type_)) is not None:
        return _hex_value(value, path, int(mb.group(1)))
    return _int_value(value, type_, path)


def _base(type_: str) -> str:
    while (m := _ARRAY.match(type_)) is not None:
        type_ = m.group(1)
    return type_


def _reachable(
    types: dict[str, tuple[tuple[str, str], ...]], primary: str
) -> dict[str, tuple[tuple[str, str], ...]]:
    """EIP712Domain, the primary type and its dependencies: unused types do not affect the hash
    (encodeType only lists dependencies), and eth-account refuses a types graph with several roots."""
    keep, todo = {"EIP712Domain", primary}, [primary]
    while todo:
        for _, ftype in types[todo.pop()]:
            dep = _base(ftype)
            if dep in types and dep not in keep:
                keep.add(dep)
                todo.append(dep)
    return {name: fields for name, fields in types.items() if name in keep}


def parse_typed_data(data: bytes | str | dict[str, Any]) -> TypedData:
    """Parse and validate eth_signTypedData_v4 JSON (ERC-4527 data type 2)."""
    obj = data if isinstance(data, dict) else load_json(data)
    if not isinstance(obj, dict):
        raise TypedDataError("typed data must be a JSON object")
    unknown = set(obj) - {"types", "primaryType", "domain", "message"}
    if unknown:
        raise TypedDataError(f"typed data has unexpected top-level keys {sorted(unknown)}")
    for key in ("types", "primaryType", "domain", "message"):
        if key not in obj:
            raise TypedDataError(f"typed data has no {key!r}")
    types = _parse_types(obj["types"])
    primary = obj["primaryType"]
    if not isinstance(primary, str) or primary not in types:
        raise TypedDataError(f"primaryType {str(primary)[:40]!r} is not one of the declared types")
    if primary == "EIP712Domain":
        raise TypedDataError("primaryType EIP712Domain would sign only the domain, no message; refused")
    if "EIP712Domain" not in types:
        raise TypedDataError("types has no EIP712Domain: the domain would be shown but not signed")
    for fname, ftype in types["EIP712Domain"]:
        if DOMAIN_FIELDS.get(fname) != ftype:
            expected = DOMAIN_FIELDS.get(fname)
            raise TypedDataError(
                f"EIP712Domain field {fname} {ftype} is not standard"
                + (f" (expected {expected})" if expected else "")
            )
    names = [fname for fname, _ in types["EIP712Domain"]]
    if names != [n for n in DOMAIN_FIELDS if n in names]:
        raise TypedDataError(
            f"EIP712Domain fields {', '.join(names)} are out of the standard order "
            f"({', '.join(DOMAIN_FIELDS)}): wallets would hash them differently"
        )
    types = _reachable(types, primary)
    for name, fields in types.items():
        if name != primary and any(_base(ftype) == primary for _, ftype in fields):
            raise TypedDataError(
                f"types are cyclic: the primaryType {primary} is used inside {name}, so no wallet can tell "
                "which type is signed"
            )
    budget, ignored = _Budget(), list[str]()
    domain_type = dict(types["EIP712Domain"])
    raw_domain = obj["domain"]
    if not isinstance(raw_domain, dict):
        raise TypedDataError("'domain' must be an object")
    extra = [k for k in raw_domain if k not in domain_type]
    if extra:
        raise TypedDataError(
            f"domain field(s) {', '.join(extra)} are not in the EIP712Domain type: they would be "
            "shown but not signed"
        )
    domain = _value(types, "EIP712Domain", raw_domain, "domain", 0, budget, ignored)
    message = _value(types, primary, obj["message"], "message", 0, budget, ignored)
    domain = {k: (v.raw if isinstance(v, _Address) else v) for k, v in domain.items()}
    return TypedData(types, primary, domain, message, tuple(ignored))


def typed_address(value: Any) -> bytes | None:
    """The 20 bytes of a decoded ``address`` value, or None when ``value`` is not an address."""
    return value.raw if isinstance(value, _Address) else None


def typed_addresses(value: Any) -> list[bytes]:
    """Every address in a decoded value (struct, array or leaf), in order."""
    if isinstance(value, _Address):
        return [value.raw]
    if isinstance(value, dict):
        return [a for v in value.values() for a in typed_addresses(v)]
    if isinstance(value, list):
        return [a for v in value for a in typed_addresses(v)]
    return []

