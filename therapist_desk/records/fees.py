"""Fees and payments: the default fee, payments received, what each client owes, statements.

A client is charged for a session that took place for them: attended, cancelled
late, or missed without notice. A joint session's fee is shared equally among
its charged attendees. All money is Decimal; nothing here ever becomes a float.

Every function that turns a session's time into a day takes `zone`; None
means the computer's own time zone, the one the window shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, Select, select
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import PaymentRow, SessionAttendeeRow, TherapySessionRow
from therapist_desk.db.record_codec import RecordCodec, ValueDecryptionError
from therapist_desk.db.value_codec import ValueUnreadable, dump_value, load_value
from therapist_desk.domain.records import Payment, PaymentDetails
from therapist_desk.domain.vocabulary import Attendance, AuditKind, PaymentMethod, SessionKind
from therapist_desk.domain.wall_clock import local_date, start_of_day
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import load_client_row
from therapist_desk.records.therapy_sessions import ATTENDEE_TABLE, load_session_row
from therapist_desk.records.therapy_sessions import TABLE as SESSION_TABLE
from therapist_desk.records.validation import Problems
from therapist_desk.vault import Vault, audit
from therapist_desk.vault.settings import get_setting, put_setting

TABLE = PaymentRow.__tablename__
#: The vault setting that holds the fee a new session starts with.
DEFAULT_FEE_SETTING = "default_session_fee"
CENT = Decimal("0.01")
#: Attendance for which the client is charged: the time was theirs.
CHARGED = frozenset({Attendance.ATTENDED, Attendance.LATE_CANCELLED, Attendance.NO_SHOW})


# -- amounts -----------------------------------------------------------------------------


def _amount_problems(problems: Problems, label: str, amount: Decimal, *, positive: bool) -> None:
    if not amount.is_finite():
        problems.add(f"{label} is not a number.")
    elif positive and amount <= 0:
        problems.add(f"{label} must be more than zero.")
    elif amount < 0:
        problems.add(f"{label} cannot be negative.")
    elif amount != amount.quantize(CENT):
        problems.add(f"{label} ({amount}) has more than two decimal places.")


def split_fee(fee: Decimal, client_ids: Collection[str]) -> dict[str, Decimal]:
    """Each client's equal share of `fee`, to the cent.

    The cents left over by rounding down go to the first client by id, so the
    shares always add up to the fee exactly.
    """
    if not client_ids:
        raise ValueError("a fee is split among at least one client")
    ordered = sorted(client_ids)
    share = (fee / len(ordered)).quantize(CENT, rounding=ROUND_DOWN)
    shares = dict.fromkeys(ordered, share)
    shares[ordered[0]] += fee - share * len(ordered)
    return shares


# -- the default fee ----------------------------------------------------------------------


def default_fee(vault: Vault) -> Decimal | None:
    """The fee a new session starts with, or None when the therapist has not set one."""
    text = get_setting(vault, DEFAULT_FEE_SETTING)
    if not text:
        return None
    try:
        fee = Decimal(text)
    except InvalidOperation:
        return None
    return fee if fee.is_finite() and fee >= 0 else None


def set_default_fee(vault: Vault, fee: Decimal | None) -> None:
    """Set the fee new sessions start with; None clears it."""
    if fee is not None:
        problems = Problems()
        _amount_problems(problems, "The default fee", fee, positive=False)
        problems.raise_if_any("The default fee cannot be saved")
    with vault.transaction() as session:
        put_setting(session, vault, DEFAULT_FEE_SETTING, "" if fee is None else str(fee))
        audit.record(session, vault, AuditKind.EDIT, detail="default fee")


# -- payments ------------------------------------------------------------------------------


def check_payment(details: PaymentDetails, today: date) -> None:
    problems = Problems()
    _amount_problems(problems, "The amount", details.amount, positive=True)
    if details.paid_on is None:
        problems.add("The payment date is required.")
    elif details.paid_on > today:
        problems.add(f"The payment date ({details.paid_on.isoformat()}) is in the future.")
    problems.limit("The reference", details.reference)
    problems.raise_if_any("The payment cannot be saved")


def payment_from_row(codec: RecordCodec, row: PaymentRow) -> Payment:
    details, damaged = codec.open_details(row, PaymentDetails)
    return Payment(row.id, row.client_id, row.session_id, details, row.created_at, damaged)


def new_payment_row(
    codec: RecordCodec,
    client_id: str,
    session_id: str | None,
    details: PaymentDetails,
    now: datetime,
    payment_id: str | None = None,
) -> PaymentRow:
    """A payment row (the caller brings its session's paid flag up to date)."""
    row_id = payment_id or new_id()
    return PaymentRow(
        id=row_id,
        client_id=client_id,
        session_id=session_id,
        created_at=now,
        **codec.seal_details(TABLE, row_id, details),
    )


def _load(session: Session, payment_id: str) -> PaymentRow:
    row = session.get(PaymentRow, payment_id)
    if row is None:
        raise RecordNotFound(f"There is no payment with id {payment_id}.")
    return row


def _check_link(session: Session, client_id: str, session_id: str) -> None:
    """Refuse a payment for a session the client does not attend."""
    row = load_session_row(session, session_id)
    if client_id not in {attendee.client_id for attendee in row.attendees}:
        raise InvalidInput("That session is not one of this client's sessions.")


def _owed_shares(codec: RecordCodec, row: TherapySessionRow) -> dict[str, Decimal] | None:
    """Each attendee's share of the session's fee, as `shares_of` splits it; None when the
    fee or an attendance cannot be read.

    Before anyone is charged (a session paid in advance) the fee is split among every
    attendee, as it would be if they all came.
    """
    try:
        fee = _open_value(codec, SESSION_TABLE, "fee", row.id, row.fee, Decimal, type(None))
    except _UNREADABLE:
        return None
    attendance = {}
    for attendee in row.attendees:
        status = _attendance(codec, attendee.id, attendee.attendance)
        if status is None:
            return None
        attendance[attendee.client_id] = status
    owing = [client for client, status in attendance.items() if status in CHARGED]
    owing = owing or list(attendance)
    if not owing:
        return {}
    return split_fee(fee or Decimal("0"), owing)


def settle_session(vault: Vault, session: Session, session_id: str) -> None:
    """Bring the session's stored `paid` flag up to date with the payments linked to it.

    The flag says the whole fee is settled: every attendee charged has paid at least
    their share for this session. For an individual session that is the client's own
    "paid"; for a joint one it stays false until the last attendee has paid. Who has
    paid what of a joint session is worked out per client from the payments
    (`Statement` lines), never from this flag. Call after the payments changed, in the
    same transaction.
    """
    session.flush()
    row = session.get(TherapySessionRow, session_id)
    if row is None:
        return
    paid_by: dict[str, Decimal] = defaultdict(Decimal)
    linked = session.execute(
        select(PaymentRow.id, PaymentRow.client_id, PaymentRow.amount).where(
            PaymentRow.session_id == session_id
        )
    ).all()
    for payment_id, payer, blob in linked:
        try:
            paid_by[payer] += _open_value(vault.codec, TABLE, "amount", payment_id, blob, Decimal)
        except _UNREADABLE:
            continue  # an amount that cannot be read pays nothing here
    shares = _owed_shares(vault.codec, row)
    settled = (
        bool(linked)
        and shares is not None
        and all(paid_by[client] >= share for client, share in shares.items())
    )
    try:
        current = _open_value(vault.codec, SESSION_TABLE, "paid", row.id, row.paid, bool)
    except _UNREADABLE:
        current = None  # rewritten below: a damaged flag is replaced by a readable one
    if current is not settled:
        row.paid = vault.codec.seal(SESSION_TABLE, "paid", row.id, settled)
        row.updated_at = vault.now()


def record_payment(
    vault: Vault, client_id: str, details: PaymentDetails, *, session_id: str | None = None
) -> Payment:
    """Record a payment received, for one session or towards the account.

    A payment for a session counts towards the payer's share of its fee; the session
    is marked paid once every attendee charged has paid their share.
    """
    now = vault.now()
    check_payment(details, local_date(now))
    with vault.transaction() as session:
        load_client_row(session, client_id)
        if session_id is not None:
            _check_link(session, client_id, session_id)
        row = new_payment_row(vault.codec, client_id, session_id, details, now)
        audit.add_recorded(session, vault, row, "payment")
        if session_id is not None:
            settle_session(vault, session, session_id)
    return Payment(row.id, client_id, session_id, details, now)


def get_payment(vault: Vault, payment_id: str) -> Payment:
    with vault.reading() as session:
        return payment_from_row(vault.codec, _load(session, payment_id))


def payments_for_client(vault: Vault, client_id: str) -> list[Payment]:
    """The client's payments, earliest first."""
    with vault.reading() as session:
        rows = session.scalars(select(PaymentRow).where(PaymentRow.client_id == client_id))
        payments = [payment_from_row(vault.codec, row) for row in rows]
    return sorted(payments, key=_payment_order)


def _payment_order(payment: Payment) -> tuple[date, datetime, str]:
    return (payment.details.paid_on or date.min, payment.created_at, payment.id)


def update_payment(
    vault: Vault, payment_id: str, details: PaymentDetails, session_id: str | None
) -> Payment:
    """Correct a payment; `session_id` is the session it pays for, or None for the account."""
    check_payment(details, local_date(vault.now()))
    with vault.transaction() as session:
        row = _load(session, payment_id)
        previous = row.session_id
        if session_id is not None and session_id != previous:
            _check_link(session, row.client_id, session_id)
        row.session_id = session_id
        audit.edit_recorded(session, vault, row, details, "payment")
        # A corrected amount can settle a session, or leave it short again.
        for touched in {previous, session_id}:
            if touched is not None:
                settle_session(vault, session, touched)
        return payment_from_row(vault.codec, row)


def remove_payment(vault: Vault, payment_id: str) -> None:
    """Remove a payment recorded by mistake; its session is unpaid again if it falls short."""
    with vault.transaction() as session:
        row = _load(session, payment_id)
        session_id = row.session_id
        audit.delete_recorded(session, vault, row, "payment")
        if session_id is not None:
            settle_session(vault, session, session_id)


# -- what is owed ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    kind: SessionKind = SessionKind.INDIVIDUAL


#: A record left out of a sum because a stored value could not be read: (client id, record id).
Unreadable = tuple[str, str]
#: The attendees charged for one session: (client id, attendance).
Charged = list[tuple[str, Attendance]]


def _attended_by(client_id: str) -> Select[str]:
    # correlate(None): this is a list of session ids of its own, even inside a query
    # that reads session_attendees itself.
    return (
        select(SessionAttendeeRow.session_id)
        .where(SessionAttendeeRow.client_id == client_id)
        .correlate(None)
    )


# Balances read hundreds of thousands of values: each table is read once, as plain
# rows without joins; only the columns a sum needs are decrypted, one value at a time
# rather than as a record (which costs twice as much in Python); and an attendance is
# recognised by its serialized bytes.

_ATTENDANCE_BY_PLAINTEXT = {dump_value(status): status for status in Attendance}
_UNREADABLE = (ValueDecryptionError, ValueUnreadable)


def _attendance(codec: RecordCodec, attendee_id: str, blob: bytes) -> Attendance | None:
    """The attendance stored in `blob`, or None when it cannot be read."""
    try:
        plaintext = codec.open_bytes(ATTENDEE_TABLE, "attendance", attendee_id, blob)
    except ValueDecryptionError:
        return None
    return _ATTENDANCE_BY_PLAINTEXT.get(plaintext)


def _open_value(
    codec: RecordCodec, table: str, column: str, row_id: str, blob: bytes, *types: type
) -> Any:
    """One decrypted value of one of `types`; raises ValueDecryptionError or ValueUnreadable."""
    value = load_value(codec.open_bytes(table, column, row_id, blob))
    # type() rather than isinstance: a datetime is a date, and a bool is an int.
    if type(value) not in types:
        raise ValueUnreadable(f"{table}.{column} holds a {type(value).__name__}")
    return value


def _session_charges(
    connection: Connection,
    codec: RecordCodec,
    through: date,
    zone: tzinfo | None,
    client_id: str | None,
    unreadable: list[Unreadable],
) -> Iterator[tuple[str, Decimal, Charged]]:
    """(session id, fee, attendees charged) of each session up to the end of local day
    `through` that someone is charged for and that has a fee; with `client_id`,
    only the sessions that client attends (with every attendee, for the split).

    Attendance is opened first, so a fee is decrypted only where someone is charged.
    """
    sessions = select(TherapySessionRow.id, TherapySessionRow.fee).where(
        TherapySessionRow.starts_at < start_of_day(through + timedelta(days=1), zone)
    )
    attendees = select(
        SessionAttendeeRow.id,
        SessionAttendeeRow.session_id,
        SessionAttendeeRow.client_id,
        SessionAttendeeRow.attendance,
    )
    if client_id is not None:
        sessions = sessions.where(TherapySessionRow.id.in_(_attended_by(client_id)))
        attendees = attendees.where(SessionAttendeeRow.session_id.in_(_attended_by(client_id)))
    fee_blobs: dict[str, bytes] = dict(connection.execute(sessions).all())
    charged: dict[str, Charged] = defaultdict(list)
    broken: dict[str, list[str]] = defaultdict(list)
    for attendee_id, session_id, attendee_client, blob in connection.execute(attendees):
        if session_id not in fee_blobs:
            continue  # a later session
        status = _attendance(codec, attendee_id, blob)
        if status is None:
            broken[session_id].append(attendee_client)
        elif status in CHARGED:
            charged[session_id].append((attendee_client, status))
    # Without every attendance the shares are unknown: the session is left out for
    # everyone in it, and each of them is told.
    for session_id, unread in broken.items():
        readable = [client for client, _ in charged.pop(session_id, ())]
        unreadable.extend((client, session_id) for client in unread + readable)
    for session_id, who in charged.items():
        blob = fee_blobs[session_id]
        try:
            fee = _open_value(codec, SESSION_TABLE, "fee", session_id, blob, Decimal, type(None))
        except _UNREADABLE:
            unreadable.extend((client, session_id) for client, _ in who)
            continue
        if fee is not None:
            yield session_id, fee, who


def _shares(fee: Decimal, who: Charged) -> Iterator[tuple[str, Attendance, Decimal]]:
    if len(who) == 1:  # the common case needs no division
        (client_id, attendance), share = who[0], fee
        yield client_id, attendance, share
        return
    shares = split_fee(fee, [client_id for client_id, _ in who])
    for client_id, attendance in who:
        yield client_id, attendance, shares[client_id]


def _paid_amounts(
    connection: Connection,
    codec: RecordCodec,
    client_id: str | None,
    unreadable: list[Unreadable],
) -> Iterator[tuple[str, date, Decimal]]:
    """(client id, day paid, amount) of every payment, or of one client's."""
    query = select(PaymentRow.id, PaymentRow.client_id, PaymentRow.amount, PaymentRow.paid_on)
    if client_id is not None:
        query = query.where(PaymentRow.client_id == client_id)
    for payment_id, payer, amount_blob, paid_on_blob in connection.execute(query):
        try:
            amount = _open_value(codec, TABLE, "amount", payment_id, amount_blob, Decimal)
            paid_on = _open_value(codec, TABLE, "paid_on", payment_id, paid_on_blob, date)
        except _UNREADABLE:
            unreadable.append((payer, payment_id))
            continue
        yield payer, paid_on, amount


@dataclass(frozen=True)
class ClientBalance:
    client_id: str
    as_of: date
    #: Every charge up to and including `as_of`.
    charged: Decimal
    #: Every payment up to and including `as_of`.
    paid: Decimal
    #: Ids of the client's sessions and payments left out because a stored value
    #: could not be read; the balance is incomplete while any are listed.
    unreadable: tuple[str, ...] = ()

    @property
    def balance(self) -> Decimal:
        """What the client owes; below zero when they are in credit."""
        return self.charged - self.paid


def _today(vault: Vault, zone: tzinfo | None) -> date:
    return local_date(vault.now(), zone)


def _balances(
    vault: Vault, client_id: str | None, as_of: date, zone: tzinfo | None
) -> dict[str, ClientBalance]:
    charged_to: dict[str, Decimal] = defaultdict(Decimal)
    paid_by: dict[str, Decimal] = defaultdict(Decimal)
    unreadable: list[Unreadable] = []
    with vault.reading() as session:
        connection = session.connection()
        for _session_id, fee, who in _session_charges(
            connection, vault.codec, as_of, zone, client_id, unreadable
        ):
            for charged_client, _attendance, share in _shares(fee, who):
                charged_to[charged_client] += share
        for payer, paid_on, amount in _paid_amounts(connection, vault.codec, client_id, unreadable):
            if paid_on <= as_of:
                paid_by[payer] += amount
    left_out: dict[str, list[str]] = defaultdict(list)
    for owner, record_id in unreadable:
        left_out[owner].append(record_id)
    return {
        owner: ClientBalance(
            owner, as_of, charged_to[owner], paid_by[owner], tuple(left_out[owner])
        )
        for owner in sorted(set(charged_to) | set(paid_by) | set(left_out))
    }


def client_balance(
    vault: Vault, client_id: str, *, as_of: date | None = None, zone: tzinfo | None = None
) -> ClientBalance:
    """What one client has been charged and has paid up to `as_of` (by default today)."""
    day = as_of or _today(vault, zone)
    found = _balances(vault, client_id, day, zone).get(client_id)
    if found is None:
        return ClientBalance(client_id, day, Decimal("0"), Decimal("0"))
    return found


def balances(
    vault: Vault, *, as_of: date | None = None, zone: tzinfo | None = None
) -> dict[str, ClientBalance]:
    """Client id → balance, for every client with a charge or a payment, in one pass."""
    return _balances(vault, None, as_of or _today(vault, zone), zone)


def outstanding_balances(
    vault: Vault, *, as_of: date | None = None, zone: tzinfo | None = None
) -> list[ClientBalance]:
    """The clients who owe money, the largest amount first."""
    owing = [
        found for found in balances(vault, as_of=as_of, zone=zone).values() if found.balance > 0
    ]
    return sorted(owing, key=lambda found: (-found.balance, found.client_id))


# -- statements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    """One session charged or one payment received, with the balance after it."""

    on: date
    #: The client's share of the session's fee; zero on a payment line.
    charge: Decimal
    #: The amount received; zero on a session line.
    payment: Decimal
    #: What the client owes after this line.
    balance: Decimal
    session_id: str | None = None
    #: When the session began, on the therapist's wall clock.
    starts_at: datetime | None = None
    session_kind: SessionKind | None = None
    attendance: Attendance | None = None
    #: The whole fee of the session; more than `charge` for a joint session.
    session_fee: Decimal | None = None
    #: On a session line, what this client has paid for this very session by the end
    #: of the statement (payments linked to it); other attendees' payments do not count.
    paid_towards: Decimal = Decimal("0")
    payment_id: str | None = None
    method: PaymentMethod | None = None
    reference: str = ""
    #: On a payment line, when the session it pays for began (None: towards the account).
    paid_for: datetime | None = None

    @property
    def is_payment(self) -> bool:
        return self.payment_id is not None

    @property
    def unpaid(self) -> Decimal:
        """What is left of this client's share of the session (zero on a payment line)."""
        return max(self.charge - self.paid_towards, Decimal("0"))

    @property
    def is_paid(self) -> bool:
        """This client has paid their share of this session, whatever the others did."""
        return not self.is_payment and self.paid_towards >= self.charge


@dataclass(frozen=True)
class Statement:
    """A client's account over a period, as a letter template shows it."""

    client_id: str
    start: date
    end: date
    opening_balance: Decimal
    lines: tuple[StatementLine, ...]
    total_charged: Decimal
    total_paid: Decimal
    closing_balance: Decimal
    #: Sessions and payments left out because a stored value could not be read.
    unreadable: tuple[str, ...] = ()


def _charge_lines(
    connection: Connection, codec: RecordCodec, client_id: str, end: date, zone: tzinfo | None
) -> tuple[list[StatementLine], list[Unreadable]]:
    """A line for each of the client's charges up to the end of local day `end`, by time."""
    unreadable: list[Unreadable] = []
    mine: dict[str, tuple[Decimal, Attendance, Decimal]] = {}
    for session_id, fee, who in _session_charges(
        connection, codec, end, zone, client_id, unreadable
    ):
        for charged_client, attendance, share in _shares(fee, who):
            if charged_client == client_id:
                mine[session_id] = (share, attendance, fee)
    rows = connection.execute(
        select(TherapySessionRow.id, TherapySessionRow.starts_at, TherapySessionRow.kind).where(
            TherapySessionRow.id.in_(list(mine))
        )
    )
    lines = []
    for session_id, starts_at, kind_blob in rows:
        share, attendance, fee = mine[session_id]
        kind, damaged = codec.open_mapping(SESSION_TABLE, session_id, {"kind": kind_blob}, _Kind)
        local = starts_at.astimezone(zone)
        lines.append(
            StatementLine(
                on=local.date(),
                charge=share,
                payment=Decimal("0"),
                balance=Decimal("0"),
                session_id=session_id,
                starts_at=local,
                session_kind=None if damaged else kind.kind,
                attendance=attendance,
                session_fee=fee,
            )
        )
    lines.sort(key=lambda line: (line.starts_at, line.session_id))
    return lines, unreadable


def _payment_line(payment: Payment, paid_on: date, paid_for: datetime | None) -> StatementLine:
    return StatementLine(
        on=paid_on,
        charge=Decimal("0"),
        payment=payment.details.amount,
        balance=Decimal("0"),
        payment_id=payment.id,
        method=payment.details.method,
        reference=payment.details.reference,
        paid_for=paid_for,
    )


def statement(
    vault: Vault, client_id: str, start: date, end: date, *, zone: tzinfo | None = None
) -> Statement:
    """The client's account from local day `start` to `end`, both included.

    Lines are in date order, a day's sessions (by time) before its payments;
    each carries the running balance, starting from what was owed before `start`.
    A session line says whether this client has paid their share of it by `end`.
    """
    problems = Problems()
    problems.date_order("the start of the statement", start, "Its end", end)
    problems.raise_if_any("The statement cannot be made")
    with vault.reading() as session:
        load_client_row(session, client_id)
        charges, unreadable = _charge_lines(session.connection(), vault.codec, client_id, end, zone)
        payment_rows = session.scalars(select(PaymentRow).where(PaymentRow.client_id == client_id))
        payments = sorted(
            (payment_from_row(vault.codec, row) for row in payment_rows), key=_payment_order
        )
    opening = sum((line.charge for line in charges if line.on < start), Decimal("0"))
    began = {line.session_id: line.starts_at for line in charges}
    paid_towards: dict[str | None, Decimal] = defaultdict(Decimal)
    payment_entries = []
    for payment in payments:
        paid_on = payment.details.paid_on
        if payment.damaged or paid_on is None:
            unreadable.append((client_id, payment.id))
            continue
        if paid_on > end:
            continue
        paid_towards[payment.session_id] += payment.details.amount
        if paid_on < start:
            opening -= payment.details.amount
        else:
            line = _payment_line(payment, paid_on, began.get(payment.session_id))
            payment_entries.append(((paid_on, 1), line))
    # A day's sessions come before its payments (a client pays at the end of a session).
    entries = [
        ((line.on, 0), replace(line, paid_towards=paid_towards[line.session_id]))
        for line in charges
        if line.on >= start
    ]
    entries.extend(payment_entries)
    # A stable sort keeps sessions in time order and payments in the order recorded.
    entries.sort(key=lambda entry: entry[0])
    running = opening
    lines = []
    for _order, line in entries:
        running += line.charge - line.payment
        lines.append(replace(line, balance=running))
    total_charged = sum((line.charge for line in lines), Decimal("0"))
    total_paid = sum((line.payment for line in lines), Decimal("0"))
    return Statement(
        client_id,
        start,
        end,
        opening,
        tuple(lines),
        total_charged,
        total_paid,
        opening + total_charged - total_paid,
        tuple(record_id for owner, record_id in unreadable if owner == client_id),
    )
