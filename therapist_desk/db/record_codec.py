"""Encrypts and decrypts the sealed columns of a row, bound to their place.

The associated data of every value is ``td1|table|column|row id``: a ciphertext
copied to another row, another column or another table fails authentication.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import Table

from therapist_desk.crypto.key_holder import KeyHolder
from therapist_desk.crypto.value_cipher import DecryptionFailed
from therapist_desk.db.base import Base
from therapist_desk.db.column_types import SEALED
from therapist_desk.db.value_codec import (
    Loader,
    ValueUnreadable,
    dump_value,
    load_value,
    loader_for,
)


class _Dataclass(Protocol):
    __dataclass_fields__: typing.ClassVar[dict[str, Any]]


DetailsT = TypeVar("DetailsT", bound=_Dataclass)


class ValueDecryptionError(Exception):
    """A stored value that cannot be read, named by its place."""

    def __init__(self, table: str, column: str, row_id: str, reason: str) -> None:
        super().__init__(f"{table}.{column} of row {row_id}: {reason}")
        self.table = table
        self.column = column
        self.row_id = row_id
        self.reason = reason


def associated_data(table: str, column: str, row_id: str) -> bytes:
    return f"td1|{table}|{column}|{row_id}".encode()


def sealed_columns(table: Table) -> list[str]:
    return [column.name for column in table.columns if column.info.get(SEALED)]


def sealed_tables() -> Iterator[Table]:
    for table in Base.metadata.sorted_tables:
        if sealed_columns(table):
            yield table


@dataclass(frozen=True)
class _FieldPlan:
    name: str
    load: Loader
    default: Any


@functools.cache
def _associated_prefix(table: str, column: str) -> bytes:
    return associated_data(table, column, "")


@functools.cache
def _plan(details_type: type[Any]) -> tuple[_FieldPlan, ...]:
    hints = typing.get_type_hints(details_type)
    plans = []
    for field in dataclasses.fields(details_type):
        if field.default is not dataclasses.MISSING:
            default: Any = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            raise TypeError(f"{details_type.__name__}.{field.name} needs a default")
        plans.append(_FieldPlan(field.name, loader_for(hints[field.name]), default))
    return tuple(plans)


class RecordCodec:
    """Seals and opens values with the vault's value key."""

    def __init__(self, keys: KeyHolder) -> None:
        self._keys = keys

    def seal(self, table: str, column: str, row_id: str, value: object) -> bytes:
        return self._keys.value_cipher().encrypt(
            dump_value(value), associated_data(table, column, row_id)
        )

    def open_bytes(self, table: str, column: str, row_id: str, blob: bytes) -> bytes:
        try:
            return self._keys.value_cipher().decrypt(blob, associated_data(table, column, row_id))
        except DecryptionFailed as error:
            raise ValueDecryptionError(
                table, column, row_id, "cannot be decrypted (altered, moved or damaged)"
            ) from error

    def open_value(self, table: str, column: str, row_id: str, blob: bytes) -> object:
        """Decrypt and deserialize one value, whatever its type; raises ValueDecryptionError."""
        data = self.open_bytes(table, column, row_id, blob)
        try:
            return load_value(data)
        except ValueUnreadable as error:
            raise ValueDecryptionError(table, column, row_id, str(error)) from error

    def seal_details(self, table: str, row_id: str, details: _Dataclass) -> dict[str, bytes]:
        """Column name → ciphertext for every field of a details dataclass."""
        return {
            plan.name: self.seal(table, plan.name, row_id, getattr(details, plan.name))
            for plan in _plan(type(details))
        }

    def open_details(
        self, row: Base, details_type: type[DetailsT]
    ) -> tuple[DetailsT, tuple[str, ...]]:
        """Decrypt a row's sealed columns into `details_type`.

        A value that cannot be read takes the field's default and its name is
        returned in the second element, so one damaged value never hides the rest.
        """
        return self.open_mapping(
            row.__table__.name,  # type: ignore[attr-defined]
            row.id,  # type: ignore[attr-defined]
            {plan.name: getattr(row, plan.name) for plan in _plan(details_type)},
            details_type,
        )

    def open_mapping(
        self,
        table: str,
        row_id: str,
        blobs: Mapping[str, bytes],
        details_type: type[DetailsT],
    ) -> tuple[DetailsT, tuple[str, ...]]:
        """Like `open_details`, for column values fetched without the ORM."""
        decrypt = self._keys.value_cipher().decrypt
        row_key = row_id.encode()
        values: dict[str, Any] = {}
        damaged: list[str] = []
        for plan in _plan(details_type):
            try:
                data = decrypt(blobs[plan.name], _associated_prefix(table, plan.name) + row_key)
                values[plan.name] = plan.load(data)
            except (DecryptionFailed, ValueUnreadable):
                values[plan.name] = plan.default
                damaged.append(plan.name)
        return details_type(**values), tuple(damaged)


def details_field_names(details_type: type[Any]) -> list[str]:
    return [field.name for field in dataclasses.fields(details_type)]
