"""The sandbox's demo catalogue: a fashion and home brand, stored the way Magento stores it.

Select and multiselect attributes hold option ids (``"50"``, ``"141,143"``), images are paths
under ``pub/media/catalog/product`` (``/l/i/linen-shirt-navy-1.jpg``), categories are ids in
a tree under "Default Category". A few products have gaps (no description, no image) so the
demo shows listings the catalogue cannot complete yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from connectors.magento.sandbox import models as m

# code -> (frontend_input, label, backend_type, user defined, option labels, first option id)
ATTRIBUTES: dict[str, tuple[str, str, str, bool, tuple[str, ...], int]] = {
    "description": ("textarea", "Description", "text", False, (), 0),
    "short_description": ("textarea", "Short Description", "text", False, (), 0),
    "url_key": ("text", "URL Key", "varchar", False, (), 0),
    "image": ("media_image", "Base", "varchar", False, (), 0),
    "small_image": ("media_image", "Small", "varchar", False, (), 0),
    "thumbnail": ("media_image", "Thumbnail", "varchar", False, (), 0),
    "tax_class_id": ("select", "Tax Class", "int", False, (), 0),
    "country_of_manufacture": ("select", "Country of Manufacture", "varchar", False, (), 0),
    "color": (
        "select",
        "Colour",
        "int",
        False,
        ("Navy", "Oatmeal", "Sage", "Stone", "Sky Blue", "Charcoal", "Tan", "Ivory", "Blush")
        + ("White", "Mustard", "Clear"),
        49,
    ),
    "size": (
        "select",
        "Size",
        "int",
        True,
        ("XS", "S", "M", "L", "XL", "8", "10", "12", "14", "30R", "32R", "34R", "One Size")
        + ("45 x 45 cm", "Bath Towel", "130 x 180 cm"),
        166,
    ),
    "material": (
        "multiselect",
        "Material",
        "varchar",
        True,
        ("Linen", "Cashmere", "Viscose", "Cotton", "Elastane", "Merino Wool", "Leather")
        + ("Stoneware", "Wool", "Glass", "Recycled Polyester"),
        140,
    ),
    "manufacturer": ("select", "Brand", "int", False, ("Hartley & Rowe", "Hartley Home"), 210),
    "machine_washable": ("boolean", "Machine Washable", "int", True, (), 0),
    "care_instructions": ("textarea", "Care Instructions", "text", True, (), 0),
    "ean": ("text", "EAN", "varchar", True, (), 0),
}
FIXED_OPTIONS = {
    "tax_class_id": [("0", "None"), ("2", "Taxable Goods")],
    "country_of_manufacture": [
        ("GB", "United Kingdom"),
        ("PT", "Portugal"),
        ("IN", "India"),
        ("IT", "Italy"),
    ],
    "machine_washable": [("1", "Yes"), ("0", "No")],
}
CATEGORY_TREE = {
    "Women": ("Tops", "Knitwear", "Dresses"),
    "Men": ("Shirts", "Trousers"),
    "Accessories": (),
    "Home": ("Tableware", "Soft Furnishings", "Bathroom"),
}


@dataclass(frozen=True)
class Template:
    name: str
    category: tuple[str, ...]  # ("Women", "Dresses")
    color: str
    size: str
    materials: tuple[str, ...]
    weight: str
    images: int
    country: str
    description: str = ""
    short_description: str = ""
    washable: bool | None = None
    care: str = ""
    brand: str = "Hartley & Rowe"


TEMPLATES = (
    Template(
        "Linen Shirt", ("Women", "Tops"), "Navy", "M", ("Linen",), "0.25", 3, "PT",
        "<p>A relaxed shirt in washed European linen with a soft collar and mother-of-pearl "
        "buttons.</p>", "Relaxed washed-linen shirt.", True, "Machine wash at 30C.",
    ),
    Template(
        "Cashmere Crew Neck Jumper", ("Women", "Knitwear"), "Oatmeal", "S", ("Cashmere",),
        "0.3", 2, "IT", "<p>Pure grade-A cashmere, knitted in Italy, with ribbed trims.</p>",
        "Pure cashmere crew neck.", False, "Hand wash cold, dry flat.",
    ),
    Template(
        "Wrap Midi Dress", ("Women", "Dresses"), "Sage", "12", ("Viscose",), "0.4", 4, "IN",
        "<p>A fluid wrap dress with a tie waist and flutter sleeves, cut to a midi length.</p>",
        "Fluid wrap midi dress.", True,
    ),
    Template(  # no description: the demo's incomplete listing
        "Slim Chino Trousers", ("Men", "Trousers"), "Stone", "32R", ("Cotton", "Elastane"),
        "0.45", 1, "IN", washable=True,
    ),
    Template(
        "Oxford Shirt", ("Men", "Shirts"), "Sky Blue", "L", ("Cotton",), "0.3", 2, "IN",
        "<p>A button-down Oxford shirt in soft brushed cotton.</p>", "Brushed cotton Oxford.",
        True, "Machine wash at 40C.",
    ),
    Template(
        "Merino Scarf", ("Accessories",), "Charcoal", "One Size", ("Merino Wool",), "0.12", 1,
        "GB", "<p>A lightweight scarf in extra-fine merino, woven in Scotland.</p>",
        "Extra-fine merino scarf.", False,
    ),
    Template(  # no image
        "Leather Card Holder", ("Accessories",), "Tan", "One Size", ("Leather",), "0.05", 0,
        "IT", "<p>Vegetable-tanned leather with four card slots.</p>", "Leather card holder.",
    ),
    Template(
        "Stoneware Dinner Plate", ("Home", "Tableware"), "Ivory", "One Size", ("Stoneware",),
        "0.65", 2, "PT", "<p>A reactive-glaze stoneware plate, 27 cm across.</p>",
        "Reactive-glaze stoneware plate.", brand="Hartley Home",
    ),
    Template(
        "Linen Cushion Cover", ("Home", "Soft Furnishings"), "Blush", "45 x 45 cm", ("Linen",),
        "0.2", 3, "PT", "<p>A stonewashed linen cover with a concealed zip.</p>",
        "Stonewashed linen cushion cover.", True, brand="Hartley Home",
    ),
    Template(  # no description and no image
        "Cotton Waffle Bath Towel", ("Home", "Bathroom"), "White", "Bath Towel", ("Cotton",),
        "0.6", 0, "IN", washable=True, brand="Hartley Home",
    ),
    Template(
        "Wool Throw", ("Home", "Soft Furnishings"), "Mustard", "130 x 180 cm",
        ("Wool", "Recycled Polyester"), "1.1", 2, "GB",
        "<p>A herringbone throw woven from recycled wool.</p>", "Herringbone wool throw.",
        False, brand="Hartley Home",
    ),
    Template(
        "Glass Tumbler Set of 4", ("Home", "Tableware"), "Clear", "One Size", ("Glass",), "1.2",
        1, "PT", "<p>Four hand-blown tumblers, 350 ml each.</p>", "Hand-blown tumblers.",
        brand="Hartley Home",
    ),
)  # fmt: skip


def attributes_seed() -> dict[str, dict[str, str]]:
    """Create the attribute metadata; returns attribute code -> {label: option id}."""
    ids: dict[str, dict[str, str]] = {}
    for code, (kind, label, backend, user_defined, labels, first) in ATTRIBUTES.items():
        options = FIXED_OPTIONS.get(code) or [
            (str(first + n), option) for n, option in enumerate(labels)
        ]
        m.ProductAttribute.objects.update_or_create(
            attribute_code=code,
            defaults={
                "frontend_input": kind,
                "default_frontend_label": label,
                "backend_type": backend,
                "is_user_defined": user_defined,
                "options": [{"value": value, "label": text} for value, text in options],
            },
        )
        ids[code] = {text: value for value, text in options}
    return ids


def categories_seed() -> dict[tuple[str, ...], int]:
    """The tree under "Default Category"; returns each path's category id."""
    root, _ = m.Category.objects.get_or_create(parent=None, name="Root Catalog", level=0)
    store_root, _ = m.Category.objects.get_or_create(parent=root, name="Default Category", level=1)
    found: dict[tuple[str, ...], int] = {}
    for position, (top, children) in enumerate(CATEGORY_TREE.items(), start=1):
        parent = _category(store_root, top, position)
        found[(top,)] = parent.pk
        for child_position, child in enumerate(children, start=1):
            found[(top, child)] = _category(parent, child, child_position).pk
    return found


