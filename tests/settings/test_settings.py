"""Service settings: the service manager changes contacts, targets, venues, localities, the
document checklist and TSDS outcome texts, and disables or enables colleagues' accounts;
each change is audited, bad input is answered beside the field, and no one else gets in."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.organisation.models import FosteringService, Locality, Venue
from portal.paperwork.models import PaperworkItem
from portal.paperwork.services import checklist_items
from portal.settings import services
from portal.tsds.models import SetKey, StandardOutcome
from tests.conftest import PASSWORD, ClientRequest, csrf_from, sign_in

BASE = "/leicestershire/staff/settings"


@pytest.fixture
def manager(login_as):
    return login_as(Role.SERVICE_MANAGER, name="Mo Manager")


def _audits(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def _post(client_request, url, data, *, form_page=None, expected_status=302):
    """POST with the CSRF token of the page's form that posts to `url`."""
    page = client_request.get(form_page or url)
    form = page.soup.find("form", action=url) if form_page else page.soup.find("form")
    assert form is not None, f"no form posting to {url} on {form_page or url}"
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    response = client_request.client.post(url, data={"csrf_token": token, **data})
    assert response.status_code == expected_status, response.get_data(as_text=True)[:3000]
    from tests.conftest import parse

    return parse(response)


def _fields(page) -> dict:
    """The values a form page would post as it stands."""
    values = {}
    for element in page.soup.select("form input, form textarea"):
        name = element.get("name")
        if not name or name == "csrf_token" or element.get("type") == "submit":
            continue
        if element.get("type") == "checkbox":
            if element.has_attr("checked"):
                values[name] = element.get("value", "y")
            continue
        values[name] = element.text if element.name == "textarea" else element.get("value", "")
    return values


# ---- the index and access -------------------------------------------------------------------


def test_the_index_lists_every_section_with_change_links(client_request, manager):
    page = client_request.get(BASE + "/")
    assert page.h1 == "Service settings"
    titles = [h.get_text(strip=True) for h in page.soup.select(".govuk-summary-card__title")]
    for title in (
        "Contacts",
        "Targets",
        "Venues",
        "Localities",
        "Document checklist",
        "TSDS outcome texts",
        "Fees and allowances",
        "Support pages",
        "Staff",
    ):
        assert title in titles
    hrefs = {a["href"] for a in page.soup.select("a")}
    for path in ("/contacts", "/targets", "/venues", "/localities", "/checklist", "/staff"):
        assert BASE + path in hrefs
    assert BASE + "/tsds/mainstream" in hrefs
    assert "/leicestershire/staff/invitations" in hrefs
    assert "/leicestershire/staff/support/information" in hrefs
    assert "(0116) 2323232" in page.text()
    assert "16 weeks" in page.text()
    assert page.response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/contacts",
        "/targets",
        "/venues",
        "/venues/new",
        "/localities",
        "/localities/new",
        "/checklist",
        "/checklist/new",
        "/tsds/mainstream",
        "/staff",
    ],
)
@pytest.mark.parametrize(
    "role", [Role.RECRUITMENT, Role.SUPERVISING_SOCIAL_WORKER, Role.APPROVED_CARER]
)
def test_only_the_service_manager_gets_in(client_request, login_as, path, role):
    login_as(role)
    client_request.get(BASE + path, expected_status=403)


def test_signed_out_people_are_sent_to_sign_in(client_request, leicestershire):
    response = client_request.client.get(BASE + "/targets")
    assert response.status_code == 302
    assert "/leicestershire/sign-in" in response.headers["Location"]


def test_a_manager_of_another_service_is_not_signed_in_here(
    app, client_request, make_user, leicestershire, lancashire
):
    other = make_user(lancashire, Role.SERVICE_MANAGER)
    client = ClientRequest(app.test_client())
    sign_in(client, other.email, service="lancashire")
    client.get("/lancashire/staff/settings/", expected_status=200)
    response = client.client.get(BASE + "/")
    assert response.status_code == 302  # their session means nothing in Leicestershire


