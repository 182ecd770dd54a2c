"""Adding or editing one entry of the directory of professionals."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from therapist_desk.domain.records import Professional, ProfessionalDetails
from therapist_desk.domain.vocabulary import ProfessionalRole
from therapist_desk.ui.common.formatting import PROFESSIONAL_ROLE_LABELS
from therapist_desk.ui.common.record_dialog import RecordDialog
from therapist_desk.ui.common.widgets import named


class ProfessionalDialog(RecordDialog[Professional]):
    """Calls `save(details)` on Save; stays open, with everything typed, if it is refused.

    The saved entry is in `saved` once the dialog is accepted.
    """

    def __init__(
        self,
        save: Callable[[ProfessionalDetails], Professional],
        professional: Professional | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("professional", parent, cancel_name="Cancel")
        self._save = save
        editing = professional is not None
        self.setWindowTitle("Edit professional" if editing else "New professional")
        self.name = named(QLineEdit(), "Professional's name")
        self.name.setPlaceholderText("e.g. Dr Priya Shah")
        self.role = named(QComboBox(), "Role")
        for role, text in PROFESSIONAL_ROLE_LABELS.items():
            self.role.addItem(text, role)
        self.organisation = named(QLineEdit(), "Organisation")
        self.organisation.setPlaceholderText("e.g. Harbour Lane Surgery")
        self.address = named(QPlainTextEdit(), "Address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(72)
        self.phone = named(QLineEdit(), "Phone")
        self.email = named(QLineEdit(), "Email")
        self.email.setPlaceholderText("name@example.org")
        self.notes = named(QPlainTextEdit(), "Notes about the professional")
        self.notes.setPlaceholderText("How they like to receive referrals, opening hours…")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(72)
        self.problems.setProperty("role", "error")
        self.problems.hide()

        form = QFormLayout()
        form.addRow("Name *", self.name)
        form.addRow("Role", self.role)
        form.addRow("Organisation", self.organisation)
        form.addRow("Address", self.address)
        form.addRow("Phone", self.phone)
        form.addRow("Email", self.email)
        form.addRow("Notes", self.notes)
        self.lay_out(form)
        self.setMinimumWidth(480)
        # Reading order: the form top to bottom, then Save, then Cancel.
        chain: list[QWidget] = [
            self.name,
            self.role,
            self.organisation,
            self.address,
            self.phone,
            self.email,
            self.notes,
            *self.buttons.buttons(),
        ]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)
        if professional is not None:
            self.fill(professional.details)
        self.name.setFocus()

    def fill(self, details: ProfessionalDetails) -> None:
        self.name.setText(details.name)
        self.role.setCurrentIndex(max(0, self.role.findData(details.role)))
        self.organisation.setText(details.organisation)
        self.address.setPlainText(details.address)
        self.phone.setText(details.phone)
        self.email.setText(details.email)
        self.notes.setPlainText(details.notes)

    def details(self) -> ProfessionalDetails:
        return ProfessionalDetails(
            name=" ".join(self.name.text().split()),
            role=ProfessionalRole(self.role.currentData()),
            organisation=self.organisation.text().strip(),
            address=self.address.toPlainText().strip(),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
            notes=self.notes.toPlainText().strip(),
        )

    def explain(self, text: str) -> None:
        self.problems.setText(text)
        self.problems.show()
        # The cursor goes where the first problem is, so it can be fixed at once.
        if text.startswith("The email"):
            self.email.setFocus()
        elif text.startswith("The professional's name"):
            self.name.setFocus()

    def store(self) -> Professional:
        return self._save(self.details())
