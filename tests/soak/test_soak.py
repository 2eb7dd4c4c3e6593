"""The chaos soak, small: `hub soak` end to end in its own processes and its own database.

Web (gunicorn) and worker (qcluster) run against the sandboxes with faults and worker kills;
the command exits 0 only when every invariant holds (see integration_hub/soak.py). It runs on
the suite's database engine: a fresh SQLite file, or a throwaway PostgreSQL database next to
the test one. `make soak` runs the long version.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.soak

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_database(url: str):
    """A fresh database on the same server; returns (its URL, a function that drops it)."""
    import psycopg

    name = f"hub_soak_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


@pytest.mark.timeout(1500)
def test_soak_small_loses_nothing(tmp_path):
    port = _free_port()
    drop = None
    if connection.vendor == "postgresql":
        database_url, drop = _postgres_database(os.environ["DATABASE_URL"])
    else:
        database_url = f"sqlite:///{tmp_path / 'soak.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "integration_hub.settings",
        "DATABASE_URL": database_url,
        "HUB_SANDBOX": "1",
        "HUB_BASE_URL": f"http://127.0.0.1:{port}",
        "HUB_ALLOWED_HOSTS": "127.0.0.1",
        "HUB_SECRET_KEY": "soak-" + "x" * 50,
        "HUB_ENCRYPTION_KEY": settings.HUB_ENCRYPTION_KEYS[0],
        "HUB_TASK_TIMEOUT": "90",
    }
    env.pop("REDIS_URL", None)  # the ORM broker: the soak counts its queue
    try:
        manage = [sys.executable, "manage.py"]
        for args in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([*manage, *args], cwd=ROOT, env=env, check=True, timeout=300)  # noqa: S603
        soak = subprocess.Popen(  # noqa: S603
            [
                *manage,
                "hub",
                "soak",
                "--minutes=1.5",
                "--kills=2",
                "--drain-minutes=8",
                f"--log-dir={tmp_path / 'logs'}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            stdout, stderr = soak.communicate(timeout=1200)
        except subprocess.TimeoutExpired:
            soak.terminate()  # the soak stops its web server and worker on SIGTERM
            stdout, stderr = soak.communicate(timeout=60)
    finally:
        if drop:
            drop()
    print(stdout, stderr[-3000:])
    assert soak.returncode == 0, stdout + stderr[-3000:]
    assert "PASSED: every invariant holds" in stdout
    assert "worker kills: 2" in stdout
