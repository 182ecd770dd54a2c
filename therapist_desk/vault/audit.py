"""The audit trail as the services and the window use it.

Every change is recorded in the same transaction as the change itself, so an
entry exists exactly when the change does. Entries name records by id and say
what kind of thing happened; they never copy what a note says.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from therapist_desk.db import audit_log
from therapist_desk.db.record_codec import DetailsT
from therapist_desk.domain.records import AuditEvent, AuditEventDetails
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.vault import Vault

#: Saves of the same record this close together are one "edit" in the trail.
EDIT_COALESCE = timedelta(minutes=10)
#: Opening the same client's record again this soon is not a new "view".
VIEW_COALESCE = timedelta(minutes=10)


def record(
    session: Session,
    vault: Vault,
    kind: AuditKind,
    *,
    client_id: str = "",
    record_id: str = "",
    detail: str = "",
) -> None:
    """Add an entry in the caller's transaction."""
    coalesce = {AuditKind.EDIT: EDIT_COALESCE, AuditKind.VIEW: VIEW_COALESCE}.get(kind)
    audit_log.append_event(
        session,
        vault.codec,
        vault.audit_key(),
        AuditEventDetails(kind, client_id, record_id, detail),
        vault.now(),
        coalesce=coalesce,
    )


class _ClientRecordRow(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def client_id(self) -> str: ...

    __tablename__: str


def add_recorded(session: Session, vault: Vault, row: _ClientRecordRow, detail: str) -> None:
    """Add a new record of a client's, with its entry in the trail, in the caller's
    transaction."""
    session.add(row)
    record(
        session, vault, AuditKind.CREATE, client_id=row.client_id, record_id=row.id, detail=detail
    )


def edit_recorded(
    session: Session, vault: Vault, row: _ClientRecordRow, details: DetailsT, detail: str
) -> None:
    """Seal a client's record's new `details` over its row, with its entry in the trail,
    in the caller's transaction (the caller sets `updated_at` where the row has one)."""
    for column, blob in vault.codec.seal_details(row.__tablename__, row.id, details).items():
        setattr(row, column, blob)
    record(session, vault, AuditKind.EDIT, client_id=row.client_id, record_id=row.id, detail=detail)


def delete_recorded(session: Session, vault: Vault, row: _ClientRecordRow, detail: str) -> None:
    """Delete one of a client's records, with its entry in the trail, in the caller's
    transaction."""
    record(
        session, vault, AuditKind.DELETE, client_id=row.client_id, record_id=row.id, detail=detail
    )
    session.delete(row)


def record_now(
    vault: Vault,
    kind: AuditKind,
    *,
    client_id: str = "",
    record_id: str = "",
    detail: str = "",
) -> None:
    """Add an entry in a transaction of its own (a view, a disclosure, a backup)."""
    with vault.transaction() as session:
        record(session, vault, kind, client_id=client_id, record_id=record_id, detail=detail)


def events(
    vault: Vault, *, client_id: str | None = None, kind: AuditKind | None = None
) -> list[AuditEvent]:
    """Entries, newest first, optionally for one client or of one kind."""
    with vault.reading() as session:
        found = audit_log.read_events(session, vault.codec)
    chosen = [
        event
        for event in found
        if (client_id is None or event.details.client_id == client_id)
        and (kind is None or event.details.kind is kind)
    ]
    return list(reversed(chosen))
