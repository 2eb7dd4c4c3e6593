"""Matching: every order's expected money against its settled transaction lines, every payout's
lines against the amount transferred. The sums are SQL aggregates over ranges of orders, so
500,000 lines against 100,000 orders take seconds and little memory; Python only compares the
sums and writes what changed.

Expected (what the order says, prices include tax as on the John Lewis Marketplace):
sales = line prices, shipping = shipping prices, commission = -commission fee, commission VAT
= -VAT on commission, refunds = -(refunded amount + refunded shipping), order fees = the fees
the customer paid on the lines minus the fees refunded; a refund gives the commission and its
VAT back. Settled net: every line bound to the order, whatever its type (TL02 ``amount``, which
is credited minus debited). The lines of kinds the order cannot predict (seller fees,
penalties, tax the operator remits ...) are ``settled_other`` and listed per type in
``settled_other_kinds``: they are in the variance, so finance sees the money and why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from exceptions_queue.services import exception_clear, exception_record
from integration_hub.models import Integration, Order, OrderLine
from reconciliation.models import (
    ExpectedFee,
    ExpectedRefund,
    LineStatus,
    OrderReconciliation,
    OrderStatus,
    Payout,
    PayoutStatus,
    ReconciliationOptions,
    TransactionLine,
)
from reconciliation.types import (
    COMMISSION,
    COMMISSION_VAT,
    ORDER_BUCKETS,
    ORDER_CATEGORIES,
    ORDER_FEES,
    REFUNDS,
    SALES,
    SHIPPING,
    order_bucket_types,
    types_in_bucket,
)

CHUNK = 5000
ZERO = Decimal("0.00")
VOID_LINE_STATES = ("REFUSED", "CANCELED")
SHIPPED_STATES = ("SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED")
NOT_SETTLED = "NOT_APPLICABLE"  # a cancelled line's pending money is never paid
PAYMENT_TYPE = "PAYMENT"  # the transfer itself: a debit of the amount paid out
QUEUED_ORDER_STATUSES = (OrderStatus.VARIANCE, OrderStatus.UNSETTLED)
QUEUED_LINE_STATUSES = (LineStatus.UNMATCHED, LineStatus.UNKNOWN)
ORDER_FIELDS = [
    "currency",
    *[f"expected_{b}" for b in ORDER_BUCKETS],
    "expected_net",
    *[f"settled_{b}" for b in ORDER_BUCKETS],
    "settled_other",
    "settled_other_kinds",
    "settled_net",
    "variance",
    "status",
]


@dataclass(frozen=True)
class Options:
    tolerance: Decimal
    unsettled_after: dt.timedelta


def options_for(integration: Integration) -> Options:
    """The integration's options, else HUB_RECONCILE_TOLERANCE / HUB_RECONCILE_UNSETTLED_DAYS."""
    row = ReconciliationOptions.objects.filter(integration=integration).first()
    tolerance = Decimal(str(getattr(settings, "HUB_RECONCILE_TOLERANCE", "0.01")))
    days = int(getattr(settings, "HUB_RECONCILE_UNSETTLED_DAYS", 14))
    if row is not None:
        tolerance, days = row.tolerance, row.unsettled_after_days
    return Options(tolerance, dt.timedelta(days=days))


