"""`make bench`: how fast the portal serves its busiest pages, against Flask's own ceiling.

Starts gunicorn with the production settings (2 sync workers) on a throw-away database
with the demo loaded, and a bare Flask hello-world app with the same settings; loads each
with wrk on loopback; prints requests per second and p50/p95/p99 for each page, and each
as a share of hello-world measured in the same run. Then adds a large data set
(`flask demo scale`), measures again, and prints p95 at scale against p95 at demo size.

Run: make bench  (or .venv/bin/python scripts/bench.py --help)
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SLUG = "leicestershire"
WRK_SCRIPT = Path(__file__).resolve().parent / "bench.lua"
PAGES = ("events-list", "event-page", "book", "carer-training", "staff-home")
DEMO_PASSWORD = "fostering-demo"  # noqa: S105  # the published demo password
DEMO_TOTP_SECRET = "FOSTERINGDEMOTOTPSECRET234567ABC"  # noqa: S105  # published in the README


@dataclass
class Result:
    """One wrk run."""

    rps: float
    p50: float
    p95: float
    p99: float
    requests: int
    bad: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


class Server:
    """gunicorn serving `app` with the production settings on a free port."""

    def __init__(self, app: str, env: dict, workers: int):
        self.port = free_port()
        config = ROOT / "gunicorn.conf.py"
        command = [str(BIN / "gunicorn")]
        if config.exists():
            command += ["-c", str(config)]
        command += [
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
            app,
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "WEB_CONCURRENCY": str(workers)},
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"gunicorn for {app} did not start")
                time.sleep(0.2)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


class Visitor:
    """One person's browser over HTTPS behind a proxy: cookies kept by hand (they are
    Secure, so urllib's jar would not send them over the loopback's plain HTTP)."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def headers(self, path: str) -> dict[str, str]:
        return {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.10",
            "Referer": f"https://{self.base.removeprefix('http://')}{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # loopback only
            self.base + path, data=body, headers=self.headers(path)
        )
        opener = urllib.request.build_opener(_NoRedirect())
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), response.read().decode()

    def token(self, path: str) -> str:
        _, _, page = self.request(path)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page
        )
        if not match:
            sys.exit(f"no CSRF token on {path}")
        return match.group(1)

    def sign_in(self, email: str, totp: bool = False) -> None:
        path = f"/{SLUG}/sign-in"
        status, location, _ = self.request(
            path,
            {"csrf_token": self.token(path), "email": email, "password": DEMO_PASSWORD},
        )
        if status != 302:
            sys.exit(f"{email} could not sign in ({status})")
        if location.endswith("/sign-in/code"):
            import pyotp

            code_path = f"/{SLUG}/sign-in/code"
            totp_ = pyotp.TOTP(DEMO_TOTP_SECRET)
            for _ in range(40):
                step = int(time.time() // 30)
                for offset in (-1, 0, 1):
                    status, _, _ = self.request(
                        code_path,
                        {
                            "csrf_token": self.token(code_path),
                            "code": totp_.at((step + offset) * 30),
                        },
                    )
                    if status == 302:
                        return
                time.sleep(2)  # every code of this half-minute is used: wait for the next
            sys.exit(f"{email}'s one-time code was refused")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(url: str, seconds: int, connections: int, env: dict | None = None) -> Result:
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(WRK_SCRIPT),
            url,
        ],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    data = json.loads(line.removeprefix("BENCH "))
    return Result(
        rps=data["requests"] / data["seconds"],
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        requests=data["requests"],
        bad=data["bad"],
    )


