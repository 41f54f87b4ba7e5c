"""Fixtures for the privacy tests: staff of the service, and a person with a history."""

import pytest

from portal.accounts.models import Role


@pytest.fixture
def staff(leicestershire, make_user):
    """A member of staff who does everything the histories need doing."""
    return make_user(leicestershire, Role.SERVICE_MANAGER, email="staff@example.org")
