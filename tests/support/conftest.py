"""Factories for support meetings and payment levels."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from portal.core.db import utcnow
from portal.core.times import london_today
from portal.support import services
from portal.support.models import PaymentKind


@pytest.fixture
def add_meeting(leicestershire):
    """Add a meeting `in_days` from today: a locality's group, or the Forum if `forum`."""

    def add(service=None, in_days=10, forum=False, online=False, every_months=0, times=1):
        service = service or leicestershire
        venue = next(v for v in service.venues if not v.is_online)
        day: date = london_today(utcnow()) + timedelta(days=in_days)
        return services.add_meetings(
            service,
            services.MeetingDetails(
                locality=None if forum else service.localities[0],
                day=day,
                starts=time(10, 0),
                ends=time(12, 0),
                venue=None if online else venue,
                is_online=online,
                every_months=every_months,
                times=times,
            ),
            by=None,
            now=utcnow(),
        )

    return add


@pytest.fixture
def add_level(leicestershire):
    """Add a row to the fees and allowances table."""

    def add(name="Level 1", amount="95.00", kind=PaymentKind.FEE, service=None, description=""):
        return services.save_level(
            service or leicestershire,
            None,
            kind=kind,
            name=name,
            description=description,
            weekly_amount=Decimal(amount),
            by=None,
        )

    return add
