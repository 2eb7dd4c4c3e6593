"""Keeping secrets out of what the hub writes down: log records and error reports.

* :class:`RedactSecretsFilter` (on every log handler, see settings.LOGGING) rewrites a record's
  message *and* its traceback text, since an exception message (a URL with ``?api_key=``, a
  header dict) is as likely to carry a secret as the message itself.
* :class:`HubExceptionReporterFilter` (``DEFAULT_EXCEPTION_REPORTER_FILTER``) cleans Django's
  technical 500 report (the DEBUG page and the e-mail to ADMINS): Django's default hides
  secret-named settings, but it prints every local variable of every frame, including a
  connector's ``credentials`` dict or ``secret`` string. Here secret-named locals are replaced,
  dicts are cleaned key by key, and strings go through :func:`redact`.
"""

from __future__ import annotations

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

# Header or parameter names whose values are secrets, in "name: value" or "name=value" form.
_SECRET_NAMES = (
    r"authorization|x-api-key|x-access-token|x-shopify-access-token|api[_-]?key|"
    r"access[_-]?token|token|secret|password|client[_-]?secret"
)
# An authorization scheme before the value ("Authorization: Basic dXNl...") goes with it: without
# the scheme here, the scheme itself was taken for the value and the secret printed.
_SCHEMES = r"(?:(?:bearer|basic|token|digest|apikey)\s+)?"
_SECRET_PAIR = re.compile(
    rf"(?i)(['\"]?(?:{_SECRET_NAMES})['\"]?\s*[:=]\s*['\"]?){_SCHEMES}[^\s'\",&;}}]+"
)
# The same credentials without a name in front (a header value on its own), and a password in
# a URL (https://user:password@host).
_SCHEME_VALUE = re.compile(r"(?i)\b((?:bearer|basic|token)\s+)[A-Za-z0-9+/=._~-]{8,}")
_URL_PASSWORD = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^\s/:@]*:)[^\s/@]+@")
# Names of variables, settings and dict keys whose whole value is a secret.
_SECRET_VARIABLE = re.compile(
    r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HMAC|CREDENTIAL|AUTH|COOKIE|SESSION", re.IGNORECASE
)
_plain = logging.Formatter()


def redact(text: str) -> str:
    """Replace the value of every secret-looking name/value pair in ``text`` with ``***``."""
    text = _SECRET_PAIR.sub(r"\1***", text)
    text = _SCHEME_VALUE.sub(r"\1***", text)
    return _URL_PASSWORD.sub(r"\1***@", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback is written cleaned.
            record.exc_text = _plain.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class HubExceptionReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = _SECRET_VARIABLE

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self._cleansed(name, value)) for name, value in variables]

    def _cleansed(self, name: str, value):
        if isinstance(value, str) and value == self.cleansed_substitute:
            return value
        if _SECRET_VARIABLE.search(str(name)):
            return self.cleansed_substitute
        if isinstance(value, dict):
            return self.cleanse_setting(name, value)
        if isinstance(value, str):
            return redact(value)
        if type(value) in (list, tuple):  # exactly: a namedtuple cannot be rebuilt this way
            return type(value)(self._cleansed("", item) for item in value)
        if value is None or isinstance(value, bool | int | float):
            return value
        try:  # any other object: the report prints its repr, so print that redacted
            return _Shown(redact(repr(value)))
        except Exception:  # a broken __repr__ must not break the report
            return value


class _Shown:
    """Prints as the (already redacted) text it holds."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text
