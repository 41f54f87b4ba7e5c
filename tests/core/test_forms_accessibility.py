"""Forms as WCAG 2.2 AA asks: fields for the person's own details say what they are for
(1.3.5), nothing given already is asked again (3.3.7), nothing stops pasting or a password
manager (3.3.8), every error summary takes focus and links to its fields, and help sits in
the same place on every page (3.2.6)."""

import pytest

from portal.accounts.models import Role
from portal.core.validators import normalise_phone
from tests.conftest import ClientRequest, csrf_from, one_time_code, parse, sign_in

S = "/leicestershire"
# The autocomplete purposes that say a field holds the person's own details.
OWN_PURPOSES = {
    "name",
    "given-name",
    "family-name",
    "email",
    "tel",
    "postal-code",
    "street-address",
    "address-line1",
    "address-line2",
    "address-level2",
    "bday",
    "bday-day",
    "bday-month",
    "bday-year",
    "new-password",
    "current-password",
    "one-time-code",
}
# Attributes that would get in the way of pasting, or of a password manager.
BLOCKERS = ("onpaste", "oncopy", "oncut", "ondrop", "onbeforepaste")

# Public forms, by field: the purpose of the person's own details, or None for a field
# about someone (or something) else, which must not claim one.
OWN_DETAILS = {
    f"{S}/sign-in": {"email": "email", "password": "current-password"},
    f"{S}/register": {"name": "name", "email": "email", "password": "new-password"},
    f"{S}/forgot-password": {"email": "email"},
    f"{S}/confirm-email": {"email": "email"},
    f"{S}/enquire": {"name": "name", "email": "email", "phone": "tel", "postcode": "postal-code"},
    f"{S}/family-and-friends": {
        "name": "name",
        "email": "email",
        "phone": "tel",
        "postcode": "postal-code",
        "child_name": None,
        "childs_social_worker": None,
        "child_born_on": None,
    },
    f"{S}/independent-visitors/volunteer": {
        "name": "name",
        "email": "email",
        "phone": "tel",
        "postcode": "postal-code",
    },
    f"{S}/young-people/independent-visitor": {"name": "name", "how_to_reach": None},
    f"{S}/young-people/talk": {"name": "name", "how_to_reach": None, "safe_times": None},
    f"{S}/complaints/new": {
        "name": "name",
        "email": "email",
        "phone": "tel",
        "on_behalf_of": None,
        "happened_on": None,
    },
    f"{S}/young-people/complaint": {"name": "name", "email": "email", "phone": "tel"},
    f"{S}/complaints/follow": {"reference": None, "phrase": None},
    f"{S}/young-people/messages": {"reference": None, "phrase": None},
}


def _field(page, name):
    field = page.soup.find(["input", "textarea", "select"], attrs={"name": name})
    assert field is not None, f"{page.response.request.path} has no field {name}"
    return field


def _text_fields(page):
    """Every field a person types into."""
    return [
        field
        for field in page.soup.select("main input, main textarea")
        if field.get("type", "text") not in {"hidden", "radio", "checkbox", "submit", "file"}
    ]


def _assert_paste_friendly(page):
    where = page.response.request.path
    for element in page.soup.find_all(True):
        blocking = [name for name in BLOCKERS if element.has_attr(name)]
        assert not blocking, f"{where}: {element.name} has {blocking}"
    for field in page.soup.select('input[type="password"]'):
        assert field.get("autocomplete") in {"current-password", "new-password"}, where
        assert not field.has_attr("maxlength") or int(field["maxlength"]) >= 64, where
    for field in _text_fields(page):
        if field.get("type") == "email" or field.get("autocomplete") in {"email", "one-time-code"}:
            assert field.get("spellcheck") == "false", f"{where}: {field.get('name')}"


def _assert_code_field(page, *, digits_only=True):
    code = _field(page, "code")
    assert code["autocomplete"] == "one-time-code"
    assert code["spellcheck"] == "false"
    if digits_only:
        assert code["inputmode"] == "numeric"
    # A code pasted as "123 456" (as apps show it) must fit whole.
    assert not code.has_attr("maxlength") or int(code["maxlength"]) >= 20
    assert not code.has_attr("pattern")


