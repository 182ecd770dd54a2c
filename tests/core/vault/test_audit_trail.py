"""The audit trail: every change leaves an entry naming the record, never what it says,
and an entry removed, altered or forged behind the program's back is named by `verify`.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.conftest import PASSPHRASE
from tests.core.conftest import Clock
from tests.system.helpers import build_document
from therapist_desk.crypto import recovery_key
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.db.models import PracticeProfileRow
from therapist_desk.domain.records import (
    AuditEvent,
    AuditEventDetails,
    ClientDetails,
    ContactDetails,
    NoteContent,
    PracticeProfile,
    ProfessionalDetails,
    ReferralDetails,
    SessionDetails,
)
from therapist_desk.domain.vocabulary import (
    Attendance,
    AuditKind,
    ClientStatus,
    ContactRole,
    NoteFormat,
    TermCategory,
)
from therapist_desk.errors import WrongPassphrase
from therapist_desk.interchange.importing import import_document
from therapist_desk.records import retention
from therapist_desk.records.clients import create_client, update_client
from therapist_desk.records.contacts import add_contact, remove_contact, update_contact
from therapist_desk.records.practice import save_profile
from therapist_desk.records.progress_notes import add_addendum, save_draft, sign_note
from therapist_desk.records.psychotherapy_notes import save_psychotherapy_note
from therapist_desk.records.terms import add_term
from therapist_desk.records.therapy_sessions import delete_session, schedule_session, set_attendance
from therapist_desk.sharing.professionals import add_professional, update_professional
from therapist_desk.sharing.referrals import create_referral, update_referral
from therapist_desk.vault import Secret, Vault, audit, create_vault, unlock_vault
from therapist_desk.vault.check import Problem, check_vault
from therapist_desk.vault.paths import VaultPaths

AUDIT = "audit_events"


class Texts:
    """Every piece of record text the scenario writes, so the trail can be searched for it."""

    def __init__(self) -> None:
        self.used: list[str] = []

    def __call__(self, value: str) -> str:
        self.used.append(value)
        return value


def oldest_first(vault: Vault) -> list[AuditEventDetails]:
    return [event.details for event in reversed(audit.events(vault))]


class Trail:
    """Reads the entries added since the last look."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.seen = len(audit.events(vault))

    def new(self) -> list[AuditEventDetails]:
        entries = oldest_first(self.vault)
        added = entries[self.seen :]
        self.seen = len(entries)
        return added


def entry(kind: AuditKind, client_id: str, record_id: str, detail: str) -> AuditEventDetails:
    return AuditEventDetails(kind, client_id, record_id, detail)


