"""Every form of the portal, fuzzed through the test client as the person it is for.

The forms come from walking the demo service as an anonymous visitor, an applicant, a
foster carer, a young person and the service manager, fetching every GET route as each,
and from the pages only an initial visitor and someone half-way through signing in see.
Each `<form method="post">` is read with its fields (text, selects, radios, checkboxes,
dates, files, buttons) and posted, as the person who saw it and with its CSRF token, first
with a fixed list of nasty payloads, then with hypothesis-generated values (long, empty,
unicode with right-to-left text, emoji and combining marks, NUL and other control
characters, markup and script, SQL fragments, odd files). Each answer must:

- never be a server error (5xx, or an exception from the app);
- never carry the posted markup as markup: no element gains an event handler attribute,
  a script or a `javascript:` link, in the answer or in the page a redirect leads to;
- when the form comes back (200) with an error, keep what was typed in each text field
  the page can hold.

Afterwards the pages that show what was saved (the staff pages, the public lists) are
walked again and checked the same way, for markup stored and shown later.
"""

import re
import unicodedata
from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.childrens_rights.models import Conversation
from portal.complaints import services as complaints
from portal.complaints.models import Complainant
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.demo.casework import DEMO_PDF
from portal.demo.services import DEMO_PASSWORD, load_demo_data
from portal.organisation.services import find_service
from portal.tsds import services as tsds
from portal.tsds.models import EvidenceStatus
from tests.core.crawl import (
    SLUG,
    Form,
    crawl,
    demo_client,
    forms_in,
    is_sign_in,
    key,
    make_secrets,
    method_of,
    offer_to_volunteer,
    post,
    url_for_every_route,
)

# Tried on every form: each goes into at least one of its text fields.
PAYLOADS = [
    "",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)' x='",
    "javascript:alert(1)",
    "' OR 1=1 --",
    "'; DROP TABLE user_account; --",
    "a\x00b\x01\x07\x1b[31m\x7f",
    "\u202eگفتگو مرحبا שלום\u202c",
    "👩‍👩‍👧‍👦🏳️‍🌈 Z̴̡͑a̷l̶g̵o̴ e\u0301\u0301",
    "{{ 7*7 }} ${7*7} %s%n",
    "A" * 5000,
]
# Markup that would run if a page carried it as markup.
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "javascript:alert(1)",
]
# Cheap to look for, and found in any page that carries markup as markup (and in some that
# carry it escaped inside an attribute, which the parsed page then tells apart).
MAY_BE_MARKUP = re.compile(
    r"<script>alert|<[a-z]+[^>]*\son[a-z]+\s*=|(?:href|src|action)\s*=\s*[\"']?\s*javascript:",
    re.IGNORECASE,
)
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
FUZZ = st.one_of(
    st.sampled_from(PAYLOADS),
    TEXT,
    st.builds(lambda a, m, b: a + m + b, TEXT, st.sampled_from(MARKUP), TEXT),
    st.builds(lambda s, n: (s * n)[:4000], TEXT.filter(bool), st.integers(100, 1000)),
)
FILES = [
    (DEMO_PDF, "document.pdf"),
    (b"<script>alert(1)</script>", "page.pdf"),
    (b"", "empty.pdf"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, '"><img src=x onerror=alert(1)>.png'),
    (b"MZ\x90\x00" + bytes(range(256)), "setup.exe"),
]
TEXT_KINDS = {"text", "email", "tel", "search", "url", "number", "textarea", "date", "time"}
# Forms never posted: what they do would end the session the walk goes on with.
NOT_FUZZED = {"accounts.sign_out": "signing out ends the session (and every other one)"}
# The people who fetch every GET route (the others only walk their own pages).
EVERY_PAGE_AS = ("anonymous", "applicant", "carer", "young person", "manager")
# Enough examples per form to meet each kind of input, in the time the suite can spare.
EXAMPLES = 4
# Longer values than this may be cut short by a page (a maxlength), so are not compared.
KEPT_UP_TO = 200


