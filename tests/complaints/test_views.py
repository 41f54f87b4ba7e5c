"""Making and following a complaint, and the complaints manager's work, through the pages."""

from datetime import date, timedelta

from sqlalchemy import select, text

from portal.accounts.models import Role
from portal.complaints import services
from portal.complaints.models import Complaint
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.core.times import london_today
from portal.core.working_days import add_working_days
from tests.conftest import ClientRequest, csrf_from, links_in, parse, path_of, sign_in

BODY = "Our supervising social worker cancelled four visits in a row and never called back."
YOUNG = "My foster carer reads my messages and will not let me see my brother."


def _make(client_request, service="leicestershire", **fields):
    data = {
        "complainant": "foster-carer",
        "body": BODY,
        "name": "Casey Carer",
        "email": "casey@example.org",
        "happened_on": ["", "", ""],
        **fields,
    }
    client_request.post_form(f"/{service}/complaints/new", data)
    page = client_request.get(f"/{service}/complaints/sent")
    reference, phrase = (dd.get_text(strip=True) for dd in page.soup.select(".app-secret__value"))
    return page, reference, phrase


def _staff(app, service, make_user, role=Role.COMPLAINTS_MANAGER, email=None):
    user = make_user(service, role, email=email)
    client = ClientRequest(app.test_client())
    sign_in(client, user.email, service=service.slug)
    return client, user


def _staff_post(client, url, prefix, data, expected_status=302):
    """Post one of the several forms on a complaint's staff page (each has a prefix)."""
    page = client.get(url.rsplit("/", 1)[0])
    token = page.soup.find("input", attrs={"name": f"{prefix}-csrf_token"})["value"]
    response = client.client.post(
        url, data={f"{prefix}-csrf_token": token, **{f"{prefix}-{k}": v for k, v in data.items()}}
    )
    assert response.status_code == expected_status, response.get_data(as_text=True)[:2000]
    return parse(response)


def test_anyone_can_complain_and_gets_a_reference_secret_words_and_a_date(
    app, client_request, leicestershire, make_user, smtp_server
):
    manager = make_user(leicestershire, Role.COMPLAINTS_MANAGER, email="cam@example.org")
    start = client_request.get("/leicestershire/complaints")
    assert "Make a complaint" in start.h1
    page, reference, phrase = _make(client_request)
    assert reference.startswith("CP-") and len(phrase.split("-")) == 4
    due = add_working_days(london_today(utcnow()), 10)
    assert page.soup.select_one("[data-due]")["data-due"] == due.isoformat()
    assert phrase not in page.response.request.url

    stored = db.session.execute(text("SELECT body, email FROM complaint")).one()
    assert "visits" not in stored[0] and "casey" not in stored[1]

    messages = smtp_server.deliver()
    by_recipient = {m["To"]: m for m in messages}
    for message in by_recipient.values():
        whole = message.as_string()
        assert "cancelled four visits" not in whole and phrase not in whole
    acknowledgement = by_recipient["casey@example.org"]
    assert reference in acknowledgement.get_body(preferencelist=("plain",)).get_content()
    assert reference not in acknowledgement["Subject"]
    alert = by_recipient[manager.email]
    assert path_of(links_in(alert)[0]).startswith("/leicestershire/staff/complaints/")

    later = ClientRequest(app.test_client())
    later.post_form(
        "/leicestershire/complaints/follow",
        {"reference": reference.lower(), "phrase": phrase.replace("-", " ")},
    )
    yours = later.get("/leicestershire/complaints/yours")
    assert BODY in yours.text()
    assert yours.soup.select_one("[data-due]")["data-due"] == due.isoformat()


