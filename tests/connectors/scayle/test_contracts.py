"""Cited SCAYLE examples (tests/contracts/scayle/): the connector produces and parses them,
the sandbox accepts and answers them. Each file names its source in ``_source``.

"Equal in structure" is checked on key paths (``items[].price.withTax``): whatever the
connector sends, and whatever the sandbox answers, must be a field of SCAYLE's Order model as
the official SDK's fixtures show it (billing and shipping are the same CustomerAddress model,
``legacyCustomData`` is free-form), plus the few model fields the PHP SDK declares that no
fixture happens to fill (``MODEL_ONLY``).
"""

from __future__ import annotations

import base64
import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
import requests
import responses

from connectors.base import PermanentError
from connectors.scayle import mapping
from connectors.scayle.sandbox import models as m
from connectors.scayle.sandbox import services, webhooks
from tests.connectors.scayle.helpers import ORDERS, make_connector, order_request, scayle_errors

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "scayle"
API = "/sandbox/scayle/api/admin/v1"
SHOP_ORDERS = f"{API}/shops/{services.DEFAULT_SHOP}/countries/{services.DEFAULT_COUNTRY}/orders"
AUTH = {"X-Access-Token": services.DEFAULT_TOKEN}
FREE_FORM = ("legacyCustomData", "items[].legacyCustomData")
# scayle/admin-api-php-sdk 063fe1419c60 lib/Models: CustomerAddress.php (additional, phone),
# OrderPackageTracking.php (url), OrderPackage.php (returnIdentCode), OrderItemProduct.php (name).
MODEL_ONLY = {
    "address.*.additional",
    "address.*.phone",
    "packages[].tracking.url",
    "packages[].returnIdentCode",
    "items[].product.name",
}


def example(name: str):
    return copy.deepcopy(json.loads((CONTRACTS / name).read_text())["value"])


