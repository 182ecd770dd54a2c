"""Outcome measures through the window: a PHQ-9 entered item by item, a GAD-7, a 0–10 scale
and a SUDS rating; the list, the charts on Measures and on the overview, and the item-9 alert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, tab_chain, unlock
from tests.ui.test_accessibility import _unnamed_focusable
from therapist_desk.clinical import measures
from therapist_desk.domain.records import ClientDetails, MeasureDetails
from therapist_desk.domain.vocabulary import MeasureKind
from therapist_desk.records import clients
from therapist_desk.ui.common import theme
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.client_record import ClientRecord
from therapist_desk.ui.record.clinical.measure_dialogs import QuestionnaireDialog, RatingDialog
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]


def _client(paths: VaultPaths, *recorded: MeasureDetails) -> str:
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        client = clients.create_client(vault, ClientDetails(legal_name="Amira Haddad"))
        for details in recorded:
            measures.add_measure(vault, client.id, details)
        return client.id


def _open(
    qtbot: QtBot, make_window: WindowMaker, paths: VaultPaths, client_id: str
) -> ClientRecord:
    window = make_window(paths)
    unlock(qtbot, window)
    window.workspace.show_client(client_id)
    return window.workspace.clients.record


def _today(record: ClientRecord) -> date:
    vault = record._vault
    assert vault is not None
    return vault.today()


def _fill_dialog(kind: type[QDialog], act: Callable[[Any], None], seen: dict[str, Any]) -> None:
    """Answer the next dialog with `act`; what it raises is kept in `seen`, and the dialog
    is always closed, so a failing check cannot leave the test waiting on it."""

    def fill(dialog: QDialog) -> None:
        try:
            assert isinstance(dialog, kind), type(dialog).__name__
            act(dialog)
        except Exception as error:  # noqa: BLE001 - re-raised by the test after exec returns
            seen["error"] = error
        finally:
            if dialog.isVisible():
                dialog.reject()

    answer_next_dialog(fill)


def _raise_from(seen: dict[str, Any]) -> None:
    if "error" in seen:
        raise seen["error"]


def test_a_phq9_entered_item_by_item_from_the_keyboard_is_totalled_banded_and_charted(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    earlier = MeasureDetails(MeasureKind.PHQ9, date.today() - timedelta(days=28), (2,) * 8 + (0,))
    client_id = _client(existing_vault, earlier)
    record = _open(qtbot, make_window, existing_vault, client_id)
    overview_chart = record.overview.charts.chart_titled("PHQ-9")
    assert overview_chart.values() == [(earlier.taken_on, 16)]
    assert not record.risk_banner.isVisible()
    record.show_tab(client_record.MEASURES)
    tab = record.measures
    assert tab.charts.chart_titled("PHQ-9").values() == [(earlier.taken_on, 16)]
    seen: dict[str, Any] = {}

    def enter(dialog: QuestionnaireDialog) -> None:
        # The wording on screen is the published wording, item by item.
        assert dialog.radio(8, 1).accessibleDescription() == (
            "Thoughts that you would be better off dead or of hurting yourself in some way"
        )
        assert dialog.focusWidget() is dialog.radio(0, 0)  # item 1 is ready for the keyboard
        answers = ["1", "2", "1", "0", "1", "1", "0", "0"]
        for number, key in enumerate(answers):
            qtbot.keyClick(dialog.focusWidget(), key)
            if number == 2:
                seen["partial"] = dialog.total.text()
        seen["before item 9"] = (dialog.total.text(), dialog.alert.isVisible())
        qtbot.keyClick(dialog.focusWidget(), "1")  # item 9: "Several days"
        seen["total"] = dialog.total.text()
        seen["alert"] = dialog.alert.text() if dialog.alert.isVisible() else ""
        # A change of mind with the arrow keys: item 1 from "Several days" to "Nearly every day".
        dialog.radio(0, 1).setFocus()
        qtbot.keyClick(dialog.radio(0, 1), Qt.Key.Key_Right)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Right)
        seen["changed"] = dialog.total.text()
        # Tabbing into an item lands on its answer (item 2: "More than half the days").
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        dialog.radio(0, 3).setFocus()
        qtbot.keyClick(dialog.radio(0, 3), Qt.Key.Key_Tab)
        seen["tabbed to"] = dialog.focusWidget()
        seen["item 2, answer 2"] = dialog.radio(1, 2)
        dialog.save_button.click()
        seen["result"] = dialog.result()

    _fill_dialog(QuestionnaireDialog, enter, seen)
    tab.new_phq9.click()
    _raise_from(seen)
    assert seen["partial"] == "3 of 9 items answered · total so far 4 of 27"
    assert seen["before item 9"] == ("8 of 9 items answered · total so far 6 of 27", False)
    assert seen["total"] == "Total 7 of 27 · Mild (PHQ-9 5–9)"
    assert seen["alert"] == (
        "Item 9 (thoughts of self-harm) answered ‘Several days’ — assess risk."
    )
    assert seen["changed"] == "Total 9 of 27 · Mild (PHQ-9 5–9)"
    assert seen["tabbed to"] is seen["item 2, answer 2"]
    assert seen["result"] == QDialog.DialogCode.Accepted

    today = _today(record)
    newest = tab.model.record_at(tab.table.currentIndex().row())
    assert newest.details.items == (3, 2, 1, 0, 1, 1, 0, 0, 1)
    row = [tab.model.index(tab.table.currentIndex().row(), c).data() for c in range(5)]
    assert row[1:] == ["PHQ-9", "9 of 27", "Mild", "Several days"]
    assert tab.charts.chart_titled("PHQ-9").values() == [(earlier.taken_on, 16), (today, 9)]
    record.show_tab(client_record.OVERVIEW)
    assert record.overview.charts.chart_titled("PHQ-9").values() == [
        (earlier.taken_on, 16),
        (today, 9),
    ]
    assert record.risk_banner.isVisible()
    assert "item 9 (thoughts of self-harm) answered ‘Several days’ — assess risk" in (
        record.risk_banner.text()
    )


def test_a_gad7_clicked_through_shows_its_band_and_the_bands_behind_its_chart(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    record = _open(qtbot, make_window, existing_vault, _client(existing_vault))
    record.show_tab(client_record.MEASURES)
    tab = record.measures
    assert tab.empty.isVisible() and not tab.charts.visible_charts()
    seen: dict[str, Any] = {}

    def enter(dialog: QuestionnaireDialog) -> None:
        dialog.save_button.click()  # nothing answered yet
        seen["refused"] = dialog.problems.text()
        for item, answer in enumerate((3, 2, 2, 2, 2, 2, 2)):
            dialog.radio(item, answer).click()
        seen["total"] = dialog.total.text()
        seen["alert shown"] = dialog.alert.isVisible()
        dialog.save_button.click()

    _fill_dialog(QuestionnaireDialog, enter, seen)
    tab.new_gad7.click()
    _raise_from(seen)
    assert seen["refused"] == "Items 1, 2, 3, 4, 5, 6 and 7 are not answered yet."
    assert seen["total"] == "Total 15 of 21 · Severe (GAD-7 15–21)"
    assert seen["alert shown"] is False
    chart = tab.charts.chart_titled("GAD-7")
    assert chart.values() == [(_today(record), 15)]
    assert chart.band_labels() == ["Minimal", "Mild", "Moderate", "Severe"]
    assert chart.axis_y.min() == 0 and chart.axis_y.max() == 21
    assert "latest 15 severe" in chart.chart_.title()
    assert not tab.empty.isVisible()


def test_a_scale_and_a_suds_rating_each_get_their_own_chart_and_names_come_back(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    earlier = date.today() - timedelta(days=7)
    client_id = _client(
        existing_vault,
        MeasureDetails(MeasureKind.SCALE, earlier, (3,), label="Miracle question scaling"),
    )
    record = _open(qtbot, make_window, existing_vault, client_id)
    record.show_tab(client_record.MEASURES)
    tab = record.measures
    seen: dict[str, Any] = {}

    def scale(dialog: RatingDialog) -> None:
        offered = [dialog.name.itemText(i) for i in range(dialog.name.count())]
        seen["offered"] = offered
        dialog.name.setCurrentIndex(0)  # the name used before
        dialog.value.setValue(6)
        seen["slider"] = dialog.slider.value()
        dialog.save_button.click()

    _fill_dialog(RatingDialog, scale, seen)
    tab.new_scale.click()
    _raise_from(seen)
    assert seen["offered"][0] == "Miracle question scaling"
    assert seen["offered"].count("Miracle question scaling") == 1
    assert seen["slider"] == 6
    today = _today(record)
    assert tab.charts.chart_titled("Miracle question scaling").values() == [
        (earlier, 3),
        (today, 6),
    ]
    record.show_tab(client_record.OVERVIEW)
    assert record.overview.charts.chart_titled("Miracle question scaling").values() == [
        (earlier, 3),
        (today, 6),
    ]
    record.show_tab(client_record.MEASURES)

    def suds(dialog: RatingDialog) -> None:
        dialog.value.setValue(101)  # clamped to the scale
        seen["clamped"] = dialog.value.value()
        dialog.name.setEditText("  Riding the bus   two stops ")
        dialog.slider.setValue(70)
        dialog.save_button.click()

    _fill_dialog(RatingDialog, suds, seen)
    tab.new_suds.click()
    _raise_from(seen)
    assert seen["clamped"] == 100
    chart = tab.charts.chart_titled("SUDS: Riding the bus two stops")
    assert chart.values() == [(today, 70)]
    assert chart.axis_y.max() == 100 and chart.band_labels() == []
    record.show_tab(client_record.OVERVIEW)
    titles = [c.series.title for c in record.overview.charts.visible_charts() if c.series]
    assert titles == ["Miracle question scaling", "SUDS: Riding the bus two stops"]
    assert record.overview.charts.chart_titled("SUDS: Riding the bus two stops").values() == [
        (today, 70)
    ]


def test_the_overview_charts_every_measure_across_the_width_with_band_names_in_full(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    taken = date.today() - timedelta(days=3)
    client_id = _client(
        existing_vault,
        MeasureDetails(MeasureKind.PHQ9, taken, (2,) * 8 + (0,)),
        MeasureDetails(MeasureKind.GAD7, taken, (1,) * 7),
        MeasureDetails(MeasureKind.SCALE, taken, (4,), label="Miracle question scaling"),
        MeasureDetails(MeasureKind.SUDS, taken, (80,), label="Riding the bus"),
        MeasureDetails(MeasureKind.SUDS, taken, (40,), label="Standing at the bus stop"),
    )
    record = _open(qtbot, make_window, existing_vault, client_id)
    record.show_tab(client_record.OVERVIEW)
    grid = record.overview.charts
    qtbot.waitUntil(lambda: grid.columns == 3)
    charts = grid.visible_charts()
    assert [c.series.title for c in charts if c.series] == [
        "PHQ-9",
        "GAD-7",
        "Miracle question scaling",
        "SUDS: Riding the bus",
        "SUDS: Standing at the bus stop",
    ]
    # Three to a row, filling the page's width, not squeezed into its left half.
    rows = sorted({chart.geometry().top() for chart in charts})
    assert len(rows) == 2
    first_row = [chart for chart in charts if chart.geometry().top() == rows[0]]
    assert len(first_row) == 3
    assert max(chart.geometry().right() for chart in first_row) >= grid.width() - 12
    assert grid.chart_titled("PHQ-9").band_labels() == [
        "Minimal",
        "Mild",
        "Moderate",
        "Moderately severe",
        "Severe",
    ]


def test_every_column_of_the_measures_list_fits_at_1366x768_and_item_9_is_marked(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    start = date.today() - timedelta(days=400)
    recorded = [
        MeasureDetails(MeasureKind.PHQ9, start + timedelta(days=14 * week), (3,) * 8 + (0,))
        for week in range(20)
    ]
    recorded.append(MeasureDetails(MeasureKind.PHQ9, date.today(), (3,) * 8 + (2,)))
    recorded.append(
        MeasureDetails(
            MeasureKind.SUDS, date.today(), (85,), label="Touching the door handle and not washing"
        )
    )
    client_id = _client(existing_vault, *recorded)
    record = _open(qtbot, make_window, existing_vault, client_id)
    record.show_tab(client_record.MEASURES)
    tab = record.measures
    table = tab.table
    qtbot.waitUntil(lambda: tab.model.rowCount() == len(recorded))
    header = table.horizontalHeader()
    assert table.window().width() == 1366
    assert not table.horizontalScrollBar().isVisible()
    assert header.length() <= table.viewport().width()
    for column in range(tab.model.columnCount()):
        assert header.sectionViewportPosition(column) >= 0
        assert header.sectionViewportPosition(column) + header.sectionSize(column) <= (
            table.viewport().width()
        )
    # Severity and item 9 are readable in full, not cut short.
    metrics = table.fontMetrics()
    assert header.sectionSize(3) >= metrics.horizontalAdvance("Moderately severe")

    alert_row = next(
        row
        for row in range(tab.model.rowCount())
        if tab.model.record_at(row).details.items[-1:] == (2,)
    )
    cell = tab.model.index(alert_row, 4)
    assert cell.data() == "More than half the days"
    assert cell.data(Qt.ItemDataRole.DecorationRole) is not None
    assert cell.data(Qt.ItemDataRole.ForegroundRole).color().name() == (
        theme.risk_colours()[0].lower()
    )
    assert "item 9" in cell.data(Qt.ItemDataRole.ToolTipRole)
    quiet = tab.model.index(alert_row + 1, 4)
    assert quiet.data() == ""
    assert quiet.data(Qt.ItemDataRole.DecorationRole) is None
    assert quiet.data(Qt.ItemDataRole.ForegroundRole) is None


def test_a_scale_without_a_name_is_refused_and_what_was_typed_stays(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    record = _open(qtbot, make_window, existing_vault, _client(existing_vault))
    record.show_tab(client_record.MEASURES)
    seen: dict[str, Any] = {}

    def unnamed(dialog: RatingDialog) -> None:
        dialog.value.setValue(4)
        dialog.save_button.click()
        seen["problems"] = dialog.problems.text()
        seen["still open"] = dialog.isVisible()
        seen["value"] = dialog.value.value()

    _fill_dialog(RatingDialog, unnamed, seen)
    record.measures.new_scale.click()
    _raise_from(seen)
    assert "scale's name" in seen["problems"]
    assert seen["still open"] is True and seen["value"] == 4
    assert record.measures.model.rowCount() == 0


def test_a_measure_is_corrected_and_removed_and_the_charts_follow(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
) -> None:
    taken = date.today() - timedelta(days=3)
    client_id = _client(
        existing_vault,
        MeasureDetails(MeasureKind.PHQ9, taken, (1,) * 8 + (2,)),
        MeasureDetails(MeasureKind.GAD7, taken, (1,) * 7),
    )
    record = _open(qtbot, make_window, existing_vault, client_id)
    assert "‘More than half the days’" in record.risk_banner.text()
    record.show_tab(client_record.MEASURES)
    tab = record.measures
    phq9_row = next(
        row
        for row in range(tab.model.rowCount())
        if tab.model.record_at(row).details.kind is MeasureKind.PHQ9
    )
    tab.table.selectRow(phq9_row)
    seen: dict[str, Any] = {}

    def correct(dialog: QuestionnaireDialog) -> None:
        seen["answers"] = dialog.item_answers()
        dialog.radio(8, 0).click()  # item 9 was entered wrongly
        seen["alert shown"] = dialog.alert.isVisible()
        dialog.save_button.click()

    _fill_dialog(QuestionnaireDialog, correct, seen)
    tab.edit_button.click()
    _raise_from(seen)
    assert seen["answers"] == [1, 1, 1, 1, 1, 1, 1, 1, 2]
    assert seen["alert shown"] is False
    assert tab.charts.chart_titled("PHQ-9").values() == [(taken, 8)]
    assert not record.risk_banner.isVisible()

    gad7_row = next(
        row
        for row in range(tab.model.rowCount())
        if tab.model.record_at(row).details.kind is MeasureKind.GAD7
    )
    tab.table.selectRow(gad7_row)
    tab.remove_button.click()
    assert ("confirm", "Remove this measure?") in dialogs.asked
    assert tab.model.rowCount() == 1
    assert [c.series.title for c in tab.charts.visible_charts() if c.series] == ["PHQ-9"]
    record.show_tab(client_record.OVERVIEW)
    assert [c.series.title for c in record.overview.charts.visible_charts() if c.series] == [
        "PHQ-9"
    ]


def test_every_control_of_the_measure_dialogs_is_named_and_they_fit_the_screen(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    record = _open(qtbot, make_window, existing_vault, _client(existing_vault))
    record.show_tab(client_record.MEASURES)
    found: dict[str, Any] = {}

    def look(dialog: QDialog) -> None:
        found[dialog.windowTitle()] = (_unnamed_focusable(dialog), dialog.size())

    for button in (
        record.measures.new_phq9,
        record.measures.new_gad7,
        record.measures.new_scale,
        record.measures.new_suds,
    ):
        _fill_dialog(QDialog, look, found)
        button.click()
        _raise_from(found)
    assert sorted(found) == [
        "New GAD-7",
        "New PHQ-9",
        "New SUDS rating",
        "New scale rating",
    ]
    for title, (unnamed, size) in found.items():
        assert unnamed == [], title
        assert size.width() <= 1366 and size.height() <= 700, title


def test_tab_order_on_measures_follows_reading_order(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    taken = date.today() - timedelta(days=1)
    client_id = _client(existing_vault, MeasureDetails(MeasureKind.GAD7, taken, (1,) * 7))
    record = _open(qtbot, make_window, existing_vault, client_id)
    record.show_tab(client_record.MEASURES)
    tab = record.measures
    expected: list[QWidget] = [tab.new_phq9, tab.new_gad7, tab.new_scale, tab.new_suds]
    expected += [tab.edit_button, tab.remove_button, tab.table]
    seen = tab_chain(tab.new_phq9, len(expected))
    assert [w.accessibleName() for w in seen] == [w.accessibleName() for w in expected]
