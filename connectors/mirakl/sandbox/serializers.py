"""JSON shapes of orders and offers, field for field as the seller OpenAPI spec has them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from connectors.mirakl.sandbox import catalog
from connectors.mirakl.sandbox.models import (
    OrderState,
    SandboxAdjustment,
    SandboxOffer,
    SandboxOrder,
    SandboxOrderLine,
    SandboxShop,
)
from connectors.mirakl.sandbox.services.common import money, vat_part
from connectors.mirakl.sandbox.services.finance import line_fees
from connectors.mirakl.sandbox.services.orders import (
    can_cancel,
    offer_default_price,
    offer_is_active,
    offer_price,
    tracking_url,
)

ADDRESS_VISIBLE = {
    OrderState.SHIPPING,
    OrderState.SHIPPED,
    OrderState.RECEIVED,
    OrderState.CLOSED,
    OrderState.CANCELED,
}


def iso(value: dt.datetime | None) -> str | None:
    """UTC with a trailing Z and milliseconds, as Mirakl prints dates."""
    if value is None:
        return None
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _tax(amount: Decimal, rate: Decimal) -> dict:
    """An order line's tax; its refunds' and cancellations' taxes have no calculation rule."""
    return {**adjustment_tax(amount, rate), "tax_calculation_rule": "PROPORTIONAL_TO_AMOUNT"}


def adjustment_tax(amount: Decimal, rate: Decimal) -> dict:
    return {"amount": vat_part(amount, rate), "code": "VAT", "rate": rate}


def adjustment_json(adjustment: SandboxAdjustment) -> dict:
    rate = adjustment.line.tax_rate
    common = {
        "id": adjustment.adjustment_id,
        "amount": adjustment.amount,
        "shipping_amount": adjustment.shipping_amount,
        "quantity": adjustment.quantity,
        "reason_code": adjustment.reason_code,
        "commission_amount": adjustment.commission_amount,
        "commission_taxes": [{"amount": adjustment.commission_vat, "code": "VAT"}],
        "commission_total_amount": adjustment.commission_amount + adjustment.commission_vat,
        "created_date": iso(adjustment.created_at),
        "taxes": [adjustment_tax(adjustment.amount, rate)],
        "shipping_taxes": [adjustment_tax(adjustment.shipping_amount, rate)],
    }
    if adjustment.kind == SandboxAdjustment.Kind.CANCELATION:
        return common
    return {
        **common,
        "order_refund_id": adjustment.order_refund_id,
        "commission_tax_amount": adjustment.commission_vat,
        "refund_state": adjustment.state,
        "state": adjustment.state,
        "transaction_date": iso(adjustment.created_at),
        "transaction_number": f"RFD-{adjustment.adjustment_id}",
    }


def _line_money(line: SandboxOrderLine) -> dict:
    return {
        "price_unit": line.price_unit,
        "origin_unit_price": line.price_unit,
        "price": line.price,
        "shipping_price": line.shipping_price,
        "shipping_price_unit": line.shipping_price,
        "total_price": line.price + line.shipping_price + sum(a for _c, a in line_fees(line)),
        "commission_fee": line.commission_fee,
        "commission_vat": line.commission_vat,
        "commission_rate_vat": catalog.COMMISSION_VAT_RATE,
        "commission_taxes": [
            {"amount": line.commission_vat, "code": "VAT", "rate": catalog.COMMISSION_VAT_RATE}
        ],
        "total_commission": line.commission_fee + line.commission_vat,
        "taxes": [_tax(line.price, line.tax_rate)],
        "shipping_taxes": [_tax(line.shipping_price, line.tax_rate)],
    }


