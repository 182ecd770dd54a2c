"""Outcome measures: PHQ-9, GAD-7, 0–10 scales and SUDS ratings, over time.

Answers are kept item by item, so a total can always be recomputed and PHQ-9
item 9 (thoughts of self-harm) is never lost in a sum; `scoring` holds the
rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from therapist_desk.clinical import scoring
from therapist_desk.clinical.scoring import Band
from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import MeasureRow, SessionAttendeeRow, TherapySessionRow
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import Measure, MeasureDetails
from therapist_desk.domain.vocabulary import MeasureKind
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.validation import Problems, load_client_row
from therapist_desk.vault import Vault, audit

TABLE = MeasureRow.__tablename__
_MEASURES = MeasureRow.__table__
MAX_NOTES = 20_000
_STREAM_BATCH = 1000
_IN_CHUNK = 10_000

#: The order of the chart's series: the questionnaires, then the ratings.
_KIND_ORDER = (MeasureKind.PHQ9, MeasureKind.GAD7, MeasureKind.SCALE, MeasureKind.SUDS)


def check_measure(details: MeasureDetails, today: date) -> None:
    problems = Problems()
    for problem in scoring.item_problems(details.kind, details.items):
        problems.add(problem)
    if details.taken_on is None:
        problems.add("The date the measure was taken is required.")
    elif details.taken_on > today:
        problems.add(f"The date taken ({details.taken_on.isoformat()}) is in the future.")
    if details.kind is MeasureKind.SCALE:
        # Each named scale is its own line on the chart.
        problems.require_text("The scale's name", details.label)
    else:
        problems.limit("Label", details.label)
    problems.limit("Notes", details.notes, MAX_NOTES)
    problems.raise_if_any(f"The {scoring.display_name(details.kind)} cannot be saved")


def measure_from_row(codec: RecordCodec, row: MeasureRow) -> Measure:
    details, damaged = codec.open_details(row, MeasureDetails)
    return Measure(row.id, row.client_id, row.session_id, details, row.created_at, damaged)


def new_measure_row(
    codec: RecordCodec,
    client_id: str,
    session_id: str | None,
    details: MeasureDetails,
    now: datetime,
    measure_id: str | None = None,
) -> MeasureRow:
    row_id = measure_id or new_id()
    return MeasureRow(
        id=row_id,
        client_id=client_id,
        session_id=session_id,
        created_at=now,
        **codec.seal_details(TABLE, row_id, details),
    )


def _load(session: Session, measure_id: str) -> MeasureRow:
    row = session.get(MeasureRow, measure_id)
    if row is None:
        raise RecordNotFound(f"There is no measure with id {measure_id}.")
    return row


def _check_client_and_session(session: Session, client_id: str, session_id: str | None) -> None:
    load_client_row(session, client_id)
    if session_id is None:
        return
    if session.get(TherapySessionRow, session_id) is None:
        raise RecordNotFound(f"There is no session with id {session_id}.")
    attended = session.scalar(
        select(SessionAttendeeRow.id).where(
            SessionAttendeeRow.session_id == session_id,
            SessionAttendeeRow.client_id == client_id,
        )
    )
    if attended is None:
        raise InvalidInput("A measure can only be linked to a session this client attended.")


def _chronological(measures: Iterable[Measure]) -> list[Measure]:
    return sorted(
        measures,
        key=lambda measure: (measure.details.taken_on or date.min, measure.created_at, measure.id),
    )


def list_measures(vault: Vault, client_id: str, kind: MeasureKind | None = None) -> list[Measure]:
    """The client's measures, oldest first by the date taken (the newest last)."""
    with vault.reading() as session:
        rows = session.scalars(select(MeasureRow).where(MeasureRow.client_id == client_id))
        measures = [measure_from_row(vault.codec, row) for row in rows]
    return _chronological(
        measure for measure in measures if kind is None or measure.details.kind is kind
    )


def get_measure(vault: Vault, measure_id: str) -> Measure:
    with vault.reading() as session:
        return measure_from_row(vault.codec, _load(session, measure_id))


def add_measure(
    vault: Vault, client_id: str, details: MeasureDetails, *, session_id: str | None = None
) -> Measure:
    """Record a measure, optionally taken in one of the client's sessions."""
    now = vault.now()
    check_measure(details, now.astimezone().date())
    with vault.transaction() as session:
        _check_client_and_session(session, client_id, session_id)
        row = new_measure_row(vault.codec, client_id, session_id, details, now)
        audit.add_recorded(session, vault, row, "measure")
    return Measure(row.id, client_id, session_id, details, now)


def update_measure(
    vault: Vault, measure_id: str, details: MeasureDetails, *, session_id: str | None = None
) -> Measure:
    check_measure(details, vault.now().astimezone().date())
    with vault.transaction() as session:
        row = _load(session, measure_id)
        _check_client_and_session(session, row.client_id, session_id)
        row.session_id = session_id
        audit.edit_recorded(session, vault, row, details, "measure")
        return Measure(measure_id, row.client_id, session_id, details, row.created_at)


def remove_measure(vault: Vault, measure_id: str) -> None:
    """Delete a measure entered in error."""
    with vault.transaction() as session:
        audit.delete_recorded(session, vault, _load(session, measure_id), "measure")


# -- charts ------------------------------------------------------------------------------


class Point(NamedTuple):
    taken_on: date
    value: int


@dataclass(frozen=True)
class Series:
    """One line of the measures chart."""

    kind: MeasureKind
    #: The scale's name or the SUDS step; empty for the PHQ-9 and GAD-7.
    label: str
    #: What the chart's legend says: "PHQ-9", "Sleep quality", "SUDS: riding the bus".
    title: str
    #: Oldest first.
    points: tuple[Point, ...]
    lowest: int
    highest: int
    #: Severity bands to shade behind the line (questionnaires only).
    bands: tuple[Band, ...]


