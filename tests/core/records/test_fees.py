"""Fees and payments: the default fee, payments, balances and statements."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from tests.core.conftest import Clock
from therapist_desk.db.models import PaymentRow, SessionAttendeeRow, TherapySessionRow
from therapist_desk.domain.records import ClientDetails, PaymentDetails, SessionDetails
from therapist_desk.domain.vocabulary import Attendance, AuditKind, PaymentMethod, SessionKind
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import create_client
from therapist_desk.records.fees import (
    DEFAULT_FEE_SETTING,
    ClientBalance,
    StatementLine,
    balances,
    client_balance,
    default_fee,
    get_payment,
    outstanding_balances,
    payments_for_client,
    record_payment,
    remove_payment,
    set_default_fee,
    split_fee,
    statement,
    update_payment,
)
from therapist_desk.records.therapy_sessions import get_session, schedule_session, set_attendance
from therapist_desk.vault import Vault, audit
from therapist_desk.vault.settings import get_setting

LONDON = ZoneInfo("Europe/London")
#: The clocked vault's "now" is Monday 6 May 2024, 09:00 UTC: 10:00 in London.
TODAY = date(2024, 5, 6)
#: A payment date in the past wherever the computer running the tests is.
RECENTLY = date(2024, 5, 3)
FEE = Decimal("90.00")


@pytest.fixture
def clients(clocked_vault: Vault) -> list[str]:
    """Three clients, in id order (the order a fee's odd cents follow)."""
    return sorted(
        create_client(clocked_vault, ClientDetails(legal_name=name)).id
        for name in ("Amira Haddad", "Jonas Berg", "Carla Diaz")
    )


def book(
    vault: Vault,
    client_ids: list[str],
    on: date,
    fee: Decimal | None = FEE,
    attendance: Attendance | None = Attendance.ATTENDED,
    hour: int = 10,
) -> str:
    """A session on local day `on` (London), with everyone's attendance set."""
    kind = {1: SessionKind.INDIVIDUAL, 2: SessionKind.COUPLE}.get(
        len(client_ids), SessionKind.FAMILY
    )
    starts = datetime(on.year, on.month, on.day, hour, tzinfo=LONDON)
    session_id = schedule_session(
        vault, starts, 50, SessionDetails(kind=kind, fee=fee), client_ids
    ).id
    if attendance is not None:
        for client_id in client_ids:
            set_attendance(vault, session_id, client_id, attendance)
    return session_id


def paid(amount: str, on: date = RECENTLY, reference: str = "") -> PaymentDetails:
    return PaymentDetails(Decimal(amount), on, PaymentMethod.BANK_TRANSFER, reference)


# -- splitting a fee ------------------------------------------------------------------------


def test_a_fee_is_split_to_the_cent_with_the_odd_cents_to_the_first_client_by_id() -> None:
    assert split_fee(Decimal("100.00"), ["c", "a", "b"]) == {
        "a": Decimal("33.34"),
        "b": Decimal("33.33"),
        "c": Decimal("33.33"),
    }
    assert split_fee(Decimal("100.01"), ["b", "a"]) == {
        "a": Decimal("50.01"),
        "b": Decimal("50.00"),
    }
    assert split_fee(Decimal("0.02"), ["a", "b", "c"]) == {
        "a": Decimal("0.02"),
        "b": Decimal("0.00"),
        "c": Decimal("0.00"),
    }
    assert split_fee(FEE, ["only"]) == {"only": FEE}


@settings(max_examples=300, deadline=None)
@given(
    fee=st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False),
    client_ids=st.sets(st.text(min_size=1, max_size=6), min_size=1, max_size=12),
)
def test_shares_always_add_up_to_the_fee(fee: Decimal, client_ids: set[str]) -> None:
    shares = split_fee(fee, client_ids)
    assert sum(shares.values(), Decimal("0")) == fee
    assert set(shares) == client_ids
    first, *others = sorted(client_ids)
    assert all(shares[other] == shares[others[0]] for other in others)
    for share in shares.values():
        assert share == share.quantize(Decimal("0.01"))
        assert share >= 0
    # The odd cents are fewer than one cent per other client.
    if others:
        assert Decimal("0") <= shares[first] - shares[others[0]] < Decimal("0.01") * len(shares)


