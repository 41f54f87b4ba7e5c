"""Every page and every form error in every shipped language, with no English interface
text left on them.

The demo services are walked in English by anonymous visitors of both services and by a
demo account of each role (an applicant at the paperwork stage, a foster carer, a young
person and each staff role): each walker fetches its own start pages, and every other
route the first walker to reach it. The pages only a secret link opens, and routes no walk
reached, are fetched by whoever the route is for. Then each walker fetches its pages again
in Polish, Urdu and Gujarati (chosen at `/language/<code>`, as a visitor would), and sends
each form it was shown the way a person can send it wrong (boxes empty, nothing ticked),
in English and in each language. On each translated page:

- no visible text, and no aria-label, title, alt, placeholder, submit button value or
  message a GOV.UK script writes (data-i18n.*), is an English message of the catalogue
  whose translation differs from it. Texts inside an element whose `lang` is not the
  page's are left out: the language switcher names each language in itself;
- each GOV.UK component whose script writes words (character count, password input, exit
  this page...) is given them, or its script writes its own English;
- no text is the same as on the English page when it holds at least two English words and
  is not the demo's own data (names, addresses, event titles and the like, which are
  written in one language): that is English the catalogues do not know of.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from sqlalchemy import JSON, Enum, String, TypeDecorator, select

from portal.accounts.models import STAFF_ROLES, Role, User, UserRole
from portal.core.extensions import db
from portal.demo.services import DEMO_PASSWORD, load_demo_data
from tests.core.crawl import (
    NOT_FOLLOWED,
    OTHER_SLUG,
    PERSONAL_STARTS,
    SLUG,
    Form,
    crawl,
    demo_client,
    enquiry,
    forms_in,
    key,
    make_secrets,
    match,
    offer_to_volunteer,
    post,
    url_for_every_route,
)
from tests.core.test_access_map import ROLE_ACCOUNTS, design_of

LANGUAGES = ("pl", "ur", "gu")
CATALOGUES = Path(__file__).parents[2] / "translations"
# Attributes a person reads or hears.
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
# Elements whose text is never shown.
UNSEEN = {"script", "style", "template"}
# Elements that sit inside a line of text; a message may hold them.
INLINE = {
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "br",
    "cite",
    "code",
    "data",
    "dfn",
    "em",
    "i",
    "kbd",
    "mark",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "time",
    "u",
    "var",
    "wbr",
}
# GOV.UK components whose script writes words into the page, and the messages (by key)
# each needs from the page to write them in the page's language rather than its English.
SCRIPTED_WORDS = {
    "govuk-character-count": {
        "characters-under-limit",
        "characters-at-limit",
        "characters-over-limit",
    },
    "govuk-password-input": {
        "show-password",
        "hide-password",
        "show-password-aria-label",
        "hide-password-aria-label",
        "password-shown-announcement",
        "password-hidden-announcement",
    },
    "govuk-exit-this-page": {
        "activated",
        "timed-out",
        "press-two-more-times",
        "press-one-more-time",
    },
    "govuk-file-upload": {
        "choose-files-button",
        "no-file-chosen",
        "multiple-files-chosen",
        "drop-instruction",
        "entered-drop-zone",
        "left-drop-zone",
    },
    "govuk-accordion": {
        "show-all-sections",
        "hide-all-sections",
        "show-section",
        "hide-section",
        "show-section-aria-label",
        "hide-section-aria-label",
    },
}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
LINK_OR_EMAIL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\b[\w.-]+\.(?:uk|org|com)\b")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")
# Where the walkers start, in the service: people with an account, visitors, staff.
MINE = PERSONAL_STARTS
PUBLIC = [
    "",
    "young-people",
    "foster-carers",
    "thinking-about-fostering",
    "events",
    "enquire",
    "complaints",
    "sign-in",
    "register",
]
STAFF = ["staff/", "staff/people/?q=demo"]
# Forms not sent wrong: what they would do spoils the rest of the walk.
NOT_POSTED = {
    "accounts.sign_out": "signing out ends the session the walk goes on with",
    "settings.languages": "no language ticked is a choice: English only, for every page after",
}


def _normal(text: str) -> str:
    return " ".join(text.split())


# ---- what a page says ------------------------------------------------------------------


@dataclass
class Said:
    """What a page says to a person, in its own language: each text node, the text of each
    element holding only text and inline elements (for messages with a link or emphasis
    inside), the attributes read out, and the GOV.UK components whose script writes words
    of its own (module name -> the message keys the page gives it, for each one)."""

    nodes: list[str] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    scripted: list[tuple[str, set[str], dict]] = field(default_factory=list)  # and attributes

    def everything(self) -> list[str]:
        return [*self.nodes, *self.elements, *self.attributes]


@dataclass
class _Open:
    """An element the reader is inside."""

    tag: str
    shown: bool  # in the page's language, and not script or style
    texts: list[str] = field(default_factory=list)
    has_block: bool = False  # holds an element that is not inline


class _Reader(HTMLParser):
    """Reads a page once, keeping what is shown in the page's language."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page_lang = None
        self.stack: list[_Open] = [_Open("#document", True)]
        self.open_tags: Counter[str] = Counter()  # how many of each tag are open
        self.said = Said()

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.page_lang = values.get("lang")
        if tag in UNSEEN:
            shown = False
        elif "lang" in values and tag != "html":
            shown = values["lang"] == self.page_lang and not any(
                self.open_tags[unseen] for unseen in UNSEEN
            )
        else:
            shown = self.stack[-1].shown
        if shown:
            for name, value in values.items():
                if value.strip() and (name in READ_ATTRIBUTES or name.startswith("data-i18n.")):
                    self.said.attributes.append(_normal(value))
            button = tag == "input" and values.get("type") in {"submit", "button", "reset"}
            if button and values.get("value"):
                self.said.attributes.append(_normal(values["value"]))
            if values.get("data-module") in SCRIPTED_WORDS:
                keys = {
                    name.removeprefix("data-i18n.").split(".")[0]
                    for name in values
                    if name.startswith("data-i18n.")
                }
                self.said.scripted.append((values["data-module"], keys, values))
        if tag == "br":
            self.stack[-1].texts.append(" ")
        if tag not in INLINE:
            self.stack[-1].has_block = True
        if tag not in VOID:
            self.stack.append(_Open(tag, shown))
            self.open_tags[tag] += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if not self.open_tags[tag]:
            return
        while True:
            element = self.stack.pop()
            self.open_tags[element.tag] -= 1
            parent = self.stack[-1]
            parent.has_block = parent.has_block or element.has_block
            if element.shown and element.texts:
                joined = "".join(element.texts)
                if not element.has_block and joined.strip():
                    self.said.elements.append(_normal(joined))
                parent.texts.append(joined)
            if element.tag == tag:
                return

    def handle_data(self, data):
        if self.stack[-1].shown:
            text = _normal(data)
            if text:
                self.said.nodes.append(text)
            self.stack[-1].texts.append(data)


