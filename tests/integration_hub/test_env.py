import os
import subprocess
import sys
from pathlib import Path

import pytest

from integration_hub.env import (
    EnvError,
    env_bool,
    env_database,
    env_fernet_keys,
    env_int,
    env_list,
    env_redis_url,
)

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "q8pJvB0H1n4f6R2yKXc8zQeT3mWl5sVbN7uA9dE0gIo="


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("YES", True), ("off", False), ("", False)]
)
def test_env_bool_accepts_the_usual_words(raw, expected):
    assert env_bool("X", not expected, environ={"X": raw}) is expected


def test_env_bool_rejects_anything_else_naming_the_variable():
    with pytest.raises(EnvError, match=r"HUB_SANDBOX must be one of .*got 'maybe'"):
        env_bool("HUB_SANDBOX", False, environ={"HUB_SANDBOX": "maybe"})


def test_env_bool_default_when_unset():
    assert env_bool("X", True, environ={}) is True


def test_env_int_parses_and_checks_minimum():
    assert env_int("N", 3, environ={"N": " 7 "}) == 7
    assert env_int("N", 3, environ={}) == 3
    with pytest.raises(EnvError, match="N must be a whole number; got 'seven'"):
        env_int("N", 3, environ={"N": "seven"})
    with pytest.raises(EnvError, match="N must be at least 1; got 0"):
        env_int("N", 3, minimum=1, environ={"N": "0"})


def test_env_list_splits_and_trims():
    assert env_list("H", ["a"], environ={"H": " x.com, ,y.com "}) == ["x.com", "y.com"]
    assert env_list("H", ["a"], environ={}) == ["a"]


def test_database_default_is_sqlite_with_wal_and_busy_timeout():
    config = env_database("DATABASE_URL", "/tmp/hub.sqlite3", environ={})
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/hub.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["timeout"] == 20
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_postgres_url():
    config = env_database(
        "DATABASE_URL", "x", environ={"DATABASE_URL": "postgres://hub:pw@db.local:5433/hub"}
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.local", 5433, "hub")


@pytest.mark.parametrize("url", ["mysql://root@localhost/hub", "not a url"])
def test_database_url_rejects_unsupported_schemes(url):
    with pytest.raises(EnvError, match="DATABASE_URL must start with sqlite:///, postgres://"):
        env_database("DATABASE_URL", "x", environ={"DATABASE_URL": url})


def test_database_url_needs_a_database_name():
    with pytest.raises(EnvError, match="must name a database"):
        env_database("DATABASE_URL", "x", environ={"DATABASE_URL": "postgres://u@h:5432"})


def test_redis_url_scheme_checked():
    assert env_redis_url("REDIS_URL", environ={"REDIS_URL": "redis://127.0.0.1:6379/0"})
    with pytest.raises(EnvError, match="REDIS_URL must start with redis://"):
        env_redis_url("REDIS_URL", environ={"REDIS_URL": "http://127.0.0.1:6379"})


def test_fernet_keys_validated_with_a_hint():
    assert env_fernet_keys("K", environ={"K": f"{GOOD_KEY}, {GOOD_KEY}"}) == [GOOD_KEY, GOOD_KEY]
    with pytest.raises(EnvError, match=r"K key #2 is not a Fernet key.*generate_key"):
        env_fernet_keys("K", environ={"K": f"{GOOD_KEY},short"})


def _settings_import(env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "integration_hub.settings",
            "HUB_DOTENV": "0",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_to_start_without_secret_key():
    result = _settings_import({"HUB_ENCRYPTION_KEY": GOOD_KEY})
    assert result.returncode != 0
    assert "HUB_SECRET_KEY is required" in result.stderr


def test_settings_refuse_to_start_without_encryption_key():
    result = _settings_import({"HUB_SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "HUB_ENCRYPTION_KEY is required" in result.stderr


def test_settings_name_the_bad_variable():
    result = _settings_import(
        {"HUB_SECRET_KEY": "x" * 50, "HUB_ENCRYPTION_KEY": GOOD_KEY, "HUB_WORKERS": "two"}
    )
    assert result.returncode != 0
    assert "HUB_WORKERS must be a whole number; got 'two'" in result.stderr


def test_settings_load_with_valid_environment():
    result = _settings_import({"HUB_SECRET_KEY": "x" * 50, "HUB_ENCRYPTION_KEY": GOOD_KEY})
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        "HUB_SECRET_KEY": "k7#Zp2!rQ9vW4xY8aB1cD3eF5gH6jK0lM-nP_sT&uV*wX(yZ)2qR4tY6uI8oP0aS",
        "HUB_ENCRYPTION_KEY": GOOD_KEY,
        "HUB_ALLOWED_HOSTS": "hub.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "integration_hub.settings",
            "HUB_DOTENV": "0",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_database_and_its_wal_files_are_private(tmp_path):
    """Issue 18: var/hub.sqlite3 (sessions, personal data, password hashes) was world-readable."""
    database = tmp_path / "hub.sqlite3"
    database.write_bytes(b"")  # made by an earlier version, world-readable
    database.chmod(0o644)
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c: c.execute('create table t (x int)'); "
        "c.execute('insert into t values (1)')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DATABASE_URL"))},
            "DJANGO_SETTINGS_MODULE": "integration_hub.settings",
            "HUB_DOTENV": "0",
            "HUB_SECRET_KEY": "x" * 50,
            "HUB_ENCRYPTION_KEY": GOOD_KEY,
            "DATABASE_URL": f"sqlite:///{database}",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    made = [p for p in tmp_path.iterdir() if p.name.startswith("hub.sqlite3")]
    assert database in made
    for path in made:
        assert path.stat().st_mode & 0o777 == 0o600, path.name
