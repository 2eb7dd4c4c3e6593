"""The order state machine, its guards (400s) and the auto-refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors.mirakl.sandbox import services
from connectors.mirakl.sandbox.models import SandboxOrder
from connectors.sandbox.faults import clock_advance

from .conftest import shipped_order

pytestmark = pytest.mark.django_db


def _order_json(api, order_id: str) -> dict:
    orders = api.get("/api/orders", {"order_ids": order_id}).json()["orders"]
    assert len(orders) == 1
    return orders[0]


def _all(order, accepted=True) -> dict:
    return {"order_lines": [{"id": x.line_id, "accepted": accepted} for x in order.lines.all()]}


def test_ids_follow_mirakl_conventions(make_orders):
    order = make_orders(1, lines=[{"sku": "A1", "quantity": 1}, {"sku": "B2", "quantity": 3}])[0]
    assert order.order_id == f"{order.commercial_id}-A"
    assert [x.line_id for x in order.lines.all()] == [f"{order.order_id}-1", f"{order.order_id}-2"]
    assert order.state == "WAITING_ACCEPTANCE"


def test_addresses_are_null_until_shipping(api, shop, make_orders):
    order = make_orders(1)[0]
    assert _order_json(api, order.order_id)["customer"]["shipping_address"] is None
    assert api.put(f"/api/orders/{order.order_id}/accept", _all(order)).status_code == 204
    waiting = _order_json(api, order.order_id)
    assert waiting["order_state"] == "WAITING_DEBIT_PAYMENT"
    assert waiting["customer"]["billing_address"] is None
    services.orders_debit(shop=shop)
    shipping = _order_json(api, order.order_id)
    assert shipping["order_state"] == "SHIPPING"
    assert shipping["customer"]["shipping_address"]["country_iso_code"] == "GBR"
    assert shipping["order_lines"][0]["order_line_state"] == "SHIPPING"


def test_accept_needs_a_decision_for_every_line(api, make_orders):
    order = make_orders(1, lines=[{"sku": "A1", "quantity": 1}, {"sku": "B2", "quantity": 1}])[0]
    body = {"order_lines": [{"id": f"{order.order_id}-1", "accepted": True}]}
    response = api.put(f"/api/orders/{order.order_id}/accept", body)
    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert response.json()["code"] == "ORDER_LINE_ACCEPTANCE_DECISION_MISSING"
    assert f"{order.order_id}-2" in response.json()["message"]
    assert SandboxOrder.objects.get(pk=order.pk).state == "WAITING_ACCEPTANCE"


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([None], "ORDER_LINE_NULL_ELEMENT"),
        ([{"id": "X-A-9", "accepted": True}], "ORDER_LINE_NOT_FOUND"),
        (
            [{"id": "{line}", "accepted": True}, {"id": "{line}", "accepted": False}],
            "ORDER_LINE_DUPLICATE_ID",
        ),
        ([{"order_line_id": "{line}", "accepted": True}], "VALIDATION_ERROR"),
    ],
)
def test_accept_rejects_bad_line_lists(api, make_orders, lines, code):
    order = make_orders(1, lines=[{"sku": "A1", "quantity": 1}])[0]
    line_id = f"{order.order_id}-1"
    body = [
        item
        if item is None
        else {k: v.replace("{line}", line_id) if isinstance(v, str) else v for k, v in item.items()}
        for item in lines
    ]
    response = api.put(f"/api/orders/{order.order_id}/accept", {"order_lines": body})
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_accept_in_the_wrong_state_is_a_400(api, make_orders):
    order = make_orders(1)[0]
    assert api.put(f"/api/orders/{order.order_id}/accept", _all(order)).status_code == 204
    again = api.put(f"/api/orders/{order.order_id}/accept", _all(order))
    assert again.status_code == 400
    assert again.json()["code"] == "ORDER_INVALID_STATE"


def test_unknown_order_is_a_404(api):
    response = api.put("/api/orders/0000000000-A/accept", {"order_lines": []})
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "message": "Order with id '0000000000-A' not found",
        "code": "ORDER_NOT_FOUND",
    }


def test_refusing_every_line_refuses_the_order(api, make_orders):
    order = make_orders(1, lines=[{"sku": "A1", "quantity": 1}, {"sku": "B2", "quantity": 1}])[0]
    assert api.put(f"/api/orders/{order.order_id}/accept", _all(order, False)).status_code == 204
    data = _order_json(api, order.order_id)
    assert data["order_state"] == "REFUSED"
    assert {x["order_line_state"] for x in data["order_lines"]} == {"REFUSED"}
    assert data["acceptance_decision_date"] is not None


def test_partial_acceptance_refuses_only_the_refused_line(api, make_orders):
    order = make_orders(1, lines=[{"sku": "A1", "quantity": 1}, {"sku": "B2", "quantity": 1}])[0]
    body = {
        "order_lines": [
            {"id": f"{order.order_id}-1", "accepted": True},
            {"id": f"{order.order_id}-2", "accepted": False},
        ]
    }
    assert api.put(f"/api/orders/{order.order_id}/accept", body).status_code == 204
    data = _order_json(api, order.order_id)
    assert data["order_state"] == "WAITING_DEBIT_PAYMENT"
    assert [x["order_line_state"] for x in data["order_lines"]] == [
        "WAITING_DEBIT_PAYMENT",
        "REFUSED",
    ]


def test_unaccepted_order_is_auto_refused_after_the_deadline(api, shop, make_orders):
    order = make_orders(1)[0]
    clock_advance("mirakl", 23 * 3600)
    assert _order_json(api, order.order_id)["order_state"] == "WAITING_ACCEPTANCE"
    clock_advance("mirakl", 3600 + 1)
    data = _order_json(api, order.order_id)
    assert data["order_state"] == "REFUSED"
    assert data["acceptance_decision_date"] is None
    deadline = order.created_at + dt.timedelta(hours=24)
    assert data["last_updated_date"] == deadline.strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{deadline.microsecond // 1000:03d}Z"
    )
    late = api.put(f"/api/orders/{order.order_id}/accept", _all(order))
    assert late.status_code == 400


def test_ship_needs_tracking_when_the_shipping_type_demands_it(api, shop, make_orders):
    order = make_orders(1)[0]
    api.put(f"/api/orders/{order.order_id}/accept", _all(order))
    assert api.put(f"/api/orders/{order.order_id}/ship").status_code == 400
    services.orders_debit(shop=shop)
    untracked = api.put(f"/api/orders/{order.order_id}/ship")
    assert untracked.status_code == 400
    assert "Tracking information is mandatory" in untracked.json()["message"]
    tracking = {"carrier_code": "RM", "tracking_number": "AB123456789GB"}
    assert api.put(f"/api/orders/{order.order_id}/tracking", tracking).status_code == 204
    assert api.put(f"/api/orders/{order.order_id}/ship").status_code == 204
    data = _order_json(api, order.order_id)
    assert data["order_state"] == "SHIPPED"
    assert data["shipping_carrier_code"] == "RM"
    assert data["shipping_tracking_url"].endswith("/AB123456789GB")
    assert api.put(f"/api/orders/{order.order_id}/ship").status_code == 400


def test_untracked_shipping_type_ships_without_tracking(api, shop, make_orders):
    order = make_orders(1, shipping_type_code="LETTER")[0]
    services.order_accept(order, _all(order)["order_lines"])
    services.orders_debit(shop=shop)
    assert api.put(f"/api/orders/{order.order_id}/ship").status_code == 204


def test_tracking_needs_a_registered_carrier_or_a_name(api, shop, make_orders):
    order = make_orders(1)[0]
    services.order_accept(order, _all(order)["order_lines"])
    services.orders_debit(shop=shop)
    path = f"/api/orders/{order.order_id}/tracking"
    assert api.put(path, {"carrier_code": "NOPE", "tracking_number": "1"}).status_code == 400
    assert api.put(path, {"tracking_number": "1"}).status_code == 400
    custom = {
        "carrier_name": "Local Courier",
        "carrier_url": "https://lc.example/t/1",
        "tracking_number": "1",
    }
    assert api.put(path, custom).status_code == 204
    data = _order_json(api, order.order_id)
    assert (data["shipping_company"], data["shipping_tracking_url"]) == (
        "Local Courier",
        "https://lc.example/t/1",
    )


def test_cancel_only_while_the_order_can_be_cancelled(api, shop, make_orders):
    order = make_orders(1)[0]
    assert _order_json(api, order.order_id)["can_cancel"] is False
    assert api.put(f"/api/orders/{order.order_id}/cancel").status_code == 400
    services.order_accept(order, _all(order)["order_lines"])
    services.orders_debit(shop=shop)
    assert _order_json(api, order.order_id)["can_cancel"] is True
    assert api.put(f"/api/orders/{order.order_id}/cancel").status_code == 204
    data = _order_json(api, order.order_id)
    assert data["order_state"] == "CANCELED"
    assert all(len(x["cancelations"]) == 1 for x in data["order_lines"])


def test_refunds_only_on_shipped_or_received_and_within_what_is_left(api, shop, make_orders):
    order = make_orders(1, lines=[{"sku": "A1", "quantity": 2, "price": "20.00"}])[0]
    services.order_accept(order, _all(order)["order_lines"])
    services.orders_debit(shop=shop)
    line_id = f"{order.order_id}-1"

    def refund(amount, shipping=0):
        body = {
            "refunds": [
                {
                    "order_line_id": line_id,
                    "amount": amount,
                    "shipping_amount": shipping,
                    "reason_code": "13",
                }
            ]
        }
        return api.put("/api/orders/refund", body)

    assert refund(5).status_code == 400  # still SHIPPING
    order = shipped_order(shop, lines=[{"sku": "A1", "quantity": 2, "price": "20.00"}])
    line_id = f"{order.order_id}-1"
    assert refund("40.01").status_code == 400
    assert refund(0, "3.96").status_code == 400
    first = refund("30.00", "3.95")
    assert first.status_code == 200
    created = first.json()["refunds"][0]
    assert (created["order_line_id"], created["amount"], created["shipping_amount"]) == (
        line_id,
        30.0,
        3.95,
    )
    assert created["refund_id"] and created["order_refund_id"]
    too_much = refund("10.01")
    assert too_much.status_code == 400
    assert "amount 10.00" in too_much.json()["message"]
    assert refund("10.00").status_code == 200
    data = _order_json(api, order.order_id)
    assert data["fully_refunded"] is True
    assert data["order_lines"][0]["can_refund"] is False
    assert [r["amount"] for r in data["order_lines"][0]["refunds"]] == [30.0, 10.0]


def test_refund_needs_a_refund_reason(api, shop):
    order = shipped_order(shop)
    body = {
        "refunds": [
            {
                "order_line_id": f"{order.order_id}-1",
                "amount": 1,
                "shipping_amount": 0,
                "reason_code": "20",
            }
        ]
    }
    assert api.put("/api/orders/refund", body).status_code == 400


def test_received_and_closed(api, shop):
    order = shipped_order(shop)
    services.order_receive(order)
    assert _order_json(api, order.order_id)["order_state"] == "RECEIVED"
    services.order_close(SandboxOrder.objects.get(pk=order.pk))
    data = _order_json(api, order.order_id)
    assert data["order_state"] == "CLOSED"
    body = {
        "refunds": [
            {
                "order_line_id": f"{order.order_id}-1",
                "amount": 1,
                "shipping_amount": 0,
                "reason_code": "13",
            }
        ]
    }
    assert api.put("/api/orders/refund", body).status_code == 400


def test_staging_orders_are_released_after_a_minute(api, shop, make_orders):
    order = make_orders(1, staging=True)[0]
    assert _order_json(api, order.order_id)["order_state"] == "STAGING"
    assert api.put(f"/api/orders/{order.order_id}/accept", _all(order)).status_code == 400
    clock_advance("mirakl", 61)
    assert _order_json(api, order.order_id)["order_state"] == "WAITING_ACCEPTANCE"


def test_automatic_acceptance_shop(api, shop):
    services.shop_get_or_create(shop_id=shop.shop_id, order_acceptance="AUTOMATIC")
    shop.refresh_from_db()
    order = services.orders_create(shop=shop)[0]
    data = _order_json(api, order.order_id)
    assert data["order_state"] == "WAITING_DEBIT_PAYMENT"
    assert data["acceptance_decision_date"] is None