def line_json(line: SandboxOrderLine) -> dict:
    adjustments = list(line.adjustments.all())
    refunded = sum((a.amount + a.shipping_amount for a in adjustments), Decimal(0))
    return {
        "order_line_id": line.line_id,
        "order_line_index": line.index,
        "order_line_state": line.state,
        "order_line_state_reason_code": line.state_reason_code or None,
        "order_line_state_reason_label": None,
        "offer_id": line.offer_id or 0,
        "offer_sku": line.offer_sku,
        "offer_state_code": "11",
        "product_sku": line.product_sku,
        "product_shop_sku": line.offer_sku,
        "product_title": line.product_title,
        "product_medias": [],
        "category_code": line.category_code,
        "category_label": line.category_code.replace("-", " ").title(),
        "description": line.product_title,
        "quantity": line.quantity,
        **_line_money(line),
        "can_refund": line.state in (OrderState.SHIPPED, OrderState.RECEIVED)
        and refunded < line.price + line.shipping_price,
        "cancelations": [adjustment_json(a) for a in adjustments if a.kind == "CANCELATION"],
        "refunds": [adjustment_json(a) for a in adjustments if a.kind == "REFUND"],
        "fees": [{"code": code, "amount": amount} for code, amount in line_fees(line)],
        "order_line_additional_fields": [],
        "created_date": iso(line.created_at),
        "last_updated_date": iso(line.updated_at),
        "debited_date": iso(line.debited_date),
        "shipped_date": iso(line.shipped_date),
        "received_date": iso(line.received_date),
    }


def _customer_json(order: SandboxOrder) -> dict:
    customer = dict(order.customer)
    visible = order.state in ADDRESS_VISIBLE or (
        order.shop.details_before_acceptance and order.state != OrderState.STAGING
    )
    if not visible:
        customer.update(billing_address=None, shipping_address=None)
    return customer


def _totals(lines: list[dict]) -> dict:
    keys = ("price", "shipping_price", "total_price", "total_commission")
    return {key: sum((line[key] for line in lines), Decimal(0)) for key in keys}


def _fully_refunded(lines: list[dict]) -> bool:
    refunded = sum((r["amount"] + r["shipping_amount"] for x in lines for r in x["refunds"]), 0)
    return bool(refunded) and refunded >= sum(x["total_price"] for x in lines)


def _shipping_json(order: SandboxOrder) -> dict:
    shipping_type = catalog.SHIPPING_TYPES_BY_CODE.get(order.shipping_type_code, {})
    return {
        "shipping_type_code": order.shipping_type_code,
        "shipping_type_label": shipping_type.get("label", order.shipping_type_code),
        "shipping_type_standard_code": shipping_type.get("standard_code"),
        "shipping_zone_code": catalog.SHIPPING_ZONE["code"],
        "shipping_zone_label": catalog.SHIPPING_ZONE["label"],
        "shipping_carrier_code": order.carrier_code or None,
        "shipping_carrier_standard_code": order.carrier_standard_code or None,
        "shipping_company": order.carrier_name or None,
        "shipping_tracking": order.tracking_number or None,
        "shipping_tracking_url": tracking_url(order) if order.tracking_number else None,
        "shipping_deadline": iso(order.shipping_deadline),
        "shipping_pudo_id": None,
    }


def order_json(order: SandboxOrder) -> dict:
    lines = [line_json(line) for line in order.lines.all()]
    return {
        "order_id": order.order_id,
        "commercial_id": order.commercial_id,
        "order_state": order.state,
        "order_state_reason_code": order.state_reason_code or None,
        "order_state_reason_label": None,
        "created_date": iso(order.created_at),
        "last_updated_date": iso(order.updated_at),
        "acceptance_decision_date": iso(order.acceptance_decision_date),
        "customer_debited_date": iso(order.customer_debited_date),
        "leadtime_to_ship": order.leadtime_to_ship,
        "currency_iso_code": order.shop.currency,
        **_totals(lines),
        "order_tax_mode": order.shop.order_tax_mode,
        "payment_workflow": "PAY_ON_ACCEPTANCE",
        "paymentType": "CREDIT_CARD",
        "payment_type": "CREDIT_CARD",
        "can_cancel": can_cancel(order),
        "can_shop_ship": order.state == OrderState.SHIPPING,
        "has_customer_message": False,
        "has_incident": False,
        "has_invoice": False,
        "fully_refunded": _fully_refunded(lines),
        "channel": {"code": "JL-UK", "label": "johnlewis.com"},
        "customer": _customer_json(order),
        "customer_notification_email": f"{order.commercial_id}@notify.sandbox.johnlewis.invalid",
        "fulfillment": {"center": {"code": "DEFAULT"}},
        "references": {
            "order_reference_for_customer": order.commercial_id,
            "order_reference_for_seller": None,
        },
        **_shipping_json(order),
        "order_additional_fields": [],
        "order_lines": lines,
        "transaction_number": f"TXN-{order.commercial_id}" if order.customer_debited_date else None,
        "transaction_date": iso(order.customer_debited_date),
    }


