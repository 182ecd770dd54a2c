"""A client's consents to share their information with a professional of the directory.

A letter or summary to a third party needs a consent in force on the day it
goes out. The program never decides for the therapist: without one it asks
for a written reason (an emergency, say), which is kept with the disclosure.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import ProfessionalRow, SharingConsentRow
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import SharingConsent, SharingConsentDetails
from therapist_desk.errors import RecordNotFound
from therapist_desk.records.validation import MAX_SHORT_TEXT, Problems, load_client_row
from therapist_desk.vault import Vault, audit

TABLE = SharingConsentRow.__tablename__


def check_consent(details: SharingConsentDetails) -> None:
    problems = Problems()
    if details.given_on is None:
        problems.add("The date the consent was given is required.")
    problems.date_order(
        "the date it was given", details.given_on, "The expiry date", details.expires_on
    )
    problems.date_order(
        "the date it was given", details.given_on, "The withdrawal date", details.withdrawn_on
    )
    problems.limit("The scope", details.scope, MAX_SHORT_TEXT)
    problems.limit("The notes", details.notes, MAX_SHORT_TEXT)
    problems.raise_if_any("The consent cannot be saved")


def consent_from_row(codec: RecordCodec, row: SharingConsentRow) -> SharingConsent:
    details, damaged = codec.open_details(row, SharingConsentDetails)
    return SharingConsent(
        row.id,
        row.client_id,
        row.professional_id,
        details,
        row.created_at,
        row.updated_at,
        damaged,
    )


def new_consent_row(
    codec: RecordCodec,
    client_id: str,
    professional_id: str,
    details: SharingConsentDetails,
    now: datetime,
    consent_id: str | None = None,
) -> SharingConsentRow:
    row_id = consent_id or new_id()
    return SharingConsentRow(
        id=row_id,
        client_id=client_id,
        professional_id=professional_id,
        created_at=now,
        updated_at=now,
        **codec.seal_details(TABLE, row_id, details),
    )


def _require(session: Session, client_id: str, professional_id: str) -> None:
    load_client_row(session, client_id)
    if session.get(ProfessionalRow, professional_id) is None:
        raise RecordNotFound(f"There is no professional with id {professional_id}.")


def _load(session: Session, consent_id: str) -> SharingConsentRow:
    row = session.get(SharingConsentRow, consent_id)
    if row is None:
        raise RecordNotFound(f"There is no consent with id {consent_id}.")
    return row


def consents_for_client(vault: Vault, client_id: str) -> list[SharingConsent]:
    """Newest first by the date given."""
    with vault.reading() as session:
        rows = session.scalars(
            select(SharingConsentRow).where(SharingConsentRow.client_id == client_id)
        ).all()
        consents = [consent_from_row(vault.codec, row) for row in rows]
    return sorted(
        consents,
        key=lambda consent: (consent.details.given_on or date.min, consent.created_at),
        reverse=True,
    )


def get_consent(vault: Vault, consent_id: str) -> SharingConsent:
    with vault.reading() as session:
        return consent_from_row(vault.codec, _load(session, consent_id))


def add_consent(
    vault: Vault, client_id: str, professional_id: str, details: SharingConsentDetails
) -> SharingConsent:
    check_consent(details)
    now = vault.now()
    with vault.transaction() as session:
        _require(session, client_id, professional_id)
        row = new_consent_row(vault.codec, client_id, professional_id, details, now)
        audit.add_recorded(session, vault, row, "consent to share")
    return SharingConsent(row.id, client_id, professional_id, details, now, now)


def update_consent(vault: Vault, consent_id: str, details: SharingConsentDetails) -> SharingConsent:
    """Change a consent's dates, scope or notes (withdrawing it sets `withdrawn_on`)."""
    check_consent(details)
    now = vault.now()
    with vault.transaction() as session:
        row = _load(session, consent_id)
        audit.edit_recorded(session, vault, row, details, "consent to share")
        row.updated_at = now
        return consent_from_row(vault.codec, row)


def consent_in_force(
    vault: Vault, client_id: str, professional_id: str, on: date
) -> SharingConsent | None:
    """The consent that allows sharing with this professional on that day, if any."""
    for consent in consents_for_client(vault, client_id):
        if (
            consent.professional_id == professional_id
            and not consent.damaged
            and consent.details.in_force(on)
        ):
            return consent
    return None
