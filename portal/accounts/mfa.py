"""Two-step sign-in: one-time codes from an authenticator app (TOTP), recovery codes,
the half-signed-in state between password and code, and confirming it is you again."""

import hmac
import re
import secrets
import time

import pyotp
import segno
from flask import current_app, session
from sqlalchemy import delete, or_, select, update

from portal.accounts.models import RecoveryCode, User
from portal.core import audit, security_log
from portal.core.db import utcnow
from portal.core.extensions import db

# RFC 6238's defaults, which every authenticator app uses.
INTERVAL = 30
DIGITS = 6
# A code from the step before or after the current one is accepted too, for clocks a
# little out and people slow to type.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# Letters and digits no one mistakes for one another (no 0/o, 1/l/i).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_GROUPS = 3
RECOVERY_GROUP_LENGTH = 4

PENDING_KEY = "pending_sign_in"
CONFIRMED_KEY = "confirmed_at"
ENROLLING_KEY = "enrolling_secret"


def new_secret() -> str:
    """A random 160-bit shared secret, in base32 as authenticator apps expect."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=user.email, issuer_name=user.service.short_name
    )


def qr_code(uri: str) -> str:
    """The QR code as an SVG data URI (an image the content security policy allows)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#0b0c0c")


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _normalise_code(typed: str) -> str:
    return re.sub(r"[\s-]", "", typed or "")


def is_well_formed(typed: str) -> bool:
    """Six digits, whatever spaces or dashes the app showed between them."""
    code = _normalise_code(typed)
    return len(code) == DIGITS and code.isascii() and code.isdigit()


class CodeResult:
    """What checking a one-time code found."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    USED = "used"


def check_code(user: User, typed: str, secret: str | None = None, now: float | None = None):
    """Accept a current code once: the step it belongs to is recorded, and a code from that
    step or an earlier one is refused afterwards, even from a second request at once."""
    secret = secret or user.totp_secret
    if not secret or not is_well_formed(typed):
        return CodeResult.WRONG
    code = _normalise_code(typed)
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    current = int((now if now is not None else time.time()) // INTERVAL)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * INTERVAL), code):
            claimed = db.session.execute(
                update(User)
                .where(
                    User.id == user.id,
                    or_(User.totp_last_step.is_(None), User.totp_last_step < step),
                )
                .values(totp_last_step=step)
            )
            db.session.commit()
            return CodeResult.ACCEPTED if claimed.rowcount == 1 else CodeResult.USED
    return CodeResult.WRONG


def _hasher():
    from portal.accounts.services import password_hasher

    return password_hasher()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh recovery codes; any earlier ones stop working. Shown once, stored hashed."""
    codes = [
        "-".join(
            "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LENGTH))
            for _ in range(RECOVERY_GROUPS)
        )
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    hasher = _hasher()
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hasher.hash(c)) for c in codes)
    return codes


