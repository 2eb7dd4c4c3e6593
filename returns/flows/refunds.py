"""Refunds: decided in the source or by ops -> OR28 once; made in the marketplace portal ->
mirrored to the source once.

OR28 is not idempotent. Before the first call the refund's ``attempted_at`` is committed; a
later attempt (after a lost answer, a crash or a retry pressed twice) first reads the order
(OR11) and adopts refunds on its lines that the hub does not know yet and that carry exactly
our amounts, and only sends when none is there.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from connectors.base import NotSupportedError, PermanentError, ShipmentLine, SourceRefundRequest
from connectors.mirakl import dtos
from integration_hub.flows.events import HUB, MARKETPLACE, SOURCE, USER, order_event_add
from integration_hub.models import Integration, Order, OrderLine, OutboundJob
from returns.flows import allocation, common
from returns.models import Origin, Refund, RefundLine, Work

SEND = "refund_send"  # OR28
MIRROR = "refund_mirror"  # portal refund -> source
EVENT_SOURCE = {Origin.MARKETPLACE: MARKETPLACE, Origin.SOURCE: SOURCE, Origin.HUB: USER}


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _describe(refund: Refund) -> str:
    lines = ", ".join(
        f"{line.quantity} x {line.order_line.offer_sku}" for line in refund.lines.all()
    )
    shipping = f" + {_money(refund.shipping_amount)} shipping" if refund.shipping_amount else ""
    what = f" ({lines})" if lines else ""
    return f"{refund.currency} {_money(refund.amount)}{shipping}{what}"


@transaction.atomic
def refund_record(
    *,
    order: Order,
    origin: str,
    key: str,
    shares: list[allocation.LineShare],
    reason_code: str,
    source_refund_id: str = "",
    marketplace_ids: dict[str, str] | None = None,
    actor=None,
    note: str = "",
) -> tuple[Refund, bool]:
    """Store a refund once (by ``key``) and queue what it needs; returns (refund, created)."""
    integration = order.integration
    existing = Refund.objects.filter(integration=integration, key=key).first()
    if existing:
        return existing, False
    refund = Refund.objects.create(
        integration=integration,
        order=order,
        key=key,
        origin=origin,
        reason_code=reason_code,
        amount=sum((s.amount for s in shares), Decimal("0")),
        shipping_amount=sum((s.shipping_amount for s in shares), Decimal("0")),
        currency=order.currency,
        source_refund_id=source_refund_id,
        created_by=actor,
        note=note[:500],
        work=_first_work(integration, origin, order),
    )
    allocation.refund_lines_create(refund, shares, marketplace_ids)
    _recorded_event(refund, actor)
    if refund.work == Work.QUEUED:
        common.job_enqueue(integration, SEND if origin != Origin.MARKETPLACE else MIRROR, refund.pk)
    return refund, True


def _first_work(integration: Integration, origin: str, order: Order) -> str:
    if origin == Origin.HUB:
        return Work.QUEUED  # a person asked for it on the hub: always sent
    if origin == Origin.MARKETPLACE and not order.source_order_id:
        return Work.NOTHING  # never reached the source: nothing to mirror
    return Work.QUEUED if common.automated(integration) else Work.MANUAL


def _recorded_event(refund: Refund, actor) -> None:
    where = {
        Origin.MARKETPLACE: "Refund made on the marketplace",
        Origin.SOURCE: "Refund made in the source",
        Origin.HUB: f"Refund asked on the hub by {actor.get_username() if actor else 'ops'}",
    }[refund.origin]
    then = {
        Work.QUEUED: "sending it to the source"
        if refund.origin == Origin.MARKETPLACE
        else "sending it to the marketplace (OR28)",
        Work.MANUAL: "returns automation is off: mirror it by hand",
        Work.NOTHING: "the order is not in the source: nothing to mirror",
    }.get(refund.work, "")
    order_event_add(
        refund.order,
        source=EVENT_SOURCE[refund.origin],
        kind="refund_recorded",
        actor=actor,
        message=f"{where}: {_describe(refund)}; {then}",
        data={"refund": refund.pk, "key": refund.key},
    )


def refund_from_hub(
    *,
    order: Order,
    quantities: dict[OrderLine, int],
    shipping: Decimal,
    reason_code: str,
    actor,
    amounts: dict[OrderLine, Decimal] | None = None,
    note: str = "",
) -> Refund:
    """Ops refund lines (and shipping) from the order page; raises ValueError on bad input."""
    refusal = common.reason_refusal(order.integration, "REFUND", reason_code)
    if refusal:
        raise ValueError(refusal)
    shares = []
    for line, quantity in quantities.items():
        goods = (amounts or {}).get(line)
        goods = line.unit_price * quantity if goods is None else goods
        shares += allocation.shares_for({line: quantity}, goods, Decimal("0"))
    if shipping:
        shares = _shipping_added(order, shares, quantities, shipping)
    if not shares or sum((s.amount + s.shipping_amount for s in shares), Decimal("0")) <= 0:
        raise ValueError("nothing to refund: give a quantity, an amount or shipping")
    _refundable_check(order, shares)
    refund, _ = refund_record(
        order=order,
        origin=Origin.HUB,
        key=f"hub:{uuid.uuid4()}",
        shares=shares,
        reason_code=reason_code,
        actor=actor,
        note=note,
    )
    return refund


def _shipping_added(order, shares, quantities, shipping) -> list[allocation.LineShare]:
    lines = list(quantities) or [line for line in order.lines.all() if line.can_refund]
    spread = allocation.shares_for({line: 0 for line in lines}, Decimal("0"), shipping)
    by_line = {s.line.pk: s for s in shares}
    for part in spread:
        if part.line.pk in by_line:
            by_line[part.line.pk].shipping_amount = part.shipping_amount
            by_line[part.line.pk].shipping_tax_amount = part.shipping_tax_amount
        else:
            shares.append(part)
    return shares


def _refundable_check(order: Order, shares: list[allocation.LineShare]) -> None:
    not_shipped = [s.line for s in shares if s.line.state not in ("SHIPPED", "RECEIVED", "CLOSED")]
    if not_shipped:
        names = ", ".join(f"{line.offer_sku} ({line.state})" for line in not_shipped)
        raise ValueError(
            f"the marketplace refunds shipped lines only: {names}; cancel unshipped lines instead"
        )
    refundable_check([s.line for s in shares])


def refundable_check(lines: list[OrderLine]) -> None:
    """Raise ValueError naming the lines the marketplace says cannot be refunded (OR11
    ``can_refund`` false): OR28 would refuse them."""
    refused = [line for line in lines if not line.can_refund]
    if refused:
        names = ", ".join(f"{line.marketplace_line_id} ({line.offer_sku})" for line in refused)
        raise ValueError(f"the marketplace says these lines cannot be refunded: {names}")


def refund_reason_hint(order: Order) -> str:
    """What the label of an automatic refund's reason should mention: "return" when the
    order has a return (RE01's "Customer return"), else nothing in particular."""
    return "return" if order.hub_returns.exists() else ""


# --- OR28 -----------------------------------------------------------------------------------


def refund_send_run(job: OutboundJob) -> None:
    """Outbox handler: send the refund with OR28 exactly once."""
    from integration_hub.clients import marketplace_client_for

    refund = Refund.objects.select_related("order", "integration").get(pk=job.payload["pk"])
    if refund.work == Work.DONE:
        return
    client = marketplace_client_for(refund.integration)
    if refund.attempted_at and _refund_adopt(refund, client):
        return
    _reason_settle(refund, client)
    Refund.objects.filter(pk=refund.pk).update(attempted_at=timezone.now())
    created = client.orders_refund(refunds=_refund_requests(refund))
    _refund_done(refund, {c.order_line_id: c.refund_id for c in created}, adopted=False)


def _reason_settle(refund: Refund, client) -> None:
    """A refund the hub decided on its own carries a reason the shop may use, picked again
    when it has none or its reason is the operator's (RE01 changed); ops' choice stays."""
    if refund.origin != Origin.SOURCE:
        return
    if common.reason_usable(refund.integration, "REFUND", refund.reason_code):
        return
    hint = refund_reason_hint(refund.order)
    refund.reason_code = common.shop_reason_require(refund.integration, client, "REFUND", hint=hint)
    Refund.objects.filter(pk=refund.pk).update(reason_code=refund.reason_code)


def _refund_requests(refund: Refund) -> list[dtos.RefundRequest]:
    requests = []
    for line in refund.lines.select_related("order_line__order"):
        order_line = line.order_line
        requests.append(
            dtos.RefundRequest(
                order_line_id=order_line.marketplace_line_id,
                amount=line.amount,
                shipping_amount=line.shipping_amount,
                reason_code=refund.reason_code,
                quantity=line.quantity or None,
                taxes=allocation.tax_amounts(order_line, line.tax_amount, "taxes"),
                shipping_taxes=allocation.tax_amounts(
                    order_line, line.shipping_tax_amount, "shipping_taxes"
                ),
                currency_iso_code=refund.currency,
            )
        )
    return requests


def _refund_adopt(refund: Refund, client) -> bool:
    """After an unknown outcome: is our refund on the marketplace already? Adopt it if so."""
    order = refund.order
    dto = next(iter(client.orders_list(order_ids=[order.marketplace_order_id])), None)
    if dto is None:
        return False
    known = set(
        RefundLine.objects.filter(refund__order=order)
        .exclude(marketplace_refund_id="")
        .values_list("marketplace_refund_id", flat=True)
    )
    by_line = {line.order_line_id: line for line in dto.lines}
    found: dict[str, str] = {}
    wanted = list(refund.lines.select_related("order_line"))
    for line in wanted:
        line_id = line.order_line.marketplace_line_id
        for candidate in getattr(by_line.get(line_id), "refunds", ()):
            same = (candidate.amount, candidate.shipping_amount) == (
                line.amount,
                line.shipping_amount,
            )
            if same and candidate.id not in known and candidate.id not in found.values():
                found[line_id] = candidate.id
                break
    if not found:
        return False
    if len(found) < len(wanted):
        raise _partly_found_error(refund, found)
    _refund_done(refund, found, adopted=True)
    return True


def _partly_found_error(refund: Refund, found: dict) -> PermanentError:
    return PermanentError(
        f"refund {refund.key} is only partly on the marketplace ({', '.join(found)}): "
        "check the order in the marketplace back office before sending anything"
    )


def _refund_done(refund: Refund, ids: dict[str, str], *, adopted: bool) -> None:
    with transaction.atomic():
        for line in refund.lines.select_related("order_line"):
            marketplace_id = ids.get(line.order_line.marketplace_line_id, "")
            RefundLine.objects.filter(pk=line.pk).update(marketplace_refund_id=marketplace_id)
        Refund.objects.filter(pk=refund.pk).update(work=Work.DONE, done_at=timezone.now(), error="")
        how = "found on the marketplace after an unanswered call" if adopted else "sent"
        order_event_add(
            refund.order,
            source=HUB,
            kind="refund_sent",
            message=f"Refund {_describe(refund)} {how} (OR28: {', '.join(ids.values())})",
            data={"refund": refund.pk, "marketplace_refund_ids": ids},
        )
    common.failure_clear(
        integration=refund.integration,
        subject_type="refund",
        subject_id=refund.key,
        note="the refund is on the marketplace",
    )


# --- portal refund -> source ---------------------------------------------------------------


def refund_mirror_run(job: OutboundJob) -> None:
    """Outbox handler: record a marketplace (portal) refund in the source, once."""
    from integration_hub.clients import source_connector_for

    refund = Refund.objects.select_related("order", "integration").get(pk=job.payload["pk"])
    if refund.work == Work.DONE:
        return
    order = refund.order
    request = SourceRefundRequest(
        reference=refund.key,
        external_reference=order.commercial_id,
        source_order_id=order.source_order_id,
        lines=[
            ShipmentLine(
                sku=common.source_sku(refund.integration, line.order_line.offer_sku),
                quantity=line.quantity,
            )
            for line in refund.lines.select_related("order_line")
        ],
        amount=refund.amount,
        shipping_amount=refund.shipping_amount,
        currency=refund.currency,
    )
    source_id = source_connector_for(refund.integration).refund_create(request)
    with transaction.atomic():
        Refund.objects.filter(pk=refund.pk).update(
            work=Work.DONE, done_at=timezone.now(), source_refund_id=source_id, error=""
        )
        order_event_add(
            order,
            source=SOURCE,
            kind="refund_mirrored",
            message=f"Marketplace refund {_describe(refund)} recorded in the source ({source_id})",
            data={"refund": refund.pk, "source_refund_id": source_id},
        )
    common.failure_clear(
        integration=refund.integration,
        subject_type="refund",
        subject_id=refund.key,
        note="the refund is in the source",
    )


def refund_give_up(job: OutboundJob, error: Exception) -> None:
    refund = Refund.objects.select_related("order", "integration").get(pk=job.payload["pk"])
    manual = isinstance(error, NotSupportedError)
    Refund.objects.filter(pk=refund.pk).update(
        work=Work.MANUAL if manual else Work.FAILED, error=str(error)[:2000]
    )
    if job.kind == MIRROR:
        todo = "record it in the source by hand" if manual else "fix the cause, then retry"
        what = f"The marketplace refund {_describe(refund)} on order {refund.order.commercial_id}"
        message = f"{what} could not be recorded in the source: {error}. {todo.capitalize()}."
    elif isinstance(error, common.NoShopReason):
        message = (
            f"The refund {_describe(refund)} on order {refund.order.commercial_id} was not sent: "
            f"{error}. Ask the marketplace to enable a refund reason for the shop (or refund on "
            "the marketplace by hand and resolve this item), then retry: RE01 is read again."
        )
    else:
        message = (
            f"The refund {_describe(refund)} on order {refund.order.commercial_id} was not taken "
            f"by the marketplace (OR28): {error}. Fix the cause, then retry: the hub looks for "
            "the refund on the marketplace before it sends it again."
        )
    common.failure_record(
        integration=refund.integration,
        order=refund.order,
        subject_type="refund",
        subject_id=refund.key,
        message=message,
        detail=repr(error),
    )


def refund_retry(refund: Refund) -> bool:
    """Queue the refund's call again and run it now; True once it is done."""
    from integration_hub.services.outbox import outbound_job_expedite, outbox_relay

    if refund.work == Work.DONE:
        return True
    kind = MIRROR if refund.origin == Origin.MARKETPLACE else SEND
    if refund.origin == Origin.MARKETPLACE and not common.automated(refund.integration):
        return False
    Refund.objects.filter(pk=refund.pk).update(work=Work.QUEUED)
    common.job_enqueue(refund.integration, kind, refund.pk)
    outbound_job_expedite(integration=refund.integration, identity_key=f"{kind}:{refund.pk}")
    outbox_relay(kinds=[kind])
    refund.refresh_from_db()
    return refund.work == Work.DONE


def refund_integrity_safe_record(**kwargs) -> tuple[Refund | None, bool]:
    """refund_record, tolerating a concurrent pass that stored the same key a moment ago."""
    try:
        return refund_record(**kwargs)
    except IntegrityError:
        return None, False
