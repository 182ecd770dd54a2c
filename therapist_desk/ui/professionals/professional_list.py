"""The item model and filter behind the Directory and the professional picker."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject

from therapist_desk.domain.records import Professional
from therapist_desk.search.index import fold
from therapist_desk.ui.common.formatting import PROFESSIONAL_ROLE_LABELS
from therapist_desk.ui.common.table_model import RIGHT, Column, TableModel, TypedFilter

#: Columns of ProfessionalTableModel.
NAME, ROLE, ORGANISATION, PHONE, EMAIL, CLIENTS_REFERRED, ADDRESS = range(7)


def one_line(text: str) -> str:
    """A multi-line address on one line, for a table cell."""
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())


def role_label(professional: Professional) -> str:
    return PROFESSIONAL_ROLE_LABELS[professional.details.role]


def _address(professional: Professional) -> str:
    return one_line(professional.details.address)


class ProfessionalTableModel(TableModel[Professional]):
    """Professionals, one a row, with how many clients' referrals name each.

    Professionals are not clients: privacy mode leaves their names as they are. Long
    organisations, emails and addresses are cut short in their cells; their tooltips
    show them whole.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        self._counts: dict[str, int] = {}
        super().__init__(
            (
                Column("Name", lambda p: p.details.name),
                Column("Role", role_label),
                Column(
                    "Organisation",
                    lambda p: p.details.organisation,
                    tooltip=lambda p: p.details.organisation,
                ),
                Column("Phone", lambda p: p.details.phone),
                Column("Email", lambda p: p.details.email, tooltip=lambda p: p.details.email),
                Column(
                    "Referred",
                    self._count_text,
                    self._count,
                    align=RIGHT,
                    header_tooltip="How many clients have a referral to them",
                ),
                Column("Address", _address, tooltip=_address),
            ),
            lambda professional: professional.id,
            parent,
        )

    def _count(self, professional: Professional) -> int:
        return self._counts.get(professional.id, 0)

    def _count_text(self, professional: Professional) -> str:
        return str(self._count(professional))

    def set_directory(
        self, professionals: Sequence[Professional], counts: Mapping[str, int]
    ) -> None:
        self._counts = dict(counts)
        self.set_rows(professionals)

    def referred(self, professional_id: str) -> int:
        """How many clients' referrals name this professional."""
        return self._counts.get(professional_id, 0)

    def clear(self) -> None:
        self._counts = {}
        super().clear()


def searchable_text(professional: Professional) -> str:
    """Every field the filter looks in, folded: name, role, organisation, address, phone, email."""
    details = professional.details
    return fold(
        " ".join(
            (
                details.name,
                role_label(professional),
                details.organisation,
                details.address,
                details.phone,
                details.email,
            )
        )
    )


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


class ProfessionalFilter(TypedFilter[Professional]):
    """Filters as you type: every word must appear somewhere in the entry.

    A word of digits also matches the phone number with its spaces left out.
    """

    def accepts(self, row: Professional) -> bool:
        if not self._words:
            return True
        text = searchable_text(row)
        phone = _digits(row.details.phone)
        return all(term in text or (term.isdigit() and term in phone) for term in self._words)
