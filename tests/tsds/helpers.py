"""Approved foster carers with a household and a supervising social worker, for tests."""

from datetime import timedelta

from portal.accounts.models import CarerType, Role, User
from portal.core.db import utcnow
from portal.core.times import london_today
from portal.tsds import services as tsds


def approved_carer(service, make_user, name: str = "Casey Carer") -> User:
    """A mainstream carer in their own household, approved 100 days ago, with a social
    worker: one whose TSDS workbook is open and who may book training."""
    carer = make_user(service, Role.APPROVED_CARER, name=name)
    tsds.create_household(
        service,
        name=name,
        carers=[carer],
        carer_type=CarerType.MAINSTREAM,
        approved_on=london_today(utcnow()) - timedelta(days=100),
        social_worker=make_user(service, Role.SUPERVISING_SOCIAL_WORKER),
    )
    return carer
