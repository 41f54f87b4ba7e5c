"""Every page carries the security headers, over HTTPS as in production.

The pages come from crawling the demo services by their links: the public pages and the
young people's pages as an anonymous visitor, then the public and staff pages signed in
as the service manager, a foster carer and a young person. Each HTML response, whatever
its status, must carry the Content-Security-Policy, HSTS, nosniff and Referrer-Policy;
a signed-in person's pages must also say `Cache-Control: no-store`.
"""

from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from bs4 import BeautifulSoup
from cryptography.fernet import Fernet
from werkzeug.exceptions import HTTPException

from config import ProductionConfig, TestConfig
from portal import create_app
from portal.demo.services import DEMO_PASSWORD, load_demo_data
from tests.conftest import IsolatedClient, sign_in

HTTPS = "https://localhost"
SLUG = "leicestershire"
MOST_URLS_PER_ENDPOINT = 3
MOST_PAGES = 400
PUBLIC_STARTS = [
    "/",
    f"/{SLUG}/",
    f"/{SLUG}/young-people",
    f"/{SLUG}/young-people/talk",
    f"/{SLUG}/young-people/complaint",
    f"/{SLUG}/young-people/independent-visitor",
    f"/{SLUG}/no-such-page",
]
STAFF_STARTS = [f"/{SLUG}/staff/", f"/{SLUG}/staff/people/?q=demo"]
# Referrer policies that send no more than the origin across sites.
STRICT_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


@pytest.fixture
def https_app(database_url, app):
    """The test app's settings with HTTPS forced and HSTS on, as in production."""

    class Https(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        MAIL_DIRECTORY = app.config["MAIL_DIRECTORY"]
        UPLOAD_DIRECTORY = app.config["UPLOAD_DIRECTORY"]
        FORCE_HTTPS = True
        HSTS = True
        SESSION_COOKIE_SECURE = True

    https = create_app(Https)
    https.test_client_class = IsolatedClient
    assert load_demo_data(only_if_empty=False)
    return https


def _sign_in(app, local: str):
    client = app.test_client()
    # Over HTTPS, Flask-WTF also checks the Referer is this site, as a browser sends it.
    sign_in(
        client,
        f"{local}@{SLUG}.demo",
        DEMO_PASSWORD,
        service=SLUG,
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/{SLUG}/sign-in"},
    )
    return client


def _endpoint(app, path: str) -> str | None:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return endpoint


def _crawl(app, client, starts: list[str]) -> list[tuple[str, str, object]]:
    """GET the pages reachable by links from `starts`: [(url, endpoint, response)]."""
    seen: set[str] = set()
    per_endpoint: Counter[str] = Counter()
    queue = deque(starts)
    pages = []
    while queue and len(pages) < MOST_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or path.startswith("/static/") or "sign-out" in path:
            continue
        seen.add(url)
        endpoint = _endpoint(app, path) or "(not found)"
        if per_endpoint[endpoint] >= MOST_URLS_PER_ENDPOINT:
            continue
        per_endpoint[endpoint] += 1
        response = client.get(url, base_url=HTTPS, buffered=True)
        pages.append((url, endpoint, response))
        links = []
        if response.status_code in {301, 302, 303}:
            links = [response.headers["Location"]]
        elif "html" in response.content_type:
            soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
            links = [link["href"] for link in soup.select("a[href]")]
        for href in links:
            href = urldefrag(href)[0].removeprefix(HTTPS)
            if href.startswith("/") and not href.startswith("//") and href not in seen:
                queue.append(href)
    return pages


def _problems(response, *, signed_in: bool) -> list[str]:
    headers = response.headers
    problems = []
    csp = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    if not csp:
        problems.append("no Content-Security-Policy")
    if "'unsafe-inline'" in csp or "'unsafe-eval'" in csp:
        problems.append(f"unsafe CSP: {csp}")
    if directives.get("frame-ancestors") not in (["'none'"], ["'self'"]):
        problems.append(f"frame-ancestors is {directives.get('frame-ancestors')}")
    if "base-uri" not in directives:
        problems.append("no base-uri")
    if "object-src" in directives and directives["object-src"] != ["'none'"]:
        problems.append("object-src is not 'none'")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if headers.get("Referrer-Policy") not in STRICT_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')}")
    hsts = headers.get("Strict-Transport-Security", "")
    if "max-age=63072000" not in hsts or "includeSubDomains" not in hsts:
        problems.append(f"Strict-Transport-Security is {hsts!r}")
    if signed_in and "no-store" not in headers.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {headers.get('Cache-Control')!r}")
    return problems


def test_every_page_carries_the_security_headers(https_app):
    visits = [("anonymous", https_app.test_client(), PUBLIC_STARTS, False)]
    for local in ("manager", "carer", "young-person"):
        starts = [f"/{SLUG}/", *PUBLIC_STARTS[2:]]
        if local == "manager":
            starts = STAFF_STARTS + starts
        visits.append((local, _sign_in(https_app, local), starts, True))

    failures = []
    checked = Counter()
    endpoints = set()
    for who, client, starts, signed_in in visits:
        for url, endpoint, response in _crawl(https_app, client, starts):
            if "html" not in response.content_type:
                continue
            checked[who] += 1
            endpoints.add(endpoint)
            # An account of one service is nobody in another (the privacy notice links both).
            elsewhere = urlsplit(url).path.split("/")[1] == "lancashire"
            failures += [
                f"{who} {url} ({response.status_code}): {problem}"
                for problem in _problems(response, signed_in=signed_in and not elsewhere)
            ]

    print(
        f"checked {sum(checked.values())} pages ({dict(checked)}) "
        f"covering {len(endpoints)} endpoints"
    )
    assert checked["manager"] > 100
    assert checked["anonymous"] > 10
    assert not failures, "\n".join(failures)


def test_plain_http_is_redirected_to_https(https_app):
    response = https_app.test_client().get(f"/{SLUG}/", base_url="http://localhost")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://")


def test_the_production_config_forces_https_and_sends_hsts(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite://")
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("DATA_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    production = create_app(ProductionConfig)
    favicon = "/static/images/favicon.svg"
    secure = production.test_client().get(favicon, base_url=HTTPS)
    assert "max-age=63072000" in secure.headers["Strict-Transport-Security"]
    assert "includeSubDomains" in secure.headers["Strict-Transport-Security"]
    plain = production.test_client().get(favicon, base_url="http://localhost")
    assert plain.status_code == 302
    assert plain.headers["Location"].startswith("https://")


def test_static_files_stay_cacheable_for_signed_in_people(https_app):
    client = _sign_in(https_app, "carer")
    response = client.get("/static/images/favicon.svg", base_url=HTTPS)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
