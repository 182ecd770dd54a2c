"""Adding or editing a person linked to a client, with their consent to be contacted."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from therapist_desk.domain.records import Contact, ContactDetails
from therapist_desk.domain.vocabulary import ContactRole
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.optional_date import OptionalDateEdit
from therapist_desk.ui.common.record_dialog import RecordDialog
from therapist_desk.ui.common.widgets import named


class ContactDialog(RecordDialog[Contact]):
    def __init__(
        self,
        save: Callable[[ContactDetails], Contact],
        contact: Contact | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("contact", parent)
        self._save = save
        self.setWindowTitle("Edit contact" if contact else "New contact")
        self.role = named(QComboBox(), "Role")
        for role, text in formatting.ROLE_LABELS.items():
            self.role.addItem(text, role)
        self.name = named(QLineEdit(), "Contact name")
        self.relationship = named(QLineEdit(), "Relationship")
        self.relationship.setPlaceholderText("mother, husband, school counsellor…")
        self.organisation = named(QLineEdit(), "Organisation")
        self.phone = named(QLineEdit(), "Contact phone")
        self.email = named(QLineEdit(), "Contact email")
        self.address = named(QPlainTextEdit(), "Contact address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(56)
        self.consent = named(
            QCheckBox("The client consents to my contacting them"), "Consent to contact"
        )
        self.scope = named(QLineEdit(), "Scope of consent")
        self.scope.setPlaceholderText("e.g. emergencies only; appointments and school liaison")
        self.expires = OptionalDateEdit("Consent expires")
        self.notes = named(QPlainTextEdit(), "Contact notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(56)
        self.consent.toggled.connect(self._consent_changed)

        form = QFormLayout()
        form.addRow("Role", self.role)
        form.addRow("Name *", self.name)
        form.addRow("Relationship", self.relationship)
        form.addRow("Organisation", self.organisation)
        form.addRow("Phone", self.phone)
        form.addRow("Email", self.email)
        form.addRow("Address", self.address)
        form.addRow("Consent", self.consent)
        form.addRow("Scope", self.scope)
        form.addRow("Expires", self.expires)
        form.addRow("Notes", self.notes)
        self.lay_out(form)
        if contact is not None:
            self.fill(contact.details)
        self._consent_changed(self.consent.isChecked())
        self.role.setFocus()

    def _consent_changed(self, on: bool) -> None:
        self.scope.setEnabled(on)
        self.expires.setEnabled(on)
        if not on:
            self.expires.set_value(None)

    def fill(self, details: ContactDetails) -> None:
        self.role.setCurrentIndex(self.role.findData(details.role))
        self.name.setText(details.name)
        self.relationship.setText(details.relationship)
        self.organisation.setText(details.organisation)
        self.phone.setText(details.phone)
        self.email.setText(details.email)
        self.address.setPlainText(details.address)
        self.consent.setChecked(details.consent_to_contact)
        self.scope.setText(details.consent_scope)
        self.expires.set_value(details.consent_expires)
        self.notes.setPlainText(details.notes)

    def details(self) -> ContactDetails:
        consent = self.consent.isChecked()
        return ContactDetails(
            role=ContactRole(self.role.currentData()),
            name=self.name.text().strip(),
            relationship=self.relationship.text().strip(),
            organisation=self.organisation.text().strip(),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
            address=self.address.toPlainText().strip(),
            consent_to_contact=consent,
            consent_scope=self.scope.text().strip() if consent else "",
            consent_expires=self.expires.value() if consent else None,
            notes=self.notes.toPlainText().strip(),
        )

    def store(self) -> Contact:
        return self._save(self.details())
