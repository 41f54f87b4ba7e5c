"""The performance page: figures counted from the records, exactly, month by month in
London time; the same numbers in the CSV; a constant number of queries; managers only."""

import csv
import io
import statistics
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.accounts.models import CarerType, Role
from portal.core.db import utcnow
from portal.core.times import london_today
from portal.demo.history import ConversationSpec, History, Journey, StageSpec, insert_history
from tests.conftest import ClientRequest, sign_in

PAGE = "/leicestershire/staff/performance/"
CSV = "/leicestershire/staff/performance/performance.csv"
LONDON = ZoneInfo("Europe/London")
TYPES = list(CarerType)


def _key(moment) -> str:
    """The London calendar month of a UTC time or a date, as 'YYYY-MM'."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(LONDON).date()
    return f"{moment.year:04d}-{moment.month:02d}"


def _window(today: date) -> list[str]:
    keys = []
    year, month = today.year, today.month
    for _ in range(12):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def _plus_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError


def _per_month(keys: list[str], moments) -> list[int]:
    counted = Counter(_key(m) for m in moments)
    return [counted.get(k, 0) for k in keys]


def _history(n: int, now: datetime) -> History:
    """`n` records of every kind, spread over the last 400 days (some outside the window),
    at 23:30 UTC so that summer evenings fall in the next London day and month."""
    today = london_today(now)

    def at(k: int, spread: int = 11) -> datetime:
        moment = datetime.combine(today - timedelta(days=(k * spread) % 400), time(23, 30), UTC)
        return moment if moment < now else moment - timedelta(days=1)

    def day(k: int, spread: int = 13) -> date:
        return today - timedelta(days=(k * spread) % 400)

    history = History()
    for k in range(n):
        history.enquiries.append(at(k))
        history.event_bookings.append((at(k, 7), at(k + 3, 7), [True, False, None][k % 3]))
        visit = at(k, 9)
        decided = london_today(visit) + timedelta(days=3) if k % 5 else None
        allocated = decided + timedelta(days=10) if decided and k % 3 else None
        completed = allocated + timedelta(weeks=[12, 16, 17][k % 3]) if allocated else None
        if completed and completed > today:
            completed = None
        if decided and decided > today:
            decided = allocated = completed = None
        history.journeys.append(
            Journey(
                visit_at=visit,
                written=k % 7 != 0,
                decided_on=decided,
                progressed=k % 4 != 0,
                allocated_on=allocated if k % 4 != 0 else None,
                completed_on=completed if k % 4 != 0 else None,
            )
        )
        carer_type = TYPES[k % len(TYPES)]
        signed = day(k) if k % 2 else None
        approved = day(k) - timedelta(days=[200, 380, 500][k % 3]) if signed else day(k, 17)
        history.households.append((carer_type, approved, signed))
        history.leavers.append((at(k, 19), k % 4 != 0))
        history.training.append((at(k, 5), k % 3 != 0))
        history.modules.append(day(k, 3))
        requested = day(k, 23) - timedelta(days=20)
        stages = [StageSpec(requested, requested + timedelta(days=14))]
        stages[0].responded_on = requested + timedelta(days=[10, 14, 18, 30][k % 4])
        if k % 3 == 0:
            asked = stages[0].responded_on + timedelta(days=5)
            stages.append(StageSpec(asked, asked + timedelta(days=30), asked + timedelta(days=28)))
        if k % 6 == 0:
            asked = stages[1].responded_on + timedelta(days=5)
            panel = asked + timedelta(days=[20, 50][k % 2])
            stages.append(StageSpec(asked, asked + timedelta(days=40), panel, panel_on=panel))
        for spec in stages:
            if spec.responded_on and spec.responded_on > today:
                spec.responded_on = spec.panel_on = None
        history.complaints.append(stages)
        started = at(k, 29) - timedelta(hours=30)
        history.conversations.append(
            ConversationSpec(
                started_at=started,
                messages=1 + k % 3,
                reply_after=None if k % 5 == 0 else timedelta(hours=1 + (k % 7) * 3),
            )
        )
    return history


def _expected(history: History, today: date, target_weeks: int = 16) -> dict:
    """Every figure's measures per month, counted here from the history itself."""
    keys = _window(today)
    per = lambda moments: _per_month(keys, moments)  # noqa: E731
    journeys = [j for j in history.journeys if j.written]
    decided = [j for j in journeys if j.decided_on]
    progressed = [j for j in decided if j.progressed]
    allocated = [j for j in progressed if j.allocated_on]
    completed = [j for j in allocated if j.completed_on]
    signed = [(t, a, s) for t, a, s in history.households if s]

    def on_time(carer_type, approved, signed_off):
        months = 18 if carer_type == CarerType.FAMILY_AND_FRIENDS else 12
        return signed_off <= _plus_months(approved, months)

    expected = {
        ("enquiries", "enquiries"): per(history.enquiries),
        ("information-events", "booked"): per(b for b, _, _ in history.event_bookings),
        ("information-events", "attended"): per(s for _, s, a in history.event_bookings if a),
        ("initial-visits", "visits"): per(j.visit_at for j in journeys),
        ("progressed", "progressed"): per(j.decided_on for j in progressed),
        ("assessments", "started"): per(j.allocated_on for j in allocated),
        ("assessments", "completed"): per(j.completed_on for j in completed),
        ("assessments", "within-target"): per(
            j.completed_on
            for j in completed
            if (j.completed_on - j.allocated_on).days <= 7 * target_weeks
        ),
        ("carers-leaving", "leaving"): per(m for m, carer in history.leavers if carer),
        ("tsds", "signed-off"): per(s for _, _, s in signed),
        ("tsds", "on-time"): per(s for t, a, s in signed if on_time(t, a, s)),
        ("training", "attended"): per(s for s, a in history.training if a),
        ("training", "modules"): per(history.modules),
    }
    for carer_type in TYPES:
        expected[("approvals", carer_type.value)] = per(
            a for t, a, _ in history.households if t == carer_type
        )
    for number in (1, 2, 3):
        stages = [s[number - 1] for s in history.complaints if len(s) >= number]
        answered = [s for s in stages if s.responded_on]
        expected[(f"complaints-stage-{number}", "answered")] = per(s.responded_on for s in answered)
        expected[(f"complaints-stage-{number}", "in-time")] = per(
            s.responded_on for s in answered if (s.panel_on or s.responded_on) <= s.due_on
        )
    conversations = history.conversations
    expected[("young-peoples-messages", "messages")] = per(
        c.started_at + timedelta(minutes=n) for c in conversations for n in range(c.messages)
    )
    expected[("young-peoples-messages", "conversations")] = per(c.started_at for c in conversations)
    expected[("young-peoples-messages", "replied")] = per(
        c.started_at for c in conversations if c.reply_after is not None
    )
    medians = []
    for key in keys:
        waits = [
            c.reply_after.total_seconds() / 3600
            for c in conversations
            if c.reply_after is not None and _key(c.started_at) == key
        ]
        medians.append(round(statistics.median(waits), 1) if waits else None)
    expected[("first-reply", "median-hours")] = medians
    return expected


