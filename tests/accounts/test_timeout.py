"""Timing (WCAG 2.2.1): signed-in pages carry the warning that comes before the idle end,
'Stay signed in' starts the idle time again, and a message, reply or complaint sent just
after a session ended is kept for its writer to send after signing in again."""

from datetime import timedelta

from sqlalchemy import func, select, text

from portal.accounts import drafts
from portal.accounts.models import KeptDraft, Role
from portal.childrens_rights import services as childrens_rights
from portal.childrens_rights.models import Conversation, RightsMessage
from portal.complaints.models import Complaint
from portal.core.db import utcnow
from portal.core.extensions import db
from tests.conftest import ClientRequest, csrf_from, parse, sign_in

TALK = "/leicestershire/young-people/talk"
THREAD = "/leicestershire/young-people/messages/thread"
ACCOUNT = "/leicestershire/account"
STAY = "/leicestershire/account/stay-signed-in"
TIME_LEFT = "/leicestershire/account/session-time-left"
WORDS = "Nobody listens to me at school and I want to move class. Ünïcödé too."


def _shift(client, *, seen_minutes=0, signed_in_hours=0):
    """Move the session's clocks back, as if time had passed."""
    with client.client.session_transaction() as session:
        session["seen_at"] -= seen_minutes * 60
        session["signed_in_at"] -= signed_in_hours * 3600


def _signed_in(app, make_user, service, role, **fields):
    user = make_user(service, role, **fields)
    client = ClientRequest(app.test_client())
    sign_in(client, user.email)
    return client, user


def _drafts() -> int:
    return db.session.scalar(select(func.count()).select_from(KeptDraft))


# ---- the warning ---------------------------------------------------------------------------


def test_signed_in_pages_carry_the_timeout_warning_with_the_persons_idle_time(
    app, client_request, leicestershire, make_user
):
    anonymous = client_request.get("/leicestershire/")
    assert anonymous.soup.select("[data-session-timeout]") == []
    assert not anonymous.soup.select('script[src*="timeout"]')

    for role, idle in [(Role.RECRUITMENT, 30 * 60), (Role.APPROVED_CARER, 120 * 60)]:
        client, _ = _signed_in(app, make_user, leicestershire, role)
        page = client.get("/leicestershire/contact")
        (dialog,) = page.soup.select("dialog[data-session-timeout]")
        assert dialog["role"] == "alertdialog"
        assert page.soup.find(id=dialog["aria-labelledby"]).get_text(strip=True)
        assert page.soup.find(id=dialog["aria-describedby"])
        assert int(dialog["data-idle-seconds"]) == idle
        assert int(dialog["data-warning-seconds"]) == 120
        assert idle - 5 <= int(dialog["data-ends-in"]) <= idle
        assert dialog["data-time-left-url"] == TIME_LEFT
        assert page.soup.select_one('script[type="module"][src*="timeout"]')
        form = dialog.select_one("form[data-timeout-form]")
        assert form["method"] == "post" and form["action"] == STAY
        assert form.select_one('input[name="csrf_token"]')["value"]
        sign_out = form.select_one("button[formaction]")
        assert sign_out["formaction"] == "/leicestershire/sign-out"


def test_the_warning_knows_which_pages_keep_what_was_written(app, leicestershire, make_user):
    client, _ = _signed_in(app, make_user, leicestershire, Role.YOUNG_PERSON)
    talk = client.get(TALK).soup.select_one("[data-session-timeout]")
    account = client.get(ACCOUNT).soup.select_one("[data-session-timeout]")
    assert talk["data-keeps-drafts"] == "true"
    assert account["data-keeps-drafts"] == "false"


def test_staying_signed_in_starts_the_idle_time_again(app, leicestershire, make_user):
    client, _ = _signed_in(app, make_user, leicestershire, Role.SERVICE_MANAGER)
    token = csrf_from(client.get(ACCOUNT))
    _shift(client, seen_minutes=29)
    response = client.client.post(STAY, data={"csrf_token": token})
    assert response.status_code == 204
    _shift(client, seen_minutes=29)  # 58 minutes since the page, 29 since staying
    assert client.get(ACCOUNT).status == 200


