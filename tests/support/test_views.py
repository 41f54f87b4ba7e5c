"""Support pages: the public carers' page, and staff keeping it up to date."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.core.times import london_today
from portal.support import services
from portal.support.models import AllowanceLevel, PaymentKind, SupportMeeting

SUPPORT = "/leicestershire/foster-carers/support"
STAFF = "/leicestershire/staff/support"
NEW_MEETING = f"{STAFF}/meetings/new"
INFORMATION = f"{STAFF}/information"
NEW_LEVEL = f"{STAFF}/levels/new"
NOT_AN_AMOUNT = "Enter an amount in pounds, like 195 or 195.50"


def _headings(page) -> list[str]:
    return [h.get_text(" ", strip=True) for h in page.soup.find("main").find_all("h2")]


def _meeting_form(service, in_days=14, **overrides):
    day = london_today(utcnow()) + timedelta(days=in_days)
    return {
        "group": str(service.localities[0].id),
        "day": [str(day.day), str(day.month), str(day.year)],
        "starts": "10:00",
        "ends": "12:00",
        "place": str(service.venues[0].id),
        "every_months": "0",
        "times": "",
        **overrides,
    }


# ---- the carers' page ------------------------------------------------------------------


def test_the_support_page_is_public_and_leaves_out_empty_parts(client_request, leicestershire):
    page = client_request.get(SUPPORT)
    assert page.h1 == "Support for foster carers"
    assert _headings(page) == ["Urgent help"]


def test_the_support_page_shows_every_part_the_service_has(
    client_request, leicestershire, add_meeting, add_level
):
    add_meeting(every_months=1, times=3)
    add_meeting(forum=True, in_days=30)
    add_level("Level 1", "95", description="Every approved carer.")
    add_level("Age 0 to 2", "200", kind=PaymentKind.ALLOWANCE)
    services.update_information(
        leicestershire,
        mentor_scheme="Ask for a mentor.\n\nThey are experienced carers.",
        allegations_guidance="Tell your supervising social worker straight away.",
        allowances_note="Amounts from April.",
        out_of_hours_phone="0116 255 1606",
        by=None,
        now=utcnow(),
    )
    page = client_request.get(SUPPORT)
    assert _headings(page) == [
        "Urgent help",
        "Local support groups",
        "Foster Carers Forum",
        "A mentor in your first year",
        "Fees and allowances",
        "If an allegation is made against you",
    ]
    assert page.soup.find("a", href="tel:01162551606").get_text() == "0116 255 1606"
    group = page.soup.find("h3", string="Locality support groups").find_next("ul")
    assert len(group.find_all("li")) == 3
    assert "County Hall, Glenfield, LE3 8SA" in group.get_text()
    tables = page.soup.find_all("table")
    assert [t.caption.get_text(strip=True) for t in tables] == [
        "Fees for your skills, per carer",
        "Allowances for the child's costs, per child",
    ]
    assert "£95.00" in tables[0].get_text()
    # The allowances have no descriptions, so no empty column.
    assert len(tables[1].find_all("th", scope="col")) == 2
    assert "They are experienced carers." in [p.get_text() for p in page.soup.find_all("p")]


def test_the_support_page_queries_stay_the_same_as_meetings_grow(
    client, leicestershire, lancashire, add_meeting, count_queries
):
    add_meeting()
    add_meeting(forum=True)
    client.get(SUPPORT)
    with count_queries() as few:
        client.get(SUPPORT)
    add_meeting(every_months=1, times=12)
    add_meeting(forum=True, every_months=3, times=12)
    for service in (lancashire,):
        add_meeting(service=service, every_months=1, times=12)
    with count_queries() as many:
        response = client.get(SUPPORT)
    assert response.status_code == 200
    assert many["n"] == few["n"]


def test_an_unknown_service_is_not_found(client_request):
    client_request.get("/nowhere/foster-carers/support", expected_status=404)


# ---- who may change it -----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SERVICE_MANAGER, Role.SUPERVISING_SOCIAL_WORKER])
def test_managers_and_supervising_social_workers_see_the_staff_page(client_request, login_as, role):
    login_as(role)
    page = client_request.get(STAFF)
    assert page.h1 == "Support for foster carers"
    assert "No meetings are planned." in page.text()


@pytest.mark.parametrize("role", [Role.APPROVED_CARER, Role.RECRUITMENT])
def test_other_people_cannot_use_the_staff_pages(client_request, login_as, role):
    login_as(role)
    for url in (STAFF, NEW_MEETING, INFORMATION, NEW_LEVEL):
        client_request.get(url, expected_status=403)


def test_signing_in_comes_first(client_request, leicestershire):
    page = client_request.get(STAFF, expected_status=302)
    assert "/leicestershire/sign-in" in page.response.headers["Location"]


def test_staff_from_another_service_cannot_change_this_ones_support(
    client, client_request, login_as, leicestershire, lancashire, add_meeting, add_level
):
    meeting = add_meeting()[0]
    level = add_level()
    login_as(Role.SERVICE_MANAGER, service=lancashire)
    token_page = client_request.get("/lancashire/staff/support/information")
    token = token_page.soup.find("input", attrs={"name": "csrf_token"})["value"]

    assert client.get(INFORMATION).status_code == 302  # anonymous in Leicestershire
    attempts = [
        (INFORMATION, {"allegations_guidance": "Changed by Lancashire"}),
        (f"{STAFF}/meetings/{meeting.id}/remove", {}),
        (f"{STAFF}/levels/{level.id}/remove", {}),
        (f"{STAFF}/levels/{level.id}/edit", {"kind": "fee", "name": "X", "weekly_amount": "1"}),
        (NEW_MEETING, _meeting_form(leicestershire)),
    ]
    for url, data in attempts:
        response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 302
        assert "/leicestershire/sign-in" in response.headers["Location"]
    assert services.find_information(leicestershire) is None
    assert db.session.get(SupportMeeting, meeting.id) is not None
    assert db.session.get(AllowanceLevel, level.id).name == "Level 1"
    assert len(db.session.scalars(select(SupportMeeting)).all()) == 1


def test_another_services_meetings_and_levels_are_not_found(
    client_request, login_as, lancashire, add_meeting, add_level
):
    meeting = add_meeting(service=lancashire)[0]
    level = add_level(service=lancashire)
    login_as(Role.SERVICE_MANAGER)
    client_request.post_form(
        f"{STAFF}/meetings/{meeting.id}/remove", {}, expected_status=404, form_page=NEW_LEVEL
    )
    client_request.get(f"{STAFF}/levels/{level.id}/edit", expected_status=404)
    client_request.post_form(
        f"{STAFF}/levels/{level.id}/remove", {}, expected_status=404, form_page=NEW_LEVEL
    )
    assert db.session.get(SupportMeeting, meeting.id) is not None


def test_a_post_without_its_csrf_token_is_refused(client, login_as, leicestershire):
    login_as(Role.SERVICE_MANAGER)
    response = client.post(INFORMATION, data={"allegations_guidance": "No token"})
    assert response.status_code == 400
    assert services.find_information(leicestershire) is None


# ---- meetings ----------------------------------------------------------------------------


def test_staff_add_a_monthly_run_of_group_meetings_carers_then_see(
    client_request, login_as, leicestershire
):
    login_as(Role.SUPERVISING_SOCIAL_WORKER)
    page = client_request.post_form(
        NEW_MEETING, _meeting_form(leicestershire, every_months="1", times="3")
    )
    assert page.response.headers["Location"] == STAFF
    meetings = db.session.scalars(select(SupportMeeting).order_by(SupportMeeting.starts_at))
    meetings = list(meetings)
    assert len(meetings) == 3
    assert {m.group.locality.name for m in meetings} == {"Locality support groups"}
    assert {m.starts_at.weekday() for m in meetings} == {meetings[0].starts_at.weekday()}
    assert "3 meetings added." in client_request.get(STAFF).text()
    carers = client_request.get(SUPPORT)
    assert "Local support groups" in _headings(carers)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("support.meeting_added") == 3


def test_staff_add_an_online_forum_date(client_request, login_as, leicestershire):
    login_as(Role.SERVICE_MANAGER)
    page = client_request.get(f"{NEW_MEETING}?group=forum")
    assert page.soup.find("input", attrs={"name": "group", "value": "forum"}).has_attr("checked")
    client_request.post_form(
        NEW_MEETING, _meeting_form(leicestershire, group="forum", place="online")
    )
    meeting = db.session.scalar(select(SupportMeeting))
    assert meeting.is_forum and meeting.is_online and meeting.venue is None
    assert (
        "Online"
        in client_request.get(SUPPORT)
        .soup.find("h2", string="Foster Carers Forum")
        .find_next("ul")
        .get_text()
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"day": ["", "", ""]}, "day-date", "Enter the date of the meeting"),
        ({"day": ["31", "2", "2027"]}, "day-date", "The date of the meeting must be a real date"),
        ({"starts": "half ten"}, "starts", "Enter a real time, like 18:30"),
        ({"ends": "09:00"}, "ends", "The end time must be after the start time"),
        ({"group": ""}, "group", "Choose which group is meeting"),
        ({"place": ""}, "place", "Choose where the meeting is"),
        ({"every_months": "1"}, "times", "Enter how many meetings to add"),
        ({"every_months": "1", "times": "40"}, "times", "Add from 2 to 12 meetings"),
        (
            {"every_months": "1", "times": "lots"},
            "times",
            "Enter how many meetings as a number, like 3",
        ),
    ],
)
def test_a_meeting_with_a_mistake_is_explained_beside_the_field(
    client_request, login_as, leicestershire, overrides, field, message
):
    login_as(Role.SERVICE_MANAGER)
    page = client_request.post_form(
        NEW_MEETING, _meeting_form(leicestershire, **overrides), expected_status=200
    )
    assert page.error_for(field) == message
    assert page.title.startswith("Error:")
    assert page.soup.find("input", attrs={"name": "starts"})["value"] == overrides.get(
        "starts", "10:00"
    )
    assert db.session.scalar(select(SupportMeeting)) is None


def test_a_meeting_cannot_be_added_in_the_past(client_request, login_as, leicestershire):
    login_as(Role.SERVICE_MANAGER)
    page = client_request.post_form(
        NEW_MEETING, _meeting_form(leicestershire, in_days=-1), expected_status=200
    )
    assert page.error_for("day-date") == "The date of the meeting must be today or in the future"


def test_a_meeting_cannot_be_added_years_ahead(client_request, login_as, leicestershire):
    login_as(Role.SERVICE_MANAGER)
    data = _meeting_form(leicestershire, day=["1", "1", "9999"], every_months="3", times="12")
    page = client_request.post_form(NEW_MEETING, data, expected_status=200)
    assert page.error_for("day-date") == "The date of the meeting must be within the next 2 years"


def test_a_tampered_group_or_place_is_refused(client_request, login_as, leicestershire, lancashire):
    login_as(Role.SERVICE_MANAGER)
    other = _meeting_form(lancashire)
    page = client_request.post_form(
        NEW_MEETING,
        _meeting_form(leicestershire, group=other["group"], place=other["place"]),
        expected_status=200,
    )
    assert page.error_for("group") == "Choose which group is meeting"
    assert page.error_for("place") == "Choose where the meeting is"


def test_staff_remove_a_meeting(client_request, login_as, leicestershire, add_meeting):
    meeting = add_meeting()[0]
    login_as(Role.SERVICE_MANAGER)
    page = client_request.get(STAFF)
    button = page.soup.find(id=f"remove-meeting-{meeting.id}")
    assert "Remove" in button.get_text()
    client_request.post_form(f"{STAFF}/meetings/{meeting.id}/remove", {}, form_page=STAFF)
    assert db.session.scalar(select(SupportMeeting)) is None
    assert "Meeting removed." in client_request.get(STAFF).text()
    assert "support.meeting_removed" in db.session.scalars(select(AuditEvent.action)).all()


# ---- the service's words -------------------------------------------------------------------


def test_staff_edit_the_texts_and_out_of_hours_number(client_request, login_as, leicestershire):
    login_as(Role.SERVICE_MANAGER)
    client_request.post_form(
        INFORMATION,
        {
            "out_of_hours_phone": "0116 255 1606",
            "mentor_scheme": "Every new carer gets a mentor.",
            "allegations_guidance": "Call your supervising social worker.",
            "allowances_note": "",
        },
    )
    db.session.refresh(leicestershire)
    assert leicestershire.out_of_hours_phone == "0116 255 1606"
    form = client_request.get(INFORMATION)
    assert form.soup.find("textarea", id="mentor_scheme").get_text() == (
        "Every new carer gets a mentor."
    )
    assert form.soup.find("input", id="out_of_hours_phone")["value"] == "0116 255 1606"
    carers = client_request.get(SUPPORT)
    assert "Every new carer gets a mentor." in carers.text()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "support.information_updated")
    )
    assert set(event.detail["changed"]) == {
        "out_of_hours_phone",
        "mentor_scheme",
        "allegations_guidance",
    }


def test_a_wrong_phone_number_is_explained_and_the_texts_are_kept(
    client_request, login_as, leicestershire
):
    login_as(Role.SERVICE_MANAGER)
    page = client_request.post_form(
        INFORMATION,
        {"out_of_hours_phone": "ring the office", "mentor_scheme": "Keep me"},
        expected_status=200,
    )
    assert page.error_for("out_of_hours_phone").startswith("Enter a telephone number")
    assert page.soup.find("textarea", id="mentor_scheme").get_text() == "Keep me"
    assert page.soup.find("input", id="out_of_hours_phone")["value"] == "ring the office"
    assert services.find_information(leicestershire) is None


def test_too_long_a_text_is_explained(client_request, login_as, leicestershire):
    login_as(Role.SERVICE_MANAGER)
    page = client_request.post_form(
        INFORMATION, {"allegations_guidance": "x" * 4001}, expected_status=200
    )
    assert page.error_for("allegations_guidance") == (
        "What to do if an allegation is made must be 4000 characters or fewer"
    )


# ---- fees and allowances -------------------------------------------------------------------


def test_staff_add_change_and_remove_a_level(client_request, login_as, leicestershire):
    login_as(Role.SERVICE_MANAGER)
    client_request.post_form(
        NEW_LEVEL,
        {"kind": "fee", "name": "Level 1", "description": "New carers", "weekly_amount": "£1,095"},
    )
    level = db.session.scalar(select(AllowanceLevel))
    assert str(level.weekly_amount) == "1095.00"
    edit = f"{STAFF}/levels/{level.id}/edit"
    form = client_request.get(edit)
    assert form.soup.find("input", id="weekly_amount")["value"] == "1095.00"
    client_request.post_form(
        edit, {"kind": "fee", "name": "Level 1", "description": "", "weekly_amount": "99.50"}
    )
    db.session.refresh(level)
    assert str(level.weekly_amount) == "99.50"
    assert "£99.50" in client_request.get(SUPPORT).text()
    assert form.soup.find(id="remove-level").get_text(strip=True) == "Remove level"
    client_request.post_form(f"{STAFF}/levels/{level.id}/remove", {}, form_page=edit)
    assert db.session.scalar(select(AllowanceLevel)) is None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"support.level_added", "support.level_changed", "support.level_removed"} <= set(actions)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"weekly_amount": ""}, "weekly_amount", "Enter the amount per week"),
        (
            {"weekly_amount": "lots"},
            "weekly_amount",
            "Enter an amount in pounds, like 195 or 195.50",
        ),
        ({"weekly_amount": "0"}, "weekly_amount", "Enter an amount between £0.01 and £9,999.99"),
        (
            {"weekly_amount": "12.345"},
            "weekly_amount",
            "Enter an amount in pounds, like 195 or 195.50",
        ),
        ({"name": ""}, "name", "Enter the name of the level"),
        ({"name": "   "}, "name", "Enter the name of the level"),
        ({"kind": ""}, "kind", "Choose whether it is a fee or an allowance"),
        ({"kind": "bonus"}, "kind", "Choose whether it is a fee or an allowance"),
    ],
)
def test_a_level_with_a_mistake_is_explained_beside_the_field(
    client_request, login_as, leicestershire, overrides, field, message
):
    login_as(Role.SERVICE_MANAGER)
    data = {"kind": "fee", "name": "Level 1", "description": "Kept", "weekly_amount": "95"}
    page = client_request.post_form(NEW_LEVEL, {**data, **overrides}, expected_status=200)
    assert page.error_for(field) == message
    assert page.soup.find("input", id="description")["value"] == "Kept"
    assert db.session.scalar(select(AllowanceLevel)) is None


def test_two_levels_cannot_share_a_name(client_request, login_as, leicestershire, add_level):
    add_level("Level 1")
    login_as(Role.SERVICE_MANAGER)
    page = client_request.post_form(
        NEW_LEVEL,
        {"kind": "fee", "name": "level 1", "weekly_amount": "100"},
        expected_status=200,
    )
    assert page.error_for("name") == "There is already a level with this name"


@pytest.mark.parametrize("language", ["pl", "ur", "gu"])
def test_the_support_page_works_in_every_language(
    client, client_request, leicestershire, add_meeting, add_level, language
):
    add_meeting()
    add_level("Level 1", "95")
    client.get(f"/language/{language}?next={SUPPORT}")
    page = client_request.get(SUPPORT)
    assert page.soup.html["lang"] == language
    assert "Level 1" in page.text()
