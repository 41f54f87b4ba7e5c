"""Every shipped language on a 320 px phone in a real browser: the main pages in English,
Polish, Urdu and Gujarati pass axe-core and never scroll sideways; Urdu pages are laid out
right to left; Urdu and Gujarati text is drawn in the web font served for it, and English
and Polish pages download no font at all."""

from datetime import timedelta

import pytest

from portal.accounts.models import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.training import conftest as training_fixtures
from tests.visits.helpers import visited_applicant

make_course = training_fixtures.make_course
make_session = training_fixtures.make_session

LANGUAGES = ("en", "pl", "ur", "gu")
NARROW = {"width": 320, "height": 640}
WEB_FONTS = {"ur": "Noto Naskh Arabic", "gu": "Noto Sans Gujarati"}
SAMPLE_TEXT = {"ur": "اردو", "gu": "ગુજરાતી"}

# Where the main heading's text sits against the main column, as page coordinates.
HEADING_EDGES = """() => {
    const heading = document.querySelector('main h1');
    if (!heading) return null;
    const range = document.createRange();
    range.selectNodeContents(heading);
    const text = range.getBoundingClientRect();
    const main = document.querySelector('main').getBoundingClientRect();
    return {text: [text.left, text.right], main: [main.left, main.right]};
}"""