def test_another_services_ids_are_not_found(client_request, manager, lancashire):
    venue = lancashire.venues[0]
    locality = lancashire.localities[0]
    item = checklist_items(lancashire)[0]
    outcome_id = services.standard_set(lancashire, SetKey.MAINSTREAM).standards[0].outcomes[0].id
    for path in (
        f"/venues/{venue.id}",
        f"/localities/{locality.id}",
        f"/checklist/{item.id}",
        f"/tsds/outcomes/{outcome_id}",
        "/tsds/not-a-set",
    ):
        client_request.get(BASE + path, expected_status=404)
    token = client_request.get(BASE + "/venues").soup.find("input", attrs={"name": "csrf_token"})
    for path in (
        f"/venues/{venue.id}/retire",
        f"/localities/{locality.id}/retire",
        f"/checklist/{item.id}/retire",
        f"/checklist/{item.id}/up",
    ):
        response = client_request.client.post(BASE + path, data={"csrf_token": token["value"]})
        assert response.status_code == 404
    db.session.refresh(venue)
    assert venue.is_retired is False


# ---- contacts -----------------------------------------------------------------------------


def test_contacts_are_saved_and_audited_without_personal_values(client_request, manager):
    page = client_request.get(BASE + "/contacts")
    values = _fields(page)
    assert values["fostering_phone"] == "(0116) 2323232"
    values.update(
        fostering_phone="0116 305 0505",
        fostering_email="Fostering@Leics.gov.uk",
        registered_manager_name="Sam Someone",
    )
    _post(client_request, BASE + "/contacts", values)
    service = db.session.scalar(
        select(FosteringService).where(FosteringService.slug == "leicestershire")
    )
    assert service.fostering_phone == "0116 305 0505"
    assert service.fostering_email == "fostering@leics.gov.uk"
    assert service.registered_manager_name == "Sam Someone"
    [event] = _audits("settings.contacts_changed")
    assert event.actor_id == manager.id
    assert event.created_at is not None
    assert event.detail["changed"] == [
        "fostering_email",
        "fostering_phone",
        "registered_manager_name",
    ]
    assert event.detail["values"]["fostering_phone"] == ["(0116) 2323232", "0116 305 0505"]
    assert "registered_manager_name" not in event.detail["values"]
    assert "Sam Someone" not in str(event.detail)
    assert "Contacts saved." in client_request.get(BASE + "/").text()


def test_contacts_with_bad_input_say_what_is_wrong_and_keep_it(client_request, manager):
    values = _fields(client_request.get(BASE + "/contacts"))
    values.update(
        fostering_phone="call us",
        complaints_email="not-an-email",
        website_url="fostering dot com",
        childrens_rights_phone="0116 305 6302 or 12",
    )
    page = _post(client_request, BASE + "/contacts", values, expected_status=200)
    assert page.title.startswith("Error:")
    assert page.error_for("fostering_phone").startswith(
        "Enter the fostering team phone as a telephone number"
    )
    assert page.error_for("childrens_rights_phone").startswith(
        "Enter the Children's Rights phone as a telephone number"
    )
    assert page.error_for("complaints_email") == (
        "Enter an email address in the correct format, like name@example.com"
    )
    assert page.error_for("website_url") == "Enter the website like https://www.example.gov.uk"
    assert page.soup.find(id="fostering_phone")["value"] == "call us"
    assert page.soup.find(id="complaints_email")["value"] == "not-an-email"
    assert _audits("settings.contacts_changed") == []


# ---- targets ------------------------------------------------------------------------------


def test_targets_are_saved_and_audited_before_and_after(client_request, manager):
    values = _fields(client_request.get(BASE + "/targets"))
    assert values["assessment_target_weeks"] == "16"
    values.update(assessment_target_weeks="18", viability_working_days=" 20 ")
    _post(client_request, BASE + "/targets", values)
    service = db.session.scalar(
        select(FosteringService).where(FosteringService.slug == "leicestershire")
    )
    assert service.assessment_target_weeks == 18
    assert service.viability_working_days == 20
    assert service.decision_working_days == 7
    [event] = _audits("settings.targets_changed")
    assert event.actor_id == manager.id
    assert event.detail["values"] == {
        "assessment_target_weeks": [16, 18],
        "viability_working_days": [15, 20],
    }


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("assessment_target_weeks", "", "Enter the assessment target in weeks"),
        (
            "assessment_target_weeks",
            "sixteen",
            "Enter the assessment target as a whole number of weeks, like 16",
        ),
        (
            "assessment_target_weeks",
            "1.5",
            "Enter the assessment target as a whole number of weeks, like 16",
        ),
        ("assessment_target_weeks", "0", "The assessment target must be between 1 and 52 weeks"),
        (
            "panel_due_months",
            "9",
            "The time to the panel's recommendation must be between 1 and 8 months",
        ),
        ("review_days", "14", "The time to ask for a review must be between 28 and 90 days"),
        (
            "temporary_approval_weeks",
            "20",
            "The length of a temporary approval must be between 1 and 16 weeks",
        ),
        ("temporary_extension_weeks", "9", "The longest extension must be between 1 and 8 weeks"),
    ],
)
def test_targets_out_of_range_get_a_specific_message(
    client_request, manager, field, typed, message
):
    values = _fields(client_request.get(BASE + "/targets"))
    values[field] = typed
    page = _post(client_request, BASE + "/targets", values, expected_status=200)
    assert page.error_for(field) == message
    assert page.soup.find(id=field)["value"] == typed
    assert message in page.error_summary()
    assert _audits("settings.targets_changed") == []


