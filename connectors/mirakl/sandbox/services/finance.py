"""Money: TL02 transaction lines, payment states and billing cycles (SBC11, IV01).

Signs follow the seller's balance: order and shipping amounts and refunded commission credit
the seller (positive); commission, refunded order amounts and the PAYMENT payout debit it.
Lines are PENDING when the customer is debited, PAYABLE once the order ships (refund lines are
PAYABLE at once) and PAID when a billing cycle closes.

Fees follow a fixed schedule per shipping type, so a test or the demo gets them on demand
(``mirakl_sandbox orders create --shipping-type EXP``): on an express order the customer pays
a service fee on the first line (OR11 ``order_lines[].fees[]``, credited to the seller as
ORDER_FEE_AMOUNT at debit), and the operator charges the seller a handling fee on the order
(SELLER_FEE_ON_ORDER and its VAT, SELLER_FEE_ON_ORDER_TAX), which OR11 does not show. A refund
does not give fees back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum

from connectors.mirakl.sandbox import catalog
from connectors.mirakl.sandbox.models import (
    SandboxAdjustment,
    SandboxBillingCycle,
    SandboxOrder,
    SandboxOrderLine,
    SandboxShop,
    SandboxTransaction,
)
from connectors.mirakl.sandbox.services.common import money, now_for, vat_part

COMMISSION_TYPES = (
    "COMMISSION_FEE",
    "COMMISSION_VAT",
    "REFUND_COMMISSION_FEE",
    "REFUND_COMMISSION_VAT",
)
# shipping type -> the fees the customer pays on the order's first line: [(code, amount)]
ORDER_LINE_FEES: dict[str, list[tuple[str, Decimal]]] = {
    "EXP": [("EXPRESS-SERVICE", Decimal("1.00"))],
}
# shipping type -> the fee the operator charges the seller per order: (code, amount excl. VAT)
SELLER_FEES: dict[str, tuple[str, Decimal]] = {"EXP": ("EXPRESS-HANDLING", Decimal("0.55"))}
SELLER_FEE_TYPES = ("SELLER_FEE_ON_ORDER", "SELLER_FEE_ON_ORDER_TAX")
LIVE_LINE_EXCLUDED = ("CANCELED", "REFUSED")


def line_fees(line: SandboxOrderLine) -> list[tuple[str, Decimal]]:
    """The customer's fees on one order line, as OR11 shows them in ``fees[]``."""
    if line.index != 1:
        return []
    return ORDER_LINE_FEES.get(line.order.shipping_type_code, [])


def fee_entities(line: SandboxTransaction) -> dict:
    """TL02 ``entities`` of a fee line: ``order_fee.code`` or the seller fee's ``fee.code``."""
    if line.type == "ORDER_FEE_AMOUNT" and line.line is not None:
        codes = [code for code, _amount in line_fees(line.line)]
        return {"order_fee": {"code": codes[0]}} if codes else {}
    if line.type in SELLER_FEE_TYPES and line.order is not None:
        fee = SELLER_FEES.get(line.order.shipping_type_code)
        return {"fee": {"code": fee[0]}} if fee else {}
    return {}


def _transaction(shop, kind, amount, now, *, line=None, state="PENDING", **extra):
    last = SandboxTransaction.objects.filter(shop=shop).order_by("-id").first()
    balance = (last.balance if last else Decimal("0")) + amount
    return SandboxTransaction.objects.create(
        shop=shop,
        type=kind,
        amount=amount,
        balance=balance,
        payment_state=state,
        order=line.order if line else extra.pop("order", None),
        line=line,
        created_at=now,
        updated_at=now,
        **extra,
    )


