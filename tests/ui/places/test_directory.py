"""The Directory of professionals: adding, finding, editing, removing; the picker."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, tab_chain, unlock
from therapist_desk.domain.records import (
    ClientDetails,
    Professional,
    ProfessionalDetails,
    ReferralDetails,
)
from therapist_desk.domain.vocabulary import ProfessionalRole
from therapist_desk.errors import InvalidInput
from therapist_desk.records import clients
from therapist_desk.sharing import professionals, referrals
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import DIRECTORY, PLACES, SEARCH
from therapist_desk.ui.places.directory import DirectoryView
from therapist_desk.ui.professionals.professional_dialog import ProfessionalDialog
from therapist_desk.ui.professionals.professional_list import (
    CLIENTS_REFERRED,
    NAME,
    ORGANISATION,
    ProfessionalFilter,
    ProfessionalTableModel,
)
from therapist_desk.ui.professionals.professional_picker import ProfessionalPicker
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]

SHAH = ProfessionalDetails(
    name="Dr Priya Shah",
    role=ProfessionalRole.PSYCHIATRIST,
    organisation="Falmouth Community Mental Health Team",
    address="Trevithick House\nKilligrew Street\nFalmouth TR11 3PN",
    phone="01326 555 010",
    email="priya.shah@example.org",
)
OKAFOR = ProfessionalDetails(
    name="Dr Ben Okafor",
    role=ProfessionalRole.GP,
    organisation="Harbour Lane Surgery",
    address="2 Harbour Lane, Penryn",
    phone="01326 555 999",
)
LIND = ProfessionalDetails(
    name="Tomas Lind",
    role=ProfessionalRole.SPECIALIST_SERVICE,
    organisation="Cornwall Trauma Service",
    email="referrals@trauma.example",
)


def _directory(paths: VaultPaths, *, referred: bool = False) -> dict[str, str]:
    """Three professionals; with `referred`, two clients' referrals name Dr Shah."""
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        ids = {
            key: professionals.add_professional(vault, details).id
            for key, details in (("shah", SHAH), ("okafor", OKAFOR), ("lind", LIND))
        }
        if referred:
            for name in ("Amira Haddad", "Rosa Achterberg"):
                client = clients.create_client(vault, ClientDetails(legal_name=name))
                referrals.create_referral(
                    vault, client.id, ids["shah"], ReferralDetails(reason="Medication review")
                )
    return ids


def _open_directory(qtbot: QtBot, window: MainWindow) -> DirectoryView:
    unlock(qtbot, window)
    window.workspace.go_to(DIRECTORY)
    return window.workspace.directory


def _names(view: DirectoryView) -> list[str]:
    return [view.proxy.index(row, NAME).data() for row in range(view.proxy.rowCount())]


def _cell(view: DirectoryView, name: str, column: int) -> str:
    row = _names(view).index(name)
    text = view.proxy.index(row, column).data()
    assert isinstance(text, str)
    return text


def test_the_directory_is_a_place_of_its_own_and_the_other_names_still_work() -> None:
    assert PLACES[DIRECTORY][0] == "Directory"
    assert PLACES[SEARCH][0] == "Search"


def test_add_a_professional_through_the_dialog_after_a_bad_email_is_refused(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    window = make_window(existing_vault)
    view = _open_directory(qtbot, window)
    assert view.no_one.isVisible()  # an empty directory explains itself
    refused: list[str] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ProfessionalDialog)
        dialog.name.setText("Dr Priya Shah")
        dialog.role.setCurrentIndex(dialog.role.findData(ProfessionalRole.PSYCHIATRIST))
        dialog.organisation.setText("Falmouth CMHT")
        dialog.email.setText("priya.shah@nhs")
        dialog.save_button.click()  # refused: the dialog stays open with what was typed
        refused.append(dialog.problems.text() if dialog.isVisible() else "closed")
        dialog.email.setText("priya.shah@nhs.example")
        dialog.save_button.click()

    answer_next_dialog(fill)
    view.new_button.click()
    assert refused == [
        "The email “priya.shah@nhs” does not look like an address (name@example.org)."
    ]
    assert _names(view) == ["Dr Priya Shah"]
    assert _cell(view, "Dr Priya Shah", ORGANISATION) == "Falmouth CMHT"
    chosen = view.chosen()
    assert chosen is not None and chosen.details.name == "Dr Priya Shah"
    assert view.count.text() == "1 person"
    assert window.open_vault is not None
    (stored,) = professionals.list_professionals(window.open_vault.vault)
    assert (stored.details.role, stored.details.email) == (
        ProfessionalRole.PSYCHIATRIST,
        "priya.shah@nhs.example",
    )