# -- the default fee --------------------------------------------------------------------------


def test_the_default_fee_is_kept_in_the_vault_until_cleared(clocked_vault: Vault) -> None:
    assert default_fee(clocked_vault) is None
    set_default_fee(clocked_vault, Decimal("85.50"))
    assert default_fee(clocked_vault) == Decimal("85.50")
    assert get_setting(clocked_vault, DEFAULT_FEE_SETTING) == "85.50"
    edit = audit.events(clocked_vault, kind=AuditKind.EDIT)[0]
    assert edit.details.detail == "default fee"
    set_default_fee(clocked_vault, None)
    assert default_fee(clocked_vault) is None


@pytest.mark.parametrize(
    ("fee", "problem"),
    [
        (Decimal("-1"), "The default fee cannot be negative."),
        (Decimal("85.505"), "The default fee (85.505) has more than two decimal places."),
        (Decimal("NaN"), "The default fee is not a number."),
    ],
    ids=["negative", "part of a cent", "not a number"],
)
def test_an_impossible_default_fee_is_refused(
    clocked_vault: Vault, fee: Decimal, problem: str
) -> None:
    set_default_fee(clocked_vault, Decimal("80"))
    with pytest.raises(InvalidInput) as refused:
        set_default_fee(clocked_vault, fee)
    assert refused.value.problems == (problem,)
    assert default_fee(clocked_vault) == Decimal("80")


# -- payments -------------------------------------------------------------------------------


def test_a_payment_for_a_session_marks_it_paid(clocked_vault: Vault, clients: list[str]) -> None:
    session_id = book(clocked_vault, [clients[0]], date(2024, 5, 2))
    assert get_session(clocked_vault, session_id).details.paid is False

    payment = record_payment(
        clocked_vault, clients[0], paid("90.00", reference="INV-7"), session_id=session_id
    )

    assert get_session(clocked_vault, session_id).details.paid is True
    assert get_payment(clocked_vault, payment.id) == payment
    assert payment.session_id == session_id
    assert payment.details == PaymentDetails(
        Decimal("90.00"), RECENTLY, PaymentMethod.BANK_TRANSFER, "INV-7"
    )
    created = audit.events(clocked_vault, kind=AuditKind.CREATE)[0]
    assert (created.details.client_id, created.details.record_id, created.details.detail) == (
        clients[0],
        payment.id,
        "payment",
    )


def test_a_payment_towards_the_account_marks_no_session(
    clocked_vault: Vault, clients: list[str]
) -> None:
    session_id = book(clocked_vault, [clients[0]], date(2024, 5, 2))
    payment = record_payment(clocked_vault, clients[0], paid("40"))
    assert payment.session_id is None
    assert get_session(clocked_vault, session_id).details.paid is False


def test_a_clients_payments_are_listed_by_date(
    clocked_vault: Vault, clients: list[str], clock: Clock
) -> None:
    later = record_payment(clocked_vault, clients[0], paid("10", date(2024, 5, 3)))
    clock.advance(minutes=1)
    earlier = record_payment(clocked_vault, clients[0], paid("20", date(2024, 4, 3)))
    record_payment(clocked_vault, clients[1], paid("30", date(2024, 4, 1)))
    assert [p.id for p in payments_for_client(clocked_vault, clients[0])] == [earlier.id, later.id]


