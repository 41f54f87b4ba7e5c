"""Print how the training co-ordinator's pages scale: queries and time per page for a
session's register and its feedback summary with 10 and 1,000 carers booked, all marked as
came and with feedback given.

Run: .venv/bin/python scripts/bench_training.py (uses a throw-away SQLite file).
"""

import sys
import tempfile
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event as sa_event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import TestConfig
from portal import create_app
from portal.accounts.models import Role, User, UserRole
from portal.accounts.services import hash_password
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.demo.facts import SERVICES
from portal.demo.services import build_service
from portal.training import services as training
from portal.training.models import CourseFormat, Topic
from tests.training.conftest import add_attended_carers

ROUNDS = 20
SIZES = (10, 1000)
PASSWORD = "bench password 1"  # noqa: S105 - a throw-away database


def measure(client, url: str) -> tuple[int, float]:
    """Queries for one page, and milliseconds per page over ROUNDS more."""
    counted = {"n": 0}

    def count(*args, **kwargs):
        counted["n"] += 1

    sa_event.listen(db.engine, "before_cursor_execute", count)
    response = client.get(url)
    sa_event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, (url, response.status_code)
    started = time.perf_counter()
    for _ in range(ROUNDS):
        client.get(url)
    return counted["n"], (time.perf_counter() - started) / ROUNDS * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:

        class Bench(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder}/bench.sqlite3"
            UPLOAD_DIRECTORY = folder

        app = create_app(Bench)
        with app.app_context():
            db.create_all()
            service = build_service(SERVICES[0])
            db.session.add(service)
            coordinator = User(
                service=service,
                email="training@bench.example",
                name="Tay",
                password_hash=hash_password(PASSWORD),
                email_confirmed_at=utcnow(),
            )
            db.session.add(coordinator)
            db.session.flush()
            db.session.add(UserRole(user_id=coordinator.id, role=Role.TRAINING_COORDINATOR))
            db.session.commit()
            course = training.create_course(
                service,
                training.CourseDetails(
                    title="Safeguarding",
                    topic=Topic.SAFEGUARDING,
                    description="Bench",
                    audiences=[],
                    counts_for_tsds=False,
                    tsds_standards=[],
                    is_mandatory=True,
                    format=CourseFormat.SESSIONS,
                ),
                by=coordinator,
            )
            day = utcnow().date() + timedelta(days=7)
            session = training.add_session(
                course,
                training.SessionDetails(
                    day=day,
                    starts=clock(10, 0),
                    ends=clock(13, 0),
                    venue=None,
                    is_online=True,
                    online_link="https://meet.example/bench",
                    capacity=10,
                ),
                by=coordinator,
            )
            client = app.test_client()
            page = client.get("/leicestershire/sign-in").get_data(as_text=True)
            token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
            client.post(
                "/leicestershire/sign-in",
                data={"csrf_token": token, "email": coordinator.email, "password": PASSWORD},
            )
            base = f"/leicestershire/staff/training/sessions/{session.id}"
            pages = {"register": f"{base}/register", "feedback": f"{base}/feedback"}
            made, results = 0, {}
            for size in SIZES:
                add_attended_carers(session, made, size)
                made = size
                for name, url in pages.items():
                    results[name, size] = measure(client, url)
    print("page       carers  queries  ms/page")
    for (name, size), (queries, per_page) in results.items():
        print(f"{name:<9}  {size:>6}  {queries:>7}  {per_page:7.1f}")
    small, large = SIZES
    print(
        ", ".join(
            f"{name} {large}/{small}: queries "
            f"{results[name, large][0] / results[name, small][0]:.2f}x, "
            f"time {results[name, large][1] / results[name, small][1]:.1f}x"
            for name in pages
        )
    )


if __name__ == "__main__":
    main()
