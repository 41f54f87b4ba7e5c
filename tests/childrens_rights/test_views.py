"""Talk to a Children's Rights Officer: anonymous messages, reference and secret words,
urgent alerts, and the officers' queue."""

from sqlalchemy import select, text

from portal.accounts.models import Role
from portal.childrens_rights.models import Conversation
from portal.core.extensions import db
from portal.core.models import AuditEvent
from tests.conftest import ClientRequest, csrf_from, links_in, parse, path_of, sign_in

WORRY = "My foster carer shouts at me and I am worried about school."
DANGER = "I am scared and I want to run away tonight."


def _send(client_request, body=WORRY, service="leicestershire", **extra):
    client_request.post_form(f"/{service}/young-people/talk", {"body": body, **extra})
    page = client_request.get(f"/{service}/young-people/talk/sent")
    values = [dd.get_text(strip=True) for dd in page.soup.select(".app-secret__value")]
    return page, values[0], values[1]


def test_a_young_person_writes_anonymously_and_comes_back_with_the_secret_words(
    app, client_request, leicestershire
):
    page, reference, phrase = _send(client_request, name="", age="")
    assert reference.startswith("CR-")
    assert len(phrase.split("-")) == 4
    assert phrase not in page.response.request.url

    stored = db.session.execute(text("SELECT body FROM rights_message")).scalar()
    assert "worried" not in stored
    assert db.session.scalar(select(Conversation)).messages[0].body == WORRY

    later = ClientRequest(app.test_client())  # another day, another device
    later.post_form(
        "/leicestershire/young-people/messages",
        {"reference": reference.lower().replace("-", " "), "phrase": phrase.replace("-", " ")},
    )
    thread = later.get("/leicestershire/young-people/messages/thread")
    assert WORRY in thread.text()


def test_a_wrong_half_never_says_which_and_other_services_cannot_open_it(
    app, client_request, leicestershire, lancashire
):
    _, reference, phrase = _send(client_request)
    other = ClientRequest(app.test_client())
    messages = []
    for service, ref, words in [
        ("leicestershire", reference, "wrong-words-here-10"),
        ("leicestershire", "CR-ZZZZZZ", phrase),
        ("lancashire", reference, phrase),
    ]:
        page = other.post_form(
            f"/{service}/young-people/messages",
            {"reference": ref, "phrase": words},
            expected_status=200,
        )
        messages.append(page.error_for("reference"))
    assert len(set(messages)) == 1
    assert messages[0].startswith("We could not find messages")
    assert page.soup.find(id="reference")["value"] == reference


def test_an_empty_or_too_long_message_is_explained_and_the_text_kept(
    client_request, leicestershire
):
    page = client_request.post_form(
        "/leicestershire/young-people/talk", {"body": ""}, expected_status=200
    )
    assert page.error_for("body") == "Write your message"
    long = "a" * 5001
    page = client_request.post_form(
        "/leicestershire/young-people/talk", {"body": long, "age": "200"}, expected_status=200
    )
    assert page.error_for("body") == "Your message must be 5000 characters or fewer"
    assert page.error_for("age") == "Enter an age from 4 to 25, or leave it empty"
    assert page.soup.find(id="body").get_text() == long


def test_an_urgent_message_tops_the_queue_and_alerts_officers_without_its_words(
    client_request, leicestershire, make_user, smtp_server
):
    officer = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER, email="cro@example.org")
    _send(client_request, body=WORRY)
    page, reference, _ = _send(client_request, body=DANGER)
    assert "If you are in danger now, call 999." in page.text()
    [alert] = smtp_server.deliver()
    assert alert["To"] == officer.email
    body = alert.get_body(preferencelist=("plain",)).get_content()
    assert "run away" not in body and "scared" not in body
    assert "run away" not in alert["Subject"]
    assert reference in body

    officer_client = ClientRequest(client_request.client.application.test_client())
    sign_in(officer_client, officer.email, service="leicestershire")
    queue = officer_client.get("/leicestershire/staff/childrens-rights")
    first = queue.soup.select(".app-event h2 a")[0].get_text(strip=True)
    assert first == reference
    assert path_of(links_in(alert)[0]).startswith("/leicestershire/staff/childrens-rights/")


