"""Training rules without the pages: filters, hours and the record's CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from flask import current_app
from werkzeug.datastructures import MultiDict

from portal.accounts.models import Role
from portal.bookings import services as engine
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.training import services as training


def test_filters_keep_only_real_choices():
    filters = training.CatalogueFilters.from_args(
        MultiDict({"topic": "safeguarding", "month": "2027-02", "mode": "online", "tsds": "yes"})
    )
    assert filters == training.CatalogueFilters("safeguarding", "2027-02", "online", True)
    junk = training.CatalogueFilters.from_args(
        MultiDict({"topic": "x" * 500, "month": "2027-13", "mode": "teleport", "tsds": "1"})
    )
    assert junk == training.CatalogueFilters()


def test_hours_count_attended_sessions_and_modules_this_year_and_in_total(
    make_user, leicestershire, make_session, make_course
):
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    last_year = make_session(starts_in=timedelta(days=10), hours=2, title="Last year")
    this_year = make_session(starts_in=timedelta(days=10), hours=3, title="This year")
    missed = make_session(starts_in=timedelta(days=10), hours=6, title="Missed")
    with current_app.test_request_context():
        bookings = [
            training.book_session(s, carer, locale="en", now=utcnow())
            for s in (last_year, this_year, missed)
        ]
    for session, starts in [
        (last_year, datetime(2025, 12, 31, 10, tzinfo=UTC)),
        (this_year, datetime(2026, 1, 1, 10, tzinfo=UTC)),
        (missed, datetime(2026, 3, 1, 10, tzinfo=UTC)),
    ]:
        length = session.occasion.ends_at - session.occasion.starts_at
        session.occasion.starts_at, session.occasion.ends_at = starts, starts + length
    bookings[0].attended = bookings[1].attended = True
    bookings[2].attended = False
    db.session.commit()
    module = make_course(title="Module", self_paced=True)
    assert training.complete_module(carer, module, now)
    assert not training.complete_module(carer, module, now)  # once only
    assert not training.complete_module(carer, last_year.course, now)  # not a module

    record = training.training_record(carer, now)
    assert [line.title for line in record.done] == ["Module", "This year", "Last year"]
    assert record.hours_total == Decimal("6.5")
    assert record.hours_this_year == Decimal("4.5")
    assert record.upcoming == []


def test_the_record_csv_cannot_smuggle_formulas(make_user, leicestershire):
    record = training.TrainingRecord(
        done=[
            training.RecordLine(
                title='=HYPERLINK("http://evil")',
                on=datetime(2026, 5, 1).date(),
                hours=Decimal("2.00"),
                counts_for_tsds=True,
                standards=[1, 4],
                how="in-person",
            )
        ]
    )
    with current_app.test_request_context():
        [_header, line] = list(csv.reader(io.StringIO(training.record_csv(record))))
    assert line == ['\'=HYPERLINK("http://evil")', "2026-05-01", "2.00", "In person", "Yes", "1 4"]


def test_a_withdrawn_course_cannot_be_booked(make_user, leicestershire, make_session):
    session = make_session()
    session.course.is_withdrawn = True
    db.session.commit()
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    with pytest.raises(engine.BookingClosed), current_app.test_request_context():
        training.book_session(session, carer, locale="en", now=utcnow())
