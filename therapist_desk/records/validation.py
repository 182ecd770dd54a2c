"""Small checks shared by the services; each returns problems as sentences."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from therapist_desk.db.models import ClientRow
from therapist_desk.errors import InvalidInput, RecordNotFound

MAX_NAME_LENGTH = 200
MAX_SHORT_TEXT = 2_000


class Problems:
    """Collects every problem with an input, so the user sees them all at once."""

    def __init__(self) -> None:
        self._items: list[str] = []

    def add(self, message: str) -> None:
        self._items.append(message)

    def require_text(self, label: str, value: str, limit: int = MAX_NAME_LENGTH) -> None:
        if not value.strip():
            self.add(f"{label} is required.")
        self.limit(label, value, limit)

    def limit(self, label: str, value: str, limit: int = MAX_SHORT_TEXT) -> None:
        if len(value) > limit:
            self.add(f"{label} is too long ({len(value)} characters; at most {limit}).")

    def date_order(
        self,
        earlier_label: str,
        earlier: date | None,
        later_label: str,
        later: date | None,
    ) -> None:
        if earlier is not None and later is not None and later < earlier:
            self.add(
                f"{later_label} ({later.isoformat()}) is before "
                f"{earlier_label} ({earlier.isoformat()})."
            )

    def raise_if_any(self, what: str) -> None:
        if self._items:
            raise InvalidInput(f"{what}: " + " ".join(self._items), self._items)


def load_client_row(session: Session, client_id: str) -> ClientRow:
    """The client's row, in the caller's session; raises RecordNotFound.

    Here rather than in `clients` so that the services beside it can check
    that the client a record is for exists.
    """
    row = session.get(ClientRow, client_id)
    if row is None:
        raise RecordNotFound(f"There is no client with id {client_id}.")
    return row
