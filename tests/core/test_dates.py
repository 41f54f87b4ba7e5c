"""Dates and times in the reader's language on the UK's clock: English in the service's
own style, every other language in its own (Babel's locale data gives the expected text)."""

from datetime import UTC, date, datetime

import pytest
from babel.dates import format_date, format_time
from flask_babel import force_locale

from portal.core import dates
from portal.core.times import LONDON

# 17:30 UTC on a summer evening is 18:30 in the UK.
MOMENT = datetime(2026, 6, 1, 17, 30, tzinfo=UTC)
DAY = date(2026, 6, 1)


def test_english_keeps_the_services_style(app):
    with app.test_request_context(), force_locale("en"):
        assert dates.full_date(DAY) == "Monday 1 June 2026"
        assert dates.long_date(DAY) == "1 June 2026"
        assert dates.clock_time(MOMENT) == "18:30"
        assert dates.full_datetime(MOMENT) == "Monday 1 June 2026, 18:30"
        assert dates.full_datetime(MOMENT, year=False) == "Monday 1 June, 18:30"
        assert dates.full_datetime(MOMENT, twelve_hour=True) == "Monday 1 June 2026, 6:30 PM"


@pytest.mark.parametrize("language", ["pl", "ur", "gu"])
def test_other_languages_use_their_own_patterns_on_the_uk_clock(app, language):
    with app.test_request_context(), force_locale(language):
        full = dates.full_datetime(MOMENT)
        assert dates.full_date(MOMENT) == format_date(DAY, "full", locale=language)
        assert dates.long_date(DAY) == format_date(DAY, "long", locale=language)
        clock = format_time(MOMENT, "short", tzinfo=LONDON, locale=language)
        assert dates.clock_time(MOMENT) == clock
        assert format_date(DAY, "full", locale=language) in full and clock in full
        assert format_date(DAY, "MMMM", locale=language) in dates.full_datetime(MOMENT, year=False)
        assert "2026" not in dates.full_datetime(MOMENT, year=False)


def test_the_filters_are_there_for_templates(app):
    with app.test_request_context(), force_locale("pl"):
        rendered = app.jinja_env.from_string("{{ day|long_date }}").render(day=DAY)
    assert rendered == format_date(DAY, "long", locale="pl") != "1 June 2026"
