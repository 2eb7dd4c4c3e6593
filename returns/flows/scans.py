"""Finding refunds and cancellations: on the marketplace (in the OR11 payload the orders pass
stores on each order) and in the source (``refunds_read``).

Marketplace side: every refund or cancelation id on an order line that no hub row knows was
made in the portal (or by the operator) and is recorded, then mirrored to the source. An
order with one of our own OR28/OR30 calls still open is skipped until the call settles, so
our own refund is never mistaken for a portal refund.

Source side: a source refund of lines already shipped on the marketplace is a refund (OR28);
of lines not shipped yet, the source cannot fulfil them: a cancellation (OR30).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from connectors.base import SourceRefund
from connectors.mirakl import dtos, parse
from integration_hub.flows.orders_pull import cursor_get, cursor_set
from integration_hub.models import Integration, Order, OrderLine
from integration_hub.services.runs import RunRecorder
from returns.flows import allocation, cancellations, common, refunds
from returns.models import Cancellation, Origin, Refund, RefundLine, Work

ORDERS_CURSOR = "returns.orders_scanned"
SOURCE_CURSOR = "returns.source_refunds"
OVERLAP = dt.timedelta(minutes=5)
FIRST_SCAN_DAYS = 14
MAX_PAGES = 20
SHIPPED = ("SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED")


# --- marketplace (portal) refunds and cancellations ----------------------------------------


def marketplace_adjustments_scan(integration: Integration, run: RunRecorder) -> None:
    """Record refunds and line cancellations made on the marketplace, from stored OR11 data.

    An order with one of our own calls open is skipped and the cursor held at it, so it is
    looked at again once the call settled; the other orders go on.
    """
    stored = cursor_get(integration, ORDERS_CURSOR)
    since = (
        dt.datetime.fromisoformat(stored) - OVERLAP
        if stored
        else timezone.now() - dt.timedelta(days=FIRST_SCAN_DAYS)
    )
    orders = Order.objects.filter(integration=integration, updated_at__gte=since)
    newest, held = None, None
    for order in orders.select_related("integration").order_by("updated_at", "id"):
        newest = order.updated_at
        if not _has_adjustments(order.raw):
            continue  # the common case: nothing refunded or cancelled, nothing to read
        if _own_call_open(order):
            held = held or order.updated_at
            run.add("orders held: own call open")
            continue
        for outcome in _order_adjustments_record(order):
            run.add(outcome)
    cursor = held or newest
    if cursor is not None:
        cursor_set(integration, ORDERS_CURSOR, cursor.isoformat())


def _has_adjustments(raw: dict | None) -> bool:
    lines = (raw or {}).get("order_lines") or []
    return any(line.get("refunds") or line.get("cancelations") for line in lines)


def _own_call_open(order: Order) -> bool:
    busy = [Work.QUEUED, Work.FAILED]
    return (
        Refund.objects.filter(order=order, work__in=busy)
        .exclude(origin=Origin.MARKETPLACE)
        .exists()
        or Cancellation.objects.filter(order=order, work__in=busy)
        .exclude(origin=Origin.MARKETPLACE)
        .exists()
    )


def _order_dto(order: Order) -> dtos.OrderDTO | None:
    """The order as OR11 last showed it; None when there is no payload or it cannot be read
    (the orders pass already reports unreadable orders)."""
    if not order.raw:
        return None
    try:
        return parse.order(order.raw)
    except Exception:
        return None


def _order_adjustments_record(order: Order) -> list[str]:
    dto = _order_dto(order)
    if dto is None:
        return []
    lines = {line.marketplace_line_id: line for line in order.lines.select_related("order")}
    outcomes = []
    groups = _unknown_refunds(order, dto)
    for group_id, items in groups.items():
        outcomes.append(_portal_refund_record(order, group_id, items, lines))
    if dto.order_state != "CANCELED":
        cancelled = _unknown_cancelations(order, dto)
        if cancelled:
            outcomes.append(_portal_cancellation_record(order, cancelled, lines))
    return outcomes


def _unknown_refunds(order: Order, dto: dtos.OrderDTO) -> dict[str, list]:
    known = set(
        RefundLine.objects.filter(refund__order=order)
        .exclude(marketplace_refund_id="")
        .values_list("marketplace_refund_id", flat=True)
    )
    groups: dict[str, list] = defaultdict(list)
    for line in dto.lines:
        for refund in line.refunds:
            if refund.id not in known:
                groups[refund.order_refund_id or refund.id].append((line.order_line_id, refund))
    return groups


def _portal_refund_record(order: Order, group_id: str, items: list, lines: dict) -> str:
    shares = []
    for line_id, refund in items:
        line = lines.get(line_id)
        if line is None:
            return "portal refund on an unknown line"
        shares.append(
            allocation.LineShare(
                line=line,
                quantity=refund.quantity,
                amount=refund.amount,
                tax_amount=sum((t.amount for t in refund.taxes), Decimal("0")),
                shipping_amount=refund.shipping_amount,
                shipping_tax_amount=sum((t.amount for t in refund.shipping_taxes), Decimal("0")),
            )
        )
    _refund, created = refunds.refund_integrity_safe_record(
        order=order,
        origin=Origin.MARKETPLACE,
        key=f"marketplace:{group_id}",
        shares=shares,
        reason_code=items[0][1].reason_code,
        marketplace_ids={line_id: refund.id for line_id, refund in items},
    )
    return "portal refunds" if created else "portal refunds unchanged"


def _unknown_cancelations(order: Order, dto: dtos.OrderDTO) -> list:
    known = {
        entry.get("marketplace_cancelation_id")
        for cancellation in Cancellation.objects.filter(order=order)
        for entry in cancellation.lines
    }
    return [
        (line.order_line_id, cancelation)
        for line in dto.lines
        for cancelation in line.cancelations
        if cancelation.id not in known
    ]


def _portal_cancellation_record(order: Order, items: list, lines: dict) -> str:
    entries = []
    for line_id, cancelation in items:
        line = lines.get(line_id)
        entries.append(
            {
                "line_id": line_id,
                "offer_sku": line.offer_sku if line else "",
                "quantity": cancelation.quantity or 0,
                "amount": str(cancelation.amount),
                "shipping_amount": str(cancelation.shipping_amount),
                "marketplace_cancelation_id": cancelation.id,
            }
        )
    first = min(cancelation.id for _line, cancelation in items)
    _c, created = cancellations.cancellation_record(
        order=order,
        origin=Origin.MARKETPLACE,
        key=f"marketplace:cancel:{first}",
        lines=entries,
        reason_code=items[0][1].reason_code,
    )
    return "portal cancellations" if created else "portal cancellations unchanged"


# --- refunds made in the source ------------------------------------------------------------


def source_refunds_pull(integration: Integration, source, run: RunRecorder) -> None:
    """Read refunds made in the source; each becomes one refund (OR28) or cancellation (OR30)."""
    cursor = cursor_get(integration, SOURCE_CURSOR)
    for _page in range(MAX_PAGES):
        page = source.refunds_read(cursor)
        deferred = False
        for item in page.items:
            outcome = source_refund_apply(integration, item)
            deferred = deferred or outcome == "deferred"
            run.add(f"source refunds {outcome}")
        if deferred:
            return  # read this page again next pass, once our own call has settled
        cursor = page.next_cursor
        cursor_set(integration, SOURCE_CURSOR, cursor)
        if not page.has_more:
            break


def _order_for(integration: Integration, item: SourceRefund) -> Order | None:
    orders = Order.objects.filter(integration=integration).select_related("integration")
    return (
        orders.filter(source_order_id=item.source_order_id).first()
        if item.source_order_id
        else None
    ) or orders.filter(commercial_id=item.external_reference).first()


def source_refund_apply(integration: Integration, item: SourceRefund) -> str:
    key = f"source:{item.refund_id}"
    if Refund.objects.filter(integration=integration, key=key).exists():
        return "unchanged"
    if Cancellation.objects.filter(integration=integration, key=key).exists():
        return "unchanged"
    if Refund.objects.filter(integration=integration, source_refund_id=item.refund_id).exists():
        return "mirrored"  # our own mirror of a marketplace refund
    order = _order_for(integration, item)
    if order is None:
        return "for an order the hub does not know"
    if Refund.objects.filter(order=order, origin=Origin.MARKETPLACE, work=Work.QUEUED).exists():
        return "deferred"  # a mirror is in flight: it may be this very refund
    quantities = _quantities(integration, order, item)
    if quantities is None:
        return "with an unknown SKU"
    if quantities and all(line.state not in SHIPPED for line in quantities):
        return _as_cancellation(order, key, quantities)
    return _as_refund(order, key, item, quantities)


def _quantities(integration: Integration, order: Order, item: SourceRefund):
    offer_of = common.offer_skus_by_source_sku(integration, order)
    lines = {line.offer_sku: line for line in order.lines.all()}
    quantities: dict[OrderLine, int] = {}
    for entry in item.lines:
        line = lines.get(offer_of.get(entry.sku, ""))
        if line is None:
            return None
        quantities[line] = quantities.get(line, 0) + entry.quantity
    return quantities


def _as_cancellation(order: Order, key: str, quantities: dict[OrderLine, int]) -> str:
    try:
        cancellations.cancellable_check(list(quantities))
    except ValueError as error:
        return _refused(order, key, "cancellation", f"{error}. Cancel them")
    reason = common.reason_code_for(
        order.integration, "CANCELATION", hint=cancellations.CANCEL_HINT
    )
    cancellations.cancellation_record(
        order=order,
        origin=Origin.SOURCE,
        key=key,
        lines=[cancellations.line_entry(line, q) for line, q in quantities.items()],
        reason_code=reason,
    )
    return "cancellations"


def _as_refund(order: Order, key: str, item: SourceRefund, quantities) -> str:
    goods = item.amount - item.shipping_amount
    if not quantities:  # an amount without lines: spread over every refundable shipped line
        quantities = {line: 0 for line in order.lines.filter(state__in=SHIPPED, can_refund=True)}
    try:
        refunds.refundable_check(list(quantities))
        shares = allocation.shares_for(quantities, goods, item.shipping_amount)
    except ValueError as error:
        return _refused(order, key, "refund", f"{error}. Refund what is due")
    hint = refunds.refund_reason_hint(order)
    refunds.refund_integrity_safe_record(
        order=order,
        origin=Origin.SOURCE,
        key=key,
        shares=shares,
        reason_code=common.reason_code_for(order.integration, "REFUND", hint=hint),
        source_refund_id=item.refund_id,
    )
    return "refunds"


def _refused(order: Order, key: str, what: str, why_todo: str) -> str:
    """A source refund the marketplace would refuse: one item, nothing sent (fail closed)."""
    common.failure_record(
        integration=order.integration,
        order=order,
        subject_type=what,
        subject_id=key,
        message=f"The {what} {key.removeprefix('source:')} made in the source for order "
        f"{order.commercial_id} cannot be sent to the marketplace: {why_todo} on the "
        "marketplace by hand, then resolve this item.",
    )
    return "refused"
