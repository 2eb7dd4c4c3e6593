"""shipments_read and refunds_read from orders' packages and item statuses."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import responses
from responses import matchers

from connectors.base import Shipment, ShipmentLine, SourceRefund
from tests.connectors.scayle.helpers import ORDERS, TOKEN, make_connector, order_json


def item(item_id: int, sku: str, status: str, package_id: int | None, price: int = 1200) -> dict:
    return {
        "id": item_id,
        "status": status,
        "packageId": package_id,
        "updatedAt": "2026-11-22T12:00:00+00:00",
        "price": {"withTax": price, "overrideWithTax": 0},
        "variant": {"id": 1, "referenceKey": sku},
    }


SHIPPED = order_json(
    42,
    updatedAt="2026-11-22T11:00:00+00:00",
    items=[
        item(1, "SC-0001-M", "deliverable", 9),
        item(2, "SC-0001-M", "deliverable", 9),
        item(3, "SC-0002-S", "available", None),
    ],
    packages=[
        {
            "id": 9,
            "carrierKey": "Royal Mail",
            "deliveryStatus": "shipped",
            "shippedAt": "2026-11-22T10:45:00+00:00",
            "tracking": {"id": "RM123456785GB", "url": "https://track.example/RM123456785GB"},
        },
        {"id": 10, "carrierKey": "dpd", "deliveryStatus": "open", "shippedAt": None},
    ],
)
RETURNED = order_json(
    43,
    reference="JL-1002",
    updatedAt="2026-11-22T12:30:00+00:00",
    items=[
        item(4, "SC-0001-M", "returned", 11, 1500),
        item(5, "SC-0003-S", "cancelled", None, 999),
        item(6, "SC-0001-M", "deliverable", 11),
    ],
)


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def test_shipments_page_through_orders_with_carrier_service_and_tracking(mocked):
    mocked.get(
        ORDERS,
        json={"entities": [SHIPPED], "cursor": {"next": "n1"}},
        match=[
            matchers.query_param_matcher({"limit": "100", "with": "items,packages"}),
            matchers.header_matcher({"X-Access-Token": TOKEN}),
        ],
    )
    mocked.get(
        ORDERS,
        json={"entities": [RETURNED], "cursor": {"next": None}},
        match=[
            matchers.query_param_matcher({"limit": "100", "with": "items,packages", "cursor": "n1"})
        ],
    )
    connector = make_connector()
    page = connector.shipments_read("")
    assert page.has_more is True
    assert page.items == [
        Shipment(
            shipment_id="42:9",
            source_order_id="42",
            external_reference="JL-1001",
            carrier_name="Royal Mail",
            carrier_service="express",
            tracking_number="RM123456785GB",
            tracking_url="https://track.example/RM123456785GB",
            shipped_at=dt.datetime(2026, 11, 22, 10, 45, tzinfo=dt.UTC),
            lines=[ShipmentLine("SC-0001-M", 2)],
        )
    ]
    last = connector.shipments_read(page.next_cursor)
    assert last.items == [] and last.has_more is False
    assert json.loads(last.next_cursor) == {
        "since": "2026-11-22T12:25:00Z", "max": "2026-11-22T12:30:00Z",
    }  # fmt: skip
    mocked.get(
        ORDERS,
        json={"entities": [], "cursor": {"next": None}},
        match=[
            matchers.query_param_matcher(
                {
                    "limit": "100",
                    "with": "items,packages",
                    "filters[minUpdatedAt]": "2026-11-22T12:25:00Z",
                }
            )
        ],
    )
    assert connector.shipments_read(last.next_cursor).items == []


def test_refunds_are_returned_or_cancelled_pieces(mocked):
    mocked.get(ORDERS, json={"entities": [SHIPPED, RETURNED], "cursor": {"next": None}})
    page = make_connector().refunds_read("")
    stamp = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
    assert page.items == [
        SourceRefund("43:4:returned", "43", "JL-1002", Decimal("15.00"), Decimal("0.00"), stamp,
                     [ShipmentLine("SC-0001-M", 1)]),
        SourceRefund("43:5:cancelled", "43", "JL-1002", Decimal("9.99"), Decimal("0.00"), stamp,
                     [ShipmentLine("SC-0003-S", 1)]),
    ]  # fmt: skip
    assert page.has_more is False
