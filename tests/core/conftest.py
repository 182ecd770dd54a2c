"""Fixtures for the core tests: a vault on a clock the test moves by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PASSPHRASE
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.vault import Vault, create_vault
from therapist_desk.vault.paths import VaultPaths


class Clock:
    """A clock the test moves by hand, so timestamps can be asserted exactly."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 5, 6, 9, 0, tzinfo=UTC))


@pytest.fixture
def clocked_vault(vault_paths: VaultPaths, clock: Clock) -> Iterator[Vault]:
    """A new vault whose idea of "now" is `clock` (Monday 6 May 2024, 09:00 UTC)."""
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS, clock=clock)
    with created.vault as vault:
        yield vault
