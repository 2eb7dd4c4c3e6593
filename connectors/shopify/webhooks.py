"""Verify and parse Shopify webhook deliveries.

Shopify signs the raw request body: ``X-Shopify-Hmac-Sha256`` is the base64 HMAC-SHA256 of
the exact bytes received, keyed with the app's client secret. The signature does not cover
the headers, so ``X-Shopify-Triggered-At`` only marks late redeliveries and
``X-Shopify-Webhook-Id`` (one per delivery, kept by Shopify's retries) only dedupes Shopify's
own retries; neither is a security check. A replay under a new id or time is the same signed
body, which the receiver dedupes (``WebhookReceipt.body_sha256``). Shopify retries a delivery
8 times over 4 hours and removes an Admin API subscription after repeated failures, so a
validly signed delivery older than the replay window is refused with code ``late`` *after*
the signature check: the receiver answers it 200 and ignores it (a 401 would only make
Shopify retry it and drop the subscription).
Sources: https://shopify.dev/docs/apps/build/webhooks/delivery-structure and
https://shopify.dev/changelog/updates-to-webhook-retry-mechanism.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping

from connectors.base import PermanentError, WebhookEvent
from connectors.watermark import parse_time_or_none

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
    topic = lowered.get("x-shopify-topic", "")
    if topic not in TOPICS:
        raise PermanentError(
            f"Shopify webhook topic {topic!r} is not handled", code="unknown_topic"
        )
    event_id = _delivery_id(lowered, topic)
    _refuse_late(lowered.get("x-shopify-triggered-at", ""), now, replay_window_seconds)
    return WebhookEvent(topic=topic, event_id=event_id, payload=_payload(body))


def _delivery_id(lowered: Mapping[str, str], topic: str) -> str:
    """The dedupe key: the delivery's id, else its merchant action's id within the topic.

    ``X-Shopify-Event-Id`` is shared by every delivery of one merchant action (other topics
    too), so on its own it would swallow another topic's nudge.
    """
    if lowered.get("x-shopify-webhook-id"):
        return lowered["x-shopify-webhook-id"]
    if lowered.get("x-shopify-event-id"):
        return f"{topic}:{lowered['x-shopify-event-id']}"
    raise PermanentError("Shopify webhook has no X-Shopify-Webhook-Id", code="no_event_id")


def _refuse_late(triggered_at: str, now: dt.datetime, window_seconds: int) -> None:
    """Shopify sends ``X-Shopify-Triggered-At`` on every delivery; one without it is not Shopify's.

    The header is not signed, so this only sorts out Shopify's own late retries; what makes a
    replay harmless is the receiver's dedupe on the signed body (WebhookReceipt.body_sha256).
    """
    if not triggered_at:
        raise PermanentError("Shopify webhook has no X-Shopify-Triggered-At", code="bad_timestamp")
    sent = parse_time_or_none(triggered_at)
    if sent is None:
        raise PermanentError("Shopify webhook has an unreadable Triggered-At", code="bad_timestamp")
    if (now - sent).total_seconds() > window_seconds:
        raise PermanentError(
            f"Shopify webhook triggered at {triggered_at} is older than {window_seconds}s",
            code="late",
        )


def _payload(body: bytes) -> dict:
    try:
        payload = json.loads(body)
    except ValueError:
        raise PermanentError("Shopify webhook body is not JSON", code="bad_payload") from None
    if not isinstance(payload, dict):
        raise PermanentError("Shopify webhook body is not a JSON object", code="bad_payload")
    return payload
