"""Import of an interchange document (version 1 or 2): all of it, or nothing.

Every problem is found before anything is written: first the JSON Schema of
the document's version, then the rules a schema cannot say (ids unique and
new, references that resolve, a signed note whose content still matches its
hash, and each record passing its service's own checks). Each problem names
its place as a JSON path, such as ``$.clients[2].sessions[0].note``.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from jsonschema.exceptions import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk.clinical.treatment_plans import new_note_objectives_row
from therapist_desk.db.base import Base
from therapist_desk.db.bulk import add_in_dependency_order
from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import (
    ClientRow,
    ContactRow,
    NoteAddendumRow,
    PracticeProfileRow,
    ProfessionalRow,
    ProgressNoteRow,
    PsychotherapyNoteRow,
    ReferralRow,
    SessionAttendeeRow,
    SessionSeriesRow,
    SharingConsentRow,
    TherapySessionRow,
    TreatmentPlanRow,
    VocabularyTermRow,
)
from therapist_desk.domain.records import (
    ClientDetails,
    ContactDetails,
    NoteContent,
    PracticeProfile,
    ProfessionalDetails,
    ReferralDetails,
    SessionDetails,
    TreatmentPlanDetails,
    VocabularyTermDetails,
)
from therapist_desk.domain.signatures import note_content_hash
from therapist_desk.domain.vocabulary import DEFAULT_TERMS, Attendance, AuditKind, SessionKind
from therapist_desk.domain.wall_clock import local_date
from therapist_desk.errors import InvalidInput
from therapist_desk.interchange.clinical import (
    PARTS,
    REFERENCE_KINDS,
    TREATMENT_PLANS,
    ClinicalPart,
    clinical_records,
    objective_keys,
    plan_keys,
)
from therapist_desk.interchange.format import (
    CURRENT_FORMAT,
    SCHEMA_RESOURCES,
    details_from_json,
    details_to_json,
    parse_timestamp,
    plain_message,
    validator,
)
from therapist_desk.records.clients import check_client, new_client_row
from therapist_desk.records.contacts import check_contact, new_contact_row
from therapist_desk.records.fees import DEFAULT_FEE_SETTING, default_fee
from therapist_desk.records.practice import TABLE as PRACTICE_TABLE
from therapist_desk.records.practice import check_profile
from therapist_desk.records.progress_notes import (
    check_note_content,
    new_addendum_row,
    new_note_row,
)
from therapist_desk.records.psychotherapy_notes import new_psychotherapy_note_row
from therapist_desk.records.terms import TABLE as TERMS_TABLE
from therapist_desk.records.therapy_sessions import ATTENDEE_LIMITS, new_session_rows
from therapist_desk.sharing.professionals import check_professional, new_professional_row
from therapist_desk.sharing.referrals import check_referral, new_referral_row
from therapist_desk.vault import Vault, audit
from therapist_desk.vault.settings import put_setting

JsonObject = dict[str, Any]
T = TypeVar("T")
_MAX_LISTED = 200  # problems shown in one message; the rest are counted


@dataclass
class ImportSummary:
    counts: Counter[str] = field(default_factory=Counter)
    remarks: list[str] = field(default_factory=list)

    def describe(self) -> str:
        order = (
            "clients",
            "contacts",
            "sessions",
            "progress notes",
            "addenda",
            "referrals",
            "professionals",
            "psychotherapy notes",
            "session series",
            *(part.counted_as for part in PARTS),
            "objective links",
            "pick-list terms",
        )
        parts = [f"{self.counts[kind]} {kind}" for kind in order if self.counts[kind]]
        return "Imported " + (", ".join(parts) if parts else "nothing") + "."


def read_document(raw: bytes) -> object:
    """Parse the bytes of an import file; raises InvalidInput saying what is wrong."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"The import file is not UTF-8 text (byte {error.start} cannot be read); "
            "nothing was imported."
        ) from error
    if not text.strip():
        raise InvalidInput("The import file is empty; nothing was imported.")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        cut_short = error.pos >= len(text.rstrip()) - 1 or error.msg.startswith("Unterminated")
        ending = " The file looks cut short." if cut_short else ""
        raise InvalidInput(
            f"The import file is not valid JSON: {error.msg} (line {error.lineno}, "
            f"column {error.colno}).{ending} Nothing was imported."
        ) from error
    except ValueError as error:
        raise InvalidInput(
            f"The import file is not valid JSON: {error}. Nothing was imported."
        ) from error


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _schema_problem(error: ValidationError) -> str:
    if error.validator == "anyOf" and error.context:
        specific = [sub for sub in error.context if sub.schema != {"type": "null"}]
        if specific:
            error = min(specific, key=lambda sub: len(list(sub.path)))
    message = plain_message(error)
    if error.cause is not None:
        message += f" ({error.cause})"
    return f"{error.json_path}: {message}"


