"""Column types and column helpers.

Alembic revisions import from this module by its path (``user_module_prefix``
in migrations/env.py), so keep the names here stable: moving a type elsewhere
would break old revisions.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import LargeBinary, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import MappedColumn, mapped_column
from sqlalchemy.types import DateTime, TypeDecorator

#: The marker in a column's ``info`` that says its values are encrypted.
SEALED = "sealed"
ID_LENGTH = 36


def new_id() -> str:
    """Row ids are made by the program before insert, so values can be bound to them."""
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC; gives them back aware, in UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must carry a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class SealedValue(LargeBinary):
    """A BLOB of ciphertext, passed to and from SQLite as plain bytes.

    LargeBinary would wrap every value in a memoryview on the way in; for
    tens of thousands of small values per save that copy is measurable, and
    SQLite's driver takes and returns bytes for BLOBs as they are.
    """

    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None


def id_column(**kwargs: Any) -> MappedColumn[Any]:
    return mapped_column(String(ID_LENGTH), primary_key=True, **kwargs)


def sealed_column() -> MappedColumn[Any]:
    """A column that holds AES-GCM ciphertext bound to its table, column and row."""
    return mapped_column(SealedValue, nullable=False, info={SEALED: True})
