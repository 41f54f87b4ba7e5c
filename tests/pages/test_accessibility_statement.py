"""Each service's accessibility statement is built from its own facts and has what the
accessibility regulations ask for; the portal-wide one points to every service's."""

from portal.core.extensions import db
from portal.pages.views import ACCESSIBILITY_STATEMENT_PREPARED, ACCESSIBILITY_STATEMENT_REVIEWED


def _section(page, heading: str) -> str:
    """The text from a heading to the next heading of the same level or higher."""
    start = page.soup.find(lambda tag: tag.name in {"h2", "h3"} and tag.get_text() == heading)
    assert start is not None, f"no section {heading!r}"
    parts = []
    for sibling in start.find_next_siblings():
        if sibling.name in {"h1", "h2"} or (start.name == "h3" and sibling.name == "h3"):
            break
        parts.append(sibling.get_text(" ", strip=True))
    return " ".join(parts)


def test_each_services_statement_names_its_council_and_contacts(
    client_request, leicestershire, lancashire
):
    for service in (leicestershire, lancashire):
        page = client_request.get(f"/{service.slug}/accessibility")
        assert page.h1 == "Accessibility statement"
        text = page.text()
        assert service.name in text
        assert f"This website is run by {service.council_name}." in text
        assert f"{service.council_name} is committed to making its website accessible" in text
        other_format = _section(page, "What to do if you cannot use parts of this website")
        assert service.main_phone in other_format
        assert "County Hall" in other_format  # the address to write to
        assert "5 working days" in other_format
        reporting = _section(page, "Reporting accessibility problems with this website")
        assert service.main_phone in reporting

    # Leicestershire publishes no fostering team email, so its registered manager's is given
    # (as their number is when there is no fostering number); Lancashire publishes none.
    page = client_request.get("/leicestershire/accessibility")
    other_format = _section(page, "What to do if you cannot use parts of this website")
    assert f"email {leicestershire.registered_manager_email}" in other_format
    assert page.soup.select_one(f"a[href='mailto:{leicestershire.registered_manager_email}']")
    page = client_request.get("/lancashire/accessibility")
    other_format = _section(page, "What to do if you cannot use parts of this website")
    assert "email" not in other_format
    assert f"call {lancashire.main_phone}" in other_format
    # Each names only its own service's contacts.
    assert leicestershire.registered_manager_email not in page.text()
    assert leicestershire.council_name not in page.text()


def test_the_fostering_teams_email_comes_first(client_request, make_service):
    make_service("lancashire", fostering_email="fostering@lancashire.example")
    page = client_request.get("/lancashire/accessibility")
    other_format = _section(page, "What to do if you cannot use parts of this website")
    assert "email fostering@lancashire.example" in other_format


def test_the_statement_has_the_content_the_regulations_require(client_request, leicestershire):
    page = client_request.get("/leicestershire/accessibility")
    headings = [h.get_text(strip=True) for h in page.soup.select("main h2, main h3")]
    for heading in (
        "How accessible this website is",
        "What to do if you cannot use parts of this website",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website\N{RIGHT SINGLE QUOTATION MARK}s accessibility",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert heading in headings

    enforcement = _section(page, "Enforcement procedure")
    assert "Equality and Human Rights Commission" in enforcement
    assert (
        "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
        "Regulations 2018" in enforcement
    )
    assert "Equality Advisory and Support Service" in enforcement
    assert page.soup.select_one("a[href='https://www.equalityadvisoryservice.com']")

    # Partially compliant, never "fully": the known problems are listed.
    compliance = _section(page, "Compliance status")
    assert "partially compliant" in compliance
    assert "Web Content Accessibility Guidelines (WCAG) version 2.2 AA" in compliance
    assert "fully compliant" not in page.text()
    problems = _section(page, "Non-compliance with the accessibility regulations")
    for criterion in ("2.2.1", "1.3.1", "3.3.2"):
        assert criterion in problems
    assert "JavaScript" in problems
    # The idle times are the configured ones, in hours when they are whole hours.
    assert "we sign you out after 2 hours without activity (30 minutes for staff)" in problems
    assert "and 12 hours after you signed in" in problems
    assert "native speakers" in problems

    preparation = _section(page, "Preparation of this accessibility statement")
    prepared = f"{ACCESSIBILITY_STATEMENT_PREPARED.day} {ACCESSIBILITY_STATEMENT_PREPARED:%B %Y}"
    reviewed = f"{ACCESSIBILITY_STATEMENT_REVIEWED.day} {ACCESSIBILITY_STATEMENT_REVIEWED:%B %Y}"
    assert f"This statement was prepared on {prepared}." in preparation
    assert f"It was last reviewed on {reviewed}." in preparation
    assert "WCAG 2.2 level AA" in preparation
    assert "axe-core" in preparation


def test_the_statement_names_the_languages_the_service_offers(client_request, leicestershire):
    page = client_request.get("/leicestershire/accessibility")
    intro = page.soup.select_one("main ul").get_text(" ", strip=True)
    assert "Urdu" in intro
    assert "right to left" in intro

    leicestershire.languages = "en,pl"
    db.session.commit()
    page = client_request.get("/leicestershire/accessibility")
    intro = page.soup.select_one("main ul").get_text(" ", strip=True)
    assert "English and Polish" in intro
    assert "Urdu" not in page.text()
    assert "right to left" not in intro

    # A service in English alone has no translations to apologise for.
    leicestershire.languages = "en"
    db.session.commit()
    page = client_request.get("/leicestershire/accessibility")
    assert "native speakers" not in page.text()


def test_the_portal_wide_statement_links_to_each_services(
    client_request, leicestershire, lancashire
):
    page = client_request.get("/accessibility")
    assert page.h1 == "Accessibility statement"
    links = {a["href"]: a.get_text(" ", strip=True) for a in page.soup.select("main a")}
    assert links["/leicestershire/accessibility"] == (
        f"Accessibility statement for {leicestershire.name}"
    )
    assert links["/lancashire/accessibility"] == f"Accessibility statement for {lancashire.name}"
    assert "WCAG" in page.text()
