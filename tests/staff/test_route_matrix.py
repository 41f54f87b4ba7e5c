"""Every staff URL, for every role, anonymous and a user of the other service.

The URLs come from crawling the staff pages of the demo services as each staff role, so
every page someone can reach is walked with real ids. Each route's designed outcome is
the role list its view declares (`only_for`): a role on the list gets the page, any other
gets 403, anonymous people and accounts of the other service are sent to sign in, and
another service's ids are not found.
"""

from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from bs4 import BeautifulSoup
from werkzeug.exceptions import HTTPException

from portal.accounts.models import STAFF_ROLES, Role
from portal.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo_data
from tests.conftest import csrf_from, parse, sign_in

SERVICES = ("leicestershire", "lancashire")
MOST_PAGES_PER_ROLE = 400
# Enough of each page (six complaints, six people…) to meet its variations, without
# walking every record of the demo.
MOST_URLS_PER_ENDPOINT = 6

# Pages whose rule is stricter than the role list, by design (object-level checks), and
# what a role on the list may get instead of the page.
OBJECT_LEVEL = {
    # Only the visitor who holds the booking writes its record.
    "visits.record_visit": 403,
    # A young person's page is for Children's Rights Officers and managers; to any other
    # role it does not exist.
    "people.person": 404,
    # A confirmation is for the staff member who made it, and managers.
    "assisted.show_action": 404,
}


def _sign_in(app, slug: str, local: str):
    client = app.test_client()
    sign_in(client, f"{local}@{slug}.demo", DEMO_PASSWORD, service=slug)
    return client


def _endpoint(app, path: str, method: str = "GET"):
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, values = adapter.match(path, method=method)
    except HTTPException:  # not a route (or not for this method): not ours to walk
        return None, {}
    return endpoint, values


def _crawl(app, client, slug: str) -> dict[str, str]:
    """GET every staff page reachable by links from the staff home; {url: endpoint}."""
    # People's pages are reached through a search: every demo account's email matches.
    starts = [f"/{slug}/staff/", f"/{slug}/staff/people/?q=demo"]
    seen: dict[str, str] = {}
    per_endpoint: Counter[str] = Counter()
    queue = deque(starts)
    while queue and len(seen) < MOST_PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen:
            continue
        endpoint, _ = _endpoint(app, urlsplit(url).path)
        if endpoint is None or per_endpoint[endpoint] >= MOST_URLS_PER_ENDPOINT:
            continue
        per_endpoint[endpoint] += 1
        response = client.get(url, buffered=True)
        seen[url] = endpoint
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        for link in soup.select("a[href]"):
            href = urldefrag(link["href"])[0]
            if href.startswith(f"/{slug}/staff/") and href not in seen:
                queue.append(href)
    return seen


@pytest.fixture
def demo(app):
    assert load_demo_data(only_if_empty=False)
    staff = [(local, roles) for local, _, roles, _ in DEMO_ACCOUNTS]
    found: dict[str, dict[str, str]] = {}
    for slug in SERVICES:
        urls: dict[str, str] = {}
        for local, roles in staff:
            if STAFF_ROLES.isdisjoint(roles):
                continue
            urls.update(_crawl(app, _sign_in(app, slug, local), slug))
        found[slug] = urls
    return found


def _one_url_per_endpoint(urls: dict[str, str]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for url, endpoint in sorted(urls.items()):
        chosen.setdefault(endpoint, url)
    return chosen


def _staff_rules(app, method: str):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/<service>/staff") and method in rule.methods
    ]


def test_every_staff_view_declares_who_may_use_it(app):
    undeclared = [
        rule.endpoint
        for rule in _staff_rules(app, "GET") + _staff_rules(app, "POST")
        if not getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
    ]
    assert undeclared == []


def check_the_crawl_reaches_every_staff_page(app, demo):
    reached = set(demo["leicestershire"].values())
    missing = {rule.endpoint for rule in _staff_rules(app, "GET")} - reached
    assert missing == set(), f"no link in the demo leads to {sorted(missing)}"