def what_it_says(html: str) -> Said:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.said


# ---- the catalogue ---------------------------------------------------------------------


def _letters(text: str) -> int:
    return sum(character.isalpha() for character in text)


def _pattern(msgid: str) -> str:
    """The msgid as a regular expression: a number for each `%(name)d`, and some text (a
    name, a date: not a paragraph) for each `%(name)s`."""
    parts, last = [], 0
    for found in PLACEHOLDER.finditer(msgid):
        parts.append(re.escape(msgid[last : found.start()]))
        if found.group(0) == "%%":
            parts.append("%")
        else:
            parts.append(r"-?\d[\d,]*" if found.group(0).endswith("d") else ".{1,80}?")
        last = found.end()
    parts.append(re.escape(msgid[last:]))
    return "".join(parts)


@dataclass
class Catalogue:
    """A language's messages: the English ones it translates into something else, found
    as exact texts or, when they have placeholders, as patterns; and the ones it keeps."""

    language: str
    exact: dict[str, str]  # English text -> msgid
    patterns: list[tuple[re.Pattern, str]]  # pattern of the English text -> msgid
    any_pattern: re.Pattern
    kept: set[str]  # messages whose translation is the English itself
    kept_patterns: re.Pattern
    known: dict[str, str | None] = field(default_factory=dict)  # text -> msgid, once looked up

    @classmethod
    def read(cls, language: str) -> "Catalogue":
        with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as po:
            catalogue = read_po(po, locale=language)
        exact: dict[str, str] = {}
        patterns: dict[str, str] = {}
        kept: set[str] = set()
        kept_patterns: set[str] = set()
        for message in catalogue:
            if not message.id or message.fuzzy:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                # A message with a link or emphasis inside is read as its text.
                for english in {_normal(msgid), _normal(re.sub(r"<[^>]+>", "", msgid))}:
                    has_placeholder = bool(PLACEHOLDER.search(english))
                    if _letters(PLACEHOLDER.sub("", english)) < (4 if has_placeholder else 2):
                        continue  # too little English to tell it from the data around it
                    text = english.replace("%%", "%") if not has_placeholder else english
                    if not all(strings):
                        continue  # not translated: found as English the same on both pages
                    if any(_normal(string) == _normal(msgid) for string in strings):
                        (kept_patterns if has_placeholder else kept).add(
                            _pattern(english) if has_placeholder else text
                        )
                    elif has_placeholder:
                        patterns[_pattern(english)] = msgid
                    else:
                        exact[text] = msgid
        return cls(
            language,
            exact,
            [(re.compile(pattern), msgid) for pattern, msgid in patterns.items()],
            re.compile("|".join(f"(?:{pattern})" for pattern in patterns)),
            kept,
            re.compile("|".join(f"(?:{pattern})" for pattern in kept_patterns) or "(?!)"),
        )

    def msgid_of(self, text: str) -> str | None:
        """The English message this text is, when the language translates it."""
        if text not in self.known:
            if text in self.exact:
                self.known[text] = self.exact[text]
            elif self.any_pattern.fullmatch(text):
                self.known[text] = next(m for p, m in self.patterns if p.fullmatch(text))
            else:
                self.known[text] = None
        return self.known[text]

    def keeps(self, text: str) -> bool:
        """True when the language's translation of this text is the English itself."""
        return text in self.kept or bool(self.kept_patterns.fullmatch(text))


