"""The TSDS workbook: deadlines in calendar months, the evidence cycle, the social
workers' lists in constant queries, and reminders no more than once a week."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import CarerType, Role
from portal.core import uploads
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import OutboxMessage
from portal.core.times import london_today
from portal.tsds import services
from portal.tsds.models import Evidence, EvidenceStatus, SetKey
from tests.conftest import ClientRequest, sign_in


@pytest.mark.parametrize(
    ("approved", "carer_type", "due"),
    [
        (date(2026, 1, 31), CarerType.MAINSTREAM, date(2027, 1, 31)),
        (date(2027, 2, 28), CarerType.SHORT_BREAK, date(2028, 2, 28)),
        (date(2028, 2, 29), CarerType.MAINSTREAM, date(2029, 2, 28)),
        (date(2026, 8, 31), CarerType.FAMILY_AND_FRIENDS, date(2028, 2, 29)),
        (date(2026, 3, 31), CarerType.FAMILY_AND_FRIENDS, date(2027, 9, 30)),
        (date(2026, 5, 15), CarerType.SUPPORTED_LODGINGS, date(2027, 5, 15)),
    ],
)
def test_deadlines_are_calendar_months_from_approval(approved, carer_type, due):
    household = services.Household(approved_on=approved, carer_type=carer_type)
    assert services.deadline(household) == due


def test_each_service_gets_its_own_sets_with_seven_six_and_seven_standards(
    leicestershire, lancashire
):
    sets = services.ensure_standard_sets(leicestershire)
    assert [len(sets[key].standards) for key in SetKey] == [7, 6, 7]
    again = services.ensure_standard_sets(leicestershire)
    assert {k: s.id for k, s in again.items()} == {k: s.id for k, s in sets.items()}
    other = services.ensure_standard_sets(lancashire)
    assert other[SetKey.MAINSTREAM].id != sets[SetKey.MAINSTREAM].id


@pytest.fixture
def household(leicestershire, make_user):
    worker = make_user(leicestershire, Role.SUPERVISING_SOCIAL_WORKER, email="ssw@example.org")
    first = make_user(leicestershire, Role.APPROVED_CARER, email="ali@example.org", name="Ali")
    second = make_user(leicestershire, Role.APPROVED_CARER, email="bo@example.org", name="Bo")
    return services.create_household(
        leicestershire,
        name="Ali and Bo",
        carers=[first, second],
        carer_type=CarerType.FAMILY_AND_FRIENDS,
        approved_on=london_today(utcnow()) - timedelta(days=30),
        social_worker=worker,
    )


def _signed_in(app, email, service="leicestershire"):
    client = ClientRequest(app.test_client())
    sign_in(client, email, service=service)
    return client


def test_a_household_writes_evidence_has_it_returned_revises_it_and_has_it_accepted(
    app, household, smtp_server
):
    assert household.standard_set.key == SetKey.FAMILY_AND_FRIENDS
    first_outcome = services.standards_of(household)[0].outcomes[0]
    url = f"/leicestershire/tsds/outcomes/{first_outcome.id}"
    ali = _signed_in(app, "ali@example.org")
    page = ali.post_form(url, {"text": "", "send": "Send for review"}, expected_status=200)
    assert page.error_for("text") == "Write your evidence"
    ali.post_form(url, {"text": "We put Sam's needs first when", "save": "Save as draft"})
    bo = _signed_in(app, "bo@example.org")  # the other carer sees and finishes the draft
    assert "We put Sam's needs first when" in bo.get(url).soup.find(id="text").get_text()
    bo.post_form(url, {"text": "We put Sam's needs first when planning contact.", "send": "x"})
    evidence = db.session.scalar(select(Evidence))
    assert evidence.status == EvidenceStatus.SUBMITTED

    worker = _signed_in(app, "ssw@example.org")
    listed = worker.get("/leicestershire/staff/tsds")
    assert "Ali and Bo: 1.1" in listed.soup.find(id="waiting").get_text(" ", strip=True)
    review = f"/leicestershire/staff/tsds/evidence/{evidence.id}"
    page = worker.post_form(review, {"decision": "return"}, expected_status=200)
    assert page.error_for("comment") == "Write a comment saying what the carers should change"
    worker.post_form(review, {"decision": "return", "comment": "Add what Sam said."})
    told = {m["To"]: m for m in smtp_server.deliver()}
    assert set(told) == {"ali@example.org", "bo@example.org"}
    assert "Sam" not in told["ali@example.org"].as_string()

    assert "Add what Sam said." in ali.get(url).text()
    ali.post_form(url, {"text": "Sam said contact felt calmer after we planned it.", "send": "x"})
    worker.post_form(review, {"decision": "accept", "comment": ""})
    db.session.refresh(evidence)
    assert evidence.status == EvidenceStatus.ACCEPTED
    page = ali.get(url)
    assert page.soup.find(id="text") is None  # accepted evidence is read-only
    workbook = ali.get("/leicestershire/tsds")
    assert "1 of 18 outcomes accepted (6%)" in workbook.text()


def test_carers_and_workers_only_reach_their_own_service_and_household(
    app, household, lancashire, leicestershire, make_user
):
    outcome = services.standards_of(household)[0].outcomes[0]
    stranger = make_user(leicestershire, Role.APPROVED_CARER, email="other@example.org")
    client = _signed_in(app, stranger.email)
    assert "not set up yet" in client.get("/leicestershire/tsds").text()
    client.get(f"/leicestershire/tsds/outcomes/{outcome.id}", expected_status=404)
    make_user(lancashire, Role.SUPERVISING_SOCIAL_WORKER, email="far@example.org")
    far = _signed_in(app, "far@example.org", "lancashire")
    assert "Ali and Bo" not in far.get("/lancashire/staff/tsds?show=all").text()
    applicant = make_user(leicestershire, Role.PROSPECTIVE_CARER, email="new@example.org")
    _signed_in(app, applicant.email).get("/leicestershire/tsds", expected_status=403)


def test_a_family_and_friends_household_may_choose_the_mainstream_set(app, household):
    ali = _signed_in(app, "ali@example.org")
    ali.post_form("/leicestershire/tsds/mainstream", {}, form_page="/leicestershire/tsds")
    db.session.refresh(household)
    assert household.standard_set.key == SetKey.MAINSTREAM
    assert "Use the mainstream set" not in ali.get("/leicestershire/tsds").text()


def test_the_at_risk_list_and_progress_keep_constant_queries(
    app, leicestershire, make_user, count_queries
):
    with app.test_request_context("/leicestershire/"):
        today = london_today(utcnow())

        def add(count, approved_days_ago):
            for n in range(count):
                carer = make_user(leicestershire, Role.APPROVED_CARER)
                services.create_household(
                    leicestershire,
                    name=f"Household {approved_days_ago}-{n}",
                    carers=[carer],
                    carer_type=CarerType.MAINSTREAM,
                    approved_on=today - timedelta(days=approved_days_ago),
                )

        add(3, 30)
        add(2, 300)  # under 3 months left, nothing accepted: at risk
        add(1, 400)  # overdue
        db.session.expire_all()
        with count_queries() as few:
            households = services.households_for(leicestershire)
            found = services.progress_by_household(leicestershire, today, households)
        assert sorted(h.name for h in households if found[h.id].at_risk) == [
            "Household 300-0",
            "Household 300-1",
            "Household 400-0",
        ]
        add(30, 30)
        db.session.expire_all()
        with count_queries() as many:
            households = services.households_for(leicestershire)
            services.progress_by_household(leicestershire, today, households)
        assert many["n"] == few["n"]


def test_reminders_come_at_three_months_one_month_and_one_week_never_twice_a_week(
    app, leicestershire, make_user
):
    carer = make_user(leicestershire, Role.APPROVED_CARER, email="cara@example.org")
    with app.test_request_context("/leicestershire/"):
        household = services.create_household(
            leicestershire,
            name="Cara",
            carers=[carer],
            carer_type=CarerType.MAINSTREAM,
            approved_on=date(2026, 1, 31),
        )

        def run(day):
            return services.send_reminders(datetime(day.year, day.month, day.day, 9, tzinfo=UTC))

        assert run(date(2026, 10, 30)) == 0
        assert run(date(2026, 10, 31)) == 1  # 3 months before 31 January 2027
        assert run(date(2026, 11, 1)) == 0
        assert run(date(2026, 12, 31)) == 1  # 1 month before
        assert run(date(2027, 1, 24)) == 1  # 1 week before
        assert run(date(2027, 1, 31)) == 0
        assert household.reminders_sent == 3
    sent = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "tsds_reminder")
    ).all()
    assert [m.to_address for m in sent] == ["cara@example.org"] * 3


def test_a_late_start_sends_one_reminder_not_a_burst(app, leicestershire, make_user):
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    with app.test_request_context("/leicestershire/"):
        household = services.create_household(
            leicestershire,
            name="Late",
            carers=[carer],
            carer_type=CarerType.MAINSTREAM,
            approved_on=date(2026, 1, 31),
        )
        day = datetime(2027, 1, 26, 9, tzinfo=UTC)  # all three points have passed
        assert services.send_reminders(day) == 1
        assert services.send_reminders(day + timedelta(days=2)) == 0
        assert household.reminders_sent == 3


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, url, data: bytes, filename: str, expected_status=302, **fields):
    from io import BytesIO

    from tests.conftest import csrf_from, parse

    token = csrf_from(client.get(url))
    response = client.client.post(
        url,
        data={
            "csrf_token": token,
            "text": "Our certificate from the first aid course.",
            "save": "Save as draft",
            "attachment": (BytesIO(data), filename),
            **fields,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == expected_status, response.get_data(as_text=True)[:500]
    return parse(response)


def test_files_are_checked_by_content_and_size_and_served_only_to_their_household(
    app, household, leicestershire, make_user
):
    outcome = services.standards_of(household)[2].outcomes[0]
    url = f"/leicestershire/tsds/outcomes/{outcome.id}"
    ali = _signed_in(app, "ali@example.org")

    page = _upload(ali, url, b"MZ\x90\x00" + b"\x00" * 500, "certificate.pdf", 200)
    assert page.error_for("attachment") == (
        "The selected file must be a PDF, a JPG or PNG photo, or a Word document"
    )
    assert page.soup.find(id="text").get_text() == "Our certificate from the first aid course."
    page = _upload(ali, url, PDF + b"0" * (20 * 1024 * 1024), "big.pdf", 200)
    assert page.error_for("attachment") == "The selected file must be smaller than 10 MB"
    page = _upload(ali, url, b"", "empty.pdf", 200)
    assert page.error_for("attachment") == "The selected file is empty"
    too_large = _upload(ali, url, PDF + b"0" * (30 * 1024 * 1024), "huge.pdf", 413)
    assert "The file is too big" in too_large.h1

    _upload(ali, url, PDF, "My First Aid (Ali's copy).pdf")
    evidence = db.session.scalar(select(Evidence))
    assert evidence.file_kind == "pdf" and "Ali" not in evidence.file_key
    download = ali.client.get(f"{url}/file")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "evidence-3.1.pdf" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"

    stranger = make_user(leicestershire, Role.APPROVED_CARER, email="eve@example.org")
    other = services.create_household(
        leicestershire,
        name="Eve",
        carers=[stranger],
        carer_type=CarerType.FAMILY_AND_FRIENDS,
        approved_on=date(2026, 1, 1),
    )
    assert other.set_id == household.set_id  # the same outcome ids, a different household
    assert _signed_in(app, "eve@example.org").client.get(f"{url}/file").status_code == 404
    worker = _signed_in(app, "ssw@example.org")
    staff_file = worker.client.get(f"/leicestershire/staff/tsds/evidence/{evidence.id}/file")
    assert staff_file.status_code == 200 and staff_file.data == PDF

    stored = uploads.path_of(evidence.file_key)
    assert stored.exists()
    _upload(ali, url, b"", "", remove_attachment="y")  # no new file, the old one removed
    db.session.refresh(evidence)
    assert evidence.file_key is None and not stored.exists()


def test_the_manager_signs_off_a_complete_workbook_and_the_carers_get_a_certificate(
    app, household, leicestershire, make_user
):
    make_user(leicestershire, Role.SERVICE_MANAGER, email="boss@example.org", name="Morgan")
    manager = _signed_in(app, "boss@example.org")
    url = f"/leicestershire/staff/tsds/households/{household.id}"
    ali = _signed_in(app, "ali@example.org")
    assert ali.client.get("/leicestershire/tsds/certificate.pdf").status_code == 404
    manager.post_form(url + "/sign-off", {}, form_page="/leicestershire/staff/")  # refused
    db.session.refresh(household)
    assert household.signed_off_on is None

    now = utcnow()
    carer = household.members[0].user
    worker = household.social_worker
    with app.test_request_context("/leicestershire/"):
        for standard in services.standards_of(household):
            for item in standard.outcomes:
                piece = services.save_evidence(
                    household, item, text=f"Evidence {item.label}", by=carer, send=True, now=now
                )
                services.review(piece, accept=True, comment="", by=worker, now=now)
    page = manager.get(url)
    assert "18 of 18 outcomes accepted (100%)" in page.text()
    manager.post_form(url + "/sign-off", {}, form_page=url)
    db.session.refresh(household)
    assert household.signed_off_on == london_today(now)

    workbook = ali.get("/leicestershire/tsds")
    assert "Your workbook is signed off" in workbook.text()
    pdf = ali.client.get("/leicestershire/tsds/certificate.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Type"] == "application/pdf"
    printed = ali.get("/leicestershire/tsds/print")
    assert "Evidence 6.3" in printed.text()
    worker_client = _signed_in(app, "ssw@example.org")
    worker_client.get(url)  # the social worker reads it too, but cannot sign off
    response = worker_client.client.post(url + "/sign-off", data={})
    assert response.status_code in (400, 403)


def _attended_session(service, carer, *, attended: bool, title: str):
    """A past training session, with the carer's booking marked as the register says."""
    from portal.bookings.models import Booking, BookingStatus, Occasion
    from portal.training.models import KIND, CourseFormat, Topic, TrainingCourse, TrainingSession

    course = TrainingCourse(
        service_id=service.id,
        title=title,
        topic=Topic.SAFEGUARDING,
        description="",
        audiences="all",
        format=CourseFormat.SESSIONS,
    )
    starts = utcnow() - timedelta(days=20)
    session = TrainingSession(
        service_id=service.id,
        course=course,
        occasion=Occasion(
            service_id=service.id,
            kind=KIND,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            capacity=10,
            seats_taken=1,
        ),
    )
    db.session.add(session)
    db.session.flush()
    db.session.add(
        Booking(
            service_id=service.id,
            occasion_id=session.occasion_id,
            name=carer.name,
            email=carer.email,
            user_id=carer.id,
            status=BookingStatus.CONFIRMED,
            link_salt=f"salt{session.id}",
            token_hash=f"hash{session.id}",
            attended=attended,
        )
    )
    db.session.commit()
    return session


def test_evidence_can_be_backed_by_training_the_household_went_to(app, household, leicestershire):
    bo = household.members[1].user
    went = _attended_session(leicestershire, bo, attended=True, title="Online safety")
    missed = _attended_session(leicestershire, bo, attended=False, title="First aid")
    outcome = services.standards_of(household)[5].outcomes[1]
    url = f"/leicestershire/tsds/outcomes/{outcome.id}"
    ali = _signed_in(app, "ali@example.org")  # the other carer of the household
    form = ali.get(url)
    offered = [box["value"] for box in form.soup.select("input[name=sessions]")]
    assert offered == [str(went.id)]
    ali.post_form(
        url,
        {
            "text": "We set up parental controls.",
            "sessions": [str(went.id), str(missed.id)],
            "send": "x",
        },
    )
    evidence = db.session.scalar(select(Evidence))
    assert [s.id for s in evidence.sessions] == [went.id]
    worker = _signed_in(app, "ssw@example.org")
    assert (
        "Online safety" in worker.get(f"/leicestershire/staff/tsds/evidence/{evidence.id}").text()
    )
