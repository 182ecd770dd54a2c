"""Settings: when to lock, privacy on screen, the practice profile, the pick lists."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk import practice, terms
from therapist_desk.domain.records import PracticeProfile
from therapist_desk.domain.vocabulary import TermCategory
from therapist_desk.ui.dialogs import DialogService
from therapist_desk.ui.held_drafts import SAVE_ERRORS, save_error_text
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.practice_form import PracticeForm
from therapist_desk.ui.safekeeping_panel import SafekeepingPanel
from therapist_desk.ui.settings import IDLE_MINUTE_CHOICES, WindowSettings
from therapist_desk.ui.widgets import heading, label, named, scrolling, subheading

CATEGORY_LABELS = {
    TermCategory.APPROACH: "Therapy approaches",
    TermCategory.TECHNIQUE: "Techniques",
    TermCategory.INTERVENTION: "Interventions",
}


class SettingsView(QWidget):
    idle_minutes_changed = Signal(int)
    privacy_changed = Signal(bool)

    def __init__(
        self, settings: WindowSettings, dialogs: DialogService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        named(self, "Settings")
        self._settings = settings
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        self._saved_profile = PracticeProfile()
        self._unsaved_profile: PracticeProfile | None = None
        self.idle = named(QComboBox(), "Lock after idle minutes")
        for minutes in IDLE_MINUTE_CHOICES:
            self.idle.addItem(f"{minutes} minute{'s' if minutes != 1 else ''}", minutes)
        self.idle.setCurrentIndex(self.idle.findData(settings.idle_minutes))
        self.idle.currentIndexChanged.connect(self._idle_changed)
        self.privacy = named(
            QCheckBox("Show clients by their initials in lists (for when a client is in the room)"),
            "Privacy mode",
        )
        self.privacy.setChecked(settings.privacy_mode)
        self.privacy.toggled.connect(self._privacy_changed)
        self.practice_form = PracticeForm()
        self.save_practice = named(QPushButton("Save practice profile"), "Save practice profile")
        self.save_practice.clicked.connect(self._save_practice)
        self.practice_status = named(label("", "muted"), "Practice profile status")
        self.category = named(QComboBox(), "Pick list")
        for category, text in CATEGORY_LABELS.items():
            self.category.addItem(text, category)
        self.category.currentIndexChanged.connect(self._show_terms)
        self.term = named(QLineEdit(), "New term")
        self.term.setPlaceholderText("Add a term to this list…")
        self.term.returnPressed.connect(self._add_term)
        self.add_term = named(QPushButton("Add"), "Add the term")
        self.add_term.clicked.connect(self._add_term)
        self.terms_list = named(label("", wrap=True), "Terms in the list")
        self.safekeeping = SafekeepingPanel(dialogs)

        form = QFormLayout()
        form.addRow("Lock after", self.idle)
        form.addRow("", self.privacy)
        term_row = QHBoxLayout()
        term_row.addWidget(self.category)
        term_row.addWidget(self.term, 1)
        term_row.addWidget(self.add_term)
        body = QWidget()
        body.setMaximumWidth(760)
        layout = QVBoxLayout(body)
        layout.addWidget(heading("Settings"))
        layout.addWidget(subheading("Locking and privacy"))
        layout.addLayout(form)
        layout.addWidget(self.safekeeping)
        layout.addWidget(subheading("Practice profile (letterhead)"))
        layout.addWidget(self.practice_form)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_practice)
        save_row.addWidget(self.practice_status, 1)
        layout.addLayout(save_row)
        layout.addWidget(subheading("Pick lists"))
        layout.addLayout(term_row)
        layout.addWidget(self.terms_list)
        layout.addStretch(1)
        self.scroll_area = scroll = scrolling(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        self.safekeeping.attach(open_vault)
        profile, damaged = practice.load_profile(open_vault.vault)
        self._saved_profile = profile
        self.practice_form.set_profile(profile)
        if self._unsaved_profile is not None:
            # Typed before the last lock and refused then: shown again to be corrected.
            self.practice_form.set_profile(self._unsaved_profile)
            self._unsaved_profile = None
            self.flush()
        if damaged:
            self.practice_status.setText(
                "Some details could not be read (" + ", ".join(damaged) + "); "
                "fill them in again, or restore a backup."
            )
        self._show_terms()

    def _idle_changed(self) -> None:
        minutes = int(self.idle.currentData())
        self._settings.idle_minutes = minutes
        self.idle_minutes_changed.emit(minutes)

    def _privacy_changed(self, on: bool) -> None:
        self._settings.privacy_mode = on
        self.privacy_changed.emit(on)

    def _save_practice(self) -> bool:
        if self._vault is None:
            return False
        profile = self.practice_form.profile()
        try:
            practice.save_profile(self._vault.vault, profile)
        except SAVE_ERRORS as error:
            self.practice_status.setText(f"Not saved: {save_error_text(error)}")
            return False
        self._saved_profile = profile
        self.practice_status.setText("Saved.")
        return True

    def flush(self) -> bool:
        """Leaving the page saves the profile if it was changed; True when nothing is unsaved."""
        if self._vault is None or self.practice_form.profile() == self._saved_profile:
            return True
        return self._save_practice()

    def _show_terms(self) -> None:
        if self._vault is None:
            return
        category = TermCategory(self.category.currentData())
        self.terms_list.setText(", ".join(terms.terms(self._vault.vault, category)))

    def _add_term(self) -> None:
        if self._vault is None or not self.term.text().strip():
            return
        category = TermCategory(self.category.currentData())
        try:
            terms.add_term(self._vault.vault, category, self.term.text())
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "The term was not added", save_error_text(error))
            return
        self.term.clear()
        self._show_terms()

    def clear(self) -> None:
        if not self.flush():
            self._unsaved_profile = self.practice_form.profile()  # memory only, until unlock
        self.practice_form.clear()
        self.practice_status.clear()
        self.safekeeping.clear()
        self.terms_list.clear()
        self.term.clear()
        self._vault = None
