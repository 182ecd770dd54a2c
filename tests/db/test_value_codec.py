"""The value codec: every field value survives the trip to bytes and back, exactly.

Exactly means the same type and the same text: a fee of 90.00 stays 90.00
(not 90), a date stays a date (not a datetime), a lone surrogate pasted from a
broken document stays as it was.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from therapist_desk.db.value_codec import ValueUnreadable, dump_value, load_value, loader_for
from therapist_desk.domain.vocabulary import Attendance, ClientStatus

#: Any code point, lone surrogates included.
TEXT = st.text(st.characters(exclude_categories=()))
EDGE_TEXTS = (
    "",
    "\ud800",
    "a\udfffb",
    "nul\x00inside\x00",
    "'); DROP TABLE clients;--",
    "مرحبا، كيف حالك؟",
    "שלום, מה שלומך?",
    "Zoë 👩🏽‍⚕️🧠 🏳️‍🌈",
)
TEXTS = st.sampled_from(EDGE_TEXTS) | TEXT
OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | TEXTS
    | st.dates()
    | st.datetimes(timezones=st.none() | OFFSETS)
    | st.decimals()
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXTS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(TEXTS, children, max_size=4)
    ),
    max_leaves=12,
)


def as_json(value: object) -> object:
    """What JSON gives back: tuples come back as lists."""
    if isinstance(value, (list, tuple)):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    return value


def assert_same(loaded: object, expected: object) -> None:
    """Equal, of the same type, and written the same way."""
    assert type(loaded) is type(expected), (loaded, expected)
    if isinstance(expected, Decimal):
        assert str(loaded) == str(expected)
    elif isinstance(expected, datetime):
        assert isinstance(loaded, datetime)
        assert loaded.isoformat() == expected.isoformat()
    elif isinstance(expected, list):
        assert isinstance(loaded, list)
        assert len(loaded) == len(expected)
        for got, wanted in zip(loaded, expected, strict=True):
            assert_same(got, wanted)
    elif isinstance(expected, dict):
        assert isinstance(loaded, dict)
        assert list(loaded) == list(expected)
        for key, wanted in expected.items():
            assert_same(loaded[key], wanted)
    else:
        assert loaded == expected


@settings(max_examples=300, deadline=None)
@given(SCALARS)
def test_a_single_value_comes_back_exactly(value: object) -> None:
    assert_same(load_value(dump_value(value)), value)


@settings(max_examples=150, deadline=None)
@given(JSON_VALUES)
def test_lists_and_mappings_of_notes_come_back_exactly(value: object) -> None:
    if not isinstance(value, (list, tuple, dict)):
        value = [value]
    assert_same(load_value(dump_value(value)), as_json(value))


@pytest.mark.parametrize(
    "value",
    [Decimal("90.00"), Decimal("0.5"), Decimal("-0"), Decimal("1E+3"), Decimal("NaN")],
    ids=str,
)
def test_a_fee_keeps_its_written_form(value: Decimal) -> None:
    assert str(load_value(dump_value(value))) == str(value)


def test_an_empty_value_is_stored_with_a_type_not_as_sql_null() -> None:
    """An empty field cannot be told from a filled one by looking at the file."""
    assert dump_value(None) != b""
    assert load_value(dump_value(None)) is None
    assert load_value(dump_value("")) == ""


def test_a_choice_is_stored_by_its_value_and_read_back_as_the_choice() -> None:
    stored = dump_value(ClientStatus.DISCHARGED)
    assert load_value(stored) == "discharged"
    assert loader_for(ClientStatus)(stored) is ClientStatus.DISCHARGED


@pytest.mark.parametrize(
    "value", [1.5, b"bytes", {1, 2}, object()], ids=lambda value: type(value).__name__
)
def test_a_type_the_vault_cannot_hold_is_refused_rather_than_stored_wrongly(
    value: object,
) -> None:
    with pytest.raises(TypeError):
        dump_value(value)


WRONG_TYPES: list[tuple[Any, object]] = [
    (str, None),
    (str, 5),
    (int, True),
    (int | None, "7"),
    (bool, 1),
    (date, datetime(2024, 1, 1, tzinfo=UTC)),
    (date | None, "2024-01-01"),
    (Decimal | None, 90),
    (tuple[str, ...], ["Reflection", 3]),
    (dict[str, str], {"plan": None}),
    (Attendance, "not a choice"),
]


@pytest.mark.parametrize(("annotation", "stored"), WRONG_TYPES, ids=repr)
def test_a_value_of_the_wrong_type_is_unreadable_not_passed_on(
    annotation: Any, stored: object
) -> None:
    """The window never receives a number where it expects a name."""
    with pytest.raises(ValueUnreadable):
        loader_for(annotation)(dump_value(stored))


@pytest.mark.parametrize(
    "data",
    [b"", b"\x63", b"\x02twelve", b"\x03yes", b"\x04not a date", b"\x06{not json", b"\x00x"],
    ids=repr,
)
def test_malformed_bytes_are_unreadable(data: bytes) -> None:
    with pytest.raises(ValueUnreadable):
        load_value(data)