_FORMAT_NUMBER = re.compile(r"therapist-desk/(\d+)")


def schema_problems(document: object) -> list[str]:
    """Every way the document breaks the JSON Schema of its version.

    A document of a version this program does not read is checked against the
    current version, so the rest of what is wrong is listed too.
    """
    format_tag = document.get("format") if isinstance(document, dict) else None
    known = isinstance(format_tag, str) and format_tag in SCHEMA_RESOURCES
    checked_as = format_tag if known else CURRENT_FORMAT
    errors = sorted(
        validator(checked_as).iter_errors(document), key=lambda error: list(map(str, error.path))
    )
    problems = [
        _schema_problem(error) for error in errors if known or list(error.path) != ["format"]
    ]
    if not known and isinstance(document, dict) and "format" in document:
        problems.insert(0, f"$.format: {_unknown_format(format_tag)}")
    return problems


def _unknown_format(format_tag: object) -> str:
    readable = " and ".join(SCHEMA_RESOURCES)
    number = _FORMAT_NUMBER.fullmatch(format_tag) if isinstance(format_tag, str) else None
    newest = max(int(tag.rsplit("/", 1)[1]) for tag in SCHEMA_RESOURCES)
    if number is not None and int(number.group(1)) > newest:
        return (
            f"{format_tag!r} was written by a newer version of Therapist Desk; "
            f"this one reads {readable}"
        )
    return f"{format_tag!r} is not a format Therapist Desk reads ({readable})"


@dataclass(frozen=True)
class _InVault:
    """What the vault already holds that a document may refer to or collide with."""

    #: Kind of record ("client", "diagnosis") → the ids of that kind in the vault.
    ids: dict[str, set[str]]
    #: "session id|client id" for each attendance (records of a session refer to them).
    attendance: set[str]
    #: Professional id → its details as JSON.
    professionals: dict[str, JsonObject]
    #: Session series id → how many weeks apart its sessions are.
    series: dict[str, int]
    #: Client id → the objective keys of their plans, for the vault's clients that
    #: attend a session in the document (a note there may name those objectives).
    objective_keys: dict[str, set[str]]
    #: The goal and objective keys of every plan in the vault; each belongs to a
    #: client already here, so no client in the document may use it.
    plan_keys: set[str]
    #: Kind ("referral", "consent") → id → the client whose record it is.
    owners: dict[str, dict[str, str]]


@dataclass(frozen=True)
class _ClinicalRecord:
    part: ClinicalPart
    client_id: str
    data: JsonObject
    details: Any
    path: str


