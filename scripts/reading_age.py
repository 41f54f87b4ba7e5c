"""Reading age of the young people's pages, in English, against the reading age of 9 they are
written for.

Builds the portal with the test settings on a throw-away SQLite database holding the demo
data, then walks the young people's pages through Flask's test client as the demo young
person would: their front page, talking to a Children's Rights Officer (an ordinary message
and one that asks for help now), reading their messages, asking for an independent visitor,
and making and following a complaint (before and after it is answered). From each page it
takes the words inside `<main>`: headings, paragraphs, labels, hints and buttons, each as a
sentence of its own. It leaves out what people typed or the records hold (messages,
complaints, references, secret words) and anything hidden or read only by screen readers.
A phone number, an email address or a web address counts as one word of two syllables
("number", "email", "website"), and a reference such as CR-7KQ2MX as one word ("code"):
each is a name to copy, not a sentence to work out. A date counts as one word ("date") so
that the figures do not change with the month the script runs in.

For each page it prints the Flesch-Kincaid grade, the reading age (grade + 5, the usual
conversion from US school grades to ages in the UK) and the number of words; then the
figures for all the pages' text together. Exits 1 when a page is above the highest reading
age allowed.

    .venv/bin/python scripts/reading_age.py               (or `make reading-age`)
    .venv/bin/python scripts/reading_age.py --max-age 10  (another limit)
    .venv/bin/python scripts/reading_age.py --text        (and the text each page was scored on)
"""

import argparse
import logging
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import textstat
from bs4 import BeautifulSoup, NavigableString
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import TestConfig  # noqa: E402
from portal import create_app  # noqa: E402
from portal.accounts.models import User  # noqa: E402
from portal.complaints import services as complaints  # noqa: E402
from portal.complaints.models import Complaint, Outcome  # noqa: E402
from portal.core.db import utcnow  # noqa: E402
from portal.core.extensions import db  # noqa: E402
from portal.demo.services import DEMO_PASSWORD, load_demo_data  # noqa: E402
from portal.organisation.models import FosteringService  # noqa: E402

SERVICE = "leicestershire"
MAX_READING_AGE = 9
# Flesch-Kincaid gives a US school grade; a child in grade 1 is 6 or 7, so UK readability
# guidance adds 5 to the grade for a reading age.
GRADE_TO_AGE = 5

# Every block of text is a sentence of its own: a heading or a label reads as one, and
# without a full stop the formula would join it to the next block. A summary list's row
# ("Started: 7 May") reads as one sentence, key and value together.
BLOCKS = (
    "h1, h2, h3, h4, h5, h6, p, li, label, legend, button, summary, th, td, caption, "
    ".govuk-summary-list__row, dl:not(.govuk-summary-list) > dt, "
    "dl:not(.govuk-summary-list) > dd, "
    ".govuk-hint, .govuk-error-message, .govuk-panel__title, .govuk-panel__body, "
    ".govuk-warning-text__text, .govuk-character-count__message, a.govuk-button"
)
# What people typed and what the records hold, not the portal's own words.
NOT_COPY = (
    "script, style, noscript, template, textarea, select, input, [hidden], [aria-hidden=true], "
    ".govuk-visually-hidden, .app-message > .govuk-body, .app-preserve, .app-secret__value, "
    ".govuk-caption-m, .govuk-panel__body strong"
)
# A reference (CR-7KQ2MX) is a code to copy, not a word to read: it counts as "code".
REFERENCE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]{6}\b")
# A date counts as one word ("date"), so a page scores the same whatever month it is.
DATE = re.compile(
    r"\b(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) )?\d{1,2} "
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{4}(?:, \d{1,2}:\d{2})?"
)
BREAK = "\u2029"
SENTENCE_END = (".", "!", "?", ":")


@dataclass
class PageScore:
    """One page's text and its readability."""

    name: str
    path: str
    text: str

    @property
    def words(self) -> int:
        return textstat.lexicon_count(self.text)

    @property
    def grade(self) -> float:
        return textstat.flesch_kincaid_grade(self.text)

    @property
    def reading_age(self) -> float:
        return round(self.grade + GRADE_TO_AGE, 1)


def contact_word(href: str, text: str) -> str | None:
    """The word that stands for a phone number, an email address or a link that shows its
    own web address; None for any other link."""
    if href.startswith("tel:"):
        return "number"
    if href.startswith("mailto:"):
        return "email"
    if href.startswith(("http://", "https://")) and " " not in text and "." in text:
        return "website"
    return None


def main_text(html: str) -> str:
    """The words a person reads inside `<main>`, one sentence per block of text."""
    main = BeautifulSoup(html, "html.parser").find("main")
    if main is None:
        return ""
    for element in main.select(NOT_COPY):
        element.decompose()
    for link in main.select("a[href]"):
        word = contact_word(link["href"], link.get_text(" ", strip=True))
        if word:
            link.replace_with(word)
    for block in main.select(BLOCKS):
        block.append(NavigableString(BREAK))
    sentences = []
    for chunk in main.get_text(" ").split(BREAK):
        sentence = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(chunk.split()))
        sentence = DATE.sub("date", REFERENCE.sub("code", sentence)).strip(" ,")
        if not re.search(r"[^\W\d_]", sentence):
            continue  # numbers, dates or punctuation left alone are not a sentence
        if not sentence.endswith(SENTENCE_END):
            sentence += "."
        sentences.append(sentence)
    return " ".join(sentences)


