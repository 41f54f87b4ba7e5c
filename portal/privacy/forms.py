"""The buttons behind a download of someone's records and behind erasing them."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField


class DownloadForm(FlaskForm):
    """One button: make the ZIP file and download it (a POST, so it carries a CSRF token)."""

    submit = SubmitField(_l("Download your data"), widget=GovSubmitInput())


class EraseForm(FlaskForm):
    """One button: erase the person's records, after the warning."""

    submit = SubmitField(_l("Erase their records"), widget=GovSubmitInput())
