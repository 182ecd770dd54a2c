"""Starting the window: the application object, the theme, and the one main window."""

from __future__ import annotations

import gc
import sys
import traceback
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from therapist_desk import __version__
from therapist_desk.ui.common.theme import apply_theme
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.qt_dialogs import QtDialogs
from therapist_desk.ui.window_settings import WindowSettings
from therapist_desk.vault.paths import VaultPaths, default_data_dir


def _report_unexpected(kind: type[BaseException], error: BaseException, trace: object) -> None:
    """An error no screen expected: one plain line, no traceback, no record content.

    The message of an exception may quote what was typed, so only its type and
    where it happened are written.
    """
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    print(f"therapist-desk: unexpected {kind.__name__} at {where}", file=sys.stderr)
    window = QApplication.activeWindow()
    if window is not None:
        QMessageBox.warning(
            window,
            "Something went wrong",
            f"Something unexpected went wrong ({kind.__name__}). What you had saved is safe; "
            "if a draft is open, it keeps saving. If this happens again, run "
            "`therapist-desk verify` and keep a backup.",
        )


def run_window(data_dir: Path | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Therapist Desk")
    app.setOrganizationName("TherapistDesk")
    app.setApplicationVersion(__version__)
    apply_theme(app)
    sys.excepthook = _report_unexpected
    window = MainWindow(VaultPaths(data_dir or default_data_dir()), WindowSettings(), QtDialogs())
    window.show()
    # Everything made so far (modules, widgets) lives as long as the program:
    # keep it out of the garbage collector's full passes, which would stall the window.
    gc.freeze()
    return app.exec()
