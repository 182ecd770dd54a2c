"""The vault itself: its folder and files, the keys, unlocking and closing, the process lock,
the settings and the audit trail kept inside it, and keeping it safe (check, backups,
passphrase and recovery-key changes).

The public face is the unlocked `Vault` and the ways to get one; the modules beside it
(`audit`, `settings`, `backups`, `check`, `passphrases`, `paths`) are used by name.
"""

from therapist_desk.vault.opening import (
    Clock,
    NewVault,
    Secret,
    UnlockTimings,
    Vault,
    create_vault,
    unlock_vault,
    utc_now,
)

__all__ = [
    "Clock",
    "NewVault",
    "Secret",
    "UnlockTimings",
    "Vault",
    "create_vault",
    "unlock_vault",
    "utc_now",
]
