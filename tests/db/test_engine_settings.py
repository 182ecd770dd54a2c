"""The SQLite settings every vault connection needs for a safe clinical record."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.conftest import Reopen
from therapist_desk.vault import Vault

#: pragma → value: WAL journal; synchronous=FULL so a saved note survives a power
#: cut; deleted text overwritten; temporary data never on disk; references enforced.
REQUIRED = {
    "journal_mode": "wal",
    "synchronous": 2,
    "secure_delete": 1,
    "temp_store": 2,
    "foreign_keys": 1,
}


def settings_of_two_connections(vault: Vault) -> list[dict[str, object]]:
    """Two connections open at once, so the pool has to make a second one."""
    with vault.engine.connect() as first, vault.engine.connect() as second:
        return [
            {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in REQUIRED}
            for connection in (first, second)
        ]


def test_a_new_vault_uses_the_safe_settings_on_every_connection(vault: Vault) -> None:
    assert settings_of_two_connections(vault) == [REQUIRED, REQUIRED]


def test_a_reopened_vault_uses_the_safe_settings_on_every_connection(
    vault: Vault, reopen: Reopen
) -> None:
    assert settings_of_two_connections(reopen(vault)) == [REQUIRED, REQUIRED]


def test_a_record_pointing_at_a_missing_row_is_refused(vault: Vault) -> None:
    """foreign_keys=ON is in force: nobody can attend a session that does not exist."""
    with pytest.raises(IntegrityError), vault.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO session_attendees (id, session_id, client_id, attendance)"
                " VALUES ('a', 'no such session', 'no such client', x'01')"
            )
        )
