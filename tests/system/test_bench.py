"""`therapist-desk bench` runs end to end on a tiny vault and reports every figure."""

from __future__ import annotations

import json
from pathlib import Path

from tests.system.helpers import run_cli
from therapist_desk.errors import ExitStatus


def test_bench_reports_encryption_and_backup_figures(tmp_path: Path) -> None:
    work_dir = tmp_path / "bench"
    work_dir.mkdir()
    result = run_cli(
        "bench", "--clients", "4", "--notes", "40", "--json", "--work-dir", work_dir, stdin=""
    )
    assert result.returncode == ExitStatus.OK, result.stderr
    figures = json.loads(result.stdout)
    assert figures["clients"] == 4
    assert figures["notes"] > 0
    # Timings of a vault this small may round to zero; rates, sizes and ratios may not.
    assert all(value > 0 for value in figures["write_rows_per_second"].values())
    assert all(value > 0 for value in figures["size_mb"].values())
    assert figures["read_all_notes_seconds"]["overhead"] > 0
    backup = figures["backup_seconds"]
    assert set(backup) == {"raw_copy", "backup", "verify", "backup_ratio", "verify_ratio"}
    assert backup["backup_ratio"] > 0 and backup["verify_ratio"] > 0
    assert list(work_dir.iterdir()) == []  # the scratch vaults are removed afterwards


def test_bench_refuses_a_work_folder_that_is_not_there(tmp_path: Path) -> None:
    result = run_cli("bench", "--work-dir", tmp_path / "missing", stdin="")
    assert result.returncode == ExitStatus.INVALID_INPUT
    assert "is not a folder" in result.stderr
    assert "Traceback" not in result.stderr
