"""webhook_parse: SCAYLE authenticates deliveries (Basic auth, or a custom header), it does not
sign them (contract Q10). ``key`` is the dedupe id."""

from __future__ import annotations

import base64
import json

import pytest

from connectors.base import ConfigError, PermanentError
from connectors.scayle import ScayleConnector
from tests.connectors.scayle.helpers import BASE, TOKEN, WEBHOOK_SECRET, FakeClock


def envelope(**extra) -> bytes:
    body = {
        "key": "6f1c5a8e-0000-4000-8000-000000000001",
        "meta": {"tenantKey": "acme"},
        "occurredAt": "2026-11-22T11:59:00+00:00",
        "type": "product-variant-stock-updated",
        "version": 2,
        "payload": {"productVariant": {"id": 7, "referenceKey": "SC-0001-M"}, "quantity": 4},
        **extra,
    }
    return json.dumps(body).encode()


def basic(user: str = "scayle", password: str = WEBHOOK_SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def connector(secret: str | None = WEBHOOK_SECRET, **options: str) -> ScayleConnector:
    credentials = {"access_token": TOKEN}
    if secret is not None:
        credentials["webhook_secret"] = secret
    clock = FakeClock()
    return ScayleConnector(
        base_url=BASE, credentials=credentials, shop_key="jl", sleep=clock.sleep, **options
    )


def test_basic_auth_yields_the_event():
    event = connector().webhook_parse(basic(), envelope())
    assert event.topic == "product-variant-stock-updated"
    assert event.event_id == "6f1c5a8e-0000-4000-8000-000000000001"
    assert event.payload["payload"] == {
        "productVariant": {"id": 7, "referenceKey": "SC-0001-M"}, "quantity": 4,
    }  # fmt: skip


def test_the_basic_auth_user_is_a_setting_and_header_names_are_case_insensitive():
    headers = {"authorization": basic("jl-hub")["Authorization"]}
    assert connector(webhook_username="jl-hub").webhook_parse(headers, envelope())
    with pytest.raises(PermanentError, match="credentials are wrong"):
        connector().webhook_parse(headers, envelope())


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "SCAYLE webhook has no credentials"),
        ({"Authorization": "Bearer abc"}, "SCAYLE webhook has no credentials"),
        ({"Authorization": "Basic !!not-base64"}, "SCAYLE webhook has no credentials"),
        (basic(password="wrong"), "SCAYLE webhook credentials are wrong"),
        ({"X-Signature": "0" * 64}, "SCAYLE webhook has no credentials"),
    ],
)
def test_missing_or_wrong_credentials_are_refused(headers, message):
    with pytest.raises(PermanentError, match=message) as caught:
        connector().webhook_parse(headers, envelope())
    assert caught.value.code == "bad_signature"


def test_header_mode_compares_the_custom_header_with_the_secret():
    hook = connector(webhook_auth="header", webhook_header="X-Integration-Id")
    assert hook.webhook_parse({"x-integration-id": WEBHOOK_SECRET}, envelope())
    with pytest.raises(PermanentError, match="no credentials"):
        hook.webhook_parse(basic(), envelope())
    with pytest.raises(PermanentError, match="credentials are wrong"):
        hook.webhook_parse({"X-Integration-Id": "other"}, envelope())


def test_an_unknown_auth_mode_is_a_configuration_error():
    with pytest.raises(ConfigError, match="'webhook_auth' must be one of: basic, header"):
        connector(webhook_auth="hmac").webhook_parse(basic(), envelope())


def test_a_redelivery_has_the_same_dedupe_id():
    first = connector().webhook_parse(basic(), envelope())
    again = connector().webhook_parse(basic(), envelope())
    assert again.event_id == first.event_id


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "bad_payload"),
        (b"[1, 2]", "bad_payload"),
        (envelope(type="customer-created"), "unknown_topic"),
        (envelope(key=""), "no_event_id"),
    ],
)
def test_bad_envelopes_are_refused(body, code):
    with pytest.raises(PermanentError) as caught:
        connector().webhook_parse(basic(), body)
    assert caught.value.code == code


def test_without_a_webhook_secret_nothing_is_accepted():
    with pytest.raises(ConfigError, match="'webhook_secret' is missing"):
        connector(secret=None).webhook_parse(basic(), envelope())
