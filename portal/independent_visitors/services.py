"""Independent visitor rules: requests move through their stages; volunteers' checks."""

from datetime import datetime

from sqlalchemy import select

from portal.core import audit, keys, outbox
from portal.core.extensions import db
from portal.independent_visitors.models import RequestStatus, VisitorRequest, VolunteerOffer
from portal.organisation.models import FosteringService

CHECKS = ("dbs_checked", "references_taken", "assessed", "trained")


def ask_for_visitor(
    service: FosteringService, *, details: dict, now: datetime, user_id: int | None = None
) -> VisitorRequest:
    """Record a young person's request for an independent visitor."""
    request = VisitorRequest(
        service_id=service.id,
        reference=keys.new_reference("IV"),
        user_id=user_id,
        created_at=now,
        updated_at=now,
        **{
            key: (value.strip() or None) if isinstance(value, str) else value
            for key, value in details.items()
        },
    )
    db.session.add(request)
    db.session.flush()
    audit.record("visitor_request.received", request, service=service)
    db.session.commit()
    return request


def move_request(request: VisitorRequest, status: RequestStatus, *, by, now: datetime) -> None:
    """Record where a request has got to."""
    request.status = status
    request.updated_at = now
    audit.record("visitor_request.status", request, actor=by, status=str(status))
    db.session.commit()


def offer_to_volunteer(service: FosteringService, *, details: dict, locale: str, now) -> None:
    """Record an adult's offer and thank them by email."""
    offer = VolunteerOffer(service_id=service.id, created_at=now, **details)
    db.session.add(offer)
    db.session.flush()
    outbox.enqueue(
        to=offer.email,
        template="volunteer_thanks",
        locale=locale,
        service=service,
        name=offer.name,
    )
    audit.record("volunteer.offered", offer, service=service)
    db.session.commit()


def record_check(offer: VolunteerOffer, check: str, done: bool, *, by) -> None:
    """Tick or untick one of a volunteer's checks."""
    if check not in CHECKS:
        raise ValueError(check)
    setattr(offer, check, done)
    audit.record("volunteer.check", offer, actor=by, check=check, done=done)
    db.session.commit()


def requests_for(service: FosteringService) -> list[VisitorRequest]:
    """Open requests first (oldest first), then the rest."""
    rows = db.session.scalars(
        select(VisitorRequest)
        .where(VisitorRequest.service_id == service.id)
        .order_by(VisitorRequest.created_at)
    ).all()
    done = {RequestStatus.VISITS_STARTED, RequestStatus.DECLINED}
    return [r for r in rows if r.status not in done] + [r for r in rows if r.status in done]


def volunteers_for(service: FosteringService) -> list[VolunteerOffer]:
    """Adults who offered, newest first."""
    return list(
        db.session.scalars(
            select(VolunteerOffer)
            .where(VolunteerOffer.service_id == service.id)
            .order_by(VolunteerOffer.created_at.desc())
        )
    )


def find_request(service: FosteringService, request_id: int) -> VisitorRequest | None:
    """A request of this service."""
    request = db.session.get(VisitorRequest, request_id)
    return request if request is not None and request.service_id == service.id else None


def find_volunteer(service: FosteringService, offer_id: int) -> VolunteerOffer | None:
    """A volunteer of this service."""
    offer = db.session.get(VolunteerOffer, offer_id)
    return offer if offer is not None and offer.service_id == service.id else None
