"""The schema comes from the migrations alone, and they match the models exactly."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, MetaData, inspect

import therapist_desk.db.models  # noqa: F401  (registers every table)
from tests.system.helpers import make_vault, run_cli, sha256_of
from therapist_desk.db.base import Base
from therapist_desk.db.engine import create_vault_engine
from therapist_desk.db.migration_runner import (
    current_revision,
    head_revision,
    migrations_path,
    upgrade_to_head,
)
from therapist_desk.errors import ExitStatus

REPOSITORY_VERSIONS = (
    Path(__file__).resolve().parents[2] / "therapist_desk" / "migrations" / "versions"
)


@pytest.fixture
def migrated(tmp_path: Path) -> Engine:
    """An empty SQLite file brought to head by the program's own migration runner."""
    database = tmp_path / "empty.sqlite3"
    database.touch()
    engine = create_vault_engine(database)
    result = upgrade_to_head(engine, backup_dir=tmp_path / "backups")
    assert result.from_revision is None
    assert result.to_revision == head_revision()
    assert result.backup is None
    assert not (tmp_path / "backups").exists()  # nothing to back up in an empty file
    return engine


def _differences(engine: Engine, metadata: MetaData) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "target_metadata": metadata}
        )
        return list(compare_metadata(context, metadata))


def test_upgrading_an_empty_file_creates_every_table(migrated: Engine) -> None:
    assert current_revision(migrated) == head_revision()
    tables = set(inspect(migrated).get_table_names())
    assert tables == {*Base.metadata.tables, "alembic_version"}
    # Upgrading again is a no-op.
    again = upgrade_to_head(migrated, backup_dir=None)
    assert again.from_revision == again.to_revision == head_revision()
    migrated.dispose()


def test_autogenerate_finds_no_drift_between_models_and_migrations(migrated: Engine) -> None:
    assert _differences(migrated, Base.metadata) == []
    migrated.dispose()


def test_the_drift_check_would_see_a_change(migrated: Engine) -> None:
    """A column added to the models without a migration is reported."""
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        copy = table.to_metadata(changed)
        if table.name == "clients":
            copy.append_column(Column("shoe_size", Integer, nullable=True))

    differences = _differences(migrated, changed)

    assert [(d[0], d[3].name) for d in differences if isinstance(d, tuple)] == [
        ("add_column", "shoe_size")
    ]
    migrated.dispose()


def _revisions(folder: Path) -> dict[str, str | None]:
    """revision → down_revision, read from the files without running them."""
    found: dict[str, str | None] = {}
    for path in sorted(folder.glob("*.py")):
        if path.name == "__init__.py":
            continue
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.AnnAssign | ast.Assign):
                targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
                for target in targets:
                    if isinstance(target, ast.Name) and node.value is not None:
                        values[target.id] = ast.literal_eval(node.value)
        revision = values["revision"]
        down = values["down_revision"]
        assert isinstance(revision, str), path
        assert down is None or isinstance(down, str), path
        assert revision not in found, f"revision {revision} appears twice"
        found[revision] = down
    return found


def test_head_revision_is_the_single_head_of_the_versions_folder() -> None:
    revisions = _revisions(REPOSITORY_VERSIONS)
    assert revisions
    heads = set(revisions) - {down for down in revisions.values() if down is not None}
    assert heads == {head_revision()}
    roots = [revision for revision, down in revisions.items() if down is None]
    assert len(roots) == 1
    # Every revision except the root revises one that exists.
    assert {down for down in revisions.values() if down is not None} <= set(revisions)
    # The installed program ships the same revisions.
    assert _revisions(migrations_path() / "versions") == revisions


def test_a_vault_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    paths = make_vault(tmp_path / "vault")
    connection = sqlite3.connect(paths.database)
    try:
        with connection:
            connection.execute("UPDATE alembic_version SET version_num = 'f00dfeed9999'")
    finally:
        connection.close()
    before = sha256_of(paths.database)

    result = run_cli("verify", "--data-dir", paths.data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.VAULT_TOO_NEW, result.stderr
    assert "newer version" in result.stderr
    assert "Traceback" not in result.stderr
    assert sha256_of(paths.database) == before
    assert not (paths.data_dir / "backups").exists()
