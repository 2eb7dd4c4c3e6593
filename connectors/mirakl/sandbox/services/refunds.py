"""Refunds (OR28, portal) and cancellations (OR30, OR29's lines), checked against what is left."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum

from connectors.mirakl.sandbox import catalog
from connectors.mirakl.sandbox.models import (
    OrderState,
    SandboxAdjustment,
    SandboxOrder,
    SandboxOrderLine,
    SandboxShop,
)
from connectors.mirakl.sandbox.services import finance
from connectors.mirakl.sandbox.services.common import MiraklError, body_items, money, now_for

Kind = SandboxAdjustment.Kind
REFUNDABLE = (OrderState.SHIPPED, OrderState.RECEIVED)


def remaining(line: SandboxOrderLine) -> tuple[Decimal, Decimal]:
    """Amount and shipping amount not yet refunded or cancelled."""
    done = line.adjustments.aggregate(a=Sum("amount"), s=Sum("shipping_amount"))
    return line.price - (done["a"] or 0), line.shipping_price - (done["s"] or 0)


def adjustment_create(line, kind, amount, shipping, quantity, reason_code, now, group=""):
    commission = min(
        money((amount + shipping) * line.order.shop.commission_rate), line.commission_fee
    )
    adjustment = SandboxAdjustment.objects.create(
        line=line,
        kind=kind,
        adjustment_id=f"tmp-{uuid.uuid4().hex[:20]}",
        order_refund_id=group,
        amount=amount,
        shipping_amount=shipping,
        quantity=quantity,
        reason_code=reason_code,
        commission_amount=commission,
        commission_vat=money(commission * catalog.COMMISSION_VAT_RATE / 100),
        created_at=now,
    )
    adjustment.adjustment_id = str(10000 + adjustment.pk)
    adjustment.save(update_fields=["adjustment_id"])
    return adjustment


def _decimal(item: dict, field: str) -> Decimal:
    try:
        value = money(item[field])
    except (KeyError, TypeError, InvalidOperation, ValueError):
        raise MiraklError(400, f"'{field}' is required and must be a number") from None
    if value < 0:
        raise MiraklError(400, f"'{field}' must not be negative")
    return value


def _line_for(shop: SandboxShop, item: object) -> SandboxOrderLine:
    if not isinstance(item, dict) or not item.get("order_line_id"):
        raise MiraklError(400, "'order_line_id' is required")
    line = (
        SandboxOrderLine.objects.select_related("order")
        .filter(order__shop=shop, line_id=item["order_line_id"])
        .first()
    )
    if line is None:
        raise MiraklError(404, f"Order line with id '{item['order_line_id']}' not found")
    return line


def _checked(shop, item, reason_type, allowed_states, *, by_operator: bool = False) -> tuple:
    line = _line_for(shop, item)
    if line.state not in allowed_states:
        raise MiraklError(
            400,
            f"Order line '{line.line_id}' is in state {line.state}, expected "
            f"{' or '.join(allowed_states)}",
        )
    amount, shipping = _decimal(item, "amount"), _decimal(item, "shipping_amount")
    left, shipping_left = remaining(line)
    if amount > left or shipping > shipping_left:
        raise MiraklError(
            400,
            f"Amounts exceed what is left on order line '{line.line_id}': "
            f"amount {left}, shipping_amount {shipping_left}",
        )
    if amount == 0 and shipping == 0:
        raise MiraklError(400, "Nothing to refund or cancel: amount and shipping_amount are 0")
    return line, amount, shipping, _reason_checked(item, reason_type, by_operator)


def _reason_checked(item: dict, reason_type: str, by_operator: bool) -> str:
    """A reason of the type; from the shop, one it may use (RE01 ``is_shop_right``)."""
    reason = str(item.get("reason_code") or "")
    if (reason_type, reason) not in catalog.ALL_REASON_CODES:
        raise MiraklError(400, f"Unknown {reason_type.lower()} reason code '{reason}'")
    if not by_operator and (reason_type, reason) not in catalog.REASON_CODES:
        raise MiraklError(
            400,
            f"The {reason_type.lower()} reason code '{reason}' is not available to the shop",
            code="REASON_NOT_ALLOWED",
        )
    return reason


@transaction.atomic
def refunds_create(
    *, shop: SandboxShop, body: object, now: dt.datetime | None = None, by_operator: bool = False
) -> list[SandboxAdjustment]:
    """OR28: only on SHIPPED/RECEIVED lines, amounts at most what is left, a reason the shop
    may use (the operator, ``by_operator``, may use any). All or nothing."""
    now = now_for(now)
    group = str(uuid.uuid4())
    created = []
    for item in body_items(body, "refunds"):
        line, amount, shipping, reason = _checked(
            shop, item, "REFUND", REFUNDABLE, by_operator=by_operator
        )
        quantity = int(item.get("quantity") or 0)
        refund = adjustment_create(
            line, Kind.REFUND, amount, shipping, quantity, reason, now, group
        )
        finance.transactions_for_refund(refund, now)
        _touch(line, now)
        created.append(refund)
    return created


def _touch(line: SandboxOrderLine, now: dt.datetime) -> None:
    SandboxOrderLine.objects.filter(pk=line.pk).update(updated_at=now)
    SandboxOrder.objects.filter(pk=line.order_id).update(updated_at=now)


def order_refund_portal(
    order: SandboxOrder,
    *,
    line_id: str | None = None,
    amount: Decimal | None = None,
    shipping_amount: Decimal | None = None,
    reason_code: str = "16",
    now: dt.datetime | None = None,
) -> list[SandboxAdjustment]:
    """A refund made by the operator in the back office (defaults: everything left)."""
    lines = order.lines.all() if line_id is None else order.lines.filter(line_id=line_id)
    items = []
    for line in lines:
        left, shipping_left = remaining(line)
        items.append(
            {
                "order_line_id": line.line_id,
                "amount": left if amount is None else amount,
                "shipping_amount": shipping_left if shipping_amount is None else shipping_amount,
                "reason_code": reason_code,
            }
        )
    return refunds_create(shop=order.shop, body={"refunds": items}, now=now, by_operator=True)


@transaction.atomic
def order_lines_cancel(
    *, shop: SandboxShop, body: object, now: dt.datetime | None = None
) -> list[SandboxAdjustment]:
    """OR30: cancel (part of) lines not yet shipped; a fully cancelled line becomes CANCELED."""
    now = now_for(now)
    created = []
    for item in body_items(body, "cancelations"):
        line, amount, shipping, reason = _checked(shop, item, "CANCELATION", [OrderState.SHIPPING])
        quantity = item.get("quantity")
        if not isinstance(quantity, int) or quantity < 0:
            raise MiraklError(400, "'quantity' is required and must be a positive integer")
        created.append(
            adjustment_create(line, Kind.CANCELATION, amount, shipping, quantity, reason, now)
        )
        if remaining(line) == (0, 0):
            line.state = OrderState.CANCELED
            line.save(update_fields=["state"])
            finance.transactions_void(line, now)
        _touch(line, now)
        order_state_from_lines(line.order, now)
    return created


def line_cancel_rest(line: SandboxOrderLine, reason_code: str, now: dt.datetime) -> None:
    amount, shipping = remaining(line)
    adjustment_create(line, Kind.CANCELATION, amount, shipping, line.quantity, reason_code, now)
    line.state = OrderState.CANCELED
    line.updated_at = now
    line.save(update_fields=["state", "updated_at"])
    finance.transactions_void(line, now)


def order_state_from_lines(order: SandboxOrder, now: dt.datetime) -> None:
    states = set(order.lines.values_list("state", flat=True))
    if states <= {OrderState.CANCELED, OrderState.REFUSED} and OrderState.CANCELED in states:
        order.state = OrderState.CANCELED
    order.updated_at = now
    order.save()
