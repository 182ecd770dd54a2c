"""Retention: how long a client's records are kept, the review of those past their date,
and deleting a client for good, leaving no trace of them in the vault's files.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Table, text

from tests.core.conftest import Clock
from tests.system.helpers import export_of
from therapist_desk.db.base import Base
from therapist_desk.db.record_codec import sealed_columns
from therapist_desk.domain.records import (
    Client,
    ClientDetails,
    ContactDetails,
    NoteContent,
    ProfessionalDetails,
    ReferralDetails,
    SessionDetails,
)
from therapist_desk.domain.vocabulary import AuditKind, ClientStatus, NoteFormat, SessionKind
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records import retention
from therapist_desk.records.clients import create_client, get_client, list_clients
from therapist_desk.records.contacts import add_contact, list_contacts
from therapist_desk.records.progress_notes import (
    add_addendum,
    get_note_for_session,
    save_draft,
    sign_note,
)
from therapist_desk.records.psychotherapy_notes import (
    list_psychotherapy_notes,
    save_psychotherapy_note,
)
from therapist_desk.records.therapy_sessions import (
    get_session,
    schedule_session,
    sessions_for_client,
)
from therapist_desk.sharing.professionals import add_professional
from therapist_desk.sharing.referrals import create_referral, referrals_for_client
from therapist_desk.vault import Vault, audit
from therapist_desk.vault import settings as vault_settings
from therapist_desk.vault.check import check_vault
from therapist_desk.vault.paths import VaultPaths

ADULT = "7 years after the last service"
MINOR = "3 years after coming of age"


def client_born(born: date | None) -> Client:
    stamp = datetime(2020, 1, 1, tzinfo=UTC)
    return Client("c", ClientDetails(legal_name="Someone", date_of_birth=born), stamp, stamp)


@pytest.mark.parametrize(
    ("born", "last_service", "years", "until", "reason"),
    [
        pytest.param(date(1980, 5, 17), date(2020, 3, 15), 7, date(2027, 3, 15), ADULT, id="adult"),
        pytest.param(None, date(2020, 3, 15), 7, date(2027, 3, 15), ADULT, id="no birth date"),
        pytest.param(
            date(2010, 6, 1), date(2020, 3, 15), 7, date(2031, 6, 1), MINOR, id="minor, age rule"
        ),
        pytest.param(
            date(2001, 6, 1), date(2018, 3, 1), 7, date(2025, 3, 1), ADULT, id="minor, 7 years"
        ),
        pytest.param(
            date(2002, 3, 15), date(2020, 3, 15), 7, date(2027, 3, 15), ADULT, id="on 18th birthday"
        ),
        pytest.param(
            date(2012, 2, 29), date(2020, 6, 1), 7, date(2033, 3, 1), MINOR, id="born 29 Feb"
        ),
        pytest.param(
            date(1992, 2, 29), date(2024, 2, 29), 7, date(2031, 3, 1), ADULT, id="seen 29 Feb"
        ),
        pytest.param(
            date(2008, 2, 29), date(2024, 2, 29), 4, date(2029, 3, 1), MINOR, id="both 29 Feb"
        ),
        pytest.param(
            date(1980, 5, 17), date(2020, 3, 15), 10, date(2030, 3, 15), None, id="ten years"
        ),
    ],
)
def test_records_are_kept_seven_years_or_three_years_past_coming_of_age_whichever_is_later(
    born: date | None, last_service: date, years: int, until: date, reason: str | None
) -> None:
    kept_until, why = retention.keep_until(client_born(born), last_service, years)

    assert kept_until == until
    assert why == (reason or f"{years} years after the last service")


@pytest.fixture
def today(clock: Clock) -> date:
    """Monday 6 May 2024 (the clock of `clocked_vault`)."""
    return clock().date()


def _client_seen_on(vault: Vault, name: str, *days: date, born: date | None = None) -> str:
    client = create_client(
        vault, ClientDetails(legal_name=name, date_of_birth=born, status=ClientStatus.ACTIVE)
    )
    for day in days:
        starts = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        schedule_session(vault, starts, 50, SessionDetails(), [client.id])
    return client.id


def test_the_review_lists_only_clients_past_their_date_and_deletes_nothing(
    clocked_vault: Vault, today: date
) -> None:
    vault = clocked_vault
    old = _client_seen_on(vault, "Seen In 2016", date(2015, 3, 2), date(2016, 1, 10))
    _client_seen_on(vault, "Seen In 2020", date(2020, 1, 10))
    _client_seen_on(vault, "Seen As A Child", date(2016, 6, 1), born=date(2005, 1, 1))
    _client_seen_on(vault, "Keep Until Today", date(2017, 5, 6))
    discharged = create_client(
        vault,
        ClientDetails(
            legal_name="Discharged In 2015",
            status=ClientStatus.DISCHARGED,
            intake_date=date(2014, 9, 1),
            discharge_date=date(2015, 2, 1),
        ),
    ).id
    # Back after eight years: the old sessions are long past, but the next one is booked.
    _client_seen_on(vault, "Coming Back", date(2016, 2, 1), today + timedelta(days=7))
    before = export_of(vault, include_psychotherapy_notes=True)

    past = retention.past_retention(vault, today)

    assert [(item.client.id, item.keep_until) for item in past] == [
        (discharged, date(2022, 2, 1)),
        (old, date(2023, 1, 10)),
    ]
    assert past[1].last_service == date(2016, 1, 10)
    review = {item.client.details.legal_name: item for item in retention.retention_review(vault)}
    assert review["Seen As A Child"].keep_until == date(2026, 1, 1)
    assert review["Seen As A Child"].reason == MINOR
    assert review["Keep Until Today"].keep_until == today
    assert review["Coming Back"].keep_until == date(2031, 5, 13)
    assert review["Coming Back"].reason == "a session is booked for 2024-05-13"
    # A day later, the client kept until today is due for review too.
    tomorrow = [
        item.client.details.legal_name
        for item in retention.past_retention(vault, today + timedelta(days=1))
    ]
    assert "Keep Until Today" in tomorrow
    assert export_of(vault, include_psychotherapy_notes=True) == before


@pytest.mark.parametrize(
    ("setting", "years"), [("10", 10), ("3", 3), ("0", 1), ("seven", 7), ("", 7)]
)
def test_the_retention_period_is_a_setting_of_the_vault(
    clocked_vault: Vault, today: date, setting: str, years: int
) -> None:
    seen = date(2016, 1, 10)
    _client_seen_on(clocked_vault, "Seen In 2016", seen)
    vault_settings.set_setting(clocked_vault, vault_settings.RETENTION_YEARS, setting)

    [item] = retention.retention_review(clocked_vault, today)

    assert vault_settings.retention_years(clocked_vault) == years
    assert item.keep_until == date(2016 + years, 1, 10)
    assert [p.client.id for p in retention.past_retention(clocked_vault, today)] == (
        [item.client.id] if 2016 + years < 2024 else []
    )


# -- deleting a client ------------------------------------------------------------

MONDAY = datetime(2024, 4, 29, 10, tzinfo=UTC)


class Practice:
    """Two clients: Amira with records of her own, and a couple session shared with Jonas."""

    def __init__(self, vault: Vault) -> None:
        self.amira = create_client(
            vault,
            ClientDetails(
                legal_name="Amira Haddad",
                phone="07700 900417",
                date_of_birth=date(1988, 4, 2),
                address="3 Quay Street",
            ),
        ).id
        self.jonas = create_client(vault, ClientDetails(legal_name="Jonas Berg")).id
        add_contact(vault, self.amira, ContactDetails(name="Samir Haddad", relationship="brother"))
        gp = add_professional(vault, ProfessionalDetails(name="Dr Priya Shah"))
        create_referral(vault, self.amira, gp.id, ReferralDetails(reason="Medication review"))
        self.own = schedule_session(vault, MONDAY, 50, SessionDetails(), [self.amira]).id
        note = save_draft(vault, self.own, self._note("Grief after her father's death."))
        sign_note(vault, note.id)
        add_addendum(vault, note.id, "Phoned: the exercise helped.")
        save_psychotherapy_note(vault, self.amira, "Felt protective.", session_id=self.own)
        self.joint = schedule_session(
            vault,
            MONDAY + timedelta(days=1),
            80,
            SessionDetails(kind=SessionKind.COUPLE),
            [self.amira, self.jonas],
        ).id
        save_draft(vault, self.joint, self._note("Both spoke about the move."))
        self.jonas_own = schedule_session(
            vault, MONDAY + timedelta(days=2), 50, SessionDetails(), [self.jonas]
        ).id
        save_draft(vault, self.jonas_own, self._note("Jonas alone: work stress."))

    @staticmethod
    def _note(words: str) -> NoteContent:
        return NoteContent(format=NoteFormat.FREE, sections={"note": words})


def _amira_only_rows(practice: Practice) -> dict[str, str]:
    """table → the condition selecting the rows that are Amira's alone."""
    own = f"'{practice.own}'"
    return {
        "clients": f"id = '{practice.amira}'",
        "contacts": f"client_id = '{practice.amira}'",
        "referrals": f"client_id = '{practice.amira}'",
        "psychotherapy_notes": f"client_id = '{practice.amira}'",
        "session_attendees": f"client_id = '{practice.amira}'",
        "therapy_sessions": f"id = {own}",
        "progress_notes": f"session_id = {own}",
        "note_addenda": f"note_id IN (SELECT id FROM progress_notes WHERE session_id = {own})",
    }


