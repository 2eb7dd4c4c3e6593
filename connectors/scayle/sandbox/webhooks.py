"""Admin webhooks v2 from the sandbox: stored, signed (contract Q10) and optionally POSTed.

Every event is stored as a :class:`WebhookDelivery` so tests and the demo can fetch it; when
a URL is configured it is also POSTed there at once with ``requests`` (one attempt, recorded;
:func:`webhook_redeliver` sends a stored one again, byte for byte, e.g. to show a replay).
"""

from __future__ import annotations

import json
import logging
import uuid

import requests

from connectors.sandbox.faults import sandbox_now
from connectors.scayle import contract
from connectors.scayle.sandbox import models as m

logger = logging.getLogger(__name__)

TENANT_KEY = "sandbox"
DELIVERY_TIMEOUT = 5.0


def webhook_configure(*, url: str = "", secret: str, active: bool = True) -> m.WebhookConfig:
    """Where webhooks go (empty URL: store only) and the secret they are signed with."""
    config = m.WebhookConfig.objects.order_by("id").first() or m.WebhookConfig()
    config.url, config.secret, config.active = url, secret, active
    config.save()
    return config


def webhook_emit(event_type: str, payload: dict) -> m.WebhookDelivery | None:
    """Store (and send, when a URL is configured) one signed event."""
    config = m.WebhookConfig.objects.order_by("id").first()
    if config is None or not config.active:
        return None
    occurred_at = sandbox_now("scayle")
    key = str(uuid.uuid4())
    envelope = {
        "key": key,
        "meta": {"tenantKey": TENANT_KEY, "xRequestId": uuid.uuid4().hex},
        "occurredAt": occurred_at.isoformat(),
        "type": event_type,
        "version": 2,
        "payload": payload,
    }
    body = json.dumps(envelope, separators=(",", ":"), default=str)
    delivery = m.WebhookDelivery.objects.create(
        key=key,
        event_type=event_type,
        body=body,
        signature=contract.webhook_signature(config.secret, body.encode()),
        occurred_at=occurred_at,
        url=config.url,
    )
    if config.url:
        webhook_deliver(delivery)
    return delivery


def webhook_headers(delivery: m.WebhookDelivery) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Signature": delivery.signature}


def webhook_deliver(delivery: m.WebhookDelivery, url: str = "") -> int | None:
    """POST the stored bytes to ``url`` (default: the configured one); record the answer."""
    target = url or delivery.url
    delivery.attempts += 1
    try:
        response = requests.post(
            target,
            data=delivery.body.encode(),
            headers=webhook_headers(delivery),
            timeout=DELIVERY_TIMEOUT,
        )
        delivery.response_status, delivery.error = response.status_code, ""
    except requests.RequestException as error:
        delivery.response_status, delivery.error = None, type(error).__name__
        logger.warning("scayle sandbox webhook %s not delivered: %s", delivery.key, delivery.error)
    delivery.save(update_fields=["attempts", "response_status", "error"])
    return delivery.response_status


def webhook_redeliver(key: str, url: str = "") -> int | None:
    """Send a stored delivery again, unchanged (a replay)."""
    return webhook_deliver(m.WebhookDelivery.objects.get(key=key), url)
