"""The errors a user can meet, each with a plain message and an exit status."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit statuses of the command line; README.md documents them."""

    OK = 0
    FAILURE = 1
    INVALID_INPUT = 2
    WRONG_PASSPHRASE = 3
    VAULT_DAMAGED = 4
    VAULT_IN_USE = 5
    VAULT_TOO_NEW = 6
    NO_VAULT = 7
    VAULT_EXISTS = 8


class TherapistDeskError(Exception):
    """An error whose message is written for the user, never a traceback."""

    exit_status = ExitStatus.FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(TherapistDeskError):
    """Input that cannot be accepted; `problems` lists each reason."""

    exit_status = ExitStatus.INVALID_INPUT

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class RecordNotFound(InvalidInput):
    pass


class NoteIsSigned(InvalidInput):
    """A signed note is locked; corrections go in a dated addendum."""


class WrongPassphrase(TherapistDeskError):
    exit_status = ExitStatus.WRONG_PASSPHRASE


class VaultDamaged(TherapistDeskError):
    exit_status = ExitStatus.VAULT_DAMAGED

    RESTORE_HINT = (
        "If you have a backup, restore it into a new folder and open that; "
        "keep this damaged copy until you are sure nothing is missing."
    )

    def __init__(self, what: str) -> None:
        super().__init__(f"The vault is damaged: {what}. {self.RESTORE_HINT}")
        self.what = what


class VaultInUse(TherapistDeskError):
    exit_status = ExitStatus.VAULT_IN_USE


class VaultTooNew(TherapistDeskError):
    exit_status = ExitStatus.VAULT_TOO_NEW


class NoVault(TherapistDeskError):
    exit_status = ExitStatus.NO_VAULT


class VaultExists(TherapistDeskError):
    exit_status = ExitStatus.VAULT_EXISTS


class VaultCloseProblem(TherapistDeskError):
    """The vault closed (keys dropped, lock released) but its last writes failed."""


class StorageProblem(TherapistDeskError):
    """The disk, not the vault: full, read-only, or failing to read or write."""
