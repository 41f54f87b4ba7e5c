"""Nothing written is lost to a timed-out session.

A form whose view says `@keeps_drafts(...)` may be sent just after the person's session
ended (they were away longer than the idle time). Its text is then kept, encrypted, in a
short-lived row; the browser's new session cookie holds only a random key to it. After
signing in again, the same account sees the form filled in with what it wrote, to check
and send itself: nothing is ever sent on its behalf.

Why a row and not the session: the session cookie is signed, not encrypted, so anyone
holding the device (a shared family phone) could read the text out of it; and a message
or complaint runs to 10,000 characters (30 KB in some scripts), far past the 4 KB a
browser keeps in one cookie.
"""

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from portal.accounts.models import KeptDraft, User
from portal.core.db import utcnow
from portal.core.extensions import db

SESSION_KEY = "kept_draft"  # this browser's key to its kept draft
# Enough for the longest field any form takes (a complaint, 10,000 characters) and the
# three boxes of a date; anything beyond is not a person's writing.
MAX_CHARACTERS = 20_000
MAX_VALUES = 3


def keeps_drafts(*fields: str, context: Callable[[], dict] | None = None):
    """The view's form keeps `fields` when it arrives after the session ended; `context`
    says what else the page needs to show the form again (read before the session ends).
    Put it directly under the route decorator."""

    def decorator(view):
        view.kept_fields = fields
        view.kept_context = context
        return view

    return decorator


def fields_kept_by(endpoint: str | None) -> tuple[str, ...]:
    """The fields this endpoint's form keeps, or () for a form that keeps nothing."""
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "kept_fields", ())


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def keep_posted(user: User, now: datetime | None = None) -> str | None:
    """Keep what this request posted, if its form keeps drafts and it holds any writing;
    returns the key for the browser's session."""
    names = fields_kept_by(request.endpoint)
    if request.method != "POST" or not names:
        return None
    fields = {
        name: [value[:MAX_CHARACTERS] for value in request.form.getlist(name)[:MAX_VALUES]]
        for name in names
        if name in request.form
    }
    if not any(value.strip() for values in fields.values() for value in values):
        return None
    view = current_app.view_functions[request.endpoint]
    context = {"path": request.path, **(view.kept_context() if view.kept_context else {})}
    now = now or utcnow()
    drop_expired(now)
    raw = secrets.token_urlsafe(32)
    db.session.add(
        KeptDraft(
            service_id=user.service_id,
            user_id=user.id,
            key_hash=_hash(raw),
            endpoint=request.endpoint,
            path=request.path,
            fields=json.dumps({"fields": fields, "context": context}),
            created_at=now,
            expires_at=now + timedelta(hours=current_app.config["KEPT_DRAFT_HOURS"]),
        )
    )
    db.session.commit()
    return raw


def _kept(user: User, now: datetime, endpoint: str | None = None) -> KeptDraft | None:
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, str) or not raw:
        return None
    query = select(KeptDraft).where(
        KeptDraft.key_hash == _hash(raw),
        KeptDraft.user_id == user.id,
        KeptDraft.service_id == user.service_id,
        KeptDraft.expires_at > now,
    )
    if endpoint is not None:
        query = query.where(KeptDraft.endpoint == endpoint)
    return db.session.scalar(query)


def kept_path(user: User, now: datetime | None = None) -> str | None:
    """The page of the form this browser kept a draft from, for this account."""
    draft = _kept(user, now or utcnow())
    return draft.path if draft else None


def kept_context(user: User, endpoint: str, now: datetime | None = None) -> dict | None:
    """What the page needs to show the kept form again, without taking the draft."""
    draft = _kept(user, now or utcnow(), endpoint)
    return json.loads(draft.fields)["context"] if draft else None


def take(user: User, endpoint: str, now: datetime | None = None) -> tuple[MultiDict, dict] | None:
    """The kept fields (as form data) and context for this account's form, once: the row
    is deleted as it is given back."""
    draft = _kept(user, now or utcnow(), endpoint)
    if draft is None:
        return None
    kept = json.loads(draft.fields)
    db.session.delete(draft)
    db.session.commit()
    session.pop(SESSION_KEY, None)
    data = MultiDict([(name, value) for name, values in kept["fields"].items() for value in values])
    return data, kept["context"]


def restore_into(form, *, wanted: Callable[[dict], bool] | None = None) -> bool:
    """On a GET of a form that keeps drafts, fill it with what this account wrote before
    its session ended (once), and say so; `wanted(context)` may refuse a draft kept for
    another page's copy of the form. Returns whether the form was filled."""
    if request.method != "GET" or not current_user.is_authenticated:
        return False
    user = current_user._get_current_object()
    if wanted is not None:
        context = kept_context(user, request.endpoint)
        if context is None or not wanted(context):
            return False
    taken = take(user, request.endpoint)
    if taken is None:
        return False
    form.process(formdata=taken[0])
    flash(
        _(
            "This is what you wrote before you were signed out. It has not been sent: "
            "check it, then send it."
        )
    )
    return True


def drop_expired(now: datetime) -> int:
    """Delete drafts nobody came back for in time; returns how many."""
    result = db.session.execute(delete(KeptDraft).where(KeptDraft.expires_at <= now))
    db.session.commit()
    return result.rowcount or 0


def _register_jobs() -> None:
    from portal.core.jobs import register_job

    register_job("accounts.drop_expired_drafts", drop_expired)


_register_jobs()
