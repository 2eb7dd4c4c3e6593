"""A01 account, PC01 platform configuration, SH21 carriers, SH12 shipping types, RE01 reasons."""

from __future__ import annotations

from connectors.mirakl.sandbox import catalog
from connectors.mirakl.sandbox.serializers_account import account_json, platform_json
from connectors.mirakl.sandbox.views.base import api_json, operation


@operation("A01")
def account_get(request, *, shop, now):
    return api_json(account_json(shop))


@operation("PC01")
def platform_configuration_get(request, *, shop, now):
    return api_json(platform_json(shop))


@operation("SH21")
def carriers_list(request, *, shop, now):
    carriers = sorted(catalog.CARRIERS, key=lambda carrier: carrier["label"])
    return api_json({"carriers": carriers})


@operation("SH12")
def shipping_types_list(request, *, shop, now):
    return api_json({"shipping_types": catalog.SHIPPING_TYPES})


@operation("RE01")
def reasons_list(request, *, shop, now):
    reasons = [dict(reason) for reason in catalog.REASONS]
    return api_json({"reasons": reasons, "total_count": len(reasons)})