@pytest.mark.parametrize(
    ("details", "problems"),
    [
        (paid("0"), ["The amount must be more than zero."]),
        (paid("-5"), ["The amount must be more than zero."]),
        (paid("10.001"), ["The amount (10.001) has more than two decimal places."]),
        (paid("10", date(2024, 5, 8)), ["The payment date (2024-05-08) is in the future."]),
        (
            PaymentDetails(Decimal("0"), None, PaymentMethod.CASH, "x" * 2001),
            [
                "The amount must be more than zero.",
                "The payment date is required.",
                "The reference is too long (2001 characters; at most 2000).",
            ],
        ),
    ],
    ids=["zero", "negative", "part of a cent", "tomorrow", "everything at once"],
)
def test_an_impossible_payment_is_refused_with_every_problem(
    clocked_vault: Vault, clients: list[str], details: PaymentDetails, problems: list[str]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        record_payment(clocked_vault, clients[0], details)
    assert refused.value.message.startswith("The payment cannot be saved: ")
    assert list(refused.value.problems) == problems
    assert payments_for_client(clocked_vault, clients[0]) == []


def test_a_payment_dated_today_is_accepted(clocked_vault: Vault, clients: list[str]) -> None:
    today = clocked_vault.now().astimezone().date()  # on the computer's calendar
    assert record_payment(clocked_vault, clients[0], paid("1.50", today)).details.paid_on == today


def test_a_payment_for_someone_elses_session_is_refused(
    clocked_vault: Vault, clients: list[str]
) -> None:
    session_id = book(clocked_vault, [clients[1]], date(2024, 5, 2))
    with pytest.raises(InvalidInput, match="not one of this client's sessions"):
        record_payment(clocked_vault, clients[0], paid("90"), session_id=session_id)
    with pytest.raises(RecordNotFound, match="no session"):
        record_payment(clocked_vault, clients[0], paid("90"), session_id="no-such-session")
    with pytest.raises(RecordNotFound, match="no client"):
        record_payment(clocked_vault, "no-such-client", paid("90"))
    assert get_session(clocked_vault, session_id).details.paid is False
    assert payments_for_client(clocked_vault, clients[0]) == []


def test_a_session_is_paid_once_its_fee_is_paid_in_full_and_unpaid_when_short_again(
    clocked_vault: Vault, clients: list[str]
) -> None:
    session_id = book(clocked_vault, [clients[0]], date(2024, 5, 2))
    first = record_payment(clocked_vault, clients[0], paid("45"), session_id=session_id)
    assert get_session(clocked_vault, session_id).details.paid is False  # half the fee
    second = record_payment(clocked_vault, clients[0], paid("45"), session_id=session_id)
    assert get_session(clocked_vault, session_id).details.paid is True

    remove_payment(clocked_vault, first.id)
    assert get_session(clocked_vault, session_id).details.paid is False
    update_payment(clocked_vault, second.id, paid("90"), session_id)
    assert get_session(clocked_vault, session_id).details.paid is True
    remove_payment(clocked_vault, second.id)
    assert get_session(clocked_vault, session_id).details.paid is False

    assert payments_for_client(clocked_vault, clients[0]) == []
    deleted = audit.events(clocked_vault, kind=AuditKind.DELETE)[0]
    assert (deleted.details.record_id, deleted.details.detail) == (second.id, "payment")
    with pytest.raises(RecordNotFound, match="no payment"):
        remove_payment(clocked_vault, first.id)


def test_moving_a_payment_to_another_session_moves_the_paid_mark(
    clocked_vault: Vault, clients: list[str]
) -> None:
    wrong = book(clocked_vault, [clients[0]], date(2024, 4, 25))
    right = book(clocked_vault, [clients[0]], date(2024, 5, 2))
    payment = record_payment(clocked_vault, clients[0], paid("90"), session_id=wrong)

    corrected = update_payment(
        clocked_vault, payment.id, paid("95", date(2024, 5, 3), "INV-9"), right
    )

    assert corrected.session_id == right
    assert corrected.details == paid("95", date(2024, 5, 3), "INV-9")
    assert get_payment(clocked_vault, payment.id) == corrected
    assert get_session(clocked_vault, wrong).details.paid is False
    assert get_session(clocked_vault, right).details.paid is True
    edit = audit.events(clocked_vault, kind=AuditKind.EDIT)[0]
    assert (edit.details.record_id, edit.details.detail) == (payment.id, "payment")

    towards_account = update_payment(clocked_vault, payment.id, paid("95"), None)
    assert towards_account.session_id is None
    assert get_session(clocked_vault, right).details.paid is False


def test_an_impossible_correction_changes_nothing(clocked_vault: Vault, clients: list[str]) -> None:
    session_id = book(clocked_vault, [clients[0]], date(2024, 5, 2))
    other_clients = book(clocked_vault, [clients[1]], date(2024, 5, 2), hour=12)
    payment = record_payment(clocked_vault, clients[0], paid("90"), session_id=session_id)
    with pytest.raises(InvalidInput, match="more than zero"):
        update_payment(clocked_vault, payment.id, paid("0"), session_id)
    with pytest.raises(InvalidInput, match="not one of this client's sessions"):
        update_payment(clocked_vault, payment.id, paid("90"), other_clients)
    assert get_payment(clocked_vault, payment.id) == payment
    assert get_session(clocked_vault, session_id).details.paid is True
    assert get_session(clocked_vault, other_clients).details.paid is False


def _session_line(vault: Vault, client_id: str, session_id: str) -> StatementLine:
    lines = statement(vault, client_id, date(2024, 4, 1), TODAY, zone=LONDON).lines
    return next(line for line in lines if line.session_id == session_id and not line.is_payment)


def test_one_attendees_part_payment_pays_for_no_one_else_at_a_joint_session(
    clocked_vault: Vault, clients: list[str]
) -> None:
    ann, bob = clients[0], clients[1]
    couple = book(clocked_vault, [ann, bob], date(2024, 5, 2), fee=Decimal("120.00"))

    record_payment(clocked_vault, ann, paid("10"), session_id=couple)

    # Neither has paid their share, and the session does not claim to be paid.
    assert get_session(clocked_vault, couple).details.paid is False
    ann_line, bob_line = (
        _session_line(clocked_vault, ann, couple),
        _session_line(clocked_vault, bob, couple),
    )
    assert (ann_line.is_paid, ann_line.unpaid) == (False, Decimal("50.00"))
    assert (bob_line.is_paid, bob_line.unpaid) == (False, Decimal("60.00"))
    assert client_balance(clocked_vault, ann, zone=LONDON).balance == Decimal("50.00")
    assert client_balance(clocked_vault, bob, zone=LONDON).balance == Decimal("60.00")

    # Bob pays his share for that session: paid for him, still owed by Ann.
    record_payment(clocked_vault, bob, paid("60"), session_id=couple)
    assert _session_line(clocked_vault, bob, couple).is_paid is True
    assert _session_line(clocked_vault, ann, couple).is_paid is False
    assert get_session(clocked_vault, couple).details.paid is False

    # Once Ann pays the rest of hers the whole fee is settled.
    record_payment(clocked_vault, ann, paid("50"), session_id=couple)
    assert _session_line(clocked_vault, ann, couple).is_paid is True
    assert get_session(clocked_vault, couple).details.paid is True


def test_a_payment_counts_towards_a_session_only_from_the_day_it_was_paid(
    clocked_vault: Vault, clients: list[str]
) -> None:
    session_id = book(clocked_vault, [clients[0]], date(2024, 4, 25))
    record_payment(clocked_vault, clients[0], paid("90", date(2024, 5, 3)), session_id=session_id)
    april = statement(clocked_vault, clients[0], date(2024, 4, 1), date(2024, 4, 30), zone=LONDON)
    assert [(line.is_paid, line.unpaid) for line in april.lines] == [(False, FEE)]
    may = _session_line(clocked_vault, clients[0], session_id)
    assert (may.is_paid, may.unpaid) == (True, Decimal("0"))


# -- what is owed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attendance", "charged"),
    [
        (Attendance.ATTENDED, FEE),
        (Attendance.LATE_CANCELLED, FEE),
        (Attendance.NO_SHOW, FEE),
        (Attendance.CANCELLED, Decimal("0")),
        (Attendance.SCHEDULED, Decimal("0")),
    ],
)
def test_a_client_is_charged_for_a_session_that_took_place_for_them(
    clocked_vault: Vault, clients: list[str], attendance: Attendance, charged: Decimal
) -> None:
    book(clocked_vault, [clients[0]], date(2024, 5, 2), attendance=attendance)
    balance = client_balance(clocked_vault, clients[0], zone=LONDON)
    assert balance.charged == charged
    assert balance.balance == charged
    assert balance.as_of == TODAY


