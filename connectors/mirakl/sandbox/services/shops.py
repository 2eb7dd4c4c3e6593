"""Shops, the seed catalogue and the reset."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from connectors.mirakl.sandbox import catalog
from connectors.mirakl.sandbox.models import SandboxOffer, SandboxProduct, SandboxShop
from connectors.mirakl.sandbox.services.common import now_for
from connectors.sandbox.faults import clock_reset

DEFAULT_SHOP_ID = 2001
DEFAULT_API_KEY = "sandbox-mirakl-key"


def shop_get_or_create(
    *,
    shop_id: int = DEFAULT_SHOP_ID,
    name: str = "Sandbox Brand Ltd",
    api_key: str = DEFAULT_API_KEY,
    seed_offers: bool = True,
    **settings,
) -> SandboxShop:
    """The shop with this id, created (with the seed catalogue) when missing.

    ``settings`` are model fields (commission_rate, enforce_call_limits, acceptance_window_hours,
    order_acceptance, ...); they are applied to an existing shop too.
    """
    shop = SandboxShop.objects.filter(shop_id=shop_id).first()
    if shop is None:
        shop = SandboxShop.objects.create(
            shop_id=shop_id, name=name, api_key=api_key, created_at=now_for(), **settings
        )
        if seed_offers:
            offers_seed(shop=shop)
    elif settings:
        for field, value in settings.items():
            setattr(shop, field, value)
        shop.save(update_fields=list(settings))
    return shop


def shop_default() -> SandboxShop:
    """The first shop, creating the default one when the sandbox is empty."""
    return SandboxShop.objects.order_by("id").first() or shop_get_or_create()


def offers_seed(
    *, shop: SandboxShop, quantity: int = 25, now: dt.datetime | None = None
) -> list[SandboxOffer]:
    """Create the demo catalogue's offers (existing SKUs are left alone)."""
    now = now_for(now)
    offers = []
    for sku, title, category, price in catalog.PRODUCTS:
        offer, _ = SandboxOffer.objects.get_or_create(
            shop=shop,
            shop_sku=sku,
            defaults={
                "product_sku": f"P-{sku}",
                "product_title": title,
                "category_code": category,
                "quantity": quantity,
                "prices": [{"price": str(price)}],
                "last_updated": now,
            },
        )
        offers.append(offer)
    return offers


def products_seed(
    *, shop: SandboxShop, rows: list[dict[str, str]], now: dt.datetime | None = None
) -> list[SandboxProduct]:
    """Marketplace products straight from P41-style rows (attribute code -> value), as if
    imported and integrated: the same checks apply, and a failing row is a MiraklError(400).
    An existing shop SKU is updated."""
    from connectors.mirakl.sandbox.services.catalogue import product_rows_integrate
    from connectors.mirakl.sandbox.services.catalogue_files import FileLine

    header = sorted({column for row in rows for column in row})
    lines = [
        FileLine(number, [row.get(column, "") for column in header])
        for number, row in enumerate(rows, start=2)
    ]
    with transaction.atomic():
        return product_rows_integrate(shop, header, lines, now=now_for(now))


@transaction.atomic
def sandbox_reset(*, keep_shops: bool = True) -> None:
    """Delete every order, offer, product, import, transaction, return and call; reset the
    clock."""
    from connectors.mirakl.sandbox import models

    for model in (
        models.SandboxCall,
        models.SandboxReturn,
        models.SandboxTransaction,
        models.SandboxBillingCycle,
        models.SandboxOrder,
        models.SandboxImport,
        models.SandboxOfferExport,
        models.SandboxOffer,
        models.SandboxCatalogImport,
        models.SandboxProduct,
    ):
        model.objects.all().delete()
    clock_reset("mirakl")
    if not keep_shops:
        SandboxShop.objects.all().delete()
        return
    for shop in SandboxShop.objects.all():
        offers_seed(shop=shop)
