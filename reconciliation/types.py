"""Every TL02 transaction type the spec lists, classified for matching and for the journal.

``category`` says what a line is (the order's sale, its tax, commission ...); ``bucket`` the
column of the order's breakdown it is shown in (sales, shipping, commission, commission_vat,
refunds, order_fees: what the OR11 order itself predicts; other: what it cannot predict, such as
seller fees, penalties, tax the operator remits, manual entries); ``journal`` the column of the
Journal sheet an accountant posts. An order's settled net is every line bound to it, whatever
its bucket; its expected net predicts the order buckets only, so an "other" line bound to an
order is always a variance that names its type. A type the spec does not list is kept and
flagged (``known`` False).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TypeInfo:
    category: str
    bucket: str
    journal: str
    known: bool = True


SALES, SHIPPING, COMMISSION, COMMISSION_VAT, REFUNDS, ORDER_FEES, OTHER = (
    "sales",
    "shipping",
    "commission",
    "commission_vat",
    "refunds",
    "order_fees",
    "other",
)
FEES, PAYOUT = "fees", "payout"

# Buckets that an order's own figures predict (OR11 prices, commission, refunds, line fees[]).
ORDER_BUCKETS = (SALES, SHIPPING, COMMISSION, COMMISSION_VAT, REFUNDS, ORDER_FEES)
JOURNAL_COLUMNS = (SALES, SHIPPING, COMMISSION, COMMISSION_VAT, REFUNDS, FEES, PAYOUT)


def _info(category: str, bucket: str, journal: str | None = None) -> TypeInfo:
    return TypeInfo(category, bucket, journal or (bucket if bucket != OTHER else FEES))


TRANSACTION_TYPES: dict[str, TypeInfo] = {
    # the order and its shipping, as the customer paid them (tax included)
    "ORDER_AMOUNT": _info("order_amount", SALES),
    "ORDER_AMOUNT_TAX": _info("order_tax", SALES),
    "ORDER_SHIPPING_AMOUNT": _info("shipping_amount", SHIPPING),
    "ORDER_SHIPPING_AMOUNT_TAX": _info("shipping_tax", SHIPPING),
    # the marketplace's commission and the VAT on it
    "COMMISSION_FEE": _info("commission", COMMISSION),
    "COMMISSION_VAT": _info("commission_vat", COMMISSION_VAT),
    # refunds of each
    "REFUND_ORDER_AMOUNT": _info("refund_order_amount", REFUNDS),
    "REFUND_ORDER_AMOUNT_TAX": _info("refund_order_tax", REFUNDS),
    "REFUND_ORDER_SHIPPING_AMOUNT": _info("refund_shipping_amount", REFUNDS),
    "REFUND_ORDER_SHIPPING_AMOUNT_TAX": _info("refund_shipping_tax", REFUNDS),
    "REFUND_COMMISSION_FEE": _info("refund_commission", COMMISSION),
    "REFUND_COMMISSION_VAT": _info("refund_commission_vat", COMMISSION_VAT),
    # subscription, manual entries, one-off items
    "SUBSCRIPTION_FEE": _info("subscription", OTHER),
    "SUBSCRIPTION_VAT": _info("subscription_vat", OTHER),
    "MANUAL_CREDIT": _info("manual_credit", OTHER),
    "MANUAL_CREDIT_VAT": _info("manual_credit_vat", OTHER),
    "MANUAL_INVOICE": _info("manual_invoice", OTHER),
    "MANUAL_INVOICE_VAT": _info("manual_invoice_vat", OTHER),
    "INVOICEABLE_ONE_OFF_DEBIT": _info("one_off_debit", OTHER),
    "INVOICEABLE_ONE_OFF_DEBIT_TAX": _info("one_off_debit_tax", OTHER),
    "INVOICEABLE_ONE_OFF_CREDIT": _info("one_off_credit", OTHER),
    "INVOICEABLE_ONE_OFF_CREDIT_TAX": _info("one_off_credit_tax", OTHER),
    # tax and shipping the operator handles itself
    "OPERATOR_REMITTED_ORDER_AMOUNT_TAX": _info("operator_remitted_tax", OTHER),
    "OPERATOR_REMITTED_ORDER_SHIPPING_AMOUNT_TAX": _info("operator_remitted_tax", OTHER),
    "OPERATOR_REMITTED_REFUND_ORDER_AMOUNT_TAX": _info("operator_remitted_tax", OTHER),
    "OPERATOR_REMITTED_REFUND_ORDER_SHIPPING_AMOUNT_TAX": _info("operator_remitted_tax", OTHER),
    "OPERATOR_PAID_ORDER_SHIPPING_AMOUNT": _info("operator_paid_shipping", OTHER),
    "OPERATOR_PAID_ORDER_SHIPPING_AMOUNT_TAX": _info("operator_paid_shipping", OTHER),
    "OPERATOR_PAID_REFUND_ORDER_SHIPPING_AMOUNT": _info("operator_paid_shipping", OTHER),
    "OPERATOR_PAID_REFUND_ORDER_SHIPPING_AMOUNT_TAX": _info("operator_paid_shipping", OTHER),
    # the payout itself
    "PAYMENT": _info("payment", OTHER, PAYOUT),
    # dropship purchases
    "PURCHASE_COMMISSION_FEE": _info("purchase", OTHER),
    "PURCHASE_SHIPPING_COMMISSION_FEE": _info("purchase", OTHER),
    "PURCHASE_ORDER_AMOUNT_TAX": _info("purchase", OTHER),
    "PURCHASE_ORDER_SHIPPING_AMOUNT_TAX": _info("purchase", OTHER),
    "REFUND_PURCHASE_COMMISSION_FEE": _info("purchase", OTHER),
    "REFUND_PURCHASE_SHIPPING_COMMISSION_FEE": _info("purchase", OTHER),
    "REFUND_PURCHASE_ORDER_AMOUNT_TAX": _info("purchase", OTHER),
    "REFUND_PURCHASE_ORDER_SHIPPING_AMOUNT_TAX": _info("purchase", OTHER),
    "PURCHASE_FEE_COMMISSION_FEE": _info("purchase", OTHER),
    "REFUND_PURCHASE_FEE_COMMISSION_FEE": _info("purchase", OTHER),
    # fees and penalties the operator charges the seller (not in the OR11 order)
    # the fees the customer paid on an order line (OR11 order_lines[].fees[]) and their refunds
    "ORDER_FEE_AMOUNT": _info("order_fee", ORDER_FEES, FEES),
    "REFUND_ORDER_FEE_AMOUNT": _info("order_fee", ORDER_FEES, FEES),
    "OPERATOR_REMITTED_ORDER_FEE_AMOUNT": _info("order_fee", OTHER),
    "OPERATOR_REMITTED_REFUND_ORDER_FEE_AMOUNT": _info("order_fee", OTHER),
    "SELLER_FEE_ON_ORDER": _info("seller_fee", OTHER),
    "SELLER_FEE_ON_ORDER_TAX": _info("seller_fee", OTHER),
    "SELLER_PENALTY_FEE": _info("penalty", OTHER),
    "SELLER_PENALTY_FEE_TAX": _info("penalty", OTHER),
    # reserve
    "RESERVE_FUNDING": _info("reserve", OTHER),
    "RESERVE_SETTLEMENT": _info("reserve", OTHER),
}

UNKNOWN = TypeInfo("unknown", OTHER, FEES, known=False)

# Categories that belong to an order: a line of these without a known order is "unmatched".
ORDER_CATEGORIES = frozenset(
    info.category for name, info in TRANSACTION_TYPES.items() if info.bucket in ORDER_BUCKETS
)


def type_info(transaction_type: str) -> TypeInfo:
    """How a TL02 ``type`` is classified; unknown types are kept as "unknown", never dropped."""
    return TRANSACTION_TYPES.get(transaction_type.strip().upper(), UNKNOWN)


def types_in_bucket(bucket: str) -> list[str]:
    return [name for name, info in TRANSACTION_TYPES.items() if info.bucket == bucket]


def order_bucket_types() -> list[str]:
    """Every type an order's own figures predict; any other type bound to an order is not."""
    return [name for name, info in TRANSACTION_TYPES.items() if info.bucket in ORDER_BUCKETS]


def types_in_journal(column: str) -> list[str]:
    return [name for name, info in TRANSACTION_TYPES.items() if info.journal == column]
