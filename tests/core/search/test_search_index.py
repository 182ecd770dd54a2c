"""The search index: built at unlock and kept up to date, it finds a record the same way
whichever of the two put it there."""

from __future__ import annotations

from datetime import timedelta

from therapist_desk.domain.records import (
    ClientDetails,
    ContactDetails,
    NoteContent,
    ProfessionalDetails,
    ReferralDetails,
    SessionDetails,
)
from therapist_desk.domain.vocabulary import ContactRole, ProfessionalRole, SessionKind
from therapist_desk.records import clients, contacts, progress_notes, therapy_sessions
from therapist_desk.search.index import HitKind, SearchHit, SearchIndex, build_index
from therapist_desk.sharing import professionals, referrals
from therapist_desk.vault import Vault


def _hits(index: SearchIndex, query: str) -> dict[HitKind, list[SearchHit]]:
    return index.search(query)


def test_the_build_and_live_updates_index_each_record_alike(clocked_vault: Vault) -> None:
    vault = clocked_vault
    live = SearchIndex()
    amira = clients.create_client(vault, ClientDetails(legal_name="Amira Haddad"))
    jonas = clients.create_client(vault, ClientDetails(legal_name="Jonas Brandt"))
    for client in (amira, jonas):
        live.put_client(client)
    shah = professionals.add_professional(
        vault, ProfessionalDetails(name="Dr Priya Shah", role=ProfessionalRole.PSYCHIATRIST)
    )
    live.put_professional(shah)
    referral = referrals.create_referral(
        vault, amira.id, shah.id, ReferralDetails(reason="Medication review")
    )
    live.put_referral(referral)
    sister = contacts.add_contact(
        vault,
        amira.id,
        ContactDetails(role=ContactRole.FAMILY_MEMBER, name="Leila Haddad", relationship="sister"),
    )
    live.put_contact(sister)
    session = therapy_sessions.schedule_session(
        vault,
        vault.now() - timedelta(days=1),
        50,
        SessionDetails(SessionKind.COUPLE),
        [amira.id, jonas.id],
    )
    note = progress_notes.save_draft(
        vault, session.id, NoteContent(sections={"subjective": "Spoke of the lighthouse."})
    )
    live.put_note(note.id, session, note.content)

    built = build_index(vault)
    for query in ("shah", "medication", "leila", "lighthouse", "amira", "jonas"):
        assert _hits(built, query) == _hits(live, query), query
    # The recipient's name is searched in the referral, built or live.
    (found,) = _hits(built, "priya")[HitKind.REFERRAL]
    assert found.title == "Referral of Amira Haddad to Dr Priya Shah"


def test_renamed_people_read_right_at_once_and_a_joint_note_outlives_one_attendee(
    clocked_vault: Vault,
) -> None:
    vault = clocked_vault
    amira = clients.create_client(vault, ClientDetails(legal_name="Amira Haddad"))
    jonas = clients.create_client(vault, ClientDetails(legal_name="Jonas Brandt"))
    shah = professionals.add_professional(
        vault, ProfessionalDetails(name="Dr Priya Shah", role=ProfessionalRole.PSYCHIATRIST)
    )
    referrals.create_referral(vault, amira.id, shah.id, ReferralDetails(reason="Review"))
    session = therapy_sessions.schedule_session(
        vault,
        vault.now() - timedelta(days=1),
        50,
        SessionDetails(SessionKind.COUPLE),
        [amira.id, jonas.id],
    )
    progress_notes.save_draft(vault, session.id, NoteContent(sections={"plan": "Harbour walk"}))
    index = build_index(vault)

    index.put_client(clients.update_client(vault, amira.id, ClientDetails(legal_name="Amira Noor")))
    renamed = professionals.update_professional(
        vault, shah.id, ProfessionalDetails(name="Dr Priya Rao", role=ProfessionalRole.PSYCHIATRIST)
    )
    index.put_professional(renamed)
    for referral in referrals.referrals_to(vault, shah.id):
        index.put_referral(referral)

    (note_hit,) = index.search("harbour")[HitKind.NOTE]
    assert "Amira Noor" in note_hit.title and "Haddad" not in note_hit.title
    assert [hit.title for hit in index.search("rao")[HitKind.REFERRAL]] == [
        "Referral of Amira Noor to Dr Priya Rao"
    ]
    assert index.search("shah")[HitKind.REFERRAL] == []

    # Amira's record is deleted: the couple's note stays, Jonas's now.
    first = sorted((amira.id, jonas.id))[0]
    index.remove_client(first)
    (kept,) = index.search("harbour")[HitKind.NOTE]
    remaining = jonas.id if first == amira.id else amira.id
    assert kept.client_id == remaining
