"""The people linked to a client, each with their consent to be contacted."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import Contact, ContactDetails
from therapist_desk.records import contacts
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.common.widgets import empty_state, named, record_table
from therapist_desk.ui.held_drafts import removed_after_confirming
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.contact_dialog import ContactDialog
from therapist_desk.ui.unfinished_forms import UnfinishedForms


def consent_text(contact: Contact) -> str:
    details = contact.details
    if not details.consent_to_contact:
        return "No consent"
    text = "Consent"
    if details.consent_scope:
        text += f": {details.consent_scope}"
    if details.consent_expires:
        text += f" (until {formatting.day(details.consent_expires)})"
    return text


CONTACT_COLUMNS: tuple[Column[Contact], ...] = (
    Column("Name", lambda contact: contact.details.name),
    Column("Role", lambda contact: formatting.ROLE_LABELS[contact.details.role]),
    Column("Relationship", lambda contact: contact.details.relationship),
    Column("Phone", lambda contact: contact.details.phone),
    Column("Consent to contact", consent_text),
)


class ContactsTab(QWidget):
    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        self._client_id: str | None = None
        # Contacts typed but not saved when the vault locked (memory only).
        self._unfinished = UnfinishedForms[ContactDetails]()
        self.model = TableModel[Contact](CONTACT_COLUMNS, lambda contact: contact.id, self)
        self.table = record_table("Contacts")
        self.table.setModel(self.model)
        self.table.doubleClicked.connect(self._edit_at)
        self.empty = empty_state(
            "No contacts yet. Add an emergency contact, family, a guardian or professionals."
        )
        self.add_button = named(QPushButton(icon("add"), "Add a contact…"), "Add a contact")
        self.edit_button = named(QPushButton(icon("edit"), "Edit…"), "Edit the contact")
        self.remove_button = named(QPushButton(icon("remove"), "Remove…"), "Remove the contact")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(lambda: self._edit_at(self.table.currentIndex()))
        self.remove_button.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault

    def show_client(self, client_id: str | None) -> None:
        self._client_id = client_id
        self.reload()

    def reload(self) -> None:
        if self._vault is None or self._client_id is None:
            self.model.clear()
            return
        rows = contacts.list_contacts(self._vault.vault, self._client_id)
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        self.edit_button.setEnabled(bool(rows))
        self.remove_button.setEnabled(bool(rows))

    def add(self) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return
        dialog = ContactDialog(lambda details: vault.add_contact(client_id, details), parent=self)
        self._run(dialog, f"new:{client_id}")

    def _edit_at(self, index: QModelIndex) -> None:
        vault = self._vault
        if vault is None or not index.isValid():
            return
        contact = self.model.record_at(index.row())
        dialog = ContactDialog(
            lambda details: vault.update_contact(contact.id, details), contact, parent=self
        )
        self._run(dialog, contact.id)

    def _run(self, dialog: ContactDialog, key: str) -> None:
        if self._unfinished.run(dialog, key, dialog.details):
            self.reload()

    def _remove(self) -> None:
        vault, index = self._vault, self.table.currentIndex()
        if vault is None or not index.isValid():
            return
        contact = self.model.record_at(index.row())
        if not removed_after_confirming(
            self,
            self._dialogs,
            "Remove this contact?",
            f"{contact.details.name} will be removed from this client's contacts.",
            lambda: vault.remove_contact(contact),
            "contact",
        ):
            return
        self.reload()

    def flush(self) -> bool:
        return True  # contacts are saved by their dialog; nothing is edited in the tab

    def clear(self) -> None:
        self.model.clear()
        self._client_id = None
        self._vault = None
