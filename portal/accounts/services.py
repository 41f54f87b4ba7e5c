"""Account rules: passwords, sessions that can be ended, and single-use emailed links."""

import contextlib
import functools
import hashlib
import hmac
import secrets
import time
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, session, url_for
from flask_login import login_user, logout_user
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from portal.accounts.models import (
    AccountToken,
    CarerType,
    Role,
    TokenPurpose,
    User,
    UserRole,
    new_session_token,
)
from portal.core import audit, outbox, security_log
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.text import normalise_email
from portal.organisation.models import FosteringService

# Session keys: when this sign-in began and when the person last did something.
SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"


class EmailAlreadyUsed(ValueError):
    """Someone in this service already has an account with this email address."""


def password_hasher() -> PasswordHasher:
    """argon2id with the configured cost (lower only in tests)."""
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return password_hasher().hash(password)


@functools.cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords from real breaches (MIT licence);
    # read once per process, and only when a password is first checked.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.casefold() for word in FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    """Whether the password is one of the most used, whatever its capitals."""
    return password.strip().casefold() in _common_passwords()


_DUMMY_HASH: dict[tuple, str] = {}


def _dummy_hash() -> str:
    """A hash with the current parameters, made once, to verify against for unknown emails."""
    hasher = password_hasher()
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASH[key]


def find_user(service: FosteringService, email: str) -> User | None:
    """The service's account with this email address, if any."""
    return db.session.scalar(
        select(User).where(User.service_id == service.id, User.email == normalise_email(email))
    )


def staff_with_role(service: FosteringService, role: Role) -> list[User]:
    """The service's set-up, enabled accounts holding `role`, oldest first."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(
                User.service_id == service.id,
                User.is_disabled.is_(False),
                User.password_hash.is_not(None),
                UserRole.role == role,
            )
            .order_by(User.id)
        ).unique()
    )


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the id must come with the user's current session token."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    try:
        user = db.session.get(User, int(user_id))
    except OperationalError:
        db.session.rollback()
        return None
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None  # signed out, password changed or disabled since this cookie was issued
    service = getattr(g, "service", None)
    if service is not None and user.service_id != service.id:
        return None  # an account of one service means nothing in another
    return user


def authenticate(service: FosteringService, email: str, password: str) -> User | None:
    """The account these credentials open, or None; the hash is upgraded when outdated."""
    user = find_user(service, email)
    hasher = password_hasher()
    if user is None or user.password_hash is None:
        # Spend the same time as a real check so response times do not reveal accounts.
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(), password)
        security_log.record("sign_in.failed", user, reason="unknown account")
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        security_log.record("sign_in.failed", user, reason="wrong password")
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        db.session.commit()
        security_log.record("password.rehashed", user)
    return user


# What a new session keeps from the one before: the chosen language, and the key to what
# the person wrote as their last session ended (portal/accounts/drafts.py), which only the
# same account can open.
CARRIED_OVER = ("language", "kept_draft")


def start_session(user: User) -> None:
    """Sign the person in with a brand-new session (nothing carried over from before but
    their language and any writing kept for them)."""
    carried = {key: session[key] for key in CARRIED_OVER if session.get(key)}
    session.clear()
    session.update(carried)
    login_user(user, remember=False)
    session.permanent = True
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now
    user.last_signed_in_at = utcnow()
    db.session.commit()


def end_this_session() -> None:
    """Sign out here only (a timed-out session); the language stays."""
    logout_user()
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language


def idle_seconds(user: User) -> float:
    """How long this person's session may go without them doing anything."""
    config = current_app.config
    minutes = (
        config["SESSION_IDLE_MINUTES_STAFF"] if user.is_staff else config["SESSION_IDLE_MINUTES"]
    )
    return minutes * 60


def session_time_left(user: User, now: float | None = None) -> tuple[float, bool]:
    """Seconds until this session ends (0 once it has), and whether doing something would
    put that off (False when the limit since signing in comes first)."""
    now = time.time() if now is None else now
    idle_left = session.get(SEEN_AT, 0) + idle_seconds(user) - now
    absolute_left = (
        session.get(SIGNED_IN_AT, 0) + current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600 - now
    )
    return max(0.0, min(idle_left, absolute_left)), idle_left < absolute_left


