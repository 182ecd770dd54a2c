"""`therapist-desk bench`: speed and size on a synthetic vault of realistic size.

Every encrypted figure is measured beside the same work done without
encryption, through plain SQLAlchemy, in the same run, so the ratio says what
encryption costs on this machine whatever else the machine is doing. Medians
of several rounds; nothing here fails on a timing.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from therapist_desk.crypto import kdf
from therapist_desk.db.base import Base
from therapist_desk.db.bulk import add_in_dependency_order
from therapist_desk.db.column_types import new_id
from therapist_desk.db.engine import CONNECTION_PRAGMAS
from therapist_desk.db.models import ClientRow, ProgressNoteRow, TherapySessionRow
from therapist_desk.demo.practice import DemoOptions, build_demo_practice
from therapist_desk.domain.records import ClientDetails, NoteContent, SessionDetails
from therapist_desk.domain.vocabulary import Attendance, NoteFormat
from therapist_desk.errors import ExitStatus, InvalidInput
from therapist_desk.records.progress_notes import new_note_row
from therapist_desk.records.therapy_sessions import new_session_rows
from therapist_desk.vault import Secret, Vault, backups, create_vault, unlock_vault
from therapist_desk.vault.paths import VaultPaths

BENCH_PASSPHRASE = "benchmark passphrase, not a secret"
WRITE_ROUNDS = 3
WRITE_SAMPLE = 10_000
READ_ROUNDS = 3
UNLOCK_ROUNDS = 5
BACKUP_ROUNDS = 3
_BATCH = 2000


class _PlainBase(DeclarativeBase):
    pass


class _PlainSession(_PlainBase):
    """The same rows as therapy_sessions, unencrypted: the baseline."""

    __tablename__ = "plain_sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    fee: Mapped[str | None] = mapped_column(Text)
    paid: Mapped[bool] = mapped_column(Boolean)


class _PlainAttendee(_PlainBase):
    __tablename__ = "plain_attendees"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("plain_sessions.id"))
    client_id: Mapped[str] = mapped_column(String(36))
    attendance: Mapped[str] = mapped_column(Text)


class _PlainNote(_PlainBase):
    __tablename__ = "plain_notes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("plain_sessions.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    signed_at: Mapped[datetime | None]
    format: Mapped[str] = mapped_column(Text)
    sections: Mapped[dict[str, str]] = mapped_column(JSON)
    techniques: Mapped[list[str]] = mapped_column(JSON)
    interventions: Mapped[list[str]] = mapped_column(JSON)
    mood: Mapped[int | None] = mapped_column(Integer)
    risk_flag: Mapped[bool] = mapped_column(Boolean)
    content_hash: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class _Sample:
    starts_at: datetime
    content: NoteContent


def _plain_sessionmaker(path: Path) -> sessionmaker[Session]:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        for pragma in CONNECTION_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    _PlainBase.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)


def _batches(samples: list[_Sample]) -> Iterator[list[_Sample]]:
    for start in range(0, len(samples), _BATCH):
        yield samples[start : start + _BATCH]


def _write_encrypted(vault: Vault, client_id: str, samples: list[_Sample]) -> float:
    started = time.perf_counter()
    now = vault.now()
    for batch in _batches(samples):
        rows: list[Base] = []
        for sample in batch:
            session_row, attendees = new_session_rows(
                vault.codec,
                sample.starts_at,
                50,
                SessionDetails(),
                [(client_id, Attendance.ATTENDED)],
                now,
            )
            rows.append(session_row)
            rows.extend(attendees)
            rows.append(new_note_row(vault.codec, session_row.id, sample.content, now, now))
        with vault.transaction() as session:
            add_in_dependency_order(session, rows)
    return time.perf_counter() - started


def _write_plain(factory: sessionmaker[Session], client_id: str, samples: list[_Sample]) -> float:
    from therapist_desk.domain.signatures import note_content_hash

    started = time.perf_counter()
    now = datetime.now().astimezone()
    for batch in _batches(samples):
        rows: list[_PlainBase] = []
        for sample in batch:
            session_id = new_id()
            details = SessionDetails()
            rows.append(
                _PlainSession(
                    id=session_id,
                    starts_at=sample.starts_at,
                    duration_minutes=50,
                    kind=details.kind.value,
                    title=details.title,
                    fee=None,
                    paid=details.paid,
                )
            )
            rows.append(
                _PlainAttendee(
                    id=new_id(),
                    session_id=session_id,
                    client_id=client_id,
                    attendance=Attendance.ATTENDED.value,
                )
            )
            content = sample.content
            rows.append(
                _PlainNote(
                    id=new_id(),
                    session_id=session_id,
                    created_at=now,
                    updated_at=now,
                    signed_at=now,
                    format=content.format.value,
                    sections=content.sections,
                    techniques=list(content.techniques),
                    interventions=list(content.interventions),
                    mood=content.mood,
                    risk_flag=content.risk_flag,
                    content_hash=note_content_hash(session_id, content, now),
                )
            )
        with factory.begin() as session:
            for table in (_PlainSession, _PlainAttendee, _PlainNote):
                session.add_all([row for row in rows if isinstance(row, table)])
                session.flush()
    return time.perf_counter() - started


def _read_encrypted(vault: Vault) -> tuple[float, list[_Sample]]:
    started = time.perf_counter()
    with vault.reading() as session:
        contents = [
            (row.session_id, vault.codec.open_details(row, NoteContent)[0])
            for row in session.scalars(select(ProgressNoteRow).execution_options(yield_per=_BATCH))
        ]
    elapsed = time.perf_counter() - started
    with vault.reading() as session:
        query = select(TherapySessionRow.id, TherapySessionRow.starts_at)
        starts: dict[str, datetime] = {row.id: row.starts_at for row in session.execute(query)}
    return elapsed, [_Sample(starts[session_id], content) for session_id, content in contents]


def _read_plain(factory: sessionmaker[Session]) -> float:
    started = time.perf_counter()
    with factory() as session:
        contents = [
            NoteContent(
                format=NoteFormat(row.format),
                sections=row.sections,
                techniques=tuple(row.techniques),
                interventions=tuple(row.interventions),
                mood=row.mood,
                risk_flag=row.risk_flag,
            )
            for row in session.scalars(select(_PlainNote).execution_options(yield_per=_BATCH))
        ]
    del contents
    return time.perf_counter() - started


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _raw_copy(source: Path, target: Path) -> None:
    """The baseline: SQLite's backup API alone, with nothing of ours around it."""
    reader = sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()
    target.unlink()


