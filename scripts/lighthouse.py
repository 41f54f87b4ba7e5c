"""Lighthouse scores of the main pages at its mobile settings, in Debian's Chromium.

Serves the portal as production does (gunicorn with gunicorn.conf.py, compression and hashed
static files, the demo data on a throw-away SQLite database: the same set-up as
scripts/page_weight.py), then runs Lighthouse (npm, pinned in tools/lighthouse/) on each
main page with its default mobile emulation and throttling (a mid-range phone on slow 4G).
Signed-in pages are measured with the session cookie of a browser that signed in through
the forms. Prints each page's accessibility and performance scores, any accessibility
audit that failed, and one line per page against the goals: accessibility 100 and
performance at least 90. Exits 1 when a page misses either.

    .venv/bin/python scripts/lighthouse.py        (or `make lighthouse`, which installs it)
    .venv/bin/python scripts/lighthouse.py --keep (and keep each report's JSON in ./lighthouse)
    .venv/bin/python scripts/lighthouse.py staff-home home-urdu   (only these pages)
"""

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from page_weight import (  # noqa: E402
    CHROMIUM,
    SERVICE,
    first_event_path,
    free_port,
    prepare,
    serve,
    sign_in,
)

LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
ACCESSIBILITY_GOAL, PERFORMANCE_GOAL = 100, 90
COOKIE = "portal_session"


@dataclass
class Target:
    name: str
    path: str
    account: str | None = None  # a demo account's role part
    language: str | None = None


TARGETS = [
    Target("home", f"/{SERVICE}/"),
    Target("events-list", f"/{SERVICE}/events"),
    Target("event-page", ""),  # the first event the list links to
    Target("sign-in", f"/{SERVICE}/sign-in"),
    Target("young-people", f"/{SERVICE}/young-people"),
    Target("home-urdu", f"/{SERVICE}/", language="ur"),
    Target("home-gujarati", f"/{SERVICE}/", language="gu"),
    Target("carer-training", f"/{SERVICE}/training", account="carer"),
    Target("staff-home", f"/{SERVICE}/staff/", account="recruitment"),
]


def session_cookie(browser, base: str, target: Target) -> str | None:
    """The cookie a person who signed in (and chose a language) sends, or None."""
    if not (target.account or target.language):
        return None
    context = browser.new_context()
    try:
        page = context.new_page()
        if target.account:
            sign_in(page, base, target.account)
        if target.language:
            page.goto(f"{base}/language/{target.language}?next=/{SERVICE}/")
        for cookie in context.cookies():
            if cookie["name"] == COOKIE:
                return f"{COOKIE}={cookie['value']}"
        return None
    finally:
        context.close()


def lighthouse(url: str, cookie: str | None, output: Path) -> dict:
    """Run Lighthouse once on `url` and return its JSON report."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=accessibility,performance",
        "--output=json",
        f"--output-path={output}",
        "--quiet",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=180)
    return json.loads(output.read_text(encoding="utf-8"))


def failed_audits(report: dict) -> list[str]:
    """Accessibility audits that did not pass, as 'id: title'."""
    audits = report["audits"]
    failed = []
    for ref in report["categories"]["accessibility"]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref.get("weight", 0) and audit.get("score") not in (None, 1):
            failed.append(f"{ref['id']}: {audit['title']}")
    return failed


def metrics(report: dict) -> str:
    """The timings behind a performance score, for a page that misses the goal."""
    audits = report["audits"]
    names = [
        "first-contentful-paint",
        "largest-contentful-paint",
        "total-blocking-time",
        "cumulative-layout-shift",
        "speed-index",
    ]
    return ", ".join(f"{name} {audits[name]['displayValue']}" for name in names if name in audits)


def main() -> int:
    keep = "--keep" in sys.argv[1:]
    chosen = [name for name in sys.argv[1:] if not name.startswith("--")]
    targets = [target for target in TARGETS if not chosen or target.name in chosen]
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `make lighthouse`", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 2
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    reports = ROOT / "lighthouse" if keep else None
    if reports:
        reports.mkdir(exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        workdir = Path(tmp)
        print("Loading the demo data into a throw-away database …", flush=True)
        env = prepare(workdir, port)
        server = serve(env, workdir, base)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                cookies = {}
                for target in targets:
                    if not target.path:
                        page = browser.new_page()
                        target.path = first_event_path(page, base)
                        page.close()
                    cookies[target.name] = session_cookie(browser, base, target)
                browser.close()
            for target in targets:
                output = (reports or workdir) / f"{target.name}.json"
                report = lighthouse(base + target.path, cookies[target.name], output)
                scores = {
                    name: round((report["categories"][name]["score"] or 0) * 100)
                    for name in ("accessibility", "performance")
                }
                final = report.get("finalDisplayedUrl") or report.get("finalUrl", "")
                if target.account and "/sign-in" in final:
                    raise SystemExit(f"{target.name}: Lighthouse was sent to sign in")
                failed = failed_audits(report)
                results.append((target, scores, failed))
                print(
                    f"{target.name:15} {target.path}: accessibility {scores['accessibility']}, "
                    f"performance {scores['performance']}",
                    flush=True,
                )
                for line in failed:
                    print(f"    failed: {line}")
                if scores["performance"] < PERFORMANCE_GOAL:
                    print("    " + metrics(report))
        finally:
            server.terminate()
            server.wait(timeout=40)

    print()
    print(
        f"Goals at Lighthouse's mobile settings: accessibility {ACCESSIBILITY_GOAL}, "
        f"performance >= {PERFORMANCE_GOAL}"
    )
    missed = 0
    for target, scores, _failed in results:
        met = (
            scores["accessibility"] >= ACCESSIBILITY_GOAL
            and scores["performance"] >= PERFORMANCE_GOAL
        )
        missed += not met
        print(
            f"lighthouse {target.name}: accessibility {scores['accessibility']}, "
            f"performance {scores['performance']}: {'goals met' if met else 'GOAL MISSED'}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