# ---- venues and localities -------------------------------------------------------------------


def test_a_venue_is_added_changed_and_retired(client_request, manager, leicestershire):
    _post(
        client_request,
        BASE + "/venues/new",
        {"name": "Loughborough Library", "address": "Granby Street", "postcode": "le11 3dz"},
    )
    venue = db.session.scalar(select(Venue).where(Venue.name == "Loughborough Library"))
    assert venue.service_id == leicestershire.id
    assert venue.postcode == "LE11 3DZ"
    [added] = _audits("settings.venue_added")
    assert added.object_id == str(venue.id)

    values = _fields(client_request.get(f"{BASE}/venues/{venue.id}"))
    values["parking"] = "Pay and display on Granby Street"
    _post(client_request, f"{BASE}/venues/{venue.id}", values)
    [changed] = _audits("settings.venue_changed")
    assert changed.detail["changed"] == ["parking"]

    _post(client_request, f"{BASE}/venues/{venue.id}/retire", {}, form_page=BASE + "/venues")
    db.session.refresh(venue)
    assert venue.is_retired is True
    db.session.expire_all()
    assert venue not in leicestershire.venues  # no longer offered for anything new
    assert db.session.get(Venue, venue.id) is not None  # but not deleted
    assert len(_audits("settings.venue_retired")) == 1
    page = client_request.get(BASE + "/venues")
    assert page.soup.find(id=f"bring-back-venue-{venue.id}") is not None

    _post(client_request, f"{BASE}/venues/{venue.id}/bring-back", {}, form_page=BASE + "/venues")
    db.session.expire_all()
    assert venue in leicestershire.venues
    assert len(_audits("settings.venue_reinstated")) == 1


def test_a_venue_with_bad_input_is_explained(client_request, manager, leicestershire):
    taken = leicestershire.venues[0].name
    page = _post(
        client_request,
        BASE + "/venues/new",
        {"name": taken, "postcode": "nowhere"},
        expected_status=200,
    )
    assert page.error_for("postcode") == "Enter a real postcode, like LE3 8SA"
    page = _post(
        client_request,
        BASE + "/venues/new",
        {"name": taken.upper(), "postcode": "LE3 8RA"},
        expected_status=200,
    )
    assert page.error_for("name") == "There is already a venue with this name"
    assert page.soup.find(id="postcode")["value"] == "LE3 8RA"
    page = _post(client_request, BASE + "/venues/new", {"name": " "}, expected_status=200)
    assert page.error_for("name") == "Enter the name of the venue"
    assert page.error_for("postcode") == "Enter the venue's postcode, like LE3 8RA"
    page = _post(
        client_request,
        BASE + "/venues/new",
        {"name": "Teams", "is_online": "y", "postcode": "LE3 8RA"},
        expected_status=200,
    )
    assert page.error_for("postcode") == "Leave the postcode empty for an online venue"
    assert _audits("settings.venue_added") == []