def _csrf(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").find("input", attrs={"name": "csrf_token"})
    return field["value"]


def _submit(client, path: str, data: dict):
    """Post `data` to the form at `path`, with the CSRF token the page gave."""
    page = client.get(path)
    response = client.post(path, data={"csrf_token": _csrf(page.get_data(as_text=True)), **data})
    if response.status_code != 302:
        raise RuntimeError(f"{path} did not accept the form (status {response.status_code})")
    return response


def _sign_in(client, slug: str, email: str) -> None:
    _submit(client, f"/{slug}/sign-in", {"email": email, "password": DEMO_PASSWORD})


def _answer_latest_complaint(app, slug: str, young_person_email: str) -> None:
    """The complaints manager answers the young person's newest complaint."""
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        db.session.expire_all()
        service = db.session.scalar(select(FosteringService).where(FosteringService.slug == slug))
        people = select(User).where(User.service_id == service.id)
        young = db.session.scalar(people.where(User.email == young_person_email))
        manager = db.session.scalar(people.where(User.email == f"complaints@{slug}.demo"))
        complaint = db.session.scalars(
            select(Complaint).where(Complaint.user_id == young.id).order_by(Complaint.id.desc())
        ).first()
        complaints.respond(
            complaint.stage,
            response="We are sorry. You can phone your brother after school from now on.",
            outcome=Outcome.UPHELD,
            by=manager,
            now=utcnow(),
        )


def young_peoples_pages(app, slug: str = SERVICE) -> list[PageScore]:
    """Walk the young people's pages as the demo young person; each page's main text.

    The demo data must be loaded in the app's database."""
    client = app.test_client()
    email = f"young-person@{slug}.demo"
    _sign_in(client, slug, email)
    base = f"/{slug}/young-people"
    pages: list[PageScore] = []

    def read(name: str, path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        pages.append(PageScore(name, path, main_text(response.get_data(as_text=True))))

    read("young people's front page", f"{base}")
    read("talk to a Children's Rights Officer", f"{base}/talk")
    _submit(client, f"{base}/talk", {"body": "Can I see my sister more often?"})
    read("message sent", f"{base}/talk/sent")
    read("your messages", f"{base}/messages/thread")
    read("read your messages", f"{base}/messages")
    _submit(client, f"{base}/talk", {"body": "I want to hurt myself. Please help."})
    read("message sent, with help now", f"{base}/talk/sent")

    read("ask for an independent visitor", f"{base}/independent-visitor")
    _submit(client, f"{base}/independent-visitor", {"how_to_reach": "Through my carer"})
    read("independent visitor asked for", f"{base}/independent-visitor/sent")

    read("make a complaint", f"{base}/complaint")
    # Two years ago, so the page also says what happens to a complaint made late.
    long_ago = utcnow().date().replace(day=1).replace(year=utcnow().year - 2)
    _submit(
        client,
        f"{base}/complaint",
        {
            "body": "I am not allowed to go to football.",
            "happened_on": [str(long_ago.day), str(long_ago.month), str(long_ago.year)],
            "wants_advocate": "yes",
            "email": email,
        },
    )
    read("complaint sent", f"/{slug}/complaints/sent")
    read("follow a complaint", f"/{slug}/complaints/follow?young=1")
    read("your complaint", f"/{slug}/complaints/yours")
    _answer_latest_complaint(app, slug, email)
    read("your complaint, answered", f"/{slug}/complaints/yours")
    return pages


def whole(pages: list[PageScore]) -> PageScore:
    """Every page's text as one."""
    return PageScore("all pages together", "", " ".join(page.text for page in pages))


def build_app(directory: Path):
    """The portal with the test settings on a new SQLite database holding the demo data."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{directory / 'reading-age.sqlite3'}"
        MAIL_DIRECTORY = str(directory / "mail")
        UPLOAD_DIRECTORY = str(directory / "uploads")

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        load_demo_data(only_if_empty=False)
    return app


def report(pages: list[PageScore], max_age: float, *, show_text: bool = False) -> bool:
    """Print each page's figures and the overall one; True when every page is within."""
    name_width = max(len(page.name) for page in pages)
    print(f"{'page':<{name_width}}  {'grade':>5}  {'age':>5}  {'words':>5}")
    over = []
    for page in pages:
        flag = "  over" if page.reading_age > max_age else ""
        print(
            f"{page.name:<{name_width}}  {page.grade:>5.1f}  {page.reading_age:>5.1f}"
            f"  {page.words:>5}{flag}"
        )
        if show_text:
            print(f"    {page.path}\n    {page.text}\n")
        if flag:
            over.append(page)
    total = whole(pages)
    print(
        f"{total.name:<{name_width}}  {total.grade:>5.1f}  {total.reading_age:>5.1f}"
        f"  {total.words:>5}"
    )
    if over:
        print(f"{len(over)} of {len(pages)} pages above reading age {max_age:g}")
    else:
        print(f"every page at or below reading age {max_age:g}")
    return not over


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--max-age",
        type=float,
        default=MAX_READING_AGE,
        help=f"highest reading age allowed for a page (default {MAX_READING_AGE})",
    )
    parser.add_argument("--service", default=SERVICE, help=f"service slug (default {SERVICE})")
    parser.add_argument(
        "--text", action="store_true", help="print the text each page was scored on"
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        app = build_app(Path(directory))
        logging.getLogger("portal.security").setLevel(logging.WARNING)  # the sign-in line
        pages = young_peoples_pages(app, arguments.service)
    return 0 if report(pages, arguments.max_age, show_text=arguments.text) else 1


if __name__ == "__main__":
    sys.exit(main())
