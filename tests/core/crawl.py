"""Walking the demo services as a person would: signed-in clients, links followed page by
page, every form found on the way with its fields, and a URL with real ids (or secrets)
for every route. Shared by the access map and the form fuzzing tests."""

import json
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

from bs4 import BeautifulSoup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from portal.accounts import services as accounts
from portal.accounts.models import TokenPurpose, User
from portal.core.extensions import db
from portal.demo.services import DEMO_PASSWORD
from portal.organisation.services import find_service
from tests.conftest import sign_in

SLUG = "leicestershire"
OTHER_SLUG = "lancashire"
# Routes opened by a secret in their URL, which only the emailed person holds.
TOKEN_ROUTES = {
    "accounts.confirm_email": "the emailed confirmation link",
    "accounts.reset_password": "the emailed reset link",
    "accounts.accept_invitation": "the emailed invitation",
    "accounts.confirm_new_email": "the link emailed to the new address",
    "recruitment.enquiry_sent": "the enquiry's private link",
    "events.manage_booking": "the booking's private link",
    "events.booking_calendar": "the booking's private link",
    "events.cancel_booking": "the booking's private link",
    "events.accept_offer": "the booking's private link",
    "events.move_booking": "the booking's private link",
    "events.give_feedback": "the booking's private link",
    "visits.your_visit": "the enquiry's private link",
    "visits.book_visit": "the enquiry's private link",
    "visits.visit_booked": "the enquiry's private link",
    "visits.change_visit": "the enquiry's private link",
    "visits.cancel_visit": "the enquiry's private link",
}
# Values for URL parts no page links to.
URL_VALUES = {"check": "dbs_checked", "code": "pl"}
# Links never followed: signing out ends the session being walked, and choosing a
# language changes every page after it.
NOT_FOLLOWED = ("/sign-out", "/language/")
# Where a signed-in person's own pages start, in the service (after /<service>/); a start
# that is not theirs sends them elsewhere or is refused, and leads nowhere.
PERSONAL_STARTS = [
    "account",
    "training",
    "training/my-training",
    "tsds",
    "my-application",
    "my-application/paperwork",
    "young-people/messages",
    "complaints/follow",
]


def to_follow(href: str, within: str, queued: set[str]) -> str | None:
    """The path a link leads to, when a walk kept within `within` should go there next:
    not yet queued, and not a link that would change the walk (NOT_FOLLOWED)."""
    href = urldefrag(href)[0].removeprefix("http://localhost")
    if (
        href.startswith(within)
        and href not in queued
        and not any(part in href for part in NOT_FOLLOWED)
    ):
        return href
    return None


def demo_client(app, local: str, slug: str = SLUG):
    """A test client signed in as the demo account `local@slug.demo`."""
    client = app.test_client()
    sign_in(client, f"{local}@{slug}.demo", DEMO_PASSWORD, service=slug)
    return client


def csrf_token(client, slug: str = SLUG) -> str:
    """The client's CSRF token: from the header a signed-in person's pages send to htmx,
    or else from a form everyone can see."""
    page = client.get(f"/{slug}/accessibility")
    body = BeautifulSoup(page.get_data(as_text=True), "html.parser").body
    if body.has_attr("hx-headers"):
        return json.loads(body["hx-headers"])["X-CSRFToken"]
    page = client.get(f"/{slug}/complaints/follow")
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    return soup.find("input", attrs={"name": "csrf_token"})["value"]


def post(client, url: str, data: dict, slug: str = SLUG):
    """POST `data` with the client's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client, slug), **data})


def offer_to_volunteer(client) -> None:
    """Offer to be an independent visitor, so the demo has a volunteer's pages to walk."""
    offered = post(
        client,
        f"/{SLUG}/independent-visitors/volunteer",
        {
            "name": "Val Volunteer",
            "email": "val@example.org",
            "phone": "07700 900789",
            "postcode": "LE1 1AA",
            "why": "I had an independent visitor myself.",
        },
    )
    assert offered.status_code == 302, "the volunteer's offer was refused"


def match(app, path: str, method: str = "GET") -> tuple[Rule | None, dict]:
    """The rule (and its values) a path reaches with this method, or (None, {})."""
    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(path, method=method, return_rule=True)
    except HTTPException:
        return None, {}


def key(rule: Rule) -> str:
    """A route's name in messages and dictionaries (rules themselves are unhashable)."""
    return f"{rule.endpoint} {rule.rule}"


def method_of(rule: Rule) -> str:
    """How a route is tried: GET when it answers GET, else POST."""
    return "GET" if "GET" in rule.methods else "POST"


def is_sign_in(response, slug: str = SLUG) -> bool:
    """True for a redirect to the service's sign-in page."""
    return response.status_code in {302, 303} and urlsplit(
        response.headers.get("Location", "")
    ).path == (f"/{slug}/sign-in")