class _Plan:
    """The rows an import will write, and the problems found while planning them."""

    def __init__(self, in_vault: _InVault, today: date) -> None:
        self.existing = in_vault.ids
        self.in_vault = in_vault
        #: The day the clinical records' dates are checked against (none may be later).
        self.today = today
        self.problems: list[str] = []
        self.first_seen: dict[tuple[str, str], str] = {}
        self.clients: list[tuple[JsonObject, ClientDetails]] = []
        self.contacts: list[tuple[str, JsonObject, ContactDetails]] = []
        self.sessions: dict[str, tuple[JsonObject, str]] = {}
        self.referrals: list[tuple[str, JsonObject, ReferralDetails]] = []
        self.professionals: list[tuple[JsonObject, ProfessionalDetails]] = []
        self.psychotherapy_notes: list[tuple[str, JsonObject]] = []
        self.series: list[JsonObject] = []
        self.clinical: list[_ClinicalRecord] = []
        #: Client id → the objective keys of their plans in the document.
        self.objective_keys: dict[str, set[str]] = defaultdict(set)
        #: A goal or objective key → the client whose plan has it, and where.
        self.key_owners: dict[str, tuple[str, str]] = {}

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def new_id(self, kind: str, record_id: str, path: str) -> bool:
        """Record a first use of an id; False (with a problem) when it is taken."""
        earlier = self.first_seen.get((kind, record_id))
        if earlier is not None:
            self.problem(path, f"the {kind} id {record_id} is used twice (first at {earlier})")
            return False
        self.first_seen[(kind, record_id)] = path
        if record_id in self.existing[kind]:
            self.problem(path, f"a {kind} with id {record_id} is already in this vault")
            return False
        return True

    def check(self, path: str, error: InvalidInput) -> None:
        for problem in error.problems or (error.message,):
            self.problem(path, problem)


_ID_TABLES: dict[str, type[Base]] = {
    "client": ClientRow,
    "contact": ContactRow,
    "session": TherapySessionRow,
    "attendee": SessionAttendeeRow,
    "note": ProgressNoteRow,
    "addendum": NoteAddendumRow,
    "referral": ReferralRow,
    "professional": ProfessionalRow,
    "psychotherapy note": PsychotherapyNoteRow,
    "session series": SessionSeriesRow,
    **{part.kind: part.row_type for part in PARTS},
}
#: The kinds a disclosure may name that belong to one client, as it must.
_OWNED_KINDS: dict[str, type[Base]] = {"referral": ReferralRow, "consent": SharingConsentRow}


def _in_vault(vault: Vault, session: Session, document: JsonObject) -> _InVault:
    ids = {kind: set(session.scalars(select(row.id))) for kind, row in _ID_TABLES.items()}  # type: ignore[attr-defined]
    attendance = {
        f"{session_id}|{client_id}"
        for session_id, client_id in session.execute(
            select(SessionAttendeeRow.session_id, SessionAttendeeRow.client_id)
        )
    }
    professionals = {
        row.id: details_to_json(vault.codec.open_details(row, ProfessionalDetails)[0])
        for row in session.scalars(select(ProfessionalRow))
    }
    # .all(): a Result has keys() (its column names), so dict(result) would index it.
    series: dict[str, int] = dict(
        session.execute(select(SessionSeriesRow.id, SessionSeriesRow.interval_weeks)).all()
    )
    file_clients = {client["id"] for client in document["clients"]}
    attending = {
        attendee["client_id"]
        for client in document["clients"]
        for each in client.get("sessions", [])
        for attendee in each["attendees"]
    }
    plan_keys, objective_keys = _vault_plan_keys(
        vault, session, (attending - file_clients) & ids["client"]
    )
    owners = {
        kind: dict(session.execute(select(row.id, row.client_id)).all())  # type: ignore[attr-defined]
        for kind, row in _OWNED_KINDS.items()
    }
    return _InVault(ids, attendance, professionals, series, objective_keys, plan_keys, owners)


def _vault_plan_keys(
    vault: Vault, session: Session, attending: Collection[str]
) -> tuple[set[str], dict[str, set[str]]]:
    """The keys of every plan in the vault, and the objective keys of `attending` clients."""
    keys: set[str] = set()
    objectives: dict[str, set[str]] = defaultdict(set)
    for row in session.scalars(select(TreatmentPlanRow)):
        details = vault.codec.open_details(row, TreatmentPlanDetails)[0]
        keys.update(goal.key for goal in details.goals)
        keys.update(objective.key for objective in details.objectives())
        if row.client_id in attending:
            objectives[row.client_id].update(objective.key for objective in details.objectives())
    return keys, objectives


