"""Faults a therapist's computer meets, each with the guarantee the therapist relies on:

- a full disk during a save, a backup or an export: the command says so in one
  line, leaves no partial file, and the vault is as it was;
- a vault file zeroed, cut short or overwritten: `verify` says it is damaged and
  points to the backups;
- a backup restored gives back exactly the records that were backed up;
- after a whole working day (import, notes, backup, a crash, a restore) no record
  text is readable in any file the program could have written.

(Killing the program during autosaves is tests/system/test_crash_safety.py.)
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from tests.system.conftest import DemoVault
from tests.system.helpers import (
    PASSPHRASE,
    ChildProcess,
    JsonObject,
    Markers,
    assert_one_clear_line,
    build_document,
    cli_env,
    export_in_process,
    find_leaks,
    make_vault,
    open_vault,
    run_cli,
    sha256_of,
    user_error_lines,
    without_export_time,
)
from therapist_desk.domain.records import (
    ClientDetails,
    ContactDetails,
    NoteContent,
    SessionDetails,
)
from therapist_desk.domain.vocabulary import AuditKind, NoteFormat
from therapist_desk.errors import ExitStatus
from therapist_desk.records.clients import create_client
from therapist_desk.records.contacts import add_contact, remove_contact
from therapist_desk.records.progress_notes import (
    add_addendum,
    get_note_for_session,
    save_draft,
    sign_note,
)
from therapist_desk.records.psychotherapy_notes import save_psychotherapy_note
from therapist_desk.records.therapy_sessions import schedule_session
from therapist_desk.sharing import disclosures
from therapist_desk.vault import Vault, audit
from therapist_desk.vault import settings as vault_settings
from therapist_desk.vault.check import check_vault
from therapist_desk.vault.paths import VaultPaths

MONDAY = datetime(2024, 5, 6, 10, tzinfo=UTC)


def _note(words: str) -> NoteContent:
    return NoteContent(format=NoteFormat.FREE, sections={"note": words})


# -- a full disk -------------------------------------------------------------------


def test_a_save_on_a_full_disk_fails_and_the_last_saved_draft_is_intact(tmp_path: Path) -> None:
    paths = make_vault(tmp_path / "vault")
    with open_vault(paths.data_dir) as vault:
        client = create_client(vault, ClientDetails(legal_name="Amira Haddad"))
        session = schedule_session(vault, MONDAY, 50, SessionDetails(), [client.id])
        saved = save_draft(vault, session.id, _note("Slept better; kept the diary."))
        trail = audit.events(vault)
        with vault.engine.connect() as connection:
            pages = connection.execute(text("PRAGMA page_count")).scalar_one()

        # From now on the database cannot grow by a single page.
        def disk_is_full(dbapi_connection: sqlite3.Connection, _: ConnectionPoolEntry) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA max_page_count = {pages}")
            cursor.close()

        event.listen(vault.engine, "connect", disk_is_full)
        vault.engine.dispose()  # every connection from now on is limited

        with pytest.raises(OperationalError, match="database or disk is full"):
            save_draft(vault, session.id, _note("A long paragraph. " * 5000))

        assert get_note_for_session(vault, session.id) == saved
        assert audit.events(vault) == trail  # no entry for a save that did not happen
        assert check_vault(vault) == []

    with open_vault(paths.data_dir) as reopened:
        assert get_note_for_session(reopened, session.id) == saved
        assert check_vault(reopened) == []


def _vault_with_long_notes_last(data_dir: Path) -> tuple[VaultPaths, int]:
    """A vault whose last pages hold two long notes, and the size of the rest of it.

    A file-size limit just above that size is a disk that is full for a backup
    or an export (each needs room for the long notes) but not for the vault's
    own small writes when it is opened and closed: those go into the first
    pages, and the free pages left there by a removed contact take any growth.
    """
    paths = make_vault(data_dir)
    with open_vault(data_dir) as vault:
        client = create_client(vault, ClientDetails(legal_name="Amira Haddad"))
        contact = add_contact(vault, client.id, ContactDetails(name="Sam", notes="x" * 60_000))
        session = schedule_session(vault, MONDAY, 50, SessionDetails(), [client.id])
        with vault.engine.connect() as connection:
            pages = connection.execute(text("PRAGMA page_count")).scalar_one()
            page_size = connection.execute(text("PRAGMA page_size")).scalar_one()
        sections = {
            name: " ".join(f"{name} {number}: went on about the garden" for number in range(4000))
            for name in ("subjective", "objective", "assessment", "plan")
        }
        # Two long notes: together they are more than twice the rest of the vault.
        later = schedule_session(
            vault, MONDAY + timedelta(days=7), 50, SessionDetails(), [client.id]
        )
        for each in (session, later):
            save_draft(vault, each.id, NoteContent(format=NoteFormat.SOAP, sections=sections))
        remove_contact(vault, contact.id)
        with vault.engine.connect() as connection:
            assert connection.execute(text("PRAGMA freelist_count")).scalar_one() > 10
    return paths, (pages + 2) * page_size


def _run_cli_on_a_full_disk(
    limit: int, *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command line with files limited to `limit` bytes (a disk that fills up)."""

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "therapist_desk", *(str(arg) for arg in args)],
        input=PASSPHRASE + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env or cli_env(),
        check=False,
        preexec_fn=limit_file_size,
    )