# ---- forms -----------------------------------------------------------------------------


@dataclass
class Field:
    """One named control of a form: `kind` is the input type, or textarea/select/button."""

    name: str
    kind: str
    options: list[str] = field(default_factory=list)  # selects, radios, checkboxes, buttons
    value: str = ""
    maxlength: int | None = None
    multiple: bool = False
    count: int = 1  # boxes of one name, such as a date's day, month and year


@dataclass
class Form:
    """A `<form method="post">` as one person saw it on one page."""

    page: str
    action: str
    rule: Rule
    fields: dict[str, Field]

    @property
    def has_file(self) -> bool:
        return any(f.kind == "file" for f in self.fields.values())

    def signature(self) -> tuple:
        """What makes two forms the same form: where they post and what they send (field
        names told apart only by an id, such as `assign-complaint-4-assignee`, are one)."""
        names = sorted({re.sub(r"\d+", "#", name) for name in self.fields})
        return (self.rule.endpoint, tuple(names))


def _add_choice(fields: dict[str, Field], name: str, kind: str, value: str, *, multiple=False):
    found = fields.setdefault(name, Field(name, kind, multiple=multiple))
    found.options.append(value)
    found.multiple = found.multiple or multiple


def forms_in(app, soup: BeautifulSoup, page: str) -> list[Form]:
    """Every POST form on a parsed page whose action is one of the portal's routes."""
    found = []
    for tag in soup.find_all("form"):
        if tag.get("method", "get").lower() != "post":
            continue
        action = urldefrag(tag.get("action") or page)[0]
        rule, _ = match(app, urlsplit(action).path, "POST")
        if rule is None:
            continue
        fields: dict[str, Field] = {}
        checkbox_names = Counter(
            box["name"] for box in tag.select("input[type=checkbox][name]") if box.get("name")
        )
        for control in tag.find_all(["input", "textarea", "select", "button"]):
            name = control.get("name")
            if not name or control.has_attr("disabled"):
                continue
            if control.name == "textarea":
                fields[name] = Field(name, "textarea", value=control.get_text())
            elif control.name == "select":
                options = [o.get("value", o.get_text()) for o in control.find_all("option")]
                fields[name] = Field(name, "select", options, multiple=control.has_attr("multiple"))
            elif control.name == "button" or control.get("type") == "submit":
                _add_choice(fields, name, "button", control.get("value", ""))
            else:
                kind = control.get("type", "text").lower()
                if kind in {"radio", "checkbox"}:
                    multiple = kind == "checkbox" and checkbox_names[name] > 1
                    _add_choice(fields, name, kind, control.get("value", "on"), multiple=multiple)
                elif name in fields and fields[name].kind == kind:
                    fields[name].count += 1
                else:
                    length = control.get("maxlength")
                    fields[name] = Field(
                        name,
                        kind,
                        value=control.get("value", ""),
                        maxlength=int(length) if length and length.isdigit() else None,
                    )
        found.append(Form(page, action, rule, fields))
    return found


# ---- crawling --------------------------------------------------------------------------


@dataclass
class Visit:
    """One page fetched during a crawl."""

    url: str
    rule: Rule | None
    status: int


@dataclass
class Crawl:
    """What a walk found: pages by URL, and the forms on them."""

    pages: dict[str, Visit] = field(default_factory=dict)
    forms: list[Form] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def urls_by_rule(self) -> dict[str, list[str]]:
        """Each reached route (by `key`) with the URLs that reached it: pages fetched, and
        the actions of the forms on them."""
        found: dict[str, list[str]] = {}
        for visit in self.pages.values():
            if visit.rule is not None:
                found.setdefault(key(visit.rule), []).append(visit.url)
        for form in self.forms:
            urls = found.setdefault(key(form.rule), [])
            if form.action not in urls:
                urls.append(form.action)
        return found


def crawl(
    app,
    client,
    starts,
    *,
    within: str,
    per_rule: int = 2,
    most: int = 500,
    on_page=None,
    per: Counter | None = None,
) -> Crawl:
    """GET the pages reachable by links from `starts` whose paths begin with `within`,
    at most `per_rule` URLs for each route; collect every form on them. `on_page(url,
    response)` sees each response; an error raised by the app is recorded as a 500.
    `per` counts the URLs fetched by route (by `key`): pass one Counter to several crawls
    and each route is fetched `per_rule` times between them."""
    result = Crawl()
    per = Counter() if per is None else per
    queue = deque(starts)
    queued = set(starts)
    while queue and len(result.pages) < most:
        url = queue.popleft()
        rule, _ = match(app, urlsplit(url).path)
        if rule is None or per[key(rule)] >= per_rule:
            continue
        per[key(rule)] += 1
        try:
            response = client.get(url, buffered=True)
        except Exception as error:  # the app's own error: a 500, reported
            result.pages[url] = Visit(url, rule, 500)
            result.errors.append(f"GET {url}: {type(error).__name__}: {error}")
            continue
        result.pages[url] = Visit(url, rule, response.status_code)
        if response.status_code >= 500:
            result.errors.append(f"GET {url}: {response.status_code}")
        if on_page is not None:
            on_page(url, response)
        if response.status_code in {301, 302, 303}:
            links = [response.headers["Location"]]
        elif response.status_code == 200 and "html" in response.content_type:
            soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
            result.forms += forms_in(app, soup, url)
            links = [link["href"] for link in soup.select("a[href]")]
        else:
            links = []
        for href in links:
            if followed := to_follow(href, within, queued):
                queued.add(followed)
                queue.append(followed)
    return result


