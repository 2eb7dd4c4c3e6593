"""Outbox handlers and exception retry handlers of the order flows, registered at start-up.

A retry handler re-runs exactly the failed step for the item's subject and returns True when
the problem is gone now (pressing retry twice is harmless: every step is idempotent).
"""

from __future__ import annotations

from exceptions_queue.models import ExceptionItem
from exceptions_queue.services import retry_handler_register
from integration_hub.flows import dispatch, orders_accept, orders_inject
from integration_hub.models import HubStatus, Integration, Order, OrderLine, Product
from integration_hub.services.outbox import (
    outbound_job_enqueue,
    outbound_job_expedite,
    outbox_handler_register,
    outbox_relay,
)


def _order_of(item: ExceptionItem) -> Order | None:
    if item.order_id:
        return Order.objects.select_related("integration").get(pk=item.order_id)
    order_id = (item.payload or {}).get("order_id")
    return Order.objects.select_related("integration").filter(pk=order_id).first()


def inject_now(order: Order) -> bool:
    """Queue the injection (once) and run due injections now; True if it is in the source."""
    if order.source_order_id:
        return True
    if order.hub_status != HubStatus.TO_INJECT:
        return False
    key = f"order_inject:{order.pk}"
    outbound_job_enqueue(
        integration=order.integration,
        kind="order_inject",
        identity_key=key,
        payload={"order_id": order.pk},
    )
    outbound_job_expedite(integration=order.integration, identity_key=key)
    outbox_relay(kinds=["order_inject"])
    order.refresh_from_db()
    return bool(order.source_order_id)


def retry_injection(item: ExceptionItem) -> bool:
    order = _order_of(item)
    return bool(order) and inject_now(order)


def retry_sku(item: ExceptionItem) -> bool:
    """The SKU is mapped now: decide the orders held for it and inject the paid ones."""
    integration = item.integration
    if not Product.objects.filter(integration=integration, offer_sku=item.subject_id).exists():
        return False
    order_ids = OrderLine.objects.filter(
        order__integration=integration, offer_sku=item.subject_id
    ).values_list("order_id", flat=True)
    for order in Order.objects.filter(pk__in=order_ids).select_related("integration"):
        if order.hub_status == HubStatus.HELD and order.marketplace_state == "WAITING_ACCEPTANCE":
            Order.objects.filter(pk=order.pk).update(hub_status=HubStatus.NEW)
            orders_accept.order_decide(order)
        elif order.hub_status == HubStatus.TO_INJECT:
            inject_now(order)
    return True


def retry_decision(item: ExceptionItem) -> bool:
    """Decide a held order again (stock may have come in); True if it is decided now."""
    order = _order_of(item)
    if order is None or order.hub_status not in (HubStatus.NEW, HubStatus.HELD):
        return order is not None
    Order.objects.filter(pk=order.pk).update(hub_status=HubStatus.NEW)
    return orders_accept.order_decide(order) != "held"


def retry_dispatch(item: ExceptionItem) -> bool:
    """Plan the dispatch confirmation again and send what is due; True once confirmed."""
    orders = [_order_of(item)] if item.subject_type == "order" else _orders_for_carrier(item)
    for order in filter(None, orders):
        if order.hub_status == HubStatus.DISPATCHED:
            Order.objects.filter(pk=order.pk).update(carrier_code="")
            order.carrier_code = ""
            dispatch.dispatch_plan(order)
    outbox_relay(kinds=["order_tracking", "order_ship"])
    if item.subject_type != "order":
        return not any(o.carrier_code == "" for o in _orders_for_carrier(item))
    order = _order_of(item)
    return order is not None and order.hub_status in dispatch.FINAL_STATUSES


def _orders_for_carrier(item: ExceptionItem) -> list[Order]:
    held = Order.objects.filter(
        integration=item.integration, hub_status=HubStatus.DISPATCHED, carrier_code=""
    ).select_related("integration")
    return [
        order
        for order in held
        if dispatch.carrier_subject(order.carrier_name, order.carrier_service) == item.subject_id
    ]


def retry_flow(item: ExceptionItem) -> bool:
    """Run the failed flow's pass again now; True if it succeeded."""
    from integration_hub.flows.passes import FLOW_PASSES
    from integration_hub.flows.runner import flow_pass_run

    _name, _sep, flow = item.subject_id.rpartition(":")
    if flow not in FLOW_PASSES:
        return False
    integration = Integration.objects.get(pk=item.integration_id)
    run = flow_pass_run(integration, flow, FLOW_PASSES[flow])
    return run is not None and run.outcome in ("success", "partial")


def retry_stock_sku(item: ExceptionItem) -> bool:
    """Send this SKU's stock again in the next import; the confirmation resolves the item."""
    from integration_hub.flows.passes import FLOW_PASSES
    from integration_hub.flows.runner import flow_pass_run

    updated = Product.objects.filter(
        integration=item.integration, offer_sku=item.subject_id
    ).update(last_pushed_qty=None)
    if updated:
        flow_pass_run(
            Integration.objects.get(pk=item.integration_id), "stock", FLOW_PASSES["stock"]
        )
    return False


