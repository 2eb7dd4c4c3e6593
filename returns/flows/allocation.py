"""How much of a refund or cancellation falls on each order line, with its taxes.

The marketplace wants amounts and taxes per order line (OR28, OR30), while sources often
report a refund as a total plus quantities. Amounts are split in proportion to each line's
value and the rounding remainder goes on the last line, so the lines always add up to the
total. Prices are tax included: a line's tax is its share of the line's tax.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from integration_hub.models import OrderLine
from returns.models import Refund, RefundLine, Work

CENT = Decimal("0.01")
ZERO = Decimal("0")


@dataclass
class LineShare:
    line: OrderLine
    quantity: int
    amount: Decimal
    tax_amount: Decimal
    shipping_amount: Decimal
    shipping_tax_amount: Decimal


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def refunded_on(line: OrderLine) -> tuple[Decimal, Decimal]:
    """Goods and shipping already refunded on ``line`` (failed refunds do not count)."""
    done = (
        RefundLine.objects.filter(order_line=line)
        .exclude(refund__work=Work.FAILED)
        .aggregate(a=Sum("amount"), s=Sum("shipping_amount"))
    )
    return done["a"] or ZERO, done["s"] or ZERO


def left_on(line: OrderLine) -> tuple[Decimal, Decimal]:
    amount, shipping = refunded_on(line)
    return max(line.price - amount, ZERO), max(line.shipping_price - shipping, ZERO)


def _split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    if not weights:
        return []
    whole = sum(weights, ZERO)
    if whole == 0:
        weights, whole = [Decimal(1)] * len(weights), Decimal(len(weights))
    parts = [cents(total * weight / whole) for weight in weights[:-1]]
    return [*parts, total - sum(parts, ZERO)]


def _tax(amount: Decimal, line_tax: Decimal, line_amount: Decimal) -> Decimal:
    return cents(amount * line_tax / line_amount) if line_amount else ZERO


def shares_for(
    quantities: dict[OrderLine, int], goods: Decimal, shipping: Decimal
) -> list[LineShare]:
    """Split ``goods`` and ``shipping`` over the lines of ``quantities`` (line -> units).

    Goods follow unit price x units; shipping follows what is left of each line's shipping.
    Raises ValueError when a line would get more than is left to refund on it.
    """
    lines = list(quantities)
    amounts = _split(goods, [line.unit_price * quantities[line] for line in lines])
    shipping_left = [left_on(line)[1] for line in lines]
    shippings = _split(shipping, shipping_left) if shipping else [ZERO] * len(lines)
    shares = []
    for line, amount, ship in zip(lines, amounts, shippings, strict=True):
        goods_left, ship_left = left_on(line)
        if amount > goods_left or ship > ship_left:
            raise ValueError(
                f"line {line.marketplace_line_id} ({line.offer_sku}) has {goods_left} left to "
                f"refund and {ship_left} shipping; asked {amount} and {ship}"
            )
        shares.append(
            LineShare(
                line=line,
                quantity=quantities[line],
                amount=amount,
                tax_amount=_tax(amount, line.tax_amount, line.price),
                shipping_amount=ship,
                shipping_tax_amount=_tax(ship, line.shipping_tax_amount, line.shipping_price),
            )
        )
    return shares


def tax_code_of(line: OrderLine) -> str:
    """The tax code the marketplace gave the line (OR11 ``taxes[].code``), else VAT."""
    for raw_line in (line.order.raw or {}).get("order_lines") or []:
        if raw_line.get("order_line_id") == line.marketplace_line_id:
            for tax in raw_line.get("taxes") or []:
                if tax.get("code"):
                    return str(tax["code"])
    return "VAT"


def refund_lines_create(refund: Refund, shares: list[LineShare], ids: dict | None = None) -> None:
    for share in shares:
        RefundLine.objects.create(
            refund=refund,
            order_line=share.line,
            quantity=share.quantity,
            amount=share.amount,
            tax_amount=share.tax_amount,
            shipping_amount=share.shipping_amount,
            shipping_tax_amount=share.shipping_tax_amount,
            marketplace_refund_id=(ids or {}).get(share.line.marketplace_line_id, ""),
        )
