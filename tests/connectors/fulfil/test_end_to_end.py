"""The Fulfil connector against the Fulfil sandbox, in-process through the WSGI adapter."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
from django.core.management import call_command

from connectors.base import (
    ConfigError,
    PermanentError,
    ShipmentLine,
    SourceOrderLine,
    SourceOrderRequest,
    StockLevel,
    TransientError,
)
from connectors.fulfil import FulfilConnector
from connectors.fulfil.sandbox import models as m
from connectors.fulfil.sandbox import services
from connectors.sandbox.faults import clock_advance
from connectors.sandbox.models import SandboxFault
from tests.support.orders import source_order_request
from tests.support.wsgi_adapter import DjangoAppAdapter

BASE = "http://sandbox.test/sandbox/fulfil"

pytestmark = pytest.mark.django_db


@pytest.fixture
def adapter() -> DjangoAppAdapter:
    return DjangoAppAdapter()


@pytest.fixture
def setup() -> services.SandboxSetup:
    clock_advance("fulfil", -3600)  # catalogue written an hour ago
    seeded = services.catalogue_seed(products=5, stock=10)
    clock_advance("fulfil", 3600)
    return seeded


def make_connector(adapter, setup, *, api_key: str = "", **options) -> FulfilConnector:
    session = requests.Session()
    session.mount("http://sandbox.test", adapter)
    credentials = {"api_key": api_key or setup.api_key, "webhook_secret": setup.webhook_secret}
    merged = {**setup.options(), "overlap_seconds": "0", **options}
    return FulfilConnector(
        base_url=BASE, credentials=credentials, session=session, sleep=lambda s: None, **merged
    )


@pytest.fixture
def connector(adapter, setup) -> FulfilConnector:
    return make_connector(adapter, setup)


def order_request(reference: str = "JL-1001", qty: int = 2) -> SourceOrderRequest:
    line = SourceOrderLine(sku="FUL-0002", quantity=qty, unit_price=Decimal("12.50"))
    return source_order_request(reference, lines=[line])


def test_ping_and_products_walk_to_the_end_with_valid_eans(adapter, setup):
    connector = make_connector(adapter, setup, page_size="2")
    connector.ping()
    skus, barcodes, cursor, pages = [], [], "", 0
    while True:
        page = connector.products_read(cursor)
        pages += 1
        skus += [p.sku for p in page.items]
        barcodes += [p.barcode for p in page.items]
        cursor = page.next_cursor
        if not page.has_more:
            break
    assert pages == 3
    assert skus == ["FUL-0001", "FUL-0002", "FUL-0003", "FUL-0004", "FUL-0005"]
    assert barcodes[0] == "5000000000012"  # 5 + 3*1 = 8 -> check digit 2
    assert all(len(b) == 13 for b in barcodes)
    assert connector.products_read(cursor).items == []
    services.product_update("FUL-0003", list_price=Decimal("99.00"))
    changed = connector.products_read(cursor)
    assert [(p.sku, p.price) for p in changed.items] == [("FUL-0003", Decimal("99.0000"))]


def test_ping_refuses_an_unknown_warehouse_and_a_wrong_key(adapter, setup):
    with pytest.raises(ConfigError, match=r"\[999\]"):
        make_connector(adapter, setup, warehouse_ids="999").ping()
    wrong = make_connector(adapter, setup, api_key="sk_wrong_key_123")
    with pytest.raises(ConfigError) as caught:
        wrong.ping()
    assert caught.value.status == 401
    assert "sk_wrong_key_123" not in str(caught.value)


def test_stock_sums_configured_warehouses_only_and_reads_changes(connector, setup):
    store = m.Warehouse.objects.get(code="STORE")
    services.stock_set("FUL-0001", 7, warehouse=store)  # not configured: ignored
    levels = {level.sku: level.available for level in connector.stock_read()}
    assert levels == {f"FUL-000{i}": 10 for i in range(1, 6)}
    asked = list(connector.stock_read(["FUL-0002", "NOPE-1"]))
    assert asked == [StockLevel("FUL-0002", 10), StockLevel("NOPE-1", 0)]

    page = connector.stock_changes_read("")
    cursor = page.next_cursor
    services.stock_set("FUL-0004", 3)
    changed = connector.stock_changes_read(cursor)
    assert [(s.sku, s.available) for s in changed.items] == [("FUL-0004", 3)]
    assert connector.stock_changes_read(changed.next_cursor).items == []


def test_order_create_twice_gives_one_confirmed_order_and_reserves_stock(adapter, connector):
    first = connector.order_create(order_request())
    adapter.calls.clear()
    second = connector.order_create(order_request())
    assert first == second
    assert first.source_order_number.startswith("SO")
    assert all(method == "PUT" and "search_read" in path for method, path in adapter.calls)
    sale = m.Sale.objects.get()
    assert (sale.reference, sale.state, sale.total_amount) == ("JL-1001", "confirmed", 25)
    assert sale.comment == "John Lewis Marketplace order JL-1001-A"
    assert sale.shipment_address.zip == "W1A 1AA" and sale.shipment_address.country.code == "GB"
    assert connector.order_find("JL-1001") == first
    assert connector.order_find("JL-404") is None
    assert list(connector.stock_read(["FUL-0002"])) == [StockLevel("FUL-0002", 8)]


def test_a_crash_between_create_and_confirm_is_completed_not_duplicated(connector, setup):
    party = m.Party.objects.get(pk=setup.party_id)
    address = party.addresses.first()
    draft = services.sale_create(
        {
            "reference": "JL-2002",
            "party": party.pk,
            "shipment_address": address.pk,
            "lines": [
                [
                    "create",
                    [
                        {
                            "product": m.Product.objects.get(code=setup.skus[0]).pk,
                            "quantity": 1,
                            "unit_price": Decimal(5),
                        }
                    ],
                ]
            ],
        },
        services.user_preferences(),
    )
    ref = connector.order_create(order_request("JL-2002"))
    assert ref.source_order_id == str(draft.pk)
    assert m.Sale.objects.filter(reference="JL-2002").count() == 1
    draft.refresh_from_db()
    assert draft.state == "confirmed"


def test_a_transient_failure_on_create_rechecks_before_raising(adapter, connector):
    SandboxFault.objects.create(
        system="fulfil", kind="503", path_contains="sale.sale/create", remaining=1
    )
    with pytest.raises(TransientError):
        connector.order_create(order_request("JL-3003"))
    assert not m.Sale.objects.filter(reference="JL-3003").exists()
    ref = connector.order_create(order_request("JL-3003"))
    assert m.Sale.objects.filter(reference="JL-3003").count() == 1
    assert ref.source_order_number


def test_unknown_sku_is_refused_before_anything_is_created(connector):
    request = order_request("JL-4004")
    bad = SourceOrderRequest(
        **{**request.__dict__, "lines": [SourceOrderLine(sku="NOPE", quantity=1, unit_price=1)]}
    )
    with pytest.raises(PermanentError, match="NOPE"):
        connector.order_create(bad)
    assert not m.Sale.objects.exists()


def test_shipments_with_any_carrier_and_tracking(connector):
    connector.order_create(order_request("JL-5005", qty=3))
    start = connector.shipments_read("")
    assert start.items == []
    services.shipment_dispatch(
        "JL-5005",
        carrier="Bob's Bikes Courier",
        service="Same day",
        tracking_number="BB123456",
        tracking_url="https://track.example/BB123456",
        lines={"FUL-0002": 2},
    )
    page = connector.shipments_read(start.next_cursor)
    (shipment,) = page.items
    assert shipment.external_reference == "JL-5005"
    assert (shipment.carrier_name, shipment.carrier_service) == ("Bob's Bikes Courier", "Same day")
    assert (shipment.tracking_number, shipment.tracking_url) == (
        "BB123456",
        "https://track.example/BB123456",
    )
    assert shipment.lines == [ShipmentLine("FUL-0002", 2)]
    assert shipment.shipped_at.tzinfo is not None
    assert connector.shipments_read(page.next_cursor).items == []


def test_returns_are_read_as_refunds(connector):
    connector.order_create(order_request("JL-6006", qty=2))
    services.shipment_dispatch("JL-6006", carrier="DPD", tracking_number="DPD1")
    assert connector.refunds_read("").items == []
    services.sale_return("JL-6006", lines={"FUL-0002": 1})
    (refund,) = connector.refunds_read("").items
    assert refund.external_reference == "JL-6006"
    assert refund.amount == Decimal("12.50")
    assert refund.lines == [ShipmentLine("FUL-0002", 1)]
    # The return keeps the reference but is never mistaken for the order itself.
    assert connector.order_find("JL-6006").source_order_number == "SO" + (
        f"{m.Sale.objects.filter(reference='JL-6006').order_by('pk').first().pk:05d}"
    )


def test_sandbox_rate_limit_answers_json_rpc_minus_32003(adapter, setup):
    services.account_configure(rate_limit_per_minute=2)  # the user context, then the ping
    connector = make_connector(adapter, setup, read_attempts="1")
    connector.ping()
    with pytest.raises(TransientError) as caught:
        connector.products_read("")
    assert caught.value.code == "-32003"
    assert caught.value.retry_after is not None


def test_5xx_carries_the_sentry_id(adapter, setup):
    SandboxFault.objects.create(system="fulfil", kind="500")
    connector = make_connector(adapter, setup, read_attempts="2")
    with pytest.raises(TransientError, match="X-Sentry-ID [0-9a-f]{32}"):
        connector.ping()
    assert len(adapter.calls) == 2


def test_malformed_body_is_transient(adapter, setup):
    SandboxFault.objects.create(system="fulfil", kind="malformed", remaining=1)
    connector = make_connector(adapter, setup, read_attempts="1")
    with pytest.raises(TransientError, match="not JSON"):
        connector.ping()


def test_signed_webhooks_are_verified(connector):
    delivery = services.webhook_send(services.TOPIC_INVENTORY, {"code": "FUL-0001"})
    body = delivery.body.encode()
    event = connector.webhook_parse(delivery.headers, body)
    assert event.topic == "product.inventory.updated"
    assert event.event_id == delivery.event_id
    assert event.payload["data"] == {"code": "FUL-0001"}
    with pytest.raises(PermanentError, match="signature"):
        connector.webhook_parse(delivery.headers, body.replace(b"0001", b"0002"))


def test_command_drives_the_sandbox():
    call_command("fulfil_sandbox", "seed", "--products", "2")
    call_command("fulfil_sandbox", "stock", "FUL-0001", "4")
    quant = m.StockQuant.objects.get(product__code="FUL-0001", warehouse__code="WH")
    assert quant.quantity_on_hand == 4
    call_command("fulfil_sandbox", "setup", "--rate-limit", "5")
    assert services.account_get().rate_limit_per_minute == 5
    call_command("fulfil_sandbox", "webhooks")
    call_command("fulfil_sandbox", "orders")


def test_command_ships_and_returns_an_order(connector):
    connector.order_create(order_request("JL-7007", qty=2))
    call_command(
        "fulfil_sandbox",
        "ship",
        "JL-7007",
        "--carrier",
        "Any Carrier Ltd",
        "--service",
        "Next day",
        "--tracking",
        "ACL-42",
    )
    (shipment,) = connector.shipments_read("").items
    assert (shipment.carrier_name, shipment.tracking_number) == ("Any Carrier Ltd", "ACL-42")
    call_command("fulfil_sandbox", "return", "JL-7007", "--sku", "FUL-0002:2")
    (refund,) = connector.refunds_read("").items
    assert (refund.external_reference, refund.amount) == ("JL-7007", Decimal("25.00"))


def test_webhooks_are_posted_to_the_hub_signed(connector, django_capture_on_commit_callbacks):
    import responses

    services.account_configure(webhook_url="https://hub.example/webhooks/fulfil")
    with responses.RequestsMock() as mocked:
        hook = mocked.post("https://hub.example/webhooks/fulfil", status=200)
        with django_capture_on_commit_callbacks(execute=True):
            services.stock_set("FUL-0003", 1)
        request = hook.calls[0].request
    event = connector.webhook_parse(request.headers, request.body)
    assert event.topic == "product.inventory.updated"
    assert event.payload["data"]["code"] == "FUL-0003"
    delivery = m.WebhookDelivery.objects.get(event_id=event.event_id)
    assert delivery.response_status == 200


def test_a_user_error_from_fulfil_is_permanent_with_its_message(adapter, setup):
    connector = make_connector(adapter, setup, channel_id="999")
    with pytest.raises(PermanentError, match='The value "999" of field "Channel" is not valid'):
        connector.order_create(order_request("JL-8008"))
    assert not m.Sale.objects.filter(reference="JL-8008").exists()