def _price_json(entry: dict) -> dict:
    """An OF21 ``all_prices`` entry; a channel price carries its ``context``."""
    price = money(entry["price"])
    discount = money(entry["discount_price"]) if entry.get("discount_price") else None
    current = discount if discount is not None else price
    channels = entry.get("channel_codes")
    return {
        **({"context": {"channel_codes": channels}} if channels else {}),
        "price": current,
        "unit_origin_price": price,
        "unit_discount_price": discount,
        "discount_start_date": entry.get("discount_start_date"),
        "discount_end_date": entry.get("discount_end_date"),
        "volume_prices": [
            {
                "price": current,
                "quantity_threshold": 1,
                "unit_discount_price": current,
                "unit_origin_price": price,
            }
        ],
    }


def offer_json(offer: SandboxOffer, currency: str, now: dt.datetime) -> dict:
    default = offer_default_price(offer)
    price = offer_price(offer) if default is not None else None
    return {
        "offer_id": offer.pk,
        "shop_sku": offer.shop_sku,
        "product_sku": offer.product_sku,
        "product_title": offer.product_title,
        "product_references": [
            {"reference": offer.ean or offer.product_sku, "reference_type": "EAN"}
        ],
        "category_code": offer.category_code,
        "category_label": offer.category_code.replace("-", " ").title(),
        "description": offer.product_title,
        "state_code": offer.state_code,
        "active": offer_is_active(offer),
        "quantity": offer.quantity,
        "price": price,
        "total_price": price + Decimal("3.95") if price is not None else None,
        "all_prices": [_price_json(entry) for entry in offer.prices],
        "applicable_pricing": _price_json(default) if default is not None else None,
        "currency_iso_code": currency,
        "channels": ["JL-UK"],
        "fulfillment": {"center": {"code": "DEFAULT"}},
        "leadtime_to_ship": 2,
        "logistic_class": {"code": "STANDARD", "label": "Standard parcel"},
        "max_order_quantity": 10,
        "min_order_quantity": 1,
        "min_quantity_alert": 2,
        "package_quantity": 1,
        "min_shipping_price": Decimal("3.95"),
        "min_shipping_price_additional": Decimal("0.00"),
        "min_shipping_type": "STD",
        "min_shipping_zone": "UK",
        "shipping_deadline": iso(now + dt.timedelta(days=2)),
    }


def export_price_json(entry: dict) -> dict:
    """An OF54 ``prices[]`` entry: no ``context`` for the default price, channels otherwise."""
    origin = money(entry["price"])
    discount = money(entry["discount_price"]) if entry.get("discount_price") else None
    volume: dict = {"quantity_threshold": 1, "unit_origin_price": origin}
    out: dict = {"origin_price": origin}
    if entry.get("channel_codes"):
        out["context"] = {"channel_codes": entry["channel_codes"]}
    if discount is not None:
        volume["unit_discount_price"] = discount
        out["discount_price"] = discount
        for key in ("discount_start_date", "discount_end_date"):
            if entry.get(key):
                out[key] = entry[key]
    return {**out, "volume_prices": [volume]}


def export_offer_json(offer: SandboxOffer, shop: SandboxShop) -> dict:
    """One offer of an OF54 JSON chunk, with the spec's export fields only (no ``price``)."""
    return {
        "offer_id": offer.pk,
        "shop_sku": offer.shop_sku,
        "product_sku": offer.product_sku,
        "quantity": offer.quantity,
        "prices": [export_price_json(entry) for entry in offer.prices],
        "state_code": offer.state_code,
        "active": offer_is_active(offer),
        "deleted": False,
        "currency_iso_code": shop.currency,
        "channels": ["JL-UK"],
        "shop_id": shop.shop_id,
        "shop_name": shop.name,
        "last_updated": iso(offer.last_updated),
        "leadtime_to_ship": shop.lead_time_to_ship_days,
    }
