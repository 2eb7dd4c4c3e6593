"""The Shopify sandbox's demo catalogue: a fashion and home brand, shaped like a Shopify store.

Each seeded product has one variant (one SKU) whose selected options name its size and colour,
a product type, tags, a standard-taxonomy category, a description, 0-4 images, metafields
(text, multi-line text, a list, a dimension) and a weight on its inventory item. Some have gaps
(no description, no image, no category) so the demo shows incomplete listings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal

CLOTHING = "Apparel & Accessories > Clothing"
HOME = "Home & Garden"
ACCESSORIES = "Apparel & Accessories > Clothing Accessories"


@dataclass(frozen=True)
class Template:
    title: str
    product_type: str
    category: str  # Shopify's fullName, "" for none
    size: str
    colour: str
    fabric: str
    weight: str  # kilograms
    images: int
    tags: tuple[str, ...]
    description: str = ""
    features: tuple[str, ...] = ()
    care: str = ""
    vendor: str = "Hartley & Rowe"
    dimension: tuple[str, float, str] | None = None  # (key, value, unit), e.g. a diameter


TEMPLATES = (
    Template(
        "Linen Shirt", "Shirts", f"{CLOTHING} > Shirts & Tops", "M", "Navy", "100% linen",
        "0.25", 3, ("women", "linen", "summer"),
        "<p>A relaxed shirt in washed European linen with a soft collar.</p>",
        ("Relaxed fit", "Mother-of-pearl buttons"), "Machine wash at 30C.\nDo not tumble dry.",
    ),
    Template(
        "Cashmere Crew Neck Jumper", "Knitwear", f"{CLOTHING} > Shirts & Tops", "S", "Oatmeal",
        "100% cashmere", "0.3", 2, ("women", "knitwear"),
        "<p>Pure grade-A cashmere with ribbed trims.</p>", ("Ribbed trims",),
        "Hand wash cold.\nDry flat.",
    ),
    Template(
        "Wrap Midi Dress", "Dresses", f"{CLOTHING} > Dresses", "12", "Sage", "100% viscose",
        "0.4", 4, ("women", "dresses", "occasion"),
        "<p>A fluid wrap dress with a <strong>tie waist</strong> and flutter sleeves.</p>",
        ("Tie waist", "Midi length", "Flutter sleeves"),
    ),
    Template(  # no description: the demo's incomplete listing
        "Slim Chino Trousers", "Trousers", f"{CLOTHING} > Pants", "32R", "Stone",
        "98% cotton, 2% elastane", "0.45", 1, ("men", "trousers"),
    ),
    Template(
        "Oxford Shirt", "Shirts", f"{CLOTHING} > Shirts & Tops", "L", "Sky Blue",
        "100% cotton", "0.3", 2, ("men", "shirts"),
        "<p>A button-down Oxford shirt in soft brushed cotton.</p>", ("Button-down collar",),
        "Machine wash at 40C.",
    ),
    Template(
        "Merino Scarf", "Scarves", f"{ACCESSORIES} > Scarves & Shawls",
        "One Size", "Charcoal", "100% merino wool", "0.12", 1, ("accessories", "winter"),
        "<p>A lightweight scarf in extra-fine merino, woven in Scotland.</p>",
    ),
    Template(  # no image and no category
        "Leather Card Holder", "Small Leather Goods", "", "One Size", "Tan", "Leather", "0.05",
        0, ("accessories", "gifts"), "<p>Vegetable-tanned leather with four card slots.</p>",
    ),
    Template(
        "Stoneware Dinner Plate", "Tableware",
        f"{HOME} > Kitchen & Dining > Tableware > Dinnerware > Plates", "27 cm", "Ivory",
        "Stoneware", "0.65", 2, ("home", "tableware"),
        "<p>A reactive-glaze stoneware plate.</p>", ("Dishwasher safe", "Microwave safe"),
        vendor="Hartley Home", dimension=("diameter", 27.0, "cm"),
    ),
    Template(
        "Linen Cushion Cover", "Cushions", f"{HOME} > Decor > Throw Pillows", "45 x 45 cm",
        "Blush", "100% linen", "0.2", 3, ("home", "linen"),
        "<p>A stonewashed linen cover with a concealed zip.</p>", vendor="Hartley Home",
    ),
    Template(  # no description and no image
        "Cotton Waffle Bath Towel", "Towels", f"{HOME} > Linens & Bedding > Towels",
        "Bath Towel", "White", "100% cotton", "0.6", 0, ("home", "bathroom"),
        vendor="Hartley Home",
    ),
    Template(
        "Wool Throw", "Throws", f"{HOME} > Linens & Bedding > Bedding > Blankets",
        "130 x 180 cm", "Mustard", "80% wool, 20% recycled polyester", "1.1", 2,
        ("home", "winter"), "<p>A herringbone throw woven from recycled wool.</p>",
        vendor="Hartley Home",
    ),
    Template(
        "Glass Tumbler Set of 4", "Glassware",
        f"{HOME} > Kitchen & Dining > Tableware > Drinkware > Tumblers", "350 ml", "Clear",
        "Glass", "1.2", 1, ("home", "tableware", "gifts"),
        "<p>Four hand-blown tumblers.</p>", vendor="Hartley Home",
    ),
)  # fmt: skip
COLOURS = tuple(dict.fromkeys(t.colour for t in TEMPLATES))


def product_content(index: int) -> tuple[dict, dict]:
    """The product fields and the variant fields of demo product ``index`` (1-based)."""
    template = TEMPLATES[(index - 1) % len(TEMPLATES)]
    cycle = (index - 1) // len(TEMPLATES)
    colour = template.colour
    if cycle:  # later cycles: the same item in another colour
        colour = COLOURS[(COLOURS.index(colour) + cycle) % len(COLOURS)]
    title = template.title  # the variant title ("M / Navy") tells the colours apart
    slug = re.sub(r"[^a-z0-9]+", "-", f"{template.title} {colour}".lower()).strip("-")
    media = [{"file": f"{slug}-{n}.jpg", "alt": ""} for n in range(1, template.images + 1)]
    product = {
        "title": title,
        "vendor": template.vendor,
        "description_html": template.description,
        "product_type": template.product_type,
        "tags": list(template.tags),
        "category_name": template.category.rsplit(" > ", 1)[-1] if template.category else "",
        "category_full_name": template.category,
        "media": media,
        "metafields": _metafields(template),
    }
    variant = {
        "title": f"{template.size} / {colour}",
        "selected_options": [
            {"name": "Size", "value": template.size},
            {"name": "Colour", "value": colour},
        ],
        "weight": Decimal(template.weight),
        "weight_unit": "KILOGRAMS",
        "image": media[0]["file"] if media else "",
        "metafields": [_text("custom", "colour_family", colour)],
    }
    return product, variant


def _metafields(template: Template) -> list[dict]:
    found = [_text("custom", "fabric", template.fabric)]
    if template.care:
        found.append(
            {**_text("custom", "care_guide", template.care), "type": "multi_line_text_field"}
        )
    if template.features:
        found.append(
            {
                "namespace": "custom",
                "key": "features",
                "type": "list.single_line_text_field",
                "value": json.dumps(list(template.features)),
            }
        )
    if template.dimension:
        key, value, unit = template.dimension
        measure = json.dumps({"value": value, "unit": unit})
        found.append({"namespace": "custom", "key": key, "type": "dimension", "value": measure})
    return found


def _text(namespace: str, key: str, value: str) -> dict:
    return {"namespace": namespace, "key": key, "type": "single_line_text_field", "value": value}
