"""A note reported saved survives the program being killed at any moment.

A child process saves progress notes in a loop and reports each save only
after the call returned (after COMMIT). The test kills it with SIGKILL at a
random moment, then checks that the vault opens, is whole (its audit trail
included), and holds every reported save exactly, with an audit entry for each
note and each signature; fifty times over on the same vault, and at least
LEAST_SAVES reported saves in all.
"""

from __future__ import annotations

import inspect
import os
import random
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.system.helpers import PASSPHRASE, ChildProcess, make_vault, open_vault
from therapist_desk.db.models import ProgressNoteRow
from therapist_desk.domain.records import ClientDetails, NoteContent
from therapist_desk.domain.vocabulary import AuditKind, ClientStatus, NoteFormat
from therapist_desk.records.clients import create_client
from therapist_desk.vault import audit
from therapist_desk.vault.check import check_vault

ROUNDS = 50
#: Reported saves over all rounds; a round saves for 0.05 to 0.6 s, typically dozens of times.
LEAST_SAVES = 200
SHORTEST_RUN = 0.05
LONGEST_RUN = 0.6


def note_content(round_no: int, sequence: int) -> NoteContent:
    """The unique content of save `sequence` of round `round_no`; the child uses this too."""
    words = "the client described the week and we practised the breathing exercise " * (
        (sequence * 7919 + round_no * 104729) % 40
    )
    return NoteContent(
        format=NoteFormat.SOAP,
        sections={
            "subjective": f"round {round_no} save {sequence}: {words}",
            "plan": f"plan for save {sequence} of round {round_no}",
        },
        techniques=("Reflection",),
        mood=sequence % 11,
    )


#: The child: waits for the passphrase, then for each new session saves two
#: drafts and signs every other session's note, printing a line after each
#: call has returned.
CHILD = f"""
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from therapist_desk.domain.records import NoteContent, SessionDetails
from therapist_desk.domain.vocabulary import NoteFormat
from therapist_desk.vault.paths import VaultPaths
from therapist_desk.records.progress_notes import save_draft, sign_note
from therapist_desk.records.therapy_sessions import schedule_session
from therapist_desk.vault import Secret, unlock_vault

{inspect.getsource(note_content)}

data_dir, client_id, round_no = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
vault = unlock_vault(VaultPaths(data_dir), Secret(passphrase=input()))
first = datetime(2020, 1, 1, 9, tzinfo=UTC) + timedelta(days=round_no)
sequence = 0
while True:
    session = schedule_session(
        vault, first + timedelta(minutes=sequence), 50, SessionDetails(), [client_id]
    )
    for _version in range(2):
        note = save_draft(vault, session.id, note_content(round_no, sequence))
        print(f"committed {{session.id}} {{sequence}}", flush=True)
        sequence += 1
    if sequence % 4 == 0:
        sign_note(vault, note.id)
        print(f"signed {{session.id}} {{sequence - 1}}", flush=True)
"""


@dataclass
class Expected:
    """What the vault must hold: per session, the last reported save and whether it was signed."""

    saves: dict[str, tuple[int, int]] = field(default_factory=dict)
    signed: set[str] = field(default_factory=set)


@dataclass
class Round:
    lines: list[str] = field(default_factory=list)
    first_line: threading.Event = field(default_factory=threading.Event)


def _collect(child: ChildProcess, log: Round) -> None:
    for line in child.read_lines():
        log.lines.append(line)
        log.first_line.set()
    log.first_line.set()


def _spawn(data_dir: Path, client_id: str, round_no: int, tmp_path: Path) -> ChildProcess:
    return ChildProcess(
        CHILD, data_dir, client_id, str(round_no), stderr=tmp_path / f"child-{round_no}.err"
    )


@dataclass(frozen=True)
class InFlight:
    """What the one call that may have committed unreported before the kill could change."""

    session_id: str
    next_save: bool  # the session's second draft
    sign: bool  # the signature of the session's note

    @classmethod
    def after(cls, last_line: str) -> InFlight:
        event, session_id, sequence = last_line.split()
        number = int(sequence)
        if event == "signed":
            return cls(session_id, next_save=False, sign=False)
        # Sequences 2n and 2n+1 are the two drafts of one session; the note is
        # signed after sequence s when s + 1 is a multiple of 4.
        first_draft = number % 2 == 0
        return cls(
            session_id, next_save=first_draft, sign=not first_draft and (number + 1) % 4 == 0
        )