def _category(parent: m.Category, name: str, position: int) -> m.Category:
    category, _ = m.Category.objects.get_or_create(
        parent=parent, name=name, defaults={"position": position, "level": parent.level + 1}
    )
    return category


def product_content(
    number: int, options: dict[str, dict[str, str]], categories: dict[tuple[str, ...], int]
) -> dict:
    """The stored fields of demo product ``number`` (1-based): name, weight, custom
    attributes (without the EAN), gallery and category links."""
    template = TEMPLATES[(number - 1) % len(TEMPLATES)]
    color = template.color
    cycle = (number - 1) // len(TEMPLATES)
    colors = list(options["color"])
    if cycle:  # later cycles: the same item in another colour
        color = colors[(colors.index(color) + cycle) % len(colors)]
    name = template.name if not cycle else f"{template.name} - {color}"
    slug = re.sub(r"[^a-z0-9]+", "-", f"{template.name} {color}".lower()).strip("-")
    files = [f"/{slug[0]}/{slug[1]}/{slug}-{n}.jpg" for n in range(1, template.images + 1)]
    attributes = {
        "url_key": f"{slug}-{number}",
        "tax_class_id": "2",
        "country_of_manufacture": template.country,
        "color": options["color"][color],
        "size": options["size"][template.size],
        "material": ",".join(options["material"][x] for x in template.materials),
        "manufacturer": options["manufacturer"][template.brand],
        "description": template.description,
        "short_description": template.short_description,
        "care_instructions": template.care,
    }
    if template.washable is not None:
        attributes["machine_washable"] = "1" if template.washable else "0"
    if files:
        attributes.update(image=files[0], small_image=files[0], thumbnail=files[0])
    return {
        "name": name,
        "weight": Decimal(template.weight),
        "custom_attributes": {code: value for code, value in attributes.items() if value},
        "media_gallery": [_gallery_entry(file, first=n == 0) for n, file in enumerate(files)],
        "category_ids": [
            categories[template.category[:depth]] for depth in range(1, len(template.category) + 1)
        ],
    }


def _gallery_entry(file: str, *, first: bool) -> dict:
    roles = ["image", "small_image", "thumbnail"] if first else []
    return {"file": file, "label": "", "disabled": False, "types": roles}