# ---- the demo's own data ---------------------------------------------------------------

# Punctuation around a value: quotes, brackets, dashes (en dash, curly quotes too).
EDGES = ".,;:!?()[]\"'“”\u2018\u2019\u2013-·|/"


def _holds_text(kind) -> bool:
    """Free text (encrypted too) or JSON; not a code from a fixed set."""
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return isinstance(kind, JSON) or (isinstance(kind, String) and not isinstance(kind, Enum))


def _texts_in(value) -> list[str]:
    """The strings in a column's value, inside JSON too."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _texts_in(item)]
    return []


class DemoData:
    """Every text the database holds (names, addresses, titles, descriptions, emails...),
    each of its lines and comma-separated parts: written once, in one language, and shown
    as it is. Columns holding a fixed set of codes (enums) are not data: their labels are
    the interface's."""

    def __init__(self):
        self.values: set[str] = set()
        self.longest = 1
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                columns = [column for column in table.columns if _holds_text(column.type)]
                if columns:
                    for row in connection.execute(select(*columns)):
                        for value in row:
                            for text in _texts_in(value):
                                self._add(text)
        self.english: dict[str, list[str]] = {}

    def _add(self, value: str) -> None:
        for part in (value, *value.splitlines(), *value.split(",")):
            part = _normal(part).strip(EDGES)
            if part:
                self.values.add(part)
                self.longest = max(self.longest, len(part.split()))

    def __contains__(self, text: str) -> bool:
        return text.strip(EDGES) in self.values

    def english_words(self, text: str) -> list[str]:
        """The English-looking words of a text once the data inside it (runs of words that
        are a value the database holds) and any link or email address are taken out."""
        if text not in self.english:
            words = LINK_OR_EMAIL.sub(" ", text).split()
            data = [False] * len(words)
            for start in range(len(words)):
                for end in range(start + 1, min(len(words), start + self.longest) + 1):
                    if " ".join(words[start:end]).strip(EDGES) in self.values:
                        data[start:end] = [True] * (end - start)
            self.english[text] = [
                found
                for word, is_data in zip(words, data, strict=True)
                if not is_data and "_" not in word  # a name in code, such as a cookie's
                for found in ENGLISH_WORD.findall(word)
            ]
        return self.english[text]


# ---- walking ---------------------------------------------------------------------------


