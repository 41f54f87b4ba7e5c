"""Forms: the applicant sends a document; staff accept it or return it with a comment."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import FileField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.core import uploads
from portal.paperwork.models import DocumentStatus
from portal.paperwork.services import COMMENT_MAX

# Each status as the applicant and staff see it, with its tag colour.
STATUS_TAGS = {
    None: (_l("Not sent"), "govuk-tag--grey"),
    DocumentStatus.UPLOADED: (_l("Sent, waiting"), "govuk-tag--blue"),
    DocumentStatus.RETURNED: (_l("Returned"), "govuk-tag--red"),
    DocumentStatus.ACCEPTED: (_l("Accepted"), "govuk-tag--green"),
}


class DocumentForm(FlaskForm):
    """One document for one checklist item."""

    document = FileField(
        _l("Upload a file"),
        widget=GovFileInput(),
        description=_l(
            "A PDF, a photo (JPG or PNG) or a Word document, up to 10 MB. A clear photo "
            "of a paper form taken on your phone is fine."
        ),
    )
    submit = SubmitField(_l("Send"), widget=GovSubmitInput())

    def validate_document(self, field):
        """Check the file by what it contains and its size; keep it for the view."""
        self.checked_file = uploads.check_field(field)
        if self.checked_file is None:
            raise ValidationError(_l("Choose a file to send"))


class ReviewForm(FlaskForm):
    """Accept the document, or return it with a comment saying what is wrong."""

    decision = RadioField(
        _l("Your decision"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice("accept", _l("Accept")),
            SelectChoice("return", _l("Return it to the applicant with a comment")),
        ],
        validators=[InputRequired(message=_l("Choose accept or return"))],
    )
    comment = TextAreaField(
        _l("Comment for the applicant"),
        widget=GovTextArea(),
        description=_l("Needed when you return a document: say what to send instead."),
        validators=[
            Length(
                max=COMMENT_MAX,
                message=_l("The comment must be %(max)s characters or fewer", max=COMMENT_MAX),
            )
        ],
        render_kw={"params": {"rows": 4}},
    )
    submit = SubmitField(_l("Save decision"), widget=GovSubmitInput())

    def validate_comment(self, field):
        if self.decision.data == "return" and not (field.data or "").strip():
            raise ValidationError(_l("Write a comment saying what the applicant should send"))


class MoveForm(FlaskForm):
    """Staff confirm every document is in and move the application on."""

    submit = SubmitField(_l("Move to assessment"), widget=GovSubmitInput())
