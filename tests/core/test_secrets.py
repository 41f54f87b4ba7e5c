"""Outside development and tests the portal refuses to start without real secrets."""

import os
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from config import (
    DEVELOPMENT_ENCRYPTION_KEY,
    DEVELOPMENT_SECRET_KEY,
    MAKE_ENCRYPTION_KEY,
    MAKE_SECRET_KEY,
    ROOT,
    TEST_ENCRYPTION_KEY,
    TEST_SECRET_KEY,
    DevelopmentConfig,
    InsecureConfiguration,
    ProductionConfig,
)
from portal import create_app

GOOD_SECRET_KEY = secrets.token_hex(32)
GOOD_ENCRYPTION_KEY = Fernet.generate_key().decode()


@pytest.fixture
def production(monkeypatch):
    """The production config, on a throw-away database, with real secrets in the environment."""
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite://")
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET_KEY)
    monkeypatch.setenv("DATA_ENCRYPTION_KEYS", GOOD_ENCRYPTION_KEY)
    return monkeypatch


def test_production_starts_with_real_secrets_from_the_environment(production):
    old_key = Fernet.generate_key().decode()
    production.setenv("DATA_ENCRYPTION_KEYS", f"{GOOD_ENCRYPTION_KEY}, {old_key}")
    app = create_app(ProductionConfig)
    assert app.config["SECRET_KEY"] == GOOD_SECRET_KEY
    assert app.config["DATA_ENCRYPTION_KEYS"] == (GOOD_ENCRYPTION_KEY, old_key)


@pytest.mark.parametrize("value", [None, "", "   ,  "])
def test_production_refuses_to_start_without_encryption_keys(production, value):
    if value is None:
        production.delenv("DATA_ENCRYPTION_KEYS")
    else:
        production.setenv("DATA_ENCRYPTION_KEYS", value)
    with pytest.raises(InsecureConfiguration) as refused:
        create_app(ProductionConfig)
    message = str(refused.value)
    assert message.startswith("DATA_ENCRYPTION_KEYS must be set outside development and tests")
    assert MAKE_ENCRYPTION_KEY in message


@pytest.mark.parametrize("value", [None, ""])
def test_production_refuses_to_start_without_a_secret_key(production, value):
    if value is None:
        production.delenv("SECRET_KEY")
    else:
        production.setenv("SECRET_KEY", value)
    with pytest.raises(InsecureConfiguration) as refused:
        create_app(ProductionConfig)
    message = str(refused.value)
    assert message.startswith("SECRET_KEY must be set outside development and tests")
    assert MAKE_SECRET_KEY in message


@pytest.mark.parametrize("value", [DEVELOPMENT_SECRET_KEY, TEST_SECRET_KEY])
def test_production_refuses_the_published_secret_keys(production, value):
    production.setenv("SECRET_KEY", value)
    with pytest.raises(InsecureConfiguration, match="published development or test value"):
        create_app(ProductionConfig)


@pytest.mark.parametrize("value", ["secret", "change-me", "x" * 31])
def test_production_refuses_a_short_secret_key(production, value):
    production.setenv("SECRET_KEY", value)
    with pytest.raises(InsecureConfiguration, match="too short") as refused:
        create_app(ProductionConfig)
    assert MAKE_SECRET_KEY in str(refused.value)


@pytest.mark.parametrize("value", [DEVELOPMENT_ENCRYPTION_KEY, TEST_ENCRYPTION_KEY])
def test_production_refuses_the_published_encryption_keys(production, value):
    production.setenv("DATA_ENCRYPTION_KEYS", f"{GOOD_ENCRYPTION_KEY},{value}")
    with pytest.raises(InsecureConfiguration, match="key 2 is the published"):
        create_app(ProductionConfig)


def test_production_refuses_an_encryption_key_that_is_not_a_fernet_key(production):
    production.setenv("DATA_ENCRYPTION_KEYS", "not-a-key")
    with pytest.raises(InsecureConfiguration, match="key 1 is not a Fernet key") as refused:
        create_app(ProductionConfig)
    assert MAKE_ENCRYPTION_KEY in str(refused.value)


def test_development_runs_with_its_fixed_values(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATA_ENCRYPTION_KEYS", raising=False)
    monkeypatch.setattr(DevelopmentConfig, "SQLALCHEMY_DATABASE_URI", "sqlite://")
    app = create_app(DevelopmentConfig)
    assert app.config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY
    assert app.config["DATA_ENCRYPTION_KEYS"] == (DEVELOPMENT_ENCRYPTION_KEY,)


def test_the_suggested_commands_make_keys_production_accepts(production):
    made = {}
    for name, command in (
        ("SECRET_KEY", MAKE_SECRET_KEY),
        ("DATA_ENCRYPTION_KEYS", MAKE_ENCRYPTION_KEY),
    ):
        code = command.removeprefix('python -c "').removesuffix('"')
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        made[name] = result.stdout.strip()
        production.setenv(name, made[name])
    app = create_app(ProductionConfig)
    assert app.config["SECRET_KEY"] == made["SECRET_KEY"]


def test_the_server_refuses_to_start_and_says_why():
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DATA_ENCRYPTION_KEYS"}
    }
    environment.update(PORTAL_ENV="production", DATABASE_URL="sqlite://")
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "InsecureConfiguration: SECRET_KEY must be set" in result.stderr
    assert MAKE_SECRET_KEY in result.stderr
