"""Verify and parse SCAYLE Admin webhooks (v2).

The envelope is ``{key, meta: {tenantKey, xRequestId}, occurredAt, type, version, payload}``.
How SCAYLE signs deliveries is not public: the scheme lives in :mod:`contract` (Q10). The
signature covers the body, so ``occurredAt`` (inside it) bounds how old a replay may be, and
``key`` is the id the hub dedupes on, which makes a replay inside the window harmless.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from collections.abc import Mapping

from connectors.base import PermanentError, WebhookEvent
from connectors.scayle import contract
from connectors.scayle.cursors import parse_time_or_none


def webhook_verify(
    *,
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: dt.datetime,
    replay_window_seconds: int = contract.WEBHOOK_REPLAY_WINDOW_SECONDS,
) -> WebhookEvent:
    """Check the signature and age of one delivery and return the parsed event."""
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    given = lowered.get(contract.SIGNATURE_HEADER, "").strip().lower()
    expected = contract.webhook_signature(secret, body)
    if not given:
        raise PermanentError("SCAYLE webhook has no signature", code="bad_signature")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise PermanentError("SCAYLE webhook signature is wrong", code="bad_signature")
    envelope = _envelope(body)
    _refuse_stale(envelope.get("occurredAt"), now, replay_window_seconds)
    topic = str(envelope.get("type") or "")
    if topic not in contract.WEBHOOK_TOPICS:
        raise PermanentError(f"SCAYLE webhook type {topic!r} is not handled", code="unknown_topic")
    event_id = str(envelope.get("key") or "")
    if not event_id:
        raise PermanentError("SCAYLE webhook has no key", code="no_event_id")
    return WebhookEvent(topic=topic, event_id=event_id, payload=envelope)


def _envelope(body: bytes) -> dict:
    try:
        envelope = json.loads(body)
    except ValueError:
        raise PermanentError("SCAYLE webhook body is not JSON", code="bad_payload") from None
    if not isinstance(envelope, dict):
        raise PermanentError("SCAYLE webhook body is not a JSON object", code="bad_payload")
    return envelope


def _refuse_stale(occurred_at: object, now: dt.datetime, window_seconds: int) -> None:
    sent = parse_time_or_none(occurred_at)
    if sent is None:
        raise PermanentError("SCAYLE webhook has no readable occurredAt", code="stale")
    if (now - sent).total_seconds() > window_seconds:
        raise PermanentError(
            f"SCAYLE webhook from {occurred_at} is older than {window_seconds}s (replay?)",
            code="stale",
        )