def _split_amounts(gross: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    tax = vat_part(gross, rate)
    return gross - tax, tax


def transactions_for_debit(order: SandboxOrder, now: dt.datetime) -> None:
    """ORDER_AMOUNT(+_TAX), ORDER_SHIPPING_AMOUNT(+_TAX), COMMISSION_FEE and _VAT per line."""
    for line in order.lines.filter(debited_date=now):
        amount, tax = _split_amounts(line.price, line.tax_rate)
        shipping, shipping_tax = _split_amounts(line.shipping_price, line.tax_rate)
        rows = [
            ("ORDER_AMOUNT", amount, None),
            ("ORDER_AMOUNT_TAX", tax, line.tax_rate),
            ("ORDER_SHIPPING_AMOUNT", shipping, None),
            ("ORDER_SHIPPING_AMOUNT_TAX", shipping_tax, line.tax_rate),
            ("COMMISSION_FEE", -line.commission_fee, None),
            ("COMMISSION_VAT", -line.commission_vat, catalog.COMMISSION_VAT_RATE),
        ]
        rows += [("ORDER_FEE_AMOUNT", amount, None) for _code, amount in line_fees(line)]
        for kind, value, rate in rows:
            if value or kind in ("ORDER_AMOUNT", "COMMISSION_FEE"):
                _transaction(order.shop, kind, value, now, line=line, tax_rate=rate)
        if line.index == 1:
            _seller_fee_charge(order, now)


def _seller_fee_charge(order: SandboxOrder, now: dt.datetime) -> None:
    """The operator's fee on the order (no order line), debited with its VAT."""
    fee = SELLER_FEES.get(order.shipping_type_code)
    if fee is None:
        return
    tax = money(fee[1] * catalog.COMMISSION_VAT_RATE / 100)
    _transaction(order.shop, "SELLER_FEE_ON_ORDER", -fee[1], now, order=order)
    rate = catalog.COMMISSION_VAT_RATE
    _transaction(order.shop, "SELLER_FEE_ON_ORDER_TAX", -tax, now, order=order, tax_rate=rate)


def transactions_make_payable(order: SandboxOrder, now: dt.datetime) -> None:
    SandboxTransaction.objects.filter(order=order, payment_state="PENDING").update(
        payment_state="PAYABLE", updated_at=now
    )


def transactions_void(line: SandboxOrderLine, now: dt.datetime) -> None:
    """A cancelled line is never paid: its pending lines become NOT_APPLICABLE, and so do the
    order's own (a seller fee) once no line of the order is left."""
    pending = SandboxTransaction.objects.filter(payment_state="PENDING")
    pending.filter(line=line).update(payment_state="NOT_APPLICABLE", updated_at=now)
    if not line.order.lines.exclude(state__in=LIVE_LINE_EXCLUDED).exists():
        pending.filter(order=line.order, line__isnull=True).update(
            payment_state="NOT_APPLICABLE", updated_at=now
        )


def transactions_for_refund(adjustment: SandboxAdjustment, now: dt.datetime) -> None:
    line = adjustment.line
    amount, tax = _split_amounts(adjustment.amount, line.tax_rate)
    shipping, shipping_tax = _split_amounts(adjustment.shipping_amount, line.tax_rate)
    rows = [
        ("REFUND_ORDER_AMOUNT", -amount, None),
        ("REFUND_ORDER_AMOUNT_TAX", -tax, line.tax_rate),
        ("REFUND_ORDER_SHIPPING_AMOUNT", -shipping, None),
        ("REFUND_ORDER_SHIPPING_AMOUNT_TAX", -shipping_tax, line.tax_rate),
        ("REFUND_COMMISSION_FEE", adjustment.commission_amount, None),
        ("REFUND_COMMISSION_VAT", adjustment.commission_vat, catalog.COMMISSION_VAT_RATE),
    ]
    for kind, value, rate in rows:
        if value:
            _transaction(
                line.order.shop,
                kind,
                value,
                now,
                line=line,
                state="PAYABLE",
                adjustment_id=adjustment.adjustment_id,
                tax_rate=rate,
            )


def balances(shop: SandboxShop) -> dict[str, Decimal]:
    """A01 payment_details: the sum of lines per payment state."""
    sums = dict(
        SandboxTransaction.objects.filter(shop=shop)
        .exclude(type="PAYMENT")
        .values_list("payment_state")
        .annotate(total=Sum("amount"))
    )
    return {state: sums.get(state) or Decimal("0") for state in ("PENDING", "PAYABLE", "PAID")}


@transaction.atomic
def billing_cycle_close(
    *, shop: SandboxShop, now: dt.datetime | None = None
) -> SandboxBillingCycle | None:
    """Pay every PAYABLE line: one cycle, one PAYMENT line, everything PAID. None if nothing."""
    now = now_for(now)
    payable = SandboxTransaction.objects.select_for_update().filter(
        shop=shop, payment_state="PAYABLE"
    )
    if not payable.exists():
        return None
    total = payable.aggregate(total=Sum("amount"))["total"]
    commission = -(payable.filter(type__in=COMMISSION_TYPES).aggregate(t=Sum("amount"))["t"] or 0)
    commission_tax = -(
        payable.filter(type__in=COMMISSION_TYPES[1::2]).aggregate(t=Sum("amount"))["t"] or 0
    )
    number = (SandboxBillingCycle.objects.aggregate(m=Max("invoice_id"))["m"] or 100000) + 1
    cycle = SandboxBillingCycle.objects.create(
        shop=shop,
        invoice_id=number,
        payment_voucher_number=f"PV-{number}",
        amount_to_seller=total,
        amount_to_operator=commission,
        commission_excl_tax=commission - commission_tax,
        commission_tax=commission_tax,
        created_at=now,
    )
    payable.update(payment_state="PAID", billing_cycle=cycle, updated_at=now)
    _transaction(shop, "PAYMENT", -total, now, state="PAID", billing_cycle=cycle)
    return cycle
