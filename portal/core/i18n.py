"""Choosing the language: the person's choice, then their saved preference, then the browser."""

from flask import current_app, request, session
from flask_login import current_user

LANGUAGE_NAMES = {
    # Each language named in itself, as the switcher shows it.
    "en": "English",
    "pl": "Polski",
    "ur": "اردو",
    "gu": "ગુજરાતી",
}


def available_languages() -> tuple[str, ...]:
    """Languages this deployment ships."""
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """The locale for this request."""
    languages = available_languages()
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or languages[0]


def text_direction(locale: str) -> str:
    """'rtl' for right-to-left scripts, otherwise 'ltr'."""
    return "rtl" if locale in current_app.config["RTL_LANGUAGES"] else "ltr"
