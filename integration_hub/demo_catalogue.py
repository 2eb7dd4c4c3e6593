"""The sandbox demo's catalogue mappings (HUB_SANDBOX=1 only): what a merchandiser would map
for the demo brand on day one, per source, so most SKUs go live by themselves.

Half the demo SKUs were on John Lewis before the hub (their offers exist; the offers audit
finds them); the hub lists the rest itself. Some are left for the person trying the demo:
the colours "Mustard" and "Oatmeal" have no value mapping, so the Mustard throw stays
``incomplete`` ("not in the list COLOURS") until someone maps it to BROWN under Catalogue
mappings › Values, and several source categories are not mapped at all.
SEKO carries no product content: its listings are filled with the catalogue spreadsheet.
"""

from __future__ import annotations

from django.db import transaction

from integration_hub.models import (
    AttributeMapping,
    CategoryMapping,
    Integration,
    ValueMapping,
)

CATEGORIES = {
    "Women / Dresses": "FASHION-WOMENS-DRESSES",
    "Women / Knitwear": "FASHION-WOMENS-KNITWEAR",
    "Women / Knitwear / Jumpers": "FASHION-WOMENS-KNITWEAR",
    "Men / Shirts": "FASHION-MENS-SHIRTS",
    "Men / Shirts / Casual Shirts": "FASHION-MENS-SHIRTS",
    "Home / Soft Furnishings": "HOME-CUSHIONS",
    "Home / Bedding / Pillowcases": "HOME-BEDDING",
    # Shopify: the product type
    "Dresses": "FASHION-WOMENS-DRESSES",
    "Knitwear": "FASHION-WOMENS-KNITWEAR",
    "Shirts": "FASHION-MENS-SHIRTS",
    "Cushions": "HOME-CUSHIONS",
    "Throws": "HOME-BEDDING",
}

# marketplace attribute -> source field, per source kind (see docs/connectors/*.md)
_COMMON = {"ean": "ean", "weight_kg": "weight"}
FIELDS = {
    "shopify": {
        "title": "title",
        "description": "description",
        "brand": "vendor",
        "main_image": "image",
        "image_2": "images[2]",
        "image_3": "images[3]",
        "colour": "option:Colour",
        "size": "option:Size",
        "material": "metafield:custom.fabric",
        "care_instructions": "metafield:custom.care_guide",
    },
    "magento": {
        "title": "name",
        "description": "description",
        "brand": "manufacturer",
        "main_image": "image",
        "image_2": "media_gallery[2]",
        "image_3": "media_gallery[3]",
        "colour": "color",
        "size": "size",
        "material": "material",
        "fabric": "material",
        "care_instructions": "care_instructions",
    },
    "fulfil": {
        "title": "name",
        "description": "description",
        "brand": "brand",
        "main_image": "image",
        "image_2": "media[2]",
        "colour": "attribute:Colour",
        "size": "attribute:Size",
        "material": "attribute:Material",
        "care_instructions": "attribute:Care instructions",
    },
    "scayle": {
        "title": "name",
        "description": "description",
        "brand": "brand",
        "main_image": "image",
        "image_2": "images[2]",
        "colour": "color",
        "size": "size",
        "material": "material",
    },
    "seko": {},
}
DEFAULTS = [("width_cm", "HOME-CUSHIONS", "45"), ("height_cm", "HOME-CUSHIONS", "45")]
VALUES = [
    ("colour", "Sage", "GREEN"),
    ("colour", "Stone", "CREAM"),
    ("colour", "Sky Blue", "BLUE"),
    ("colour", "Charcoal", "GREY"),
    ("colour", "Tan", "BROWN"),
    ("colour", "Ivory", "CREAM"),
    ("colour", "Blush", "PINK"),
    ("colour", "Ochre", "BROWN"),
    ("colour", "Khaki", "GREEN"),
    *(("size", str(n), f"UK{n}") for n in (8, 10, 12, 14, 16, 18)),
]


@transaction.atomic
def demo_catalogue_map(integration: Integration) -> int:
    """Seed the demo's mappings once (before the first catalogue pass, so the first build
    already uses them); returns how many rows were created (0 when there were some)."""
    if CategoryMapping.objects.filter(integration=integration).exists():
        return 0
    rows: list = [
        CategoryMapping(integration=integration, source_category=name, marketplace_category=code)
        for name, code in CATEGORIES.items()
    ]
    fields = {**_COMMON, **FIELDS.get(integration.source_kind, {})}
    rows += [
        AttributeMapping(integration=integration, marketplace_attribute=code, source_field=field)
        for code, field in fields.items()
    ]
    rows += [
        AttributeMapping(
            integration=integration,
            marketplace_attribute=code,
            marketplace_category=category,
            default=default,
        )
        for code, category, default in DEFAULTS
    ]
    rows += [
        ValueMapping(
            integration=integration,
            marketplace_attribute=code,
            source_value=source,
            marketplace_value=value,
        )
        for code, source, value in VALUES
    ]
    for row in rows:  # one by one, so each has its history entry
        row._change_reason = "demo seed"
        row.save()
    return len(rows)
