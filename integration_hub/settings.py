"""Django settings, read from the environment only (see `.env.example` for every variable).

A `.env` file in the project root is read first when present (real environment variables win);
`make run` writes one with fresh keys for the sandbox demo.
"""

from __future__ import annotations

import os
from pathlib import Path

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
    "integration_hub",
    "exceptions_queue",
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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
if env_bool("HUB_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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

os.makedirs(STATIC_ROOT, exist_ok=True)
