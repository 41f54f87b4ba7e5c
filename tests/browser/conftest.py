"""Real-browser fixtures: Debian's Chromium through pytest-playwright, a live server in a
thread, and an axe-core check."""

import json
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium: no browser download, no background network."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def live_server(app):
    """The app served on a free loopback port for the whole run."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh context: `new_page(width=375, javascript=True)`."""
    contexts = []

    def open_page(viewport=None, javascript=True):
        context = browser.new_context(
            base_url=live_server, viewport=viewport or PHONE, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        problems = []
        page.on(
            "console",
            lambda message: problems.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.console_problems = problems
        return page

    yield open_page
    for context in contexts:
        context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core's WCAG 2.2 A/AA rules on the page; return the violations."""
    page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return result["violations"]


def assert_accessible(page) -> None:
    """Fail with a readable list when axe-core finds any WCAG 2.2 A/AA violation."""
    violations = axe_violations(page)
    summary = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in violations
    ]
    assert violations == [], f"{page.url}\n{json.dumps(summary, indent=2)}"


def sign_in(page, email: str, password: str | None = None, service: str = "leicestershire"):
    """Sign in through the real form."""
    from tests.conftest import PASSWORD

    page.goto(f"/{service}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password or PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if page.url.endswith("/sign-in/code"):
        from tests.conftest import one_time_code

        page.get_by_label("Code from your authenticator app").fill(one_time_code(email, service))
        page.get_by_role("button", name="Continue").click()
