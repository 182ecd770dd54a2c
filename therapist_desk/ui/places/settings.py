"""Settings: when to lock, privacy on screen, fees and paper, the practice profile, letter
templates, pick lists."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import PracticeProfile
from therapist_desk.domain.vocabulary import TermCategory
from therapist_desk.letters.rendering import PaperSize
from therapist_desk.records import fees, practice, terms
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.money import from_spin_box, spin_box_value
from therapist_desk.ui.common.practice_form import PracticeForm
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.widgets import heading, label, named, scrolling, subheading
from therapist_desk.ui.held_drafts import DraftKey, HeldDraft, HeldDrafts
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.places.template_editor import open_template_editor
from therapist_desk.ui.safekeeping.safekeeping_panel import SafekeepingPanel
from therapist_desk.ui.window_settings import IDLE_MINUTE_CHOICES, WindowSettings

CATEGORY_LABELS = {
    TermCategory.APPROACH: "Therapy approaches",
    TermCategory.TECHNIQUE: "Techniques",
    TermCategory.INTERVENTION: "Interventions",
}


PROFILE_DRAFT: DraftKey = ("practice profile", "")


class SettingsView(QWidget):
    idle_minutes_changed = Signal(int)
    privacy_changed = Signal(bool)

    def __init__(
        self,
        settings: WindowSettings,
        dialogs: DialogService,
        drafts: HeldDrafts,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, "Settings")
        self._settings = settings
        self._dialogs = dialogs
        self._drafts = drafts
        drafts.register(self)
        self._vault: OpenVault | None = None
        self._saved_profile = PracticeProfile()
        self._last_error = ""
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
        self.default_fee = named(QDoubleSpinBox(), "Default session fee")
        self.default_fee.setRange(-1, 100_000)
        self.default_fee.setDecimals(2)
        self.default_fee.setGroupSeparatorShown(True)
        self.default_fee.setSpecialValueText("None")
        self.default_fee.setValue(-1)
        self.default_fee.setToolTip("The fee a new session starts with; it can be changed there")
        self.default_fee.editingFinished.connect(self._save_default_fee)
        self._saved_fee: Decimal | None = None
        self.fee_status = named(label("", "muted"), "Default fee status")
        self.paper = named(QComboBox(), "Paper size")
        self.paper.addItem("A4", PaperSize.A4)
        self.paper.addItem("US Letter", PaperSize.LETTER)
        self.paper.setCurrentIndex(self.paper.findData(settings.paper_size))
        self.paper.currentIndexChanged.connect(self._paper_changed)
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
        self.edit_templates = named(QPushButton("Edit letter templates…"), "Edit letter templates")
        self.edit_templates.clicked.connect(self._edit_templates)

        form = QFormLayout()
        form.addRow("Lock after", self.idle)
        form.addRow("", self.privacy)
        fee_row = QHBoxLayout()
        fee_row.addWidget(self.default_fee)
        fee_row.addWidget(self.fee_status, 1)
        money_form = QFormLayout()
        money_form.addRow("Default fee", fee_row)
        money_form.addRow("Paper", self.paper)
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
        layout.addWidget(subheading("Fees and printing"))
        layout.addLayout(money_form)
        layout.addWidget(subheading("Practice profile (letterhead)"))
        layout.addWidget(self.practice_form)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_practice)
        save_row.addWidget(self.practice_status, 1)
        layout.addLayout(save_row)
        layout.addWidget(subheading("Letter templates"))
        layout.addWidget(
            label(
                "The referral letter, the referral summary and the general letter are made "
                "from templates you can reword, check against sample fields, and reset.",
                "muted",
                wrap=True,
            )
        )
        template_row = QHBoxLayout()
        template_row.addWidget(self.edit_templates)
        template_row.addStretch(1)
        layout.addLayout(template_row)
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
        open_vault.paper_size = self._settings.paper_size
        self.safekeeping.attach(open_vault)
        self._show_default_fee()
        profile, damaged = practice.load_profile(open_vault.vault)
        self._saved_profile = profile
        self.practice_form.set_profile(profile)
        held = self._drafts.take(PROFILE_DRAFT)
        if held is not None:
            # Typed before the last lock and refused then: shown again, and saved if it can be.
            self.practice_form.set_profile(held.payload)
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

    def _paper_changed(self) -> None:
        paper = PaperSize(self.paper.currentData())
        self._settings.paper_size = paper
        if self._vault is not None:
            self._vault.paper_size = paper

    def _show_default_fee(self) -> None:
        if self._vault is None:
            return
        try:
            self._saved_fee = fees.default_fee(self._vault.vault)
        except SAVE_ERRORS as error:
            self.fee_status.setText(f"Not read: {save_error_text(error)}")
            return
        currency = practice.get_profile(self._vault.vault).currency.strip().upper()
        self.default_fee.setSuffix(f" {currency}" if currency else "")
        self.default_fee.setValue(spin_box_value(self._saved_fee))
        self.fee_status.setText("New sessions start with this fee.")

    def _save_default_fee(self) -> bool:
        fee = from_spin_box(self.default_fee.value())
        if self._vault is None or fee == self._saved_fee:
            return True
        try:
            self._vault.set_default_fee(fee)
        except SAVE_ERRORS as error:
            self.fee_status.setText(f"Not saved: {save_error_text(error)}")
            return False
        self._saved_fee = fee
        self.fee_status.setText("Saved. New sessions start with this fee.")
        return True

    def _privacy_changed(self, on: bool) -> None:
        self._settings.privacy_mode = on
        self.privacy_changed.emit(on)

    def _save_practice(self) -> bool:
        if self._vault is None:
            return False
        profile = self.practice_form.profile()
        try:
            self._vault.save_profile(profile)
        except SAVE_ERRORS as error:
            self._last_error = save_error_text(error)
            self.practice_status.setText(f"Not saved: {self._last_error}")
            return False
        self._saved_profile = profile
        self.practice_status.setText("Saved.")
        currency = profile.currency.strip().upper()
        self.default_fee.setSuffix(f" {currency}" if currency else "")
        return True

    def flush(self) -> bool:
        """Leaving the page saves the default fee and the profile if they were changed;
        True when nothing is unsaved."""
        fee_saved = self._save_default_fee()
        if self._vault is None or self.practice_form.profile() == self._saved_profile:
            return fee_saved
        return self._save_practice() and fee_saved

    def _edit_templates(self) -> None:
        if self._vault is not None:
            open_template_editor(self, self._vault, self._dialogs)

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
            self._vault.add_term(category, self.term.text())
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "The term was not added", save_error_text(error))
            return
        self.term.clear()
        self._show_terms()

    def hand_over(self) -> None:
        """Save the profile if it was changed; if it cannot be saved, hold it (the window
        then stays open, and the next unlock shows it again)."""
        if self.flush() or self._vault is None:
            return
        profile = self.practice_form.profile()
        if profile == self._saved_profile:
            return  # only the fee failed: it is a number on screen, not a text to lose
        self._drafts.hold(
            HeldDraft(
                PROFILE_DRAFT,
                profile,
                lambda vault: vault.save_profile(profile),
                "the practice profile",
                self._last_error,
            )
        )
        self._saved_profile = profile

    def clear(self) -> None:
        self.hand_over()
        self.practice_form.clear()
        self.practice_status.clear()
        self.default_fee.setValue(-1)
        self._saved_fee = None
        self.fee_status.clear()
        self.safekeeping.clear()
        self.terms_list.clear()
        self.term.clear()
        self._vault = None