@dataclass
class Walker:
    """Someone who walks the demo: their client, where they start, the part of the site
    they keep to, and the pages they looked at (URL -> the English HTML)."""

    who: str
    client: object
    starts: list[str]
    within: str
    role: Role | None = None
    pages: dict[str, str] = field(default_factory=dict)
    forms: list[Form] = field(default_factory=list)  # the forms only this walker was shown
    given: set[str] = field(default_factory=set)  # secret words shown once, kept only hashed


def _is_html(response) -> bool:
    return "html" in (response.content_type or "")


def _is_page(response) -> bool:
    return response.status_code == 200 and _is_html(response)


def _walkers(app) -> list[Walker]:
    """Anonymous visitors of both services, then a demo account for each role."""
    walkers = [
        Walker(
            "anonymous",
            app.test_client(),
            [f"/{SLUG}/{page}" for page in PUBLIC] + ["/"],
            "/",
        ),
        Walker(
            "anonymous (Lancashire)",
            app.test_client(),
            [f"/{OTHER_SLUG}/{page}" for page in PUBLIC],
            f"/{OTHER_SLUG}/",
        ),
    ]
    for role, local in ROLE_ACCOUNTS.items():
        starts = STAFF if role in STAFF_ROLES else MINE
        starts = [f"/{SLUG}/{page}" for page in starts]
        walkers.append(Walker(local, demo_client(app, local), starts, "/", role))
    return walkers


def _who_may_open(app, rule, walkers: list[Walker]) -> list[Walker]:
    """The walkers a route is for, as its view declares (see tests/core/test_access_map.py)."""
    design = design_of(app, rule)
    if design is None or design.kind in {"public", "step"}:
        return walkers
    if design.kind == "token":
        return [walker for walker in walkers if walker.role is None]
    return [walker for walker in walkers if walker.role in design.roles]


def walk_in_english(app, walkers: list[Walker], secrets: dict) -> None:
    """Each walker's pages, in English: their own start pages, and every other route the
    first walker to reach it; then the pages only a secret link opens, and those of routes
    no walk reached, for whoever they open for."""
    fetched: Counter[str] = Counter()  # routes fetched, between all the walks
    found: dict[str, list[str]] = {}
    for walker in walkers:

        def keep(url, response, walker=walker):
            rule, _ = match(app, urlsplit(url).path)
            if _is_page(response):
                walker.pages[url] = response.get_data(as_text=True)
            else:
                fetched[key(rule)] -= 1  # another URL, or another walker, may open it

        for start in walker.starts:
            fetched.pop(key(match(app, urlsplit(start).path)[0]), None)
        walked = crawl(
            app,
            walker.client,
            walker.starts,
            within=walker.within,
            per_rule=1,
            on_page=keep,
            per=fetched,
        )
        assert walked.errors == [], walked.errors
        for route, urls in walked.urls_by_rule().items():
            found.setdefault(route, []).extend(urls)
        walker.forms = walked.forms
    for route, url in url_for_every_route(app, found, secrets).items():
        rule, _ = match(app, urlsplit(url).path)
        if (
            fetched[route] > 0
            or rule is None
            or "GET" not in rule.methods
            or any(part in url for part in NOT_FOLLOWED)
        ):
            continue
        for walker in _who_may_open(app, rule, walkers):
            response = walker.client.get(url, buffered=True)
            if _is_page(response):
                walker.pages[url] = response.get_data(as_text=True)
                soup = BeautifulSoup(walker.pages[url], "html.parser")
                walker.forms += forms_in(app, soup, url)
            if response.status_code in {200, 301, 302, 303}:
                break
    # A page that is not there, and one that is not for this person.
    anonymous = walkers[0]
    anonymous.pages[f"/{SLUG}/no-such-page"] = anonymous.client.get(
        f"/{SLUG}/no-such-page"
    ).get_data(as_text=True)
    carer = next(walker for walker in walkers if walker.role == Role.APPROVED_CARER)
    carer.pages[f"/{SLUG}/staff/"] = carer.client.get(f"/{SLUG}/staff/").get_data(as_text=True)


def _keep(app, walker: Walker, url: str) -> None:
    """Fetch a page for the walker, in English, with its forms."""
    response = walker.client.get(url, buffered=True)
    assert _is_page(response), f"{walker.who} {url}: {response.status_code}"
    walker.pages[url] = response.get_data(as_text=True)
    soup = BeautifulSoup(walker.pages[url], "html.parser")
    walker.forms += forms_in(app, soup, url)