def test_a_session_without_a_fee_charges_nothing(clocked_vault: Vault, clients: list[str]) -> None:
    book(clocked_vault, [clients[0]], date(2024, 5, 2), fee=None)
    book(clocked_vault, [clients[0]], date(2024, 5, 3), fee=Decimal("0"))
    assert client_balance(clocked_vault, clients[0], zone=LONDON).charged == 0


def test_a_joint_fee_is_shared_among_the_attendees_who_are_charged(
    clocked_vault: Vault, clients: list[str]
) -> None:
    first, second, third = clients
    family = book(clocked_vault, clients, date(2024, 5, 1), fee=Decimal("100.00"))
    couple = book(
        clocked_vault, [first, second], date(2024, 5, 2), fee=Decimal("120.00"), attendance=None
    )
    set_attendance(clocked_vault, couple, first, Attendance.CANCELLED)
    set_attendance(clocked_vault, couple, second, Attendance.NO_SHOW)
    assert family

    owed = balances(clocked_vault, zone=LONDON)

    # The family session: 33.34 + 33.33 + 33.33; the couple session falls to the one charged.
    assert owed[first].charged == Decimal("33.34")
    assert owed[second].charged == Decimal("33.33") + Decimal("120.00")
    assert owed[third].charged == Decimal("33.33")
    assert sum((b.charged for b in owed.values()), Decimal("0")) == Decimal("220.00")


