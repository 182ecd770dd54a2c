"""Today: the week's sessions beside today's, and what in the caseload needs attention."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtWidgets import QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import unlock
from therapist_desk.clinical import measures, risk, significant_dates
from therapist_desk.clinical import treatment_plans as plans
from therapist_desk.demo.practice import DemoOptions, build_demo_practice
from therapist_desk.domain.records import (
    ClientDetails,
    MeasureDetails,
    ProfessionalDetails,
    ReferralDetails,
    RiskAssessmentDetails,
    SessionDetails,
    SignificantDateDetails,
    TreatmentPlanDetails,
)
from therapist_desk.domain.vocabulary import ClientStatus, MeasureKind, ReferralStatus, RiskLevel
from therapist_desk.records import clients, therapy_sessions
from therapist_desk.sharing import professionals, referrals
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import CLIENTS, TODAY
from therapist_desk.ui.places.today import AttentionLine, TodayView, _Section
from therapist_desk.ui.record import client_record
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]


def _caseload(paths: VaultPaths) -> dict[str, str]:
    """Five active clients, each with one thing needing attention, and a discharged one
    at imminent risk (who must not be listed)."""
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        today = vault.now().astimezone().date()

        def client(name: str, status: ClientStatus = ClientStatus.ACTIVE) -> str:
            discharged = today if status is ClientStatus.DISCHARGED else None
            details = ClientDetails(legal_name=name, status=status, discharge_date=discharged)
            return clients.create_client(vault, details).id

        ids = {
            "amira": client("Amira Haddad"),
            "bram": client("Bram Visser"),
            "carla": client("Carla Diaz"),
            "dana": client("Dana Okafor"),
            "evan": client("Evan Price", ClientStatus.DISCHARGED),
            "fern": client("Fern Lowe"),
        }
        plans.save_plan(
            vault,
            ids["amira"],
            TreatmentPlanDetails(
                start_date=today - timedelta(days=90), review_date=today - timedelta(days=3)
            ),
        )
        # Not yet due: stays off the list.
        plans.save_plan(
            vault, ids["fern"], TreatmentPlanDetails(review_date=today + timedelta(days=30))
        )
        significant_dates.add_significant_date(
            vault,
            ids["bram"],
            SignificantDateDetails(
                label="His brother's death",
                falls_on=(today + timedelta(days=5)).replace(year=today.year - 3),
                yearly=True,
                remind_days_before=14,
            ),
        )
        for key, level in (("carla", RiskLevel.HIGH), ("evan", RiskLevel.IMMINENT)):
            risk.add_risk_assessment(
                vault,
                ids[key],
                RiskAssessmentDetails(
                    assessed_on=today - timedelta(days=1),
                    level=level,
                    actions="Safety plan reviewed; GP informed.",
                ),
            )
        measures.add_measure(
            vault,
            ids["dana"],
            MeasureDetails(
                kind=MeasureKind.PHQ9, taken_on=today, items=(1, 1, 2, 1, 0, 1, 1, 0, 2)
            ),
        )
        later = datetime.combine(today + timedelta(days=3), time(11)).astimezone()
        ids["later"] = therapy_sessions.schedule_session(
            vault, later, 50, SessionDetails(), [ids["fern"]]
        ).id
        return ids


def _today(
    qtbot: QtBot, make_window: WindowMaker, paths: VaultPaths
) -> tuple[MainWindow, TodayView]:
    window = make_window(paths)
    unlock(qtbot, window)
    today = window.workspace.today
    qtbot.waitUntil(lambda: today.summary.text().startswith("0 sessions today"), timeout=5_000)
    return window, today


def _lines(section: _Section[AttentionLine]) -> list[AttentionLine]:
    return list(section.model.rows())


def test_today_lists_what_needs_attention_in_the_active_caseload(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _caseload(existing_vault)
    window, today = _today(qtbot, make_window, existing_vault)
    in_five_days = date.today() + timedelta(days=5)
    assert [(line.names, line.what) for line in _lines(today.risk)] == [
        ("Carla Diaz", "High risk"),
        ("Dana Okafor", "PHQ-9 item 9 (self-harm): more than half the days"),
    ]  # Evan, discharged, is not listed
    assert [(line.names, line.what) for line in _lines(today.reviews)] == [
        ("Amira Haddad", "Plan version 1: review overdue")
    ]
    assert [(line.names, line.what, line.when) for line in _lines(today.dates)] == [
        (
            "Bram Visser",
            "His brother's death (3rd anniversary)",
            f"{in_five_days:%a} {in_five_days.day} {in_five_days:%b %Y} (in 5 days)",
        )
    ]
    assert today.risk.title.text() == "Risk and self-harm alerts (2)"
    assert not today.all_calm.isVisible()
    assert "4 things needing attention" in today.summary.text()
    # The week ahead sits beside today's sessions.
    assert [line.session.id for line in today.upcoming.model.rows()] == [ids["later"]]
    assert today.today.empty.isVisible()

    # Each line opens the right tab of the right client.
    record = window.workspace.clients.record
    for section, row, client, tab in (
        (today.risk, 0, "carla", client_record.OVERVIEW),
        (today.risk, 1, "dana", client_record.MEASURES),
        (today.reviews, 0, "amira", client_record.PLAN),
        (today.dates, 0, "bram", client_record.OVERVIEW),
    ):
        window.workspace.go_to(TODAY)
        section.table.activated.emit(section.model.index(row, 0))
        assert window.workspace.place == CLIENTS
        assert record.client is not None and record.client.id == ids[client]
        assert record.current_tab == tab


def test_today_is_calm_when_nothing_needs_attention(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        clients.create_client(
            vault, ClientDetails(legal_name="Quiet Person", status=ClientStatus.ACTIVE)
        )
    _window, today = _today(qtbot, make_window, existing_vault)
    assert today.all_calm.isVisible()
    for section in (today.risk, today.reviews, today.dates):
        assert not section.isVisible()
    assert today.today.empty.isVisible() and today.today.empty.text() == "No sessions today."
    assert today.notes_due.empty.text() == "All notes are written and signed."
    assert "needing attention" not in today.summary.text()


def test_a_new_risk_assessment_shows_on_today_when_it_is_looked_at_again(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        client_id = clients.create_client(
            vault, ClientDetails(legal_name="Gale Winter", status=ClientStatus.ACTIVE)
        ).id
    window, today = _today(qtbot, make_window, existing_vault)
    assert today.all_calm.isVisible()
    assert window.open_vault is not None
    window.workspace.go_to(CLIENTS)
    window.open_vault.add_risk_assessment(
        client_id,
        RiskAssessmentDetails(
            assessed_on=window.open_vault.today(),
            level=RiskLevel.IMMINENT,
            actions="Crisis team called.",
        ),
    )
    with qtbot.waitSignal(today.refreshed, timeout=5_000):
        window.workspace.go_to(TODAY)
    assert [(line.names, line.what) for line in _lines(today.risk)] == [
        ("Gale Winter", "Imminent risk")
    ]
    assert not today.all_calm.isVisible()


def test_referral_follow_ups_due_are_listed_and_open_the_referrals_tab(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        today_date = vault.now().astimezone().date()
        client_id = clients.create_client(
            vault, ClientDetails(legal_name="Hana Sato", status=ClientStatus.ACTIVE)
        ).id
        gp = professionals.add_professional(vault, ProfessionalDetails(name="Dr Ola Berg"))
        sent = today_date - timedelta(days=30)
        for follow_up, status in (
            (today_date - timedelta(days=2), ReferralStatus.SENT),  # overdue: listed
            (today_date + timedelta(days=5), ReferralStatus.SENT),  # not yet due
            (today_date - timedelta(days=2), ReferralStatus.ACKNOWLEDGED),  # they replied
        ):
            referrals.create_referral(
                vault,
                client_id,
                gp.id,
                ReferralDetails(
                    reason="Medication review",
                    status=status,
                    referred_on=sent,
                    sent_on=sent,
                    follow_up_on=follow_up,
                ),
            )
    window, today = _today(qtbot, make_window, existing_vault)
    lines = _lines(today.follow_ups)
    assert [(line.names, line.what, line.when) for line in lines] == [
        (
            "Hana Sato",
            f"Referral to Dr Ola Berg: no reply since {sent:%a} {sent.day} {sent:%b %Y}",
            f"{today_date - timedelta(days=2):%a} {(today_date - timedelta(days=2)).day} "
            f"{today_date - timedelta(days=2):%b %Y}",
        )
    ]
    assert today.follow_ups.isVisible()
    assert today.follow_ups.title.text() == "Referral follow-ups due (1)"
    assert "1 referral follow-up due" in today.summary.text()
    assert not today.all_calm.isVisible()

    today.follow_ups.table.activated.emit(today.follow_ups.model.index(0, 0))
    record = window.workspace.clients.record
    assert window.workspace.place == CLIENTS
    assert record.client is not None and record.client.id == client_id
    assert record.current_tab == client_record.REFERRALS

    # Privacy mode: initials only, as on every other Today line.
    window.workspace.set_privacy(True)
    window.workspace.go_to(TODAY)
    qtbot.waitUntil(
        lambda: [line.names for line in _lines(today.follow_ups)] == ["H. S."], timeout=5_000
    )
    window.workspace.set_privacy(False)

    # A reply recorded: the line goes.
    window.workspace.go_to(CLIENTS)
    tab = record.referrals
    overdue_row = next(
        row
        for row in range(tab.referral_model.rowCount())
        if tab.referral_model.record_at(row).id == lines[0].id
    )
    tab.referral_table.selectRow(overdue_row)
    tab.acknowledged_button.click()
    window.workspace.go_to(TODAY)
    qtbot.waitUntil(lambda: _lines(today.follow_ups) == [], timeout=5_000)
    assert not today.follow_ups.isVisible()
    assert "follow-up" not in today.summary.text()


def test_every_section_heading_is_in_sight_on_a_laptop_screen(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    # A busy practice fills every section; at 1366×768 (make_window's size) none of their
    # headings is below the fold.
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        build_demo_practice(vault, DemoOptions(clients=60, years=3))
    window = make_window(existing_vault)
    unlock(qtbot, window)
    today = window.workspace.today
    qtbot.waitUntil(lambda: today.summary.text().endswith("due"), timeout=30_000)
    qtbot.waitUntil(lambda: today.dates.isVisible(), timeout=30_000)
    scroll = today.findChild(QScrollArea)
    assert scroll is not None
    viewport = scroll.viewport()
    sections: list[QWidget] = [
        today.today,
        today.upcoming,
        today.notes_due,
        today.risk,
        today.reviews,
        today.dates,
        today.follow_ups,
    ]
    shown = [section for section in sections if section.isVisible()]
    assert len(shown) >= 6
    for section in shown:
        assert isinstance(section, _Section)
        heading = section.title
        bottom = heading.mapTo(viewport, heading.rect().bottomLeft()).y()
        assert bottom <= viewport.height(), (heading.text(), bottom, viewport.height())
