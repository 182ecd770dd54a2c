"""Each failure a user can meet has its own exit status and one clear line on stderr."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from tests.system.helpers import (
    HOLD_VAULT,
    PASSPHRASE,
    ChildProcess,
    assert_one_clear_line,
    make_vault,
    run_cli,
    sha256_of,
)
from therapist_desk.errors import ExitStatus


def _verify(data_dir: Path, passphrase: str = PASSPHRASE) -> subprocess.CompletedProcess[str]:
    return run_cli("verify", "--data-dir", data_dir, "--passphrase-stdin", stdin=passphrase + "\n")


def test_wrong_passphrase_exits_3_and_leaves_the_file_unchanged(tmp_path: Path) -> None:
    paths = make_vault(tmp_path / "vault")
    before = sha256_of(paths.database)

    result = _verify(paths.data_dir, "not the right passphrase at all")

    line = assert_one_clear_line(result, ExitStatus.WRONG_PASSPHRASE)
    assert "Wrong passphrase" in line
    assert sha256_of(paths.database) == before
    assert _verify(paths.data_dir).returncode == ExitStatus.OK


def test_damaged_header_exits_4_and_leaves_the_file_unchanged(tmp_path: Path) -> None:
    paths = make_vault(tmp_path / "vault")
    connection = sqlite3.connect(paths.database)
    try:
        (raw,) = connection.execute("SELECT document FROM vault_header WHERE id = 1").fetchone()
        header = json.loads(raw)
        header["slots"]["passphrase"]["iterations"] += 1  # valid JSON, altered content
        with connection:
            connection.execute(
                "UPDATE vault_header SET document = ? WHERE id = 1", (json.dumps(header).encode(),)
            )
    finally:
        connection.close()
    before = sha256_of(paths.database)

    result = _verify(paths.data_dir)

    line = assert_one_clear_line(result, ExitStatus.VAULT_DAMAGED)
    assert "damaged" in line
    assert "header" in line
    assert "Wrong passphrase" not in line
    assert sha256_of(paths.database) == before


def test_truncated_vault_file_exits_4_and_is_left_as_it_was(tmp_path: Path) -> None:
    paths = make_vault(tmp_path / "vault")
    data = paths.database.read_bytes()
    paths.database.write_bytes(data[: len(data) // 2])
    before = sha256_of(paths.database)

    result = _verify(paths.data_dir)

    assert result.returncode == ExitStatus.VAULT_DAMAGED, result.stderr
    assert "Traceback" not in result.stderr
    assert "damaged" in result.stderr or "problem" in result.stderr
    assert sha256_of(paths.database) == before


def test_vault_file_cut_to_a_few_bytes_exits_4(tmp_path: Path) -> None:
    paths = make_vault(tmp_path / "vault")
    paths.database.write_bytes(paths.database.read_bytes()[:100])
    before = sha256_of(paths.database)

    line = assert_one_clear_line(_verify(paths.data_dir), ExitStatus.VAULT_DAMAGED)

    assert "damaged" in line
    assert sha256_of(paths.database) == before


def test_missing_vault_exits_7_and_creates_no_folder(tmp_path: Path) -> None:
    data_dir = tmp_path / "nowhere"

    line = assert_one_clear_line(_verify(data_dir), ExitStatus.NO_VAULT)

    assert "no vault" in line.lower()
    assert "init" in line
    assert not data_dir.exists()


def test_vault_held_by_another_process_exits_5_until_it_is_released(tmp_path: Path) -> None:
    paths = make_vault(tmp_path / "vault")
    with ChildProcess(HOLD_VAULT, paths.data_dir) as holder:
        holder.send(PASSPHRASE)
        assert holder.read_line() == "holding"

        refused = _verify(paths.data_dir)

        line = assert_one_clear_line(refused, ExitStatus.VAULT_IN_USE)
        assert "already open" in line
        assert str(holder.pid) in line

        holder.send("release")
        assert holder.read_line() == "closed"
        assert holder.close() == 0

    after = _verify(paths.data_dir)
    assert after.returncode == ExitStatus.OK, after.stderr
    assert after.stdout.strip() == "ok"


def test_invalid_import_exits_2_with_the_problem_named(tmp_path: Path) -> None:
    paths = make_vault(tmp_path / "vault")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "therapist-desk/1"}', encoding="utf-8")

    result = run_cli("import", bad, "--data-dir", paths.data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.INVALID_INPUT, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("therapist-desk: The import file has 1 problem")
    assert lines[1:] == ["  - $: ‘clients’ is missing and must be given"]


def test_import_of_a_missing_file_exits_2(tmp_path: Path) -> None:
    paths = make_vault(tmp_path / "vault")

    result = run_cli(
        "import", tmp_path / "absent.json", "--data-dir", paths.data_dir, "--passphrase-stdin"
    )

    line = assert_one_clear_line(result, ExitStatus.INVALID_INPUT)
    assert "absent.json" in line