def _fonts_drawing(page, selector: str) -> set[str]:
    """The web fonts Chromium actually drew the element's text with (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return {font["familyName"] for font in fonts if font["isCustomFont"]}


class Tour:
    """One page visiting paths in every language, collecting what each visit shows."""

    def __init__(self, page):
        self.page = page
        self.language = "en"
        self.fonts_fetched: list[str] = []
        self.too_wide: list[str] = []
        self.not_mirrored: list[str] = []
        page.on(
            "request",
            lambda request: (
                self.fonts_fetched.append(f"{self.language} {request.url}")
                if request.resource_type == "font"
                else None
            ),
        )

    def visit(self, language: str, path: str) -> None:
        """Open `path` in `language` (through the language switch) and check it."""
        self.language = language
        self.page.goto(f"/language/{language}?next={path}")
        assert self.page.url.endswith(path), f"{language} {path} went to {self.page.url}"
        html = self.page.locator("html")
        assert html.get_attribute("lang") == language
        assert html.get_attribute("dir") == ("rtl" if language == "ur" else "ltr")
        assert_accessible(self.page)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        if width > NARROW["width"]:
            self.too_wide.append(f"{language} {path}: {width}px")
        edges = self.page.evaluate(HEADING_EDGES)
        assert edges, f"{language} {path} has no main heading"
        # Right to left, the heading starts at the right edge of the main column; left to
        # right, at its left edge.
        side = 1 if language == "ur" else 0
        if abs(edges["text"][side] - edges["main"][side]) > 1:
            self.not_mirrored.append(f"{language} {path}: {edges}")

    def tour(self, paths: list[str]) -> None:
        for language in LANGUAGES:
            for path in paths:
                self.visit(language, path)
        assert self.too_wide == [], "wider than 320 px:\n" + "\n".join(self.too_wide)
        assert self.not_mirrored == [], "heading on the wrong side:\n" + "\n".join(
            self.not_mirrored
        )
        # English and Polish come first: once a URL has used a font, Chromium fetches it
        # again (from its cache) on the next visit to that URL, whatever the language.
        fetched_for = {entry.split(" ", 1)[0] for entry in self.fonts_fetched}
        assert fetched_for <= {"ur", "gu"}, "\n".join(self.fonts_fetched)
        # Nothing refused, the fonts included (the CSP's font-src is 'self').
        assert self.page.console_problems == []


@pytest.fixture
def applicant(leicestershire, make_user):
    """An applicant whose initial visit is written up, so their tracker has steps done."""
    return visited_applicant(leicestershire, make_user)


def test_public_pages_in_every_language_pass_axe_and_fit_a_320px_phone(
    new_page, leicestershire, make_event
):
    event = make_event(capacity=8)
    make_event(starts_in=timedelta(days=20), online=True, title="Online evening")
    tour = Tour(new_page(viewport=NARROW))
    tour.tour(
        [
            "/leicestershire/",
            "/leicestershire/events",
            f"/leicestershire/events/{event.id}",
            f"/leicestershire/events/{event.id}/book",
            "/leicestershire/sign-in",
            "/leicestershire/enquire",
            "/leicestershire/young-people",
            "/leicestershire/complaints",
        ]
    )


def test_signed_in_pages_in_every_language_pass_axe_and_fit_a_320px_phone(
    new_page, leicestershire, make_user, make_session, applicant
):
    make_session(title="Safer caring", tsds=True)
    make_session(title="First aid", online=True, starts_in=timedelta(days=30))
    carer = make_user(leicestershire, Role.APPROVED_CARER, name="Sam Carer")
    recruiter = make_user(leicestershire, Role.RECRUITMENT, name="Robin Recruitment")
    for person, path in [
        (carer, "/leicestershire/training"),
        (applicant, "/leicestershire/my-application"),
        (recruiter, "/leicestershire/staff/"),
    ]:
        page = new_page(viewport=NARROW)
        sign_in(page, person.email)
        Tour(page).tour([path])


def test_urdu_is_mirrored_and_drawn_in_its_web_font(new_page, leicestershire, make_event):
    event = make_event()
    page = new_page(viewport=NARROW)
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if r.resource_type == "font" else None)

    page.goto("/language/ur?next=/leicestershire/sign-in")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate(f"document.fonts.check('16px \"{WEB_FONTS['ur']}\"', 'اردو')")
    assert _fonts_drawing(page, "main h1") == {WEB_FONTS["ur"]}
    assert page.evaluate("getComputedStyle(document.querySelector('main h1')).direction") == "rtl"
    # Only the Urdu files came, and from this site (the CSP allows no other).
    assert fetched and all("/static/dist/noto-naskh-arabic-arabic-" in url for url in fetched)
    assert all(url.startswith(page.url.split("/leicestershire")[0]) for url in fetched)

    # An email address is typed left to right, under its label on the right.
    email = page.locator("input[type=email]")
    assert email.evaluate("e => getComputedStyle(e).direction") == "ltr"
    label_right = page.locator("label[for=email]").evaluate(
        "l => { const r = document.createRange(); r.selectNodeContents(l);"
        " return r.getBoundingClientRect().right; }"
    )
    field = email.bounding_box()
    assert abs(label_right - (field["x"] + field["width"])) <= 1

    # Radios: the drawn circle sits at the right of its row, beside the label's start.
    page.goto(f"/leicestershire/events/{event.id}/book")
    item = page.locator(".govuk-radios__item").first
    ring = item.evaluate(
        """item => {
            const label = item.querySelector('.govuk-radios__label');
            const ring = getComputedStyle(label, '::before');
            const box = item.getBoundingClientRect();
            return {left: parseFloat(ring.left), width: parseFloat(ring.width),
                    item: box.width, labelRight: label.getBoundingClientRect().right - box.left};
        }"""
    )
    assert ring["left"] + ring["width"] >= ring["item"] - 4
    assert ring["labelRight"] <= ring["left"]


def test_gujarati_is_drawn_in_its_web_font_and_english_in_the_system_font(new_page, leicestershire):
    page = new_page(viewport=NARROW)
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if r.resource_type == "font" else None)

    page.goto("/language/gu?next=/leicestershire/sign-in")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate(f"document.fonts.check('16px \"{WEB_FONTS['gu']}\"', 'ગુજરાતી')")
    assert _fonts_drawing(page, "main h1") == {WEB_FONTS["gu"]}
    assert fetched and all("/static/dist/noto-sans-gujarati-gujarati-" in url for url in fetched)

    # English names Urdu and Gujarati in their own scripts in the language switcher, yet
    # downloads neither font: the web fonts are chosen for the whole page only. (A fresh
    # browser context: Chromium fetches again, from its cache, the fonts a URL used last.)
    page = new_page(viewport=NARROW)
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if r.resource_type == "font" else None)
    page.goto("/language/en?next=/leicestershire/sign-in")
    page.evaluate("document.fonts.ready.then(() => true)")
    for code in ("ur", "gu"):
        assert (
            page.locator(f".app-language-switcher [lang={code}]").inner_text()
            == (SAMPLE_TEXT[code])
        )
        assert _fonts_drawing(page, f".app-language-switcher [lang={code}]") == set()
        assert not page.evaluate(
            f"document.fonts.check('16px \"{WEB_FONTS[code]}\"', '{SAMPLE_TEXT[code]}')"
        )
    assert fetched == []
