"""Decide marketplace orders waiting for acceptance, and send each decision once (OR21).

An order is accepted automatically when every line maps to a known SKU with enough sellable
stock: source stock minus the SKU's buffer minus what other accepted orders, not yet in the
source, already took. Anything else is held for ops (an exception with the acceptance deadline
as due date) or, for short lines when the integration says so, refused line by line.

When the marketplace takes no partial acceptance for the shop (it answered OR21 with
ORDER_PARTIAL_ACCEPTANCE_DISABLED once; PC01 does not publish it) no mixed decision is ever
sent: an order with some short lines is held for ops instead, and ops must accept or refuse
every line.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max, Q, Sum

from connectors.base import PermanentError
from exceptions_queue.services import exception_clear, exception_record
from integration_hub.flows.events import HUB, USER, order_event_add
from integration_hub.models import (
    HubStatus,
    Integration,
    Order,
    OrderLine,
    OutboundJob,
    Product,
    ShortStockPolicy,
    normalize_carrier,
)
from integration_hub.models.outbox import OPEN_JOB_STATUSES
from integration_hub.services.outbox import outbound_job_enqueue
from integration_hub.services.runs import RunRecorder
from integration_hub.services.shop_settings import (
    shop_partial_acceptance_disabled,
    shop_partial_acceptance_learn,
)

PARTIAL_ACCEPTANCE_DISABLED = "ORDER_PARTIAL_ACCEPTANCE_DISABLED"
NOT_YET_IN_SOURCE = [HubStatus.ACCEPTED, HubStatus.TO_INJECT]


def orders_decide(integration: Integration, run: RunRecorder) -> None:
    pending = Order.objects.filter(
        integration=integration, hub_status=HubStatus.NEW, marketplace_state="WAITING_ACCEPTANCE"
    ).order_by("marketplace_created_at", "id")
    for order in pending:
        run.add(order_decide(order))


def sku_key(sku: str) -> str:
    """How a SKU looks once case, spaces and leading zeros are ignored (never used to match)."""
    return normalize_carrier(sku).replace(" ", "").lstrip("0")


def committed_lines(integration: Integration):
    """Order lines promised to accepted marketplace orders that are not in the source yet
    (once an order is in the source, the source's own stock figure accounts for it)."""
    return OrderLine.objects.filter(
        order__integration=integration, order__hub_status__in=NOT_YET_IN_SOURCE
    ).exclude(state="REFUSED")


def committed_quantity(integration: Integration, offer_sku: str, *, excluding: Order) -> int:
    """Units of ``offer_sku`` committed to other orders than ``excluding``."""
    total = (
        committed_lines(integration)
        .filter(offer_sku=offer_sku)
        .exclude(order=excluding)
        .aggregate(total=Sum("quantity"))["total"]
    )
    return total or 0


def sellable_quantity(product: Product, *, excluding: Order) -> int | None:
    if product.last_source_qty is None:
        return None
    committed = committed_quantity(product.integration, product.offer_sku, excluding=excluding)
    return max(0, product.last_source_qty - product.buffer - committed)


@transaction.atomic
def order_decide(order: Order) -> str:
    """Decide one order: "accepted", "refused", "partly_refused" or "held"."""
    order = Order.objects.select_for_update().select_related("integration").get(pk=order.pk)
    if order.hub_status != HubStatus.NEW:
        return "skipped"
    integration = order.integration
    lines = list(order.lines.all())
    products = {
        p.offer_sku: p
        for p in Product.objects.filter(
            integration=integration, offer_sku__in=[line.offer_sku for line in lines]
        )
    }
    unknown = [line for line in lines if line.offer_sku not in products]
    if unknown:
        return _order_hold_unknown_skus(order, unknown)
    if not integration.auto_accept:
        return _order_hold(order, "auto-accept is off for this integration: decide it here")
    short = _short_lines(order, lines, products)
    if short and integration.short_stock_policy == ShortStockPolicy.HOLD:
        names = ", ".join(f"{line.offer_sku} ({why})" for line, why in short)
        return _order_hold(order, f"not enough sellable stock for {names}")
    if short and len(short) < len(lines) and shop_partial_acceptance_disabled(integration):
        names = ", ".join(f"{line.offer_sku} ({why})" for line, why in short)
        return _order_hold(
            order,
            f"{names} cannot be accepted and the marketplace takes no partial acceptance for "
            "this shop: accept every line or refuse the whole order",
        )
    decisions = {line.marketplace_line_id: True for line in lines}
    for line, _why in short:
        decisions[line.marketplace_line_id] = False
    return order_decision_queue(order, decisions, actor=None)


def _short_lines(order, lines, products) -> list[tuple[OrderLine, str]]:
    short = []
    for line in lines:
        sellable = sellable_quantity(products[line.offer_sku], excluding=order)
        if sellable is None:
            short.append((line, "stock not read from the source yet"))
        elif sellable < line.quantity:
            short.append((line, f"{sellable} sellable, {line.quantity} ordered"))
    return short


def _order_hold(order: Order, reason: str) -> str:
    Order.objects.filter(pk=order.pk).update(hub_status=HubStatus.HELD)
    order_event_add(order, source=HUB, kind="held", message=f"Held for ops: {reason}")
    exception_record(
        integration=order.integration,
        kind="acceptance_deadline",
        subject_type="order",
        subject_id=order.marketplace_order_id,
        order=order,
        due_by=order.acceptance_deadline,
        message=(
            f"Order {order.commercial_id} needs a decision before its acceptance deadline: "
            f"{reason}. Accept or refuse it on the order page."
        ),
    )
    return "held"


def _order_hold_unknown_skus(order: Order, unknown: list[OrderLine]) -> str:
    integration = order.integration
    known_keys = {
        sku_key(sku): sku
        for sku in Product.objects.filter(integration=integration).values_list(
            "offer_sku", flat=True
        )
    }
    for line in unknown:
        near = known_keys.get(sku_key(line.offer_sku))
        kind = "sku_mismatch" if near else "unknown_sku"
        hint = (
            f" (the SKU map has {near!r}, which differs only in case, spaces or zeros)"
            if near
            else ""
        )
        exception_record(
            integration=integration,
            kind=kind,
            subject_type="sku",
            subject_id=line.offer_sku,
            order=order,
            due_by=order.acceptance_deadline,
            payload={"order_id": order.pk},
            message=(
                f"Offer SKU {line.offer_sku!r} on order {order.commercial_id} is not in the SKU "
                f"map{hint}. The order is held until the SKU is mapped."
            ),
        )
    skus = ", ".join(line.offer_sku for line in unknown)
    Order.objects.filter(pk=order.pk).update(hub_status=HubStatus.HELD)
    order_event_add(order, source=HUB, kind="held", message=f"Held: unknown SKU {skus}")
    return "held"


def order_decision_queue(order: Order, decisions: dict[str, bool], *, actor) -> str:
    """Record a decision for every line and queue the one OR21 call that sends it."""
    line_ids = set(order.lines.values_list("marketplace_line_id", flat=True))
    if set(decisions) != line_ids:
        raise ValueError("every line of the order must be decided, and only its lines")
    accepted = sum(decisions.values())
    if 0 < accepted < len(decisions) and shop_partial_acceptance_disabled(order.integration):
        raise ValueError(
            "the marketplace takes no partial acceptance for this shop "
            "(ORDER_PARTIAL_ACCEPTANCE_DISABLED): accept every line or refuse every line"
        )
    status = HubStatus.ACCEPTED if accepted else HubStatus.REFUSED
    Order.objects.filter(pk=order.pk).update(hub_status=status)
    for line_id, ok in decisions.items():
        # A line refused by an earlier decision the marketplace never took is accepted now.
        lines = OrderLine.objects.filter(order=order, marketplace_line_id=line_id)
        if ok:
            lines.filter(state="REFUSED").update(state="WAITING_ACCEPTANCE")
        else:
            lines.update(state="REFUSED")
    outbound_job_enqueue(
        integration=order.integration,
        kind="order_accept",
        identity_key=f"order_accept:{order.pk}",
        payload={"order_id": order.pk, "decisions": decisions},
    )
    who = actor.get_username() if actor else "the hub"
    summary = f"{accepted} of {len(decisions)} lines accepted"
    order_event_add(
        order,
        source=USER if actor else HUB,
        kind="decided",
        actor=actor,
        message=f"Decision by {who}: {summary}; sending it to the marketplace",
    )
    exception_clear(
        integration=order.integration,
        kind="acceptance_deadline",
        subject_type="order",
        subject_id=order.marketplace_order_id,
        note=f"order decided: {summary}",
    )
    if accepted == len(decisions):
        return "accepted"
    return "partly_refused" if accepted else "refused"


@transaction.atomic
def order_decision_submit(order: Order, decisions: dict[str, bool], *, actor) -> str:
    """Ops decide a held (or new) order from the screen."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.hub_status not in (HubStatus.NEW, HubStatus.HELD):
        raise ValueError(f"the order is already {order.get_hub_status_display().lower()}")
    if order.marketplace_state != "WAITING_ACCEPTANCE":
        raise ValueError(
            f"the marketplace no longer waits for a decision ({order.marketplace_state})"
        )
    return order_decision_queue(order, decisions, actor=actor)


def order_accept_run(job: OutboundJob) -> None:
    """Outbox handler: send OR21 once. A decision the marketplace already has counts as sent."""
    from integration_hub.clients import marketplace_client_for
    from integration_hub.flows.orders_pull import order_upsert

    order = Order.objects.select_related("integration").get(pk=job.payload["order_id"])
    client = marketplace_client_for(order.integration)
    try:
        client.order_accept(order.marketplace_order_id, decisions=job.payload["decisions"])
    except PermanentError as error:
        if error.code == PARTIAL_ACCEPTANCE_DISABLED:
            shop_partial_acceptance_learn(order.integration)
            raise  # never split the order ourselves: give-up holds it for ops
        current = next(iter(client.orders_list(order_ids=[order.marketplace_order_id])), None)
        if current is None or current.order_state in ("STAGING", "WAITING_ACCEPTANCE"):
            raise
        order_upsert(order.integration, current)  # decided already (by us, or timed out)
        return
    order_event_add(
        order, source=HUB, kind="decision_sent", message="Decision sent to the marketplace (OR21)"
    )


def order_accept_give_up(job: OutboundJob, error: Exception) -> None:
    order = Order.objects.select_related("integration").get(pk=job.payload["order_id"])
    Order.objects.filter(pk=order.pk).update(hub_status=HubStatus.HELD)
    why = f"{error}"
    if getattr(error, "code", "") == PARTIAL_ACCEPTANCE_DISABLED:
        why = (
            "the marketplace takes no partial acceptance for this shop, and the decision "
            "refused some lines only. Accept every line or refuse every line"
        )
    exception_record(
        integration=order.integration,
        kind="acceptance_deadline",
        subject_type="order",
        subject_id=order.marketplace_order_id,
        order=order,
        due_by=order.acceptance_deadline,
        message=(
            f"The marketplace did not take the decision for order {order.commercial_id}: {why}. "
            "Decide it again on the order page before the deadline."
        ),
        detail=str(error),
    )


# An accepted order shows WAITING_ACCEPTANCE until the next pull after OR21; one still
# showing it this long after the decision went out is looked up by id.
DECISION_VERIFY_AFTER = dt.timedelta(minutes=5)


def decisions_verify(integration: Integration, client, run: RunRecorder, now: dt.datetime):
    """Send again a decision the marketplace never recorded (OR21 answered, not taken).

    Without this an order the hub accepted would wait unseen until the marketplace refused it
    at its deadline (the chaos soak found exactly that). OR11 by order ids is one "OR11:ids"
    call per 100 orders; OR21 on an order already decided is recognised by its handler, so a
    stale look-up costs nothing but the call.
    """
    from integration_hub.flows.orders_pull import order_upsert

    open_jobs = OutboundJob.objects.filter(
        integration=integration, kind="order_accept", status__in=OPEN_JOB_STATUSES
    ).values_list("payload__order_id", flat=True)
    waiting = (
        Order.objects.filter(
            integration=integration,
            hub_status__in=[HubStatus.ACCEPTED, HubStatus.REFUSED],
            marketplace_state="WAITING_ACCEPTANCE",
        )
        .exclude(pk__in=list(open_jobs))
        .annotate(sent=Max("events__at", filter=Q(events__kind="decision_sent")))
        .filter(sent__lt=now - DECISION_VERIFY_AFTER)
    )
    orders = {order.marketplace_order_id: order for order in waiting[:100]}
    if not orders:
        return
    for dto in client.orders_list(order_ids=list(orders)):
        order = orders[dto.order_id]
        if dto.order_state != "WAITING_ACCEPTANCE":
            run.add(order_upsert(integration, dto))  # it moved on: catch up now
            continue
        last = (
            OutboundJob.objects.filter(
                integration=integration, kind="order_accept", payload__order_id=order.pk
            )
            .order_by("-id")
            .first()
        )
        if last is None:
            continue
        with transaction.atomic():
            outbound_job_enqueue(
                integration=integration,
                kind="order_accept",
                identity_key=f"order_accept:{order.pk}",
                payload=last.payload,
            )
            order_event_add(
                order,
                source=HUB,
                kind="decision_lost",
                message="The marketplace still waits for the decision the hub sent: sending it "
                "again",
            )
        run.add("decisions_resent")
