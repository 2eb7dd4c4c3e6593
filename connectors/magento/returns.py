"""Refunds and cancellations on Magento 2 (REST).

* refund_create -> a credit memo, ``POST /V1/order/{id}/refund`` with our reference as its
  comment (``JL refund <hub key>``); the order's credit memos are searched for it first, so a
  repeat finds the memo instead of refunding twice. Items are refunded by order item id;
  ``arguments.shipping_amount`` carries the shipping; a goods amount that differs from what
  Magento refunds for the items goes in ``adjustment_positive``/``adjustment_negative``.
  Magento refunds an item's tax-exclusive row total *plus its tax* (the credit memo's
  Subtotal and Tax totals) and adds the adjustments as they are (its Grand total), so the
  difference is taken from the tax-inclusive row (``row_total_incl_tax`` per unit ordered),
  never from ``price``, or the VAT would be counted twice. Nothing is returned to stock
  (stock comes back with the return, when the warehouse says it is sellable).
* order_cancel -> ``POST /V1/orders/{id}/cancel``; an order already ``canceled`` is success,
  Magento's ``false`` (something shipped, order closed) is a PermanentError.
* return_authorise stays unsupported: RMA (``/V1/returns``) exists on Adobe Commerce only and
  is unconfirmed (docs/connectors/magento.md), so returns on Magento are manual.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from connectors.base import PermanentError, SourceCancelRequest, SourceRefundRequest
from connectors.magento.search import search_params

REFUND_COMMENT_PREFIX = "JL refund "
CENT = Decimal("0.01")


class MagentoReturnsMixin:
    """The optional returns part of the source contract, for :class:`MagentoConnector`."""

    def refund_create(self, request: SourceRefundRequest) -> str:
        comment = f"{REFUND_COMMENT_PREFIX}{request.reference}"
        existing = self._creditmemo_with_comment(request.source_order_id, comment)
        if existing:
            return existing
        order = _object(self.http.read(f"orders/{request.source_order_id}"), "order")
        body = _refund_body(order, request, comment)
        memo_id = self.http.write("POST", f"order/{request.source_order_id}/refund", body)
        return str(memo_id)

    def order_cancel(self, request: SourceCancelRequest) -> None:
        order = _object(self.http.read(f"orders/{request.source_order_id}"), "order")
        if order.get("state") == "canceled":
            return
        if self.http.write("POST", f"orders/{request.source_order_id}/cancel") is not True:
            raise PermanentError(
                f"Magento refused to cancel order {order.get('increment_id') or ''} "
                f"(state {order.get('state')}): something shipped or it is closed",
                code="not_cancellable",
            )

    def _creditmemo_with_comment(self, order_id: str, comment: str) -> str:
        params = search_params([[("order_id", order_id, "eq")]], page_size=100, current_page=1)
        found = _object(self.http.read("creditmemos", params), "credit memo list")
        for memo in _objects(found.get("items")):
            if any(c.get("comment") == comment for c in _objects(memo.get("comments"))):
                return str(memo.get("entity_id"))
        return ""


def _object(value: object, what: str) -> dict:
    """A JSON object from Magento, or a PermanentError naming what was expected."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PermanentError(f"Magento sent a {type(value).__name__} where a {what} was expected")
    return value


def _objects(value: object) -> list[dict]:
    return (
        [item for item in value or [] if isinstance(item, dict)] if isinstance(value, list) else []
    )


def _decimal(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _refunded_incl_tax(item: dict, quantity: int) -> Decimal:
    """What Magento refunds, tax included, for ``quantity`` units of an order item."""
    ordered = _decimal(item.get("qty_ordered")) or Decimal(0)
    row = _decimal(item.get("row_total_incl_tax"))
    if row is not None and ordered:
        return (row * quantity / ordered).quantize(CENT, rounding=ROUND_HALF_UP)
    unit = _decimal(item.get("price_incl_tax"))
    if unit is None:  # a store without tax fields: the price is all there is
        unit = _decimal(item.get("price")) or Decimal(0)
    return unit * quantity


def _refund_body(order: dict, request: SourceRefundRequest, comment: str) -> dict:
    items_by_sku = {item.get("sku"): item for item in _objects(order.get("items"))}
    missing = [line.sku for line in request.lines if line.sku not in items_by_sku]
    if missing:
        raise PermanentError(
            f"Magento order {order.get('increment_id')} has no item {', '.join(missing)}",
            code="unknown_sku",
        )
    items, subtotal = [], Decimal("0")
    for line in request.lines:
        if not line.quantity:
            continue
        item = items_by_sku[line.sku]
        items.append({"order_item_id": int(item["item_id"]), "qty": line.quantity})
        subtotal += _refunded_incl_tax(item, line.quantity)
    difference = request.amount - subtotal
    arguments = {
        "shipping_amount": float(request.shipping_amount),
        "adjustment_positive": float(max(difference, Decimal("0"))),
        "adjustment_negative": float(max(-difference, Decimal("0"))),
        "extension_attributes": {"return_to_stock_items": []},
    }
    return {
        "items": items,
        "notify": False,
        "appendComment": True,
        "comment": {"comment": comment, "is_visible_on_front": 0},
        "arguments": arguments,
    }
