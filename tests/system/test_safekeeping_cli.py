"""The safekeeping commands as a user runs them: `backup`, `verify --backup`, `restore`,
`passphrase`, `recovery-key`, and the disclosure that `export` records.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.system.conftest import DemoVault
from tests.system.helpers import (
    PASSPHRASE,
    RECOVERY_KEY,
    assert_one_clear_line,
    export_in_process,
    make_vault,
    open_vault,
    run_cli,
    sha256_of,
)
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import ExitStatus
from therapist_desk.vault import audit, backups
from therapist_desk.vault import settings as vault_settings

NEW_PASSPHRASE = "lanterns over the estuary tonight"


def _backup_of(data_dir: Path, drive: Path) -> Path:
    drive.mkdir(exist_ok=True)
    with open_vault(data_dir) as vault:
        return backups.make_backup(vault, drive)


def test_backup_without_a_folder_says_how_to_give_one(tmp_path: Path) -> None:
    paths = make_vault(tmp_path / "vault")

    result = run_cli("backup", "--data-dir", paths.data_dir, "--passphrase-stdin")

    line = assert_one_clear_line(result, ExitStatus.INVALID_INPUT)
    assert "No backup folder is set" in line
    assert "--out DIR" in line
    assert result.stdout == ""


def test_backup_prints_the_file_it_made_and_remembers_the_folder(
    tmp_path: Path, demo_vault: DemoVault
) -> None:
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    drive = tmp_path / "drive"
    drive.mkdir()

    first = run_cli("backup", "--out", drive, "--data-dir", data_dir, "--passphrase-stdin")
    again = run_cli("backup", "--data-dir", data_dir, "--passphrase-stdin")

    made = []
    for result in (first, again):
        assert result.returncode == ExitStatus.OK, result.stderr
        assert result.stderr == ""
        [line] = result.stdout.splitlines()
        made.append(Path(line))
    assert all(path.parent == drive and path.is_file() for path in made)
    assert {path.name for path in drive.iterdir()} == {path.name for path in made}
    with open_vault(data_dir) as vault:
        assert vault_settings.backup_state(vault).folder == drive.resolve()
        recorded = audit.events(vault, kind=AuditKind.BACKUP)
    assert [event.details.detail for event in recorded] == [
        f"manual: {path.name}" for path in reversed(made)
    ]

    checked = run_cli("verify", "--backup", made[-1], "--passphrase-stdin")
    assert checked.returncode == ExitStatus.OK, checked.stderr
    assert checked.stdout == "ok\n"
    refused = run_cli(
        "verify", "--backup", made[-1], "--passphrase-stdin", stdin=NEW_PASSPHRASE + "\n"
    )
    assert "Wrong passphrase" in assert_one_clear_line(refused, ExitStatus.WRONG_PASSPHRASE)
    assert sorted(drive.iterdir()) == sorted(made)  # checking wrote nothing beside them


def test_restore_into_a_new_folder_and_over_a_vault_only_with_replace(
    tmp_path: Path, demo_vault: DemoVault
) -> None:
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    # The vault as backed up: the demo's records and the disclosure its export logged.
    expected = export_in_process(data_dir)
    backup = _backup_of(data_dir, tmp_path / "drive")
    restored = tmp_path / "restored"

    result = run_cli("restore", backup, "--data-dir", restored, "--passphrase-stdin")

    assert result.returncode == ExitStatus.OK, result.stderr
    assert result.stdout == f"Restored {backup.name} into {restored}.\n"
    assert export_in_process(restored) == expected

    other = make_vault(tmp_path / "other")
    before = sha256_of(other.database)
    refused = run_cli("restore", backup, "--data-dir", other.data_dir, "--passphrase-stdin")
    line = assert_one_clear_line(refused, ExitStatus.VAULT_EXISTS)
    assert "--replace" in line
    assert sha256_of(other.database) == before

    replaced = run_cli(
        "restore", backup, "--replace", "--data-dir", other.data_dir, "--passphrase-stdin"
    )
    assert replaced.returncode == ExitStatus.OK, replaced.stderr
    said = replaced.stdout.splitlines()
    assert said[0] == f"Restored {backup.name} into {other.data_dir}."
    assert said[1].startswith("The vault it replaced is kept as ")
    kept = Path(said[1].removeprefix("The vault it replaced is kept as ").removesuffix("."))
    assert kept.parent == other.data_dir
    assert sha256_of(kept) == before
    assert export_in_process(other.data_dir) == expected


def test_passphrase_sets_a_new_one_and_the_old_one_stops_working(tmp_path: Path) -> None:
    paths = make_vault(tmp_path / "vault")

    weak = run_cli(
        "passphrase",
        "--data-dir",
        paths.data_dir,
        "--passphrase-stdin",
        stdin=f"{PASSPHRASE}\npassword1\n",
    )
    assert "not accepted" in assert_one_clear_line(weak, ExitStatus.INVALID_INPUT)

    changed = run_cli(
        "passphrase",
        "--data-dir",
        paths.data_dir,
        "--passphrase-stdin",
        stdin=f"{PASSPHRASE}\n{NEW_PASSPHRASE}\n",
    )

    assert changed.returncode == ExitStatus.OK, changed.stderr
    assert "the old one no longer opens the vault" in changed.stdout
    assert NEW_PASSPHRASE not in changed.stdout + changed.stderr
    old = run_cli("verify", "--data-dir", paths.data_dir, "--passphrase-stdin")
    assert_one_clear_line(old, ExitStatus.WRONG_PASSPHRASE)
    new = run_cli(
        "verify", "--data-dir", paths.data_dir, "--passphrase-stdin", stdin=NEW_PASSPHRASE + "\n"
    )
    assert new.returncode == ExitStatus.OK, new.stderr
    assert new.stdout == "ok\n"


def test_recovery_key_prints_a_new_key_once_and_the_old_one_stops_working(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "vault"
    created = run_cli("init", "--data-dir", data_dir, "--passphrase-stdin")
    assert created.returncode == ExitStatus.OK, created.stderr
    [old_key] = RECOVERY_KEY.findall(created.stdout)

    result = run_cli("recovery-key", "--data-dir", data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.OK, result.stderr
    [new_key] = RECOVERY_KEY.findall(result.stdout)
    assert new_key != old_key
    assert "Backups made before now still open with the old recovery key" in result.stdout
    with_new = run_cli(
        "verify", "--recovery-key", "--data-dir", data_dir, "--passphrase-stdin", stdin=new_key
    )
    assert with_new.returncode == ExitStatus.OK, with_new.stderr
    with_old = run_cli(
        "verify", "--recovery-key", "--data-dir", data_dir, "--passphrase-stdin", stdin=old_key
    )
    assert "recovery key" in assert_one_clear_line(with_old, ExitStatus.WRONG_PASSPHRASE)


def test_export_records_what_was_disclosed_and_where_but_not_what_it_said(
    tmp_path: Path, demo_vault: DemoVault
) -> None:
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    client = demo_vault.export["clients"][0]
    outside = tmp_path / "outside"
    outside.mkdir()

    whole = run_cli("export", "--data-dir", data_dir, "--passphrase-stdin")
    one = run_cli(
        "export",
        "--client",
        client["id"],
        "--include-psychotherapy-notes",
        "--out",
        outside / "for-the-gp.json",
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
    )

    assert whole.returncode == ExitStatus.OK, whole.stderr
    assert one.returncode == ExitStatus.OK, one.stderr
    written = json.loads((outside / "for-the-gp.json").read_text("utf-8"))
    assert [c["id"] for c in written["clients"]] == [client["id"]]
    with open_vault(data_dir) as vault:
        disclosures = [e.details for e in audit.events(vault, kind=AuditKind.DISCLOSURE)]
    # Newest first; the oldest is the export made when the demo vault was built.
    assert [(d.client_id, d.detail) for d in disclosures] == [
        (client["id"], "export of 1 client(s) with psychotherapy notes to for-the-gp.json"),
        ("", "export of whole vault to standard output"),
        ("", "export of whole vault to standard output"),
    ]
    assert all(client["legal_name"] not in d.detail for d in disclosures)


def test_a_mistyped_backup_folder_is_not_remembered(tmp_path: Path) -> None:
    paths = make_vault(tmp_path / "vault")
    drive = tmp_path / "drive"
    drive.mkdir()
    typo = tmp_path / "drvie"

    missing = run_cli("backup", "--out", typo, "--data-dir", paths.data_dir, "--passphrase-stdin")
    assert str(typo) in assert_one_clear_line(missing, ExitStatus.FAILURE)
    assert not typo.exists()
    fixed = run_cli("backup", "--out", drive, "--data-dir", paths.data_dir, "--passphrase-stdin")
    assert fixed.returncode == ExitStatus.OK, fixed.stderr

    plain = run_cli("backup", "--data-dir", paths.data_dir, "--passphrase-stdin")

    assert plain.returncode == ExitStatus.OK, plain.stderr
    assert Path(plain.stdout.strip()).parent == drive