def reconcile(integration: Integration, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Link lines to orders, match every order and every payout; returns counts per status."""
    now = now or timezone.now()
    options = options_for(integration)
    lines_link(integration)
    lines_status_update(integration)
    counts = lines_queue(integration)
    counts.update(orders_reconcile(integration, options=options, now=now))
    counts.update(payouts_check(integration, options=options))
    return counts


# --- transaction lines --------------------------------------------------------------------


def lines_link(integration: Integration, lines=None) -> None:
    """Point lines at the hub's order (by Mirakl order id) and order line, in two UPDATEs."""
    lines = lines if lines is not None else TransactionLine.objects.filter(integration=integration)
    order = Order.objects.filter(
        integration=integration, marketplace_order_id=OuterRef("marketplace_order_id")
    ).values("pk")[:1]
    lines.filter(order__isnull=True, manual_match=False).exclude(marketplace_order_id="").update(
        order=Subquery(order)
    )
    order_line = OrderLine.objects.filter(
        order_id=OuterRef("order_id"), marketplace_line_id=OuterRef("marketplace_line_id")
    ).values("pk")[:1]
    lines.filter(order__isnull=False, order_line__isnull=True, manual_match=False).exclude(
        marketplace_line_id=""
    ).update(order_line=Subquery(order_line))


def lines_status_update(integration: Integration, lines=None) -> None:
    """Set every line's status from its type and link (written-off lines keep theirs)."""
    lines = lines if lines is not None else TransactionLine.objects.filter(integration=integration)
    lines = lines.exclude(match_status=LineStatus.WRITTEN_OFF)
    order_related = Q(category__in=ORDER_CATEGORIES) | ~Q(marketplace_order_id="")
    lines.filter(known=False).exclude(match_status=LineStatus.UNKNOWN).update(
        match_status=LineStatus.UNKNOWN
    )
    known = lines.filter(known=True)
    known.filter(order__isnull=False).exclude(match_status=LineStatus.MATCHED).update(
        match_status=LineStatus.MATCHED
    )
    known.filter(order_related, order__isnull=True).exclude(
        match_status=LineStatus.UNMATCHED
    ).update(match_status=LineStatus.UNMATCHED)
    known.filter(~order_related, order__isnull=True).exclude(match_status=LineStatus.OTHER).update(
        match_status=LineStatus.OTHER
    )


def lines_queue(integration: Integration, lines=None) -> dict[str, int]:
    """Queue new unmatched/unknown lines for finance; clear the ones that are explained now."""
    lines = lines if lines is not None else TransactionLine.objects.filter(integration=integration)
    opened = cleared = 0
    for line in lines.filter(match_status__in=QUEUED_LINE_STATUSES, queued=False).iterator():
        _line_exception_record(integration, line)
        opened += 1
    lines.filter(match_status__in=QUEUED_LINE_STATUSES, queued=False).update(queued=True)
    for line in lines.filter(queued=True).exclude(match_status__in=QUEUED_LINE_STATUSES):
        exception_clear(
            integration=integration,
            kind="payout_unmatched",
            subject_type="transaction_line",
            subject_id=line.line_id,
            note=f"transaction line {line.line_id} is {line.get_match_status_display().lower()}",
        )
        TransactionLine.objects.filter(pk=line.pk).update(queued=False)
        cleared += 1
    return {"lines queued": opened, "lines cleared": cleared}


def _line_exception_record(integration: Integration, line: TransactionLine) -> None:
    if line.match_status == LineStatus.UNKNOWN:
        why = f"has a transaction type the hub does not know ({line.type})"
    else:
        order = line.commercial_id or line.marketplace_order_id or "no order id"
        why = f"points to an order the hub does not have ({order})"
    exception_record(
        integration=integration,
        kind="payout_unmatched",
        subject_type="transaction_line",
        subject_id=line.line_id,
        message=f"Transaction line {line.line_id} ({line.type}, {line.currency} {line.amount}) "
        f"{why}.",
        payload={"line_id": line.pk, "cycle": line.billing_cycle_id},
    )


# --- orders -------------------------------------------------------------------------------


def orders_reconcile(
    integration: Integration,
    *,
    options: Options,
    now: dt.datetime,
    order_ids: list[int] | None = None,
) -> dict[str, int]:
    """Match the integration's orders (or only ``order_ids``) range by range of ids."""
    orders = Order.objects.filter(integration=integration)
    if order_ids is not None:
        orders = orders.filter(pk__in=order_ids)
    bounds = orders.aggregate(low=Min("pk"), high=Max("pk"))
    counts: dict[str, int] = {}
    if bounds["low"] is None:
        return counts
    for low in range(bounds["low"], bounds["high"] + 1, CHUNK):
        # ranges on order_id let every aggregate use its (integration, order) index
        scope = {"order_id__gte": low, "order_id__lt": low + CHUNK}
        if order_ids is not None:
            scope["order_id__in"] = order_ids
        chunk = orders.filter(pk__gte=low, pk__lt=low + CHUNK)
        for name, amount in _orders_chunk(integration, chunk, scope, options, now).items():
            counts[name] = counts.get(name, 0) + amount
    return counts


def _orders_chunk(integration, orders, scope: dict, options: Options, now) -> dict[str, int]:
    """Compare one range of orders; only rows whose figures changed are written.

    Each stored row carries a digest of its figures, so an unchanged order costs one short
    tuple, not a model with seventeen decimals to convert.
    """
    expected = _expected_sums(scope)
    settled = _settled_sums(integration, scope)
    existing = {
        order_id: (pk, status, queued, digest)
        for pk, order_id, status, queued, digest in OrderReconciliation.objects.filter(
            integration=integration, **scope
        ).values_list("pk", "order_id", "status", "queued", "digest")
    }
    new, changed, transitions = [], [], []
    counts: dict[str, int] = {}
    rows = orders.values_list(
        "pk", "currency", "marketplace_state", "shipped_at", "marketplace_updated_at"
    )
    for order_id, currency, state, shipped_at, updated_at in rows:
        values = _order_values(
            expected.get(order_id),
            settled.get(order_id),
            options,
            now,
            state,
            shipped_at or updated_at,
        )
        pk, old_status, queued, old_digest = existing.get(order_id, (None, None, False, ""))
        if values is None and pk is None:
            continue
        values = values or {**_zero_values(), "status": OrderStatus.PENDING}
        values["currency"] = currency
        if old_status == OrderStatus.WRITTEN_OFF and values["status"] != OrderStatus.MATCHED:
            values["status"] = OrderStatus.WRITTEN_OFF  # accepted by finance until undone
        counts[f"orders {values['status']}"] = counts.get(f"orders {values['status']}", 0) + 1
        digest = _digest(values)
        row = OrderReconciliation(
            pk=pk,
            order_id=order_id,
            integration=integration,
            queued=queued,
            digest=digest,
            **values,
        )
        if pk is None:
            new.append(row)
        elif digest != old_digest:
            changed.append(row)
        moved = queued and digest != old_digest  # still queued, but the amount moved: bump it
        if moved or (row.status in QUEUED_ORDER_STATUSES) != queued:
            transitions.append(row)
    OrderReconciliation.objects.bulk_create(new, batch_size=1000)
    OrderReconciliation.objects.bulk_update(changed, [*ORDER_FIELDS, "digest"], batch_size=1000)
    for row in transitions:
        _order_queue(integration, row)
    return counts


def _digest(values: dict) -> str:
    text = "|".join(f"{key}={values[key]}" for key in sorted(values))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _zero_values() -> dict:
    values = {f"expected_{b}": ZERO for b in ORDER_BUCKETS}
    values.update({f"settled_{b}": ZERO for b in ORDER_BUCKETS})
    values.update(expected_net=ZERO, settled_other=ZERO, settled_net=ZERO, variance=ZERO)
    values["settled_other_kinds"] = {}
    return values


def _order_values(expected, settled, options: Options, now, state, shipped_at) -> dict | None:
    """The row's figures and status; None when there is nothing to say yet."""
    values = _zero_values()
    values.update(expected or {})
    values["expected_net"] = sum((values[f"expected_{b}"] for b in ORDER_BUCKETS), ZERO)
    if settled is None:
        shipped = state in SHIPPED_STATES and shipped_at is not None
        if shipped and shipped_at <= now - options.unsettled_after:
            return {**values, "status": OrderStatus.UNSETTLED, "variance": -values["expected_net"]}
        return None
    values.update({k: v for k, v in settled.items() if k != "total"})
    values["settled_net"] = settled["total"]  # every line, the ones the order cannot predict too
    predicted = sum((values[f"settled_{b}"] for b in ORDER_BUCKETS), ZERO)
    values["settled_other"] = values["settled_net"] - predicted
    values["variance"] = values["settled_net"] - values["expected_net"]
    matched = abs(values["variance"]) <= options.tolerance
    values["status"] = OrderStatus.MATCHED if matched else OrderStatus.VARIANCE
    return values


def _money(value) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


def _expected_sums(scope: dict) -> dict[int, dict[str, Decimal]]:
    """Per order: the expected buckets from its lines, refunds and fees (three GROUP BYs)."""
    lines = (
        OrderLine.objects.filter(**scope)
        .exclude(state__in=VOID_LINE_STATES)
        .values("order_id")
        .annotate(
            sales=Sum("price"),
            shipping=Sum("shipping_price"),
            commission=Sum("commission_fee"),
            vat=Sum("commission_vat"),
        )
    )
    sums = {
        row["order_id"]: {
            f"expected_{SALES}": _money(row["sales"]),
            f"expected_{SHIPPING}": _money(row["shipping"]),
            f"expected_{COMMISSION}": -_money(row["commission"]),
            f"expected_{COMMISSION_VAT}": -_money(row["vat"]),
            f"expected_{REFUNDS}": ZERO,
        }
        for row in lines
    }
    _expected_refunds_add(sums, scope)
    _expected_fees_add(sums, scope)
    return sums


def _add(target: dict, key: str, amount: Decimal) -> None:
    target[key] = target.get(key, ZERO) + amount


def _expected_refunds_add(sums: dict, scope: dict) -> None:
    refunds = (
        ExpectedRefund.objects.filter(**scope)
        .values("order_id")
        .annotate(
            amount=Sum("amount"),
            shipping=Sum("shipping_amount"),
            commission=Sum("commission"),
            vat=Sum("commission_vat"),
            fees=Sum("fees"),
        )
    )
    for row in refunds:
        target = sums.setdefault(row["order_id"], {})
        target[f"expected_{REFUNDS}"] = -(_money(row["amount"]) + _money(row["shipping"]))
        _add(target, f"expected_{COMMISSION}", _money(row["commission"]))
        _add(target, f"expected_{COMMISSION_VAT}", _money(row["vat"]))
        _add(target, f"expected_{ORDER_FEES}", -_money(row["fees"]))


def _expected_fees_add(sums: dict, scope: dict) -> None:
    """The fees the customer paid on the order's lines (refused and cancelled lines aside)."""
    fees = (
        ExpectedFee.objects.filter(**scope)
        .exclude(order_line__state__in=VOID_LINE_STATES)
        .values("order_id")
        .annotate(amount=Sum("amount"))
    )
    for row in fees:
        _add(sums.setdefault(row["order_id"], {}), f"expected_{ORDER_FEES}", _money(row["amount"]))


def settled_annotations() -> dict:
    """Sum(amount) per bucket, and over every line (``total``), for any queryset of lines."""
    annotations = {
        f"settled_{bucket}": Sum("amount", filter=Q(type__in=types_in_bucket(bucket)))
        for bucket in ORDER_BUCKETS
    }
    annotations["total"] = Sum("amount")
    return annotations


def settled_lines(integration: Integration, **scope):
    """The lines that count toward an order's settled net: all of them except money that is
    never paid (NOT_APPLICABLE) and lines finance wrote off."""
    return (
        TransactionLine.objects.filter(integration=integration, **scope)
        .exclude(payment_state=NOT_SETTLED)
        .exclude(match_status=LineStatus.WRITTEN_OFF)
    )


def _settled_sums(integration, scope: dict) -> dict[int, dict[str, Decimal]]:
    lines = settled_lines(integration, **scope)
    rows = lines.values("order_id").annotate(**settled_annotations())
    sums = {row.pop("order_id"): {k: _money(v) for k, v in row.items()} for row in rows}
    other = (
        lines.exclude(type__in=order_bucket_types())
        .values("order_id", "type")
        .annotate(amount=Sum("amount"))
        .order_by("order_id", "type")
    )
    for row in other:
        if row["order_id"] in sums:
            kinds = sums[row["order_id"]].setdefault("settled_other_kinds", {})
            kinds[row["type"]] = str(_money(row["amount"]))
    return sums


def _order_queue(integration: Integration, row: OrderReconciliation) -> None:
    """Open (or bump) the order's payout_variance item, or clear it once explained."""
    order = Order.objects.get(pk=row.order_id)
    if row.status in QUEUED_ORDER_STATUSES:
        if row.status == OrderStatus.UNSETTLED:
            message = (
                f"Order {order.commercial_id} shipped but nothing was settled for it yet "
                f"(expected {row.currency} {row.expected_net})."
            )
        else:
            message = (
                f"Order {order.commercial_id}: settled {row.currency} {row.settled_net}, "
                f"expected {row.expected_net} (variance {row.variance})."
                f"{_not_predicted_note(row.settled_other_kinds)}"
            )
        exception_record(
            integration=integration,
            kind="payout_variance",
            subject_type="order",
            subject_id=order.marketplace_order_id,
            message=message,
            order=order,
            payload={"order_id": order.pk},
        )
        queued = True
    else:
        exception_clear(
            integration=integration,
            kind="payout_variance",
            subject_type="order",
            subject_id=order.marketplace_order_id,
            note=f"order {order.commercial_id} is {row.get_status_display().lower()} now",
        )
        queued = False
    OrderReconciliation.objects.filter(pk=row.pk).update(queued=queued)
    row.queued = queued


def _not_predicted_note(kinds: dict[str, str]) -> str:
    """Why settled differs although every predicted line may be there: the kinds of money
    bound to the order that the order itself does not carry."""
    listed = other_kinds_text(kinds, separator=", ")
    return f" Not predicted by the order: {listed}." if kinds else ""


def other_kinds_text(kinds: dict | None, *, separator: str = "; ") -> str:
    """``{"SELLER_FEE_ON_ORDER": "-0.55"}`` as "SELLER_FEE_ON_ORDER -0.55" (types sorted)."""
    return separator.join(f"{kind} {amount}" for kind, amount in sorted((kinds or {}).items()))


def order_reconcile(order: Order, *, now: dt.datetime | None = None) -> OrderReconciliation | None:
    """Link and match one order (after a manual action, or a retry from the queue)."""
    integration = order.integration
    lines = TransactionLine.objects.filter(integration=integration)
    lines_link(integration, lines.filter(marketplace_order_id=order.marketplace_order_id))
    lines = lines.filter(order=order)
    lines_status_update(integration, lines)
    lines_queue(integration, lines)
    orders_reconcile(
        integration,
        options=options_for(integration),
        now=now or timezone.now(),
        order_ids=[order.pk],
    )
    return OrderReconciliation.objects.filter(order=order).first()


# --- payouts ------------------------------------------------------------------------------


def payouts_check(
    integration: Integration, *, options: Options, cycle_ids: list[str] | None = None
) -> dict[str, int]:
    """Per billing cycle: every line of the cycle (orders, fees, subscriptions, reserve ...,
    the PAYMENT line aside) must add up to the amount transferred, and the PAYMENT line (a debit
    of the transfer) must be that amount too; otherwise the payout is a variance.

    ``cycle_ids``: only these cycles (a manual action re-checks the payouts it touched)."""
    lines = (
        TransactionLine.objects.filter(integration=integration)
        .exclude(billing_cycle_id="")
        .exclude(payment_state=NOT_SETTLED)
    )
    payouts = Payout.objects.filter(integration=integration)
    if cycle_ids is not None:
        lines = lines.filter(billing_cycle_id__in=cycle_ids)
        payouts = payouts.filter(cycle_id__in=cycle_ids)
    totals = {
        row["billing_cycle_id"]: row
        for row in lines.values("billing_cycle_id").annotate(
            total=Sum("amount", filter=~Q(type=PAYMENT_TYPE)),
            paid=Sum("amount", filter=Q(type=PAYMENT_TYPE)),
            open_lines=Count("pk", filter=Q(match_status__in=QUEUED_LINE_STATUSES)),
            currency=Max("currency"),
            first=Min("date_created"),
        )
    }
    open_orders = dict(
        lines.filter(order__reconciliation__status__in=QUEUED_ORDER_STATUSES)
        .values("billing_cycle_id")
        .annotate(n=Count("order", distinct=True))
        .values_list("billing_cycle_id", "n")
    )
    _payouts_from_lines(integration, totals)
    counts: dict[str, int] = {}
    for payout in payouts:
        row = totals.get(payout.cycle_id) or {}
        status = _payout_status(payout, row, open_orders.get(payout.cycle_id, 0), options)
        counts[f"payouts {status}"] = counts.get(f"payouts {status}", 0) + 1
    return counts


def _payouts_from_lines(integration: Integration, totals: dict) -> None:
    """A cycle seen in TL02 before SBC11 told its transfer: listed, open, until it does."""
    known = set(
        Payout.objects.filter(integration=integration, cycle_id__in=totals).values_list(
            "cycle_id", flat=True
        )
    )
    Payout.objects.bulk_create(
        Payout(
            integration=integration,
            cycle_id=cycle_id,
            currency=row["currency"] or "GBP",
            date_created=row["first"],
        )
        for cycle_id, row in totals.items()
        if cycle_id not in known
    )


def payout_tie_out(
    transfer: Decimal | None, total: Decimal | None, paid: Decimal | None, tolerance: Decimal
) -> tuple[str, Decimal | None, str]:
    """(status, variance, why) of one payout from its transfer, the sum of its lines and its
    PAYMENT line. A transfer with no line at all is a variance: money nothing explains yet."""
    if transfer is None:
        return PayoutStatus.OPEN, None, ""
    variance = (total or ZERO) - transfer
    if abs(variance) > tolerance:
        return PayoutStatus.VARIANCE, variance, f"its lines add up to {total or ZERO}"
    if paid is not None and abs(-paid - transfer) > tolerance:
        return PayoutStatus.VARIANCE, -paid - transfer, f"its PAYMENT line says {-paid}"
    return PayoutStatus.MATCHED, variance, ""


def _payout_status(payout: Payout, row: dict, open_orders: int, options: Options) -> str:
    total = _money(row["total"]) if row.get("total") is not None else None
    paid = _money(row["paid"]) if row.get("paid") is not None else None
    if total is None and row:
        total = ZERO  # the cycle has only its PAYMENT line
    previous = payout.status
    status, variance, why = payout_tie_out(payout.amount_to_seller, total, paid, options.tolerance)
    open_items = (row.get("open_lines") or 0) + open_orders
    Payout.objects.filter(pk=payout.pk).update(
        lines_total=total,
        variance=variance,
        status=status,
        open_items=open_items,
        checked_at=timezone.now(),
    )
    moved = previous != PayoutStatus.VARIANCE or payout.variance != variance
    if status == PayoutStatus.VARIANCE and moved:
        exception_record(
            integration=payout.integration,
            kind="payout_variance",
            subject_type="payout",
            subject_id=payout.cycle_id,
            message=f"Payout {payout.cycle_id}: the marketplace transferred {payout.currency} "
            f"{payout.amount_to_seller}, {why} (variance {variance}).",
            payload={"payout_id": payout.pk},
        )
    elif status != PayoutStatus.VARIANCE and previous == PayoutStatus.VARIANCE:
        exception_clear(
            integration=payout.integration,
            kind="payout_variance",
            subject_type="payout",
            subject_id=payout.cycle_id,
            note=f"payout {payout.cycle_id} adds up now",
        )
    return status
