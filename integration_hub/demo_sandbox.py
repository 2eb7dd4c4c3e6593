"""The sandbox demo's moving parts (HUB_SANDBOX=1 only): seeding every simulator, and a tick
that plays the customer, the payment provider and the warehouse so the loop runs by itself.

Each tick lists a marketplace offer for every source SKU (retrying stock that was rejected
before the offer existed), places a marketplace order, debits accepted ones and dispatches
orders that reached the source: most with mapped carriers, every fourth with "Pigeon Post",
which is never mapped, so the unmapped-carrier exception shows up as it would in real life.
"""

from __future__ import annotations

import random

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from integration_hub.models import (
    CarrierMapping,
    HubStatus,
    Integration,
    MarketplaceCarrier,
    Order,
    Product,
)

MIRAKL_KEY = "sandbox-mirakl-key"
DEMO_CARRIERS = [("Royal Mail", "Tracked 48", "RM"), ("DPD", "", "DPD"), ("Evri", "", "EVRI")]
UNMAPPED_CARRIER = "Pigeon Post"
MAX_OPEN_ORDERS = 300
DEMO_PAYOUT_SECONDS = 30 * 60  # the marketplace pays what shipped every half hour in the demo


def _shopify_seed():
    from connectors.shopify.sandbox import services

    shop = services.shop_setup(restore_rate=100.0)  # Shopify's standard GraphQL restore rate
    if not shop.locations.filter(levels__isnull=False).exists():
        services.catalogue_seed(shop=shop, count=12, stock=40)
    return {"access_token": shop.access_token, "webhook_secret": shop.webhook_secret}, {}


def _magento_seed():
    from connectors.magento.sandbox import services

    services.catalogue_seed(products=12)
    return {"access_token": services.DEFAULT_TOKEN}, {}


def _fulfil_seed():
    from connectors.fulfil.sandbox import services

    setup = services.catalogue_seed(products=12, stock=40)
    options = {**setup.options(), "shipping_product_id": str(services.shipping_product_get().pk)}
    return {"api_key": setup.api_key, "webhook_secret": setup.webhook_secret}, options


def _scayle_seed():
    from connectors.scayle.sandbox import services

    services.catalogue_seed(products=6)
    options = {
        "shop_key": services.DEFAULT_SHOP,
        "country_code": services.DEFAULT_COUNTRY,
        "channel_key": services.DEFAULT_CHANNEL,
    }
    return {"access_token": services.DEFAULT_TOKEN}, options


def _seko_seed():
    from connectors.seko.sandbox import services

    services.catalogue_seed(products=12)
    return {"api_key": services.DEFAULT_KEY, "push_secret": services.DEFAULT_PUSH_SECRET}, {
        "dc_code": services.DEFAULT_DC
    }


def _shopify_ship(reference, carrier, service, tracking):
    from connectors.shopify.sandbox import services

    services.fulfillment_create(
        shop=services.shop_get(),
        order_reference=reference,
        company=carrier,
        number=tracking,
        service=service,
    )


def _magento_ship(reference, carrier, service, tracking):
    from connectors.magento.sandbox import services

    services.order_ship(
        order=services.order_lookup(reference),
        carrier_title=carrier,
        carrier_code="custom",
        track_number=tracking,
    )


def _fulfil_ship(reference, carrier, service, tracking):
    from connectors.fulfil.sandbox import services

    services.shipment_dispatch(
        reference, carrier=carrier, service=service, tracking_number=tracking
    )


def _scayle_ship(reference, carrier, service, tracking):
    from connectors.scayle.sandbox import services

    services.order_ship(
        order=services.order_lookup(f"key={reference}"),
        carrier_key=carrier,
        tracking_id=tracking,
        service=service,
    )


def _seko_ship(reference, carrier, service, tracking):
    from connectors.seko.sandbox import services

    services.order_dispatch(
        order=services.order_lookup(reference),
        courier=carrier,
        tracking_number=tracking,
        courier_service=service,
    )


