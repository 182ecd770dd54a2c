"""Fixtures for the storage tests: closing a vault and opening it again."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.conftest import PASSPHRASE
from therapist_desk.vault import Secret, Vault, unlock_vault
from therapist_desk.vault.paths import VaultPaths

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