def measure_pages(server: Server, seconds: int, connections: int) -> dict[str, Result]:
    """Each page in turn, with the cookies and tokens it needs."""
    anonymous = Visitor(server.url)
    _, _, page = anonymous.request(f"/{SLUG}/events")
    event_ids = re.findall(rf'href="/{SLUG}/events/(\d+)"', page)
    if not event_ids:
        sys.exit("the events list shows no events")
    event = event_ids[0]
    booker = Visitor(server.url)
    book_path = f"/{SLUG}/events/{event}/book"
    token = booker.token(book_path)
    carer = Visitor(server.url)
    carer.sign_in(f"carer@{SLUG}.demo")
    manager = Visitor(server.url)
    manager.sign_in(f"manager@{SLUG}.demo", totp=True)

    def headers_env(visitor: Visitor, path: str) -> dict:
        lines = (f"{k}: {v}" for k, v in visitor.headers(path).items() if v)
        return {"BENCH_HEADERS": "\n".join(lines)}

    plan = {
        "events-list": (f"/{SLUG}/events", anonymous, {}),
        "event-page": (f"/{SLUG}/events/{event}", anonymous, {}),
        "book": (
            book_path,
            booker,
            {
                "BENCH_METHOD": "POST",
                "BENCH_BODY": urllib.parse.urlencode(
                    {
                        "csrf_token": token,
                        "name": "Bench Booker",
                        # A new address each request ({n}), and each run (no address
                        # is booked twice on one event, which the form would refuse).
                        "email": f"bench-{secrets.token_hex(3)}-{{n}}@example.org",
                        "phone": "07700 900123",
                        "seats": "1",
                        "access_needs": "",
                    }
                ),
            },
        ),
        "carer-training": (f"/{SLUG}/training", carer, {}),
        "staff-home": (f"/{SLUG}/staff/", manager, {}),
    }
    results = {}
    for name, (path, visitor, extra) in plan.items():
        status, _, _ = visitor.request(path) if name != "book" else (200, "", "")
        if status != 200:
            sys.exit(f"{name}: GET {path} answered {status}")
        results[name] = wrk(
            server.url + path, seconds, connections, {**headers_env(visitor, path), **extra}
        )
    return results


def print_table(title: str, hello: Result, results: dict[str, Result]) -> None:
    print(f"\n{title}")
    print(
        f"{'page':<16}{'req/s':>9}{'% hello':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'bad':>6}"
    )
    print(
        f"{'hello-world':<16}{hello.rps:>9.0f}{100:>9.0f}{hello.p50:>9.1f}{hello.p95:>9.1f}"
        f"{hello.p99:>9.1f}{hello.bad:>6}"
    )
    for name, r in results.items():
        print(
            f"{name:<16}{r.rps:>9.0f}{100 * r.rps / hello.rps:>9.1f}{r.p50:>9.1f}{r.p95:>9.1f}"
            f"{r.p99:>9.1f}{r.bad:>6}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per page (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--skip-scale", action="store_true", help="demo size only")
    parser.add_argument("--carers", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--training-records", type=int, default=1_000_000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (make bench does this)")

    folder = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    key = Fernet.generate_key().decode()
    base_env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL")
        or f"sqlite:///{folder / 'bench.sqlite3'}",
        "DATA_ENCRYPTION_KEYS": key,
        "PORTAL_INSTANCE_PATH": str(folder),
        "UPLOAD_DIRECTORY": str(folder / "uploads"),
    }
    base_env.pop("REDIS_URL", None)
    setup_env = {**base_env, "PORTAL_ENV": "development"}
    serve_env = {
        **base_env,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "PROXY_COUNT": "1",
        "SMTP_URL": "",
        # Workers are not recycled during a 10-second run (production recycles them every
        # 5,000 requests or so, which a flood of cached pages reaches in seconds).
        "GUNICORN_MAX_REQUESTS": "0",
    }
    try:
        flask(setup_env, "db", "upgrade")
        flask(setup_env, "demo", "load")
        hello_env = {**serve_env}
        runs: list[tuple[str, Result, dict[str, Result]]] = []
        for label in ("demo size", "at scale"):
            if label == "at scale":
                if args.skip_scale:
                    break
                print(
                    flask(
                        setup_env,
                        "demo",
                        "scale",
                        "--carers",
                        str(args.carers),
                        "--events",
                        str(args.events),
                        "--training-records",
                        str(args.training_records),
                    )
                )
            hello_server = Server("scripts.bench_hello:app", hello_env, args.workers)
            hello = wrk(hello_server.url + "/", args.seconds, args.connections)
            hello_server.stop()
            server = Server("wsgi:app", serve_env, args.workers)
            try:
                results = measure_pages(server, args.seconds, args.connections)
            finally:
                server.stop()
            runs.append((label, hello, results))
            print_table(
                f"{label}: gunicorn, {args.workers} sync workers; wrk -t2 -c{args.connections} "
                f"-d{args.seconds}s on loopback; {os.cpu_count()} CPUs",
                hello,
                results,
            )
        if len(runs) == 2:
            print("\np95 at scale against p95 at demo size (goal: at most 1.5 times)")
            for name in PAGES:
                small, large = runs[0][2][name].p95, runs[1][2][name].p95
                print(f"{name:<16}{small:>8.1f} ms -> {large:>8.1f} ms  = {large / small:.2f}x")
        label, hello, results = runs[0]
        print()
        for name in PAGES:
            r = results[name]
            print(
                f"bench {name}: {r.rps:.0f} req/s, {100 * r.rps / hello.rps:.1f} % of "
                f"hello-world, p95 {r.p95:.1f} ms"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
