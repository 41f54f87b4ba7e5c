"""The foundation in a real browser: accounts journeys on a phone, axe-core on every page,
the CSP enforced, and no console errors."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role, TokenPurpose
from portal.accounts.services import issue_token
from portal.core.extensions import db
from portal.core.models import OutboxMessage
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.conftest import PASSWORD, links_in, path_of


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_new_applicant_registers_confirms_signs_in_out_and_resets_on_a_phone(
    new_page, leicestershire, smtp_server, javascript
):
    page = new_page(viewport=PHONE, javascript=javascript)
    page.goto("/leicestershire/")
    page.get_by_role("link", name="Thinking about fostering").click()
    page.get_by_role("button", name="Create an account").click()
    expect(page.locator("h1")).to_have_text("Create an account")

    # A mistake first: the message sits beside the field and the typing is kept.
    page.get_by_label("Full name").fill("Sam Example")
    page.get_by_label("Email address").fill("sam@example")
    page.get_by_label("Create a password").fill("a long enough phrase")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.locator("#email-error")).to_contain_text("correct format")
    assert page.get_by_label("Full name").input_value() == "Sam Example"

    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Create a password").fill("a long enough phrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Check your email")

    [confirmation] = smtp_server.deliver()
    page.goto(path_of(links_in(confirmation)[0]))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your email address is confirmed"
    )

    sign_in(page, "sam@example.org", "a long enough phrase")
    expect(page.locator("h1")).to_have_text("Your account")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")

    page.get_by_role("link", name="I have forgotten my password").click()
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    reset = smtp_server.deliver()[-1]
    page.goto(path_of(links_in(reset)[0]))
    page.get_by_label("New password").fill("a different long phrase")
    page.get_by_role("button", name="Save new password").click()
    sign_in(page, "sam@example.org", "a different long phrase")
    expect(page.locator("h1")).to_have_text("Your account")

    no_sideways_scroll = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert no_sideways_scroll
    assert page.console_problems == []


def _pages_to_check(service, make_user, smtp_server):
    """Every page the foundation adds, as (label, path, who is signed in)."""
    staff = make_user(service, Role.SERVICE_MANAGER, email="manager@example.org")
    carer = make_user(service, Role.APPROVED_CARER, email="carer@example.org")
    reset_token = issue_token(
        carer, TokenPurpose.RESET_PASSWORD, __import__("datetime").timedelta(hours=1)
    )
    invited = make_user(service, Role.APPROVED_CARER, email="new@example.org", password_hash=None)
    invite_token = issue_token(
        invited, TokenPurpose.INVITATION, __import__("datetime").timedelta(days=1)
    )
    db.session.commit()
    anonymous = [
        "/",
        "/accessibility",
        "/privacy",
        "/cookies",
        "/leicestershire/",
        "/leicestershire/thinking-about-fostering",
        "/leicestershire/foster-carers",
        "/leicestershire/young-people",
        "/leicestershire/contact",
        "/leicestershire/accessibility",
        "/leicestershire/privacy",
        "/leicestershire/cookies",
        "/leicestershire/sign-in",
        "/leicestershire/register",
        "/leicestershire/register/check-your-email",
        "/leicestershire/confirm-email",
        "/leicestershire/forgot-password",
        "/leicestershire/forgot-password/check-your-email",
        f"/leicestershire/reset-password/{reset_token}",
        f"/leicestershire/invitation/{invite_token}",
        "/leicestershire/confirm-email/not-a-real-link",
        "/leicestershire/no-such-page",
    ]
    signed_in = {
        carer: [
            "/leicestershire/account",
            "/leicestershire/account/change-password",
            "/leicestershire/staff/",
        ],
        staff: ["/leicestershire/staff/", "/leicestershire/staff/invitations"],
    }
    return anonymous, signed_in


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_every_foundation_page_has_no_axe_violations(
    new_page, leicestershire, lancashire, make_user, smtp_server, viewport
):
    anonymous, signed_in = _pages_to_check(leicestershire, make_user, smtp_server)
    page = new_page(viewport=viewport)
    checked = 0
    for path in anonymous:
        page.goto(path)
        assert_accessible(page)
        checked += 1
    # The same forms showing their errors.
    for path, button in [
        ("/leicestershire/register", "Create account"),
        ("/leicestershire/sign-in", "Sign in"),
    ]:
        page.goto(path)
        page.get_by_role("button", name=button).click()
        page.locator(".govuk-error-summary").wait_for()
        assert_accessible(page)
        checked += 1
    for user, paths in signed_in.items():
        person_page = new_page(viewport=viewport)
        sign_in(person_page, user.email, PASSWORD)
        for path in paths:
            person_page.goto(path)
            assert_accessible(person_page)
            checked += 1
    print(f"axe-core: {checked} pages checked at {viewport['width']}px, 0 violations")


def test_every_foundation_page_reflows_at_320px_in_every_language(
    new_page, leicestershire, make_user, smtp_server
):
    """No sideways scrolling on a 320 px screen (WCAG 1.4.10), whatever the language."""
    anonymous, _ = _pages_to_check(leicestershire, make_user, smtp_server)
    page = new_page(viewport={"width": 320, "height": 640})
    too_wide = []
    for language in ("en", "pl", "ur", "gu"):
        page.goto(f"/language/{language}?next=/")
        for path in anonymous:
            page.goto(path)
            fits = page.evaluate(
                "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            )
            if not fits:
                too_wide.append(f"{language} {path}")
    assert too_wide == [], "\n".join(too_wide)


def test_the_csp_blocks_inline_script_and_pages_log_no_errors(new_page, leicestershire):
    page = new_page(viewport=DESKTOP)
    response = page.goto("/leicestershire/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.console_problems == []
    # GOV.UK Frontend and htmx loaded from our own static files and started.
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert page.evaluate("typeof window.htmx") == "object"
    blocked = page.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener('securitypolicyviolation',
                e => resolve(e.violatedDirective), {once: true});
            const script = document.createElement('script');
            script.textContent = 'window.inlineRan = true';
            document.body.appendChild(script);
            setTimeout(() => resolve('no violation'), 2000);
        })"""
    )
    assert blocked.startswith("script-src")
    assert page.evaluate("window.inlineRan") is None


def test_htmx_invitation_errors_arrive_without_a_reload_and_take_focus(
    new_page, leicestershire, make_user
):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    page = new_page(viewport=PHONE)
    sign_in(page, manager.email, PASSWORD)
    page.goto("/leicestershire/staff/invitations")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Send invitation").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    page.get_by_label("Their name").fill("Robin New")
    page.get_by_label("Their email address").fill("robin@example.org")
    page.get_by_label("Prospective foster carer").check()
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent.").wait_for()
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("table")).to_contain_text("Robin New")
    assert db.session.scalar(select(OutboxMessage.template)) == "invitation"
    assert page.console_problems == []


def test_the_axe_check_catches_known_violations(new_page, leicestershire):
    """A negative control: the accessibility check is not silently passing everything."""
    from tests.browser.conftest import axe_violations

    page = new_page(viewport=DESKTOP)
    page.goto("/leicestershire/")
    page.evaluate(
        """() => {
            document.querySelector('h1').insertAdjacentHTML('afterend',
                '<img src="/static/images/favicon.svg"><input type="text">'
                + '<a href="/x"></a>');
        }"""
    )
    rules = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "label", "link-name"} <= rules
