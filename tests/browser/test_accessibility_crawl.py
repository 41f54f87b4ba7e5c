"""Every page of the demo services, as each demo account and anonymously, in every shipped
language, checked in Chromium against WCAG 2.2 AA.

The pages come from walking the demo with the Flask test client, service by service and
person by person: one URL per route, reached by following links. Pages that anonymous
people get are checked as them; a signed-in person meets the same page with only their own
header, which every one of their own pages has too, so their walk starts from their own
pages and leaves those alone. A route one person reaches with the same templates an earlier
person of the service already met is not checked again: a page built from the same
templates is the same page with other data. The pages outside any service, and the pages
opened by the links a booking, an enquiry and an account's emails carry, are the anonymous
person's too.

Each person then gets a browser context, signed in with the session their walk used, and
for each language (chosen the way people choose it, at /language/<code>) every page is:

- checked with axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules at 375 px and again at
  1280 px wide (2.5.8 Target size among them);
- at 320 px, checked for sideways scrolling (1.4.10 Reflow) and, with the text spacing of
  1.4.12 forced on every element, for text cut off by a box that hides its overflow.

Only GET requests are made, so no page changes what another shows (choosing a language
saves it on the account, which is what choosing does). Two browsers check people while the
next people are walked, as the two cores allow.
"""

import html
import re
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from queue import Queue
from urllib.parse import quote, urlsplit

import pytest
from flask import template_rendered
from playwright.sync_api import sync_playwright

from portal.demo.services import DEMO_ACCOUNTS, load_demo_data
from tests.browser.conftest import AXE_SOURCE, WCAG_TAGS
from tests.core.crawl import (
    PERSONAL_STARTS,
    TOKEN_ROUTES,
    demo_client,
    key,
    make_secrets,
    match,
    to_follow,
)

SERVICES = ("leicestershire", "lancashire")
LANGUAGES = ("en", "pl", "ur", "gu")
WIDTHS = (375, 1280)
HEIGHTS = {375: 740, 1280: 900}
NARROWEST = {"width": 320, "height": 640}
# Browsers checking at once: one per core.
WORKERS = 2
SESSION_COOKIE = "portal_session"
# Pages outside any service, open to everyone.
OUTSIDE_SERVICES = ["/", "/accessibility", "/privacy", "/cookies"]
# Where a signed-in person's walk starts: their own pages, and staff's.
STARTS = [*PERSONAL_STARTS, "staff/", "staff/people/?q=demo"]
LINK = re.compile(r"<a\s[^>]*?href=\"([^\"]*)\"")
TIMES = "\N{MULTIPLICATION SIGN}"

AXE_RUN = """tags => axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
}).then(result => ({
    violations: result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
    })),
    ran: [...result.violations, ...result.passes, ...result.incomplete,
          ...result.inapplicable].map(r => r.id),
}))"""

# WCAG 1.4.12: line height 1.5, spacing after paragraphs 2em, letter spacing 0.12em and word
# spacing 0.16em, forced on every element.
TEXT_SPACING = """
* {
    line-height: 1.5 !important;
    letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important;
}
p { margin-bottom: 2em !important; }
"""

# With the spacing on, a box that hides or clips its overflow and holds more than it shows
# cuts text off. Content hidden on purpose for everyone but screen readers (GOV.UK's
# visually hidden classes, the skip link until it is focused, and any 1-pixel box of the
# same technique) is meant to be clipped. What someone types scrolls inside its box as they
# type, so form fields are not boxes that cut text off.
CLIPPED_TEXT = """css => {
    const style = document.createElement('style');
    style.textContent = css;
    document.head.append(style);
    const hiddenOnPurpose = '.govuk-visually-hidden, .govuk-visually-hidden-focusable, '
        + '.govuk-skip-link';
    const hides = value => value === 'hidden' || value === 'clip';
    const clipped = [];
    for (const element of document.body.querySelectorAll('*')) {
        const computed = getComputedStyle(element);
        const cutY = hides(computed.overflowY)
            && element.scrollHeight > element.clientHeight + 1;
        const cutX = hides(computed.overflowX)
            && element.scrollWidth > element.clientWidth + 1;
        if (!cutX && !cutY) continue;
        const box = element.getBoundingClientRect();
        if (element.closest(hiddenOnPurpose) || box.width <= 1 || box.height <= 1
            || element.matches('input, textarea')) continue;
        const name = element.tagName.toLowerCase()
            + (element.id ? '#' + element.id : '')
            + [...element.classList].map(c => '.' + c).join('');
        clipped.push(`${name} "${element.textContent.trim().slice(0, 40)}"`);
    }
    style.remove();
    return clipped;
}"""

SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


@dataclass
class Person:
    """Someone whose pages are checked: a service's demo account, or nobody signed in."""

    service: str
    name: str
    client: object
    pages: list[str] = field(default_factory=list)

    @property
    def cookie(self) -> dict | None:
        """The session cookie the walk signed in with, for the browser."""
        found = self.client.get_cookie(SESSION_COOKIE)
        return None if found is None else {"name": SESSION_COOKIE, "value": found.value}


@dataclass
class Findings:
    """What the browsers found, gathered from every worker."""

    problems: dict[tuple, list[str]] = field(default_factory=lambda: defaultdict(list))
    rules_run: set[str] = field(default_factory=set)
    checks: int = 0
    errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, rule: tuple, where: str) -> None:
        with self.lock:
            self.problems[rule].append(where)


def test_every_page_meets_wcag_22_aa_for_everyone_in_every_language(
    app, live_server, browser_type_launch_args, request
):
    started = time.monotonic()
    assert load_demo_data(only_if_empty=False)
    findings = Findings()
    # Walking stays only just ahead of checking, so a staff session is still fresh (well
    # within its idle time) when its pages are checked.
    waiting: Queue = Queue(maxsize=WORKERS)
    workers = [
        threading.Thread(
            target=_check_people, args=(waiting, live_server, browser_type_launch_args, findings)
        )
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    pages = people = 0
    try:
        for person in _people(app):
            people += 1
            pages += len(person.pages)
            if person.pages:
                waiting.put(person)
    finally:
        for _ in workers:
            waiting.put(None)
        for worker in workers:
            worker.join()
    total = time.monotonic() - started
    if findings.errors:
        raise findings.errors[0]

    summary = (
        f"accessibility crawl: {pages} pages {TIMES} {len(LANGUAGES)} languages {TIMES} "
        f"{len(WIDTHS)} widths = {findings.checks:,} checks "
        f"(and {pages * len(LANGUAGES):,} at 320px), for {people} people, "
        f"in {total:.0f}s"
    )
    print(summary)
    _report_at_the_end(request, summary)

    assert findings.checks == pages * len(LANGUAGES) * len(WIDTHS)
    assert "target-size" in findings.rules_run, "axe-core did not run 2.5.8 Target size"
    report = [
        f"{rule[0]} ({rule[1]}): {rule[2]}: {len(where)} times\n    " + "\n    ".join(where[:8])
        for rule, where in sorted(findings.problems.items())
    ]
    assert not findings.problems, "\n".join(report)


# ---- the pages, person by person ------------------------------------------------------


def _people(app):
    """Each service's anonymous person, then each demo account, with the pages to check
    for them; walked one at a time, just before their check (so a staff session is fresh)."""
    tokens = make_secrets(app)
    for slug in SERVICES:
        seen: set[tuple] = set()
        anonymous = Person(slug, "anonymous", app.test_client())
        starts = [f"/{slug}/"]
        if slug == SERVICES[0]:
            starts += OUTSIDE_SERVICES + _token_pages(app, slug, tokens)
        public = yield from _walked(app, anonymous, starts, set(), seen)
        for local, *_ in DEMO_ACCOUNTS:
            person = Person(slug, local, demo_client(app, local, slug))
            starts = [f"/{slug}/{path}" for path in STARTS]
            yield from _walked(app, person, starts, public, seen)


def _walked(app, person: Person, starts: list[str], leave: set[str], seen: set[tuple]):
    """Walk for `person` (leaving routes in `leave` alone), keep the pages no earlier
    person met, yield the person; return the routes they got a page from."""
    reached = _walk(app, person.client, starts, within=f"/{person.service}/", leave=leave)
    for url, (route, templates) in reached.items():
        if (route, templates) not in seen:
            seen.add((route, templates))
            person.pages.append(url)
    yield person
    return {route for route, _ in reached.values()}


def _walk(app, client, starts: list[str], *, within: str, leave: set[str]) -> dict:
    """GET the pages reachable by links from `starts` (links within `within`), one URL per
    route; return {url: (route, templates it rendered)} for the HTML pages."""
    rendered: list[str] = []
    walker = threading.get_ident()

    def record(sender, template, context, **extra):
        if threading.get_ident() == walker:  # not the live server's pages
            rendered.append(template.name)

    pages = {}
    done: set[str] = set()
    queue, queued = deque(starts), set(starts)
    template_rendered.connect(record, app)
    try:
        while queue:
            url = queue.popleft()
            rule, _ = match(app, urlsplit(url).path)
            if rule is None or key(rule) in done or key(rule) in leave:
                continue
            done.add(key(rule))
            rendered.clear()
            response = client.get(url, buffered=True)
            assert response.status_code < 500, f"GET {url}: {response.status_code}"
            if response.status_code in {301, 302, 303}:
                links = [response.headers["Location"]]
            elif response.status_code == 200 and "html" in response.content_type:
                pages[url] = (key(rule), tuple(sorted(set(rendered))))
                links = [html.unescape(href) for href in LINK.findall(response.text)]
            else:
                links = []
            for href in links:
                if followed := to_follow(href, within, queued):
                    queued.add(followed)
                    queue.append(followed)
    finally:
        template_rendered.disconnect(record, app)
    return pages


def _token_pages(app, slug: str, tokens: dict) -> list[str]:
    """The pages emailed links open: a booking's, an enquiry's and an account's."""
    adapter = app.url_map.bind("localhost")
    return [
        adapter.build(rule.endpoint, {"service": slug, "token": tokens[rule.endpoint]})
        for rule in app.url_map.iter_rules()
        if rule.endpoint in TOKEN_ROUTES and "GET" in rule.methods and "token" in rule.arguments
    ]


# ---- the checks, in Chromium ------------------------------------------------------------


def _check_people(waiting: Queue, live_server: str, launch_args: dict, findings: Findings):
    """A worker with its own Chromium (Playwright is one instance per thread), checking
    people from the queue until it gets None."""
    axe_source = AXE_SOURCE.read_text()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_args)
        while (person := waiting.get()) is not None:
            if findings.errors:
                continue
            try:
                _check(browser, live_server, person, axe_source, findings)
            except BaseException as error:  # raised in the test's own thread
                findings.errors.append(error)
        browser.close()


