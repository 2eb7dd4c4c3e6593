"""Production settings: check --deploy, browser security headers, CSP-clean templates, sessions."""

from __future__ import annotations

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from integration_hub.env import EnvError

ROOT = Path(__file__).resolve().parents[2]
GOOD_FERNET = "q8pJvB0H1n4f6R2yKXc8zQeT3mWl5sVbN7uA9dE0gIo="


def production_env(tmp_path, **overrides) -> dict[str, str]:
    """The environment of a real deployment: no sandbox, HTTPS, strong keys, no .env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="integration_hub.settings",
        HUB_DOTENV="0",
        HUB_SECRET_KEY=secrets.token_urlsafe(50),
        HUB_ENCRYPTION_KEY=GOOD_FERNET,
        HUB_SANDBOX="0",
        HUB_ALLOWED_HOSTS="hub.example.com",
        HUB_BASE_URL="https://hub.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'hub.sqlite3'}",
    )
    env.pop("REDIS_URL", None)
    env.update(overrides)
    return env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_with(monkeypatch, **env) -> dict:
    """Run the settings module in a fresh namespace with ``env`` (Django's own stays as is)."""
    for name in [k for k in os.environ if k.startswith("HUB_")]:
        monkeypatch.delenv(name)
    for name, value in {"HUB_DOTENV": "0", "HUB_SECRET_KEY": "k" * 60,
                        "HUB_ENCRYPTION_KEY": GOOD_FERNET, **env}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "integration_hub" / "settings.py"))


# --- manage.py check --deploy ----------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_fail_when_https_is_off(tmp_path):
    """Proves the test above can fail: the demo's plain-http settings are not production ones."""
    result = manage(production_env(tmp_path, HUB_HTTPS="0"), "check", "--deploy")
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W012" in result.stderr  # session cookie not secure


