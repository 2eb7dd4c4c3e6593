"""Values every sandbox writes or reads the same way: EANs, ISO times, opaque page tokens."""

from __future__ import annotations

import base64
import datetime as dt


def ean13(number: int, prefix: str = "501") -> str:
    """A valid EAN-13: ``prefix`` + zero-padded ``number`` + the GS1 check digit."""
    body = f"{prefix}{number:0{12 - len(prefix)}d}"[:12]
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def iso_datetime(text: str) -> dt.datetime:
    """An ISO 8601 date-time (``Z`` or an offset; naive means UTC); ValueError if it is not."""
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def token_encode(raw: bytes) -> str:
    """``raw`` as unpadded URL-safe base64 (an opaque cursor)."""
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def token_decode(token: str) -> bytes:
    """The bytes of :func:`token_encode`'s ``token``; ValueError if it is not one."""
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