def test_ctrl_n_in_the_directory_adds_a_professional_not_a_client(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    window = make_window(existing_vault)
    view = _open_directory(qtbot, window)
    titles: list[str] = []

    def cancel(dialog: QDialog) -> None:
        titles.append(dialog.windowTitle())
        dialog.reject()

    answer_next_dialog(cancel)
    view.filter.setFocus()
    qtbot.keyClick(view.filter, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert titles == ["New professional"]
    assert window.workspace.place == DIRECTORY


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("harbour", ["Dr Ben Okafor"]),  # organisation
        ("trauma serv", ["Tomas Lind"]),  # two words, both in the organisation
        ("killigrew", ["Dr Priya Shah"]),  # address
        ("psychiatrist", ["Dr Priya Shah"]),  # role
        ("5559", ["Dr Ben Okafor"]),  # phone, spaces left out
        ("referrals@", ["Tomas Lind"]),  # email
        ("nobody", []),
    ],
)
def test_the_list_filters_as_you_type_over_every_field(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    typed: str,
    found: list[str],
) -> None:
    _directory(existing_vault)
    window = make_window(existing_vault)
    view = _open_directory(qtbot, window)
    assert _names(view) == ["Dr Ben Okafor", "Dr Priya Shah", "Tomas Lind"]
    qtbot.keyClicks(view.filter, typed)
    assert _names(view) == found
    if found:
        chosen = view.chosen()
        assert chosen is not None and chosen.details.name == found[0]
        assert view.count.text() == f"{len(found)} of 3"
    else:
        assert view.no_match.isVisible()
        assert not view.edit_button.isEnabled()


