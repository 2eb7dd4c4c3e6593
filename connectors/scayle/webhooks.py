"""Authenticate and parse SCAYLE Admin webhooks (v2).

The envelope is ``{key, occurredAt, meta: {tenantKey}, type, version, payload}`` (scayle.dev,
webhook event pages). SCAYLE does not sign deliveries; it authenticates the call with what the
subscription holds (contract Q10): Basic auth (credentials in the v2 subscription URL, or the
producer subscription's ``auth``) or a custom header. ``key`` is the id the hub dedupes on, so
a redelivery is harmless.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Mapping

from connectors.base import ConfigError, PermanentError, WebhookEvent
from connectors.scayle import contract


def webhook_verify(
    *, mode: str, secret: str, username: str, header: str, headers: Mapping, body: bytes
) -> WebhookEvent:
    """Check the delivery's credentials (``mode`` ``basic`` or ``header``, Q10); parse it."""
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    if mode == "basic":
        given = _basic_credentials(lowered.get("authorization", ""))
        expected = f"{username}:{secret}"
    elif mode == "header":
        given, expected = lowered.get(header.lower(), "").strip(), secret
    else:
        modes = ", ".join(sorted(contract.WEBHOOK_AUTH_MODES))
        raise ConfigError(f"the scayle option 'webhook_auth' must be one of: {modes}")
    if not given:
        raise PermanentError("SCAYLE webhook has no credentials", code="bad_signature")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise PermanentError("SCAYLE webhook credentials are wrong", code="bad_signature")
    envelope = _envelope(body)
    topic = str(envelope.get("type") or "")
    if topic not in contract.WEBHOOK_TOPICS:
        raise PermanentError(f"SCAYLE webhook type {topic!r} is not handled", code="unknown_topic")
    event_id = str(envelope.get("key") or "")
    if not event_id:
        raise PermanentError("SCAYLE webhook has no key", code="no_event_id")
    return WebhookEvent(topic=topic, event_id=event_id, payload=envelope)


def _basic_credentials(authorization: str) -> str:
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return ""
    try:
        return base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ""


def _envelope(body: bytes) -> dict:
    try:
        envelope = json.loads(body)
    except ValueError:
        raise PermanentError("SCAYLE webhook body is not JSON", code="bad_payload") from None
    if not isinstance(envelope, dict):
        raise PermanentError("SCAYLE webhook body is not a JSON object", code="bad_payload")
    return envelope