def _plan(document: JsonObject, in_vault: _InVault, today: date) -> _Plan:
    plan = _Plan(in_vault, today)
    file_clients = {client["id"] for client in document["clients"]}
    file_professionals = set()
    for index, data in enumerate(document.get("professionals", [])):
        path = f"$.professionals[{index}]"
        details = details_from_json(ProfessionalDetails, data)
        if data["id"] in in_vault.professionals:
            if in_vault.professionals[data["id"]] != details_to_json(details):
                plan.problem(
                    path,
                    f"professional {data['id']} is already in this vault with different details",
                )
            file_professionals.add(data["id"])
            continue
        if plan.new_id("professional", data["id"], path):
            file_professionals.add(data["id"])
            _checked(plan, path, check_professional, details)
            plan.professionals.append((data, details))
    known_series = _plan_series(plan, document.get("session_series", []))
    known_clients = file_clients | plan.existing["client"]
    known_professionals = file_professionals | set(in_vault.professionals)
    for index, data in enumerate(document["clients"]):
        _plan_client(plan, f"$.clients[{index}]", data, known_clients, known_professionals)
    _check_links(plan, known_series)
    return plan


def _plan_series(plan: _Plan, series: list[JsonObject]) -> set[str]:
    """The series the document's sessions may name: its own and the vault's."""
    known = set(plan.in_vault.series)
    for index, data in enumerate(series):
        path = f"$.session_series[{index}]"
        interval = plan.in_vault.series.get(data["id"])
        if interval is not None:
            # The same series as one already here (its sessions were imported before).
            if interval != data["interval_weeks"]:
                plan.problem(
                    path,
                    f"session series {data['id']} is already in this vault, "
                    f"repeating every {interval} weeks, not {data['interval_weeks']}",
                )
            continue
        if plan.new_id("session series", data["id"], path):
            known.add(data["id"])
            plan.series.append(data)
    return known


def _check_links(plan: _Plan, known_series: set[str]) -> None:
    """The references that need every client planned first: sessions, series, objectives."""
    attended = set(plan.in_vault.attendance)
    for session_data, _path in plan.sessions.values():
        attended.update(f"{session_data['id']}|{a['client_id']}" for a in session_data["attendees"])
    known_sessions = set(plan.sessions) | plan.existing["session"]

    def check_session(path: str, client_id: str, session_id: str | None) -> None:
        if session_id and session_id not in known_sessions:
            plan.problem(path, f"session {session_id} is neither in the file nor in this vault")
        elif session_id and f"{session_id}|{client_id}" not in attended:
            plan.problem(path, f"the client did not attend session {session_id}")

    for client_id, data in plan.psychotherapy_notes:
        path = plan.first_seen[("psychotherapy note", data["id"])]
        check_session(path, client_id, data.get("session_id"))
    owners = _owners(plan)
    for record in plan.clinical:
        for reference in record.part.references:
            kind = REFERENCE_KINDS[reference]
            if kind == "session":
                check_session(record.path, record.client_id, record.data.get(reference))
            elif kind in owners:
                _check_owned(plan, record, kind, record.data.get(reference), owners[kind])
    for session_data, path in plan.sessions.values():
        series_id = session_data.get("series_id")
        if series_id and series_id not in known_series:
            plan.problem(
                path, f"session series {series_id} is neither in the file nor in this vault"
            )
        note = session_data.get("note")
        if note:
            _check_note_objectives(plan, f"{path}.note", session_data, note)


def _owners(plan: _Plan) -> dict[str, dict[str, str]]:
    """Referral and consent id → its client, for the vault's and the document's."""
    owners = {kind: dict(ids) for kind, ids in plan.in_vault.owners.items()}
    for client_id, data, _details in plan.referrals:
        owners["referral"][data["id"]] = client_id
    for record in plan.clinical:
        if record.part.kind in owners:
            owners[record.part.kind][record.data["id"]] = record.client_id
    return owners


