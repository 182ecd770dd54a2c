"""The vaults kept in tests/fixtures/, made when the schema head was an earlier revision.

Each upgrade test copies one, opens it with the current program and checks
that nothing of it was lost. See tests/fixtures/README.md.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from tests.system.helpers import JsonObject, as_version_2
from therapist_desk.vault.paths import VaultPaths

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: The passphrase of every fixture vault.
FIXTURE_PASSPHRASE = "fixture vault at revision one"

Rows = list[tuple[Any, ...]]


def fixture_database(revision: str) -> Path:
    return FIXTURES / f"vault-{revision}.sqlite3"


def read_rows(database: Path, query: str) -> Rows:
    # immutable: reading a copy must not leave -wal or -shm files beside it.
    connection = sqlite3.connect(f"file:{database.as_posix()}?mode=ro&immutable=1", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def revision_of(database: Path) -> str:
    ((revision,),) = read_rows(database, "SELECT version_num FROM alembic_version")
    assert isinstance(revision, str)
    return revision


def stored_contents(database: Path) -> dict[str, Rows]:
    """Every row of every table, as stored (ciphertexts included), in a stable order."""
    tables = read_rows(
        database,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    return {
        str(table): sorted(read_rows(database, f'SELECT * FROM "{table}"'), key=repr)
        for (table,) in tables
    }


def copy_of_fixture(revision: str, tmp_path: Path) -> VaultPaths:
    """A private copy of the fixture vault in a data folder of its own."""
    database = fixture_database(revision)
    assert revision_of(database) == revision, f"the fixture must stay at revision {revision}"
    paths = VaultPaths(tmp_path / "vault")
    paths.data_dir.mkdir(mode=0o700)
    shutil.copyfile(database, paths.database)
    return paths


def expected_export(revision: str) -> JsonObject:
    """The fixture's records as an export writes them today."""
    stored = (FIXTURES / f"vault-{revision}.export.json").read_text("utf-8")
    document: JsonObject = json.loads(stored)
    return as_version_2(document)


def recovery_key(revision: str) -> str:
    return (FIXTURES / f"vault-{revision}.recovery-key.txt").read_text("ascii").strip()
