"""Dispatches without a tracking number, against the Mirakl and Shopify sandboxes (issue 16).

The spec makes OR23's tracking number mandatory only for a registered carrier whose SH21
tracking URL needs one, and SH12 says per shipping type whether tracking is mandatory. So an
untracked shipment on a type without mandatory tracking is confirmed: OR23 with the carrier
code alone when the carrier's link needs no number, otherwise OR24 alone.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from connectors.base import PermanentError, TransientError
from connectors.mirakl.client import MiraklClient
from connectors.mirakl.sandbox import catalog
from connectors.mirakl.sandbox.models import SandboxOrder
from connectors.mirakl.sandbox.services import orders as sandbox_orders
from connectors.shopify.sandbox import services as shopify
from exceptions_queue.models import ExceptionItem, Status
from integration_hub.flows.dispatch import dispatch_failure_message
from integration_hub.models import HubStatus, Order, OrderEvent, ShippingType
from tests.integration_hub.flows.test_orders_flow import dispatch, map_carrier, orders

pytestmark = pytest.mark.django_db


def to_shipping(hub, shipping_type_code: str) -> Order:
    """One marketplace order on ``shipping_type_code``, accepted, debited, injected."""
    lines = [{"sku": "SB-0001", "quantity": 1}]
    created = hub.marketplace_orders(lines=lines, shipping_type_code=shipping_type_code)[0]
    orders(hub)
    hub.debit_all()
    orders(hub)
    return Order.objects.get(marketplace_order_id=created.order_id)


def ship_untracked(hub, order: Order, company: str) -> None:
    shopify.fulfillment_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, company=company, number=""
    )


def open_items(kind: str):
    return ExceptionItem.objects.filter(status=Status.OPEN, kind=kind)


def tracking_bodies(hub) -> list[dict]:
    return [json.loads(body) for method, path, body in hub.sent if path.endswith("/tracking")]


@pytest.fixture
def hub(hub):
    """The flow hub, also keeping the body of every PUT sent to the sandboxes."""
    hub.sent = []
    send = hub.adapter.send

    def send_and_keep(request, **kwargs):
        if request.method == "PUT":
            hub.sent.append((request.method, request.path_url, request.body or b"{}"))
        return send(request, **kwargs)

    hub.adapter.send = send_and_keep
    return hub


def test_untracked_on_a_type_without_mandatory_tracking_is_shipped_with_or24(hub):
    """Every sandbox carrier's link needs the number, so OR23 would be refused: OR24 alone."""
    order = to_shipping(hub, "LETTER")
    assert not ShippingType.objects.get(code="LETTER").mandatory_tracking
    map_carrier(hub, "Royal Mail", "RM")
    ship_untracked(hub, order, "Royal Mail")

    dispatch(hub)

    order.refresh_from_db()
    assert order.hub_status == HubStatus.CONFIRMED
    assert SandboxOrder.objects.get(order_id=order.marketplace_order_id).state == "SHIPPED"
    assert not hub.calls("/tracking", "PUT")
    assert len(hub.calls("/ship", "PUT")) == 1
    assert not ExceptionItem.objects.filter(status=Status.OPEN).exists()
    events = dict(OrderEvent.objects.filter(order=order).values_list("kind", "message"))
    assert "tracking_sent" not in events
    assert events["tracking_skipped"].startswith("No tracking number, which carrier RM needs")
    assert "OR24, no tracking number" in events["confirmed"]


def test_untracked_sends_the_code_alone_when_the_carrier_link_needs_no_number(hub, monkeypatch):
    monkeypatch.setitem(catalog.CARRIERS_BY_CODE["DPD"], "tracking_url", "https://dpd.example/")
    order = to_shipping(hub, "LETTER")
    map_carrier(hub, "DPD", "DPD")
    ship_untracked(hub, order, "DPD")

    dispatch(hub)

    order.refresh_from_db()
    assert order.hub_status == HubStatus.CONFIRMED
    assert tracking_bodies(hub) == [{"carrier_code": "DPD"}]
    tracking = [i for i, (_m, p) in enumerate(hub.adapter.calls) if p.endswith("/tracking")]
    ship = [i for i, (_m, p) in enumerate(hub.adapter.calls) if p.endswith("/ship")]
    assert len(ship) == 1 and tracking[0] < ship[0]
    sandbox = SandboxOrder.objects.get(order_id=order.marketplace_order_id)
    assert (sandbox.state, sandbox.carrier_code, sandbox.tracking_number) == ("SHIPPED", "DPD", "")
    sent = OrderEvent.objects.get(order=order, kind="tracking_sent").message
    assert "no tracking number" in sent and "DPD" in sent


@pytest.mark.parametrize("shipping_type_code", ["STD", "UNKNOWN"])
def test_untracked_on_a_mandatory_or_unknown_type_is_held(hub, shipping_type_code):
    order = to_shipping(hub, "STD")
    Order.objects.filter(pk=order.pk).update(shipping_type_code=shipping_type_code)
    map_carrier(hub, "Evri", "EVRI")
    ship_untracked(hub, order, "Evri")

    dispatch(hub)

    order.refresh_from_db()
    assert order.hub_status == HubStatus.DISPATCHED and order.carrier_code == ""
    item = open_items("missing_tracking").get()
    assert item.subject_id == order.marketplace_order_id
    known = shipping_type_code == "STD"
    assert ("which its shipping type requires" in item.message) is known
    assert ("'UNKNOWN' is not known" in item.message) is not known
    assert not hub.calls("/tracking", "PUT") and not hub.calls("/ship", "PUT")