def _strategy(form: Form):
    """Values for the form's fields: anything at all in the text, anything or a real
    choice in selects, radios and checkboxes, one of its buttons, sometimes a file."""
    fields, buttons = {}, []
    for name, found in form.fields.items():
        if name.endswith("csrf_token"):
            fields[name] = st.just(found.value)
        elif found.kind == "button":
            buttons += [(name, value) for value in found.options]
        elif found.kind == "file":
            fields[name] = st.one_of(st.none(), st.sampled_from(FILES))
        elif found.kind == "hidden":
            fields[name] = st.one_of(st.just(found.value), FUZZ)
        elif found.options and found.multiple:
            fields[name] = st.lists(st.one_of(st.sampled_from(found.options), FUZZ), max_size=4)
        elif found.options:
            choice = st.sampled_from(found.options)
            fields[name] = st.one_of(choice, choice, FUZZ, st.none())
        elif found.count > 1:
            fields[name] = st.lists(FUZZ, min_size=found.count, max_size=found.count)
        else:
            fields[name] = FUZZ
    values = st.fixed_dictionaries(fields)
    if buttons:
        values = st.tuples(values, st.sampled_from(buttons)).map(
            lambda pair: {**pair[0], pair[1][0]: pair[1][1]}
        )
    return values


def _text_fields(form: Form) -> list[str]:
    return [
        name
        for name, found in form.fields.items()
        if found.kind in TEXT_KINDS or found.kind == "password"
    ]


def _with_payloads(form: Form) -> list[dict]:
    """Posts that between them put every payload into the form's text fields (a
    different payload in each field, turning round), the first choice everywhere else."""
    texts = _text_fields(form)
    rounds = -(-len(PAYLOADS) // len(texts)) if texts else 1
    posts = []
    for turn in range(rounds):
        values = {}
        for name, found in form.fields.items():
            if name.endswith("csrf_token") or found.kind == "hidden":
                values[name] = found.value
            elif found.kind == "button":
                values.setdefault(name, found.options[0])
            elif name in texts:
                payload = PAYLOADS[(turn * len(texts) + texts.index(name)) % len(PAYLOADS)]
                values[name] = [payload] * found.count if found.count > 1 else payload
            elif found.options:
                values[name] = found.options[0]
        posts.append(values)
    return posts


def injected(html: str) -> list[str]:
    """Markup on a page that script could run through: event handler attributes, inline
    scripts, `javascript:` links. The portal has none of its own (its CSP forbids them)."""
    if not MAY_BE_MARKUP.search(html):
        return []
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on") or (
                name.lower() in {"href", "src", "action", "formaction"}
                and (text.strip().lower().startswith("javascript:"))
            ):
                found.append(f"<{tag.name} {name}={text!r}>")
        if tag.name == "script" and "alert(" in tag.get_text():
            found.append(f"<script>{tag.get_text()[:60]}</script>")
    return found


