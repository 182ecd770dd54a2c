"""What one committed action changed, as the window announces it to every view.

`OpenVault.changed` carries a `Change` after each write: the kinds of record it
touched and whose they are. A view listens for the kinds it shows and, for a
client's view, that client; it never needs to know which screen made the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from therapist_desk.domain.records import Client


class Kind(StrEnum):
    """The kinds of record a change can touch."""

    CLIENT = "client"
    CONTACT = "contact"
    SESSION = "session"
    NOTE = "progress note"
    PROCESS_NOTE = "process note"
    PLAN = "treatment plan"
    DIAGNOSIS = "diagnosis"
    MEDICATION = "medication"
    MEASURE = "measure"
    RISK = "risk assessment"
    SAFETY_PLAN = "safety plan"
    SIGNIFICANT_DATE = "significant date"
    PAYMENT = "payment"
    REFERRAL = "referral"
    CONSENT = "consent to share"
    DISCLOSURE = "disclosure"
    # Practice-wide, belonging to no client:
    PROFESSIONAL = "professional"
    PRACTICE = "practice profile or default fee"
    TERM = "pick-list term"
    TEMPLATE = "letter template"
    SAFEKEEPING = "backups and retention settings"


@dataclass(frozen=True)
class Change:
    """One committed action: when it was committed, the kinds of record it changed, and
    the clients they belong to (none for a practice-wide change)."""

    at: datetime
    kinds: frozenset[Kind]
    client_ids: frozenset[str] = frozenset()
    #: The client as saved, when the action saved one (the lists show it without a read).
    client: Client | None = None
    #: The action deleted the client(s) in `client_ids`.
    removed: bool = False

    def touches(self, *kinds: Kind) -> bool:
        """Whether the action changed any of these kinds of record."""
        return not self.kinds.isdisjoint(kinds)

    def concerns(self, client_id: str | None, *kinds: Kind) -> bool:
        """Whether it changed one of these kinds of record of this client (or of the
        practice as a whole, which every client's view shows)."""
        if not self.touches(*kinds):
            return False
        return not self.client_ids or (client_id is not None and client_id in self.client_ids)