def _check(browser, live_server: str, person: Person, axe_source: str, findings: Findings):
    """Check one person's pages in every language."""
    context = browser.new_context(
        base_url=live_server, viewport={"width": WIDTHS[0], "height": HEIGHTS[WIDTHS[0]]}
    )
    if person.cookie:
        context.add_cookies([{**person.cookie, "url": live_server}])
    context.add_init_script(axe_source)
    page = context.new_page()
    page.set_default_timeout(30_000)
    for language in LANGUAGES:
        for number, url in enumerate(person.pages):
            where = f"{person.service} {person.name} {language} {url}"
            page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHTS[WIDTHS[0]]})
            if number == 0:
                page.goto(f"/language/{language}?next={quote(url)}")
            else:
                page.goto(url)
            # The page itself, not a sign-in page or another that a redirect led to.
            assert urlsplit(page.url).path == urlsplit(url).path, f"{where}: {page.url}"
            assert page.evaluate("document.documentElement.lang") == language, where
            for width in WIDTHS:
                if width != WIDTHS[0]:
                    page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
                result = page.evaluate(AXE_RUN, WCAG_TAGS)
                with findings.lock:
                    findings.rules_run.update(result["ran"])
                    findings.checks += 1
                for violation in result["violations"]:
                    rule = (violation["id"], violation["impact"], violation["help"])
                    findings.add(rule, f"{where} {width}px: {violation['targets']}")
            page.set_viewport_size(NARROWEST)
            if page.evaluate(SCROLLS_SIDEWAYS):
                findings.add(("reflow", "1.4.10", "Scrolls sideways at 320px"), where)
            for clipped in page.evaluate(CLIPPED_TEXT, TEXT_SPACING):
                rule = ("text-spacing", "1.4.12", "Text cut off with text spacing at 320px")
                findings.add(rule, f"{where}: {clipped}")
    context.close()


def _report_at_the_end(request, line: str) -> None:
    """Show `line` in pytest's closing summary too, where it is seen without -s."""

    class Summary:
        @pytest.hookimpl
        def pytest_terminal_summary(self, terminalreporter):
            terminalreporter.write_line(line)

    plugins = request.config.pluginmanager
    if not plugins.has_plugin("accessibility-crawl-summary"):
        plugins.register(Summary(), "accessibility-crawl-summary")
