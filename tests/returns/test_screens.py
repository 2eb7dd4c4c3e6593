"""The returns list, the order panel and its two forms (POST + CSRF, permissions)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client

from connectors.mirakl.sandbox import services as mirakl
from connectors.mirakl.sandbox.models import SandboxAdjustment
from integration_hub.models import OrderEvent
from returns.models import Cancellation, Refund, Return, Work
from tests.returns.conftest import returns, sandbox_order, shipped, to_shipping

pytestmark = pytest.mark.django_db


def test_order_page_and_returns_list_show_a_manual_return(client, role_user, hub):
    order = shipped(hub)
    mirakl.return_create(sandbox_order(order))
    returns(hub)
    client.force_login(role_user("CX"))

    page = client.get(f"/orders/{order.pk}/").content.decode()
    listing = client.get("/returns/").content.decode()

    rma = Return.objects.get().rma
    assert "Returns, refunds and cancellations" in page and rma in page
    assert "Returns automation is off" in page
    assert "Queue refund" not in page  # CX reads, does not act
    assert rma in listing and order.commercial_id in listing
    assert client.get("/returns/?q=" + rma).status_code == 200


def test_ops_partial_refund_form_queues_one_or28_with_taxes(hub, role_user):
    order = shipped(hub, lines=[{"sku": "SB-0001", "quantity": 2}])
    line = order.lines.get()
    returns(hub)  # RE01 reasons for the form
    client = Client(enforce_csrf_checks=True)
    client.force_login(role_user("Ops"))
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "Queue refund" in page
    token = client.cookies["csrftoken"].value
    form = {"csrfmiddlewaretoken": token, f"qty-{line.pk}": "1", "reason": "16", "shipping": "0"}

    assert (
        client.post(
            f"/returns/orders/{order.pk}/refund/", {**form, "csrfmiddlewaretoken": ""}
        ).status_code
        == 403
    )
    response = client.post(f"/returns/orders/{order.pk}/refund/", form)
    assert response.status_code == 302
    hub.relay()
    hub.relay()

    refund = Refund.objects.get()
    assert refund.origin == "hub" and refund.work == Work.DONE
    assert refund.amount == line.unit_price
    half_tax = (line.tax_amount / 2).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert refund.lines.get().tax_amount == half_tax
    assert SandboxAdjustment.objects.filter(kind="REFUND").count() == 1
    assert OrderEvent.objects.filter(order=order, kind="refund_sent").count() == 1


def test_refund_of_more_than_is_left_is_refused_with_a_message(client, role_user, hub):
    order = shipped(hub, lines=[{"sku": "SB-0001", "quantity": 1}])
    line = order.lines.get()
    returns(hub)
    client.force_login(role_user("Ops"))
    form = {f"amount-{line.pk}": str(line.price + 1), "reason": "16", "shipping": "0"}

    response = client.post(f"/returns/orders/{order.pk}/refund/", form, follow=True)

    assert "Refund not sent" in response.content.decode()
    assert not Refund.objects.exists()


def test_cancel_form_queues_one_or30_and_cx_gets_403(client, role_user, hub):
    order = to_shipping(hub, lines=[{"sku": "SB-0001", "quantity": 2}])
    line = order.lines.get()
    returns(hub)
    client.force_login(role_user("CX"))
    url = f"/returns/orders/{order.pk}/cancel/"
    assert client.post(url, {f"qty-{line.pk}": "1", "reason": "20"}).status_code == 403
    client.force_login(role_user("Ops"))

    client.post(url, {f"qty-{line.pk}": "1", "reason": "20"})
    client.post(url, {f"qty-{line.pk}": "0", "reason": "20"})  # nothing: refused
    hub.relay()

    cancellation = Cancellation.objects.get()
    assert cancellation.work == Work.DONE and cancellation.lines[0]["quantity"] == 1
    assert SandboxAdjustment.objects.filter(kind="CANCELATION").count() == 1
