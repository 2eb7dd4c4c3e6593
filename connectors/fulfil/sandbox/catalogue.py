"""The demo catalogue of the Fulfil sandbox: a fashion and home brand, "Marlow & Finch".

Each template has two variants; a variant's content lives where Fulfil keeps it: the
template (name, categories), the variant (description, brand, weight, media) and its
attribute records (selection attributes point at an option). Some templates have gaps on
purpose (no description, no image) so the demo shows incomplete listings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from connectors.fulfil.sandbox import models as m

BRAND = "Marlow & Finch"
MEDIA_HOST = "https://cdn.marlow-finch.example/products"
ATTRIBUTES = {
    "Colour": m.AttributeType.SELECTION,
    "Size": m.AttributeType.SELECTION,
    "Material": m.AttributeType.CHAR,
    "Care instructions": m.AttributeType.CHAR,
    "Country of origin": m.AttributeType.CHAR,
    "Dimensions": m.AttributeType.CHAR,
    "Dishwasher safe": m.AttributeType.BOOLEAN,
    "Thread count": m.AttributeType.NUMERIC,
}


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    category: tuple[str, ...]
    variants: tuple[tuple[str, str], ...]  # (colour, size)
    weights: tuple[str, str]  # kilograms per variant
    media: int
    description: str = ""
    attributes: dict = field(default_factory=dict)


SPECS: tuple[TemplateSpec, ...] = (
    TemplateSpec(
        name="Linen Midi Dress",
        category=("Women", "Dresses"),
        variants=(("Ochre", "10"), ("Ochre", "12")),
        weights=("0.42", "0.45"),
        media=3,
        description="A sleeveless midi dress in washed linen with a square neck, side pockets "
        "and a tie waist.",
        attributes={
            "Material": "100% linen",
            "Care instructions": "Machine wash at 30°C; do not tumble dry",
            "Country of origin": "Portugal",
        },
    ),
    TemplateSpec(
        name="Cashmere Rib Beanie",
        category=("Women", "Accessories", "Hats"),
        variants=(("Charcoal", "One size"), ("Camel", "One size")),
        weights=("0.09", "0.09"),
        media=2,
        description="A rib-knit beanie in pure Mongolian cashmere with a deep turn-up.",
        attributes={"Material": "100% cashmere", "Care instructions": "Hand wash cold"},
    ),
    TemplateSpec(
        name="Cotton Poplin Shirt",
        category=("Men", "Shirts"),
        variants=(("White", "M"), ("White", "L")),
        weights=("0.28", "0.30"),
        media=1,
        attributes={"Material": "100% organic cotton", "Country of origin": "India"},
    ),
    TemplateSpec(
        name="Recycled Wool Throw",
        category=("Home", "Living Room", "Throws"),
        variants=(("Sage", "130 x 180 cm"), ("Ochre", "130 x 180 cm")),
        weights=("1.2", "1.2"),
        media=4,
        description="A herringbone throw woven from recycled wool, finished with a "
        "blanket-stitched edge.",
        attributes={"Material": "85% recycled wool, 15% nylon", "Dimensions": "130 x 180 cm"},
    ),
    TemplateSpec(
        name="Stoneware Dinner Plate",
        category=("Home", "Dining", "Tableware"),
        variants=(("White", "27 cm"), ("Speckle", "27 cm")),
        weights=("0.65", "0.65"),
        media=0,
        description="A reactive-glaze stoneware plate, made in Portugal.",
        attributes={"Material": "Stoneware", "Dishwasher safe": True},
    ),
    TemplateSpec(
        name="Percale Pillowcase Pair",
        category=("Home", "Bedding", "Pillowcases"),
        variants=(("White", "Standard"), ("White", "Super king")),
        weights=("0.31", "0.38"),
        media=2,
        description="A pair of housewife pillowcases in crisp cotton percale.",
        attributes={"Material": "100% cotton percale", "Thread count": Decimal("300")},
    ),
)


def spec_for(index: int) -> tuple[TemplateSpec, int]:
    """The template of the ``index``-th (1-based) seeded product and its variant number."""
    return SPECS[((index - 1) // 2) % len(SPECS)], (index - 1) % 2


def _template(spec: TemplateSpec) -> m.Template:
    template, created = m.Template.objects.get_or_create(name=spec.name)
    if created:
        parent = None
        for name in spec.category:
            parent, _ = m.Category.objects.get_or_create(name=name, parent=parent)
        template.categories.add(parent)
    return template


def product_defaults(index: int) -> dict:
    """The product.product content columns of the ``index``-th seeded product."""
    spec, number = spec_for(index)
    colour, size = spec.variants[number]
    brand, _ = m.Brand.objects.get_or_create(name=BRAND)
    kilogram, _ = m.Uom.objects.get_or_create(name="Kilogram", defaults={"symbol": "kg"})
    return {
        "template": _template(spec),
        "variant_name": f"{spec.name} - {colour}, {size}",
        "description": spec.description,
        "brand": brand,
        "weight": Decimal(spec.weights[number]),
        "weight_uom": kilogram,
    }


def attribute_set(product: m.Product, name: str, value: object) -> m.ProductAttribute:
    """Set one attribute of a variant (a selection value by its option's name)."""
    kind = ATTRIBUTES.get(name, m.AttributeType.CHAR)
    attribute, _ = m.Attribute.objects.get_or_create(
        name=name, defaults={"display_name": name, "kind": kind}
    )
    row, _ = m.ProductAttribute.objects.get_or_create(product=product, attribute=attribute)
    if attribute.kind == m.AttributeType.SELECTION:
        row.value_selection, _ = m.AttributeOption.objects.get_or_create(
            attribute=attribute, name=str(value)
        )
    elif attribute.kind == m.AttributeType.NUMERIC:
        row.value_numeric = Decimal(str(value))
    elif attribute.kind == m.AttributeType.BOOLEAN:
        row.value_boolean = bool(value)
    else:
        row.value_char = str(value)
    row.save()
    return row


def product_content_create(product: m.Product, index: int) -> None:
    """Media and attribute records of a newly seeded product."""
    spec, number = spec_for(index)
    colour, size = spec.variants[number]
    for sequence in range(1, spec.media + 1):
        url = f"{MEDIA_HOST}/{product.code.lower()}/{sequence}.jpg"
        m.Media.objects.create(product=product, url=url, sequence=sequence * 10)
    for name, value in {"Colour": colour, "Size": size, **spec.attributes}.items():
        attribute_set(product, name, value)
