"""gunicorn's settings for the portal (`make serve-prod`, deploy/). Each is read from the
environment where a deployment may need another value; deploy/README.md explains them."""

import os
import re

from gunicorn import glogging


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores() -> int:
    """The cores this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Where to listen: loopback by default, behind a proxy that terminates HTTPS.
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000)}"]

# (2 x cores) + 1 worker processes, at most 12 (WEB_CONCURRENCY, the usual name, overrides
# it), each with 2 threads (GUNICORN_THREADS). Measured on 2 cores with wrk (16 connections,
# the events list): 5 sync workers served the fewest requests a second of every layout
# tried, and 5 x 2 gthread the most steadily. A page spends part of its time waiting on
# PostgreSQL and Redis, which a second thread fills; threads keep the proxy's connections
# alive, where sync workers close each one. Each thread holds at most one database
# connection: 12 x 2 plus the outbox worker stays well inside PostgreSQL's 100.
MAX_WORKERS = 12
workers = _int("WEB_CONCURRENCY", min(2 * _cores() + 1, MAX_WORKERS))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 2)

# A worker whose main loop is silent this long has hung: it is killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On a restart (SIGHUP, a deployment), requests under way get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Idle keep-alive connections (from the proxy) are closed after this many seconds.
keepalive = 5
# Workers are replaced now and then (jittered, so never all at once), so a slow leak in any
# library cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory: a worker blocked on a slow disk is not taken for a hung one.
_SHM = "/dev/shm"  # noqa: S108  # nosec B108  # in memory; gunicorn's heartbeat files only
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None

# Load the app once in the master, then fork: a missing SECRET_KEY stops the start with one
# clear message instead of every worker failing in turn, workers start at once, and they
# share the loaded code's memory. Nothing is connected at that point (see post_fork).
preload_app = True

# Addresses whose X-Forwarded-Proto gunicorn believes (for the scheme only). The portal
# itself trusts X-Forwarded-For/-Proto through PROXY_COUNT (werkzeug's ProxyFix): set both
# for the same proxy. The default, this machine, suits nginx on the same host; never "*"
# unless nothing but the proxy can reach gunicorn.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn 25+ opens a control socket at one fixed path per user, which a second instance
# on the same machine would collide with; it stays off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or None
control_socket_disable = not control_socket

# Logs to standard output and error, for systemd's journal or the container's log.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client, time, method, path (never the query string, nor the Referer, which can hold one),
# status, bytes sent, milliseconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'

_LONG_RANDOM = re.compile(r"[A-Za-z0-9_-]{32,}")
# The only headers (request `i`, response `o`) a changed format may log; the rest (cookies,
# Authorization, Referer, Location, which can hold a private link) show as "-".
_LOGGABLE_HEADERS = {
    "{user-agent}i",
    "{x-forwarded-for}i",
    "{x-request-id}i",
    "{content-type}o",
    "{content-length}o",
    "{content-encoding}o",
}


def _printable(text: str) -> str:
    """A visitor's path cannot start a new log line or end the quoted field: `\\xNN` instead."""
    return "".join(
        char if char.isprintable() and char not in '"\\' else f"\\x{ord(char):02x}" for char in text
    )


class PortalLogger(glogging.Logger):
    """gunicorn's logger, with paths from which secrets have been taken out.

    Private links carry their token in the path (`/events/booking/<token>`): the app leaves a
    redacted path in the WSGI environ (portal/core/serving.py); a request that never reached
    it (a malformed one) has any long random-looking part replaced here.
    """

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = _printable(
            environ.get("portal.log_path")
            or _LONG_RANDOM.sub("[redacted]", environ.get("PATH_INFO") or "-")
        )
        atoms["U"] = path
        atoms["r"] = f"{atoms['m']} {path} {atoms['H']}"
        atoms["q"] = "-"
        atoms["f"] = "-"
        return {
            key: value
            for key, value in atoms.items()
            if not key.startswith("{") or key in _LOGGABLE_HEADERS
        }


logger_class = PortalLogger


def post_fork(server, worker):
    """Each worker opens its own database connections; none may be inherited from the master."""
    app = getattr(server.app, "callable", None)
    extensions = getattr(app, "extensions", {})
    if "sqlalchemy" in extensions:
        with app.app_context():
            for engine in extensions["sqlalchemy"].engines.values():
                engine.dispose(close=False)
