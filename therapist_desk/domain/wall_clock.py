"""The therapist's wall clock: local days and times of day.

Times are stored in UTC; the therapist thinks in local days and in "10:00 on
Mondays". Every function takes a `zone`; None means the computer's own time
zone, as the window shows times (`datetime.astimezone()` with no argument),
with its daylight-saving rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo


def wall_clock(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """The naive local date and time that `moment` shows on the wall clock."""
    return moment.astimezone(zone).replace(tzinfo=None)


def at_wall_clock(local: datetime, zone: tzinfo | None = None) -> datetime:
    """The moment (in UTC) when the wall clock shows the naive `local`.

    A time skipped when the clocks go forward lands an hour later; a time that
    happens twice when they go back is the first of the two.
    """
    if local.tzinfo is not None:
        raise ValueError("a wall-clock time carries no time zone")
    if zone is None:
        # A naive datetime's astimezone() reads it as the computer's local time.
        return local.astimezone(UTC)
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def local_date(moment: datetime, zone: tzinfo | None = None) -> date:
    """The local day on which `moment` falls."""
    return moment.astimezone(zone).date()


def start_of_day(day: date, zone: tzinfo | None = None) -> datetime:
    """Local midnight of `day`, in UTC (a day lasts 23 or 25 hours when the clocks change)."""
    return at_wall_clock(datetime.combine(day, time()), zone)


def day_window(first: date, days: int, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """[start, end) in UTC of `days` local days from `first`."""
    return start_of_day(first, zone), start_of_day(first + timedelta(days=days), zone)


def monday_of(day: date) -> date:
    """The Monday that starts the week of `day`."""
    return day - timedelta(days=day.weekday())
