"""Helpers for the end-to-end tests: run the installed command line as a user would.

Every command runs in a child process (``python -m therapist_desk``) with the
fast test key derivation, reading the passphrase from standard input.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from tests.conftest import now_for_commands
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.domain.records import NoteContent
from therapist_desk.domain.signatures import note_content_hash
from therapist_desk.domain.vocabulary import NOTE_SECTIONS, NoteFormat
from therapist_desk.errors import ExitStatus, WrongPassphrase
from therapist_desk.interchange.exporting import export_vault
from therapist_desk.vault import Secret, Vault, create_vault, unlock_vault
from therapist_desk.vault.paths import VaultPaths

JsonObject = dict[str, Any]

PASSPHRASE = "a quiet harbour at dusk"
PROGRAM = "therapist-desk"
TEST_KDF_VARIABLE = "THERAPIST_DESK_TEST_KDF"
TEST_NOW_VARIABLE = "THERAPIST_DESK_TEST_NOW"
#: Eight groups of four characters of Crockford's base32 (no I, L, O or U).
RECOVERY_KEY = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){7}\b")


def cli_env(home: Path | None = None) -> dict[str, str]:
    """The environment of a child process: this one's, plus the fast test key derivation.

    The autouse fixture of tests/conftest.py points HOME and XDG_* into the
    test's own folder; a session fixture passes its own `home` instead.
    """
    env = os.environ.copy()
    env[TEST_KDF_VARIABLE] = "1"
    env[TEST_NOW_VARIABLE] = now_for_commands()
    env["PYTHONIOENCODING"] = "utf-8"
    if home is not None:
        for variable, folder in (
            ("HOME", home),
            ("XDG_DATA_HOME", home / ".local" / "share"),
            ("XDG_CONFIG_HOME", home / ".config"),
            ("XDG_CACHE_HOME", home / ".cache"),
            ("XDG_STATE_HOME", home / ".local" / "state"),
        ):
            folder.mkdir(parents=True, exist_ok=True)
            env[variable] = str(folder)
    return env


def run_cli(
    *args: str | Path,
    stdin: str = PASSPHRASE + "\n",
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `therapist-desk ARGS` to completion; the passphrase goes in on stdin by default."""
    return subprocess.run(
        [sys.executable, "-m", "therapist_desk", *(str(arg) for arg in args)],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(env) if env is not None else cli_env(),
        check=False,
    )


def user_error_lines(stderr: str) -> list[str]:
    """Standard error without blank lines and the warning that the test KDF is in use."""
    return [
        line
        for line in stderr.splitlines()
        if line.strip()
        and not (line.startswith(f"{PROGRAM}: warning:") and TEST_KDF_VARIABLE in line)
    ]