def test_every_change_through_the_services_is_recorded_with_its_client_and_record(
    clocked_vault: Vault, clock: Clock
) -> None:
    vault = clocked_vault
    said = Texts()
    trail = Trail(vault)

    amira = create_client(
        vault,
        ClientDetails(
            legal_name=said("Amira Qasimova-Haddad"),
            phone=said("07700 900 417"),
            status=ClientStatus.ACTIVE,
        ),
    )
    assert trail.new() == [entry(AuditKind.CREATE, amira.id, amira.id, "client")]
    update_client(
        vault, amira.id, ClientDetails(legal_name="Amira Qasimova-Haddad", pronouns=said("she/her"))
    )
    assert trail.new() == [entry(AuditKind.EDIT, amira.id, amira.id, "client")]

    contact = add_contact(
        vault,
        amira.id,
        ContactDetails(role=ContactRole.PARTNER, name=said("Tobias Wrenfield")),
    )
    assert trail.new() == [entry(AuditKind.CREATE, amira.id, contact.id, "contact")]
    update_contact(
        vault,
        contact.id,
        ContactDetails(
            role=ContactRole.PARTNER, name="Tobias Wrenfield", notes=said("works nights")
        ),
    )
    assert trail.new() == [entry(AuditKind.EDIT, amira.id, contact.id, "contact")]
    remove_contact(vault, contact.id)
    assert trail.new() == [entry(AuditKind.DELETE, amira.id, contact.id, "contact")]

    monday = datetime(2024, 5, 6, 10, tzinfo=UTC)
    session = schedule_session(vault, monday, 50, SessionDetails(title=said("Intake")), [amira.id])
    assert trail.new() == [entry(AuditKind.CREATE, amira.id, session.id, "session")]
    set_attendance(vault, session.id, amira.id, Attendance.ATTENDED)
    assert trail.new() == [entry(AuditKind.EDIT, amira.id, session.id, "attendance")]
    mistake = schedule_session(vault, monday + timedelta(days=1), 50, SessionDetails(), [amira.id])
    delete_session(vault, mistake.id)
    assert trail.new() == [
        entry(AuditKind.CREATE, amira.id, mistake.id, "session"),
        entry(AuditKind.DELETE, amira.id, mistake.id, "session"),
    ]

    def draft(words: str) -> NoteContent:
        return NoteContent(format=NoteFormat.FREE, sections={"note": said(words)})

    note = save_draft(vault, session.id, draft("Spoke about the dog that died in March."))
    assert trail.new() == [entry(AuditKind.CREATE, amira.id, note.id, "progress note")]
    # A draft saving itself as the therapist types is one edit per ten minutes.
    for minutes, words in ((1, "sleep is poor"), (2, "sleep is poor, wakes at 4"), (6, "naps")):
        clock.advance(minutes=minutes)
        save_draft(vault, session.id, draft(words))
    assert trail.new() == [entry(AuditKind.EDIT, amira.id, note.id, "progress note")]
    clock.advance(minutes=2)  # 10 minutes after the recorded edit
    save_draft(vault, session.id, draft("naps in the afternoon"))
    assert trail.new() == [entry(AuditKind.EDIT, amira.id, note.id, "progress note")]

    sign_note(vault, note.id)
    assert trail.new() == [entry(AuditKind.SIGN, amira.id, note.id, "progress note")]
    add_addendum(vault, note.id, said("Late entry: sister called about the funeral."))
    assert trail.new() == [entry(AuditKind.ADDENDUM, amira.id, note.id, "progress note")]

    process = save_psychotherapy_note(
        vault, amira.id, said("I felt sleepy; boredom as defence?"), session_id=session.id
    )
    assert trail.new() == [entry(AuditKind.CREATE, amira.id, process.id, "process note")]
    save_psychotherapy_note(vault, amira.id, said("Bring to supervision."), note_id=process.id)
    assert trail.new() == [entry(AuditKind.EDIT, amira.id, process.id, "process note")]

    gp = add_professional(vault, ProfessionalDetails(name=said("Dr Imelda Brackenbury")))
    assert trail.new() == [entry(AuditKind.CREATE, "", gp.id, "professional")]
    update_professional(
        vault, gp.id, ProfessionalDetails(name="Dr Imelda Brackenbury", phone=said("0161 496 0000"))
    )
    assert trail.new() == [entry(AuditKind.EDIT, "", gp.id, "professional")]

    referral = create_referral(
        vault, amira.id, gp.id, ReferralDetails(reason=said("Low mood after bereavement"))
    )
    assert trail.new() == [entry(AuditKind.CREATE, amira.id, referral.id, "referral")]
    update_referral(
        vault,
        referral.id,
        gp.id,
        ReferralDetails(reason="Low mood after bereavement", letter_text=said("Dear Dr B...")),
    )
    assert trail.new() == [entry(AuditKind.EDIT, amira.id, referral.id, "referral")]

    save_profile(vault, PracticeProfile(practice_name=said("Quayside Counselling Rooms")))
    with vault.reading() as session_:
        profile_id = session_.scalars(select(PracticeProfileRow.id)).one()
    assert trail.new() == [entry(AuditKind.EDIT, "", profile_id, "practice profile")]

    add_term(vault, TermCategory.TECHNIQUE, said("Chair work with the lost parent"))
    [term_entry] = trail.new()
    assert (term_entry.kind, term_entry.client_id, term_entry.detail) == (
        AuditKind.CREATE,
        "",
        "pick-list term",
    )
    assert term_entry.record_id

    import_document(vault, build_document(lambda place: said(f"Imported text of {place}")))
    [imported] = trail.new()
    assert imported.kind is AuditKind.IMPORT
    assert imported.detail.startswith("Imported 3 clients, 3 contacts, 4 sessions")

    bea = create_client(vault, ClientDetails(legal_name=said("Beatrix Underhay")))
    trail.new()
    retention.delete_client(vault, bea.id, "Beatrix Underhay")
    assert trail.new() == [
        entry(AuditKind.DELETE, bea.id, bea.id, "client, with 0 sessions of their own")
    ]

    # The trail names records; it never holds what they say.
    events = audit.events(vault)
    assert all(event.damaged == () for event in events)
    leaked = [
        (event.seq, value)
        for event in events
        for value in said.used
        for field in (event.details.client_id, event.details.record_id, event.details.detail)
        if value in field
    ]
    assert leaked == []
    assert check_vault(vault) == []


