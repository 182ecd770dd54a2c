"""Progress notes: drafts, signing (which locks the note), addenda, and notes still due."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import Reopen
from tests.core.conftest import Clock
from therapist_desk.db.models import ProgressNoteRow
from therapist_desk.domain.records import ClientDetails, NoteContent, SessionDetails
from therapist_desk.domain.signatures import note_content_hash
from therapist_desk.domain.vocabulary import Attendance, NoteFormat, SessionKind
from therapist_desk.errors import InvalidInput, NoteIsSigned
from therapist_desk.records.clients import create_client
from therapist_desk.records.progress_notes import (
    add_addendum,
    get_note,
    get_note_for_session,
    notes_due,
    save_draft,
    sign_note,
)
from therapist_desk.records.therapy_sessions import schedule_session, set_attendance
from therapist_desk.vault import Vault
from therapist_desk.vault.check import check_vault

CONTENT = NoteContent(
    format=NoteFormat.SOAP,
    sections={
        "subjective": "Reports sleeping better.",
        "objective": "Calm, good eye contact.",
        "assessment": "Low mood lifting.",
        "plan": "Continue graded activity.",
    },
    techniques=("Reflection",),
    interventions=(),
    mood=6,
    risk_flag=False,
)
SIGNED_AT = datetime(2024, 5, 6, 11, 0, tzinfo=UTC)


@pytest.fixture
def client_id(clocked_vault: Vault) -> str:
    return create_client(clocked_vault, ClientDetails(legal_name="Amira Haddad")).id


def book(vault: Vault, client_id: str, days_from_now: float) -> str:
    """An individual session `days_from_now` days from the vault's "now" (negative: past)."""
    starts = vault.now() + timedelta(days=days_from_now)
    return schedule_session(vault, starts, 50, SessionDetails(), [client_id]).id


def test_a_draft_is_saved_and_overwritten_in_place(clocked_vault: Vault, client_id: str) -> None:
    session_id = book(clocked_vault, client_id, -1)
    first = save_draft(clocked_vault, session_id, CONTENT)
    edited = replace(CONTENT, mood=7)
    second = save_draft(clocked_vault, session_id, edited)

    assert second.id == first.id
    note = get_note_for_session(clocked_vault, session_id)
    assert note is not None
    assert note.content == edited
    assert not note.is_signed


def test_signing_stores_the_time_and_a_hash_of_exactly_what_was_signed(
    clocked_vault: Vault, clock: Clock, client_id: str, reopen: Reopen
) -> None:
    session_id = book(clocked_vault, client_id, -1)
    draft = save_draft(clocked_vault, session_id, CONTENT)
    signed_at = clock.advance(hours=2)

    signed = sign_note(clocked_vault, draft.id)

    assert signed.signed_at == signed_at
    assert signed.content_hash == note_content_hash(session_id, CONTENT, signed_at)
    reopened = reopen(clocked_vault)
    note = get_note(reopened, draft.id)
    assert note.signed_at == signed_at
    assert note.content == CONTENT
    assert note.content_hash == note_content_hash(session_id, note.content, note.signed_at)
    assert check_vault(reopened) == []


def test_the_hash_changes_with_any_word_of_the_note() -> None:
    """Whatever the signature vouches for (words, ratings, session, time) is in the hash."""
    base = note_content_hash("session-1", CONTENT, SIGNED_AT)
    changed_word = replace(CONTENT, sections={**CONTENT.sections, "plan": "Stop."})
    assert note_content_hash("session-1", changed_word, SIGNED_AT) != base
    assert note_content_hash("session-1", replace(CONTENT, mood=5), SIGNED_AT) != base
    assert note_content_hash("session-2", CONTENT, SIGNED_AT) != base
    assert note_content_hash("session-1", CONTENT, SIGNED_AT + timedelta(seconds=1)) != base


def test_a_signed_note_cannot_be_changed_or_signed_again(
    clocked_vault: Vault, client_id: str
) -> None:
    session_id = book(clocked_vault, client_id, -1)
    note_id = save_draft(clocked_vault, session_id, CONTENT).id
    signed = sign_note(clocked_vault, note_id)

    with pytest.raises(NoteIsSigned, match="addendum"):
        save_draft(clocked_vault, session_id, replace(CONTENT, mood=1))
    with pytest.raises(NoteIsSigned):
        sign_note(clocked_vault, note_id)

    after = get_note(clocked_vault, note_id)
    assert after.content == CONTENT
    assert after.signed_at == signed.signed_at
    assert after.content_hash == signed.content_hash


