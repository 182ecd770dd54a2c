"""Vaults built once per test run and copied by the tests that need them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.system.helpers import (
    JsonObject,
    cli_env,
    copy_vault,
    run_cli,
    sha256_of,
    without_export_time,
)
from therapist_desk.errors import ExitStatus


@dataclass(frozen=True)
class DemoVault:
    """A closed demo vault made by `therapist-desk demo --clients 8`, and its export."""

    data_dir: Path
    export: JsonObject
    sha256: str

    def copy_to(self, destination: Path) -> Path:
        return copy_vault(self.data_dir, destination)


@pytest.fixture(scope="session")
def demo_vault(tmp_path_factory: pytest.TempPathFactory) -> DemoVault:
    root = tmp_path_factory.mktemp("demo-template")
    env = cli_env(root / "home")
    data_dir = root / "vault"
    created = run_cli(
        "demo", "--clients", "8", "--data-dir", data_dir, "--passphrase-stdin", env=env
    )
    assert created.returncode == ExitStatus.OK, created.stderr
    exported = run_cli("export", "--data-dir", data_dir, "--passphrase-stdin", env=env)
    assert exported.returncode == ExitStatus.OK, exported.stderr
    document = without_export_time(json.loads(exported.stdout))
    return DemoVault(data_dir, document, sha256_of(data_dir / "vault.sqlite3"))
