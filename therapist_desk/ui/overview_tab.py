"""A client at a glance: who they are, how to reach them and who to call."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from therapist_desk import contacts, professionals
from therapist_desk.domain.records import Client, Contact
from therapist_desk.domain.vocabulary import ContactRole
from therapist_desk.ui import formatting
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.widgets import label, named, scrolling, subheading

ADULT_AGE = 18


def _contact_line(contact: Contact) -> str:
    details = contact.details
    parts = [details.name]
    if details.relationship:
        parts.append(details.relationship)
    if details.phone:
        parts.append(details.phone)
    consent = "consents to contact" if details.consent_to_contact else "no consent to contact"
    return " · ".join(parts) + f" ({consent})"


class OverviewTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vault: OpenVault | None = None
        self._fields: dict[str, QLabel] = {}
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(subheading("Details"))
        form = QFormLayout()
        for title in (
            "Legal name",
            "Preferred name",
            "Pronouns",
            "Name in letters",
            "Date of birth",
            "Phone",
            "Email",
            "Address",
            "Referred by",
            "Intake",
            "Discharge",
        ):
            value = named(label("", wrap=True, selectable=True), title)
            self._fields[title] = value
            form.addRow(title, value)
        layout.addLayout(form)
        layout.addWidget(subheading("Emergency contact"))
        self.emergency = named(label("", wrap=True, selectable=True), "Emergency contact")
        layout.addWidget(self.emergency)
        self.guardian_title = subheading("Guardian")
        self.guardian = named(label("", wrap=True, selectable=True), "Guardian")
        layout.addWidget(self.guardian_title)
        layout.addWidget(self.guardian)
        layout.addWidget(subheading("Referrals"))
        self.referrals = named(label("", wrap=True, selectable=True), "Referrals")
        layout.addWidget(self.referrals)
        layout.addStretch(1)
        scroll = scrolling(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault

    def show_client(self, client: Client | None) -> None:
        if client is None or self._vault is None:
            self.clear_fields()
            return
        vault = self._vault
        details = client.details
        today = vault.today()
        age = formatting.age_on(details.date_of_birth, today)
        born = formatting.optional_date(details.date_of_birth)
        values = {
            "Legal name": details.legal_name,
            "Preferred name": details.preferred_name or "—",
            "Pronouns": details.pronouns or "—",
            "Name in letters": details.name_in_letters or "—",
            "Date of birth": born if age is None else f"{born} (age {age})",
            "Phone": details.phone or "—",
            "Email": details.email or "—",
            "Address": details.address or "—",
            "Referred by": details.referral_source or "—",
            "Intake": formatting.optional_date(details.intake_date),
            "Discharge": formatting.optional_date(details.discharge_date),
        }
        for title, value in values.items():
            self._fields[title].setText(value)
        people = contacts.list_contacts(vault.vault, client.id)
        emergency = [c for c in people if c.details.role is ContactRole.EMERGENCY_CONTACT]
        self.emergency.setText(
            "\n".join(_contact_line(c) for c in emergency)
            or "None recorded — add one under Contacts."
        )
        guardians = [c for c in people if c.details.role is ContactRole.GUARDIAN]
        minor = age is not None and age < ADULT_AGE
        show_guardian = minor or bool(guardians)
        self.guardian_title.setVisible(show_guardian)
        self.guardian.setVisible(show_guardian)
        if show_guardian:
            self.guardian.setText(
                "\n".join(_contact_line(c) for c in guardians)
                or "This client is a minor and no guardian is recorded — add one under Contacts."
            )
        directory = {p.id: p.details.name for p in professionals.list_professionals(vault.vault)}
        lines = []
        for referral in vault.referrals_for(client.id):
            d = referral.details
            lines.append(
                f"{directory.get(referral.professional_id, 'Unknown professional')} · "
                f"{formatting.REFERRAL_STATUS_LABELS[d.status]} · "
                f"{formatting.URGENCY_LABELS[d.urgency]} · {formatting.shortened(d.reason, 90)}"
            )
        self.referrals.setText("\n".join(lines) or "No referrals.")

    def clear_fields(self) -> None:
        for value in self._fields.values():
            value.clear()
        self.emergency.clear()
        self.guardian.clear()
        self.referrals.clear()

    def clear(self) -> None:
        self.clear_fields()
        self._vault = None
