"""Serving as production does: hashed static files cached for a year and sent compressed,
pages gzipped (and still `no-store` when signed in), and gunicorn's own config file, run for
real, with an access log that never holds a query string or a private link's token."""

import gzip
import os
import runpy
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from portal.accounts.models import Role
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
IMMUTABLE = "public, max-age=31536000, immutable"
# The shape of a private link's token (secrets.token_urlsafe(32)).
TOKEN = "Zx8-q2LmN4pR7sT0vW3yA6bC9dE1fG5hJ8kL2mN4pQ7"


@pytest.fixture
def manifest(app) -> dict[str, str]:
    manifest = app.extensions["asset_manifest"]
    assert manifest.path.exists(), "static/dist is not built: run `make assets`"
    return {name: manifest.hashed(name) for name in ("dist/app.css", "js/app.mjs")}


def gunzip_page(response) -> BeautifulSoup:
    return BeautifulSoup(gzip.decompress(response.get_data()), "html.parser")


def test_the_layout_links_to_content_hashed_copies_that_exist(client, leicestershire, manifest):
    page = BeautifulSoup(client.get("/leicestershire/").get_data(as_text=True), "html.parser")
    stylesheet = page.find("link", rel="stylesheet")["href"]
    assert stylesheet == f"/static/{manifest['dist/app.css']}"
    assert stylesheet != "/static/dist/app.css"
    scripts = [tag["src"] for tag in page.find_all("script", src=True)]
    assert f"/static/{manifest['js/app.mjs']}" in scripts
    for address in [stylesheet, *scripts, page.find("link", rel="icon")["href"]]:
        assert "." in Path(address).stem, f"{address} has no content hash"
        assert client.get(address).status_code == 200
    # The module's import was pointed at the hashed GOV.UK Frontend copy, which exists.
    module = client.get(f"/static/{manifest['js/app.mjs']}").get_data(as_text=True)
    imported = module.split('from "./', 1)[1].split('"', 1)[0]
    assert imported.startswith("govuk-frontend.min.") and imported != "govuk-frontend.min.js"
    assert client.get(f"/static/dist/{imported}").status_code == 200


