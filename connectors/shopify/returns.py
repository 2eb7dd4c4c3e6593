"""Returns, refunds and cancellations on Shopify (GraphQL Admin API, 2026-10 names).

* return_authorise -> ``returnCreate`` on the order's fulfillment line items; our reference
  (the marketplace return id) is written into each line's ``returnReasonNote`` and looked up
  on the order's returns first, so a repeat finds the return instead of creating another.
* returns_read -> orders updated since the cursor, their returns' reverse fulfillment orders:
  a return is received and inspected once every line's dispositions add up to its quantity
  (RESTOCKED = sellable; NOT_RESTOCKED, PROCESSING_REQUIRED = not sellable; MISSING = not
  received).
* refund_create -> ``refundCreate`` with ``NO_RESTOCK`` (stock comes back with the return,
  not the refund) and our reference in the note, looked up first.
* order_cancel -> ``orderCancel`` (an already cancelled order is success).
* order_lines_cancel stays unsupported: Shopify cancels single lines only through order
  editing, which the hub does not drive (see docs/connectors/shopify.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from connectors.base import (
    Page,
    PermanentError,
    ReturnReceiptLine,
    SourceCancelRequest,
    SourceRefundRequest,
    SourceReturnReceipt,
    SourceReturnRef,
    SourceReturnRequest,
)
from connectors.shopify import mapping
from connectors.shopify.graphql import PAGE_INFO
from connectors.watermark import parse_time_or_none

RETURN_NOTE_PREFIX = "JL return "
REFUND_NOTE_PREFIX = "JL refund "
SELLABLE = {"RESTOCKED"}
NOT_RECEIVED = {"MISSING"}

ORDER_RETURNS = """
query OrderReturns($id: ID!) {
  order(id: $id) {
    id name cancelledAt
    returns(first: 10) { edges { node {
      id name status
      returnLineItems(first: 10) { edges { node { returnReasonNote } } }
    } } }
    fulfillments(first: 5) {
      id status
      fulfillmentLineItems(first: 20) { edges { node { id quantity lineItem { sku } } } }
    }
  }
}
"""

RETURN_CREATE = """
mutation ReturnCreate($returnInput: ReturnInput!) {
  returnCreate(returnInput: $returnInput) {
    return { id name status }
    userErrors { field message code }
  }
}
"""

ORDERS_RETURNS_PAGE = f"""
query OrdersReturns($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    edges {{ node {{
      id name sourceIdentifier tags updatedAt
      returns(first: 3) {{ edges {{ node {{
        id name status
        reverseFulfillmentOrders(first: 1) {{ edges {{ node {{
          id status
          lineItems(first: 10) {{ edges {{ node {{
            totalQuantity
            dispositions {{ type quantity }}
            fulfillmentLineItem {{ lineItem {{ sku }} }}
          }} }} }}
        }} }} }}
      }} }} }}
    }} }}
    {PAGE_INFO}
  }}
}}
"""

ORDER_REFUNDS = """
query OrderRefunds($id: ID!) {
  order(id: $id) {
    id
    refunds(first: 50) { id note }
    lineItems(first: 50) { edges { node { id sku quantity } } }
  }
}
"""

REFUND_CREATE = """
mutation RefundCreate($input: RefundInput!) {
  refundCreate(input: $input) {
    refund { id note }
    userErrors { field message }
  }
}
"""

ORDER_CANCEL_STATE = "query OrderCancelState($id: ID!) { order(id: $id) { id cancelledAt } }"

# 2026-10: ``refundMethod`` replaces the deprecated ``refund`` boolean, and ``userErrors`` on
# the payload is deprecated for ``orderCancelUserErrors``. The marketplace refunds the
# customer, so Shopify must not: no original-payment or store-credit refund.
ORDER_CANCEL = """
mutation OrderCancel(
  $orderId: ID!, $reason: OrderCancelReason!, $refundMethod: OrderCancelRefundMethodInput,
  $restock: Boolean!, $notifyCustomer: Boolean, $staffNote: String
) {
  orderCancel(
    orderId: $orderId, reason: $reason, refundMethod: $refundMethod, restock: $restock,
    notifyCustomer: $notifyCustomer, staffNote: $staffNote
  ) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""


class ShopifyReturnsMixin:
    """The optional returns part of the source contract, for :class:`ShopifyConnector`."""

    def return_authorise(self, request: SourceReturnRequest) -> SourceReturnRef:
        order = self._order_returns(request.source_order_id)
        note = f"{RETURN_NOTE_PREFIX}{request.reference}"
        for ret in mapping.nodes_of(order.get("returns")):
            notes = {n.get("returnReasonNote") for n in mapping.nodes_of(ret["returnLineItems"])}
            if note in notes and ret.get("status") not in ("CANCELED", "DECLINED"):
                return SourceReturnRef(ret["id"], ret.get("name") or "")
        items = _return_line_items(order, request, note)
        variables = {"returnInput": {"orderId": order["id"], "returnLineItems": items}}
        created = self._created(RETURN_CREATE, variables, "returnCreate", "return")
        return SourceReturnRef(created["id"], created.get("name") or "")

    def returns_read(self, cursor: str = "") -> Page:
        return self._orders_read(cursor, ORDERS_RETURNS_PAGE, receipts_of)

    def refund_create(self, request: SourceRefundRequest) -> str:
        note = f"{REFUND_NOTE_PREFIX}{request.reference}"
        data = self.transport.execute(ORDER_REFUNDS, {"id": request.source_order_id})
        order = _order_or_raise(data, request.source_order_id)
        for refund in order.get("refunds") or []:
            if refund.get("note") == note:
                return refund["id"]
        variables = {"input": _refund_input(order, request, note)}
        return self._created(REFUND_CREATE, variables, "refundCreate", "refund")["id"]

    def order_cancel(self, request: SourceCancelRequest) -> None:
        data = self.transport.execute(ORDER_CANCEL_STATE, {"id": request.source_order_id})
        if _order_or_raise(data, request.source_order_id).get("cancelledAt"):
            return
        variables = {
            "orderId": request.source_order_id,
            "reason": "CUSTOMER" if request.reason == "customer" else "OTHER",
            "refundMethod": {"originalPaymentMethodsRefund": False},
            "restock": True,
            "notifyCustomer": False,
            "staffNote": f"Cancelled on JL Marketplace ({request.reference})",
        }
        payload = self._field(self.transport.execute(ORDER_CANCEL, variables), "orderCancel")
        mapping.user_errors_raise("cancellation", payload.get("orderCancelUserErrors"))

    def _order_returns(self, source_order_id: str) -> dict:
        data = self.transport.execute(ORDER_RETURNS, {"id": source_order_id})
        return _order_or_raise(data, source_order_id)


def _order_or_raise(data: Mapping | None, source_order_id: str) -> dict:
    order = (data or {}).get("order")
    if not isinstance(order, dict):
        raise PermanentError(f"Shopify has no order {source_order_id}", code="not_found")
    return order


def _return_line_items(order: Mapping, request: SourceReturnRequest, note: str) -> list[dict]:
    """Fulfillment line items covering each requested SKU and quantity."""
    available: dict[str, list[list]] = {}
    for fulfillment in order.get("fulfillments") or []:
        if fulfillment.get("status") != "SUCCESS":
            continue
        for item in mapping.nodes_of(fulfillment.get("fulfillmentLineItems")):
            sku = ((item.get("lineItem") or {}).get("sku")) or ""
            available.setdefault(sku, []).append([item["id"], int(item.get("quantity") or 0)])
    items = []
    for line in request.lines:
        wanted = line.quantity
        for entry in available.get(line.sku, []):
            take = min(wanted, entry[1])
            if take:
                items.append(_return_item(entry[0], take, note))
                entry[1] -= take
                wanted -= take
        if wanted:
            raise PermanentError(
                f"Shopify order {order.get('name')} has no fulfilled {line.sku} left to return "
                f"({wanted} of {line.quantity} missing)",
                code="not_fulfilled",
            )
    return items


def _return_item(fulfillment_line_item_id: str, quantity: int, note: str) -> dict:
    return {
        "fulfillmentLineItemId": fulfillment_line_item_id,
        "quantity": quantity,
        "returnReason": "OTHER",
        "returnReasonNote": note,
    }


def _refund_input(order: Mapping, request: SourceRefundRequest, note: str) -> dict:
    by_sku = {n.get("sku"): n["id"] for n in mapping.nodes_of(order.get("lineItems"))}
    missing = [line.sku for line in request.lines if line.sku not in by_sku]
    if missing:
        raise PermanentError(
            f"Shopify order {request.source_order_id} has no line for {', '.join(missing)}",
            code="unknown_sku",
        )
    total = request.amount + request.shipping_amount
    return {
        "orderId": request.source_order_id,
        "note": note,
        "notify": False,
        "refundLineItems": [
            {"lineItemId": by_sku[line.sku], "quantity": line.quantity, "restockType": "NO_RESTOCK"}
            for line in request.lines
            if line.quantity
        ],
        "shipping": {"amount": mapping.money_text(request.shipping_amount)},
        "transactions": [
            {
                "orderId": request.source_order_id,
                "amount": mapping.money_text(total),
                "kind": "REFUND",
                "gateway": "jl-marketplace",
            }
        ],
    }


def receipts_of(order: Mapping, since: dt.datetime | None) -> Iterator[SourceReturnReceipt]:
    """Returns of one order whose every line has been disposed (received and inspected)."""
    del since  # a receipt is re-read while the order keeps changing; the hub dedupes it
    for ret in mapping.nodes_of(order.get("returns")):
        lines, complete = [], True
        for rfo in mapping.nodes_of(ret.get("reverseFulfillmentOrders")):
            for item in mapping.nodes_of(rfo.get("lineItems")):
                line, disposed = _receipt_line(item)
                complete = complete and disposed
                lines.append(line)
        if lines and complete:
            yield SourceReturnReceipt(
                source_return_id=ret["id"],
                source_order_id=order["id"],
                external_reference=mapping.reference_of(order),
                lines=lines,
                received_at=parse_time_or_none(order.get("updatedAt")),
            )


def _receipt_line(item: Mapping) -> tuple[ReturnReceiptLine, bool]:
    sku = (((item.get("fulfillmentLineItem") or {}).get("lineItem") or {}).get("sku")) or ""
    total = int(item.get("totalQuantity") or 0)
    dispositions = [
        (d.get("type"), int(d.get("quantity") or 0)) for d in item.get("dispositions") or []
    ]
    disposed = sum(quantity for _, quantity in dispositions)
    received = sum(quantity for kind, quantity in dispositions if kind not in NOT_RECEIVED)
    sellable = sum(quantity for kind, quantity in dispositions if kind in SELLABLE)
    line = ReturnReceiptLine(sku=sku, received=received, sellable=sellable)
    return line, disposed >= total > 0
