"""What a signed-in person has already told the service, filled into the forms that would
otherwise ask for it again (WCAG 2.2 success criterion 3.3.7, redundant entry).

Only adults' forms use it: a young person's forms leave their name and contact details
for them to give or not, as each form says.
"""

from flask import request
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.extensions import db
from portal.core.validators import format_phone

# Form fields filled in, by the name every form gives them.
PERSONAL_FIELDS = ("name", "email", "phone", "postcode")


def known_details(user: User) -> dict[str, str]:
    """The person's name and email address, and the phone number and postcode from the
    newest enquiry or booking they made while signed in (never one merely sharing their
    address: anyone can type an address)."""
    from portal.bookings.models import Booking
    from portal.recruitment.models import Enquiry

    details = {"name": user.name, "email": user.email}
    enquiry = db.session.execute(
        select(Enquiry.phone, Enquiry.postcode)
        .where(Enquiry.service_id == user.service_id, Enquiry.user_id == user.id)
        .order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
        .limit(1)
    ).first()
    if enquiry is not None:
        details["phone"], details["postcode"] = enquiry.phone, enquiry.postcode
    if not details.get("phone"):
        details["phone"] = db.session.scalar(
            select(Booking.phone)
            .where(
                Booking.service_id == user.service_id,
                Booking.user_id == user.id,
                Booking.phone != "",
            )
            .order_by(Booking.created_at.desc(), Booking.id.desc())
            .limit(1)
        )
    if details.get("phone"):
        details["phone"] = format_phone(details["phone"])  # as people write it, not as stored
    return {name: value for name, value in details.items() if value}


def prefill(form) -> None:
    """On a signed-in person's first view of a form, fill its empty name, email, phone and
    postcode fields with what the service already knows; they can change any of them."""
    if request.method != "GET" or not current_user.is_authenticated:
        return
    names = [name for name in PERSONAL_FIELDS if name in form and not form[name].data]
    if not names:
        return
    known = known_details(current_user._get_current_object())
    for name in names:
        if name in known:
            form[name].data = known[name]
