"""One box that finds clients, contacts, notes and referrals as you type."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QTreeView, QVBoxLayout, QWidget

from therapist_desk.search.index import SearchHit
from therapist_desk.ui.common.models import SearchResultsModel
from therapist_desk.ui.common.widgets import FieldAboveList, heading, label, named
from therapist_desk.ui.open_vault import OpenVault


class SearchView(QWidget):
    """Emits `open_hit(SearchHit)` when a result is opened (Enter or double-click)."""

    open_hit = Signal(SearchHit)

    def __init__(self, field: FieldAboveList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Search")
        self._vault: OpenVault | None = None
        # The field sits in the window's header, always in reach (Ctrl+K).
        self.field = field
        self.field.textChanged.connect(self.run_query)
        self.field.returnPressed.connect(self._open_first)
        self.field.moved_down.connect(self._focus_results)
        self.status = named(label("", "muted"), "Search status")
        self.model = SearchResultsModel(self)
        self.results = named(QTreeView(), "Search results")
        self.results.setModel(self.model)
        self.results.setHeaderHidden(True)
        self.results.setUniformRowHeights(False)
        self.results.setWordWrap(True)
        self.results.activated.connect(self._activated)
        self.last_query_ms = 0.0
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Search"))
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        open_vault.index_progress.connect(self._progress)
        open_vault.index_ready.connect(lambda: self.run_query(self.field.text()))
        open_vault.index_failed.connect(self.status.setText)
        self.status.setText("Preparing search…")

    def _progress(self, count: int) -> None:
        if self._vault is not None and self._vault.index is None:
            self.status.setText(f"Preparing search… {count:,} records read")

    def run_query(self, text: str) -> None:
        vault = self._vault
        if vault is None:
            return
        index = vault.index
        if index is None:
            self.status.setText("Preparing search… results appear as soon as it is ready.")
            return
        if not text.strip():
            self.model.clear()
            self.status.setText(f"{len(index):,} records can be searched.")
            return
        started = time.perf_counter()
        grouped = index.search(text)
        self.last_query_ms = (time.perf_counter() - started) * 1000
        self.model.set_results(grouped)
        self.results.expandAll()
        total = self.model.total()
        self.status.setText("Nothing found." if total == 0 else f"{total} found.")
        if total:
            first_group = self.model.index(0, 0)
            self.results.setCurrentIndex(self.model.index(0, 0, first_group))

    def _open_first(self) -> None:
        current = self.results.currentIndex()
        if current.isValid():
            self._activated(current)

    def _activated(self, index: QModelIndex) -> None:
        hit = self.model.hit_at(index)
        if hit is not None:
            self.open_hit.emit(hit)

    def _focus_results(self) -> None:
        self.results.setFocus()
        if not self.results.currentIndex().isValid() and self.model.rowCount():
            self.results.setCurrentIndex(self.model.index(0, 0))

    def focus_field(self) -> None:
        self.field.setFocus()
        self.field.selectAll()

    def clear(self) -> None:
        self.field.blockSignals(True)
        self.field.clear()
        self.field.blockSignals(False)
        self.model.clear()
        self.status.clear()
        self._vault = None
