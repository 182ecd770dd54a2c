"""Adding or editing a client: a short, focused dialog."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from therapist_desk.domain.records import Client, ClientDetails
from therapist_desk.domain.vocabulary import ClientStatus
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.optional_date import OptionalDateEdit
from therapist_desk.ui.common.record_dialog import RecordDialog
from therapist_desk.ui.common.widgets import named


class ClientDialog(RecordDialog[Client]):
    """Calls `save(details)` on Save; stays open, with everything typed, if it is refused."""

    def __init__(
        self,
        save: Callable[[ClientDetails], Client],
        client: Client | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("client", parent)
        self._save = save
        self.setWindowTitle("Edit client" if client else "New client")
        self.legal_name = named(QLineEdit(), "Legal name")
        self.preferred_name = named(QLineEdit(), "Preferred name")
        self.pronouns = named(QLineEdit(), "Pronouns")
        self.pronouns.setPlaceholderText("she/her, he/him, they/them…")
        self.name_in_letters = named(QLineEdit(), "Name in letters")
        self.name_in_letters.setPlaceholderText("How letters should name them, e.g. Ms Rivera")
        self.date_of_birth = OptionalDateEdit("Date of birth")
        self.phone = named(QLineEdit(), "Phone")
        self.email = named(QLineEdit(), "Email")
        self.address = named(QPlainTextEdit(), "Address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(64)
        self.status = named(QComboBox(), "Status")
        for status, text in formatting.STATUS_LABELS.items():
            self.status.addItem(text, status)
        self.referral_source = named(QLineEdit(), "Referral source")
        self.intake_date = OptionalDateEdit("Intake date")
        self.discharge_date = OptionalDateEdit("Discharge date")

        form = QFormLayout()
        form.addRow("Legal name *", self.legal_name)
        form.addRow("Preferred name", self.preferred_name)
        form.addRow("Pronouns", self.pronouns)
        form.addRow("Name in letters", self.name_in_letters)
        form.addRow("Date of birth", self.date_of_birth)
        form.addRow("Phone", self.phone)
        form.addRow("Email", self.email)
        form.addRow("Address", self.address)
        form.addRow("Status", self.status)
        form.addRow("Referred by", self.referral_source)
        form.addRow("Intake date", self.intake_date)
        form.addRow("Discharge date", self.discharge_date)
        self.lay_out(form)
        if client is not None:
            self.fill(client.details)
        else:
            self.status.setCurrentIndex(self.status.findData(ClientStatus.ACTIVE))
        self.legal_name.setFocus()

    def fill(self, details: ClientDetails) -> None:
        self.legal_name.setText(details.legal_name)
        self.preferred_name.setText(details.preferred_name)
        self.pronouns.setText(details.pronouns)
        self.name_in_letters.setText(details.name_in_letters)
        self.date_of_birth.set_value(details.date_of_birth)
        self.phone.setText(details.phone)
        self.email.setText(details.email)
        self.address.setPlainText(details.address)
        self.status.setCurrentIndex(self.status.findData(details.status))
        self.referral_source.setText(details.referral_source)
        self.intake_date.set_value(details.intake_date)
        self.discharge_date.set_value(details.discharge_date)

    def details(self) -> ClientDetails:
        return ClientDetails(
            legal_name=self.legal_name.text().strip(),
            preferred_name=self.preferred_name.text().strip(),
            pronouns=self.pronouns.text().strip(),
            name_in_letters=self.name_in_letters.text().strip(),
            date_of_birth=self.date_of_birth.value(),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
            address=self.address.toPlainText().strip(),
            status=ClientStatus(self.status.currentData()),
            referral_source=self.referral_source.text().strip(),
            intake_date=self.intake_date.value(),
            discharge_date=self.discharge_date.value(),
        )

    def store(self) -> Client:
        return self._save(self.details())
