"""Turn Mirakl response objects into the DTOs of :mod:`connectors.mirakl.dtos`.

Tolerant by design (Mirakl's compatibility rules): unknown fields are ignored, unknown enum
values are kept as strings, optional fields may be missing or null. A field the hub cannot do
without (an id, an amount) that is missing or malformed raises :class:`ParseFailure` naming
the object; :func:`parse_each` turns those into one :class:`ParseErrors` raised after every
good object of the page has been handed over, so one bad order never hides the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from connectors.base import PermanentError
from connectors.mirakl import dtos

T = TypeVar("T")


class ParseFailure(ValueError):
    """One object could not be read; carries no data beyond the field that failed."""


class ParseErrors(PermanentError):
    """Some objects of a listing could not be parsed; every other object was yielded first.

    ``failures`` is a list of ``(object id, reason, raw dict)``; ``ids`` the object ids.
    """

    def __init__(self, kind: str, failures: list[tuple[str, str, dict]]) -> None:
        ids = [f[0] for f in failures]
        reasons = "; ".join(f"{i}: {why}" for i, why, _ in failures[:5])
        super().__init__(f"Mirakl {kind}: could not read {len(failures)} object(s): {reasons}")
        self.failures = failures
        self.ids = ids


def parse_each(
    items: Iterable[Any], parser: Callable[[dict], T], *, kind: str, id_key: str
) -> Iterator[T]:
    """Yield ``parser(item)`` for each item; raise ParseErrors at the end for the bad ones."""
    failures: list[tuple[str, str, dict]] = []
    for item in items:
        item = without_nul(item)
        item_id = str(item.get(id_key, "?")) if isinstance(item, dict) else "?"
        try:
            if not isinstance(item, dict):
                raise ParseFailure(f"expected an object, got {type(item).__name__}")
            parsed = parser(item)
        except (ParseFailure, InvalidOperation, TypeError, ValueError, KeyError) as exc:
            failures.append((item_id, str(exc) or type(exc).__name__, item))
            continue
        yield parsed
    if failures:
        raise ParseErrors(kind, failures)


def without_nul(value: Any) -> Any:
    """``value`` with every NUL character removed from its strings and keys.

    PostgreSQL stores NUL neither in text nor (escaped) in jsonb: one such character in an
    order would fail its save, and with it the rest of the page, on every pass.
    """
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    return value


# --- scalars ----------------------------------------------------------------------------


def parse_datetime(value: Any) -> dt.datetime | None:
    """ISO-8601 to aware UTC; accepts ``Z`` or an offset, with or without milliseconds."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ParseFailure(f"not a date: {value!r}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ParseFailure(f"not a date: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)  # Mirakl output is UTC
    return parsed.astimezone(dt.UTC)


def required_datetime(obj: dict, key: str) -> dt.datetime:
    value = parse_datetime(obj.get(key))
    if value is None:
        raise ParseFailure(f"{key} is missing")
    return value


def money(value: Any) -> Decimal | None:
    """Decimal from a JSON number (parsed as Decimal or int) or a numeric string; never float."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ParseFailure(f"not an amount: {value!r}")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise ParseFailure(f"not an amount: {value!r}") from None
    if not amount.is_finite():  # "NaN" and "Infinity" are valid Decimals, never amounts
        raise ParseFailure(f"not an amount: {value!r}")
    return amount


def required_money(obj: dict, key: str) -> Decimal:
    value = money(obj.get(key))
    if value is None:
        raise ParseFailure(f"{key} is missing")
    return value


def money_or_zero(obj: dict, key: str) -> Decimal:
    return money(obj.get(key)) or dtos.ZERO


def integer(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ParseFailure(f"not an integer: {value!r}")
    try:
        return int(str(value))
    except ValueError:
        raise ParseFailure(f"not an integer: {value!r}") from None


def text(obj: dict | None, key: str) -> str:
    value = (obj or {}).get(key)
    return "" if value is None else str(value)


def required_text(obj: dict, key: str) -> str:
    value = text(obj, key)
    if not value:
        raise ParseFailure(f"{key} is missing")
    return value


def flag(obj: dict | None, key: str) -> bool:
    return bool((obj or {}).get(key) or False)


def obj(parent: dict | None, key: str) -> dict:
    value = (parent or {}).get(key)
    return value if isinstance(value, dict) else {}


def objects(parent: dict | None, key: str) -> list[dict]:
    value = (parent or {}).get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def taxes(parent: dict, key: str) -> tuple[dtos.Tax, ...]:
    return tuple(
        dtos.Tax(
            code=text(t, "code"),
            amount=money(t.get("amount", t.get("total_amount"))) or dtos.ZERO,
            rate=money(t.get("rate")),
            tax_calculation_rule=text(t, "tax_calculation_rule"),
        )
        for t in objects(parent, key)
    )


# --- orders -----------------------------------------------------------------------------


def address(value: Any) -> dtos.AddressDTO | None:
    if not isinstance(value, dict):
        return None
    keys = (
        "firstname",
        "company",
        "company_2",
        "street_2",
        "zip_code",
        "state",
        "country",
        "phone",
        "phone_secondary",
        "additional_info",
        "civility",
    )
    return dtos.AddressDTO(
        lastname=text(value, "lastname"),
        street_1=text(value, "street_1"),
        city=text(value, "city"),
        country_iso_code=text(value, "country_iso_code"),
        **{k: text(value, k) for k in keys},
    )


def customer(value: dict) -> dtos.CustomerDTO:
    return dtos.CustomerDTO(
        customer_id=text(value, "customer_id"),
        firstname=text(value, "firstname"),
        lastname=text(value, "lastname"),
        civility=text(value, "civility"),
        locale=text(value, "locale"),
        billing_address=address(value.get("billing_address")),
        shipping_address=address(value.get("shipping_address")),
    )


def refund(value: dict) -> dtos.RefundDTO:
    return dtos.RefundDTO(
        id=required_text(value, "id"),
        amount=money_or_zero(value, "amount"),
        shipping_amount=money_or_zero(value, "shipping_amount"),
        quantity=integer(value.get("quantity")) or 0,
        reason_code=text(value, "reason_code"),
        refund_state=text(value, "refund_state") or text(value, "state"),
        created_date=parse_datetime(value.get("created_date")),
        order_refund_id=text(value, "order_refund_id"),
        taxes=taxes(value, "taxes"),
        shipping_taxes=taxes(value, "shipping_taxes"),
    )


def cancelation(value: dict) -> dtos.CancelationDTO:
    return dtos.CancelationDTO(
        id=required_text(value, "id"),
        amount=money_or_zero(value, "amount"),
        shipping_amount=money_or_zero(value, "shipping_amount"),
        quantity=integer(value.get("quantity")),
        reason_code=text(value, "reason_code"),
        created_date=parse_datetime(value.get("created_date")),
    )


def order_line(value: dict) -> dtos.OrderLineDTO:
    return dtos.OrderLineDTO(
        order_line_id=required_text(value, "order_line_id"),
        order_line_index=integer(value.get("order_line_index")) or 0,
        order_line_state=text(value, "order_line_state"),
        order_line_state_reason_code=text(value, "order_line_state_reason_code"),
        offer_id=integer(value.get("offer_id")),
        offer_sku=required_text(value, "offer_sku"),
        product_sku=text(value, "product_sku"),
        product_shop_sku=text(value, "product_shop_sku"),
        product_title=text(value, "product_title"),
        category_code=text(value, "category_code"),
        quantity=integer(value.get("quantity")) or 0,
        price_unit=required_money(value, "price_unit"),
        price=required_money(value, "price"),
        origin_unit_price=money(value.get("origin_unit_price")),
        shipping_price=money_or_zero(value, "shipping_price"),
        total_price=required_money(value, "total_price"),
        commission_fee=money_or_zero(value, "commission_fee"),
        total_commission=money_or_zero(value, "total_commission"),
        taxes=taxes(value, "taxes"),
        shipping_taxes=taxes(value, "shipping_taxes"),
        commission_taxes=taxes(value, "commission_taxes"),
        created_date=parse_datetime(value.get("created_date")),
        last_updated_date=parse_datetime(value.get("last_updated_date")),
        debited_date=parse_datetime(value.get("debited_date")),
        shipped_date=parse_datetime(value.get("shipped_date")),
        received_date=parse_datetime(value.get("received_date")),
        can_refund=flag(value, "can_refund"),
        refunds=tuple(refund(r) for r in objects(value, "refunds")),
        cancelations=tuple(cancelation(c) for c in objects(value, "cancelations")),
        raw=value,
    )


def order(value: dict) -> dtos.OrderDTO:
    delivery = obj(value, "delivery_date")
    references = obj(value, "references")
    return dtos.OrderDTO(
        order_id=required_text(value, "order_id"),
        commercial_id=required_text(value, "commercial_id"),
        order_state=required_text(value, "order_state"),
        order_state_reason_code=text(value, "order_state_reason_code"),
        created_date=required_datetime(value, "created_date"),
        last_updated_date=required_datetime(value, "last_updated_date"),
        acceptance_decision_date=parse_datetime(value.get("acceptance_decision_date")),
        shipping_deadline=parse_datetime(value.get("shipping_deadline")),
        leadtime_to_ship=integer(value.get("leadtime_to_ship")),
        delivery_date_earliest=parse_datetime(delivery.get("earliest")),
        delivery_date_latest=parse_datetime(delivery.get("latest")),
        customer_debited_date=parse_datetime(value.get("customer_debited_date")),
        currency_iso_code=text(value, "currency_iso_code"),
        price=required_money(value, "price"),
        shipping_price=money_or_zero(value, "shipping_price"),
        total_price=required_money(value, "total_price"),
        total_commission=money_or_zero(value, "total_commission"),
        order_tax_mode=text(value, "order_tax_mode"),
        order_taxes=taxes(value, "order_taxes"),
        payment_workflow=text(value, "payment_workflow"),
        payment_type=text(value, "payment_type") or text(value, "paymentType"),
        **{k: text(value, k) for k in _ORDER_SHIPPING_KEYS},
        can_cancel=flag(value, "can_cancel"),
        can_shop_ship=flag(value, "can_shop_ship"),
        has_incident=flag(value, "has_incident"),
        fully_refunded=flag(value, "fully_refunded"),
        channel_code=text(obj(value, "channel"), "code"),
        order_reference_for_customer=text(references, "order_reference_for_customer"),
        order_reference_for_seller=text(references, "order_reference_for_seller"),
        customer_notification_email=text(value, "customer_notification_email"),
        customer=customer(obj(value, "customer")),
        lines=tuple(order_line(line) for line in objects(value, "order_lines")),
        raw=value,
    )


_ORDER_SHIPPING_KEYS = (
    "shipping_type_code",
    "shipping_type_label",
    "shipping_zone_code",
    "shipping_carrier_code",
    "shipping_carrier_standard_code",
    "shipping_company",
    "shipping_tracking",
    "shipping_tracking_url",
    "shipping_pudo_id",
)


def refund_created(value: dict) -> dtos.RefundCreated:
    return dtos.RefundCreated(
        refund_id=required_text(value, "refund_id"),
        order_line_id=text(value, "order_line_id"),
        order_refund_id=text(value, "order_refund_id"),
        amount=money_or_zero(value, "amount"),
        shipping_amount=money_or_zero(value, "shipping_amount"),
        quantity=integer(value.get("quantity")),
        reason_code=text(value, "reason_code"),
    )


def cancelation_created(value: dict) -> dtos.CancelationCreated:
    return dtos.CancelationCreated(
        cancelation_id=required_text(value, "cancelation_id"),
        order_line_id=text(value, "order_line_id"),
        amount=money_or_zero(value, "amount"),
        shipping_amount=money_or_zero(value, "shipping_amount"),
        quantity=integer(value.get("quantity")),
        reason_code=text(value, "reason_code"),
    )


# --- configuration ----------------------------------------------------------------------


def account(value: dict) -> dtos.Account:
    payment = obj(value, "payment_details")
    return dtos.Account(
        shop_id=integer(value.get("shop_id")) or 0,
        shop_name=text(value, "shop_name"),
        shop_state=text(value, "shop_state"),
        currency_iso_code=text(value, "currency_iso_code"),
        model=text(value, "model"),
        lead_time_to_ship=integer(obj(value, "shipping").get("lead_time_to_ship")),
        approval_delay=integer(value.get("approval_delay")),
        approval_rate=money(value.get("approval_rate")),
        pending_balance=money(payment.get("pending_balance")),
        payable_balance=money(payment.get("payable_balance")),
        paid_balance=money(payment.get("paid_balance")),
        raw=value,
    )


def platform_configuration(value: dict) -> dtos.PlatformConfiguration:
    features = obj(value, "features")
    workflows = obj(features, "order_workflows")
    models = obj(obj(value, "platform_configuration"), "platform_model")
    return dtos.PlatformConfiguration(
        order_acceptance=text(workflows, "order_acceptance"),
        multi_shipment=flag(obj(features, "shipment"), "multi_shipment"),
        returns={k: bool(v) for k, v in obj(features, "returns").items()},
        order_tax_mode=text(features, "order_tax_mode"),
        disable_seller_alternative_carrier=flag(features, "disable_seller_alternative_carrier"),
        shipping_and_billing_details_before_acceptance=flag(
            workflows, "shipping_and_billing_details_before_acceptance"
        ),
        platform_models={k: bool(v) for k, v in models.items()},
        timezone=text(value, "timezone"),
        platform_name=text(value, "platform_name"),
        dropship_retail_pricing=flag(obj(features, "dropship"), "retail_pricing_enabled"),
        raw=value,
    )


def carrier(value: dict) -> dtos.Carrier:
    return dtos.Carrier(
        code=required_text(value, "code"),
        label=text(value, "label"),
        standard_code=text(value, "standard_code"),
        tracking_url=text(value, "tracking_url"),
    )


def shipping_type(value: dict) -> dtos.ShippingType:
    return dtos.ShippingType(
        code=required_text(value, "code"),
        label=text(value, "label"),
        mandatory_tracking=flag(value, "mandatory_tracking"),
        click_and_collect=flag(value, "click_and_collect"),
        delivery_by_operator=flag(value, "delivery_by_operator"),
        description=text(value, "description"),
        standard_code=text(value, "standard_code"),
    )


def reason(value: dict) -> dtos.Reason:
    return dtos.Reason(
        code=required_text(value, "code"),
        label=text(value, "label"),
        type=text(value, "type"),
        is_shop_right=flag(value, "is_shop_right"),
    )


# --- offers -----------------------------------------------------------------------------


def import_status(value: dict) -> dtos.ImportStatus:
    return dtos.ImportStatus(
        import_id=required_text(value, "import_id"),
        status=required_text(value, "status"),
        has_error_report=flag(value, "has_error_report"),
        lines_in_success=integer(value.get("lines_in_success")),
        lines_in_error=integer(value.get("lines_in_error")),
        date_created=parse_datetime(value.get("date_created")),
        reason_status=text(value, "reason_status"),
        offers_updated=integer(value.get("offers_updated")),
        offers_in_error=integer(value.get("offers_in_error")),
    )


def offer(value: dict) -> dtos.Offer:
    """An offer from OF21 (``price``, ``discount``) or an OF54 JSON export chunk (``prices[]``).

    In OF54 the default price is the entry **without** ``context`` (the spec: context "is not
    returned for the default price"); entries with a context are channel, customer or scheduled
    prices, in no promised order. An offer with no default entry has no default price.
    """
    if "prices" in value:
        default = next((p for p in objects(value, "prices") if not p.get("context")), {})
        discount_from, discount_to = (
            default.get("discount_start_date"),
            default.get("discount_end_date"),
        )
    else:
        default = {**obj(value, "discount"), "origin_price": value.get("price")}
        discount_from, discount_to = default.get("start_date"), default.get("end_date")
    origin = money(default.get("origin_price"))
    discount = money(default.get("discount_price"))
    price = money(value.get("price"))
    if price is None:
        active = _in_window(parse_datetime(discount_from), parse_datetime(discount_to))
        price = discount if discount is not None and active else origin
    return dtos.Offer(
        offer_id=integer(value.get("offer_id")),
        shop_sku=required_text(value, "shop_sku"),
        product_sku=text(value, "product_sku"),
        quantity=integer(value.get("quantity")),
        price=price,
        origin_price=origin,
        discount_price=discount,
        state_code=text(value, "state_code"),
        active=value.get("active") if isinstance(value.get("active"), bool) else None,
        deleted=flag(value, "deleted"),
        currency_iso_code=text(value, "currency_iso_code"),
        total_price=money(value.get("total_price")),
        leadtime_to_ship=integer(value.get("leadtime_to_ship")),
        last_updated=parse_datetime(value.get("last_updated")),
        warehouses=tuple(
            (text(w, "code"), integer(w.get("quantity")) or 0) for w in objects(value, "warehouses")
        ),
        raw=value,
    )


def _in_window(start: dt.datetime | None, end: dt.datetime | None) -> bool:
    now = dt.datetime.now(dt.UTC)
    return (start is None or start <= now) and (end is None or now < end)


def offer_export_status(value: dict) -> dtos.OfferExportStatus:
    error = obj(value, "error")
    urls = value.get("urls") if isinstance(value.get("urls"), list) else []
    return dtos.OfferExportStatus(
        status=required_text(value, "status"),
        urls=tuple(str(u) for u in urls),
        last_updated=parse_datetime(value.get("last_updated")),
        error_code=text(error, "code"),
        error_detail=text(error, "detail"),
    )


# --- finance ----------------------------------------------------------------------------


def transaction_line(value: dict) -> dtos.TransactionLine:
    entities = obj(value, "entities")
    order_entity = obj(entities, "order")
    info = obj(entities, "transaction_info")
    return dtos.TransactionLine(
        id=required_text(value, "id"),
        type=required_text(value, "type"),
        amount=required_money(value, "amount"),
        amount_credited=money(value.get("amount_credited")),
        amount_debited=money(value.get("amount_debited")),
        balance=money(value.get("balance")),
        currency_iso_code=text(value, "currency_iso_code"),
        payment_state=text(value, "payment_state"),
        date_created=parse_datetime(value.get("date_created")),
        last_updated=parse_datetime(value.get("last_updated")),
        accounting_document_id=text(value, "accounting_document_id"),
        accounting_document_number=text(value, "accounting_document_number"),
        seller_billing_cycle_id=text(value, "seller_billing_cycle_id"),
        order_id=text(order_entity, "id"),
        order_commercial_id=text(order_entity, "commercial_id"),
        order_line_id=text(obj(entities, "order_line"), "id"),
        refund_id=text(obj(entities, "refund"), "id"),
        shipment_id=text(obj(entities, "shipment"), "id"),
        transaction_number=text(info, "number"),
        transaction_date=parse_datetime(info.get("date")),
        raw=value,
    )


def invoice(value: dict) -> dtos.Invoice:
    payment = obj(value, "payment")
    return dtos.Invoice(
        id=text(value, "id") or required_text(value, "invoice_id"),
        invoice_id=integer(value.get("invoice_id")),
        type=text(value, "type"),
        state=text(value, "state"),
        currency_iso_code=text(value, "currency_iso_code"),
        date_created=parse_datetime(value.get("date_created")),
        issue_date=parse_datetime(value.get("issue_date")),
        due_date=parse_datetime(value.get("due_date")),
        total_amount_excl_taxes=money(value.get("total_amount_excl_taxes")),
        total_amount_incl_taxes=money(value.get("total_amount_incl_taxes")),
        total_taxes=taxes(value, "total_taxes"),
        payment_state=text(payment, "state"),
        payment_reference=text(payment, "reference"),
        payment_transaction_date=parse_datetime(payment.get("transaction_date")),
        shop_model=text(value, "shop_model"),
        raw=value,
    )


def billing_cycle(value: dict) -> dtos.BillingCycle:
    pay_out = obj(value, "pay_out")
    summary = {k: m for k, v in obj(value, "summary").items() if (m := money(v)) is not None}
    return dtos.BillingCycle(
        id=required_text(value, "id"),
        date_created=parse_datetime(value.get("date_created")),
        currency_iso_code=text(value, "currency_iso_code"),
        amount_transferred_to_seller=money(value.get("amount_transferred_to_seller")),
        amount_transferred_to_operator=money(value.get("amount_transferred_to_operator")),
        pay_out_state=text(pay_out, "state"),
        pay_out_reference=text(pay_out, "reference"),
        pay_out_transaction_date=parse_datetime(pay_out.get("transaction_date")),
        payment_voucher_number=text(value, "payment_voucher_number"),
        summary=summary,
        raw=value,
    )


# --- returns ----------------------------------------------------------------------------


def return_(value: dict) -> dtos.Return:
    tracking = obj(value, "tracking")
    lines = tuple(
        dtos.ReturnLine(
            order_line_id=required_text(line, "order_line_id"),
            quantity=integer(line.get("quantity")) or 0,
            reason_code=text(line, "reason_code"),
        )
        for line in objects(value, "return_lines")
    )
    return dtos.Return(
        id=required_text(value, "id"),
        order_id=text(value, "order_id"),
        order_commercial_id=text(value, "order_commercial_id"),
        state=required_text(value, "state"),
        date_created=parse_datetime(value.get("date_created")),
        last_updated=parse_datetime(value.get("last_updated")),
        lines=lines,
        rma=text(value, "rma"),
        reason_code=text(value, "reason_code"),
        rejection_reason_code=text(value, "rejection_reason_code"),
        method_code=text(value, "method_code"),
        tracking_carrier_code=text(tracking, "carrier_code"),
        tracking_carrier_name=text(tracking, "carrier_name"),
        tracking_number=text(tracking, "tracking_number"),
        tracking_url=text(tracking, "tracking_url"),
        raw=value,
    )


def returns_result(value: dict) -> dtos.ReturnsResult:
    return dtos.ReturnsResult(
        success_ids=tuple(text(s, "id") for s in objects(value, "return_success")),
        errors=tuple((text(e, "id"), text(e, "message")) for e in objects(value, "return_errors")),
    )
