"""Crafted orders and transaction lines for matching tests (no marketplace involved)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from integration_hub.models import Order, OrderLine
from reconciliation.models import ExpectedRefund, TransactionLine
from reconciliation.types import type_info

_ids = itertools.count(1)
D = Decimal


def order_with_lines(integration, commercial_id, lines, *, state="SHIPPED", shipped_days_ago=1):
    """``lines``: [(price, shipping, commission_fee, commission_vat), ...] (prices incl. VAT)."""
    shipped = timezone.now() - dt.timedelta(days=shipped_days_ago)
    order = Order.objects.create(
        integration=integration,
        marketplace_order_id=f"{commercial_id}-A",
        commercial_id=commercial_id,
        marketplace_state=state,
        shipped_at=shipped,
        marketplace_created_at=shipped,
    )
    for index, (price, shipping, fee, vat) in enumerate(lines, start=1):
        OrderLine.objects.create(
            order=order,
            marketplace_line_id=f"{order.marketplace_order_id}-{index}",
            line_index=index,
            offer_sku=f"SKU-{index}",
            quantity=1,
            price=D(price),
            shipping_price=D(shipping),
            commission_fee=D(fee),
            commission_vat=D(vat),
            state=state,
        )
    return order


def tl(integration, type_, amount, *, order=None, line_no=1, cycle="", state="PAID", **fields):
    """One transaction line; with ``order`` it carries the order's Mirakl ids."""
    info = type_info(type_)
    values = {
        "line_id": f"TX-{next(_ids)}",
        "type": type_,
        "category": info.category,
        "known": info.known,
        "amount": D(amount),
        "payment_state": state,
        "billing_cycle_id": cycle,
        "date_created": timezone.now(),
        "last_updated": timezone.now(),
    }
    if order is not None:
        values.update(
            marketplace_order_id=order.marketplace_order_id,
            commercial_id=order.commercial_id,
            marketplace_line_id=f"{order.marketplace_order_id}-{line_no}",
        )
    values.update(fields)
    return TransactionLine.objects.create(integration=integration, **values)


def settle_line(
    integration, order, line_no, price, shipping, fee, vat, *, cycle="", vat_rate=D("0.2")
):
    """The lines the marketplace writes for one order line (VAT split out of the price)."""
    price, shipping = D(price), D(shipping)
    tax = (price * vat_rate / (1 + vat_rate)).quantize(D("0.01"))
    shipping_tax = (shipping * vat_rate / (1 + vat_rate)).quantize(D("0.01"))
    rows = [
        ("ORDER_AMOUNT", price - tax),
        ("ORDER_AMOUNT_TAX", tax),
        ("ORDER_SHIPPING_AMOUNT", shipping - shipping_tax),
        ("ORDER_SHIPPING_AMOUNT_TAX", shipping_tax),
        ("COMMISSION_FEE", -D(fee)),
        ("COMMISSION_VAT", -D(vat)),
    ]
    return [
        tl(integration, kind, amount, order=order, line_no=line_no, cycle=cycle)
        for kind, amount in rows
        if amount
    ]


def refund(order, line_no, refund_id, amount, shipping="0", commission="0", commission_vat="0"):
    line = order.lines.get(line_index=line_no)
    return ExpectedRefund.objects.create(
        order=order,
        order_line=line,
        refund_id=refund_id,
        amount=D(amount),
        shipping_amount=D(shipping),
        commission=D(commission),
        commission_vat=D(commission_vat),
        state="REFUNDED",
    )
