"""Alembic environment for the vault.

The program runs migrations itself (therapist_desk.db.migration_runner) and
hands over an open connection in ``config.attributes["connection"]``. For a
developer making a new revision, ``-x db=PATH`` names a scratch SQLite file:

    alembic -x db=/tmp/scratch.sqlite3 upgrade head
    alembic -x db=/tmp/scratch.sqlite3 revision --autogenerate -m "what changed"
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from therapist_desk.db import models  # noqa: F401  (registers every table)
from therapist_desk.db.base import Base

config = context.config


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        user_module_prefix="therapist_desk.db.column_types.",
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    database = context.get_x_argument(as_dictionary=True).get("db")
    if not database:
        raise SystemExit("give a scratch database: alembic -x db=/tmp/scratch.sqlite3 ...")
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as developer_connection:
        _configure(developer_connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported for the vault")
run_migrations_online()
