"""Writing many new rows at once, parents before children."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

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