def _plain(text: str) -> str:
    """What a page can be expected to hold of a value, to compare: its letters, digits
    and signs, in small letters (control and format characters may be dropped, and
    whitespace changed, on the way into a page and back)."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf"})
    return "".join(kept.split()).casefold()


def _shown(soup: BeautifulSoup, name: str) -> list[str]:
    """What the page holds in the boxes called `name`."""
    return [
        control.get_text() if control.name == "textarea" else control.get("value", "")
        for control in soup.find_all(["input", "textarea"], attrs={"name": name})
    ]


class Fuzzer:
    """Posts values to forms and notes what went wrong."""

    def __init__(self, app):
        self.app = app
        self.problems: list[str] = []
        self.posts = 0

    def note(self, form: Form, values: dict, problem: str):
        shown = {name: (v[:80] if isinstance(v, str) else v) for name, v in values.items()}
        self.problems.append(f"{form.action} ({form.rule.endpoint}): {problem}\n    {shown!r}")

    def post(self, client, form: Form, values: dict):
        data, files = {}, False
        for name, value in values.items():
            if value is None:
                continue
            if isinstance(value, tuple):
                data[name], files = (BytesIO(value[0]), value[1]), True
            else:
                data[name] = value
        self.posts += 1
        try:
            response = client.post(
                form.action,
                data=data,
                content_type="multipart/form-data" if files or form.has_file else None,
                buffered=True,
            )
        except Exception as error:  # the app's own error, which would be a 500
            self.note(form, values, f"raised {type(error).__name__}: {error}")
            return
        self.check(client, form, values, response)

    def check(self, client, form: Form, values: dict, response):
        status = response.status_code
        if status >= 500:
            self.note(form, values, f"answered {status}")
            return
        if "html" in response.content_type:
            html = response.get_data(as_text=True)
            for markup in injected(html):
                self.note(form, values, f"the answer carries {markup}")
            if status == 200 and _text_fields(form):
                self.check_kept(form, values, BeautifulSoup(html, "html.parser"))
        location = response.headers.get("Location", "")
        if status in {302, 303} and location.startswith("/") and not is_sign_in(response):
            try:
                page = client.get(location, buffered=True)
            except Exception as error:  # the app's own error, which would be a 500
                self.note(form, values, f"{location} raised {type(error).__name__}: {error}")
                return
            if page.status_code >= 500:
                self.note(form, values, f"{location} answered {page.status_code}")
            elif "html" in page.content_type:
                for markup in injected(page.get_data(as_text=True)):
                    self.note(form, values, f"{location} carries {markup}")

    def check_kept(self, form: Form, values: dict, soup: BeautifulSoup):
        """A form shown again keeps what was typed in its text fields (an email address
        may come back in small letters)."""
        for name, value in values.items():
            found = form.fields.get(name)
            if found is None or found.kind not in TEXT_KINDS or value is None:
                continue
            typed = value if isinstance(value, list) else [value]
            longest = min(found.maxlength or KEPT_UP_TO, KEPT_UP_TO)
            if any(len(part) > longest for part in typed):
                continue
            shown = _shown(soup, name)
            if (
                shown
                and len(shown) == len(typed)
                and [_plain(v).casefold() for v in shown] != [_plain(v).casefold() for v in typed]
            ):
                self.note(form, values, f"{name} came back as {shown!r:.80}")

    def fuzz(self, client, form: Form):
        for values in _with_payloads(form):
            self.post(client, form, values)
        if not any(f.kind not in {"hidden", "button"} for f in form.fields.values()):
            return  # nothing to type or choose: the post above was all there is to send

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(_strategy(form))
        def fuzz_once(values):
            self.post(client, form, values)

        fuzz_once()


def _open_own_records(app, clients):
    """Open what the carer and the young person can see only once opened, so the forms
    on those pages are walked too: a complaint the carer made, the young person's
    messages."""
    service = find_service(SLUG)
    carer = clients["carer"]
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        user = db.session.scalar(select(User).where(User.email == f"carer@{SLUG}.demo"))
        complaint, _ = complaints.make_complaint(
            service,
            complainant=Complainant.FOSTER_CARER,
            body="The training was cancelled twice.",
            now=utcnow(),
            locale="en",
            user_id=user.id,
        )
        young = db.session.scalar(select(User).where(User.email == f"young-person@{SLUG}.demo"))
        conversation = db.session.scalar(
            select(Conversation).where(Conversation.user_id == young.id)
        )
    assert post(carer, f"/{SLUG}/complaints/mine/{complaint.id}", {}).status_code == 302
    url = f"/{SLUG}/young-people/messages/mine/{conversation.id}"
    assert post(clients["young person"], url, {}).status_code == 302


def _outcomes_to_write(email: str) -> list[str]:
    """The carer's TSDS outcome pages whose evidence can still be written."""
    household = tsds.household_of(db.session.scalar(select(User).where(User.email == email)))
    evidence = tsds.evidence_of(household)
    return [
        f"/{SLUG}/tsds/outcomes/{outcome.id}"
        for standard in tsds.standards_of(household)
        for outcome in standard.outcomes
        if outcome.id not in evidence or evidence[outcome.id].status != EvidenceStatus.ACCEPTED
    ][:2]


