"""Turn Mirakl response objects into the DTOs of :mod:`connectors.mirakl.dtos`.

Tolerant by design (Mirakl's compatibility rules): unknown fields are ignored, unknown enum
values are kept as strings, optional fields may be missing or null. A field the hub cannot do
without (an id, an amount) that is missing or malformed raises :class:`ParseFailure` naming
the object; :func:`parse_each` turns those into one :class:`ParseErrors` raised after every
good object of the page has been handed over, so one bad order never hides the others.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from connectors.base import PermanentError
from connectors.mirakl import contract, dtos

T = TypeVar("T")


class ParseFailure(ValueError):
    """One object could not be read; carries no data beyond the field that failed."""


class ParseErrors(PermanentError):
    """Some objects of a listing could not be parsed; every other object was yielded first.

    ``failures`` is a list of ``(object id, reason, raw dict)``; ``ids`` the object ids.
    """

    def __init__(self, kind: str, failures: list[tuple[str, str, dict]]) -> None:
        reasons = "; ".join(f"{i}: {why}" for i, why, _ in failures[:5])
        super().__init__(f"Mirakl {kind}: could not read {len(failures)} object(s): {reasons}")
        self.failures = failures
        self.ids = [f[0] for f in failures]


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


# --- DTOs read by field name ------------------------------------------------------------

# How a DTO field is read from the key of its name, by its annotated type. Absent, a text is
# "", a flag False, a number 0 unless the type allows None; a datetime that may not be None is
# required. A field named in ``required`` uses _REQUIRED instead.
_READERS: dict[Any, Callable[[dict, str], Any]] = {
    str: text,
    bool: flag,
    int: lambda o, key: integer(o.get(key)) or 0,
    int | None: lambda o, key: integer(o.get(key)),
    Decimal: money_or_zero,
    Decimal | None: lambda o, key: money(o.get(key)),
    dt.datetime: required_datetime,
    dt.datetime | None: lambda o, key: parse_datetime(o.get(key)),
}
_REQUIRED: dict[Any, Callable[[dict, str], Any]] = {str: required_text, Decimal: required_money}


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _read(cls: type[T], value: dict, *, required: tuple[str, ...] = (), **given: Any) -> T:
    """``cls`` from ``value``: DTO fields are named after Mirakl's keys, so every field not
    ``given`` is read from its own key by its type (:data:`_READERS`); ``raw`` is ``value``."""
    fields = dict(given)
    for name, kind in _field_types(cls).items():
        if name == "raw":
            fields[name] = value
        elif name not in given:
            fields[name] = (_REQUIRED if name in required else _READERS)[kind](value, name)
    return cls(**fields)


def taxes(parent: dict, key: str) -> tuple[dtos.Tax, ...]:
    return tuple(
        _read(dtos.Tax, t, amount=money(t.get("amount", t.get("total_amount"))) or dtos.ZERO)
        for t in objects(parent, key)
    )


# --- orders -----------------------------------------------------------------------------


def address(value: Any) -> dtos.AddressDTO | None:
    return _read(dtos.AddressDTO, value) if isinstance(value, dict) else None


def customer(value: dict) -> dtos.CustomerDTO:
    return _read(
        dtos.CustomerDTO,
        value,
        billing_address=address(value.get("billing_address")),
        shipping_address=address(value.get("shipping_address")),
    )


def refund(value: dict) -> dtos.RefundDTO:
    return _read(
        dtos.RefundDTO,
        value,
        required=("id",),
        refund_state=text(value, "refund_state") or text(value, "state"),
        taxes=taxes(value, "taxes"),
        shipping_taxes=taxes(value, "shipping_taxes"),
    )


def cancelation(value: dict) -> dtos.CancelationDTO:
    return _read(dtos.CancelationDTO, value, required=("id",))


def order_line(value: dict) -> dtos.OrderLineDTO:
    return _read(
        dtos.OrderLineDTO,
        value,
        required=("order_line_id", "offer_sku", "price_unit", "price", "total_price"),
        taxes=taxes(value, "taxes"),
        shipping_taxes=taxes(value, "shipping_taxes"),
        commission_taxes=taxes(value, "commission_taxes"),
        refunds=tuple(refund(r) for r in objects(value, "refunds")),
        cancelations=tuple(cancelation(c) for c in objects(value, "cancelations")),
    )


def order(value: dict) -> dtos.OrderDTO:
    delivery = obj(value, "delivery_date")
    references = obj(value, "references")
    return _read(
        dtos.OrderDTO,
        value,
        required=("order_id", "commercial_id", "order_state", "price", "total_price"),
        delivery_date_earliest=parse_datetime(delivery.get("earliest")),
        delivery_date_latest=parse_datetime(delivery.get("latest")),
        order_taxes=taxes(value, "order_taxes"),
        payment_type=text(value, "payment_type") or text(value, "paymentType"),
        channel_code=text(obj(value, "channel"), "code"),
        order_reference_for_customer=text(references, "order_reference_for_customer"),
        order_reference_for_seller=text(references, "order_reference_for_seller"),
        customer=customer(obj(value, "customer")),
        lines=tuple(order_line(line) for line in objects(value, "order_lines")),
    )


def refund_created(value: dict) -> dtos.RefundCreated:
    return _read(dtos.RefundCreated, value, required=("refund_id",))


def cancelation_created(value: dict) -> dtos.CancelationCreated:
    return _read(dtos.CancelationCreated, value, required=("cancelation_id",))


# --- configuration ----------------------------------------------------------------------


def account(value: dict) -> dtos.Account:
    payment = obj(value, "payment_details")
    return _read(
        dtos.Account,
        value,
        lead_time_to_ship=integer(obj(value, "shipping").get("lead_time_to_ship")),
        pending_balance=money(payment.get("pending_balance")),
        payable_balance=money(payment.get("payable_balance")),
        paid_balance=money(payment.get("paid_balance")),
    )


def platform_configuration(value: dict) -> dtos.PlatformConfiguration:
    features = obj(value, "features")
    workflows = obj(features, "order_workflows")
    models = obj(obj(value, "platform_configuration"), "platform_model")
    return _read(
        dtos.PlatformConfiguration,
        value,
        order_acceptance=text(workflows, "order_acceptance"),
        multi_shipment=flag(obj(features, "shipment"), "multi_shipment"),
        returns={k: bool(v) for k, v in obj(features, "returns").items()},
        order_tax_mode=text(features, "order_tax_mode"),
        disable_seller_alternative_carrier=flag(features, "disable_seller_alternative_carrier"),
        shipping_and_billing_details_before_acceptance=flag(
            workflows, "shipping_and_billing_details_before_acceptance"
        ),
        platform_models={k: bool(v) for k, v in models.items()},
        dropship_retail_pricing=flag(obj(features, "dropship"), "retail_pricing_enabled"),
    )


def carrier(value: dict) -> dtos.Carrier:
    return _read(dtos.Carrier, value, required=("code",))


def shipping_type(value: dict) -> dtos.ShippingType:
    return _read(dtos.ShippingType, value, required=("code",))


def reason(value: dict) -> dtos.Reason:
    return _read(dtos.Reason, value, required=("code",))


# --- offers -----------------------------------------------------------------------------


def import_status(value: dict) -> dtos.ImportStatus:
    return _read(dtos.ImportStatus, value, required=("import_id", "status"))


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
    return _read(
        dtos.Offer,
        value,
        required=("shop_sku",),
        price=price,
        origin_price=origin,
        discount_price=discount,
        active=value.get("active") if isinstance(value.get("active"), bool) else None,
        warehouses=tuple(
            (text(w, "code"), integer(w.get("quantity")) or 0) for w in objects(value, "warehouses")
        ),
    )


def _in_window(start: dt.datetime | None, end: dt.datetime | None) -> bool:
    now = dt.datetime.now(dt.UTC)
    return (start is None or start <= now) and (end is None or now < end)


def offer_export_status(value: dict) -> dtos.OfferExportStatus:
    error = obj(value, "error")
    urls = value.get("urls") if isinstance(value.get("urls"), list) else []
    return _read(
        dtos.OfferExportStatus,
        value,
        required=("status",),
        urls=tuple(str(u) for u in urls),
        error_code=text(error, "code"),
        error_detail=text(error, "detail"),
    )


# --- finance ----------------------------------------------------------------------------


def transaction_line(value: dict) -> dtos.TransactionLine:
    entities = obj(value, "entities")
    order_entity = obj(entities, "order")
    info = obj(entities, "transaction_info")
    return _read(
        dtos.TransactionLine,
        value,
        required=("id", "type", "amount"),
        order_id=text(order_entity, "id"),
        order_commercial_id=text(order_entity, "commercial_id"),
        order_line_id=text(obj(entities, "order_line"), "id"),
        refund_id=text(obj(entities, "refund"), "id"),
        shipment_id=text(obj(entities, "shipment"), "id"),
        transaction_number=text(info, "number"),
        transaction_date=parse_datetime(info.get("date")),
    )


def invoice(value: dict) -> dtos.Invoice:
    payment = obj(value, "payment")
    return _read(
        dtos.Invoice,
        value,
        id=text(value, "id") or required_text(value, "invoice_id"),
        total_taxes=taxes(value, "total_taxes"),
        payment_state=text(payment, "state"),
        payment_reference=text(payment, "reference"),
        payment_transaction_date=parse_datetime(payment.get("transaction_date")),
    )


def billing_cycle(value: dict) -> dtos.BillingCycle:
    pay_out = obj(value, "pay_out")
    summary = {k: m for k, v in obj(value, "summary").items() if (m := money(v)) is not None}
    return _read(
        dtos.BillingCycle,
        value,
        required=("id",),
        pay_out_state=text(pay_out, "state"),
        pay_out_reference=text(pay_out, "reference"),
        pay_out_transaction_date=parse_datetime(pay_out.get("transaction_date")),
        summary=summary,
    )


# --- returns ----------------------------------------------------------------------------


def return_(value: dict) -> dtos.Return:
    tracking = obj(value, "tracking")
    lines = tuple(
        _read(dtos.ReturnLine, line, required=("order_line_id",))
        for line in objects(value, "return_lines")
    )
    return _read(
        dtos.Return,
        value,
        required=("id", "state"),
        lines=lines,
        tracking_carrier_code=text(tracking, "carrier_code"),
        tracking_carrier_name=text(tracking, "carrier_name"),
        tracking_number=text(tracking, "tracking_number"),
        tracking_url=text(tracking, "tracking_url"),
    )


def returns_result(value: dict) -> dtos.ReturnsResult:
    return dtos.ReturnsResult(
        success_ids=tuple(text(s, "id") for s in objects(value, "return_success")),
        errors=tuple((text(e, "id"), text(e, "message")) for e in objects(value, "return_errors")),
    )


# --- catalogue --------------------------------------------------------------------------


def label(value: dict) -> str:
    """``label``, else the English (then the first) of ``label_translations``."""
    if text(value, "label"):
        return text(value, "label")
    translations = objects(value, "label_translations")
    english = [t for t in translations if text(t, "locale").lower().startswith("en")]
    return next((text(t, "value") for t in english + translations if text(t, "value")), "")


def hierarchy(value: dict) -> dtos.Hierarchy:
    return _read(dtos.Hierarchy, value, required=("code",), label=label(value))


def product_attribute(value: dict) -> dtos.ProductAttribute:
    """A PM11 attribute. The value list code of a LIST attribute is read from
    ``type_parameter`` (the spec's pointer), then the ``LIST_CODE`` entry of
    ``type_parameters``, then the deprecated ``values_list``."""
    parameters = {
        text(p, "name"): text(p, "value")
        for p in objects(value, "type_parameters")
        if p.get("name")
    }
    return _read(
        dtos.ProductAttribute,
        value,
        required=("code",),
        label=label(value),
        requirement_level=_requirement_level(value),
        values_list=_values_list(value, parameters),
        roles=tuple(text(r, "type") for r in objects(value, "roles") if text(r, "type")),
        type_parameters=parameters,
        validations=validations(text(value, "validations")),
    )


def _requirement_level(value: dict) -> str:
    level = text(value, "requirement_level")
    if level:
        return level
    return "REQUIRED" if value.get("required") is True else "OPTIONAL"


def _values_list(value: dict, parameters: dict[str, str]) -> str:
    if text(value, "type") in contract.VALUE_LIST_TYPES:
        found = text(value, "type_parameter") or parameters.get(contract.TYPE_PARAMETER_LIST_CODE)
        if found:
            return found
    return text(value, "values_list")


def validations(value: str) -> dict[str, str]:
    """``"MIN_LENGTH|10,MAX_LENGTH|150"`` -> ``{"MIN_LENGTH": "10", "MAX_LENGTH": "150"}``; a
    validation without a value maps to ""."""
    found: dict[str, str] = {}
    for item in value.split(contract.VALIDATIONS_SEPARATOR):
        name, _, setting = item.partition(contract.VALIDATION_VALUE_SEPARATOR)
        if name.strip():
            found[name.strip()] = setting.strip()
    return found


def value_list(value: dict) -> dtos.ValueList:
    items = tuple(
        dtos.ValueListItem(code=required_text(item, "code"), label=label(item))
        for item in objects(value, "values")
    )
    return dtos.ValueList(code=required_text(value, "code"), label=label(value), values=items)


def product_import_status(value: dict) -> dtos.ProductImportStatus:
    status = text(value, "import_status") or required_text(value, "status")
    return _read(dtos.ProductImportStatus, value, required=("import_id",), status=status)


def offer_import_status(value: dict) -> dtos.OfferImportStatus:
    return _read(dtos.OfferImportStatus, value, required=("import_id", "status"))
