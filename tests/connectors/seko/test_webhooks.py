"""SEKO pushes: HMAC over the raw body in X-Seko-Signature, records deduped by their ids."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from connectors.base import WEBHOOK_QUERY_HEADER, ConfigError, PermanentError
from connectors.seko import SekoConnector
from tests.connectors.seko.support import BASE, KEY, PUSH_SECRET, connector


def tracking(record_id: str = "a99645dc-5b45-4917-890c-4b02c68ac342", **fields) -> dict:
    return {
        "IntegrationId": "JLHUB",
        "MessageGroupId": "",
        "MessagePart": 1,
        "MessageTotal": 1,
        "SequenceNumber": 41,
        "InterfaceRecordId": record_id,
        "SalesOrderNumber": "JL-JL-1001",
        "SalesOrderReference": "JL-1001",
        "DispatchNumber": "000007",
        "Courier": "Royal Mail",
        "TrackingNumber": "RM123456789GB",
        "TrackingUrl": "https://track.example/RM123456789GB",
        **fields,
    }


def envelope(*responses: dict) -> bytes:
    return json.dumps({"Responses": [{"Response": r} for r in responses]}).encode()


def signed(body: bytes, secret: str = PUSH_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Seko-Signature": digest, "Content-Type": "application/json"}


def test_valid_tracking_push_is_one_event_keyed_by_kind_record_id_and_sequence():
    body = envelope({"TrackingDetails": tracking()})
    event = connector().webhook_parse(signed(body), body)
    assert event.topic == "seko/tracking_details"
    assert event.event_id == "TrackingDetails:a99645dc-5b45-4917-890c-4b02c68ac342:41"
    (record,) = event.payload["records"]
    assert record["event_id"] == event.event_id
    assert record["record"]["TrackingNumber"] == "RM123456789GB"
    (shipment,) = connector().shipments_from_push(event)
    assert (shipment.carrier_name, shipment.tracking_number, shipment.external_reference) == (
        "Royal Mail",
        "RM123456789GB",
        "JL-1001",
    )


def test_dispatch_confirmation_carries_service_date_and_lines():
    record = tracking(
        CourierService="Tracked 48",
        DispatchDate="2026-11-22T09:00:00Z",
        List={"DispatchLineItem": {"LineNumber": 1, "ProductCode": "SK-1", "Quantity": 2}},
    )
    body = envelope({"DispatchConfirmation": record})
    event = connector().webhook_parse(signed(body), body)
    assert event.topic == "seko/dispatch_confirmation"
    (shipment,) = connector().shipments_from_push(event)
    assert shipment.carrier_service == "Tracked 48"
    assert shipment.shipped_at.isoformat() == "2026-11-22T09:00:00+00:00"
    assert [(line.sku, line.quantity) for line in shipment.lines] == [("SK-1", 2)]


def test_a_batch_lists_every_record_with_its_own_id():
    body = envelope(
        {"TrackingDetails": [tracking("id-1"), tracking("id-2")]},
        {"TrackingDetails": tracking("", SequenceNumber=99)},
    )
    seko = connector()
    events = seko.webhook_events_parse(signed(body), body)
    ids = ["TrackingDetails:id-1:41", "TrackingDetails:id-2:41", "TrackingDetails:99"]
    assert [e.event_id for e in events] == ids
    event = seko.webhook_parse(signed(body), body)
    assert event.topic == "seko/tracking_details"
    assert event.event_id.startswith("batch-") and len(event.event_id) == 38
    assert [r["event_id"] for r in event.payload["records"]] == ids


def test_both_pushes_of_one_order_are_two_events_though_they_share_the_order_guid():
    """InterfaceRecordId is the loaded record's GUID: the order's, which the hub supplies."""
    seko = connector()
    guid = seko.order_guid("JL-1001")
    tracked = envelope({"TrackingDetails": tracking(guid, SequenceNumber=7)})
    confirmed = envelope({"DispatchConfirmation": tracking(guid, SequenceNumber=3)})
    later = envelope({"TrackingDetails": tracking(guid, SequenceNumber=8)})
    ids = [seko.webhook_parse(signed(body), body).event_id for body in (tracked, confirmed, later)]
    assert len(set(ids)) == 3
    shipments = seko.shipments_from_push(seko.webhook_parse(signed(tracked), tracked))
    assert [s.source_order_id for s in shipments] == [guid]


def test_a_replayed_push_has_the_same_event_ids_so_the_hub_dedupes_it():
    body = envelope({"TrackingDetails": [tracking("id-1"), tracking("id-2")]})
    first = connector().webhook_parse(signed(body), body)
    again = connector().webhook_parse(signed(body), body)
    assert again.event_id == first.event_id
    assert again.payload == first.payload


def test_invalid_signature_is_refused():
    body = envelope({"TrackingDetails": tracking()})
    with pytest.raises(PermanentError) as caught:
        connector().webhook_parse(signed(body, "another-secret"), body)
    assert caught.value.code == "bad_signature"


def test_tampered_body_is_refused():
    body = envelope({"TrackingDetails": tracking()})
    tampered = body.replace(b"RM123456789GB", b"RM000000000GB")
    with pytest.raises(PermanentError, match="signature is missing or wrong"):
        connector().webhook_parse(signed(body), tampered)


def test_missing_signature_is_refused():
    body = envelope({"TrackingDetails": tracking()})
    with pytest.raises(PermanentError) as caught:
        connector().webhook_parse({"Content-Type": "application/json"}, body)
    assert caught.value.code == "bad_signature"


def test_header_name_is_case_insensitive_and_hex_case_too():
    body = envelope({"TrackingDetails": tracking()})
    headers = {"x-seko-signature": signed(body)["X-Seko-Signature"].upper()}
    assert connector().webhook_parse(headers, body).event_id


def test_without_a_push_secret_pushes_cannot_be_verified():
    seko = SekoConnector(base_url=BASE, credentials={"api_key": KEY}, dc_code="DC01")
    body = envelope({"TrackingDetails": tracking()})
    with pytest.raises(ConfigError, match="push_secret"):
        seko.webhook_parse(signed(body), body)


def test_a_push_for_another_integration_is_refused():
    body = envelope({"TrackingDetails": tracking(IntegrationId="OTHER")})
    with pytest.raises(PermanentError) as caught:
        connector(integration_id="JLHUB").webhook_parse(signed(body), body)
    assert caught.value.code == "wrong_integration"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "bad_payload"),
        (b'{"Response": {}}', "bad_payload"),
        (json.dumps({"Responses": [{"Response": {"GRN": {}}}]}).encode(), "unknown_topic"),
        (
            json.dumps(
                {"Responses": [{"Response": {"TrackingDetails": {"SalesOrderNumber": "X"}}}]}
            ).encode(),
            "no_event_id",
        ),
    ],
)
def test_signed_but_unusable_bodies_are_permanent(body, code):
    with pytest.raises(PermanentError) as caught:
        connector().webhook_parse(signed(body), body)
    assert caught.value.code == code


# --- push authentication is what was agreed with SEKO (it documents none) ---------------------


def basic(user: str, password: str) -> dict[str, str]:
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.mark.parametrize(
    ("options", "good", "bad"),
    [
        (
            {"push_auth": "header"},
            {"X-Seko-Push-Secret": PUSH_SECRET},
            {"X-Seko-Push-Secret": "guess"},
        ),
        (
            {"push_auth": "header", "push_header": "X-Api-Key"},
            {"x-api-key": PUSH_SECRET},
            {"X-Seko-Push-Secret": PUSH_SECRET},
        ),
        (
            {"push_auth": "basic", "push_username": "seko"},
            basic("seko", PUSH_SECRET),
            basic("other", PUSH_SECRET),
        ),
        (
            {"push_auth": "query"},
            {WEBHOOK_QUERY_HEADER: f"secret={PUSH_SECRET}"},
            {WEBHOOK_QUERY_HEADER: "secret=guess"},
        ),
        (
            {"push_auth": "query", "push_param": "key"},
            {WEBHOOK_QUERY_HEADER: f"x=1&key={PUSH_SECRET}"},
            {WEBHOOK_QUERY_HEADER: f"secret={PUSH_SECRET}"},
        ),
        (
            {"push_auth": "query"},
            {WEBHOOK_QUERY_HEADER: f"secret={PUSH_SECRET}"},
            {WEBHOOK_QUERY_HEADER: f"secret={PUSH_SECRET}&secret=guess"},
        ),
        (
            {"push_auth": "query"},
            {WEBHOOK_QUERY_HEADER: f"secret={PUSH_SECRET}"},
            {"Secret": PUSH_SECRET, "X-Seko-Push-Secret": PUSH_SECRET},
        ),
    ],
    ids=[
        "header",
        "named-header",
        "basic",
        "query",
        "named-query",
        "repeated-query",
        "secret-as-a-header",
    ],
)
def test_push_authentication_is_configurable(options, good, bad):
    body = envelope({"TrackingDetails": tracking()})
    seko = connector(**options)
    assert seko.webhook_parse(good, body).topic == "seko/tracking_details"
    for headers in (bad, {}, signed(body)):
        with pytest.raises(PermanentError) as caught:
            seko.webhook_parse(headers, body)
        assert caught.value.code == "bad_auth"


def test_an_unknown_push_auth_mode_is_a_config_error():
    with pytest.raises(ConfigError, match="push_auth"):
        connector(push_auth="ip-allow-list")


def test_the_query_secret_is_compared_in_constant_time(monkeypatch):
    from connectors.seko import webhooks

    compared = []

    def compare_digest(given, expected):
        compared.append((given, expected))
        return given == expected

    monkeypatch.setattr(webhooks.hmac, "compare_digest", compare_digest)
    body = envelope({"TrackingDetails": tracking()})
    with pytest.raises(PermanentError):
        connector(push_auth="query").webhook_parse({WEBHOOK_QUERY_HEADER: "secret=guess"}, body)
    assert compared == [(b"guess", PUSH_SECRET.encode())]
