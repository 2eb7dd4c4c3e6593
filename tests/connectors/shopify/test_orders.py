"""Contract tests for order_find and order_create (idempotent, exact mutation input)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import requests
import responses

from connectors.base import (
    Address,
    OutcomeUnknownError,
    PermanentError,
    SourceOrderLine,
    SourceOrderRef,
    SourceOrderRequest,
)
from connectors.shopify import graphql as gql

from .helpers import ENDPOINT, answer, connection, make_connector, sent

ADDRESS = Address(
    first_name="Ada",
    last_name="Lovelace",
    street_1="1 Oxford Street",
    street_2="Flat 2",
    city="London",
    postcode="W1A 1AA",
    country_iso2="gb",
    phone="+44 20 7946 0000",
)
REQUEST = SourceOrderRequest(
    external_reference="JL-77",
    marketplace_order_id="M-77-A",
    currency="GBP",
    lines=[
        SourceOrderLine(sku="A", quantity=2, unit_price=Decimal("19.5")),
        SourceOrderLine(sku="B", quantity=1, unit_price=Decimal("5.00")),
    ],
    shipping_price=Decimal("3.95"),
    shipping_method="Next Day",
    customer_email="ada@example.com",
    shipping_address=ADDRESS,
    billing_address=ADDRESS,
    placed_at=dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC),
)
EXISTING = {
    "id": "gid://shopify/Order/9",
    "name": "#1009",
    "sourceIdentifier": "JL-77",
    "tags": ["JL:JL-77"],
}
VARIANTS = connection(
    [
        {"id": "gid://shopify/ProductVariant/1", "sku": "A"},
        {"id": "gid://shopify/ProductVariant/3", "sku": "A-2"},
        {"id": "gid://shopify/ProductVariant/2", "sku": "B"},
    ]
)


@responses.activate
def test_order_find_queries_source_identifier_or_tag():
    responses.post(ENDPOINT, json=answer({"orders": connection([EXISTING])}))

    found = make_connector().order_find("JL-77")

    assert found == SourceOrderRef(
        source_order_id="gid://shopify/Order/9", source_order_number="#1009"
    )
    assert sent(responses.calls[0]) == {
        "query": gql.ORDERS_BY_REFERENCE,
        "variables": {"query": "source_identifier:'JL-77' OR tag:'JL:JL-77'"},
    }


@responses.activate
def test_order_find_ignores_fuzzy_search_hits():
    near = {**EXISTING, "sourceIdentifier": "JL-770", "tags": ["JL:JL-770"]}
    responses.post(ENDPOINT, json=answer({"orders": connection([near])}))

    assert make_connector().order_find("JL-77") is None


@responses.activate
def test_order_create_returns_the_existing_order_without_a_mutation():
    responses.post(ENDPOINT, json=answer({"orders": connection([EXISTING])}))

    ref = make_connector().order_create(REQUEST)

    assert ref == SourceOrderRef(
        source_order_id="gid://shopify/Order/9", source_order_number="#1009"
    )
    assert len(responses.calls) == 1
    assert "orderCreate" not in sent(responses.calls[0])["query"]


@responses.activate
def test_order_create_sends_the_exact_order_input():
    responses.post(ENDPOINT, json=answer({"orders": connection([])}))
    responses.post(ENDPOINT, json=answer({"productVariants": VARIANTS}))
    created = {"order": {"id": "gid://shopify/Order/10", "name": "#1010"}, "userErrors": []}
    responses.post(ENDPOINT, json=answer({"orderCreate": created}))

    ref = make_connector().order_create(REQUEST)

    assert ref == SourceOrderRef(
        source_order_id="gid://shopify/Order/10", source_order_number="#1010"
    )
    assert len(responses.calls) == 3
    assert sent(responses.calls[1])["variables"] == {"first": 100, "query": "sku:'A' OR sku:'B'"}
    mutation = sent(responses.calls[2])
    assert mutation["query"] == gql.ORDER_CREATE
    address = {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "address1": "1 Oxford Street",
        "address2": "Flat 2",
        "city": "London",
        "zip": "W1A 1AA",
        "countryCode": "GB",
        "phone": "+44 20 7946 0000",
    }
    assert mutation["variables"] == {
        "order": {
            "currency": "GBP",
            "email": "ada@example.com",
            "sourceIdentifier": "JL-77",
            "sourceName": "jl-marketplace",
            "tags": ["JL:JL-77", "JL Marketplace"],
            "customAttributes": [
                {"key": "mirakl_order_id", "value": "M-77-A"},
                {"key": "jl_order_number", "value": "JL-77"},
            ],
            "financialStatus": "PAID",
            "taxesIncluded": True,
            "processedAt": "2026-11-20T10:30:00Z",
            "lineItems": [
                {
                    "variantId": "gid://shopify/ProductVariant/1",
                    "quantity": 2,
                    "priceSet": {"shopMoney": {"amount": "19.50", "currencyCode": "GBP"}},
                },
                {
                    "variantId": "gid://shopify/ProductVariant/2",
                    "quantity": 1,
                    "priceSet": {"shopMoney": {"amount": "5.00", "currencyCode": "GBP"}},
                },
            ],
            "shippingLines": [
                {
                    "title": "Next Day",
                    "code": "Next Day",
                    "priceSet": {"shopMoney": {"amount": "3.95", "currencyCode": "GBP"}},
                }
            ],
            "shippingAddress": address,
            "billingAddress": address,
        },
        "options": {
            "inventoryBehaviour": "DECREMENT_OBEYING_POLICY",
            "sendReceipt": False,
            "sendFulfillmentReceipt": False,
        },
    }


@responses.activate
def test_order_create_user_errors_are_permanent_with_the_messages():
    responses.post(ENDPOINT, json=answer({"orders": connection([])}))
    responses.post(ENDPOINT, json=answer({"productVariants": VARIANTS}))
    failed = {
        "order": None,
        "userErrors": [
            {
                "field": ["order", "lineItems", "0", "quantity"],
                "message": "Not enough inventory",
                "code": "INVALID",
            }
        ],
    }
    responses.post(ENDPOINT, json=answer({"orderCreate": failed}))

    with pytest.raises(PermanentError) as caught:
        make_connector().order_create(REQUEST)

    assert caught.value.code == "user_error"
    assert caught.value.message == (
        "Shopify refused the order: order.lineItems.0.quantity: Not enough inventory"
    )
    assert caught.value.detail == "INVALID"


@responses.activate
def test_order_create_refuses_unknown_skus_before_the_mutation():
    responses.post(ENDPOINT, json=answer({"orders": connection([])}))
    only_a = connection([{"id": "gid://shopify/ProductVariant/1", "sku": "A"}])
    responses.post(ENDPOINT, json=answer({"productVariants": only_a}))

    with pytest.raises(PermanentError) as caught:
        make_connector().order_create(REQUEST)

    assert caught.value.code == "unknown_sku"
    assert "B" in caught.value.message
    assert len(responses.calls) == 2


@responses.activate
def test_order_create_timeout_is_transient_and_never_retried_in_process():
    responses.post(ENDPOINT, json=answer({"orders": connection([])}))
    responses.post(ENDPOINT, json=answer({"productVariants": VARIANTS}))
    responses.post(ENDPOINT, body=requests.ReadTimeout())

    with pytest.raises(OutcomeUnknownError):  # the create may have landed
        make_connector().order_create(REQUEST)

    assert len(responses.calls) == 3  # the next attempt starts with order_find again
