"""Forms the lock closed half-typed, offered again when the same form is opened next.

Locking closes every open dialog (nothing of a client may stay on screen), but
what the therapist had typed into one is not thrown away: the view that opened
the dialog keeps it here, in memory only, under what the form was for (a
record's id, or "new"), and fills the next dialog for the same thing with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtWidgets import QDialog

FormT = TypeVar("FormT")
FormT_contra = TypeVar("FormT_contra", contravariant=True)


class RefillableDialog(Protocol[FormT_contra]):
    def fill(self, form: FormT_contra, /) -> None: ...

    def exec(self) -> int: ...

    def property(self, name: str, /) -> Any: ...


class UnfinishedForms(Generic[FormT]):
    def __init__(self) -> None:
        self._held: dict[str, FormT] = {}

    def run(self, dialog: RefillableDialog[FormT], key: str, typed: Callable[[], FormT]) -> bool:
        """Fill `dialog` with what was held for `key`, run it, and say whether it was
        accepted; if the lock closed it instead, hold what `typed()` returns."""
        held = self._held.pop(key, None)
        if held is not None:
            dialog.fill(held)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return True
        if dialog.property("closed_by_lock"):
            self._held[key] = typed()
        return False