def _check_owned(
    plan: _Plan, record: _ClinicalRecord, kind: str, named: str | None, owners: dict[str, str]
) -> None:
    """A disclosure names a referral or consent of its own client, not another's."""
    if named is None:
        return
    owner = owners.get(named)
    if owner is None:
        plan.problem(record.path, f"{kind} {named} is neither in the file nor in this vault")
    elif owner != record.client_id:
        plan.problem(record.path, f"{kind} {named} belongs to another client")


def _check_note_objectives(plan: _Plan, path: str, session: JsonObject, note: JsonObject) -> None:
    """A note names objectives of the plans of the people in its session, and no others."""
    known: set[str] = set()
    for attendee in session["attendees"]:
        client_id = attendee["client_id"]
        known |= plan.objective_keys.get(client_id, set())
        known |= plan.in_vault.objective_keys.get(client_id, set())
    for index, key in enumerate(note.get("objectives", [])):
        if key not in known:
            plan.problem(
                f"{path}.objectives[{index}]",
                f"objective {key} is in no treatment plan of the session's attendees",
            )


def _checked(plan: _Plan, path: str, check: Callable[[T], None], record: T) -> None:
    """Run a service's own validation and file its problems under `path`."""
    try:
        check(record)
    except InvalidInput as error:
        plan.check(path, error)


def _plan_client(
    plan: _Plan, path: str, data: JsonObject, known_clients: set[str], known_professionals: set[str]
) -> None:
    client_id = data["id"]
    if not plan.new_id("client", client_id, path):
        return
    details = details_from_json(ClientDetails, data)
    _checked(plan, path, lambda checked: check_client(checked, plan.today), details)
    plan.clients.append((data, details))
    for index, contact in enumerate(data.get("contacts", [])):
        contact_path = f"{path}.contacts[{index}]"
        if plan.new_id("contact", contact["id"], contact_path):
            contact_details = details_from_json(ContactDetails, contact)
            _checked(plan, contact_path, check_contact, contact_details)
            plan.contacts.append((client_id, contact, contact_details))
    for index, session in enumerate(data.get("sessions", [])):
        _plan_session(plan, f"{path}.sessions[{index}]", client_id, session, known_clients)
    for index, referral in enumerate(data.get("referrals", [])):
        referral_path = f"{path}.referrals[{index}]"
        if not plan.new_id("referral", referral["id"], referral_path):
            continue
        if referral["professional_id"] not in known_professionals:
            plan.problem(
                referral_path,
                f"professional {referral['professional_id']} is neither in the file "
                "nor in this vault",
            )
        referral_details = details_from_json(ReferralDetails, referral)
        _checked(plan, referral_path, check_referral, referral_details)
        plan.referrals.append((client_id, referral, referral_details))
    for index, note in enumerate(data.get("psychotherapy_notes", [])):
        if plan.new_id("psychotherapy note", note["id"], f"{path}.psychotherapy_notes[{index}]"):
            plan.psychotherapy_notes.append((client_id, note))
    _plan_clinical_records(plan, path, client_id, data, known_professionals)


def _plan_clinical_records(
    plan: _Plan, path: str, client_id: str, data: JsonObject, known_professionals: set[str]
) -> None:
    """Version 2's parts of one client: each record checked as its service checks it."""
    versions: dict[int, str] = {}
    for part, below, record in clinical_records(data):
        record_path = f"{path}.{below}"
        if not plan.new_id(part.kind, record["id"], record_path):
            continue
        details = details_from_json(part.details_type, record)
        try:
            details = part.prepare(details, plan.today)
        except InvalidInput as error:
            plan.check(record_path, error)
        for reference in part.references:
            named = record.get(reference)
            if (
                REFERENCE_KINDS[reference] == "professional"
                and named is not None
                and named not in known_professionals
            ):
                plan.problem(
                    record_path, f"professional {named} is neither in the file nor in this vault"
                )
        if part is TREATMENT_PLANS:
            earlier = versions.setdefault(record["version"], record_path)
            if earlier != record_path:
                plan.problem(
                    record_path,
                    f"version {record['version']} of the treatment plan is listed twice "
                    f"(first at {earlier})",
                )
            _claim_plan_keys(plan, record_path, client_id, record)
        plan.clinical.append(_ClinicalRecord(part, client_id, record, details, record_path))


