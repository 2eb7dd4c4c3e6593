"""The Magento connector against the Magento sandbox, in-process through the WSGI adapter."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
import requests

from connectors.base import (
    ConfigError,
    SourceOrderLine,
    SourceOrderRequest,
    TransientError,
)
from connectors.magento import MagentoConnector
from connectors.magento.sandbox import models as m
from connectors.magento.sandbox import services
from connectors.sandbox.faults import clock_advance
from connectors.sandbox.models import SandboxFault
from tests.support.orders import source_order_request
from tests.support.wsgi_adapter import DjangoAppAdapter

BASE = "http://sandbox.test/sandbox/magento"

pytestmark = pytest.mark.django_db


@pytest.fixture
def adapter() -> DjangoAppAdapter:
    return DjangoAppAdapter()


@pytest.fixture
def connector(adapter):
    services.catalogue_seed(products=5)
    return make_connector(adapter)


def make_connector(adapter, **options) -> MagentoConnector:
    session = requests.Session()
    session.mount("http://sandbox.test", adapter)
    credentials = {"access_token": services.DEFAULT_TOKEN}
    return MagentoConnector(
        base_url=BASE, credentials=credentials, session=session, sleep=lambda s: None, **options
    )


def order_request(reference: str = "JL-1001", qty: int = 2) -> SourceOrderRequest:
    line = SourceOrderLine(sku="MG-0002", quantity=qty, unit_price=Decimal("12.00"))
    return source_order_request(reference, lines=[line])


def test_ping_and_products_with_ean_and_incremental_cursor(adapter):
    clock_advance("magento", -3600)  # catalogue saved an hour ago: its seconds are settled
    services.catalogue_seed(products=5)
    connector = make_connector(adapter)
    connector.ping()
    page = connector.products_read("")
    assert [p.sku for p in page.items] == ["MG-0001", "MG-0002", "MG-0003", "MG-0004", "MG-0005"]
    first = page.items[0]
    assert (first.title, first.price) == ("Linen Shirt", Decimal("11.0"))
    assert first.barcode == "5010000000011"  # 5+1+3*1 = 9 -> check digit 1
    assert page.has_more is False
    assert connector.products_read(page.next_cursor).items == []

    clock_advance("magento", 1800)
    services.product_update(sku="MG-0003", price=Decimal("99.00"))
    later = connector.products_read(page.next_cursor)
    assert [(p.sku, p.price) for p in later.items] == [("MG-0003", Decimal("99.0"))]


def test_products_in_a_recent_second_are_read_again(connector):
    page = connector.products_read("")
    again = connector.products_read(page.next_cursor)
    assert [p.sku for p in again.items] == [p.sku for p in page.items]
    assert again.next_cursor == page.next_cursor


def test_stock_sums_sources_and_salable_subtracts_reservations(connector, adapter):
    assert {lvl.sku: lvl.available for lvl in connector.stock_read()} == {
        "MG-0001": 11,
        "MG-0002": 22,
        "MG-0003": 30,
        "MG-0004": 41,
        "MG-0005": 52,
    }
    only_default = make_connector(adapter, source_codes="default")
    assert [(s.sku, s.available) for s in only_default.stock_read(["MG-0002", "NOPE"])] == [
        ("MG-0002", 20),
        ("NOPE", 0),
    ]
    connector.order_create(order_request(qty=3))
    salable = make_connector(adapter, stock_id="1")
    assert [(s.sku, s.available) for s in salable.stock_read(["MG-0002"])] == [("MG-0002", 19)]
    assert [(s.sku, s.available) for s in connector.stock_read(["MG-0002"])] == [("MG-0002", 22)]


def test_stock_changes_only_report_changed_buckets(connector):
    first = connector.stock_changes_read("")
    assert len(first.items) == 5
    assert connector.stock_changes_read(first.next_cursor).items == []
    services.stock_set(sku="MG-0004", quantity=7, source_code="default")
    changed = connector.stock_changes_read(first.next_cursor)
    assert ("MG-0004", 8) in [(s.sku, s.available) for s in changed.items]
    assert len(changed.items) < 5


def test_order_create_twice_makes_one_order_with_reference_comment_and_reservation(
    connector, adapter
):
    first = connector.order_create(order_request())
    calls_before = len(adapter.calls)
    second = connector.order_create(order_request())
    assert second == first
    [(method, path)] = adapter.calls[calls_before:]  # one lookup, no cart
    assert method == "GET"
    assert path.startswith("/sandbox/magento/rest/default/V1/orders?")
    order = m.Order.objects.get()
    assert (str(order.pk), order.increment_id, order.ext_order_id) == (
        first.source_order_id,
        first.source_order_number,
        "JL-1001",
    )
    # 2 x 12.00, 20% VAT on it, 5.00 flat rate (untaxed)
    assert (order.subtotal, order.tax_amount, order.grand_total) == (
        Decimal("24.00"),
        Decimal("4.80"),
        Decimal("33.80"),
    )
    assert order.quote_id is not None
    assert order.comments.get().comment == (
        "John Lewis Marketplace order JL-1001 (Mirakl order id JL-1001-A)"
    )
    assert list(m.Reservation.objects.values_list("sku", "quantity")) == [("MG-0002", Decimal(-2))]
    assert connector.order_find("JL-1001") == first
    assert connector.order_find("JL-9999") is None


class LosesPlacementAnswer(DjangoAppAdapter):
    """Magento places the order, then the answer is lost on the way back (a read timeout)."""

    def send(self, request, **kwargs):
        response = super().send(request, **kwargs)
        if request.url.endswith("/payment-information"):
            raise requests.ReadTimeout("read timed out")
        return response


class WorkerKilled(BaseException):
    """The worker process dies: nothing after this point of the call runs."""


class KilledBeforeStamp(DjangoAppAdapter):
    """The order is placed, then the worker dies before it saves the JL number on it."""

    def send(self, request, **kwargs):
        if request.method == "POST" and request.url.endswith("/V1/orders"):
            raise WorkerKilled
        return super().send(request, **kwargs)


def journal_request(notes: list, reference: str = "JL-1001") -> SourceOrderRequest:
    """The request as the hub builds it: the notes of earlier attempts and where to add one."""
    return dataclasses.replace(
        order_request(reference), attempts=tuple(notes), attempt_record=notes.append
    )


def test_stock_magento_has_no_reference_module_route(adapter):
    services.catalogue_seed(products=1)
    session = requests.Session()
    session.mount("http://sandbox.test", adapter)
    cart = session.post(f"{BASE}/rest/V1/guest-carts").json()
    answer = session.put(f"{BASE}/rest/V1/guest-carts/{cart}/ext-order-id", json={"x": 1})
    assert (answer.status_code, answer.json()["message"]) == (
        404,
        "Request does not match any route.",
    )


def test_injection_on_stock_magento_makes_one_order_with_number_and_comment(connector):
    notes: list = []
    ref = connector.order_create(journal_request(notes))
    order = m.Order.objects.get()
    assert (ref.source_order_id, order.ext_order_id) == (str(order.pk), "JL-1001")
    assert notes == [{"quote_id": str(order.quote_id), "cart_id": notes[0]["cart_id"]}]
    assert [c.comment for c in order.comments.all()] == [
        "John Lewis Marketplace order JL-1001 (Mirakl order id JL-1001-A)"
    ]
    assert connector.order_create(journal_request(notes)) == ref
    assert (m.Order.objects.count(), order.comments.count()) == (1, 1)


def test_worker_killed_between_placement_and_stamp_is_finished_by_the_next_attempt():
    services.catalogue_seed(products=5)
    notes: list = []
    with pytest.raises(WorkerKilled):
        make_connector(KilledBeforeStamp()).order_create(journal_request(notes))
    placed = m.Order.objects.get()
    assert placed.ext_order_id == ""  # stock Magento: nothing of ours on it yet

    adapter = DjangoAppAdapter()
    ref = make_connector(adapter).order_create(journal_request(notes))

    order = m.Order.objects.get()
    assert (ref.source_order_id, order.ext_order_id) == (str(placed.pk), "JL-1001")
    assert order.comments.count() == 1
    assert not [path for _, path in adapter.calls if "guest-carts" in path]
    assert list(m.Reservation.objects.values_list("quantity", flat=True)) == [Decimal(-2)]


def test_lost_placement_answer_then_retry_with_the_journal_places_no_second_order():
    services.catalogue_seed(products=5)
    notes: list = []
    adapter = LosesPlacementAnswer()
    ref = make_connector(adapter).order_create(journal_request(notes))
    assert make_connector(DjangoAppAdapter()).order_create(journal_request(notes)) == ref
    assert m.Order.objects.filter(ext_order_id="JL-1001").count() == 1
    assert m.Order.objects.count() == 1


def test_placement_refused_by_a_fault_then_retried_places_one_order(connector):
    SandboxFault.objects.create(
        system="magento", kind="503", path_contains="payment-information", remaining=1
    )
    with pytest.raises(TransientError):
        connector.order_create(order_request())
    ref = connector.order_create(order_request())
    assert m.Order.objects.filter(ext_order_id="JL-1001").count() == 1
    assert connector.order_create(order_request()) == ref


def test_shipments_with_any_carrier_and_credit_memos(connector):
    ref = connector.order_create(order_request())
    order = services.order_lookup("JL-1001")
    services.order_ship(
        order=order, carrier_title="DPD Local", carrier_code="dpd_next_day", track_number="15501234"
    )
    page = connector.shipments_read("")
    [shipment] = page.items
    assert (shipment.source_order_id, shipment.external_reference) == (
        ref.source_order_id,
        "JL-1001",
    )
    assert (shipment.carrier_name, shipment.carrier_service, shipment.tracking_number) == (
        "DPD Local",
        "dpd_next_day",
        "15501234",
    )
    assert [(line.sku, line.quantity) for line in shipment.lines] == [("MG-0002", 2)]
    assert m.SourceItem.objects.get(sku="MG-0002", source_code="default").quantity == 18
    assert services.salable_quantity(sku="MG-0002", stock_id=1) == 20

    services.creditmemo_create(order=order, items={"MG-0002": 1}, shipping_amount=Decimal("0"))
    [refund] = connector.refunds_read("").items
    assert (refund.external_reference, refund.amount, refund.shipping_amount) == (
        "JL-1001",
        Decimal("14.4"),  # 12.00 + its 20% VAT, which Magento refunds with the item
        Decimal("0.0"),
    )
    assert [(line.sku, line.quantity) for line in refund.lines] == [("MG-0002", 1)]


def test_custom_carrier_takes_service_from_order_shipping_description(connector):
    connector.order_create(order_request())
    services.order_ship(
        order=services.order_lookup("JL-1001"),
        carrier_title="Royal Mail",
        carrier_code="custom",
        track_number="RM123456785GB",
    )
    [shipment] = connector.shipments_read("").items
    assert (shipment.carrier_name, shipment.carrier_service) == ("Royal Mail", "Flat Rate - Fixed")


def test_token_without_sales_resource_is_a_config_error(adapter):
    services.catalogue_seed(products=1)
    catalogue = ["Magento_Catalog::products", "Magento_Catalog::attributes_attributes"]
    catalogue += ["Magento_Catalog::categories", "Magento_Backend::store"]
    services.token_create(name="catalogue only", token="t-cat", resources=catalogue)
    session = requests.Session()
    session.mount("http://sandbox.test", adapter)
    connector = MagentoConnector(
        base_url=BASE, credentials={"access_token": "t-cat"}, session=session
    )
    assert len(connector.products_read("").items) == 1
    with pytest.raises(ConfigError) as caught:
        connector.order_find("JL-1")
    assert str(caught.value) == (
        "Magento GET orders failed (401): "
        "The consumer isn't authorized to access Magento_Sales::actions_view."
    )
    assert "t-cat" not in repr(caught.value.__dict__)