def _secret_of(walker: Walker, url: str) -> dict:
    """The reference and secret words a page has just given the walker."""
    soup = BeautifulSoup(walker.pages[url], "html.parser")
    reference, phrase = (tag.get_text(strip=True) for tag in soup.select(".app-secret__value"))
    walker.given.add(phrase)
    return {"reference": reference, "phrase": phrase}


def walk_after_sending(app) -> list[Walker]:
    """The pages only a browser that has just sent something sees: the reference and secret
    words after a young person's message and complaint, the messages and complaint they
    open, an initial visit booked from an enquiry's link, and the steps after a member of
    staff's password (the one-time code, a recovery code, setting up an authenticator
    app)."""
    young = Walker("anonymous, after sending", app.test_client(), [], "/")
    sent = post(young.client, f"/{SLUG}/young-people/talk", {"body": "I want to change school."})
    assert sent.status_code == 302, "the young person's message was refused"
    _keep(app, young, sent.location)
    post(young.client, f"/{SLUG}/young-people/messages", _secret_of(young, sent.location))
    _keep(app, young, f"/{SLUG}/young-people/messages/thread")
    sent = post(
        young.client,
        f"/{SLUG}/young-people/complaint",
        {"body": "Nobody calls me back.", "wants_advocate": "no"},
    )
    assert sent.status_code == 302, "the young person's complaint was refused"
    _keep(app, young, sent.location)
    post(young.client, f"/{SLUG}/complaints/follow", _secret_of(young, sent.location))
    _keep(app, young, f"/{SLUG}/complaints/yours")

    # Someone who enquired books an initial visit from their link (the latest time, which
    # is more than a day off), and can then see, move or cancel it.
    enquired = post(young.client, f"/{SLUG}/enquire", enquiry("Ola Other", "ola@example.org"))
    visit = f"/{SLUG}/initial-visit/{enquired.location.rsplit('/', 1)[-1]}"
    page = young.client.get(f"{visit}/book").get_data(as_text=True)
    (form,) = forms_in(app, BeautifulSoup(page, "html.parser"), f"{visit}/book")
    booked = post(young.client, f"{visit}/book", {"slot": form.fields["slot"].options[-1]})
    assert booked.location.endswith("/booked"), "the initial visit could not be booked"
    for step in ("", "/booked", "/change", "/cancel"):
        _keep(app, young, visit + step)

    staff = Walker("staff, after the password", app.test_client(), [], "/")
    signed = post(
        staff.client,
        f"/{SLUG}/sign-in",
        {"email": f"recruitment@{SLUG}.demo", "password": DEMO_PASSWORD},
    )
    assert signed.location.endswith("/sign-in/code")
    _keep(app, staff, f"/{SLUG}/sign-in/code")
    _keep(app, staff, f"/{SLUG}/sign-in/recovery-code")
    demo = db.session.scalar(select(User).where(User.email == f"recruitment@{SLUG}.demo"))
    db.session.add(
        User(
            service=demo.service,
            email="new-staff@example.org",
            name="Noa New",
            password_hash=demo.password_hash,
            email_confirmed_at=demo.email_confirmed_at,
            role_rows=[UserRole(role=Role.RECRUITMENT)],
        )
    )
    db.session.commit()
    newcomer = Walker("staff, before their authenticator app", app.test_client(), [], "/")
    signed = post(
        newcomer.client,
        f"/{SLUG}/sign-in",
        {"email": "new-staff@example.org", "password": DEMO_PASSWORD},
    )
    assert signed.location.endswith("/sign-in/set-up-code")
    _keep(app, newcomer, f"/{SLUG}/sign-in/set-up-code")
    return [young, staff, newcomer]


def choose_language(client, code: str) -> None:
    response = client.get(f"/language/{code}")
    assert response.status_code == 302, f"/language/{code}: {response.status_code}"


@pytest.fixture
def walkers(app) -> list[Walker]:
    """The demo, walked in English by everyone."""
    assert load_demo_data(only_if_empty=False)
    offer_to_volunteer(app.test_client())
    secrets = make_secrets(app)
    found = _walkers(app)
    walk_in_english(app, found, secrets)
    found += walk_after_sending(app)
    seen = set()
    for walker in found:
        for url, html in walker.pages.items():
            assert '<html lang="en"' in html, f"{walker.who} saw {url} in another language"
        # Each form once, for the first walker shown it.
        forms = [form for form in walker.forms if form.signature() not in seen]
        walker.forms = list({form.signature(): form for form in forms}.values())
        seen.update(form.signature() for form in walker.forms)
    return found


