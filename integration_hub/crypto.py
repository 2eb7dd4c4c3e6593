"""Credentials encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`).

`HUB_ENCRYPTION_KEY` may hold several comma-separated keys: the first encrypts, all decrypt,
so keys can be rotated without downtime (`MultiFernet`).
"""

from __future__ import annotations

import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

MASK = "••••••••"


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.HUB_ENCRYPTION_KEYS))


def encrypt_text(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "stored credentials cannot be decrypted with HUB_ENCRYPTION_KEY "
            "(was the key changed without keeping the old one after a comma?)"
        ) from None


class EncryptedJSONField(models.TextField):
    """A dict of secrets, stored as one Fernet token; Python code sees the plain dict.

    Serialisation (dumpdata, fixtures) writes the token, never the plain text.
    """

    description = "JSON object encrypted with HUB_ENCRYPTION_KEY"

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return {}
        return json.loads(decrypt_text(value))

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        if value in (None, ""):
            return {}
        return json.loads(decrypt_text(value))

    def get_prep_value(self, value):
        if not value:
            return ""
        return encrypt_text(json.dumps(value, sort_keys=True))

    def value_to_string(self, obj) -> str:
        return self.get_prep_value(self.value_from_object(obj))