def test_hashed_files_are_cached_for_a_year_and_sent_compressed(client, manifest):
    url = f"/static/{manifest['dist/app.css']}"
    plain = client.get(url)
    assert plain.headers["Cache-Control"] == IMMUTABLE
    assert "Content-Encoding" not in plain.headers

    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzipped.headers["Cache-Control"] == IMMUTABLE
    assert gzipped.headers["Content-Type"].startswith("text/css")
    assert gzip.decompress(gzipped.get_data()) == plain.get_data()
    assert int(gzipped.headers["Content-Length"]) < len(plain.get_data()) / 4
    # A cache must keep the encodings apart, and must not split them by cookie.
    assert gzipped.headers["Vary"] == "Accept-Encoding"

    brotli = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert brotli.headers["Content-Encoding"] == "br"
    assert len(brotli.get_data()) < len(gzipped.get_data())

    again = client.get(
        url, headers={"Accept-Encoding": "br", "If-None-Match": brotli.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_module_script_is_sent_as_javascript(client, manifest):
    response = client.get(f"/static/{manifest['js/app.mjs']}", headers={"Accept-Encoding": "br"})
    assert response.mimetype == "text/javascript"
    assert response.headers["Content-Encoding"] == "br"


def test_plain_names_still_work_with_a_short_cache(client, manifest):
    hashed = client.get(f"/static/{manifest['dist/app.css']}").get_data()
    plain = client.get("/static/dist/app.css", headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == 200
    assert gzip.decompress(plain.get_data()) == hashed
    assert plain.headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/static/../config.py").status_code == 404


def test_a_hashed_file_never_carries_a_signed_in_persons_session(
    client_request, login_as, manifest
):
    login_as(Role.APPROVED_CARER)
    response = client_request.client.get(f"/static/{manifest['dist/app.css']}")
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_pages_are_gzipped_when_the_browser_accepts_it(client, leicestershire):
    response = client.get("/leicestershire/events", headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gunzip_page(response).h1.get_text(strip=True)
    plain = client.get("/leicestershire/events")
    assert "Content-Encoding" not in plain.headers
    assert len(response.get_data()) < len(plain.get_data()) / 3


def test_signed_in_pages_are_gzipped_and_still_never_stored(client_request, login_as):
    login_as(Role.APPROVED_CARER)
    response = client_request.client.get(
        "/leicestershire/training",
        headers={"Accept-Encoding": "gzip", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "no-store"
    assert gunzip_page(response).h1.get_text(strip=True)


def test_a_signed_in_page_another_site_asked_for_is_not_compressed(client_request, login_as):
    """BREACH needs compressed answers to requests the attacker's site starts."""
    login_as(Role.APPROVED_CARER)
    response = client_request.client.get(
        "/leicestershire/training",
        headers={"Accept-Encoding": "gzip", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert BeautifulSoup(response.get_data(as_text=True), "html.parser").h1


def test_gunicorn_sizes_workers_from_the_cores_unless_told(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cores = len(os.sched_getaffinity(0))
    assert settings["workers"] == min(2 * cores + 1, 12)
    assert settings["bind"] == ["127.0.0.1:8000"]
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    monkeypatch.setenv("PORT", "9123")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["workers"] == 7
    assert settings["bind"] == ["127.0.0.1:9123"]


def _gunicorn_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATA_ENCRYPTION_KEYS"}}
    return {**env, **extra}


def test_gunicorn_checks_its_config_and_refuses_production_without_secrets():
    command = [GUNICORN, "--config", "gunicorn.conf.py", "--print-config", "wsgi:app"]
    checked = subprocess.run(
        command,
        cwd=ROOT,
        env=_gunicorn_env(PORTAL_ENV="test", WEB_CONCURRENCY="3"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
    printed = {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in checked.stdout.splitlines())
    }
    assert printed["workers"] == "3"
    assert printed["worker_class"] == "gthread"
    assert printed["preload_app"] == "True"
    assert printed["access_log_format"] == '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'

    refused = subprocess.run(
        [GUNICORN, "--config", "gunicorn.conf.py", "--check-config", "wsgi:app"],
        cwd=ROOT,
        env=_gunicorn_env(PORTAL_ENV="production"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr


def _worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def test_a_real_gunicorn_serves_compressed_pages_and_logs_no_secrets(
    database_url, leicestershire, tmp_path
):
    port = free_port()
    access_log = tmp_path / "access.log"
    server = subprocess.Popen(
        [GUNICORN, "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=_gunicorn_env(
            PORTAL_ENV="test",
            TEST_DATABASE_URL=database_url,
            PORT=str(port),
            WEB_CONCURRENCY="2",
            GUNICORN_ACCESS_LOG=str(access_log),
            # Stopping waits for workers this long at most (one may still be starting).
            GUNICORN_GRACEFUL_TIMEOUT="3",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/static/images/favicon.svg", timeout=2)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        # Workers are forked one after another; the first may answer before the second runs.
        while len(_worker_pids(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        assert len(_worker_pids(server.pid)) == 2

        request = urllib.request.Request(
            f"{base}/leicestershire/events?token=query-secret&month=2026-12",
            headers={"Accept-Encoding": "gzip"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert b"<h1" in gzip.decompress(response.read())
        for path in (
            f"/leicestershire/events/booking/{TOKEN}?from=email",
            "/leicestershire/reset-password/short-secret",
            "/leicestershire/x%0A127.0.0.1%20forged%22line",
        ):
            try:
                urllib.request.urlopen(base + path, timeout=10)
            except urllib.error.HTTPError as refused:
                assert refused.code == 404

        deadline = time.monotonic() + 5
        while access_log.read_text().count("\n") < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        log = access_log.read_text()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    lines = log.splitlines()
    assert any('"GET /leicestershire/events HTTP/1.1" 200' in line for line in lines), log
    assert any("/leicestershire/events/booking/[redacted] HTTP/1.1" in line for line in lines)
    assert any("/leicestershire/reset-password/[redacted] HTTP/1.1" in line for line in lines)
    # A visitor's path cannot add a line of its own or break out of the quotes.
    assert any(
        '"GET /leicestershire/x\\x0a127.0.0.1 forged\\x22line HTTP/1.1" 404' in line
        for line in lines
    ), log
    assert len([line for line in lines if "favicon" not in line]) == 4
    for secret in ("?", "query-secret", "month=", TOKEN, "short-secret", "from=email"):
        assert secret not in log, f"{secret!r} reached the access log"
