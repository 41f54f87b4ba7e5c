"""Service settings, Languages: the service manager chooses which shipped languages the
service's pages offer; English always stays, the change is audited, and a language taken
away is no longer offered or used on the service's pages (though still outside them)."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.organisation.models import FosteringService
from tests.conftest import ClientRequest, csrf_from, parse, sign_in
from tests.core.crawl import post

BASE = "/leicestershire/staff/settings"
URL = BASE + "/languages"


@pytest.fixture
def manager(login_as):
    return login_as(Role.SERVICE_MANAGER, name="Mo Manager", locale="en")


def _service(slug: str = "leicestershire") -> FosteringService:
    return db.session.scalar(select(FosteringService).where(FosteringService.slug == slug))


def _audits() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "settings.languages_changed")
            .order_by(AuditEvent.id)
        )
    )


def _save(client_request, languages: list[str]):
    """Post the languages form as a browser would: the ticked boxes (a disabled box is never
    sent, so English is not among them unless the form is tampered with)."""
    token = csrf_from(client_request.get(URL))
    response = client_request.client.post(URL, data={"csrf_token": token, "languages": languages})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"] == BASE + "/"
    return client_request.get(BASE + "/")


def _switcher(page) -> set[str]:
    """The languages a page's switcher offers, the current one included."""
    return {
        element["lang"]
        for element in page.soup.select(".app-language-switcher a, .app-language-switcher__current")
    }


def test_each_language_is_a_box_named_in_itself_with_english_fixed(client_request, manager):
    page = client_request.get(URL)
    assert page.h1 == "Languages"
    assert page.soup.select_one("a.govuk-back-link")["href"] == BASE + "/"
    form = page.soup.select_one("main form[method=post]")
    assert form.select_one("legend").get_text(strip=True) == "Languages offered"
    boxes = {box["value"]: box for box in form.select("input[type=checkbox]")}
    assert list(boxes) == ["en", "pl", "ur", "gu"]
    labels = {box["value"]: form.select_one(f"label[for={box['id']}]") for box in boxes.values()}
    assert {code: label.get_text(strip=True) for code, label in labels.items()} == {
        "en": "English",
        "pl": "Polski",
        "ur": "اردو",
        "gu": "ગુજરાતી",
    }
    assert {code: label["lang"] for code, label in labels.items()} == {code: code for code in boxes}
    # Every language is offered until the manager says otherwise.
    assert all(box.has_attr("checked") for box in boxes.values())
    # English: ticked, cannot be unticked, and says why.
    assert boxes["en"].has_attr("disabled")
    assert not any(boxes[code].has_attr("disabled") for code in ("pl", "ur", "gu"))
    assert "Always offered" in page.soup.find(id=f"{boxes['en']['id']}-item-hint").text
    # The other languages' hints name them in the reader's language.
    assert page.soup.find(id=f"{boxes['gu']['id']}-item-hint").get_text(strip=True) == "Gujarati"
    assert form.find("input", attrs={"name": "csrf_token"})


def test_the_index_shows_the_languages_offered_with_a_change_link(client_request, manager):
    page = client_request.get(BASE + "/")
    card = next(
        card
        for card in page.soup.select(".govuk-summary-card")
        if card.select_one(".govuk-summary-card__title").get_text(strip=True) == "Languages"
    )
    assert card.select_one(".govuk-summary-card__actions a")["href"] == URL
    names = {span["lang"]: span.get_text(strip=True) for span in card.select("dd span[lang]")}
    assert names == {"en": "English", "pl": "Polski", "ur": "اردو", "gu": "ગુજરાતી"}


def test_a_manager_turns_gujarati_off_and_the_service_stops_offering_it(
    app, client_request, manager, lancashire
):
    index = _save(client_request, ["pl", "ur"])
    assert "Languages saved." in index.text()
    assert _service().languages == "en,pl,ur"
    [event] = _audits()
    assert event.actor_id == manager.id
    assert (event.object_type, event.object_id) == ("FosteringService", str(_service().id))
    assert event.detail["changed"] == ["languages"]
    assert event.detail["values"] == {"languages": [["en", "pl", "ur", "gu"], ["en", "pl", "ur"]]}

    form = client_request.get(URL).soup.select_one("main form[method=post]")
    ticked = {box["value"] for box in form.select("input[type=checkbox][checked]")}
    assert ticked == {"en", "pl", "ur"}

    # Someone not signed in: the switcher leaves Gujarati out, and a browser asking for it
    # gets English.
    visitor = ClientRequest(app.test_client())
    assert _switcher(visitor.get("/leicestershire/")) == {"en", "pl", "ur"}
    page = visitor.get("/leicestershire/events", headers={"Accept-Language": "gu"})
    assert page.soup.find("html")["lang"] == "en"
    page = visitor.get("/leicestershire/", headers={"Accept-Language": "gu,pl;q=0.8"})
    assert page.soup.find("html")["lang"] == "pl"

    # Someone who chose Gujarati this session: English on this service's pages, Gujarati
    # where it is still offered (outside any service, and the other service).
    visitor.client.get("/language/gu")
    assert visitor.get("/leicestershire/").soup.find("html")["lang"] == "en"
    assert visitor.get("/").soup.find("html")["lang"] == "gu"
    assert _switcher(visitor.get("/")) == {"en", "pl", "ur", "gu"}
    assert visitor.get("/lancashire/").soup.find("html")["lang"] == "gu"


