"""The record codec: each value is sealed to its table, column and row.

A ciphertext copied to another row, column or table does not open, and the
error says exactly where, so `verify` can point the therapist at it.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.db.populate import DETAILS_OF_TABLE
from therapist_desk.crypto.key_holder import KeyHolder
from therapist_desk.db.column_types import new_id
from therapist_desk.db.record_codec import (
    RecordCodec,
    ValueDecryptionError,
    sealed_columns,
    sealed_tables,
)
from therapist_desk.domain.records import ClientDetails

#: Sealed columns written outside the details class.
EXTRA_COLUMNS = {"progress_notes": {"content_hash"}}

TEXT = st.text(st.characters(exclude_categories=()), max_size=40)


@pytest.fixture
def codec() -> RecordCodec:
    return RecordCodec(KeyHolder(os.urandom(32)))


def test_every_sealed_column_has_a_field_and_every_field_a_sealed_column() -> None:
    """A field without a column would be lost on save; a column without a field, unread."""
    assert {table.name for table in sealed_tables()} == set(DETAILS_OF_TABLE)
    for table in sealed_tables():
        fields = {field.name for field in dataclasses.fields(DETAILS_OF_TABLE[table.name])}
        assert set(sealed_columns(table)) == fields | EXTRA_COLUMNS.get(table.name, set())


ROW = "6f1c2a8e-0000-4000-8000-000000000001"
OTHER_ROW = "6f1c2a8e-0000-4000-8000-000000000002"
MOVES = {
    "to another row": ("clients", "legal_name", OTHER_ROW),
    "to another column": ("clients", "preferred_name", ROW),
    "to another table": ("contacts", "name", ROW),
}


@pytest.mark.parametrize(("table", "column", "row_id"), MOVES.values(), ids=MOVES.keys())
def test_a_ciphertext_in_another_place_fails_and_the_error_names_that_place(
    codec: RecordCodec, table: str, column: str, row_id: str
) -> None:
    blob = codec.seal("clients", "legal_name", ROW, "Amira Haddad")
    assert codec.open_value("clients", "legal_name", ROW, blob) == "Amira Haddad"

    with pytest.raises(ValueDecryptionError) as failure:
        codec.open_value(table, column, row_id, blob)

    assert (failure.value.table, failure.value.column, failure.value.row_id) == (
        table,
        column,
        row_id,
    )
    assert f"{table}.{column} of row {row_id}" in str(failure.value)


def test_a_ciphertext_from_another_vault_fails(codec: RecordCodec) -> None:
    blob = RecordCodec(KeyHolder(os.urandom(32))).seal("clients", "legal_name", ROW, "Amira")
    with pytest.raises(ValueDecryptionError):
        codec.open_value("clients", "legal_name", ROW, blob)


def test_a_moved_field_reads_as_damaged_and_the_rest_of_the_record_still_opens(
    codec: RecordCodec,
) -> None:
    details = ClientDetails(legal_name="Amira Haddad", preferred_name="Amira", pronouns="she/her")
    blobs = codec.seal_details("clients", ROW, details)
    other = codec.seal_details("clients", OTHER_ROW, ClientDetails(legal_name="Jonas Berg"))
    blobs["legal_name"] = other["legal_name"]

    opened, damaged = codec.open_mapping("clients", ROW, blobs, ClientDetails)

    assert damaged == ("legal_name",)
    assert opened == dataclasses.replace(details, legal_name="")


def _strategy_for(annotation: Any) -> st.SearchStrategy[Any]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        (member,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return st.none() | _strategy_for(member)
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return st.sampled_from(list(annotation))
    if typing.get_origin(annotation) is tuple:
        (item, *_rest) = typing.get_args(annotation)
        if item is int:
            return st.lists(st.integers(), max_size=9).map(tuple)
        if isinstance(item, type) and dataclasses.is_dataclass(item):
            return st.lists(details_strategy(item), max_size=3).map(tuple)
        return st.lists(TEXT, max_size=4).map(tuple)
    if typing.get_origin(annotation) is dict:
        return st.dictionaries(TEXT, TEXT, max_size=4)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: TEXT,
        bool: st.booleans(),
        int: st.integers(),
        date: st.dates(),
        Decimal: st.decimals(allow_nan=False, places=2),
    }
    return simple[annotation]


def details_strategy(details_type: type[Any]) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(details_type)
    return st.builds(
        details_type,
        **{
            field.name: _strategy_for(hints[field.name])
            for field in dataclasses.fields(details_type)
        },
    )


@pytest.mark.parametrize(
    ("table", "details_type"), DETAILS_OF_TABLE.items(), ids=DETAILS_OF_TABLE.keys()
)
def test_every_field_of_every_record_comes_back_as_it_was_saved(
    codec: RecordCodec, table: str, details_type: type[Any]
) -> None:
    @settings(max_examples=25, deadline=None)
    @given(details_strategy(details_type))
    def round_trip(details: Any) -> None:
        row_id = new_id()
        blobs = codec.seal_details(table, row_id, details)
        opened, damaged = codec.open_mapping(table, row_id, blobs, details_type)
        assert damaged == ()
        assert opened == details
        for field in dataclasses.fields(details_type):
            value = getattr(details, field.name)
            if isinstance(value, Decimal):
                assert str(getattr(opened, field.name)) == str(value)

    round_trip()
