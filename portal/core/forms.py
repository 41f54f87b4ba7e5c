"""Form pieces every feature uses: GOV.UK widgets whose built-in words are translated."""

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import StringField
from wtforms.validators import Email, Length

from portal.core.text import normalise_email


class PasswordWidget(GovPasswordInput):
    """The GOV.UK password input with its show/hide button in the reader's language."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        # The macro writes its own autocomplete attribute; pass ours through it, not beside it.
        autocomplete = params["attributes"].pop("autocomplete", None)
        if autocomplete:
            params["autocomplete"] = autocomplete
        params.setdefault("showPasswordText", str(_l("Show")))
        params.setdefault("hidePasswordText", str(_l("Hide")))
        params.setdefault("showPasswordAriaLabelText", str(_l("Show password")))
        params.setdefault("hidePasswordAriaLabelText", str(_l("Hide password")))
        params.setdefault("passwordShownAnnouncementText", str(_l("Your password is visible")))
        params.setdefault("passwordHiddenAnnouncementText", str(_l("Your password is hidden")))
        return params


class EmailField(StringField):
    """An email address field: GOV.UK text input, email keyboard, stored lower-case."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        validators = list(validators or []) + [
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Email(
                message=_l("Enter an email address in the correct format, like name@example.com"),
                check_deliverability=False,
            ),
        ]
        render_kw = {
            "type": "email",
            "autocomplete": "email",
            "spellcheck": "false",
            "params": {"classes": "govuk-!-width-full"},
        }
        render_kw.update(kwargs.pop("render_kw", {}) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = normalise_email(self.data)
