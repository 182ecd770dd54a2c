"""Clients: the people the therapist sees."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select

from therapist_desk.db.column_types import SEALED, new_id
from therapist_desk.db.models import ClientRow
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import Client, ClientDetails
from therapist_desk.domain.vocabulary import AuditKind, ClientStatus
from therapist_desk.records.validation import Problems
from therapist_desk.records.validation import load_client_row as load_client_row
from therapist_desk.vault import Vault, audit

TABLE = ClientRow.__tablename__


def check_client(details: ClientDetails, today: date) -> None:
    problems = Problems()
    problems.require_text("Legal name", details.legal_name)
    for label, value in (
        ("Preferred name", details.preferred_name),
        ("Pronouns", details.pronouns),
        ("Name in letters", details.name_in_letters),
        ("Phone", details.phone),
        ("Email", details.email),
        ("Referral source", details.referral_source),
    ):
        problems.limit(label, value)
    if details.date_of_birth is not None and details.date_of_birth > today:
        problems.add("Date of birth is in the future.")
    problems.date_order(
        "the intake date",
        details.intake_date,
        "The discharge date",
        details.discharge_date,
    )
    if details.status is ClientStatus.DISCHARGED and details.discharge_date is None:
        problems.add("A discharged client needs a discharge date.")
    problems.raise_if_any("The client cannot be saved")


def client_from_row(codec: RecordCodec, row: ClientRow) -> Client:
    details, damaged = codec.open_details(row, ClientDetails)
    return Client(row.id, details, row.created_at, row.updated_at, damaged)


def new_client_row(
    codec: RecordCodec,
    details: ClientDetails,
    now: datetime,
    client_id: str | None = None,
) -> ClientRow:
    row_id = client_id or new_id()
    return ClientRow(
        id=row_id,
        created_at=now,
        updated_at=now,
        **codec.seal_details(TABLE, row_id, details),
    )


_SEALED = [column.name for column in ClientRow.__table__.columns if column.info.get(SEALED)]


def list_clients(vault: Vault) -> list[Client]:
    """Every client, sorted by the name the therapist uses for them.

    Read as plain rows rather than ORM objects: this runs at every unlock.
    """
    clients = []
    with vault.reading() as session:
        for row in session.execute(select(ClientRow.__table__)):
            blobs = {name: getattr(row, name) for name in _SEALED}
            details, damaged = vault.codec.open_mapping(TABLE, row.id, blobs, ClientDetails)
            clients.append(Client(row.id, details, row.created_at, row.updated_at, damaged))
    return sorted(clients, key=lambda client: client.details.display_name.casefold())


def get_client(vault: Vault, client_id: str) -> Client:
    with vault.reading() as session:
        return client_from_row(vault.codec, load_client_row(session, client_id))


def create_client(vault: Vault, details: ClientDetails) -> Client:
    now = vault.now()
    check_client(details, now.astimezone().date())
    with vault.transaction() as session:
        row = new_client_row(vault.codec, details, now)
        session.add(row)
        audit.record(
            session, vault, AuditKind.CREATE, client_id=row.id, record_id=row.id, detail="client"
        )
    return Client(row.id, details, now, now)


def update_client(vault: Vault, client_id: str, details: ClientDetails) -> Client:
    now = vault.now()
    check_client(details, now.astimezone().date())
    with vault.transaction() as session:
        row = load_client_row(session, client_id)
        for column, blob in vault.codec.seal_details(TABLE, client_id, details).items():
            setattr(row, column, blob)
        row.updated_at = now
        created_at = row.created_at
        audit.record(
            session,
            vault,
            AuditKind.EDIT,
            client_id=client_id,
            record_id=client_id,
            detail="client",
        )
    return Client(client_id, details, created_at, now)


def discharge_client(vault: Vault, client_id: str, on: date) -> Client:
    current = get_client(vault, client_id)
    return update_client(
        vault,
        client_id,
        replace(current.details, status=ClientStatus.DISCHARGED, discharge_date=on),
    )


def reactivate_client(vault: Vault, client_id: str) -> Client:
    current = get_client(vault, client_id)
    return update_client(
        vault,
        client_id,
        replace(current.details, status=ClientStatus.ACTIVE, discharge_date=None),
    )
