"""The demo practice reads true to a clinician: it is what a therapist trying the program sees."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSPHRASE
from tests.system.helpers import JsonObject, cli_env, run_cli
from therapist_desk.errors import ExitStatus
from therapist_desk.records.calendar import overlapping_sessions
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault.paths import VaultPaths

_PHRASES = json.loads(
    (resources.files("therapist_desk.resources") / "demo" / "phrases.json").read_text("utf-8")
)


class Demo:
    def __init__(self, data_dir: Path, document: JsonObject, env: dict[str, str]) -> None:
        self.data_dir = data_dir
        self.document = document
        self.env = env


@pytest.fixture(scope="module", params=["5", "11"])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp(f"demo-content-{request.param}")
    env = cli_env(root / "home")
    data_dir = root / "vault"
    made = run_cli(
        "demo", "--clients", "60", "--seed", request.param, "--data-dir", data_dir,
        "--passphrase-stdin", env=env,
    )  # fmt: skip
    assert made.returncode == ExitStatus.OK, made.stderr
    exported = run_cli("export", "--data-dir", data_dir, "--passphrase-stdin", env=env)
    assert exported.returncode == ExitStatus.OK, exported.stderr
    return Demo(data_dir, json.loads(exported.stdout), env)


def _sessions(document: JsonObject) -> dict[str, Any]:
    """Every session of the practice once (a joint session shows in each attendee's record)."""
    return {s["id"]: s for client in document["clients"] for s in client["sessions"]}


def _notes(client: JsonObject) -> Iterator[tuple[datetime, JsonObject]]:
    for session in client["sessions"]:
        if session.get("note"):
            yield datetime.fromisoformat(session["starts_at"]), session["note"]


def test_a_solo_therapist_is_never_double_booked(demo: Demo) -> None:
    sessions = sorted(_sessions(demo.document).values(), key=lambda s: s["starts_at"])
    assert len(sessions) > 500

    for earlier, later in itertools.pairwise(sessions):
        ends = datetime.fromisoformat(earlier["starts_at"]) + timedelta(
            minutes=earlier["duration_minutes"]
        )
        assert datetime.fromisoformat(later["starts_at"]) >= ends, (earlier, later)


def test_the_calendar_warns_of_no_clash_in_the_demo_week(demo: Demo) -> None:
    # The window's own rule (what the calendar warns of before booking), on this week and next.
    with unlock_vault(VaultPaths(demo.data_dir), Secret(passphrase=PASSPHRASE)) as vault:
        today = vault.now().astimezone().date()
        monday = today - timedelta(days=today.weekday())
        near = [
            s
            for s in _sessions(demo.document).values()
            if monday
            <= datetime.fromisoformat(s["starts_at"]).astimezone().date()
            < monday + timedelta(weeks=2)
        ]
        assert len(near) > 20
        for session in near:
            starts = datetime.fromisoformat(session["starts_at"])
            clashes = overlapping_sessions(
                vault, starts, session["duration_minutes"], ignoring=session["id"]
            )
            assert clashes == [], (session["starts_at"], [c.starts_at for c in clashes])


def _version_on(plans: list[JsonObject], moment: datetime) -> JsonObject | None:
    """The plan version in effect at `moment` (the latest one made by then)."""
    current = None
    for plan in sorted(plans, key=lambda p: p["version"]):
        if datetime.fromisoformat(plan["created_at"]) <= moment:
            current = plan
    return current


def _objectives(plan: JsonObject) -> dict[str, JsonObject]:
    return {o["key"]: o for goal in plan["goals"] for o in goal["objectives"]}


def test_objectives_are_worked_on_only_while_they_are_active(demo: Demo) -> None:
    links = 0
    for client in demo.document["clients"]:
        plans = client["treatment_plans"]
        worked: dict[str, list[datetime]] = {}
        for when, note in _notes(client):
            day = when.astimezone().date()
            for key in note["objectives"]:
                links += 1
                worked.setdefault(key, []).append(when)
                plan = _version_on(plans, when)
                assert plan is not None, "a note names an objective before the plan began"
                objective = _objectives(plan)[key]
                assert date.fromisoformat(plan["start_date"]) <= day
                assert objective["status"] not in ("not_started", "revised", "dropped"), (
                    objective,
                    day,
                )
                if objective["status"] == "met":
                    assert day <= date.fromisoformat(objective["target_date"]), (objective, day)
        if not plans:
            continue
        latest = max(plans, key=lambda p: p["version"])
        last_note = max((when for when, note in _notes(client) if note["objectives"]), default=None)
        for key, objective in _objectives(latest).items():
            if objective["status"] == "not_started":
                assert key not in worked or all(
                    _version_on(plans, when) is not latest for when in worked[key]
                ), objective
            if objective["status"] == "in_progress":
                assert key in worked, objective
                assert last_note is not None
                assert last_note - max(worked[key]) <= timedelta(weeks=4), objective
    assert links > 100


def test_a_not_started_objective_has_no_sessions(demo: Demo) -> None:
    for client in demo.document["clients"]:
        if not client["treatment_plans"]:
            continue
        latest = max(client["treatment_plans"], key=lambda p: p["version"])
        worked = {key for _day, note in _notes(client) for key in note["objectives"]}
        started_before = {
            key
            for plan in client["treatment_plans"]
            if plan is not latest
            for key, o in _objectives(plan).items()
            if o["status"] != "not_started"
        }
        for key, objective in _objectives(latest).items():
            if objective["status"] == "not_started" and key not in started_before:
                assert key not in worked, objective


def test_interventions_fit_the_plans_approach(demo: Demo) -> None:
    by_approach = _PHRASES["clinical_record"]["approach_techniques"]
    checked = 0
    for client in demo.document["clients"]:
        for plan in client["treatment_plans"]:
            fitting = {t for approach in plan["approaches"] for t in by_approach[approach]}
            for objective in _objectives(plan).values():
                assert set(objective["interventions"]) <= fitting, (plan["approaches"], objective)
                checked += bool(objective["interventions"])
            if plan["approaches"] == ["Exposure and response prevention"]:
                assert all(
                    "Miracle question" not in o["interventions"] for o in _objectives(plan).values()
                )
    assert checked


_PASSIVE_WORDING = (
    "no thoughts of acting",
    "wishes they could go to sleep",
    "better off without",
    "denies",
)


def test_risk_details_match_the_level_of_risk(demo: Demo) -> None:
    assessments = [a for client in demo.document["clients"] for a in client["risk_assessments"]]
    assert {a["level"] for a in assessments} >= {"moderate", "high"}
    for assessment in assessments:
        ideation = assessment["ideation_details"].lower()
        if assessment["ideation"] == "active":
            assert assessment["level"] in ("high", "imminent"), assessment
            assert not any(words in ideation for words in _PASSIVE_WORDING), assessment
            assert assessment["has_plan"] and assessment["plan_details"]
            if assessment["has_intent"]:
                assert assessment["intent_details"]
            assert assessment["means_details"] if assessment["access_to_means"] else True
        else:
            assert not assessment["has_plan"] and not assessment["plan_details"], assessment
            assert not assessment["has_intent"] and not assessment["intent_details"]
            assert not assessment["means_details"]
        if assessment["ideation"] == "passive":
            assert assessment["level"] == "moderate", assessment
            assert "same-day" not in assessment["actions"].lower()
        if assessment["ideation"] == "none":
            assert assessment["level"] == "low", assessment
            assert "wishes" not in ideation and "better off without" not in ideation


def test_preferred_names_are_never_truncated(demo: Demo) -> None:
    short_forms = _PHRASES["short_names"]
    for client in demo.document["clients"]:
        first = client["legal_name"].split()[0]
        preferred = client["preferred_name"]
        truncated = first.startswith(preferred) and preferred != first and len(preferred) < 4
        assert not truncated, (first, preferred)
        assert preferred in (first, short_forms.get(first)), (first, preferred)


def test_measure_notes_fit_the_measure(demo: Demo) -> None:
    noted = 0
    for client in demo.document["clients"]:
        for measure in client["measures"]:
            notes = measure["notes"].lower()
            noted += bool(notes)
            if "item 9" in notes:
                assert measure["kind"] == "phq9", measure
                assert measure["items"][8] > 0, measure
    assert noted
