"""Writing many new rows at once, parents before children."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from therapist_desk.db.base import Base


def add_in_dependency_order(session: Session, rows: Iterable[Base]) -> None:
    """Add and flush `rows` table by table in foreign-key order.

    The unit of work orders inserts only along relationship() links; most of
    our foreign keys have none, so a child could otherwise reach SQLite first.
    """
    by_table: dict[str, list[Base]] = defaultdict(list)
    for row in rows:
        by_table[row.__table__.name].append(row)  # type: ignore[attr-defined]
    for table in Base.metadata.sorted_tables:
        batch = by_table.pop(table.name, None)
        if batch:
            session.add_all(batch)
            session.flush()
    if by_table:
        raise ValueError(f"rows of unknown tables: {', '.join(sorted(by_table))}")


def insert_in_dependency_order(session: Session, rows: Iterable[Base]) -> None:
    """Insert new `rows` as plain multi-row INSERTs, table by table in foreign-key order.

    For tens of thousands of new rows at once (the demo practice): the ORM's
    unit of work would cost more than their encryption, and new rows need none
    of its bookkeeping. The objects stay transient; read the rows back to use them.
    """
    by_table: dict[str, dict[frozenset[str], list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in rows:
        table: Table = row.__table__  # type: ignore[assignment]
        values = {key: value for key, value in vars(row).items() if key in table.c}
        # One INSERT per set of columns given, so a column left out takes its default.
        by_table[table.name][frozenset(values)].append(values)
    connection = session.connection()
    for table in Base.metadata.sorted_tables:
        for batch in by_table.pop(table.name, {}).values():
            connection.execute(insert(table), batch)
    if by_table:
        raise ValueError(f"rows of unknown tables: {', '.join(sorted(by_table))}")