def _claim_plan_keys(plan: _Plan, path: str, client_id: str, record: JsonObject) -> None:
    """A goal's or objective's key belongs to one client's plan (in any of its versions)."""
    plan.objective_keys[client_id].update(objective_keys(record))
    for key in set(plan_keys(record)):
        if key in plan.in_vault.plan_keys:
            plan.problem(
                path, f"the goal or objective key {key} is used by a plan already in this vault"
            )
            continue
        owner, first = plan.key_owners.setdefault(key, (client_id, path))
        if owner != client_id:
            plan.problem(
                path,
                f"the goal or objective key {key} is also used by another client's plan "
                f"(at {first})",
            )


def _canonical(data: JsonObject) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _plan_session(
    plan: _Plan, path: str, client_id: str, data: JsonObject, known_clients: set[str]
) -> None:
    attendee_ids = [attendee["client_id"] for attendee in data["attendees"]]
    if client_id not in attendee_ids:
        plan.problem(path, "the session is listed under a client who is not among its attendees")
    earlier = plan.sessions.get(data["id"])
    if earlier is not None:
        # A joint session appears under each attendee; every copy must agree.
        if _canonical(earlier[0]) != _canonical(data):
            plan.problem(path, f"session {data['id']} differs from its copy at {earlier[1]}")
        return
    if not plan.new_id("session", data["id"], path):
        return
    plan.sessions[data["id"]] = (data, path)
    if len(set(attendee_ids)) != len(attendee_ids):
        plan.problem(f"{path}.attendees", "a client is listed twice")
    # Fewer attendees than the kind needs is accepted: an export of chosen clients
    # leaves the others out of a joint session. More than it allows never is.
    kind = SessionKind(data["kind"])
    most = ATTENDEE_LIMITS[kind][1]
    if most is not None and len(attendee_ids) > most:
        article = "an" if kind.value[0] in "aeiou" else "a"
        plan.problem(
            f"{path}.attendees",
            f"{article} {kind.value} session has at most {most} attending "
            f"client{'s' if most != 1 else ''}, not {len(attendee_ids)}",
        )
    for index, attendee in enumerate(data["attendees"]):
        if attendee["client_id"] not in known_clients:
            plan.problem(
                f"{path}.attendees[{index}]",
                f"client {attendee['client_id']} is neither in the file nor in this vault",
            )
        if "id" in attendee:
            plan.new_id("attendee", attendee["id"], f"{path}.attendees[{index}]")
    note = data.get("note")
    if note is None:
        return
    note_path = f"{path}.note"
    plan.new_id("note", note["id"], note_path)
    content = details_from_json(NoteContent, note)
    _checked(plan, note_path, check_note_content, content)
    signed_at = note.get("signed_at")
    if signed_at is None:
        if note.get("addenda"):
            plan.problem(note_path, "a draft note cannot have addenda")
        if note.get("content_hash"):
            plan.problem(note_path, "a draft note has no content hash")
    elif note.get("content_hash"):
        expected = note_content_hash(data["id"], content, parse_timestamp(signed_at))
        if expected != note["content_hash"]:
            plan.problem(note_path, "the signed note's content does not match its content hash")
    for index, addendum in enumerate(note.get("addenda", [])):
        addendum_path = f"{note_path}.addenda[{index}]"
        plan.new_id("addendum", addendum["id"], addendum_path)
        if not addendum["text"].strip():
            plan.problem(addendum_path, "the addendum is blank")