def test_edit_a_professional_and_enter_opens_the_first_match(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _directory(existing_vault)
    window = make_window(existing_vault)
    view = _open_directory(qtbot, window)
    seen: list[str] = []

    def move(dialog: QDialog) -> None:
        assert isinstance(dialog, ProfessionalDialog)
        seen.append(dialog.name.text())
        dialog.organisation.setText("Penryn Health Centre")
        dialog.save_button.click()

    qtbot.keyClicks(view.filter, "okafor")
    answer_next_dialog(move)
    qtbot.keyClick(view.filter, Qt.Key.Key_Return)
    assert seen == ["Dr Ben Okafor"]
    assert _cell(view, "Dr Ben Okafor", ORGANISATION) == "Penryn Health Centre"
    assert window.open_vault is not None
    stored = professionals.get_professional(window.open_vault.vault, ids["okafor"])
    assert stored.details.organisation == "Penryn Health Centre"
    assert stored.details.address == OKAFOR.address  # untouched fields are kept


def test_removal_is_refused_while_a_referral_names_them_and_allowed_otherwise(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
) -> None:
    ids = _directory(existing_vault, referred=True)
    window = make_window(existing_vault)
    view = _open_directory(qtbot, window)
    assert _cell(view, "Dr Priya Shah", CLIENTS_REFERRED) == "2"
    assert _cell(view, "Tomas Lind", CLIENTS_REFERRED) == "0"

    qtbot.keyClicks(view.filter, "shah")
    view.remove_button.click()
    assert dialogs.warnings() == [
        "Not removed: Dr Priya Shah is still named in 2 referrals, so they stay in the "
        "directory: those records must keep saying who was involved. "
        "You can still edit their details."
    ]
    assert ("confirm", "Remove Dr Priya Shah?") not in dialogs.asked
    view.filter.clear()
    assert "Dr Priya Shah" in _names(view)

    dialogs.confirm_answer = False
    view.show_professional(ids["lind"])
    view.remove_button.click()
    assert "Tomas Lind" in _names(view)  # Cancel keeps them

    dialogs.confirm_answer = True
    view.remove_button.click()
    assert ("confirm", "Remove Tomas Lind?") in dialogs.asked
    assert _names(view) == ["Dr Ben Okafor", "Dr Priya Shah"]
    assert window.open_vault is not None
    remaining = professionals.list_professionals(window.open_vault.vault)
    assert ids["lind"] not in [p.id for p in remaining]


def test_a_refused_removal_lists_each_problem_on_its_own_line(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = _directory(existing_vault)
    window = make_window(existing_vault)
    view = _open_directory(qtbot, window)

    def refused(_vault: object, _professional_id: str) -> None:
        raise InvalidInput("Not removed", ["The first reason.", "The second reason."])

    monkeypatch.setattr(professionals, "remove_professional", refused)
    view.show_professional(ids["lind"])
    view.remove_button.click()
    assert dialogs.warnings() == ["Not removed: The first reason.\nThe second reason."]
    assert "Tomas Lind" in _names(view)


def test_privacy_mode_leaves_professionals_named_in_full(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    _directory(existing_vault)
    window = make_window(existing_vault)
    view = _open_directory(qtbot, window)
    window.workspace.settings.privacy.setChecked(True)
    window.workspace.go_to(DIRECTORY)
    assert _names(view) == ["Dr Ben Okafor", "Dr Priya Shah", "Tomas Lind"]


def test_nothing_of_the_directory_is_left_after_lock(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    _directory(existing_vault)
    window = make_window(existing_vault)
    view = _open_directory(qtbot, window)
    picker = ProfessionalPicker("Refer to", window.open_vault)
    qtbot.addWidget(picker)
    qtbot.keyClicks(view.filter, "falmouth")
    qtbot.keyClicks(picker.filter, "shah")
    assert "Dr Priya Shah" in view.details.text()
    window.lock()
    picker.clear()  # what the owner of a picker does on lock
    assert view.model.rowCount() == 0 and view.proxy.rowCount() == 0
    assert view.filter.text() == "" and view.count.text() == ""
    assert view.details.text() == ""
    assert not view.new_button.isEnabled()
    for label in view.findChildren(QLabel):
        assert "Shah" not in label.text()
    assert picker.model.rowCount() == 0 and picker.selected_id() is None
    assert picker.filter.text() == ""
    view.add()  # no vault: nothing opens, nothing fails
    view.refresh()
    assert view.model.rowCount() == 0

    unlock(qtbot, window)  # and it comes back when the place is shown again
    window.workspace.go_to(DIRECTORY)
    assert len(_names(view)) == 3


def test_tab_order_follows_reading_order(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    _directory(existing_vault)
    window = make_window(existing_vault)
    view = _open_directory(qtbot, window)
    chain = tab_chain(view.new_button, 5)
    assert [widget.accessibleName() for widget in chain] == [
        "New professional",
        "Filter the directory",
        "Directory of professionals",
        "Edit the chosen professional",
        "Remove the chosen professional",
    ]

    dialog = ProfessionalDialog(lambda details: Professional("x", details), parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    names = [widget.accessibleName() for widget in tab_chain(dialog.name, 9)]
    assert names == [
        "Professional's name",
        "Role",
        "Organisation",
        "Address",
        "Phone",
        "Email",
        "Notes about the professional",
        "Save the professional",
        "Cancel",
    ]
    unnamed = [
        type(widget).__name__
        for widget in dialog.findChildren(QWidget)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and widget.isVisible()
        and not widget.accessibleName()
        and type(widget.parentWidget()).__name__ != "QComboBox"
    ]
    assert unnamed == []
    assert dialog.sizeHint().height() < 700 and dialog.sizeHint().width() < 1300
    dialog.reject()


def test_the_picker_chooses_filters_and_adds_on_the_spot(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _directory(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    picker = ProfessionalPicker("Refer to", window.open_vault)
    qtbot.addWidget(picker)
    picker.show()
    changes: list[str | None] = []
    picker.changed.connect(changes.append)
    assert picker.selected_id() is None  # nobody is chosen for the therapist

    picker.filter.setText("trauma")
    assert picker.selected_id() == ids["lind"]  # the first match
    picker.set_selected(ids["okafor"])
    assert picker.selected_id() == ids["okafor"]
    okafor = picker.selected()
    assert okafor is not None and okafor.details == OKAFOR
    assert picker.filter.text() == ""
    picker.set_selected(None)
    assert picker.selected_id() is None

    picker.filter.setText("Dr Mara Quist")
    assert picker.selected_id() is None and picker.empty.isVisible()
    prefilled: list[str] = []

    def add(dialog: QDialog) -> None:
        assert isinstance(dialog, ProfessionalDialog)
        prefilled.append(dialog.name.text())
        dialog.organisation.setText("Truro Eating Disorder Service")
        dialog.save_button.click()

    answer_next_dialog(add)
    picker.new_button.click()
    assert prefilled == ["Dr Mara Quist"]
    added = picker.selected()
    assert added is not None and added.details.organisation == "Truro Eating Disorder Service"
    assert changes == [ids["lind"], ids["okafor"], None, added.id]
    assert window.open_vault is not None
    listed = professionals.list_professionals(window.open_vault.vault)
    assert added.id in [p.id for p in listed]


def test_enter_in_the_pickers_filter_does_not_press_the_dialogs_save(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    _directory(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    holder = QDialog(window)
    picker = ProfessionalPicker("Refer to", window.open_vault)
    QVBoxLayout(holder).addWidget(picker)
    holder.show()
    qtbot.keyClicks(picker.filter, "okafor")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert holder.isVisible()
    assert holder.focusWidget() is picker.list
    holder.reject()


def test_the_directory_models_pass_qts_model_checks(qtmodeltester: ModelTester) -> None:
    model = ProfessionalTableModel()
    people = [Professional(f"id-{n}", details) for n, details in enumerate((SHAH, OKAFOR, LIND))]
    model.set_directory(people, {"id-0": 2})
    qtmodeltester.check(model)
    assert model.index(0, CLIENTS_REFERRED).data() == "2"
    proxy = ProfessionalFilter(model)
    proxy.set_text("surgery")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 1
