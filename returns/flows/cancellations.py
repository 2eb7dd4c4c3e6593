"""Cancellations before dispatch.

* Lines the source cannot fulfil (a source refund of unshipped lines) or that ops cancel on the
  hub -> OR30 once, with a CANCELATION reason code from RE01. Same exactly-once rule as OR28:
  ``attempted_at`` is committed first and a later attempt adopts what OR11 already shows.
* Cancellations made on the marketplace (the whole order, OR29 by the customer or operator, or
  some lines) -> mirrored to the source once (``order_cancel`` / ``order_lines_cancel``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from connectors.base import NotSupportedError, PermanentError, ShipmentLine, SourceCancelRequest
from connectors.mirakl import dtos
from integration_hub.flows.events import HUB, MARKETPLACE, SOURCE, USER, order_event_add
from integration_hub.models import Order, OrderLine, OutboundJob
from returns.flows import allocation, common
from returns.models import Cancellation, Origin, Work

SEND = "cancel_send"  # OR30
MIRROR = "cancel_mirror"  # marketplace cancellation -> source
NOT_SHIPPED = ("SHIPPING", "WAITING_DEBIT", "WAITING_DEBIT_PAYMENT", "WAITING_ACCEPTANCE")
EVENT_SOURCE = {Origin.MARKETPLACE: MARKETPLACE, Origin.SOURCE: SOURCE, Origin.HUB: USER}


def line_entry(line: OrderLine, quantity: int) -> dict:
    """What OR30 cancels on one line: its units and their share of goods and shipping."""
    share = Decimal(quantity) / Decimal(line.quantity) if line.quantity else Decimal("1")
    return {
        "line_id": line.marketplace_line_id,
        "offer_sku": line.offer_sku,
        "quantity": quantity,
        "amount": str(allocation.cents(line.price * share)),
        "shipping_amount": str(allocation.cents(line.shipping_price * share)),
        "marketplace_cancelation_id": "",
    }


def _describe(cancellation: Cancellation) -> str:
    if cancellation.whole_order and not cancellation.lines:
        return "the whole order"
    return ", ".join(f"{e['quantity']} x {e['offer_sku']}" for e in cancellation.lines)


@transaction.atomic
def cancellation_record(
    *,
    order: Order,
    origin: str,
    key: str,
    lines: list[dict],
    reason_code: str = "",
    whole_order: bool = False,
    actor=None,
) -> tuple[Cancellation, bool]:
    """Store a cancellation once (by ``key``) and queue what it needs."""
    integration = order.integration
    existing = Cancellation.objects.filter(integration=integration, key=key).first()
    if existing:
        return existing, False
    cancellation = Cancellation.objects.create(
        integration=integration,
        order=order,
        key=key,
        origin=origin,
        whole_order=whole_order,
        reason_code=reason_code,
        lines=lines,
        created_by=actor,
        work=_first_work(order, origin),
    )
    _recorded_event(cancellation, actor)
    if cancellation.work == Work.QUEUED:
        kind = MIRROR if origin == Origin.MARKETPLACE else SEND
        common.job_enqueue(integration, kind, cancellation.pk)
    elif cancellation.work == Work.MANUAL and origin == Origin.MARKETPLACE:
        _manual_mirror_needed(cancellation)
    return cancellation, True


def _first_work(order: Order, origin: str) -> str:
    if origin == Origin.HUB:
        return Work.QUEUED
    if origin == Origin.MARKETPLACE and not order.source_order_id:
        return Work.NOTHING
    return Work.QUEUED if common.automated(order.integration) else Work.MANUAL


def _recorded_event(cancellation: Cancellation, actor) -> None:
    where = {
        Origin.MARKETPLACE: "Cancelled on the marketplace",
        Origin.SOURCE: "The source cannot fulfil",
        Origin.HUB: f"Cancellation asked on the hub by {actor.get_username() if actor else 'ops'}",
    }[cancellation.origin]
    then = {
        Work.QUEUED: "cancelling it in the source"
        if cancellation.origin == Origin.MARKETPLACE
        else "cancelling it on the marketplace (OR30)",
        Work.MANUAL: "returns automation is off: do it by hand",
        Work.NOTHING: "the order is not in the source: nothing to cancel there",
    }.get(cancellation.work, "")
    order_event_add(
        cancellation.order,
        source=EVENT_SOURCE[cancellation.origin],
        kind="cancellation_recorded",
        actor=actor,
        message=f"{where}: {_describe(cancellation)}; {then}",
        data={"cancellation": cancellation.pk, "key": cancellation.key},
    )


def _manual_mirror_needed(cancellation: Cancellation) -> None:
    order = cancellation.order
    subject = _subject(cancellation)
    common.failure_record(
        integration=order.integration,
        order=order,
        subject_type=subject[0],
        subject_id=subject[1],
        message=(
            f"Order {order.commercial_id}: {_describe(cancellation)} was cancelled on the "
            f"marketplace but is in the source as "
            f"{order.source_order_number or order.source_order_id}. Cancel it in the source so "
            "it is not shipped, then resolve this item."
        ),
    )


def _subject(cancellation: Cancellation) -> tuple[str, str]:
    """Whole-order marketplace cancellations are bound to the order, the rest to themselves."""
    if cancellation.origin == Origin.MARKETPLACE and cancellation.whole_order:
        return "order", cancellation.order.marketplace_order_id
    return "cancellation", cancellation.key


def marketplace_order_cancelled(order: Order) -> Cancellation:
    """The marketplace cancelled an order that reached the source: cancel it there too."""
    cancellation, _ = cancellation_record(
        order=order,
        origin=Origin.MARKETPLACE,
        key=f"marketplace:order:{order.marketplace_order_id}",
        lines=[],
        whole_order=True,
    )
    return cancellation


def cancellation_from_hub(
    *, order: Order, quantities: dict[OrderLine, int], reason_code: str, actor
) -> Cancellation:
    """Ops cancel unshipped lines from the order page; raises ValueError on bad input."""
    refusal = common.reason_refusal(order.integration, "CANCELATION", reason_code)
    if refusal:
        raise ValueError(refusal)
    quantities = {line: q for line, q in quantities.items() if q}
    if not quantities:
        raise ValueError("nothing to cancel: give a quantity on at least one line")
    shipped = [line for line in quantities if line.state not in NOT_SHIPPED]
    if shipped:
        names = ", ".join(f"{line.offer_sku} ({line.state})" for line in shipped)
        raise ValueError(f"only lines not shipped yet can be cancelled: {names}")
    cancellable_check(list(quantities))
    too_many = [line for line, q in quantities.items() if q > line.quantity]
    if too_many:
        raise ValueError(f"more than ordered on {', '.join(x.offer_sku for x in too_many)}")
    cancellation, _ = cancellation_record(
        order=order,
        origin=Origin.HUB,
        key=f"hub:{uuid.uuid4()}",
        lines=[line_entry(line, q) for line, q in quantities.items()],
        reason_code=reason_code,
        actor=actor,
    )
    return cancellation


def cancellable_check(lines: list[OrderLine]) -> None:
    """Raise ValueError naming the lines the marketplace says cannot be cancelled now (OR11
    ``can_cancel`` false): OR30 would refuse them."""
    refused = [line for line in lines if not line.can_cancel]
    if refused:
        names = ", ".join(f"{line.marketplace_line_id} ({line.offer_sku})" for line in refused)
        raise ValueError(f"the marketplace says these lines cannot be cancelled now: {names}")


CANCEL_HINT = "stock"  # the source cannot fulfil: "Out of stock" where RE01 has it


# --- OR30 -----------------------------------------------------------------------------------


def cancel_send_run(job: OutboundJob) -> None:
    """Outbox handler: cancel the lines on the marketplace with OR30 exactly once."""
    from integration_hub.clients import marketplace_client_for

    cancellation = Cancellation.objects.select_related("order", "integration").get(
        pk=job.payload["pk"]
    )
    if cancellation.work == Work.DONE:
        return
    client = marketplace_client_for(cancellation.integration)
    if cancellation.attempted_at and _cancel_adopt(cancellation, client):
        return
    _reason_settle(cancellation, client)
    Cancellation.objects.filter(pk=cancellation.pk).update(attempted_at=timezone.now())
    created = client.order_lines_cancel(cancelations=_requests(cancellation))
    _cancel_done(cancellation, {c.order_line_id: c.cancelation_id for c in created}, False)


def _reason_settle(cancellation: Cancellation, client) -> None:
    """A cancellation the hub decided on its own carries a reason the shop may use."""
    integration = cancellation.integration
    if cancellation.origin != Origin.SOURCE:
        return
    if common.reason_usable(integration, "CANCELATION", cancellation.reason_code):
        return
    cancellation.reason_code = common.shop_reason_require(
        integration, client, "CANCELATION", hint=CANCEL_HINT
    )
    Cancellation.objects.filter(pk=cancellation.pk).update(reason_code=cancellation.reason_code)


def _requests(cancellation: Cancellation) -> list[dtos.CancelationRequest]:
    lines = {
        line.marketplace_line_id: line for line in cancellation.order.lines.select_related("order")
    }
    requests = []
    for entry in cancellation.lines:
        line = lines[entry["line_id"]]
        amount, shipping = Decimal(entry["amount"]), Decimal(entry["shipping_amount"])
        tax = allocation.cents(amount * line.tax_amount / line.price) if line.price else 0
        ship_tax = (
            allocation.cents(shipping * line.shipping_tax_amount / line.shipping_price)
            if line.shipping_price
            else 0
        )
        requests.append(
            dtos.CancelationRequest(
                order_line_id=entry["line_id"],
                quantity=int(entry["quantity"]),
                amount=amount,
                shipping_amount=shipping,
                reason_code=cancellation.reason_code,
                taxes=allocation.tax_amounts(line, Decimal(tax), "taxes"),
                shipping_taxes=allocation.tax_amounts(line, Decimal(ship_tax), "shipping_taxes"),
                currency_iso_code=cancellation.order.currency,
            )
        )
    return requests


def _cancel_adopt(cancellation: Cancellation, client) -> bool:
    order = cancellation.order
    dto = next(iter(client.orders_list(order_ids=[order.marketplace_order_id])), None)
    if dto is None:
        return False
    known = {
        entry.get("marketplace_cancelation_id")
        for other in Cancellation.objects.filter(order=order).exclude(pk=cancellation.pk)
        for entry in other.lines
    }
    by_line = {line.order_line_id: line for line in dto.lines}
    found: dict[str, str] = {}
    for entry in cancellation.lines:
        for candidate in getattr(by_line.get(entry["line_id"]), "cancelations", ()):
            if candidate.id in known or candidate.id in found.values():
                continue
            if candidate.amount == Decimal(entry["amount"]):
                found[entry["line_id"]] = candidate.id
                break
    if not found:
        return False
    if len(found) < len(cancellation.lines):
        raise PermanentError(
            f"cancellation {cancellation.key} is only partly on the marketplace: check the "
            "order in the marketplace back office before sending anything"
        )
    _cancel_done(cancellation, found, True)
    return True


def _cancel_done(cancellation: Cancellation, ids: dict[str, str], adopted: bool) -> None:
    lines = [
        {**e, "marketplace_cancelation_id": ids.get(e["line_id"], "")} for e in cancellation.lines
    ]
    with transaction.atomic():
        Cancellation.objects.filter(pk=cancellation.pk).update(
            lines=lines, work=Work.DONE, done_at=timezone.now(), error=""
        )
        how = "found on the marketplace after an unanswered call" if adopted else "sent"
        order_event_add(
            cancellation.order,
            source=HUB,
            kind="cancellation_sent",
            message=f"Cancellation of {_describe(cancellation)} {how} (OR30)",
            data={"cancellation": cancellation.pk, "marketplace_cancelation_ids": ids},
        )
    common.failure_clear(
        integration=cancellation.integration,
        subject_type="cancellation",
        subject_id=cancellation.key,
        note="the cancellation is on the marketplace",
    )


# --- marketplace cancellation -> source ----------------------------------------------------


def cancel_mirror_run(job: OutboundJob) -> None:
    """Outbox handler: cancel in the source what the marketplace cancelled, once."""
    from integration_hub.clients import source_connector_for

    cancellation = Cancellation.objects.select_related("order", "integration").get(
        pk=job.payload["pk"]
    )
    if cancellation.work == Work.DONE:
        return
    order = cancellation.order
    request = SourceCancelRequest(
        reference=cancellation.key,
        external_reference=order.commercial_id,
        source_order_id=order.source_order_id,
        lines=[
            ShipmentLine(
                sku=common.source_sku(cancellation.integration, e["offer_sku"]),
                quantity=int(e["quantity"]),
            )
            for e in cancellation.lines
        ],
        reason="customer",
    )
    source = source_connector_for(cancellation.integration)
    if cancellation.whole_order:
        source.order_cancel(request)
    else:
        source.order_lines_cancel(request)
    with transaction.atomic():
        Cancellation.objects.filter(pk=cancellation.pk).update(
            work=Work.DONE, done_at=timezone.now(), error=""
        )
        order_event_add(
            order,
            source=SOURCE,
            kind="cancellation_mirrored",
            message=f"Cancelled in the source too: {_describe(cancellation)}",
            data={"cancellation": cancellation.pk},
        )
    subject_type, subject_id = _subject(cancellation)
    common.failure_clear(
        integration=cancellation.integration,
        subject_type=subject_type,
        subject_id=subject_id,
        note="cancelled in the source",
    )


def cancel_give_up(job: OutboundJob, error: Exception) -> None:
    cancellation = Cancellation.objects.select_related("order", "integration").get(
        pk=job.payload["pk"]
    )
    manual = isinstance(error, NotSupportedError)
    Cancellation.objects.filter(pk=cancellation.pk).update(
        work=Work.MANUAL if manual else Work.FAILED, error=str(error)[:2000]
    )
    order = cancellation.order
    if job.kind == MIRROR:
        todo = "cancel it in the source by hand" if manual else "fix the cause, then retry"
        message = (
            f"Order {order.commercial_id}: {_describe(cancellation)} was cancelled on the "
            f"marketplace but not in the source: {error}. {todo.capitalize()}, so it is not "
            "shipped."
        )
    elif isinstance(error, common.NoShopReason):
        message = (
            f"Order {order.commercial_id}: cancelling {_describe(cancellation)} on the "
            f"marketplace was not sent: {error}. Ask the marketplace to enable a cancellation "
            "reason for the shop (or cancel on the marketplace by hand and resolve this item), "
            "then retry: RE01 is read again."
        )
    else:
        message = (
            f"Order {order.commercial_id}: cancelling {_describe(cancellation)} on the "
            f"marketplace (OR30) failed: {error}. Fix the cause, then retry: the hub looks for "
            "the cancellation on the marketplace before it sends it again."
        )
    subject_type, subject_id = _subject(cancellation)
    common.failure_record(
        integration=cancellation.integration,
        order=order,
        subject_type=subject_type,
        subject_id=subject_id,
        message=message,
        detail=repr(error),
    )


def cancellation_retry(cancellation: Cancellation) -> bool:
    """Queue the cancellation's call again and run it now; True once it is done."""
    from integration_hub.services.outbox import outbound_job_expedite, outbox_relay

    if cancellation.work == Work.DONE:
        return True
    if cancellation.origin == Origin.MARKETPLACE and not common.automated(cancellation.integration):
        return False
    kind = MIRROR if cancellation.origin == Origin.MARKETPLACE else SEND
    Cancellation.objects.filter(pk=cancellation.pk).update(work=Work.QUEUED)
    common.job_enqueue(cancellation.integration, kind, cancellation.pk)
    outbound_job_expedite(
        integration=cancellation.integration, identity_key=f"{kind}:{cancellation.pk}"
    )
    outbox_relay(kinds=[kind])
    cancellation.refresh_from_db()
    return cancellation.work == Work.DONE
