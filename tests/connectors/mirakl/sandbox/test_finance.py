"""TL02 lines and seek pagination, payment states, billing cycles (SBC11), invoices (IV01)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.mirakl.sandbox import services
from connectors.mirakl.sandbox.models import SandboxTransaction
from connectors.sandbox.faults import clock_advance

from .conftest import shipped_order

pytestmark = pytest.mark.django_db
TL02 = "/api/sellerpayment/transactions_logs"


def _all_lines(api, **params) -> list[dict]:
    lines, token = [], None
    while True:
        page = api.get(TL02, {"page_token": token} if token else params).json()
        lines += page["data"]
        token = page.get("next_page_token")
        if not token:
            return lines


def test_debit_writes_the_order_money_lines(api, shop, make_orders):
    order = make_orders(1, lines=[{"sku": "A1", "quantity": 2, "price": "60.00"}])[0]
    services.order_accept(order, [{"id": f"{order.order_id}-1", "accepted": True}])
    assert api.get(TL02).json()["data"] == []
    services.order_debit(order)
    lines = api.get(TL02, {"order_id": order.order_id, "sort": "dateCreated,ASC"}).json()["data"]
    assert [(x["type"], x["amount"], x["payment_state"]) for x in lines] == [
        ("ORDER_AMOUNT", 100.0, "PENDING"),
        ("ORDER_AMOUNT_TAX", 20.0, "PENDING"),
        ("ORDER_SHIPPING_AMOUNT", 3.29, "PENDING"),
        ("ORDER_SHIPPING_AMOUNT_TAX", 0.66, "PENDING"),
        ("COMMISSION_FEE", -18.59, "PENDING"),
        ("COMMISSION_VAT", -3.72, "PENDING"),
    ]
    assert lines[4]["amount_debited"] == 18.59 and lines[0]["amount_credited"] == 100.0
    assert lines[0]["entities"]["order_line"] == {"id": f"{order.order_id}-1"}
    assert lines[-1]["balance"] == round(100 + 20 + 3.29 + 0.66 - 18.59 - 3.72, 2)


def test_commission_rate_is_configurable(shop, make_orders):
    services.shop_get_or_create(shop_id=shop.shop_id, commission_rate=Decimal("0.10"))
    shop.refresh_from_db()
    order = make_orders(1, lines=[{"sku": "A1", "quantity": 1, "price": "96.05"}])[0]
    line = order.lines.get()
    assert (line.commission_fee, line.commission_vat) == (Decimal("10.00"), Decimal("2.00"))


def test_seek_pagination_walks_to_the_end_and_back(api, shop):
    for _ in range(3):
        shipped_order(shop)
    total = SandboxTransaction.objects.count()
    assert total >= 18
    lines = _all_lines(api, limit=4)
    assert len(lines) == len({x["id"] for x in lines}) == total
    created = [x["date_created"] for x in lines]
    assert created == sorted(created, reverse=True)
    first = api.get(TL02, {"limit": 4}).json()
    assert "previous_page_token" not in first
    second = api.get(TL02, {"page_token": first["next_page_token"], "limit": 1}).json()
    assert len(second["data"]) == 4  # page_token wins over every other parameter
    back = api.get(TL02, {"page_token": second["previous_page_token"]}).json()
    assert [x["id"] for x in back["data"]] == [x["id"] for x in first["data"]]
    assert len(api.get(TL02, {"limit": 2000}).json()["data"]) == total
    assert api.get(TL02, {"page_token": "garbage!"}).status_code == 400


def test_payment_state_moves_with_last_updated(api, shop, make_orders):
    order = make_orders(1)[0]
    services.order_accept(order, [{"id": x.line_id, "accepted": True} for x in order.lines.all()])
    services.order_debit(order)
    pending = _all_lines(api, sort="lastUpdated", limit=2)
    assert {x["payment_state"] for x in pending} == {"PENDING"}
    clock_advance("mirakl", 3600)
    services.order_tracking_set(order, {"carrier_code": "DPD", "tracking_number": "1"})
    services.order_ship(order)
    shipped_at = order.shipped_date.isoformat()
    payable = _all_lines(api, sort="lastUpdated,ASC", last_updated_from=shipped_at)
    assert {x["id"] for x in payable} == {x["id"] for x in pending}
    assert {x["payment_state"] for x in payable} == {"PAYABLE"}
    assert all(x["last_updated"] > x["date_created"] for x in payable)
    clock_advance("mirakl", 3600)
    cycle = services.billing_cycle_close(shop=shop)
    paid = _all_lines(api, sort="lastUpdated", last_updated_from=cycle.created_at.isoformat())
    assert {x["payment_state"] for x in paid} == {"PAID"}
    assert len(paid) == len(pending) + 1
    assert [x["type"] for x in paid].count("PAYMENT") == 1
    assert api.get(TL02, {"payment_state": "PENDING"}).json()["data"] == []


def test_billing_cycle_totals_match_its_lines(api, shop):
    first = shipped_order(shop)
    shipped_order(shop, lines=[{"sku": "A1", "quantity": 1, "price": "10.00"}])
    services.order_refund_portal(
        first, line_id=f"{first.order_id}-1", amount=Decimal("5.00"), shipping_amount=Decimal("0")
    )
    cycle = services.billing_cycle_close(shop=shop)
    cycles = api.get("/api/seller-billing-cycles").json()["data"]
    assert [c["id"] for c in cycles] == [cycle.cycle_id]
    lines = _all_lines(api, seller_billing_cycle_id=cycle.cycle_id, limit=100)
    money = [Decimal(str(x["amount"])) for x in lines if x["type"] != "PAYMENT"]
    payment = [x for x in lines if x["type"] == "PAYMENT"]
    assert Decimal(str(cycles[0]["amount_transferred_to_seller"])) == sum(money)
    assert Decimal(str(payment[0]["amount"])) == -sum(money)
    types = {x["type"] for x in lines}
    assert {
        "REFUND_ORDER_AMOUNT",
        "REFUND_ORDER_AMOUNT_TAX",
        "REFUND_COMMISSION_FEE",
        "REFUND_COMMISSION_VAT",
    } <= types
    commission = -sum(Decimal(str(x["amount"])) for x in lines if "COMMISSION" in x["type"])
    assert Decimal(str(cycles[0]["amount_transferred_to_operator"])) == commission
    invoices = api.get("/api/invoices").json()
    assert invoices["total_count"] == 1
    assert Decimal(str(invoices["invoices"][0]["total_amount_incl_taxes"])) == commission
    assert services.billing_cycle_close(shop=shop) is None


def test_account_balances_follow_payment_states(api, shop):
    shipped_order(shop)
    before = api.get("/api/account").json()["payment_details"]
    assert before["pending_balance"] == 0 and before["payable_balance"] > 0
    services.billing_cycle_close(shop=shop)
    after = api.get("/api/account").json()["payment_details"]
    assert (after["payable_balance"], after["paid_balance"]) == (0, before["payable_balance"])


def test_cancelled_lines_are_never_paid(api, shop, make_orders):
    order = make_orders(1)[0]
    services.order_accept(order, [{"id": x.line_id, "accepted": True} for x in order.lines.all()])
    services.order_debit(order)
    services.order_cancel(order)
    states = {x["payment_state"] for x in _all_lines(api, order_id=order.order_id)}
    assert states == {"NOT_APPLICABLE"}