def _shopify_stock(sku, quantity):
    from connectors.shopify.sandbox import services

    services.stock_set(shop=services.shop_get(), sku=sku, available=quantity, location="Warehouse")


def _magento_stock(sku, quantity):
    from connectors.magento.sandbox import services

    services.stock_set(sku=sku, quantity=quantity)


def _fulfil_stock(sku, quantity):
    from connectors.fulfil.sandbox import services

    services.stock_set(sku, quantity)


def _scayle_stock(sku, quantity):
    from connectors.scayle.sandbox import services

    services.stock_set(sku=sku, quantity=quantity)


def _seko_stock(sku, quantity):
    from connectors.seko.sandbox import services

    services.stock_set(product_code=sku, quantity=quantity)


# Where each sandbox's API lives below /sandbox/<kind> (the connector's base URL).
SOURCE_PATHS = {"scayle": "/api/admin/v1"}

# kind -> (seed the catalogue, ship an order, set a SKU's stock) in that sandbox
SOURCES = {
    "shopify": (_shopify_seed, _shopify_ship, _shopify_stock),
    "magento": (_magento_seed, _magento_ship, _magento_stock),
    "fulfil": (_fulfil_seed, _fulfil_ship, _fulfil_stock),
    "scayle": (_scayle_seed, _scayle_ship, _scayle_stock),
    "seko": (_seko_seed, _seko_ship, _seko_stock),
}


def demo_offers_ensure(shop, skus: list[str]) -> int:
    """The marketplace sandbox lists an offer, on a product of its own, for every SKU given:
    what a brand that sold on John Lewis before the hub would have."""
    from connectors.mirakl.sandbox.models import SandboxOffer, SandboxProduct
    from connectors.mirakl.sandbox.services.common import now_for

    existing = set(SandboxOffer.objects.filter(shop=shop).values_list("shop_sku", flat=True))
    missing = [sku for sku in skus if sku not in existing]
    now = now_for()
    SandboxProduct.objects.bulk_create(
        [
            SandboxProduct(
                shop=shop,
                shop_sku=sku,
                product_sku=f"P-{sku}",
                category_code="",
                title=sku,
                import_id=0,
                created_at=now,
                updated_at=now,
            )
            for sku in missing
        ],
        ignore_conflicts=True,
    )
    SandboxOffer.objects.bulk_create(
        SandboxOffer(
            shop=shop, shop_sku=sku, product_sku=f"P-{sku}", product_title=sku, last_updated=now
        )
        for sku in missing
    )
    return len(missing)


def demo_sandboxes_seed(source_kind: str) -> tuple[str, dict, dict]:
    """Seed the Mirakl sandbox and the source's; returns (marketplace key, credentials, options)."""
    if not settings.HUB_SANDBOX:
        raise ImproperlyConfigured("the demo needs HUB_SANDBOX=1")
    from connectors.mirakl.sandbox.services import shops

    shops.shop_get_or_create(api_key=MIRAKL_KEY, acceptance_window_hours=24)
    credentials, options = SOURCES[source_kind][0]()
    return MIRAKL_KEY, credentials, options


def demo_carriers_map(integration: Integration) -> int:
    """Map the demo's carriers once the marketplace's approved list has been fetched."""
    created = 0
    for source_carrier, _service, code in DEMO_CARRIERS:
        carrier = MarketplaceCarrier.objects.filter(integration=integration, code=code).first()
        if (
            carrier
            and not CarrierMapping.objects.filter(
                integration=integration, source_carrier_key=source_carrier.casefold()
            ).exists()
        ):
            CarrierMapping.objects.create(
                integration=integration, source_carrier=source_carrier, carrier=carrier
            )
            created += 1
    return created


