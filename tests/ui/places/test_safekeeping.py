"""Backups, restore, passphrase and recovery key, deletion, retention and the audit trail,
driven through the window as a therapist would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, unlock
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.domain.records import ClientDetails, SessionDetails
from therapist_desk.domain.vocabulary import Attendance, AuditKind, ClientStatus
from therapist_desk.errors import WrongPassphrase
from therapist_desk.records import clients, therapy_sessions
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import AUDIT_TRAIL, RETENTION, SETTINGS
from therapist_desk.ui.record.delete_client_dialog import DeleteClientDialog
from therapist_desk.ui.safekeeping.passphrase_dialogs import (
    ChangePassphraseDialog,
    NewRecoveryKeyDialog,
)
from therapist_desk.ui.safekeeping.restore_dialog import RestoreDialog
from therapist_desk.vault import Secret, audit, backups, create_vault, unlock_vault
from therapist_desk.vault import settings as vault_settings
from therapist_desk.vault.opening import unlock_data_key
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]
NEW_PASSPHRASE = "lantern orchard pebble quietly"


def _client(paths: VaultPaths, legal_name: str, *, years_ago: int = 0) -> str:
    """A client with one attended session `years_ago` years back."""
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        seen = vault.now() - timedelta(days=365 * years_ago + 1)
        client = clients.create_client(
            vault,
            ClientDetails(
                legal_name=legal_name,
                status=ClientStatus.DISCHARGED,
                discharge_date=seen.astimezone().date(),
            ),
        )
        session = therapy_sessions.schedule_session(vault, seen, 50, SessionDetails(), [client.id])
        therapy_sessions.set_attendance(vault, session.id, client.id, Attendance.ATTENDED)
        return client.id


def _backup_folder(window: MainWindow, dialogs: ScriptedDialogs, folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    dialogs.folder = folder
    window.workspace.go_to(SETTINGS)
    window.workspace.settings.safekeeping.choose.click()


def _opens(paths: VaultPaths, secret: Secret) -> bool:
    with unlock_vault(paths, secret):
        return True


def test_back_up_now_check_it_and_the_status_bar_says_when(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    window = make_window(existing_vault)
    unlock(qtbot, window)
    assert "No backup yet" in window.status_backup.text()
    panel = window.workspace.settings.safekeeping
    assert not panel.back_up.isEnabled()  # no folder yet
    _backup_folder(window, dialogs, tmp_path / "usb")
    assert panel.folder.text() == str(tmp_path / "usb")
    panel.back_up.click()
    qtbot.waitUntil(lambda: "Backed up to" in panel.backup_status.text(), timeout=30_000)
    made = list((tmp_path / "usb").glob("therapist-desk-backup-*.vault"))
    assert len(made) == 1
    assert window.status_backup.text().startswith("Backup: ")
    assert window.status_backup.styleSheet() == ""  # no warning
    panel.check.click()
    qtbot.waitUntil(lambda: "is whole" in panel.backup_status.text(), timeout=30_000)
    assert panel.last_verified.text() != "never"
    assert window.open_vault is not None
    kinds = [event.details.kind for event in audit.events(window.open_vault.vault)]
    assert AuditKind.BACKUP in kinds and AuditKind.BACKUP_VERIFIED in kinds


def test_the_status_bar_warns_after_a_week_without_a_backup(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        old = vault.now() - backups.BACKUP_WARNING_AGE - timedelta(days=2)
        vault_settings.set_setting(vault, vault_settings.LAST_BACKUP_AT, old.isoformat())
    window = make_window(existing_vault)
    unlock(qtbot, window)
    assert window.status_backup.text().startswith("No backup for 9 days")
    assert "color" in window.status_backup.styleSheet()


def test_a_failing_backup_says_why_and_leaves_nothing_behind(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    window = make_window(existing_vault)
    unlock(qtbot, window)
    folder = tmp_path / "drive"
    _backup_folder(window, dialogs, folder)
    folder.rmdir()  # the external drive was unplugged
    panel = window.workspace.settings.safekeeping
    panel.back_up.click()
    qtbot.waitUntil(lambda: bool(dialogs.warnings()), timeout=30_000)
    assert "is not there" in dialogs.warnings()[0]
    assert "No backup yet" in window.status_backup.text()


def test_closing_makes_the_daily_automatic_backup(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    window = make_window(existing_vault)
    unlock(qtbot, window)
    _backup_folder(window, dialogs, tmp_path / "usb")
    window.close()
    made = list((tmp_path / "usb").glob("therapist-desk-auto-*.vault"))
    assert len(made) == 1
    assert backups.verify_backup(made[0], Secret(passphrase=PASSPHRASE)) == []
    # ... and only once a day.
    again = make_window(existing_vault)
    unlock(qtbot, again)
    again.close()
    assert len(list((tmp_path / "usb").glob("therapist-desk-auto-*.vault"))) == 1


def test_change_the_passphrase_from_settings(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths, dialogs: ScriptedDialogs
) -> None:
    window = make_window(existing_vault)
    unlock(qtbot, window)
    window.workspace.go_to(SETTINGS)
    panel = window.workspace.settings.safekeeping
    panel.change_passphrase.click()
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ChangePassphraseDialog)
    dialog.current.setText("not the passphrase")
    dialog.fields.passphrase.setText(NEW_PASSPHRASE)
    dialog.fields.repeat.setText(NEW_PASSPHRASE)
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    qtbot.waitUntil(lambda: "not right" in dialog.problem.text(), timeout=30_000)
    assert dialog.isVisible()
    dialog.current.setText(PASSPHRASE)
    dialog.ok.click()
    changed = ("inform", "Passphrase changed: Use the new passphrase from now on.")
    qtbot.waitUntil(lambda: changed in dialogs.asked, timeout=30_000)
    window.close()
    assert _opens(existing_vault, Secret(passphrase=NEW_PASSPHRASE))
    try:
        _opens(existing_vault, Secret(passphrase=PASSPHRASE))
    except WrongPassphrase:
        pass
    else:
        raise AssertionError("the old passphrase still opens the vault")


def test_unlocking_with_the_recovery_key_offers_a_new_passphrase(
    qtbot: QtBot, make_window: WindowMaker, vault_paths: VaultPaths
) -> None:
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS)
    created.vault.close()
    window = make_window(vault_paths)
    window.unlock_screen.use_recovery.setChecked(True)
    window.unlock_screen.secret.setText(created.recovery_key)
    window.unlock_screen.unlock_button.click()
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget(), ChangePassphraseDialog),
        timeout=30_000,
    )
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ChangePassphraseDialog)
    assert not dialog.current.isVisible()  # the old passphrase is not asked for
    dialog.fields.passphrase.setText(NEW_PASSPHRASE)
    dialog.fields.repeat.setText(NEW_PASSPHRASE)
    dialog.ok.click()
    qtbot.waitUntil(
        lambda: not isinstance(QApplication.activeModalWidget(), ChangePassphraseDialog),
        timeout=30_000,
    )
    window.close()
    assert _opens(vault_paths, Secret(passphrase=NEW_PASSPHRASE))
    assert _opens(vault_paths, Secret(recovery_key=created.recovery_key))


def test_a_new_recovery_key_must_be_kept_and_replaces_the_old(
    qtbot: QtBot, make_window: WindowMaker, vault_paths: VaultPaths, dialogs: ScriptedDialogs
) -> None:
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS)
    created.vault.close()
    window = make_window(vault_paths)
    unlock(qtbot, window)
    window.workspace.go_to(SETTINGS)
    seen: dict[str, str] = {}

    def make_and_keep(dialog: QDialog) -> None:
        assert isinstance(dialog, NewRecoveryKeyDialog)
        dialog.ok.click()
        seen["key"] = dialog.sheet.key_label.text()
        assert not dialog.ok.isEnabled()
        dialog.reject()  # Escape: refused, the key has not been kept yet
        assert dialog.isVisible()
        dialog.sheet.print_button.click()
        dialog.sheet.stored.setChecked(True)
        dialog.ok.click()

    answer_next_dialog(make_and_keep)
    window.workspace.settings.safekeeping.new_key.click()
    assert dialogs.printed and seen["key"] in dialogs.printed[0]
    window.close()
    assert _opens(vault_paths, Secret(recovery_key=seen["key"]))
    try:
        _opens(vault_paths, Secret(recovery_key=created.recovery_key))
    except WrongPassphrase:
        pass
    else:
        raise AssertionError("the old recovery key still opens the vault")


def test_deleting_a_client_needs_their_legal_name_typed(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths, dialogs: ScriptedDialogs
) -> None:
    client_id = _client(existing_vault, "Marguerite Oyelaran-Fitch")
    keeper_id = _client(existing_vault, "Teodor Brandvold")
    window = make_window(existing_vault)
    unlock(qtbot, window)
    window.workspace.show_client(client_id)
    record = window.workspace.clients.record

    def cancel_after_a_near_miss(dialog: QDialog) -> None:
        assert isinstance(dialog, DeleteClientDialog)
        dialog.confirmation.setText("Marguerite Oyelaran")
        assert not dialog.delete.isEnabled()
        dialog.reject()

    answer_next_dialog(cancel_after_a_near_miss)
    record.delete_button.click()
    assert window.open_vault is not None
    assert clients.get_client(window.open_vault.vault, client_id)

    def confirm(dialog: QDialog) -> None:
        assert isinstance(dialog, DeleteClientDialog)
        dialog.confirmation.setText("Marguerite Oyelaran-Fitch")
        assert dialog.delete.isEnabled()
        dialog.delete.click()

    answer_next_dialog(confirm)
    record.delete_button.click()
    assert any("Client deleted" in text for kind, text in dialogs.asked if kind == "inform")
    view = window.workspace.clients
    assert not view.showing_record
    assert view.model.row_of(client_id) == -1 and view.model.row_of(keeper_id) >= 0
    vault = window.open_vault.vault
    assert [client.id for client in clients.list_clients(vault)] == [keeper_id]
    deleted = audit.events(vault, kind=AuditKind.DELETE)
    assert [event.details.client_id for event in deleted] == [client_id]


def test_retention_lists_those_past_their_date_and_deletes_on_request(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    old_id = _client(existing_vault, "Winifred Castellanos", years_ago=9)
    _client(existing_vault, "Ansel Moreau-Kagame", years_ago=1)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    window.workspace.go_to(RETENTION)
    view = window.workspace.retention
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=30_000)
    assert view.model.record_at(0).client.id == old_id
    assert "1 client is past their date" in view.summary.text()
    view.show_all.setChecked(True)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=30_000)
    view.show_all.setChecked(False)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=30_000)
    assert view.delete_button.isEnabled()

    def confirm(dialog: QDialog) -> None:
        assert isinstance(dialog, DeleteClientDialog)
        dialog.confirmation.setText("Winifred Castellanos")
        dialog.delete.click()

    answer_next_dialog(confirm)
    view.delete_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 0 and view.empty.isVisible(), timeout=30_000)
    assert "No client is past their date" in view.empty.text()
    assert window.open_vault is not None
    assert [c.details.legal_name for c in clients.list_clients(window.open_vault.vault)] == [
        "Ansel Moreau-Kagame"
    ]


def test_the_audit_trail_shows_views_and_filters_by_client_and_kind(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    first = _client(existing_vault, "Octavia Lindqvist")
    second = _client(existing_vault, "Bartholomew Achebe")
    window = make_window(existing_vault)
    unlock(qtbot, window)
    window.workspace.show_client(first)
    window.workspace.show_client(second)
    window.workspace.go_to(AUDIT_TRAIL)
    view = window.workspace.audit_trail
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=30_000)
    texts = {
        view.model.index(row, 1).data() + " " + view.model.index(row, 2).data()
        for row in range(view.model.rowCount())
    }
    assert "Viewed Octavia Lindqvist" in texts and "Viewed Bartholomew Achebe" in texts
    assert any(text.startswith("Unlocked") for text in texts)
    view.kind_filter.setCurrentIndex(view.kind_filter.findData(AuditKind.VIEW.value))
    qtbot.waitUntil(
        lambda: {view.model.index(r, 1).data() for r in range(view.model.rowCount())} == {"Viewed"},
        timeout=30_000,
    )
    # From a client's record: only their entries.
    window.workspace.show_client(first)
    window.workspace.clients.record.audit_button.click()
    assert window.workspace.place == AUDIT_TRAIL
    qtbot.waitUntil(
        lambda: (
            view.model.rowCount() > 0
            and {view.model.index(r, 2).data() for r in range(view.model.rowCount())}
            == {"Octavia Lindqvist"}
        ),
        timeout=30_000,
    )
    # Nothing clinical, and no name, is stored in the entries themselves.
    assert window.open_vault is not None
    for event in audit.events(window.open_vault.vault):
        assert "Octavia" not in event.details.detail


def test_restore_a_backup_over_the_vault_from_the_unlock_screen(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    kept_id = _client(existing_vault, "Philippa Nakashima")
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        backup = backups.make_backup(vault, tmp_path)
    _client(existing_vault, "Made After The Backup")
    window = make_window(existing_vault)
    dialogs.open_path = backup

    def restore(dialog: QDialog) -> None:
        assert isinstance(dialog, RestoreDialog)
        dialog.choose.click()
        dialog.secret.setText(PASSPHRASE)
        assert not dialog.ok.isEnabled()  # a vault is here: replacing it must be ticked
        dialog.replace.setChecked(True)
        dialog.ok.click()

    answer_next_dialog(restore)
    window.unlock_screen.restore_button.click()
    informed = [text for kind, text in dialogs.asked if kind == "inform"]
    assert informed and informed[-1].startswith("Backup restored")
    assert "is kept as vault.sqlite3.replaced-" in informed[-1]
    assert list(existing_vault.data_dir.glob("*.replaced-*"))  # the old vault, not deleted
    unlock(qtbot, window)
    assert window.open_vault is not None
    names = [client.id for client in clients.list_clients(window.open_vault.vault)]
    assert names == [kept_id]
    assert audit.events(window.open_vault.vault, kind=AuditKind.RESTORE)


def test_a_wrong_passphrase_for_the_backup_restores_nothing(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        backup = backups.make_backup(vault, tmp_path)
    before = existing_vault.database.read_bytes()
    window = make_window(existing_vault)
    dialogs.open_path = backup
    messages: list[str] = []

    def wrong(dialog: QDialog) -> None:
        assert isinstance(dialog, RestoreDialog)
        dialog.choose.click()
        dialog.secret.setText("not the passphrase at all")
        dialog.replace.setChecked(True)
        dialog.ok.click()
        qtbot.waitUntil(lambda: dialog.problem.text().startswith("Not restored"), timeout=30_000)
        messages.append(dialog.problem.text())
        dialog.reject()

    answer_next_dialog(wrong)
    window.unlock_screen.restore_button.click()
    assert messages
    assert existing_vault.database.read_bytes() == before
    assert not list(existing_vault.data_dir.glob("*.replaced-*"))


def test_restore_on_a_new_computer_from_the_first_run_screen(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    client_id = _client(existing_vault, "Leopold Adeyemi-Strand")
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        backup = backups.make_backup(vault, tmp_path)
    new_computer = VaultPaths(tmp_path / "new-laptop")
    window = make_window(new_computer)
    assert window.pages.currentWidget() is window.first_run
    dialogs.open_path = backup

    def restore(dialog: QDialog) -> None:
        assert isinstance(dialog, RestoreDialog)
        assert not dialog.replace.isVisible()  # nothing here to replace
        dialog.choose.click()
        dialog.secret.setText(PASSPHRASE)
        dialog.ok.click()

    answer_next_dialog(restore)
    window.first_run.restore_button.click()
    assert window.pages.currentWidget() is window.unlock_screen
    unlock(qtbot, window)
    assert window.open_vault is not None
    assert [c.id for c in clients.list_clients(window.open_vault.vault)] == [client_id]
    assert unlock_data_key(window.open_vault.vault.read_header(), Secret(passphrase=PASSPHRASE))