def test_the_balance_is_charges_less_payments_as_of_a_day(
    clocked_vault: Vault, clients: list[str]
) -> None:
    client = clients[0]
    book(clocked_vault, [client], date(2024, 4, 1))
    book(clocked_vault, [client], date(2024, 4, 8), hour=0)  # still 7 April in UTC
    book(clocked_vault, [client], date(2024, 4, 15))
    record_payment(clocked_vault, client, paid("50", date(2024, 4, 2)))
    record_payment(clocked_vault, client, paid("100", date(2024, 4, 9)))

    def balance_on(day: date) -> tuple[Decimal, Decimal, Decimal]:
        found = client_balance(clocked_vault, client, as_of=day, zone=LONDON)
        return found.charged, found.paid, found.balance

    assert balance_on(date(2024, 3, 31)) == (0, 0, 0)
    assert balance_on(date(2024, 4, 1)) == (90, 0, 90)
    assert balance_on(date(2024, 4, 2)) == (90, 50, 40)
    assert balance_on(date(2024, 4, 7)) == (90, 50, 40)
    assert balance_on(date(2024, 4, 8)) == (180, 50, 130)
    assert balance_on(date(2024, 4, 9)) == (180, 150, 30)
    assert balance_on(TODAY) == (270, 150, 120)
    found = client_balance(clocked_vault, client, zone=LONDON)
    assert isinstance(found.balance, Decimal)


