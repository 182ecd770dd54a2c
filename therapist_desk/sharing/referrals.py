"""Referrals of a client to a professional, and their progress."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import ReferralRow
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import Referral, ReferralDetails
from therapist_desk.domain.vocabulary import ReferralStatus
from therapist_desk.errors import RecordNotFound
from therapist_desk.records.clients import load_client_row
from therapist_desk.records.progress_notes import MAX_SECTION_LENGTH
from therapist_desk.records.validation import Problems
from therapist_desk.sharing.professionals import load_professional_row
from therapist_desk.vault import Vault, audit

TABLE = ReferralRow.__tablename__


def check_referral(details: ReferralDetails) -> None:
    problems = Problems()
    problems.require_text("The reason for referral", details.reason, MAX_SECTION_LENGTH)
    problems.limit("The letter", details.letter_text, MAX_SECTION_LENGTH)
    problems.date_order("the referral date", details.referred_on, "The date sent", details.sent_on)
    problems.date_order(
        "the date sent",
        details.sent_on,
        "The acknowledgement date",
        details.acknowledged_on,
    )
    problems.date_order(
        "the referral date", details.referred_on, "The closing date", details.closed_on
    )
    problems.date_order(
        "the referral date",
        details.referred_on,
        "The follow-up date",
        details.follow_up_on,
    )
    problems.raise_if_any("The referral cannot be saved")


def referral_from_row(codec: RecordCodec, row: ReferralRow) -> Referral:
    details, damaged = codec.open_details(row, ReferralDetails)
    return Referral(
        row.id,
        row.client_id,
        row.professional_id,
        details,
        row.created_at,
        row.updated_at,
        damaged,
    )


def new_referral_row(
    codec: RecordCodec,
    client_id: str,
    professional_id: str,
    details: ReferralDetails,
    now: datetime,
    referral_id: str | None = None,
) -> ReferralRow:
    row_id = referral_id or new_id()
    return ReferralRow(
        id=row_id,
        client_id=client_id,
        professional_id=professional_id,
        created_at=now,
        updated_at=now,
        **codec.seal_details(TABLE, row_id, details),
    )


def _load(session: Session, referral_id: str) -> ReferralRow:
    row = session.get(ReferralRow, referral_id)
    if row is None:
        raise RecordNotFound(f"There is no referral with id {referral_id}.")
    return row


def get_referral(vault: Vault, referral_id: str) -> Referral:
    with vault.reading() as session:
        return referral_in(session, vault, referral_id)


def referral_in(session: Session, vault: Vault, referral_id: str) -> Referral:
    """The referral as the caller's session sees it (inside its transaction)."""
    return referral_from_row(vault.codec, _load(session, referral_id))


def referrals_for_client(vault: Vault, client_id: str) -> list[Referral]:
    with vault.reading() as session:
        rows = session.scalars(
            select(ReferralRow)
            .where(ReferralRow.client_id == client_id)
            .order_by(ReferralRow.created_at.desc())
        ).all()
        return [referral_from_row(vault.codec, row) for row in rows]


def all_referrals(vault: Vault) -> list[Referral]:
    """Every referral of every client, in one query (the practice-wide Referrals place)."""
    with vault.reading() as session:
        rows = session.scalars(select(ReferralRow).order_by(ReferralRow.created_at.desc())).all()
        return [referral_from_row(vault.codec, row) for row in rows]


def create_referral(
    vault: Vault, client_id: str, professional_id: str, details: ReferralDetails
) -> Referral:
    check_referral(details)
    now = vault.now()
    with vault.transaction() as session:
        load_client_row(session, client_id)
        load_professional_row(session, professional_id)
        row = new_referral_row(vault.codec, client_id, professional_id, details, now)
        audit.add_recorded(session, vault, row, "referral")
    return Referral(row.id, client_id, professional_id, details, now, now)


def update_referral(
    vault: Vault, referral_id: str, professional_id: str, details: ReferralDetails
) -> Referral:
    with vault.transaction() as session:
        return put_referral(session, vault, referral_id, professional_id, details)


def put_referral(
    session: Session,
    vault: Vault,
    referral_id: str,
    professional_id: str,
    details: ReferralDetails,
) -> Referral:
    """Change a referral, with its audit entry, in the caller's transaction."""
    check_referral(details)
    row = _load(session, referral_id)
    load_professional_row(session, professional_id)
    row.professional_id = professional_id
    audit.edit_recorded(session, vault, row, details, "referral")
    row.updated_at = vault.now()
    return referral_from_row(vault.codec, row)


def referrals_to(vault: Vault, professional_id: str) -> list[Referral]:
    """Every referral to one professional of the directory (their name is on each)."""
    with vault.reading() as session:
        rows = session.scalars(
            select(ReferralRow).where(ReferralRow.professional_id == professional_id)
        ).all()
        return [referral_from_row(vault.codec, row) for row in rows]


def follow_ups_due(vault: Vault, today: date) -> list[Referral]:
    """Sent referrals whose follow-up date has passed without a reply."""
    with vault.reading() as session:
        rows = session.scalars(select(ReferralRow)).all()
        referrals = [referral_from_row(vault.codec, row) for row in rows]
    return sorted(
        (
            referral
            for referral in referrals
            if referral.details.follow_up_on is not None
            and referral.details.follow_up_on < today
            and referral.details.status is ReferralStatus.SENT
        ),
        key=lambda referral: referral.details.follow_up_on or today,
    )
