"""Saying why a save failed: the errors a save can meet, and their words for the therapist."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from therapist_desk.errors import InvalidInput, TherapistDeskError

#: The errors an autosave can meet and survive.
SAVE_ERRORS = (TherapistDeskError, SQLAlchemyError, OSError)

SavedT = TypeVar("SavedT")


def save_error_text(error: BaseException) -> str:
    """Why a save failed, in words for the therapist (never a traceback): what is wrong
    with what was typed, one problem a line; else what stopped the vault."""
    if isinstance(error, InvalidInput) and error.problems:
        # The message repeats them after a heading ("… cannot be saved: "), run together.
        return "\n".join(error.problems)
    if isinstance(error, TherapistDeskError):
        return error.message
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}"
    if isinstance(error, SQLAlchemyError) and "full" in str(error).lower():
        return "the disk is full"
    return f"the vault could not be written ({type(error).__name__})"


def saved_or_explained(
    save: Callable[[], SavedT],
    explain: Callable[[str], None],
    kept: str = "What you typed is still here.",
) -> SavedT | None:
    """What `save()` returns; or None once `explain` has said, in words, why the vault
    refused it or could not write it (then, after a failed write, `kept`). A dialog then
    stays open with what was typed."""
    try:
        return save()
    except InvalidInput as error:
        explain(save_error_text(error))
    except SAVE_ERRORS as error:
        reason = save_error_text(error).rstrip(".")  # some messages end a sentence already
        explain(" ".join(filter(None, (f"Not saved: {reason}.", kept))))
    return None
