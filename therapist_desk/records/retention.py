"""How long records are kept, and deleting a client for good when the time has come.

Records are kept at least seven years after the last service (a setting), and
for a client who was a minor, at least until three years after they came of
age, whichever is later. Nothing is ever deleted by the program on its own:
this module only lists what may be reviewed, and deletes on an explicit,
specific request.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError

from therapist_desk.db.engine import execute_outside_transaction
from therapist_desk.db.models import SessionAttendeeRow, TherapySessionRow
from therapist_desk.domain.records import Client
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import InvalidInput
from therapist_desk.records import clients
from therapist_desk.vault import Vault, audit
from therapist_desk.vault import settings as vault_settings

AGE_OF_MAJORITY = 18
YEARS_AFTER_MAJORITY = 3


def _years_later(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a common year.

    The later of the two possible days, so a record is never due a day early.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return date(day.year + years, 3, 1)


@dataclass(frozen=True)
class Retention:
    client: Client
    last_service: date
    keep_until: date
    #: Why that date: the rule that gave the later one.
    reason: str


def keep_until(client: Client, last_service: date, years: int) -> tuple[date, str]:
    until = _years_later(last_service, years)
    reason = f"{years} years after the last service"
    born = client.details.date_of_birth
    if born is not None:
        came_of_age = _years_later(born, AGE_OF_MAJORITY)
        if last_service < came_of_age:
            minor_until = _years_later(came_of_age, YEARS_AFTER_MAJORITY)
            if minor_until > until:
                until = minor_until
                reason = f"{YEARS_AFTER_MAJORITY} years after coming of age"
    return until, reason


def last_sessions(vault: Vault, *, booked: bool = False) -> dict[str, date]:
    """Each client's latest session that has taken place, as a local date.

    With `booked`, each client's latest session still to come instead.
    """
    now = vault.now()
    when = TherapySessionRow.starts_at > now if booked else TherapySessionRow.starts_at <= now
    with vault.reading() as session:
        rows = session.execute(
            select(SessionAttendeeRow.client_id, func.max(TherapySessionRow.starts_at))
            .join(TherapySessionRow, TherapySessionRow.id == SessionAttendeeRow.session_id)
            .where(when)
            .group_by(SessionAttendeeRow.client_id)
        ).all()
    return {client_id: starts_at.astimezone().date() for client_id, starts_at in rows}


def retention_review(vault: Vault, today: date | None = None) -> list[Retention]:
    """Every client with their keep-until date, the longest overdue first."""
    today = today or vault.now().astimezone().date()
    years = vault_settings.retention_years(vault)
    latest = last_sessions(vault)
    booked = last_sessions(vault, booked=True)
    review = []
    for client in clients.list_clients(vault):
        details = client.details
        last = latest.get(client.id) or details.discharge_date or client.updated_at.date()
        until, reason = keep_until(client, last, years)
        if client.id in booked:
            # Someone booked to come back is a client again, however old their last visit.
            booked_until, _ = keep_until(client, booked[client.id], years)
            if booked_until > until:
                until, reason = booked_until, f"a session is booked for {booked[client.id]}"
        review.append(Retention(client, last, until, reason))
    return sorted(review, key=lambda item: item.keep_until)


def past_retention(vault: Vault, today: date | None = None) -> list[Retention]:
    today = today or vault.now().astimezone().date()
    return [item for item in retention_review(vault, today) if item.keep_until < today]


@dataclass(frozen=True)
class ClientDeleted:
    """What deleting a client did: how many sessions of their own went with them, and
    whether the vault could be compacted afterwards (why not, if it could not)."""

    sessions_removed: int
    compaction_problem: str = ""


def delete_client(vault: Vault, client_id: str, confirmation: str) -> ClientDeleted:
    """Delete a client and everything that is only theirs, in one transaction.

    `confirmation` must be the client's full legal name, typed: a specific act,
    not a click. Joint sessions stay for the other attendees; this client is
    taken off them. Afterwards the vault is compacted so the deleted ciphertext
    is gone from the file and its write-ahead log. Should compacting fail (a
    full disk, say), the deletion stands, and the result says why; the values
    were overwritten when deleted (secure_delete), and the log is folded back
    and emptied when the vault is locked.
    """
    client = clients.get_client(vault, client_id)
    if confirmation.strip() != client.details.legal_name.strip():
        raise InvalidInput(
            "To delete this client, type their full legal name exactly as it is recorded."
        )
    with vault.transaction() as session:
        theirs = select(SessionAttendeeRow.session_id).where(
            SessionAttendeeRow.client_id == client_id
        )
        shared = select(SessionAttendeeRow.session_id).where(
            SessionAttendeeRow.session_id.in_(theirs), SessionAttendeeRow.client_id != client_id
        )
        only_theirs = list(
            session.scalars(
                select(TherapySessionRow.id).where(
                    TherapySessionRow.id.in_(theirs), TherapySessionRow.id.not_in(shared)
                )
            )
        )
        for start in range(0, len(only_theirs), 10_000):
            chunk = only_theirs[start : start + 10_000]
            session.execute(delete(TherapySessionRow).where(TherapySessionRow.id.in_(chunk)))
        session.delete(clients.load_client_row(session, client_id))
        audit.record(
            session,
            vault,
            AuditKind.DELETE,
            client_id=client_id,
            record_id=client_id,
            detail=f"client, with {len(only_theirs)} sessions of their own",
        )
    try:
        purge(vault)
    except (SQLAlchemyError, sqlite3.Error, OSError) as error:
        return ClientDeleted(len(only_theirs), f"{type(error).__name__}: {error}")
    return ClientDeleted(len(only_theirs))


def purge(vault: Vault) -> None:
    """Rewrite the file without free pages and empty the log: deleted values leave no trace."""
    with vault.engine.connect() as connection:
        execute_outside_transaction(connection, "PRAGMA wal_checkpoint(TRUNCATE)")
        execute_outside_transaction(connection, "VACUUM")
        execute_outside_transaction(connection, "PRAGMA wal_checkpoint(TRUNCATE)")
