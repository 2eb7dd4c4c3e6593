"""Shopify's official Python client (``ShopifyAPI``, ``shopify.GraphQL``) against the sandbox.

An independent client, with its own HTTP stack (urllib), headers and body (it always sends
``operationName``), runs the operations the hub needs against the sandbox over a live server
on 127.0.0.1; the documents are the connector's own and the documented examples in
tests/contracts/shopify/. Only the site is pointed at the sandbox's mount point.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import shopify
from pytest_django.live_server_helper import LiveServer

from connectors.shopify import graphql as gql
from connectors.shopify import returns as shopify_returns
from connectors.shopify.sandbox import services
from connectors.shopify.sandbox.admin_schema import API_VERSION

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "shopify"


@pytest.fixture(scope="module")
def live_server(django_db_setup) -> Iterator[LiveServer]:
    """pytest-django's live server on loopback only (same name: transactional database)."""
    server = LiveServer("127.0.0.1:0")
    yield server
    server.stop()


@pytest.fixture
def client_for(live_server):
    shop = services.shop_setup()
    services.catalogue_seed(shop=shop, count=2, stock=5)
    session = shopify.Session(shop.domain, API_VERSION, shop.access_token)
    shopify.ShopifyResource.activate_session(session)
    shopify.ShopifyResource.set_site(f"{live_server.url}/sandbox/shopify/admin/api/{API_VERSION}")
    yield shop, shopify.GraphQL()
    shopify.ShopifyResource.clear_session()


def run(client: shopify.GraphQL, query: str, variables: dict | None = None) -> dict:
    body = json.loads(client.execute(query, variables))
    assert "errors" not in body, body.get("errors")
    return body["data"]


def test_the_official_client_reaches_the_sandbox_with_its_own_headers(client_for):
    shop, client = client_for

    assert run(client, gql.SHOP_PING) == {"shop": {"name": shop.name}}


def test_products_and_stock_reads(client_for):
    _, client = client_for

    products = run(client, gql.PRODUCTS_PAGE, {"first": 4, "after": None, "query": None})
    items = run(client, gql.INVENTORY_ITEMS_LEVELS, {"first": 5, "query": "sku:'SB-0001'"})

    assert len(products["products"]["edges"]) == 2
    (item,) = [edge["node"] for edge in items["inventoryItems"]["edges"]]
    level = item["inventoryLevels"]["edges"][0]["node"]
    assert item["sku"] == "SB-0001"
    assert level["quantities"] == [{"name": "available", "quantity": 5}]


def test_order_create_find_and_cancel_without_a_refund(client_for):
    _, client = client_for
    variants = run(client, gql.VARIANTS_BY_SKU, {"first": 5, "query": "sku:'SB-0001'"})
    variant_id = variants["productVariants"]["edges"][0]["node"]["id"]
    order = {
        "currency": "GBP",
        "sourceIdentifier": "JL-OC-1",
        "tags": ["JL:JL-OC-1", "JL Marketplace"],
        "financialStatus": "PAID",
        "lineItems": [
            {
                "variantId": variant_id,
                "quantity": 1,
                "priceSet": {"shopMoney": {"amount": "25.00", "currencyCode": "GBP"}},
            }
        ],
    }

    created = run(client, gql.ORDER_CREATE, {"order": order, "options": None})["orderCreate"]
    found = run(client, gql.ORDERS_BY_REFERENCE, {"query": "source_identifier:'JL-OC-1'"})
    cancel = {
        "orderId": created["order"]["id"],
        "reason": "CUSTOMER",
        "refundMethod": {"originalPaymentMethodsRefund": False},
        "restock": True,
        "notifyCustomer": False,
        "staffNote": "Cancelled on JL Marketplace",
    }
    cancelled = run(client, shopify_returns.ORDER_CANCEL, cancel)["orderCancel"]
    state = run(client, shopify_returns.ORDER_REFUNDS, {"id": created["order"]["id"]})

    assert created["userErrors"] == []
    assert found["orders"]["edges"][0]["node"]["id"] == created["order"]["id"]
    assert cancelled["orderCancelUserErrors"] == []
    assert cancelled["job"]["done"] is True
    assert state["order"]["refunds"] == []


def test_the_documented_examples_through_the_official_client(client_for):
    _, client = client_for
    create = json.loads((CONTRACTS / "order_create_request.json").read_text())
    cancel = json.loads((CONTRACTS / "order_cancel_request.json").read_text())

    created = run(client, create["query"], create["variables"])["orderCreate"]
    variables = {**cancel["variables"], "orderId": created["order"]["id"]}
    cancelled = run(client, cancel["query"], variables)["orderCancel"]
    refunds = run(client, shopify_returns.ORDER_REFUNDS, {"id": created["order"]["id"]})

    assert created["userErrors"] == []
    assert cancelled["orderCancelUserErrors"] == []
    # The documented cancellation refunds to the original payment method: the sandbox does.
    assert [r["note"] for r in refunds["order"]["refunds"]] == ["orderCancel"]
