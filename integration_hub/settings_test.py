"""Settings for the test suite: the real settings module with fixed test keys.

A developer's `.env` is never read here, so the suite behaves the same on every machine.
`DATABASE_URL` still comes from the environment: `.ci/run` runs the suite on SQLite and
again on PostgreSQL.
"""

import os

os.environ["HUB_DOTENV"] = "0"
os.environ.setdefault(
    "HUB_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)
os.environ.setdefault("HUB_ENCRYPTION_KEY", "q8pJvB0H1n4f6R2yKXc8zQeT3mWl5sVbN7uA9dE0gIo=")
os.environ.setdefault("HUB_SANDBOX", "1")
os.environ.setdefault("HUB_HTTPS", "0")
os.environ.setdefault("HUB_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from integration_hub.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# django-axes stays on (tests/security/test_login_throttling.py proves the lockout), but logins
# without a request (Client.login, authenticate() in tests) skip its check, and each test's
# failed attempts live in its own rolled-back transaction, so no test locks out another.
AUTHENTICATION_BACKENDS = [
    "tests.security.backends.AxesRequestOptionalBackend",
    "django.contrib.auth.backends.ModelBackend",
]
