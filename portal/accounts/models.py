"""People who sign in, the roles they hold, and the single-use links sent to them."""

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.crypto import EncryptedText
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db
from portal.organisation.models import FosteringService


class Role(enum.StrEnum):
    """What a person does in the service; staff can hold several."""

    PROSPECTIVE_CARER = "prospective-carer"
    APPROVED_CARER = "approved-carer"
    YOUNG_PERSON = "young-person"
    RECRUITMENT = "recruitment"
    INITIAL_VISITOR = "initial-visitor"
    ASSESSING_SOCIAL_WORKER = "assessing-social-worker"
    SUPERVISING_SOCIAL_WORKER = "supervising-social-worker"
    TRAINING_COORDINATOR = "training-coordinator"
    CHILDRENS_RIGHTS_OFFICER = "childrens-rights-officer"
    COMPLAINTS_MANAGER = "complaints-manager"
    SERVICE_MANAGER = "service-manager"


STAFF_ROLES = frozenset(
    {
        Role.RECRUITMENT,
        Role.INITIAL_VISITOR,
        Role.ASSESSING_SOCIAL_WORKER,
        Role.SUPERVISING_SOCIAL_WORKER,
        Role.TRAINING_COORDINATOR,
        Role.CHILDRENS_RIGHTS_OFFICER,
        Role.COMPLAINTS_MANAGER,
        Role.SERVICE_MANAGER,
    }
)
CARER_ROLES = frozenset({Role.PROSPECTIVE_CARER, Role.APPROVED_CARER})


class CarerType(enum.StrEnum):
    """The kind of approval an approved foster carer holds."""

    MAINSTREAM = "mainstream"
    FAMILY_AND_FRIENDS = "family-and-friends"
    SHORT_BREAK = "short-break"
    SPECIALIST = "specialist"
    SUPPORTED_LODGINGS = "supported-lodgings"


class TokenPurpose(enum.StrEnum):
    """What a single-use emailed link lets its holder do."""

    CONFIRM_EMAIL = "confirm-email"
    RESET_PASSWORD = "reset-password"  # noqa: S105  # nosec B105  # a purpose name
    INVITATION = "invitation"
    CHANGE_EMAIL = "change-email"


def new_session_token() -> str:
    """A fresh random value; changing it ends every session that carried the old one."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """Anyone who signs in: applicants, carers, young people and staff, of one service."""

    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("service_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    email_confirmed_at: Mapped[datetime | None]
    is_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    locale: Mapped[str | None] = mapped_column(String(10))
    carer_type: Mapped[CarerType | None] = mapped_column(string_enum(CarerType, "carer_type"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]
    # Two-step sign-in: the authenticator app's shared secret (encrypted), when it was
    # turned on (a secret without this is an enrolment not yet finished), and the last
    # time step whose code was accepted, so no code works twice.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    mfa_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    service: Mapped[FosteringService] = relationship()
    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        """The roles this person holds."""
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        """True when the person holds any of these roles."""
        return not self.roles.isdisjoint(roles)

    @property
    def is_staff(self) -> bool:
        """True for anyone holding a staff role."""
        return self.has_role(*STAFF_ROLES)

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses disabled accounts and invitations not yet accepted."""
        return not self.is_disabled and self.is_set_up

    @property
    def is_set_up(self) -> bool:
        """True once the person has a password (an invitation not yet accepted has none)."""
        return self.password_hash is not None

    @property
    def uses_mfa(self) -> bool:
        """True once the person has finished setting up an authenticator app."""
        return self.mfa_enabled_at is not None and self.totp_secret is not None

    @property
    def must_use_mfa(self) -> bool:
        """Staff must sign in with a one-time code; carers may choose to."""
        return self.is_staff

    def get_id(self) -> str:
        """The session carries the id and the session token; see the user loader."""
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(string_enum(Role, "role"), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class RecoveryCode(db.Model):
    """A single-use code for signing in without the authenticator app; stored hashed."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class AccountToken(db.Model):
    """A single-use emailed link; only a hash of its secret is stored."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(string_enum(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # For a change of email address: the new address, which the link proves is theirs.
    new_email: Mapped[str | None] = mapped_column(String(254))

    user: Mapped[User] = relationship()


class KeptDraft(db.Model):
    """What someone sent from a form just after their session ended, kept (encrypted) for
    them to check and send once they have signed in again. The browser holds the key in
    its session cookie; only a hash of it is stored, and only the same account gets the
    text back."""

    __tablename__ = "kept_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The form's endpoint and page, and the fields it sent (JSON), encrypted.
    endpoint: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
