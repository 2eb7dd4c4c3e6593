"""Dispatches: learn shipments from the source, map the carrier, confirm on the marketplace.

A shipment is confirmed with OR23 (tracking, with an approved carrier code) and then OR24
(ship), each its own outbox job. An unmapped carrier holds the dispatch and raises an
exception; nothing is sent on a guess. A shipment without a tracking number is held only when
its shipping type (SH12) makes tracking mandatory, or is unknown; otherwise it is confirmed
with OR23 carrying the carrier code alone, or, when the carrier's SH21 tracking URL needs a
number (the spec then makes OR23's tracking number mandatory), with OR24 alone. Held
dispatches are planned again on every pass, so fixing the mapping releases them by itself.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from connectors.base import ConnectorError, PermanentError, Shipment, TransientError
from exceptions_queue.services import exception_clear, exception_record
from integration_hub.flows.events import HUB, MARKETPLACE, SOURCE, order_event_add
from integration_hub.flows.orders_pull import cursor_get, cursor_set, order_upsert
from integration_hub.models import (
    CarrierMapping,
    HubStatus,
    Integration,
    JobStatus,
    MarketplaceCarrier,
    Order,
    OutboundJob,
    ShippingType,
    normalize_carrier,
)
from integration_hub.services.outbox import outbound_job_enqueue
from integration_hub.services.runs import RunRecorder

CURSOR = "dispatch.shipments"
SHIPPED_STATES = {"SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED"}
FINAL_STATUSES = {HubStatus.CONFIRMED, HubStatus.CLOSED, HubStatus.CANCELLED, HubStatus.REFUSED}
TRACKING_ID = "{trackingId}"  # where an SH21 tracking URL takes the tracking number


def carrier_code_for(
    integration: Integration, carrier: str, service: str
) -> MarketplaceCarrier | None:
    """The approved carrier for a source carrier/service; a service-specific row wins."""
    rows = {
        row.source_service_key: row.carrier
        for row in CarrierMapping.objects.filter(
            integration=integration,
            source_carrier_key=normalize_carrier(carrier),
            source_service_key__in={normalize_carrier(service), ""},
            carrier__active=True,
        ).select_related("carrier")
    }
    return rows.get(normalize_carrier(service)) or rows.get("")


def carrier_subject(carrier: str, service: str) -> str:
    """One unmapped-carrier exception per carrier and service as the source names them."""
    name = " ".join(carrier.split()) or "(no carrier)"
    return f"{name} / {' '.join(service.split())}" if service.strip() else name


def shipments_pull(integration: Integration, connector, run: RunRecorder) -> set[int]:
    """Read shipments from the cursor to the end; the cursor moves after each page.

    Returns the ids of the orders whose dispatch was planned in this pull.
    """
    cursor = cursor_get(integration, CURSOR)
    planned: set[int] = set()
    while True:
        page = connector.shipments_read(cursor)
        for shipment in page.items:
            outcome, order_id = shipment_record(integration, shipment)
            run.add(outcome)
            if order_id:
                planned.add(order_id)
        cursor = page.next_cursor
        cursor_set(integration, CURSOR, cursor)
        if not page.has_more:
            return planned


def shipment_record(integration: Integration, shipment: Shipment) -> tuple[str, int | None]:
    """Store what the source shipped on its order and plan the confirmation.

    Returns the outcome and the id of the order whose dispatch was planned (if any).
    """
    with transaction.atomic():
        order = (
            Order.objects.select_for_update()
            .filter(integration=integration, commercial_id=shipment.external_reference)
            .first()
        ) or (
            Order.objects.select_for_update()
            .filter(integration=integration, source_order_id=shipment.source_order_id)
            .exclude(source_order_id="")
            .first()
        )
        if order is None:
            return "unknown_order", None
        if order.hub_status in FINAL_STATUSES:
            return "already_final", None
        same = (order.tracking_number, order.carrier_name, order.carrier_service) == (
            shipment.tracking_number,
            shipment.carrier_name,
            shipment.carrier_service,
        )
        if same and order.hub_status == HubStatus.DISPATCHED:
            return "unchanged", None
        _shipment_apply(order, shipment)
    return dispatch_plan(order), order.pk


def _shipment_apply(order: Order, shipment: Shipment) -> None:
    order.carrier_name = shipment.carrier_name[:100]
    order.carrier_service = shipment.carrier_service[:100]
    order.tracking_number = shipment.tracking_number[:100]
    order.tracking_url = shipment.tracking_url[:500]
    order.shipped_at = shipment.shipped_at
    order.carrier_code = ""
    order.hub_status = HubStatus.DISPATCHED
    order.save()
    service = f" ({shipment.carrier_service})" if shipment.carrier_service else ""
    tracking = shipment.tracking_number or "no tracking number"
    carrier = shipment.carrier_name or "an unnamed carrier"
    order_event_add(
        order,
        source=SOURCE,
        kind="dispatched",
        at=shipment.shipped_at,
        message=f"Dispatched by {carrier}{service}: {tracking}",
        data={"shipment_id": shipment.shipment_id},
    )


def dispatch_plan(order: Order) -> str:
    """Queue the confirmation of a dispatched order, or hold it with the exception that says
    why: OR23 (then OR24), or OR24 alone for an untracked shipment whose carrier OR23 would
    refuse without a tracking number."""
    if order.marketplace_state in SHIPPED_STATES:
        return _order_confirmed(order, "the marketplace already shows it shipped")
    carrier = _carrier_or_hold(order)
    if carrier is None:
        return "held_unmapped_carrier"
    if not _tracking_or_hold(order):
        return "held_missing_tracking"
    with transaction.atomic():  # one step: a crash in between must leave nothing half-planned
        Order.objects.filter(pk=order.pk).update(carrier_code=carrier.code)
        _confirmation_enqueue(order, carrier)
    return "queued"


def _confirmation_enqueue(order: Order, carrier: MarketplaceCarrier) -> None:
    """OR23 (then OR24), or OR24 alone when OR23 would need the missing tracking number.

    Runs in the transaction that saves the carrier code: a held dispatch is re-planned only
    while its carrier code is empty, so the code must never be saved without its job.
    """
    if order.tracking_number or not carrier_needs_tracking_number(carrier):
        outbound_job_enqueue(
            integration=order.integration,
            kind="order_tracking",
            identity_key=f"order_tracking:{order.pk}",
            payload={"order_id": order.pk, "carrier_code": carrier.code},
        )
        return
    order_event_add(
        order,
        source=HUB,
        kind="tracking_skipped",
        message=f"No tracking number, which carrier {carrier.code} needs for OR23: "
        "confirming the shipment with OR24 alone",
    )
    _order_ship_enqueue(order)


def _carrier_or_hold(order: Order) -> MarketplaceCarrier | None:
    """The approved carrier; without one, the carrier's ``unmapped_carrier`` item is raised."""
    integration = order.integration
    carrier = carrier_code_for(integration, order.carrier_name, order.carrier_service)
    subject = carrier_subject(order.carrier_name, order.carrier_service)
    if carrier is None:
        exception_record(
            integration=integration,
            kind="unmapped_carrier",
            subject_type="dispatch",
            subject_id=subject,
            order=order,
            message=(
                f"Carrier {subject!r} has no mapping to a marketplace carrier; its dispatches "
                f"(latest: order {order.commercial_id}) are held until it is mapped."
            ),
        )
        return None
    exception_clear(
        integration=integration,
        kind="unmapped_carrier",
        subject_type="dispatch",
        subject_id=subject,
        note=f"mapped to {carrier.code}",
    )
    return carrier


