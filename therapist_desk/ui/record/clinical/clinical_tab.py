"""The clinical record of a client, one section below another: diagnoses, medications,
risk assessments and the safety plan."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QVBoxLayout, QWidget

from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.widgets import scrolling, separator
from therapist_desk.ui.held_drafts import HeldDrafts
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.clinical.diagnoses_section import DiagnosesSection
from therapist_desk.ui.record.clinical.medications_section import MedicationsSection
from therapist_desk.ui.record.clinical.risk_panel import RiskPanel


class ClinicalSection(Protocol):
    """One part of the Clinical tab, shown below the one before (a RecordPart of its own)."""

    def attach(self, open_vault: OpenVault) -> None: ...

    def show_client(self, client_id: str | None) -> None: ...

    def flush(self) -> bool:
        """Save what is being edited; False if something could not be saved."""
        ...

    def clear(self) -> None:
        """Forget everything shown (the vault is locking)."""
        ...


class ClinicalTab(QWidget):
    def __init__(
        self, dialogs: DialogService, drafts: HeldDrafts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._sections: list[ClinicalSection] = []
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(0, 8, 12, 8)
        self._layout.setSpacing(12)
        self._layout.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolling(body))

        self.diagnoses = DiagnosesSection(dialogs)
        self.medications = MedicationsSection(dialogs)
        # Risk assessments and the safety plan (which keeps unsaved text in `drafts`).
        self.risk = RiskPanel(dialogs, drafts)
        # Sections follow one another in this order.
        self._add_section(self.diagnoses)
        self._add_section(self.medications)
        self._add_section(self.risk)

    def _add_section(self, section: QWidget) -> None:
        """Put a ClinicalSection below the others (with a rule between them)."""
        above_stretch = self._layout.count() - 1
        if self._sections:
            self._layout.insertWidget(above_stretch, separator())
            above_stretch += 1
        self._layout.insertWidget(above_stretch, section)
        self._sections.append(section)  # type: ignore[arg-type]

    def attach(self, open_vault: OpenVault) -> None:
        for section in self._sections:
            section.attach(open_vault)

    def show_client(self, client_id: str | None) -> None:
        for section in self._sections:
            section.show_client(client_id)

    def flush(self) -> bool:
        # Every section, always: a failure in one must not leave another unsaved.
        saved = [section.flush() for section in self._sections]
        return all(saved)

    def clear(self) -> None:
        for section in self._sections:
            section.clear()
