"""Configuration read from the environment; one class per way of running the portal."""

import os
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent
INSTANCE = Path(os.environ.get("PORTAL_INSTANCE_PATH", ROOT / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _keys(value: str) -> tuple[str, ...]:
    return tuple(key.strip() for key in value.split(",") if key.strip())


class _FromEnvironment:
    """A secret read from the environment when the app is built, not when config is imported.

    So the check below sees what the process was started with (and a test can set it).
    """

    def __init__(self, name: str, parse=lambda value: value or None):
        self.name = name
        self.parse = parse

    def __get__(self, instance, owner):
        return self.parse(os.environ.get(self.name, ""))


# The fixed values development and the tests run with: anyone can read them here, so they
# are refused anywhere else.
DEVELOPMENT_SECRET_KEY = "development-only-secret-key"  # noqa: S105  # nosec B105  # refused below
TEST_SECRET_KEY = "test-secret-key"  # noqa: S105  # nosec B105  # refused below
DEVELOPMENT_ENCRYPTION_KEY = "ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMtISE="
TEST_ENCRYPTION_KEY = "dGVzdC1vbmx5LWtleS10aGlydHktdHdvLWJ5dGVzISE="
PUBLIC_SECRETS = frozenset(
    {DEVELOPMENT_SECRET_KEY, TEST_SECRET_KEY, DEVELOPMENT_ENCRYPTION_KEY, TEST_ENCRYPTION_KEY}
)
# 32 characters of `secrets.token_hex` carry 128 bits; the command below makes 64.
SECRET_KEY_MIN_LENGTH = 32
# Commands that make keys (not keys), quoted in the messages below.
MAKE_SECRET_KEY = (  # nosec B105
    'python -c "import secrets; print(secrets.token_hex(32))"'  # noqa: S105
)
MAKE_ENCRYPTION_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class InsecureConfiguration(RuntimeError):
    """The app was asked to start outside development and tests without real secrets."""


def check_secrets(secret_key: str | None, encryption_keys: tuple[str, ...]) -> None:
    """Raise InsecureConfiguration, saying why and how to fix it, unless both secrets are real.

    Missing settings are reported before weak ones, so the first message names the gap.
    """
    if not secret_key:
        raise InsecureConfiguration(
            "SECRET_KEY must be set outside development and tests: it signs sessions and "
            f"links. Make one with\n    {MAKE_SECRET_KEY}\nand set it in the environment."
        )
    if not encryption_keys:
        raise InsecureConfiguration(
            "DATA_ENCRYPTION_KEYS must be set outside development and tests: it encrypts what "
            "young people send. Make a key with\n"
            f"    {MAKE_ENCRYPTION_KEY}\n"
            "and set it in the environment (several keys: comma-separated, newest first)."
        )
    if secret_key in PUBLIC_SECRETS:
        raise InsecureConfiguration(
            "SECRET_KEY is the published development or test value, which anyone can read. "
            f"Make a new one with\n    {MAKE_SECRET_KEY}"
        )
    if len(secret_key) < SECRET_KEY_MIN_LENGTH:
        raise InsecureConfiguration(
            f"SECRET_KEY is too short to be safe: use at least {SECRET_KEY_MIN_LENGTH} random "
            f"characters. Make one with\n    {MAKE_SECRET_KEY}"
        )
    for position, key in enumerate(encryption_keys, start=1):
        if key in PUBLIC_SECRETS:
            raise InsecureConfiguration(
                f"DATA_ENCRYPTION_KEYS key {position} is the published development or test "
                f"key, which anyone can read. Make a new one with\n    {MAKE_ENCRYPTION_KEY}"
            )
        try:
            Fernet(key)
        except ValueError:
            raise InsecureConfiguration(
                f"DATA_ENCRYPTION_KEYS key {position} is not a Fernet key (32 bytes, url-safe "
                f"base64). Make one with\n    {MAKE_ENCRYPTION_KEY}"
            ) from None


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class Config:
    """Settings shared by every environment; production values unless overridden."""

    ENV_NAME = "production"
    SECRET_KEY = _FromEnvironment("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE / 'portal.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SMTP_URL = os.environ.get("SMTP_URL")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Fostering portal <no-reply@fostering.example>")
    MAIL_DIRECTORY = str(INSTANCE / "mail")
    # Files people upload (TSDS evidence): outside any public path, served only through
    # views that check who is asking.
    UPLOAD_DIRECTORY = os.environ.get("UPLOAD_DIRECTORY", str(INSTANCE / "uploads"))
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    # Requests larger than this are refused outright (413); files between the two limits
    # get a message beside the field.
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    # Absolute address used in emails, which are rendered outside any request.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    REDIS_URL = os.environ.get("REDIS_URL")
    # Fernet keys for what young people send, newest first, comma-separated.
    DATA_ENCRYPTION_KEYS = _FromEnvironment("DATA_ENCRYPTION_KEYS", _keys)
    # How many proxies (e.g. nginx) sit in front of the app and set X-Forwarded-* headers.
    # Leave 0 when clients connect directly, or they could forge their address.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    LANGUAGES = ("en", "pl", "ur", "gu")
    RTL_LANGUAGES = frozenset({"ur", "ar", "fa", "he"})
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")

    SESSION_COOKIE_NAME = "portal_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    # The cookie lasts as long as the longest idle time; the app ends sessions sooner
    # (see portal/accounts/views.py end_stale_sessions).
    PERMANENT_SESSION_LIFETIME = timedelta(hours=2)
    SESSION_IDLE_MINUTES_STAFF = int(os.environ.get("SESSION_IDLE_MINUTES_STAFF", "30"))
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    # Signed-in pages warn this long before the idle time runs out (static/js/timeout.mjs).
    SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
    # What someone wrote and sent just after their session ended is kept, encrypted, this
    # long for them to send after signing in again (portal/accounts/drafts.py).
    KEPT_DRAFT_HOURS = 24
    # Between the password and the one-time code; and how long "confirm it's you" lasts.
    SIGN_IN_CODE_MINUTES = 10
    REAUTHENTICATE_MINUTES = 15
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    FORCE_HTTPS = True
    HSTS = True

    # Links sent by email.
    CONFIRM_EMAIL_HOURS = 72
    PASSWORD_RESET_MINUTES = 60
    INVITATION_DAYS = 7

    OUTBOX_BATCH = 20
    # Tries for a message the mail server refuses (5xx) before it is marked failed.
    OUTBOX_MAX_ATTEMPTS = 12
    # How long a message keeps trying while the mail server is away or busy (hourly at most).
    OUTBOX_KEEP_TRYING_HOURS = 72
    OUTBOX_POLL_SECONDS = 2.0
    OUTBOX_LEASE_SECONDS = 300

    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536  # KiB: 64 MiB, argon2-cffi's default and OWASP's guidance
    ARGON2_PARALLELISM = 4

    # Sign-in, registration, reset and code entry, per client address.
    AUTH_ATTEMPTS_LIMIT = "10 per 5 minutes"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    # Several deployments sharing one Redis keep their counts apart with a prefix each.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    DEMO_DATA = False
    # Anonymous visitors' events pages kept in memory until a change (portal/core/page_cache.py).
    PAGE_CACHE = True

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the secrets production cannot do without."""
        check_secrets(cls.SECRET_KEY, cls.DATA_ENCRYPTION_KEYS)


class DevelopmentConfig(Config):
    """`make run`: everything on this machine, mail written to files."""

    ENV_NAME = "development"
    SECRET_KEY = _FromEnvironment("SECRET_KEY", lambda value: value or DEVELOPMENT_SECRET_KEY)
    SESSION_COOKIE_SECURE = False
    FORCE_HTTPS = False
    HSTS = False
    DEMO_DATA = True
    # A fixed key so `make run` works out of the box; never use it anywhere else.
    DATA_ENCRYPTION_KEYS = _FromEnvironment(
        "DATA_ENCRYPTION_KEYS", lambda value: _keys(value) or (DEVELOPMENT_ENCRYPTION_KEY,)
    )

    @classmethod
    def check(cls) -> None:
        """Development runs with defaults."""


class TestConfig(Config):
    """The test suite: a throw-away database, CSRF on as in production."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = TEST_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    SMTP_URL = None
    SESSION_COOKIE_SECURE = False
    FORCE_HTTPS = False
    HSTS = False
    # Flask-Limiter keeps one state for every app in a process, so limits stay on in tests
    # (one test lowers them back to production's) rather than being switched per app.
    AUTH_ATTEMPTS_LIMIT = "1000 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
    PUBLIC_URL = "http://localhost"
    DEMO_DATA = True
    # One app serves every test and the database is emptied between them: the cache's own
    # tests turn it on in an app of their own.
    PAGE_CACHE = False
    DATA_ENCRYPTION_KEYS = (TEST_ENCRYPTION_KEY,)
    # Cheap hashing keeps the suite fast; the algorithm (argon2id) is the same.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8192
    ARGON2_PARALLELISM = 1

    @classmethod
    def check(cls) -> None:
        """Tests set everything they need."""


class ProductionConfig(Config):
    """Behind HTTPS, on PostgreSQL, with a real mail server."""


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    """The config class named by PORTAL_ENV (production unless told otherwise)."""
    return CONFIGS[os.environ.get("PORTAL_ENV", "production")]