def demo_rejected_stock_retry(integration: Integration) -> int:
    """Stock pushed before the offer existed was rejected; once it exists, do what ops would
    do: press retry on those exceptions."""
    from connectors.mirakl.sandbox.models import SandboxOffer
    from exceptions_queue.models import ExceptionItem, Status
    from exceptions_queue.services import exception_retry

    offered = SandboxOffer.objects.values_list("shop_sku", flat=True)
    items = ExceptionItem.objects.filter(
        integration=integration,
        kind="stock_import_error",
        status=Status.OPEN,
        subject_id__in=offered,  # a SKU the hub still lists has no offer to retry against
    ).values_list("pk", flat=True)
    for item_id in items:
        exception_retry(item_id)
    return len(items)


def demo_tick(*, rng: random.Random | None = None) -> dict[str, int]:
    """One step of the demo world: a new order, debits, and dispatches from the warehouse."""
    from connectors.mirakl.sandbox.models import SandboxOffer, SandboxOrder
    from connectors.mirakl.sandbox.services import billing_cycle_close, shops
    from connectors.mirakl.sandbox.services import orders as mirakl_orders
    from integration_hub.demo_catalogue import demo_catalogue_map

    rng = rng or random.Random()  # noqa: S311 (demo data, not security)
    integration = Integration.objects.filter(name="demo").first()
    if integration is None or not settings.HUB_SANDBOX:
        return {}
    shop = shops.shop_get_or_create(api_key=MIRAKL_KEY)
    counts = {"mapped": demo_carriers_map(integration), "placed": 0, "debited": 0, "shipped": 0}
    counts["catalogue_mapped"] = demo_catalogue_map(integration)
    skus = list(Product.objects.filter(integration=integration).values_list("offer_sku", flat=True))
    if integration.catalogue_enabled:  # half sold before the hub; the rest it lists itself
        skus = skus[: (len(skus) + 1) // 2]
    counts["offers"] = demo_offers_ensure(shop, skus)
    counts["offers_retried"] = demo_rejected_stock_retry(integration)
    offered = set(SandboxOffer.objects.filter(shop=shop).values_list("shop_sku", flat=True))
    skus = [
        sku
        for sku in Product.objects.filter(integration=integration).values_list(
            "offer_sku", flat=True
        )
        if sku in offered
    ]
    open_orders = Order.objects.filter(integration=integration).exclude(
        hub_status__in=[
            HubStatus.CONFIRMED,
            HubStatus.CLOSED,
            HubStatus.CANCELLED,
            HubStatus.REFUSED,
        ]
    )
    if skus and open_orders.count() < MAX_OPEN_ORDERS:
        lines = [
            {"sku": sku, "quantity": rng.randint(1, 2)}
            for sku in rng.sample(skus, k=min(2, len(skus)))
        ]
        # every fourth order is express: it carries a customer fee and the operator's seller
        # fee (sandbox finance.py), so finance sees fee lines and a variance that names them
        express = SandboxOrder.objects.filter(shop=shop).count() % 4 == 3
        counts["placed"] = len(
            mirakl_orders.orders_create(
                shop=shop,
                count=1,
                lines=lines[: rng.randint(1, 2)],
                shipping_type_code="EXP" if express else "STD",
            )
        )
    counts["debited"] = len(mirakl_orders.orders_debit(shop=shop))
    _seed, ship, _stock = SOURCES[integration.source_kind]
    for order in Order.objects.filter(integration=integration, hub_status=HubStatus.INJECTED)[:3]:
        if not cache.add(f"demo-shipped:{order.pk}", 1, timeout=None):
            continue  # shipped on an earlier tick; the dispatch pass has not seen it yet
        carrier, service, _code = DEMO_CARRIERS[order.pk % len(DEMO_CARRIERS)]
        if order.pk % 4 == 0:
            carrier, service = UNMAPPED_CARRIER, "Express"
        ship(order.commercial_id, carrier, service, f"DEMO{order.pk:08d}GB")
        counts["shipped"] += 1
    if cache.add("demo-billing-cycle", 1, timeout=DEMO_PAYOUT_SECONDS):  # a payout now and then
        counts["payouts"] = int(billing_cycle_close(shop=shop) is not None)
    return counts