def paths(value: object, prefix: str = "") -> set[str]:
    """Every key path in ``value``; list members merge under ``[]``."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            path = path.replace("address.billing", "address.*").replace(
                "address.shipping", "address.*"
            )
            found.add(path)
            if path not in FREE_FORM:
                found |= paths(child, path)
    elif isinstance(value, list):
        for child in value:
            found |= paths(child, prefix + "[]")
    return found


def order_model() -> set[str]:
    documented = paths(example("order_create_request.json"))
    return documented | paths(example("order_create_response.json")) | MODEL_ONLY


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize("path", sorted(CONTRACTS.glob("*.json")), ids=lambda p: p.name)
def test_every_example_cites_where_it_comes_from(path):
    source = json.loads(path.read_text())["_source"]
    assert source.startswith(("scayle/admin-api-java-sdk ", "https://scayle.dev/"))


# --- the connector produces the documented requests and parses the documented answers ---------


def _created(reference: str | None = "JL-1001") -> dict:
    answer = example("order_create_response.json")
    answer["referenceKey"] = reference
    return answer


@responses.activate
def test_connector_sends_the_sdk_order_model():
    missing = scayle_errors("ORDER_NOT_FOUND", "not found")
    responses.get(f"{ORDERS}/key=JL-1001", status=404, json=missing)
    responses.post(ORDERS, status=201, json=_created())
    ref = make_connector().order_create(order_request(qty=2))
    body = json.loads(responses.calls[1].request.body)
    assert paths(body) - order_model() == set()
    assert body["channel"] == {"key": "marketplace_john_lewis"}
    assert "channelKey" not in body and body["legacyCustomData"]["marketplaceOrderId"]
    assert [item["price"]["withTax"] for item in body["items"]] == [1200, 1200]
    assert body["items"][0]["price"] == {
        "withTax": 1200,
        "withoutTax": 1000,
        "tax": {"vat": {"amount": 200}},
    }
    assert (ref.source_order_id, ref.source_order_number) == ("901", "666")


@responses.activate
def test_connector_sets_the_reference_key_with_the_documented_body():
    responses.get(f"{ORDERS}/key=JL-1001", status=404, json=scayle_errors("ORDER_NOT_FOUND", "x"))
    responses.post(ORDERS, status=201, json=_created(reference=None))
    responses.put(f"{ORDERS}/901/reference-key", json=_created())
    make_connector().order_create(order_request())
    sent = json.loads(responses.calls[2].request.body)
    assert set(sent) == set(example("order_reference_key_request.json")) == {"referenceKey"}


def test_connector_reads_the_documented_order():
    order = example("order_create_response.json")
    [shipment] = mapping.shipments_from(order)
    assert (shipment.shipment_id, shipment.tracking_number) == ("901:45", "shpmnt-61-1")
    assert shipment.carrier_service == "deliveryCosts"
    assert [(line.sku, line.quantity) for line in shipment.lines] == [("563843898", 1)]


def test_connector_refunds_what_the_customer_paid_per_documented_item():
    order = example("order_create_response.json")
    order["items"][0]["status"] = "returned"  # documented status value (OrderItem.status)
    [refund] = mapping.refunds_from(order)
    assert refund.amount == Decimal("11.90")  # withTax; overrideWithTax is 0 in this answer


@responses.activate
def test_connector_pages_the_documented_order_list():
    responses.get(ORDERS, json=example("order_list_response.json"))
    page = make_connector().shipments_read()
    assert page.has_more
    assert {s.source_order_id for s in page.items} <= {"123", "124"}


def _event_body() -> bytes:
    return json.dumps(example("webhook_stock_updated_event.json")).encode()


def test_connector_accepts_basic_auth_from_the_documented_subscription_url():
    url = example("webhook_subscription_create_request.json")["url"]
    sent = requests.Request("POST", url, data=_event_body()).prepare()  # what a client sends
    connector = make_connector(webhook_username="foo")
    connector.credentials = {**connector.credentials, "webhook_secret": "bar"}
    event = connector.webhook_parse(dict(sent.headers), sent.body)
    assert (event.topic, event.event_id) == (
        "product-variant-stock-updated",
        "5b0f7a3e-0c55-4b4e-9d2a-1f2a3b4c5d6e",
    )
    with pytest.raises(PermanentError, match="credentials are wrong"):
        connector.webhook_parse({"Authorization": basic("foo", "nope")}, _event_body())


def test_connector_accepts_the_documented_producer_auth_and_custom_header():
    subscription = example("webhook_producer_subscription_create_request.json")
    user, password = subscription["auth"]["username"], subscription["auth"]["password"]
    connector = make_connector(webhook_username=user)
    connector.credentials = {**connector.credentials, "webhook_secret": password}
    assert connector.webhook_parse({"Authorization": basic(user, password)}, _event_body())
    [(header, value)] = subscription["customHeaders"].items()
    by_header = make_connector(webhook_auth="header", webhook_header=header)
    by_header.credentials = {**by_header.credentials, "webhook_secret": value}
    assert by_header.webhook_parse({header: value}, _event_body())


# --- the sandbox accepts the documented requests and answers in the documented shape ----------


@pytest.fixture
def seeded(db):
    services.catalogue_seed(products=1)
    return m.Variant.objects.order_by("id").first()


def _documented_order(sku: str) -> dict:
    """The SDK's create body, with a variant the sandbox sells and the channel the external
    order needs (``channel.key`` of the same model, as in the SDK's create answer)."""
    body = example("order_create_request.json")
    body["items"][0]["variant"]["referenceKey"] = sku
    body["channel"] = {"key": services.DEFAULT_CHANNEL}
    return body


def test_sandbox_accepts_the_documented_create_and_answers_the_order_model(client, seeded):
    answer = client.post(
        SHOP_ORDERS, _documented_order(seeded.reference_key), "application/json", headers=AUTH
    )
    assert answer.status_code == 201, answer.content
    order = answer.json()
    assert paths(order) - order_model() == set()
    assert order["channel"]["key"] == services.DEFAULT_CHANNEL
    assert order["items"][0]["price"]["withTax"] == 1190
    assert order["legacyCustomData"] == {"key": "value"}


def test_sandbox_refuses_a_top_level_channel_key(client, seeded):
    body = _documented_order(seeded.reference_key)
    body["channelKey"] = body.pop("channel")["key"]
    answer = client.post(SHOP_ORDERS, body, "application/json", headers=AUTH)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["errorKey"] == "CHANNEL_NOT_FOUND"


def test_sandbox_sets_the_reference_key_from_the_documented_body(client, seeded):
    created = client.post(
        SHOP_ORDERS, _documented_order(seeded.reference_key), "application/json", headers=AUTH
    ).json()
    body = example("order_reference_key_request.json")
    path = f"{SHOP_ORDERS}/{created['id']}/reference-key"
    answer = client.put(path, body, "application/json", headers=AUTH)
    assert answer.status_code == 200
    assert answer.json()["referenceKey"] == body["referenceKey"]


def test_sandbox_lists_orders_in_the_documented_shape(client, seeded):
    client.post(
        SHOP_ORDERS, _documented_order(seeded.reference_key), "application/json", headers=AUTH
    )
    listing = client.get(SHOP_ORDERS, {"limit": 1}, headers=AUTH).json()
    documented = example("order_list_response.json")
    assert set(listing) == set(documented) and set(listing["cursor"]) == set(documented["cursor"])
    assert listing["entities"]
    assert set().union(*(paths(order) for order in listing["entities"])) <= order_model()


@responses.activate
def test_sandbox_delivers_with_the_documented_url_credentials_and_event_shape(seeded):
    url = example("webhook_subscription_create_request.json")["url"]
    responses.post("https://foobar.tld/notifiy", json={})
    webhooks.webhook_configure(url=url)
    services.stock_set(sku=seeded.reference_key, quantity=3)
    sent = responses.calls[0].request
    assert (
        sent.headers["Authorization"]
        == requests.Request("POST", url).prepare().headers["Authorization"]
    )
    assert paths(json.loads(sent.body)) <= paths(example("webhook_stock_updated_event.json"))
