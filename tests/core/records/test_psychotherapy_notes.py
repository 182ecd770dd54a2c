"""Psychotherapy (process) notes live apart from the clinical record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from therapist_desk.domain.records import ClientDetails, SessionDetails
from therapist_desk.domain.vocabulary import Attendance
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import create_client
from therapist_desk.records.progress_notes import get_note_for_session, notes_due
from therapist_desk.records.psychotherapy_notes import (
    list_psychotherapy_notes,
    save_psychotherapy_note,
)
from therapist_desk.records.therapy_sessions import schedule_session, set_attendance
from therapist_desk.vault import Vault


def row_count(vault: Vault, table: str) -> int:
    with vault.engine.connect() as connection:
        count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    assert isinstance(count, int)
    return count


@pytest.fixture
def client_id(vault: Vault) -> str:
    return create_client(vault, ClientDetails(legal_name="Amira Haddad")).id


def test_a_process_note_is_kept_in_its_own_table_not_with_progress_notes(
    vault: Vault, client_id: str
) -> None:
    """It never turns up where the clinical record (and so a records request) is read."""
    starts = vault.now() - timedelta(days=1)
    session_id = schedule_session(vault, starts, 50, SessionDetails(), [client_id]).id
    set_attendance(vault, session_id, client_id, Attendance.ATTENDED)

    saved = save_psychotherapy_note(
        vault, client_id, "Countertransference: felt protective.", session_id=session_id
    )

    assert row_count(vault, "psychotherapy_notes") == 1
    assert row_count(vault, "progress_notes") == 0
    assert get_note_for_session(vault, session_id) is None
    assert [d.session.id for d in notes_due(vault)] == [session_id]
    (listed,) = list_psychotherapy_notes(vault, client_id)
    assert (listed.id, listed.session_id, listed.text) == (
        saved.id,
        session_id,
        "Countertransference: felt protective.",
    )


def test_a_process_note_can_be_rewritten(vault: Vault, client_id: str) -> None:
    saved = save_psychotherapy_note(vault, client_id, "First thoughts.")
    save_psychotherapy_note(vault, client_id, "Second thoughts.", note_id=saved.id)
    assert [n.text for n in list_psychotherapy_notes(vault, client_id)] == ["Second thoughts."]


def test_another_clients_process_note_cannot_be_overwritten(vault: Vault, client_id: str) -> None:
    other = create_client(vault, ClientDetails(legal_name="Jonas Berg")).id
    theirs = save_psychotherapy_note(vault, other, "About Jonas.")
    with pytest.raises(RecordNotFound):
        save_psychotherapy_note(vault, client_id, "Overwritten?", note_id=theirs.id)
    assert [n.text for n in list_psychotherapy_notes(vault, other)] == ["About Jonas."]
    assert list_psychotherapy_notes(vault, client_id) == []


def test_an_over_long_process_note_is_refused(vault: Vault, client_id: str) -> None:
    with pytest.raises(InvalidInput, match="too long"):
        save_psychotherapy_note(vault, client_id, "x" * 200_001)
    assert list_psychotherapy_notes(vault, client_id) == []
