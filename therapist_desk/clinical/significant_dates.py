"""Significant dates in a client's life: a death, an anniversary, a hard day coming.

Grief work in particular needs the therapist to know when such a day is near;
`upcoming` lists the dates that fall within their own reminder window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import SignificantDateRow
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import SignificantDate, SignificantDateDetails
from therapist_desk.errors import RecordNotFound
from therapist_desk.records.validation import Problems, load_client_row
from therapist_desk.vault import Vault, audit

TABLE = SignificantDateRow.__tablename__
MAX_NOTES = 20_000
MAX_REMIND_DAYS = 365


def check_significant_date(details: SignificantDateDetails) -> None:
    problems = Problems()
    problems.require_text("A name for the date", details.label)
    if details.falls_on is None:
        problems.add("The date is required.")
    if not 0 <= details.remind_days_before <= MAX_REMIND_DAYS:
        problems.add(
            f"The reminder comes 0 to {MAX_REMIND_DAYS} days before, "
            f"not {details.remind_days_before}."
        )
    problems.limit("Notes", details.notes, MAX_NOTES)
    problems.raise_if_any("The date cannot be saved")


def significant_date_from_row(codec: RecordCodec, row: SignificantDateRow) -> SignificantDate:
    details, damaged = codec.open_details(row, SignificantDateDetails)
    return SignificantDate(row.id, row.client_id, details, row.created_at, damaged)


def new_significant_date_row(
    codec: RecordCodec,
    client_id: str,
    details: SignificantDateDetails,
    now: datetime,
    date_id: str | None = None,
) -> SignificantDateRow:
    row_id = date_id or new_id()
    return SignificantDateRow(
        id=row_id,
        client_id=client_id,
        created_at=now,
        **codec.seal_details(TABLE, row_id, details),
    )


def _load(session: Session, date_id: str) -> SignificantDateRow:
    row = session.get(SignificantDateRow, date_id)
    if row is None:
        raise RecordNotFound(f"There is no significant date with id {date_id}.")
    return row


def list_significant_dates(vault: Vault, client_id: str) -> list[SignificantDate]:
    """The client's dates in calendar order (by the date itself)."""
    with vault.reading() as session:
        rows = session.scalars(
            select(SignificantDateRow).where(SignificantDateRow.client_id == client_id)
        )
        found = [significant_date_from_row(vault.codec, row) for row in rows]
    return sorted(
        found,
        key=lambda entry: (
            entry.details.falls_on or date.max,
            entry.details.label.casefold(),
            entry.id,
        ),
    )


def add_significant_date(
    vault: Vault, client_id: str, details: SignificantDateDetails
) -> SignificantDate:
    check_significant_date(details)
    now = vault.now()
    with vault.transaction() as session:
        load_client_row(session, client_id)
        row = new_significant_date_row(vault.codec, client_id, details, now)
        audit.add_recorded(session, vault, row, "significant date")
    return SignificantDate(row.id, client_id, details, now)


def update_significant_date(
    vault: Vault, date_id: str, details: SignificantDateDetails
) -> SignificantDate:
    check_significant_date(details)
    with vault.transaction() as session:
        row = _load(session, date_id)
        audit.edit_recorded(session, vault, row, details, "significant date")
        return SignificantDate(date_id, row.client_id, details, row.created_at)


def remove_significant_date(vault: Vault, date_id: str) -> None:
    with vault.transaction() as session:
        audit.delete_recorded(session, vault, _load(session, date_id), "significant date")


# -- reminders ---------------------------------------------------------------------------


def _in_year(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a year that has none is remembered on the 28th
        return day.replace(year=year, day=28)


def next_occurrence(falls_on: date, yearly: bool, today: date) -> date | None:
    """The first day on or after `today` that the date falls on; None once a one-off has passed."""
    if falls_on >= today:
        return falls_on
    if not yearly:
        return None
    this_year = _in_year(falls_on, today.year)
    return this_year if this_year >= today else _in_year(falls_on, today.year + 1)


@dataclass(frozen=True)
class UpcomingDate:
    significant_date: SignificantDate
    occurs_on: date
    #: 0 today, 1 tomorrow.
    days_away: int

    @property
    def years_since(self) -> int | None:
        """For a yearly date, which anniversary this is (1 for the first); else None."""
        details = self.significant_date.details
        if not details.yearly or details.falls_on is None or self.occurs_on <= details.falls_on:
            return None
        return self.occurs_on.year - details.falls_on.year


def upcoming(vault: Vault, today: date) -> list[UpcomingDate]:
    """Every client's dates that fall within their own reminder window, the soonest first."""
    with vault.reading() as session:
        rows = session.scalars(select(SignificantDateRow))
        found = [significant_date_from_row(vault.codec, row) for row in rows]
    coming = []
    for entry in found:
        details = entry.details
        if details.falls_on is None:
            continue
        occurs_on = next_occurrence(details.falls_on, details.yearly, today)
        if occurs_on is None:
            continue
        days_away = (occurs_on - today).days
        if days_away <= details.remind_days_before:
            coming.append(UpcomingDate(entry, occurs_on, days_away))
    return sorted(
        coming,
        key=lambda item: (
            item.days_away,
            item.significant_date.details.label.casefold(),
            item.significant_date.id,
        ),
    )
