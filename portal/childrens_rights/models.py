"""A conversation between a young person and the Children's Rights Officers."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.crypto import EncryptedText
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db


class ConversationStatus(enum.StrEnum):
    """Whether officers still need to act."""

    OPEN = "open"
    CLOSED = "closed"


class Author(enum.StrEnum):
    """Who wrote a message."""

    YOUNG_PERSON = "young-person"
    OFFICER = "officer"


class Conversation(db.Model):
    """One young person's thread; the reference and phrase are the only key to it."""

    __tablename__ = "rights_conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    phrase_hash: Mapped[str] = mapped_column(String(200))
    # What they chose to tell us about themselves; all optional, all encrypted.
    name: Mapped[str | None] = mapped_column(EncryptedText)
    age: Mapped[int | None] = mapped_column(Integer)
    how_to_reach: Mapped[str | None] = mapped_column(EncryptedText)
    safe_times: Mapped[str | None] = mapped_column(EncryptedText)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    status: Mapped[ConversationStatus] = mapped_column(
        string_enum(ConversationStatus, "conversation_status"), default=ConversationStatus.OPEN
    )
    is_urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent_topics: Mapped[list] = mapped_column(JSON, default=list)
    awaiting_officer: Mapped[bool] = mapped_column(Boolean, default=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None]

    messages: Mapped[list["RightsMessage"]] = relationship(
        back_populates="conversation", order_by="RightsMessage.id", cascade="all"
    )
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])

    @property
    def is_open(self) -> bool:
        """Officers still have it in their queue."""
        return self.status == ConversationStatus.OPEN


class RightsMessage(db.Model):
    """One message in a conversation, stored encrypted."""

    __tablename__ = "rights_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("rights_conversation.id"), index=True)
    author: Mapped[Author] = mapped_column(string_enum(Author, "message_author"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(EncryptedText)
    is_urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")

    @property
    def is_from_young_person(self) -> bool:
        """Written by the young person (not an officer)."""
        return self.author == Author.YOUNG_PERSON
