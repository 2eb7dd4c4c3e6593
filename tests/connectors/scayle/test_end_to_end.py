"""The SCAYLE connector against the SCAYLE sandbox, in-process through the WSGI adapter."""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal

import pytest
import requests

from connectors.base import ConfigError, PermanentError, TransientError
from connectors.sandbox.faults import clock_advance, clock_reset
from connectors.sandbox.models import SandboxFault
from connectors.scayle import ScayleConnector
from connectors.scayle.sandbox import models as m
from connectors.scayle.sandbox import services, webhooks
from tests.connectors.scayle.helpers import FakeClock, order_request
from tests.support.wsgi_adapter import DjangoAppAdapter

BASE = "http://sandbox.test/sandbox/scayle/api/admin/v1"

pytestmark = pytest.mark.django_db


@pytest.fixture
def adapter() -> DjangoAppAdapter:
    return DjangoAppAdapter()


@pytest.fixture
def connector(adapter):
    services.catalogue_seed(products=3)
    return make_connector(adapter)


def make_connector(adapter, token: str = services.DEFAULT_TOKEN, **options) -> ScayleConnector:
    session = requests.Session()
    session.mount("http://sandbox.test", adapter)
    clock = FakeClock()
    settings = {"shop_key": "jl", "channel_key": services.DEFAULT_CHANNEL, **options}
    credentials = {"access_token": token, "webhook_secret": services.DEFAULT_WEBHOOK_SECRET}
    return ScayleConnector(
        base_url=BASE,
        credentials=credentials,
        session=session,
        sleep=clock.sleep,
        clock=clock,
        **settings,
    )


def test_ping_products_with_ean_price_and_pagination(adapter):
    services.catalogue_seed(products=3)
    connector = make_connector(adapter, page_size=2)
    connector.ping()
    seen, cursor, pages = [], "", 0
    while True:
        page = connector.products_read(cursor)
        seen += page.items
        cursor, pages = page.next_cursor, pages + 1
        if not page.has_more:
            break
    assert pages == 2
    assert [p.sku for p in seen] == [
        "SC-0001-S", "SC-0001-M", "SC-0002-S", "SC-0002-M", "SC-0003-S", "SC-0003-M",
    ]  # fmt: skip
    first = seen[0]
    assert (first.title, first.price, first.barcode) == (
        "Washed Linen Shirt (S)", Decimal("11.00"), "5010000000011",
    )  # fmt: skip
    assert seen[1].barcode == "5010000000028"


def test_products_incremental_after_a_price_change(adapter):
    clock_advance("scayle", -3600)
    services.catalogue_seed(products=2)
    clock_reset("scayle")
    connector = make_connector(adapter)
    done = connector.products_read("")
    # The newest products are read again inside the overlap window (the hub upserts).
    again = connector.products_read(done.next_cursor)
    assert [p.sku for p in again.items] == [p.sku for p in done.items]
    services.product_update(sku="SC-0002-M", price=9900)
    later = connector.products_read(done.next_cursor)
    assert ("SC-0002-M", Decimal("99.00")) in [(p.sku, p.price) for p in later.items]
    after = connector.products_read(later.next_cursor)
    assert [p.sku for p in after.items] == ["SC-0002-S", "SC-0002-M"]


def test_stock_levels_and_changes(connector, adapter):
    assert [(lvl.sku, lvl.available) for lvl in connector.stock_read(["SC-0002-S", "NOPE"])] == [
        ("SC-0002-S", 31),
        ("NOPE", 0),
    ]
    main_only = make_connector(adapter, warehouse_reference_keys="main")
    assert [lvl.available for lvl in main_only.stock_read(["SC-0002-S"])] == [30]
    paging = make_connector(adapter, page_size=2)  # the catalogue walk pages to the end
    first = paging.stock_changes_read("")
    assert len(first.items) == 6
    assert paging.stock_changes_read(first.next_cursor).items == []
    services.stock_set(sku="SC-0001-M", quantity=3, warehouse="main")
    changed = paging.stock_changes_read(first.next_cursor)
    assert [(lvl.sku, lvl.available) for lvl in changed.items] == [("SC-0001-M", 4)]


