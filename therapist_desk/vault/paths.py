"""Where a vault lives on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "TherapistDesk"


def default_data_dir() -> Path:
    """The platform's per-user data folder (on Linux ~/.local/share/TherapistDesk)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class VaultPaths:
    """The files of one vault inside its data folder."""

    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "vault.sqlite3"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "vault.lock"

    @property
    def upgrade_backups(self) -> Path:
        """Where the copy made before a schema upgrade goes."""
        return self.data_dir / "backups"

    @property
    def failed_unlocks(self) -> Path:
        """Times of failed unlock attempts, until the next unlock records them."""
        return self.data_dir / "failed-unlocks.txt"

    def vault_exists(self) -> bool:
        return self.database.exists()
