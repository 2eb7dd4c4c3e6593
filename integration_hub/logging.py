"""A logging filter that strips secrets from every record before it is written."""

from __future__ import annotations

import logging
import re

# Header or parameter names whose values are secrets, in "name: value" or "name=value" form.
_SECRET_NAMES = (
    r"authorization|x-api-key|x-access-token|x-shopify-access-token|api[_-]?key|"
    r"access[_-]?token|token|secret|password|client[_-]?secret"
)
_SECRET_PAIR = re.compile(
    rf"(?i)(['\"]?(?:{_SECRET_NAMES})['\"]?\s*[:=]\s*['\"]?)(?:bearer\s+)?[^\s'\",&;}}]+"
)


def redact(text: str) -> str:
    """Replace the value of every secret-looking name/value pair in ``text`` with ``***``."""
    return _SECRET_PAIR.sub(r"\1***", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