def test_a_saved_preference_the_service_no_longer_offers_gives_english(
    app, client_request, manager, make_user, leicestershire
):
    carer = make_user(leicestershire, Role.APPROVED_CARER, locale="gu")
    _save(client_request, ["pl", "ur"])
    theirs = ClientRequest(app.test_client())
    sign_in(theirs, carer.email)
    assert theirs.get("/leicestershire/account").soup.find("html")["lang"] == "en"
    # Their saved language stays theirs (emails keep going in it).
    assert db.session.get(User, carer.id).locale == "gu"


def test_english_cannot_be_removed(client_request, manager):
    # A tampered form: English left out, and a code the portal does not ship.
    _save(client_request, ["pl", "xx"])
    assert _service().languages == "en,pl"
    [event] = _audits()
    assert event.detail["values"]["languages"][1] == ["en", "pl"]

    # Nothing ticked at all: English alone, and no switcher to show.
    _save(client_request, [])
    assert _service().languages == "en"
    page = client_request.get("/leicestershire/", headers={"Accept-Language": "pl"})
    assert page.soup.find("html")["lang"] == "en"
    assert page.soup.select(".app-language-switcher") == []


def test_saving_the_same_languages_changes_and_audits_nothing(client_request, manager):
    index = _save(client_request, ["pl", "ur", "gu"])
    assert "Nothing changed." in index.text()
    assert _audits() == []
    assert _service().languages == "en,pl,ur,gu"


@pytest.mark.parametrize(
    "role", [Role.RECRUITMENT, Role.SUPERVISING_SOCIAL_WORKER, Role.APPROVED_CARER]
)
def test_only_the_service_manager_gets_in(client_request, login_as, role):
    login_as(role)
    client_request.get(URL, expected_status=403)
    response = post(client_request.client, URL, {"languages": ["pl"]})
    assert response.status_code == 403
    assert _service().languages == "en,pl,ur,gu"
    assert _audits() == []


def test_people_signed_out_or_from_another_service_are_sent_to_sign_in(
    app, client, make_user, leicestershire, lancashire
):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/leicestershire/sign-in" in response.headers["Location"]

    other = ClientRequest(app.test_client())
    sign_in(other, make_user(lancashire, Role.SERVICE_MANAGER).email, service="lancashire")
    token = csrf_from(other.get("/lancashire/staff/settings/languages"))
    response = other.client.post(URL, data={"csrf_token": token, "languages": ["pl"]})
    assert response.status_code == 302
    assert "/leicestershire/sign-in" in response.headers["Location"]
    assert _service().languages == "en,pl,ur,gu"


def test_the_page_is_in_the_managers_language_with_names_still_in_their_own(
    client_request, manager
):
    client_request.client.get("/language/pl")
    page = client_request.get(URL)
    assert page.soup.find("html")["lang"] == "pl"
    labels = {
        label["lang"]: label.get_text(strip=True)
        for label in page.soup.select("main form label[lang]")
    }
    assert labels["gu"] == "ગુજરાતી"
    box = page.soup.find("input", attrs={"value": "gu"})
    # Gujarati named in Polish beneath its own name.
    assert page.soup.find(id=f"{box['id']}-item-hint").get_text(strip=True) == "gudżarati"


def test_without_javascript_the_form_posts_and_comes_back_with_a_banner(client_request, manager):
    page = client_request.get(URL)
    form = page.soup.select_one("main form[method=post]")
    assert form.get("action") in (None, "", URL)
    assert form.select_one("button, input[type=submit]").get_text(strip=True) == "Save languages"
    response = client_request.client.post(
        URL, data={"csrf_token": csrf_from(page), "languages": ["ur", "gu"]}
    )
    banner = parse(client_request.client.get(response.headers["Location"]))
    assert "Languages saved." in banner.text()
    assert _service().languages == "en,ur,gu"