def _sealed_values(vault: Vault, practice: Practice) -> dict[tuple[str, str, str], bytes]:
    """Every ciphertext stored for Amira alone: (table, column, row id) → bytes."""
    found = {}
    with vault.engine.connect() as connection:
        for name, condition in _amira_only_rows(practice).items():
            table = Base.metadata.tables[name]
            assert isinstance(table, Table)
            columns = sealed_columns(table)
            rows = connection.execute(
                text(f"SELECT id, {', '.join(columns)} FROM {name} WHERE {condition}")
            ).all()
            assert rows, f"Amira has no rows in {name}"
            for row in rows:
                for column, blob in zip(columns, row[1:], strict=True):
                    found[(name, column, row[0])] = bytes(blob)
    return found


def _on_disk(paths: VaultPaths) -> bytes:
    """The vault file and its write-ahead log, as raw bytes."""
    files = (paths.database, paths.database.with_name("vault.sqlite3-wal"))
    return b"".join(path.read_bytes() for path in files if path.exists())


def _files(paths: VaultPaths) -> dict[str, bytes]:
    files = (paths.database, paths.database.with_name("vault.sqlite3-wal"))
    return {path.name: path.read_bytes() for path in files if path.exists()}


@pytest.mark.parametrize("typed", ["Amira", "amira haddad", "Jonas Berg", ""])
def test_deleting_needs_the_clients_full_legal_name_typed_exactly(
    clocked_vault: Vault, typed: str
) -> None:
    practice = Practice(clocked_vault)
    files = _files(clocked_vault.paths)
    events = audit.events(clocked_vault)

    with pytest.raises(InvalidInput, match="full legal name"):
        retention.delete_client(clocked_vault, practice.amira, typed)

    assert _files(clocked_vault.paths) == files
    assert audit.events(clocked_vault) == events
    assert get_client(clocked_vault, practice.amira).details.legal_name == "Amira Haddad"


