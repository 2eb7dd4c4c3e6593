"""Order fees and seller fees in the sandbox: an express order carries a customer fee in OR11
``fees[]`` (ORDER_FEE_AMOUNT in TL02) and a seller fee OR11 does not show (SELLER_FEE_ON_ORDER)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.mirakl.sandbox import services

from .conftest import shipped_order
from .spec import assert_conforms

pytestmark = pytest.mark.django_db
TL02 = "/api/sellerpayment/transactions_logs"
ONE = [{"sku": "A1", "quantity": 1, "price": "60.00"}]


def _lines(api, order) -> list[dict]:
    params = {"order_id": order.order_id, "sort": "dateCreated,ASC"}
    return api.get(TL02, params).json()["data"]


def test_express_order_carries_its_fee_in_or11_and_tl02(api, shop):
    order = shipped_order(shop, lines=ONE, shipping_type_code="EXP")
    body = api.get("/api/orders", {"order_ids": order.order_id}).json()["orders"][0]
    line = body["order_lines"][0]
    assert line["fees"] == [{"code": "EXPRESS-SERVICE", "amount": 1.0}]
    assert line["total_price"] == line["price"] + line["shipping_price"] + 1.0
    assert body["total_price"] == line["total_price"]
    lines = {x["type"]: x for x in _lines(api, order)}
    fee = lines["ORDER_FEE_AMOUNT"]
    assert (fee["amount"], fee["amount_credited"], fee["amount_debited"]) == (1.0, 1.0, 0)
    assert fee["entities"]["order_fee"] == {"code": "EXPRESS-SERVICE"}
    assert fee["entities"]["order_line"] == {"id": line["order_line_id"]}
    seller = lines["SELLER_FEE_ON_ORDER"]
    assert (seller["amount"], seller["amount_debited"]) == (-0.55, 0.55)
    assert seller["entities"]["fee"] == {"code": "EXPRESS-HANDLING"}
    assert "order_line" not in seller["entities"] and seller["entities"]["order"]["id"]
    assert lines["SELLER_FEE_ON_ORDER_TAX"]["amount"] == -0.11
    assert {x["payment_state"] for x in lines.values()} == {"PAYABLE"}


def test_standard_order_has_no_fees(api, shop):
    order = shipped_order(shop, lines=ONE)
    body = api.get("/api/orders", {"order_ids": order.order_id}).json()["orders"][0]
    assert body["order_lines"][0]["fees"] == []
    assert not [x for x in _lines(api, order) if "FEE_" in x["type"] and "COMMISSION" not in x]


def test_fees_are_paid_out_with_the_cycle(api, shop):
    order = shipped_order(shop, lines=ONE, shipping_type_code="EXP")
    cycle = services.billing_cycle_close(shop=shop)
    money = [Decimal(str(x["amount"])) for x in _lines(api, order)]
    assert cycle.amount_to_seller == sum(money)
    assert "ORDER_FEE_AMOUNT" in {x["type"] for x in _lines(api, order)}


def test_a_cancelled_express_order_never_pays_its_seller_fee(api, shop, make_orders):
    order = make_orders(1, lines=ONE, shipping_type_code="EXP")[0]
    services.order_accept(order, [{"id": x.line_id, "accepted": True} for x in order.lines.all()])
    services.order_debit(order)
    services.order_cancel(order)
    states = {x["type"]: x["payment_state"] for x in _lines(api, order)}
    assert states["SELLER_FEE_ON_ORDER"] == states["ORDER_FEE_AMOUNT"] == "NOT_APPLICABLE"


def test_fee_lines_and_order_fees_conform_to_the_spec(api, shop):
    shipped_order(shop, lines=ONE, shipping_type_code="EXP")
    assert_conforms("OR11", api.get("/api/orders", {"max": 100}))
    assert_conforms("TL02", api.get(TL02, {"limit": 2000}))
