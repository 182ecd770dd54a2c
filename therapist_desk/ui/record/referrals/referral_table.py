"""How a referral reads in a table: one client's (their Referrals tab) or the practice's.

The words, the dates and the "no reply" rule live here once, so the tab and the
practice-wide Referrals place always agree on what is overdue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QAbstractItemModel, QObject, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QHeaderView, QTableView

from therapist_desk.domain.records import Referral
from therapist_desk.domain.vocabulary import ReferralStatus, ReferralUrgency
from therapist_desk.ui.common.formatting import REFERRAL_STATUS_LABELS, URGENCY_LABELS
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.common.widgets import record_table

#: Still waiting on someone: the therapist (a draft) or the recipient.
OPEN_STATUSES = frozenset({ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED})
NO_REPLY_TIP = "The follow-up date has passed and no reply has been recorded."
_STATUS_ORDER = {status: order for order, status in enumerate(REFERRAL_STATUS_LABELS)}
_URGENCY_ORDER = {urgency: order for order, urgency in enumerate(ReferralUrgency)}


def short_day(value: date | None) -> str:
    """ "3 Mar 2025": narrow enough for five date columns side by side."""
    return f"{value.day} {value:%b %Y}" if value else "—"


def follow_up_overdue(referral: Referral, today: date) -> bool:
    """Sent, no reply, and the follow-up date has passed (as Today counts them)."""
    details = referral.details
    return (
        details.status is ReferralStatus.SENT
        and details.follow_up_on is not None
        and details.follow_up_on < today
    )


def follow_up_text(referral: Referral, today: date) -> str:
    """ "3 Mar 2025", or "3 Mar 2025 · no reply" once it is overdue."""
    text = short_day(referral.details.follow_up_on)
    return f"{text} · no reply" if follow_up_overdue(referral, today) else text


def one_line(text: str) -> str:
    """A reason written over several lines, on one (the table's cell)."""
    return " ".join(text.split())


def _date_key(value: date | None) -> date:
    return value or date.max  # undated last


#: A date column's title, and the field of ReferralDetails it shows.
_DATE_FIELDS = {
    "Referred": "referred_on",
    "Sent": "sent_on",
    "Acknowledged": "acknowledged_on",
    "Closed": "closed_on",
}


def _date_column(title: str) -> Column[Referral]:
    field = _DATE_FIELDS[title]

    def value(referral: Referral) -> date | None:
        found: date | None = getattr(referral.details, field)
        return found

    return Column(title, lambda r: short_day(value(r)), lambda r: _date_key(value(r)))


class ReferralTableModel(TableModel[Referral]):
    """Referrals, one a row; an overdue follow-up is bold with a warning icon, and says so.

    `leading` columns come first (the practice-wide place puts the client there);
    `closing_dates` adds the Acknowledged and Closed columns. The follow-up is last.
    """

    def __init__(
        self,
        recipient: Callable[[str], str],
        today: Callable[[], date],
        *,
        leading: Sequence[Column[Referral]] = (),
        closing_dates: bool = True,
        parent: QObject | None = None,
    ) -> None:
        self._today = today
        dates = ["Referred", "Sent"] + (["Acknowledged", "Closed"] if closing_dates else [])
        columns: list[Column[Referral]] = [
            *leading,
            Column("Recipient", lambda r: recipient(r.professional_id)),
            Column(
                "Reason",
                lambda r: one_line(r.details.reason),
                tooltip=lambda r: r.details.reason,  # the cell is cut to one line
            ),
            Column(
                "Urgency",
                lambda r: URGENCY_LABELS[r.details.urgency],
                lambda r: _URGENCY_ORDER[r.details.urgency],
            ),
            Column(
                "Status",
                lambda r: REFERRAL_STATUS_LABELS[r.details.status],
                lambda r: _STATUS_ORDER[r.details.status],
            ),
            *(_date_column(title) for title in dates),
            Column(
                "Follow up",
                lambda r: follow_up_text(r, self._today()),
                lambda r: (_date_key(r.details.follow_up_on), r.details.referred_on or date.max),
                tooltip=lambda r: NO_REPLY_TIP if self.overdue(r) else None,
                icon=self._overdue_icon,
            ),
        ]
        # An overdue referral is bold across its whole row.
        super().__init__(
            [replace(column, bold=self.overdue) for column in columns],
            lambda referral: referral.id,
            parent,
        )
        self.reason_column = len(leading) + 1
        self.follow_up_column = len(columns) - 1

    def overdue(self, referral: Referral) -> bool:
        return follow_up_overdue(referral, self._today())

    def _overdue_icon(self, referral: Referral) -> QIcon | None:
        return icon("risk") if self.overdue(referral) else None


def fitting_table(name: str, model: QAbstractItemModel, stretch: int) -> QTableView:
    """A table that fits the page's width: column `stretch` gives way (elided), never scrolls."""
    table = record_table(name)
    table.setModel(model)  # first: setting a model resets the sections' resize modes
    table.horizontalHeader().setStretchLastSection(False)
    refit(table, stretch)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return table


def refit(table: QTableView, stretch: int) -> None:
    """Size the columns to what is shown now. A filter proxy that lets other rows through
    does not make the header measure again (a longer name would be cut); setting the
    modes does."""
    header = table.horizontalHeader()
    for column in range(header.count()):
        mode = QHeaderView.ResizeMode.Stretch if column == stretch else None
        header.setSectionResizeMode(column, mode or QHeaderView.ResizeMode.ResizeToContents)