def test_bad_input_is_explained_beside_each_field_and_the_text_is_kept(
    client_request, leicestershire
):
    tomorrow = london_today(utcnow()) + timedelta(days=1)
    long = "x" * 10001
    page = client_request.post_form(
        "/leicestershire/complaints/new",
        {
            "body": long,
            "name": "",
            "email": "not an email",
            "phone": "12",
            "happened_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
        },
        expected_status=200,
    )
    assert page.error_for("complainant") == "Choose who you are"
    assert page.error_for("body") == "This must be 10000 characters or fewer"
    assert page.error_for("name") == "Enter your full name"
    assert page.error_for("email").startswith("Enter an email address in the correct format")
    assert page.error_for("phone").startswith("Enter a telephone number")
    assert page.error_for("happened_on-date") == "The date must be today or in the past"
    assert page.soup.find(id="body").get_text() == long
    assert page.soup.find(id="email")["value"] == "not an email"
    assert page.title.startswith("Error:")

    page = client_request.post_form(
        "/leicestershire/complaints/new",
        {"complainant": "parent", "body": "", "name": "Pat", "happened_on": ["31", "2", "2026"]},
        expected_status=200,
    )
    assert page.error_for("body") == "Tell us what your complaint is about"
    assert page.error_for("happened_on-date") == "Enter a real date, or leave it empty"


def test_a_complaint_over_a_year_old_is_accepted_with_a_note(client_request, leicestershire):
    old = london_today(utcnow()) - timedelta(days=400)
    client_request.post_form(
        "/leicestershire/complaints/new",
        {
            "complainant": "parent",
            "body": BODY,
            "name": "Pat Parent",
            "happened_on": [str(old.day), str(old.month), str(old.year)],
        },
    )
    page = client_request.get("/leicestershire/complaints/sent")
    assert "more than a year ago" in page.text()
    assert db.session.scalar(select(Complaint)).is_late


def test_a_young_person_complains_in_their_own_area_and_can_ask_for_an_advocate(
    app, client_request, leicestershire, make_user
):
    form = client_request.get("/leicestershire/young-people/complaint")
    assert form.soup.select_one(".govuk-exit-this-page")
    assert form.soup.find(id="help-now-heading")
    assert form.soup.find(id="complainant") is None  # no "who are you" question
    client_request.post_form(
        "/leicestershire/young-people/complaint",
        {"body": YOUNG, "wants_advocate": "yes", "happened_on": ["", "", ""]},
    )
    sent = client_request.get("/leicestershire/complaints/sent")
    assert sent.soup.select_one(".govuk-exit-this-page")
    complaint = db.session.scalar(select(Complaint))
    assert complaint.complainant == "young-person" and complaint.wants_advocate
    assert complaint.name is None and complaint.email is None

    staff, _ = _staff(app, leicestershire, make_user)
    listed = staff.get("/leicestershire/staff/complaints")
    assert "Advocate asked for" in listed.text()
    assert "A child or young person in care" in listed.text()


def test_wrong_halves_look_the_same_and_other_services_cannot_open_it(
    app, client_request, leicestershire, lancashire
):
    _, reference, phrase = _make(client_request)
    other = ClientRequest(app.test_client())
    said = set()
    for service, ref, words in [
        ("leicestershire", reference, "wrong-words-here-10"),
        ("leicestershire", "CP-ZZZZZZ", phrase),
        ("lancashire", reference, phrase),
    ]:
        page = other.post_form(
            f"/{service}/complaints/follow",
            {"reference": ref, "phrase": words},
            expected_status=200,
        )
        said.add(page.error_for("reference"))
    assert len(said) == 1 and next(iter(said)).startswith("We could not find a complaint")
    assert other.get("/leicestershire/complaints/yours", expected_status=302)


def test_guessing_is_limited_to_ten_tries_in_five_minutes(app, leicestershire):
    from portal.core.extensions import limiter

    guesser = ClientRequest(app.test_client())
    token = csrf_from(guesser.get("/leicestershire/complaints/follow"))
    relaxed = app.config["AUTH_ATTEMPTS_LIMIT"]
    app.config["AUTH_ATTEMPTS_LIMIT"] = "10 per 5 minutes"
    limiter.reset()
    try:
        statuses = [
            guesser.client.post(
                "/leicestershire/complaints/follow",
                data={"csrf_token": token, "reference": "CP-AAAAAA", "phrase": f"a-b-c-{n}"},
            ).status_code
            for n in range(11)
        ]
    finally:
        app.config["AUTH_ATTEMPTS_LIMIT"] = relaxed
        limiter.reset()
    assert statuses == [200] * 10 + [429]