def test_the_day_of_a_charge_is_the_local_day(clocked_vault: Vault, clients: list[str]) -> None:
    # 00:30 on 2 May in Auckland is still 1 May in UTC.
    auckland = ZoneInfo("Pacific/Auckland")
    starts = datetime(2024, 5, 2, 0, 30, tzinfo=auckland)
    session_id = schedule_session(
        clocked_vault, starts, 50, SessionDetails(fee=FEE), [clients[0]]
    ).id
    set_attendance(clocked_vault, session_id, clients[0], Attendance.ATTENDED)
    on_first = date(2024, 5, 1)
    assert client_balance(clocked_vault, clients[0], as_of=on_first, zone=auckland).charged == 0
    assert client_balance(clocked_vault, clients[0], as_of=on_first, zone=UTC).charged == FEE


def test_every_clients_balance_at_once_matches_each_one_alone(
    clocked_vault: Vault, clients: list[str]
) -> None:
    first, second, third = clients
    book(clocked_vault, [first, second], date(2024, 4, 2), fee=Decimal("150.00"))
    book(clocked_vault, [first], date(2024, 4, 3))
    book(clocked_vault, [third], date(2024, 4, 4), attendance=Attendance.CANCELLED)
    record_payment(clocked_vault, second, paid("100.00", date(2024, 4, 5)))
    record_payment(clocked_vault, third, paid("20.00", date(2024, 4, 5)))

    together = balances(clocked_vault, zone=LONDON)

    assert set(together) == set(clients)
    for client_id in clients:
        assert together[client_id] == client_balance(clocked_vault, client_id, zone=LONDON)
    assert together[first].balance == Decimal("165.00")
    assert together[second].balance == Decimal("-25.00")
    assert together[third].balance == Decimal("-20.00")
    assert outstanding_balances(clocked_vault, zone=LONDON) == [together[first]]


def test_outstanding_balances_are_the_clients_who_owe_largest_first(
    clocked_vault: Vault, clients: list[str]
) -> None:
    first, second, third = clients
    book(clocked_vault, [first], date(2024, 4, 2), fee=Decimal("60"))
    book(clocked_vault, [second], date(2024, 4, 2), fee=Decimal("80"), hour=12)
    book(clocked_vault, [third], date(2024, 4, 2), fee=Decimal("70"), hour=14)
    record_payment(clocked_vault, third, paid("70", date(2024, 4, 2)))
    owing = outstanding_balances(clocked_vault, zone=LONDON)
    assert [(b.client_id, b.balance) for b in owing] == [(second, 80), (first, 60)]


def test_a_client_with_no_sessions_owes_nothing(clocked_vault: Vault, clients: list[str]) -> None:
    assert client_balance(clocked_vault, clients[0], zone=LONDON) == ClientBalance(
        clients[0], TODAY, Decimal("0"), Decimal("0")
    )
    assert balances(clocked_vault, zone=LONDON) == {}


def test_an_unreadable_fee_or_payment_is_named_not_silently_dropped(
    clocked_vault: Vault, clients: list[str]
) -> None:
    first, second, _ = clients
    damaged_session = book(clocked_vault, [first], date(2024, 4, 2))
    book(clocked_vault, [first], date(2024, 4, 3))
    damaged_payment = record_payment(clocked_vault, second, paid("10", date(2024, 4, 2)))
    mistyped = record_payment(clocked_vault, second, paid("15", date(2024, 4, 2)))
    record_payment(clocked_vault, second, paid("20", date(2024, 4, 2)))
    # Decrypts, but is not a date: as if written by a faulty version.
    not_a_date = clocked_vault.codec.seal("payments", "paid_on", mistyped.id, "2 April")
    with clocked_vault.transaction() as session:
        session.execute(
            update(PaymentRow).where(PaymentRow.id == mistyped.id).values(paid_on=not_a_date)
        )
        session.execute(
            update(TherapySessionRow)
            .where(TherapySessionRow.id == damaged_session)
            .values(fee=b"\x01" + b"\x00" * 40)
        )
        session.execute(
            update(PaymentRow)
            .where(PaymentRow.id == damaged_payment.id)
            .values(amount=b"\x01" + b"\x00" * 40)
        )

    owed = balances(clocked_vault, zone=LONDON)
    assert owed[first].charged == FEE
    assert owed[first].unreadable == (damaged_session,)
    assert owed[second].paid == Decimal("20")
    assert sorted(owed[second].unreadable) == sorted([damaged_payment.id, mistyped.id])
    alone = statement(clocked_vault, first, date(2024, 4, 1), date(2024, 4, 30), zone=LONDON)
    assert alone.unreadable == (damaged_session,)
    assert alone.total_charged == FEE