def _measure_backups(vault: Vault, work_dir: Path) -> dict[str, float]:
    """Backing up and checking a backup, beside a bare copy with SQLite's backup API."""
    folder = work_dir / "backups"
    folder.mkdir()
    raw: list[float] = []
    made: list[float] = []
    verified: list[float] = []
    key = vault.keys.data_key()
    for _ in range(BACKUP_ROUNDS):
        raw.append(_timed(lambda: _raw_copy(vault.paths.database, folder / "raw.sqlite3")))
        started = time.perf_counter()
        backup = backups.make_backup(vault, folder)
        made.append(time.perf_counter() - started)
        started = time.perf_counter()
        backups.verify_backup(backup, data_key=key)
        verified.append(time.perf_counter() - started)
        backup.unlink()
    copy_seconds = statistics.median(raw)
    return {
        "raw_copy": round(copy_seconds, 3),
        "backup": round(statistics.median(made), 3),
        "verify": round(statistics.median(verified), 3),
        "backup_ratio": round(statistics.median(made) / copy_seconds, 2),
        "verify_ratio": round(statistics.median(verified) / copy_seconds, 2),
    }


def _median_of(rounds: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(rounds))


def _size_mb(path: Path) -> float:
    total = sum(file.stat().st_size for file in path.parent.glob(path.name + "*") if file.is_file())
    return total / 1_000_000


