"""A service's public pages, the footer's pages and choosing a language."""

import pytest

from portal.accounts.models import Role, User
from portal.core.extensions import db

PUBLIC_PAGES = [
    "/{slug}/",
    "/{slug}/thinking-about-fostering",
    "/{slug}/foster-carers",
    "/{slug}/young-people",
    "/{slug}/contact",
    "/{slug}/accessibility",
    "/{slug}/privacy",
    "/{slug}/cookies",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_renders_for_both_services(
    client_request, leicestershire, lancashire, path
):
    for service in (leicestershire, lancashire):
        page = client_request.get(path.format(slug=service.slug))
        assert page.h1
        assert page.title.endswith(service.short_name)
        footer = page.soup.select_one("footer").get_text(" ", strip=True)
        for link in ("Accessibility statement", "Privacy notice", "Cookies"):
            assert link in footer
        # No empty contact links where a service publishes nothing.
        for anchor in page.soup.select("a[href^='tel:'], a[href^='mailto:']"):
            assert anchor["href"] not in {"tel:", "mailto:"}
        for anchor in page.soup.select("a"):
            assert anchor.get_text(strip=True), f"a link with no text: {anchor}"


@pytest.mark.parametrize("path", ["/accessibility", "/privacy", "/cookies"])
def test_footer_pages_work_outside_any_service(client_request, leicestershire, path):
    page = client_request.get(path)
    assert page.h1


def test_the_contact_page_lists_what_the_service_publishes(client_request, leicestershire):
    page = client_request.get("/leicestershire/contact")
    text = page.text()
    for fact in (
        leicestershire.childrens_rights_email,
        leicestershire.complaints_phone,
        leicestershire.corporate_parenting_email,
        leicestershire.ofsted_phone,
        leicestershire.childrens_commissioner_phone,
    ):
        assert fact in text


def test_the_young_peoples_page_has_help_now_and_an_exit(client_request, lancashire):
    page = client_request.get("/lancashire/young-people")
    assert page.soup.select_one(".govuk-exit-this-page") is not None
    text = page.text()
    assert "999" in text
    assert "0800 1111" in text
    assert lancashire.main_phone in text


def test_the_cookies_page_names_the_only_cookie(client_request, leicestershire, client):
    page = client_request.get("/leicestershire/cookies")
    assert "portal_session" in page.text()
    # Set by a page with a form (for its CSRF token); pages without one set nothing.
    response = client.get("/leicestershire/sign-in")
    assert "portal_session=" in response.headers["Set-Cookie"]


def test_choosing_a_language_changes_the_page_and_is_remembered(
    client, client_request, leicestershire
):
    response = client.get("/language/ur?next=/leicestershire/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/leicestershire/"
    page = client_request.get("/leicestershire/")
    html = page.soup.find("html")
    assert html["lang"] == "ur"
    assert html["dir"] == "rtl"
    current = page.soup.select_one(".app-language-switcher__current")
    assert current["lang"] == "ur"
    links = {
        a["lang"]: a.get_text(strip=True) for a in page.soup.select(".app-language-switcher a")
    }
    assert links == {"en": "English", "pl": "Polski", "gu": "ગુજરાતી"}


def test_the_browser_language_is_used_until_the_person_chooses(client_request, leicestershire):
    page = client_request.get("/leicestershire/", headers={"Accept-Language": "pl,en;q=0.5"})
    assert page.soup.find("html")["lang"] == "pl"
    assert page.soup.find("html")["dir"] == "ltr"
    page = client_request.get("/leicestershire/", headers={"Accept-Language": "fr"})
    assert page.soup.find("html")["lang"] == "en"


def test_a_signed_in_persons_choice_is_saved_for_their_emails(client, login_as):
    user = login_as(Role.APPROVED_CARER)
    client.get("/language/gu?next=/leicestershire/account")
    assert db.session.get(User, user.id).locale == "gu"


def test_the_language_switch_refuses_unknown_languages_and_other_sites(client, leicestershire):
    assert client.get("/language/xx").status_code == 404
    response = client.get("/language/pl?next=https://evil.example/")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("language", ["pl", "ur", "gu"])
def test_each_shipped_language_translates_the_pages(
    client, client_request, leicestershire, language
):
    client.get(f"/language/{language}")
    for path in ("/leicestershire/", "/leicestershire/sign-in", "/leicestershire/no-such-page"):
        page = client_request.get(path, expected_status=404 if "no-such" in path else 200)
        english = {"Choose what fits you", "Sign in", "Page not found"}
        assert page.soup.find("html")["lang"] == language
        assert not english & {h.get_text(strip=True) for h in page.soup.select("h1, h2")}
    skip = client_request.get("/leicestershire/").soup.select_one(".govuk-skip-link")
    assert skip.get_text(strip=True) != "Skip to main content"


# ---- the languages a service offers -------------------------------------------------------


def _offer(service, languages: str) -> None:
    service.languages = languages
    db.session.commit()


def _lang(page) -> str:
    return page.soup.find("html")["lang"]


def _switcher(page) -> list[str]:
    """The languages a page's switcher offers, in order, the current one included."""
    found = page.soup.select(".app-language-switcher a, .app-language-switcher__current")
    return [element["lang"] for element in found]


def test_a_service_offers_only_its_own_languages_and_pages_outside_it_offer_all(
    client_request, leicestershire, lancashire
):
    _offer(leicestershire, "en,pl,ur")
    assert _switcher(client_request.get("/leicestershire/")) == ["en", "pl", "ur"]
    assert _switcher(client_request.get("/lancashire/")) == ["en", "pl", "ur", "gu"]
    assert _switcher(client_request.get("/")) == ["en", "pl", "ur", "gu"]
    assert _switcher(client_request.get("/cookies")) == ["en", "pl", "ur", "gu"]


def test_a_language_chosen_where_it_is_offered_gives_english_where_it_is_not(
    client, client_request, leicestershire, lancashire
):
    _offer(leicestershire, "en,pl,ur")
    # The switch is global: it still takes any shipped language.
    response = client.get("/language/gu?next=/cookies")
    assert response.status_code == 302
    assert _lang(client_request.get("/cookies")) == "gu"
    assert _lang(client_request.get("/")) == "gu"
    assert _lang(client_request.get("/lancashire/")) == "gu"
    for path in ("/leicestershire/", "/leicestershire/cookies", "/leicestershire/events"):
        page = client_request.get(path)
        assert _lang(page) == "en"
        current = page.soup.select_one(".app-language-switcher__current")
        assert current["lang"] == "en"
    page = client_request.get("/leicestershire/no-such-page", expected_status=404)
    assert _lang(page) == "en"


def test_a_browser_language_the_service_does_not_offer_falls_to_the_next_it_does(
    client_request, leicestershire
):
    _offer(leicestershire, "en,pl,ur")
    assert _lang(client_request.get("/leicestershire/", headers={"Accept-Language": "gu"})) == "en"
    page = client_request.get("/leicestershire/", headers={"Accept-Language": "gu,pl;q=0.8"})
    assert _lang(page) == "pl"
    assert _lang(client_request.get("/cookies", headers={"Accept-Language": "gu"})) == "gu"


def test_a_saved_preference_not_offered_gives_way_to_the_browser_then_english(
    client_request, login_as, leicestershire
):
    _offer(leicestershire, "en,pl,ur")
    login_as(Role.APPROVED_CARER, locale="gu")
    page = client_request.get("/leicestershire/account", headers={"Accept-Language": "ur"})
    assert _lang(page) == "ur"
    assert _lang(client_request.get("/leicestershire/account")) == "en"
    _offer(leicestershire, "en,pl,ur,gu")
    assert _lang(client_request.get("/leicestershire/account")) == "gu"


def test_a_service_offering_english_alone_shows_no_switcher(client_request, leicestershire):
    _offer(leicestershire, "en")
    page = client_request.get("/leicestershire/", headers={"Accept-Language": "pl"})
    assert _lang(page) == "en"
    assert page.soup.select(".app-language-switcher") == []
