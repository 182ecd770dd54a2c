"""The unlocked vault as the window sees it: the one path every change takes.

Each write is one service call (one transaction), then one announcement: the
search index is brought up to date and `changed` tells every view what kind of
record changed and whose, so each view decides for itself whether to refresh.
No screen writes to the vault any other way. Dropped on lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from datetime import time as time_of_day
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from therapist_desk.clinical import (
    diagnoses,
    measures,
    medications,
    risk,
    session_notes,
    significant_dates,
    treatment_plans,
)
from therapist_desk.clinical.session_notes import SessionNote
from therapist_desk.domain.records import (
    Client,
    ClientDetails,
    Contact,
    ContactDetails,
    Diagnosis,
    DiagnosisDetails,
    Disclosure,
    DisclosureDetails,
    Measure,
    MeasureDetails,
    Medication,
    MedicationDetails,
    NoteContent,
    Payment,
    PaymentDetails,
    PracticeProfile,
    Professional,
    ProfessionalDetails,
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
    TreatmentPlan,
    TreatmentPlanDetails,
)
from therapist_desk.domain.vocabulary import Attendance, AuditKind, TermCategory
from therapist_desk.letters import letters
from therapist_desk.letters.letters import LetterTemplate, SentReferral
from therapist_desk.letters.rendering import PaperSize
from therapist_desk.records import (
    calendar,
    clients,
    contacts,
    fees,
    practice,
    psychotherapy_notes,
    retention,
    terms,
    therapy_sessions,
)
from therapist_desk.records.retention import ClientDeleted
from therapist_desk.search.index import HitKind, SearchIndex
from therapist_desk.sharing import consents, disclosures, professionals, referrals
from therapist_desk.sharing.disclosures import DisclosedTo, DocumentSent
from therapist_desk.ui.background import BackgroundRunner
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.common.formatting import initials
from therapist_desk.ui.live_index import LiveIndex
from therapist_desk.vault import Vault, audit, backups, passphrases
from therapist_desk.vault import settings as vault_settings
from therapist_desk.vault.opening import Secret, unlock_data_key

T = TypeVar("T")


class OpenVault(QObject):
    #: After every committed change the window made: what kind of record, whose.
    changed = Signal(Change)
    index_progress = Signal(int)
    index_ready = Signal()
    index_failed = Signal(str)

    def __init__(
        self, vault: Vault, runner: BackgroundRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.vault = vault
        self._runner = runner
        self.live_index = LiveIndex(vault, runner, lambda: self.is_open, self)
        self.live_index.progressed.connect(self.index_progress)
        self.live_index.ready.connect(self.index_ready)
        self.live_index.failed.connect(self.index_failed)
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

    @property
    def index(self) -> SearchIndex | None:
        """The search index, once built."""
        return self.live_index.index

    @property
    def index_build_seconds(self) -> float | None:
        return self.live_index.build_seconds

    def load_clients(self) -> list[Client]:
        self.clients = clients.list_clients(self.vault)
        self._names = {client.id: client.details.display_name for client in self.clients}
        return self.clients

    def start_index_build(self) -> None:
        self.live_index.start_build()

    def in_background(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Run in a worker thread; the result is dropped if the vault locks meanwhile."""
        self._runner.run(work, on_done, on_error, lambda: self.is_open)

    def close(self) -> None:
        self.live_index.close()
        self._runner.wait_for_all()  # the index build stops within a hundred records
        self.live_index.forget()
        self.clients = []
        self._names = {}
        self.vault.close()

    # -- announcing ----------------------------------------------------------------------

    def _announce(
        self,
        *kinds: Kind,
        clients: Iterable[str] = (),
        client: Client | None = None,
        removed: bool = False,
    ) -> None:
        self.changed.emit(
            Change(self.vault.now(), frozenset(kinds), frozenset(clients), client, removed)
        )

    def _index(self, change: Callable[[SearchIndex], None]) -> None:
        self.live_index.update(change)

    # -- reading --------------------------------------------------------------------------

    def name_of(self, client_id: str) -> str:
        """How a client is named on screen: initials only in privacy mode."""
        name = self._names.get(client_id, "")
        return initials(name) if self.privacy else name

    def names_of(self, client_ids: Sequence[str]) -> str:
        return ", ".join(self.name_of(client_id) for client_id in client_ids)

    def today(self) -> date:
        return self.vault.now().astimezone().date()

    def record_view(self, client_id: str) -> None:
        """Opening a client's record is itself recorded (repeated views within minutes are one)."""
        audit.record_now(self.vault, AuditKind.VIEW, client_id=client_id, record_id=client_id)

    # -- clients and contacts ------------------------------------------------------------

    def _client_changed(self, client: Client) -> Client:
        self._names[client.id] = client.details.display_name
        self.clients = [c for c in self.clients if c.id != client.id] + [client]
        self._index(lambda index: index.put_client(client))
        self._announce(Kind.CLIENT, clients=(client.id,), client=client)
        return client

    def create_client(self, details: ClientDetails) -> Client:
        return self._client_changed(clients.create_client(self.vault, details))

    def update_client(self, client_id: str, details: ClientDetails) -> Client:
        return self._client_changed(clients.update_client(self.vault, client_id, details))

    def discharge_client(self, client_id: str, on: date) -> Client:
        return self._client_changed(clients.discharge_client(self.vault, client_id, on))

    def reactivate_client(self, client_id: str) -> Client:
        return self._client_changed(clients.reactivate_client(self.vault, client_id))

    def delete_client(
        self,
        client_id: str,
        confirmation: str,
        on_done: Callable[[ClientDeleted], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Delete a client in the worker (compacting a large vault takes seconds)."""
        vault = self.vault

        def deleted(result: ClientDeleted) -> None:
            self.clients = [client for client in self.clients if client.id != client_id]
            self._names.pop(client_id, None)
            self._index(lambda index: index.remove_client(client_id))
            self._announce(*Kind, clients=(client_id,), removed=True)
            on_done(result)

        self.in_background(
            lambda: retention.delete_client(vault, client_id, confirmation), deleted, on_error
        )

    def add_contact(self, client_id: str, details: ContactDetails) -> Contact:
        contact = contacts.add_contact(self.vault, client_id, details)
        self._index(lambda index: index.put_contact(contact))
        self._announce(Kind.CONTACT, clients=(client_id,))
        return contact

    def update_contact(self, contact_id: str, details: ContactDetails) -> Contact:
        contact = contacts.update_contact(self.vault, contact_id, details)
        self._index(lambda index: index.put_contact(contact))
        self._announce(Kind.CONTACT, clients=(contact.client_id,))
        return contact

    def remove_contact(self, contact: Contact) -> None:
        contacts.remove_contact(self.vault, contact.id)
        self._index(lambda index: index.remove(HitKind.CONTACT, contact.id))
        self._announce(Kind.CONTACT, clients=(contact.client_id,))

    # -- sessions and the calendar --------------------------------------------------------

    def _sessions_changed(self, changed: Sequence[TherapySession]) -> None:
        moved = list(changed)

        def update(index: SearchIndex) -> None:
            for session in moved:  # a note's hit names its session's day and attendees
                index.put_session(session)

        self._index(update)
        self._announce(
            Kind.SESSION, clients={client for session in changed for client in session.client_ids}
        )

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
        self._sessions_changed([session])
        return session

    def set_attendance(
        self, session_id: str, client_id: str, attendance: Attendance
    ) -> TherapySession:
        session = therapy_sessions.set_attendance(self.vault, session_id, client_id, attendance)
        self._sessions_changed([session])
        return session

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
        self._announce(Kind.SESSION, clients=client_ids)
        return booked

    def move_session(
        self, session_id: str, starts_at: datetime, duration_minutes: int | None = None
    ) -> TherapySession:
        moved = calendar.move_session(self.vault, session_id, starts_at, duration_minutes)
        self._sessions_changed([moved])
        return moved

    def cancel_session(self, session_id: str) -> TherapySession:
        cancelled = calendar.cancel_session(self.vault, session_id)
        self._sessions_changed([cancelled])
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
            self._sessions_changed(changed)
        return changed

    def end_series(self, series_id: str, from_day: date) -> calendar.SeriesEnding:
        ending = calendar.end_series(self.vault, series_id, from_day)
        if ending.removed:
            self._announce(Kind.SESSION, clients=ending.client_ids)
        return ending

    # -- payments and the practice's fee -----------------------------------------------------

    def record_payment(
        self, client_id: str, details: PaymentDetails, session_id: str | None = None
    ) -> Payment:
        payment = fees.record_payment(self.vault, client_id, details, session_id=session_id)
        self._announce(Kind.PAYMENT, clients=(client_id,))
        return payment

    def update_payment(
        self, payment_id: str, details: PaymentDetails, session_id: str | None
    ) -> Payment:
        payment = fees.update_payment(self.vault, payment_id, details, session_id)
        self._announce(Kind.PAYMENT, clients=(payment.client_id,))
        return payment

    def remove_payment(self, payment: Payment) -> None:
        fees.remove_payment(self.vault, payment.id)
        self._announce(Kind.PAYMENT, clients=(payment.client_id,))

    def set_default_fee(self, fee: Decimal | None) -> None:
        fees.set_default_fee(self.vault, fee)
        self._announce(Kind.PRACTICE)

    def save_profile(self, profile: PracticeProfile) -> PracticeProfile:
        saved = practice.save_profile(self.vault, profile)
        self._announce(Kind.PRACTICE)
        return saved

    def add_term(self, category: TermCategory, text: str) -> list[str]:
        added = terms.add_term(self.vault, category, text)
        self._announce(Kind.TERM)
        return added

    # -- progress notes and process notes -----------------------------------------------------

    def _note_changed(self, saved: SessionNote) -> SessionNote:
        note, session = saved.note, saved.session
        addenda = [addendum.text for addendum in note.addenda]
        self._index(lambda index: index.put_note(note.id, session, note.content, addenda))
        self._announce(Kind.NOTE, clients=session.client_ids)
        return saved

    def save_draft(
        self, session_id: str, content: NoteContent, worked_on: Sequence[str] | None = None
    ) -> SessionNote:
        """The draft, and the objectives it worked on unless None, in one commit; returns
        only after it, which is when the window may say "Saved"."""
        return self._note_changed(
            session_notes.save_draft(self.vault, session_id, content, worked_on)
        )

    def sign_draft(
        self, session_id: str, content: NoteContent, worked_on: Sequence[str] | None = None
    ) -> SessionNote:
        """Save the note as it stands and sign it, in one commit."""
        return self._note_changed(
            session_notes.sign_draft(self.vault, session_id, content, worked_on)
        )

    def add_addendum(self, note_id: str, text: str) -> SessionNote:
        return self._note_changed(session_notes.add_addendum(self.vault, note_id, text))

    def save_process_note(
        self, client_id: str, text: str, note_id: str | None, session_id: str | None = None
    ) -> PsychotherapyNote:
        # Process notes stay out of the search index: they are private even on screen.
        saved = psychotherapy_notes.save_psychotherapy_note(
            self.vault, client_id, text, session_id=session_id, note_id=note_id
        )
        self._announce(Kind.PROCESS_NOTE, clients=(client_id,))
        return saved

    # -- the treatment plan, diagnoses and medications ----------------------------------------

    def save_plan(self, client_id: str, details: TreatmentPlanDetails) -> TreatmentPlan:
        plan = treatment_plans.save_plan(self.vault, client_id, details)
        self._announce(Kind.PLAN, clients=(client_id,))
        return plan

    def revise_plan(
        self, client_id: str, unsaved: TreatmentPlanDetails | None = None
    ) -> TreatmentPlan:
        """A new version of the plan, after saving `unsaved` changes into the current one,
        in one commit."""
        plan = treatment_plans.revise_plan(self.vault, client_id, unsaved)
        self._announce(Kind.PLAN, clients=(client_id,))
        return plan

    def add_diagnosis(self, client_id: str, details: DiagnosisDetails) -> Diagnosis:
        added = diagnoses.add_diagnosis(self.vault, client_id, details)
        self._announce(Kind.DIAGNOSIS, clients=(client_id,))
        return added

    def update_diagnosis(self, diagnosis_id: str, details: DiagnosisDetails) -> Diagnosis:
        updated = diagnoses.update_diagnosis(self.vault, diagnosis_id, details)
        self._announce(Kind.DIAGNOSIS, clients=(updated.client_id,))
        return updated

    def remove_diagnosis(self, diagnosis: Diagnosis) -> None:
        diagnoses.remove_diagnosis(self.vault, diagnosis.id)
        self._announce(Kind.DIAGNOSIS, clients=(diagnosis.client_id,))

    def add_medication(
        self, client_id: str, details: MedicationDetails, prescriber_id: str | None
    ) -> Medication:
        added = medications.add_medication(
            self.vault, client_id, details, prescriber_id=prescriber_id
        )
        self._announce(Kind.MEDICATION, clients=(client_id,))
        return added

    def update_medication(
        self, medication_id: str, details: MedicationDetails, prescriber_id: str | None
    ) -> Medication:
        updated = medications.update_medication(
            self.vault, medication_id, details, prescriber_id=prescriber_id
        )
        self._announce(Kind.MEDICATION, clients=(updated.client_id,))
        return updated

    def stop_medication(self, medication_id: str, on: date) -> Medication:
        stopped = medications.stop_medication(self.vault, medication_id, on)
        self._announce(Kind.MEDICATION, clients=(stopped.client_id,))
        return stopped

    def remove_medication(self, medication: Medication) -> None:
        medications.remove_medication(self.vault, medication.id)
        self._announce(Kind.MEDICATION, clients=(medication.client_id,))

    # -- measures, risk and significant dates ------------------------------------------------

    def add_measure(self, client_id: str, details: MeasureDetails) -> Measure:
        measure = measures.add_measure(self.vault, client_id, details)
        self._announce(Kind.MEASURE, clients=(client_id,))
        return measure

    def update_measure(self, measure: Measure, details: MeasureDetails) -> Measure:
        updated = measures.update_measure(
            self.vault, measure.id, details, session_id=measure.session_id
        )
        self._announce(Kind.MEASURE, clients=(measure.client_id,))
        return updated

    def remove_measure(self, measure: Measure) -> None:
        measures.remove_measure(self.vault, measure.id)
        self._announce(Kind.MEASURE, clients=(measure.client_id,))

    def add_risk_assessment(self, client_id: str, details: RiskAssessmentDetails) -> RiskAssessment:
        assessment = risk.add_risk_assessment(self.vault, client_id, details)
        self._announce(Kind.RISK, clients=(client_id,))
        return assessment

    def update_risk_assessment(
        self, assessment_id: str, details: RiskAssessmentDetails
    ) -> RiskAssessment:
        assessment = risk.update_risk_assessment(self.vault, assessment_id, details)
        self._announce(Kind.RISK, clients=(assessment.client_id,))
        return assessment

    def save_safety_plan(self, client_id: str, details: SafetyPlanDetails) -> SafetyPlan:
        plan = risk.save_safety_plan(self.vault, client_id, details)
        self._announce(Kind.SAFETY_PLAN, clients=(client_id,))
        return plan

    def add_significant_date(
        self, client_id: str, details: SignificantDateDetails
    ) -> SignificantDate:
        added = significant_dates.add_significant_date(self.vault, client_id, details)
        self._announce(Kind.SIGNIFICANT_DATE, clients=(client_id,))
        return added

    def update_significant_date(
        self, date_id: str, details: SignificantDateDetails
    ) -> SignificantDate:
        updated = significant_dates.update_significant_date(self.vault, date_id, details)
        self._announce(Kind.SIGNIFICANT_DATE, clients=(updated.client_id,))
        return updated

    def remove_significant_date(self, entry: SignificantDate) -> None:
        significant_dates.remove_significant_date(self.vault, entry.id)
        self._announce(Kind.SIGNIFICANT_DATE, clients=(entry.client_id,))

    # -- the directory, referrals and consents to share ----------------------------------------

    def _professional_changed(self, professional: Professional) -> Professional:
        named = referrals.referrals_to(self.vault, professional.id)

        def update(index: SearchIndex) -> None:
            index.put_professional(professional)
            for referral in named:  # the recipient's name is searched in each
                index.put_referral(referral)

        self._index(update)
        self._announce(Kind.PROFESSIONAL, clients={referral.client_id for referral in named})
        return professional

    def add_professional(self, details: ProfessionalDetails) -> Professional:
        return self._professional_changed(professionals.add_professional(self.vault, details))

    def update_professional(
        self, professional_id: str, details: ProfessionalDetails
    ) -> Professional:
        return self._professional_changed(
            professionals.update_professional(self.vault, professional_id, details)
        )

    def remove_professional(self, professional_id: str) -> None:
        professionals.remove_professional(self.vault, professional_id)
        self._announce(Kind.PROFESSIONAL)

    def referrals_for(self, client_id: str) -> list[Referral]:
        return referrals.referrals_for_client(self.vault, client_id)

    def _referral_changed(self, referral: Referral, *also: Kind) -> Referral:
        self._index(lambda index: index.put_referral(referral))
        self._announce(Kind.REFERRAL, *also, clients=(referral.client_id,))
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
        self._announce(Kind.CONSENT, clients=(client_id,))
        return consent

    def update_consent(self, consent_id: str, details: SharingConsentDetails) -> SharingConsent:
        consent = consents.update_consent(self.vault, consent_id, details)
        self._announce(Kind.CONSENT, clients=(consent.client_id,))
        return consent

    # -- what leaves the vault ---------------------------------------------------------------

    def record_document_sent(
        self,
        client_id: str,
        what: str,
        sent: DocumentSent,
        *,
        record_id: str,
        recipient: str = "the client",
    ) -> Disclosure:
        """The safety plan or a statement, made for the client, was printed or saved: on
        their disclosure log and their audit trail."""
        logged = disclosures.record_document_sent(
            self.vault, client_id, what, sent, record_id=record_id, recipient=recipient
        )
        self._announce(Kind.DISCLOSURE, clients=(client_id,))
        return logged

    def log_disclosure(
        self, client_id: str, details: DisclosureDetails, to: DisclosedTo | None = None
    ) -> Disclosure:
        """A disclosure described in full (to a professional, under a consent or a reason)."""
        logged = disclosures.record_disclosure(self.vault, client_id, details, to)
        self._announce(Kind.DISCLOSURE, clients=(client_id,))
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
        letter_text: str | None = None,
        content: str = "",
    ) -> SentReferral:
        """A referral letter or summary went to its recipient: the disclosure, the referral
        marked sent and the wording it went with, in one commit (see letters.record_sent)."""
        sent = letters.record_sent(
            self.vault,
            parties,
            what=what,
            how=how,
            on=on,
            sections=sections,
            without_consent_reason=without_consent_reason,
            letter_text=letter_text,
            content=content,
        )
        self._referral_changed(sent.referral, Kind.DISCLOSURE)
        return sent

    def record_letter_sent(
        self,
        parties: letters.LetterParties,
        *,
        how: str,
        on: date,
        without_consent_reason: str = "",
        content: str = "",
    ) -> Disclosure:
        """A general letter about the client went to a professional of the directory."""
        logged = letters.record_letter_sent(
            self.vault,
            parties,
            how=how,
            on=on,
            without_consent_reason=without_consent_reason,
            content=content,
        )
        self._announce(Kind.DISCLOSURE, clients=(parties.client.id,))
        return logged

    # -- letter templates --------------------------------------------------------------------

    def save_template(self, name: str, source: str) -> LetterTemplate:
        template = letters.save_template(self.vault, name, source)
        self._announce(Kind.TEMPLATE)
        return template

    def reset_template(self, name: str) -> LetterTemplate:
        template = letters.reset_template(self.vault, name)
        self._announce(Kind.TEMPLATE)
        return template

    # -- safekeeping ------------------------------------------------------------------------

    def choose_backup_folder(self, folder: Path) -> None:
        vault_settings.change_setting(self.vault, vault_settings.BACKUP_FOLDER, str(folder))
        self._announce(Kind.SAFEKEEPING)

    def keep_backups(self, count: int) -> None:
        vault_settings.change_setting(self.vault, vault_settings.BACKUPS_KEPT, str(count))
        self._announce(Kind.SAFEKEEPING)

    def keep_records_for(self, years: int) -> None:
        vault_settings.change_setting(self.vault, vault_settings.RETENTION_YEARS, str(years))
        self._announce(Kind.SAFEKEEPING)

    def back_up(
        self,
        folder: Path,
        on_done: Callable[[Path], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """A backup into `folder`, made in the worker (a large vault takes seconds)."""
        vault = self.vault

        def made(target: Path) -> None:
            self._announce(Kind.SAFEKEEPING)
            on_done(target)

        self.in_background(lambda: backups.make_backup(vault, folder), made, on_error)

    def back_up_automatically(self, folder: Path) -> Path:
        """The daily backup on close, made while the window waits."""
        target = backups.make_backup(self.vault, folder, automatic=True)
        self._announce(Kind.SAFEKEEPING)
        return target

    def record_backup_checked(self, backup: Path) -> None:
        backups.record_verified(self.vault, backup)
        self._announce(Kind.SAFEKEEPING)

    def change_passphrase(
        self,
        new_passphrase: str,
        current: str | None,
        on_done: Callable[[None], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """A new passphrase, after checking the current one unless None (both derive a key,
        most of a second each: in the worker)."""
        vault = self.vault

        def work() -> None:
            if current is not None:
                unlock_data_key(vault.read_header(), Secret(passphrase=current))
            passphrases.change_passphrase(vault, new_passphrase)

        def changed(result: None) -> None:
            self._announce(Kind.SAFEKEEPING)
            on_done(result)

        self.in_background(work, changed, on_error)

    def new_recovery_key(self) -> str:
        """A new recovery key, printable; the old one stops working."""
        key = passphrases.new_recovery_key(self.vault)
        self._announce(Kind.SAFEKEEPING)
        return key
