"""A bad import file is refused whole: exit 2, every problem named by its JSON path, no change.

Each case imports into a copy of one vault that already holds records, then
checks that the vault file is byte-for-byte the same after the command closed
it, and that its export has not changed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.system.helpers import (
    JsonObject,
    build_document,
    copy_vault,
    export_in_process,
    make_vault,
    open_vault,
    run_cli,
    sha256_of,
)
from therapist_desk import audit
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import ExitStatus
from therapist_desk.interchange_import import import_document


@dataclass(frozen=True)
class Target:
    """A closed vault holding one imported document."""

    data_dir: Path
    document: JsonObject
    export: JsonObject
    sha256: str


def assert_only_opened_and_closed(data_dir: Path) -> None:
    """The refused import wrote nothing but the audit entries of opening and closing the vault."""
    with open_vault(data_dir) as vault:
        kinds = [event.details.kind for event in audit.events(vault)]
    # Newest first: this check's own unlock, then the command's lock and unlock.
    assert kinds[:3] == [AuditKind.UNLOCK, AuditKind.LOCK, AuditKind.UNLOCK]
    assert kinds.count(AuditKind.IMPORT) == 1  # only the import that made the target


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Target:
    paths = make_vault(tmp_path_factory.mktemp("import-target") / "vault")
    document = build_document(lambda place: f"Text of {place}")
    with open_vault(paths.data_dir) as vault:
        import_document(vault, document)
    return Target(
        paths.data_dir,
        document,
        export_in_process(paths.data_dir, include_psychotherapy_notes=True),
        sha256_of(paths.database),
    )


def _fresh() -> JsonObject:
    """A valid document with new ids; each case breaks it in its own way."""
    return build_document(lambda place: f"New text of {place}")


def _encode(document: JsonObject) -> bytes:
    return json.dumps(document, indent=1).encode("utf-8")


@dataclass(frozen=True)
class Case:
    """The bytes of a bad file, and the lines expected among the listed problems."""

    content: bytes
    problems: tuple[str, ...] = ()
    #: A phrase of the first line, for files that are refused before any record is read.
    headline: str = "nothing was imported"


def wrong_types(_target: Target) -> Case:
    document = _fresh()
    document["clients"][0]["legal_name"] = 42
    document["clients"][0]["sessions"][0]["duration_minutes"] = "fifty"
    document["clients"][1]["contacts"][0]["consent_to_contact"] = "yes"
    return Case(
        _encode(document),
        (
            "$.clients[0].legal_name: 42 is not of type 'string'",
            "$.clients[0].sessions[0].duration_minutes: 'fifty' is not of type 'integer'",
            "$.clients[1].contacts[0].consent_to_contact: 'yes' is not of type 'boolean'",
        ),
    )


def missing_required_fields(_target: Target) -> Case:
    document = _fresh()
    del document["clients"][0]["status"]
    del document["clients"][0]["sessions"][1]["starts_at"]
    del document["professionals"][0]["name"]
    return Case(
        _encode(document),
        (
            "$.clients[0]: 'status' is a required property",
            "$.clients[0].sessions[1]: 'starts_at' is a required property",
            "$.professionals[0]: 'name' is a required property",
        ),
    )


def impossible_dates(_target: Target) -> Case:
    document = _fresh()
    document["clients"][0]["date_of_birth"] = "2023-02-30"
    document["clients"][0]["sessions"][0]["starts_at"] = "2024-13-01T10:00:00+00:00"
    return Case(
        _encode(document),
        (
            "$.clients[0].date_of_birth: '2023-02-30' is not a 'date'",
            "$.clients[0].sessions[0].starts_at: '2024-13-01T10:00:00+00:00' is not a 'date-time'",
        ),
    )


def unknown_enum_values(_target: Target) -> Case:
    document = _fresh()
    document["clients"][0]["status"] = "retired"
    document["clients"][0]["sessions"][0]["attendees"][0]["attendance"] = "maybe"
    document["clients"][0]["sessions"][0]["note"]["format"] = "narrative"
    return Case(
        _encode(document),
        (
            "$.clients[0].status: 'retired' is not one of",
            "$.clients[0].sessions[0].attendees[0].attendance: 'maybe' is not one of",
            "$.clients[0].sessions[0].note.format: 'narrative' is not one of",
        ),
    )


def duplicate_client_ids_in_the_file(_target: Target) -> Case:
    document = _fresh()
    first = document["clients"][0]["id"]
    document["clients"].append({"id": first, "legal_name": "Someone Else", "status": "enquiry"})
    return Case(
        _encode(document),
        (f"$.clients[3]: the client id {first} is used twice (first at $.clients[0])",),
    )


def client_id_already_in_the_vault(target: Target) -> Case:
    document = _fresh()
    taken = target.document["clients"][0]["id"]
    document["clients"].append({"id": taken, "legal_name": "Someone Else", "status": "enquiry"})
    return Case(
        _encode(document), (f"$.clients[3]: a client with id {taken} is already in this vault",)
    )


def the_whole_file_again(target: Target) -> Case:
    return Case(
        _encode(target.document),
        tuple(
            f"$.clients[{index}]: a client with id {client['id']} is already in this vault"
            for index, client in enumerate(target.document["clients"])
        ),
    )


def truncated_file(target: Target) -> Case:
    whole = _encode(target.export)
    return Case(whole[: len(whole) // 2], headline="looks cut short")


def random_bytes(_target: Target) -> Case:
    return Case(bytes((index * 167 + 13) % 256 for index in range(4096)), headline="not UTF-8")


def plain_text(_target: Target) -> Case:
    return Case(
        b"Dear colleague,\nplease find the notes for Ms Rivera below.\n",
        headline="not valid JSON",
    )


def empty_file(_target: Target) -> Case:
    return Case(b"", headline="The import file is empty")


def blank_file(_target: Target) -> Case:
    return Case(b"  \n\n", headline="The import file is empty")


def attendee_is_an_unknown_client(_target: Target) -> Case:
    document = _fresh()
    stranger = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    group = document["clients"][0]["sessions"][3]
    assert group["kind"] == "group"
    group["attendees"][2]["client_id"] = stranger
    document["clients"][2]["sessions"].remove(group)
    return Case(
        _encode(document),
        (
            f"$.clients[0].sessions[3].attendees[2]: client {stranger} "
            "is neither in the file nor in this vault",
        ),
    )


def too_many_attendees_for_the_kind(_target: Target) -> Case:
    document = _fresh()
    individual = document["clients"][0]["sessions"][0]
    assert individual["kind"] == "individual"
    other = document["clients"][1]
    individual["attendees"].append({"client_id": other["id"], "attendance": "attended"})
    other["sessions"].append(individual)
    return Case(
        _encode(document),
        (
            "$.clients[0].sessions[0].attendees: an individual session has at most "
            "1 attending client, not 2",
        ),
    )


def blank_texts_the_program_requires(_target: Target) -> Case:
    document = _fresh()
    document["clients"][0]["legal_name"] = "   "
    document["clients"][0]["sessions"][0]["note"]["addenda"][0]["text"] = " \n "
    document["vocabulary"][1]["label"] = "  "
    return Case(
        _encode(document),
        (
            "$.clients[0]: Legal name is required.",
            "$.clients[0].sessions[0].note.addenda[0]: the addendum is blank",
            "$.vocabulary[1]: the pick-list term is blank",
        ),
    )


def signed_note_does_not_match_its_hash(_target: Target) -> Case:
    document = _fresh()
    note = document["clients"][0]["sessions"][0]["note"]
    assert note["signed_at"] is not None
    note["sections"]["plan"] += " (changed after signing)"
    return Case(
        _encode(document),
        (
            "$.clients[0].sessions[0].note: the signed note's content does not match "
            "its content hash",
        ),
    )


def several_problems_at_once(target: Target) -> Case:
    document = _fresh()
    stranger = "3f2504e0-4f89-41d3-9a0c-0305e82c3302"
    taken = target.document["clients"][1]["id"]
    document["clients"][0]["sessions"][0]["note"]["mood"] = 7  # no longer what was signed
    document["clients"][0]["referrals"][0]["professional_id"] = stranger
    document["clients"][1]["id"] = taken
    document["clients"][2]["contacts"][0]["consent_to_contact"] = False  # expiry needs consent
    return Case(
        _encode(document),
        (
            "$.clients[0].sessions[0].note: the signed note's content does not match "
            "its content hash",
            f"$.clients[0].referrals[0]: professional {stranger} is neither in the file "
            "nor in this vault",
            f"$.clients[1]: a client with id {taken} is already in this vault",
            "$.clients[2].contacts[0]: A consent expiry date needs consent to contact.",
        ),
    )


def several_schema_problems_at_once(_target: Target) -> Case:
    document = _fresh()
    document["format"] = "therapist-desk/2"
    document["clients"][0]["email"] = None
    document["clients"][1]["sessions"][0]["fee"] = "ninety"
    document["clients"][2]["surname"] = "Extra"
    document["vocabulary"][0]["category"] = "school"
    return Case(
        _encode(document),
        (
            "$.format: 'therapist-desk/1' was expected",
            "$.clients[0].email: None is not of type 'string'",
            "$.clients[1].sessions[0].fee: 'ninety' is not an amount written as text",
            "$.clients[2]: Additional properties are not allowed ('surname' was unexpected)",
            "$.vocabulary[0].category: 'school' is not one of",
        ),
    )


CASES: list[Callable[[Target], Case]] = [
    wrong_types,
    missing_required_fields,
    impossible_dates,
    unknown_enum_values,
    duplicate_client_ids_in_the_file,
    client_id_already_in_the_vault,
    the_whole_file_again,
    truncated_file,
    random_bytes,
    plain_text,
    empty_file,
    blank_file,
    attendee_is_an_unknown_client,
    too_many_attendees_for_the_kind,
    blank_texts_the_program_requires,
    signed_note_does_not_match_its_hash,
    several_problems_at_once,
    several_schema_problems_at_once,
]


@pytest.mark.parametrize("make_case", CASES, ids=[case.__name__ for case in CASES])
def test_bad_import_is_refused_and_changes_nothing(
    tmp_path: Path, target: Target, make_case: Callable[[Target], Case]
) -> None:
    case = make_case(target)
    data_dir = copy_vault(target.data_dir, tmp_path / "vault")
    bad = tmp_path / "bad.json"
    bad.write_bytes(case.content)

    result = run_cli("import", bad, "--data-dir", data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.INVALID_INPUT, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert not result.stdout.startswith("Imported")
    headline, *listed = result.stderr.splitlines()
    assert headline.startswith("therapist-desk: ")
    assert case.headline in headline
    assert "nothing was imported" in headline.lower()
    problems = [line.removeprefix("  - ") for line in listed]
    assert all(line.startswith("  - $") for line in listed), listed
    for expected in case.problems:
        assert any(problem.startswith(expected) for problem in problems), (expected, problems)
    if case.problems:
        count = len(problems)
        assert f"has {count} problem{'s' if count != 1 else ''}" in headline
    else:
        assert problems == []

    assert not (data_dir / "vault.sqlite3-wal").exists()
    assert export_in_process(data_dir, include_psychotherapy_notes=True) == target.export
    assert_only_opened_and_closed(data_dir)


def test_the_unbroken_document_imports(tmp_path: Path, target: Target) -> None:
    """The cases above fail for their own fault: the document they start from is valid."""
    data_dir = copy_vault(target.data_dir, tmp_path / "vault")
    good = tmp_path / "good.json"
    good.write_bytes(_encode(_fresh()))

    result = run_cli("import", good, "--data-dir", data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.OK, result.stderr
    assert result.stdout.startswith(
        "Imported 3 clients, 3 contacts, 4 sessions, 4 progress notes, 2 addenda, 1 referrals, "
        "1 professionals, 2 psychotherapy notes"
    )


def test_a_copy_of_a_session_that_differs_is_refused(tmp_path: Path, target: Target) -> None:
    """A joint session is listed under each attendee; the copies must agree."""
    document = _fresh()
    couple = document["clients"][1]["sessions"][0]
    assert couple["kind"] == "couple"
    changed = copy.deepcopy(couple)
    changed["title"] = "Changed in one copy only"
    document["clients"][1]["sessions"][0] = changed
    data_dir = copy_vault(target.data_dir, tmp_path / "vault")
    bad = tmp_path / "bad.json"
    bad.write_bytes(_encode(document))

    result = run_cli("import", bad, "--data-dir", data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.INVALID_INPUT
    assert (
        f"  - $.clients[1].sessions[0]: session {couple['id']} differs from its copy at "
        "$.clients[0].sessions[2]"
    ) in result.stderr.splitlines()
    assert_only_opened_and_closed(data_dir)