def session_has_expired(user: User, now: float | None = None) -> str | None:
    """Why this session must end ("idle" or "absolute"), or None while it may go on."""
    config = current_app.config
    now = time.time() if now is None else now
    if now - session.get(SIGNED_IN_AT, 0) > config["SESSION_ABSOLUTE_HOURS"] * 3600:
        return "absolute"
    if now - session.get(SEEN_AT, 0) > idle_seconds(user):
        return "idle"
    return None


def mark_seen(now: float | None = None, *, exactly: bool = False) -> None:
    """The person did something: their idle time starts again. Written at most once a
    minute, so most responses do not carry a new session cookie, unless `exactly` (the
    person asked to stay signed in, and the page counts the time from now)."""
    now = int(time.time() if now is None else now)
    if exactly or now - session.get(SEEN_AT, 0) >= 60:
        session[SEEN_AT] = now


def end_every_session(user: User) -> None:
    """Change the user's session token, so every cookie issued before stops working."""
    user.session_token = new_session_token()


def sign_out(user: User) -> None:
    """End this session and every other one the person has."""
    end_every_session(user)
    db.session.commit()
    security_log.record("sign_out", user)
    end_this_session()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(
    user: User, purpose: TokenPurpose, lifetime: timedelta, now=None, new_email=None
) -> str:
    """A new single-use secret for an emailed link; only its hash is stored."""
    raw = secrets.token_urlsafe(32)
    now = now or utcnow()
    db.session.add(
        AccountToken(
            user=user,
            purpose=purpose,
            token_hash=_hash_token(raw),
            created_at=now,
            expires_at=now + lifetime,
            new_email=new_email,
        )
    )
    return raw


def find_token(
    service: FosteringService, raw: str, purpose: TokenPurpose, now: datetime | None = None
) -> AccountToken | None:
    """The unused, unexpired token of this service behind a link, if the link is good."""
    now = now or utcnow()
    token = db.session.scalar(
        select(AccountToken).where(AccountToken.token_hash == _hash_token(raw or ""))
    )
    if (
        token is None
        or token.purpose != purpose
        or token.used_at is not None
        or token.expires_at <= now
        or token.user.service_id != service.id
        or token.user.is_disabled
    ):
        return None
    return token


def use_token(token: AccountToken, now: datetime | None = None) -> bool:
    """Mark the token used; False if another request used it first."""
    result = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=now or utcnow())
    )
    return result.rowcount == 1


def _link_lifetime(purpose: TokenPurpose) -> timedelta:
    config = current_app.config
    return {
        TokenPurpose.CONFIRM_EMAIL: timedelta(hours=config["CONFIRM_EMAIL_HOURS"]),
        TokenPurpose.RESET_PASSWORD: timedelta(minutes=config["PASSWORD_RESET_MINUTES"]),
        TokenPurpose.INVITATION: timedelta(days=config["INVITATION_DAYS"]),
        TokenPurpose.CHANGE_EMAIL: timedelta(hours=config["CONFIRM_EMAIL_HOURS"]),
    }[purpose]


def send_confirmation(user: User, locale: str | None) -> None:
    """Email a link that confirms the address (replacing nothing: older links still work)."""
    raw = issue_token(user, TokenPurpose.CONFIRM_EMAIL, _link_lifetime(TokenPurpose.CONFIRM_EMAIL))
    outbox.enqueue(
        to=user.email,
        template="confirm_email",
        locale=user.locale or locale,
        service=user.service,
        name=user.name,
        link=url_for(
            "accounts.confirm_email", service=user.service.slug, token=raw, _external=True
        ),
        hours=current_app.config["CONFIRM_EMAIL_HOURS"],
    )


def resend_confirmation(service: FosteringService, email: str, locale: str | None) -> None:
    """Send a new confirmation link if the address has an unconfirmed account."""
    user = find_user(service, email)
    if user is not None and user.email_confirmed_at is None and user.is_active:
        send_confirmation(user, locale)
        db.session.commit()