@pytest.fixture
def walked(app):
    """The demo, walked by each person: their clients, and every form each one met."""
    assert load_demo_data(only_if_empty=False)
    secrets = make_secrets(app)
    clients = {
        "anonymous": app.test_client(),
        "applicant": demo_client(app, "jo.patel"),
        "carer": demo_client(app, "carer"),
        "young person": demo_client(app, "young-person"),
        "manager": demo_client(app, "manager"),
        "initial visitor": demo_client(app, "initial-visitor"),
        "signing in": app.test_client(),
    }
    offer_to_volunteer(clients["anonymous"])
    # Half-way through signing in: the password given, the one-time code asked for.
    typed = post(
        clients["signing in"],
        f"/{SLUG}/sign-in",
        {"email": f"training@{SLUG}.demo", "password": DEMO_PASSWORD},
    )
    assert typed.headers["Location"].endswith("/sign-in/code")
    _open_own_records(app, clients)
    mine = [
        f"/{SLUG}/account",
        f"/{SLUG}/training",
        f"/{SLUG}/tsds",
        f"/{SLUG}/my-application",
        f"/{SLUG}/young-people/messages/thread",
        f"/{SLUG}/complaints/yours",
    ]
    starts = {
        "anonymous": ["/", f"/{SLUG}/", f"/{SLUG}/young-people", f"/{SLUG}/events"],
        "applicant": mine,
        "carer": [*mine, *_outcomes_to_write(f"carer@{SLUG}.demo")],
        "young person": mine,
        "manager": [f"/{SLUG}/staff/", f"/{SLUG}/staff/people/?q=demo"],
        "initial visitor": [f"/{SLUG}/staff/initial-visits"],
        "signing in": [f"/{SLUG}/sign-in/code"],
    }
    walks = {
        who: crawl(app, client, starts[who], within=f"/{SLUG}/", per_rule=2)
        for who, client in clients.items()
    }
    found: dict[str, list[str]] = {}
    for walk in walks.values():
        for route, urls in walk.urls_by_rule().items():
            found.setdefault(route, []).extend(urls)
    urls = url_for_every_route(app, found, secrets)
    # Then every GET route each person's walk did not reach, as that person.
    errors = [error for walk in walks.values() for error in walk.errors]
    for who in EVERY_PAGE_AS:
        client = clients[who]
        reached = {key(visit.rule) for visit in walks[who].pages.values() if visit.rule}
        for rule in app.url_map.iter_rules():
            url = urls.get(key(rule))
            if (
                url is None
                or method_of(rule) != "GET"
                or key(rule) in reached
                or rule.endpoint in {"static", "pages.choose_language"}
                # Staff pages refuse everyone else (tests/staff/test_route_matrix.py).
                or (who != "manager" and rule.rule.startswith("/<service>/staff"))
            ):
                continue
            try:
                response = client.get(url, buffered=True)
            except Exception as error:  # the app's own error, which would be a 500
                errors.append(f"{who} GET {url}: {type(error).__name__}: {error}")
                continue
            if response.status_code >= 500:
                errors.append(f"{who} GET {url}: {response.status_code}")
            if response.status_code == 200 and "html" in response.content_type:
                soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
                walks[who].forms += forms_in(app, soup, url)
    forms: dict[tuple, tuple[str, Form]] = {}
    for who, walk in walks.items():
        for form in walk.forms:
            forms.setdefault(form.signature(), (who, form))
    return clients, list(forms.values()), errors


def _order(item) -> tuple:
    """Forms with text to type first; forms that only confirm something (cancel, withdraw,
    retire…) last, so what they end does not hide the others."""
    _, form = item
    kinds = {field.kind for field in form.fields.values()}
    return (not kinds & (TEXT_KINDS | {"file"}), not kinds - {"hidden", "button"})