def _check_round(
    data_dir: Path, expected: Expected, in_flight: InFlight, unlocks: int, context: str
) -> None:
    with open_vault(data_dir) as vault:
        with vault.engine.connect() as connection:
            integrity = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
        assert integrity == ["ok"], (integrity, context)
        problems = check_vault(vault)  # the audit chain included
        assert problems == [], ([str(problem) for problem in problems], context)
        with vault.reading() as session:
            notes = {
                row.session_id: (vault.codec.open_details(row, NoteContent), row.signed_at)
                for row in session.scalars(select(ProgressNoteRow))
            }
        # An entry exists exactly when its change does, kill or no kill.
        trail = audit.events(vault)
    created = [e for e in trail if e.details.kind is AuditKind.CREATE]
    signed = [e for e in trail if e.details.kind is AuditKind.SIGN]
    unlocked = [e for e in trail if e.details.kind is AuditKind.UNLOCK]
    assert len([e for e in created if e.details.detail == "progress note"]) == len(notes), context
    assert len(signed) == len([1 for _, signed_at in notes.values() if signed_at]), context
    assert len(unlocked) == unlocks, context
    for session_id, (saved_round, sequence) in expected.saves.items():
        assert session_id in notes, (f"the note of session {session_id} is missing", context)
        (content, damaged), signed_at = notes[session_id]
        assert damaged == (), context
        current = session_id == in_flight.session_id
        allowed = [note_content(saved_round, sequence)]
        if current and in_flight.next_save:
            allowed.append(note_content(saved_round, sequence + 1))
        assert content in allowed, (session_id, saved_round, sequence, context)
        if session_id in expected.signed:
            assert signed_at is not None, (f"the signed note of {session_id} is a draft", context)
        elif not (current and in_flight.sign):
            assert signed_at is None, (f"the note of {session_id} is signed unreported", context)
        if current:
            # What the vault holds now is what later rounds must keep.
            expected.saves[session_id] = (saved_round, sequence + allowed.index(content))
            if signed_at is not None:
                expected.signed.add(session_id)


@pytest.mark.slow
def test_reported_saves_survive_sigkill_at_random_moments(tmp_path: Path) -> None:
    seed = random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    paths = make_vault(tmp_path / "vault")
    with open_vault(paths.data_dir) as vault:
        client = create_client(
            vault, ClientDetails(legal_name="Robin Ashdown", status=ClientStatus.ACTIVE)
        )
    expected = Expected()
    reported = 0
    waiting = _spawn(paths.data_dir, client.id, 0, tmp_path)
    try:
        for round_no in range(ROUNDS):
            child = waiting
            log = Round()
            reader = threading.Thread(target=_collect, args=(child, log), daemon=True)
            reader.start()
            child.send(PASSPHRASE)
            assert log.first_line.wait(timeout=60), child.errors()
            assert log.lines, f"the child wrote nothing: {child.errors()}"
            # An event's wait rather than time.sleep, which libfaketime breaks.
            threading.Event().wait(rng.uniform(SHORTEST_RUN, LONGEST_RUN))
            os.kill(child.pid, signal.SIGKILL)
            child.process.wait()
            reader.join(timeout=30)
            child.kill()
            assert child.process.returncode == -signal.SIGKILL, child.errors()
            # The next child loads its modules while this round is checked.
            waiting = _spawn(paths.data_dir, client.id, round_no + 1, tmp_path)

            for line in log.lines:
                event, session_id, sequence = line.split()
                if event == "committed":
                    expected.saves[session_id] = (round_no, int(sequence))
                    reported += 1
                else:
                    assert event == "signed", line
                    expected.signed.add(session_id)
            context = f"round {round_no}, seed {seed}, last line {log.lines[-1]!r}"
            # Unlocked so far: to add the client, then each child and each check.
            unlocks = 1 + 2 * (round_no + 1)
            _check_round(paths.data_dir, expected, InFlight.after(log.lines[-1]), unlocks, context)
    finally:
        waiting.kill()

    assert reported >= LEAST_SAVES, f"only {reported} saves were reported committed"
    assert expected.signed, "some notes should have been signed"
