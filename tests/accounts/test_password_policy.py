"""Choosing a password (ASVS 6.2) and storing it (ASVS 11.4): length, block list, argon2id."""

from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from portal.accounts import services
from portal.accounts.models import Role, TokenPurpose
from portal.core.extensions import db
from tests.conftest import PASSWORD, sign_in

TOO_COMMON = (
    "This password is too common. Choose one that is harder to guess, like 3 or 4 random words"
)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def new_password_form(client_request, leicestershire, make_user, login_as):
    """Post a new password through one of the forms where a password is chosen."""

    def post(where: str, password: str, expected_status: int):
        if where == "register":
            url, data = (
                "/leicestershire/register",
                {"name": "Sam Example", "email": "sam@example.org", "password": password},
            )
        elif where == "reset":
            user = make_user(leicestershire)
            raw = services.issue_token(user, TokenPurpose.RESET_PASSWORD, timedelta(hours=1))
            db.session.commit()
            url, data = f"/leicestershire/reset-password/{raw}", {"password": password}
        elif where == "invitation":
            user = make_user(leicestershire, Role.APPROVED_CARER, password_hash=None)
            raw = services.issue_token(user, TokenPurpose.INVITATION, timedelta(days=1))
            db.session.commit()
            url, data = (
                f"/leicestershire/invitation/{raw}",
                {"name": "Sam Example", "password": password},
            )
        else:
            login_as()
            url = "/leicestershire/account/change-password"
            data = {"current_password": PASSWORD, "new_password": password}
        field_id = "new_password" if where == "change" else "password"
        page = client_request.post_form(url, data, expected_status=expected_status)
        return page, field_id

    return post


FORMS = ["register", "reset", "invitation", "change"]


@pytest.mark.parametrize("where", FORMS)
@pytest.mark.parametrize("password", ["password1", "PassWord1", "Liverpool", " iloveyou "])
def test_common_passwords_are_refused_whatever_their_capitals(new_password_form, where, password):
    page, field_id = new_password_form(where, password, expected_status=200)
    assert page.error_for(field_id) == TOO_COMMON
    assert TOO_COMMON in page.error_summary()


@pytest.mark.parametrize("where", FORMS)
def test_seven_characters_are_too_few(new_password_form, where):
    page, field_id = new_password_form(where, "abcdefg", expected_status=200)
    assert page.error_for(field_id) == "Password must be 8 characters or more"


@pytest.mark.parametrize("where", FORMS)
def test_a_password_longer_than_128_characters_is_refused_with_a_reason(new_password_form, where):
    page, field_id = new_password_form(
        where, "long phrase " * 10 + "123456789", expected_status=200
    )
    assert page.error_for(field_id) == "Password must be 128 characters or fewer"


@pytest.mark.parametrize("where", FORMS)
@pytest.mark.parametrize(
    "password",
    [
        "mqzvtrbw",  # 8 lower-case letters: no rule asks for capitals, digits or symbols
        "a" * 64,
        ("correct horse battery staple " * 5)[:128],
        "ünïcödé 密码 пароль",
    ],
)
def test_any_uncommon_password_of_8_to_128_characters_is_accepted(
    new_password_form, where, password
):
    assert len(password) <= 128
    page, _ = new_password_form(where, password, expected_status=302)
    assert page.status == 302


def test_the_hint_encourages_a_long_phrase(client_request, leicestershire):
    page = client_request.get("/leicestershire/register")
    hint = page.soup.find(id="password-hint").get_text(" ", strip=True)
    assert "at least 8 characters" in hint
    assert "15 characters or more" in hint


def test_password_fields_let_people_paste(client_request, login_as, leicestershire):
    pages = [client_request.get("/leicestershire/register")]
    pages.append(client_request.get("/leicestershire/sign-in"))
    login_as()
    pages.append(client_request.get("/leicestershire/account/change-password"))
    for page in pages:
        inputs = page.soup.find_all("input", attrs={"type": "password"})
        assert inputs
        for field in inputs:
            handlers = {"onpaste", "oncopy", "ondrop", "onbeforeinput", "readonly"}
            assert not handlers & set(field.attrs)
            assert field.get("autocomplete") in {"new-password", "current-password"}
    for script in (ROOT / "static" / "js").glob("*js"):
        assert "paste" not in script.read_text(), f"{script.name} handles paste"


def test_the_block_list_holds_at_least_10000_passwords_and_is_loaded_once():
    common = services._common_passwords()
    assert len(common) >= 10_000
    assert common is services._common_passwords()
    assert services.is_common_password("QWERTY")
    assert not services.is_common_password("correct horse battery")


def test_passwords_are_hashed_with_argon2id(leicestershire, make_user):
    user = make_user(leicestershire)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_signing_in_upgrades_a_hash_made_with_weaker_parameters(
    app, client_request, leicestershire, make_user
):
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    user = make_user(leicestershire, password_hash=weak.hash(PASSWORD))
    assert "m=1024," in user.password_hash

    sign_in(client_request, user.email, service="leicestershire")

    db.session.refresh(user)
    config = app.config
    assert user.password_hash.startswith("$argon2id$")
    assert f"m={config['ARGON2_MEMORY_COST']},t={config['ARGON2_TIME_COST']}," in (
        user.password_hash
    )
    assert not services.password_hasher().check_needs_rehash(user.password_hash)
    # The upgraded hash still opens the account.
    assert services.authenticate(leicestershire, user.email, PASSWORD) is not None


def test_a_wrong_password_leaves_a_weak_hash_alone(client_request, leicestershire, make_user):
    weak_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    user = make_user(leicestershire, password_hash=weak_hash)
    client_request.post_form(
        "/leicestershire/sign-in",
        {"email": user.email, "password": "not the password"},
        expected_status=200,
    )
    db.session.refresh(user)
    assert user.password_hash == weak_hash