def test_deleting_a_client_removes_what_is_theirs_and_keeps_joint_sessions_for_the_other(
    clocked_vault: Vault,
) -> None:
    vault = clocked_vault
    practice = Practice(vault)
    joint_note = get_note_for_session(vault, practice.joint)
    jonas_note = get_note_for_session(vault, practice.jonas_own)

    deleted = retention.delete_client(vault, practice.amira, "  Amira Haddad ")

    assert deleted == retention.ClientDeleted(sessions_removed=1)
    with pytest.raises(RecordNotFound):
        get_client(vault, practice.amira)
    assert [client.id for client in list_clients(vault)] == [practice.jonas]
    assert list_contacts(vault, practice.amira) == []
    assert referrals_for_client(vault, practice.amira) == []
    assert list_psychotherapy_notes(vault, practice.amira) == []
    with pytest.raises(RecordNotFound):
        get_session(vault, practice.own)
    with vault.engine.connect() as connection:
        for table, condition in _amira_only_rows(practice).items():
            count = connection.execute(text(f"SELECT count(*) FROM {table} WHERE {condition}"))
            assert count.scalar_one() == 0, table
    # The couple session stays in Jonas's record, with its note, and only him attending.
    joint = get_session(vault, practice.joint)
    assert joint.client_ids == (practice.jonas,)
    assert get_note_for_session(vault, practice.joint) == joint_note
    assert get_note_for_session(vault, practice.jonas_own) == jonas_note
    assert [s.id for s in sessions_for_client(vault, practice.jonas)] == [
        practice.jonas_own,
        practice.joint,
    ]
    [entry] = audit.events(vault, kind=AuditKind.DELETE)
    assert (entry.details.client_id, entry.details.record_id) == (practice.amira,) * 2
    assert check_vault(vault) == []


def test_a_deleted_clients_ciphertext_is_gone_from_the_vault_file_and_its_log(
    clocked_vault: Vault, tmp_path: Path
) -> None:
    vault = clocked_vault
    practice = Practice(vault)
    sealed = _sealed_values(vault, practice)
    before = _on_disk(vault.paths)
    # The search would find them: every one of them is on disk now.
    assert [place for place, blob in sealed.items() if blob not in before] == []

    retention.delete_client(vault, practice.amira, "Amira Haddad")

    after = _on_disk(vault.paths)
    assert [place for place, blob in sealed.items() if blob in after] == []
    assert get_client(vault, practice.jonas).details.legal_name == "Jonas Berg"
    assert check_vault(vault) == []
    # And once the vault is closed as well.
    vault.close()
    closed = _on_disk(vault.paths)
    assert [place for place, blob in sealed.items() if blob in closed] == []
