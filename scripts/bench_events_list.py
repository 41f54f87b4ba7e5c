"""Print how the public events list scales: queries and time per page for 5 and 200 events.

Run: .venv/bin/python scripts/bench_events_list.py (uses a throw-away SQLite file).
"""

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event as sa_event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import TestConfig
from portal import create_app
from portal.bookings.models import Occasion
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.demo.facts import SERVICES
from portal.demo.services import build_service
from portal.events.models import KIND, InformationEvent

ROUNDS = 50


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:

        class Bench(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder}/bench.sqlite3"

        app = create_app(Bench)
        with app.app_context():
            db.create_all()
            service = build_service(SERVICES[0])
            db.session.add(service)
            db.session.commit()
            venue = next(v for v in service.venues if not v.is_online)
            client = app.test_client()
            made = 0
            rows = []
            for size in (5, 200):
                for n in range(made, size):
                    starts = utcnow() + timedelta(days=1 + n)
                    occasion = Occasion(
                        service_id=service.id,
                        kind=KIND,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=2),
                        capacity=30,
                        seats_taken=0,
                    )
                    db.session.add(
                        InformationEvent(
                            service_id=service.id,
                            occasion=occasion,
                            title="Find out about Fostering",
                            venue=venue,
                        )
                    )
                db.session.commit()
                made = size
                counted = {"n": 0}

                def count(*args, counted=counted, **kwargs):
                    counted["n"] += 1

                sa_event.listen(db.engine, "before_cursor_execute", count)
                client.get("/leicestershire/events")
                sa_event.remove(db.engine, "before_cursor_execute", count)
                started = time.perf_counter()
                for _ in range(ROUNDS):
                    client.get("/leicestershire/events")
                per_page = (time.perf_counter() - started) / ROUNDS * 1000
                rows.append((size, counted["n"], per_page))
    print("events  queries  ms/page")
    for size, queries, per_page in rows:
        print(f"{size:>6}  {queries:>7}  {per_page:7.1f}")
    print(
        f"ratio 200/5: queries {rows[1][1] / rows[0][1]:.2f}x, time {rows[1][2] / rows[0][2]:.1f}x"
    )


if __name__ == "__main__":
    main()
