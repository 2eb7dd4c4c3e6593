"""JSON shapes of the shop (A01), the platform (PC01), money (TL02, SBC11, IV01) and returns."""

from __future__ import annotations

from decimal import Decimal

from connectors.mirakl.sandbox import catalog
from connectors.mirakl.sandbox.models import (
    SandboxBillingCycle,
    SandboxReturn,
    SandboxShop,
    SandboxTransaction,
)
from connectors.mirakl.sandbox.serializers import iso
from connectors.mirakl.sandbox.services.finance import balances, fee_entities

SHOP_ADDRESS = {
    "street1": "171 Victoria Street",
    "city": "London",
    "zip_code": "SW1E 5NN",
    "country": "GBR",
}


def _shop_json(shop: SandboxShop) -> dict:
    return {
        "shop_id": shop.shop_id,
        "shop_name": shop.name,
        "shop_model": shop.model,
        "shop_corporate_name": shop.name,
    }


def account_json(shop: SandboxShop) -> dict:
    balance = balances(shop)
    return {
        "shop_id": shop.shop_id,
        "shop_name": shop.name,
        "shop_state": "OPEN",
        "model": shop.model,
        "currency_iso_code": shop.currency,
        "date_created": iso(shop.created_at),
        "last_updated_date": iso(shop.created_at),
        "is_professional": True,
        "premium": False,
        "free_shipping": False,
        "domains": ["PRODUCT"],
        "channels": ["JL-UK"],
        "evaluations_count": 0,
        "offers_count": shop.offers.filter(active=True).count(),
        "orders_count": shop.orders.exclude(customer_debited_date=None).count(),
        "approval_delay": 3600,
        "approval_rate": Decimal("0.98"),
        "payment_method_mandatory": False,
        "payment_details": {
            "pending_balance": balance["PENDING"],
            "payable_balance": balance["PAYABLE"],
            "paid_balance": balance["PAID"],
        },
        "billing_info": {"owner": shop.name, "bank_name": "Sandbox Bank", "iban": None},
        "contact_informations": {
            **SHOP_ADDRESS,
            "civility": "Ms",
            "firstname": "Sam",
            "lastname": "Seller",
            "email": f"seller-{shop.shop_id}@sandbox.invalid",
        },
        "default_billing_information": {
            "id": f"DBI-{shop.shop_id}",
            "default_language": "en",
            "registration_address": {
                "street_1": SHOP_ADDRESS["street1"],
                "city": "London",
                "zip_code": SHOP_ADDRESS["zip_code"],
                "country_iso_code": "GBR",
            },
        },
        "pro_details": {"corporate_name": shop.name},
        "shipping": {"lead_time_to_ship": shop.lead_time_to_ship_days},
        "shipping_country": "GBR",
        "shipping_types": [shipping["code"] for shipping in catalog.SHIPPING_TYPES],
        "shipping_zones": [catalog.SHIPPING_ZONE["code"]],
        "shop_additional_fields": [],
    }


def platform_json(shop: SandboxShop) -> dict:
    off = False
    return {
        "platform_name": "John Lewis Marketplace (sandbox)",
        "tenant_name": "johnlewis-sandbox",
        "timezone": "Europe/London",
        "platform_configuration": {
            "customer_model": {"b2b": off, "b2c": True},
            "enhanced_seller_invoicing": {"enabled": off},
            "platform_model": {
                "marketplace": shop.model == "MARKETPLACE",
                "drop_ship": shop.model == "DROPSHIP",
                "one_creditor": shop.model == "ONE_CREDITOR",
            },
        },
        "modules": {
            "mirakl_catalog_integrator": off,
            "mirakl_catalog_manager": off,
            "mirakl_catalog_transformer": off,
            "mirakl_platform_services": off,
            "offer_management": True,
            "order_management": True,
            "promotions": off,
            "quotes": off,
            "tax_manager": {"activated": off, "tax_provider": {"avalara": off, "vertex": off}},
        },
        "features": _features(shop),
    }


def _features(shop: SandboxShop) -> dict:
    off = False
    return {
        "catalog": {
            "allow_shop_contribution_to_all_channels": off,
            "exclude_invalid_products": off,
            "list_of_multiple_values_separator": "|",
            "product_acceptance_by_channel": off,
            "product_data_validation_by_channel": off,
            "product_import_only_on_leaf": True,
        },
        "circular_economy_data_collection": off,
        "competitive_pricing_tool": off,
        "direct_payment_customer_store": {"activated": off, "refund_cancel_authorized": off},
        "disable_seller_alternative_carrier": shop.disable_seller_alternative_carrier,
        "dropship": {"retail_pricing_edition_enabled": "NO", "retail_pricing_enabled": off},
        "kyc_status_per_seller": off,
        "lead_time_to_ship_by_sellers_enabled": "YES",
        "multi_currency": off,
        "multi_payout_psp_per_seller": off,
        "no_reply_needed": off,
        "offer_prices_decimals": "2",
        "operator_csv_delimiter": "SEMICOLON",
        "order_conditions": {
            "lead_time_to_ship": True,
            "maximum_order_quantity": True,
            "minimum_order_quantity": True,
            "package_order_quantity": off,
        },
        "order_tax_mode": shop.order_tax_mode,
        "order_workflows": {
            "no_customer_payment_confirmation": off,
            "order_acceptance": shop.order_acceptance,
            "pause_debit_workflow": off,
            "pay_on_due_date": off,
            "pay_on_shipment": off,
            "sellers_edit_shipping_origin": off,
            "shipping_and_billing_details_before_acceptance": shop.details_before_acceptance,
        },
        "payment_confirmation": off,
        "pricing": {
            "channel_pricing": "SINGLE",  # PRI01 `channels`: one JL-UK price beside the default
            "discount_period_required": off,
            "discount_price_creation_in_the_past_blocked": off,
            "scheduled_pricing": off,
            "volume_discount": off,
            "volume_pricing": off,
        },
        "product_data_validation_by_channel": off,
        "promotion": {
            "cart_promotion_campaign": off,
            "discount_campaign": off,
            "seller_promotion": off,
        },
        "returns": {"marketplace": shop.returns_enabled, "drop_ship": off, "one_creditor": off},
        "shipment": {"multi_part_item_shipment": off, "multi_shipment": shop.multi_shipment},
        "shop_tax_options": {"tax_identification_number": {"mandatory": off}},
        "tax_collection": {
            "activated": "NO",
            "product_tax_code_mandatory": off,
            "tax_collection_by_operator": off,
        },
        "tax_id_number": {"mandatory": off},
        "warehouses": {"geolocation": off, "restricted_countries": []},
    }


