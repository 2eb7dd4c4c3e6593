"""The real MiraklClient against the Mirakl sandbox, end to end (HTTP in-process, no mocks)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import requests

from connectors.base import ConfigError, PermanentError
from connectors.mirakl.client import MiraklClient
from connectors.mirakl.dtos import PriceRow, RefundRequest, ReturnDecision, StockRow, TaxAmount
from connectors.mirakl.sandbox.models import SandboxOrder
from connectors.mirakl.sandbox.services import finance, orders, returns
from connectors.sandbox.faults import clock_advance
from tests.support.wsgi_adapter import DjangoAppAdapter

pytestmark = pytest.mark.django_db
BASE = "http://mirakl.test/sandbox/mirakl"


@pytest.fixture
def shop(sandbox_shop):
    return sandbox_shop


@pytest.fixture
def client(sandbox_client):
    return sandbox_client


def test_configuration_operations(client, shop):
    assert client.account_get().shop_id == shop.shop_id
    assert client.platform_configuration_get() is not None
    assert {c.code for c in client.carriers_list()} >= {"RM", "DPD", "EVRI"}
    assert any(t.mandatory_tracking for t in client.shipping_types_list())
    assert {r.type for r in client.reasons_list()} >= {"REFUND", "CANCELATION"}


def test_wrong_key_is_a_config_error(shop):
    session = requests.Session()
    session.mount("http://mirakl.test", DjangoAppAdapter())
    with pytest.raises(ConfigError):
        MiraklClient(BASE, "wrong", session=session).account_get()


def test_order_lifecycle_through_the_client(client, shop):
    created = orders.orders_create(shop=shop, count=150, lines=[{"sku": "E2E-1", "quantity": 1}])
    listed = list(client.orders_list(start_update_date=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
    assert len(listed) == 150 and len({o.order_id for o in listed}) == 150
    by_ids = list(client.orders_list(order_ids=[o.order_id for o in created[:120]]))
    assert len(by_ids) == 120  # two batches of at most 100 ids
    order = by_ids[0]
    assert order.customer.shipping_address is None  # before SHIPPING
    client.order_accept(
        order.order_id, decisions={line.order_line_id: True for line in order.lines}
    )
    with pytest.raises(PermanentError):  # a second decision: wrong state
        client.order_accept(
            order.order_id, decisions={line.order_line_id: True for line in order.lines}
        )
    orders.orders_debit(shop=shop)
    shipping = next(iter(client.orders_list(order_ids=[order.order_id])))
    assert shipping.order_state == "SHIPPING" and shipping.customer.shipping_address is not None
    client.order_tracking_update(order.order_id, carrier_code="RM", tracking_number="RM1")
    client.order_ship(order.order_id)
    shipped = next(iter(client.orders_list(order_ids=[order.order_id])))
    assert shipped.order_state == "SHIPPED" and shipped.shipping_tracking == "RM1"
    line = shipped.lines[0]
    tax = line.taxes[0].code if line.taxes else "TAXDEFAULT"
    refunds = client.orders_refund(refunds=[RefundRequest(
        order_line_id=line.order_line_id, amount=Decimal("1.00"), shipping_amount=Decimal("0"),
        reason_code="16", taxes=(TaxAmount(code=tax, amount=Decimal("0.17")),))])  # fmt: skip
    assert len(refunds) == 1 and refunds[0].order_line_id == line.order_line_id
    other = created[-1]
    client.order_accept(other.order_id, decisions={other.lines.first().line_id: True})
    orders.orders_debit(shop=shop)
    client.order_cancel(other.order_id)
    assert SandboxOrder.objects.get(order_id=other.order_id).state == "CANCELED"


def test_stock_and_price_imports_with_error_reports(client, shop):
    known = shop.offers.first().shop_sku
    import_id = client.stock_import_create(rows=[StockRow(known, 7), StockRow("NO-SUCH-SKU", 3)])
    status = client.stock_import_status(import_id)
    for _ in range(5):
        if status.finished:
            break
        clock_advance("mirakl", 60)
        status = client.stock_import_status(import_id)
    assert status.status == "COMPLETE" and status.lines_in_error == 1
    assert [e.sku for e in client.stock_import_errors(import_id)] == ["NO-SUCH-SKU"]
    price_id = client.price_import_create(rows=[PriceRow(known, Decimal("19.99"))])
    for _ in range(5):
        clock_advance("mirakl", 60)
        if client.price_import_status(price_id).finished:
            break
    offers = {o.shop_sku: o for o in client.offers_list()}
    assert offers[known].quantity == 7 and offers[known].price == Decimal("19.99")


def test_finance_and_returns_through_the_client(client, shop):
    created = orders.orders_create(shop=shop, count=3, lines=[{"sku": "FIN-1", "quantity": 1}])
    for order in created:
        client.order_accept(order.order_id, decisions={order.lines.first().line_id: True})
    orders.orders_debit(shop=shop)
    for order in created:
        client.order_tracking_update(order.order_id, carrier_code="DPD", tracking_number="D1")
        client.order_ship(order.order_id)
    lines = list(
        client.transaction_logs_list(
            last_updated_from=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), limit=5
        )
    )
    assert {line.type for line in lines} >= {"ORDER_AMOUNT", "COMMISSION_FEE", "COMMISSION_VAT"}
    assert len({line.id for line in lines}) == len(lines) > 5  # paged with limit=5
    clock_advance("mirakl", 40 * 86400)
    orders.orders_evaluate(shop)
    cycle = finance.billing_cycle_close(shop=shop)
    assert cycle is not None
    cycles = list(client.billing_cycles_list())
    assert len(cycles) == 1
    assert isinstance(list(client.invoices_list()), list)
    sandbox_order = SandboxOrder.objects.get(order_id=created[0].order_id)
    orders.order_receive(sandbox_order)
    ret = returns.return_create(sandbox_order)
    listed = list(client.returns_list())
    assert ret.return_id in {r.id for r in listed}
    result = client.returns_accept(decisions=[ReturnDecision(id=ret.return_id, accepted=True)])
    assert ret.return_id in set(result.success_ids)
