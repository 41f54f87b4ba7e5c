"""Forms: the weekly meeting's decision, and an applicant withdrawing."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.applications.models import Stage

DECISION_LABELS = {
    Stage.PAPERWORK: _l("Progress to assessment"),
    Stage.NOT_NOW: _l("Not now"),
    Stage.WITHDRAWN: _l("Withdrawn by the household"),
}
STAGE_LABELS = {
    Stage.PAPERWORK: _l("Paperwork"),
    Stage.NOT_NOW: _l("Not now"),
    Stage.WITHDRAWN: _l("Withdrawn"),
    Stage.ASSESSMENT: _l("Assessment"),
    Stage.PANEL: _l("Fostering panel"),
    Stage.APPROVED: _l("Approved"),
    Stage.NOT_APPROVED: _l("Not approved"),
}


class DecisionForm(FlaskForm):
    """What the weekly meeting decided about a household, why, and who decided."""

    decision = RadioField(
        _l("Decision"),
        widget=GovRadioInput(),
        choices=[SelectChoice(stage.value, label) for stage, label in DECISION_LABELS.items()],
        validators=[InputRequired(message=_l("Choose the decision"))],
    )
    reasons = TextAreaField(
        _l("Reasons"),
        widget=GovTextArea(),
        description=_l("The household does not see these. Say what the decision rests on."),
        validators=[
            InputRequired(message=_l("Give the reasons for the decision")),
            Length(max=5000, message=_l("The reasons must be 5000 characters or fewer")),
        ],
        render_kw={"params": {"rows": 5}},
    )
    present = TextAreaField(
        _l("Who was at the meeting?"),
        widget=GovTextArea(),
        description=_l("Names and roles, for example: Robin Recruitment (team manager)."),
        validators=[
            InputRequired(message=_l("Say who was at the meeting")),
            Length(max=1000, message=_l("This must be 1000 characters or fewer")),
        ],
        render_kw={"params": {"rows": 3}},
    )
    submit = SubmitField(_l("Record the decision"), widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    """The applicant confirms they want to stop."""

    submit = SubmitField(
        _l("Withdraw my application"),
        widget=GovSubmitInput(),
        render_kw={"params": {"classes": "govuk-button--warning"}},
    )