def test_staying_signed_in_needs_the_csrf_token_and_a_session(
    app, client, leicestershire, make_user
):
    signed_in, _ = _signed_in(app, make_user, leicestershire, Role.APPROVED_CARER)
    assert signed_in.client.post(STAY).status_code == 400
    token = csrf_from(parse(client.get("/leicestershire/sign-in")))
    response = client.post(STAY, data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/leicestershire/sign-in")


def test_asking_how_long_is_left_neither_extends_nor_ends_the_session(
    app, leicestershire, make_user
):
    client, _ = _signed_in(app, make_user, leicestershire, Role.SERVICE_MANAGER)
    _shift(client, seen_minutes=20)
    left = client.client.get(TIME_LEFT, headers={"Portal-Poll": "true"}).get_json()
    assert 9 * 60 <= left["ends_in"] <= 10 * 60 and left["can_extend"] is True

    _shift(client, seen_minutes=11)  # past the end: the answer says so, and changes nothing
    assert client.client.get(TIME_LEFT).get_json() == {"ends_in": 0, "can_extend": True}
    response = client.client.get(ACCOUNT)
    assert response.status_code == 302  # the next real request ends it


def test_near_the_twelve_hour_limit_staying_cannot_help(app, leicestershire, make_user):
    client, _ = _signed_in(app, make_user, leicestershire, Role.APPROVED_CARER)
    _shift(client, signed_in_hours=12)
    with client.client.session_transaction() as session:
        session["signed_in_at"] += 60  # one minute left of the twelve hours
    left = client.client.get(TIME_LEFT).get_json()
    assert left["can_extend"] is False and 0 < left["ends_in"] <= 60
    page = client.get(ACCOUNT)
    assert page.soup.select_one("[data-session-timeout]")["data-can-extend"] == "false"


def test_the_sign_in_page_opened_by_the_warning_keeps_where_to_go_next(
    app, leicestershire, make_user
):
    client, _ = _signed_in(app, make_user, leicestershire, Role.APPROVED_CARER)
    _shift(client, seen_minutes=121)
    response = client.client.get("/leicestershire/sign-in?next=/leicestershire/support")
    assert response.status_code == 302
    assert response.headers["Location"] == "/leicestershire/sign-in?next=/leicestershire/support"
    page = client.get(response.headers["Location"])
    assert "You were signed out to keep your account safe" in page.text()


# ---- nothing written is lost -------------------------------------------------------------


def test_a_message_sent_after_the_session_ended_is_kept_and_shown_again_after_signing_in(
    app, leicestershire, make_user
):
    client, person = _signed_in(app, make_user, leicestershire, Role.YOUNG_PERSON)
    token = csrf_from(client.get(TALK))
    _shift(client, seen_minutes=121)

    response = client.client.post(
        TALK,
        data={"csrf_token": token, "body": WORDS, "name": "Sam", "age": "14", "safe_times": ""},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/leicestershire/sign-in?next={TALK}"
    page = client.get(response.headers["Location"])
    assert "What you wrote has not been sent, and it is not lost" in page.text()
    assert db.session.scalar(select(func.count()).select_from(Conversation)) == 0

    # Kept encrypted on the server: neither the row nor the browser's cookie holds the text.
    stored = db.session.execute(text("SELECT fields FROM kept_draft")).scalar()
    assert "Nobody listens" not in stored and "Sam" not in stored
    with client.client.session_transaction() as session:
        assert "Nobody listens" not in str(dict(session))
        assert "_user_id" not in session

    response = sign_in(client, person.email)
    assert response.headers["Location"] == TALK
    form_page = client.get(TALK)
    assert form_page.soup.find("textarea", attrs={"name": "body"}).get_text() == WORDS
    assert form_page.soup.find("input", attrs={"name": "name"})["value"] == "Sam"
    assert form_page.soup.find("input", attrs={"name": "age"})["value"] == "14"
    assert "It has not been sent: check it, then send it" in form_page.text()
    # Never sent for them, and given back only once.
    assert db.session.scalar(select(func.count()).select_from(Conversation)) == 0
    assert _drafts() == 0
    assert client.get(TALK).soup.find("textarea", attrs={"name": "body"}).get_text() == ""

    client.post_form(TALK, {"body": WORDS})
    assert db.session.scalar(select(Conversation)).user_id == person.id


def test_only_the_same_account_gets_the_writing_back(app, leicestershire, make_user):
    client, _ = _signed_in(app, make_user, leicestershire, Role.YOUNG_PERSON)
    token = csrf_from(client.get(TALK))
    _shift(client, seen_minutes=121)
    client.client.post(TALK, data={"csrf_token": token, "body": WORDS})
    assert _drafts() == 1

    # Someone else picks up the shared phone and signs in to their own account.
    other = make_user(leicestershire, Role.YOUNG_PERSON)
    response = sign_in(client, other.email)
    assert response.headers["Location"] == ACCOUNT  # not sent to the other person's form
    assert client.get(TALK).soup.find("textarea", attrs={"name": "body"}).get_text() == ""
    assert _drafts() == 1


def test_a_reply_in_their_own_conversation_comes_back_in_that_conversation(
    app, leicestershire, make_user
):
    client, person = _signed_in(app, make_user, leicestershire, Role.YOUNG_PERSON)
    conversation, _ = childrens_rights.start_conversation(
        leicestershire,
        body="Hello",
        name="",
        age=None,
        how_to_reach="",
        safe_times="",
        locale="en",
        now=utcnow(),
        user_id=person.id,
    )
    messages = client.get("/leicestershire/young-people/messages")
    client.client.post(
        f"/leicestershire/young-people/messages/mine/{conversation.id}",
        data={"csrf_token": csrf_from(messages)},
    )
    token = csrf_from(client.get(THREAD))
    _shift(client, seen_minutes=121)
    response = client.client.post(THREAD, data={"csrf_token": token, "body": WORDS})
    assert response.headers["Location"] == f"/leicestershire/sign-in?next={THREAD}"

    sign_in(client, person.email)
    page = client.get(THREAD)  # the conversation is opened again, as it is theirs
    assert "Hello" in page.text()
    assert page.soup.find("textarea", attrs={"name": "body"}).get_text() == WORDS
    assert db.session.scalar(select(func.count()).select_from(RightsMessage)) == 1


def test_a_complaint_sent_after_the_session_ended_comes_back_with_every_answer(
    app, leicestershire, make_user
):
    client, person = _signed_in(
        app, make_user, leicestershire, Role.APPROVED_CARER, name="Chris Carer"
    )
    url = "/leicestershire/complaints/new"
    form_page = client.get(url)
    # Their own details are filled in already (WCAG 3.3.7).
    assert form_page.soup.find("input", attrs={"name": "name"})["value"] == "Chris Carer"
    assert form_page.soup.find("input", attrs={"name": "email"})["value"] == person.email
    _shift(client, seen_minutes=121)
    answers = {
        "complainant": "foster-carer",
        "body": "The allowance was paid late three months running. " * 50,
        "put_right": "Pay on time.",
        "happened_on": ["3", "2", "2026"],
        "name": "Chris Carer",
        "email": person.email,
        "phone": "",
    }
    response = client.client.post(url, data={"csrf_token": csrf_from(form_page), **answers})
    assert response.headers["Location"] == f"/leicestershire/sign-in?next={url}"
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == 0

    sign_in(client, person.email)
    page = client.get(url)
    assert page.soup.find("textarea", attrs={"name": "body"}).get_text() == answers["body"]
    assert page.soup.find("input", attrs={"name": "complainant", "value": "foster-carer"}).has_attr(
        "checked"
    )
    days = [box["value"] for box in page.soup.find_all("input", attrs={"name": "happened_on"})]
    assert days == ["3", "2", "2026"]
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == 0


def test_a_form_that_keeps_nothing_or_an_empty_form_keeps_nothing(app, leicestershire, make_user):
    client, person = _signed_in(app, make_user, leicestershire, Role.YOUNG_PERSON)
    token = csrf_from(client.get(TALK))
    _shift(client, seen_minutes=121)
    response = client.client.post(TALK, data={"csrf_token": token, "body": "  "})
    assert response.headers["Location"] == "/leicestershire/sign-in"
    assert _drafts() == 0

    sign_in(client, person.email)
    token = csrf_from(client.get("/leicestershire/family-and-friends"))
    _shift(client, seen_minutes=121)
    response = client.client.post(
        "/leicestershire/family-and-friends", data={"csrf_token": token, "message": WORDS}
    )
    assert response.headers["Location"] == "/leicestershire/sign-in"
    assert _drafts() == 0


def test_kept_writing_nobody_came_back_for_is_deleted_after_a_day(app, leicestershire, make_user):
    client, _ = _signed_in(app, make_user, leicestershire, Role.YOUNG_PERSON)
    token = csrf_from(client.get(TALK))
    _shift(client, seen_minutes=121)
    client.client.post(TALK, data={"csrf_token": token, "body": WORDS})
    assert drafts.drop_expired(utcnow() + timedelta(hours=23)) == 0
    assert drafts.drop_expired(utcnow() + timedelta(hours=24, minutes=1)) == 1
    assert _drafts() == 0


def test_a_reply_in_a_conversation_opened_with_words_comes_back_after_the_words(
    app, leicestershire, make_user
):
    client, person = _signed_in(app, make_user, leicestershire, Role.YOUNG_PERSON)
    conversation, phrase = childrens_rights.start_conversation(
        leicestershire,
        body="Hello",
        name="",
        age=None,
        how_to_reach="",
        safe_times="",
        locale="en",
        now=utcnow(),
    )  # written without an account, opened now with its reference and words
    client.post_form(
        "/leicestershire/young-people/messages",
        {"reference": conversation.reference, "phrase": phrase},
    )
    token = csrf_from(client.get(THREAD))
    _shift(client, seen_minutes=121)
    client.client.post(THREAD, data={"csrf_token": token, "body": WORDS})

    sign_in(client, person.email)
    response = client.client.get(THREAD)  # not theirs: the words are needed again
    assert response.headers["Location"] == "/leicestershire/young-people/messages"
    page = client.get("/leicestershire/young-people/messages")
    assert "Your reply is kept for you" in page.text()
    client.post_form(
        "/leicestershire/young-people/messages",
        {"reference": conversation.reference, "phrase": phrase},
    )
    thread = client.get(THREAD)
    assert thread.soup.find("textarea", attrs={"name": "body"}).get_text() == WORDS


def test_an_officers_reply_comes_back_to_the_same_conversation(app, leicestershire, make_user):
    client, officer = _signed_in(app, make_user, leicestershire, Role.CHILDRENS_RIGHTS_OFFICER)
    first, second = (
        childrens_rights.start_conversation(
            leicestershire,
            body=f"Message {n}",
            name="",
            age=None,
            how_to_reach="",
            safe_times="",
            locale="en",
            now=utcnow(),
        )[0]
        for n in (1, 2)
    )
    url = f"/leicestershire/staff/childrens-rights/{first.id}"
    token = csrf_from(client.get(url))
    _shift(client, seen_minutes=31)
    response = client.client.post(url, data={"csrf_token": token, "body": "We can meet on Monday."})
    assert response.headers["Location"] == f"/leicestershire/sign-in?next={url}"

    sign_in(client, officer.email)
    other = client.get(f"/leicestershire/staff/childrens-rights/{second.id}")
    assert other.soup.find("textarea", attrs={"name": "body"}).get_text() == ""
    page = client.get(url)
    assert page.soup.find("textarea", attrs={"name": "body"}).get_text() == "We can meet on Monday."
