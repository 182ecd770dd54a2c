"""Fixtures for driving the real window with pytest-qt (offscreen)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.letters.rendering import PaperSize, PrintedDocument
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.window_settings import WindowSettings
from therapist_desk.vault import create_vault
from therapist_desk.vault.paths import VaultPaths


@dataclass
class ScriptedDialogs:
    """Answers file pickers and message boxes the way a test says, and remembers them."""

    confirm_answer: bool = True
    save_path: Path | None = None
    open_path: Path | None = None
    folder: Path | None = None
    print_answer: bool = True
    asked: list[tuple[str, str]] = field(default_factory=list)
    printed: list[str] = field(default_factory=list)
    printed_documents: list[tuple[PrintedDocument, PaperSize]] = field(default_factory=list)

    def save_file(
        self, parent: QWidget, title: str, suggested_name: str, filters: str
    ) -> Path | None:
        self.asked.append(("save_file", title))
        return self.save_path

    def open_file(self, parent: QWidget, title: str, filters: str) -> Path | None:
        self.asked.append(("open_file", title))
        return self.open_path

    def choose_folder(self, parent: QWidget, title: str) -> Path | None:
        self.asked.append(("choose_folder", title))
        return self.folder

    def inform(self, parent: QWidget, title: str, text: str) -> None:
        self.asked.append(("inform", f"{title}: {text}"))

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        self.asked.append(("warn", f"{title}: {text}"))

    def confirm(self, parent: QWidget, title: str, text: str, action: str) -> bool:
        self.asked.append(("confirm", title))
        return self.confirm_answer

    def print_html(self, parent: QWidget, title: str, html: str) -> bool:
        self.asked.append(("print", title))
        if self.print_answer:
            self.printed.append(html)
        return self.print_answer

    def print_document(self, parent: QWidget, document: PrintedDocument, paper: PaperSize) -> bool:
        self.asked.append(("print", document.title))
        if self.print_answer:
            self.printed_documents.append((document, paper))
        return self.print_answer

    def warnings(self) -> list[str]:
        return [text for kind, text in self.asked if kind == "warn"]


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()


@pytest.fixture
def window_settings(tmp_path: Path) -> WindowSettings:
    return WindowSettings(QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def make_window(
    qtbot: QtBot, window_settings: WindowSettings, dialogs: ScriptedDialogs
) -> Iterator[Callable[[VaultPaths], MainWindow]]:
    windows: list[MainWindow] = []

    def make(paths: VaultPaths) -> MainWindow:
        window = MainWindow(paths, window_settings, dialogs, kdf_params=FAST_TEST_PARAMS)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


@pytest.fixture
def existing_vault(vault_paths: VaultPaths) -> VaultPaths:
    """A vault on disk, created and closed, that the window will unlock."""
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS)
    created.vault.close()
    return vault_paths


def unlock(qtbot: QtBot, window: MainWindow, passphrase: str = PASSPHRASE) -> None:
    screen = window.unlock_screen
    screen.secret.setText(passphrase)
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: window.is_unlocked, timeout=30_000)


def wait_for_index(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: window.open_vault is not None and window.open_vault.index is not None,
        timeout=30_000,
    )


def answer_next_dialog(fill: Callable[[QDialog], None]) -> None:
    """Fill in the next modal dialog when it opens (views call `exec()`, which blocks)."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(10, act)
            return
        fill(dialog)

    QTimer.singleShot(0, act)


def tab_chain(start: QWidget, length: int) -> list[QWidget]:
    """The widgets Tab visits from `start`, skipping ones that take no Tab focus,
    are hidden or are disabled — `length` of them, `start` first."""
    seen = [start]
    while len(seen) < length:
        widget = seen[-1].nextInFocusChain()
        while widget is not None and not _takes_tab_focus(widget):
            widget = widget.nextInFocusChain()
        assert widget is not None, "the focus chain ended"
        seen.append(widget)
    return seen


def _takes_tab_focus(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and (
        widget.isVisible() and widget.isEnabled()
    )
