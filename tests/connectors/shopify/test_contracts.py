"""Both sides against Shopify's published material (tests/contracts/shopify/, each file cited).

Connector: every document it sends is valid in Shopify's 2026-10 schema and uses nothing
Shopify deprecated; its orderCancel and orderCreate requests have the documented structure.
Sandbox: it accepts the documented requests (and valid Shopify GraphQL beyond what the
connector uses), answers in the documented shape, and refuses what Shopify's schema refuses.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import responses
from graphql import OperationDefinitionNode, parse, validate
from graphql.execution.values import get_variable_values
from graphql.validation import NoDeprecatedCustomRule

from connectors.base import SourceCancelRequest, TransientError
from connectors.shopify import graphql as gql
from connectors.shopify import mapping
from connectors.shopify import returns as shopify_returns
from connectors.shopify.sandbox import services
from connectors.shopify.sandbox.admin_schema import admin_schema

from .helpers import ENDPOINT, answer, make_connector, sent
from .test_orders import REQUEST
from .test_sandbox import post

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "shopify"


def contract(name: str) -> dict:
    return json.loads((CONTRACTS / name).read_text())


def connector_documents() -> dict[str, str]:
    """Every GraphQL operation the connector can send, by module constant name."""
    found = {}
    for module in (gql, shopify_returns):
        for name, value in vars(module).items():
            if isinstance(value, str) and value.lstrip().startswith(("query", "mutation")):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_contract_file_cites_its_source():
    files = sorted(CONTRACTS.glob("*.json"))
    assert files
    for path in files:
        assert json.loads(path.read_text())["_source"].startswith("https://"), path.name


# --- the connector ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(connector_documents()))
def test_connector_documents_are_valid_in_shopifys_schema(name):
    document = parse(connector_documents()[name])

    assert [e.message for e in validate(admin_schema(), document)] == []
    assert [e.message for e in validate(admin_schema(), document, [NoDeprecatedCustomRule])] == []


def _operation(query: str) -> OperationDefinitionNode:
    return next(d for d in parse(query).definitions if isinstance(d, OperationDefinitionNode))


def _field_arguments(query: str) -> set[str]:
    field = _operation(query).selection_set.selections[0]
    return {argument.name.value for argument in field.arguments}


def _shape(value):
    """The JSON structure of a value: keys and kinds, not the values themselves."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


@responses.activate
def test_order_cancel_request_has_the_documented_structure():
    documented = contract("order_cancel_request.json")
    responses.post(ENDPOINT, json=answer({"order": {"id": "gid://shopify/Order/9"}}))
    responses.post(
        ENDPOINT,
        json=answer(
            {"orderCancel": {"job": {"id": "j", "done": False}, "orderCancelUserErrors": []}}
        ),
    )
    cancel = SourceCancelRequest(
        reference="C-1",
        external_reference="JL-77",
        source_order_id="gid://shopify/Order/9",
        reason="customer",
    )

    make_connector().order_cancel(cancel)

    ours = sent(responses.calls[1])
    assert _field_arguments(ours["query"]) == _field_arguments(documented["query"])
    assert _shape(ours["variables"]) == _shape(documented["variables"])
    assert ours["variables"]["refundMethod"] == {"originalPaymentMethodsRefund": False}
    assert "refund" not in ours["variables"]


def test_order_create_input_is_accepted_by_shopifys_schema():
    variables = {
        "order": mapping.order_input(
            REQUEST,
            variant_ids={
                "A": "gid://shopify/ProductVariant/1",
                "B": "gid://shopify/ProductVariant/2",
            },
            source_name="jl-marketplace",
            order_tag="JL Marketplace",
        ),
        "options": mapping.order_options("DECREMENT_OBEYING_POLICY"),
    }
    definitions = _operation(gql.ORDER_CREATE).variable_definitions

    coerced = get_variable_values(admin_schema(), definitions, variables)

    assert not isinstance(coerced, list), [e.message for e in coerced]
    documented_line = contract("order_create_request.json")["variables"]["order"]["lineItems"][0]
    ours_line = variables["order"]["lineItems"][0]
    assert _shape(ours_line["priceSet"]) == {"shopMoney": {"amount": "str", "currencyCode": "str"}}
    assert set(_shape(documented_line["priceSet"])["shopMoney"]) == {"amount", "currencyCode"}


