"""Print how the social workers' TSDS page scales: queries and time per page for 10 and
1,000 carer households, each with some accepted evidence.

Run: .venv/bin/python scripts/bench_tsds.py (uses a throw-away SQLite file).
"""

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event as sa_event
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import TestConfig
from portal import create_app
from portal.accounts.models import CarerType, Role, User, UserRole
from portal.accounts.services import hash_password
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.times import london_today
from portal.demo.facts import SERVICES
from portal.demo.services import build_service
from portal.tsds import services as tsds
from portal.tsds.models import Evidence, EvidenceStatus, Household, HouseholdMember, SetKey

ROUNDS = 20
PASSWORD = "bench password 1"  # noqa: S105 - a throw-away database


def add_households(service, worker, sets, start: int, end: int) -> None:
    """Households with a carer each and three accepted outcomes, inserted in bulk."""
    today = london_today(utcnow())
    mainstream = sets[SetKey.MAINSTREAM]
    outcome_ids = [o.id for s in mainstream.standards for o in s.outcomes][:3]
    for n in range(start, end):
        carer = User(service_id=service.id, email=f"carer{n}@bench.example", name=f"Carer {n}")
        db.session.add(carer)
        db.session.flush()
        db.session.add(UserRole(user_id=carer.id, role=Role.APPROVED_CARER))
        household = Household(
            service_id=service.id,
            name=f"Household {n:04}",
            carer_type=CarerType.MAINSTREAM,
            approved_on=today - timedelta(days=n % 400),
            set_id=mainstream.id,
            social_worker_id=worker.id,
        )
        household.members = [HouseholdMember(user_id=carer.id)]
        db.session.add(household)
        db.session.flush()
        db.session.execute(
            insert(Evidence),
            [
                {
                    "service_id": service.id,
                    "household_id": household.id,
                    "outcome_id": outcome_id,
                    "text": "Evidence",
                    "status": EvidenceStatus.ACCEPTED,
                }
                for outcome_id in outcome_ids
            ],
        )
    db.session.commit()


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
            worker = User(
                service=service,
                email="ssw@bench.example",
                name="Sky",
                password_hash=hash_password(PASSWORD),
                email_confirmed_at=utcnow(),
            )
            db.session.add(worker)
            db.session.flush()
            db.session.add(UserRole(user_id=worker.id, role=Role.SUPERVISING_SOCIAL_WORKER))
            db.session.commit()
            sets = tsds.ensure_standard_sets(service)
            db.session.commit()
            client = app.test_client()
            page = client.get("/leicestershire/sign-in").get_data(as_text=True)
            token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
            client.post(
                "/leicestershire/sign-in",
                data={"csrf_token": token, "email": worker.email, "password": PASSWORD},
            )
            made, rows = 0, []
            for size in (10, 1000):
                add_households(service, worker, sets, made, size)
                made = size
                counted = {"n": 0}

                def count(*args, counted=counted, **kwargs):
                    counted["n"] += 1

                sa_event.listen(db.engine, "before_cursor_execute", count)
                response = client.get("/leicestershire/staff/tsds")
                sa_event.remove(db.engine, "before_cursor_execute", count)
                assert response.status_code == 200, response.status_code
                started = time.perf_counter()
                for _ in range(ROUNDS):
                    client.get("/leicestershire/staff/tsds")
                per_page = (time.perf_counter() - started) / ROUNDS * 1000
                rows.append((size, counted["n"], per_page))
    print("households  queries  ms/page")
    for size, queries, per_page in rows:
        print(f"{size:>10}  {queries:>7}  {per_page:7.1f}")
    print(
        f"ratio 1000/10: queries {rows[1][1] / rows[0][1]:.2f}x, "
        f"time {rows[1][2] / rows[0][2]:.1f}x"
    )


if __name__ == "__main__":
    main()