@pytest.fixture
def event_url(make_event):
    return f"{S}/events/{make_event().id}/book"


# ---- 1.3.5 identify input purpose ----------------------------------------------------------


def test_fields_for_the_persons_own_details_say_what_they_are_for(
    client_request, leicestershire, event_url
):
    pages = {**OWN_DETAILS, event_url: {"name": "name", "email": "email", "phone": "tel"}}
    for url, fields in pages.items():
        page = client_request.get(url)
        for name, purpose in fields.items():
            field = _field(page, name)
            if purpose is None:
                assert field.get("autocomplete") not in OWN_PURPOSES, f"{url}: {name}"
            else:
                assert field.get("autocomplete") == purpose, f"{url}: {name}"
        if "phone" in fields:
            assert _field(page, "phone")["type"] == "tel"
        if "email" in fields:
            assert _field(page, "email")["type"] == "email"
        _assert_paste_friendly(page)


def test_staff_typing_in_someone_elses_details_are_not_offered_their_own(
    client_request, login_as, make_event
):
    login_as(Role.SERVICE_MANAGER)
    event = make_event()
    pages = [
        f"{S}/staff/for-someone/enquiry",
        f"{S}/staff/for-someone/event/{event.id}",
        f"{S}/staff/for-someone/complaint",
        f"{S}/staff/for-someone/young-persons-complaint",
        f"{S}/staff/for-someone/independent-visitor",
        f"{S}/staff/invitations",
        f"{S}/staff/audit/",
        f"{S}/staff/people/",
    ]
    for url in pages:
        page = client_request.get(url)
        fields = _text_fields(page)
        assert fields, url
        for field in fields:
            assert field.get("autocomplete") not in OWN_PURPOSES, f"{url}: {field.get('name')}"


def test_signed_in_forms_for_passwords_and_codes_work_with_password_managers(
    app, client_request, login_as
):
    login_as(Role.APPROVED_CARER)
    page = client_request.get(f"{S}/account/change-password")
    assert _field(page, "current_password")["autocomplete"] == "current-password"
    assert _field(page, "new_password")["autocomplete"] == "new-password"
    _assert_paste_friendly(page)
    page = client_request.get(f"{S}/account/two-step-sign-in/set-up")
    _assert_code_field(page)
    _assert_paste_friendly(page)


# ---- 3.3.8 accessible authentication -------------------------------------------------------


