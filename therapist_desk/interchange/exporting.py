"""Export of the vault, or of chosen clients, to the interchange format (version 2).

`export_vault` only reads. Once the caller has written the document whole,
`record_export` logs it as a disclosure of each exported client.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session, selectinload

from therapist_desk.db.base import Base
from therapist_desk.db.models import (
    ClientRow,
    ContactRow,
    NoteAddendumRow,
    NoteObjectivesRow,
    ProfessionalRow,
    ProgressNoteRow,
    PsychotherapyNoteRow,
    ReferralRow,
    SessionAttendeeRow,
    SessionSeriesRow,
    TherapySessionRow,
)
from therapist_desk.domain.records import (
    ContactDetails,
    DisclosureDetails,
    NoteObjectivesDetails,
    ReferralDetails,
)
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import RecordNotFound, VaultDamaged
from therapist_desk.interchange.clinical import (
    PARTS,
    REFERENCE_KINDS,
    TREATMENT_PLANS,
    ClinicalPart,
    objective_keys,
)
from therapist_desk.interchange.format import CURRENT_FORMAT, details_to_json, to_json_value
from therapist_desk.records.clients import client_from_row
from therapist_desk.records.fees import default_fee
from therapist_desk.records.practice import get_profile
from therapist_desk.records.progress_notes import note_from_row
from therapist_desk.records.psychotherapy_notes import psychotherapy_note_from_row
from therapist_desk.records.terms import custom_terms
from therapist_desk.records.therapy_sessions import session_from_row
from therapist_desk.sharing.disclosures import DisclosedTo, check_disclosure, new_disclosure_row
from therapist_desk.sharing.professionals import professional_from_row
from therapist_desk.vault import Vault, audit

JsonObject = dict[str, Any]
ByClient = dict[str, list[JsonObject]]
#: The parts of a client in a document: version 1's, then the clinical record's.
_CLIENT_PARTS = (
    "contacts",
    "sessions",
    "referrals",
    "psychotherapy_notes",
    *(part.key for part in PARTS),
)
#: The parts that are one record (or none) rather than a list.
_SINGLE = {part.key for part in PARTS if part.single}
#: (part, reference) for every reference to a professional a client's records carry.
_PROFESSIONAL_REFERENCES = (
    ("referrals", "professional_id"),
    *(
        (part.key, reference)
        for part in PARTS
        for reference in part.references
        if REFERENCE_KINDS[reference] == "professional"
    ),
)


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

    def __init__(
        self, vault: Vault, session: Session, scope: Any, chosen: set[str], damage: _DamageLog
    ) -> None:
        self.codec = vault.codec
        self.session = session
        # A subquery rather than a list of ids where possible: SQLite caps the
        # parameters of one statement.
        self.scope = scope
        self.chosen = chosen
        self.damage = damage
        #: With chosen clients, the keys of their plans' objectives: a joint session's
        #: note keeps only these, as the others belong to another client's plan.
        self.own_objectives: set[str] | None = None

    def _client_records(
        self,
        row_type: type[Base],
        details_type: type[Any],
        columns: tuple[str, ...] = (),
        listed_by: str = "created_at",
    ) -> ByClient:
        """Each client's rows of one table, as JSON: id, plain columns, details, stamps."""
        table: Table = row_type.__table__  # type: ignore[assignment]
        grouped: ByClient = defaultdict(list)
        query = (
            select(row_type)
            .where(table.c.client_id.in_(self.scope))
            .order_by(table.c[listed_by], table.c.id)
        )
        row: Any
        for row in self.session.scalars(query):
            details, damaged = self.codec.open_details(row, details_type)
            self.damage.check(table.name, row.id, damaged)
            grouped[row.client_id].append(
                {
                    "id": row.id,
                    **{name: to_json_value(getattr(row, name)) for name in columns},
                    **details_to_json(details),
                    **_stamps(row),
                }
            )
        return grouped

    def contacts(self) -> ByClient:
        return self._client_records(ContactRow, ContactDetails)

    def referrals(self) -> ByClient:
        return self._client_records(ReferralRow, ReferralDetails, ("professional_id",))

    def clinical(self, part: ClinicalPart) -> ByClient:
        """Each client's records of one part of the clinical record."""
        return self._client_records(
            part.row_type, part.details_type, part.columns + part.references, part.listed_by
        )

    def session_series(self, only: set[str] | None) -> list[JsonObject]:
        query = select(SessionSeriesRow).order_by(SessionSeriesRow.created_at, SessionSeriesRow.id)
        if only is not None:
            query = query.where(SessionSeriesRow.id.in_(only))
        return [
            {
                "id": row.id,
                "interval_weeks": row.interval_weeks,
                "created_at": to_json_value(row.created_at),
            }
            for row in self.session.scalars(query)
        ]

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
        objectives = {
            link.note_id: link
            for link in self.session.scalars(
                select(NoteObjectivesRow).where(NoteObjectivesRow.note_id.in_(note_ids))
            )
        }

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
                "series_id": row.series_id,
                "note": None
                if note_row is None
                else self._note(note_row, addenda[note_row.id], objectives.get(note_row.id)),
                **_stamps(row),
            }
            for attendee in attendees:
                grouped[attendee.client_id].append(session_json)
        return grouped

    def _note(
        self,
        row: ProgressNoteRow,
        addenda: list[NoteAddendumRow],
        objectives_link: NoteObjectivesRow | None,
    ) -> JsonObject:
        note = note_from_row(self.codec, row, addenda)
        self.damage.check("progress_notes", row.id, note.damaged)
        for addendum in note.addenda:
            self.damage.check("note_addenda", addendum.id, addendum.damaged)
        return {
            "id": note.id,
            **details_to_json(note.content),
            "signed_at": to_json_value(note.signed_at),
            "content_hash": note.content_hash,
            "objectives": self._objectives(objectives_link),
            **_stamps(row),
            "addenda": [
                {"id": a.id, "text": a.text, "created_at": to_json_value(a.created_at)}
                for a in note.addenda
            ],
        }

    def _objectives(self, link: NoteObjectivesRow | None) -> list[str]:
        if link is None:
            return []
        opened, damaged = self.codec.open_details(link, NoteObjectivesDetails)
        self.damage.check("note_objectives", link.id, damaged)
        return [
            key
            for key in opened.objective_keys
            if self.own_objectives is None or key in self.own_objectives
        ]

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
    """When the record was made and, for the kinds edited in place, last changed.

    A disclosure has neither: when it happened is written as its `occurred_at`.
    """
    stamps = {}
    if hasattr(row, "created_at"):
        stamps["created_at"] = to_json_value(row.created_at)
    if hasattr(row, "updated_at"):
        stamps["updated_at"] = to_json_value(row.updated_at)
    return stamps


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
    when only some clients are exported, its attendee list names only them, and
    its note names only their plans' objectives, so an export for one client
    never names another. Psychotherapy notes are left out unless asked for.
    """
    with vault.reading() as session:
        damage = _DamageLog()
        clients = _clients(vault, session, client_ids, damage)
        chosen = {client["id"] for client in clients}
        whole_vault = client_ids is None
        scope: Any = select(ClientRow.id) if whole_vault else sorted(chosen)
        exporter = _Exporter(vault, session, scope, chosen, damage)
        plans = exporter.clinical(TREATMENT_PLANS)
        if not whole_vault:
            # Before the sessions: their notes keep only these plans' objectives.
            exporter.own_objectives = {
                key for each in plans.values() for plan in each for key in objective_keys(plan)
            }
        children = {
            "contacts": exporter.contacts(),
            TREATMENT_PLANS.key: plans,
            "sessions": exporter.sessions(),
            "referrals": exporter.referrals(),
        }
        for part in PARTS:
            if part is not TREATMENT_PLANS:
                children[part.key] = exporter.clinical(part)
        if include_psychotherapy_notes:
            children["psychotherapy_notes"] = exporter.psychotherapy_notes()
        referenced = {
            record[reference]
            for key, reference in _PROFESSIONAL_REFERENCES
            for records in children[key].values()
            for record in records
            if record[reference] is not None
        }
        professionals = exporter.professionals(None if whole_vault else referenced)
        series = exporter.session_series(
            None
            if whole_vault
            else {
                each["series_id"]
                for sessions in children["sessions"].values()
                for each in sessions
                if each["series_id"] is not None
            }
        )
    damage.raise_if_any()
    for client in clients:
        # Version 1's parts first, then the clinical record.
        for key in _CLIENT_PARTS:
            if key in children:
                records = children[key].get(client["id"], [])
                client[key] = (records[0] if records else None) if key in _SINGLE else records
    document: JsonObject = {"format": CURRENT_FORMAT, "exported_at": to_json_value(vault.now())}
    if whole_vault:
        document["practice"] = details_to_json(get_profile(vault))
        document["settings"] = {"default_fee": to_json_value(default_fee(vault))}
        document["vocabulary"] = [details_to_json(term) for term in custom_terms(vault)]
    document["professionals"] = professionals
    document["session_series"] = series
    document["clients"] = clients
    return document


#: What an export is called in the disclosure log, and how it left.
EXPORT_WHAT = "export"
EXPORT_HOW = "exported"


def record_export(
    vault: Vault,
    document: JsonObject,
    recipient: str,
    *,
    client_ids: Collection[str] | None,
    include_psychotherapy_notes: bool,
) -> None:
    """Log a written export: a disclosure of each client in it, and the audit entry.

    Call it only once the document has been written whole; an export that
    failed disclosed nothing. Its `sections` are the parts of the client's
    record that went out (`psychotherapy_notes` among them only when they
    did). The audit entry says what left and where to, never what it said:
    one for the whole vault, or one per client asked for.
    """
    disclosed = [
        (
            client["id"],
            DisclosureDetails(
                what=EXPORT_WHAT,
                recipient=recipient,
                how=EXPORT_HOW,
                sections=tuple(key for key in _CLIENT_PARTS if key in client),
            ),
        )
        for client in document["clients"]
    ]
    for _client_id, details in disclosed:
        check_disclosure(details)
    what = "whole vault" if client_ids is None else f"{len(client_ids)} client(s)"
    if include_psychotherapy_notes:
        what += " with psychotherapy notes"
    now = vault.now()
    # One transaction: the log and the audit trail say the same, or nothing.
    with vault.transaction() as session:
        for client_id, details in disclosed:
            session.add(new_disclosure_row(vault.codec, client_id, details, now, DisclosedTo()))
        for client_id in client_ids or [""]:
            audit.record(
                session,
                vault,
                AuditKind.DISCLOSURE,
                client_id=client_id,
                detail=f"export of {what} to {recipient}",
            )