# -- statements -------------------------------------------------------------------------------


def test_a_statement_runs_from_the_opening_balance_to_the_closing_one(
    clocked_vault: Vault, clients: list[str], clock: Clock
) -> None:
    client, partner, _ = clients
    book(clocked_vault, [client], date(2024, 3, 28))  # before the period: 90 owed
    record_payment(clocked_vault, client, paid("50", date(2024, 3, 29)))  # before: 40 owed
    no_show = book(clocked_vault, [client], date(2024, 4, 3), attendance=Attendance.NO_SHOW)
    joint = book(clocked_vault, [client, partner], date(2024, 4, 10), fee=Decimal("100.01"))
    clock.advance(minutes=1)
    payment = record_payment(
        clocked_vault, client, paid("60", date(2024, 4, 10), "INV-12"), session_id=joint
    )
    morning = book(
        clocked_vault, [client], date(2024, 4, 10), hour=8, attendance=Attendance.LATE_CANCELLED
    )
    book(clocked_vault, [client], date(2024, 4, 17), attendance=Attendance.CANCELLED)
    book(clocked_vault, [client], date(2024, 5, 1))  # after the period
    record_payment(clocked_vault, client, paid("5", date(2024, 5, 2)))  # after the period

    found = statement(clocked_vault, client, date(2024, 4, 1), date(2024, 4, 30), zone=LONDON)

    assert found.opening_balance == Decimal("40")
    share = split_fee(Decimal("100.01"), [client, partner])[client]
    assert [
        (line.on, line.session_id, line.payment_id, line.charge, line.payment, line.balance)
        for line in found.lines
    ] == [
        (date(2024, 4, 3), no_show, None, FEE, 0, Decimal("130")),
        (date(2024, 4, 10), morning, None, FEE, 0, Decimal("220")),
        (date(2024, 4, 10), joint, None, share, 0, Decimal("220") + share),
        (date(2024, 4, 10), None, payment.id, 0, Decimal("60"), Decimal("160") + share),
    ]
    assert found.total_charged == FEE * 2 + share
    assert found.total_paid == Decimal("60")
    assert found.closing_balance == Decimal("160") + share
    assert found.closing_balance == (
        client_balance(clocked_vault, client, as_of=date(2024, 4, 30), zone=LONDON).balance
    )
    assert found.opening_balance == (
        client_balance(clocked_vault, client, as_of=date(2024, 3, 31), zone=LONDON).balance
    )


def test_statement_lines_carry_what_a_letter_shows(
    clocked_vault: Vault, clients: list[str]
) -> None:
    client, partner, _ = clients
    joint = book(clocked_vault, [client, partner], date(2024, 4, 10), fee=Decimal("120.00"))
    record_payment(clocked_vault, client, paid("60", date(2024, 4, 11), "INV-12"))

    charge_line, payment_line = statement(
        clocked_vault, client, date(2024, 4, 1), date(2024, 4, 30), zone=LONDON
    ).lines

    assert not charge_line.is_payment
    assert charge_line.session_id == joint
    assert charge_line.session_kind is SessionKind.COUPLE
    assert charge_line.attendance is Attendance.ATTENDED
    assert charge_line.session_fee == Decimal("120.00")
    assert charge_line.charge == Decimal("60.00")
    assert charge_line.starts_at == datetime(2024, 4, 10, 10, tzinfo=LONDON)
    assert charge_line.starts_at is not None
    assert charge_line.starts_at.utcoffset() == timedelta(hours=1)
    assert payment_line.is_payment
    assert payment_line.method is PaymentMethod.BANK_TRANSFER
    assert payment_line.reference == "INV-12"
    assert payment_line.payment == Decimal("60")
    assert payment_line.balance == 0


