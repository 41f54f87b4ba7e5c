"""Page weight: what the main pages cost a phone, measured in Chromium.

Serves the portal as production does (gunicorn with gunicorn.conf.py, compression and hashed
static files) with the development settings on a throw-away SQLite database holding the demo
data, then loads each main page in Debian's Chromium at 375 CSS pixels wide, twice: first
with an empty cache, then again as a repeat visit. For each it prints the bytes that crossed
the network (compressed, headers included, as DevTools' "transferred"), the number of
requests, and any request to another origin, then one line per page against the budget:
a first visit of at most 100 KB in at most 12 requests, nothing from another site, and a
repeat visit of at most 15 KB.

    .venv/bin/python scripts/page_weight.py          (or `make page-weight`)
    .venv/bin/python scripts/page_weight.py --each   (and every request's size)

Signed-in pages are measured after signing in through the forms (staff with the demo's
one-time code), with the browser's cache emptied before the first visit. Exits 1 when a
page is over budget.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.demo.services import DEMO_PASSWORD, DEMO_TOTP_SECRET  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 375, 812
SERVICE = "leicestershire"
FIRST_BYTES, FIRST_REQUESTS, REPEAT_BYTES = 100 * 1024, 12, 15 * 1024


@dataclass
class PageSpec:
    name: str
    path: str
    account: str | None = None  # a demo account's role part: carer, recruitment …
    language: str | None = None  # chosen first, as a person would; Urdu and Gujarati fetch a font


PAGES = [
    PageSpec("home", f"/{SERVICE}/"),
    PageSpec("events-list", f"/{SERVICE}/events"),
    PageSpec("event-page", ""),  # the first event the list links to
    PageSpec("sign-in", f"/{SERVICE}/sign-in"),
    PageSpec("young-people", f"/{SERVICE}/young-people"),
    PageSpec("carer-training", f"/{SERVICE}/training", account="carer"),
    PageSpec("staff-home", f"/{SERVICE}/staff/", account="recruitment"),
    PageSpec("home-urdu", f"/{SERVICE}/", language="ur"),
    PageSpec("home-gujarati", f"/{SERVICE}/", language="gu"),
]


@dataclass
class Visit:
    """What one navigation sent over the network."""

    transferred: int = 0
    requests: int = 0
    from_cache: int = 0
    other_origins: set[str] = field(default_factory=set)
    each: list[str] = field(default_factory=list)


class NetworkLog:
    """Chromium's own accounting (DevTools protocol), per navigation."""

    def __init__(self, page: Page, origin: str):
        self.origin = origin
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.sent: dict[str, str] = {}
        self.cached: set[str] = set()
        self.bytes: dict[str, int] = {}
        self.redirect_bytes = 0
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", self._cached)
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event):
        redirect = event.get("redirectResponse")
        if redirect:
            self.redirect_bytes += int(redirect.get("encodedDataLength", 0))
            self.sent[event["requestId"] + "/redirect"] = redirect["url"]
        self.sent[event["requestId"]] = event["request"]["url"]

    def _cached(self, event):
        self.cached.add(event["requestId"])

    def _received(self, event):
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def _finished(self, event):
        self.bytes[event["requestId"]] = int(event.get("encodedDataLength", 0))

    def reset(self) -> None:
        self.sent.clear()
        self.cached.clear()
        self.bytes.clear()
        self.redirect_bytes = 0

    def visit(self, page: Page, url: str) -> Visit:
        """Load `url` and wait until the network is quiet; what it cost."""
        self.reset()
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        visit = Visit(transferred=self.redirect_bytes)
        for request_id, address in self.sent.items():
            if address.startswith(("data:", "blob:")):
                continue
            parts = urlsplit(address)
            if f"{parts.scheme}://{parts.netloc}" != self.origin:
                visit.other_origins.add(f"{parts.scheme}://{parts.netloc}")
            if request_id in self.cached:
                visit.from_cache += 1
                visit.each.append(f"    (cache)  {parts.path}")
                continue
            visit.requests += 1
            visit.transferred += self.bytes.get(request_id, 0)
            visit.each.append(f"    {kb(self.bytes.get(request_id, 0)):>8} {parts.path}")
        return visit


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(workdir: Path, port: int) -> dict[str, str]:
    """Environment for a development app on a fresh SQLite database with the demo loaded."""
    env = {
        **os.environ,
        "PORTAL_ENV": "development",
        "DATABASE_URL": f"sqlite:///{workdir / 'portal.sqlite3'}",
        "PORTAL_INSTANCE_PATH": str(workdir),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": str(workdir / "access.log"),
        "GUNICORN_GRACEFUL_TIMEOUT": "5",
    }
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def serve(env: dict[str, str], workdir: Path, base: str) -> subprocess.Popen:
    """gunicorn with the production config file; returns once it answers."""
    log = (workdir / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/{SERVICE}/", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not start; see {workdir / 'gunicorn.log'}")


