"""Drafts that could not be saved yet (a full disk, say), kept until they can be.

An editor that cannot save when the therapist moves on (another session,
another client, a lock) hands its text here instead of dropping it. The
window retries now and then, and again at every unlock; it will not close
while anything is held. The text lives only in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from sqlalchemy.exc import SQLAlchemyError

from therapist_desk.errors import InvalidInput, TherapistDeskError
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.open_vault import OpenVault

DraftKey = tuple[str, str]


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


#: The errors an autosave can meet and survive.
SAVE_ERRORS = (TherapistDeskError, SQLAlchemyError, OSError)

SavedT = TypeVar("SavedT")


def removed_after_confirming(
    parent: QWidget,
    dialogs: DialogService,
    question: str,
    consequence: str,
    remove: Callable[[], object],
    what: str,
    action: str = "Remove",
) -> bool:
    """Ask `question` first (its button saying `action`); then `remove()`, or say why
    the `what` could not be removed. True once it is gone."""
    if not dialogs.confirm(parent, question, consequence, action):
        return False
    try:
        remove()
    except SAVE_ERRORS as error:
        dialogs.warn(parent, f"The {what} was not removed", save_error_text(error))
        return False
    return True


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
        explain(" ".join(filter(None, (f"Not saved: {save_error_text(error)}.", kept))))
    return None


@dataclass(frozen=True)
class HeldDraft:
    key: DraftKey
    #: What the editor needs to show the draft again.
    payload: Any
    #: Writes the draft into the vault; raises on failure.
    save: Callable[[OpenVault], object]
    #: "the note of Tue 24 Nov 2026, 10:00": for messages.
    what: str
    error: str


class HeldDrafts(QObject):
    changed = Signal(int)  # how many drafts are held

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._drafts: dict[DraftKey, HeldDraft] = {}

    def __len__(self) -> int:
        return len(self._drafts)

    def hold(self, draft: HeldDraft) -> None:
        self._drafts[draft.key] = draft
        self.changed.emit(len(self._drafts))

    def get(self, key: DraftKey) -> HeldDraft | None:
        return self._drafts.get(key)

    def take(self, key: DraftKey) -> HeldDraft | None:
        """Hand a draft back to its editor (which will save it itself)."""
        draft = self._drafts.pop(key, None)
        if draft is not None:
            self.changed.emit(len(self._drafts))
        return draft

    def keys(self) -> list[DraftKey]:
        return list(self._drafts)

    def save_all(self, vault: OpenVault) -> list[HeldDraft]:
        """Try to save every held draft; returns those still not saved."""
        for key, draft in list(self._drafts.items()):
            try:
                draft.save(vault)
            except SAVE_ERRORS as error:
                self._drafts[key] = replace(draft, error=save_error_text(error))
            else:
                del self._drafts[key]
        self.changed.emit(len(self._drafts))
        return list(self._drafts.values())

    def describe(self) -> str:
        lines = [f"• {draft.what}: {draft.error}" for draft in self._drafts.values()]
        return "\n".join(lines)
