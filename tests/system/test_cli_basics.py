"""`--version`, `--help`, and creating a vault with `init`."""

from __future__ import annotations

from pathlib import Path

import pytest

import therapist_desk
from tests.system.helpers import (
    RECOVERY_KEY,
    assert_one_clear_line,
    file_digests,
    run_cli,
)
from therapist_desk.errors import ExitStatus

VAULT_COMMANDS = ("init", "verify", "import", "export", "demo")


def test_version_names_the_program_and_its_version() -> None:
    result = run_cli("--version", stdin="")
    assert result.returncode == ExitStatus.OK, result.stderr
    assert result.stdout.strip() == f"therapist-desk {therapist_desk.__version__}"


@pytest.mark.parametrize("command", VAULT_COMMANDS)
def test_help_of_each_vault_command_shows_the_vault_options(command: str) -> None:
    result = run_cli(command, "--help", stdin="")
    assert result.returncode == ExitStatus.OK, result.stderr
    assert result.stdout.startswith(f"usage: therapist-desk {command}")
    assert "--data-dir" in result.stdout
    assert "--passphrase-stdin" in result.stdout
    assert result.stderr == ""


def test_help_of_bench_shows_its_options() -> None:
    result = run_cli("bench", "--help", stdin="")
    assert result.returncode == ExitStatus.OK, result.stderr
    assert result.stdout.startswith("usage: therapist-desk bench")
    for option in ("--clients", "--notes", "--json", "--work-dir"):
        assert option in result.stdout


def test_top_level_help_lists_every_command() -> None:
    result = run_cli("--help", stdin="")
    assert result.returncode == ExitStatus.OK, result.stderr
    for command in (*VAULT_COMMANDS, "bench"):
        assert command in result.stdout


def test_init_prints_the_recovery_key_once_and_it_opens_the_vault(tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    result = run_cli("init", "--data-dir", data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.OK, result.stderr
    keys = RECOVERY_KEY.findall(result.stdout)
    assert len(keys) == 1, result.stdout
    assert result.stdout.count(keys[0]) == 1
    assert keys[0] not in result.stderr
    assert (data_dir / "vault.sqlite3").is_file()
    # The key is shown, never stored: no file of the vault holds it.
    for path in data_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert keys[0].encode() not in content
            assert keys[0].replace("-", "").encode() not in content

    by_key = run_cli(
        "verify",
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
        "--recovery-key",
        stdin=keys[0] + "\n",
    )
    assert by_key.returncode == ExitStatus.OK, by_key.stderr
    assert by_key.stdout.strip() == "ok"
    by_passphrase = run_cli("verify", "--data-dir", data_dir, "--passphrase-stdin")
    assert by_passphrase.returncode == ExitStatus.OK, by_passphrase.stderr


def test_second_init_on_the_same_folder_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    first = run_cli("init", "--data-dir", data_dir, "--passphrase-stdin")
    assert first.returncode == ExitStatus.OK, first.stderr
    before = file_digests(data_dir)

    second = run_cli(
        "init", "--data-dir", data_dir, "--passphrase-stdin", stdin="another long passphrase here\n"
    )

    line = assert_one_clear_line(second, ExitStatus.VAULT_EXISTS)
    assert "already exists" in line
    assert RECOVERY_KEY.search(second.stdout) is None
    assert file_digests(data_dir) == before
    # The first passphrase still opens it.
    assert run_cli("verify", "--data-dir", data_dir, "--passphrase-stdin").returncode == 0


def test_init_with_a_weak_passphrase_is_refused_and_creates_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    result = run_cli("init", "--data-dir", data_dir, "--passphrase-stdin", stdin="short\n")

    line = assert_one_clear_line(result, ExitStatus.INVALID_INPUT)
    assert "passphrase is not accepted" in line
    assert RECOVERY_KEY.search(result.stdout) is None
    assert not data_dir.exists()
