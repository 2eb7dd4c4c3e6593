"""Webhook verification: HMAC of the raw body, replay window, topics."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

import pytest

from connectors.base import ConfigError, PermanentError, WebhookEvent
from connectors.shopify import ShopifyConnector

from .helpers import SECRET, make_connector

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
BODY = json.dumps({"inventory_item_id": 11, "location_id": 101, "available": 4}).encode()


def signed(body: bytes = BODY, *, secret: str = SECRET, **overrides) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    headers = {
        "X-Shopify-Topic": "inventory_levels/update",
        "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
        "X-Shopify-Shop-Domain": "acme.myshopify.com",
        "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        "X-Shopify-Triggered-At": "2026-11-20T11:30:00.123456Z",
    }
    headers.update(overrides)
    return {k: v for k, v in headers.items() if v is not None}


@pytest.fixture
def connector() -> ShopifyConnector:
    connector = make_connector()
    connector._now = lambda: NOW
    return connector


def test_valid_signature_gives_the_event(connector):
    event = connector.webhook_parse(signed(), BODY)

    assert event == WebhookEvent(
        topic="inventory_levels/update",
        event_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        payload={"inventory_item_id": 11, "location_id": 101, "available": 4},
    )


def test_headers_are_matched_case_insensitively(connector):
    headers = {k.lower(): v for k, v in signed().items()}

    assert connector.webhook_parse(headers, BODY).topic == "inventory_levels/update"


def test_wrong_secret_is_a_bad_signature(connector):
    with pytest.raises(PermanentError) as caught:
        connector.webhook_parse(signed(secret="another-secret"), BODY)

    assert caught.value.code == "bad_signature"


def test_body_changed_after_signing_is_a_bad_signature(connector):
    tampered = BODY.replace(b'"available": 4', b'"available": 400')

    with pytest.raises(PermanentError) as caught:
        connector.webhook_parse(signed(), tampered)

    assert caught.value.code == "bad_signature"


def test_missing_signature_is_a_bad_signature(connector):
    with pytest.raises(PermanentError) as caught:
        connector.webhook_parse(signed(**{"X-Shopify-Hmac-Sha256": None}), BODY)

    assert caught.value.code == "bad_signature"


def test_a_signed_delivery_older_than_the_window_is_late_not_forged(connector):
    """Shopify retries for 4 hours: a late retry is ``late`` (answered 200, ignored)."""
    headers = signed(**{"X-Shopify-Triggered-At": "2026-11-20T10:59:59Z"})  # 1 h 1 s ago

    with pytest.raises(PermanentError) as caught:
        connector.webhook_parse(headers, BODY)

    assert caught.value.code == "late"


def test_a_late_delivery_with_a_bad_signature_is_still_a_bad_signature(connector):
    headers = signed(secret="forger", **{"X-Shopify-Triggered-At": "2026-11-20T08:00:00Z"})

    with pytest.raises(PermanentError) as caught:
        connector.webhook_parse(headers, BODY)

    assert caught.value.code == "bad_signature"


def test_without_a_webhook_id_the_event_id_dedupes_within_the_topic(connector):
    headers = signed(**{"X-Shopify-Webhook-Id": None, "X-Shopify-Event-Id": "ev-9"})

    assert connector.webhook_parse(headers, BODY).event_id == "inventory_levels/update:ev-9"


def test_replay_window_is_an_option():
    connector = make_connector(webhook_replay_window_seconds=7200)
    connector._now = lambda: NOW
    headers = signed(**{"X-Shopify-Triggered-At": "2026-11-20T10:59:59Z"})

    assert connector.webhook_parse(headers, BODY).event_id


def test_unhandled_topic_is_refused(connector):
    with pytest.raises(PermanentError) as caught:
        connector.webhook_parse(signed(**{"X-Shopify-Topic": "orders/create"}), BODY)

    assert caught.value.code == "unknown_topic"


@pytest.mark.parametrize("topic", ["fulfillments/create", "fulfillments/update", "refunds/create"])
def test_dispatch_and_refund_topics_are_accepted(connector, topic):
    assert connector.webhook_parse(signed(**{"X-Shopify-Topic": topic}), BODY).topic == topic


def test_signed_body_that_is_not_json_is_refused(connector):
    body = b"not json"

    with pytest.raises(PermanentError) as caught:
        connector.webhook_parse(signed(body), body)

    assert caught.value.code == "bad_payload"


def test_missing_webhook_secret_is_a_config_error():
    connector = ShopifyConnector(base_url="acme", credentials={"access_token": "t"})

    with pytest.raises(ConfigError, match="webhook_secret"):
        connector.webhook_parse(signed(), BODY)