def measure(clients: int, notes: int, work_dir: Path) -> dict[str, Any]:
    paths = VaultPaths(work_dir / "demo")
    started = time.perf_counter()
    created = create_vault(paths, BENCH_PASSPHRASE, kdf_params=kdf.calibrate())
    with created.vault as vault:
        counts = build_demo_practice(vault, DemoOptions(clients=clients, notes=notes))
    build_seconds = time.perf_counter() - started

    unlocks = []
    for _ in range(UNLOCK_ROUNDS):
        with unlock_vault(paths, Secret(passphrase=BENCH_PASSPHRASE)) as vault:
            assert vault.unlock_timings is not None
            unlocks.append(vault.unlock_timings)

    plain_path = work_dir / "plain" / "plain.sqlite3"
    plain_path.parent.mkdir(parents=True, exist_ok=True)
    plain = _plain_sessionmaker(plain_path)
    with unlock_vault(paths, Secret(passphrase=BENCH_PASSPHRASE)) as vault:
        # The plain copy of every note is written once, then both sides are read in turn.
        samples = _read_encrypted(vault)[1]
        _write_plain(plain, new_id(), samples)
        encrypted_reads: list[float] = []
        plain_reads: list[float] = []
        for _ in range(READ_ROUNDS):
            encrypted_reads.append(_read_encrypted(vault)[0])
            plain_reads.append(_read_plain(plain))
        backup_figures = _measure_backups(vault, work_dir)

    write_paths = VaultPaths(work_dir / "writes")
    sample = samples[:WRITE_SAMPLE]
    encrypted_writes, plain_writes = [], []
    with create_vault(
        write_paths, BENCH_PASSPHRASE, kdf_params=kdf.FAST_TEST_PARAMS
    ).vault as vault:
        client_id = new_id()
        with vault.transaction() as session:
            session.add(
                ClientRow(
                    id=client_id,
                    created_at=vault.now(),
                    updated_at=vault.now(),
                    **vault.codec.seal_details(
                        "clients", client_id, ClientDetails(legal_name="Bench")
                    ),
                )
            )
        write_plain = _plain_sessionmaker(work_dir / "plain" / "writes.sqlite3")
        for _ in range(WRITE_ROUNDS):
            encrypted_writes.append(_write_encrypted(vault, client_id, sample))
            plain_writes.append(_write_plain(write_plain, client_id, sample))

    encrypted_write_rate = 3 * len(sample) / statistics.median(encrypted_writes)
    plain_write_rate = 3 * len(sample) / statistics.median(plain_writes)
    return {
        "clients": counts["clients"],
        "notes": counts["progress notes"],
        "sessions": counts["sessions"],
        "demo_build_seconds": round(build_seconds, 2),
        "write_rows_per_second": {
            "encrypted": round(encrypted_write_rate),
            "plain": round(plain_write_rate),
            "overhead": round(plain_write_rate / encrypted_write_rate, 2),
        },
        "read_all_notes_seconds": {
            "encrypted": round(statistics.median(encrypted_reads), 3),
            "plain": round(statistics.median(plain_reads), 3),
            "overhead": round(
                statistics.median(encrypted_reads) / statistics.median(plain_reads), 2
            ),
        },
        "unlock_seconds": {
            "key_derivation": round(statistics.median(t.key_derivation for t in unlocks), 3),
            "rest": round(statistics.median(t.rest for t in unlocks), 3),
        },
        "backup_seconds": backup_figures,
        "size_mb": {
            "encrypted": round(_size_mb(paths.database), 1),
            "plain": round(_size_mb(plain_path), 1),
        },
    }


def _table(figures: dict[str, Any]) -> str:
    write = figures["write_rows_per_second"]
    read = figures["read_all_notes_seconds"]
    unlock = figures["unlock_seconds"]
    size = figures["size_mb"]
    backup = figures["backup_seconds"]
    lines = [
        f"Therapist Desk benchmark: {figures['clients']:,} clients, "
        f"{figures['sessions']:,} sessions, {figures['notes']:,} progress notes",
        "",
        f"{'measure':<52}{'encrypted':>12}{'plain':>12}{'ratio':>9}",
        f"{f'write sessions, attendees, notes, rows/s (median of {WRITE_ROUNDS})':<52}"
        f"{write['encrypted']:>12,}{write['plain']:>12,}{write['overhead']:>8.2f}x",
        f"{f'read and decrypt all notes, s (median of {READ_ROUNDS})':<52}"
        f"{read['encrypted']:>12.3f}{read['plain']:>12.3f}{read['overhead']:>8.2f}x",
        f"{f'unlock: key derivation, s (median of {UNLOCK_ROUNDS})':<52}"
        f"{unlock['key_derivation']:>12.3f}",
        f"{f'unlock: everything else, s (median of {UNLOCK_ROUNDS})':<52}{unlock['rest']:>12.3f}",
        f"{'size on disk, MB':<52}{size['encrypted']:>12.1f}{size['plain']:>12.1f}"
        f"{size['encrypted'] / size['plain']:>8.2f}x",
        f"{'building the demo vault, s':<52}{figures['demo_build_seconds']:>12.1f}",
        "",
        f"{'backups, s (median of ' + str(BACKUP_ROUNDS) + ')':<52}{'ours':>12}"
        f"{'raw copy':>12}{'ratio':>9}",
        f"{'make a backup (backup API, fsync, record it)':<52}{backup['backup']:>12.3f}"
        f"{backup['raw_copy']:>12.3f}{backup['backup_ratio']:>8.2f}x",
        f"{'verify a backup (integrity, every value, chain)':<52}{backup['verify']:>12.3f}"
        f"{backup['raw_copy']:>12.3f}{backup['verify_ratio']:>8.2f}x",
    ]
    return "\n".join(lines)


def run_bench(
    clients: int, notes: int, work_dir: Path | None, *, as_json: bool, out: TextIO
) -> int:
    if work_dir is not None and not work_dir.is_dir():
        raise InvalidInput(f"--work-dir {work_dir} is not a folder; make it first.")
    with tempfile.TemporaryDirectory(prefix="therapist-desk-bench-", dir=work_dir) as scratch:
        figures = measure(clients, notes, Path(scratch))
    out.write(json.dumps(figures, indent=2) + "\n" if as_json else _table(figures) + "\n")
    return ExitStatus.OK
