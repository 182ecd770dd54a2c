"""Turns typed Python values into bytes for encryption, and back.

Every value, ``None`` included, is stored as a one-byte type tag and a payload,
so an encrypted column never reveals by a NULL that a field is empty, and a
reader can check that it got the type it expected.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

_NONE = 0
_STR = 1
_INT = 2
_BOOL = 3
_DATE = 4
_DECIMAL = 5
_JSON = 6
_DATETIME = 7


class ValueUnreadable(ValueError):
    """Decrypted bytes that are not a value of the expected type."""


def _text(payload: bytes) -> str:
    # surrogatepass: a lone surrogate typed or imported must survive a round trip.
    return payload.decode("utf-8", "surrogatepass")


def dump_value(value: object) -> bytes:
    """Serialize one field value; raises TypeError for a type the vault cannot hold."""
    if value is None:
        return bytes((_NONE,))
    if isinstance(value, bool):
        return bytes((_BOOL,)) + (b"1" if value else b"0")
    if isinstance(value, int):
        return bytes((_INT,)) + str(value).encode("ascii")
    if isinstance(value, str):
        # A StrEnum is a str; store its value, not its name.
        return bytes((_STR,)) + str.__str__(value).encode("utf-8", "surrogatepass")
    if isinstance(value, datetime):
        return bytes((_DATETIME,)) + value.isoformat().encode("ascii")
    if isinstance(value, date):
        return bytes((_DATE,)) + value.isoformat().encode("ascii")
    if isinstance(value, Decimal):
        return bytes((_DECIMAL,)) + str(value).encode("ascii")
    if isinstance(value, (list, tuple, dict)):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return bytes((_JSON,)) + text.encode("utf-8", "surrogatepass")
    raise TypeError(f"cannot store a value of type {type(value).__name__}")


def _load_bool(payload: bytes) -> bool:
    if payload not in (b"0", b"1"):
        raise ValueError("not a stored boolean")
    return payload == b"1"


def _load_none(payload: bytes) -> None:
    if payload:
        raise ValueError("an empty value with a payload")


_LOADERS: dict[int, Callable[[bytes], object]] = {
    _NONE: _load_none,
    _STR: _text,
    _INT: lambda payload: int(payload.decode("ascii")),
    _BOOL: _load_bool,
    _DATE: lambda payload: date.fromisoformat(payload.decode("ascii")),
    _DATETIME: lambda payload: datetime.fromisoformat(payload.decode("ascii")),
    _DECIMAL: lambda payload: Decimal(payload.decode("ascii")),
    _JSON: lambda payload: json.loads(_text(payload)),
}


def load_value(data: bytes) -> object:
    """Deserialize without knowing the expected type (used by `verify`)."""
    if not data:
        raise ValueUnreadable("empty value")
    loader = _LOADERS.get(data[0])
    if loader is None:
        raise ValueUnreadable(f"unknown value tag {data[0]}")
    try:
        return loader(data[1:])
    except (ValueError, InvalidOperation, UnicodeDecodeError) as error:
        raise ValueUnreadable(f"value with tag {data[0]} is malformed") from error


Loader = Callable[[bytes], Any]


def loader_for(annotation: Any) -> Loader:
    """A function that deserializes and checks a value against a field's annotation."""
    optional = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(members) != 1:
            raise TypeError(f"unsupported field type {annotation!r}")
        optional, annotation = True, members[0]
        origin = typing.get_origin(annotation)
    check = _checker_for(annotation, origin)

    def load(data: bytes) -> Any:
        value = load_value(data)
        if value is None:
            if optional:
                return None
            raise ValueUnreadable(f"an empty value where {annotation!r} was expected")
        return check(value)

    return load


def _checker_for(annotation: Any, origin: Any) -> Callable[[object], Any]:
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        enum_type = annotation

        def to_enum(value: object) -> Any:
            try:
                return enum_type(_expect(value, str))
            except ValueError as error:
                raise ValueUnreadable(f"{value!r} is not a {enum_type.__name__}") from error

        return to_enum
    if origin is tuple:
        return lambda value: tuple(_strings(_expect(value, list)))
    if origin is dict:
        return _text_mapping
    if annotation is date:
        return lambda value: _expect(value, date)
    if annotation in (str, int, bool, Decimal, datetime):
        return lambda value: _expect(value, annotation)
    raise TypeError(f"unsupported field type {annotation!r}")


def _text_mapping(value: object) -> dict[str, str]:
    mapping = _expect(value, dict)
    keys, texts = _strings(mapping.keys()), _strings(mapping.values())
    return dict(zip(keys, texts, strict=True))


def _strings(values: typing.Iterable[object]) -> list[str]:
    items = list(values)
    if not all(type(item) is str for item in items):
        raise ValueUnreadable("a list that should hold only text holds something else")
    return typing.cast(list[str], items)


def _expect(value: object, expected: type[Any]) -> Any:
    # bool is an int and datetime is a date in Python; neither stands in for the other here.
    if type(value) is not expected:
        raise ValueUnreadable(f"a {type(value).__name__} where a {expected.__name__} was expected")
    return value
