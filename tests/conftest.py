"""Fixtures shared by every test.

Qt runs offscreen, and every per-user folder (data, settings, cache) points
into the test's own temporary folder, so no test can touch a real vault or
leave a file behind in the user's home. Each test process also has a system
temporary folder of its own, so a test that looks for files left there sees
only its own process's, even with the suite spread over several cores.

Time comes from one clock the tests set: every test process runs in the UK's
time zone (one with daylight saving) and starts at `TEST_NOW`, a Wednesday
morning far from midnight, a month's end and a clock change, whatever the real
date and time are; the commands a test runs start there too. A test about an
awkward instant moves the clock there itself (`clock_at`).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.vault import Secret, Vault, create_vault, unlock_vault
from therapist_desk.vault.paths import VaultPaths

# Before Qt starts and before any test reads local time; commands started by tests inherit it.
os.environ["TZ"] = "Europe/London"
time.tzset()

PASSPHRASE = "a quiet harbour at dusk"

#: Where every test's clock starts (it runs on from there as the test runs).
TEST_NOW = datetime(2026, 6, 10, 9, 30, tzinfo=ZoneInfo("Europe/London"))

MoveClock = Callable[[datetime], None]


@pytest.fixture(scope="session", autouse=True)
def test_clock() -> Iterator[None]:
    """The clock of this test process: `TEST_NOW`, ticking on."""
    with time_machine.travel(TEST_NOW, tick=True):
        yield


@pytest.fixture
def clock_at() -> Iterator[MoveClock]:
    """`clock_at(moment)`: from now on in this test, the clock starts again at `moment`."""
    travels: list[time_machine.travel] = []

    def move(moment: datetime) -> None:
        travel = time_machine.travel(moment, tick=True)
        travel.start()
        travels.append(travel)

    yield move
    for travel in reversed(travels):
        travel.stop()


def now_for_commands() -> str:
    """The moment a command started by a test should take as its own now."""
    return datetime.now(UTC).isoformat()


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


Reopen = Callable[[Vault], Vault]


@pytest.fixture
def reopen(vault_paths: VaultPaths) -> Iterator[Reopen]:
    """Close a vault (checkpoint, drop the key) and unlock it again from the file.

    What a test reads after this came from the disk, not from a cache.
    """
    opened: list[Vault] = []

    def _reopen(current: Vault) -> Vault:
        current.close()
        again = unlock_vault(vault_paths, Secret(passphrase=PASSPHRASE), clock=current.now)
        opened.append(again)
        return again

    yield _reopen
    for each in opened:
        each.close()


@pytest.fixture
def vault_paths(tmp_path: Path) -> VaultPaths:
    return VaultPaths(tmp_path / "vault")


@pytest.fixture
def vault(vault_paths: VaultPaths) -> Iterator[Vault]:
    """A new, empty, unlocked vault with the fast test key derivation."""
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS)
    with created.vault as opened:
        yield opened
