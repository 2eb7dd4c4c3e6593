"""The demo catalogue of the SCAYLE sandbox: a fashion and home brand, "Alder & Rowe".

Attribute lists use SCAYLE's attribute types as the official Admin API SDK's fixtures show
them (``simple``, ``simpleList``, ``localizedString``, ``localizedStringList``, ``advanced``,
``advancedList``), on the three entity levels (master, product, variant). Some products have
gaps on purpose (no description, no image) so the demo shows incomplete listings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BRAND = "Alder & Rowe"
IMAGE_HOST = "https://images.alder-rowe.example"  # self-hosted images: absolute assetUrls
VIEWS = ("front", "back", "detail", "model")


def _text(en: str, de: str = "") -> dict:
    return {"en_GB": en, **({"de_DE": de} if de else {})}


def _a(name: str, kind: str, value: object) -> dict:
    return {"name": name, "type": kind, "value": value}


def _materials(*parts: tuple[str, int]) -> dict:
    value = [{"name": name, "percentage": share} for name, share in parts]
    return _a("material", "advancedList", value)


@dataclass(frozen=True)
class Spec:
    """One product (a colour) of a master, and its two variants ``(suffix, size label)``."""

    name: str
    name_de: str
    colour: dict
    attributes: list
    master: list
    paths: list
    images: int
    sizes: tuple = (("S", "S"), ("M", "M"))
    weights: tuple = ()
    description: dict = field(default_factory=dict)


def _care(*lines: str) -> dict:
    return _a("careInstructions", "localizedStringList", [_text(line) for line in lines])


SPECS: tuple[Spec, ...] = (
    Spec(
        name="Washed Linen Shirt",
        name_de="Gewaschenes Leinenhemd",
        colour=_text("Navy", "Marineblau"),
        description=_text(
            "A relaxed shirt in garment-washed European linen with a soft collar, "
            "mother-of-pearl buttons and a curved hem.",
            "Lässiges Hemd aus gewaschenem europäischem Leinen.",
        ),
        attributes=[_materials(("linen", 100)), _a("fit", "simple", "Relaxed")],
        master=[
            _care("Machine wash at 30°C", "Do not tumble dry", "Warm iron"),
            _a("season", "simpleList", ["spring", "summer"]),
            _a("countryOfOrigin", "simple", "Portugal"),
        ],
        paths=[["Women", "Tops", "Shirts"]],
        images=3,
        weights=("230 g", "245 g"),
    ),
    Spec(
        name="Merino Crew Neck Jumper",
        name_de="Merino-Pullover mit Rundhalsausschnitt",
        colour=_text("Oatmeal", "Haferflocke"),
        description=_text(
            "A fine-gauge jumper knitted from extra-fine merino wool, with ribbed cuffs and hem."
        ),
        attributes=[_materials(("merino wool", 100)), _a("fit", "simple", "Regular")],
        master=[
            _care("Hand wash cold", "Dry flat"),
            _a("season", "simpleList", ["autumn", "winter"]),
            _a("countryOfOrigin", "simple", "Italy"),
        ],
        paths=[["Women", "Knitwear", "Jumpers"]],
        images=2,
        weights=("280 g", "300 g"),
    ),
    Spec(
        name="Organic Cotton Oxford Shirt",
        name_de="Oxford-Hemd aus Bio-Baumwolle",
        colour=_text("White", "Weiß"),
        attributes=[_materials(("organic cotton", 100)), _a("fit", "simple", "Slim")],
        master=[_care("Machine wash at 40°C"), _a("countryOfOrigin", "simple", "India")],
        paths=[["Men", "Shirts", "Casual Shirts"]],
        images=1,
    ),
    Spec(
        name="Wide Leg Cotton Trousers",
        name_de="Weite Baumwollhose",
        colour=_text("Khaki"),
        description=_text("High-rise trousers in a cotton twill with pressed pleats."),
        attributes=[_materials(("cotton", 98), ("elastane", 2)), _a("fit", "simple", "Wide")],
        master=[_care("Machine wash at 30°C"), _a("countryOfOrigin", "simple", "Turkey")],
        paths=[["Women", "Trousers"]],
        images=0,
        sizes=(("10", "10"), ("12", "12")),
    ),
    Spec(
        name="Stonewashed Linen Duvet Cover",
        name_de="Bettbezug aus gewaschenem Leinen",
        colour=_text("Sage", "Salbei"),
        description=_text(
            "A duvet cover in stonewashed French flax linen that softens with every wash; "
            "button closure."
        ),
        attributes=[
            _materials(("linen", 100)),
            _a("dimensions", "advanced", {"width": 200, "length": 200, "unit": "cm"}),
        ],
        master=[
            _care("Machine wash at 40°C", "Tumble dry low"),
            _a("closure", "simple", "Buttons"),
        ],
        paths=[["Home", "Bedding", "Duvet Covers"]],
        images=4,
        sizes=(("DB", "Double"), ("KG", "King")),
        weights=("1.4 kg", "1.7 kg"),
    ),
    Spec(
        name="Cotton Waffle Towel",
        name_de="Waffelpiqué-Handtuch",
        colour=_text("Chalk", "Kreide"),
        attributes=[_materials(("cotton", 100))],
        master=[_care("Machine wash at 60°C")],
        paths=[["Home", "Bathroom", "Towels"]],
        images=2,
        sizes=(("HT", "Hand towel"), ("BT", "Bath towel")),
    ),
)


def spec_for(index: int) -> Spec:
    """The content of the ``index``-th (1-based) product; the list repeats past its end."""
    return SPECS[(index - 1) % len(SPECS)]


def product_values(index: int, reference_key: str) -> dict:
    """The product row's content columns."""
    spec = spec_for(index)
    attributes = [_a("color", "localizedString", spec.colour), *spec.attributes]
    if spec.description:
        attributes.append(_a("description", "localizedString", spec.description))
    master = [_a("brand", "simple", BRAND), *spec.master]
    return {
        "name": spec.name,
        "name_translations": {"de_DE": spec.name_de},
        "attributes": attributes,
        "master_reference_key": reference_key.replace("SC-", "M-"),
        "master_attributes": master,
        "category_paths": spec.paths,
    }


def image_urls(index: int, reference_key: str) -> list[tuple[str, str]]:
    """``(assetUrl, view)`` of the product's images (none for the products with a gap)."""
    count = spec_for(index).images
    key = reference_key.lower()
    return [(f"{IMAGE_HOST}/{key}/{view}.jpg", view) for view in VIEWS[:count]]


def variant_extra(index: int, position: int) -> dict:
    """Variant attributes besides ``ean`` and ``size`` (the weight, where the brand has one)."""
    weights = spec_for(index).weights
    return {"weight": weights[position]} if weights else {}