def test_the_sign_in_code_can_be_pasted_with_the_spaces_an_app_shows(
    app, leicestershire, make_user
):
    staff = make_user(leicestershire, Role.RECRUITMENT)
    client = ClientRequest(app.test_client())
    page = client.get(f"{S}/sign-in")
    client.client.post(
        f"{S}/sign-in",
        data={
            "csrf_token": csrf_from(page),
            "email": staff.email,
            "password": "correct horse battery",
        },
    )
    page = client.get(f"{S}/sign-in/code")
    _assert_code_field(page)
    _assert_paste_friendly(page)
    code = one_time_code(staff.email)
    pasted = f" {code[:3]} {code[3:]} "  # as copied from an authenticator app
    response = client.client.post(
        f"{S}/sign-in/code", data={"csrf_token": csrf_from(page), "code": pasted}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{S}/staff/"

    again = client.get(f"{S}/account/confirm-it-is-you")
    _assert_code_field(again, digits_only=False)  # takes a recovery code too
    _assert_paste_friendly(again)


def test_new_staff_setting_up_their_app_can_paste_the_code(app, leicestershire, make_user):
    new_staff = make_user(leicestershire, Role.TRAINING_COORDINATOR, mfa=False)
    client = ClientRequest(app.test_client())
    page = client.get(f"{S}/sign-in")
    response = client.client.post(
        f"{S}/sign-in",
        data={
            "csrf_token": csrf_from(page),
            "email": new_staff.email,
            "password": "correct horse battery",
        },
    )
    assert response.headers["Location"] == f"{S}/sign-in/set-up-code"
    page = client.get(f"{S}/sign-in/set-up-code")
    _assert_code_field(page)
    _assert_paste_friendly(page)


# ---- 3.3.7 redundant entry -----------------------------------------------------------------

ENQUIRY = {
    "name": "Pat Example",
    "email": "pat@example.org",
    "phone": "0116 496 0000",
    "postcode": "le3 8sa",
    "adults_at_home": "2",
    "children_at_home": "1",
    "has_spare_bedroom": "yes",
    "interests": ["teenagers"],
    "heard_from": "friend-or-family",
}


def test_a_signed_in_person_is_not_asked_again_for_what_they_have_told_us(
    client_request, login_as, event_url
):
    person = login_as(Role.PROSPECTIVE_CARER, name="Pat Example", email="pat@example.org")
    enquiry = client_request.get(f"{S}/enquire")
    assert _field(enquiry, "name")["value"] == "Pat Example"
    assert _field(enquiry, "email")["value"] == person.email
    client_request.post_form(f"{S}/enquire", ENQUIRY)

    # Their phone number and postcode from the enquiry come forward to every later form.
    for url in (event_url, f"{S}/family-and-friends", f"{S}/independent-visitors/volunteer"):
        page = client_request.get(url)
        assert _field(page, "name")["value"] == "Pat Example", url
        assert _field(page, "email")["value"] == person.email, url
        assert _field(page, "phone")["value"] == "0116 496 0000", url
        if "postcode" in OWN_DETAILS.get(url, {}):
            assert _field(page, "postcode")["value"] == "LE3 8SA", url
    complaint = client_request.get(f"{S}/complaints/new")
    assert _field(complaint, "name")["value"] == "Pat Example"
    assert _field(complaint, "phone")["value"] == "0116 496 0000"


def test_a_young_persons_forms_leave_their_name_for_them_to_give(client_request, login_as):
    login_as(Role.YOUNG_PERSON, name="Sam Young")
    for url in (
        f"{S}/young-people/talk",
        f"{S}/young-people/complaint",
        f"{S}/young-people/independent-visitor",
    ):
        assert not _field(client_request.get(url), "name").get("value"), url


def test_what_was_typed_comes_back_after_a_mistake(client_request, leicestershire):
    page = client_request.post_form(
        f"{S}/enquire", {**ENQUIRY, "postcode": "not a postcode"}, expected_status=200
    )
    assert _field(page, "name")["value"] == "Pat Example"
    assert normalise_phone(_field(page, "phone")["value"]) == normalise_phone(ENQUIRY["phone"])
    assert "teenagers" in [
        box["value"] for box in page.soup.select('input[name="interests"][checked]')
    ]


# ---- error summaries -------------------------------------------------------------------------

PUBLIC_FORMS = [
    f"{S}/sign-in",
    f"{S}/register",
    f"{S}/forgot-password",
    f"{S}/enquire",
    f"{S}/family-and-friends",
    f"{S}/independent-visitors/volunteer",
    f"{S}/young-people/independent-visitor",
    f"{S}/young-people/talk",
    f"{S}/young-people/messages",
    f"{S}/complaints/new",
    f"{S}/young-people/complaint",
    f"{S}/complaints/follow",
]
STAFF_FORMS = [
    f"{S}/staff/invitations",
    f"{S}/staff/events/new",
    f"{S}/staff/training/courses/new",
    f"{S}/staff/for-someone/enquiry",
    f"{S}/staff/for-someone/complaint",
]


def _assert_summary_links_to_fields(page, url):
    summary = page.soup.select_one(".govuk-error-summary")
    assert summary is not None, f"{url}: no error summary"
    assert summary["data-module"] == "govuk-error-summary", url
    links = summary.select(".govuk-error-summary__list a")
    assert links, f"{url}: the summary lists no errors"
    for link in links:
        target = link["href"]
        assert target.startswith("#"), f"{url}: {target}"
        element = page.soup.find(id=target[1:])
        assert element is not None, f"{url}: {target} is not on the page"
        assert element.name in {"input", "textarea", "select"}, f"{url}: {target}"
        message = page.soup.find(id=f"{target[1:]}-error") or page.soup.find(
            id=f"{target[1:]}-date-error"
        )
        assert message is not None, f"{url}: {target} has no message beside it"
    return links


def _post_empty(client_request, url, **kwargs):
    token = csrf_from(client_request.get(url))
    return parse(client_request.client.post(url, data={"csrf_token": token}, **kwargs))


def test_every_main_forms_error_summary_takes_focus_and_links_to_its_fields(
    client_request, leicestershire, event_url
):
    for url in [*PUBLIC_FORMS, event_url]:
        page = _post_empty(client_request, url)
        assert page.status == 200, url
        assert page.title.startswith("Error:"), url
        _assert_summary_links_to_fields(page, url)

    # The same form sent by htmx answers with its part of the page, summary and all.
    page = _post_empty(client_request, event_url, headers={"HX-Request": "true"})
    _assert_summary_links_to_fields(page, event_url)
    assert page.soup.select_one("form")["hx-post"] == event_url


def test_staff_forms_error_summaries_link_to_their_fields(client_request, login_as):
    login_as(Role.SERVICE_MANAGER)
    for url in STAFF_FORMS:
        page = _post_empty(client_request, url)
        assert page.status == 200, url
        _assert_summary_links_to_fields(page, url)


# ---- 3.2.6 consistent help -------------------------------------------------------------------


def _help_in_order(page) -> list[str]:
    """The help a page offers, in the order it comes: the menu's 'Contact us', young
    people's 'Help now', and the footer's contact page, complaints and phone number."""
    found = []
    for element in page.soup.find_all(["a", "aside"]):
        href = element.get("href", "")
        in_menu = element.find_parent(class_="govuk-service-navigation") is not None
        in_footer = element.find_parent("footer") is not None
        if element.name == "aside" and "app-help-now" in element.get("class", []):
            found.append("help now")
        elif in_menu and href == f"{S}/contact":
            found.append("menu: contact us")
        elif in_footer and href == f"{S}/contact":
            found.append("footer: contact us")
        elif in_footer and href == f"{S}/complaints":
            found.append("footer: complaints")
        elif in_footer and href.startswith("tel:"):
            found.append("footer: phone")
    return found


EVERYONE = [
    f"{S}/",
    f"{S}/contact",
    f"{S}/events",
    f"{S}/thinking-about-fostering",
    f"{S}/young-people",
    f"{S}/young-people/talk",
    f"{S}/complaints",
    f"{S}/young-people/complaint",
    f"{S}/sign-in",
    f"{S}/accessibility",
]
SIGNED_IN = {
    Role.PROSPECTIVE_CARER: [f"{S}/account", f"{S}/my-application", f"{S}/enquire"],
    Role.APPROVED_CARER: [
        f"{S}/account",
        f"{S}/training",
        f"{S}/tsds",
        f"{S}/foster-carers/support",
    ],
    Role.YOUNG_PERSON: [f"{S}/account", f"{S}/young-people/talk", f"{S}/young-people/messages"],
    Role.SERVICE_MANAGER: [f"{S}/staff/", f"{S}/staff/people/", f"{S}/staff/settings/"],
    Role.CHILDRENS_RIGHTS_OFFICER: [f"{S}/staff/", f"{S}/staff/childrens-rights"],
}
BASE_HELP = ["menu: contact us", "footer: contact us", "footer: complaints", "footer: phone"]


def _assert_help_consistent(page, url):
    found = _help_in_order(page)
    assert [item for item in found if item != "help now"] == BASE_HELP, f"{url}: {found}"
    if "help now" in found:  # young people's pages: between the menu and the footer
        assert found.index("menu: contact us") < found.index("help now")
        assert found.index("help now") < found.index("footer: contact us")


def test_help_is_in_the_same_place_on_every_page_for_everyone(
    app, client_request, leicestershire, make_user
):
    for url in EVERYONE:
        page = client_request.get(url)
        _assert_help_consistent(page, url)
    for role, urls in SIGNED_IN.items():
        client = ClientRequest(app.test_client())
        sign_in(client, make_user(leicestershire, role).email)
        for url in urls:
            page = client.get(url)
            _assert_help_consistent(page, f"{role}: {url}")
