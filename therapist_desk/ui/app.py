"""Starting the window: the application object, the theme, and the one main window."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from therapist_desk import __version__
from therapist_desk.paths import VaultPaths, default_data_dir
from therapist_desk.ui.dialogs import QtDialogs
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.settings import WindowSettings
from therapist_desk.ui.theme import apply_theme


def run_window(data_dir: Path | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Therapist Desk")
    app.setOrganizationName("TherapistDesk")
    app.setApplicationVersion(__version__)
    apply_theme(app)
    window = MainWindow(VaultPaths(data_dir or default_data_dir()), WindowSettings(), QtDialogs())
    window.show()
    # Everything made so far (modules, widgets) lives as long as the program:
    # keep it out of the garbage collector's full passes, which would stall the window.
    gc.freeze()
    return app.exec()