def register_prospective_carer(
    service: FosteringService, *, name: str, email: str, password: str, locale: str | None
) -> User | None:
    """Create an applicant's account and email a confirmation link.

    If the address already has an account, nothing is created and the owner is told by
    email instead, so the page never reveals who has an account.
    """
    existing = find_user(service, email)
    if existing is not None:
        outbox.enqueue(
            to=existing.email,
            template="account_exists",
            locale=existing.locale or locale,
            service=service,
            sign_in_link=url_for("accounts.sign_in", service=service.slug, _external=True),
            reset_link=url_for("accounts.forgot_password", service=service.slug, _external=True),
        )
        db.session.commit()
        return None
    user = User(
        service=service,
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        locale=locale,
        role_rows=[UserRole(role=Role.PROSPECTIVE_CARER)],
    )
    db.session.add(user)
    db.session.flush()
    send_confirmation(user, locale)
    audit.record("account.registered", user, actor=user)
    db.session.commit()
    return user


def confirm_email(service: FosteringService, raw: str) -> User | None:
    """Confirm the address behind a confirmation link; None if the link is no good."""
    token = find_token(service, raw, TokenPurpose.CONFIRM_EMAIL)
    if token is None or not use_token(token):
        db.session.rollback()
        return None
    user = token.user
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    audit.record("account.email_confirmed", user, actor=user)
    db.session.commit()
    return user


def request_password_reset(service: FosteringService, email: str, locale: str | None) -> None:
    """Email a reset link if the address has an active account; say nothing either way."""
    user = find_user(service, email)
    security_log.record("password_reset.requested", user)
    if user is None or user.is_disabled or user.password_hash is None:
        return
    raw = issue_token(
        user, TokenPurpose.RESET_PASSWORD, _link_lifetime(TokenPurpose.RESET_PASSWORD)
    )
    outbox.enqueue(
        to=user.email,
        template="reset_password",
        locale=user.locale or locale,
        service=service,
        link=url_for("accounts.reset_password", service=service.slug, token=raw, _external=True),
        minutes=current_app.config["PASSWORD_RESET_MINUTES"],
    )
    db.session.commit()


def reset_password(service: FosteringService, raw: str, new_password: str) -> User | None:
    """Set a new password from a reset link; every existing session ends."""
    token = find_token(service, raw, TokenPurpose.RESET_PASSWORD)
    if token is None or not use_token(token):
        db.session.rollback()
        return None
    user = token.user
    user.password_hash = hash_password(new_password)
    # The link proves the person can read the inbox, so the address is confirmed too.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    end_every_session(user)
    audit.record("account.password_reset", user, actor=user)
    db.session.commit()
    security_log.record("password_reset.completed", user)
    return user


def change_password(user: User, current: str, new_password: str) -> bool:
    """Change the password when the current one is right; other sessions end."""
    if authenticate(user.service, user.email, current) is None:
        return False
    user.password_hash = hash_password(new_password)
    end_every_session(user)
    audit.record("account.password_changed", user, actor=user)
    db.session.commit()
    security_log.record("password.changed", user)
    return True


def request_email_change(user: User, new_email: str, locale: str | None) -> None:
    """Email a link to the new address; the change happens only when it is opened.

    When the address already belongs to an account of this service nothing is sent, and
    the page says the same either way, so it never tells who has an account."""
    new_email = normalise_email(new_email)
    audit.record("account.email_change_requested", user, actor=user)
    if find_user(user.service, new_email) is None:
        raw = issue_token(
            user,
            TokenPurpose.CHANGE_EMAIL,
            _link_lifetime(TokenPurpose.CHANGE_EMAIL),
            new_email=new_email,
        )
        outbox.enqueue(
            to=new_email,
            template="confirm_new_email",
            locale=user.locale or locale,
            service=user.service,
            link=url_for(
                "accounts.confirm_new_email",
                service=user.service.slug,
                token=raw,
                _external=True,
            ),
            hours=current_app.config["CONFIRM_EMAIL_HOURS"],
        )
    db.session.commit()
    security_log.record("email_change.requested", user)