def test_a_statement_needs_a_real_period_and_client(
    clocked_vault: Vault, clients: list[str]
) -> None:
    with pytest.raises(InvalidInput, match=r"Its end \(2024-03-31\) is before"):
        statement(clocked_vault, clients[0], date(2024, 4, 1), date(2024, 3, 31))
    with pytest.raises(RecordNotFound, match="no client"):
        statement(clocked_vault, "no-such-client", date(2024, 4, 1), date(2024, 4, 30))
    empty = statement(clocked_vault, clients[0], date(2024, 4, 1), date(2024, 4, 1))
    assert (empty.opening_balance, empty.lines, empty.closing_balance) == (0, (), 0)


def test_money_never_becomes_a_float(clocked_vault: Vault, clients: list[str]) -> None:
    book(clocked_vault, clients, date(2024, 4, 2), fee=Decimal("100.00"))
    record_payment(clocked_vault, clients[0], paid("10.10", date(2024, 4, 3)))
    found = statement(clocked_vault, clients[0], date(2024, 4, 1), TODAY, zone=LONDON)
    amounts = [found.opening_balance, found.total_charged, found.total_paid, found.closing_balance]
    amounts += [
        value for line in found.lines for value in (line.charge, line.payment, line.balance)
    ]
    assert all(type(value) is Decimal for value in amounts)
    assert found.closing_balance == Decimal("23.24")
    assert all(
        type(value) is Decimal
        for balance in balances(clocked_vault, zone=LONDON).values()
        for value in (balance.charged, balance.paid, balance.balance)
    )


def test_a_statement_includes_both_days_of_its_period(
    clocked_vault: Vault, clients: list[str]
) -> None:
    client = clients[0]
    book(clocked_vault, [client], date(2024, 3, 31), hour=23)  # the day before: opening
    first_day = record_payment(clocked_vault, client, paid("30", date(2024, 4, 1)))
    last_day = book(clocked_vault, [client], date(2024, 4, 30), hour=23)
    book(clocked_vault, [client], date(2024, 5, 1), hour=0)  # the day after: left out

    found = statement(clocked_vault, client, date(2024, 4, 1), date(2024, 4, 30), zone=LONDON)

    assert found.opening_balance == FEE
    assert [(line.payment_id, line.session_id) for line in found.lines] == [
        (first_day.id, None),
        (None, last_day),
    ]
    assert found.closing_balance == FEE - 30 + FEE


def test_a_joint_session_with_an_unreadable_attendance_is_left_out_for_everyone_in_it(
    clocked_vault: Vault, clients: list[str]
) -> None:
    first, second, _ = clients
    joint = book(clocked_vault, [first, second], date(2024, 4, 2), fee=Decimal("120.00"))
    book(clocked_vault, [second], date(2024, 4, 3))
    with clocked_vault.transaction() as session:
        session.execute(
            update(SessionAttendeeRow)
            .where(SessionAttendeeRow.session_id == joint, SessionAttendeeRow.client_id == first)
            .values(attendance=b"\x01" + b"\x00" * 40)
        )

    owed = balances(clocked_vault, zone=LONDON)

    # Charging the whole fee to the one readable attendee would be wrong; nobody is.
    assert owed[first].charged == 0
    assert owed[first].unreadable == (joint,)
    assert owed[second].charged == FEE
    assert owed[second].unreadable == (joint,)
    assert client_balance(clocked_vault, second, zone=LONDON) == owed[second]
