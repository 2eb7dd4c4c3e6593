"""returnCreate, refundCreate and orderCancel over the sandbox rows, and the warehouse's side
of a return (goods received and disposed: restocked or not).

Shopify names (2026-10). Simplifications: one reverse fulfillment order per return; a
fulfillment line item id is the fulfillment id followed by the 3-digit index of its line.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from connectors.shopify.sandbox import models, services
from connectors.shopify.sandbox.connections import gid, money_in, pk_of
from connectors.shopify.sandbox.nodes import OrderNode, RefundNode, ReturnNode

RESTOCKING = ("RETURN", "CANCEL", "LEGACY_RESTOCK")


def _error(field: list[str], message: str, code: str = "INVALID") -> dict:
    return {"field": field, "message": message, "code": code}


def _order(shop: models.Shop, order_id: str | None) -> models.Order | None:
    return shop.orders.filter(pk=pk_of(order_id, "Order")).first()


# --- returnCreate ----------------------------------------------------------------------------


def _fulfilled_entry(order: models.Order, fli_id: str | None) -> dict | None:
    """The fulfillment line ``{line_id, quantity}`` a FulfillmentLineItem gid names."""
    tail = str(pk_of(fli_id, "FulfillmentLineItem") or "")
    if len(tail) < 4:
        return None
    fulfillment = order.fulfillments.filter(pk=int(tail[:-3])).first()
    index = int(tail[-3:])
    if fulfillment is None or index >= len(fulfillment.lines):
        return None
    return {**fulfillment.lines[index], "fulfillment_line_item_id": tail}


def _units_by_line(owners) -> dict[int, int]:
    """Units per order line over the ``lines`` of these returns or refunds."""
    done: dict[int, int] = {}
    for owner in owners:
        for entry in owner.lines:
            done[entry["line_id"]] = done.get(entry["line_id"], 0) + entry["quantity"]
    return done


def return_create(shop: models.Shop, data: dict) -> dict:
    order = _order(shop, data.get("orderId"))
    if order is None:
        return {
            "return": None,
            "userErrors": [_error(["returnInput", "orderId"], "Order does not exist", "NOT_FOUND")],
        }
    returned = _units_by_line(order.returns.exclude(status__in=["CANCELED", "DECLINED"]))
    entries, errors = [], []
    for index, item in enumerate(data.get("returnLineItems") or []):
        path = ["returnInput", "returnLineItems", str(index)]
        fulfilled = _fulfilled_entry(order, item.get("fulfillmentLineItemId"))
        quantity = int(item.get("quantity") or 0)
        if fulfilled is None:
            errors.append(_error([*path, "fulfillmentLineItemId"], "Fulfillment line not found"))
            continue
        left = fulfilled["quantity"] - returned.get(fulfilled["line_id"], 0)
        if not 0 < quantity <= left:
            errors.append(_error([*path, "quantity"], f"Quantity must be between 1 and {left}"))
            continue
        entries.append(
            {
                "line_id": fulfilled["line_id"],
                "fulfillment_line_item_id": fulfilled["fulfillment_line_item_id"],
                "quantity": quantity,
                "reason": item.get("returnReason") or "UNKNOWN",
                "note": item.get("returnReasonNote") or "",
                "restocked": 0,
                "not_restocked": 0,
            }
        )
    if not entries and not errors:
        errors.append(_error(["returnInput", "returnLineItems"], "Add at least one line", "BLANK"))
    if errors:
        return {"return": None, "userErrors": errors}
    now = services.now()
    with transaction.atomic():
        number = order.returns.count() + 1
        ret = models.Return.objects.create(
            order=order,
            name=f"{order.name}-R{number}",
            lines=entries,
            created_at=now,
            updated_at=now,
        )
        models.Order.objects.filter(pk=order.pk).update(updated_at=now)
    return {"return": ReturnNode(ret), "userErrors": []}


@transaction.atomic
def return_receive(*, ret: models.Return, restocked: dict[str, int] | None = None) -> models.Return:
    """The warehouse received the goods and disposed them; the return closes.

    ``restocked`` maps SKU -> units put back as sellable (default: every unit); the rest
    are NOT_RESTOCKED. Sellable units go back to the first location's stock, like
    ``reverseFulfillmentOrderDispose`` with RESTOCKED does.
    """
    ret = models.Return.objects.select_for_update().get(pk=ret.pk)
    if ret.status != "OPEN":
        raise services.SandboxError(f"return {ret.name} is {ret.status}, not OPEN")
    lines = {line.pk: line for line in ret.order.lines.select_related("variant")}
    entries = []
    for entry in ret.lines:
        line = lines[entry["line_id"]]
        good = entry["quantity"] if restocked is None else restocked.get(line.sku, 0)
        good = max(0, min(good, entry["quantity"]))
        entries.append({**entry, "restocked": good, "not_restocked": entry["quantity"] - good})
        if good and line.variant is not None:
            _restock(line.variant, good)
    now = services.now()
    ret.lines, ret.status, ret.updated_at = entries, "CLOSED", now
    ret.save()
    models.Order.objects.filter(pk=ret.order_id).update(updated_at=now)
    return ret


def _restock(variant: models.Variant, quantity: int) -> None:
    level = variant.levels.select_related("location", "variant").order_by("location_id").first()
    if level is not None:
        services.level_set(level=level, available=level.available + quantity)


# --- refundCreate ----------------------------------------------------------------------------


def _refund_lines(order: models.Order, items: list[dict]) -> tuple[list, list]:
    lines = {line.pk: line for line in order.lines.select_related("variant")}
    refunded = _units_by_line(order.refunds.all())
    entries, errors = [], []
    for index, item in enumerate(items):
        path = ["refundLineItems", str(index)]
        line = lines.get(pk_of(item.get("lineItemId"), "LineItem"))
        quantity = int(item.get("quantity") or 0)
        if line is None:
            errors.append(_error([*path, "lineItemId"], "Line item does not exist"))
            continue
        left = line.quantity - refunded.get(line.pk, 0)
        if not 0 < quantity <= left:
            errors.append(_error([*path, "quantity"], f"Quantity must be between 1 and {left}"))
            continue
        entries.append((line, quantity, item.get("restockType") or "NO_RESTOCK"))
    return entries, errors


def _shipping_amount(order: models.Order, shipping: dict | None) -> Decimal:
    if not shipping:
        return Decimal("0")
    done = order.refunds.aggregate(s=Sum("shipping_amount"))["s"] or Decimal("0")
    if shipping.get("fullRefund"):
        return order.shipping_price - done
    return money_in(shipping.get("amount")) or Decimal("0")


def refund_create(shop: models.Shop, data: dict) -> dict:
    order = _order(shop, data.get("orderId"))
    if order is None:
        return {"refund": None, "order": None, "userErrors": [_error(["orderId"], "Not found")]}
    entries, errors = _refund_lines(order, data.get("refundLineItems") or [])
    shipping = _shipping_amount(order, data.get("shipping"))
    transactions = [money_in(t.get("amount")) for t in data.get("transactions") or []]
    if any(amount is None for amount in transactions):
        errors.append(_error(["transactions"], "Amount is invalid"))
    if errors:
        return {"refund": None, "order": None, "userErrors": errors}
    goods = sum((line.price * quantity for line, quantity, _ in entries), Decimal("0"))
    amount = sum(transactions, Decimal("0")) if transactions else goods + shipping
    with transaction.atomic():
        refund = models.Refund.objects.create(
            order=order,
            amount=amount,
            shipping_amount=shipping,
            lines=[{"line_id": line.pk, "quantity": q} for line, q, _ in entries],
            note=(data.get("note") or "")[:200],
            created_at=services.now(),
        )
        for line, quantity, restock in entries:
            if restock in RESTOCKING and line.variant is not None:
                _restock(line.variant, quantity)
        order.financial_status = "PARTIALLY_REFUNDED"
        order.updated_at = refund.created_at
        order.save(update_fields=["financial_status", "updated_at"])
    payload = services.refund_payload(refund)
    services.webhook_send(shop=shop, topic="refunds/create", payload=payload)
    return {"refund": RefundNode(refund), "order": OrderNode(order), "userErrors": []}


# --- orderCancel -----------------------------------------------------------------------------


def _cancel_refunds(refund: bool | None, refund_method: dict | None) -> bool | None:
    """Whether the cancellation refunds the customer; None when the arguments conflict.

    2026-10: ``refundMethod`` (originalPaymentMethodsRefund / storeCreditRefund) replaces the
    deprecated ``refund`` boolean; both together is ambiguous and refused here.
    """
    if refund is not None and refund_method is not None:
        return None
    if refund_method is not None:
        method = refund_method
        return bool(method.get("originalPaymentMethodsRefund") or method.get("storeCreditRefund"))
    return bool(refund)


def order_cancel(
    shop: models.Shop,
    order_id: str,
    *,
    reason: str,
    restock: bool,
    refund: bool | None = None,
    refund_method: dict | None = None,
) -> dict:
    order = _order(shop, order_id)
    refunds = _cancel_refunds(refund, refund_method)
    problem = None
    if refunds is None:
        problem = _error(["refundMethod"], "Use either refund or refundMethod", "INVALID")
    elif order is None:
        problem = _error(["orderId"], "Order does not exist", "NOT_FOUND")
    elif order.cancelled_at is not None:
        problem = _error(["orderId"], "Order has already been cancelled", "INVALID")
    elif order.fulfillments.exclude(status="CANCELLED").exists():
        problem = _error(["orderId"], "Cannot cancel a fulfilled order", "INVALID")
    if problem:
        return {"job": None, "orderCancelUserErrors": [problem], "userErrors": []}
    now = services.now()
    with transaction.atomic():
        order.cancelled_at, order.cancel_reason, order.updated_at = now, reason, now
        order.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
        if restock:
            for line in order.lines.select_related("variant"):
                if line.variant is not None:
                    _restock(line.variant, line.quantity)
        if refunds:
            _cancel_refund_record(order, now)
    return {
        "job": {"id": gid("Job", f"cancel-{order.pk}"), "done": True},
        "orderCancelUserErrors": [],
        "userErrors": [],
    }


def _cancel_refund_record(order: models.Order, now) -> None:
    """The refund a cancellation with a refund method makes: the whole order, shipping too."""
    lines = list(order.lines.all())
    models.Refund.objects.create(
        order=order,
        amount=order.total(),
        shipping_amount=order.shipping_price,
        lines=[{"line_id": line.pk, "quantity": line.quantity} for line in lines],
        note="orderCancel",
        created_at=now,
    )
    order.financial_status = "REFUNDED"
    order.save(update_fields=["financial_status"])
