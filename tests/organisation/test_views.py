"""Services as data: the list at `/`, each service's home page and brand colours."""

from portal.organisation.services import brand_colours, contrast_ratio


def test_the_root_lists_every_service(client_request, leicestershire, lancashire):
    page = client_request.get("/")
    links = {a["href"]: a.get_text(strip=True) for a in page.soup.select(".app-door__link")}
    assert links == {
        "/leicestershire/": "Leicestershire County Council Fostering Service",
        "/lancashire/": "Lancashire County Council Fostering Service",
    }


def test_the_root_goes_straight_to_the_only_service(client, lancashire):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/lancashire/"


def test_each_home_page_shows_its_own_name_colour_and_contacts(
    client_request, leicestershire, lancashire
):
    for service in (leicestershire, lancashire):
        page = client_request.get(f"/{service.slug}/")
        assert service.name in page.soup.select_one(".govuk-generic-header").get_text()
        assert page.soup.find("meta", attrs={"name": "theme-color"})["content"] == (
            service.brand_colour
        )
        stylesheet = page.soup.find("link", href=f"/{service.slug}/brand.css")
        assert stylesheet is not None
        assert service.main_phone in page.text()
        doors = [a.get_text(strip=True) for a in page.soup.select(".app-door__link")]
        assert doors == [
            "Thinking about fostering",
            "I'm a foster carer",
            "Young people",
            "Staff sign in",
        ]
    other = client_request.get("/lancashire/")
    assert leicestershire.main_phone not in other.text()


def test_the_brand_stylesheet_carries_the_service_colour(client, leicestershire):
    response = client.get("/leicestershire/brand.css")
    assert response.mimetype == "text/css"
    assert "--app-brand:#005a3c" in response.get_data(as_text=True)
    assert "--app-brand-text:#ffffff" in response.get_data(as_text=True)


def test_a_pale_brand_colour_gets_dark_text(make_service):
    service = make_service("lancashire", brand_colour="#ffdd00")
    colour, text = brand_colours(service)
    assert text == "#0b0c0c"
    assert contrast_ratio(colour, text) >= 4.5


def test_a_broken_brand_colour_falls_back_to_a_safe_one(make_service):
    service = make_service("lancashire", brand_colour="red; }")
    assert brand_colours(service) == ("#1d70b8", "#ffffff")


def test_seed_services_have_their_statement_of_purpose_facts(leicestershire, lancashire):
    assert leicestershire.council_name == "Leicestershire County Council"
    assert any("County Hall" in venue.name for venue in leicestershire.venues)
    assert len(lancashire.localities) == 5
    assert lancashire.fostering_phone == "01772 530595"


def test_demo_data_loads_both_services_with_accounts_and_events(app):
    from sqlalchemy import func, select

    from portal.accounts.models import User
    from portal.core.extensions import db
    from portal.demo.services import DEMO_ACCOUNTS, load_demo_data
    from portal.events.models import InformationEvent

    assert load_demo_data(only_if_empty=True) is True
    assert load_demo_data(only_if_empty=True) is False
    accounts = {
        f"{local}@{slug}.demo"
        for local, *_ in DEMO_ACCOUNTS
        for slug in ("leicestershire", "lancashire")
    }
    found = db.session.scalar(select(func.count(User.id)).where(User.email.in_(accounts)))
    assert found == 2 * len(DEMO_ACCOUNTS)
    assert db.session.scalar(select(func.count(InformationEvent.id))) == 2 * 12
    from portal.core.db import utcnow
    from portal.visits.models import VisitRecord, VisitSlot

    # 20 times to book per service, and a year of past visits written up behind them.
    now = utcnow()
    assert (
        db.session.scalar(select(func.count(VisitSlot.id)).where(VisitSlot.starts_at > now))
        == 2 * 20
    )
    assert db.session.scalar(select(func.count(VisitRecord.id))) > 2 * 12
    from portal.kinship.models import KinshipRequest, TemporaryApproval
    from portal.panels.models import Panel

    # Three panel dates ahead, and two family-and-friends requests (one approved for now).
    today = now.date()
    assert db.session.scalar(select(func.count(Panel.id)).where(Panel.meets_on > today)) == 2 * 3
    assert db.session.scalar(select(func.count(KinshipRequest.id))) == 2 * 2
    assert db.session.scalar(select(func.count(TemporaryApproval.id))) == 2
