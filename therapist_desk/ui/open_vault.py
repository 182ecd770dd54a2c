"""The unlocked vault as the window sees it: the services, plus signals when records change.

Every change a screen makes goes through here, so the search index and the
other screens hear about it. Dropped on lock.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from datetime import time as time_of_day
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from therapist_desk.clinical import measures, risk, significant_dates
from therapist_desk.domain.records import (
    Addendum,
    Client,
    ClientDetails,
    Contact,
    ContactDetails,
    Disclosure,
    DisclosureDetails,
    Measure,
    MeasureDetails,
    NoteContent,
    Payment,
    PaymentDetails,
    ProgressNote,
    PsychotherapyNote,
    Referral,
    ReferralDetails,
    RiskAssessment,
    RiskAssessmentDetails,
    SafetyPlan,
    SafetyPlanDetails,
    SessionDetails,
    SharingConsent,
    SharingConsentDetails,
    SignificantDate,
    SignificantDateDetails,
    TherapySession,
)
from therapist_desk.domain.vocabulary import Attendance, AuditKind
from therapist_desk.letters import letters
from therapist_desk.letters.rendering import PaperSize
from therapist_desk.records import (
    calendar,
    clients,
    contacts,
    fees,
    progress_notes,
    psychotherapy_notes,
    retention,
    therapy_sessions,
)
from therapist_desk.search.index import HitKind, SearchIndex, build_index
from therapist_desk.sharing import consents, disclosures, professionals, referrals
from therapist_desk.sharing.disclosures import DisclosedTo
from therapist_desk.ui.background import BackgroundRunner
from therapist_desk.ui.common.formatting import initials
from therapist_desk.vault import Vault, audit


class OpenVault(QObject):
    client_saved = Signal(object)  # Client
    client_deleted = Signal(str)  # client id
    contacts_changed = Signal(str)  # client id
    sessions_changed = Signal(object)  # tuple of client ids
    note_saved = Signal(object)  # ProgressNote
    measures_changed = Signal(str)  # client id
    risk_changed = Signal(str)  # client id: a risk assessment or the safety plan
    significant_dates_changed = Signal(str)  # client id
    payments_changed = Signal(str)  # client id
    referrals_changed = Signal(str)  # client id
    consents_changed = Signal(str)  # client id
    disclosures_changed = Signal(str)  # client id: a print, PDF or export was logged
    index_progress = Signal(int)
    index_ready = Signal()
    index_failed = Signal(str)

    def __init__(
        self, vault: Vault, runner: BackgroundRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.vault = vault
        self._runner = runner
        self.index: SearchIndex | None = None
        self.index_build_seconds: float | None = None
        self._indexed_so_far = 0
        self._closing = False  # read by the build in the worker: stop, the vault is locking
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(250)
        self._progress_timer.timeout.connect(self._report_progress)
        self._pending: list[Callable[[SearchIndex], None]] = []
        self._names: dict[str, str] = {}
        self.clients: list[Client] = []
        #: Lists show initials only (a client may be in the room).
        self.privacy = False
        #: The paper documents are printed on (a window setting, kept here as privacy is).
        self.paper_size = PaperSize.A4

    # -- life cycle --------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.vault.is_open

    def load_clients(self) -> list[Client]:
        self.clients = clients.list_clients(self.vault)
        self._names = {client.id: client.details.display_name for client in self.clients}
        return self.clients

    def start_index_build(self) -> None:
        """Build the search index in a worker thread; changes meanwhile are replayed after."""
        vault = self.vault

        def count(indexed: int) -> None:
            self._indexed_so_far = indexed  # read by the GUI thread's timer

        def work() -> SearchIndex:
            started = time.perf_counter()
            # The build makes hundreds of thousands of long-lived objects; each full
            # garbage collection meanwhile would walk them all and stall the window
            # for ~100 ms. They hold no reference cycles, so collection can wait.
            gc.disable()
            try:
                index = build_index(vault, count, lambda: self._closing)
                gc.freeze()  # before collection resumes, or its first full pass walks the index
            finally:
                gc.enable()
            self.index_build_seconds = time.perf_counter() - started
            return index

        self._progress_timer.start()
        self._runner.run(work, self._index_built, self._index_failed, lambda: self.is_open)

    def in_background(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Read in a worker thread; the result is dropped if the vault locks meanwhile."""
        self._runner.run(work, on_done, on_error, lambda: self.is_open)

    def _report_progress(self) -> None:
        if self.index is None:
            self.index_progress.emit(self._indexed_so_far)

    def _index_built(self, index: SearchIndex) -> None:
        self._progress_timer.stop()
        for change in self._pending:
            change(index)
        self._pending.clear()
        self.index = index
        self.index_ready.emit()

    def _index_failed(self, error: BaseException) -> None:
        self._progress_timer.stop()
        self._pending.clear()
        self.index_failed.emit(
            f"Search is not available ({type(error).__name__}). Lock and unlock to try again."
        )

    def _index(self, change: Callable[[SearchIndex], None]) -> None:
        if self.index is None:
            self._pending.append(change)
        else:
            change(self.index)

    def close(self) -> None:
        self._closing = True
        self._runner.wait_for_all()  # the build stops within a hundred records
        self._progress_timer.stop()
        self.index = None
        gc.unfreeze()
        self._pending.clear()
        self.clients = []
        self._names = {}
        self.vault.close()

    # -- reading --------------------------------------------------------------------------

    def name_of(self, client_id: str) -> str:
        """How a client is named on screen: initials only in privacy mode."""
        name = self._names.get(client_id, "")
        return initials(name) if self.privacy else name

    def names_of(self, client_ids: Sequence[str]) -> str:
        return ", ".join(self.name_of(client_id) for client_id in client_ids)

    def today(self) -> date:
        return self.vault.now().astimezone().date()

    # -- clients and contacts ------------------------------------------------------------

    def _client_changed(self, client: Client) -> Client:
        self._names[client.id] = client.details.display_name
        self.clients = [c for c in self.clients if c.id != client.id] + [client]
        self._index(lambda index: index.put_client(client))
        self.client_saved.emit(client)
        return client

    def create_client(self, details: ClientDetails) -> Client:
        return self._client_changed(clients.create_client(self.vault, details))

    def update_client(self, client_id: str, details: ClientDetails) -> Client:
        return self._client_changed(clients.update_client(self.vault, client_id, details))

    def discharge_client(self, client_id: str, on: date) -> Client:
        return self._client_changed(clients.discharge_client(self.vault, client_id, on))

    def reactivate_client(self, client_id: str) -> Client:
        return self._client_changed(clients.reactivate_client(self.vault, client_id))

    def add_contact(self, client_id: str, details: ContactDetails) -> Contact:
        contact = contacts.add_contact(self.vault, client_id, details)
        self._index(lambda index: index.put_contact(contact))
        self.contacts_changed.emit(client_id)
        return contact

    def update_contact(self, contact_id: str, details: ContactDetails) -> Contact:
        contact = contacts.update_contact(self.vault, contact_id, details)
        self._index(lambda index: index.put_contact(contact))
        self.contacts_changed.emit(contact.client_id)
        return contact

    def remove_contact(self, contact: Contact) -> None:
        contacts.remove_contact(self.vault, contact.id)
        self._index(lambda index: index.remove(HitKind.CONTACT, contact.id))
        self.contacts_changed.emit(contact.client_id)

    # -- sessions and notes ----------------------------------------------------------------

    def schedule_session(
        self,
        starts_at: datetime,
        duration_minutes: int,
        details: SessionDetails,
        client_ids: Sequence[str],
    ) -> TherapySession:
        session = therapy_sessions.schedule_session(
            self.vault, starts_at, duration_minutes, details, client_ids
        )
        self.sessions_changed.emit(session.client_ids)
        return session

    def set_attendance(
        self, session_id: str, client_id: str, attendance: Attendance
    ) -> TherapySession:
        session = therapy_sessions.set_attendance(self.vault, session_id, client_id, attendance)
        self.sessions_changed.emit(session.client_ids)
        return session

    # -- the calendar: series and single changes -----------------------------------------

    def book_series(
        self,
        first_start: datetime,
        duration_minutes: int,
        details: SessionDetails,
        client_ids: Sequence[str],
        recurrence: calendar.Recurrence,
    ) -> calendar.BookedSeries:
        booked = calendar.book_series(
            self.vault, first_start, duration_minutes, details, client_ids, recurrence
        )
        self.sessions_changed.emit(tuple(client_ids))
        return booked

    def _sessions_moved(self, moved: Sequence[TherapySession]) -> None:
        # A note's search hit is titled with its session's day.
        for session in moved:
            note = progress_notes.get_note_for_session(self.vault, session.id)
            if note is not None:
                self._note_changed(note, session)
        self.sessions_changed.emit(tuple({c for session in moved for c in session.client_ids}))

    def move_session(
        self, session_id: str, starts_at: datetime, duration_minutes: int | None = None
    ) -> TherapySession:
        moved = calendar.move_session(self.vault, session_id, starts_at, duration_minutes)
        self._sessions_moved([moved])
        return moved

    def cancel_session(self, session_id: str) -> TherapySession:
        cancelled = calendar.cancel_session(self.vault, session_id)
        self.sessions_changed.emit(cancelled.client_ids)
        return cancelled

    def change_series_time(
        self,
        series_id: str,
        from_day: date,
        new_time: time_of_day,
        duration_minutes: int | None = None,
    ) -> list[TherapySession]:
        changed = calendar.change_series_time(
            self.vault, series_id, from_day, new_time, duration_minutes=duration_minutes
        )
        if changed:
            self._sessions_moved(changed)
        return changed

    def end_series(self, series_id: str, from_day: date) -> calendar.SeriesEnding:
        attending = {
            client_id
            for session in calendar.series_sessions(self.vault, series_id)
            for client_id in session.client_ids
        }
        ending = calendar.end_series(self.vault, series_id, from_day)
        if ending.removed:
            self.sessions_changed.emit(tuple(attending))
        return ending

    # -- payments ----------------------------------------------------------------------------

    def record_payment(
        self, client_id: str, details: PaymentDetails, session_id: str | None = None
    ) -> Payment:
        payment = fees.record_payment(self.vault, client_id, details, session_id=session_id)
        self.payments_changed.emit(client_id)
        return payment

    def update_payment(
        self, payment_id: str, details: PaymentDetails, session_id: str | None
    ) -> Payment:
        payment = fees.update_payment(self.vault, payment_id, details, session_id)
        self.payments_changed.emit(payment.client_id)
        return payment

    def remove_payment(self, payment: Payment) -> None:
        fees.remove_payment(self.vault, payment.id)
        self.payments_changed.emit(payment.client_id)

    def _note_changed(self, note: ProgressNote, session: TherapySession) -> ProgressNote:
        addenda = [addendum.text for addendum in note.addenda]
        self._index(lambda index: index.put_note(note.id, session, note.content, addenda))
        self.note_saved.emit(note)
        return note

    def save_draft(self, session: TherapySession, content: NoteContent) -> ProgressNote:
        """Returns only after the database commit; that is when the window may say "Saved"."""
        return self._note_changed(
            progress_notes.save_draft(self.vault, session.id, content), session
        )

    def sign_note(self, note_id: str, session: TherapySession) -> ProgressNote:
        return self._note_changed(progress_notes.sign_note(self.vault, note_id), session)

    def add_addendum(self, note_id: str, text: str, session: TherapySession) -> Addendum:
        addendum = progress_notes.add_addendum(self.vault, note_id, text)
        self._note_changed(progress_notes.get_note(self.vault, note_id), session)
        return addendum

    def save_process_note(
        self, client_id: str, text: str, note_id: str | None, session_id: str | None = None
    ) -> PsychotherapyNote:
        # Process notes stay out of the search index: they are private even on screen.
        return psychotherapy_notes.save_psychotherapy_note(
            self.vault, client_id, text, session_id=session_id, note_id=note_id
        )

    def record_disclosure(
        self, client_id: str, record_id: str, detail: str, recipient: str = "the client"
    ) -> None:
        """A print, PDF or export of a client's information: on their disclosure log and
        their audit trail. `detail` reads "safety plan printed" or "statement …: saved as
        PDF: file.pdf"; what left and how are told apart for the log. The safety plan and
        the statement are both made for the client, hence the default recipient."""
        what, how = _what_and_how(detail)
        disclosures.record_disclosure(
            self.vault,
            client_id,
            DisclosureDetails(what=what, recipient=recipient, how=how),
            audit_record_id=record_id,
            audit_detail=detail,
        )
        self.disclosures_changed.emit(client_id)

    def log_disclosure(
        self, client_id: str, details: DisclosureDetails, to: DisclosedTo | None = None
    ) -> Disclosure:
        """A disclosure described in full (to a professional, under a consent or a reason)."""
        logged = disclosures.record_disclosure(self.vault, client_id, details, to)
        self.disclosures_changed.emit(client_id)
        return logged

    def record_sent(
        self,
        parties: letters.ReferralParties,
        *,
        what: str,
        how: str,
        on: date,
        sections: tuple[str, ...] = (),
        without_consent_reason: str = "",
    ) -> Disclosure:
        """A referral letter or summary went to its recipient (see letters.record_sent)."""
        logged = letters.record_sent(
            self.vault,
            parties,
            what=what,
            how=how,
            on=on,
            sections=sections,
            without_consent_reason=without_consent_reason,
        )
        self.disclosures_changed.emit(parties.client.id)
        return logged

    def record_view(self, client_id: str) -> None:
        """Opening a client's record is itself recorded (repeated views within minutes are one)."""
        audit.record_now(self.vault, AuditKind.VIEW, client_id=client_id, record_id=client_id)

    def delete_client(
        self,
        client_id: str,
        confirmation: str,
        on_done: Callable[[int], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Delete a client in the worker (compacting a large vault takes seconds).

        `on_done` gets the number of sessions removed with them.
        """
        vault = self.vault

        def deleted(sessions: int) -> None:
            self.clients = [client for client in self.clients if client.id != client_id]
            self._names.pop(client_id, None)
            self._index(lambda index: index.remove_client(client_id))
            self.client_deleted.emit(client_id)
            on_done(sessions)

        self.in_background(
            lambda: retention.delete_client(vault, client_id, confirmation), deleted, on_error
        )

    # -- referrals and consents to share ------------------------------------------------

    def referrals_for(self, client_id: str) -> list[Referral]:
        return referrals.referrals_for_client(self.vault, client_id)

    def _referral_changed(self, referral: Referral) -> Referral:
        recipient = professionals.get_professional(self.vault, referral.professional_id)
        self._index(lambda index: index.put_referral(referral, recipient.details.name))
        self.referrals_changed.emit(referral.client_id)
        return referral

    def create_referral(
        self, client_id: str, professional_id: str, details: ReferralDetails
    ) -> Referral:
        return self._referral_changed(
            referrals.create_referral(self.vault, client_id, professional_id, details)
        )

    def update_referral(
        self, referral_id: str, professional_id: str, details: ReferralDetails
    ) -> Referral:
        return self._referral_changed(
            referrals.update_referral(self.vault, referral_id, professional_id, details)
        )

    def add_consent(
        self, client_id: str, professional_id: str, details: SharingConsentDetails
    ) -> SharingConsent:
        consent = consents.add_consent(self.vault, client_id, professional_id, details)
        self.consents_changed.emit(client_id)
        return consent

    def update_consent(self, consent_id: str, details: SharingConsentDetails) -> SharingConsent:
        consent = consents.update_consent(self.vault, consent_id, details)
        self.consents_changed.emit(consent.client_id)
        return consent

    # -- measures, risk and significant dates ------------------------------------------------

    def add_measure(self, client_id: str, details: MeasureDetails) -> Measure:
        measure = measures.add_measure(self.vault, client_id, details)
        self.measures_changed.emit(client_id)
        return measure

    def update_measure(self, measure: Measure, details: MeasureDetails) -> Measure:
        updated = measures.update_measure(
            self.vault, measure.id, details, session_id=measure.session_id
        )
        self.measures_changed.emit(measure.client_id)
        return updated

    def remove_measure(self, measure: Measure) -> None:
        measures.remove_measure(self.vault, measure.id)
        self.measures_changed.emit(measure.client_id)

    def add_risk_assessment(self, client_id: str, details: RiskAssessmentDetails) -> RiskAssessment:
        assessment = risk.add_risk_assessment(self.vault, client_id, details)
        self.risk_changed.emit(client_id)
        return assessment

    def update_risk_assessment(
        self, assessment_id: str, details: RiskAssessmentDetails
    ) -> RiskAssessment:
        assessment = risk.update_risk_assessment(self.vault, assessment_id, details)
        self.risk_changed.emit(assessment.client_id)
        return assessment

    def save_safety_plan(self, client_id: str, details: SafetyPlanDetails) -> SafetyPlan:
        plan = risk.save_safety_plan(self.vault, client_id, details)
        self.risk_changed.emit(client_id)
        return plan

    def add_significant_date(
        self, client_id: str, details: SignificantDateDetails
    ) -> SignificantDate:
        added = significant_dates.add_significant_date(self.vault, client_id, details)
        self.significant_dates_changed.emit(client_id)
        return added

    def update_significant_date(
        self, date_id: str, details: SignificantDateDetails
    ) -> SignificantDate:
        updated = significant_dates.update_significant_date(self.vault, date_id, details)
        self.significant_dates_changed.emit(updated.client_id)
        return updated

    def remove_significant_date(self, entry: SignificantDate) -> None:
        significant_dates.remove_significant_date(self.vault, entry.id)
        self.significant_dates_changed.emit(entry.client_id)


#: How a print or export left, as print_actions and the export words it.
_HOW_WORDS = ("saved as PDF", "printed", "exported", "export")


def _what_and_how(detail: str) -> tuple[str, str]:
    """ "safety plan saved as PDF: plan.pdf" -> ("safety plan", "saved as PDF: plan.pdf")."""
    for words in _HOW_WORDS:
        at = detail.find(words)
        if at > 0:
            return detail[:at].rstrip(" :,"), detail[at:]
    return detail, "disclosed"
