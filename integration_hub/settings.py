"""Django settings, read from the environment only (see `.env.example` for every variable).

A `.env` file in the project root is read first when present (real environment variables win);
`make run` writes one with fresh keys for the sandbox demo.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from dotenv import load_dotenv

from integration_hub.env import (
    EnvError,
    env_bool,
    env_database,
    env_fernet_keys,
    env_int,
    env_list,
    env_redis_url,
    env_str,
    private_files_restrict,
)

BASE_DIR = Path(__file__).resolve().parent.parent

if env_bool("HUB_DOTENV", True):
    load_dotenv(BASE_DIR / ".env", override=False)

# --- Core ---------------------------------------------------------------------------------

SECRET_KEY = env_str("HUB_SECRET_KEY")
if not SECRET_KEY:
    raise EnvError("HUB_SECRET_KEY is required (make run writes one into .env for the demo)")

HUB_ENCRYPTION_KEYS = env_fernet_keys("HUB_ENCRYPTION_KEY")
if not HUB_ENCRYPTION_KEYS:
    raise EnvError(
        "HUB_ENCRYPTION_KEY is required: integration credentials are stored encrypted with it"
    )

DEBUG = env_bool("HUB_DEBUG", False)
HUB_SANDBOX = env_bool("HUB_SANDBOX", False)
HUB_HTTPS = env_bool("HUB_HTTPS", True)
HUB_BEHIND_PROXY = env_bool("HUB_BEHIND_PROXY", False)  # a TLS-terminating proxy in front
ALLOWED_HOSTS = env_list("HUB_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("HUB_CSRF_TRUSTED_ORIGINS", [])
HUB_BASE_URL = env_str("HUB_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_q",
    "django_tables2",
    "django_filters",
    "axes",  # login throttling (see "Auth and sessions")
    "csp",  # Content-Security-Policy header (see "HTTPS and browser security")
    "simple_history",
    "integration_hub",
    "exceptions_queue",
    "reconciliation",
    "returns",
    "connectors.sandbox",
]

# Sandboxes are always installed (their tables exist) but mounted at /sandbox/ only when
# HUB_SANDBOX=1. Each system's sandbox app adds itself here.
SANDBOX_APPS: list[str] = []
SANDBOX_APPS += ["connectors.mirakl.sandbox"]
SANDBOX_APPS += ["connectors.shopify.sandbox"]
SANDBOX_APPS += ["connectors.magento.sandbox"]
SANDBOX_APPS += ["connectors.fulfil.sandbox"]
SANDBOX_APPS += ["connectors.scayle.sandbox"]
SANDBOX_APPS += ["connectors.seko.sandbox"]
INSTALLED_APPS += SANDBOX_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "integration_hub.urls"
WSGI_APPLICATION = "integration_hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "integration_hub.context_processors.hub",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", str(BASE_DIR / "var" / "hub.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth and sessions --------------------------------------------------------------------

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("HUB_SESSION_HOURS", 8, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Brute-force protection (django-axes): after HUB_LOGIN_FAILURE_LIMIT failed logins for one
# username from one IP address, that pair is locked out for HUB_LOGIN_LOCKOUT_MINUTES; the
# login page says so (status 429). Other users and other addresses are unaffected, so one
# attacker cannot lock everybody out. `python manage.py axes_reset_username NAME` unlocks.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("HUB_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HUB_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/login.html"
AXES_VERBOSE = False


def axes_client_ip(request) -> str:
    """The address axes counts failures for: behind our proxy, the one the proxy saw.

    The proxy appends the address it received the request from to X-Forwarded-For, so the last
    entry cannot be forged by the client (earlier ones can). Without HUB_BEHIND_PROXY it is
    REMOTE_ADDR; with the proxy's own address every user would share one lock-out.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if HUB_BEHIND_PROXY else ""
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")


AXES_CLIENT_IP_CALLABLE = axes_client_ip
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- HTTPS and browser security (manage.py check --deploy is clean with HUB_HTTPS=1) ------

SESSION_COOKIE_SECURE = HUB_HTTPS
CSRF_COOKIE_SECURE = HUB_HTTPS
SECURE_SSL_REDIRECT = HUB_HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HUB_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HUB_HTTPS
SECURE_HSTS_PRELOAD = HUB_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if HUB_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, fonts and images come from the hub itself only: no inline <script>, no
# inline event handlers, no inline style attributes (tests/security/test_headers.py scans the
# templates), so an injected tag cannot run. The admin's templates comply too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}

# --- Untrusted input: uploads and webhooks (docs/security.md) ------------------------------