# ---- what is wrong ---------------------------------------------------------------------


@dataclass
class Findings:
    """English found on translated pages, of each kind."""

    data: DemoData
    translated: list[str] = field(default_factory=list)
    scripted: set[str] = field(default_factory=set)
    untranslated: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    english: dict[str, set[str]] = field(default_factory=dict)  # English page -> its texts

    def check(self, catalogue: Catalogue, where: str, html: str, english: str) -> None:
        """Look through a page in the catalogue's language; `english` is the same page in
        English (read only when a text may be the same on both)."""
        assert f'<html lang="{catalogue.language}"' in html, f"{where} is not translated"
        said = what_it_says(html)
        for module, keys, attributes in said.scripted:
            needed = SCRIPTED_WORDS[module]
            if "data-maxwords" in attributes:
                needed = {name.replace("characters-", "words-") for name in needed}
            if needed - keys:
                self.scripted.add(
                    f"{where}: {module} is given no {', '.join(sorted(needed - keys))}"
                )
        for text in set(said.everything()):
            if text in self.data:
                continue
            msgid = catalogue.msgid_of(text)
            if msgid is not None:
                self.translated.append(
                    f"[{catalogue.language}] {where}: {text!r} is the English of msgid {msgid!r}"
                )
            elif (
                len(self.data.english_words(text)) >= 2
                and not catalogue.keeps(text)
                and text in self._said_in_english(english)
            ):
                self.untranslated[text].add(f"[{catalogue.language}] {where}")

    def _said_in_english(self, html: str) -> set[str]:
        if html not in self.english:
            self.english[html] = set(what_it_says(html).everything())
        return self.english[html]

    def problems(self) -> str:
        found = []
        if self.translated:
            found.append(
                f"{len(self.translated)} English texts the catalogue translates were shown "
                "instead of their translation:\n" + "\n".join(sorted(self.translated))
            )
        if self.scripted:
            found.append(
                "GOV.UK components whose script would write English, for want of the messages "
                "(data-i18n.* attributes, the macro's …Text parameters) in the page's "
                "language:\n" + "\n".join(sorted(self.scripted))
            )
        if self.untranslated:
            found.append(
                f"{len(self.untranslated)} English texts are the same on the English and the "
                "translated page, and are not the demo's data: not marked for translation "
                "(mark each with _() or {% trans %}), or marked but not yet in the catalogues "
                "(make babel-extract babel-update, then translate):\n"
                + "\n".join(
                    f"{text!r} on {len(places)} pages, e.g. {sorted(places)[0]}"
                    for text, places in sorted(self.untranslated.items())
                )
            )
        return "\n\n".join(found)


# ---- the test --------------------------------------------------------------------------


def _wrong_answers(form: Form) -> dict:
    """What a person can send that a form should refuse: every box left empty, no radio or
    checkbox ticked, each list left at its first option."""
    values: dict = {}
    for name, found in form.fields.items():
        if name.endswith("csrf_token") or found.kind == "hidden":
            values[name] = found.value
        elif found.kind in {"button", "select"}:
            values[name] = found.options[0] if found.options else ""
        elif found.kind not in {"radio", "checkbox", "file"}:
            values[name] = [""] * found.count if found.count > 1 else ""
    return values


def _answerable(form: Form) -> bool:
    """A form with something to fill in (not only a button), other than those NOT_POSTED."""
    return form.rule.endpoint not in NOT_POSTED and any(
        found.kind not in {"hidden", "button"} and not name.endswith("csrf_token")
        for name, found in form.fields.items()
    )


def check_pages(walkers: list[Walker], catalogues: list[Catalogue], findings: Findings) -> int:
    """Every walker's pages in every language; returns how many pages each language had."""
    for catalogue in catalogues:
        for walker in walkers:
            choose_language(walker.client, catalogue.language)
            for url, english in walker.pages.items():
                html = walker.client.get(url, buffered=True).get_data(as_text=True)
                findings.check(catalogue, f"{walker.who} {url}", html, english)
            choose_language(walker.client, "en")
    return sum(len(walker.pages) for walker in walkers)