def test_the_tracking_number_added_later_releases_a_held_dispatch(hub):
    order = to_shipping(hub, "STD")
    map_carrier(hub, "Evri", "EVRI")
    fulfillment = shopify.fulfillment_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, company="Evri", number=""
    )
    dispatch(hub)
    assert open_items("missing_tracking").exists()
    shopify.fulfillment_update(fulfillment=fulfillment, number="E1")

    dispatch(hub)

    order.refresh_from_db()
    assert order.hub_status == HubStatus.CONFIRMED
    assert tracking_bodies(hub) == [{"carrier_code": "EVRI", "tracking_number": "E1"}]
    assert not open_items("missing_tracking").exists()


def test_a_dispatch_the_hub_did_not_send_does_not_say_the_marketplace_refused(hub):
    order = to_shipping(hub, "STD")
    map_carrier(hub, "DPD", "DPD")
    shopify.fulfillment_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, company="DPD", number="D1"
    )
    sandbox_orders.order_cancel(SandboxOrder.objects.get(order_id=order.marketplace_order_id))

    dispatch(hub)

    item = open_items("dispatch_rejected").get()
    assert "marketplace refused" not in item.message.lower()
    assert "CANCELED, not SHIPPING" in item.message
    assert not hub.calls("/tracking", "PUT") and not hub.calls("/ship", "PUT")


def test_a_refusal_by_the_client_before_any_call_is_worded_as_the_hubs(hub, monkeypatch):
    def refuse_locally(self, order_id, **kwargs):
        raise PermanentError(f"OR23 not sent for {order_id}: need carrier_code or carrier_name")

    monkeypatch.setattr(MiraklClient, "order_tracking_update", refuse_locally)
    order = to_shipping(hub, "STD")
    map_carrier(hub, "DPD", "DPD")
    shopify.fulfillment_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, company="DPD", number="D1"
    )

    dispatch(hub)

    message = open_items("dispatch_rejected").get().message
    assert "marketplace refused" not in message.lower()
    assert message.startswith(f"The hub did not send the dispatch of order {order.commercial_id}")


def test_a_refusal_by_the_marketplace_still_says_so(hub, monkeypatch):
    def refuse_remotely(self, order_id, **kwargs):
        raise PermanentError("Mirakl OR23 failed with HTTP 400: bad tracking", status=400)

    monkeypatch.setattr(MiraklClient, "order_tracking_update", refuse_remotely)
    order = to_shipping(hub, "STD")
    map_carrier(hub, "DPD", "DPD")
    shopify.fulfillment_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, company="DPD", number="D1"
    )

    dispatch(hub)

    message = open_items("dispatch_rejected").get().message
    assert message.startswith(
        f"The marketplace refused the dispatch of order {order.commercial_id}"
    )


@pytest.mark.parametrize(
    "error, opening",
    [
        (PermanentError("HTTP 400: bad state", status=400), "The marketplace refused"),
        (
            TransientError("HTTP 503", status=503),
            "The dispatch of order 1001 could not be confirmed after",
        ),
        (TransientError("read timeout"), "The dispatch of order 1001 could not be confirmed after"),
        (PermanentError("OR23 not sent for 1-A: need carrier_code"), "The hub did not send"),
        (ValueError("a bug"), "The hub failed while confirming"),
    ],
)
def test_the_give_up_message_says_who_stopped_the_confirmation(error, opening):
    message = dispatch_failure_message(SimpleNamespace(commercial_id="1001"), error)
    assert message.startswith(opening) and "order 1001" in message


def test_a_crash_between_saving_the_carrier_and_queueing_its_job_leaves_it_to_be_planned_again(
    hub, monkeypatch
):
    """Before, the carrier code was committed first: a worker killed before the job was queued
    left a dispatched order with a carrier code and no job, which no pass plans again (the
    release looks for an empty carrier code), so it was never confirmed."""
    from integration_hub.flows import dispatch as dispatch_flow

    order = to_shipping(hub, "STD")
    map_carrier(hub, "DPD", "DPD")
    shopify.fulfillment_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, company="DPD", number="D9"
    )
    real_enqueue = dispatch_flow.outbound_job_enqueue

    def killed(**kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(dispatch_flow, "outbound_job_enqueue", killed)
    with pytest.raises(SystemExit):
        dispatch(hub)
    order.refresh_from_db()
    assert order.hub_status == HubStatus.DISPATCHED and order.carrier_code == ""

    monkeypatch.setattr(dispatch_flow, "outbound_job_enqueue", real_enqueue)
    dispatch(hub)

    order.refresh_from_db()
    assert order.hub_status == HubStatus.CONFIRMED
    assert SandboxOrder.objects.get(order_id=order.marketplace_order_id).state == "SHIPPED"
