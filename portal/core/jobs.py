"""Periodic jobs (reminders, offers that lapse, feedback requests) run by the worker.

Each feature registers its jobs; the worker runs them all every minute inside a request
context for PUBLIC_URL, so the links in the emails they send are absolute and correct.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from flask import current_app

from portal.core.extensions import db

log = logging.getLogger(__name__)

Job = Callable[[datetime], int]
_jobs: dict[str, Job] = {}


def register_job(name: str, job: Job) -> None:
    """Run `job(now)` on every round of the worker; it returns how much it did."""
    _jobs[name] = job


def run_jobs(now: datetime) -> dict[str, int]:
    """Run every registered job once; a failing job is logged and does not stop the rest."""
    done = {}
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        for name, job in _jobs.items():
            try:
                done[name] = job(now)
            except Exception:
                db.session.rollback()
                log.exception("job %s failed", name)
    return done
