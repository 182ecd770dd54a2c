"""The disclosure log: each time a client's information left the vault, to whom and how.

Every print, PDF and export of client information is recorded here, on the
client, and as a DISCLOSURE entry of the audit trail in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import (
    DisclosureRow,
    ProfessionalRow,
    ReferralRow,
    SharingConsentRow,
)
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import Disclosure, DisclosureDetails
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import RecordNotFound
from therapist_desk.records.validation import MAX_SHORT_TEXT, Problems, load_client_row
from therapist_desk.vault import Vault, audit

#: A printed letter or summary runs to a few pages; this is far beyond any of them.
MAX_CONTENT_LENGTH = 500_000

TABLE = DisclosureRow.__tablename__


@dataclass(frozen=True)
class DisclosedTo:
    """Where a disclosure went, when it went to a professional of the directory."""

    professional_id: str | None = None
    referral_id: str | None = None
    consent_id: str | None = None


def check_disclosure(details: DisclosureDetails) -> None:
    problems = Problems()
    problems.require_text("What was disclosed", details.what)
    problems.require_text("How it was disclosed", details.how)
    problems.limit("The recipient", details.recipient)
    problems.limit(
        "The reason for going without consent", details.without_consent_reason, MAX_SHORT_TEXT
    )
    problems.limit("The text that was sent", details.content, MAX_CONTENT_LENGTH)
    problems.raise_if_any("The disclosure cannot be recorded")


def disclosure_from_row(codec: RecordCodec, row: DisclosureRow) -> Disclosure:
    details, damaged = codec.open_details(row, DisclosureDetails)
    return Disclosure(
        row.id,
        row.client_id,
        row.occurred_at,
        row.professional_id,
        row.referral_id,
        row.consent_id,
        details,
        damaged,
    )


def new_disclosure_row(
    codec: RecordCodec,
    client_id: str,
    details: DisclosureDetails,
    occurred_at: datetime,
    to: DisclosedTo,
    disclosure_id: str | None = None,
) -> DisclosureRow:
    row_id = disclosure_id or new_id()
    return DisclosureRow(
        id=row_id,
        client_id=client_id,
        occurred_at=occurred_at,
        professional_id=to.professional_id,
        referral_id=to.referral_id,
        consent_id=to.consent_id,
        **codec.seal_details(TABLE, row_id, details),
    )


class Delivery(StrEnum):
    """How a printed document left the vault."""

    PRINTED = "printed"
    SAVED_AS_PDF = "saved as PDF"


@dataclass(frozen=True)
class DocumentSent:
    """A document printed, or saved as a PDF under `file_name`: what the log says of how."""

    delivery: Delivery
    file_name: str = ""

    @property
    def how(self) -> str:
        """ "printed", or "saved as PDF: letter.pdf"."""
        if self.delivery is Delivery.SAVED_AS_PDF and self.file_name:
            return f"{self.delivery.value}: {self.file_name}"
        return self.delivery.value


def add_disclosure(
    session: Session,
    vault: Vault,
    client_id: str,
    details: DisclosureDetails,
    to: DisclosedTo | None = None,
    *,
    audit_record_id: str | None = None,
    audit_detail: str | None = None,
) -> Disclosure:
    """Log one disclosure on the client, with its audit entry, in the caller's transaction."""
    check_disclosure(details)
    to = to or DisclosedTo()
    now = vault.now()
    load_client_row(session, client_id)
    for model, row_id, kind in (
        (ProfessionalRow, to.professional_id, "professional"),
        (ReferralRow, to.referral_id, "referral"),
        (SharingConsentRow, to.consent_id, "consent"),
    ):
        if row_id is not None and session.get(model, row_id) is None:
            raise RecordNotFound(f"There is no {kind} with id {row_id}.")
    row = new_disclosure_row(vault.codec, client_id, details, now, to)
    session.add(row)
    audit.record(
        session,
        vault,
        AuditKind.DISCLOSURE,
        client_id=client_id,
        record_id=audit_record_id or to.referral_id or row.id,
        detail=audit_detail
        or f"{details.what}, {details.how}"
        + (", without recorded consent" if details.without_consent_reason else ""),
    )
    return Disclosure(
        row.id, client_id, now, to.professional_id, to.referral_id, to.consent_id, details
    )


def record_disclosure(
    vault: Vault,
    client_id: str,
    details: DisclosureDetails,
    to: DisclosedTo | None = None,
    *,
    audit_record_id: str | None = None,
    audit_detail: str | None = None,
) -> Disclosure:
    """Log one disclosure on the client, and in the audit trail (without its content).

    `audit_record_id` and `audit_detail` name the audit entry when the record that
    left (a safety plan, a statement) is not a referral.
    """
    with vault.transaction() as session:
        return add_disclosure(
            session,
            vault,
            client_id,
            details,
            to,
            audit_record_id=audit_record_id,
            audit_detail=audit_detail,
        )


def record_document_sent(
    vault: Vault,
    client_id: str,
    what: str,
    sent: DocumentSent,
    *,
    record_id: str,
    recipient: str = "the client",
) -> Disclosure:
    """A document made for the client (the safety plan, a statement) was printed or saved.

    `what` names it ("safety plan"); the audit entry names `record_id`.
    """
    return record_disclosure(
        vault,
        client_id,
        DisclosureDetails(what=what, recipient=recipient, how=sent.how),
        audit_record_id=record_id,
    )


def disclosures_for_client(vault: Vault, client_id: str) -> list[Disclosure]:
    """Newest first."""
    with vault.reading() as session:
        rows = session.scalars(
            select(DisclosureRow)
            .where(DisclosureRow.client_id == client_id)
            .order_by(DisclosureRow.occurred_at.desc())
        ).all()
        return [disclosure_from_row(vault.codec, row) for row in rows]