def test_a_locality_is_added_renamed_and_retired(client_request, manager, leicestershire):
    _post(client_request, BASE + "/localities/new", {"name": "Rutland edge", "description": ""})
    locality = db.session.scalar(select(Locality).where(Locality.name == "Rutland edge"))
    assert locality.service_id == leicestershire.id
    assert len(_audits("settings.locality_added")) == 1
    _post(client_request, f"{BASE}/localities/{locality.id}", {"name": "Rutland border"})
    [changed] = _audits("settings.locality_changed")
    assert changed.detail["values"]["name"] == ["Rutland edge", "Rutland border"]
    _post(
        client_request,
        f"{BASE}/localities/{locality.id}/retire",
        {},
        form_page=BASE + "/localities",
    )
    db.session.expire_all()
    assert locality not in leicestershire.localities
    assert db.session.get(Locality, locality.id).is_retired is True
    assert len(_audits("settings.locality_retired")) == 1


def test_a_locality_needs_a_name_of_its_own(client_request, manager, leicestershire):
    page = _post(client_request, BASE + "/localities/new", {"name": ""}, expected_status=200)
    assert page.error_for("name") == "Enter the name of the locality"
    taken = leicestershire.localities[0].name
    page = _post(
        client_request,
        BASE + "/localities/new",
        {"name": taken, "description": "Typed text"},
        expected_status=200,
    )
    assert page.error_for("name") == "There is already a locality with this name"
    assert page.soup.find(id="description").text.strip() == "Typed text"


# ---- the document checklist ------------------------------------------------------------------


def test_checklist_items_are_added_reworded_moved_and_retired(
    client_request, manager, leicestershire
):
    first, second = checklist_items(leicestershire)[:2]
    page = client_request.get(BASE + "/checklist")
    assert page.soup.find(id=f"up-{first.id}") is None  # the first cannot move up

    _post(
        client_request,
        BASE + "/checklist/new",
        {"name": "Pet questionnaire", "description": "If you have a dog"},
    )
    added = db.session.scalar(
        select(PaperworkItem).where(PaperworkItem.name == "Pet questionnaire")
    )
    assert checklist_items(leicestershire)[-1].id == added.id
    assert len(_audits("settings.checklist_item_added")) == 1

    _post(
        client_request,
        f"{BASE}/checklist/{first.id}",
        {"name": first.name, "description": "Passport or driving licence"},
    )
    [reworded] = _audits("settings.checklist_item_changed")
    assert reworded.detail["changed"] == ["description"]

    _post(client_request, f"{BASE}/checklist/{second.id}/up", {}, form_page=BASE + "/checklist")
    db.session.expire_all()
    assert [i.id for i in checklist_items(leicestershire)][:2] == [second.id, first.id]
    assert len(_audits("settings.checklist_reordered")) == 1

    _post(client_request, f"{BASE}/checklist/{added.id}/retire", {}, form_page=BASE + "/checklist")
    db.session.expire_all()
    assert added.id not in [i.id for i in checklist_items(leicestershire)]
    assert db.session.get(PaperworkItem, added.id) is not None
    assert len(_audits("settings.checklist_item_retired")) == 1


def test_a_checklist_item_needs_words(client_request, manager):
    page = _post(
        client_request,
        BASE + "/checklist/new",
        {"name": "", "description": "x" * 1001},
        expected_status=200,
    )
    assert page.error_for("name") == "Enter what the applicant sends, like Proof of identity"
    assert page.error_for("description") == "The help must be 1000 characters or fewer"
    assert _audits("settings.checklist_item_added") == []


# ---- TSDS outcome texts ----------------------------------------------------------------------


def test_an_outcome_is_reworded_and_audited(client_request, manager, leicestershire):
    page = client_request.get(BASE + "/tsds/family-and-friends")
    link = page.soup.select_one("a[href*='/tsds/outcomes/']")
    outcome_id = int(link["href"].rsplit("/", 1)[1])
    before = db.session.get(StandardOutcome, outcome_id).text
    _post(client_request, link["href"], {"text": "Understand why the child is with you."})
    outcome = db.session.get(StandardOutcome, outcome_id)
    assert outcome.text == "Understand why the child is with you."
    [event] = _audits("settings.tsds_outcome_changed")
    assert event.detail["values"]["text"] == [before, outcome.text]


def test_an_outcome_cannot_be_emptied(client_request, manager, leicestershire):
    page = client_request.get(BASE + "/tsds/mainstream")
    url = page.soup.select_one("a[href*='/tsds/outcomes/']")["href"]
    page = _post(client_request, url, {"text": "   "}, expected_status=200)
    assert page.error_for("text") == "Enter the words of the outcome"
    assert _audits("settings.tsds_outcome_changed") == []