# CSV/XLSX imports (integration_hub/tabular.py): file size and data rows.
HUB_UPLOAD_MAX_MB = env_int("HUB_UPLOAD_MAX_MB", 20, minimum=1)
HUB_UPLOAD_MAX_ROWS = env_int("HUB_UPLOAD_MAX_ROWS", 200_000, minimum=1)
HUB_UPLOAD_MAX_SECONDS = env_int("HUB_UPLOAD_MAX_SECONDS", 60, minimum=1)  # reading one file
# Largest webhook body accepted (integration_hub/webhooks.py); bigger ones get 413 unread.
HUB_WEBHOOK_MAX_KB = env_int("HUB_WEBHOOK_MAX_KB", 1024, minimum=1)
# The web server (integration_hub/webserver.py, waitress): worker threads, how long a quiet
# connection may stay open (s), and how many connections it holds at once.
HUB_WEB_THREADS = env_int("HUB_WEB_THREADS", 8, minimum=1)
HUB_WEB_CHANNEL_TIMEOUT = env_int("HUB_WEB_CHANNEL_TIMEOUT", 30, minimum=1)
HUB_WEB_CONNECTION_LIMIT = env_int("HUB_WEB_CONNECTION_LIMIT", 500, minimum=10)

# --- Locale -------------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("HUB_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static files (served by WhiteNoise: no CDN, works on an offline office network) ------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Cache (shared by web and workers: call limiters, short-lived locks) ------------------

REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hub_cache",
        }
    }

# --- Email (alerts) -----------------------------------------------------------------------

EMAIL_HOST = env_str("HUB_EMAIL_HOST")
EMAIL_PORT = env_int("HUB_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("HUB_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("HUB_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("HUB_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("HUB_EMAIL_FROM", "integration-hub@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Alerts (exceptions_queue/alerts.py; docs/runbook.md says when each goes out). Recipients per
# owner team as comma lists; a team without recipients gets no email.
HUB_ALERT_EMAILS_OPS = env_list("HUB_ALERT_EMAILS_OPS", [])
HUB_ALERT_EMAILS_FINANCE = env_list("HUB_ALERT_EMAILS_FINANCE", [])
HUB_ALERT_EMAILS_MERCHANDISING = env_list("HUB_ALERT_EMAILS_MERCHANDISING", [])
HUB_ALERT_EMAILS_CX = env_list("HUB_ALERT_EMAILS_CX", [])
HUB_ALERT_EMAILS_TECH = env_list("HUB_ALERT_EMAILS_TECH", [])
HUB_ALERT_WEBHOOK_URL = env_str("HUB_ALERT_WEBHOOK_URL")
HUB_ALERT_QUIET_HOURS = env_str("HUB_ALERT_QUIET_HOURS", "22-07")
HUB_ALERT_THRESHOLDS = env_str("HUB_ALERT_THRESHOLDS")

# --- Worker (django-q2 is only the clock and the worker pool; retry state lives in our rows)

HUB_WORKERS = env_int("HUB_WORKERS", 2, minimum=1)
HUB_TASK_TIMEOUT = env_int("HUB_TASK_TIMEOUT", 300, minimum=10)
Q_CLUSTER = {
    "name": "hub",
    "workers": HUB_WORKERS,
    "timeout": HUB_TASK_TIMEOUT,
    "retry": HUB_TASK_TIMEOUT + 60,
    "max_attempts": 1,
    "catch_up": False,
    "save_limit": 500,
    "ack_failures": True,
    "label": "Worker",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 0.5

# Seconds after which a silent worker counts as stale on /healthz and the dashboard.
HUB_HEARTBEAT_STALE_SECONDS = env_int("HUB_HEARTBEAT_STALE_SECONDS", 180, minimum=30)

# Hours between two full offer exports (OF52) of the drift audit; Mirakl allows one a day.
HUB_DRIFT_AUDIT_HOURS = env_int("HUB_DRIFT_AUDIT_HOURS", 24, minimum=1)

# --- Logging ------------------------------------------------------------------------------

# The technical 500 report (DEBUG page, e-mail to ADMINS) hides secret-named locals too.
DEFAULT_EXCEPTION_REPORTER_FILTER = "integration_hub.logging.HubExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "integration_hub.logging.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("HUB_LOG_LEVEL", "INFO").upper()},
    "loggers": {"django-q": {"level": "WARNING"}, "django_q": {"level": "WARNING"}},
}

# Files the hub creates are its own alone (issue 18): the SQLite database and its WAL/SHM files
# (sessions, personal data, password hashes), exports and logs. 0600 like `.env`.
os.umask(0o077)
os.makedirs(STATIC_ROOT, exist_ok=True)
private_files_restrict(BASE_DIR / "var", DATABASES["default"])
