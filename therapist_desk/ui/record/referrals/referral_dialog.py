"""Starting or correcting a referral: to whom, why, how urgent, and where it stands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QPlainTextEdit,
    QWidget,
)

from therapist_desk.domain.records import Referral, ReferralDetails
from therapist_desk.domain.vocabulary import ReferralStatus, ReferralUrgency
from therapist_desk.ui.common.formatting import REFERRAL_STATUS_LABELS, URGENCY_LABELS
from therapist_desk.ui.common.optional_date import OptionalDateEdit
from therapist_desk.ui.common.record_dialog import RecordDialog
from therapist_desk.ui.common.widgets import named
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.professionals.professional_picker import ProfessionalPicker

#: A new referral suggests a follow-up this long after it is written.
FOLLOW_UP_DAYS = 28


@dataclass(frozen=True)
class ReferralDraft:
    """What the dialog holds: the recipient (None until chosen) and the details."""

    professional_id: str | None
    details: ReferralDetails


class ReferralDialog(RecordDialog[Referral]):
    """`save(professional_id, details)` stores the referral; its error messages are shown."""

    def __init__(
        self,
        open_vault: OpenVault,
        save: Callable[[str, ReferralDetails], Referral],
        today: date,
        referral: Referral | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("referral", parent)
        self._save = save
        self._letter_text = referral.details.letter_text if referral else ""
        self.setWindowTitle("Edit referral" if referral else "New referral")
        self.recipient = ProfessionalPicker("Refer to", open_vault)
        self.reason = named(QPlainTextEdit(), "Reason for referral")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(
            "What you are asking the recipient for, and why now (the letter builds on this)"
        )
        self.reason.setMinimumHeight(90)
        self.urgency = named(QComboBox(), "Urgency")
        for urgency, text in URGENCY_LABELS.items():
            self.urgency.addItem(text, urgency)
        self.status = named(QComboBox(), "Status")
        for status, text in REFERRAL_STATUS_LABELS.items():
            self.status.addItem(text, status)
        self.referred_on = OptionalDateEdit("Referred on", today)
        self.follow_up_on = OptionalDateEdit("Follow up on", today + timedelta(days=FOLLOW_UP_DAYS))
        self.sent_on = OptionalDateEdit("Sent on", today)
        self.acknowledged_on = OptionalDateEdit("Acknowledged on", today)
        self.closed_on = OptionalDateEdit("Closed or declined on", today)
        self.problems.setProperty("role", "error")

        form = QFormLayout()
        form.addRow("Refer to *", self.recipient)
        form.addRow("Reason *", self.reason)
        form.addRow("Urgency", self.urgency)
        form.addRow("Referred on", self.referred_on)
        form.addRow("Follow up on", self.follow_up_on)
        form.addRow("Status", self.status)
        form.addRow("Sent on", self.sent_on)
        form.addRow("Acknowledged on", self.acknowledged_on)
        form.addRow("Closed / declined on", self.closed_on)
        self.lay_out(form)
        self.setMinimumWidth(640)
        if referral is None:
            # A new referral is usually written today; the workflow buttons stamp the rest.
            self.referred_on.set_value(today)
            self.follow_up_on.set_value(today + timedelta(days=FOLLOW_UP_DAYS))
        else:
            self.fill(ReferralDraft(referral.professional_id, referral.details))
        self.recipient.setFocus()

    def fill(self, draft: ReferralDraft) -> None:
        if draft.professional_id is not None:
            self.recipient.set_selected(draft.professional_id)
        details = draft.details
        self.reason.setPlainText(details.reason)
        self.urgency.setCurrentIndex(self.urgency.findData(details.urgency))
        self.status.setCurrentIndex(self.status.findData(details.status))
        self.referred_on.set_value(details.referred_on)
        self.sent_on.set_value(details.sent_on)
        self.acknowledged_on.set_value(details.acknowledged_on)
        self.closed_on.set_value(details.closed_on)
        self.follow_up_on.set_value(details.follow_up_on)
        self._letter_text = details.letter_text

    def details(self) -> ReferralDetails:
        return ReferralDetails(
            reason=self.reason.toPlainText().strip(),
            urgency=ReferralUrgency(self.urgency.currentData()),
            status=ReferralStatus(self.status.currentData()),
            referred_on=self.referred_on.value(),
            sent_on=self.sent_on.value(),
            acknowledged_on=self.acknowledged_on.value(),
            closed_on=self.closed_on.value(),
            follow_up_on=self.follow_up_on.value(),
            letter_text=self._letter_text,
        )

    def draft(self) -> ReferralDraft:
        return ReferralDraft(self.recipient.selected_id(), self.details())

    def precheck(self) -> bool:
        if self.recipient.selected_id() is None:
            self.explain("Choose the professional to refer to (or add them to the directory).")
            self.recipient.setFocus()
            return False
        return True

    def store(self) -> Referral:
        professional_id = self.recipient.selected_id()
        assert professional_id is not None  # the precheck saw to it
        return self._save(professional_id, self.details())