def _series_key(measure: Measure) -> tuple[int, str]:
    label = ""
    if measure.details.kind in (MeasureKind.SCALE, MeasureKind.SUDS):
        # "Sleep" and "sleep " are the same scale typed twice.
        label = " ".join(measure.details.label.split()).casefold()
    return _KIND_ORDER.index(measure.details.kind), label


def _title(kind: MeasureKind, label: str) -> str:
    if kind is MeasureKind.SCALE:
        return label
    if kind is MeasureKind.SUDS:
        return f"SUDS: {label}" if label else "SUDS"
    return scoring.display_name(kind)


def chart_series(vault: Vault, client_id: str) -> list[Series]:
    """The client's measures as lines: PHQ-9 and GAD-7 totals, each scale, each SUDS step.

    A measure whose answers cannot be read or scored is left off the chart
    (the list of measures still shows it).
    """
    grouped: dict[tuple[int, str], list[tuple[date, Measure]]] = {}
    for measure in list_measures(vault, client_id):
        details = measure.details
        if details.taken_on is None or scoring.item_problems(details.kind, details.items):
            continue
        grouped.setdefault(_series_key(measure), []).append((details.taken_on, measure))
    series = []
    for key in sorted(grouped):
        dated = grouped[key]
        kind = dated[0][1].details.kind
        # The newest spelling of a label names the line.
        label = " ".join(dated[-1][1].details.label.split()) if key[1] else ""
        lowest, highest = scoring.value_range(kind)
        points = tuple(Point(taken_on, sum(m.details.items)) for taken_on, m in dated)
        series.append(
            Series(kind, label, _title(kind, label), points, lowest, highest, scoring.bands(kind))
        )
    return series


# -- the PHQ-9 item-9 alert -------------------------------------------------------------


@dataclass(frozen=True)
class SelfHarmAlert:
    """A client whose latest PHQ-9 answered item 9 (thoughts of self-harm) above 0."""

    client_id: str
    measure_id: str
    taken_on: date
    #: The answer to item 9, 1–3.
    answer: int

    @property
    def response(self) -> str:
        """The answer in the questionnaire's words ("Several days")."""
        return scoring.RESPONSES[self.answer]


# Single-field views of a measure row: `open_mapping` decrypts only these columns.
@dataclass(frozen=True)
class _KindOnly:
    kind: MeasureKind | None = None


@dataclass(frozen=True)
class _TakenOnOnly:
    taken_on: date | None = None


@dataclass(frozen=True)
class _ItemsOnly:
    items: tuple[int, ...] | None = None


def _self_harm_alerts(
    session: Session, codec: RecordCodec, condition: ColumnElement[bool]
) -> list[SelfHarmAlert]:
    """The item-9 alert of each client's latest PHQ-9, for the measures matching `condition`.

    Runs over every client for Today, so it decrypts in three narrowing steps:
    the kind of every measure, the date of the PHQ-9s, and the answers of only
    the latest PHQ-9 per client.
    """
    latest: dict[str, tuple[date, datetime, str]] = {}
    # Plain table columns: ORM-annotated ones would cost more than the decryption.
    columns = _MEASURES.c
    rows = session.execute(
        select(columns.id, columns.client_id, columns.created_at, columns.kind, columns.taken_on)
        .where(condition)
        .execution_options(yield_per=_STREAM_BATCH)
    )
    for row_id, client_id, created_at, kind_blob, taken_on_blob in rows:
        kind = codec.open_mapping(TABLE, row_id, {"kind": kind_blob}, _KindOnly)[0].kind
        if kind is not MeasureKind.PHQ9:
            continue
        taken_on = codec.open_mapping(TABLE, row_id, {"taken_on": taken_on_blob}, _TakenOnOnly)[
            0
        ].taken_on
        if taken_on is None:
            continue
        candidate = (taken_on, created_at, row_id)
        if client_id not in latest or candidate > latest[client_id]:
            latest[client_id] = candidate
    chosen = {row_id: (client_id, taken_on) for client_id, (taken_on, _, row_id) in latest.items()}
    alerts = []
    for row_id, items_blob in _items_of(session, list(chosen)):
        items = codec.open_mapping(TABLE, row_id, {"items": items_blob}, _ItemsOnly)[0].items
        answer = scoring.self_harm_answer(MeasureKind.PHQ9, items or ())
        if answer > 0:
            client_id, taken_on = chosen[row_id]
            alerts.append(SelfHarmAlert(client_id, row_id, taken_on, answer))
    return alerts


def _items_of(session: Session, measure_ids: Sequence[str]) -> Iterable[tuple[str, bytes]]:
    for start in range(0, len(measure_ids), _IN_CHUNK):
        chunk = measure_ids[start : start + _IN_CHUNK]
        yield from session.execute(
            select(_MEASURES.c.id, _MEASURES.c["items"]).where(_MEASURES.c.id.in_(chunk))
        )


def latest_self_harm_alert(vault: Vault, client_id: str) -> SelfHarmAlert | None:
    """The alert for the client's banner: their latest PHQ-9, if item 9 is above 0."""
    with vault.reading() as session:
        found = _self_harm_alerts(session, vault.codec, MeasureRow.client_id == client_id)
    return found[0] if found else None


def self_harm_alerts(vault: Vault) -> list[SelfHarmAlert]:
    """Every client whose latest PHQ-9 has item 9 above 0, the most recent first."""
    with vault.reading() as session:
        found = _self_harm_alerts(session, vault.codec, true())
    return sorted(found, key=lambda alert: (alert.taken_on, alert.measure_id), reverse=True)
