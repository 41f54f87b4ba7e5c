"""The events pages kept in memory for anonymous visitors: served again until a commit
anywhere changes what they show, and never to someone signed in."""

import pytest
from sqlalchemy import text

from config import TestConfig
from portal import create_app
from portal.accounts.models import Role
from portal.core.extensions import db
from tests.conftest import IsolatedClient, csrf_from, parse, sign_in


@pytest.fixture
def cached_apps(database_url, app):
    """Two apps with the cache on, like two processes sharing the test database."""

    class Cached(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        MAIL_DIRECTORY = app.config["MAIL_DIRECTORY"]
        UPLOAD_DIRECTORY = app.config["UPLOAD_DIRECTORY"]
        PAGE_CACHE = True

    apps = [create_app(Cached), create_app(Cached)]
    for each in apps:
        each.test_client_class = IsolatedClient
    # The tests empty every table between them; the row the migration makes comes back.
    if db.session.execute(text("SELECT count(*) FROM page_generation")).scalar() == 0:
        db.session.execute(text("INSERT INTO page_generation (id, value) VALUES (1, 0)"))
        db.session.commit()
    return apps


def _cache(app):
    return app.extensions["page_cache"]


def _book(client, event_id: int, email: str) -> None:
    page = parse(client.get(f"/leicestershire/events/{event_id}/book"))
    response = client.post(
        f"/leicestershire/events/{event_id}/book",
        data={
            "csrf_token": csrf_from(page),
            "name": "Sam Booker",
            "email": email,
            "phone": "07700 900123",
            "seats": "1",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def test_a_public_page_is_served_again_until_a_booking_anywhere_changes_it(cached_apps, make_event):
    first, second = cached_apps
    event = make_event(capacity=5)
    url = f"/leicestershire/events/{event.id}"
    visitor = first.test_client()

    page = visitor.get(url)
    assert page.status_code == 200 and "5 places left" in page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers  # nothing personal, so nothing to keep apart
    again = visitor.get(url)
    assert _cache(first).hits == 1
    assert again.get_data() == page.get_data()
    assert again.headers["Content-Security-Policy"] == page.headers["Content-Security-Policy"]

    # Someone books through the other process: the first process's copy is stale at once.
    _book(second.test_client(), event.id, "booker@example.org")
    fresh = visitor.get(url)
    assert "4 places left" in fresh.get_data(as_text=True)
    assert _cache(first).hits == 1 and _cache(first).misses == 2


def test_the_events_list_follows_a_change_made_by_staff(cached_apps, make_event):
    first, _ = cached_apps
    event = make_event(title="Coffee morning about fostering")
    visitor = first.test_client()
    assert "Coffee morning" in visitor.get("/leicestershire/events").get_data(as_text=True)
    event.title = "Evening talk about fostering"
    db.session.commit()
    body = visitor.get("/leicestershire/events").get_data(as_text=True)
    assert "Evening talk" in body and "Coffee morning" not in body


def test_signed_in_people_and_waiting_messages_are_never_served_from_the_cache(
    cached_apps, make_event, make_user, leicestershire
):
    first, _ = cached_apps
    event = make_event()
    url = f"/leicestershire/events/{event.id}"
    first.test_client().get(url)  # kept for anonymous visitors

    carer = make_user(leicestershire, Role.APPROVED_CARER)
    signed_in = first.test_client()
    sign_in(signed_in, carer.email)
    hits = _cache(first).hits
    body = signed_in.get(url).get_data(as_text=True)
    assert _cache(first).hits == hits
    assert "Your account" in body

    with_message = first.test_client()
    with with_message.session_transaction() as session:
        session["_flashes"] = [("message", "Your booking is cancelled.")]
    body = with_message.get(url).get_data(as_text=True)
    assert _cache(first).hits == hits
    assert "Your booking is cancelled." in body


def test_each_language_and_encoding_is_kept_apart(cached_apps, make_event):
    first, _ = cached_apps
    make_event()
    english = first.test_client().get("/leicestershire/events").get_data(as_text=True)
    polish = first.test_client().get("/leicestershire/events", headers={"Accept-Language": "pl"})
    assert '<html lang="pl"' in polish.get_data(as_text=True)
    assert '<html lang="en"' in english
    chosen = first.test_client()
    with chosen.session_transaction() as session:
        session["language"] = "gu"
    assert '<html lang="gu"' in chosen.get("/leicestershire/events").get_data(as_text=True)
    zipped = first.test_client().get("/leicestershire/events", headers={"Accept-Encoding": "gzip"})
    plain = first.test_client().get("/leicestershire/events")
    assert zipped.headers.get("Content-Encoding") == "gzip"
    assert "Content-Encoding" not in plain.headers


def test_only_public_gets_are_kept(cached_apps, make_event):
    first, _ = cached_apps
    event = make_event()
    client = first.test_client()
    client.get(f"/leicestershire/events/{event.id}/book")
    client.get(f"/leicestershire/events/{event.id}/book")
    client.get("/leicestershire/")
    assert _cache(first).hits == 0 and _cache(first).misses == 0


def _language(response) -> str:
    return parse(response).soup.find("html")["lang"]


def _switcher(response) -> set[str]:
    found = parse(response).soup.select(".app-language-switcher [lang]")
    return {element["lang"] for element in found}


def test_a_kept_page_is_never_served_in_a_language_the_service_has_stopped_offering(
    cached_apps, make_event
):
    first, _ = cached_apps
    make_event()
    url = "/leicestershire/events"
    chose = first.test_client()
    with chose.session_transaction() as session:
        session["language"] = "gu"
    asks = {"Accept-Language": "gu"}
    assert _language(first.test_client().get(url, headers=asks)) == "gu"
    assert _language(chose.get(url)) == "gu"
    assert _cache(first).hits == 1  # the second visitor had the first one's kept page

    # Changed behind the models' back, so the page generation stays as it was: what keeps
    # the Gujarati page from being served is that the cache picks the page's language by
    # the app's own rule, over the languages the service offers now.
    generation = "SELECT value FROM page_generation WHERE id = 1"
    before = db.session.execute(text(generation)).scalar()
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE fostering_service SET languages = 'en,pl,ur' WHERE slug = :slug"),
            {"slug": "leicestershire"},
        )
    assert db.session.execute(text(generation)).scalar() == before
    assert _language(first.test_client().get(url, headers=asks)) == "en"
    assert _language(chose.get(url)) == "en"
    assert _cache(first).hits == 2  # English, kept once and served again
    # Pages outside the service still offer Gujarati; the cache keeps none of them.
    assert _language(chose.get("/cookies")) == "gu"


def test_a_manager_changing_the_languages_makes_every_kept_page_stale(
    cached_apps, make_event, make_user, leicestershire
):
    first, second = cached_apps
    make_event()
    url = "/leicestershire/events"
    visitor = first.test_client()
    assert _switcher(visitor.get(url)) == {"en", "pl", "ur", "gu"}
    assert _switcher(visitor.get(url)) == {"en", "pl", "ur", "gu"}
    assert _cache(first).hits == 1

    # The manager turns Gujarati off through the other process.
    manager = second.test_client()
    sign_in(manager, make_user(leicestershire, Role.SERVICE_MANAGER).email)
    settings = "/leicestershire/staff/settings/languages"
    token = csrf_from(parse(manager.get(settings)))
    response = manager.post(settings, data={"csrf_token": token, "languages": ["pl", "ur"]})
    assert response.status_code == 302

    # The English page itself is kept under the same key, so only the new generation stops
    # the old copy (still offering Gujarati) from being served.
    assert _switcher(visitor.get(url)) == {"en", "pl", "ur"}
    assert _cache(first).hits == 1 and _cache(first).misses == 2