def test_the_manager_answers_stage_one_and_the_complainant_asks_for_stage_two(
    app, client_request, leicestershire, make_user, smtp_server
):
    _, reference, _words = _make(client_request)
    staff, _ = _staff(app, leicestershire, make_user)
    complaint = db.session.scalar(select(Complaint))
    url = f"/leicestershire/staff/complaints/{complaint.id}"
    page = staff.get(url)
    assert BODY in page.text()
    assert "10 working days left" in page.soup.find(id="clock").get_text(" ", strip=True)

    # A response with no outcome is explained and kept.
    page = _staff_post(staff, url + "/respond", "respond", {"response": "We are sorry."}, 200)
    assert page.error_for("respond-outcome") == "Choose the outcome"
    assert page.soup.find(id="respond-response").get_text() == "We are sorry."

    smtp_server.deliver()  # the acknowledgement
    _staff_post(
        staff,
        url + "/respond",
        "respond",
        {"response": "We are sorry. Your worker will call weekly.", "outcome": "upheld"},
    )
    [told] = smtp_server.deliver()[-1:]
    assert told["To"] == "casey@example.org"
    assert "cancelled" not in told.as_string() and "call weekly" not in told.as_string()
    window_ends = add_working_days(london_today(utcnow()), 20)

    yours = client_request.get("/leicestershire/complaints/yours")
    assert "call weekly" in yours.text()
    assert window_ends.strftime("%-d %B %Y") in yours.text()
    client_request.post_form(
        "/leicestershire/complaints/yours/next-stage",
        {"why": "A call is not a visit."},
        form_page="/leicestershire/complaints/yours",
    )
    db.session.refresh(complaint)
    assert complaint.stage.number == 2
    assert complaint.stage.due_on == add_working_days(london_today(utcnow()), 25)
    listed = staff.get("/leicestershire/staff/complaints")
    row = listed.soup.find("a", string=reference).find_parent("tr").get_text(" ", strip=True)
    assert "2" in row and "25 working days left" in row

    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "Complaint")
    ).all()
    assert {
        "complaint.made",
        "complaint.viewed",
        "complaint.responded",
        "complaint.next_stage",
    } <= set(actions)


def test_after_the_window_the_complainant_is_told_their_options(
    client_request, leicestershire, make_user
):
    _make(client_request)
    complaint = db.session.scalar(select(Complaint))
    long_ago = london_today(utcnow()) - timedelta(days=60)
    complaint.stage.responded_on = long_ago
    complaint.stage.response = "Not upheld."
    complaint.stage.outcome = "not-upheld"
    db.session.commit()
    page = client_request.get("/leicestershire/complaints/yours")
    assert "has passed" in page.text()
    assert "Local Government and Social Care Ombudsman" in page.text()
    assert page.soup.find(id="why") is None
    client_request.post_form(
        "/leicestershire/complaints/yours/next-stage",
        {"why": "Please"},
        form_page="/leicestershire/complaints/yours",
    )
    db.session.refresh(complaint)
    assert len(complaint.stages) == 1


def test_the_manager_extends_once_with_a_reason_the_complainant_sees(
    app, client_request, leicestershire, make_user
):
    _make(client_request)
    staff, _ = _staff(app, leicestershire, make_user)
    complaint = db.session.scalar(select(Complaint))
    url = f"/leicestershire/staff/complaints/{complaint.id}"
    page = _staff_post(staff, url + "/extend", "extend", {"reason": ""}, 200)
    assert page.error_for("extend-reason") == "Give the reason for the extension"
    _staff_post(staff, url + "/extend", "extend", {"reason": "The worker is on leave."})
    db.session.refresh(complaint)
    assert complaint.stage.due_on == add_working_days(complaint.received_on, 20)
    assert staff.get(url).soup.find(id="extend") is None
    assert (
        "The worker is on leave." in client_request.get("/leicestershire/complaints/yours").text()
    )


