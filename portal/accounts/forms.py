"""Forms for signing in, registering, resetting a password and accepting an invitation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.accounts.services import is_common_password
from portal.core.forms import EmailField, PasswordWidget, full_name_field

# NCSC and ASVS: a minimum length and a block list, no rules about kinds of character.
PASSWORD_MIN = 8
PASSWORD_MAX = 128


def not_a_common_password(form, field):
    """Refuse the passwords that attackers try first (a length error is shown instead)."""
    password = field.data or ""
    if PASSWORD_MIN <= len(password) <= PASSWORD_MAX and is_common_password(password):
        raise ValidationError(
            _l(
                "This password is too common. "
                "Choose one that is harder to guess, like 3 or 4 random words"
            )
        )


def _new_password_field(label):
    return PasswordField(
        label,
        widget=PasswordWidget(),
        description=_l(
            "Use at least 8 characters. A phrase of 15 characters or more, like 3 or 4 random "
            "words, is harder to guess. You can paste it from a password manager."
        ),
        validators=[
            InputRequired(message=_l("Enter a password")),
            Length(
                min=PASSWORD_MIN,
                message=_l("Password must be %(count)s characters or more", count=PASSWORD_MIN),
            ),
            Length(
                max=PASSWORD_MAX,
                message=_l("Password must be %(count)s characters or fewer", count=PASSWORD_MAX),
            ),
            not_a_common_password,
        ],
        render_kw={"autocomplete": "new-password"},
    )


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField(
        _l("Email address"), validators=[InputRequired(message=_l("Enter your email address"))]
    )
    password = PasswordField(
        _l("Password"),
        widget=PasswordWidget(),
        validators=[InputRequired(message=_l("Enter your password"))],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class RegisterForm(FlaskForm):
    """A prospective foster carer's new account."""

    name = full_name_field()
    email = EmailField(
        _l("Email address"),
        description=_l("We'll send you a link to confirm it."),
        validators=[InputRequired(message=_l("Enter your email address"))],
    )
    password = _new_password_field(_l("Create a password"))
    submit = SubmitField(_l("Create account"), widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    """The address to send a reset link to."""

    email = EmailField(
        _l("Email address"), validators=[InputRequired(message=_l("Enter your email address"))]
    )
    submit = SubmitField(_l("Send reset link"), widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    """A new password, from an emailed link."""

    password = _new_password_field(_l("New password"))
    submit = SubmitField(_l("Save new password"), widget=GovSubmitInput())


class AcceptInvitationForm(FlaskForm):
    """An invited person's name and password."""

    name = full_name_field()
    password = _new_password_field(_l("Create a password"))
    submit = SubmitField(_l("Create account"), widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    """Current password, then a new one."""

    current_password = PasswordField(
        _l("Current password"),
        widget=PasswordWidget(),
        validators=[InputRequired(message=_l("Enter your current password"))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = _new_password_field(_l("New password"))
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


class ResendConfirmationForm(FlaskForm):
    """The address to send a new confirmation link to."""

    email = EmailField(
        _l("Email address"), validators=[InputRequired(message=_l("Enter your email address"))]
    )
    submit = SubmitField(_l("Send a new link"), widget=GovSubmitInput())


class SignOutForm(FlaskForm):
    """Signing out is a POST, so another site cannot sign anyone out."""

    submit = SubmitField(_l("Sign out"), widget=GovSubmitInput())


def _code_field(label, hint):
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        validators=[
            InputRequired(message=_l("Enter the 6-digit code from your authenticator app")),
            Length(max=20, message=_l("The code must be 6 digits")),
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
            "params": {"classes": "govuk-input--width-5"},
        },
    )


class SignInCodeForm(FlaskForm):
    """The one-time code that follows the password."""

    code = _code_field(
        _l("Code from your authenticator app"),
        _l("Open the app on your phone and enter the 6-digit code it shows for this service."),
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    """One of the recovery codes the person saved when they set up two-step sign-in."""

    code = StringField(
        _l("Recovery code"),
        widget=GovTextInput(),
        description=_l("For example, abcd-efgh-jkmn. Each code works once."),
        validators=[
            InputRequired(message=_l("Enter one of your recovery codes")),
            Length(max=40, message=_l("A recovery code is 12 letters and numbers")),
        ],
        render_kw={
            "autocomplete": "off",
            "spellcheck": "false",
            "autocapitalize": "none",
            "params": {"classes": "govuk-input--width-20"},
        },
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class SetUpCodeForm(FlaskForm):
    """Proof that the authenticator app holds the new secret."""

    code = _code_field(
        _l("Code from your authenticator app"),
        _l("Enter the 6-digit code the app shows after you add this service."),
    )
    submit = SubmitField(_l("Turn on two-step sign-in"), widget=GovSubmitInput())


class ConfirmItIsYouForm(FlaskForm):
    """Password again (and a code when the person uses them) before a security change."""

    password = PasswordField(
        _l("Password"),
        widget=PasswordWidget(),
        validators=[InputRequired(message=_l("Enter your password"))],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        _l("Code from your authenticator app"),
        widget=GovTextInput(),
        description=_l("Or one of your recovery codes."),
        validators=[Length(max=40, message=_l("The code must be 6 digits"))],
        render_kw={
            "autocomplete": "one-time-code",
            "spellcheck": "false",
            "autocapitalize": "none",
            "params": {"classes": "govuk-input--width-10"},
        },
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """A button that does one thing (its words are set where it is made)."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class ChangeEmailForm(FlaskForm):
    """The new address; a link sent there makes the change."""

    email = EmailField(
        _l("New email address"),
        description=_l("We'll send a link to this address. Your address changes when you open it."),
        validators=[InputRequired(message=_l("Enter your new email address"))],
    )
    submit = SubmitField(_l("Send link"), widget=GovSubmitInput())