def _stamp(data: JsonObject, key: str, default: datetime) -> datetime:
    value = data.get(key)
    return parse_timestamp(value) if value else default


def _rows(vault: Vault, plan: _Plan, now: datetime, summary: ImportSummary) -> Iterator[Base]:
    codec = vault.codec
    for data, professional in plan.professionals:
        row = new_professional_row(codec, professional, _stamp(data, "created_at", now), data["id"])
        row.updated_at = _stamp(data, "updated_at", row.created_at)
        summary.counts["professionals"] += 1
        yield row
    for data, client in plan.clients:
        client_row = new_client_row(codec, client, _stamp(data, "created_at", now), data["id"])
        client_row.updated_at = _stamp(data, "updated_at", client_row.created_at)
        summary.counts["clients"] += 1
        yield client_row
    for client_id, data, contact in plan.contacts:
        contact_row = new_contact_row(
            codec, client_id, contact, _stamp(data, "created_at", now), data["id"]
        )
        contact_row.updated_at = _stamp(data, "updated_at", contact_row.created_at)
        summary.counts["contacts"] += 1
        yield contact_row
    for data in plan.series:
        summary.counts["session series"] += 1
        yield SessionSeriesRow(
            id=data["id"],
            interval_weeks=data["interval_weeks"],
            created_at=_stamp(data, "created_at", now),
        )
    for data, _path in plan.sessions.values():
        yield from _session_rows(vault, data, now, summary)
    for client_id, data, referral in plan.referrals:
        referral_row = new_referral_row(
            codec,
            client_id,
            data["professional_id"],
            referral,
            _stamp(data, "created_at", now),
            data["id"],
        )
        referral_row.updated_at = _stamp(data, "updated_at", referral_row.created_at)
        summary.counts["referrals"] += 1
        yield referral_row
    for client_id, data in plan.psychotherapy_notes:
        created = _stamp(data, "created_at", now)
        summary.counts["psychotherapy notes"] += 1
        yield new_psychotherapy_note_row(
            codec,
            client_id,
            data.get("session_id"),
            data["text"],
            created,
            _stamp(data, "updated_at", created),
            data["id"],
        )
    for record in plan.clinical:
        made = _stamp(record.data, "created_at", now)
        clinical_row: Any = record.part.new_row(
            codec, record.client_id, record.data, record.details, made
        )
        if hasattr(clinical_row, "updated_at"):
            clinical_row.updated_at = _stamp(record.data, "updated_at", made)
        summary.counts[record.part.counted_as] += 1
        yield clinical_row


def _session_rows(
    vault: Vault, data: JsonObject, now: datetime, summary: ImportSummary
) -> Iterator[Base]:
    codec = vault.codec
    created = _stamp(data, "created_at", now)
    attendees = data["attendees"]
    session_row, attendee_rows = new_session_rows(
        codec,
        parse_timestamp(data["starts_at"]),
        data["duration_minutes"],
        details_from_json(SessionDetails, data),
        [(attendee["client_id"], Attendance(attendee["attendance"])) for attendee in attendees],
        created,
        data["id"],
        [attendee["id"] for attendee in attendees] if all("id" in a for a in attendees) else None,
        series_id=data.get("series_id"),
    )
    session_row.updated_at = _stamp(data, "updated_at", created)
    summary.counts["sessions"] += 1
    yield session_row
    yield from attendee_rows
    note = data.get("note")
    if note is None:
        return
    note_created = _stamp(note, "created_at", now)
    signed_at = parse_timestamp(note["signed_at"]) if note.get("signed_at") else None
    note_row = new_note_row(
        codec, data["id"], details_from_json(NoteContent, note), note_created, signed_at, note["id"]
    )
    note_row.updated_at = _stamp(note, "updated_at", note_created)
    summary.counts["progress notes"] += 1
    yield note_row
    if note.get("objectives"):
        summary.counts["objective links"] += 1
        yield new_note_objectives_row(codec, note["id"], note["objectives"])
    for addendum in note.get("addenda", []):
        summary.counts["addenda"] += 1
        yield new_addendum_row(
            codec,
            note["id"],
            addendum["text"],
            parse_timestamp(addendum["created_at"]),
            addendum["id"],
        )


