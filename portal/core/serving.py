"""Serving in production: static files by name and content hash, compressed pages, safe logs.

Static files stay on Flask's `static` route, not a WSGI layer in front of the app such as
WhiteNoise, so they keep what every response gets: the HTTPS redirect, HSTS and the other
security headers. The build (scripts/build-assets.mjs) gives each file the layout loads a
copy named after its content, a manifest mapping names to copies, and `.br` and `.gz`
siblings; here the layout's links go to the copies, which are cached for a year as
`immutable` since a change gets a new name, and each file is sent in the smallest encoding
the browser accepts.

Pages are gzipped here too (gunicorn does not compress). Flask-Compress would do it, but
brings compiled brotli and zstandard packages for the one thing not already precompressed;
the standard library's gzip does it in a few lines, which also hold the BREACH rule below.
"""

import gzip
import json
import mimetypes
import re
from pathlib import Path

from flask import Flask, Response, abort, current_app, request, send_file, url_for
from werkzeug.security import safe_join

# Copies named after their content (`dist/app.3f9c1a2b7d4e.css`): a new build makes a new
# name, so browsers and proxies may keep them for a year without asking again.
HASHED_FILE = re.compile(r"^dist/[^/]+\.[0-9a-f]{12}\.[a-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"
# Plain names (the favicon, `dist/app.css` for anything outside the layout) can change in
# place at a deployment, so caches keep them briefly.
PLAIN_MAX_AGE = 300
# Precompressed siblings, best first.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
# Werkzeug's mimetypes may not know module scripts, which browsers refuse without a
# JavaScript type.
TYPES = {".mjs": "text/javascript", ".js": "text/javascript"}

COMPRESSIBLE_TYPES = frozenset(
    {"text/html", "text/css", "text/plain", "application/json", "image/svg+xml"}
)
# Below this, gzip's own header and trailer eat most of the saving.
MIN_COMPRESS_BYTES = 512
# Level 6 (gzip's default) gets within a few per cent of level 9 at half the time.
COMPRESS_LEVEL = 6
# Requests another site started: the only way BREACH gets the attacker's guesses into a
# signed-in page (see compress_response).
OTHER_SITE = frozenset({"cross-site", "same-site"})

# URL parts that open something (a booking's or a reset's token): never in a log line.
_SECRET_ARG = re.compile(r"token|code|secret|phrase|key|reference", re.IGNORECASE)
_LONG_RANDOM = re.compile(r"[A-Za-z0-9_-]{32,}")
LOG_PATH_KEY = "portal.log_path"


class AssetManifest:
    """The build's map from a static file's name to its content-hashed copy."""

    def __init__(self, path: Path, *, reload: bool):
        self.path = path
        self.reload = reload
        self._files: dict[str, str] = {}
        self._stamp: float | None = None
        self._load()

    def _load(self) -> None:
        try:
            stamp = self.path.stat().st_mtime
        except FileNotFoundError:
            # Assets not built yet: the plain names still work.
            self._files, self._stamp = {}, None
            return
        if stamp != self._stamp:
            self._files = json.loads(self.path.read_text(encoding="utf-8"))
            self._stamp = stamp

    def hashed(self, filename: str) -> str:
        """The hashed copy's name (relative to static/), or `filename` when it has none."""
        if self.reload:
            self._load()
        return self._files.get(filename, filename)


def init_serving(app: Flask) -> None:
    """Hashed static files, compressed responses and log-safe paths for `app`."""
    manifest = AssetManifest(
        Path(app.static_folder) / "dist" / "manifest.json",
        # `make assets` while `make run` serves: pick up the new names without a restart.
        reload=app.config["ENV_NAME"] == "development",
    )
    app.extensions["asset_manifest"] = manifest
    app.jinja_env.globals["asset_url"] = asset_url
    app.view_functions["static"] = serve_static
    app.wsgi_app = StaticHeaders(app.wsgi_app, f"{app.static_url_path}/")
    # First in the list, so it runs after every other after_request hook has had the body.
    app.after_request_funcs.setdefault(None, []).insert(0, compress_response)
    app.after_request(mark_log_path)


def asset_url(filename: str) -> str:
    """The URL of a static file, by its content-hashed name when the build made one."""
    manifest: AssetManifest = current_app.extensions["asset_manifest"]
    return url_for("static", filename=manifest.hashed(filename))


def serve_static(filename: str) -> Response:
    """A file under static/, precompressed when the browser accepts it, cached by its name."""
    path = safe_join(current_app.static_folder, filename)
    if path is None or not Path(path).is_file():
        abort(404)
    suffix = Path(filename).suffix
    chosen, encoding, has_variants = path, None, False
    for name, extension in ENCODINGS:
        if Path(path + extension).is_file():
            has_variants = True
            if encoding is None and request.accept_encodings[name]:
                chosen, encoding = path + extension, name
    response = send_file(
        chosen,
        mimetype=TYPES.get(suffix)
        or mimetypes.guess_type(filename)[0]
        or "application/octet-stream",
        conditional=True,
        max_age=PLAIN_MAX_AGE,
    )
    if encoding and response.status_code in (200, 206):
        response.headers["Content-Encoding"] = encoding
    if has_variants:
        response.vary.add("Accept-Encoding")
    if HASHED_FILE.match(filename):
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers.pop("Expires", None)
    return response


class StaticHeaders:
    """Static files' headers as a cache needs them, whatever the session did.

    Flask adds `Vary: Cookie` to every response whose session was looked at (Flask-Login
    looks at it on every request), and the session cookie changes as it is refreshed, so a
    browser would never reuse a cached file: `Cookie` comes out of static files' Vary. A
    hashed file is public for a year, so it never carries anyone's session cookie either.
    """

    def __init__(self, wsgi_app, prefix: str):
        self.wsgi_app = wsgi_app
        self.prefix = prefix

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.prefix):
            return self.wsgi_app(environ, start_response)
        is_hashed = bool(HASHED_FILE.match(path.removeprefix(self.prefix)))

        def start(status, headers, exc_info=None):
            kept = []
            for name, value in headers:
                if name.lower() == "vary":
                    parts = (part.strip() for part in value.split(","))
                    value = ", ".join(part for part in parts if part.lower() != "cookie")
                    if not value:
                        continue
                elif name.lower() == "set-cookie" and is_hashed:
                    continue
                kept.append((name, value))
            return start_response(status, kept, exc_info)

        return self.wsgi_app(environ, start)


