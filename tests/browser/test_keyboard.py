"""The main journeys with the keyboard alone (WCAG 2.1.1): Tab, Shift+Tab, Enter, Space,
arrow keys and typing, never a click. At every focus stop the focus must be visible
(2.4.7) and not hidden behind sticky or fixed content (2.4.11); after every htmx update
focus must move into what changed or a live region must say what happened (4.1.3)."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role
from portal.bookings.models import Booking, BookingStatus
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.events import services as events
from portal.tsds.models import Evidence, EvidenceStatus
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import PASSWORD, one_time_code
from tests.paperwork.helpers import PDF
from tests.staff.test_my_work import conversation
from tests.training import conftest as training_fixtures
from tests.tsds.helpers import approved_carer

make_course = training_fixtures.make_course
make_session = training_fixtures.make_session

# Added to every page before its own scripts. How an element shows focus: its outline,
# box shadow, background and border, and for GOV.UK radios and checkboxes (whose input is
# invisible) the circle or box drawn by their label. Each key press that can move focus
# first notes how every focusable element looks unfocused, to compare with afterwards.
WATCH_FOCUS = """(() => {
const FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, "
  + "[tabindex], [contenteditable=true]";
const transparent = (colour) =>
  !colour || colour === "transparent" || /^rgba\\(.*,\\s*0\\)$/.test(colour);
const styleOf = (element, pseudo) => {
  const s = getComputedStyle(element, pseudo);
  return {
    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
      && !transparent(s.outlineColor) ? `${s.outlineWidth} ${s.outlineColor}` : "",
    shadow: s.boxShadow === "none" ? "" : s.boxShadow,
    background: transparent(s.backgroundColor) ? "" : s.backgroundColor,
    border: `${s.borderTopWidth} ${s.borderTopColor}`,
  };
};
const look = (element) => {
  const parts = [styleOf(element)];
  if (/^(radio|checkbox)$/.test(element.type) && element.labels && element.labels[0]) {
    parts.push(styleOf(element.labels[0], "::before"), styleOf(element.labels[0], "::after"));
  }
  return parts;
};
const describe = (element) => {
  if (!element || element === document.body || element === document.documentElement) {
    return "(nothing)";
  }
  const label = element.labels && element.labels[0] ? element.labels[0].innerText : "";
  const text = (element.getAttribute("aria-label") || label || element.innerText
    || element.value || "").replace(/\\s+/g, " ").trim().slice(0, 60);
  return `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""} "${text}"`;
};
const unfocused = new Map();
window.addEventListener("keydown", (event) => {
  if (event.key.length === 1 && event.key !== " ") return;  // typing moves no focus
  unfocused.clear();
  for (const element of document.querySelectorAll(FOCUSABLE)) {
    if (element !== document.activeElement) unfocused.set(element, look(element));
  }
}, true);

window.focusStop = (target) => {
  const element = document.activeElement;
  const name = describe(element);
  if (name === "(nothing)") return {name, found: false, visible: false, obscured: ""};
  // Visible: a non-transparent outline, or a shadow, background or border that appeared
  // or changed when focus arrived (with nothing to compare, an outline or shadow).
  const before = unfocused.get(element);
  const visible = look(element).some((part, index) => {
    const old = before && before[index];
    return part.outline !== "" || (old
      ? (part.shadow !== "" && part.shadow !== old.shadow)
        || (part.background !== "" && part.background !== old.background)
        || part.border !== old.border
      : part.shadow !== "");
  });
  // Not hidden: some of it on screen, and what is at the middle of it is itself (or its
  // label). A link can wrap onto two lines: each of its boxes is tried.
  const boxes = [...element.getClientRects()].filter((box) => box.width >= 1 && box.height >= 1);
  const shown = boxes.filter((box) => box.bottom > 0 && box.right > 0
    && box.top < innerHeight && box.left < innerWidth);
  const label = element.labels && element.labels[0];
  const hits = shown.map((box) => document.elementFromPoint(
    (Math.max(box.left, 0) + Math.min(box.right, innerWidth)) / 2,
    (Math.max(box.top, 0) + Math.min(box.bottom, innerHeight)) / 2));
  const own = (hit) => hit && (element.contains(hit) || (label && label.contains(hit)));
  let obscured = "";
  if (!boxes.length) {
    obscured = "it has no size on the screen";
  } else if (!shown.length) {
    obscured = "it is outside the viewport";
  } else if (!hits.some(own)) {
    obscured = `covered by ${hits[0] ? describe(hits[0]) + " " + hits[0].className : "nothing"}`;
  }
  return {name, found: element === target, visible, obscured};
};

// Around an htmx action: every live region's text before, the swaps, and afterwards where
// focus is and which of those live regions now says something new.
let live = [], swapped = [], settle = () => {}, answer = () => {};
document.addEventListener("htmx:afterSettle", (event) => {
  swapped.push(event.target);
  settle();
});
document.addEventListener("htmx:afterRequest", () => answer());
window.watchUpdate = () => {
  swapped = [];
  live = [...document.querySelectorAll("[aria-live], [role=status], [role=alert]")]
    .map((region) => [region, region.innerText]);
  const settled = new Promise((resolve) => { settle = resolve; });
  const answered = new Promise((resolve) => { answer = resolve; });
  window.updateDone = (needsSwap) => (needsSwap ? settled : answered).then(() => {
    const element = document.activeElement;
    return {
      swapped: swapped.map((target) => target.id || target.tagName),
      focus: describe(element),
      focusMoved: element !== document.body
        && swapped.some((target) => target.isConnected && target.contains(element)),
      announced: live
        .filter(([region, text]) => region.isConnected && region.innerText.trim()
          && region.innerText !== text)
        .map(([region]) => region.innerText.replace(/\\s+/g, " ").trim()),
    };
  });
};
})();"""

NO_FOCUS = "(nothing)"


@pytest.fixture
def keyboard_page(new_page):
    """`new_page`, watching focus: `keyboard_page(viewport)`."""

    def open_page(viewport=PHONE):
        page = new_page(viewport=viewport)
        page.add_init_script(WATCH_FOCUS)
        return page

    return open_page


def _focus_stop(page, target=None) -> dict:
    return page.evaluate("(target) => window.focusStop(target)", target)


def press(page, key: str, stops: list | None = None, target=None) -> dict:
    """Press `key`, then check the focus it leaves: visible and not hidden behind anything."""
    page.keyboard.press(key)
    stop = _focus_stop(page, target)
    if stops is not None:
        stops.append(stop["name"])
    route = " > ".join(stops or [stop["name"]])
    assert stop["name"] != NO_FOCUS, f"focus left the page after {key}: {route}"
    assert stop["visible"], f"no visible focus on {stop['name']} after {key}: {route}"
    assert not stop["obscured"], f"{stop['name']} is hidden: {stop['obscured']}: {route}"
    return stop


def tab_to(page, wanted, limit: int = 40, backwards: bool = False) -> list[str]:
    """Press Tab (Shift+Tab when `backwards`) until `wanted` has focus: a locator, or a
    predicate on the focused element's description ('tag#id "text"'). Every stop on the way
    is checked; fails with the list of stops when `wanted` is not reached within `limit`."""
    handle = wanted.element_handle() if not callable(wanted) else None
    stops: list[str] = []
    for _ in range(limit):
        stop = press(page, "Shift+Tab" if backwards else "Tab", stops, handle)
        if stop["found"] if handle is not None else wanted(stop["name"]):
            return stops
    raise AssertionError(f"{wanted} not reached in {limit} presses: {' > '.join(stops)}")


def named(text: str):
    """A predicate for `tab_to`: the focused element's text is `text`."""
    return lambda name: name.endswith(f'"{text}"')