def test_order_create_twice_makes_one_order(connector, adapter):
    first = connector.order_create(order_request())
    calls_before = len(adapter.calls)
    second = connector.order_create(order_request())
    assert second == first
    assert adapter.calls[calls_before:] == [
        ("GET", "/sandbox/scayle/api/admin/v1/shops/jl/countries/GB/orders/key=JL-1001")
    ]
    order = m.Order.objects.get()
    assert (str(order.pk), order.public_key, order.reference_key) == (
        first.source_order_id, first.source_order_number, "JL-1001",
    )  # fmt: skip
    assert order.channel_key == services.DEFAULT_CHANNEL
    assert list(order.items.values_list("variant__reference_key", "price", "tax")) == [
        ("SC-0001-M", 1200, 200), ("SC-0001-M", 1200, 200),
    ]  # fmt: skip
    assert order.address["shipping"]["countryCode"] == "GBR"
    assert [lvl.available for lvl in connector.stock_read(["SC-0001-M"])] == [19]  # 21 - 2
    assert connector.order_find("JL-1001") == first
    assert connector.order_find("JL-9999") is None


def test_a_lost_create_answer_then_retry_makes_one_order(connector):
    SandboxFault.objects.create(
        system="scayle", kind="503", method="POST", path_contains="/orders", remaining=1
    )
    with pytest.raises(TransientError):
        connector.order_create(order_request())
    ref = connector.order_create(order_request())
    assert m.Order.objects.filter(reference_key="JL-1001").count() == 1
    assert connector.order_create(order_request()) == ref


def test_out_of_stock_is_a_permanent_refusal_with_scayles_message(connector):
    services.stock_set(sku="SC-0001-M", quantity=0, warehouse="main")
    services.stock_set(sku="SC-0001-M", quantity=0, warehouse="store")
    with pytest.raises(PermanentError) as caught:
        connector.order_create(order_request())
    assert caught.value.code == "ITEMS_NOT_AVAILABLE"
    assert "Variant 'SC-0001-M' is not available" in str(caught.value)
    assert not m.Order.objects.exists()


def test_shipment_with_any_carrier_service_and_tracking_then_returns(connector):
    ref = connector.order_create(order_request(qty=3))
    order = services.order_lookup("JL-1001")
    services.order_ship(
        order=order,
        carrier_key="Parcelforce Worldwide",
        service="express48",
        tracking_id="PF123456789GB",
        tracking_url="https://track.example/PF123456789GB",
        items={"SC-0001-M": 2},
    )
    page = connector.shipments_read("")
    [shipment] = page.items
    assert (shipment.source_order_id, shipment.external_reference) == (
        ref.source_order_id,
        "JL-1001",
    )
    assert (shipment.carrier_name, shipment.carrier_service, shipment.tracking_number) == (
        "Parcelforce Worldwide", "express48", "PF123456789GB",
    )  # fmt: skip
    assert shipment.tracking_url == "https://track.example/PF123456789GB"
    assert [(line.sku, line.quantity) for line in shipment.lines] == [("SC-0001-M", 2)]

    services.items_return(order=order, items={"SC-0001-M": 1})
    services.items_cancel(order=order, items={"SC-0001-M": 1})
    refunds = connector.refunds_read("").items
    assert sorted((r.external_reference, r.amount, r.lines[0].sku) for r in refunds) == [
        ("JL-1001", Decimal("12.00"), "SC-0001-M"), ("JL-1001", Decimal("12.00"), "SC-0001-M"),
    ]  # fmt: skip
    assert len({r.refund_id for r in refunds}) == 2


