"""Children's Rights rules: start a conversation, find it again by reference and phrase,
reply, and the officers' queue. Every officer view or change is audited."""

from datetime import datetime

from flask import url_for
from sqlalchemy import case, select

from portal.accounts.models import Role, User
from portal.accounts.services import staff_with_role
from portal.childrens_rights.danger import danger_topics
from portal.childrens_rights.models import (
    Author,
    Conversation,
    ConversationStatus,
    RightsMessage,
)
from portal.core import audit, keys, outbox
from portal.core.extensions import db
from portal.organisation.models import FosteringService

OFFICER_ROLES = (Role.CHILDRENS_RIGHTS_OFFICER, Role.SERVICE_MANAGER)


def start_conversation(
    service: FosteringService,
    *,
    body: str,
    name: str,
    age: int | None,
    how_to_reach: str,
    safe_times: str,
    locale: str,
    now: datetime,
    user_id: int | None = None,
) -> tuple[Conversation, str]:
    """Save a young person's first message; returns the conversation and its phrase."""
    phrase = keys.new_phrase()
    topics = danger_topics(body)
    conversation = Conversation(
        service_id=service.id,
        reference=keys.new_reference("CR"),
        phrase_hash=keys.hash_phrase(phrase),
        name=name.strip() or None,
        age=age,
        how_to_reach=how_to_reach.strip() or None,
        safe_times=safe_times.strip() or None,
        user_id=user_id,
        locale=locale,
        is_urgent=bool(topics),
        urgent_topics=topics,
        awaiting_officer=True,
        created_at=now,
        last_message_at=now,
    )
    conversation.messages.append(
        RightsMessage(
            service_id=service.id,
            author=Author.YOUNG_PERSON,
            body=body.strip(),
            is_urgent=bool(topics),
            created_at=now,
        )
    )
    db.session.add(conversation)
    db.session.flush()
    if topics:
        _alert_officers(service, conversation)
    audit.record("rights.conversation_started", conversation, service=service, urgent=bool(topics))
    db.session.commit()
    return conversation, phrase


def _officers(service: FosteringService) -> list[User]:
    return staff_with_role(service, Role.CHILDRENS_RIGHTS_OFFICER)


def _alert_officers(service: FosteringService, conversation: Conversation) -> None:
    """Email every officer at once; the email carries no words of the message."""
    link = url_for(
        "childrens_rights.staff_conversation",
        service=service.slug,
        conversation_id=conversation.id,
        _external=True,
    )
    for officer in _officers(service):
        outbox.enqueue(
            to=officer.email,
            template="rights_urgent_alert",
            locale=officer.locale,
            service=service,
            reference=conversation.reference,
            link=link,
        )


def find_conversation(service: FosteringService, reference: str, phrase: str):
    """The service's conversation behind a reference and phrase, or None either way wrong."""
    conversation = db.session.scalar(
        select(Conversation).where(
            Conversation.service_id == service.id,
            Conversation.reference == keys.normalise_reference(reference, "CR"),
        )
    )
    if not keys.phrase_matches(conversation.phrase_hash if conversation else None, phrase):
        return None
    return conversation


def conversation_for(service: FosteringService, conversation_id: int | None):
    """A conversation of this service by id (for officers, and for a thread opened here)."""
    if conversation_id is None:
        return None
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or conversation.service_id != service.id:
        return None
    return conversation


def young_person_replies(conversation: Conversation, body: str, now: datetime) -> None:
    """Add the young person's answer; danger words make the conversation urgent again."""
    topics = danger_topics(body)
    conversation.messages.append(
        RightsMessage(
            service_id=conversation.service_id,
            author=Author.YOUNG_PERSON,
            body=body.strip(),
            is_urgent=bool(topics),
            created_at=now,
        )
    )
    conversation.awaiting_officer = True
    conversation.last_message_at = now
    if conversation.status == ConversationStatus.CLOSED:
        conversation.status = ConversationStatus.OPEN
        conversation.closed_at = None
    if topics:
        conversation.is_urgent = True
        conversation.urgent_topics = sorted(set(conversation.urgent_topics) | set(topics))
        _alert_officers(db.session.get(FosteringService, conversation.service_id), conversation)
    db.session.commit()


def officer_replies(conversation: Conversation, officer: User, body: str, now: datetime) -> None:
    """An officer answers; the young person reads it with their reference and phrase."""
    conversation.messages.append(
        RightsMessage(
            service_id=conversation.service_id,
            author=Author.OFFICER,
            officer_id=officer.id,
            body=body.strip(),
            created_at=now,
        )
    )
    conversation.awaiting_officer = False
    conversation.last_message_at = now
    if conversation.assigned_to_id is None:
        conversation.assigned_to_id = officer.id
    audit.record("rights.replied", conversation, actor=officer)
    db.session.commit()


def record_view(conversation: Conversation, officer: User) -> None:
    """Every time staff open a young person's conversation, it is written down."""
    audit.record("rights.viewed", conversation, actor=officer)
    db.session.commit()


def assign(conversation: Conversation, officer: User | None, *, by: User) -> None:
    """Make an officer responsible for the conversation (or nobody)."""
    conversation.assigned_to_id = officer.id if officer else None
    audit.record("rights.assigned", conversation, actor=by, to=conversation.assigned_to_id)
    db.session.commit()


def close(conversation: Conversation, *, by: User, now: datetime) -> None:
    """Take the conversation out of the queue (it reopens if the young person writes)."""
    conversation.status = ConversationStatus.CLOSED
    conversation.closed_at = now
    conversation.awaiting_officer = False
    audit.record("rights.closed", conversation, actor=by)
    db.session.commit()


def reopen(conversation: Conversation, *, by: User) -> None:
    """Put a closed conversation back in the queue."""
    conversation.status = ConversationStatus.OPEN
    conversation.closed_at = None
    audit.record("rights.reopened", conversation, actor=by)
    db.session.commit()


def queue(service: FosteringService) -> list[Conversation]:
    """Open conversations: urgent first, then those waiting for an officer, oldest first."""
    return list(
        db.session.scalars(
            select(Conversation)
            .where(
                Conversation.service_id == service.id,
                Conversation.status == ConversationStatus.OPEN,
            )
            .order_by(
                case((Conversation.is_urgent, 0), else_=1),
                case((Conversation.awaiting_officer, 0), else_=1),
                Conversation.last_message_at,
            )
        )
    )


def officers_of(service: FosteringService) -> list[User]:
    """Officers a conversation can be assigned to."""
    return _officers(service)


def conversations_of(service: FosteringService, user: User) -> list[Conversation]:
    """A signed-in young person's own conversations, newest first."""
    return list(
        db.session.scalars(
            select(Conversation)
            .where(Conversation.service_id == service.id, Conversation.user_id == user.id)
            .order_by(Conversation.last_message_at.desc())
        )
    )
