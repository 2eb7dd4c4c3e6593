"""What finance does by hand: match a line to an order, write off with a reason, undo.

Every action is a ReconciliationAction row (who, when, what it changed), and matching runs
again for what it touched, so the queue and the exceptions follow at once.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from integration_hub.models import Order
from reconciliation.matching import (
    lines_link,
    lines_queue,
    lines_status_update,
    options_for,
    order_reconcile,
    payouts_check,
)
from reconciliation.models import (
    LineStatus,
    OrderReconciliation,
    OrderStatus,
    ReconciliationAction,
    TransactionLine,
)

Kind = ReconciliationAction.Kind


class ActionRefused(ValueError):
    """The action cannot be done as asked; the message says why, for a person."""


def _reason_checked(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ActionRefused("give a reason (a few words) for the record")
    return reason[:500]


@transaction.atomic
def line_match(
    *, line: TransactionLine, order: Order, actor, reason: str = ""
) -> ReconciliationAction:
    """Bind a transaction line to an order by hand (the marketplace named no order we know)."""
    line = TransactionLine.objects.select_for_update().get(pk=line.pk)
    if order.integration_id != line.integration_id:
        raise ActionRefused(f"order {order.commercial_id} belongs to another integration")
    if line.order_id == order.pk:
        raise ActionRefused(f"line {line.line_id} is already matched to {order.commercial_id}")
    previous = {
        "order_id": line.order_id,
        "order_line_id": line.order_line_id,
        "manual_match": line.manual_match,
        "match_status": line.match_status,
        "write_off_reason": line.write_off_reason,
    }
    TransactionLine.objects.filter(pk=line.pk).update(
        order=order,
        order_line=None,
        manual_match=True,
        match_status=LineStatus.MATCHED,
        write_off_reason="",
    )
    action = _record(
        Kind.MATCH,
        line.integration,
        actor,
        order=order,
        line=line,
        reason=reason,
        data={"previous": previous},
    )
    _rematch(line, [order.pk, previous["order_id"]])
    return action


@transaction.atomic
def line_write_off(*, line: TransactionLine, actor, reason: str) -> ReconciliationAction:
    """Accept a line finance cannot match (an old order, a marketplace goodwill credit)."""
    reason = _reason_checked(reason)
    line = TransactionLine.objects.select_for_update().get(pk=line.pk)
    if line.match_status == LineStatus.WRITTEN_OFF:
        raise ActionRefused(f"line {line.line_id} is already written off")
    previous = {"match_status": line.match_status, "write_off_reason": line.write_off_reason}
    TransactionLine.objects.filter(pk=line.pk).update(
        match_status=LineStatus.WRITTEN_OFF, write_off_reason=reason
    )
    action = _record(
        Kind.WRITE_OFF,
        line.integration,
        actor,
        line=line,
        order=line.order,
        reason=reason,
        data={"previous": previous},
    )
    _rematch(line, [line.order_id])
    return action


@transaction.atomic
def order_write_off(*, order: Order, actor, reason: str) -> ReconciliationAction:
    """Accept an order's variance (or missing settlement) with a reason."""
    reason = _reason_checked(reason)
    row = OrderReconciliation.objects.filter(order=order).first()
    if row is None or row.status not in (OrderStatus.VARIANCE, OrderStatus.UNSETTLED):
        raise ActionRefused(f"order {order.commercial_id} has no variance to write off")
    previous = {"status": row.status, "write_off_reason": row.write_off_reason}
    OrderReconciliation.objects.filter(pk=row.pk).update(
        status=OrderStatus.WRITTEN_OFF, write_off_reason=reason
    )
    action = _record(
        Kind.WRITE_OFF,
        order.integration,
        actor,
        order=order,
        reason=reason,
        data={"previous": previous, "variance": str(row.variance)},
    )
    order_reconcile(order)
    return action


@transaction.atomic
def action_undo(*, action: ReconciliationAction, actor, reason: str = "") -> ReconciliationAction:
    """Put back what ``action`` changed; only the latest action on its line/order can be undone."""
    action = ReconciliationAction.objects.select_for_update().get(pk=action.pk)
    if action.kind == Kind.UNDO:
        raise ActionRefused("an undo cannot be undone; do the action again instead")
    if hasattr(action, "undone_by"):
        raise ActionRefused("this action was undone already")
    if _later_action(action):
        raise ActionRefused("a later action on the same line or order must be undone first")
    previous = action.data.get("previous", {})
    if action.line_id:
        TransactionLine.objects.filter(pk=action.line_id).update(**previous)
    elif action.order_id:
        OrderReconciliation.objects.filter(order_id=action.order_id).update(**previous)
    undo = _record(
        Kind.UNDO,
        action.integration,
        actor,
        order=action.order,
        line=action.line,
        reason=reason,
        data={"undid": action.kind},
        undoes=action,
    )
    if action.line_id:
        _rematch(action.line, [action.order_id, previous.get("order_id")])
    else:
        order_reconcile(action.order)
    return undo


def _later_action(action: ReconciliationAction) -> bool:
    later = ReconciliationAction.objects.filter(at__gte=action.at).exclude(pk=action.pk)
    later = later.exclude(kind=Kind.UNDO).filter(undone_by__isnull=True).filter(pk__gt=action.pk)
    if action.line_id:
        return later.filter(line_id=action.line_id).exists()
    return later.filter(order_id=action.order_id, line__isnull=True).exists()


def _record(kind, integration, actor, *, order=None, line=None, reason="", data=None, undoes=None):
    return ReconciliationAction.objects.create(
        integration=integration,
        kind=kind,
        actor=actor,
        at=timezone.now(),
        order=order,
        line=line,
        reason=(reason or "")[:500],
        data=data or {},
        undoes=undoes,
    )


def _rematch(line: TransactionLine, order_ids) -> None:
    """Match again every order the line touched, and the line's own status and queue state."""
    lines = TransactionLine.objects.filter(pk=line.pk)
    lines_link(line.integration, lines)
    lines_status_update(line.integration, lines)
    lines_queue(line.integration, lines)
    orders = Order.objects.filter(pk__in=[pk for pk in order_ids if pk])
    for order in orders:
        order_reconcile(order)
    # the payouts these lines belong to count their open items again (the payout page and the
    # finance home would otherwise show the matched line as open until the next reconcile)
    cycles = set(
        TransactionLine.objects.filter(Q(pk=line.pk) | Q(order__in=orders))
        .exclude(billing_cycle_id="")
        .values_list("billing_cycle_id", flat=True)
    )
    if cycles:
        payouts_check(
            line.integration, options=options_for(line.integration), cycle_ids=sorted(cycles)
        )