def sign_in(page: Page, base: str, role: str) -> None:
    """Through the real forms, with the demo authenticator's code for staff."""
    page.goto(f"{base}/{SERVICE}/sign-in")
    page.fill("#email", f"{role}@{SERVICE}.demo")
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    if page.url.endswith("/sign-in/code"):
        page.fill("#code", pyotp.TOTP(DEMO_TOTP_SECRET).now())
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("load")
    if "/sign-in" in urlsplit(page.url).path:
        raise SystemExit(f"{role}@{SERVICE}.demo could not sign in")


def first_event_path(page: Page, base: str) -> str:
    page.goto(f"{base}/{SERVICE}/events")
    link = page.locator(f"main a[href^='/{SERVICE}/events/']").first
    href = link.get_attribute("href")
    if not href:
        raise SystemExit("the events list links to no event")
    return href.split("/book")[0]


def kb(count: int) -> str:
    return f"{count / 1024:.1f} KB"


def requests(count: int) -> str:
    return f"{count} request" if count == 1 else f"{count} requests"


def show(spec: PageSpec, first: Visit, repeat: Visit, each: bool) -> None:
    others = sorted(first.other_origins | repeat.other_origins)
    print(f"{spec.name:15} {spec.path}")
    print(f"  first visit:  {kb(first.transferred):>9} in {requests(first.requests)}")
    print(
        f"  repeat visit: {kb(repeat.transferred):>9} in {requests(repeat.requests)} "
        f"({repeat.from_cache} from the browser's cache)"
    )
    print(f"  other origins: {', '.join(others) if others else 'none'}", flush=True)
    if each:
        print("  first visit, each request:", *first.each, sep="\n")
        print("  repeat visit, each request:", *repeat.each, sep="\n")


def measure(browser, base: str, spec: PageSpec) -> tuple[Visit, Visit]:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page = context.new_page()
        log = NetworkLog(page, base)
        if not spec.path:
            spec.path = first_event_path(page, base)
        if spec.account:
            sign_in(page, base, spec.account)
        if spec.language:
            page.goto(f"{base}/language/{spec.language}?next={spec.path}")
        log.cdp.send("Network.clearBrowserCache")
        first = log.visit(page, base + spec.path)
        repeat = log.visit(page, base + spec.path)
        return first, repeat
    finally:
        context.close()


def main() -> int:
    each = "--each" in sys.argv[1:]
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 2
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="page-weight-") as tmp:
        workdir = Path(tmp)
        print("Loading the demo data into a throw-away database …", flush=True)
        env = prepare(workdir, port)
        server = serve(env, workdir, base)
        results = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    args=[
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                    ],
                )
                for spec in PAGES:
                    first, repeat = measure(browser, base, spec)
                    results.append((spec, first, repeat))
                    show(spec, first, repeat, each)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=40)

    print()
    print(
        f"Budget: first visit <= {kb(FIRST_BYTES)} in <= {FIRST_REQUESTS} requests, "
        f"no other origins; repeat visit <= {kb(REPEAT_BYTES)}"
    )
    over = 0
    for spec, first, repeat in results:
        met = (
            first.transferred <= FIRST_BYTES
            and first.requests <= FIRST_REQUESTS
            and not (first.other_origins or repeat.other_origins)
            and repeat.transferred <= REPEAT_BYTES
        )
        over += not met
        print(
            f"page-weight {spec.name}: first {kb(first.transferred)} / {requests(first.requests)}, "
            f"repeat {kb(repeat.transferred)} / {requests(repeat.requests)}, "
            f"third-party {'yes' if first.other_origins or repeat.other_origins else 'none'}: "
            f"{'budget met' if met else 'OVER BUDGET'}"
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
