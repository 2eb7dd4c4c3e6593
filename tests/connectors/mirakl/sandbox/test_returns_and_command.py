"""Returns (RT11/RT21/RT25/RT27) and the `mirakl_sandbox` management command."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from connectors.mirakl.sandbox import services
from connectors.mirakl.sandbox.models import SandboxOrder, SandboxShop, SandboxTransaction

from .conftest import shipped_order

pytestmark = pytest.mark.django_db


def test_return_lifecycle(api, shop):
    order = shipped_order(shop)
    item = services.return_create(order)
    listed = api.get("/api/returns", {"return_state": "WAITING_ACCEPTANCE"}).json()["data"]
    assert [(r["id"], r["order_id"], r["state"]) for r in listed] == [
        (item.return_id, order.order_id, "WAITING_ACCEPTANCE")
    ]
    receive_first = api.put("/api/returns/receive", {"returns": [{"id": item.return_id}]}).json()
    assert receive_first["return_success"] == []
    assert receive_first["return_errors"][0]["id"] == item.return_id
    for action in ("accept", "receive", "close"):
        body = api.put(f"/api/returns/{action}", {"returns": [{"id": item.return_id}]}).json()
        assert body == {"return_success": [{"id": item.return_id}], "return_errors": []}
    assert api.get("/api/returns").json()["data"][0]["state"] == "CLOSED"
    too_many = api.put("/api/returns/close", {"returns": [{"id": "x"}] * 101})
    assert too_many.status_code == 400


def test_refused_return(api, shop):
    item = services.return_create(shipped_order(shop))
    body = {
        "returns": [
            {
                "id": item.return_id,
                "accepted": False,
                "rejection_reason_code": "RETURN_REJECTION_NOT_ELIGIBLE",
            }
        ]
    }
    api.put("/api/returns/accept", body)
    data = api.get("/api/returns").json()["data"][0]
    assert (data["state"], data["rejection_reason_code"]) == (
        "REFUSED",
        "RETURN_REJECTION_NOT_ELIGIBLE",
    )


def _run(*args) -> str:
    out = io.StringIO()
    call_command("mirakl_sandbox", *args, stdout=out)
    return out.getvalue()


def test_command_drives_a_whole_day(db):
    assert "API key sandbox-mirakl-key" in _run("shop", "--commission-rate", "0.12")
    created = _run(
        "orders", "create", "--count", "2", "--sku", "JL-SHIRT-OXF-BLU-M:2:45.00", "--seed", "3"
    )
    order_ids = [line.split()[0] for line in created.splitlines()]
    assert len(order_ids) == 2
    shop = SandboxShop.objects.get()
    for order in SandboxOrder.objects.all():
        services.order_accept(
            order, [{"id": x.line_id, "accepted": True} for x in order.lines.all()]
        )
    assert _run("orders", "debit") == "2 order(s) debited\n"
    first = SandboxOrder.objects.get(order_id=order_ids[0])
    services.order_tracking_set(first, {"carrier_code": "EVRI", "tracking_number": "H01"})
    services.order_ship(first)
    assert "receive done" in _run("orders", "receive", order_ids[0])
    assert "refund" in _run("refund", order_ids[0], "--amount", "10", "--shipping-amount", "0")
    assert "WAITING_ACCEPTANCE" in _run("return", order_ids[0])
    assert "paid" in _run("billing", "close")
    assert _run("billing", "close") == "nothing payable: no billing cycle closed\n"
    assert SandboxTransaction.objects.filter(type="PAYMENT").count() == 1
    assert "clock is now" in _run("time", "advance", "--hours", "25")
    assert "calls" in _run("calls") or _run("calls") == ""
    assert shop.orders.count() == 2
    _run("reset")
    assert SandboxOrder.objects.count() == 0
    assert SandboxShop.objects.count() == 1


def test_command_time_advance_auto_refuses(db):
    _run("orders", "create", "--count", "1")
    _run("time", "advance", "--days", "2")
    assert SandboxOrder.objects.get().state == "REFUSED"