def replace_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes in place of the old ones, recorded in the audit log."""
    codes = new_recovery_codes(user)
    audit.record("account.recovery_codes_replaced", user, actor=user)
    db.session.commit()
    security_log.record("mfa.recovery_codes_replaced", user)
    return codes


def recovery_codes_left(user: User) -> int:
    """How many recovery codes the person has not used."""
    return len(_unused_codes(user))


def _unused_codes(user: User) -> list[RecoveryCode]:
    return list(
        db.session.scalars(
            select(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
    )


def use_recovery_code(user: User, typed: str) -> bool:
    """Accept an unused recovery code once, however it was spaced or capitalised."""
    wanted = re.sub(r"[^a-z0-9]", "", (typed or "").lower())
    if len(wanted) != RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH:
        return False
    candidate = "-".join(
        wanted[i : i + RECOVERY_GROUP_LENGTH] for i in range(0, len(wanted), RECOVERY_GROUP_LENGTH)
    )
    hasher = _hasher()
    for row in _unused_codes(user):
        try:
            hasher.verify(row.code_hash, candidate)
        except Exception:  # noqa: S112  # nosec B112  # a mismatch: try the next code
            continue
        claimed = db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())
        )
        db.session.commit()
        if claimed.rowcount == 1:
            security_log.record("mfa.recovery_code_used", user)
            return True
    return False


def enrolment_secret() -> str:
    """The secret being set up. It stays in this session (never on the account) until a code
    from it is accepted, so an abandoned set-up, or a new phone, changes nothing."""
    secret = session.get(ENROLLING_KEY)
    if not secret:
        secret = session[ENROLLING_KEY] = new_secret()
    return secret


def finish_enrolment(user: User, secret: str, typed: str) -> tuple[str, list[str]]:
    """Turn two-step sign-in on with `secret` when `typed` is its current code."""
    result = check_code(user, typed, secret=secret)
    if result != CodeResult.ACCEPTED:
        return result, []
    db.session.refresh(user)
    user.totp_secret = secret
    user.mfa_enabled_at = utcnow()
    codes = new_recovery_codes(user)
    audit.record("account.mfa_turned_on", user, actor=user)
    db.session.commit()
    session.pop(ENROLLING_KEY, None)
    security_log.record("mfa.turned_on", user)
    return result, codes


def turn_off(user: User) -> None:
    """A carer stops using codes (staff cannot: the caller checks)."""
    user.totp_secret = None
    user.mfa_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record("account.mfa_turned_off", user, actor=user)
    db.session.commit()
    security_log.record("mfa.turned_off", user)


# ---- between the password and the code ---------------------------------------------------


def begin_pending(user: User, next_url: str | None) -> None:
    """The password was right; remember who for a few minutes while they find their code.
    Nothing is carried over from before but what start_session keeps too."""
    from portal.accounts.services import CARRIED_OVER

    carried = {key: session[key] for key in CARRIED_OVER if session.get(key)}
    session.clear()
    session.update(carried)
    session[PENDING_KEY] = {"user": user.get_id(), "at": int(time.time()), "next": next_url}


def pending_user() -> User | None:
    """Who has given their password and not yet their code, if it was recent enough."""
    from portal.accounts.services import load_user

    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    minutes = current_app.config["SIGN_IN_CODE_MINUTES"]
    if time.time() - pending.get("at", 0) > minutes * 60:
        session.pop(PENDING_KEY, None)
        return None
    return load_user(str(pending.get("user", "")))


def pending_next() -> str | None:
    """Where the person was going when they were asked to sign in."""
    pending = session.get(PENDING_KEY)
    return pending.get("next") if isinstance(pending, dict) else None


# ---- confirming it is you before a change ---------------------------------------------------


def confirm_identity(user: User, password: str, typed: str) -> str | None:
    """Check the password, then (for someone who uses codes) a code or a recovery code;
    None when both are right, otherwise what was wrong: "password", "no code", or a
    CodeResult. A code is only checked, and so used up, behind a right password."""
    from portal.accounts.services import authenticate

    problem = None
    if authenticate(user.service, user.email, password) is None:
        problem = "password"
    elif user.uses_mfa:
        if not typed.strip():
            problem = "no code"
        elif is_well_formed(typed):
            result = check_code(user, typed)
            problem = None if result == CodeResult.ACCEPTED else result
        elif not use_recovery_code(user, typed):
            problem = CodeResult.WRONG
    if problem is None:
        mark_confirmed()
        security_log.record("reauthenticated", user)
    else:
        security_log.record("reauthentication.failed", user)
    return problem


def mark_confirmed() -> None:
    """The person has just proved who they are (signed in, or confirmed again)."""
    session[CONFIRMED_KEY] = int(time.time())


def recently_confirmed() -> bool:
    """Whether the person proved who they are within the last few minutes."""
    minutes = current_app.config["REAUTHENTICATE_MINUTES"]
    return time.time() - session.get(CONFIRMED_KEY, 0) <= minutes * 60
