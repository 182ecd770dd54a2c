"""Recording or correcting a client's consent to share their information with a professional."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from therapist_desk.domain.records import SharingConsent, SharingConsentDetails
from therapist_desk.ui.common.optional_date import DISPLAY_FORMAT, OptionalDateEdit, qdate
from therapist_desk.ui.common.record_dialog import RecordDialog
from therapist_desk.ui.common.widgets import named
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.professionals.professional_picker import ProfessionalPicker


@dataclass(frozen=True)
class ConsentDraft:
    """What the dialog holds: the recipient (None until chosen) and the details."""

    professional_id: str | None
    details: SharingConsentDetails


class ConsentDialog(RecordDialog[SharingConsent]):
    """`save(professional_id, details)` stores the consent; its error messages are shown.

    A consent belongs to one professional: when editing, the recipient is fixed (a
    consent to someone else is a new consent).
    """

    def __init__(
        self,
        open_vault: OpenVault,
        save: Callable[[str, SharingConsentDetails], SharingConsent],
        today: date,
        consent: SharingConsent | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("consent", parent)
        self._save = save
        self.setWindowTitle("Edit consent to share" if consent else "New consent to share")
        self.recipient = ProfessionalPicker("Share with", open_vault)
        self.given_on = named(QDateEdit(), "Consent given on")
        self.given_on.setCalendarPopup(True)
        self.given_on.setDisplayFormat(DISPLAY_FORMAT)
        self.given_on.setDate(qdate(today))
        self.expires_on = OptionalDateEdit("Consent expires on", today + timedelta(days=365))
        self.withdrawn_on = OptionalDateEdit("Consent withdrawn on", today)
        self.scope = named(QLineEdit(), "Scope of consent")
        self.scope.setPlaceholderText("e.g. referral letter and summary; medication only")
        self.notes = named(QPlainTextEdit(), "Consent notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(64)
        self.notes.setPlaceholderText("How it was given (signed form, verbally in session…)")
        self.problems.setProperty("role", "error")

        form = QFormLayout()
        form.addRow("Share with *", self.recipient)
        form.addRow("Given on *", self.given_on)
        form.addRow("Expires on", self.expires_on)
        form.addRow("Withdrawn on", self.withdrawn_on)
        form.addRow("Scope", self.scope)
        form.addRow("Notes", self.notes)
        self.lay_out(form)
        self.setMinimumWidth(640)
        if consent is not None:
            self.fill(ConsentDraft(consent.professional_id, consent.details))
            self.recipient.setEnabled(False)
            self.given_on.setFocus()
        else:
            self.recipient.setFocus()

    def fill(self, draft: ConsentDraft) -> None:
        if draft.professional_id is not None:
            self.recipient.set_selected(draft.professional_id)
        details = draft.details
        if details.given_on is not None:
            self.given_on.setDate(qdate(details.given_on))
        self.expires_on.set_value(details.expires_on)
        self.withdrawn_on.set_value(details.withdrawn_on)
        self.scope.setText(details.scope)
        self.notes.setPlainText(details.notes)

    def details(self) -> SharingConsentDetails:
        given = self.given_on.date()
        return SharingConsentDetails(
            given_on=date(given.year(), given.month(), given.day()),
            expires_on=self.expires_on.value(),
            withdrawn_on=self.withdrawn_on.value(),
            scope=self.scope.text().strip(),
            notes=self.notes.toPlainText().strip(),
        )

    def draft(self) -> ConsentDraft:
        return ConsentDraft(self.recipient.selected_id(), self.details())

    def precheck(self) -> bool:
        if self.recipient.selected_id() is None:
            self.explain(
                "Choose the professional the client consents to share with "
                "(or add them to the directory)."
            )
            self.recipient.setFocus()
            return False
        return True

    def store(self) -> SharingConsent:
        professional_id = self.recipient.selected_id()
        assert professional_id is not None  # the precheck saw to it
        return self._save(professional_id, self.details())