def check_form_errors(
    walkers: list[Walker], catalogues: list[Catalogue], findings: Findings
) -> tuple[int, list[str]]:
    """Each walker's forms sent wrong, in English and then in each language. Returns how
    many forms were refused, and those that took what was sent (and changed something:
    NOT_POSTED keeps out those whose change would spoil the rest)."""
    refused, taken = 0, []
    for walker in walkers:
        english = []
        for form in filter(_answerable, walker.forms):
            response = walker.client.post(form.action, data=_wrong_answers(form))
            if response.status_code in {200, 400, 409} and _is_html(response):
                english.append((form, response.get_data(as_text=True)))
            else:
                taken.append(f"{walker.who} {form.rule.endpoint}")
        refused += len(english)
        for catalogue in catalogues:
            choose_language(walker.client, catalogue.language)
            for form, html in english:
                response = walker.client.post(form.action, data=_wrong_answers(form))
                findings.check(
                    catalogue,
                    f"{walker.who} POST {form.action} (from {form.page})",
                    response.get_data(as_text=True),
                    html,
                )
        choose_language(walker.client, "en")
    return refused, taken


def test_every_page_and_form_error_in_every_language_has_no_english_left(app, walkers):
    """The pages first, then the forms sent wrong (which may change what pages show)."""
    data = DemoData()
    data.values.update(*(walker.given for walker in walkers))
    findings = Findings(data)
    catalogues = [Catalogue.read(code) for code in LANGUAGES]
    pages = check_pages(walkers, catalogues, findings)
    refused, taken = check_form_errors(walkers, catalogues, findings)
    rules = [match(app, urlsplit(url).path)[0] for walker in walkers for url in walker.pages]
    checked = {key(rule) for rule in rules if rule is not None}
    unchecked = sorted(
        key(rule)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static" and key(rule) not in checked
    )
    print(
        f"\npages checked in each of {', '.join(LANGUAGES)}: {pages}"
        f"\nforms sent wrong and refused, in each: {refused}"
        f"\nforms that took an empty answer (not checked): {', '.join(taken) or 'none'}"
        f"\nroutes answering GET with no HTML page checked (files, redirects, or reached "
        f"only after a POST): {len(unchecked)}\n  " + "\n  ".join(unchecked)
    )
    assert pages > 150 and refused > 50
    stale = [
        code
        for code in LANGUAGES
        if (po := CATALOGUES / code / "LC_MESSAGES" / "messages.po").stat().st_mtime
        > po.with_suffix(".mo").stat().st_mtime
    ]
    assert not findings.problems(), (
        f"(The catalogues of {', '.join(stale)} are newer than what the portal reads: "
        "make babel-compile.)\n\n" * bool(stale) + findings.problems()
    )


def test_the_check_finds_each_kind_of_english_left():
    """The checks above, on a Polish page with each kind of English planted in it."""
    findings = Findings(DemoData())  # the database is empty: nothing is the demo's data
    english = (
        '<html lang="en"><body><p>Cookies</p><p>Bare words left here</p>'
        '<p title="Back">x</p><span lang="pl">Polski</span></body></html>'
    )
    polish = (
        '<html lang="pl"><head><title>Cookies</title><script>var a = "Cookies";</script></head>'
        '<body><p>Pliki cookie</p><p>Bare words left here</p><p title="Back">x</p>'
        '<nav><span lang="en">English</span><span lang="en">Cookies</span></nav>'
        '<p>Read <a href="#">Cookies</a></p>'
        '<div data-module="govuk-character-count" data-maxlength="10"></div>'
        '<div data-module="govuk-exit-this-page" data-i18n.activated="Wczytywanie."'
        ' data-i18n.timed-out="a" data-i18n.press-two-more-times="b"'
        ' data-i18n.press-one-more-time="c"></div></body></html>'
    )
    findings.check(Catalogue.read("pl"), "planted", polish, english)
    assert sorted(findings.translated) == [
        "[pl] planted: 'Back' is the English of msgid 'Back'",
        "[pl] planted: 'Cookies' is the English of msgid 'Cookies'",
    ]
    assert findings.scripted == {
        "planted: govuk-character-count is given no characters-at-limit, "
        "characters-over-limit, characters-under-limit"
    }
    assert dict(findings.untranslated) == {"Bare words left here": {"[pl] planted"}}
