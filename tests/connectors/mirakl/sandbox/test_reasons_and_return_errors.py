"""RE01 ``is_shop_right`` (some reasons are the operator's), OR28/OR30 refusing those from the
shop, and RT21/RT25/RT27 per-return errors shaped and worded like the spec's example."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.mirakl.sandbox import services

from .conftest import shipped_order

pytestmark = pytest.mark.django_db


def _reasons(api) -> dict[tuple[str, str], bool]:
    body = api.get("/api/reasons").json()
    return {(r["type"], r["code"]): r["is_shop_right"] for r in body["reasons"]}


def test_re01_says_which_reasons_the_shop_may_use(api):
    reasons = _reasons(api)

    assert reasons[("REFUND", "15")] is True and reasons[("REFUND", "12")] is False
    assert reasons[("CANCELATION", "20")] is True and reasons[("CANCELATION", "19")] is False


def _refund(line_id: str, reason: str) -> dict:
    return {"order_line_id": line_id, "amount": 5, "shipping_amount": 0, "reason_code": reason}


def test_or28_refuses_a_reason_the_shop_may_not_use_but_the_portal_may(api, shop):
    order = shipped_order(shop)
    line_id = f"{order.order_id}-1"

    refused = api.put("/api/orders/refund", {"refunds": [_refund(line_id, "12")]})
    assert refused.status_code == 400
    assert "not available to the shop" in refused.json()["message"]
    assert api.put("/api/orders/refund", {"refunds": [_refund(line_id, "15")]}).status_code == 200
    portal = services.order_refund_portal(order, amount=Decimal("1.00"), reason_code="12")
    assert {refund.reason_code for refund in portal} == {
        "12"
    }  # the operator's own reason, in the back office


def test_or30_refuses_a_reason_the_shop_may_not_use(api, shop, make_orders):
    order = make_orders(1)[0]
    services.order_accept(order, [{"id": x.line_id, "accepted": True} for x in order.lines.all()])
    services.orders_debit(shop=shop)
    line = order.lines.first()

    def cancel(reason: str):
        item = {"order_line_id": line.line_id, "quantity": 1, "amount": 1, "shipping_amount": 0}
        return api.put("/api/orders/cancel", {"cancelations": [{**item, "reason_code": reason}]})

    assert cancel("19").status_code == 400
    assert cancel("20").status_code == 200


def test_return_errors_are_id_and_message_in_the_spec_wording(api, shop):
    item = services.return_create(shipped_order(shop))

    body = api.put(
        "/api/returns/receive", {"returns": [{"id": item.return_id}, {"id": "no-such-return"}]}
    ).json()

    assert body["return_success"] == []
    assert body["return_errors"] == [
        {"id": item.return_id, "message": "Return is in invalid state"},
        {"id": "no-such-return", "message": "The return does not exist."},
    ]