def transaction_json(line: SandboxTransaction) -> dict:
    order, order_line = line.order, line.line
    entities: dict = {"domain": "PRODUCT", "channel": {"code": "JL-UK"}}
    if order is not None:
        entities["order"] = {
            "id": order.order_id,
            "commercial_id": order.commercial_id,
            "creation_date": iso(order.created_at),
            "references": {"order_reference_for_customer": order.commercial_id},
        }
        entities["transaction_info"] = {
            "number": f"TXN-{order.commercial_id}",
            "date": iso(order.customer_debited_date),
        }
    if order_line is not None:
        entities["order_line"] = {"id": order_line.line_id}
    if line.adjustment_id:
        entities["refund"] = {"id": line.adjustment_id}
    if line.tax_rate is not None:
        key = "shop_tax" if line.type.endswith("COMMISSION_VAT") else "order_tax"
        entities[key] = {"code": "VAT", "rate": line.tax_rate}
    entities.update(fee_entities(line))
    cycle = line.billing_cycle
    return {
        "id": line.transaction_id,
        "type": line.type,
        "amount": line.amount,
        "amount_credited": line.amount if line.amount > 0 else Decimal("0"),
        "amount_debited": -line.amount if line.amount < 0 else Decimal("0"),
        "balance": line.balance,
        "currency_iso_code": line.shop.currency,
        "payment_state": line.payment_state,
        "date_created": iso(line.created_at),
        "last_updated": iso(line.updated_at),
        "seller_billing_cycle_id": cycle.cycle_id if cycle else None,
        "accounting_document_number": str(cycle.invoice_id) if cycle else None,
        "accounting_document_creation_date": iso(cycle.created_at) if cycle else None,
        "pay_out_psp_code": "NOT_SPECIFIED",
        "entities": entities,
    }


def cycle_json(cycle: SandboxBillingCycle) -> dict:
    shop = cycle.shop
    return {
        "id": cycle.cycle_id,
        "date_created": iso(cycle.created_at),
        "currency_iso_code": shop.currency,
        "amount_transferred_to_seller": cycle.amount_to_seller,
        "amount_transferred_to_operator": cycle.amount_to_operator,
        "payment_voucher_number": cycle.payment_voucher_number,
        "pay_out_psp_code": "NOT_SPECIFIED",
        "pay_out": {
            "state": cycle.pay_out_state,
            "reference": f"BACS-{cycle.invoice_id}",
            "transaction_date": iso(cycle.created_at),
        },
        "shop": _shop_json(shop),
        "summary": {
            "total_commissions_excl_tax": cycle.commission_excl_tax,
            "total_commissions_incl_tax": cycle.amount_to_operator,
        },
    }


def invoice_json(cycle: SandboxBillingCycle) -> dict:
    """The commission invoice the operator issues when a cycle closes (IV01 AUTO_INVOICE)."""
    shop = cycle.shop
    return {
        "invoice_id": cycle.invoice_id,
        "id": str(cycle.invoice_id),
        "type": "AUTO_INVOICE",
        "state": "COMPLETE",
        "date_created": iso(cycle.created_at),
        "issue_date": iso(cycle.created_at),
        "due_date": iso(cycle.created_at),
        "currency_iso_code": shop.currency,
        **_shop_json(shop),
        "total_amount_excl_taxes": cycle.commission_excl_tax,
        "total_amount_incl_taxes": cycle.amount_to_operator,
        "total_charged_amount": cycle.amount_to_operator,
        "total_taxes": [{"amount": cycle.commission_tax, "code": "VAT"}],
        "details": [
            {
                "description": "Commission",
                "amount_excl_taxes": cycle.commission_excl_tax,
                "quantity": 1,
                "taxes": [{"amount": cycle.commission_tax, "code": "VAT"}],
            }
        ],
        "payment": {
            "state": "PAID",
            "reference": cycle.payment_voucher_number,
            "transaction_date": iso(cycle.created_at),
        },
        "issuing_user": {"type": "BATCH", "information": "Automatic action"},
        "pay_out_psp_code": "NOT_SPECIFIED",
    }


def return_json(item: SandboxReturn) -> dict:
    return {
        "id": item.return_id,
        "order_id": item.order.order_id,
        "order_commercial_id": item.order.commercial_id,
        "rma": item.rma,
        "state": item.state,
        "reason_code": item.reason_code,
        "rejection_reason_code": item.rejection_reason_code or None,
        "method_code": "RETURN_METHOD_BY_MAIL",
        "date_created": iso(item.created_at),
        "last_updated": iso(item.updated_at),
        "return_lines": item.lines,
        "return_address": {
            **{k: SHOP_ADDRESS[k] for k in ("street1", "city", "zip_code")},
            "country_iso_code": "GBR",
        },
        "documents": [],
    }
