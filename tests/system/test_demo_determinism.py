"""The same seed gives the same demo practice, ids and times included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.system.helpers import JsonObject, cli_env, run_cli, without_export_time
from therapist_desk.errors import ExitStatus


def _demo_export(data_dir: Path, seed: str, env: dict[str, str] | None = None) -> JsonObject:
    made = run_cli(
        "demo",
        "--clients",
        "5",
        "--seed",
        seed,
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
        env=env,
    )
    assert made.returncode == ExitStatus.OK, made.stderr
    assert "The demo practice holds" in made.stdout
    exported = run_cli(
        "export",
        "--include-psychotherapy-notes",
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
        env=env,
    )
    assert exported.returncode == ExitStatus.OK, exported.stderr
    document: JsonObject = json.loads(exported.stdout)
    return without_export_time(document)


@pytest.fixture(scope="module")
def seed_3(tmp_path_factory: pytest.TempPathFactory) -> JsonObject:
    root = tmp_path_factory.mktemp("demo-seed-3")
    return _demo_export(root / "vault", "3", cli_env(root / "home"))


def test_same_seed_gives_the_same_practice(tmp_path: Path, seed_3: JsonObject) -> None:
    again = _demo_export(tmp_path / "again", "3")

    assert len(seed_3["clients"]) == 5
    assert any(client["sessions"] for client in seed_3["clients"])
    assert again == seed_3


def test_another_seed_gives_another_practice(tmp_path: Path, seed_3: JsonObject) -> None:
    other = _demo_export(tmp_path / "other", "4")

    assert {c["id"] for c in other["clients"]}.isdisjoint({c["id"] for c in seed_3["clients"]})
    assert [c["legal_name"] for c in other["clients"]] != [
        c["legal_name"] for c in seed_3["clients"]
    ]
