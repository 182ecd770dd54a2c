"""`verify` says ok on a healthy vault and names the exact place of a damaged value."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.system.conftest import DemoVault
from tests.system.helpers import run_cli
from therapist_desk.errors import ExitStatus


def test_verify_says_ok_on_a_healthy_demo_vault(tmp_path: Path, demo_vault: DemoVault) -> None:
    data_dir = demo_vault.copy_to(tmp_path / "vault")

    result = run_cli("verify", "--data-dir", data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.OK, result.stderr
    assert result.stdout == "ok\n"
    assert result.stderr == ""


def test_verify_names_table_column_and_row_of_one_flipped_byte(
    tmp_path: Path, demo_vault: DemoVault
) -> None:
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    connection = sqlite3.connect(data_dir / "vault.sqlite3")
    try:
        rows = connection.execute(
            "SELECT id, sections FROM progress_notes ORDER BY id LIMIT 3"
        ).fetchall()
        note_id, blob = rows[1]
        damaged = bytearray(blob)
        damaged[len(damaged) // 2] ^= 0x01
        with connection:
            connection.execute(
                "UPDATE progress_notes SET sections = ? WHERE id = ?", (bytes(damaged), note_id)
            )
    finally:
        connection.close()

    result = run_cli("verify", "--data-dir", data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.VAULT_DAMAGED, result.stderr
    assert "Traceback" not in result.stderr
    problems = result.stdout.splitlines()
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"progress_notes.sections, row {note_id}:")
    assert "1 problem found" in result.stderr
    # The other notes are untouched and still read.
    assert rows[0][0] not in result.stdout
    assert rows[2][0] not in result.stdout

    # Export refuses to write a record it cannot read, naming the place too.
    exported = run_cli("export", "--data-dir", data_dir, "--passphrase-stdin")
    assert exported.returncode == ExitStatus.VAULT_DAMAGED
    assert exported.stdout == ""
    assert f"progress_notes.sections of row {note_id}" in exported.stderr


def test_verify_notices_a_signature_removed_behind_the_programs_back(
    tmp_path: Path, demo_vault: DemoVault
) -> None:
    """Clearing signed_at (readable on disk) would make a signed note editable again."""
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    connection = sqlite3.connect(data_dir / "vault.sqlite3")
    try:
        (note_id,) = connection.execute(
            "SELECT id FROM progress_notes WHERE signed_at IS NOT NULL ORDER BY id LIMIT 1"
        ).fetchone()
        with connection:
            connection.execute(
                "UPDATE progress_notes SET signed_at = NULL WHERE id = ?", (note_id,)
            )
    finally:
        connection.close()

    result = run_cli("verify", "--data-dir", data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.VAULT_DAMAGED, result.stdout
    assert result.stdout.splitlines() == [
        f"progress_notes.signed_at, row {note_id}: "
        "the note was signed, but its signing time has been removed"
    ]