def _assert_untouched(paths: VaultPaths, exported: JsonObject) -> None:
    verified = run_cli("verify", "--data-dir", paths.data_dir, "--passphrase-stdin")
    assert verified.returncode == ExitStatus.OK, verified.stdout + verified.stderr
    assert export_in_process(paths.data_dir, include_psychotherapy_notes=True) == exported


def test_a_backup_onto_a_full_disk_says_so_and_leaves_no_partial_file(tmp_path: Path) -> None:
    paths, limit = _vault_with_long_notes_last(tmp_path / "vault")
    exported = export_in_process(paths.data_dir, include_psychotherapy_notes=True)
    assert paths.database.stat().st_size > 2 * limit, "the backup must not fit"
    drive = tmp_path / "drive"
    drive.mkdir()

    result = _run_cli_on_a_full_disk(
        limit, "backup", "--out", drive, "--data-dir", paths.data_dir, "--passphrase-stdin"
    )

    line = assert_one_clear_line(result, ExitStatus.FAILURE)
    assert "could not be written" in line
    assert "no partial backup was left" in line
    assert result.stdout == ""
    assert list(drive.iterdir()) == []
    _assert_untouched(paths, exported)
    with open_vault(paths.data_dir) as vault:
        assert audit.events(vault, kind=AuditKind.BACKUP) == []
        assert vault_settings.backup_state(vault).last_backup_at is None


def test_an_export_onto_a_full_disk_says_so_and_leaves_no_partial_file(tmp_path: Path) -> None:
    paths, limit = _vault_with_long_notes_last(tmp_path / "vault")
    exported = export_in_process(paths.data_dir, include_psychotherapy_notes=True)
    assert len(json.dumps(exported)) > 2 * limit, "the export must not fit"
    outside = tmp_path / "outside"
    outside.mkdir()

    result = _run_cli_on_a_full_disk(
        limit,
        "export",
        "--out",
        outside / "records.json",
        "--data-dir",
        paths.data_dir,
        "--passphrase-stdin",
    )

    assert result.returncode != ExitStatus.OK
    line = assert_one_clear_line(result, ExitStatus(result.returncode))
    assert "records.json" in line
    assert "nothing was written" in line
    assert list(outside.iterdir()) == []
    _assert_untouched(paths, exported)
    with open_vault(paths.data_dir) as vault:
        # Nothing left the vault, so no disclosure is recorded: not in the audit
        # trail, nor in any client's disclosure log.
        assert audit.events(vault, kind=AuditKind.DISCLOSURE) == []
        logs = {
            c["id"]: disclosures.disclosures_for_client(vault, c["id"]) for c in exported["clients"]
        }
        assert exported["clients"]
        assert logs == {client["id"]: [] for client in exported["clients"]}


