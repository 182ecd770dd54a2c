"""Changing the passphrase, and making a new recovery key.

Only the key slot changes: the data key is wrapped again and nothing else is
re-encrypted. The new header is written in one SQLite transaction, so a crash
at any moment leaves exactly one of the old and the new secret working.
"""

from __future__ import annotations

import contextlib
import sqlite3

from sqlalchemy.exc import SQLAlchemyError

from therapist_desk.crypto import kdf, recovery_key, vault_header
from therapist_desk.db.models import VaultHeaderRow
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import InvalidInput, VaultDamaged
from therapist_desk.vault import Vault, audit, passphrase_policy


def change_passphrase(vault: Vault, new_passphrase: str) -> None:
    """Set a new passphrase; the old one stops working when this returns."""
    strength = passphrase_policy.assess(new_passphrase)
    if not strength.acceptable:
        raise InvalidInput(f"That passphrase is not accepted. {strength.advice}")
    header = vault.read_header()
    # The same cost as before: calibrated on this computer when the vault was made.
    params = header.slots[vault_header.PASSPHRASE_SLOT].argon2 or kdf.calibrate()
    slot = vault_header.new_passphrase_slot(header, vault.keys.data_key(), new_passphrase, params)
    _write(vault, header.with_slot(vault_header.PASSPHRASE_SLOT, slot), AuditKind.PASSPHRASE_CHANGE)


def new_recovery_key(vault: Vault) -> str:
    """Make a new recovery key (returned once, printable); the old one stops working."""
    header = vault.read_header()
    key = recovery_key.generate()
    slot = vault_header.new_recovery_slot(header, vault.keys.data_key(), key)
    _write(vault, header.with_slot(vault_header.RECOVERY_SLOT, slot), AuditKind.RECOVERY_KEY_CHANGE)
    return recovery_key.format_key(key)


def _write(vault: Vault, header: vault_header.VaultHeader, kind: AuditKind) -> None:
    with vault.transaction() as session:
        row = session.get(VaultHeaderRow, 1)
        if row is None:
            raise VaultDamaged("the vault header is missing")
        row.document = header.to_bytes()
        audit.record(session, vault, kind)
    # The new header should reach the main file, not only the log; the commit already
    # made it durable, so a checkpoint that cannot run now waits for the next lock.
    with contextlib.suppress(SQLAlchemyError, sqlite3.Error, OSError):
        vault.checkpoint()
