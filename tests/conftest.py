"""Fixtures shared by every test.

Qt runs offscreen, and every per-user folder (data, settings, cache) points
into the test's own temporary folder, so no test can touch a real vault or
leave a file behind in the user's home. Each test process also has a system
temporary folder of its own, so a test that looks for files left there sees
only its own process's, even with the suite spread over several cores.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.vault import Vault, create_vault
from therapist_desk.vault.paths import VaultPaths

PASSPHRASE = "a quiet harbour at dusk"


@pytest.fixture(scope="session", autouse=True)
def private_temp_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """TMPDIR for this test process and the programs it starts (Python and Qt both
    follow it)."""
    folder = tmp_path_factory.getbasetemp() / "system-temp"
    folder.mkdir()
    saved = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # worked out again, from TMPDIR
    yield folder
    if saved is None:
        del os.environ["TMPDIR"]
    else:
        os.environ["TMPDIR"] = saved
    tempfile.tempdir = None


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    for variable, folder in (
        ("HOME", home),
        ("XDG_DATA_HOME", home / ".local" / "share"),
        ("XDG_CONFIG_HOME", home / ".config"),
        ("XDG_CACHE_HOME", home / ".cache"),
        ("XDG_STATE_HOME", home / ".local" / "state"),
    ):
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(variable, str(folder))
    return home


@pytest.fixture
def vault_paths(tmp_path: Path) -> VaultPaths:
    return VaultPaths(tmp_path / "vault")


@pytest.fixture
def vault(vault_paths: VaultPaths) -> Iterator[Vault]:
    """A new, empty, unlocked vault with the fast test key derivation."""
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS)
    with created.vault as opened:
        yield opened
