"""The practice profile form: who the therapist is, for letterheads."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from therapist_desk.domain.records import PracticeProfile
from therapist_desk.ui.common.widgets import named


class PracticeForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice_name = named(QLineEdit(), "Practice name")
        self.clinician_name = named(QLineEdit(), "Your name as it appears on letters")
        self.credentials = named(QLineEdit(), "Credentials")
        self.licence_number = named(QLineEdit(), "Licence or registration number")
        self.address = named(QPlainTextEdit(), "Practice address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(72)
        self.phone = named(QLineEdit(), "Practice phone")
        self.email = named(QLineEdit(), "Practice email")
        self.website = named(QLineEdit(), "Practice website")
        self.currency = named(QLineEdit(), "Currency code")
        self.currency.setMaxLength(3)
        self.currency.setPlaceholderText("GBP, EUR, USD…")
        self.practice_name.setPlaceholderText("Harbour Lane Therapy")
        self.credentials.setPlaceholderText("e.g. MSc, registered psychotherapist")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Practice name", self.practice_name)
        form.addRow("Your name", self.clinician_name)
        form.addRow("Credentials", self.credentials)
        form.addRow("Licence number", self.licence_number)
        form.addRow("Address", self.address)
        form.addRow("Phone", self.phone)
        form.addRow("Email", self.email)
        form.addRow("Website", self.website)
        form.addRow("Currency", self.currency)

    def set_profile(self, profile: PracticeProfile) -> None:
        self.practice_name.setText(profile.practice_name)
        self.clinician_name.setText(profile.clinician_name)
        self.credentials.setText(profile.credentials)
        self.licence_number.setText(profile.licence_number)
        self.address.setPlainText(profile.address)
        self.phone.setText(profile.phone)
        self.email.setText(profile.email)
        self.website.setText(profile.website)
        self.currency.setText(profile.currency)

    def profile(self) -> PracticeProfile:
        return PracticeProfile(
            practice_name=self.practice_name.text().strip(),
            clinician_name=self.clinician_name.text().strip(),
            credentials=self.credentials.text().strip(),
            licence_number=self.licence_number.text().strip(),
            address=self.address.toPlainText().strip(),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
            website=self.website.text().strip(),
            currency=self.currency.text().strip().upper(),
        )

    def clear(self) -> None:
        self.set_profile(PracticeProfile())
