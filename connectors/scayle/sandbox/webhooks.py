"""Admin webhooks v2 from the sandbox: stored, authenticated and optionally POSTed.

SCAYLE signs nothing; a subscription authenticates its calls with Basic-auth credentials in
its URL (``https://user:pass@host/path``, the Admin API SDK's WebhookSubscriptionCreateRequest
fixture) or, for producer subscriptions, ``auth{username,password}``. The sandbox takes
either form and sends ``Authorization: Basic ...`` with every delivery.

Every event is stored as a :class:`WebhookDelivery` so tests and the demo can fetch it; when
a URL is configured it is also POSTed there at once with ``requests`` (one attempt, recorded;
:func:`webhook_redeliver` sends a stored one again, byte for byte, e.g. to show a replay).
"""

from __future__ import annotations

import json
import logging
import uuid
from urllib.parse import unquote, urlsplit, urlunsplit

from connectors.sandbox.faults import sandbox_now
from connectors.scayle.sandbox import models as m

logger = logging.getLogger(__name__)

TENANT_KEY = "sandbox"
DELIVERY_TIMEOUT = 5.0


def webhook_configure(
    *, url: str = "", username: str = "", password: str = "", active: bool = True
) -> m.WebhookConfig:
    """Where webhooks go (empty URL: store only) and the Basic-auth credentials they carry;
    credentials inside the URL (the v2 subscription form) win over the arguments."""
    parts = urlsplit(url)
    if parts.username is not None:
        username, password = unquote(parts.username), unquote(parts.password or "")
        url = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    config = m.WebhookConfig.objects.order_by("id").first() or m.WebhookConfig()
    config.url, config.username, config.password = url, username, password
    config.active = active
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
        "meta": {"tenantKey": TENANT_KEY},
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
        occurred_at=occurred_at,
        url=config.url,
    )
    if config.url:
        webhook_deliver(delivery)
    return delivery


def webhook_headers(delivery: m.WebhookDelivery | None = None) -> dict[str, str]:
    """The headers a delivery is sent with: JSON and the subscription's Basic auth."""
    return (delivery or m.WebhookDelivery()).signed_headers()


def webhook_deliver(delivery: m.WebhookDelivery, url: str = "") -> int | None:
    """POST the stored bytes to ``url`` (default: the configured one); record the answer."""
    target = url or delivery.url
    delivery.attempts += 1
    if delivery.post(target, timeout=DELIVERY_TIMEOUT) is None:
        logger.warning("scayle sandbox webhook %s not delivered: %s", delivery.key, delivery.error)
    delivery.save(update_fields=["attempts", "response_status", "error"])
    return delivery.response_status


def webhook_redeliver(key: str, url: str = "") -> int | None:
    """Send a stored delivery again, unchanged (a replay)."""
    return webhook_deliver(m.WebhookDelivery.objects.get(key=key), url)