def retry_price_sku(item: ExceptionItem) -> bool:
    """Send this SKU's price again in the next import; the confirmation resolves the item."""
    from integration_hub.flows.passes import FLOW_PASSES
    from integration_hub.flows.runner import flow_pass_run

    updated = Product.objects.filter(
        integration=item.integration, offer_sku=item.subject_id
    ).update(last_pushed_price=None)
    if updated:
        flow_pass_run(
            Integration.objects.get(pk=item.integration_id), "prices", FLOW_PASSES["prices"]
        )
    return False


def retry_validation(item: ExceptionItem) -> bool:
    """Read the catalogue again (the source may be fixed) and re-validate; True once valid."""
    from integration_hub.flows.passes import FLOW_PASSES
    from integration_hub.flows.runner import flow_pass_run
    from integration_hub.flows.sku_validation import product_revalidate

    integration = Integration.objects.get(pk=item.integration_id)
    flow_pass_run(integration, "products", FLOW_PASSES["products"])
    product = Product.objects.filter(integration=integration, sku=item.subject_id).first()
    return product is None or product_revalidate(product)


def retry_listing(item: ExceptionItem) -> bool:
    """Read the catalogue again and rebuild the listings; True once the SKU's problem of this
    kind is gone (the structure or a mapping may have been fixed too)."""
    from integration_hub.flows.listings import listings_refresh
    from integration_hub.flows.passes import FLOW_PASSES
    from integration_hub.flows.runner import flow_pass_run

    integration = Integration.objects.get(pk=item.integration_id)
    if integration.flow_enabled("products"):
        flow_pass_run(integration, "products", FLOW_PASSES["products"])
    listings_refresh(integration)
    product = Product.objects.filter(integration=integration, sku=item.subject_id).first()
    kind = {"missing_attribute": "missing", "invalid_attribute_value": "invalid"}[item.kind]
    return product is None or not any(p["kind"] == kind for p in product.listing_problems)


def retry_catalogue_import(item: ExceptionItem) -> bool:
    """Send the refused product or offer once more (the next catalogue pass, in its call
    window); the marketplace's acceptance resolves the item."""
    from integration_hub.flows.catalogue_publish import catalogue_line_retry
    from integration_hub.flows.passes import FLOW_PASSES
    from integration_hub.flows.runner import flow_pass_run

    integration = Integration.objects.get(pk=item.integration_id)
    kind = "products" if item.kind == "product_import_error" else "offers"
    catalogue_line_retry(integration, kind=kind, sku=item.subject_id)
    if integration.flow_enabled("catalogue"):
        flow_pass_run(integration, "catalogue", FLOW_PASSES["catalogue"])
    return False


def retry_validation_or_listing(item: ExceptionItem) -> bool:
    if item.subject_type == "listing":
        return retry_listing(item)
    return retry_validation(item)


def retry_drift(item: ExceptionItem) -> bool:
    """Send the SKU's stock and price again now; the confirmations resolve the item."""
    retry_price_sku(item)
    retry_stock_sku(item)
    return False


def handlers_register() -> None:
    outbox_handler_register(
        "order_accept", orders_accept.order_accept_run, orders_accept.order_accept_give_up
    )
    outbox_handler_register(
        "order_inject", orders_inject.order_inject_run, orders_inject.order_inject_give_up
    )
    outbox_handler_register(
        "order_tracking", dispatch.order_tracking_run, dispatch.dispatch_give_up
    )
    outbox_handler_register("order_ship", dispatch.order_ship_run, dispatch.dispatch_give_up)
    for kind in ("order_injection_failed", "order_not_injected"):
        retry_handler_register(kind, retry_injection)
    for kind in ("unknown_sku", "sku_mismatch"):
        retry_handler_register(kind, retry_sku)
    retry_handler_register("acceptance_deadline", retry_decision)
    retry_handler_register("stock_import_error", retry_stock_sku)
    retry_handler_register("price_import_error", retry_price_sku)
    retry_handler_register("stock_drift", retry_drift)
    retry_handler_register("invalid_ean", retry_validation)
    for kind in ("missing_attribute", "invalid_attribute_value"):
        retry_handler_register(kind, retry_validation_or_listing)
    for kind in ("product_import_error", "offer_import_error"):
        retry_handler_register(kind, retry_catalogue_import)
    for kind in (
        "unmapped_carrier",
        "missing_tracking",
        "dispatch_rejected",
        "shipped_not_confirmed",
    ):
        retry_handler_register(kind, retry_dispatch)
    for kind in ("auth_failed", "api_unavailable", "internal_error"):
        retry_handler_register(kind, retry_flow)