def test_audit_entries_for_one_client_are_found_by_client(clocked_vault: Vault) -> None:
    first = create_client(clocked_vault, ClientDetails(legal_name="Orla Penhaligon"))
    second = create_client(clocked_vault, ClientDetails(legal_name="Sefton Gale"))
    update_client(clocked_vault, first.id, ClientDetails(legal_name="Orla Penhaligon-Rowe"))

    mine = audit.events(clocked_vault, client_id=first.id)

    assert [event.details.kind for event in mine] == [AuditKind.EDIT, AuditKind.CREATE]
    assert all(event.details.client_id != second.id for event in mine)
    assert [e.seq for e in mine] == sorted((e.seq for e in mine), reverse=True)


def test_create_unlock_and_lock_are_recorded_with_their_times(
    vault_paths: VaultPaths, clock: Clock
) -> None:
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS, clock=clock)
    created_at = clock()
    clock.advance(minutes=5)
    created.vault.close()
    closed_at = clock()
    clock.advance(hours=2)
    with unlock_vault(vault_paths, Secret(passphrase=PASSPHRASE), clock=clock) as vault:
        events = list(reversed(audit.events(vault)))
    unlocked_at = clock()
    clock.advance(minutes=1)
    with unlock_vault(vault_paths, Secret(recovery_key=created.recovery_key), clock=clock) as vault:
        by_key = audit.events(vault)[0]

    assert [(e.seq, e.occurred_at, e.details) for e in events] == [
        (1, created_at, entry(AuditKind.CREATE, "", "", "vault")),
        (2, closed_at, entry(AuditKind.LOCK, "", "", "")),
        (3, unlocked_at, entry(AuditKind.UNLOCK, "", "", "passphrase")),
    ]
    assert by_key.details == entry(AuditKind.UNLOCK, "", "", "recovery key")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_wrong_passphrase_changes_nothing_and_is_recorded_at_the_next_unlock(
    vault_paths: VaultPaths, clock: Clock
) -> None:
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS, clock=clock)
    created.vault.close()
    before = _digest(vault_paths.database)
    clock.advance(hours=3)
    first_attempt = clock()
    wrong = "a noisy harbour at dawn"

    with pytest.raises(WrongPassphrase):
        unlock_vault(vault_paths, Secret(passphrase=wrong), clock=clock)
    clock.advance(seconds=40)
    second_attempt = clock()
    another_key = recovery_key.format_key(recovery_key.generate())  # well formed, not this vault's
    with pytest.raises(WrongPassphrase):
        unlock_vault(vault_paths, Secret(recovery_key=another_key), clock=clock)

    assert _digest(vault_paths.database) == before
    assert not vault_paths.database.with_name("vault.sqlite3-wal").exists()
    noted = vault_paths.failed_unlocks.read_text("ascii")
    assert wrong not in noted
    assert len(noted.splitlines()) == 2

    clock.advance(minutes=5)
    with unlock_vault(vault_paths, Secret(passphrase=PASSPHRASE), clock=clock) as vault:
        latest = list(reversed(audit.events(vault)))[-3:]
        assert check_vault(vault) == []

    assert [(e.occurred_at, e.details) for e in latest] == [
        (first_attempt, entry(AuditKind.FAILED_UNLOCK, "", "", "passphrase")),
        (second_attempt, entry(AuditKind.FAILED_UNLOCK, "", "", "recovery key")),
        (clock(), entry(AuditKind.UNLOCK, "", "", "passphrase")),
    ]
    assert not vault_paths.failed_unlocks.exists()


# -- tampering ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entries:
    """The closed vault with a trail of a dozen entries, and their row ids by seq."""

    paths: VaultPaths
    ids: dict[int, str]


@pytest.fixture
def trail_vault(vault_paths: VaultPaths, clock: Clock) -> Entries:
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS, clock=clock)
    with created.vault as vault:
        for number in range(5):
            clock.advance(minutes=11)
            client = create_client(vault, ClientDetails(legal_name=f"Client number {number}"))
            update_client(vault, client.id, ClientDetails(legal_name=f"Client no. {number}"))
    with meddling(vault_paths) as connection:
        ids = dict(connection.execute(f"SELECT seq, id FROM {AUDIT}").fetchall())
    assert sorted(ids) == list(range(1, 13))
    return Entries(vault_paths, ids)


