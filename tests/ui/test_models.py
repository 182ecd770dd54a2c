"""Every item model behind a list or table passes Qt's own model checks (qtmodeltester)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester

from therapist_desk.domain.records import Client, ClientDetails
from therapist_desk.domain.vocabulary import ClientStatus
from therapist_desk.search.index import HitKind, SearchHit, SearchIndex
from therapist_desk.ui.common.models import (
    AttendeeFilter,
    ClientFilter,
    ClientListModel,
    SearchResultsModel,
    attendee_checklist,
)
from therapist_desk.ui.common.pick_list import offer_terms, pick_list
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.navigation import NavigationModel
from therapist_desk.ui.record.objectives_worked_on import ObjectiveChoice, worked_on_list

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)


def _client(name: str, status: ClientStatus = ClientStatus.ACTIVE, preferred: str = "") -> Client:
    details = ClientDetails(
        legal_name=name, preferred_name=preferred, status=status, date_of_birth=date(1990, 5, 1)
    )
    return Client(f"id-{name}", details, NOW, NOW)


CLIENTS = [
    _client("Zoë Ångström"),
    _client("Marisol Quintana", preferred="Mari"),
    _client("Bartholomew Ng", ClientStatus.DISCHARGED),
    _client("Amaya Okafor", ClientStatus.WAITLIST),
]


def test_client_list_and_filter(qtmodeltester: ModelTester) -> None:
    model = ClientListModel(lambda: date(2026, 11, 27))
    qtmodeltester.check(model)
    model.set_rows(CLIENTS)
    qtmodeltester.check(model)
    proxy = ClientFilter(model)
    proxy.set_text("mar")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 1
    assert "Marisol Quintana" in proxy.data(proxy.index(0, 0))
    proxy.set_text("zoe")  # accents do not matter when filtering
    assert proxy.rowCount() == 1
    proxy.set_text("")
    proxy.set_status(ClientStatus.DISCHARGED)
    assert proxy.rowCount() == 1
    model.put(_client("Bartholomew Ng", ClientStatus.ACTIVE))
    assert proxy.rowCount() == 0
    qtmodeltester.check(proxy)


def test_privacy_mode_shows_initials_only(qtmodeltester: ModelTester) -> None:
    model = ClientListModel(lambda: date(2026, 11, 27))
    model.set_rows(CLIENTS)
    model.set_privacy(True)
    qtmodeltester.check(model)
    names = [model.data(model.index(row, 0)) for row in range(model.rowCount())]
    assert "M. Q." in names
    assert not any("Marisol" in name for name in names)


def test_record_table(qtmodeltester: ModelTester) -> None:
    model = TableModel[Client](
        [
            Column("Name", lambda c: c.details.legal_name),
            Column("Status", lambda c: c.details.status),
        ],
        lambda c: c.id,
    )
    model.set_rows(CLIENTS)
    qtmodeltester.check(model)
    model.put(_client("New Person"))
    assert model.rowCount() == 5
    assert model.row_of("id-New Person") == 4
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Status"


def test_checkable_pick_list(qtmodeltester: ModelTester, qapp: QApplication) -> None:
    pick = pick_list("Techniques used", "technique")
    changes: list[None] = []
    pick.changed.connect(lambda: changes.append(None))
    offer_terms(pick, ["Reflection", "Role play"], ["Role play", "An old custom term"])
    model = pick.model
    qtmodeltester.check(model)
    assert model.rowCount(QModelIndex()) == 3  # a chosen term no longer offered stays visible
    assert not changes  # filling the list is not a change
    model.setData(model.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert pick.ticked() == ("Reflection", "Role play", "An old custom term")
    assert len(changes) == 1
    model.add("Graded exposure")
    assert "Graded exposure" in pick.ticked()
    assert len(changes) == 2  # a new row is a change too
    qtmodeltester.check(model)


def test_the_objectives_worked_on(qtmodeltester: ModelTester, qapp: QApplication) -> None:
    worked_on = worked_on_list()
    assert worked_on.isHidden()  # no attendee has a plan yet
    qtmodeltester.check(worked_on.model)
    choices = [
        ObjectiveChoice("o1", "Amira Haddad: rides two bus stops", "Travel again"),
        ObjectiveChoice("o2", "Bram Okafor: says no once a week (from plan version 1)", ""),
    ]
    worked_on.model.set_items(choices, ["o2"])
    assert not worked_on.isHidden()
    qtmodeltester.check(worked_on.model)
    model = worked_on.model
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Goal: Travel again"
    assert model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) is None
    model.setData(model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert worked_on.ticked() == ("o1", "o2")  # in the list's order
    worked_on.clear()
    assert worked_on.isHidden()


def test_search_results_tree(qtmodeltester: ModelTester) -> None:
    index = SearchIndex()
    for client in CLIENTS:
        index.put_client(client)
    model = SearchResultsModel()
    qtmodeltester.check(model)
    model.set_results(index.search("a"))
    qtmodeltester.check(model)
    groups = model.rowCount(QModelIndex())
    assert groups == 1  # only clients matched
    group = model.index(0, 0)
    assert model.data(group).startswith("Clients (")
    hit = model.hit_at(model.index(0, 0, group))
    assert isinstance(hit, SearchHit) and hit.kind is HitKind.CLIENT


def test_navigation_and_attendees(qtmodeltester: ModelTester, qapp: QApplication) -> None:
    qtmodeltester.check(NavigationModel())
    attendees = attendee_checklist(CLIENTS)
    attendees.tick("id-Amaya Okafor")
    qtmodeltester.check(attendees)
    shown = AttendeeFilter(attendees)
    shown.set_text("bart")
    assert shown.rowCount(QModelIndex()) == 2  # the match, and the one already ticked
    qtmodeltester.check(shown)
    names = [shown.index(row, 0).data() for row in range(shown.rowCount())]
    bart = names.index("Bartholomew Ng")
    shown.setData(shown.index(bart, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert attendees.ticked() == ("id-Amaya Okafor", "id-Bartholomew Ng")  # in tick order
    shown.set_text("zzz")
    assert shown.rowCount() == 2  # the ticked stay in sight
