"""Export of the vault, or of chosen clients, to the interchange format."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from therapist_desk.clients import client_from_row
from therapist_desk.contacts import contact_from_row
from therapist_desk.db.models import (
    ClientRow,
    ContactRow,
    NoteAddendumRow,
    ProfessionalRow,
    ProgressNoteRow,
    PsychotherapyNoteRow,
    ReferralRow,
    SessionAttendeeRow,
    TherapySessionRow,
)
from therapist_desk.errors import RecordNotFound, VaultDamaged
from therapist_desk.interchange_format import FORMAT_V1, details_to_json, to_json_value
from therapist_desk.practice import get_profile
from therapist_desk.professionals import professional_from_row
from therapist_desk.progress_notes import note_from_row
from therapist_desk.psychotherapy_notes import psychotherapy_note_from_row
from therapist_desk.referrals import referral_from_row
from therapist_desk.terms import custom_terms
from therapist_desk.therapy_sessions import session_from_row
from therapist_desk.vault import Vault

JsonObject = dict[str, Any]
ByClient = dict[str, list[JsonObject]]


class _DamageLog:
    """Refuses to export a record that cannot be read, rather than exporting a blank."""

    def __init__(self) -> None:
        self.places: list[str] = []

    def check(self, table: str, row_id: str, damaged: Collection[str]) -> None:
        self.places.extend(f"{table}.{column} of row {row_id}" for column in damaged)

    def raise_if_any(self) -> None:
        if self.places:
            listed = "; ".join(self.places[:5]) + ("; …" if len(self.places) > 5 else "")
            raise VaultDamaged(
                f"{len(self.places)} stored values cannot be read ({listed}), so the export "
                "was not written. `therapist-desk verify` lists them all"
            )


class _Exporter:
    """Reads one client scope in one session; `scope` is usable in an SQL IN clause."""

    def __init__(self, vault: Vault, session: Session, scope: Any, chosen: set[str]) -> None:
        self.codec = vault.codec
        self.session = session
        # A subquery rather than a list of ids where possible: SQLite caps the
        # parameters of one statement.
        self.scope = scope
        self.chosen = chosen
        self.damage = _DamageLog()

    def contacts(self) -> ByClient:
        grouped: ByClient = defaultdict(list)
        query = (
            select(ContactRow)
            .where(ContactRow.client_id.in_(self.scope))
            .order_by(ContactRow.created_at, ContactRow.id)
        )
        for row in self.session.scalars(query):
            contact = contact_from_row(self.codec, row)
            self.damage.check("contacts", row.id, contact.damaged)
            grouped[row.client_id].append(
                {"id": row.id, **details_to_json(contact.details), **_stamps(row)}
            )
        return grouped

    def referrals(self) -> ByClient:
        grouped: ByClient = defaultdict(list)
        query = (
            select(ReferralRow)
            .where(ReferralRow.client_id.in_(self.scope))
            .order_by(ReferralRow.created_at, ReferralRow.id)
        )
        for row in self.session.scalars(query):
            referral = referral_from_row(self.codec, row)
            self.damage.check("referrals", row.id, referral.damaged)
            grouped[row.client_id].append(
                {
                    "id": row.id,
                    "professional_id": row.professional_id,
                    **details_to_json(referral.details),
                    **_stamps(row),
                }
            )
        return grouped

    def psychotherapy_notes(self) -> ByClient:
        grouped: ByClient = defaultdict(list)
        query = (
            select(PsychotherapyNoteRow)
            .where(PsychotherapyNoteRow.client_id.in_(self.scope))
            .order_by(PsychotherapyNoteRow.created_at, PsychotherapyNoteRow.id)
        )
        for row in self.session.scalars(query):
            note = psychotherapy_note_from_row(self.codec, row)
            self.damage.check("psychotherapy_notes", row.id, note.damaged)
            grouped[row.client_id].append(
                {"id": row.id, "session_id": row.session_id, "text": note.text, **_stamps(row)}
            )
        return grouped

    def sessions(self) -> ByClient:
        """Each session under every exported attendee; attendees outside the scope are left out."""
        attended = select(SessionAttendeeRow.session_id).where(
            SessionAttendeeRow.client_id.in_(self.scope)
        )
        rows = self.session.scalars(
            select(TherapySessionRow)
            .where(TherapySessionRow.id.in_(attended))
            .options(selectinload(TherapySessionRow.attendees))
            .order_by(TherapySessionRow.starts_at, TherapySessionRow.id)
        ).all()
        notes = {
            note.session_id: note
            for note in self.session.scalars(
                select(ProgressNoteRow).where(ProgressNoteRow.session_id.in_(attended))
            )
        }
        addenda: dict[str, list[NoteAddendumRow]] = defaultdict(list)
        note_ids = select(ProgressNoteRow.id).where(ProgressNoteRow.session_id.in_(attended))
        for addendum_row in self.session.scalars(
            select(NoteAddendumRow)
            .where(NoteAddendumRow.note_id.in_(note_ids))
            .order_by(NoteAddendumRow.created_at, NoteAddendumRow.id)
        ):
            addenda[addendum_row.note_id].append(addendum_row)

        grouped: ByClient = defaultdict(list)
        for row in rows:
            therapy_session = session_from_row(self.codec, row)
            self.damage.check("therapy_sessions", row.id, therapy_session.damaged)
            attendees = [a for a in therapy_session.attendees if a.client_id in self.chosen]
            for attendee in attendees:
                self.damage.check("session_attendees", attendee.id, attendee.damaged)
            note_row = notes.get(row.id)
            session_json: JsonObject = {
                "id": row.id,
                "starts_at": to_json_value(row.starts_at),
                "duration_minutes": row.duration_minutes,
                **details_to_json(therapy_session.details),
                "attendees": [
                    {
                        "id": attendee.id,
                        "client_id": attendee.client_id,
                        "attendance": to_json_value(attendee.attendance),
                    }
                    for attendee in attendees
                ],
                "note": None if note_row is None else self._note(note_row, addenda[note_row.id]),
                **_stamps(row),
            }
            for attendee in attendees:
                grouped[attendee.client_id].append(session_json)
        return grouped

    def _note(self, row: ProgressNoteRow, addenda: list[NoteAddendumRow]) -> JsonObject:
        note = note_from_row(self.codec, row, addenda)
        self.damage.check("progress_notes", row.id, note.damaged)
        for addendum in note.addenda:
            self.damage.check("note_addenda", addendum.id, addendum.damaged)
        return {
            "id": note.id,
            **details_to_json(note.content),
            "signed_at": to_json_value(note.signed_at),
            "content_hash": note.content_hash,
            **_stamps(row),
            "addenda": [
                {"id": a.id, "text": a.text, "created_at": to_json_value(a.created_at)}
                for a in note.addenda
            ],
        }

    def professionals(self, only: set[str] | None) -> list[JsonObject]:
        query = select(ProfessionalRow).order_by(ProfessionalRow.created_at, ProfessionalRow.id)
        if only is not None:
            query = query.where(ProfessionalRow.id.in_(only))
        result = []
        for row in self.session.scalars(query):
            professional = professional_from_row(self.codec, row)
            self.damage.check("professionals", row.id, professional.damaged)
            result.append({"id": row.id, **details_to_json(professional.details), **_stamps(row)})
        return result


def _stamps(row: Any) -> JsonObject:
    return {
        "created_at": to_json_value(row.created_at),
        "updated_at": to_json_value(row.updated_at),
    }


def _clients(
    vault: Vault, session: Session, client_ids: Collection[str] | None, damage: _DamageLog
) -> list[JsonObject]:
    query = select(ClientRow)
    if client_ids is not None:
        query = query.where(ClientRow.id.in_(client_ids))
    rows = session.scalars(query).all()
    if client_ids is not None:
        missing = set(client_ids) - {row.id for row in rows}
        if missing:
            raise RecordNotFound(f"There is no client with id {', '.join(sorted(missing))}.")
    clients = []
    for row in sorted(rows, key=lambda row: (row.created_at, row.id)):
        client = client_from_row(vault.codec, row)
        damage.check("clients", row.id, client.damaged)
        clients.append({"id": row.id, **details_to_json(client.details), **_stamps(row)})
    return clients


def export_vault(
    vault: Vault,
    client_ids: Collection[str] | None = None,
    *,
    include_psychotherapy_notes: bool = False,
) -> JsonObject:
    """The vault (or the clients named) as one interchange document.

    A joint session is written under each attending client that is exported;
    when only some clients are exported, its attendee list names only them, so
    an export for one client never names another. Psychotherapy notes are left
    out unless asked for.
    """
    with vault.reading() as session:
        client_damage = _DamageLog()
        clients = _clients(vault, session, client_ids, client_damage)
        chosen = {client["id"] for client in clients}
        scope: Any = select(ClientRow.id) if client_ids is None else sorted(chosen)
        exporter = _Exporter(vault, session, scope, chosen)
        exporter.damage.places.extend(client_damage.places)
        children = {
            "contacts": exporter.contacts(),
            "sessions": exporter.sessions(),
            "referrals": exporter.referrals(),
        }
        if include_psychotherapy_notes:
            children["psychotherapy_notes"] = exporter.psychotherapy_notes()
        referenced = {
            referral["professional_id"]
            for referrals in children["referrals"].values()
            for referral in referrals
        }
        professionals = exporter.professionals(None if client_ids is None else referenced)
    exporter.damage.raise_if_any()
    for client in clients:
        for key, grouped in children.items():
            client[key] = grouped.get(client["id"], [])
    document: JsonObject = {"format": FORMAT_V1, "exported_at": to_json_value(vault.now())}
    if client_ids is None:
        document["practice"] = details_to_json(get_profile(vault))
        document["vocabulary"] = [details_to_json(term) for term in custom_terms(vault)]
    document["professionals"] = professionals
    document["clients"] = clients
    return document
