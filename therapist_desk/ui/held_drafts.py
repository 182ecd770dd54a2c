"""Drafts that could not be saved yet (a full disk, say), kept until they can be.

An editor that cannot save when the therapist moves on (another session,
another client, a lock) hands its text here instead of dropping it. The
window retries now and then, and again at every unlock; it will not close
while anything is held. The text lives only in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from therapist_desk.ui.common.dialogs import DialogService

# Moved to common.saving, below the record dialogs that use them; named here still for
# the window, which imports them from here.
from therapist_desk.ui.common.saving import SAVE_ERRORS as SAVE_ERRORS
from therapist_desk.ui.common.saving import save_error_text as save_error_text
from therapist_desk.ui.open_vault import OpenVault

DraftKey = tuple[str, str]


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


class DraftOwner(Protocol):
    """An editor that may hold text the vault does not have yet (a note, a plan, a process
    note, the safety plan, the practice profile). It registers with `HeldDrafts`, so the
    window can reach every one of them without knowing where they sit."""

    def flush(self) -> bool:
        """Save now what has changed; True when nothing is left unsaved."""
        ...

    def hand_over(self) -> None:
        """Save what is typed, or hold it in `HeldDrafts` when it cannot be saved."""
        ...


class HeldDrafts(QObject):
    changed = Signal(int)  # how many drafts are held

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._drafts: dict[DraftKey, HeldDraft] = {}
        self._owners: list[DraftOwner] = []

    def register(self, owner: DraftOwner) -> None:
        self._owners.append(owner)

    def hand_over_all(self) -> None:
        """Every editor saves what it holds, or hands it over to be held (before closing)."""
        for owner in self._owners:
            owner.hand_over()

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
