"""Fulfil webhook verification: HMAC-SHA256 keyed with the base64-decoded secret."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

import pytest

from connectors.base import ConfigError, PermanentError
from tests.connectors.fulfil.conftest import make

RAW_SECRET = b"\x00\x01binary-secret-bytes\xff"
SECRET = base64.b64encode(RAW_SECRET).decode()
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
BODY = json.dumps({"topic": "stock.shipment.out.done", "data": {"id": 40}}).encode()


def signed(body: bytes = BODY, **extra) -> dict:
    digest = hmac.new(RAW_SECRET, body, hashlib.sha256).digest()
    headers = {
        "X-Fulfil-Hmac-SHA256": base64.b64encode(digest).decode(),
        "X-Fulfil-Topic": "stock.shipment.out.done",
        "X-Fulfil-Webhook-Id": "evt-1",
        "X-Fulfil-Timestamp": str(int(NOW.timestamp()) - 30),
    }
    return {**headers, **extra}


def connector(secret: str = SECRET):
    return make(secret=secret, clock=lambda: NOW)


def test_a_valid_signature_parses_the_event():
    event = connector().webhook_parse(signed(), BODY)
    assert (event.topic, event.event_id) == ("stock.shipment.out.done", "evt-1")
    assert event.payload == {"topic": "stock.shipment.out.done", "data": {"id": 40}}


def test_header_names_are_case_insensitive():
    headers = {k.lower(): v for k, v in signed().items()}
    assert connector().webhook_parse(headers, BODY).event_id == "evt-1"


def test_the_key_is_the_decoded_secret_not_the_base64_text():
    digest = hmac.new(SECRET.encode(), BODY, hashlib.sha256).digest()
    headers = signed(**{"X-Fulfil-Hmac-SHA256": base64.b64encode(digest).decode()})
    with pytest.raises(PermanentError, match="signature"):
        connector().webhook_parse(headers, BODY)


def test_a_tampered_body_is_refused():
    with pytest.raises(PermanentError) as caught:
        connector().webhook_parse(signed(), BODY.replace(b"40", b"41"))
    assert caught.value.code == "bad_signature"


def test_a_missing_signature_is_refused():
    headers = signed()
    del headers["X-Fulfil-Hmac-SHA256"]
    with pytest.raises(PermanentError, match="missing or wrong"):
        connector().webhook_parse(headers, BODY)


def test_a_replay_outside_the_window_is_refused():
    old = str(int(NOW.timestamp()) - 301)
    with pytest.raises(PermanentError, match="replay window") as caught:
        connector().webhook_parse(signed(**{"X-Fulfil-Timestamp": old}), BODY)
    assert caught.value.code == "stale"


def test_without_a_timestamp_the_event_id_falls_back_to_the_body_hash():
    headers = signed()
    del headers["X-Fulfil-Timestamp"], headers["X-Fulfil-Webhook-Id"]
    event = connector().webhook_parse(headers, BODY)
    assert event.event_id == hashlib.sha256(BODY).hexdigest()


def test_topic_falls_back_to_the_body():
    headers = signed()
    del headers["X-Fulfil-Topic"]
    assert connector().webhook_parse(headers, BODY).topic == "stock.shipment.out.done"


def test_a_body_that_is_not_json_is_refused_after_the_signature():
    body = b"not json"
    with pytest.raises(PermanentError, match="not JSON"):
        connector().webhook_parse(signed(body), body)


def test_secret_must_be_configured_and_base64():
    with pytest.raises(ConfigError, match="webhook_secret"):
        connector(secret="").webhook_parse(signed(), BODY)
    with pytest.raises(ConfigError, match="base64"):
        connector(secret="not*base64!").webhook_parse(signed(), BODY)
