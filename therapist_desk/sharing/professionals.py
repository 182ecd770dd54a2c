"""The directory of professionals a therapist refers to and works with."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import (
    DisclosureRow,
    MedicationRow,
    ProfessionalRow,
    ReferralRow,
    SharingConsentRow,
)
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import Professional, ProfessionalDetails
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.validation import Problems
from therapist_desk.vault import Vault, audit

TABLE = ProfessionalRow.__tablename__

# Deliberately loose: one @, something on each side, a dot in the domain, no spaces.
# It catches typing slips, not every address the standards would refuse.
_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_professional(details: ProfessionalDetails, *, email_shape: bool = False) -> None:
    """Refuse an entry that cannot be saved, listing every problem.

    `email_shape` also refuses an email that cannot be an address: on for what the
    therapist types (add, update), off for an import, whose entries earlier versions
    accepted as they were typed.
    """
    problems = Problems()
    problems.require_text("The professional's name", details.name)
    for label, value in (
        ("Organisation", details.organisation),
        ("Address", details.address),
        ("Phone", details.phone),
        ("Email", details.email),
        ("Notes", details.notes),
    ):
        problems.limit(label, value)
    email = details.email.strip()
    if email_shape and email and not _EMAIL_SHAPE.fullmatch(email):
        problems.add(f"The email “{email}” does not look like an address (name@example.org).")
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
    check_professional(details, email_shape=True)
    with vault.transaction() as session:
        row = new_professional_row(vault.codec, details, vault.now())
        session.add(row)
        audit.record(session, vault, AuditKind.CREATE, record_id=row.id, detail="professional")
    return Professional(row.id, details)


def update_professional(
    vault: Vault, professional_id: str, details: ProfessionalDetails
) -> Professional:
    check_professional(details, email_shape=True)
    with vault.transaction() as session:
        row = load_professional_row(session, professional_id)
        for column, blob in vault.codec.seal_details(TABLE, professional_id, details).items():
            setattr(row, column, blob)
        row.updated_at = vault.now()
        audit.record(
            session, vault, AuditKind.EDIT, record_id=professional_id, detail="professional"
        )
    return Professional(professional_id, details)


def referral_counts(vault: Vault) -> dict[str, int]:
    """For each professional named in a referral, how many clients' referrals name them."""
    with vault.reading() as session:
        rows = session.execute(
            select(
                ReferralRow.professional_id, func.count(distinct(ReferralRow.client_id))
            ).group_by(ReferralRow.professional_id)
        ).all()
    return {professional_id: int(count) for professional_id, count in rows}


#: The records that name a professional, as (column, how one reads, how several read).
_NAMED_IN = (
    (ReferralRow.professional_id, "referral", "referrals"),
    (SharingConsentRow.professional_id, "consent to share", "consents to share"),
    (MedicationRow.prescriber_id, "medication (as prescriber)", "medications (as prescriber)"),
    (DisclosureRow.professional_id, "disclosure", "disclosures"),
)


def _records_naming(session: Session, professional_id: str) -> list[str]:
    found = []
    for column, one, several in _NAMED_IN:
        count = session.scalar(select(func.count()).where(column == professional_id)) or 0
        if count:
            found.append(f"{count} {one if count == 1 else several}")
    return found


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def why_not_removable(vault: Vault, professional_id: str) -> str | None:
    """Why a professional must stay in the directory, in a sentence; None if they may go."""
    with vault.reading() as session:
        return _refusal(vault.codec, session, load_professional_row(session, professional_id))


def _refusal(codec: RecordCodec, session: Session, row: ProfessionalRow) -> str | None:
    naming = _records_naming(session, row.id)
    if not naming:
        return None
    name = professional_from_row(codec, row).details.name or "This professional"
    return (
        f"{name} is still named in {_and_list(naming)}, so they stay in the "
        "directory: those records must keep saying who was involved. "
        "You can still edit their details."
    )


def remove_professional(vault: Vault, professional_id: str) -> None:
    """Take someone out of the directory; refused while any client's record names them.

    Referrals, consents to share, medications and disclosures must go on saying
    who was involved, so a professional they name stays (their details can still
    be edited).
    """
    with vault.transaction() as session:
        row = load_professional_row(session, professional_id)
        problem = _refusal(vault.codec, session, row)
        if problem is not None:
            raise InvalidInput(f"Not removed: {problem}", [problem])
        audit.record(
            session, vault, AuditKind.DELETE, record_id=professional_id, detail="professional"
        )
        session.delete(row)
