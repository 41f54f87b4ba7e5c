"""Choosing the language: the person's choice, then their saved preference, then the browser,
each only where the page offers it, and English otherwise.

A service's pages offer the languages the service chose (Service settings, Languages); pages
outside any service offer every language the deployment ships. Emails are not chosen here:
each is rendered in its recipient's stored language (`enqueue` in portal/core/outbox.py),
even one their service has since stopped offering, as every shipped language keeps its
translations.
"""

from collections.abc import Iterable

from flask import current_app, g, request, session
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept

LANGUAGE_NAMES = {
    # Each language named in itself, as the switcher shows it.
    "en": "English",
    "pl": "Polski",
    "ur": "اردو",
    "gu": "ગુજરાતી",
}


def shipped_languages() -> tuple[str, ...]:
    """Every language this deployment ships; the language switch accepts any of them."""
    return tuple(current_app.config["LANGUAGES"])


def default_language() -> str:
    """The language every page is written in, offered everywhere."""
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def read_languages(stored: str | None, shipped: Iterable[str], default: str) -> tuple[str, ...]:
    """A service's stored codes ("en,pl") as the shipped languages it offers, in shipped
    order: the default always, a code no longer shipped never."""
    codes = set((stored or "").split(","))
    return tuple(code for code in shipped if code == default or code in codes)


def write_languages(codes: Iterable[str]) -> str:
    """Codes as a service stores them."""
    return ",".join(codes)


def offered_languages(service) -> tuple[str, ...]:
    """The languages a service's pages offer."""
    return read_languages(service.languages, shipped_languages(), default_language())


def available_languages() -> tuple[str, ...]:
    """The languages this page offers: its service's, or every shipped one outside any."""
    service = getattr(g, "service", None)
    if service is None:
        return shipped_languages()
    return offered_languages(service)


def pick_language(
    offered: Iterable[str],
    *,
    chosen: str | None,
    saved: str | None,
    accepted: LanguageAccept,
    default: str,
) -> str:
    """The rule every page's language follows (the page cache keys pages by it too): the
    person's choice this session, then their saved preference, then the browser's best
    match, each only when offered; otherwise the default."""
    offered = tuple(offered)
    for code in (chosen, saved):
        if code in offered:
            return code
    return accepted.best_match(offered) or default


def select_locale() -> str:
    """The locale for this request."""
    is_signed_in = current_user and current_user.is_authenticated
    return pick_language(
        available_languages(),
        chosen=session.get("language"),
        saved=current_user.locale if is_signed_in else None,
        accepted=request.accept_languages,
        default=default_language(),
    )


def text_direction(locale: str) -> str:
    """'rtl' for right-to-left scripts, otherwise 'ltr'."""
    return "rtl" if locale in current_app.config["RTL_LANGUAGES"] else "ltr"


# The web font each language's pages are drawn in, where the system's own will not do
# (static/src/app.scss): the build's file, for the page to preload.
WEB_FONTS = {
    "ur": "dist/noto-naskh-arabic-arabic-400-normal.woff2",
    "gu": "dist/noto-sans-gujarati-gujarati-400-normal.woff2",
}


def web_font(locale: str) -> str | None:
    """The built font file a page in `locale` is drawn in, or None for the system's."""
    return WEB_FONTS.get(locale)
