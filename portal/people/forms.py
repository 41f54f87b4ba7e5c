"""The people search form, and the words for statuses the timeline shows."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.bookings.models import BookingStatus
from portal.childrens_rights.models import ConversationStatus
from portal.paperwork.models import DocumentStatus
from portal.visits.models import BookingStatus as VisitStatus

SHORTEST_SEARCH = 2
LONGEST_SEARCH = 200

BOOKING_STATUS_LABELS = {
    BookingStatus.CONFIRMED: _l("Place confirmed"),
    BookingStatus.WAITING: _l("On the waiting list"),
    BookingStatus.OFFERED: _l("Offered a freed place"),
    BookingStatus.CANCELLED: _l("Cancelled"),
    BookingStatus.LAPSED: _l("Offer lapsed"),
}
VISIT_STATUS_LABELS = {
    VisitStatus.BOOKED: _l("Booked"),
    VisitStatus.RESCHEDULED: _l("Moved to another time"),
    VisitStatus.CANCELLED: _l("Cancelled"),
}
DOCUMENT_STATUS_LABELS = {
    DocumentStatus.UPLOADED: _l("Waiting to be checked"),
    DocumentStatus.ACCEPTED: _l("Accepted"),
    DocumentStatus.RETURNED: _l("Returned with a comment"),
}
CONVERSATION_STATUS_LABELS = {
    ConversationStatus.OPEN: _l("Open"),
    ConversationStatus.CLOSED: _l("Closed"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SearchForm(FlaskForm):
    """Find a person by name, email address or reference (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name, email address or reference"),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter a name, email address or reference")),
            Length(
                min=SHORTEST_SEARCH,
                message=_l(
                    "Name, email address or reference must be %(least)d characters or more",
                    least=SHORTEST_SEARCH,
                ),
            ),
            Length(
                max=LONGEST_SEARCH,
                message=_l(
                    "Name, email address or reference must be %(most)d characters or fewer",
                    most=LONGEST_SEARCH,
                ),
            ),
        ],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
