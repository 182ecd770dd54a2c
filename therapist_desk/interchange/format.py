"""The interchange format: its JSON Schemas, and conversions between records and JSON.

``{"format": "therapist-desk/2", "clients": [...]}`` is what `export` writes;
version 2 is version 1 plus the clinical record. `import` reads both. The
schemas in resources/interchange/ are the reference, and README.md describes
them.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from typing import Any, TypeVar

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

FORMAT_V1 = "therapist-desk/1"
FORMAT_V2 = "therapist-desk/2"
#: The version `export` writes.
CURRENT_FORMAT = FORMAT_V2
#: Every version `import` reads, each with its schema.
SCHEMA_RESOURCES = {
    FORMAT_V1: "interchange/therapist-desk-1.schema.json",
    FORMAT_V2: "interchange/therapist-desk-2.schema.json",
}

DetailsT = TypeVar("DetailsT")


def schema_text(format_tag: str = CURRENT_FORMAT) -> str:
    resource = SCHEMA_RESOURCES[format_tag]
    return (resources.files("therapist_desk.resources") / resource).read_text("utf-8")


_format_checker = FormatChecker(formats=())


def _is_date(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if len(instance) != 10:
        raise ValueError("a date is written YYYY-MM-DD")
    date.fromisoformat(instance)
    return True


def _is_timestamp(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    parse_timestamp(instance)
    return True


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 time with its offset; a time without one is ambiguous and refused."""
    if "T" not in text and "t" not in text:
        raise ValueError("a time is written YYYY-MM-DDThh:mm:ss with an offset such as +00:00")
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("a time needs its offset from UTC, such as +00:00 or Z")
    return value


_format_checker.checks("date", raises=ValueError)(_is_date)
_format_checker.checks("date-time", raises=ValueError)(_is_timestamp)


@functools.cache
def validator(format_tag: str = CURRENT_FORMAT) -> Draft202012Validator:
    schema = json.loads(schema_text(format_tag))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_format_checker)


def to_json_value(value: object) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return str.__str__(value) if isinstance(value, StrEnum) else value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A nested record, such as a treatment plan's goals and their objectives.
        return details_to_json(value)
    raise TypeError(f"cannot write a {type(value).__name__} to the interchange format")


def details_to_json(details: object) -> dict[str, Any]:
    """Every field of a details dataclass, in declaration order."""
    return {
        field.name: to_json_value(getattr(details, field.name))
        for field in dataclasses.fields(details)  # type: ignore[arg-type]
    }


def details_from_json(details_type: type[DetailsT], data: dict[str, Any]) -> DetailsT:
    """Build a details dataclass from a schema-valid JSON object; absent fields take defaults."""
    hints = typing.get_type_hints(details_type)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(details_type):  # type: ignore[arg-type]
        if field.name in data:
            values[field.name] = _from_json_value(hints[field.name], data[field.name])
    return details_type(**values)


def _from_json_value(annotation: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _from_json_value(members[0], value)
    if origin is tuple:
        item_type = (typing.get_args(annotation) or (None,))[0]
        if dataclasses.is_dataclass(item_type) and isinstance(item_type, type):
            return tuple(details_from_json(item_type, item) for item in value)
        return tuple(value)
    if origin is dict:
        return dict(value)
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return annotation(value)
    if annotation is date:
        return date.fromisoformat(value)
    if annotation is datetime:
        return parse_timestamp(value)
    if annotation is Decimal:
        return Decimal(value)
    return value


# -- schema errors in plain words ----------------------------------------------------------
# jsonschema's messages are written for programmers ("'2' is not of type 'integer'"); the
# person importing a file needs to read what the field should hold.

_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "boolean": "true or false",
    "object": "an object ({…})",
    "array": "a list ([…])",
    "null": "null",
}
_FORMAT_WORDS = {
    "date": "a date (YYYY-MM-DD)",
    "date-time": "a date and time with its time zone (YYYY-MM-DDThh:mm:ss+hh:mm)",
    "email": "an email address",
    "uuid": "an identifier (UUID)",
}
_SHOWN = 60


def shown(value: Any) -> str:
    """A value as the file holds it, shortened: '2', null, 42, true."""
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, dict):
        return "an object"
    elif isinstance(value, list):
        return "a list"
    else:
        text = json.dumps(value, default=str)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _either(words: Iterable[str]) -> str:
    listed = list(words)
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " or " + listed[-1]


def _named(names: list[str]) -> str:
    quoted = [f"‘{name}’" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _extras(error: ValidationError) -> list[str]:
    instance, schema = error.instance, error.schema
    if not isinstance(instance, dict) or not isinstance(schema, dict):
        return []
    known = schema.get("properties", {})
    return sorted(key for key in instance if key not in known)


def plain_message(error: ValidationError) -> str:
    """What is wrong with the value, without its path, in a plain sentence."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "type":
        types = expected if isinstance(expected, list) else [expected]
        wanted = _either(_TYPE_WORDS.get(str(one), str(one)) for one in types)
        return f"{wanted} is expected, not {shown(value)}"
    if kind == "minLength":
        if expected == 1:
            return "must not be empty"
        return f"must be at least {expected} characters long"
    if kind == "maxLength":
        return f"is at most {expected} characters long, not {len(value)}"
    if kind == "minimum":
        return f"is at least {expected}, not {shown(value)}"
    if kind == "maximum":
        return f"is at most {expected}, not {shown(value)}"
    if kind == "exclusiveMinimum":
        return f"must be more than {expected}, not {shown(value)}"
    if kind == "exclusiveMaximum":
        return f"must be less than {expected}, not {shown(value)}"
    if kind == "enum":
        what = error.schema.get("description") if isinstance(error.schema, dict) else None
        meaning = f" ({what})" if what else ""
        return f"must be {_either(shown(one) for one in expected)}{meaning}, not {shown(value)}"
    if kind == "const":
        return f"must be {shown(expected)}, not {shown(value)}"
    if kind == "required":
        missing = [name for name in expected if isinstance(value, dict) and name not in value]
        names = missing or list(expected)
        verb = "is" if len(names) == 1 else "are"
        return f"{_named(names)} {verb} missing and must be given"
    if kind == "additionalProperties":
        extras = _extras(error)
        if extras:
            verb = "is not a field" if len(extras) == 1 else "are not fields"
            return f"{_named(extras)} {verb} of this format"
    if kind == "pattern":
        what = error.schema.get("description") if isinstance(error.schema, dict) else None
        return f"{shown(value)} is not {what or 'in the expected form'}"
    if kind == "format":
        return f"{shown(value)} is not {_FORMAT_WORDS.get(str(expected), f'a valid {expected}')}"
    if kind == "minItems":
        return f"must hold at least {expected} entr{'y' if expected == 1 else 'ies'}"
    if kind == "maxItems":
        return f"holds at most {expected} entr{'y' if expected == 1 else 'ies'}"
    if kind == "uniqueItems":
        return "must not hold the same entry twice"
    return str(error.message)
