"""Contract tests for the reads: the GraphQL variables sent, mapping and paging to the end."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import responses

from connectors.base import (
    ConfigError,
    Shipment,
    ShipmentLine,
    SourceProduct,
    SourceRefund,
    StockLevel,
)
from connectors.shopify import graphql as gql

from .helpers import ENDPOINT, answer, connection, level, make_connector, sent


def variant(pk: int, sku: str, price: str = "10.00", title: str = "Default Title") -> dict:
    return {
        "id": f"gid://shopify/ProductVariant/{pk}",
        "sku": sku,
        "barcode": f"500000000{pk:04d}",
        "price": price,
        "title": title,
        "updatedAt": "2026-11-20T09:00:00Z",
        "inventoryItem": {"id": f"gid://shopify/InventoryItem/{pk}"},
    }


def product(pk: int, updated: str, variants: dict, title: str = "Shirt") -> dict:
    return {
        "id": f"gid://shopify/Product/{pk}",
        "title": title,
        "vendor": "Acme",
        "updatedAt": updated,
        "variants": variants,
    }


@responses.activate
def test_products_page_to_the_end_with_watermark_cursor():
    page1 = connection(
        [
            product(1, "2026-11-20T10:00:00Z", connection([variant(11, "S-1", "12.50", "Small")])),
            product(2, "2026-11-20T10:05:00Z", connection([variant(21, ""), variant(22, "S-2")])),
        ],
        has_next=True,
        end="c2",
    )
    page2 = connection([product(3, "2026-11-20T10:07:00Z", connection([variant(31, "S-3")]))])
    responses.post(ENDPOINT, json=answer({"products": page1}))
    responses.post(ENDPOINT, json=answer({"products": page2}))
    connector = make_connector()

    first = connector.products_read("")
    second = connector.products_read(first.next_cursor)

    assert [sent(c)["variables"] for c in responses.calls] == [
        {"first": 4, "after": None, "query": None},
        {"first": 4, "after": "c2", "query": None},
    ]
    assert sent(responses.calls[0])["query"] == gql.PRODUCTS_PAGE
    assert first.has_more is True and second.has_more is False
    assert first.items[0] == SourceProduct(
        sku="S-1",
        title="Shirt - Small",
        price=Decimal("12.50"),
        barcode="5000000000011",
        currency="GBP",
        source_ids={
            "product_id": "gid://shopify/Product/1",
            "variant_id": "gid://shopify/ProductVariant/11",
            "inventory_item_id": "gid://shopify/InventoryItem/11",
        },
        attributes={"title": "Shirt", "vendor": "Acme"},
        updated_at=dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC),
    )
    assert [p.sku for p in first.items + second.items] == ["S-1", "S-2", "S-3"]  # no-SKU skipped
    assert json.loads(second.next_cursor) == {
        "since": "2026-11-20T10:06:00Z",  # newest seen minus the 60 s overlap
        "max": "2026-11-20T10:07:00Z",
    }


@responses.activate
def test_products_incremental_query_uses_updated_at():
    responses.post(ENDPOINT, json=answer({"products": connection([])}))
    cursor = json.dumps({"since": "2026-11-20T10:06:00Z", "max": "2026-11-20T10:07:00Z"})

    page = make_connector().products_read(cursor)

    assert sent(responses.calls[0])["variables"]["query"] == "updated_at:>'2026-11-20T10:06:00Z'"
    assert page.items == [] and page.has_more is False
    assert json.loads(page.next_cursor)["since"] == "2026-11-20T10:06:00Z"


@responses.activate
def test_products_fetch_the_rest_of_a_products_variants():
    first_variants = connection([variant(11, "S-1")], has_next=True, end="v1")
    responses.post(
        ENDPOINT,
        json=answer({"products": connection([product(1, "2026-11-20T10:00:00Z", first_variants)])}),
    )
    rest = connection([variant(12, "S-2")])
    responses.post(ENDPOINT, json=answer({"product": {"variants": rest}}))

    page = make_connector().products_read()

    assert [p.sku for p in page.items] == ["S-1", "S-2"]
    assert sent(responses.calls[1]) == {
        "query": gql.PRODUCT_VARIANTS_PAGE,
        "variables": {"id": "gid://shopify/Product/1", "first": 50, "after": "v1"},
    }


@responses.activate
def test_stock_read_sums_configured_locations_and_pages():
    loc1 = {
        "location": {"inventoryLevels": connection([level(1, "A", 3)], has_next=True, end="l1")}
    }
    loc1b = {"location": {"inventoryLevels": connection([level(2, "B", 1)])}}
    loc2 = {"location": {"inventoryLevels": connection([level(1, "A", 4), level(3, "", 9)])}}
    for body in (loc1, loc1b, loc2):
        responses.post(ENDPOINT, json=answer(body))
    connector = make_connector(creds={"location_ids": "101, gid://shopify/Location/102"})

    levels = list(connector.stock_read())

    assert sorted((s.sku, s.available) for s in levels) == [("A", 7), ("B", 1)]
    assert [sent(c)["variables"] for c in responses.calls] == [
        {"id": "gid://shopify/Location/101", "first": 100, "after": None, "query": None},
        {"id": "gid://shopify/Location/101", "first": 100, "after": "l1", "query": None},
        {"id": "gid://shopify/Location/102", "first": 100, "after": None, "query": None},
    ]


@responses.activate
def test_stock_read_defaults_to_every_active_location():
    locations = connection(
        [
            {"id": "gid://shopify/Location/1", "name": "Warehouse", "isActive": True},
            {"id": "gid://shopify/Location/2", "name": "Old shop", "isActive": False},
        ]
    )
    responses.post(ENDPOINT, json=answer({"locations": locations}))
    responses.post(
        ENDPOINT, json=answer({"location": {"inventoryLevels": connection([level(1, "A", 5)])}})
    )

    levels = list(make_connector().stock_read())

    assert levels == [
        StockLevel(sku="A", available=5, updated_at=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC))
    ]
    assert sent(responses.calls[0])["query"] == gql.LOCATIONS
    assert sent(responses.calls[1])["variables"]["id"] == "gid://shopify/Location/1"


def item(pk: int, sku: str, levels: list[tuple[str, int]]) -> dict:
    nodes = [
        {
            "updatedAt": "2026-11-20T10:00:00Z",
            "location": {"id": f"gid://shopify/Location/{loc}"},
            "quantities": [{"name": "available", "quantity": qty}],
        }
        for loc, qty in levels
    ]
    return {
        "id": f"gid://shopify/InventoryItem/{pk}",
        "sku": sku,
        "inventoryLevels": connection(nodes),
    }


@responses.activate
def test_stock_read_for_skus_queries_inventory_items_and_filters_exactly():
    items = connection([item(1, "A", [("101", 2), ("999", 50)]), item(2, "A-LONGER", [("101", 8)])])
    responses.post(ENDPOINT, json=answer({"inventoryItems": items}))
    connector = make_connector(creds={"location_ids": "101"})

    levels = list(connector.stock_read(["A", "it's"]))

    assert [(s.sku, s.available) for s in levels] == [("A", 2)]
    assert sent(responses.calls[0]) == {
        "query": gql.INVENTORY_ITEMS_LEVELS,
        "variables": {"first": 10, "after": None, "query": "sku:'A' OR sku:'it\\'s'"},
    }


@responses.activate
def test_stock_changes_walk_each_location_then_restart_from_the_newest():
    changed1 = connection([level(1, "A", 1, "2026-11-20T11:00:00Z")])
    changed2 = connection([level(2, "B", 0, "2026-11-20T11:30:00Z")])
    responses.post(ENDPOINT, json=answer({"location": {"inventoryLevels": changed1}}))
    responses.post(
        ENDPOINT, json=answer({"inventoryItems": connection([item(1, "A", [("1", 1), ("2", 4)])])})
    )
    responses.post(ENDPOINT, json=answer({"location": {"inventoryLevels": changed2}}))
    responses.post(
        ENDPOINT, json=answer({"inventoryItems": connection([item(2, "B", [("2", 0)])])})
    )
    connector = make_connector(creds={"location_ids": "1,2"}, cursor_overlap_seconds=0)
    start = json.dumps({"since": "2026-11-20T10:00:00Z"})

    first = connector.stock_changes_read(start)
    second = connector.stock_changes_read(first.next_cursor)

    assert [(s.sku, s.available) for s in first.items] == [("A", 5)]
    assert [(s.sku, s.available) for s in second.items] == [("B", 0)]
    assert (first.has_more, second.has_more) == (True, False)
    variables = [sent(c)["variables"] for c in responses.calls]
    assert variables[0] == {
        "id": "gid://shopify/Location/1",
        "first": 100,
        "after": None,
        "query": "updated_at:>'2026-11-20T10:00:00Z'",
    }
    assert variables[1]["query"] == "id:1"
    assert variables[2]["id"] == "gid://shopify/Location/2"
    assert json.loads(second.next_cursor) == {
        "since": "2026-11-20T11:30:00Z",
        "max": "2026-11-20T11:30:00Z",
    }


def order(pk: int, reference: str, fulfillments=None, refunds=None, tags=None) -> dict:
    return {
        "id": f"gid://shopify/Order/{pk}",
        "name": f"#{1000 + pk}",
        "sourceIdentifier": reference or None,
        "tags": tags if tags is not None else ([f"JL:{reference}"] if reference else []),
        "updatedAt": "2026-11-20T12:00:00Z",
        "shippingLine": {"title": "Next Day", "code": "ND"},
        "fulfillments": fulfillments or [],
        "refunds": refunds or [],
    }


def fulfillment(pk: int, status: str = "SUCCESS", updated: str = "2026-11-20T12:00:00Z") -> dict:
    return {
        "id": f"gid://shopify/Fulfillment/{pk}",
        "status": status,
        "createdAt": "2026-11-20T11:59:00Z",
        "updatedAt": updated,
        "trackingInfo": [{"company": "DPD", "number": "TRK1", "url": "https://dpd.example/TRK1"}],
        "fulfillmentLineItems": connection([{"quantity": 2, "lineItem": {"sku": "A"}}]),
    }


@responses.activate
def test_shipments_read_maps_successful_fulfillments_of_hub_orders():
    orders = connection(
        [
            order(1, "JL-1", [fulfillment(10), fulfillment(11, "CANCELLED")]),
            order(2, "", [fulfillment(20)]),  # not a hub order
            order(3, "JL-3", [fulfillment(30, updated="2026-11-19T00:00:00Z")]),  # older than since
        ],
        has_next=True,
        end="o3",
    )
    responses.post(ENDPOINT, json=answer({"orders": orders}))
    cursor = json.dumps({"since": "2026-11-20T00:00:00Z"})

    page = make_connector().shipments_read(cursor)

    assert page.items == [
        Shipment(
            shipment_id="gid://shopify/Fulfillment/10",
            source_order_id="gid://shopify/Order/1",
            external_reference="JL-1",
            carrier_name="DPD",
            carrier_service="Next Day",
            tracking_number="TRK1",
            tracking_url="https://dpd.example/TRK1",
            shipped_at=dt.datetime(2026, 11, 20, 11, 59, tzinfo=dt.UTC),
            lines=[ShipmentLine(sku="A", quantity=2)],
        )
    ]
    assert page.has_more is True
    assert json.loads(page.next_cursor)["after"] == "o3"
    assert sent(responses.calls[0]) == {
        "query": gql.ORDERS_FULFILLMENTS_PAGE,
        "variables": {
            "first": 5,
            "after": None,
            "query": "updated_at:>'2026-11-20T00:00:00Z' AND tag:'JL Marketplace'",
        },
    }


@responses.activate
def test_refunds_read_maps_amounts_shipping_and_lines():
    refund = {
        "id": "gid://shopify/Refund/5",
        "createdAt": "2026-11-20T12:00:00Z",
        "totalRefundedSet": {"shopMoney": {"amount": "23.95", "currencyCode": "GBP"}},
        "refundShippingLines": connection(
            [{"subtotalAmountSet": {"shopMoney": {"amount": "3.95"}}}]
        ),
        "refundLineItems": connection([{"quantity": 1, "lineItem": {"sku": "A"}}]),
    }
    orders = connection([order(1, "", refunds=[refund], tags=["JL:JL-1", "VIP"])])
    responses.post(ENDPOINT, json=answer({"orders": orders}))

    page = make_connector().refunds_read()

    assert page.items == [
        SourceRefund(
            refund_id="gid://shopify/Refund/5",
            source_order_id="gid://shopify/Order/1",
            external_reference="JL-1",
            amount=Decimal("23.95"),
            shipping_amount=Decimal("3.95"),
            created_at=dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC),
            lines=[ShipmentLine(sku="A", quantity=1)],
        )
    ]
    assert page.has_more is False
    assert sent(responses.calls[0])["variables"]["query"] == "tag:'JL Marketplace'"


@responses.activate
def test_a_configured_location_that_does_not_exist_is_a_config_error():
    responses.post(ENDPOINT, json=answer({"location": None}))
    connector = make_connector(creds={"location_ids": "404"})

    with pytest.raises(ConfigError, match="gid://shopify/Location/404"):
        list(connector.stock_read())