def test_an_officer_replies_and_the_young_person_answers(
    app, client_request, leicestershire, make_user
):
    _, reference, _words = _send(client_request)
    officer = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER)
    staff = ClientRequest(app.test_client())
    sign_in(staff, officer.email, service="leicestershire")
    conversation = db.session.scalar(select(Conversation))
    url = f"/leicestershire/staff/childrens-rights/{conversation.id}"
    staff.post_form(url, {"body": "Thank you for telling us. Can we call you after school?"})
    views = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "Conversation")
    ).all()
    assert "rights.viewed" in views
    assert "rights.replied" in views

    thread = client_request.get("/leicestershire/young-people/messages/thread")
    assert "Can we call you after school?" in thread.text()
    client_request.post_form(
        "/leicestershire/young-people/messages/thread", {"body": "Yes after 4pm"}
    )
    db.session.refresh(conversation)
    assert conversation.awaiting_officer is True
    assert [m.body for m in conversation.messages][-1] == "Yes after 4pm"

    staff.post_form(url + "/close", {}, form_page=url)
    db.session.refresh(conversation)
    assert not conversation.is_open
    assert reference not in staff.get("/leicestershire/staff/childrens-rights").text()
    staff.post_form(url + "/reopen", {}, form_page=url)
    db.session.refresh(conversation)
    assert conversation.is_open


def test_only_officers_of_the_service_read_conversations(
    app, client_request, login_as, leicestershire, lancashire, make_user
):
    _send(client_request)
    conversation = db.session.scalar(select(Conversation))
    login_as(Role.SUPERVISING_SOCIAL_WORKER)
    url = f"/leicestershire/staff/childrens-rights/{conversation.id}"
    assert client_request.client.get(url).status_code == 403
    other = make_user(lancashire, Role.CHILDRENS_RIGHTS_OFFICER)
    staff = ClientRequest(app.test_client())
    sign_in(staff, other.email, service="lancashire")
    staff.get(f"/lancashire/staff/childrens-rights/{conversation.id}", expected_status=404)


def test_a_message_sent_from_a_stale_page_comes_back_to_send_again(
    client, client_request, leicestershire
):
    stale = client.post(
        "/leicestershire/young-people/talk",
        data={"csrf_token": "expired", "body": "Please help me with my placement.\nThanks"},
    )
    assert stale.status_code == 400
    page = parse(stale)
    assert page.soup.find("textarea").get_text() == "Please help me with my placement.\nThanks"
    token = page.soup.find("input", attrs={"name": "csrf_token"})["value"]
    resent = client.post(
        page.soup.find("form")["action"],
        data={"csrf_token": token, "body": page.soup.find("textarea").get_text()},
    )
    assert resent.status_code == 302
    assert db.session.scalar(select(Conversation)).messages[0].body.startswith("Please help")


def test_passwords_are_never_written_back_into_a_stale_page(client, leicestershire):
    stale = client.post(
        "/leicestershire/sign-in",
        data={"csrf_token": "expired", "email": "a@example.org", "password": "secret phrase"},
    )
    assert stale.status_code == 400
    assert "secret phrase" not in stale.get_data(as_text=True)


def test_the_feelings_picker_starts_a_message(client_request, leicestershire):
    page = client_request.get("/leicestershire/young-people/talk")
    feelings = [b["value"] for b in page.soup.select("button[name=feeling]")]
    assert feelings == ["happy", "sad", "worried", "angry", "scared", "not-sure"]
    page = client_request.get("/leicestershire/young-people/talk?feeling=worried")
    assert page.soup.find(id="body").get_text() == "I feel worried. "
    page = client_request.get("/leicestershire/young-people/talk?feeling=<script>")
    assert page.soup.find(id="body").get_text() == ""


def test_a_signed_in_young_person_opens_their_own_conversations_without_the_words(
    app, client_request, login_as, leicestershire
):
    young = login_as(Role.YOUNG_PERSON)
    client_request.post_form("/leicestershire/young-people/talk", {"body": "Hello"})
    conversation = db.session.scalar(select(Conversation))
    assert conversation.user_id == young.id
    client_request.client.post(
        "/leicestershire/young-people/messages/close",
        data={
            "csrf_token": client_request.get(
                "/leicestershire/young-people/messages/thread"
            ).soup.find("input", attrs={"name": "csrf_token"})["value"]
        },
    )
    page = client_request.get("/leicestershire/young-people/messages")
    assert conversation.reference in page.text()
    client_request.post_form(
        f"/leicestershire/young-people/messages/mine/{conversation.id}",
        {},
        form_page="/leicestershire/young-people/messages",
    )
    assert "Hello" in client_request.get("/leicestershire/young-people/messages/thread").text()

    stranger = ClientRequest(app.test_client())
    stranger.get("/leicestershire/young-people/messages")
    response = stranger.client.post(
        f"/leicestershire/young-people/messages/mine/{conversation.id}",
        data={"csrf_token": csrf_from(stranger.get("/leicestershire/young-people/messages"))},
    )
    assert response.status_code == 404
