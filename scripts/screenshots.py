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
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QScrollArea

from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.demo.practice import DemoOptions, build_demo_practice
from therapist_desk.records import therapy_sessions
from therapist_desk.ui.common.theme import apply_theme
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import AUDIT_TRAIL, CALENDAR, RETENTION, SETTINGS, TODAY
from therapist_desk.ui.printing.pages import pdf_bytes
from therapist_desk.ui.printing.statement_document import statement_document
from therapist_desk.ui.qt_dialogs import QtDialogs
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.clinical.measure_dialogs import QuestionnaireDialog, RatingDialog
from therapist_desk.ui.record.clinical.risk_assessment_dialog import RiskAssessmentDialog
from therapist_desk.ui.record.clinical.risk_panel import RiskPanel
from therapist_desk.ui.record.delete_client_dialog import DeleteClientDialog
from therapist_desk.ui.record.session_dialog import SessionDialog
from therapist_desk.ui.record.statement_dialog import month_of
from therapist_desk.ui.safekeeping.passphrase_dialogs import (
    ChangePassphraseDialog,
    NewRecoveryKeyDialog,
)
from therapist_desk.ui.safekeeping.restore_dialog import RestoreDialog
from therapist_desk.ui.window_settings import WindowSettings
from therapist_desk.vault import Secret, backups, create_vault
from therapist_desk.vault import settings as vault_settings
from therapist_desk.vault.paths import VaultPaths

PASSPHRASE = "screenshots of a quiet harbour"