def _tracking_or_hold(order: Order) -> bool:
    """False (and ``missing_tracking`` raised) when tracking is missing but mandatory."""
    shipping_type = None if order.tracking_number else _shipping_type_of(order)
    if not order.tracking_number and _tracking_required(shipping_type):
        exception_record(
            integration=order.integration,
            kind="missing_tracking",
            subject_type="order",
            subject_id=order.marketplace_order_id,
            order=order,
            due_by=order.shipping_deadline,
            message=_missing_tracking_message(order, shipping_type),
        )
        return False
    exception_clear(
        integration=order.integration,
        kind="missing_tracking",
        subject_type="order",
        subject_id=order.marketplace_order_id,
        note="tracking number present" if order.tracking_number else "tracking not mandatory",
    )
    return True


def _missing_tracking_message(order: Order, shipping_type: ShippingType | None) -> str:
    why = (
        "which its shipping type requires"
        if shipping_type
        else f"and its shipping type {order.shipping_type_code!r} is not known (SH12), so "
        "tracking counts as required"
    )
    return (
        f"Order {order.commercial_id} was dispatched with {order.carrier_name} without a "
        f"tracking number, {why}. Add it in the source."
    )


def carrier_needs_tracking_number(carrier: MarketplaceCarrier) -> bool:
    """OR23 wants a tracking number for a registered carrier whose tracking URL needs one."""
    return TRACKING_ID in carrier.tracking_url


def _order_ship_enqueue(order: Order) -> None:
    outbound_job_enqueue(
        integration=order.integration,
        kind="order_ship",
        identity_key=f"order_ship:{order.pk}",
        payload={"order_id": order.pk},
    )


def _shipping_type_of(order: Order) -> ShippingType | None:
    return ShippingType.objects.filter(
        integration=order.integration, code=order.shipping_type_code
    ).first()


def _tracking_required(shipping_type: ShippingType | None) -> bool:
    """Unknown shipping types count as requiring tracking (fail closed)."""
    return shipping_type is None or shipping_type.mandatory_tracking


