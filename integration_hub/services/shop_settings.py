"""The marketplace shop's model and platform settings: read (A01 + PC01), stored, obeyed.

A01 (shop id, name, state, currency, ``model``) may be called once a day; PC01 (order
acceptance, multi-shipment, tax mode) publishes no limit. Both are read on "test connection"
and by the orders pass once a day; a test within A01's day reuses the stored A01 answer.
Partial acceptance is not in PC01: the hub learns it when OR21 answers
``ORDER_PARTIAL_ACCEPTANCE_DISABLED`` (see :func:`shop_partial_acceptance_disabled`).
"""

from __future__ import annotations

import datetime as dt

from connectors.mirakl import dtos
from connectors.mirakl.limiter import DAY, CallDeferred
from integration_hub.clients import LIMIT_MARGIN_SECONDS
from integration_hub.models import Integration, MarketplaceShop, PartialAcceptance, ShopModel

# A01's window as the hub's limiter holds it (the spec's day plus the slot margin), so
# "next live check" is never too early.
ACCOUNT_EVERY = dt.timedelta(seconds=DAY + LIMIT_MARGIN_SECONDS)
PLATFORM_EVERY = dt.timedelta(days=1)


def shop_settings_get(integration: Integration) -> MarketplaceShop | None:
    """The stored shop settings, or None before the first A01/PC01 answer."""
    return MarketplaceShop.objects.filter(integration=integration).first()


def shop_account_next_at(shop: MarketplaceShop | None) -> dt.datetime | None:
    """When A01 may be called again (None: now)."""
    if shop is None or shop.account_fetched_at is None:
        return None
    return shop.account_fetched_at + ACCOUNT_EVERY


def shop_account_due(shop: MarketplaceShop | None, *, now: dt.datetime) -> bool:
    next_at = shop_account_next_at(shop)
    return next_at is None or next_at <= now


def shop_settings_due(integration: Integration, *, now: dt.datetime) -> bool:
    """True when A01 or PC01 was not read in the last day."""
    shop = shop_settings_get(integration)
    if shop_account_due(shop, now=now):
        return True
    return shop.platform_fetched_at is None or shop.platform_fetched_at <= now - PLATFORM_EVERY


def shop_settings_store(
    integration: Integration,
    *,
    now: dt.datetime,
    account: dtos.Account | None = None,
    config: dtos.PlatformConfiguration | None = None,
) -> MarketplaceShop:
    """Save what A01 and/or PC01 answered; a part not given keeps its stored values."""
    shop, _ = MarketplaceShop.objects.get_or_create(integration=integration)
    if account is not None:
        shop.shop_id = str(account.shop_id or "")
        shop.shop_name = account.shop_name[:200]
        shop.shop_state = account.shop_state[:20]
        shop.currency_iso_code = account.currency_iso_code[:3]
        shop.model = account.model[:20]
        shop.account_fetched_at = now
    if config is not None:
        shop.order_acceptance = config.order_acceptance[:20]
        shop.multi_shipment = config.multi_shipment
        shop.order_tax_mode = config.order_tax_mode[:20]
        shop.shipping_and_billing_details_before_acceptance = (
            config.shipping_and_billing_details_before_acceptance
        )
        shop.dropship_retail_pricing = config.dropship_retail_pricing
        shop.platform_fetched_at = now
    shop.save()
    return shop


def shop_settings_refresh(integration: Integration, client, *, now: dt.datetime) -> dict[str, int]:
    """The daily read: A01 when its day is over (a spent budget skips it), then PC01."""
    counts: dict[str, int] = {}
    if shop_account_due(shop_settings_get(integration), now=now):
        try:
            account = client.account_get()
        except CallDeferred:
            counts["shop_account_deferred"] = 1
        else:  # stored at once: A01 cannot be asked again today if PC01 fails next
            shop_settings_store(integration, now=now, account=account)
            counts["shop_account_read"] = 1
    config = client.platform_configuration_get()
    shop_settings_store(integration, now=now, config=config)
    counts["shop_platform_read"] = 1
    return counts


def shop_partial_acceptance_disabled(integration: Integration) -> bool:
    """True once the marketplace said this shop takes no partial OR21 decision."""
    return MarketplaceShop.objects.filter(
        integration=integration, partial_acceptance=PartialAcceptance.DISABLED
    ).exists()


def shop_partial_acceptance_learn(integration: Integration) -> None:
    """OR21 answered ORDER_PARTIAL_ACCEPTANCE_DISABLED: remember it for every later order."""
    shop, _ = MarketplaceShop.objects.get_or_create(integration=integration)
    if shop.partial_acceptance != PartialAcceptance.DISABLED:
        shop.partial_acceptance = PartialAcceptance.DISABLED
        shop.save(update_fields=["partial_acceptance"])


def shop_is_dropship(integration: Integration) -> bool:
    """A01 said DROPSHIP: PRI01's ``price`` is then the purchase (wholesale) price."""
    return MarketplaceShop.objects.filter(
        integration=integration, model=ShopModel.DROPSHIP
    ).exists()
