"""One user action, one transaction: when the last write of an action fails, nothing of the
action is kept.

Each test makes the disk refuse one kind of row as it is written (the last one the action
writes) and then reads the vault from the file again: every earlier write of the same
action must be gone too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from tests.conftest import Reopen
from tests.core.sharing.referral_practice import ReferralPractice, build_referral_practice
from therapist_desk.clinical import session_notes, treatment_plans
from therapist_desk.clinical.treatment_plans import new_goal, new_objective
from therapist_desk.db.models import (
    AuditEventRow,
    ClientRow,
    DisclosureRow,
    NoteObjectivesRow,
    ProgressNoteRow,
    ReferralRow,
    TherapySessionRow,
    TreatmentPlanRow,
)
from therapist_desk.domain.records import (
    ClientDetails,
    NoteContent,
    SessionDetails,
    TreatmentPlanDetails,
)
from therapist_desk.domain.vocabulary import ReferralStatus
from therapist_desk.letters import letters
from therapist_desk.records import retention
from therapist_desk.records.clients import create_client
from therapist_desk.records.progress_notes import get_note_for_session
from therapist_desk.records.therapy_sessions import schedule_session
from therapist_desk.sharing import disclosures, referrals
from therapist_desk.vault import Vault, audit, backups
from therapist_desk.vault import settings as vault_settings


@contextmanager
def refusing(row_type: type[Any]) -> Iterator[None]:
    """While inside, a flush that writes a row of `row_type` fails, as a full or failing
    disk would make it."""

    def before_flush(session: Session, _context: object, _instances: object) -> None:
        for row in (*session.new, *session.dirty, *session.deleted):
            if isinstance(row, row_type):
                raise sqlite3.OperationalError("disk I/O error")

    event.listen(Session, "before_flush", before_flush)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", before_flush)


def _count(vault: Vault, row_type: type[Any]) -> int:
    with vault.reading() as session:
        return session.scalar(select(func.count()).select_from(row_type)) or 0


def _plan_with_objective(vault: Vault, client_id: str) -> str:
    walks = new_objective("Walks outside three times a week", date(2024, 6, 15))
    treatment_plans.save_plan(
        vault,
        client_id,
        TreatmentPlanDetails(goals=(new_goal("Lift low mood", [walks]),)),
    )
    return walks.key


def _session(vault: Vault, client_id: str) -> str:
    starts = vault.now() - timedelta(days=1)
    return schedule_session(vault, starts, 50, SessionDetails(), [client_id]).id


def test_a_note_and_the_objectives_it_worked_on_are_saved_together_or_not_at_all(
    clocked_vault: Vault, reopen: Reopen
) -> None:
    vault = clocked_vault
    client_id = create_client(vault, ClientDetails(legal_name="Amira Haddad")).id
    objective = _plan_with_objective(vault, client_id)
    session_id = _session(vault, client_id)
    audit_entries = _count(vault, AuditEventRow)

    with refusing(NoteObjectivesRow), pytest.raises(sqlite3.OperationalError):
        session_notes.save_draft(
            vault, session_id, NoteContent(sections={"plan": "Walk daily."}), [objective]
        )

    vault = reopen(vault)
    assert get_note_for_session(vault, session_id) is None
    assert _count(vault, NoteObjectivesRow) == 0
    assert _count(vault, AuditEventRow) == audit_entries + 2  # the lock and unlock of reopening


def test_signing_saves_the_last_words_and_signs_in_one_commit(
    clocked_vault: Vault, reopen: Reopen
) -> None:
    vault = clocked_vault
    client_id = create_client(vault, ClientDetails(legal_name="Amira Haddad")).id
    objective = _plan_with_objective(vault, client_id)
    session_id = _session(vault, client_id)
    first = NoteContent(sections={"plan": "First words."})
    session_notes.save_draft(vault, session_id, first, [])

    # The signature's entry in the audit trail is the last row signing writes.
    real_record = audit.record

    def refuse_signature(session: Session, vault_: Vault, kind: Any, **kwargs: Any) -> None:
        if kind.name == "SIGN":
            raise sqlite3.OperationalError("disk I/O error")
        real_record(session, vault_, kind, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audit, "record", refuse_signature)
        with pytest.raises(sqlite3.OperationalError):
            session_notes.sign_draft(
                vault, session_id, NoteContent(sections={"plan": "Last words."}), [objective]
            )

    vault = reopen(vault)
    note = get_note_for_session(vault, session_id)
    assert note is not None
    assert note.signed_at is None
    assert note.content == first  # the last words were not kept without their signature
    assert treatment_plans.note_objectives(vault, note.id) == ()


def test_a_referral_letter_its_disclosure_status_and_wording_are_kept_together(
    clocked_vault: Vault, reopen: Reopen
) -> None:
    vault = clocked_vault
    practice: ReferralPractice = build_referral_practice(vault)
    before = referrals.get_referral(vault, practice.referral_id)
    assert before.details.status is ReferralStatus.DRAFT
    parties = letters.referral_parties(vault, practice.referral_id)

    # The referral marked sent, with its wording, is the last write.
    with refusing(ReferralRow), pytest.raises(sqlite3.OperationalError):
        letters.record_sent(
            vault,
            parties,
            what="referral letter",
            how="saved as PDF: letter.pdf",
            on=vault.now().date(),
            without_consent_reason="The client is at risk tonight.",
            letter_text="Would you see her this week?",
            content="The letter as printed.",
        )

    vault = reopen(vault)
    assert disclosures.disclosures_for_client(vault, practice.client_id) == []
    after = referrals.get_referral(vault, practice.referral_id)
    assert after.details == before.details


def test_deleting_a_client_keeps_everything_when_the_last_write_fails(
    clocked_vault: Vault, reopen: Reopen
) -> None:
    vault = clocked_vault
    client_id = create_client(vault, ClientDetails(legal_name="Amira Haddad")).id
    session_id = _session(vault, client_id)
    session_notes.save_draft(vault, session_id, NoteContent(sections={"plan": "Kept."}))

    # The deletion's entry in the trail comes last.
    with refusing(AuditEventRow), pytest.raises(sqlite3.OperationalError):
        retention.delete_client(vault, client_id, "Amira Haddad")

    vault = reopen(vault)
    assert _count(vault, ClientRow) == 1
    assert _count(vault, TherapySessionRow) == 1
    assert _count(vault, ProgressNoteRow) == 1


def test_revising_a_plan_with_unsaved_changes_is_one_commit(
    clocked_vault: Vault, reopen: Reopen
) -> None:
    vault = clocked_vault
    client_id = create_client(vault, ClientDetails(legal_name="Amira Haddad")).id
    _plan_with_objective(vault, client_id)
    saved = treatment_plans.current_plan(vault, client_id)
    assert saved is not None
    changed = TreatmentPlanDetails(
        goals=saved.details.goals, presenting_problems="Changed just before revising."
    )
    original_add = Session.add

    def refuse_new_version(session: Session, row: object, _warn: bool = True) -> None:
        if isinstance(row, TreatmentPlanRow) and row.version == 2:
            raise sqlite3.OperationalError("disk I/O error")
        original_add(session, row)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Session, "add", refuse_new_version)
        with pytest.raises(sqlite3.OperationalError):
            treatment_plans.revise_plan(vault, client_id, changed)

    vault = reopen(vault)
    versions = treatment_plans.plan_versions(vault, client_id)
    assert [plan.version for plan in versions] == [1]
    assert versions[0].details == saved.details  # the unsaved changes went with it


def test_a_backup_is_recorded_in_the_settings_and_the_trail_together(
    clocked_vault: Vault, reopen: Reopen, tmp_path: Path
) -> None:
    vault = clocked_vault
    folder = tmp_path / "backups"
    folder.mkdir()
    with refusing(AuditEventRow), pytest.raises(sqlite3.OperationalError):
        backups.make_backup(vault, folder)
    vault = reopen(vault)
    assert vault_settings.backup_state(vault).last_backup_at is None


def test_a_failed_disclosure_leaves_no_entry_in_the_trail(
    clocked_vault: Vault, reopen: Reopen
) -> None:
    vault = clocked_vault
    practice = build_referral_practice(vault)
    entries = _count(vault, AuditEventRow)
    with refusing(DisclosureRow), pytest.raises(sqlite3.OperationalError):
        disclosures.record_document_sent(
            vault,
            practice.client_id,
            "safety plan",
            disclosures.DocumentSent(disclosures.Delivery.PRINTED),
            record_id=practice.client_id,
        )
    vault = reopen(vault)
    assert _count(vault, AuditEventRow) == entries + 2  # the lock and unlock of reopening
