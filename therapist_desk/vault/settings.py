"""Settings that belong to a vault rather than to the window: backups and retention.

Kept inside the vault, encrypted like everything else, so the command line and
the window see the same ones and a restored backup brings its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import VaultSettingRow
from therapist_desk.domain.records import VaultSettingDetails
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.vault import Vault, audit

TABLE = VaultSettingRow.__tablename__

BACKUP_FOLDER = "backup_folder"
BACKUPS_KEPT = "backups_kept"
LAST_BACKUP_AT = "last_backup_at"
LAST_BACKUP_FILE = "last_backup_file"
LAST_AUTOMATIC_BACKUP_AT = "last_automatic_backup_at"
LAST_VERIFIED_AT = "last_verified_at"
RETENTION_YEARS = "retention_years"

DEFAULT_BACKUPS_KEPT = 10
DEFAULT_RETENTION_YEARS = 7


def get_setting(vault: Vault, key: str) -> str | None:
    with vault.reading() as session:
        row = session.scalar(select(VaultSettingRow).where(VaultSettingRow.key == key))
        if row is None:
            return None
        details, damaged = vault.codec.open_details(row, VaultSettingDetails)
        return None if damaged else details.value


def put_setting(session: Session, vault: Vault, key: str, value: str) -> None:
    """Set `key` in the caller's transaction."""
    row = session.scalar(select(VaultSettingRow).where(VaultSettingRow.key == key))
    if row is None:
        row_id = new_id()
        session.add(
            VaultSettingRow(
                id=row_id,
                key=key,
                **vault.codec.seal_details(TABLE, row_id, VaultSettingDetails(value)),
            )
        )
    else:
        row.value = vault.codec.seal(TABLE, "value", row.id, value)


def set_setting(vault: Vault, key: str, value: str) -> None:
    with vault.transaction() as session:
        put_setting(session, vault, key, value)


def change_setting(vault: Vault, key: str, value: str) -> None:
    """A setting the therapist chose (the backup folder, how long records are kept): set,
    with its entry in the audit trail, in one transaction."""
    with vault.transaction() as session:
        put_setting(session, vault, key, value)
        audit.record(session, vault, AuditKind.EDIT, detail=f"setting: {key.replace('_', ' ')}")


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _count(text: str | None, default: int, least: int, most: int) -> int:
    try:
        value = int(text) if text else default
    except ValueError:
        return default
    return min(max(value, least), most)


@dataclass(frozen=True)
class BackupState:
    folder: Path | None
    kept: int
    last_backup_at: datetime | None
    last_backup_file: Path | None
    last_automatic_at: datetime | None
    last_verified_at: datetime | None


def backup_state(vault: Vault) -> BackupState:
    folder = get_setting(vault, BACKUP_FOLDER)
    last_file = get_setting(vault, LAST_BACKUP_FILE)
    return BackupState(
        folder=Path(folder) if folder else None,
        kept=_count(get_setting(vault, BACKUPS_KEPT), DEFAULT_BACKUPS_KEPT, 1, 365),
        last_backup_at=_time(get_setting(vault, LAST_BACKUP_AT)),
        last_backup_file=Path(last_file) if last_file else None,
        last_automatic_at=_time(get_setting(vault, LAST_AUTOMATIC_BACKUP_AT)),
        last_verified_at=_time(get_setting(vault, LAST_VERIFIED_AT)),
    )


def retention_years(vault: Vault) -> int:
    return _count(get_setting(vault, RETENTION_YEARS), DEFAULT_RETENTION_YEARS, 1, 100)
