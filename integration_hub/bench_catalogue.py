"""`hub bench`: build and validate every SKU's product record (issue 21).

N SKUs (the scale's ``skus``) spread over 20 leaf categories, each with its own required LIST,
INTEGER and TEXT attributes on top of the shared ones, mapped from source fields. The hub's
path is :func:`listings_refresh` (load, build, validate, store, open the exceptions); the
baseline is a plain loop over the same rows that only checks each required field is there.
"""

from __future__ import annotations

from django.utils import timezone

CATEGORIES = 20
COLOURS = [("BLACK", "Black"), ("NAVY", "Navy"), ("GREY", "Grey"), ("RED", "Red")]


def _structure_seed(integration) -> list[str]:
    from integration_hub.models import (
        AttributeMapping,
        CategoryMapping,
        MarketplaceAttribute,
        MarketplaceCategory,
        MarketplaceValueList,
    )

    now = timezone.now()
    codes = [f"CAT-{n:02d}" for n in range(CATEGORIES)]
    MarketplaceCategory.objects.bulk_create(
        MarketplaceCategory(integration=integration, code=c, label=c, level=1, fetched_at=now)
        for c in codes
    )
    MarketplaceValueList.objects.create(
        integration=integration, code="COLOURS", values=COLOURS, fetched_at=now
    )
    shared = [
        ("shop_sku", "TEXT", ["SHOP_SKU"], ""),
        ("category", "TEXT", ["CATEGORY"], ""),
        ("title", "TEXT", [], "title"),
        ("description", "LONG_TEXT", [], "description"),
        ("main_image", "MEDIA", [], "image"),
        ("ean", "TEXT", [], "ean"),
    ]
    rows = [
        MarketplaceAttribute(
            integration=integration,
            code=code,
            requirement_level="REQUIRED",
            type=kind,
            roles=roles,
            validations={"MAX_LENGTH": "150"} if kind == "TEXT" else {},
            fetched_at=now,
        )
        for code, kind, roles, _field in shared
    ]
    for category in codes:
        for code, kind in (("colour", "LIST"), ("width_cm", "INTEGER"), ("material", "TEXT")):
            rows.append(
                MarketplaceAttribute(
                    integration=integration,
                    code=code,
                    hierarchy_code=category,
                    requirement_level="REQUIRED",
                    type=kind,
                    values_list="COLOURS" if kind == "LIST" else "",
                    fetched_at=now,
                )
            )
    MarketplaceAttribute.objects.bulk_create(rows)
    mapped = [(code, field) for code, _k, _r, field in shared if field]
    mapped += [("colour", "color"), ("width_cm", "width"), ("material", "material")]
    AttributeMapping.objects.bulk_create(
        AttributeMapping(integration=integration, marketplace_attribute=code, source_field=field)
        for code, field in mapped
    )
    CategoryMapping.objects.bulk_create(
        CategoryMapping(
            integration=integration, source_category=f"Shop {c}", marketplace_category=c
        )
        for c in codes
    )
    return codes


def _products_seed(integration, count: int, codes: list[str]) -> None:
    from integration_hub.models import Product

    Product.objects.bulk_create(
        (
            Product(
                integration=integration,
                sku=f"CB-{n:06d}",
                offer_sku=f"CB-{n:06d}",
                ean="5012345678900",
                title=f"Product {n}",
                source_content={
                    "description": "A product with a description.",
                    "image": f"https://cdn.example.com/{n}.jpg",
                    "color": COLOURS[n % len(COLOURS)][1],
                    "width": str(20 + n % 50),
                    # every 10th SKU lacks its material: an exception each
                    **({} if n % 10 == 0 else {"material": "Cotton"}),
                },
                source_categories=[f"Shop {codes[n % len(codes)]}"],
            )
            for n in range(count)
        ),
        batch_size=2000,
    )


def bench_listings_build(scale: dict):
    """Build + validate N SKUs over 20 categories (stored, exceptions opened) vs a plain loop."""
    from integration_hub.bench import Result, _bench_integration, _timed
    from integration_hub.flows.listings import listings_refresh
    from integration_hub.models import Product

    count = scale["skus"]
    integration = _bench_integration("bench-listings", "k")
    codes = _structure_seed(integration)
    _products_seed(integration, count, codes)
    seconds, peak, counts = _timed(lambda: listings_refresh(integration))
    assert counts.get("ready", 0) + counts.get("incomplete", 0) == count, counts
    again, _peak, _ = _timed(lambda: listings_refresh(integration))
    fields = ("description", "image", "color", "width", "material")

    def baseline():
        rows = Product.objects.filter(integration=integration).values_list(
            "sku", "title", "ean", "source_content", "source_categories"
        )
        missing = 0
        for _sku, title, ean, content, categories in rows.iterator(chunk_size=2000):
            missing += not (title and ean and categories) or any(
                not content.get(name) for name in fields
            )
        return missing

    baseline_seconds, _peak, missing = _timed(baseline)
    return Result(
        "listings build + validate",
        count,
        seconds,
        baseline_seconds,
        peak,
        {
            "categories": CATEGORIES,
            "incomplete": counts.get("incomplete", 0),
            "baseline_incomplete": missing,
            "unchanged_rerun_s": round(again, 3),
        },
    )
