"""Forms: a carer's evidence, and the social worker's review."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import (
    BooleanField,
    FileField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, ValidationError

from portal.core import uploads
from portal.core.forms import CharacterCountWidget
from portal.tsds.models import EvidenceStatus
from portal.tsds.services import EVIDENCE_MAX

STATUS_LABELS = {
    None: _l("Not started"),
    EvidenceStatus.DRAFT: _l("Draft"),
    EvidenceStatus.SUBMITTED: _l("Waiting for review"),
    EvidenceStatus.RETURNED: _l("Returned to you"),
    EvidenceStatus.ACCEPTED: _l("Accepted"),
}


class EvidenceForm(FlaskForm):
    """What the household did or knows for one outcome; a draft or sent for review."""

    text = TextAreaField(
        _l("Your evidence"),
        widget=CharacterCountWidget(),
        description=_l(
            "Describe something you did, learned or would do, with an example from your "
            "fostering. Training you went to counts too."
        ),
        validators=[
            InputRequired(message=_l("Write your evidence")),
            Length(
                max=EVIDENCE_MAX,
                message=_l("Your evidence must be %(max)s characters or fewer", max=EVIDENCE_MAX),
            ),
        ],
        render_kw={"params": {"maxlength": EVIDENCE_MAX, "rows": 10}},
    )
    attachment = FileField(
        _l("Attach a file (optional)"),
        widget=GovFileInput(),
        description=_l(
            "A PDF, a photo (JPG or PNG) or a Word document, up to 10 MB. "
            "For example, a certificate or a page of your diary."
        ),
    )
    sessions = SelectMultipleField(
        _l("Training you went to that shows this (optional)"),
        widget=GovCheckboxesInput(),
        validate_choice=False,  # the view keeps only sessions the household attended
    )
    remove_attachment = BooleanField(_l("Remove the attached file"), widget=GovCheckboxInput())
    save = SubmitField(
        _l("Save as draft"),
        widget=GovSubmitInput(),
        render_kw={"params": {"classes": "govuk-button--secondary"}},
    )
    send = SubmitField(_l("Send for review"), widget=GovSubmitInput())

    def validate_attachment(self, field):
        """Check the file by what it contains and its size; keep it for the view."""
        self.checked_file = uploads.check_field(field)


class ReviewForm(FlaskForm):
    """Accept the evidence, or return it with a comment."""

    decision = RadioField(
        _l("Your decision"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice("accept", _l("Accept")),
            SelectChoice("return", _l("Return it to the carers with a comment")),
        ],
        validators=[InputRequired(message=_l("Choose accept or return"))],
    )
    comment = TextAreaField(
        _l("Comment for the carers"),
        widget=GovTextArea(),
        description=_l("Needed when you return evidence: say what to add or change."),
        validators=[Length(max=2000, message=_l("The comment must be 2000 characters or fewer"))],
        render_kw={"params": {"rows": 4}},
    )
    submit = SubmitField(_l("Save decision"), widget=GovSubmitInput())

    def validate_comment(self, field):
        if self.decision.data == "return" and not (field.data or "").strip():
            raise ValidationError(_l("Write a comment saying what the carers should change"))
