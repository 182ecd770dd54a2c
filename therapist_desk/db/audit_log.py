"""The audit trail's storage: appending a chained entry, reading, checking the chain.

Each entry's `chain` is HMAC-SHA256, under a key derived from the data key, of
the previous entry's chain and this entry's sequence number, time and
(decrypted) content. Sequence numbers run 1, 2, 3… without gaps, so a removed,
altered, reordered or inserted entry breaks the chain where it happened. An
entry says what happened and to which record (by id), never what a note says.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import AuditEventRow
from therapist_desk.db.record_codec import RecordCodec, sealed_columns
from therapist_desk.domain.records import AuditEvent, AuditEventDetails

TABLE = AuditEventRow.__tablename__
_BATCH = 2000


def chain_value(
    key: bytes, previous: str, seq: int, at: datetime, details: AuditEventDetails
) -> str:
    message = json.dumps(
        [
            previous,
            seq,
            at.astimezone(UTC).isoformat(),
            details.kind.value,
            details.client_id,
            details.record_id,
            details.detail,
        ],
        ensure_ascii=False,
    )
    return hmac.new(key, message.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def append_event(
    session: Session,
    codec: RecordCodec,
    chain_key: bytes,
    details: AuditEventDetails,
    at: datetime,
    *,
    coalesce: timedelta | None = None,
) -> bool:
    """Add an entry in the caller's transaction; False when coalesced into the last one.

    With `coalesce`, an entry identical in kind and record to the latest one,
    made less than `coalesce` ago, is not repeated (a draft saving itself every
    few seconds is one edit, not hundreds).
    """
    last = session.scalar(select(AuditEventRow).order_by(AuditEventRow.seq.desc()).limit(1))
    if last is not None and coalesce is not None and at - last.occurred_at < coalesce:
        previous, damaged = codec.open_details(last, AuditEventDetails)
        if not damaged and previous == details:
            return False
    seq = 1 if last is None else last.seq + 1
    previous_chain = "" if last is None else last.chain
    row_id = new_id()
    session.add(
        AuditEventRow(
            id=row_id,
            seq=seq,
            occurred_at=at,
            chain=chain_value(chain_key, previous_chain, seq, at, details),
            **codec.seal_details(TABLE, row_id, details),
        )
    )
    return True


def read_events(session: Session, codec: RecordCodec) -> list[AuditEvent]:
    """Every entry, oldest first."""
    rows = session.scalars(
        select(AuditEventRow).order_by(AuditEventRow.seq).execution_options(yield_per=_BATCH)
    )
    events = []
    for row in rows:
        details, damaged = codec.open_details(row, AuditEventDetails)
        events.append(AuditEvent(row.seq, row.occurred_at, details, damaged))
    return events


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    row_id: str
    reason: str


def check_chain(
    connection: Connection, codec: RecordCodec, chain_key: bytes
) -> Iterator[ChainBreak]:
    """Every place the chain does not hold: a gap, an altered or an unreadable entry."""
    table = AuditEventRow.__table__
    columns = sealed_columns(table)  # type: ignore[arg-type]
    query = select(table).order_by(table.c.seq).execution_options(yield_per=_BATCH)
    # What the next entry may have been chained to: the stored chain of the one
    # before, or, when that one's chain value itself was altered, the value it
    # should have had (so an altered chain value is reported once, not also at
    # the innocent entry after it). Empty: nothing to check against.
    previous: set[str] = {""}
    expected_seq = 1
    with connection.execute(query) as result:
        for row in result:
            if row.seq != expected_seq:
                yield ChainBreak(
                    row.seq,
                    row.id,
                    f"audit entries {expected_seq} to {row.seq - 1} were removed"
                    if row.seq > expected_seq
                    else "an audit entry is out of order or repeated",
                )
                previous = set()  # the entry after a gap cannot be checked on its own
            blobs = {name: getattr(row, name) for name in columns}
            details, damaged = codec.open_mapping(TABLE, row.id, blobs, AuditEventDetails)
            # An entry that cannot be decrypted is reported by the check of every
            # stored value; the chain is checked for those that can.
            following = {row.chain}
            if not damaged and previous:
                expected = {
                    chain_value(chain_key, chained_to, row.seq, row.occurred_at, details)
                    for chained_to in previous
                }
                if row.chain not in expected:
                    yield ChainBreak(row.seq, row.id, "the audit entry was altered")
                    following |= expected
            previous, expected_seq = following, row.seq + 1
