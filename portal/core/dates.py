"""Dates and times as people read them: in the reader's language, on the UK's clock.

Each function formats in the locale being rendered (the request's, or the one an email is
forced into) and converts instants to Europe/London (BABEL_DEFAULT_TIMEZONE). English keeps
the service's own style ("Monday 1 June 2026, 18:30"); every other language uses its own
CLDR patterns, so the order of day and month, the commas and the clock are the reader's.
The same functions are Jinja filters (registered in portal/__init__.py).
"""

from datetime import date, datetime

from babel.dates import format_skeleton, get_datetime_format
from flask_babel import format_date, format_time, get_locale, get_timezone

# English patterns, as the service has always written them.
_EN_FULL_DATE = "EEEE d MMMM yyyy"
_EN_FULL_DATE_NO_YEAR = "EEEE d MMMM"
_EN_LONG_DATE = "d MMMM yyyy"
_EN_24_HOUR = "HH:mm"
_EN_12_HOUR = "h:mm a"


def _is_english() -> bool:
    return get_locale().language == "en"


def full_date(value: date | datetime) -> str:
    """The weekday and the date: 'Monday 1 June 2026', 'poniedziałek, 1 czerwca 2026'."""
    return format_date(value, _EN_FULL_DATE if _is_english() else "full")


def long_date(value: date | datetime) -> str:
    """The date without the weekday: '1 June 2026', '1 czerwca 2026'."""
    return format_date(value, _EN_LONG_DATE if _is_english() else "long")


def clock_time(value: datetime, twelve_hour: bool = False) -> str:
    """The UK time of an instant: '18:30' (or '6:30 PM' in English when asked), or the
    reader's own clock in other languages."""
    if _is_english():
        return format_time(value, _EN_12_HOUR if twelve_hour else _EN_24_HOUR)
    return format_time(value, "short")


def full_datetime(value: datetime, *, year: bool = True, twelve_hour: bool = False) -> str:
    """The weekday, date and UK time: 'Monday 1 June 2026, 18:30'."""
    if _is_english():
        day = format_date(value, _EN_FULL_DATE if year else _EN_FULL_DATE_NO_YEAR)
        return f"{day}, {clock_time(value, twelve_hour)}"
    locale = get_locale()
    if year:
        day = format_date(value, "full")
    else:
        day = format_skeleton("MMMMEEEEd", value, tzinfo=get_timezone(), locale=locale)
    pattern = get_datetime_format("medium", locale=locale).replace("'", "")
    return pattern.replace("{1}", day).replace("{0}", clock_time(value))