def test_the_tsds_page_answers_in_a_fixed_number_of_queries(client_request, manager, count_queries):
    client_request.get(BASE + "/tsds/mainstream")
    with count_queries() as small:
        client_request.get(BASE + "/tsds/short-break")
    with count_queries() as large:
        client_request.get(BASE + "/tsds/mainstream")
    assert small["n"] == large["n"]


# ---- staff accounts ----------------------------------------------------------------------------


def test_the_staff_page_lists_colleagues_with_their_roles(
    client_request, manager, make_user, leicestershire, lancashire
):
    make_user(leicestershire, Role.RECRUITMENT, name="Rae Recruiter")
    make_user(leicestershire, Role.APPROVED_CARER, name="Cal Carer")
    make_user(lancashire, Role.RECRUITMENT, name="Lana Elsewhere")
    page = client_request.get(BASE + "/staff")
    text = page.text()
    assert "Rae Recruiter" in text and "Recruitment team" in text
    assert "Cal Carer" not in text and "Lana Elsewhere" not in text
    assert page.soup.find(id=f"disable-{manager.id}") is None  # never yourself
    assert "/leicestershire/staff/invitations" in {a["href"] for a in page.soup.select("a")}


def test_the_staff_page_answers_in_a_fixed_number_of_queries(
    client_request, manager, make_user, leicestershire, count_queries
):
    make_user(leicestershire, Role.RECRUITMENT)
    with count_queries() as small:
        client_request.get(BASE + "/staff")
    for _ in range(8):
        make_user(leicestershire, Role.TRAINING_COORDINATOR, Role.RECRUITMENT)
    with count_queries() as large:
        client_request.get(BASE + "/staff")
    assert small["n"] == large["n"]


def test_disabling_a_colleague_signs_them_out_at_once(
    app, client_request, manager, make_user, leicestershire
):
    colleague = make_user(leicestershire, Role.RECRUITMENT, name="Rae Recruiter")
    theirs = ClientRequest(app.test_client())
    sign_in(theirs, colleague.email, service="leicestershire")
    theirs.get("/leicestershire/staff/", expected_status=200)
    old_token = colleague.session_token

    _post(
        client_request,
        f"{BASE}/staff/{colleague.id}/disable",
        {},
        form_page=BASE + "/staff",
    )
    colleague = db.session.get(User, colleague.id)
    assert colleague.is_disabled is True
    assert colleague.session_token != old_token
    [event] = _audits("account.disabled")
    assert event.actor_id == manager.id and event.object_id == str(colleague.id)

    response = theirs.client.get("/leicestershire/staff/")
    assert response.status_code == 302
    assert "/leicestershire/sign-in" in response.headers["Location"]
    page = theirs.client.post(
        "/leicestershire/sign-in", data={"email": colleague.email, "password": PASSWORD}
    )
    assert page.status_code != 302  # nor can they sign in again

    _post(client_request, f"{BASE}/staff/{colleague.id}/enable", {}, form_page=BASE + "/staff")
    assert db.session.get(User, colleague.id).is_disabled is False
    assert len(_audits("account.enabled")) == 1


def test_a_manager_cannot_disable_themselves(client_request, manager):
    token = csrf_from(client_request.get(BASE + "/contacts"))
    response = client_request.client.post(
        f"{BASE}/staff/{manager.id}/disable", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert db.session.get(User, manager.id).is_disabled is False
    assert "You cannot disable your own account." in client_request.get(BASE + "/staff").text()
    assert _audits("account.disabled") == []


def test_another_services_staff_and_non_staff_are_not_found(
    client_request, manager, make_user, leicestershire, lancashire
):
    elsewhere = make_user(lancashire, Role.RECRUITMENT)
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    token = csrf_from(client_request.get(BASE + "/contacts"))
    for user in (elsewhere, carer):
        response = client_request.client.post(
            f"{BASE}/staff/{user.id}/disable", data={"csrf_token": token}
        )
        assert response.status_code == 404
        assert db.session.get(User, user.id).is_disabled is False


def test_buttons_without_a_csrf_token_are_refused(
    client_request, manager, make_user, leicestershire
):
    colleague = make_user(leicestershire, Role.RECRUITMENT)
    response = client_request.client.post(f"{BASE}/staff/{colleague.id}/disable", data={})
    assert response.status_code == 400
    assert db.session.get(User, colleague.id).is_disabled is False
