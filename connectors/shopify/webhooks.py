"""Verify and parse Shopify webhook deliveries.

Shopify signs the raw request body: ``X-Shopify-Hmac-Sha256`` is the base64 HMAC-SHA256 of
the exact bytes received, keyed with the app's client secret. The signature does not cover
the headers, so ``X-Shopify-Triggered-At`` only filters out stale redeliveries; dedupe on
``X-Shopify-Webhook-Id`` is what makes a replay harmless.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping

from connectors.base import PermanentError, WebhookEvent
from connectors.shopify.cursors import parse_time_or_none

TOPICS = frozenset(
    {"inventory_levels/update", "fulfillments/create", "fulfillments/update", "refunds/create"}
)


def webhook_signature(secret: str, body: bytes) -> str:
    """The value Shopify puts in ``X-Shopify-Hmac-Sha256`` for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_verify(
    *,
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: dt.datetime,
    replay_window_seconds: int,
) -> WebhookEvent:
    """Check the signature and age of one delivery and return the parsed event."""
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    given = lowered.get("x-shopify-hmac-sha256", "")
    if not given or not hmac.compare_digest(
        given.encode(), webhook_signature(secret, body).encode()
    ):
        raise PermanentError("Shopify webhook signature is missing or wrong", code="bad_signature")
    _refuse_stale(lowered.get("x-shopify-triggered-at", ""), now, replay_window_seconds)
    topic = lowered.get("x-shopify-topic", "")
    if topic not in TOPICS:
        raise PermanentError(
            f"Shopify webhook topic {topic!r} is not handled", code="unknown_topic"
        )
    event_id = lowered.get("x-shopify-webhook-id") or lowered.get("x-shopify-event-id", "")
    if not event_id:
        raise PermanentError("Shopify webhook has no X-Shopify-Webhook-Id", code="no_event_id")
    return WebhookEvent(topic=topic, event_id=event_id, payload=_payload(body))


def _refuse_stale(triggered_at: str, now: dt.datetime, window_seconds: int) -> None:
    if not triggered_at:
        return
    sent = parse_time_or_none(triggered_at)
    if sent is None:
        raise PermanentError("Shopify webhook has an unreadable Triggered-At", code="stale")
    if (now - sent).total_seconds() > window_seconds:
        raise PermanentError(
            f"Shopify webhook triggered at {triggered_at} is older than {window_seconds}s",
            code="stale",
        )


def _payload(body: bytes) -> dict:
    try:
        payload = json.loads(body)
    except ValueError:
        raise PermanentError("Shopify webhook body is not JSON", code="bad_payload") from None
    if not isinstance(payload, dict):
        raise PermanentError("Shopify webhook body is not a JSON object", code="bad_payload")
    return payload