def _raise_problems(problems: list[str]) -> None:
    shown = problems[:_MAX_LISTED]
    if len(problems) > _MAX_LISTED:
        shown.append(f"… and {len(problems) - _MAX_LISTED} more problems")
    plural = "s" if len(problems) != 1 else ""
    raise InvalidInput(
        f"The import file has {len(problems)} problem{plural}; nothing was imported.", shown
    )


def import_document(vault: Vault, document: object) -> ImportSummary:
    """Validate `document` completely, then write it in one transaction."""
    problems = schema_problems(document)
    if problems:
        _raise_problems(problems)
    assert isinstance(document, dict)
    with vault.reading() as session:
        in_vault = _in_vault(vault, session, document)
    plan = _plan(document, in_vault, local_date(vault.now()))
    if "practice" in document:
        _checked(
            plan,
            "$.practice",
            check_profile,
            details_from_json(PracticeProfile, document["practice"]),
        )
    for index, term in enumerate(document.get("vocabulary", [])):
        if not term["label"].strip():
            plan.problem(f"$.vocabulary[{index}]", "the pick-list term is blank")
    if plan.problems:
        _raise_problems(plan.problems)

    summary = ImportSummary()
    now = vault.now()
    current_fee = default_fee(vault)
    with vault.transaction() as session:
        add_in_dependency_order(session, _rows(vault, plan, now, summary))
        add_in_dependency_order(
            session, _settings_rows(vault, session, document, current_fee, summary)
        )
        audit.record(session, vault, AuditKind.IMPORT, detail=summary.describe()[:200])
    return summary


def _settings_rows(
    vault: Vault,
    session: Session,
    document: JsonObject,
    current_fee: Decimal | None,
    summary: ImportSummary,
) -> Iterator[Base]:
    """The practice profile and default fee (each only where the vault has none) and new terms."""
    if "practice" in document:
        incoming = details_from_json(PracticeProfile, document["practice"])
        row = session.scalar(select(PracticeProfileRow))
        if row is not None:
            current, _damaged = vault.codec.open_details(row, PracticeProfile)
            if current == PracticeProfile():
                for column, blob in vault.codec.seal_details(
                    PRACTICE_TABLE, row.id, incoming
                ).items():
                    setattr(row, column, blob)
                row.updated_at = vault.now()
            elif current != incoming:
                summary.remarks.append(
                    "This vault has its own practice profile; the one in the file was not applied."
                )
    fee_text = document.get("settings", {}).get("default_fee")
    if fee_text is not None:
        if current_fee is None:
            put_setting(session, vault, DEFAULT_FEE_SETTING, str(Decimal(fee_text)))
        elif current_fee != Decimal(fee_text):
            summary.remarks.append(
                "This vault has its own default fee; the one in the file was not applied."
            )
    known = {
        (term.category, term.label.casefold())
        for term in (
            vault.codec.open_details(row, VocabularyTermDetails)[0]
            for row in session.scalars(select(VocabularyTermRow))
        )
    }
    known |= {
        (category, label.casefold())
        for category, labels in DEFAULT_TERMS.items()
        for label in labels
    }
    for data in document.get("vocabulary", []):
        term = details_from_json(VocabularyTermDetails, data)
        if (term.category, term.label.casefold()) in known:
            continue
        known.add((term.category, term.label.casefold()))
        row_id = new_id()
        summary.counts["pick-list terms"] += 1
        yield VocabularyTermRow(
            id=row_id,
            created_at=vault.now(),
            **vault.codec.seal_details(TERMS_TABLE, row_id, term),
        )
