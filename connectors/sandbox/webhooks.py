"""How every sandbox signs and sends its webhooks: one POST, its answer recorded, never raised.

The vendor decides the envelope, the headers and the signature scheme; the kit only computes
the common signatures and sends the stored bytes unchanged (so a replay is byte for byte).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import requests

Timeout = float | tuple[float, float]


def hmac_sha256(key: bytes, body: bytes, *, hex_digest: bool = False) -> str:
    """HMAC-SHA256 of the exact body: base64 (Shopify, Fulfil) or hex (``hex_digest``)."""
    digest = hmac.new(key, body, hashlib.sha256)
    return digest.hexdigest() if hex_digest else base64.b64encode(digest.digest()).decode()


def basic_auth(username: str, password: str) -> str:
    """The value of an ``Authorization: Basic`` header."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def webhook_post(
    url: str,
    body: str,
    headers: dict[str, str],
    *,
    timeout: Timeout,
    session: requests.Session | None = None,
) -> tuple[int | None, str]:
    """POST ``body`` once: the HTTP status (None when no answer came) and the error's name."""
    try:
        response = (session or requests).post(
            url, data=body.encode(), headers=headers, timeout=timeout
        )
    except requests.RequestException as error:
        return None, type(error).__name__
    return response.status_code, ""
