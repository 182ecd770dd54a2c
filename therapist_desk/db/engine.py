"""The SQLite engine of a vault file, with the settings a clinical record needs."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry

BUSY_TIMEOUT_MS = 5000

# Set on every connection. journal_mode=WAL is a property of the file, set once
# when the vault is created, so opening a vault never writes to it.
CONNECTION_PRAGMAS = (
    "PRAGMA synchronous=FULL",  # a committed note survives a power cut
    "PRAGMA secure_delete=ON",  # deleted ciphertext is overwritten, not left in free pages
    "PRAGMA temp_store=MEMORY",  # sorts and temporary tables never touch the disk
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


def _sqlite_url(path: Path, create: bool) -> str:
    # mode=rw refuses to create a missing file, so opening a wrong folder never
    # leaves an empty "vault" behind.
    mode = "rwc" if create else "rw"
    return f"sqlite+pysqlite:///file:{path.as_posix()}?mode={mode}&uri=true"


def create_vault_engine(path: Path, *, create: bool = False) -> Engine:
    """An engine whose connections carry the vault pragmas and real transactions.

    pysqlite's own transaction handling is turned off (isolation_level=None) and
    SQLAlchemy emits BEGIN itself, as the SQLAlchemy documentation recommends,
    so that DDL in migrations is transactional and SAVEPOINT works.
    """
    engine = create_engine(
        _sqlite_url(path, create),
        connect_args={"isolation_level": None, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        try:
            for pragma in CONNECTION_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def enable_wal(path: Path) -> None:
    """Put a new vault file into WAL mode; a persistent property of the file."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise RuntimeError(f"SQLite refused WAL mode (got {mode!r})")
    finally:
        connection.close()


def execute_outside_transaction(connection: Any, statement: str) -> list[tuple[Any, ...]]:
    """Run a PRAGMA that SQLite ignores or refuses inside a transaction.

    SQLAlchemy would begin a transaction for ``exec_driver_sql``; the raw
    driver connection is in autocommit mode (isolation_level=None).
    """
    driver = connection.connection.driver_connection
    cursor = driver.cursor()
    try:
        return list(cursor.execute(statement).fetchall())
    finally:
        cursor.close()


def checkpoint(engine: Engine) -> None:
    """Fold the write-ahead log into the database file and truncate it."""
    with engine.connect() as connection:
        execute_outside_transaction(connection, "PRAGMA wal_checkpoint(TRUNCATE)")


def create_read_only_engine(path: Path, *, writable: bool = False) -> Engine:
    """An engine on a vault file that must not change: a backup being checked.

    `immutable=1` tells SQLite the file cannot change under it, so it takes no
    locks and makes no -wal or -shm files beside a backup on someone's drive.
    `writable` is for a scratch copy that is upgraded before it is checked.
    """
    if writable:
        return create_vault_engine(path)
    engine = create_engine(
        f"sqlite+pysqlite:///file:{path.as_posix()}?mode=ro&immutable=1&uri=true",
        connect_args={"isolation_level": None, "check_same_thread": False},
    )

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine
