"""Strict parsing of environment variables for the settings module.

Every function raises :class:`EnvError` naming the variable and the bad value, so a typo in a
deployment stops the process with one clear line instead of a wrong default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class EnvError(ImproperlyConfigured):
    """An environment variable has a value the hub cannot use."""


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get(name, default).strip()


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    if name not in environ:
        return default
    raw = environ[name].strip().lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise EnvError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {environ[name]!r}")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise EnvError(f"{name} must be a whole number; got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise EnvError(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(
    name: str, default_sqlite_path: str, *, environ: Mapping[str, str] | None = None
) -> dict:
    """Parse ``DATABASE_URL`` (PostgreSQL or SQLite) into a Django ``DATABASES`` entry.

    SQLite gets WAL mode, a busy timeout and IMMEDIATE transactions so the web process and the
    worker can share one file without "database is locked" errors.
    """
    raw = env_str(name, environ=environ) or f"sqlite:///{default_sqlite_path}"
    scheme = urlsplit(raw).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise EnvError(
            f"{name} must start with sqlite:///, postgres:// or postgresql://; "
            f"got {scheme or raw!r}"
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=0)
    except ValueError as exc:
        raise EnvError(f"{name} is not a valid database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif not config.get("NAME"):
        raise EnvError(f"{name} must name a database, e.g. postgres://user@host:5432/hub")
    return config


def env_redis_url(name: str, *, environ: Mapping[str, str] | None = None) -> str:
    raw = env_str(name, environ=environ)
    if raw and urlsplit(raw).scheme not in {"redis", "rediss", "unix"}:
        raise EnvError(f"{name} must start with redis://, rediss:// or unix://; got {raw!r}")
    return raw


def env_fernet_keys(name: str, *, environ: Mapping[str, str] | None = None) -> list[str]:
    """Comma-separated Fernet keys, newest first (older keys still decrypt during rotation)."""
    keys = env_list(name, [], environ=environ)
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            raise EnvError(
                f"{name} key #{position} is not a Fernet key (32 url-safe base64-encoded bytes); "
                "make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from None
    return keys


def private_files_restrict(var_dir: Path, database: dict) -> None:
    """Make the SQLite database (and its -wal/-shm files) and ``var/`` the owner's alone.

    A new file is private already (settings set the umask); this covers files an earlier version
    created world-readable. Files that are missing or not ours are left alone.
    """
    paths = [var_dir]
    if database.get("ENGINE") == "django.db.backends.sqlite3":
        name = str(database.get("NAME", ""))
        if name and not name.startswith(("file:", ":memory:")):
            paths += [Path(name + suffix) for suffix in ("", "-wal", "-shm")]
    for path in paths:
        try:
            path.chmod(0o700 if path.is_dir() else 0o600)
        except (FileNotFoundError, PermissionError):
            continue