@responses.activate
def test_connector_reads_the_published_throttled_answer():
    published = contract("throttled_response.json")["response"]
    responses.post(ENDPOINT, json=published)
    connector = make_connector(max_retries=1)

    with pytest.raises(TransientError) as raised:
        connector.ping()

    assert raised.value.code == "THROTTLED"
    assert raised.value.retry_after == pytest.approx((752 - 666) / 50.0)
    assert len(responses.calls) == 2  # one bounded retry, then the hub's rows retry


def test_version_support_window_matches_the_documented_schedule():
    from connectors.shopify.versions import support_ends

    versioning = contract("api_versioning.json")
    for row in versioning["schedule"]:
        assert support_ends(row["version"]) == dt.date.fromisoformat(row["supported_until"])


# --- the sandbox -----------------------------------------------------------------------------


@pytest.fixture
def shop(db):
    shop = services.shop_setup()
    services.catalogue_seed(shop=shop, count=2, stock=5)
    return shop


def test_sandbox_accepts_the_documented_order_create(client, shop):
    documented = contract("order_create_request.json")

    body = post(client, shop, documented["query"], documented["variables"]).json()

    assert "errors" not in body, body.get("errors")
    created = body["data"]["orderCreate"]
    assert created["userErrors"] == []
    (line,) = created["order"]["lineItems"]["nodes"]
    assert line["title"] == "Big Brown Bear Boots"
    assert line["quantity"] == 3
    assert line["variant"] is None


def test_sandbox_accepts_the_documented_order_cancel(client, shop):
    documented = contract("order_cancel_request.json")

    body = post(client, shop, documented["query"], documented["variables"]).json()

    assert "errors" not in body, body.get("errors")
    assert body["data"]["orderCancel"]["orderCancelUserErrors"][0]["field"] == ["orderId"]


VALID_BEYOND_THE_CONNECTOR = [
    'query { nodes(ids: ["gid://shopify/Order/1"]) { id } }',
    'query { order(id: "gid://shopify/Order/1") { transactions(first: 5) { id kind status } } }',
    'mutation { inventorySetQuantities(input: {name: "available", reason: "correction",'
    ' quantities: [{inventoryItemId: "gid://shopify/InventoryItem/1",'
    ' locationId: "gid://shopify/Location/1", quantity: 3, changeFromQuantity: null}]})'
    " { userErrors { field message } } }",
    "mutation { fulfillmentCreate(fulfillment: {lineItemsByFulfillmentOrder: ["
    '{fulfillmentOrderId: "gid://shopify/FulfillmentOrder/1"}]}) { userErrors { message } } }',
]


@pytest.mark.parametrize("query", VALID_BEYOND_THE_CONNECTOR)
def test_sandbox_judges_by_shopifys_schema_not_the_connectors_habits(client, shop, query):
    body = post(client, shop, query).json()

    messages = [e["message"] for e in body.get("errors", [])]
    assert not any("Cannot query field" in m or "Unknown argument" in m for m in messages)
    assert not any("Unknown type" in m for m in messages), messages


def test_sandbox_refuses_what_shopifys_schema_refuses(client, shop):
    body = post(client, shop, '{ order(id: "gid://shopify/Order/1") { jlReference } }').json()

    assert body.get("data") is None
    assert "Cannot query field 'jlReference' on type 'Order'." in body["errors"][0]["message"]


def test_sandbox_throttles_in_the_published_shape(client, shop):
    services.throttle_set(shop=shop, available=10, restore_rate=0.01)

    published = contract("throttled_response.json")["response"]

    body = post(client, shop, "{ products(first: 10) { edges { node { id } } } }").json()

    assert _shape(body) == _shape(published)
    assert body["errors"] == published["errors"]


def test_sandbox_webhooks_carry_every_documented_header(shop):
    services.stock_set(shop=shop, sku="SB-0001", available=2)
    delivery = services.webhooks_sent(shop=shop, topic="inventory_levels/update").last()

    assert set(contract("webhook_headers.json")["headers"]) <= set(delivery.headers)
    assert delivery.headers["X-Shopify-Webhook-Id"] != delivery.headers["X-Shopify-Event-Id"]
    assert delivery.headers["X-Shopify-API-Version"] == "2026-10"


def test_sandbox_resolves_nodes_by_id_through_the_node_interface(client, shop):
    variant = shop.products.first().variants.first()
    ids = [f"gid://shopify/ProductVariant/{variant.pk}", "gid://shopify/Order/999999"]
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on ProductVariant { sku } } }"

    body = post(client, shop, query, {"ids": ids}).json()

    assert "errors" not in body, body.get("errors")
    assert body["data"]["nodes"] == [{"id": ids[0], "sku": variant.sku}, None]
