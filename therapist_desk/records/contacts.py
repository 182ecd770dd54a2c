"""People linked to a client: family, partner, guardian, emergency contact, professionals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import ContactRow
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import Contact, ContactDetails
from therapist_desk.errors import RecordNotFound
from therapist_desk.records.clients import load_client_row
from therapist_desk.records.validation import Problems
from therapist_desk.vault import Vault, audit

TABLE = ContactRow.__tablename__


def check_contact(details: ContactDetails) -> None:
    problems = Problems()
    problems.require_text("The contact's name", details.name)
    for label, value in (
        ("Relationship", details.relationship),
        ("Organisation", details.organisation),
        ("Phone", details.phone),
        ("Email", details.email),
        ("Consent scope", details.consent_scope),
    ):
        problems.limit(label, value)
    if not details.consent_to_contact and details.consent_expires is not None:
        problems.add("A consent expiry date needs consent to contact.")
    problems.raise_if_any("The contact cannot be saved")


def contact_from_row(codec: RecordCodec, row: ContactRow) -> Contact:
    details, damaged = codec.open_details(row, ContactDetails)
    return Contact(row.id, row.client_id, details, damaged)


def new_contact_row(
    codec: RecordCodec,
    client_id: str,
    details: ContactDetails,
    now: datetime,
    contact_id: str | None = None,
) -> ContactRow:
    row_id = contact_id or new_id()
    return ContactRow(
        id=row_id,
        client_id=client_id,
        created_at=now,
        updated_at=now,
        **codec.seal_details(TABLE, row_id, details),
    )


def _load(session: Session, contact_id: str) -> ContactRow:
    row = session.get(ContactRow, contact_id)
    if row is None:
        raise RecordNotFound(f"There is no contact with id {contact_id}.")
    return row


def list_contacts(vault: Vault, client_id: str) -> list[Contact]:
    with vault.reading() as session:
        rows = session.scalars(select(ContactRow).where(ContactRow.client_id == client_id)).all()
        contacts = [contact_from_row(vault.codec, row) for row in rows]
    return sorted(
        contacts,
        key=lambda contact: (contact.details.role, contact.details.name.casefold()),
    )


def add_contact(vault: Vault, client_id: str, details: ContactDetails) -> Contact:
    check_contact(details)
    with vault.transaction() as session:
        load_client_row(session, client_id)
        row = new_contact_row(vault.codec, client_id, details, vault.now())
        audit.add_recorded(session, vault, row, "contact")
    return Contact(row.id, client_id, details)


def update_contact(vault: Vault, contact_id: str, details: ContactDetails) -> Contact:
    check_contact(details)
    with vault.transaction() as session:
        row = _load(session, contact_id)
        audit.edit_recorded(session, vault, row, details, "contact")
        row.updated_at = vault.now()
        client_id = row.client_id
    return Contact(contact_id, client_id, details)


def remove_contact(vault: Vault, contact_id: str) -> None:
    with vault.transaction() as session:
        audit.delete_recorded(session, vault, _load(session, contact_id), "contact")