def watch_update(page) -> None:
    """Before an htmx update: note what the live regions say and listen for the swaps."""
    page.evaluate("window.watchUpdate()")


def update_done(page, swap: bool = True) -> dict:
    """Once the update has settled (or, when `swap` is false, its answer has arrived): what
    was swapped, where focus is, and what the live regions say that they did not before."""
    return page.evaluate("(swap) => window.updateDone(swap)", swap)


def htmx_update(page, key: str) -> dict:
    """Press `key` to start an htmx update; once it has settled, check that focus moved into
    what changed or that a live region already on the page now says something new."""
    watch_update(page)
    page.keyboard.press(key)
    result = update_done(page)
    assert result["focusMoved"] or result["announced"], f"an update nobody hears of: {result}"
    return result


def enter_and_wait(page, key: str = "Enter") -> None:
    """Press `key` on a link or a button that loads another page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def _someone_books(app, event, email: str) -> None:
    """Someone else books one place, as if on another phone."""
    with app.test_request_context():
        events.book(
            event,
            name="Someone",
            email=email,
            phone="07700900111",
            seats=1,
            access_needs="",
            locale="en",
            now=utcnow(),
        )


def test_an_anonymous_visitor_finds_an_event_and_books_it_with_the_keyboard(
    app, keyboard_page, leicestershire, make_event
):
    make_event(title="Online evening", online=True, starts_in=timedelta(days=5))
    event = make_event(title="County Hall afternoon", starts_in=timedelta(days=12))
    page = keyboard_page(PHONE)
    page.clock.install()  # lets the test move time on to the list's next refresh
    page.goto("/leicestershire/events")
    # The skip link is the first stop and takes the next Tab straight into the page's content.
    assert tab_to(page, page.get_by_role("link", name="Skip to main content")) == [
        'a "Skip to main content"'
    ]
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert tab_to(page, page.get_by_label("Place")) == ['select#place "Place"']
    # Choosing a place updates the list in place, and a status region says how many events
    # it now shows (the list itself is not read out whole).
    chosen = htmx_update(page, "ArrowDown")
    assert chosen["announced"] == ["1 event"], chosen
    expect(page.get_by_label("Place")).to_have_value(re.compile(r".+"))
    expect(page.locator("#event-list")).not_to_contain_text("Online evening")
    # The list refreshes itself every 30 seconds, and says so beside a button that stops it
    # (2.2.2 Pause, Stop, Hide).
    stop = page.get_by_role("button", name="Stop updating")
    expect(page.locator("[data-live-updates]")).to_contain_text("updated every 30 seconds")
    tab_to(page, stop)
    tab_to(page, named("County Hall afternoon"))

    # Unchanged, the list is left alone; changed, it is redrawn quietly (a refresh nobody
    # asked for is not read out), and whoever is on a link in it keeps their place.
    link = page.get_by_role("link", name="County Hall afternoon")
    watch_update(page)
    page.clock.fast_forward(31_000)
    assert update_done(page, swap=False)["swapped"] == []
    assert _focus_stop(page, link.element_handle())["found"]
    _someone_books(app, event, "someone@example.org")
    watch_update(page)
    page.clock.fast_forward(31_000)
    refreshed = update_done(page)
    assert refreshed["swapped"] == ["event-list"] and refreshed["announced"] == [], refreshed
    expect(page.locator("#event-list")).to_contain_text("19 places left")
    where = _focus_stop(page, link.element_handle())
    assert where["found"] and where["visible"] and not where["obscured"], where

    # Stopped with the keyboard, it asks for nothing more until started again.
    tab_to(page, stop, backwards=True)
    press(page, "Enter")
    expect(page.get_by_role("button", name="Start updating again")).to_be_focused()
    _someone_books(app, event, "someone.else@example.org")
    polls = []
    page.on("request", lambda sent: polls.append(sent.url))
    page.clock.fast_forward(61_000)
    page.wait_for_timeout(200)
    assert polls == [], polls
    expect(page.locator("#event-list")).to_contain_text("19 places left")
    press(page, "Enter")
    expect(page.get_by_role("button", name="Stop updating")).to_be_focused()
    watch_update(page)
    page.clock.fast_forward(31_000)
    assert update_done(page)["swapped"] == ["event-list"]
    expect(page.locator("#event-list")).to_contain_text("18 places left")
    tab_to(page, link)
    enter_and_wait(page)

    expect(page.locator("h1")).to_have_text("County Hall afternoon")
    tab_to(page, page.get_by_role("button", name="Book a place"))
    enter_and_wait(page)
    tab_to(page, page.get_by_label("Full name"))
    page.keyboard.type("Pat Example")
    tab_to(page, page.get_by_label("Email address"))
    page.keyboard.type("pat@example")  # a mistake, put right from the error summary below
    tab_to(page, page.get_by_label("Phone number"))
    page.keyboard.type("07700 900456")
    tab_to(page, page.get_by_label("Just me"))
    press(page, "ArrowDown")
    expect(page.get_by_label("2 people")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Book my place"))
    # The form is sent with htmx: the error summary comes into the form's place with focus.
    update = htmx_update(page, "Enter")
    assert update["focusMoved"] and update["swapped"] == ["booking-form"], update
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    tab_to(page, page.locator(".govuk-error-summary a"), limit=3)
    press(page, "Enter")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.type(".org")
    tab_to(page, page.get_by_role("button", name="Book my place"))
    enter_and_wait(page)

    expect(page.locator("h1")).to_have_text("Your booking")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your place is booked")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Booked")
    expect(page.locator(".govuk-summary-list__row", has_text="People")).to_contain_text("2")
    assert page.console_problems == []


def test_a_young_person_sends_a_message_with_the_keyboard(keyboard_page, leicestershire):
    page = keyboard_page(PHONE)
    page.goto("/leicestershire/")
    tab_to(page, page.get_by_role("link", name="Young people"))
    enter_and_wait(page)
    tab_to(page, page.get_by_role("button", name="Send a message to a Children's Rights Officer"))
    enter_and_wait(page)
    expect(page.locator("h1")).to_have_text("Talk to a Children's Rights Officer")
    tab_to(page, page.get_by_role("button", name="Sad"))
    enter_and_wait(page)  # the feelings picker starts the message
    message = page.get_by_label("What would you like to tell us?")
    expect(message).to_have_value("I feel sad. ")
    tab_to(page, message)
    page.keyboard.press("Control+End")
    page.keyboard.type("I miss my brother.")
    tab_to(page, page.get_by_label("How can we reach you? (optional)"))
    page.keyboard.type("07700 900789")
    # Down to the end of the page and all the way back up: nothing that takes focus is
    # hidden under the Exit this page button, which stays at the top of the screen.
    tab_to(page, page.locator("footer a").last)
    tab_to(page, page.get_by_role("button", name="Exit this page"), backwards=True, limit=60)
    tab_to(page, page.get_by_role("button", name="Send my message"))
    enter_and_wait(page)

    expect(page.locator("h1")).to_have_text("Your message has been sent")
    expect(page.locator(".app-secret__value")).to_have_count(2)
    tab_to(page, page.locator("footer a").last)
    tab_to(page, page.get_by_role("button", name="Exit this page"), backwards=True)
    assert page.console_problems == []


def sign_in_with_keyboard(page, email: str) -> None:
    """Sign in through the real forms with the keyboard, with a one-time code for staff."""
    page.goto("/leicestershire/sign-in")
    tab_to(page, page.get_by_label("Email address"))
    page.keyboard.type(email)
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(PASSWORD)
    tab_to(page, page.get_by_role("button", name="Sign in"))
    enter_and_wait(page)
    if page.url.endswith("/sign-in/code"):
        tab_to(page, page.get_by_label("Code from your authenticator app"))
        page.keyboard.type(one_time_code(email))
        tab_to(page, page.get_by_role("button", name="Continue"))
        enter_and_wait(page)


def to_foster_carers_page(page, backwards: bool = False) -> None:
    """Up to the service's name in the header (back up, when focus starts lower down the
    page), then through the foster carers' door on the service's home page."""
    home = page.get_by_role("link", name="Leicestershire County Council Fostering Service")
    tab_to(page, home, backwards=backwards)
    enter_and_wait(page)
    tab_to(page, page.get_by_role("link", name="I'm a foster carer"))
    enter_and_wait(page)


def test_an_approved_carer_books_training_and_sends_tsds_evidence_with_the_keyboard(
    keyboard_page, leicestershire, make_user, make_session
):
    make_session(title="Online first aid", online=True, starts_in=timedelta(days=6))
    session = make_session(title="Safer caring", tsds=True, starts_in=timedelta(days=14))
    carer = approved_carer(leicestershire, make_user)
    page = keyboard_page(PHONE)
    sign_in_with_keyboard(page, carer.email)
    to_foster_carers_page(page)
    tab_to(page, page.get_by_role("link", name="Find and book training"))
    enter_and_wait(page)

    # Ticking the box narrows the list in place, and a status region says how many are left.
    tab_to(page, page.get_by_label("Only courses that count for my TSDS"))
    narrowed = htmx_update(page, "Space")
    assert re.fullmatch(r"\d+ sessions?, \d+ online modules?", narrowed["announced"][0]), narrowed
    expect(page.locator("#training-list")).not_to_contain_text("Online first aid")
    tab_to(page, page.get_by_role("button", name=re.compile(r"^Book\s*: Safer caring")))
    enter_and_wait(page)
    expect(page.locator("h1")).to_have_text("Your training booking")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your place is booked")
    booking = db.session.scalar(select(Booking).where(Booking.user_id == carer.id))
    assert booking.occasion_id == session.occasion_id
    assert booking.status == BookingStatus.CONFIRMED

    # GOV.UK's success banner takes focus when the page opens, so the way up is backwards.
    expect(page.locator(".govuk-notification-banner")).to_be_focused()
    to_foster_carers_page(page, backwards=True)
    tab_to(page, page.get_by_role("link", name="Your TSDS workbook"))
    enter_and_wait(page)
    tab_to(page, page.get_by_role("link", name="1.1 Explain how you put the child's welfare first"))
    enter_and_wait(page)
    tab_to(page, page.get_by_label("Your evidence"))
    page.keyboard.type("We moved bedtime so Sam could call his mum.")
    # The file picker opens from the keyboard; choosing in it is the browser's own dialog.
    tab_to(page, page.get_by_label("Attach a file (optional)"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        files=[{"name": "diary.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    tab_to(page, page.get_by_role("button", name="Send for review"))
    enter_and_wait(page)
    expect(page.locator(".govuk-notification-banner, .app-flash").first).to_contain_text(
        "Sent for review"
    )
    evidence = db.session.scalar(select(Evidence))
    assert evidence.status == EvidenceStatus.SUBMITTED and evidence.file_kind == "pdf"
    assert page.console_problems == []


def test_a_childrens_rights_officer_answers_a_message_from_my_work_with_the_keyboard(
    keyboard_page, leicestershire, make_user
):
    officer = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER, name="Robin Rights")
    waiting = conversation(leicestershire, "Can I change my school?")
    page = keyboard_page(DESKTOP)
    sign_in_with_keyboard(page, officer.email)
    expect(page.locator("h1")).to_have_text("My work")

    # Take the message on: the queue is replaced with htmx, and focus goes to its heading.
    tab_to(page, page.locator("summary", has_text=waiting.reference))
    press(page, "Enter")
    tab_to(page, page.get_by_label(f"Assign {waiting.reference} to"))
    press(page, "ArrowDown")
    expect(page.get_by_label(f"Assign {waiting.reference} to")).to_have_value(str(officer.id))
    tab_to(page, page.get_by_role("button", name=f"Assign {waiting.reference}"))
    update = htmx_update(page, "Enter")
    assert update["focusMoved"] and "queue-messages" in update["swapped"], update
    expect(page.locator("#queue-messages [role=status]")).to_have_text(
        f"{waiting.reference} assigned to Robin Rights."
    )
    tab_to(page, page.get_by_role("link", name=waiting.reference, exact=True))
    enter_and_wait(page)

    expect(page.locator("h1")).to_contain_text(waiting.reference)
    tab_to(page, page.get_by_label("Reply", exact=True))
    page.keyboard.type("Yes, we can talk about it. When is a good time?")
    tab_to(page, page.get_by_role("button", name="Send reply"))
    enter_and_wait(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Reply sent")
    expect(page.locator(".app-messages")).to_contain_text("When is a good time?")
    assert page.console_problems == []
