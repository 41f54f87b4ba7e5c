"""An initial visit booked by a signed-in applicant keeps the language they were reading
in, even one only their browser asked for, and its email goes in that language."""

from datetime import timedelta

from babel.dates import format_date
from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.times import to_london
from portal.visits.models import VisitBooking
from tests.visits.helpers import make_slot

VISIT = "/leicestershire/initial-visit"


def test_a_visit_booked_by_an_applicant_whose_browser_asks_for_urdu_is_confirmed_in_urdu(
    client, client_request, login_as, leicestershire, make_user, smtp_server
):
    visitor = make_user(leicestershire, Role.INITIAL_VISITOR, name="Vic Visitor")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ur"
    applicant = login_as(Role.PROSPECTIVE_CARER, name="Ash Applicant")
    assert applicant.locale is None  # nothing saved: the browser's language is the choice
    slot = make_slot(leicestershire, visitor, utcnow() + timedelta(days=4))
    client_request.post_form(f"{VISIT}/book", {"slot": str(slot.id)})
    assert db.session.scalar(select(VisitBooking)).locale == "ur"
    [message] = smtp_server.deliver()
    assert message["Content-Language"] == "ur"
    with force_locale("ur"):
        assert message["Subject"] == gettext("Your initial visit is booked")
    assert message["Subject"] != "Your initial visit is booked"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert format_date(to_london(slot.starts_at).date(), "full", locale="ur") in body
    html = message.get_body(preferencelist=("html",)).get_content()
    assert 'dir="rtl"' in html