@contextmanager
def meddling(paths: VaultPaths) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to a closed vault, as a meddling tool would use; commits."""
    connection = sqlite3.connect(paths.database)
    try:
        with connection:
            yield connection
    finally:
        connection.close()


def _problems_after_reopening(paths: VaultPaths) -> list[Problem]:
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        return check_vault(vault)


def test_an_untouched_trail_verifies(trail_vault: Entries) -> None:
    assert _problems_after_reopening(trail_vault.paths) == []


def test_an_entry_removed_from_the_middle_is_reported_where_it_was(trail_vault: Entries) -> None:
    with meddling(trail_vault.paths) as connection:
        connection.execute(f"DELETE FROM {AUDIT} WHERE seq = 6")

    problems = _problems_after_reopening(trail_vault.paths)

    assert [(p.table, p.row_id) for p in problems] == [(AUDIT, trail_vault.ids[7])]
    assert "audit entries 6 to 6 were removed" in problems[0].message


def test_an_altered_chain_value_names_that_entry(trail_vault: Entries) -> None:
    with meddling(trail_vault.paths) as connection:
        connection.execute(f"UPDATE {AUDIT} SET chain = ? WHERE seq = 4", ("0" * 64,))

    problems = _problems_after_reopening(trail_vault.paths)

    assert [(p.table, p.row_id) for p in problems] == [(AUDIT, trail_vault.ids[4])]
    assert "altered" in problems[0].message
    assert "(entry 4)" in problems[0].message


def test_kinds_swapped_between_two_entries_cannot_be_decrypted_and_are_named(
    trail_vault: Entries,
) -> None:
    first, second = trail_vault.ids[3], trail_vault.ids[8]
    with meddling(trail_vault.paths) as connection:
        kinds = dict(
            connection.execute(f"SELECT id, kind FROM {AUDIT} WHERE id IN (?, ?)", (first, second))
        )
        connection.execute(f"UPDATE {AUDIT} SET kind = ? WHERE id = ?", (kinds[second], first))
        connection.execute(f"UPDATE {AUDIT} SET kind = ? WHERE id = ?", (kinds[first], second))

    problems = _problems_after_reopening(trail_vault.paths)

    assert sorted((p.table, p.column, p.row_id) for p in problems) == sorted(
        [(AUDIT, "kind", first), (AUDIT, "kind", second)]
    )
    assert all("cannot be decrypted" in p.message for p in problems)


def test_an_entry_resealed_with_the_real_key_to_another_kind_is_caught_by_the_chain(
    trail_vault: Entries,
) -> None:
    """Someone holding the data key can forge a readable value, but not the chain."""
    forged_id = trail_vault.ids[5]  # an edit of a client
    with unlock_vault(trail_vault.paths, Secret(passphrase=PASSPHRASE)) as vault:
        forged = vault.codec.seal(AUDIT, "kind", forged_id, AuditKind.VIEW)
        with vault.engine.begin() as connection:
            connection.execute(
                text(f"UPDATE {AUDIT} SET kind = :kind WHERE id = :id"),
                {"kind": forged, "id": forged_id},
            )
        problems = check_vault(vault)
        shown = {event.seq: event for event in audit.events(vault)}

    assert [(p.table, p.column, p.row_id) for p in problems] == [(AUDIT, None, forged_id)]
    assert "the audit entry was altered (entry 5)" in problems[0].message
    # The forged value reads back, so only the chain shows the lie.
    forged_event: AuditEvent = shown[5]
    assert forged_event.details.kind is AuditKind.VIEW
    assert forged_event.damaged == ()


def test_failed_unlocks_noted_beside_the_vault_hold_no_secret(
    vault_paths: VaultPaths, clock: Clock
) -> None:
    create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS, clock=clock).vault.close()
    for attempt in ("hunter2 hunter2 hunter2", PASSPHRASE.upper()):
        with pytest.raises(WrongPassphrase):
            unlock_vault(vault_paths, Secret(passphrase=attempt), clock=clock)
        assert attempt not in vault_paths.failed_unlocks.read_text("ascii")
    assert date.fromisoformat(vault_paths.failed_unlocks.read_text("ascii")[:10]) == clock().date()