def check_each_role_gets_exactly_the_staff_pages_designed_for_it(app, demo):
    pages = _one_url_per_endpoint(demo["leicestershire"])
    people = {local: roles for local, _, roles, _ in DEMO_ACCOUNTS}
    clients = {local: _sign_in(app, "leicestershire", local) for local in people}
    anonymous = app.test_client()
    other_service = _sign_in(app, "lancashire", "manager")
    wrong = []
    for endpoint, url in sorted(pages.items()):
        allowed = app.view_functions[endpoint].allowed_roles
        for local, roles in people.items():
            status = clients[local].get(url, buffered=True).status_code
            if allowed.isdisjoint(roles):
                expected = {403}
            elif endpoint in OBJECT_LEVEL:
                expected = {200, OBJECT_LEVEL[endpoint]}
            else:
                expected = {200}
            if status not in expected:
                wrong.append(f"{local} GET {url} ({endpoint}): {status}, expected {expected}")
        for who, client in (("anonymous", anonymous), ("lancashire manager", other_service)):
            response = client.get(url, buffered=True)
            if not (
                response.status_code == 302
                and response.headers["Location"].startswith("/leicestershire/sign-in")
            ):
                wrong.append(f"{who} GET {url}: {response.status_code}, expected sign-in")
    assert wrong == []
    print(f"{len(pages)} staff pages by {len(people) + 2} people checked")


def _refused(app, endpoint: str) -> set[int]:
    """Not found, or (where the manager's role is not the view's) refused before the id
    is even looked up."""
    allowed = app.view_functions[endpoint].allowed_roles
    return {404} if Role.SERVICE_MANAGER in allowed else {403, 404}


def check_another_services_ids_are_not_found(app, demo):
    """A Lancashire manager given Leicestershire's ids, in Lancashire's URLs: not found, for
    every page and for every action (POST) whose ids a page revealed."""
    manager = _sign_in(app, "lancashire", "manager")
    token = csrf_from(parse(manager.get("/lancashire/staff/")))
    ids_seen: dict[str, set] = {}
    checked = 0
    wrong = []
    for url in demo["leicestershire"]:
        endpoint, values = _endpoint(app, urlsplit(url).path)
        values.pop("service", None)
        # Only ids belong to one service; a name in a URL (a TSDS set, a queue) is the
        # same in every service.
        values = {name: value for name, value in values.items() if isinstance(value, int)}
        if not values:
            continue
        for name, value in values.items():
            ids_seen.setdefault(name, set()).add(value)
        status = manager.get(
            url.replace("/leicestershire/", "/lancashire/", 1), buffered=True
        ).status_code
        checked += 1
        if status not in _refused(app, endpoint):
            wrong.append(f"GET {url}: {status}")
    adapter = app.url_map.bind("localhost")
    for rule in _staff_rules(app, "POST"):
        names = rule.arguments - {"service"}
        if not names or not names <= ids_seen.keys():
            continue
        values = {name: sorted(ids_seen[name], key=str)[0] for name in names}
        url = adapter.build(rule.endpoint, {"service": "lancashire", **values}, method="POST")
        status = manager.post(url, data={"csrf_token": token}).status_code
        checked += 1
        if status not in _refused(app, rule.endpoint):
            wrong.append(f"POST {url}: {status}")
    assert wrong == []
    assert checked > 50
    print(f"{checked} URLs with another service's ids checked")


def check_actions_refuse_roles_not_designed_for_them(app, demo):
    """Every POST route whose ids a page revealed, tried by each staff role not on its list."""
    ids_seen: dict[str, set] = {}
    for url in demo["leicestershire"]:
        _, values = _endpoint(app, urlsplit(url).path)
        for name, value in values.items():
            ids_seen.setdefault(name, set()).add(value)
    adapter = app.url_map.bind("localhost")
    staff = {
        local: roles
        for local, _, roles, _ in DEMO_ACCOUNTS
        if not STAFF_ROLES.isdisjoint(roles) or local == "carer"
    }
    clients = {local: _sign_in(app, "leicestershire", local) for local in staff}
    tokens = {
        local: csrf_from(parse(client.get("/leicestershire/account")))
        for local, client in clients.items()
    }
    wrong = []
    tried = 0
    for rule in _staff_rules(app, "POST"):
        names = rule.arguments - {"service"}
        if not names <= ids_seen.keys():
            continue
        values = {name: sorted(ids_seen[name], key=str)[0] for name in names}
        url = adapter.build(rule.endpoint, {"service": "leicestershire", **values}, method="POST")
        allowed = app.view_functions[rule.endpoint].allowed_roles
        for local, roles in staff.items():
            if not allowed.isdisjoint(roles):
                continue
            status = clients[local].post(url, data={"csrf_token": tokens[local]}).status_code
            tried += 1
            if status != 403:
                wrong.append(f"{local} POST {url}: {status}")
    assert wrong == []
    assert tried > 50


def test_staff_routes_by_role_and_by_service(app, demo):
    """The demo is loaded and crawled once (about 15 s): each check then reads the crawl."""
    check_the_crawl_reaches_every_staff_page(app, demo)
    check_each_role_gets_exactly_the_staff_pages_designed_for_it(app, demo)
    check_another_services_ids_are_not_found(app, demo)
    check_actions_refuse_roles_not_designed_for_them(app, demo)