def test_a_signed_note_altered_behind_the_programs_back_is_caught_by_verify(
    clocked_vault: Vault, client_id: str
) -> None:
    """Re-encrypting different words in place is not enough to forge a signed note."""
    session_id = book(clocked_vault, client_id, -1)
    note_id = save_draft(clocked_vault, session_id, CONTENT).id
    sign_note(clocked_vault, note_id)
    with clocked_vault.transaction() as session:
        row = session.scalars(select(ProgressNoteRow)).one()
        altered = {**CONTENT.sections, "assessment": "No concerns."}
        row.sections = clocked_vault.codec.seal("progress_notes", "sections", note_id, altered)

    (problem,) = check_vault(clocked_vault)
    assert (problem.table, problem.row_id) == ("progress_notes", note_id)
    assert "hash" in problem.message


def test_an_addendum_goes_only_below_a_signed_note(
    clocked_vault: Vault, clock: Clock, client_id: str
) -> None:
    session_id = book(clocked_vault, client_id, -1)
    note_id = save_draft(clocked_vault, session_id, CONTENT).id

    with pytest.raises(InvalidInput, match="still a draft"):
        add_addendum(clocked_vault, note_id, "Forgot to mention the dream.")

    sign_note(clocked_vault, note_id)
    first_time = clock.advance(days=1)
    add_addendum(clocked_vault, note_id, "Forgot to mention the dream.")
    clock.advance(days=1)
    add_addendum(clocked_vault, note_id, "Client called to reschedule.")

    addenda = get_note(clocked_vault, note_id).addenda
    assert [a.text for a in addenda] == [
        "Forgot to mention the dream.",
        "Client called to reschedule.",
    ]
    assert addenda[0].created_at == first_time
    assert get_note(clocked_vault, note_id).content == CONTENT


def test_an_empty_addendum_is_refused(clocked_vault: Vault, client_id: str) -> None:
    session_id = book(clocked_vault, client_id, -1)
    note_id = save_draft(clocked_vault, session_id, CONTENT).id
    sign_note(clocked_vault, note_id)
    with pytest.raises(InvalidInput, match="The addendum is required"):
        add_addendum(clocked_vault, note_id, "  \n")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (NoteContent(format=NoteFormat.DAP, sections={"subjective": "x"}), "no section named"),
        (replace(CONTENT, mood=11), "Mood is rated 0 to 10"),
        (replace(CONTENT, techniques=("Reflection", " ")), "techniques is blank"),
    ],
    ids=["section of another format", "mood out of range", "blank technique"],
)
def test_a_note_that_does_not_fit_its_format_is_refused(
    clocked_vault: Vault, client_id: str, content: NoteContent, problem: str
) -> None:
    session_id = book(clocked_vault, client_id, -1)
    with pytest.raises(InvalidInput, match=problem):
        save_draft(clocked_vault, session_id, content)
    assert get_note_for_session(clocked_vault, session_id) is None


def test_notes_due_lists_past_sessions_that_need_a_note_and_nothing_else(
    clocked_vault: Vault, client_id: str
) -> None:
    vault = clocked_vault
    attended_no_note = book(vault, client_id, -1)
    set_attendance(vault, attended_no_note, client_id, Attendance.ATTENDED)
    not_yet_marked = book(vault, client_id, -2)
    with_draft = book(vault, client_id, -3)
    save_draft(vault, with_draft, CONTENT)
    signed = book(vault, client_id, -4)
    sign_note(vault, save_draft(vault, signed, CONTENT).id)
    cancelled = book(vault, client_id, -5)
    set_attendance(vault, cancelled, client_id, Attendance.CANCELLED)
    no_show = book(vault, client_id, -6)
    set_attendance(vault, no_show, client_id, Attendance.NO_SHOW)
    book(vault, client_id, +1)  # still to come

    due = notes_due(vault)

    assert [(d.session.id, d.draft_exists) for d in due] == [
        (attended_no_note, False),
        (not_yet_marked, False),
        (with_draft, True),
    ]


def test_a_joint_session_needs_a_note_if_anyone_came(clocked_vault: Vault, client_id: str) -> None:
    partner = create_client(clocked_vault, ClientDetails(legal_name="Jonas Berg")).id
    starts = clocked_vault.now() - timedelta(days=1)
    couple = schedule_session(
        clocked_vault, starts, 80, SessionDetails(kind=SessionKind.COUPLE), [client_id, partner]
    )
    set_attendance(clocked_vault, couple.id, client_id, Attendance.ATTENDED)
    set_attendance(clocked_vault, couple.id, partner, Attendance.LATE_CANCELLED)
    assert [d.session.id for d in notes_due(clocked_vault)] == [couple.id]