def test_only_this_services_complaints_managers_read_complaints(
    app, client_request, leicestershire, lancashire, make_user
):
    _make(client_request)
    complaint = db.session.scalar(select(Complaint))
    url = f"/leicestershire/staff/complaints/{complaint.id}"
    officer, _ = _staff(app, leicestershire, make_user, Role.CHILDRENS_RIGHTS_OFFICER)
    officer.get(url, expected_status=403)
    officer.get("/leicestershire/staff/complaints", expected_status=403)
    elsewhere, _ = _staff(app, lancashire, make_user)
    elsewhere.get(f"/lancashire/staff/complaints/{complaint.id}", expected_status=404)
    assert complaint.reference not in elsewhere.get("/lancashire/staff/complaints").text()
    anonymous = ClientRequest(app.test_client())
    response = anonymous.client.get(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    manager, _ = _staff(app, leicestershire, make_user, Role.SERVICE_MANAGER)
    assert BODY in manager.get(url).text()


def test_a_signed_in_person_opens_their_own_complaint_without_the_words(
    app, client_request, leicestershire, login_as
):
    carer = login_as(Role.APPROVED_CARER)
    _make(client_request)
    complaint = db.session.scalar(select(Complaint))
    assert complaint.user_id == carer.id
    client_request.post_form(
        "/leicestershire/complaints/yours/close", {}, form_page="/leicestershire/complaints/yours"
    )
    follow = client_request.get("/leicestershire/complaints/follow")
    assert complaint.reference in follow.text()
    client_request.post_form(
        f"/leicestershire/complaints/mine/{complaint.id}",
        {},
        form_page="/leicestershire/complaints/follow",
    )
    assert BODY in client_request.get("/leicestershire/complaints/yours").text()
    stranger = ClientRequest(app.test_client())
    token = csrf_from(stranger.get("/leicestershire/complaints/follow"))
    response = stranger.client.post(
        f"/leicestershire/complaints/mine/{complaint.id}", data={"csrf_token": token}
    )
    assert response.status_code == 404


def test_closing_and_the_stage_three_panel(app, client_request, leicestershire, make_user):
    _make(client_request)
    staff, manager = _staff(app, leicestershire, make_user)
    complaint = db.session.scalar(select(Complaint))
    now = utcnow()
    with app.test_request_context("/leicestershire/"):
        for number in (1, 2):
            services.respond(
                complaint.stage,
                response=f"Answer {number}",
                outcome="not-upheld",
                by=manager,
                now=now,
            )
            services.ask_for_next_stage(complaint, why="Still unhappy", now=now)
    url = f"/leicestershire/staff/complaints/{complaint.id}"
    page = staff.get(url)
    assert page.soup.find(id="panel") and page.soup.find(id="extend") is None
    panel_day = complaint.stage.due_on - timedelta(days=1)
    _staff_post(
        staff,
        url + "/panel",
        "panel",
        {"panel_on": [str(panel_day.day), str(panel_day.month), str(panel_day.year)]},
    )
    db.session.refresh(complaint)
    assert complaint.stage.panel_on == panel_day
    page = _staff_post(staff, url + "/close", "close", {}, 200)
    assert page.error_for("close-because") == "Choose why the complaint is closing"
    _staff_post(staff, url + "/close", "close", {"because": "withdrawn"})
    db.session.refresh(complaint)
    assert complaint.is_closed
    assert complaint.reference not in staff.get("/leicestershire/staff/complaints").text()
    assert complaint.reference in staff.get("/leicestershire/staff/complaints?show=all").text()
    assert date.today() >= complaint.closed_on


def test_without_a_complaints_manager_the_published_address_is_told(
    client_request, make_service, smtp_server
):
    make_service("leicestershire", complaints_email="complaints@example.org")
    _make(client_request)
    recipients = {m["To"] for m in smtp_server.deliver()}
    assert recipients == {"casey@example.org", "complaints@example.org"}
