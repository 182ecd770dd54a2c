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
    build_clinical_document,
    build_document,
    copy_vault,
    export_in_process,
    make_vault,
    open_vault,
    run_cli,
    sha256_of,
)
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import ExitStatus
from therapist_desk.interchange.importing import import_document
from therapist_desk.vault import audit


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
    # Its first client has a clinical record, which a refused import must leave alone too.
    document = build_clinical_document(lambda place: f"Text of {place}")
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


def _fresh_clinical() -> JsonObject:
    """A valid version-2 document with new ids, its first client with every clinical record."""
    return build_clinical_document(lambda place: f"New text of {place}")


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
            "$.clients[0].legal_name: text is expected, not 42",
            "$.clients[0].sessions[0].duration_minutes: a whole number is expected, not 'fifty'",
            "$.clients[1].contacts[0].consent_to_contact: true or false is expected, not 'yes'",
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
            "$.clients[0]: ‘status’ is missing and must be given",
            "$.clients[0].sessions[1]: ‘starts_at’ is missing and must be given",
            "$.professionals[0]: ‘name’ is missing and must be given",
        ),
    )


def impossible_dates(_target: Target) -> Case:
    document = _fresh()
    document["clients"][0]["date_of_birth"] = "2023-02-30"
    document["clients"][0]["sessions"][0]["starts_at"] = "2024-13-01T10:00:00+00:00"
    return Case(
        _encode(document),
        (
            "$.clients[0].date_of_birth: '2023-02-30' is not a date (YYYY-MM-DD)",
            "$.clients[0].sessions[0].starts_at: '2024-13-01T10:00:00+00:00' is not a date and "
            "time",
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
            "$.clients[0].status: must be 'enquiry', 'waitlist', 'active' or 'discharged', not "
            "'retired'",
            "$.clients[0].sessions[0].attendees[0].attendance: must be 'scheduled', ",
            "$.clients[0].sessions[0].note.format: must be 'soap', 'dap', 'birp' or 'free', "
            "not 'narrative'",
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


def a_series_repeating_at_an_interval_the_program_does_not_offer(_target: Target) -> Case:
    """Booking offers weekly, fortnightly and four-weekly series: nothing else can come in."""
    document = _fresh_clinical()
    document["session_series"][0]["interval_weeks"] = 3
    return Case(
        _encode(document),
        (
            "$.session_series[0].interval_weeks: must be 1, 2 or 4 (every week, every two weeks "
            "or every four weeks, as the booking dialog offers), not 3",
        ),
    )


def values_out_of_range_are_named_in_plain_words(_target: Target) -> Case:
    document = _fresh_clinical()
    client = document["clients"][0]
    client["measures"][0]["items"][0] = "2"
    client["measures"][1]["items"][1] = None
    client["measures"][3]["items"][0] = 150
    client["measures"][2]["items"][0] = -1
    document["clients"][1]["legal_name"] = ""
    document["clients"][2]["legal_name"] = "x" * 201
    return Case(
        _encode(document),
        (
            "$.clients[0].measures[0].items[0]: a whole number is expected, not '2'",
            "$.clients[0].measures[1].items[1]: a whole number is expected, not null",
            "$.clients[0].measures[2].items[0]: is at least 0, not -1",
            "$.clients[0].measures[3].items[0]: is at most 100, not 150",
            "$.clients[1].legal_name: must not be empty",
            "$.clients[2].legal_name: is at most 200 characters long, not 201",
        ),
    )


def several_schema_problems_at_once(_target: Target) -> Case:
    document = _fresh()
    document["format"] = "therapist-desk/3"
    document["clients"][0]["email"] = None
    document["clients"][1]["sessions"][0]["fee"] = "ninety"
    document["clients"][2]["surname"] = "Extra"
    document["vocabulary"][0]["category"] = "school"
    return Case(
        _encode(document),
        (
            "$.format: 'therapist-desk/3' was written by a newer version of Therapist Desk",
            "$.clients[0].email: text is expected, not null",
            "$.clients[1].sessions[0].fee: 'ninety' is not an amount written as text",
            "$.clients[2]: ‘surname’ is not a field of this format",
            "$.vocabulary[0].category: must be 'approach', 'technique' or 'intervention', not "
            "'school'",
        ),
    )


# -- the clinical record (version 2) ----------------------------------------------------


def measures_that_cannot_be_scored(_target: Target) -> Case:
    document = _fresh_clinical()
    phq9, gad7, scale, suds = document["clients"][0]["measures"]
    phq9["items"] = phq9["items"][:8]
    gad7["items"][2] = 4
    scale["items"] = [11]
    suds["items"] = [40, 50]
    return Case(
        _encode(document),
        (
            "$.clients[0].measures[0]: The PHQ-9 has 9 items; 8 were answered.",
            "$.clients[0].measures[1]: GAD-7 item 3 is answered 0 to 3, not 4.",
            "$.clients[0].measures[2]: A 0–10 scale rating is 0 to 10, not 11.",
            "$.clients[0].measures[3]: A SUDS rating is one number; 2 were given.",
        ),
    )


def diagnoses_the_program_would_not_save(_target: Target) -> Case:
    document = _fresh_clinical()
    resolved, confirmed = document["clients"][0]["diagnoses"]
    assert (resolved["status"], confirmed["status"]) == ("resolved", "confirmed")
    confirmed["code"] = "X99.9"
    resolved["resolved_on"] = None
    return Case(
        _encode(document),
        (
            "$.clients[0].diagnoses[0]: A resolved diagnosis needs the date it was resolved.",
            "$.clients[0].diagnoses[1]: X99.9 is not an ICD-10 code for mental health",
        ),
    )


def objectives_in_no_plan_of_the_session(_target: Target) -> Case:
    document = _fresh_clinical()
    client, other = document["clients"][:2]
    other_plan = copy.deepcopy(client["treatment_plans"][0])
    other_plan["id"] = "0b1d7a54-6a36-4c3e-9f4b-1f6f1f9d8a01"
    other_plan["goals"] = [
        {
            "key": "goal-of-the-other-client",
            "text": "Their own goal",
            "objectives": [{"key": "objective-of-the-other-client", "text": "Their own step"}],
        }
    ]
    other["treatment_plans"] = [other_plan]
    individual, draft = client["sessions"][:2]
    individual["note"]["objectives"].append("objective-of-the-other-client")
    draft["note"]["objectives"] = ["no-such-objective"]
    return Case(
        _encode(document),
        (
            "$.clients[0].sessions[0].note.objectives[2]: objective "
            "objective-of-the-other-client is in no treatment plan of the session's attendees",
            "$.clients[0].sessions[1].note.objectives[0]: objective no-such-objective "
            "is in no treatment plan of the session's attendees",
        ),
    )


def negative_amounts(_target: Target) -> Case:
    document = _fresh_clinical()
    document["clients"][0]["payments"][0]["amount"] = "-90.00"
    document["settings"]["default_fee"] = "-1"
    return Case(
        _encode(document),
        (
            "$.clients[0].payments[0].amount: '-90.00' is not an amount written as text",
            "$.settings.default_fee: '-1' is not an amount written as text",
        ),
    )


def payments_the_program_would_not_save(_target: Target) -> Case:
    document = _fresh_clinical()
    client, _other, third = document["clients"]
    for_session, on_account = client["payments"]
    for_session["amount"] = "0"
    on_account["paid_on"] = "2999-01-01"
    third["payments"] = [
        {
            "id": "5a8f2a52-2f7e-4a41-8f0e-2f0b9f0d6c11",
            "session_id": for_session["session_id"],  # the first client's individual session
            "amount": "85.00",
            "paid_on": "2024-02-05",
        }
    ]
    return Case(
        _encode(document),
        (
            "$.clients[0].payments[0]: The amount must be more than zero.",
            "$.clients[0].payments[1]: The payment date (2999-01-01) is in the future.",
            f"$.clients[2].payments[0]: the client did not attend session "
            f"{for_session['session_id']}",
        ),
    )


def clinical_references_that_lead_nowhere(_target: Target) -> Case:
    document = _fresh_clinical()
    client = document["clients"][0]
    nowhere = "3f2504e0-4f89-41d3-9a0c-0305e82c3303"
    client["medications"][1]["prescriber_id"] = nowhere
    client["measures"][0]["session_id"] = nowhere
    client["sessions"][0]["series_id"] = nowhere
    return Case(
        _encode(document),
        (
            f"$.clients[0].sessions[0]: session series {nowhere} is neither in the file "
            "nor in this vault",
            f"$.clients[0].medications[1]: professional {nowhere} is neither in the file "
            "nor in this vault",
            f"$.clients[0].measures[0]: session {nowhere} is neither in the file nor in this vault",
        ),
    )


def clinical_records_the_program_would_not_save(_target: Target) -> Case:
    document = _fresh_clinical()
    client = document["clients"][0]
    client["treatment_plans"][1]["version"] = 1
    client["medications"][0]["stopped_on"] = "2023-05-01"  # before it was started
    client["risk_assessments"][0].update(level="high", actions=" ")
    for part in ("warning_signs", "coping_strategies", "distractions", "people_to_ask"):
        client["safety_plan"][part] = ""
    for part in ("professionals", "safe_environment", "reasons_for_living"):
        client["safety_plan"][part] = " "
    client["significant_dates"][0]["label"] = "  "
    return Case(
        _encode(document),
        (
            "$.clients[0].treatment_plans[1]: version 1 of the treatment plan is listed twice "
            "(first at $.clients[0].treatment_plans[0])",
            "$.clients[0].medications[0]: The stop date (2023-05-01) is before the start date",
            "$.clients[0].risk_assessments[0]: A high risk needs the actions taken",
            "$.clients[0].safety_plan: A safety plan needs at least one of its parts filled in.",
            "$.clients[0].significant_dates[0]: A name for the date is required.",
        ),
    )


def plan_keys_of_another_client(target: Target) -> Case:
    """A goal or objective belongs to one client, whether that client is in the file or not."""
    document = _fresh_clinical()
    _client, other, third = document["clients"]
    in_vault = copy.deepcopy(target.document["clients"][0]["treatment_plans"][0])
    in_vault["id"] = "7c0e7a4e-3d0a-4f55-8a53-0a4c2f1b9e21"
    other["treatment_plans"] = [in_vault]
    in_file = copy.deepcopy(document["clients"][0]["treatment_plans"][0])
    in_file["id"] = "7c0e7a4e-3d0a-4f55-8a53-0a4c2f1b9e22"
    third["treatment_plans"] = [in_file]
    vault_goal, file_goal = in_vault["goals"][0]["key"], in_file["goals"][0]["key"]
    return Case(
        _encode(document),
        (
            f"$.clients[1].treatment_plans[0]: the goal or objective key {vault_goal} "
            "is used by a plan already in this vault",
            f"$.clients[2].treatment_plans[0]: the goal or objective key {file_goal} "
            "is also used by another client's plan (at $.clients[0].treatment_plans[0])",
        ),
    )


def clinical_record_in_a_version_1_document(_target: Target) -> Case:
    document = _fresh_clinical()
    document["format"] = "therapist-desk/1"
    return Case(
        _encode(document),
        (
            "$: ‘session_series’ and ‘settings’ are not fields of this format",
            "$.clients[0]: ‘diagnoses’, ‘disclosures’, ‘measures’, ",
            "$.clients[0].sessions[0].note: ‘objectives’ is not a field of this format",
        ),
    )


def consents_and_disclosures_the_program_would_not_save(_target: Target) -> Case:
    document = _fresh_clinical()
    client = document["clients"][0]
    in_force, expired = client["sharing_consents"]
    in_force.update(given_on="2024-05-01", expires_on="2024-04-01")
    expired["withdrawn_on"] = "2022-01-01"  # before it was given
    client["disclosures"][0]["what"] = ""
    client["disclosures"][1]["how"] = "  "
    return Case(
        _encode(document),
        (
            "$.clients[0].sharing_consents[0]: The expiry date (2024-04-01) is before the date "
            "it was given (2024-05-01).",
            "$.clients[0].sharing_consents[1]: The withdrawal date (2022-01-01) is before the "
            "date it was given (2022-03-01).",
            "$.clients[0].disclosures[0]: What was disclosed is required.",
            "$.clients[0].disclosures[1]: How it was disclosed is required.",
        ),
    )


def consents_and_disclosures_missing_what_they_need(_target: Target) -> Case:
    document = _fresh_clinical()
    client = document["clients"][0]
    del client["sharing_consents"][0]["given_on"]
    client["sharing_consents"][1]["professional_id"] = None
    del client["disclosures"][0]["occurred_at"]
    client["disclosures"][1]["sections"] = "everything"
    return Case(
        _encode(document),
        (
            "$.clients[0].sharing_consents[0]: ‘given_on’ is missing and must be given",
            "$.clients[0].sharing_consents[1].professional_id: text is expected, not null",
            "$.clients[0].disclosures[0]: ‘occurred_at’ is missing and must be given",
            "$.clients[0].disclosures[1].sections: a list ([…]) is expected, not 'everything'",
        ),
    )


def sharing_references_that_lead_nowhere(_target: Target) -> Case:
    document = _fresh_clinical()
    client = document["clients"][0]
    nowhere = "3f2504e0-4f89-41d3-9a0c-0305e82c3303"
    client["sharing_consents"][1]["professional_id"] = nowhere
    first, second = client["disclosures"]
    first.update(referral_id=nowhere, consent_id=nowhere)
    second["professional_id"] = nowhere
    return Case(
        _encode(document),
        (
            f"$.clients[0].sharing_consents[1]: professional {nowhere} is neither in the file "
            "nor in this vault",
            f"$.clients[0].disclosures[0]: referral {nowhere} is neither in the file nor in "
            "this vault",
            f"$.clients[0].disclosures[0]: consent {nowhere} is neither in the file nor in "
            "this vault",
            f"$.clients[0].disclosures[1]: professional {nowhere} is neither in the file nor "
            "in this vault",
        ),
    )


def disclosures_naming_another_clients_records(target: Target) -> Case:
    """A disclosure goes out under its own client's referral and consent, not another's."""
    document = _fresh_clinical()
    own, other, _third = document["clients"]
    in_vault = target.document["clients"][0]
    moved = copy.deepcopy(own["disclosures"][0])
    moved["id"] = "7c0e7a4e-3d0a-4f55-8a53-0a4c2f1b9e23"
    other["disclosures"] = [moved]
    own["disclosures"][1].update(
        referral_id=in_vault["referrals"][0]["id"],
        consent_id=in_vault["sharing_consents"][0]["id"],
    )
    return Case(
        _encode(document),
        (
            f"$.clients[1].disclosures[0]: referral {moved['referral_id']} belongs to another "
            "client",
            f"$.clients[1].disclosures[0]: consent {moved['consent_id']} belongs to another client",
            f"$.clients[0].disclosures[1]: referral {in_vault['referrals'][0]['id']} belongs "
            "to another client",
            f"$.clients[0].disclosures[1]: consent {in_vault['sharing_consents'][0]['id']} "
            "belongs to another client",
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
    a_series_repeating_at_an_interval_the_program_does_not_offer,
    values_out_of_range_are_named_in_plain_words,
    measures_that_cannot_be_scored,
    diagnoses_the_program_would_not_save,
    objectives_in_no_plan_of_the_session,
    negative_amounts,
    payments_the_program_would_not_save,
    clinical_references_that_lead_nowhere,
    clinical_records_the_program_would_not_save,
    plan_keys_of_another_client,
    clinical_record_in_a_version_1_document,
    consents_and_disclosures_the_program_would_not_save,
    consents_and_disclosures_missing_what_they_need,
    sharing_references_that_lead_nowhere,
    disclosures_naming_another_clients_records,
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


def test_the_unbroken_clinical_document_imports(tmp_path: Path, target: Target) -> None:
    """The clinical cases above fail for their own fault too."""
    data_dir = copy_vault(target.data_dir, tmp_path / "vault")
    good = tmp_path / "good.json"
    good.write_bytes(_encode(_fresh_clinical()))

    result = run_cli("import", good, "--data-dir", data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.OK, result.stderr
    assert (
        "1 session series, 2 treatment plan versions, 2 diagnoses, 2 medications, 4 measures, "
        "1 risk assessments, 1 safety plans, 1 significant dates, 2 payments, "
        "2 consents to share, 2 disclosures, 2 objective links"
    ) in result.stdout


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
