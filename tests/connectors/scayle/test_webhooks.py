"""webhook_parse: HMAC-SHA256 of the raw body in X-Signature (contract Q10), replay window."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest

from connectors.base import ConfigError, PermanentError
from connectors.scayle import ScayleConnector
from tests.connectors.scayle.helpers import BASE, TOKEN, WEBHOOK_SECRET, FakeClock

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def envelope(occurred_at: str = "2026-11-22T11:59:00+00:00", **extra) -> bytes:
    body = {
        "key": "6f1c5a8e-0000-4000-8000-000000000001",
        "meta": {"tenantKey": "acme", "xRequestId": "r-1"},
        "occurredAt": occurred_at,
        "type": "product-variant-stock-updated",
        "version": 2,
        "payload": {"productVariant": {"id": 7, "referenceKey": "SC-0001-M"}, "quantity": 4},
        **extra,
    }
    return json.dumps(body).encode()


def sign(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def connector(now: dt.datetime = NOW, secret: str | None = WEBHOOK_SECRET) -> ScayleConnector:
    credentials = {"access_token": TOKEN}
    if secret is not None:
        credentials["webhook_secret"] = secret
    clock = FakeClock()
    return ScayleConnector(
        base_url=BASE, credentials=credentials, shop_key="jl", sleep=clock.sleep, now=lambda: now
    )


def test_a_valid_signature_yields_the_event():
    body = envelope()
    event = connector().webhook_parse({"X-Signature": sign(body)}, body)
    assert event.topic == "product-variant-stock-updated"
    assert event.event_id == "6f1c5a8e-0000-4000-8000-000000000001"
    assert event.payload["payload"] == {
        "productVariant": {"id": 7, "referenceKey": "SC-0001-M"}, "quantity": 4,
    }  # fmt: skip


def test_header_names_are_case_insensitive_and_hex_case_too():
    body = envelope()
    event = connector().webhook_parse({"x-signature": sign(body).upper()}, body)
    assert event.event_id.startswith("6f1c5a8e")


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "SCAYLE webhook has no signature"),
        ({"X-Signature": ""}, "SCAYLE webhook has no signature"),
        ({"X-Signature": "0" * 64}, "SCAYLE webhook signature is wrong"),
    ],
)
def test_missing_or_wrong_signatures_are_refused(headers, message):
    with pytest.raises(PermanentError) as caught:
        connector().webhook_parse(headers, envelope())
    assert str(caught.value) == message
    assert caught.value.code == "bad_signature"


def test_a_body_changed_after_signing_is_refused():
    body = envelope()
    signature = sign(body)
    tampered = body.replace(b'"quantity": 4', b'"quantity": 400')
    with pytest.raises(PermanentError, match="signature is wrong"):
        connector().webhook_parse({"X-Signature": signature}, tampered)


def test_a_signature_made_with_another_secret_is_refused():
    body = envelope()
    with pytest.raises(PermanentError, match="signature is wrong"):
        connector().webhook_parse({"X-Signature": sign(body, "other-secret")}, body)


def test_a_replay_inside_the_window_has_the_same_dedupe_id():
    body = envelope()
    first = connector().webhook_parse({"X-Signature": sign(body)}, body)
    later = connector(now=NOW + dt.timedelta(hours=30))
    again = later.webhook_parse({"X-Signature": sign(body)}, body)
    assert again.event_id == first.event_id


def test_a_replay_older_than_the_window_is_refused():
    body = envelope()
    late = connector(now=NOW + dt.timedelta(hours=73))
    with pytest.raises(PermanentError) as caught:
        late.webhook_parse({"X-Signature": sign(body)}, body)
    assert caught.value.code == "stale"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "bad_payload"),
        (b"[1, 2]", "bad_payload"),
        (envelope(type="customer-created"), "unknown_topic"),
        (envelope(key=""), "no_event_id"),
        (envelope(occurredAt="yesterday"), "stale"),
    ],
)
def test_bad_envelopes_are_refused(body, code):
    with pytest.raises(PermanentError) as caught:
        connector().webhook_parse({"X-Signature": sign(body)}, body)
    assert caught.value.code == code


def test_without_a_webhook_secret_nothing_is_accepted():
    body = envelope()
    with pytest.raises(ConfigError, match="'webhook_secret' is missing"):
        connector(secret=None).webhook_parse({"X-Signature": sign(body)}, body)


def test_the_secret_never_appears_in_refusals():
    body = envelope()
    with pytest.raises(PermanentError) as caught:
        connector().webhook_parse({"X-Signature": sign(body, "x")}, body)
    assert WEBHOOK_SECRET not in repr(caught.value.__dict__) + str(caught.value)
