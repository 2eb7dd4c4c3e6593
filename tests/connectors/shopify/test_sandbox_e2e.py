"""The Shopify connector against the Shopify sandbox, in-process (no sockets)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import requests

from connectors.base import (
    Address,
    PermanentError,
    SourceOrderLine,
    SourceOrderRequest,
    TransientError,
)
from connectors.sandbox.faults import clock_advance
from connectors.sandbox.models import SandboxFault
from connectors.shopify import ShopifyConnector
from connectors.shopify.sandbox import services
from connectors.shopify.sandbox.models import Order, SentWebhook
from tests.support.wsgi_adapter import DjangoAppAdapter

BASE = "http://sandbox.test/sandbox/shopify"


@pytest.fixture
def shop(db):
    shop = services.shop_setup(bucket_max=100_000, restore_rate=10_000)
    services.catalogue_seed(shop=shop, count=25, stock=7)
    return shop


@pytest.fixture
def adapter():
    return DjangoAppAdapter()


def connector_for(shop, adapter, **options) -> ShopifyConnector:
    session = requests.Session()
    session.mount("http://sandbox.test", adapter)
    return ShopifyConnector(
        base_url=BASE,
        credentials={"access_token": shop.access_token, "webhook_secret": shop.webhook_secret},
        session=session,
        **options,
    )


def order_request(reference: str = "JL-100200") -> SourceOrderRequest:
    address = Address(
        first_name="Ada",
        last_name="Lovelace",
        street_1="1 Oxford Street",
        city="London",
        postcode="W1A 1AA",
        country_iso2="GB",
    )
    return SourceOrderRequest(
        external_reference=reference,
        marketplace_order_id="MIRAKL-1-A",
        currency="GBP",
        lines=[
            SourceOrderLine(sku="SB-0001", quantity=2, unit_price=Decimal("26.00")),
            SourceOrderLine(sku="SB-0002", quantity=1, unit_price=Decimal("27.00")),
        ],
        shipping_price=Decimal("3.95"),
        shipping_method="Standard",
        customer_email="ada@example.com",
        shipping_address=address,
        billing_address=address,
        placed_at=dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC),
    )


def read_all(read, cursor: str = "") -> tuple[list, str]:
    items = []
    while True:
        page = read(cursor)
        items += page.items
        cursor = page.next_cursor
        if not page.has_more:
            return items, cursor


def test_ping_and_products_page_to_the_end(shop, adapter):
    connector = connector_for(shop, adapter, page_size=10)

    connector.ping()
    products, cursor = read_all(connector.products_read)

    assert [p.sku for p in products] == [f"SB-{i:04d}" for i in range(1, 26)]
    first = products[0]
    assert first.price == Decimal("26.00")
    assert len(first.barcode) == 13 and first.barcode.startswith("50")
    assert first.source_ids["variant_id"].startswith("gid://shopify/ProductVariant/")
    graphql_calls = [c for c in adapter.calls if c[1].endswith("/admin/api/2026-10/graphql.json")]
    # ping + seven pages: page_size 10 is capped at 4 (a page of content stays under 1,000)
    assert len(graphql_calls) == 1 + 7


def test_products_incremental_after_a_change(shop, adapter):
    connector = connector_for(shop, adapter, cursor_overlap_seconds=0)
    _, cursor = read_all(connector.products_read)
    clock_advance("shopify", 120)
    services.product_update(shop=shop, sku="SB-0003", price=Decimal("99.00"))

    changed, _ = read_all(connector.products_read, cursor)

    assert [(p.sku, p.price) for p in changed] == [("SB-0003", Decimal("99.00"))]


def test_stock_sums_locations_and_reads_changes(shop, adapter):
    connector = connector_for(shop, adapter)
    services.stock_set(shop=shop, sku="SB-0004", available=3, location="Shop floor")

    levels = {level.sku: level.available for level in connector.stock_read()}
    some = {level.sku: level.available for level in connector.stock_read(["SB-0004", "NOPE"])}

    assert levels["SB-0004"] == 10 and levels["SB-0005"] == 7 and len(levels) == 25
    assert some == {"SB-0004": 10}


def test_stock_changes_since_cursor(shop, adapter):
    connector = connector_for(shop, adapter, cursor_overlap_seconds=0)
    _, cursor = read_all(connector.stock_changes_read)
    clock_advance("shopify", 60)
    services.stock_set(shop=shop, sku="SB-0009", available=2)

    changed, _ = read_all(connector.stock_changes_read, cursor)

    assert [(s.sku, s.available) for s in changed] == [("SB-0009", 2)]


def test_stock_respects_configured_location(shop, adapter):
    floor = shop.locations.get(name="Shop floor")
    services.stock_set(shop=shop, sku="SB-0001", available=4, location="Shop floor")
    connector = connector_for(shop, adapter)
    connector.credentials["location_ids"] = str(floor.pk)

    levels = {level.sku: level.available for level in connector.stock_read(["SB-0001"])}

    assert levels == {"SB-0001": 4}


def test_order_create_twice_makes_one_order_then_fulfil_and_refund(shop, adapter):
    connector = connector_for(shop, adapter)

    first = connector.order_create(order_request())
    second = connector.order_create(order_request())

    assert first == second
    assert Order.objects.count() == 1
    order = Order.objects.get()
    assert order.source_identifier == "JL-100200"
    assert order.tags == ["JL:JL-100200", "JL Marketplace"]
    assert order.options == {
        "inventoryBehaviour": "DECREMENT_OBEYING_POLICY",
        "sendReceipt": False,
        "sendFulfillmentReceipt": False,
    }
    assert {level.sku: level.available for level in connector.stock_read(["SB-0001"])} == {
        "SB-0001": 5
    }
    assert connector.order_find("JL-100200") == first

    services.fulfillment_create(
        shop=shop,
        order_reference="JL-100200",
        company="Any Carrier Ltd",
        service="Next day",
        number="TRK123",
        url="https://track.example/TRK123",
    )
    shipments, _ = read_all(connector.shipments_read)
    services.refund_create(
        shop=shop,
        order_reference="JL-100200",
        lines={"SB-0002": 1},
        shipping_amount=Decimal("3.95"),
    )
    refunds, _ = read_all(connector.refunds_read)

    assert len(shipments) == 1
    shipment = shipments[0]
    assert (shipment.external_reference, shipment.carrier_name, shipment.carrier_service) == (
        "JL-100200",
        "Any Carrier Ltd",
        "Next day",
    )
    assert (shipment.tracking_number, shipment.tracking_url) == (
        "TRK123",
        "https://track.example/TRK123",
    )
    assert sorted((line.sku, line.quantity) for line in shipment.lines) == [
        ("SB-0001", 2),
        ("SB-0002", 1),
    ]
    assert len(refunds) == 1
    assert (refunds[0].amount, refunds[0].shipping_amount) == (Decimal("30.95"), Decimal("3.95"))
    assert [(line.sku, line.quantity) for line in refunds[0].lines] == [("SB-0002", 1)]


def test_unknown_sku_is_refused_before_any_mutation(shop, adapter):
    connector = connector_for(shop, adapter)
    request = order_request()
    request.lines.append(SourceOrderLine(sku="MISSING", quantity=1, unit_price=Decimal("1")))

    with pytest.raises(PermanentError) as caught:
        connector.order_create(request)

    assert caught.value.code == "unknown_sku"
    assert Order.objects.count() == 0


def test_out_of_stock_is_a_user_error(shop, adapter):
    services.stock_set(shop=shop, sku="SB-0001", available=0)
    connector = connector_for(shop, adapter)

    with pytest.raises(PermanentError) as caught:
        connector.order_create(order_request())

    assert caught.value.code == "user_error"
    assert "Not enough inventory for SB-0001" in caught.value.message


def test_sandbox_webhooks_verify_with_the_connector(shop, adapter):
    connector = connector_for(shop, adapter)
    services.stock_set(shop=shop, sku="SB-0001", available=1)
    sent = SentWebhook.objects.filter(topic="inventory_levels/update").latest("id")

    event = connector.webhook_parse(sent.headers, sent.body.encode())
    stock = connector.stock_for_inventory_items([str(event.payload["inventory_item_id"])])

    assert event.event_id == sent.webhook_id
    assert [(s.sku, s.available) for s in stock] == [("SB-0001", 1)]


def test_sandbox_throttles_then_connector_waits_and_succeeds(shop, adapter):
    services.throttle_set(shop=shop, bucket_max=1000, restore_rate=0.5, available=0)
    connector = connector_for(shop, adapter)
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        clock_advance("shopify", int(seconds) + 1)

    connector.transport.sleep = sleep
    connector.transport.clock = lambda: sum(waits)

    connector.ping()

    assert len(waits) == 1 and 2.0 <= waits[0] <= 2.25  # (1 point - 0) / 0.5 per s + jitter
    assert [c[0] for c in adapter.calls] == ["POST", "POST"]


@pytest.mark.parametrize(
    ("kind", "retry_after"), [("503", 7.0), ("malformed", None), ("500", None)]
)
def test_sandbox_faults_reach_the_connector_as_transient_errors(shop, adapter, kind, retry_after):
    SandboxFault.objects.create(system="shopify", kind=kind, remaining=1, retry_after=7)
    connector = connector_for(shop, adapter)

    with pytest.raises(TransientError) as caught:
        connector.ping()
    connector.ping()  # the fault was used up

    assert caught.value.retry_after == retry_after