def wait(app: QApplication, milliseconds: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def plan_and_clinical(
    app: QApplication, window: MainWindow, client_id: str, out: Path, shot: Callable[[str], None]
) -> None:
    """The treatment plan (an objective chosen, then an earlier version), the Clinical tab,
    the diagnosis and medication dialogs, and a draft note's "Worked on" list."""
    from typing import Any

    from therapist_desk.clinical import medications, treatment_plans
    from therapist_desk.records import progress_notes
    from therapist_desk.sharing import professionals
    from therapist_desk.ui.record.clinical.diagnosis_dialog import DiagnosisDialog
    from therapist_desk.ui.record.clinical.medication_dialog import MedicationDialog

    open_vault = window.open_vault
    assert open_vault is not None
    vault, today = open_vault.vault, open_vault.today()
    record = window.workspace.clients.record
    window.workspace.show_client(client_id)
    record.show_tab(client_record.PLAN)
    plan = treatment_plans.current_plan(vault, client_id)
    worked_on = treatment_plans.objectives_worked_on(vault, client_id)
    objectives = plan.details.objectives() if plan else ()
    # An objective that sessions worked on shows its count; else the first one.
    chosen = next((o for o in objectives if o.key in worked_on), None)
    chosen = chosen or next(iter(objectives), None)
    if chosen is not None:
        record.plan.goals.choose(chosen.key)
    shot("07b-plan")
    if record.plan.version.count() > 1:
        record.plan.version.setCurrentIndex(1)
        shot("07c-plan-earlier-version")
        record.plan.version.setCurrentIndex(0)
    record.show_tab(client_record.CLINICAL)
    shot("07d-clinical")

    def dialog_shot(name: str, dialog: QDialog) -> None:
        dialog.show()
        wait(app, 150)
        dialog.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")
        dialog.reject()

    def unsaved(_details: object) -> Any:
        raise RuntimeError("the screenshots save nothing")

    picker = DiagnosisDialog(unsaved, today, parent=window)
    picker.search.setText("F41")
    dialog_shot("07e-diagnosis-dialog", picker)
    taken = medications.list_medications(vault, client_id)
    directory = professionals.list_professionals(vault)
    medication = next(iter(taken.current + taken.past), None)
    dialog_shot(
        "07f-medication-dialog", MedicationDialog(unsaved, directory, today, medication, window)
    )
    drafts = [
        session_id
        for session_id, signed in progress_notes.note_states_for_client(vault, client_id).items()
        if not signed
    ]
    if drafts:
        record.show_tab(client_record.SESSIONS)
        record.sessions.select_session(drafts[0])
        editor = record.sessions.editor
        area = editor.findChild(QScrollArea)
        if area is not None:
            area.ensureWidgetVisible(editor.objectives)
        shot("07g-note-worked-on")


def calendar_and_fees(
    app: QApplication, window: MainWindow, client_id: str, out: Path, shot: Callable[[str], None]
) -> None:
    """Today, the calendar's week and day, a client's fees, a series booked over other
    sessions, and last month's statement (its PDF and page one as a PNG)."""
    workspace, open_vault = window.workspace, window.open_vault
    assert open_vault is not None
    workspace.go_to(TODAY)
    wait(app, 800)
    shot("18-today")
    workspace.go_to(CALENDAR)
    wait(app, 800)
    shot("19-calendar-week")
    workspace.calendar.grid.setFocus()
    workspace.calendar.set_mode("day")
    wait(app, 600)
    blocks = workspace.calendar.grid.blocks
    if blocks:  # one chosen, as the arrow keys would
        workspace.calendar.grid.select_session(blocks[len(blocks) // 2].session.id)
    shot("19b-calendar-day")
    workspace.calendar.set_mode("week")
    wait(app, 600)
    busy = [block.session.starts_at for block in workspace.calendar.grid.blocks]
    workspace.open_record(client_id, client_record.FEES)
    wait(app, 800)
    shot("20-fees")
    if busy:
        dialog = SessionDialog(open_vault, client_id, busy[len(busy) // 2], window)
        dialog.repeat.setCurrentIndex(1)  # every week, over the caseload's own times
        dialog.show()
        dialog._try_save()  # lists the clashes; nothing is booked
        wait(app, 150)
        dialog.grab().save(str(out / "21-series-clashes.png"))
        print(out / "21-series-clashes.png")
        dialog.reject()
    first, last = month_of(month_of(open_vault.today())[0] - timedelta(days=1))
    document = statement_document(open_vault.vault, client_id, first, last, open_vault.today())
    pdf = out / "22-statement.pdf"
    pdf.write_bytes(pdf_bytes(document, open_vault.paper_size))
    print(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-singlefile",
                str(pdf),
                str(pdf.with_suffix("")),
            ],
            check=True,
        )
        print(pdf.with_suffix(".png"))


def measures_and_risk(
    app: QApplication, window: MainWindow, fallback_id: str, out: Path, shot: Callable[[str], None]
) -> None:
    """The overview with its charts, Measures, the PHQ-9 and scale dialogs, the risk panel and
    the risk assessment dialog, and the safety plan as the client receives it (PDF and PNG)."""
    from typing import Any

    from therapist_desk.clinical import measures, risk, scoring

    open_vault = window.open_vault
    assert open_vault is not None
    # The client at high risk shows the banner; otherwise the one with the most measures.
    high = risk.clients_at_high_risk(open_vault.vault)
    client_id = high[0].client_id if high else fallback_id
    window.workspace.show_client(client_id)
    record = window.workspace.clients.record
    record.show_tab(client_record.OVERVIEW)
    wait(app, 300)
    shot("23-overview-charts")
    panel = record.findChild(RiskPanel)
    assert panel is not None
    tab = next(
        index
        for index in range(record.tabs.count())
        if (page := record.tabs.widget(index)) is not None and page.isAncestorOf(panel)
    )
    record.tabs.setCurrentIndex(tab)
    if tab == record.tabs.indexOf(record.overview):
        record.overview.scroll_area.ensureWidgetVisible(panel.safety_plan.print_button)
    wait(app, 300)
    shot("23b-risk-panel")
    record.show_tab(client_record.MEASURES)
    wait(app, 300)
    shot("24-measures")

    def dialog_shot(name: str, dialog: QDialog) -> None:
        dialog.show()
        wait(app, 150)
        dialog.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")
        dialog.reject()

    def unsaved(_details: object) -> Any:
        raise RuntimeError("the screenshots save nothing")

    phq9 = QuestionnaireDialog(scoring.PHQ9, unsaved, open_vault.today(), None, window)
    for item, answer in enumerate((2, 2, 1, 2, 1, 1, 0, 0, 1)):
        phq9.answer(item, answer)
    dialog_shot("25-phq9-dialog", phq9)
    names = sorted({m.details.label for m in measures.list_measures(open_vault.vault, client_id)})
    dialog_shot(
        "25b-scale-dialog",
        RatingDialog(scoring.SCALE, unsaved, open_vault.today(), names, None, window),
    )
    latest = risk.current_risk(open_vault.vault, client_id)
    dialog_shot(
        "26-risk-assessment",
        RiskAssessmentDialog(unsaved, open_vault.today(), latest, window),
    )
    document = panel.safety_plan.document()
    if document is not None:
        pdf = out / "27-safety-plan.pdf"
        pdf.write_bytes(pdf_bytes(document, open_vault.paper_size))
        print(pdf)
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(pdf.with_suffix(""))],
                check=True,
            )
            print(pdf.with_suffix(".png"))


def directory(
    app: QApplication, window: MainWindow, out: Path, shot: Callable[[str], None]
) -> None:
    """The Directory of professionals, filtered, its add dialog refusing an email, the picker."""
    from PySide6.QtWidgets import QVBoxLayout

    from therapist_desk.sharing import professionals
    from therapist_desk.ui.navigation import DIRECTORY
    from therapist_desk.ui.professionals.professional_dialog import ProfessionalDialog
    from therapist_desk.ui.professionals.professional_picker import ProfessionalPicker

    open_vault = window.open_vault
    assert open_vault is not None
    workspace = window.workspace
    workspace.go_to(DIRECTORY)
    shot("30-directory")
    workspace.directory.filter.setText("psych")
    shot("30b-directory-filtered")
    workspace.directory.filter.clear()

    def dialog_shot(name: str, dialog: QDialog) -> None:
        dialog.show()
        wait(app, 150)
        dialog.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")
        dialog.reject()

    editor = ProfessionalDialog(
        lambda details: professionals.add_professional(open_vault.vault, details), parent=window
    )
    editor.name.setText("Dr Nadia Okonkwo-Baptiste")
    editor.organisation.setText("Penryn and Falmouth Community Mental Health Team")
    editor.address.setPlainText("Trevithick House\nKilligrew Street\nFalmouth TR11 3PN")
    editor.email.setText("nadia.okonkwo@nhs")
    editor.save_button.click()  # refused: the email has no domain
    dialog_shot("30c-professional-dialog", editor)
    holder = QDialog(window)
    holder.setWindowTitle("Picker")
    picker = ProfessionalPicker("Refer to", open_vault)
    QVBoxLayout(holder).addWidget(picker)
    holder.resize(560, 300)
    picker.filter.setText("gp")
    dialog_shot("30d-professional-picker", holder)


def referrals_place(app: QApplication, window: MainWindow, shot: Callable[[str], None]) -> None:
    """The practice-wide Referrals place: open ones, all of them, filtered, in privacy mode."""
    from therapist_desk.ui.navigation import REFERRALS
    from therapist_desk.ui.places.referrals import ALL

    workspace = window.workspace
    place = workspace.referrals
    workspace.go_to(REFERRALS)
    while place.model.rowCount() == 0 and place._loading:
        wait(app, 50)
    shot("31-referrals-place")
    place.status.setCurrentIndex(place.status.findData(ALL))
    shot("31b-referrals-place-all")
    place.filter.setText("psych")
    shot("31c-referrals-place-filtered")
    place.filter.clear()
    workspace.set_privacy(True)
    shot("31d-referrals-place-privacy")
    workspace.set_privacy(False)
    place.status.setCurrentIndex(0)


def referrals_tab(
    app: QApplication, window: MainWindow, client_id: str, out: Path, shot: Callable[[str], None]
) -> None:
    """The Referrals tab with a referral overdue, consents in force and not, and a disclosure
    log; the referral and consent dialogs."""
    from typing import Any

    from therapist_desk.domain.records import (
        ProfessionalDetails,
        ReferralDetails,
        SharingConsentDetails,
    )
    from therapist_desk.domain.vocabulary import ProfessionalRole, ReferralStatus, ReferralUrgency
    from therapist_desk.letters import letters
    from therapist_desk.sharing import professionals
    from therapist_desk.ui.record.referrals.consent_dialog import ConsentDialog
    from therapist_desk.ui.record.referrals.referral_dialog import ReferralDialog

    open_vault = window.open_vault
    assert open_vault is not None
    store, today = open_vault.vault, open_vault.today()
    shah = professionals.add_professional(
        store,
        ProfessionalDetails(
            name="Dr Priya Shah",
            role=ProfessionalRole.PSYCHIATRIST,
            organisation="Penryn and Falmouth Community Mental Health Team",
        ),
    )
    gp = professionals.add_professional(
        store, ProfessionalDetails(name="Dr Tom Hale", organisation="Quay Surgery")
    )
    overdue = open_vault.create_referral(
        client_id,
        shah.id,
        ReferralDetails(
            reason="Persistent low mood and early waking despite 14 sessions of CBT; "
            "a medication review and an opinion on diagnosis, please.",
            urgency=ReferralUrgency.SOON,
            status=ReferralStatus.SENT,
            referred_on=today - timedelta(days=40),
            sent_on=today - timedelta(days=38),
            follow_up_on=today - timedelta(days=10),
        ),
    )
    open_vault.create_referral(
        client_id,
        gp.id,
        ReferralDetails(
            reason="Physical health check before starting medication",
            referred_on=today,
            follow_up_on=today + timedelta(days=28),
        ),
    )
    open_vault.add_consent(
        client_id,
        shah.id,
        SharingConsentDetails(
            given_on=today - timedelta(days=45),
            expires_on=today + timedelta(days=320),
            scope="Referral letter and summary",
            notes="Signed consent form, scanned to the paper file",
        ),
    )
    open_vault.add_consent(
        client_id,
        gp.id,
        SharingConsentDetails(
            given_on=today - timedelta(days=420),
            expires_on=today - timedelta(days=55),
            scope="Letters about physical health",
        ),
    )
    parties = letters.referral_parties(store, overdue.id)
    open_vault.record_sent(
        parties,
        what="referral summary",
        how="printed",
        on=today,
        sections=("Identification", "Reason for referral", "Risk summary", "Treatment so far"),
    )
    open_vault.record_disclosure(client_id, client_id, "safety plan saved as PDF: plan.pdf")
    workspace = window.workspace
    workspace.show_client(client_id)
    workspace.clients.record.show_tab(client_record.REFERRALS)
    tab = workspace.clients.record.referrals
    tab.referral_table.selectRow(tab.referral_model.row_of(overdue.id))
    shot("26-referrals-tab")

    def dialog_shot(name: str, dialog: QDialog) -> None:
        dialog.show()
        wait(app, 150)
        dialog.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")
        dialog.reject()

    def unsaved(_professional_id: str, _details: object) -> Any:
        raise AssertionError("not saved in a screenshot")

    referral = ReferralDialog(open_vault, unsaved, today, overdue, window)
    dialog_shot("26b-referral-dialog", referral)
    consent = ConsentDialog(open_vault, unsaved, today, parent=window)
    consent.recipient.filter.setText("shah")
    consent.scope.setText("Referral letter and summary")
    dialog_shot("26c-consent-dialog", consent)


def composer_and_templates(
    app: QApplication, window: MainWindow, client_id: str, out: Path
) -> None:
    """The referral summary and letter composers beside their pages, the template editor
    (with a mistake pointed out), and the composed summary as its recipient gets it (PNG)."""
    from therapist_desk.ui.places.template_editor import TemplateEditor
    from therapist_desk.ui.record.referrals.letter_composer import LetterComposer

    open_vault = window.open_vault
    assert open_vault is not None
    referral = open_vault.referrals_for(client_id)[0]

    def dialog_shot(name: str, dialog: QDialog) -> None:
        dialog.resize(window.size())  # as big as the window: the composer is meant to fill it
        dialog.show()
        wait(app, 700)  # past the preview's debounce
        dialog.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    summary = LetterComposer(open_vault, QtDialogs(), referral.id, True, window)
    for choice in summary.excerpts[:4]:
        choice.check.setChecked(True)
    dialog_shot("28-summary-composer", summary)
    choices = summary.findChild(QScrollArea)
    if choices is not None and summary.excerpts:
        choices.ensureWidgetVisible(summary.excerpts[min(3, len(summary.excerpts) - 1)].text)
        dialog_shot("28a-summary-composer-excerpts", summary)
    document = summary.preview.document
    if document is not None:
        pdf = out / "28b-referral-summary.pdf"
        pdf.write_bytes(pdf_bytes(document, open_vault.paper_size))
        print(pdf)
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(pdf.with_suffix(""))])
    summary.reject()
    letter = LetterComposer(open_vault, QtDialogs(), referral.id, False, window)
    dialog_shot("28c-letter-composer", letter)
    letter.reject()
    editor = TemplateEditor(open_vault, QtDialogs(), window)
    editor.choose("referral_letter")
    dialog_shot("29-template-editor", editor)
    source = editor.editor.toPlainText()
    editor.editor.setPlainText(source.replace("recipient.salutation", "recipient.salutaton", 1))
    editor.check()
    dialog_shot("29b-template-editor-problem", editor)
    editor.editor.setPlainText(source)
    editor.reject()


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
            therapy_sessions.sessions_for_client(
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
    plan_and_clinical(app, window, busiest.id, args.out, shot)
    record.show_tab(client_record.PROCESS_NOTES)
    shot("08-process-notes")
    calendar_and_fees(app, window, busiest.id, args.out, shot)
    measures_and_risk(app, window, busiest.id, args.out, shot)
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
    directory(app, window, args.out, shot)
    referrals_place(app, window, shot)
    referrals_tab(app, window, busiest.id, args.out, shot)
    composer_and_templates(app, window, busiest.id, args.out)

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
