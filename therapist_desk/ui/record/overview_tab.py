"""A client at a glance: how they are doing, what is current, who they are and who to call.

Compact charts of every measure (PHQ-9, GAD-7, each 0–10 scale and each SUDS step
of an exposure hierarchy) open the page, two or three to a row as the width allows; beside the
client's details sit the current risk, diagnoses and medications, and the
significant dates, with the ones coming up first. The charts are kept and
refilled from client to client. The page reloads when the therapist comes back
to it, so what other tabs changed (a diagnosis, a medication) is current.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.clinical import diagnoses, measures, medications, risk, significant_dates
from therapist_desk.domain.records import (
    Client,
    Contact,
    Diagnosis,
    Medication,
    SignificantDate,
    SignificantDateDetails,
)
from therapist_desk.domain.vocabulary import ContactRole, DiagnosisStatus, MeasureKind, RiskLevel
from therapist_desk.records import contacts
from therapist_desk.sharing import professionals
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.reload import ReloadWhenShown
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.common.widgets import (
    empty_state,
    label,
    named,
    record_table,
    scrolling,
    subheading,
)
from therapist_desk.ui.held_drafts import removed_after_confirming
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.clinical.measure_chart import ChartGrid
from therapist_desk.ui.record.clinical.risk_summary import RISK_LEVEL_LABELS, Banner, Weight
from therapist_desk.ui.record.clinical.significant_date_dialog import SignificantDateDialog
from therapist_desk.ui.unfinished_forms import UnfinishedForms

ADULT_AGE = 18
#: The series the overview charts: every measure, SUDS one chart per exposure step.
OVERVIEW_KINDS = (MeasureKind.PHQ9, MeasureKind.GAD7, MeasureKind.SCALE, MeasureKind.SUDS)
#: The narrowest an overview chart gets before the grid drops to fewer charts a row.
OVERVIEW_CHART_WIDTH = 330
#: Rows of the significant dates list shown before it scrolls.
VISIBLE_DATES = 5


def _contact_line(contact: Contact) -> str:
    details = contact.details
    parts = [details.name]
    if details.relationship:
        parts.append(details.relationship)
    if details.phone:
        parts.append(details.phone)
    consent = "consents to contact" if details.consent_to_contact else "no consent to contact"
    return " · ".join(parts) + f" ({consent})"


def diagnosis_line(diagnosis: Diagnosis) -> str:
    details = diagnosis.details
    status = "provisional" if details.status is DiagnosisStatus.PROVISIONAL else "confirmed"
    since = f", since {formatting.day(details.diagnosed_on)}" if details.diagnosed_on else ""
    return f"{details.code} {details.label}".strip() + f" ({status}{since})"


def medication_line(medication: Medication) -> str:
    details = medication.details
    dose = ", ".join(part for part in (details.dose, details.frequency) if part)
    line = details.name + (f" {dose}" if dose else "")
    if details.prescriber_name:
        line += f" — {details.prescriber_name}"
    if details.started_on:
        line += f", since {formatting.day(details.started_on)}"
    return line


def days_away_text(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def upcoming_line(upcoming: significant_dates.UpcomingDate) -> str:
    """ "Anniversary of her father's death — Sat 12 Dec 2026, in 5 days (3rd anniversary)"."""
    line = (
        f"{upcoming.significant_date.details.label} — {formatting.day(upcoming.occurs_on)}, "
        f"{days_away_text(upcoming.days_away)}"
    )
    years = upcoming.years_since
    return line + (f" ({_ordinal(years)} anniversary)" if years else "")


def upcoming_for(
    entries: list[SignificantDate], today: date
) -> list[significant_dates.UpcomingDate]:
    """The client's dates within their own reminder window, the soonest first."""
    coming = []
    for entry in entries:
        details = entry.details
        if details.falls_on is None:
            continue
        occurs_on = significant_dates.next_occurrence(details.falls_on, details.yearly, today)
        if occurs_on is None:
            continue
        days_away = (occurs_on - today).days
        if days_away <= details.remind_days_before:
            coming.append(significant_dates.UpcomingDate(entry, occurs_on, days_away))
    return sorted(coming, key=lambda item: item.days_away)


#: What the overview shows of a client's record, besides the client's own details.
SHOWN_ON_OVERVIEW = (
    Kind.CLIENT,
    Kind.CONTACT,
    Kind.MEASURE,
    Kind.RISK,
    Kind.SAFETY_PLAN,
    Kind.DIAGNOSIS,
    Kind.MEDICATION,
    Kind.SIGNIFICANT_DATE,
    Kind.REFERRAL,
    Kind.PROFESSIONAL,
    Kind.SESSION,
)


