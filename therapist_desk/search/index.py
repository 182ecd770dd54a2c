"""An in-memory word index over the decrypted vault, for search as you type.

Built after unlock (in a worker thread, by the window) from the decrypted
records; it lives only in memory and is dropped on lock, so nothing of it
ever reaches the disk. Each word of a query must begin some word of a
record; accents and case are ignored ("cafe" finds "Café").
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from select import select as wait_on_files

from sqlalchemy import select

from therapist_desk.db.models import (
    ClientRow,
    ContactRow,
    NoteAddendumRow,
    ProfessionalRow,
    ProgressNoteRow,
    ReferralRow,
    SessionAttendeeRow,
    TherapySessionRow,
)
from therapist_desk.domain.records import (
    AddendumDetails,
    Attendee,
    Client,
    Contact,
    NoteContent,
    Professional,
    Referral,
    SessionDetails,
    TherapySession,
)
from therapist_desk.domain.vocabulary import Attendance
from therapist_desk.records.clients import client_from_row
from therapist_desk.records.contacts import contact_from_row
from therapist_desk.sharing.professionals import professional_from_row
from therapist_desk.sharing.referrals import referral_from_row
from therapist_desk.vault import Vault

_WORD = re.compile(r"\w+")
_SUMMARY_LENGTH = 140
_BATCH = 2000
_YIELD_EVERY = 100
DEFAULT_LIMIT = 30
_NO_DETAILS = SessionDetails()


class HitKind(StrEnum):
    CLIENT = "client"
    CONTACT = "contact"
    NOTE = "note"
    REFERRAL = "referral"


@dataclass(frozen=True)
class SearchHit:
    """One record that matches; enough to show it and to open it."""

    kind: HitKind
    record_id: str
    client_id: str
    title: str
    summary: str
    when: datetime | None


@dataclass(frozen=True, slots=True)
class _Entry:
    """A record as the index keeps it. Its title names people by id (`clients`, and the
    referral's `professional`), so a renamed client or professional reads right at once."""

    kind: HitKind
    record_id: str
    client_id: str
    title: str
    summary: str
    when: datetime | None
    clients: tuple[str, ...] = ()
    professional: str = ""


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a text."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> set[str]:
    return set(_WORD.findall(fold(text)))


def _summary(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SUMMARY_LENGTH else flat[: _SUMMARY_LENGTH - 1] + "…"


class _KindIndex:
    """Postings for one kind of record; slots are positions in `hits`."""

    def __init__(self) -> None:
        self.hits: list[_Entry | None] = []  # None marks a record replaced or removed
        self.slot: dict[str, int] = {}
        # The time of each slot as a number, so "newest first" needs no Python key function.
        self.when: array[float] = array("d")
        self.postings: dict[str, array[int]] = {}
        self.sorted_words: list[str] = []
        self.words_dirty = False

    def put(self, hit: _Entry, text: str) -> None:
        self.remove(hit.record_id)
        slot = len(self.hits)
        self.hits.append(hit)
        self.when.append(hit.when.timestamp() if hit.when else 0.0)
        self.slot[hit.record_id] = slot
        for word in words(text):
            postings = self.postings.get(word)
            if postings is None:
                self.postings[word] = array("I", (slot,))
                self.words_dirty = True
            else:
                postings.append(slot)

    def remove(self, record_id: str) -> None:
        slot = self.slot.pop(record_id, None)
        if slot is not None:
            self.hits[slot] = None

    def matching(self, prefix: str) -> set[int]:
        if self.words_dirty:
            self.sorted_words = sorted(self.postings)
            self.words_dirty = False
        start = bisect.bisect_left(self.sorted_words, prefix)
        found: set[int] = set()
        for word in itertools.islice(self.sorted_words, start, None):
            if not word.startswith(prefix):
                break
            found.update(self.postings[word])
        return found

    def search(
        self,
        terms: list[str],
        limit: int,
        newest_first: bool,
        answer: Callable[[_Entry], SearchHit],
    ) -> list[SearchHit]:
        candidates: set[int] | None = None
        for term in terms:  # longest first: the rarest words narrow the set soonest
            slots = self.matching(term)
            candidates = slots if candidates is None else candidates & slots
            if not candidates:
                return []
        assert candidates is not None
        live = [slot for slot in candidates if self.hits[slot] is not None]
        if newest_first:
            chosen = heapq.nlargest(limit, live, key=self.when.__getitem__)
            return [answer(entry) for slot in chosen if (entry := self.hits[slot]) is not None]
        found = [answer(entry) for slot in live if (entry := self.hits[slot]) is not None]
        return heapq.nsmallest(limit, found, key=lambda hit: hit.title.casefold())

    def entries(self) -> Iterator[_Entry]:
        return (entry for entry in self.hits if entry is not None)


class SearchIndex:
    """Word → records postings with prefix lookup, one set per kind of record.

    Both the build at unlock and every change afterwards put records through the
    same `put_*` methods, so a record is found the same way whichever put it there.
    Titles name clients and professionals by id and are worded when a search answers.
    Not thread-safe: one thread owns it (the build hands it over when done).
    """

    def __init__(self) -> None:
        self._kinds = {kind: _KindIndex() for kind in HitKind}
        self._client_names: dict[str, str] = {}
        self._professional_names: dict[str, str] = {}
        self._note_of_session: dict[str, str] = {}

    def __len__(self) -> int:
        return sum(len(kind.slot) for kind in self._kinds.values())

    # -- building ---------------------------------------------------------------

    def _put(self, entry: _Entry, text: str) -> None:
        """Add a record, or replace the one with the same kind and id."""
        self._kinds[entry.kind].put(entry, text)

    def remove(self, kind: HitKind, record_id: str) -> None:
        self._kinds[kind].remove(record_id)

    def remove_client(self, client_id: str) -> None:
        """Take a deleted client, and every record that was only theirs, out of the index.

        A joint session's note stays, filed under the attendees who remain.
        """
        self._client_names.pop(client_id, None)
        for kind, index in self._kinds.items():
            for entry in list(index.entries()):
                if client_id not in (entry.client_id, *entry.clients):
                    continue
                others = tuple(other for other in entry.clients if other != client_id)
                if kind is HitKind.NOTE and others:
                    # Same words, same slot: only whom it is filed under changes.
                    slot = index.slot[entry.record_id]
                    index.hits[slot] = replace(entry, client_id=others[0], clients=others)
                else:
                    index.remove(entry.record_id)

    def client_name(self, client_id: str) -> str:
        return self._client_names.get(client_id, "")

    # -- records of each kind ----------------------------------------------------

    def put_client(self, client: Client) -> None:
        details = client.details
        self._client_names[client.id] = details.display_name
        title = details.full_name
        text = " ".join(
            (
                details.legal_name,
                details.preferred_name,
                details.email,
                details.phone,
                details.address,
                details.referral_source,
            )
        )
        summary = " · ".join(part for part in (details.status.value, details.email) if part)
        self._put(_Entry(HitKind.CLIENT, client.id, client.id, title, summary, None), text)

    def put_professional(self, professional: Professional) -> None:
        """A professional of the directory, named in the referrals to them (not a hit of
        its own). Put their referrals again after a rename: the name is searched too."""
        self._professional_names[professional.id] = professional.details.name

    def put_contact(self, contact: Contact) -> None:
        details = contact.details
        relation = details.relationship or details.role.value.replace("_", " ")
        text = " ".join(
            (
                details.name,
                details.relationship,
                details.organisation,
                details.phone,
                details.email,
                details.address,
                details.notes,
            )
        )
        self._put(
            _Entry(
                HitKind.CONTACT,
                contact.id,
                contact.client_id,
                f"{details.name} — {relation} of",
                details.phone,
                None,
                clients=(contact.client_id,),
            ),
            text,
        )

    def put_note(
        self,
        note_id: str,
        session: TherapySession,
        content: NoteContent,
        addenda: Iterable[str] = (),
    ) -> None:
        """A progress note, findable from each attending client's record."""
        body = content.text()
        extra = " ".join((*content.techniques, *content.interventions, *addenda))
        self._note_of_session[session.id] = note_id
        self._put(
            _Entry(
                HitKind.NOTE,
                note_id,
                session.client_ids[0] if session.client_ids else "",
                "",  # worded from the session's time and attendees when answering
                _summary(body),
                session.starts_at,
                clients=tuple(session.client_ids),
            ),
            f"{body} {extra}",
        )

    def put_session(self, session: TherapySession) -> None:
        """A session moved, or who attends it changed: its note follows."""
        notes = self._kinds[HitKind.NOTE]
        slot = notes.slot.get(self._note_of_session.get(session.id, ""))
        entry = notes.hits[slot] if slot is not None else None
        if slot is None or entry is None:
            return
        notes.hits[slot] = replace(
            entry,
            client_id=session.client_ids[0] if session.client_ids else "",
            clients=tuple(session.client_ids),
            when=session.starts_at,
        )
        notes.when[slot] = session.starts_at.timestamp()

    def put_referral(self, referral: Referral) -> None:
        details = referral.details
        recipient = self._professional_names.get(referral.professional_id, "")
        self._put(
            _Entry(
                HitKind.REFERRAL,
                referral.id,
                referral.client_id,
                "Referral of",
                _summary(details.reason),
                None,
                clients=(referral.client_id,),
                professional=referral.professional_id,
            ),
            f"{details.reason} {details.letter_text} {recipient}",
        )

    # -- querying -----------------------------------------------------------------

    def _answer(self, entry: _Entry) -> SearchHit:
        """The hit as shown: its title worded with today's names."""
        names = ", ".join(self.client_name(client) for client in entry.clients)
        if entry.kind is HitKind.NOTE and entry.when is not None:
            title = f"{entry.when.astimezone():%d %b %Y} — {names}"
        else:
            title = f"{entry.title} {names}" if names else entry.title
        recipient = self._professional_names.get(entry.professional, "")
        if recipient:
            title += f" to {recipient}"
        return SearchHit(
            entry.kind, entry.record_id, entry.client_id, title, entry.summary, entry.when
        )

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> dict[HitKind, list[SearchHit]]:
        """Records matching every word of `query`, grouped by kind, at most `limit` each.

        Notes come newest first; the other kinds by title.
        """
        terms = sorted(words(query), key=len, reverse=True)
        if not terms:
            return {kind: [] for kind in HitKind}
        return {
            kind: index.search(terms, limit, kind is HitKind.NOTE, self._answer)
            for kind, index in self._kinds.items()
        }


Progress = Callable[[int], None]


class BuildCancelled(Exception):
    """The vault locked while the index was being built."""


def build_index(
    vault: Vault, progress: Progress | None = None, should_stop: Callable[[], bool] = lambda: False
) -> SearchIndex:
    """Read and decrypt every searchable record into a new index.

    Runs in a worker thread with its own database session; `progress` gets the
    number of records indexed so far.
    """
    index = SearchIndex()
    codec = vault.codec
    count = 0

    def tick(step: int = 1) -> None:
        nonlocal count
        count += step
        if count % _YIELD_EVERY == 0:
            if should_stop():
                raise BuildCancelled
            # Hand the GIL to the window's thread now and then: the C code that
            # reads and decrypts rows does not let Python switch threads by itself.
            # An empty select() releases it (as time.sleep(0) would, but that one fails
            # under libfaketime, with which the program is tested at other dates).
            wait_on_files([], [], [], 0)
        if progress and count % _BATCH == 0:
            progress(count)

    # Every read is fetched in batches: one long fetch holds the GIL and would
    # freeze the window meanwhile.
    with vault.reading() as session:
        for professional_row in session.scalars(select(ProfessionalRow)):
            index.put_professional(professional_from_row(codec, professional_row))
        for row in session.scalars(select(ClientRow).execution_options(yield_per=_BATCH)):
            index.put_client(client_from_row(codec, row))
            tick()
        for contact_row in session.scalars(select(ContactRow).execution_options(yield_per=_BATCH)):
            index.put_contact(contact_from_row(codec, contact_row))
            tick()
        for referral_row in session.scalars(
            select(ReferralRow).execution_options(yield_per=_BATCH)
        ):
            index.put_referral(referral_from_row(codec, referral_row))
            tick()
        for note_id, therapy_session, content, addenda in _notes(vault):
            index.put_note(note_id, therapy_session, content, addenda)
            tick()
    if progress:
        progress(count)
    return index


def _notes(vault: Vault) -> Iterator[tuple[str, TherapySession, NoteContent, list[str]]]:
    """Every progress note with its session, read in batches without the ORM's overhead."""
    codec = vault.codec
    notes_table = ProgressNoteRow.__table__
    with vault.reading() as session:
        attendees: dict[str, list[str]] = {}
        for session_id, client_id in session.execute(
            select(SessionAttendeeRow.session_id, SessionAttendeeRow.client_id)
            .order_by(SessionAttendeeRow.session_id, SessionAttendeeRow.client_id)
            .execution_options(yield_per=_BATCH)
        ):
            attendees.setdefault(session_id, []).append(client_id)
        starts: dict[str, datetime] = {
            row.id: row.starts_at
            for row in session.execute(
                select(TherapySessionRow.id, TherapySessionRow.starts_at).execution_options(
                    yield_per=_BATCH
                )
            )
        }
        addenda: dict[str, list[str]] = {}
        for addendum_row in session.scalars(
            select(NoteAddendumRow).execution_options(yield_per=_BATCH)
        ):
            text, _damaged = codec.open_details(addendum_row, AddendumDetails)
            addenda.setdefault(addendum_row.note_id, []).append(text.text)
        columns = [column.name for column in notes_table.columns if column.info.get("sealed")]
        content_columns = [name for name in columns if name != "content_hash"]
        query = select(
            ProgressNoteRow.id,
            ProgressNoteRow.session_id,
            *(getattr(ProgressNoteRow, name) for name in content_columns),
        )
        for row in session.execute(query.execution_options(yield_per=_BATCH)):
            note_id, session_id = row[0], row[1]
            content, _damaged = codec.open_mapping(
                "progress_notes",
                note_id,
                dict(zip(content_columns, row[2:], strict=True)),
                NoteContent,
            )
            starts_at = starts.get(session_id)
            if starts_at is None:
                continue
            therapy_session = TherapySession(
                session_id,
                starts_at,
                0,
                _NO_DETAILS,
                tuple(_attendee(client_id) for client_id in attendees.get(session_id, ())),
            )
            yield note_id, therapy_session, content, addenda.get(note_id, [])


def _attendee(client_id: str) -> Attendee:
    return Attendee("", client_id, Attendance.SCHEDULED)