def test_a_disk_full_for_the_vault_too_still_ends_in_one_clear_line(tmp_path: Path) -> None:
    paths, _limit = _vault_with_long_notes_last(tmp_path / "vault")
    drive = tmp_path / "drive"
    drive.mkdir()

    result = _run_cli_on_a_full_disk(
        64 * 1024, "backup", "--out", drive, "--data-dir", paths.data_dir, "--passphrase-stdin"
    )

    assert_one_clear_line(result, ExitStatus(result.returncode))
    assert list(drive.iterdir()) == []
    verified = run_cli("verify", "--data-dir", paths.data_dir, "--passphrase-stdin")
    assert verified.returncode == ExitStatus.OK, verified.stdout + verified.stderr


# -- a damaged vault file ------------------------------------------------------------

DAMAGE: dict[str, Callable[[Path], object]] = {
    "zeroed": lambda path: path.write_bytes(bytes(path.stat().st_size)),
    "truncated": lambda path: os.truncate(path, path.stat().st_size // 2),
    "random bytes": lambda path: path.write_bytes(os.urandom(path.stat().st_size)),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_verify_on_a_ruined_vault_file_exits_4_and_points_to_the_backups(
    damage: str, tmp_path: Path, demo_vault: DemoVault
) -> None:
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    database = data_dir / "vault.sqlite3"
    DAMAGE[damage](database)
    before = sha256_of(database)

    result = run_cli("verify", "--data-dir", data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.VAULT_DAMAGED, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    [message] = user_error_lines(result.stderr)
    assert "damaged" in message
    assert "restore" in message
    assert "backup" in message
    assert sha256_of(database) == before  # checking it made nothing worse


# -- backup and restore ---------------------------------------------------------------


def test_backup_then_restore_gives_back_exactly_the_records_backed_up(
    tmp_path: Path, demo_vault: DemoVault
) -> None:
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    # Not demo_vault.export: the export that made it was logged in each client's
    # disclosure log afterwards, so the vault holds those disclosures too.
    backed_up = export_in_process(data_dir)
    drive = tmp_path / "drive"
    drive.mkdir()
    made = run_cli("backup", "--out", drive, "--data-dir", data_dir, "--passphrase-stdin")
    assert made.returncode == ExitStatus.OK, made.stderr
    backup = Path(made.stdout.strip())

    restored = tmp_path / "restored"
    result = run_cli("restore", backup, "--data-dir", restored, "--passphrase-stdin")
    assert result.returncode == ExitStatus.OK, result.stderr
    exported = run_cli("export", "--data-dir", restored, "--passphrase-stdin")

    assert exported.returncode == ExitStatus.OK, exported.stderr
    assert without_export_time(json.loads(exported.stdout)) == backed_up
    # The demo's records, each client's log holding the one export besides.
    assert {**backed_up, "clients": []} == {**demo_vault.export, "clients": []}
    for client, made_by_demo in zip(
        backed_up["clients"], demo_vault.export["clients"], strict=True
    ):
        assert [each["what"] for each in client["disclosures"]] == ["export"]
        assert {**client, "disclosures": []} == {**made_by_demo, "disclosures": []}


# -- nothing readable anywhere after a working day ------------------------------------

#: A child that unlocks the vault and saves notes carrying markers until it is killed.
SAVE_MARKED_NOTES = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from therapist_desk.domain.records import NoteContent, SessionDetails
from therapist_desk.domain.vocabulary import NoteFormat
from therapist_desk.vault.paths import VaultPaths
from therapist_desk.records.progress_notes import save_draft
from therapist_desk.records.therapy_sessions import schedule_session
from therapist_desk.vault import Secret, unlock_vault

vault = unlock_vault(VaultPaths(Path(sys.argv[1])), Secret(passphrase=input()))
number = 0
while True:
    session = schedule_session(
        vault, datetime(2024, 6, 3, 9, tzinfo=UTC) + timedelta(hours=number), 50,
        SessionDetails(), [sys.argv[2]],
    )
    text = f"ZQX-LEAK-child-{number}-7731"
    save_draft(vault, session.id, NoteContent(format=NoteFormat.FREE, sections={"note": text}))
    print(number, flush=True)
    number += 1
"""


def _write_and_sign_a_marked_note(vault: Vault, client_id: str, markers: Markers) -> None:
    session = schedule_session(
        vault, MONDAY, 50, SessionDetails(title=markers("api-session-title")), [client_id]
    )
    note = save_draft(
        vault,
        session.id,
        NoteContent(
            format=NoteFormat.SOAP,
            sections={
                name: markers(f"api-note-{name}")
                for name in ("subjective", "objective", "assessment", "plan")
            },
            techniques=(markers("api-note-technique"),),
            mood=4,
        ),
    )
    sign_note(vault, note.id)
    add_addendum(vault, note.id, markers("api-note-addendum"))
    save_psychotherapy_note(vault, client_id, markers("api-process-note"), session_id=session.id)


def test_no_record_text_is_readable_anywhere_after_a_full_working_day(
    tmp_path: Path, isolated_user_folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = isolated_user_folders
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = cli_env()
    env["TMPDIR"] = str(temp)
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    data_dir, drive, restored = tmp_path / "vault", tmp_path / "drive", tmp_path / "restored"
    drive.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    markers = Markers("day-")
    document = build_document(markers)
    source = outside / "import.json"
    source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    outputs: list[subprocess.CompletedProcess[str]] = []

    def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
        result = run_cli(*args, "--passphrase-stdin", env=env)
        assert result.returncode == ExitStatus.OK, (args, result.stdout, result.stderr)
        outputs.append(result)
        return result

    cli("init", "--data-dir", data_dir)
    cli("import", source, "--data-dir", data_dir)
    source.unlink()
    client_id = document["clients"][0]["id"]
    with open_vault(data_dir) as vault:
        _write_and_sign_a_marked_note(vault, client_id, markers)
    backup = Path(cli("backup", "--out", drive, "--data-dir", data_dir).stdout.strip())

    # The program is killed while it saves notes.
    with ChildProcess(
        SAVE_MARKED_NOTES, data_dir, client_id, env=env, stderr=tmp_path / "child.err"
    ) as child:
        child.send(PASSPHRASE)
        saved = [child.read_line() for _ in range(5)]
        assert saved == ["0", "1", "2", "3", "4"], child.errors()
        os.kill(child.pid, signal.SIGKILL)
        child.process.wait()
    child_markers = [f"ZQX-LEAK-child-{number}-7731" for number in range(200)]

    cli("restore", backup, "--data-dir", restored)
    cli("verify", "--data-dir", restored)
    cli("verify", "--data-dir", data_dir)
    # Every marker is in the vault (so the search below can find something).
    exported = run_cli(
        "export",
        "--include-psychotherapy-notes",
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
        env=env,
    )
    assert exported.returncode == ExitStatus.OK, exported.stderr
    assert [m for m in markers.made + child_markers[:5] if m not in exported.stdout] == []

    everything = markers.made + child_markers
    searched = {
        "data folder": data_dir,
        "backup folder": drive,
        "restored folder": restored,
        "temporary folder": temp,
        "home": home,
        "settings": home / ".config",
        "cache": home / ".cache",
        "user data": home / ".local" / "share",
    }
    assert backup.parent == drive
    assert all(folder.is_dir() for folder in searched.values())
    leaks = {name: find_leaks(folder, everything) for name, folder in searched.items()}
    assert leaks == {name: [] for name in searched}
    assert find_leaks(tmp_path, everything) == []  # and nowhere else the test used
    for result in outputs:
        assert [m for m in everything if m in result.stdout + result.stderr] == []


def test_the_working_day_scan_would_see_a_leak_in_a_restored_folder(tmp_path: Path) -> None:
    """The search covers files the program writes under the folders it scans."""
    nested = tmp_path / "restored" / "backups"
    nested.mkdir(parents=True)
    marker = "ZQX-LEAK-day-probe-7731"
    (nested / "vault-before-upgrade.sqlite3").write_bytes(b"\x00" + marker.encode("utf-16-be"))

    assert find_leaks(tmp_path / "restored", [marker]) == [
        ("backups/vault-before-upgrade.sqlite3", marker, "utf-16-be")
    ]
