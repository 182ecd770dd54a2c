"""Writing a file the user chose: whole or not at all, readable by them alone."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from therapist_desk.errors import InvalidInput, StorageProblem


def write_file_atomically(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so the file is complete or absent, never cut short.

    The file is readable by the owner only, and the temporary file is removed
    on any failure (a full disk, say), so no partial copy of client text stays
    behind.
    """
    directory = path.resolve().parent
    if not directory.is_dir():
        raise InvalidInput(f"The folder {directory} does not exist.")
    fd, temporary = tempfile.mkstemp(prefix=".therapist-desk-", suffix=".partial", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).chmod(0o600)
        Path(temporary).replace(path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise StorageProblem(
                f"Cannot write {path}: {error.strerror}; nothing was written."
            ) from error
        raise


def fsync_directory(directory: Path) -> None:
    """Make a new or renamed entry in `directory` survive a power cut (POSIX only)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