def assert_one_clear_line(result: subprocess.CompletedProcess[str], status: ExitStatus) -> str:
    """The command failed with `status` and said why in one line, without a traceback."""
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = user_error_lines(result.stderr)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{PROGRAM}: "), lines
    return lines[0]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_digests(folder: Path) -> dict[str, str]:
    """Every file under `folder` (relative path → SHA-256)."""
    return {
        str(path.relative_to(folder)): sha256_of(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def make_vault(data_dir: Path) -> VaultPaths:
    """A new, empty, closed vault with the fast test key derivation."""
    paths = VaultPaths(data_dir)
    create_vault(paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS).vault.close()
    return paths


def open_vault(data_dir: Path, secret: Secret | None = None) -> Vault:
    """Unlock the vault in `data_dir` (with PASSPHRASE unless another secret is given)."""
    return unlock_vault(VaultPaths(data_dir), secret or Secret(passphrase=PASSPHRASE))


def opens_with(data_dir: Path, secret: Secret) -> bool:
    """Whether `secret` unlocks the vault in `data_dir` (False for a wrong one)."""
    try:
        open_vault(data_dir, secret).close()
    except WrongPassphrase:
        return False
    return True


def copy_vault(source: Path, destination: Path) -> Path:
    """A copy of a closed vault's folder (a closed vault has no -wal or -shm file)."""
    assert not any(source.glob("*-wal")), "copy only a cleanly closed vault"
    shutil.copytree(source, destination)
    return destination


def without_export_time(document: JsonObject) -> JsonObject:
    return {key: value for key, value in document.items() if key != "exported_at"}


def export_in_process(
    data_dir: Path, *, include_psychotherapy_notes: bool = False, secret: Secret | None = None
) -> JsonObject:
    """The vault's export, made through the API and normalised through JSON like the CLI's."""
    with open_vault(data_dir, secret) as vault:
        return export_of(vault, include_psychotherapy_notes=include_psychotherapy_notes)


def export_of(vault: Vault, *, include_psychotherapy_notes: bool = False) -> JsonObject:
    """The export of an unlocked vault, normalised like `export_in_process`."""
    document = export_vault(vault, include_psychotherapy_notes=include_psychotherapy_notes)
    normalised: JsonObject = json.loads(json.dumps(document, ensure_ascii=False))
    return without_export_time(normalised)


class Markers:
    """Makes a unique marker for each text field and remembers them all."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.made: list[str] = []

    def __call__(self, place: str) -> str:
        marker = f"ZQX-LEAK-{self.tag}{place}-7731"
        self.made.append(marker)
        return marker


LEAK_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


def find_leaks(folder: Path, markers: list[str]) -> list[tuple[str, str, str]]:
    """(file, marker, encoding) for every marker readable in any file under `folder`."""
    found = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        content = path.read_bytes()
        for marker in markers:
            for encoding in LEAK_ENCODINGS:
                if marker.encode(encoding) in content:
                    found.append((str(path.relative_to(folder)), marker, encoding))
    return found


def _new_id() -> str:
    return str(uuid.uuid4())


def build_document(text: Callable[[str], str]) -> JsonObject:
    """A valid interchange document using every kind of record and every text field.

    `text(place)` gives the value of each text field; `place` is unique per
    field, so a marker made from it shows exactly which field leaked. Ids are
    new on every call.
    """
    professional_id = _new_id()
    clients = [_new_id() for _ in range(3)]
    created = "2024-03-01T09:00:00+00:00"

    def client(index: int, client_id: str) -> JsonObject:
        prefix = f"client{index}"
        return {
            "id": client_id,
            "legal_name": text(f"{prefix}-legal_name"),
            "preferred_name": text(f"{prefix}-preferred_name"),
            "pronouns": text(f"{prefix}-pronouns"),
            "name_in_letters": text(f"{prefix}-name_in_letters"),
            "date_of_birth": "1980-05-17",
            "phone": text(f"{prefix}-phone"),
            "email": text(f"{prefix}-email"),
            "address": text(f"{prefix}-address"),
            "status": "active",
            "referral_source": text(f"{prefix}-referral_source"),
            "intake_date": "2024-01-08",
            "discharge_date": None,
            "created_at": created,
            "updated_at": created,
            "contacts": [
                {
                    "id": _new_id(),
                    "role": "emergency_contact",
                    "name": text(f"{prefix}-contact-name"),
                    "relationship": text(f"{prefix}-contact-relationship"),
                    "organisation": text(f"{prefix}-contact-organisation"),
                    "phone": text(f"{prefix}-contact-phone"),
                    "email": text(f"{prefix}-contact-email"),
                    "address": text(f"{prefix}-contact-address"),
                    "consent_to_contact": True,
                    "consent_scope": text(f"{prefix}-contact-consent_scope"),
                    "consent_expires": "2030-01-01",
                    "notes": text(f"{prefix}-contact-notes"),
                    "created_at": created,
                    "updated_at": created,
                }
            ],
            "sessions": [],
            "referrals": [],
            "psychotherapy_notes": [],
        }

    documents = [client(index, client_id) for index, client_id in enumerate(clients)]
    sessions = [
        _session("individual", [clients[0]], NoteFormat.SOAP, 0, text, signed=True),
        _session("individual", [clients[0]], NoteFormat.DAP, 1, text, signed=False),
        _session("couple", clients[:2], NoteFormat.BIRP, 2, text, signed=True),
        _session("group", clients, NoteFormat.FREE, 3, text, signed=False),
    ]
    for session in sessions:
        for attendee in session["attendees"]:
            index = clients.index(attendee["client_id"])
            documents[index]["sessions"].append(session)
    documents[0]["referrals"].append(
        {
            "id": _new_id(),
            "professional_id": professional_id,
            "reason": text("referral-reason"),
            "urgency": "soon",
            "status": "sent",
            "referred_on": "2024-02-01",
            "sent_on": "2024-02-02",
            "acknowledged_on": None,
            "closed_on": None,
            "follow_up_on": "2024-03-01",
            "letter_text": text("referral-letter_text"),
            "created_at": created,
            "updated_at": created,
        }
    )
    documents[0]["psychotherapy_notes"].append(
        {
            "id": _new_id(),
            "session_id": sessions[0]["id"],
            "text": text("psychotherapy_note-text"),
            "created_at": created,
            "updated_at": created,
        }
    )
    documents[1]["psychotherapy_notes"].append(
        {"id": _new_id(), "session_id": None, "text": text("psychotherapy_note2-text")}
    )
    return {
        "format": "therapist-desk/1",
        "exported_at": "2024-03-02T10:00:00+00:00",
        "practice": {
            "practice_name": text("practice-practice_name"),
            "clinician_name": text("practice-clinician_name"),
            "credentials": text("practice-credentials"),
            "licence_number": text("practice-licence_number"),
            "address": text("practice-address"),
            "phone": text("practice-phone"),
            "email": text("practice-email"),
            "website": text("practice-website"),
            "currency": "EUR",
        },
        "vocabulary": [
            {"category": category, "label": text(f"vocabulary-{category}")}
            for category in ("approach", "technique", "intervention")
        ],
        "professionals": [
            {
                "id": professional_id,
                "name": text("professional-name"),
                "role": "psychiatrist",
                "organisation": text("professional-organisation"),
                "address": text("professional-address"),
                "phone": text("professional-phone"),
                "email": text("professional-email"),
                "notes": text("professional-notes"),
                "created_at": created,
                "updated_at": created,
            }
        ],
        "clients": documents,
    }


def _session(
    kind: str,
    attendees: list[str],
    note_format: NoteFormat,
    index: int,
    text: Callable[[str], str],
    *,
    signed: bool,
) -> JsonObject:
    session_id = _new_id()
    prefix = f"session{index}"
    starts_at = datetime(2024, 2, 5 + 7 * index, 10, 0, tzinfo=UTC)
    sections = {name: text(f"{prefix}-note-{name}") for name in NOTE_SECTIONS[note_format]}
    techniques = [text(f"{prefix}-note-technique")]
    interventions = [text(f"{prefix}-note-intervention")]
    signed_at = datetime(2024, 2, 5 + 7 * index, 12, 0, tzinfo=UTC) if signed else None
    content = NoteContent(
        format=note_format,
        sections=sections,
        techniques=tuple(techniques),
        interventions=tuple(interventions),
        mood=6,
        risk_flag=False,
    )
    note: JsonObject = {
        "id": _new_id(),
        "format": note_format.value,
        "sections": sections,
        "techniques": techniques,
        "interventions": interventions,
        "mood": 6,
        "risk_flag": False,
        "signed_at": None if signed_at is None else signed_at.isoformat(),
        "content_hash": ""
        if signed_at is None
        else note_content_hash(session_id, content, signed_at),
        "created_at": starts_at.isoformat(),
        "updated_at": starts_at.isoformat(),
        "addenda": [],
    }
    if signed:
        note["addenda"].append(
            {
                "id": _new_id(),
                "text": text(f"{prefix}-note-addendum"),
                "created_at": "2024-03-01T08:00:00+00:00",
            }
        )
    return {
        "id": session_id,
        "starts_at": starts_at.isoformat(),
        "duration_minutes": 90 if kind == "group" else 50,
        "kind": kind,
        "title": text(f"{prefix}-title"),
        "fee": "85.00",
        "paid": True,
        "attendees": [
            {"id": _new_id(), "client_id": client_id, "attendance": "attended"}
            for client_id in attendees
        ],
        "note": note,
        "created_at": starts_at.isoformat(),
        "updated_at": starts_at.isoformat(),
    }


#: The lists version 2 adds under each client (the safety plan is one object, or null).
CLINICAL_LISTS = (
    "treatment_plans",
    "diagnoses",
    "medications",
    "measures",
    "risk_assessments",
    "significant_dates",
    "payments",
)
#: The lists of version 2 that log sharing: optional, and the demo practice has none.
SHARING_LISTS = ("sharing_consents", "disclosures")


def as_version_2(document: JsonObject) -> JsonObject:
    """What an export writes today for the records of a version-1 export.

    The same records; the format tag is version 2's, and version 2's parts are
    there but empty (no clinical record, no series, no objectives worked on).
    """
    upgraded = copy.deepcopy(document)
    upgraded["format"] = "therapist-desk/2"
    if "practice" in upgraded:  # the whole vault was exported, settings included
        upgraded.setdefault("settings", {"default_fee": None})
    upgraded.setdefault("session_series", [])
    for client in upgraded["clients"]:
        for session in client["sessions"]:
            session.setdefault("series_id", None)
            if session["note"] is not None:
                session["note"].setdefault("objectives", [])
        for key in (*CLINICAL_LISTS, *SHARING_LISTS):
            client.setdefault(key, [])
        client.setdefault("safety_plan", None)
    return upgraded


def build_clinical_document(text: Callable[[str], str]) -> JsonObject:
    """`build_document` in version 2, its first client given every kind of clinical record.

    Client 0 has a treatment plan in two versions (goals, objectives and their
    interventions), two diagnoses, a current and a past medication (the first
    prescribed by the document's professional), a PHQ-9, a GAD-7, an own scale
    and a SUDS rating, a risk assessment, a safety plan, a significant date,
    and two payments, a consent to share with the document's professional in
    force and an expired one, and two disclosures (its referral, under that
    consent, and one without consent); its two individual sessions form a
    weekly series, and the notes of its first session and of the couple
    session name objectives of the plan. Ids and keys are new on every call.
    """
    document = build_document(text)
    document["format"] = "therapist-desk/2"
    document["settings"] = {"default_fee": "85.00"}
    client = document["clients"][0]
    professional_id = document["professionals"][0]["id"]
    first, second, couple = client["sessions"][:3]
    series_id = _new_id()
    document["session_series"] = [
        {"id": series_id, "interval_weeks": 1, "created_at": "2024-02-01T09:00:00+00:00"}
    ]
    for each in document["clients"][1:]:
        for key in (*CLINICAL_LISTS, *SHARING_LISTS):
            each[key] = []
        each["safety_plan"] = None
    for session in (first, second):
        session["series_id"] = series_id
    goal_key, sleep_key, diary_key, walk_key = (_new_id() for _ in range(4))
    first_version: JsonObject = {
        "id": _new_id(),
        "version": 1,
        "approaches": [text("plan-approach")],
        "presenting_problems": text("plan-presenting_problems"),
        "goals": [
            {
                "key": goal_key,
                "text": text("plan-goal"),
                "objectives": [
                    {
                        "key": sleep_key,
                        "text": text("plan-objective-sleep"),
                        "target_date": "2024-04-01",
                        "status": "in_progress",
                        "interventions": [text("plan-objective-intervention")],
                    },
                    {
                        "key": diary_key,
                        "text": text("plan-objective-diary"),
                        "target_date": None,
                        "status": "not_started",
                        "interventions": [],
                    },
                ],
            }
        ],
        "start_date": "2024-01-08",
        "review_date": "2024-04-08",
        "notes": text("plan-notes"),
        "created_at": "2024-01-08T10:00:00+00:00",
        "updated_at": "2024-01-20T10:00:00+00:00",
    }
    second_version = copy.deepcopy(first_version)
    second_version.update(
        id=_new_id(),
        version=2,
        review_date="2024-07-08",
        created_at="2024-04-08T10:00:00+00:00",
        updated_at="2024-04-08T10:00:00+00:00",
    )
    revised_goal = second_version["goals"][0]
    revised_goal["objectives"][0]["status"] = "met"
    revised_goal["objectives"].append(
        {
            "key": walk_key,
            "text": text("plan-objective-walk"),
            "target_date": "2024-06-01",
            "status": "not_started",
            "interventions": [text("plan-objective-walk-intervention")],
        }
    )
    client["treatment_plans"] = [first_version, second_version]
    first["note"]["objectives"] = [sleep_key, diary_key]
    couple["note"]["objectives"] = [sleep_key]
    client["diagnoses"] = [
        {
            "id": _new_id(),
            "code": "F32.0",
            "label": text("diagnosis2-label"),
            "status": "resolved",
            "diagnosed_on": "2023-05-02",
            "resolved_on": "2023-12-01",
            "notes": "",
            "created_at": created_on("2023-05-02"),
            "updated_at": created_on("2023-12-01"),
        },
        {
            "id": _new_id(),
            "code": "F41.1",
            "label": text("diagnosis-label"),
            "status": "confirmed",
            "diagnosed_on": "2024-01-15",
            "resolved_on": None,
            "notes": text("diagnosis-notes"),
            "created_at": created_on("2024-01-15"),
            "updated_at": created_on("2024-01-15"),
        },
    ]
    client["medications"] = [
        {
            "id": _new_id(),
            "prescriber_id": None,
            "name": text("medication2-name"),
            "dose": "",
            "frequency": "",
            "prescriber_name": text("medication2-prescriber_name"),
            "started_on": "2023-06-01",
            "stopped_on": "2023-09-01",
            "notes": "",
            "created_at": created_on("2023-06-01"),
            "updated_at": created_on("2023-09-01"),
        },
        {
            "id": _new_id(),
            "prescriber_id": professional_id,
            "name": text("medication-name"),
            "dose": text("medication-dose"),
            "frequency": text("medication-frequency"),
            "prescriber_name": "",
            "started_on": "2024-01-20",
            "stopped_on": None,
            "notes": text("medication-notes"),
            "created_at": created_on("2024-01-20"),
            "updated_at": created_on("2024-01-20"),
        },
    ]
    client["measures"] = [
        _measure(text, "phq9", [1, 2, 1, 0, 2, 1, 0, 1, 0], first["id"]),
        _measure(text, "gad7", [1, 1, 2, 0, 1, 1, 0], first["id"]),
        _measure(text, "scale", [6], None, label=text("measure-scale-label")),
        _measure(text, "suds", [45], second["id"]),
    ]
    client["risk_assessments"] = [
        {
            "id": _new_id(),
            "assessed_on": "2024-02-05",
            "ideation": "passive",
            "ideation_details": text("risk-ideation_details"),
            "has_plan": False,
            "plan_details": "",
            "has_intent": False,
            "intent_details": "",
            "access_to_means": True,
            "means_details": text("risk-means_details"),
            "history": text("risk-history"),
            "protective_factors": text("risk-protective_factors"),
            "level": "moderate",
            "actions": text("risk-actions"),
            "created_at": created_on("2024-02-05"),
        }
    ]
    client["safety_plan"] = {
        "id": _new_id(),
        **{
            part: text(f"safety_plan-{part}")
            for part in (
                "warning_signs",
                "coping_strategies",
                "distractions",
                "people_to_ask",
                "professionals",
                "safe_environment",
                "reasons_for_living",
            )
        },
        "created_at": created_on("2024-02-05"),
        "updated_at": created_on("2024-02-12"),
    }
    client["significant_dates"] = [
        {
            "id": _new_id(),
            "label": text("significant_date-label"),
            "falls_on": "2019-10-03",
            "yearly": True,
            "remind_days_before": 14,
            "notes": text("significant_date-notes"),
            "created_at": created_on("2024-01-08"),
        }
    ]
    client["payments"] = [
        {
            "id": _new_id(),
            "session_id": first["id"],
            "amount": "85.00",
            "paid_on": "2024-02-05",
            "method": "card",
            "reference": text("payment-reference"),
            "created_at": created_on("2024-02-05"),
        },
        {
            "id": _new_id(),
            "session_id": None,
            "amount": "40.00",
            "paid_on": "2024-03-01",
            "method": "bank_transfer",
            "reference": "",
            "created_at": created_on("2024-03-01"),
        },
    ]
    consent_id = _new_id()
    client["sharing_consents"] = [
        {
            "id": consent_id,
            "professional_id": professional_id,
            "given_on": "2024-01-20",
            "expires_on": "2025-01-19",
            "withdrawn_on": None,
            "scope": text("consent-scope"),
            "notes": text("consent-notes"),
            "created_at": created_on("2024-01-20"),
            "updated_at": created_on("2024-01-20"),
        },
        {
            "id": _new_id(),
            "professional_id": professional_id,
            "given_on": "2022-03-01",
            "expires_on": "2022-12-31",
            "withdrawn_on": None,
            "scope": "",
            "notes": "",
            "created_at": created_on("2022-03-01"),
            "updated_at": created_on("2022-03-01"),
        },
    ]
    client["disclosures"] = [
        {
            "id": _new_id(),
            "occurred_at": created_on("2024-02-02"),
            "professional_id": professional_id,
            "referral_id": client["referrals"][0]["id"],
            "consent_id": consent_id,
            "what": text("disclosure-what"),
            "recipient": text("disclosure-recipient"),
            "how": text("disclosure-how"),
            "sections": [text("disclosure-section")],
            "without_consent_reason": "",
        },
        {
            "id": _new_id(),
            "occurred_at": created_on("2024-02-06"),
            "professional_id": None,
            "referral_id": None,
            "consent_id": None,
            "what": text("disclosure2-what"),
            "recipient": text("disclosure2-recipient"),
            "how": text("disclosure2-how"),
            "sections": [],
            "without_consent_reason": text("disclosure2-without_consent_reason"),
        },
    ]
    return document


def created_on(day: str) -> str:
    """A timestamp on `day` (records of the built documents are entered at nine)."""
    return f"{day}T09:00:00+00:00"


def _measure(
    text: Callable[[str], str],
    kind: str,
    items: list[int],
    session_id: str | None,
    *,
    label: str = "",
) -> JsonObject:
    return {
        "id": _new_id(),
        "session_id": session_id,
        "kind": kind,
        "taken_on": "2024-02-05",
        "items": items,
        "label": label,
        "notes": text(f"measure-{kind}-notes"),
        "created_at": created_on("2024-02-05"),
    }


class ChildProcess:
    """A Python child speaking in lines: the test writes to its stdin and reads its stdout."""

    def __init__(
        self,
        code: str,
        *args: str | Path,
        env: Mapping[str, str] | None = None,
        stderr: Path | None = None,
    ) -> None:
        self.stderr_path = stderr
        error_file = None if stderr is None else stderr.open("wb")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code, *(str(arg) for arg in args)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=error_file,
                text=True,
                encoding="utf-8",
                env=dict(env) if env is not None else cli_env(),
            )
        finally:
            if error_file is not None:
                error_file.close()
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self._stdin = self.process.stdin
        self._stdout = self.process.stdout

    @property
    def pid(self) -> int:
        return self.process.pid

    def send(self, line: str) -> None:
        self._stdin.write(line + "\n")
        self._stdin.flush()

    def read_line(self) -> str:
        return self._stdout.readline().rstrip("\n")

    def read_lines(self) -> Iterator[str]:
        """Each complete line until the child's output ends (a line cut short is dropped)."""
        for line in self._stdout:
            if line.endswith("\n"):
                yield line.removesuffix("\n")

    def errors(self) -> str:
        """What the child wrote on stderr, if it was kept."""
        if self.stderr_path is None or not self.stderr_path.exists():
            return ""
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def close(self) -> int:
        """Wait for the child to end (killing it if it will not) and close its pipes."""
        try:
            # No timeout here: pytest-timeout ends a test that hangs, and a wait with a
            # timeout polls with time.sleep, which libfaketime breaks (see DEVELOPERS.md).
            return self.process.wait()
        finally:
            self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._stdin.close()
        self._stdout.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.kill()


#: A child that opens the vault in argv[1] with the passphrase on its first stdin
#: line, says "holding", and closes the vault cleanly when it reads another line.
HOLD_VAULT = """
import sys
from pathlib import Path
from therapist_desk.vault.paths import VaultPaths
from therapist_desk.vault import Secret, unlock_vault

vault = unlock_vault(VaultPaths(Path(sys.argv[1])), Secret(passphrase=input()))
print("holding", flush=True)
sys.stdin.readline()
vault.close()
print("closed", flush=True)
"""