def test_webhooks_from_the_sandbox_verify_with_the_connector(connector):
    services.stock_set(sku="SC-0003-S", quantity=8, warehouse="main")
    connector.order_create(order_request())
    services.order_ship(
        order=services.order_lookup("JL-1001"), carrier_key="DPD", tracking_id="15501234"
    )
    deliveries = list(m.WebhookDelivery.objects.order_by("id"))
    assert [d.event_type for d in deliveries] == [
        "product-variant-stock-updated", "order-package-shipped",
    ]  # fmt: skip
    for delivery in deliveries:
        headers = webhooks.webhook_headers(delivery)
        event = connector.webhook_parse(headers, delivery.body.encode())
        assert (event.topic, event.event_id) == (delivery.event_type, delivery.key)
    stock_event = json.loads(deliveries[0].body)["payload"]
    assert (stock_event["productVariant"]["referenceKey"], stock_event["quantity"]) == (
        "SC-0003-S", 8,
    )  # fmt: skip
    shipped = json.loads(deliveries[1].body)["payload"]["order"]
    assert shipped["referenceKey"] == "JL-1001"
    assert shipped["packages"][0]["tracking"]["id"] == "15501234"
    with pytest.raises(PermanentError, match="credentials are wrong"):
        wrong = {"Authorization": "Basic " + base64.b64encode(b"scayle:guess").decode()}
        connector.webhook_parse(wrong, deliveries[0].body.encode())


def test_a_token_without_the_orders_scope_is_a_config_error(adapter):
    services.catalogue_seed(products=1)
    services.token_create(name="catalogue only", token="t-cat", scopes=["productRead"])
    connector = make_connector(adapter, token="t-cat")
    assert len(connector.products_read("").items) == 2
    with pytest.raises(ConfigError) as caught:
        connector.order_find("JL-1")
    assert str(caught.value) == (
        "SCAYLE GET shops/jl/countries/GB/orders/key=JL-1 failed (403): "
        "FORBIDDEN: The access token has no permission for 'ordersRead'."
    )
    with pytest.raises(ConfigError, match=r"\(401\): UNAUTHORIZED"):
        make_connector(adapter, token="wrong").ping()


def test_the_sandbox_rate_limit_is_honoured_by_the_connector(adapter):
    services.catalogue_seed(products=1)
    services.rate_limit_set(scope="stocksRead", per_minute=1)
    connector = make_connector(adapter)
    assert [lvl.available for lvl in connector.stock_read(["SC-0001-S"])] == [11]
    with pytest.raises(TransientError) as caught:
        list(connector.stock_read(["SC-0001-M"]))
    assert 0 < caught.value.retry_after <= 60


def test_injected_malformed_body_and_5xx_are_retried(connector):
    SandboxFault.objects.create(
        system="scayle", kind="malformed", path_contains="/stocks", remaining=1
    )
    SandboxFault.objects.create(system="scayle", kind="500", path_contains="/stocks", remaining=1)
    assert [lvl.available for lvl in connector.stock_read(["SC-0001-S"])] == [11]
    assert SandboxFault.objects.filter(remaining=0).count() == 2


def test_shipment_reported_through_the_fulfillment_api(connector, adapter):
    ref = connector.order_create(order_request(qty=1))
    order = services.order_lookup(ref.source_order_id)
    piece = order.items.get()
    body = {"shopKey": "jl", "countryCode": "GB", "orderId": order.pk, "carrier": "evri",
            "shipmentKey": "H00A1234567890", "items": [{"orderItemId": piece.pk}]}  # fmt: skip
    response = adapter.client.post(
        "/sandbox/scayle/api/admin/v1/fulfillment/shipments",
        data=body,
        content_type="application/json",
        headers={"X-Access-Token": services.DEFAULT_TOKEN},
    )
    assert response.status_code == 201
    [shipment] = connector.shipments_read("").items
    assert (shipment.carrier_name, shipment.tracking_number) == ("evri", "H00A1234567890")
    piece.refresh_from_db()
    returned = adapter.client.post(
        "/sandbox/scayle/api/admin/v1/fulfillment/return-items",
        data={"returnKey": piece.return_key, "received": True, "returnReason": "too small"},
        content_type="application/json",
        headers={"X-Access-Token": services.DEFAULT_TOKEN},
    )
    assert returned.status_code == 201 and returned.json()["status"] == "returned"
    [refund] = connector.refunds_read("").items
    assert refund.refund_id == f"{order.pk}:{piece.pk}:returned"


def test_clock_and_seed_are_stable():
    services.catalogue_seed(products=1)
    services.catalogue_seed(products=1)
    assert m.Variant.objects.count() == 2
    assert services.ean13(1) == "5010000000011"
    assert services.now() <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