def test_every_form_survives_anything_typed_into_it(app, walked):
    clients, forms, errors = walked
    assert errors == [], "pages failed while the forms were gathered:\n" + "\n".join(errors)
    fuzzer = Fuzzer(app)
    fuzzed = set()
    for who, form in sorted(forms, key=_order):
        if form.rule.endpoint in NOT_FUZZED:
            continue
        fuzzer.fuzz(clients[who], form)
        fuzzed.add(form.rule.endpoint)

    # Markup stored by the forms, shown on the pages that list and open it.
    def shown_later(url, response):
        if "html" in response.content_type:
            for markup in injected(response.get_data(as_text=True)):
                fuzzer.problems.append(f"GET {url} carries {markup}")

    manager = clients["manager"]
    if is_sign_in(manager.get(f"/{SLUG}/staff/")):
        manager = demo_client(app, "manager")  # a form ended the session
    staff = [f"/{SLUG}/staff/", f"/{SLUG}/staff/people/?q=example"]
    for who, client, starts in (
        ("manager", manager, staff),
        ("anonymous", clients["anonymous"], [f"/{SLUG}/events", f"/{SLUG}/foster-carers"]),
    ):
        walk = crawl(app, client, starts, within=f"/{SLUG}/", per_rule=2, on_page=shown_later)
        fuzzer.problems += [f"{who} {error}" for error in walk.errors]

    assert fuzzer.problems == [], f"{len(fuzzer.problems)} problems:\n" + "\n".join(
        fuzzer.problems[:60]
    )
    posted = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    print(
        f"{len(forms)} forms on {len(fuzzed)} of {len(posted)} POST endpoints, "
        f"{fuzzer.posts} posts; "
        f"no page showed a form for {sorted(posted - fuzzed - set(NOT_FUZZED))}"
    )
    assert len(fuzzed) > 90


def test_the_checks_catch_markup_that_would_run_and_text_that_was_lost(app):
    """The checks themselves, on pages made to fail them (and their escaped twins)."""
    for payload in MARKUP[:3]:
        assert injected(f"<p>{payload}</p>"), payload
        assert not injected(f"<p>{escape(payload)}</p><input value='{escape(payload)}'>")
    assert injected('<a href="javascript:alert(1)">x</a>')
    form = forms_in(
        app,
        BeautifulSoup(
            '<form method="post" action="/leicestershire/enquire">'
            '<input name="name"><textarea name="why"></textarea></form>',
            "html.parser",
        ),
        "/leicestershire/enquire",
    )[0]
    fuzzer = Fuzzer(app)
    typed = {"name": "Zoë  O\u2019Brien", "why": "ΑΒΓ"}
    page = '<input name="name" value="zoë o\u2019brien"><textarea name="why">ΑΒΓ</textarea>'
    fuzzer.check_kept(form, typed, BeautifulSoup(page, "html.parser"))
    assert fuzzer.problems == []
    fuzzer.check_kept(form, typed, BeautifulSoup(page.replace("ΑΒΓ", ""), "html.parser"))
    assert len(fuzzer.problems) == 1 and "why came back" in fuzzer.problems[0]


# ---- what the fuzzing found, fixed --------------------------------------------------------


def test_a_nul_character_typed_into_a_form_is_not_a_server_error(client, login_as):
    login_as(Role.SERVICE_MANAGER)
    url = f"/{SLUG}/staff/settings/localities/new"
    response = post(client, url, {"name": "Wreake Valley", "description": "North\x00east"})
    assert response.status_code == 302
    from portal.organisation.models import Locality

    saved = db.session.scalar(select(Locality).where(Locality.name == "Wreake Valley"))
    assert saved.description == "Northeast"  # the NUL is dropped, the rest kept


def test_a_name_in_use_with_capitals_beyond_a_to_z_is_refused_beside_the_field(client, login_as):
    login_as(Role.SERVICE_MANAGER)
    url = f"/{SLUG}/staff/settings/localities/new"
    assert post(client, url, {"name": "Ölmez Vale"}).status_code == 302
    again = post(client, url, {"name": "Ölmez Vale"})
    assert again.status_code == 200
    assert "There is already a locality with this name" in again.get_data(as_text=True)
