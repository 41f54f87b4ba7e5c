"""The main pages run the same number of SQL statements with the demo's data and with
many times more (`flask demo scale` in small): no page's queries grow with the data."""

from portal.demo.scale import add_scale
from portal.demo.services import DEMO_PASSWORD, load_demo_data
from tests.conftest import sign_in

SLUG = "leicestershire"
PAGES = [
    (None, f"/{SLUG}/"),
    (None, f"/{SLUG}/events"),
    (None, f"/{SLUG}/events/{{event}}"),
    (None, f"/{SLUG}/young-people"),
    ("carer", f"/{SLUG}/training"),
    ("carer", f"/{SLUG}/training/my-training"),
    ("carer", f"/{SLUG}/tsds"),
    ("manager", f"/{SLUG}/staff/"),
    ("manager", f"/{SLUG}/staff/training"),
    ("manager", f"/{SLUG}/staff/events"),
    ("supervising-social-worker", f"/{SLUG}/staff/"),
    ("training", f"/{SLUG}/staff/"),
]


def _counts(app, count_queries, event_id) -> dict[str, int]:
    clients = {}
    counts = {}
    for who, url in PAGES:
        if who not in clients:
            clients[who] = app.test_client()
            if who:
                sign_in(clients[who], f"{who}@{SLUG}.demo", DEMO_PASSWORD, service=SLUG)
        client = clients[who]
        url = url.format(event=event_id)
        assert client.get(url).status_code == 200, url  # warm: the first visit may differ
        with count_queries() as counted:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[f"{who or 'anonymous'} {url}"] = counted["n"]
    return counts


def test_main_pages_run_as_many_queries_with_much_more_data(app, count_queries):
    from sqlalchemy import select

    from portal.core.extensions import db
    from portal.events.models import InformationEvent

    assert load_demo_data(only_if_empty=False)
    event_id = db.session.scalar(select(InformationEvent.id).limit(1))
    small = _counts(app, count_queries, event_id)
    scaled = add_scale(carers=650, events=150, training_records=2600)
    assert scaled.training_records == 2600
    large = _counts(app, count_queries, event_id)
    grew = {page: (small[page], large[page]) for page in small if small[page] != large[page]}
    assert grew == {}, f"queries grew with the data: {grew}"
    print("\n".join(f"{n:3d} queries  {page}" for page, n in small.items()))


def test_every_job_runs_on_the_demo_and_its_history(app):
    """Imported history has bookings on occasions with no event or session behind them;
    the reminder and feedback jobs must pass over them rather than fail."""
    from portal.core.db import utcnow
    from portal.core.jobs import _jobs, run_jobs

    assert load_demo_data(only_if_empty=False)
    done = run_jobs(utcnow())
    assert set(done) == set(_jobs)  # a job that raised is missing here
