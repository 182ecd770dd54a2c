"""Brings a vault's schema to the program's head revision, safely.

Order of work: refuse a vault made by a newer program; if the vault is behind,
copy it (still encrypted) with SQLite's backup API; then upgrade inside one
transaction with foreign keys off, and check them before committing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, text

from therapist_desk.db.engine import execute_outside_transaction


class VaultTooNew(Exception):
    """The vault's schema revision is unknown to this program: a newer version made it."""

    def __init__(self, revision: str) -> None:
        super().__init__(revision)
        self.revision = revision


class MigrationFailed(Exception):
    """An upgrade failed and was rolled back; the vault is as it was."""


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def migrations_path() -> Path:
    return Path(str(resources.files("therapist_desk.migrations")))


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise RuntimeError("the program ships no migrations")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except CommandError:
        return False


def backup_database(engine: Engine, destination: Path) -> None:
    """Consistent copy through SQLite's online backup API (never a file copy)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with engine.connect() as connection:
        source = connection.connection.driver_connection
        assert isinstance(source, sqlite3.Connection)
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
            # A self-contained file: opening the copy later leaves no -wal or -shm beside it.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()


def upgrade_to_head(engine: Engine, backup_dir: Path | None) -> UpgradeResult:
    """Upgrade the vault behind `engine`; backs it up into `backup_dir` first if it had a schema."""
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return UpgradeResult(current, head, None)
    if current is not None and not is_known_revision(current):
        raise VaultTooNew(current)
    backup: Path | None = None
    if current is not None and backup_dir is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        backup = backup_dir / f"vault-before-upgrade-from-{current}-{stamp}.sqlite3"
        backup_database(engine, backup)
    config = _config()
    with engine.connect() as connection:
        # Table rebuilds in batch migrations must not trip cascades; the pragma
        # only takes effect outside a transaction.
        execute_outside_transaction(connection, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                if problems:
                    raise MigrationFailed(f"the upgrade broke {len(problems)} references")
        except MigrationFailed:
            raise
        except Exception as error:
            raise MigrationFailed(f"the upgrade to {head} failed: {error}") from error
        finally:
            execute_outside_transaction(connection, "PRAGMA foreign_keys=ON")
    return UpgradeResult(current, head, backup)
