"""The directory of professionals a therapist refers to and works with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk import audit
from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import ProfessionalRow
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import Professional, ProfessionalDetails
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import RecordNotFound
from therapist_desk.validation import Problems
from therapist_desk.vault import Vault

TABLE = ProfessionalRow.__tablename__


def check_professional(details: ProfessionalDetails) -> None:
    problems = Problems()
    problems.require_text("The professional's name", details.name)
    for label, value in (
        ("Organisation", details.organisation),
        ("Phone", details.phone),
        ("Email", details.email),
    ):
        problems.limit(label, value)
    problems.raise_if_any("The professional cannot be saved")


def professional_from_row(codec: RecordCodec, row: ProfessionalRow) -> Professional:
    details, damaged = codec.open_details(row, ProfessionalDetails)
    return Professional(row.id, details, damaged)


def new_professional_row(
    codec: RecordCodec,
    details: ProfessionalDetails,
    now: datetime,
    professional_id: str | None = None,
) -> ProfessionalRow:
    row_id = professional_id or new_id()
    return ProfessionalRow(
        id=row_id,
        created_at=now,
        updated_at=now,
        **codec.seal_details(TABLE, row_id, details),
    )


def load_professional_row(session: Session, professional_id: str) -> ProfessionalRow:
    row = session.get(ProfessionalRow, professional_id)
    if row is None:
        raise RecordNotFound(f"There is no professional with id {professional_id}.")
    return row


def list_professionals(vault: Vault) -> list[Professional]:
    with vault.reading() as session:
        rows = session.scalars(select(ProfessionalRow)).all()
        people = [professional_from_row(vault.codec, row) for row in rows]
    return sorted(people, key=lambda person: person.details.name.casefold())


def get_professional(vault: Vault, professional_id: str) -> Professional:
    with vault.reading() as session:
        return professional_from_row(vault.codec, load_professional_row(session, professional_id))


def add_professional(vault: Vault, details: ProfessionalDetails) -> Professional:
    check_professional(details)
    with vault.transaction() as session:
        row = new_professional_row(vault.codec, details, vault.now())
        session.add(row)
        audit.record(session, vault, AuditKind.CREATE, record_id=row.id, detail="professional")
    return Professional(row.id, details)


def update_professional(
    vault: Vault, professional_id: str, details: ProfessionalDetails
) -> Professional:
    check_professional(details)
    with vault.transaction() as session:
        row = load_professional_row(session, professional_id)
        for column, blob in vault.codec.seal_details(TABLE, professional_id, details).items():
            setattr(row, column, blob)
        row.updated_at = vault.now()
        audit.record(
            session, vault, AuditKind.EDIT, record_id=professional_id, detail="professional"
        )
    return Professional(professional_id, details)