@pytest.fixture
def staff_member(leicestershire, make_user):
    return make_user(leicestershire, Role.RECRUITMENT, email="robin@example.org")


@pytest.fixture
def manager(leicestershire, make_user):
    return make_user(leicestershire, Role.SERVICE_MANAGER, email="mo@example.org")


def _signed_in(app, email, service="leicestershire") -> ClientRequest:
    client = ClientRequest(app.test_client())
    sign_in(client, email, service=service)
    return client


def _table(page, figure_key) -> tuple[dict, dict]:
    """{(figure, measure): [12 values]} and {(figure, measure): total} from a figure's
    table on the page."""
    table = page.soup.find(id=f"table-{figure_key}")
    assert table is not None, f"no table for {figure_key}"
    values: dict = {}
    for row in table.select("tbody tr"):
        for cell in row.select("td"):
            text = cell.get_text(" ", strip=True)
            value = None if text in ("\u2013 none", "") else float(text)
            values.setdefault((figure_key, cell["data-measure"]), []).append(value)
    totals = {
        (figure_key, cell["data-measure"]): float(cell.get_text(strip=True))
        for cell in table.select("tfoot td")
    }
    return values, totals


def _numbers(values: list) -> list:
    return [None if v is None else float(v) for v in values]


def test_only_the_service_manager_sees_the_page(app, leicestershire, lancashire, make_user):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    recruiter = make_user(leicestershire, Role.RECRUITMENT)
    other = make_user(lancashire, Role.SERVICE_MANAGER)
    assert app.test_client().get(PAGE).status_code == 302  # to sign in
    _signed_in(app, recruiter.email).get(PAGE, expected_status=403)
    _signed_in(app, recruiter.email).get(CSV, expected_status=403)
    # A Lancashire manager is nobody in Leicestershire: asked to sign in, never shown it.
    response = _signed_in(app, other.email, "lancashire").client.get(PAGE)
    assert response.status_code == 302 and "/leicestershire/sign-in" in response.location
    page = _signed_in(app, manager.email).get(PAGE)
    assert page.h1 == "Performance"
    assert page.response.headers["Cache-Control"] == "no-store"
    assert app.test_client().get("/nowhere/staff/performance/").status_code == 404


