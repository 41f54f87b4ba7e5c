"""UK local time and working days in England."""

from datetime import UTC, date, datetime, time

from portal.core.times import london_to_utc, to_london
from portal.core.working_days import (
    add_working_days,
    is_working_day,
    subtract_working_days,
    working_days_between,
)


def test_uk_wall_clock_times_are_stored_as_utc_across_the_clock_change():
    assert london_to_utc(date(2026, 7, 1), time(18, 30)) == datetime(2026, 7, 1, 17, 30, tzinfo=UTC)
    assert london_to_utc(date(2026, 12, 1), time(18, 30)) == datetime(
        2026, 12, 1, 18, 30, tzinfo=UTC
    )
    assert to_london(datetime(2026, 7, 1, 17, 30, tzinfo=UTC)).hour == 18


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day, a Friday
    assert not is_working_day(date(2026, 12, 26))  # Saturday
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day substitute, Monday
    assert is_working_day(date(2026, 12, 29))


def test_two_working_days_after_christmas_eve_skip_the_holidays():
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 30)
    assert add_working_days(date(2026, 11, 20), 2) == date(2026, 11, 24)  # Friday -> Tuesday
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 30)) == 2
    assert working_days_between(date(2026, 12, 30), date(2026, 12, 24)) == 0


def test_working_days_skip_easter_and_a_bank_holiday_monday():
    # Good Friday 26 March and Easter Monday 29 March 2027.
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
    # Early May bank holiday, Monday 3 May 2027.
    assert add_working_days(date(2027, 4, 30), 1) == date(2027, 5, 4)


def test_ten_working_days_across_christmas_and_new_year():
    # 25, 28 December 2026 and 1 January 2027 are bank holidays in England.
    assert add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 6)


def test_counting_working_days_back_across_christmas_and_easter():
    # Papers for a panel on Tuesday 5 January 2027 are due five working days before:
    # 4 Jan, 31 Dec, 30 Dec, 29 Dec, 24 Dec (1 Jan, 28 and 25 Dec are bank holidays).
    assert subtract_working_days(date(2027, 1, 5), 5) == date(2026, 12, 24)
    # Easter Monday 29 March and Good Friday 26 March 2027 are skipped.
    assert subtract_working_days(date(2027, 3, 30), 1) == date(2027, 3, 25)
    assert add_working_days(subtract_working_days(date(2027, 1, 5), 5), 5) == date(2027, 1, 5)
