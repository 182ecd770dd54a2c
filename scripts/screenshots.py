"""Pictures of every main screen, for looking at the window as a user would.

    python scripts/screenshots.py [--out shots] [--size 1366x768]

Builds a demo vault in a temporary folder (fast test key derivation), opens
the real window offscreen at the given size, walks through the screens and
saves one PNG each. For a picture of the whole desktop under a real X server,
see scripts/screenshots-xvfb.sh.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from therapist_desk import backups, vault_settings
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.demo_practice import DemoOptions, build_demo_practice
from therapist_desk.paths import VaultPaths
from therapist_desk.ui import client_record
from therapist_desk.ui.delete_client_dialog import DeleteClientDialog
from therapist_desk.ui.dialogs import QtDialogs
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import AUDIT_TRAIL, RETENTION, SETTINGS
from therapist_desk.ui.passphrase_dialogs import ChangePassphraseDialog, NewRecoveryKeyDialog
from therapist_desk.ui.restore_dialog import RestoreDialog
from therapist_desk.ui.settings import WindowSettings
from therapist_desk.ui.theme import apply_theme
from therapist_desk.vault import Secret, create_vault

PASSPHRASE = "screenshots of a quiet harbour"


def wait(app: QApplication, milliseconds: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("shots"))
    parser.add_argument("--size", default="1366x768")
    parser.add_argument("--clients", type=int, default=60)
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="therapist-desk-shots-"))
    paths = VaultPaths(scratch / "vault")
    with create_vault(paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS).vault as vault:
        build_demo_practice(vault, DemoOptions(clients=args.clients, years=3))

    app = QApplication(sys.argv)
    apply_theme(app)
    store = QSettings(str(scratch / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(paths, WindowSettings(store), QtDialogs())
    window.resize(width, height)
    window.show()
    shots: list[tuple[str, Callable[[], None]]] = []

    def shot(name: str) -> None:
        wait(app, 150)
        target = args.out / f"{name}.png"
        window.grab().save(str(target))
        print(target)

    # First run, on an empty folder.
    first = MainWindow(
        VaultPaths(scratch / "new"), WindowSettings(store), QtDialogs(), kdf_params=FAST_TEST_PARAMS
    )
    first.resize(width, height)
    first.show()
    first.first_run.fields.passphrase.setText("tide pools under a grey sky")
    first.first_run.fields.repeat.setText("tide pools under a grey sky")
    wait(app, 150)
    first.grab().save(str(args.out / "00a-first-run-passphrase.png"))
    first.first_run.create_button.click()
    while first.first_run.currentIndex() != 1:
        wait(app, 50)
    wait(app, 150)
    first.grab().save(str(args.out / "00b-first-run-recovery-key.png"))
    first.first_run.stored.setChecked(True)
    first.first_run.key_continue.click()
    wait(app, 150)
    first.grab().save(str(args.out / "00c-first-run-practice.png"))
    first.first_run.practice_done.click()
    first.close()

    shot("01-locked")
    window._unlock(Secret(passphrase=PASSPHRASE))
    while not window.is_unlocked:
        wait(app, 50)
    workspace = window.workspace
    shot("02-today")
    workspace.go_to(1)
    shot("03-clients")
    clients = workspace.clients
    # The client with the most sessions: the heaviest record to draw.
    busiest = max(
        clients.model.rows(),
        key=lambda client: len(
            __import__("therapist_desk.therapy_sessions", fromlist=["x"]).sessions_for_client(
                window.open_vault.vault,
                client.id,  # type: ignore[union-attr]
            )
        ),
    )
    clients.open_client(busiest.id)
    shot("04-client-overview")
    record = clients.record
    record.show_tab(client_record.SESSIONS)
    for row in range(record.sessions.model.rowCount()):
        line = record.sessions.model.record_at(row)
        if line.note != "Signed" and line.attendance.value == "attended":
            record.sessions.table.selectRow(row)
            break
    editor = record.sessions.editor
    first_section = editor.content().section_names()[0]
    editor.section_edit(first_section).setPlainText("Arrived early and talked about the week. " * 5)
    shot("05-sessions-and-note")
    for row in range(record.sessions.model.rowCount()):
        line = record.sessions.model.record_at(row)
        if line.note == "Signed":
            record.sessions.table.selectRow(row)
            break
    shot("06-signed-note")
    record.show_tab(client_record.CONTACTS)
    shot("07-contacts")
    record.show_tab(client_record.PROCESS_NOTES)
    shot("08-process-notes")
    workspace.focus_search()
    workspace.search_field.setText("walk")
    shot("09-search")
    assert window.open_vault is not None
    store_vault = window.open_vault.vault
    backup_folder = scratch / "backups"
    backup_folder.mkdir()
    vault_settings.set_setting(store_vault, vault_settings.BACKUP_FOLDER, str(backup_folder))
    backups.make_backup(store_vault, backup_folder)
    window._show_backup_state()
    workspace.go_to(SETTINGS)
    shot("10-settings")
    workspace.settings.scroll_area.ensureWidgetVisible(workspace.settings.safekeeping.check)
    shot("10b-settings-safekeeping")
    workspace.go_to(RETENTION)
    workspace.retention.show_all.setChecked(True)
    wait(app, 600)
    shot("12-retention")
    workspace.go_to(AUDIT_TRAIL)
    wait(app, 600)
    shot("13-audit-trail")

    def dialog_shot(name: str, dialog: QDialog) -> None:
        dialog.show()
        wait(app, 150)
        dialog.grab().save(str(args.out / f"{name}.png"))
        print(args.out / f"{name}.png")
        dialog.setProperty("closed_by_lock", True)
        dialog.reject()

    dialog_shot(
        "14-delete-client",
        DeleteClientDialog(window.open_vault, busiest, window.drafts, window),
    )
    dialog_shot("15-change-passphrase", ChangePassphraseDialog(window.open_vault, parent=window))
    key_dialog = NewRecoveryKeyDialog(window.open_vault, QtDialogs(), window)
    key_dialog.show()
    key_dialog.ok.click()
    dialog_shot("16-new-recovery-key", key_dialog)
    window.lock()
    shot("11-locked-again")
    dialog_shot(
        "17-restore",
        RestoreDialog(paths, window.runner, QtDialogs(), window.process_lock, window),
    )
    window.close()
    del shots
    return 0


if __name__ == "__main__":
    sys.exit(main())