def confirm_email_change(service: FosteringService, raw: str) -> User | None:
    """Move the account to the address the link was sent to; the old address is told."""
    token = find_token(service, raw, TokenPurpose.CHANGE_EMAIL)
    if (
        token is None
        or not token.new_email
        or find_user(service, token.new_email) is not None
        or not use_token(token)
    ):
        db.session.rollback()
        return None
    user = token.user
    old_email = user.email
    user.email = token.new_email
    user.email_confirmed_at = utcnow()
    audit.record("account.email_changed", user, actor=user)
    outbox.enqueue(
        to=old_email,
        template="email_changed",
        locale=user.locale,
        service=service,
        new_email=user.email,
    )
    db.session.commit()
    security_log.record("email_change.completed", user)
    return user


# Which roles each staff role may invite.
INVITABLE_ROLES: dict[Role, tuple[Role, ...]] = {
    Role.SERVICE_MANAGER: tuple(Role),
    Role.RECRUITMENT: (Role.PROSPECTIVE_CARER,),
    Role.ASSESSING_SOCIAL_WORKER: (Role.PROSPECTIVE_CARER,),
    Role.SUPERVISING_SOCIAL_WORKER: (Role.APPROVED_CARER,),
    Role.TRAINING_COORDINATOR: (Role.APPROVED_CARER,),
    Role.CHILDRENS_RIGHTS_OFFICER: (Role.YOUNG_PERSON,),
}


def roles_invitable_by(user: User) -> list[Role]:
    """The roles this person may invite someone to, in a stable order."""
    allowed = {role for held in user.roles for role in INVITABLE_ROLES.get(held, ())}
    return [role for role in Role if role in allowed]


def invite_user(
    service: FosteringService,
    inviter: User,
    *,
    email: str,
    name: str,
    role: Role,
    carer_type: CarerType | None,
    locale: str | None,
) -> User:
    """Create an account waiting for its owner, and email them a link to set it up."""
    if role not in roles_invitable_by(inviter):
        raise PermissionError(role)
    if find_user(service, email) is not None:
        raise EmailAlreadyUsed(email)
    user = User(
        service=service,
        email=normalise_email(email),
        name=name.strip(),
        password_hash=None,
        locale=locale,
        carer_type=carer_type if role == Role.APPROVED_CARER else None,
        invited_by_id=inviter.id,
        role_rows=[UserRole(role=role)],
    )
    db.session.add(user)
    db.session.flush()
    raw = issue_token(user, TokenPurpose.INVITATION, _link_lifetime(TokenPurpose.INVITATION))
    outbox.enqueue(
        to=user.email,
        template="invitation",
        locale=locale,
        service=service,
        link=url_for("accounts.accept_invitation", service=service.slug, token=raw, _external=True),
        days=current_app.config["INVITATION_DAYS"],
        role=role,
    )
    audit.record("account.invited", user, actor=inviter, role=str(role))
    db.session.commit()
    return user


def accept_invitation(
    service: FosteringService, raw: str, *, name: str, password: str, locale: str | None
) -> User | None:
    """Finish an invited account: the person's own name and password."""
    token = find_token(service, raw, TokenPurpose.INVITATION)
    if token is None or not use_token(token):
        db.session.rollback()
        return None
    user = token.user
    user.name = name.strip()
    user.password_hash = hash_password(password)
    user.email_confirmed_at = utcnow()
    user.locale = user.locale or locale
    audit.record("account.invitation_accepted", user, actor=user)
    db.session.commit()
    return user


def list_invitations(service: FosteringService) -> list[User]:
    """People invited to the service, newest first."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.service_id == service.id, User.invited_by_id.is_not(None))
            .order_by(User.created_at.desc(), User.id.desc())
            .limit(50)
        )
    )


def disable_user(user: User, by: User) -> None:
    """Stop an account from signing in and end all its sessions."""
    user.is_disabled = True
    end_every_session(user)
    audit.record("account.disabled", user, actor=by)
    db.session.commit()
    security_log.record("account.disabled", user, by=by.id)


def enable_user(user: User, by: User) -> None:
    """Let a disabled account sign in again (its old sessions stay ended)."""
    user.is_disabled = False
    audit.record("account.enabled", user, actor=by)
    db.session.commit()


def save_language(user: User, locale: str) -> None:
    """Remember a signed-in person's language for pages and emails."""
    user.locale = locale
    db.session.commit()