def compress_response(response: Response) -> Response:
    """Gzip a page (or other text) for a browser that accepts it.

    BREACH: a compressed response over HTTPS leaks, through its length, whether text an
    attacker gets reflected into it matches a secret elsewhere in it. It needs many requests
    the attacker chooses, sent with the victim's cookies. The session cookie is SameSite=Lax,
    so another site can only send it with a top-level navigation, and browsers mark those
    `Sec-Fetch-Site: cross-site` (or `same-site` from a sibling domain): such a request that
    carries a session gets its page uncompressed. Everything else (the pages people move
    between on the portal, and a first visit from a campaign link) is compressed.
    Flask-WTF's CSRF token is not masked per request, but its signed part changes every
    second, so it cannot be read out this way anyway. docs: deploy/README.md.
    """
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.status_code < 200
        or response.status_code in (204, 206, 304)
        or response.mimetype not in COMPRESSIBLE_TYPES
        or "Content-Encoding" in response.headers
    ):
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings["gzip"]:
        return response
    session_cookie = current_app.config["SESSION_COOKIE_NAME"]
    if request.headers.get("Sec-Fetch-Site") in OTHER_SITE and session_cookie in request.cookies:
        return response
    body = response.get_data()
    if len(body) < MIN_COMPRESS_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=COMPRESS_LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:
        # A different body, so a different validator from the uncompressed one.
        response.set_etag(f"{etag}-gzip", weak=weak)
    return response


def loggable_path() -> str:
    """The request's path with any secret in it (a private link's token) taken out."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if _SECRET_ARG.search(name) and str(value):
            path = path.replace(str(value), "[redacted]")
    return _LONG_RANDOM.sub("[redacted]", path)


def mark_log_path(response: Response) -> Response:
    """Leave the log-safe path where gunicorn's access log (gunicorn.conf.py) reads it."""
    request.environ[LOG_PATH_KEY] = loggable_path()
    return response
