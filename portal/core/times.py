"""Times: stored in UTC, shown and entered in the UK's local time (Europe/London)."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_to_utc(day: date, at: time) -> datetime:
    """A wall-clock date and time in the UK as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


def to_london(moment: datetime) -> datetime:
    """An aware datetime in UK local time, for showing or for date arithmetic in the UK."""
    return moment.astimezone(LONDON)


def london_today(now: datetime) -> date:
    """The UK calendar date at `now`."""
    return to_london(now).date()