def dispatches_held_release(
    integration: Integration, run: RunRecorder, *, planned: set[int] | None = None
) -> None:
    """Plan again every dispatched order with no confirmation under way (mapping fixed?).

    ``planned``: orders the shipments pull just planned, not planned twice in one pass.
    """
    busy = OutboundJob.objects.filter(
        integration=integration,
        kind__in=["order_tracking", "order_ship"],
        status__in=[JobStatus.PENDING, JobStatus.IN_FLIGHT],
    ).values_list("payload__order_id", flat=True)
    held = Order.objects.filter(
        integration=integration, hub_status=HubStatus.DISPATCHED, carrier_code=""
    ).exclude(pk__in=[*busy, *(planned or ())])
    for order in held:
        outcome = dispatch_plan(order)
        if outcome == "queued":
            run.add("released")


def _order_confirmed(order: Order, why: str) -> str:
    Order.objects.filter(pk=order.pk).update(hub_status=HubStatus.CONFIRMED)
    order_event_add(order, source=HUB, kind="confirmed", message=f"Dispatch confirmed: {why}")
    for kind in ("shipped_not_confirmed", "dispatch_deadline", "dispatch_rejected"):
        exception_clear(
            integration=order.integration,
            kind=kind,
            subject_type="order",
            subject_id=order.marketplace_order_id,
            note=why,
        )
    return "confirmed"


def _marketplace_state_refresh(client, order: Order) -> str:
    current = next(iter(client.orders_list(order_ids=[order.marketplace_order_id])), None)
    if current is None:
        raise PermanentError(f"order {order.marketplace_order_id} is not on the marketplace")
    order_upsert(order.integration, current)
    return current.order_state


def order_tracking_run(job: OutboundJob) -> None:
    """Outbox handler: OR23 with the approved carrier code (and the tracking number, if the
    source gave one), then queue OR24."""
    from integration_hub.clients import marketplace_client_for

    order = Order.objects.select_related("integration").get(pk=job.payload["order_id"])
    client = marketplace_client_for(order.integration)
    state = _marketplace_state_refresh(client, order)
    if state in SHIPPED_STATES:
        _order_confirmed(order, "the marketplace already shows it shipped")
        return
    if state != "SHIPPING":
        raise PermanentError(f"the marketplace order is {state}, not SHIPPING")
    carrier_code = job.payload["carrier_code"]
    client.order_tracking_update(
        order.marketplace_order_id,
        carrier_code=carrier_code,
        tracking_number=order.tracking_number or None,
    )
    with transaction.atomic():
        order_event_add(
            order,
            source=MARKETPLACE,
            kind="tracking_sent",
            message=_tracking_sent_message(order.tracking_number, carrier_code),
        )
        _order_ship_enqueue(order)


def _tracking_sent_message(tracking_number: str, carrier_code: str) -> str:
    if tracking_number:
        return f"Tracking {tracking_number} sent with carrier {carrier_code} (OR23)"
    return f"Carrier {carrier_code} sent with no tracking number (OR23)"


def order_ship_run(job: OutboundJob) -> None:
    """Outbox handler: OR24. An order the marketplace already shows shipped is only marked."""
    from integration_hub.clients import marketplace_client_for

    order = Order.objects.select_related("integration").get(pk=job.payload["order_id"])
    client = marketplace_client_for(order.integration)
    try:
        client.order_ship(order.marketplace_order_id)
    except PermanentError:
        if _marketplace_state_refresh(client, order) not in SHIPPED_STATES:
            raise
    untracked = "" if order.tracking_number else ", no tracking number"
    with transaction.atomic():  # the state, the status and its timeline event together
        Order.objects.filter(pk=order.pk).update(marketplace_state="SHIPPED")
        _order_confirmed(
            order, f"shipped on the marketplace (OR24{untracked}) at {timezone.now():%H:%M}"
        )


def dispatch_failure_message(order: Order, error: Exception) -> str:
    """Say who stopped the confirmation: the marketplace answered with an error status, the
    hub itself did not send (a connector error without a status), the hub crashed (anything
    else, possibly after a call went through), or transient failures ran out of attempts."""
    if isinstance(error, TransientError):
        return (
            f"The dispatch of order {order.commercial_id} could not be confirmed after "
            f"repeated attempts: {error}"
        )
    if not isinstance(error, ConnectorError):
        return (
            f"The hub failed while confirming the dispatch of order {order.commercial_id}: {error}"
        )
    if error.status is not None:
        return f"The marketplace refused the dispatch of order {order.commercial_id}: {error}"
    return f"The hub did not send the dispatch of order {order.commercial_id}: {error}"


def dispatch_give_up(job: OutboundJob, error: Exception) -> None:
    """Outbox give-up: free the order for planning again and raise ``dispatch_rejected``."""
    order = Order.objects.select_related("integration").get(pk=job.payload["order_id"])
    Order.objects.filter(pk=order.pk).update(carrier_code="")
    exception_record(
        integration=order.integration,
        kind="dispatch_rejected",
        subject_type="order",
        subject_id=order.marketplace_order_id,
        order=order,
        due_by=order.shipping_deadline,
        payload={"order_id": order.pk},
        message=dispatch_failure_message(order, error),
        detail=getattr(error, "detail", "") or str(error),
    )
    order_event_add(
        order, source=HUB, kind="dispatch_failed", message=f"Dispatch confirmation failed: {error}"
    )