# ---- a URL for every route -------------------------------------------------------------


def _links(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [a["href"] for a in soup.select("a[href]")]


def make_secrets(app) -> dict[str, str]:
    """Real secrets for the routes in TOKEN_ROUTES (endpoint -> secret): an event booked
    and an enquiry made through the public forms, and emailed account links."""
    anonymous = app.test_client()
    service = find_service(SLUG)
    event_url = next(
        (
            url
            for url in _links(anonymous.get(f"/{SLUG}/events"))
            if (rule := match(app, urlsplit(url).path)[0]) and rule.endpoint == "events.show_event"
        ),
        None,
    )
    assert event_url is not None, "the demo's events page links to no event"
    booked = post(
        anonymous,
        f"{event_url}/book",
        {"name": "Bea Booker", "email": "bea@example.org", "phone": "07700 900321", "seats": "1"},
    )
    assert booked.status_code == 302, "the demo event could not be booked"
    enquired = post(anonymous, f"/{SLUG}/enquire", enquiry("Eli Enquirer", "eli@example.org"))
    assert enquired.status_code == 302, "the demo enquiry was refused"
    newcomer = User(service=service, email="new@example.org", name="New", password_hash="x")
    invited = User(service=service, email="invited@example.org", name="Invited")
    db.session.add_all([newcomer, invited])
    db.session.flush()
    hour = timedelta(hours=1)
    secrets = {
        "accounts.confirm_email": accounts.issue_token(newcomer, TokenPurpose.CONFIRM_EMAIL, hour),
        "accounts.reset_password": accounts.issue_token(
            newcomer, TokenPurpose.RESET_PASSWORD, hour
        ),
        "accounts.accept_invitation": accounts.issue_token(invited, TokenPurpose.INVITATION, hour),
        "accounts.confirm_new_email": accounts.issue_token(
            newcomer, TokenPurpose.CHANGE_EMAIL, hour, new_email="moved@example.org"
        ),
    }
    db.session.commit()
    for endpoint in TOKEN_ROUTES:
        if endpoint.startswith("events."):
            secrets[endpoint] = booked.headers["Location"].rsplit("/", 1)[-1]
        elif endpoint.startswith(("visits.", "recruitment.")):
            secrets[endpoint] = enquired.headers["Location"].rsplit("/", 1)[-1]
    return secrets


def enquiry(name: str, email: str) -> dict:
    """What a person types into the enquiry form."""
    return {
        "name": name,
        "email": email,
        "phone": "07700 900123",
        "postcode": "LE3 8RA",
        "adults_at_home": "2",
        "children_at_home": "0",
        "has_spare_bedroom": "yes",
        "interests": "mainstream",
        "heard_from": "website",
    }


def url_for_every_route(app, found: dict[str, list[str]], secrets: dict) -> dict[str, str]:
    """A URL (by route key) for each route: one a page led to; else one built from the ids
    pages revealed, the secrets made for it, or URL_VALUES. Routes none of these fill are
    left out."""
    ids: dict[str, list] = {}
    for urls in found.values():
        for url in urls:
            for method in ("GET", "POST"):
                for name, value in match(app, urlsplit(url).path, method)[1].items():
                    if value not in ids.setdefault(name, []):
                        ids[name].append(value)
    adapter = app.url_map.bind("localhost")
    urls = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if rule.endpoint in TOKEN_ROUTES and "token" in rule.arguments:
            values = {"token": secrets[rule.endpoint]}
        elif key(rule) in found:
            urls[key(rule)] = found[key(rule)][0]
            continue
        else:
            values = {name: value for name, value in URL_VALUES.items() if name in rule.arguments}
            for name in rule.arguments - {"service", "token"} - set(values):
                if ids.get(name):
                    values[name] = sorted(ids[name], key=str)[0]
        if "service" in rule.arguments:
            values["service"] = SLUG
        if set(values) >= rule.arguments:
            urls[key(rule)] = adapter.build(rule.endpoint, values, method=method_of(rule))
    return urls
