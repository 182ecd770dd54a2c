"""Changing the passphrase and making a new recovery key: the new secret opens the vault,
the old one no longer does, and not a single record changes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import PASSPHRASE
from tests.db.populate import fill_every_table
from tests.system.helpers import (
    RECOVERY_KEY,
    JsonObject,
    export_in_process,
    export_of,
    opens_with,
)
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import InvalidInput
from therapist_desk.vault import Secret, Vault, audit, create_vault, passphrases, unlock_vault
from therapist_desk.vault.check import check_vault
from therapist_desk.vault.paths import VaultPaths

NEW_PASSPHRASE = "lanterns over the estuary tonight"


@dataclass
class Filled:
    paths: VaultPaths
    recovery_key: str
    export: JsonObject


@pytest.fixture
def filled(vault_paths: VaultPaths) -> Filled:
    """A closed vault with a record in every table, its recovery key and its export."""
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS)
    with created.vault as vault:
        fill_every_table(vault)
        exported = export_of(vault, include_psychotherapy_notes=True)
    return Filled(vault_paths, created.recovery_key, exported)


@pytest.fixture
def opened(filled: Filled) -> Iterator[Vault]:
    with unlock_vault(filled.paths, Secret(passphrase=PASSPHRASE)) as vault:
        yield vault


def _opens(paths: VaultPaths, secret: Secret) -> bool:
    return opens_with(paths.data_dir, secret)


def _export(paths: VaultPaths, secret: Secret) -> JsonObject:
    return export_in_process(paths.data_dir, include_psychotherapy_notes=True, secret=secret)


def test_the_new_passphrase_opens_the_old_one_does_not_and_the_records_are_unchanged(
    filled: Filled, opened: Vault
) -> None:
    passphrases.change_passphrase(opened, NEW_PASSPHRASE)
    changes = audit.events(opened, kind=AuditKind.PASSPHRASE_CHANGE)
    opened.close()

    assert len(changes) == 1
    assert not _opens(filled.paths, Secret(passphrase=PASSPHRASE))
    assert _export(filled.paths, Secret(passphrase=NEW_PASSPHRASE)) == filled.export
    # The recovery key printed at creation still opens it.
    assert _export(filled.paths, Secret(recovery_key=filled.recovery_key)) == filled.export
    with unlock_vault(filled.paths, Secret(passphrase=NEW_PASSPHRASE)) as vault:
        assert check_vault(vault) == []


def test_the_new_passphrase_is_in_the_file_itself_as_soon_as_the_change_returns(
    filled: Filled, opened: Vault
) -> None:
    """A copy of the vault file taken right after the change (the program still
    running) opens with the new passphrase: the change is not only in the -wal."""
    passphrases.change_passphrase(opened, NEW_PASSPHRASE)
    copy = VaultPaths(filled.paths.data_dir.parent / "copied")
    copy.data_dir.mkdir()
    shutil.copyfile(filled.paths.database, copy.database)

    assert not _opens(copy, Secret(passphrase=PASSPHRASE))
    assert _export(copy, Secret(passphrase=NEW_PASSPHRASE)) == filled.export


def test_a_weak_new_passphrase_is_refused_and_the_old_one_keeps_working(
    filled: Filled, opened: Vault
) -> None:
    header = opened.read_header()

    with pytest.raises(InvalidInput, match="not accepted"):
        passphrases.change_passphrase(opened, "password1")

    assert opened.read_header() == header
    assert audit.events(opened, kind=AuditKind.PASSPHRASE_CHANGE) == []
    opened.close()
    assert _opens(filled.paths, Secret(passphrase=PASSPHRASE))
    assert not _opens(filled.paths, Secret(passphrase="password1"))


def test_a_new_recovery_key_replaces_the_old_one(filled: Filled, opened: Vault) -> None:
    new_key = passphrases.new_recovery_key(opened)
    changes = audit.events(opened, kind=AuditKind.RECOVERY_KEY_CHANGE)
    opened.close()

    assert RECOVERY_KEY.fullmatch(new_key), new_key
    assert new_key != filled.recovery_key
    assert len(changes) == 1
    assert not _opens(filled.paths, Secret(recovery_key=filled.recovery_key))
    assert _export(filled.paths, Secret(recovery_key=new_key)) == filled.export
    assert _opens(filled.paths, Secret(passphrase=PASSPHRASE))  # the passphrase is untouched


def test_a_forgotten_passphrase_is_replaced_after_unlocking_with_the_recovery_key(
    filled: Filled,
) -> None:
    with unlock_vault(filled.paths, Secret(recovery_key=filled.recovery_key)) as vault:
        passphrases.change_passphrase(vault, NEW_PASSPHRASE)

    assert _export(filled.paths, Secret(passphrase=NEW_PASSPHRASE)) == filled.export
    assert not _opens(filled.paths, Secret(passphrase=PASSPHRASE))
