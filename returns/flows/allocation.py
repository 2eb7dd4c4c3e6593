"""How much of a refund or cancellation falls on each order line, with its taxes.

The marketplace wants amounts and taxes per order line (OR28, OR30), while sources often
report a refund as a total plus quantities. Amounts are split in proportion to each line's
value and the rounding remainder goes on the last line, so the lines always add up to the
total. Prices are tax included: a line's tax is its share of the line's tax, sent under each
of the line's tax codes (OR11 ``taxes[]``/``shipping_taxes[]``) in proportion to that code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import Sum

from connectors.mirakl import dtos
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


def _raw_line(line: OrderLine) -> dict:
    for raw_line in (line.order.raw or {}).get("order_lines") or []:
        if isinstance(raw_line, dict) and raw_line.get("order_line_id") == line.marketplace_line_id:
            return raw_line
    return {}


def line_taxes(line: OrderLine, field: str = "taxes") -> list[tuple[str, Decimal]]:
    """The line's taxes by code as OR11 last gave them (``taxes`` or ``shipping_taxes``),
    amounts of the same code added up."""
    by_code: dict[str, Decimal] = {}
    for tax in _raw_line(line).get(field) or []:
        if not isinstance(tax, dict) or not tax.get("code"):
            continue
        try:
            amount = Decimal(str(tax.get("amount") or 0))
        except ArithmeticError:
            continue
        by_code[str(tax["code"])] = by_code.get(str(tax["code"]), ZERO) + amount
    return list(by_code.items())


def taxes_split(total: Decimal, taxes: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """``total`` (the refunded or cancelled tax) over the line's tax codes, in proportion to
    each code's amount; the parts add up to ``total`` exactly, and a whole line's tax gives
    each code its own amount. Zero parts are left out; no known code: all under VAT."""
    if not total:
        return []
    if not taxes:
        return [("VAT", total)]
    weights = [max(amount, ZERO) for _code, amount in taxes]
    whole = sum(weights, ZERO)
    if whole == 0:
        weights, whole = [Decimal(1)] * len(taxes), Decimal(len(taxes))
    largest = weights.index(max(weights))
    # rounded down, the remainder on the largest code: no part can turn negative
    parts = [(total * weight / whole).quantize(CENT, rounding=ROUND_DOWN) for weight in weights]
    parts[largest] = total - sum(parts[:largest] + parts[largest + 1 :], ZERO)
    return [(code, part) for (code, _amount), part in zip(taxes, parts, strict=True) if part]


def tax_amounts(line: OrderLine, total: Decimal, field: str) -> tuple[dtos.TaxAmount, ...]:
    """What OR28/OR30 send as ``taxes`` or ``shipping_taxes`` for ``total`` on ``line``: one
    entry per tax code. Shipping without its own codes falls back to the goods' codes."""
    taxes = line_taxes(line, field)
    if not taxes and field == "shipping_taxes":
        taxes = line_taxes(line, "taxes")
    return tuple(dtos.TaxAmount(code, amount) for code, amount in taxes_split(total, taxes))


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