def test_the_figures_match_the_records_month_by_month(
    app, leicestershire, lancashire, manager, make_user
):
    now = utcnow()
    today = london_today(now)
    history = _history(60, now)
    insert_history(leicestershire, history, staff=manager)
    # Another service's records never count.
    other = make_user(lancashire, Role.SERVICE_MANAGER)
    insert_history(lancashire, _history(25, now), staff=other)
    expected = _expected(history, today)

    client = _signed_in(app, manager.email)
    page = client.get(PAGE)
    months = [row["data-month"] for row in page.soup.select("#table-enquiries tbody tr")]
    assert months == _window(today)
    assert "part month" in page.soup.select("#table-enquiries tbody tr")[-1].get_text()

    shown, totals = {}, {}
    for figure_key in {f for f, _ in expected}:
        values, sums = _table(page, figure_key)
        shown.update(values)
        totals.update(sums)
    assert set(shown) == set(expected)
    for key, values in expected.items():
        assert shown[key] == _numbers(values), key
        if key[0] != "first-reply":
            assert totals[key] == sum(values), key
    assert sum(sum(v) for v in expected.values() if None not in v) > 0  # the seeds count

    funnel = {
        row["data-step"]: int(row.select_one("td").get_text(strip=True))
        for row in page.soup.select("#funnel-table tbody tr")
    }
    assert funnel == {
        "enquiries": sum(expected[("enquiries", "enquiries")]),
        "attended": sum(expected[("information-events", "attended")]),
        "visited": sum(expected[("initial-visits", "visits")]),
        "progressed": sum(expected[("progressed", "progressed")]),
        "assessed": sum(expected[("assessments", "completed")]),
        "approved": sum(sum(expected[("approvals", t.value)]) for t in TYPES),
    }

    response = client.client.get(CSV)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    from_csv: dict = {}
    for row in rows:
        value = None if row["value"] == "" else float(row["value"])
        from_csv.setdefault((row["figure"], row["measure"]), []).append(value)
        assert row["part_month"] == ("yes" if row["month"] == _window(today)[-1] else "no")
    assert from_csv == {k: _numbers(v) for k, v in expected.items()}


def test_the_target_is_the_services_own(app, leicestershire, manager):
    leicestershire.assessment_target_weeks = 12
    from portal.core.extensions import db

    db.session.commit()
    now = utcnow()
    history = _history(30, now)
    insert_history(leicestershire, history, staff=manager)
    page = _signed_in(app, manager.email).get(PAGE)
    values, _ = _table(page, "assessments")
    expected = _expected(history, london_today(now), target_weeks=12)
    assert values[("assessments", "within-target")] == _numbers(
        expected[("assessments", "within-target")]
    )
    assert "Within 12 weeks" in page.soup.find(id="table-assessments").get_text()


def test_an_empty_service_shows_zeros_and_no_median(app, manager):
    page = _signed_in(app, manager.email).get(PAGE)
    values, _totals = _table(page, "enquiries")
    assert values[("enquiries", "enquiries")] == [0.0] * 12
    medians, _ = _table(page, "first-reply")
    assert medians[("first-reply", "median-hours")] == [None] * 12
    assert page.soup.select("svg[role=img]")


def test_the_page_runs_the_same_number_of_queries_for_10_or_300_records(
    app, leicestershire, make_user, count_queries
):
    small_manager = make_user(leicestershire, Role.SERVICE_MANAGER, email="small@example.org")
    client = _signed_in(app, small_manager.email)
    now = utcnow()
    insert_history(leicestershire, _history(10, now), staff=small_manager)
    client.get(PAGE)  # warm up caches outside the count
    with count_queries() as small:
        client.get(PAGE)
    with count_queries() as small_csv:
        client.client.get(CSV)
    insert_history(leicestershire, _history(300, now), staff=small_manager)
    with count_queries() as large:
        page = client.get(PAGE)
    with count_queries() as large_csv:
        client.client.get(CSV)
    assert int(page.soup.select_one("#funnel-table td").get_text()) > 100
    assert small["n"] == large["n"]
    assert small_csv["n"] == large_csv["n"]
    assert large["n"] <= 20


def test_charts_are_accessible_images_beside_their_tables(app, manager):
    page = _signed_in(app, manager.email).get(PAGE)
    svgs = page.soup.select("svg.app-chart")
    assert len(svgs) == len(page.soup.select("table[id^=table-]")) + 1  # and the funnel
    for svg in svgs:
        assert svg["role"] == "img"
        assert svg["width"] == "100%" and svg["viewbox"].startswith("0 0 ")
        title_id = svg["aria-labelledby"].split()[0]
        assert svg.find("title", id=title_id).get_text(strip=True)
