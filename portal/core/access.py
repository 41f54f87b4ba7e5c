"""Access decorators that read as sentences: `@signed_in`, `@only_for(Role.X, Role.Y)`."""

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user


def _sign_in_first():
    return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))


def signed_in(view):
    """The view is for anyone signed in to this service."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return _sign_in_first()
        return view(*args, **kwargs)

    # What the view declares, read by the access map test (tests/core/test_access_map.py).
    wrapper.access = "signed-in"
    return wrapper


def only_for(*roles):
    """The view is only for people holding one of these roles in this service."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return _sign_in_first()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapper.access = "roles"
        wrapper.allowed_roles = frozenset(roles)
        return wrapper

    return decorator


def only_for_staff(view):
    """The view is only for the service's staff, whatever their role."""
    from portal.accounts.models import STAFF_ROLES

    return only_for(*STAFF_ROLES)(view)
