"""Turns typed Python values into bytes for encryption, and back.

Every value, ``None`` included, is stored as a one-byte type tag and a payload,
so an encrypted column never reveals by a NULL that a field is empty, and a
reader can check that it got the type it expected.
"""

from __future__ import annotations

import dataclasses
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
        text = json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))
        return bytes((_JSON,)) + text.encode("utf-8", "surrogatepass")
    raise TypeError(f"cannot store a value of type {type(value).__name__}")


def _plain(value: object) -> object:
    """Nested records (dataclasses in tuples, as a treatment plan's goals) as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return {field.name: _plain(getattr(value, field.name)) for field in fields}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, StrEnum):
        return str.__str__(value)
    if isinstance(value, datetime):
        raise TypeError("a nested record cannot hold a time of day; use a date")
    if isinstance(value, date):
        return value.isoformat()
    return value


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
        return _tuple_checker(typing.get_args(annotation))
    if origin is dict:
        return _text_mapping
    if annotation is date:
        return lambda value: _expect(value, date)
    if annotation in (str, int, bool, Decimal, datetime):
        return lambda value: _expect(value, annotation)
    raise TypeError(f"unsupported field type {annotation!r}")


def _tuple_checker(args: tuple[Any, ...]) -> Callable[[object], Any]:
    """`tuple[str, ...]`, `tuple[int, ...]`, or a tuple of nested records."""
    item = args[0] if args else str
    if item is str:
        return lambda value: tuple(_strings(_expect(value, list)))
    if item is int:
        return lambda value: tuple(_expect(entry, int) for entry in _expect(value, list))
    if dataclasses.is_dataclass(item):
        build = _record_builder(item)
        return lambda value: tuple(build(entry) for entry in _expect(value, list))
    raise TypeError(f"unsupported tuple of {item!r}")


def _record_builder(record_type: Any) -> Callable[[object], Any]:
    """Rebuild a nested record from its JSON object, checking every field's type.

    A field missing from the stored object takes its default, so a record type
    can grow a field without making older values unreadable.
    """
    hints = typing.get_type_hints(record_type)
    fields = []
    for field in dataclasses.fields(record_type):
        annotation = hints[field.name]
        optional = False
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            optional, annotation = True, members[0]
            origin = typing.get_origin(annotation)
        if annotation is date:
            check: Callable[[object], Any] = _nested_date
        else:
            check = _checker_for(annotation, origin)
        has_default = (
            field.default is not dataclasses.MISSING
            or field.default_factory is not dataclasses.MISSING
        )
        fields.append((field.name, optional, check, has_default))

    def build(value: object) -> Any:
        stored = _expect(value, dict)
        arguments: dict[str, Any] = {}
        for name, optional, check, has_default in fields:
            if name not in stored:
                if not has_default:
                    raise ValueUnreadable(f"a {record_type.__name__} without its {name}")
                continue
            entry = stored[name]
            arguments[name] = None if entry is None and optional else check(entry)
        return record_type(**arguments)

    return build


def _nested_date(value: object) -> date:
    try:
        return date.fromisoformat(_expect(value, str))
    except ValueError as error:
        raise ValueUnreadable(f"{value!r} is not a date") from error


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
