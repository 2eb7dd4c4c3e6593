"""The hub wired to the in-process Mirakl and Shopify sandboxes, plus returns helpers."""

from __future__ import annotations

from connectors.mirakl.sandbox.models import SandboxOrder
from connectors.shopify.sandbox import services as shopify
from exceptions_queue.models import ExceptionItem, Status
from integration_hub.flows.passes import dispatch_pass, orders_pass, returns_pass
from integration_hub.flows.runner import flow_pass_run
from integration_hub.models import CarrierMapping, MarketplaceCarrier, Order, OutboundJob
from integration_hub.services.outbox import outbound_job_expedite, outbox_relay
from tests.integration_hub.flows.conftest import hub  # noqa: F401  (the fixture)

__all__ = ["hub"]


def orders(hub):
    run = flow_pass_run(hub.integration, "orders", orders_pass)
    hub.relay()
    return run


def returns(hub):
    """One returns pass and the calls it queued (what `hub sync returns` does)."""
    run = flow_pass_run(hub.integration, "returns", returns_pass)
    hub.relay()
    return run


def relay_now(hub):
    """Make every pending job due now (skip the backoff) and run them."""
    for job in OutboundJob.objects.filter(status="pending"):
        outbound_job_expedite(integration=job.integration, identity_key=job.identity_key)
    return outbox_relay()


def to_shipping(hub, lines=None) -> Order:
    created = hub.marketplace_orders(lines=lines or [{"sku": "SB-0001", "quantity": 2}])[0]
    orders(hub)
    hub.debit_all()
    orders(hub)
    return Order.objects.get(marketplace_order_id=created.order_id)


def shipped(hub, lines=None) -> Order:
    """An order injected into Shopify, fulfilled there and shipped on the marketplace."""
    order = to_shipping(hub, lines)
    if not CarrierMapping.objects.filter(integration=hub.integration).exists():
        CarrierMapping.objects.create(
            integration=hub.integration,
            source_carrier="DPD",
            source_service="",
            carrier=MarketplaceCarrier.objects.get(integration=hub.integration, code="DPD"),
        )
    shopify.fulfillment_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, company="DPD", number="15501"
    )
    flow_pass_run(hub.integration, "dispatch", dispatch_pass)
    hub.relay()
    orders(hub)
    order.refresh_from_db()
    assert order.marketplace_state == "SHIPPED", order.marketplace_state
    return order


def sandbox_order(order: Order) -> SandboxOrder:
    return SandboxOrder.objects.get(order_id=order.marketplace_order_id)


def automate(hub) -> None:
    hub.integration.returns_enabled = True
    hub.integration.save(update_fields=["returns_enabled"])


def open_items(kind="return_failed"):
    return ExceptionItem.objects.filter(status=Status.OPEN, kind=kind)