def test_production_settings_values(monkeypatch):
    conf = settings_with(monkeypatch)
    assert conf["DEBUG"] is False
    assert conf["HUB_SANDBOX"] is False
    assert conf["SESSION_COOKIE_SECURE"] and conf["CSRF_COOKIE_SECURE"]
    assert conf["SESSION_COOKIE_HTTPONLY"] is True
    assert conf["SECURE_SSL_REDIRECT"] is True
    assert conf["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert conf["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert conf["X_FRAME_OPTIONS"] == "DENY"
    assert conf["SECURE_REFERRER_POLICY"] == "same-origin"
    assert conf["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert conf["SESSION_COOKIE_AGE"] == 8 * 3600
    assert conf["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert conf["AUTHENTICATION_BACKENDS"][0].startswith("axes.backends.")
    assert conf["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"


def test_new_variables_are_read_and_checked(monkeypatch):
    conf = settings_with(
        monkeypatch,
        HUB_SESSION_HOURS="2",
        HUB_LOGIN_FAILURE_LIMIT="3",
        HUB_LOGIN_LOCKOUT_MINUTES="60",
        HUB_UPLOAD_MAX_MB="5",
        HUB_UPLOAD_MAX_ROWS="1000",
        HUB_WEBHOOK_MAX_KB="64",
    )
    assert conf["SESSION_COOKIE_AGE"] == 2 * 3600
    assert conf["AXES_FAILURE_LIMIT"] == 3
    assert conf["AXES_COOLOFF_TIME"].total_seconds() == 3600
    assert (conf["HUB_UPLOAD_MAX_MB"], conf["HUB_UPLOAD_MAX_ROWS"]) == (5, 1000)
    assert conf["HUB_WEBHOOK_MAX_KB"] == 64


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("HUB_SESSION_HOURS", "8h", "HUB_SESSION_HOURS must be a whole number; got '8h'"),
        ("HUB_LOGIN_FAILURE_LIMIT", "0", "HUB_LOGIN_FAILURE_LIMIT must be at least 1; got 0"),
        ("HUB_LOGIN_LOCKOUT_MINUTES", "soon", "HUB_LOGIN_LOCKOUT_MINUTES must be a whole number"),
        ("HUB_UPLOAD_MAX_MB", "20MB", "HUB_UPLOAD_MAX_MB must be a whole number; got '20MB'"),
        ("HUB_UPLOAD_MAX_ROWS", "-1", "HUB_UPLOAD_MAX_ROWS must be at least 1; got -1"),
        ("HUB_WEBHOOK_MAX_KB", "1.5", "HUB_WEBHOOK_MAX_KB must be a whole number; got '1.5'"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(monkeypatch, name, value, message):
    with pytest.raises(EnvError, match=re.escape(message)):
        settings_with(monkeypatch, **{name: value})


def test_env_example_lists_every_new_variable():
    text = (ROOT / ".env.example").read_text()
    for name in (
        "HUB_SESSION_HOURS",
        "HUB_LOGIN_FAILURE_LIMIT",
        "HUB_LOGIN_LOCKOUT_MINUTES",
        "HUB_UPLOAD_MAX_MB",
        "HUB_UPLOAD_MAX_ROWS",
        "HUB_WEBHOOK_MAX_KB",
        "HUB_UPLOAD_MAX_SECONDS",
        "HUB_WEB_THREADS",
        "HUB_WEB_CHANNEL_TIMEOUT",
        "HUB_WEB_CONNECTION_LIMIT",
    ):
        assert re.search(rf"^{name}=", text, re.MULTILINE), name


# --- headers on every page -------------------------------------------------------------------


@pytest.mark.django_db
def test_security_headers_on_a_page(client):
    response = client.get("/login/")
    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_hsts_and_secure_cookies_over_https(client, settings, role_user):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    role_user("Ops", username="ops")
    response = client.post(
        "/login/", {"username": "ops", "password": "pw-for-tests-1"}, secure=True
    )
    assert response.status_code == 302
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["max-age"] == ""  # expires at browser close; the server side ends at 8 h


@pytest.mark.django_db
def test_a_session_ends_after_session_cookie_age(client, role_user, time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC), tick=False)
    client.force_login(role_user("Ops"))
    assert client.get("/").status_code == 200
    time_machine.move_to(dt.datetime(2026, 1, 5, 16, 59, tzinfo=dt.UTC), tick=False)
    assert client.get("/").status_code == 200
    time_machine.move_to(dt.datetime(2026, 1, 5, 17, 1, tzinfo=dt.UTC), tick=False)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- templates: nothing the CSP would block --------------------------------------------------

TEMPLATE_DIRS = [ROOT / "templates"] + sorted(
    path
    for path in ROOT.glob("*/**/templates")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)
INLINE_PROBLEMS = {
    "inline <script> block (put JS in a static file)": re.compile(
        r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE
    ),
    "inline event handler attribute (on...=)": re.compile(
        r"<[a-z][^>]*\s+on[a-z]+\s*=", re.IGNORECASE | re.DOTALL
    ),
    "javascript: URL": re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
    "inline <style> block (put CSS in static/hub/hub.css)": re.compile(r"<style\b", re.I),
    "inline style attribute (style-src is 'self' only)": re.compile(
        r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL
    ),
}


def template_files() -> list[Path]:
    return [path for folder in TEMPLATE_DIRS for path in sorted(folder.rglob("*.html"))]


def test_the_scan_covers_the_templates():
    names = {path.relative_to(ROOT).as_posix() for path in template_files()}
    assert "templates/base.html" in names and "templates/registration/login.html" in names


def test_no_template_has_inline_script_handlers_or_styles():
    problems = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}: {what}"
        for path in template_files()
        for text in [path.read_text(encoding="utf-8")]
        for what, pattern in INLINE_PROBLEMS.items()
        for match in pattern.finditer(text)
    ]
    assert not problems, "the CSP would block these:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<button onclick="go()">x</button>',
        '<a href="javascript:go()">x</a>',
        "<style>p{}</style>",
        '<div class="x" style="color:red">x</div>',
    ],
)
def test_the_scan_catches_each_problem(snippet):
    assert any(pattern.search(snippet) for pattern in INLINE_PROBLEMS.values())


def test_the_scan_allows_external_scripts():
    snippet = '<script src="/static/x.js" defer></script><a href="/x" class="one">x</a>'
    assert not any(pattern.search(snippet) for pattern in INLINE_PROBLEMS.values())


@pytest.mark.parametrize(("behind_proxy", "expected"), [("1", "203.0.113.7"), ("0", "10.0.0.2")])
def test_login_throttling_counts_the_real_client_address(monkeypatch, behind_proxy, expected):
    """Behind the proxy the last X-Forwarded-For entry (the one the proxy saw) is the client;
    earlier entries are forgeable, and REMOTE_ADDR is the proxy itself."""
    from django.test import RequestFactory

    conf = settings_with(monkeypatch, HUB_BEHIND_PROXY=behind_proxy)
    request = RequestFactory().post(
        "/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert conf["AXES_CLIENT_IP_CALLABLE"](request) == expected
