"""At most 10 attempts in 5 minutes per account and per client, counted in Redis so that
two app processes share one count: the 11th attempt is refused whichever process gets it."""

import os
import subprocess
import sys
import time
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
import redis
from bs4 import BeautifulSoup

from portal.accounts.models import Role
from tests.conftest import PASSWORD, ClientRequest, free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
SIGN_IN = "/leicestershire/sign-in"


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: a cookie jar, talking to whichever process it is sent to."""

    def __init__(self):
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirects())

    def request(self, url, client_address, data=None) -> tuple[int, str]:
        body = urlencode(data).encode() if data is not None else None
        request = Request(url, data=body, headers={"X-Forwarded-For": client_address})
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, server, client_address, email, password) -> int:
        _, page = self.request(server + SIGN_IN, client_address)
        token = BeautifulSoup(page, "html.parser").find("input", {"name": "csrf_token"})["value"]
        status, _ = self.request(
            server + SIGN_IN,
            client_address,
            {"csrf_token": token, "email": email, "password": password},
        )
        return status


@pytest.fixture
def two_processes(database_url, tmp_path):
    """Two app processes on their own ports, sharing the test database and Redis."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError as error:
        pytest.fail(f"the brute-force test needs Redis at {REDIS_URL}: {error}")
    env = {
        **os.environ,
        "PORTAL_ENV": "test",
        "LIMIT_TEST_DATABASE_URL": database_url,
        "LIMIT_TEST_REDIS_URL": REDIS_URL,
        "LIMIT_TEST_PREFIX": f"bruteforce-{uuid.uuid4().hex}",
        "LIMIT_TEST_MAIL": str(tmp_path),
    }
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.accounts.limited_server", str(port)],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    servers = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 30
        for server in servers:
            while True:
                try:
                    Browser().request(server + SIGN_IN, "10.9.9.9")
                    break
                except URLError:
                    assert time.monotonic() < deadline, f"{server} did not start"
                    assert all(p.poll() is None for p in processes), "a process stopped"
                    time.sleep(0.2)
        yield servers
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def test_the_11th_guess_at_one_account_is_refused_from_any_address_and_process(
    two_processes, leicestershire, make_user
):
    first, second = two_processes
    target = make_user(leicestershire, Role.APPROVED_CARER, email="target@example.org")
    bystander = make_user(leicestershire, Role.APPROVED_CARER, email="bystander@example.org")

    # Ten wrong guesses, each from a different address, half to each process.
    for attempt in range(10):
        server = first if attempt % 2 == 0 else second
        status = Browser().sign_in(server, f"203.0.113.{attempt}", target.email, "guess")
        assert status == 200, f"attempt {attempt + 1} was refused too early"

    # The 11th, from yet another address and with the right password, is refused.
    for server in (first, second):
        browser = Browser()
        assert browser.sign_in(server, "198.51.100.7", target.email, PASSWORD) == 429
        _, page = browser.request(server + SIGN_IN, "198.51.100.7")
        assert "Too many attempts" not in page  # only attempts are refused, not the page
    # Other accounts are not locked out by the attack on this one.
    assert Browser().sign_in(second, "198.51.100.8", bystander.email, PASSWORD) == 302


def test_the_11th_attempt_from_one_address_is_refused_by_either_process(
    two_processes, leicestershire, make_user
):
    first, second = two_processes
    carer = make_user(leicestershire, Role.APPROVED_CARER, email="carer@example.org")
    browser = Browser()
    for attempt in range(10):
        server = first if attempt % 2 == 0 else second
        status = browser.sign_in(server, "192.0.2.44", f"guess{attempt}@example.org", "guess")
        assert status == 200, f"attempt {attempt + 1} was refused too early"
    for server in (first, second):
        assert browser.sign_in(server, "192.0.2.44", carer.email, PASSWORD) == 429
    # Someone else, elsewhere, signs in as normal.
    assert Browser().sign_in(first, "192.0.2.45", carer.email, PASSWORD) == 302


def test_one_time_codes_are_limited_per_account_too(app, leicestershire, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_ATTEMPTS_LIMIT", "10 per 5 minutes")
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    client = ClientRequest(app.test_client())
    client.post_form(SIGN_IN, {"email": manager.email, "password": PASSWORD})
    for _ in range(10):
        client.post_form("/leicestershire/sign-in/code", {"code": "000000"}, expected_status=200)
    page = client.post_form("/leicestershire/sign-in/code", {"code": "000000"}, expected_status=429)
    assert page.h1 == "Too many attempts"
