"""`verify`: proves the vault is whole, or names every place that is not.

Runs SQLite's integrity and foreign-key checks, decrypts every stored value
(which authenticates it against its table, column and row), and checks that
every signed note still matches the hash stored when it was signed, and that
no signed note has been turned back into a draft.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Table, select, text

from therapist_desk.db import audit_log
from therapist_desk.db.models import ProgressNoteRow
from therapist_desk.db.record_codec import ValueDecryptionError, sealed_columns, sealed_tables
from therapist_desk.domain.records import NoteContent
from therapist_desk.domain.signatures import note_content_hash
from therapist_desk.vault import Vault

_BATCH = 2000


@dataclass(frozen=True)
class Problem:
    """One thing wrong, named by its place where it has one."""

    message: str
    table: str | None = None
    column: str | None = None
    row_id: str | None = None

    def __str__(self) -> str:
        if self.table is None:
            return self.message
        place = self.table if self.column is None else f"{self.table}.{self.column}"
        return f"{place}, row {self.row_id}: {self.message}"


def check_vault(vault: Vault) -> list[Problem]:
    problems = list(_sqlite_checks(vault))
    for table in sealed_tables():
        problems.extend(_check_table(vault, table))
    problems.extend(_check_signed_notes(vault))
    problems.extend(_check_drafts(vault))
    problems.extend(_check_audit_chain(vault))
    return problems


def _check_audit_chain(vault: Vault) -> Iterator[Problem]:
    with vault.engine.connect() as connection:
        for broken in audit_log.check_chain(connection, vault.codec, vault.audit_key()):
            yield Problem(
                f"{broken.reason} (entry {broken.seq})", "audit_events", None, broken.row_id
            )


def _sqlite_checks(vault: Vault) -> Iterator[Problem]:
    with vault.engine.connect() as connection:
        integrity = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
        if integrity != ["ok"]:
            for line in integrity:
                yield Problem(f"SQLite integrity check: {line}")
        for table, rowid, parent, _index in connection.execute(text("PRAGMA foreign_key_check")):
            yield Problem(f"refers to a missing row of {parent} (rowid {rowid})", table)


def _check_table(vault: Vault, table: Table) -> Iterator[Problem]:
    columns = sealed_columns(table)
    query = select(table.c.id, *(table.c[name] for name in columns)).order_by(table.c.id)
    # The results are closed by `with` even when a caller stops early (Ctrl-C), so
    # no read stays open to block the checkpoint on close.
    with (
        vault.engine.connect() as connection,
        connection.execution_options(yield_per=_BATCH).execute(query) as result,
    ):
        for row in result:
            row_id = row[0]
            for name, blob in zip(columns, row[1:], strict=True):
                try:
                    vault.codec.open_value(table.name, name, row_id, blob)
                except ValueDecryptionError as error:
                    yield Problem(error.reason, table.name, name, row_id)


def _check_signed_notes(vault: Vault) -> Iterator[Problem]:
    table = ProgressNoteRow.__table__
    assert isinstance(table, Table)
    content_columns = [name for name in sealed_columns(table) if name != "content_hash"]
    query = select(
        table.c.id,
        table.c.session_id,
        table.c.signed_at,
        table.c.content_hash,
        *(table.c[name] for name in content_columns),
    ).where(table.c.signed_at.is_not(None))
    with (
        vault.engine.connect() as connection,
        connection.execution_options(yield_per=_BATCH).execute(query) as result,
    ):
        for row in result:
            note_id, session_id, signed_at, hash_blob = row[0], row[1], row[2], row[3]
            blobs = dict(zip(content_columns, row[4:], strict=True))
            content, damaged = vault.codec.open_mapping(table.name, note_id, blobs, NoteContent)
            if damaged:
                continue  # already reported value by value
            try:
                stored = vault.codec.open_value(table.name, "content_hash", note_id, hash_blob)
            except ValueDecryptionError:
                continue
            if stored != note_content_hash(session_id, content, signed_at):
                yield Problem(
                    "the signed note's content does not match the hash stored when it was signed",
                    table.name,
                    None,
                    note_id,
                )


def _check_drafts(vault: Vault) -> Iterator[Problem]:
    """A draft never has a content hash; one that does had its signing time removed."""
    table = ProgressNoteRow.__table__
    assert isinstance(table, Table)
    query = select(table.c.id, table.c.content_hash).where(table.c.signed_at.is_(None))
    with (
        vault.engine.connect() as connection,
        connection.execution_options(yield_per=_BATCH).execute(query) as result,
    ):
        for note_id, hash_blob in result:
            try:
                stored = vault.codec.open_value(table.name, "content_hash", note_id, hash_blob)
            except ValueDecryptionError:
                continue  # already reported value by value
            if stored:
                yield Problem(
                    "the note was signed, but its signing time has been removed",
                    table.name,
                    "signed_at",
                    note_id,
                )
