"""Plain, frozen dataclasses returned by (and sent to) the Mirakl client.

Field names follow the Mirakl seller API so a reader can look each one up in the spec, and
:mod:`connectors.mirakl.parse` reads a field from the key of its name by its type (the client
writes OR28/OR30/RT21 bodies the same way). Money is ``Decimal``, dates are aware UTC
datetimes, enum-like fields (states, types, models) are plain strings so a value Mirakl adds
tomorrow is kept, not rejected. Each read DTO keeps the response object it came from in
``raw`` (excluded from repr and comparisons: it holds customer data).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from connectors.mirakl.dtos_catalogue import (  # noqa: F401 (re-exported)
    OFFER_IMPORT_FINAL,
    PRODUCT_IMPORT_FINAL,
    Hierarchy,
    OfferImportStatus,
    OfferRow,
    ProductAttribute,
    ProductImportStatus,
    ProductReportLine,
    ValueList,
    ValueListItem,
)

ZERO = Decimal("0")


def _raw() -> Any:
    return field(default_factory=dict, repr=False, compare=False)


# --- Shared pieces ----------------------------------------------------------------------


@dataclass(frozen=True)
class Tax:
    """A tax amount (order, line, shipping, commission); ``rate`` is a percentage when given."""

    code: str
    amount: Decimal
    rate: Decimal | None = None
    tax_calculation_rule: str = ""


@dataclass(frozen=True)
class TaxAmount:
    """A tax to refund or cancel (OR28/OR30 ``taxes`` / ``shipping_taxes``)."""

    code: str
    amount: Decimal


# --- Orders (OR11) ----------------------------------------------------------------------


@dataclass(frozen=True)
class AddressDTO:
    lastname: str
    street_1: str
    city: str
    country_iso_code: str  # ISO 3166-1 alpha-3 (GBR)
    firstname: str = ""
    company: str = ""
    company_2: str = ""
    street_2: str = ""
    zip_code: str = ""
    state: str = ""
    country: str = ""
    phone: str = ""
    phone_secondary: str = ""
    additional_info: str = ""
    civility: str = ""


@dataclass(frozen=True)
class CustomerDTO:
    """The customer. Addresses are None until the order reaches SHIPPING (or acceptance,
    depending on PC01 ``shipping_and_billing_details_before_acceptance``)."""

    customer_id: str
    firstname: str = ""
    lastname: str = ""
    civility: str = ""
    locale: str = ""
    billing_address: AddressDTO | None = None
    shipping_address: AddressDTO | None = None


@dataclass(frozen=True)
class RefundDTO:
    id: str
    amount: Decimal
    shipping_amount: Decimal
    quantity: int
    reason_code: str
    refund_state: str
    created_date: dt.datetime | None
    order_refund_id: str = ""
    taxes: tuple[Tax, ...] = ()
    shipping_taxes: tuple[Tax, ...] = ()


@dataclass(frozen=True)
class CancelationDTO:
    id: str
    amount: Decimal
    shipping_amount: Decimal
    quantity: int | None
    reason_code: str
    created_date: dt.datetime | None


@dataclass(frozen=True)
class OrderLineDTO:
    order_line_id: str
    order_line_index: int
    order_line_state: str
    offer_id: int | None
    offer_sku: str  # the seller's SKU
    product_sku: str
    product_title: str
    quantity: int
    price_unit: Decimal
    price: Decimal  # without shipping
    shipping_price: Decimal
    total_price: Decimal
    commission_fee: Decimal
    total_commission: Decimal
    created_date: dt.datetime | None
    last_updated_date: dt.datetime | None
    order_line_state_reason_code: str = ""
    product_shop_sku: str = ""
    category_code: str = ""
    origin_unit_price: Decimal | None = None
    taxes: tuple[Tax, ...] = ()
    shipping_taxes: tuple[Tax, ...] = ()
    commission_taxes: tuple[Tax, ...] = ()
    debited_date: dt.datetime | None = None
    shipped_date: dt.datetime | None = None
    received_date: dt.datetime | None = None
    can_refund: bool = False
    refunds: tuple[RefundDTO, ...] = ()
    cancelations: tuple[CancelationDTO, ...] = ()
    raw: dict = _raw()


@dataclass(frozen=True)
class OrderDTO:
    order_id: str  # <commercial_id>-<letter>
    commercial_id: str  # the JL customer order number
    order_state: str
    created_date: dt.datetime
    last_updated_date: dt.datetime
    currency_iso_code: str
    price: Decimal
    shipping_price: Decimal
    total_price: Decimal
    total_commission: Decimal
    customer: CustomerDTO
    lines: tuple[OrderLineDTO, ...]
    order_state_reason_code: str = ""
    acceptance_decision_date: dt.datetime | None = None
    shipping_deadline: dt.datetime | None = None
    leadtime_to_ship: int | None = None
    delivery_date_earliest: dt.datetime | None = None
    delivery_date_latest: dt.datetime | None = None
    customer_debited_date: dt.datetime | None = None
    order_tax_mode: str = ""
    order_taxes: tuple[Tax, ...] = ()
    payment_workflow: str = ""
    payment_type: str = ""
    shipping_type_code: str = ""
    shipping_type_label: str = ""
    shipping_zone_code: str = ""
    shipping_carrier_code: str = ""
    shipping_carrier_standard_code: str = ""
    shipping_company: str = ""
    shipping_tracking: str = ""
    shipping_tracking_url: str = ""
    shipping_pudo_id: str = ""
    can_cancel: bool = False
    can_shop_ship: bool = False
    has_incident: bool = False
    fully_refunded: bool = False
    channel_code: str = ""
    order_reference_for_customer: str = ""
    order_reference_for_seller: str = ""
    customer_notification_email: str = ""
    raw: dict = _raw()


# --- Order writes (OR28, OR30) ----------------------------------------------------------


@dataclass(frozen=True)
class RefundRequest:
    """One OR28 refund. ``taxes``/``shipping_taxes`` are required when the order has taxes;
    ``quantity`` is informative only for Mirakl."""

    order_line_id: str
    amount: Decimal
    shipping_amount: Decimal
    reason_code: str
    quantity: int | None = None
    taxes: tuple[TaxAmount, ...] = ()
    shipping_taxes: tuple[TaxAmount, ...] = ()
    currency_iso_code: str = ""
    excluded_from_shipment: bool | None = None


@dataclass(frozen=True)
class RefundCreated:
    refund_id: str
    order_line_id: str
    order_refund_id: str
    amount: Decimal
    shipping_amount: Decimal
    quantity: int | None
    reason_code: str


@dataclass(frozen=True)
class CancelationRequest:
    """One OR30 line cancelation."""

    order_line_id: str
    quantity: int
    amount: Decimal
    shipping_amount: Decimal
    reason_code: str
    taxes: tuple[TaxAmount, ...] = ()
    shipping_taxes: tuple[TaxAmount, ...] = ()
    currency_iso_code: str = ""


@dataclass(frozen=True)
class CancelationCreated:
    cancelation_id: str
    order_line_id: str
    amount: Decimal
    shipping_amount: Decimal
    quantity: int | None
    reason_code: str


# --- Configuration (A01, PC01, SH21, SH12, RE01) ----------------------------------------


@dataclass(frozen=True)
class Account:
    shop_id: int
    shop_name: str
    shop_state: str  # OPEN, CLOSE, SUSPENDED, TERMINATED
    currency_iso_code: str
    model: str  # MARKETPLACE, DROPSHIP, ONE_CREDITOR ("" when absent)
    lead_time_to_ship: int | None = None
    approval_delay: int | None = None
    approval_rate: Decimal | None = None
    pending_balance: Decimal | None = None
    payable_balance: Decimal | None = None
    paid_balance: Decimal | None = None
    raw: dict = _raw()


@dataclass(frozen=True)
class PlatformConfiguration:
    order_acceptance: str  # AUTOMATIC, NOT_AUTOMATIC, BOTH
    multi_shipment: bool
    returns: dict[str, bool]  # {"marketplace": .., "drop_ship": .., "one_creditor": ..}
    order_tax_mode: str
    disable_seller_alternative_carrier: bool
    shipping_and_billing_details_before_acceptance: bool
    platform_models: dict[str, bool]  # {"marketplace": .., "drop_ship": .., "one_creditor": ..}
    timezone: str = ""
    platform_name: str = ""
    dropship_retail_pricing: bool = False  # features.dropship.retail_pricing_enabled
    raw: dict = _raw()


@dataclass(frozen=True)
class Carrier:
    code: str
    label: str
    standard_code: str = ""
    tracking_url: str = ""


@dataclass(frozen=True)
class ShippingType:
    code: str
    label: str
    mandatory_tracking: bool
    click_and_collect: bool = False
    delivery_by_operator: bool = False
    description: str = ""
    standard_code: str = ""


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    type: str  # REFUND, CANCELATION, INCIDENT_OPEN, ...
    is_shop_right: bool


# --- Offers: stock and price imports, listing, export -----------------------------------


@dataclass(frozen=True)
class StockRow:
    offer_sku: str
    quantity: int
    warehouse_code: str = ""


@dataclass(frozen=True)
class PriceRow:
    """One PRI01 line. PRI01 is delete-and-replace: send every price an offer should keep."""

    offer_sku: str
    price: Decimal
    discount_price: Decimal | None = None
    discount_start_date: dt.datetime | None = None
    discount_end_date: dt.datetime | None = None


@dataclass(frozen=True)
class ImportStatus:
    import_id: str
    status: str  # WAITING, RUNNING, COMPLETE, FAILED
    has_error_report: bool
    lines_in_success: int | None = None
    lines_in_error: int | None = None
    date_created: dt.datetime | None = None
    reason_status: str = ""
    offers_updated: int | None = None
    offers_in_error: int | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("COMPLETE", "FAILED")


@dataclass(frozen=True)
class ImportLineError:
    """One line of an STO03/PRI03 error report (named to avoid shadowing builtin ImportError)."""

    line: int | None
    sku: str
    message: str
    row: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Offer:
    offer_id: int | None
    shop_sku: str
    product_sku: str
    quantity: int | None
    price: Decimal | None  # what the customer pays now (discount price while it applies)
    origin_price: Decimal | None = None
    discount_price: Decimal | None = None
    state_code: str = ""
    active: bool | None = None
    deleted: bool = False
    currency_iso_code: str = ""
    total_price: Decimal | None = None
    leadtime_to_ship: int | None = None
    last_updated: dt.datetime | None = None
    warehouses: tuple[tuple[str, int], ...] = ()
    raw: dict = _raw()


@dataclass(frozen=True)
class OfferExportStatus:
    status: str  # PENDING, COMPLETED, FAILED
    urls: tuple[str, ...] = ()
    last_updated: dt.datetime | None = None
    error_code: str = ""
    error_detail: str = ""


# --- Finance (TL02, IV01, SBC11) --------------------------------------------------------


@dataclass(frozen=True)
class TransactionLine:
    id: str
    type: str
    amount: Decimal
    currency_iso_code: str
    payment_state: str
    date_created: dt.datetime | None
    last_updated: dt.datetime | None
    amount_credited: Decimal | None = None
    amount_debited: Decimal | None = None
    balance: Decimal | None = None
    accounting_document_id: str = ""
    accounting_document_number: str = ""
    seller_billing_cycle_id: str = ""
    order_id: str = ""
    order_commercial_id: str = ""
    order_line_id: str = ""
    refund_id: str = ""
    shipment_id: str = ""
    transaction_number: str = ""
    transaction_date: dt.datetime | None = None
    raw: dict = _raw()


@dataclass(frozen=True)
class Invoice:
    id: str
    invoice_id: int | None
    type: str
    state: str
    currency_iso_code: str
    date_created: dt.datetime | None
    issue_date: dt.datetime | None
    due_date: dt.datetime | None
    total_amount_excl_taxes: Decimal | None
    total_amount_incl_taxes: Decimal | None
    total_taxes: tuple[Tax, ...] = ()
    payment_state: str = ""
    payment_reference: str = ""
    payment_transaction_date: dt.datetime | None = None
    shop_model: str = ""
    raw: dict = _raw()


@dataclass(frozen=True)
class BillingCycle:
    id: str
    date_created: dt.datetime | None
    currency_iso_code: str
    amount_transferred_to_seller: Decimal | None
    amount_transferred_to_operator: Decimal | None
    pay_out_state: str = ""
    pay_out_reference: str = ""
    pay_out_transaction_date: dt.datetime | None = None
    payment_voucher_number: str = ""
    summary: dict[str, Decimal] = field(default_factory=dict, compare=False)
    raw: dict = _raw()


# --- Returns (RT11, RT21, RT25, RT27) ---------------------------------------------------


@dataclass(frozen=True)
class ReturnLine:
    order_line_id: str
    quantity: int
    reason_code: str = ""


@dataclass(frozen=True)
class Return:
    id: str
    order_id: str
    order_commercial_id: str
    state: str
    date_created: dt.datetime | None
    last_updated: dt.datetime | None
    lines: tuple[ReturnLine, ...]
    rma: str = ""
    reason_code: str = ""
    rejection_reason_code: str = ""
    method_code: str = ""
    tracking_carrier_code: str = ""
    tracking_carrier_name: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    raw: dict = _raw()


@dataclass(frozen=True)
class ReturnDecision:
    id: str
    accepted: bool
    rejection_reason_code: str = ""


@dataclass(frozen=True)
class ReturnsResult:
    """RT21/RT25/RT27 answer: which returns were updated and which failed (id, message)."""

    success_ids: tuple[str, ...]
    errors: tuple[tuple[str, str], ...]
