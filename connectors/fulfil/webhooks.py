"""Verify and parse Fulfil webhook deliveries.

Fulfil signs the raw body: base64(HMAC-SHA256(body, key=base64decode(secret)))
(fulfil_client.verify_webhook). The header names are not published: they live in
:mod:`connectors.fulfil.contract`. A timestamp header, when present, bounds replays; the
signature does not cover headers, so dedupe on the event id is what makes a replay harmless.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping

from connectors.base import ConfigError, PermanentError, WebhookEvent
from connectors.fulfil import contract


def webhook_signature(secret: str, body: bytes) -> str:
    """The value Fulfil puts in the signature header for ``body``."""
    try:
        key = base64.b64decode(secret.encode(), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError("the fulfil credential 'webhook_secret' is not valid base64") from None
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def webhook_verify(
    *, secret: str, headers: Mapping[str, str], body: bytes, now: dt.datetime
) -> WebhookEvent:
    """Check signature and age of one delivery and return the parsed event."""
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    given = lowered.get(contract.WEBHOOK_SIGNATURE_HEADER.lower(), "").strip()
    expected = webhook_signature(secret, body)
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise PermanentError("Fulfil webhook signature is missing or wrong", code="bad_signature")
    _refuse_stale(lowered.get(contract.WEBHOOK_TIMESTAMP_HEADER.lower(), ""), now)
    payload = _payload(body)
    topic = lowered.get(contract.WEBHOOK_TOPIC_HEADER.lower()) or str(payload.get("topic") or "")
    if not topic:
        raise PermanentError("Fulfil webhook has no topic", code="unknown_topic")
    event_id = lowered.get(contract.WEBHOOK_ID_HEADER.lower()) or hashlib.sha256(body).hexdigest()
    return WebhookEvent(topic=topic, event_id=event_id, payload=payload)


def _refuse_stale(stamp: str, now: dt.datetime) -> None:
    window = contract.WEBHOOK_REPLAY_WINDOW_SECONDS
    if not stamp:
        return
    try:
        sent = dt.datetime.fromtimestamp(float(stamp), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise PermanentError("Fulfil webhook timestamp is unreadable", code="stale") from None
    if abs((now - sent).total_seconds()) > window:
        raise PermanentError(
            f"Fulfil webhook sent at {sent.isoformat()} is outside the {window}s replay window",
            code="stale",
        )


def _payload(body: bytes) -> dict:
    try:
        payload = json.loads(body)
    except ValueError:
        raise PermanentError("Fulfil webhook body is not JSON", code="bad_payload") from None
    if not isinstance(payload, dict):
        raise PermanentError("Fulfil webhook body is not a JSON object", code="bad_payload")
    return payload