class OverviewTab(QWidget):
    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        self._client: Client | None = None
        self._reloads = ReloadWhenShown(self, self.reload)
        self._fields: dict[str, QLabel] = {}
        # A date typed but not saved when the vault locked, by dialog key (memory only).
        self._unfinished = UnfinishedForms[SignificantDateDetails]()

        # -- charts ------------------------------------------------------------------------
        self.charts = ChartGrid(
            "No measures yet — enter a PHQ-9, GAD-7, a 0–10 scale or a SUDS rating under "
            "Measures, and they are charted here.",
            columns=3,
            compact=True,
            min_chart_width=OVERVIEW_CHART_WIDTH,
        )
        named(self.charts, "Measure charts")

        # -- details (left) ------------------------------------------------------------------
        left = QVBoxLayout()
        left.addWidget(subheading("Details"))
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
        left.addLayout(form)
        left.addWidget(subheading("Emergency contact"))
        self.emergency = named(label("", wrap=True, selectable=True), "Emergency contact")
        left.addWidget(self.emergency)
        self.guardian_title = subheading("Guardian")
        self.guardian = named(label("", wrap=True, selectable=True), "Guardian")
        left.addWidget(self.guardian_title)
        left.addWidget(self.guardian)
        left.addWidget(subheading("Referrals"))
        self.referrals = named(label("", wrap=True, selectable=True), "Referrals")
        left.addWidget(self.referrals)
        left.addStretch(1)

        # -- clinical summary (right) -----------------------------------------------------
        right = QVBoxLayout()
        right.addWidget(subheading("Risk"))
        self.risk_level = named(label("", wrap=True, selectable=True), "Current risk level")
        self.safety_plan = named(label("", wrap=True, selectable=True), "Safety plan")
        right.addWidget(self.risk_level)
        right.addWidget(self.safety_plan)
        right.addWidget(subheading("Current diagnoses"))
        self.diagnoses = named(label("", wrap=True, selectable=True), "Current diagnoses")
        right.addWidget(self.diagnoses)
        right.addWidget(subheading("Current medications"))
        self.medications = named(label("", wrap=True, selectable=True), "Current medications")
        right.addWidget(self.medications)
        right.addWidget(subheading("Significant dates"))
        self.upcoming = named(label("", wrap=True, selectable=True), "Significant dates coming up")
        right.addWidget(self.upcoming)
        self.dates_model = TableModel[SignificantDate](
            (
                Column("What", lambda entry: entry.details.label),
                Column("Date", lambda entry: formatting.optional_date(entry.details.falls_on)),
                Column("Repeats", lambda entry: "Every year" if entry.details.yearly else "Once"),
                Column(
                    "Reminder",
                    lambda entry: f"{entry.details.remind_days_before} days before",
                ),
            ),
            lambda entry: entry.id,
            self,
        )
        self.dates_table = record_table("Significant dates")
        self.dates_table.setModel(self.dates_model)
        self.dates_table.doubleClicked.connect(self._edit_date_at)
        self.no_dates = empty_state(
            "No significant dates. Add a death, an anniversary or another hard day, and it "
            "shows here as it comes near."
        )
        self.add_date_button = named(
            QPushButton(icon("add"), "Add a date…"), "Add a significant date"
        )
        self.edit_date_button = named(
            QPushButton(icon("edit"), "Edit…"), "Edit the significant date"
        )
        self.remove_date_button = named(
            QPushButton(icon("remove"), "Remove…"), "Remove the significant date"
        )
        self.add_date_button.clicked.connect(self.add_date)
        self.edit_date_button.clicked.connect(
            lambda: self._edit_date_at(self.dates_table.currentIndex())
        )
        self.remove_date_button.clicked.connect(self._remove_date)
        right.addWidget(self.dates_table)
        right.addWidget(self.no_dates)
        date_buttons = QHBoxLayout()
        date_buttons.addWidget(self.add_date_button)
        date_buttons.addWidget(self.edit_date_button)
        date_buttons.addWidget(self.remove_date_button)
        date_buttons.addStretch(1)
        right.addLayout(date_buttons)
        right.addStretch(1)

        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(subheading("Measures"))
        layout.addWidget(self.charts)
        layout.addSpacing(6)
        layout.addLayout(columns)
        layout.addStretch(1)
        self.scroll_area = scrolling(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)

    # -- the record's life cycle -------------------------------------------------------------

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        open_vault.changed.connect(self._changed)

    def show_client(self, client: Client | None) -> None:
        self._client = client
        if client is None or self._vault is None:
            self.clear_fields()
            self._reloads.forget()
            return
        self.reload()

    def _changed(self, change: Change) -> None:
        client = self._client
        if client is None or self._vault is None or change.removed:
            return
        if change.kinds == {Kind.SIGNIFICANT_DATE} and change.concerns(client.id, *change.kinds):
            if self.isVisible():
                self._show_dates(client.id)  # only the dates changed: no need to redraw charts
            else:
                self._reloads.request()
        elif change.concerns(client.id, *SHOWN_ON_OVERVIEW):
            self._reloads.request()

    def clear_fields(self) -> None:
        for value in self._fields.values():
            value.clear()
        for text in (
            self.emergency,
            self.guardian,
            self.referrals,
            self.risk_level,
            self.safety_plan,
            self.diagnoses,
            self.medications,
            self.upcoming,
        ):
            text.clear()
        self.charts.clear()
        self.dates_model.clear()

    def clear(self) -> None:
        self.clear_fields()
        self._client = None
        self._reloads.forget()
        self._vault = None

    # -- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        self._reloads.forget()
        client, vault = self._client, self._vault
        if client is None or vault is None:
            self.clear_fields()
            return
        self._show_charts(client.id)
        self._show_details(client)
        self._show_risk(client.id)
        self._show_clinical(client.id)
        self._show_dates(client.id)

    def _show_charts(self, client_id: str) -> None:
        assert self._vault is not None
        series = measures.chart_series(self._vault.vault, client_id)
        self.charts.show_series([one for one in series if one.kind in OVERVIEW_KINDS])

    def _show_details(self, client: Client) -> None:
        assert self._vault is not None
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

    def _show_risk(self, client_id: str) -> None:
        assert self._vault is not None
        vault = self._vault.vault
        plan = risk.get_safety_plan(vault, client_id)
        self.safety_plan.setText(
            f"Safety plan updated {formatting.day(formatting.local(plan.updated_at).date())}."
            if plan is not None
            else "No safety plan yet (under Clinical)."
        )
        latest = risk.current_risk(vault, client_id)
        if latest is None:
            self.risk_level.setText("Not assessed yet — record a risk assessment under Clinical.")
            self.risk_level.setStyleSheet("")
            return
        details = latest.details
        self.risk_level.setText(
            f"{RISK_LEVEL_LABELS[details.level]} — assessed "
            f"{formatting.optional_date(details.assessed_on)}"
        )
        weight = (
            Weight.URGENT
            if details.level in risk.ELEVATED
            else Weight.ATTENTION
            if details.level is RiskLevel.MODERATE
            else Weight.QUIET
        )
        self.risk_level.setStyleSheet(Banner((), weight).style)

    def _show_clinical(self, client_id: str) -> None:
        assert self._vault is not None
        vault = self._vault
        current = diagnoses.list_diagnoses(vault.vault, client_id).current
        self.diagnoses.setText("\n".join(diagnosis_line(d) for d in current) or "None recorded.")
        taking = medications.list_medications(vault.vault, client_id, vault.today()).current
        self.medications.setText("\n".join(medication_line(m) for m in taking) or "None recorded.")

    def _show_dates(self, client_id: str) -> None:
        assert self._vault is not None
        entries = significant_dates.list_significant_dates(self._vault.vault, client_id)
        self.dates_model.set_rows(entries)
        coming = upcoming_for(entries, self._vault.today())
        self.upcoming.setVisible(bool(coming))
        self.upcoming.setText("Coming up: " + "; ".join(upcoming_line(c) for c in coming))
        has_rows = bool(entries)
        self.dates_table.setVisible(has_rows)
        self.no_dates.setVisible(not has_rows)
        self.edit_date_button.setEnabled(has_rows)
        self.remove_date_button.setEnabled(has_rows)
        if has_rows:
            header = self.dates_table.horizontalHeader().sizeHint().height()
            row = self.dates_table.verticalHeader().defaultSectionSize()
            shown = min(len(entries), VISIBLE_DATES)
            frame = 2 * self.dates_table.frameWidth() + 2
            self.dates_table.setFixedHeight(header + row * shown + frame)

    # -- significant dates -------------------------------------------------------------------

    def add_date(self) -> None:
        vault, client = self._vault, self._client
        if vault is None or client is None:
            return
        dialog = SignificantDateDialog(
            lambda details: vault.add_significant_date(client.id, details),
            vault.today(),
            None,
            self,
        )
        self._run(dialog, f"new:{client.id}")

    def _edit_date_at(self, index: QModelIndex) -> None:
        vault = self._vault
        if vault is None or not index.isValid():
            return
        entry = self.dates_model.record_at(index.row())
        dialog = SignificantDateDialog(
            lambda details: vault.update_significant_date(entry.id, details),
            vault.today(),
            entry,
            self,
        )
        self._run(dialog, entry.id)

    def _run(self, dialog: SignificantDateDialog, key: str) -> None:
        if self._unfinished.run(dialog, key, dialog.details) and dialog.saved is not None:
            row = self.dates_model.row_of(dialog.saved.id)
            if row >= 0:
                self.dates_table.selectRow(row)

    def _remove_date(self) -> None:
        vault, index = self._vault, self.dates_table.currentIndex()
        if vault is None or not index.isValid():
            return
        entry = self.dates_model.record_at(index.row())
        removed_after_confirming(
            self,
            self._dialogs,
            "Remove this date?",
            f"“{entry.details.label}” will be removed from this client's significant dates.",
            lambda: vault.remove_significant_date(entry),
            "date",
        )
