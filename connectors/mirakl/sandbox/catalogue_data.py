"""The catalogue structure a John Lewis-like operator configured: H11 tree, PM11 attributes, VL11.

Every code here is the sandbox's own choice (John Lewis's real codes are a go-live question)
and stays stable: the demo seed, the hub's category and attribute mappings and the tests use
them. Column headers of a P41 product file are attribute codes (operator format).

Shapes follow the seller OpenAPI spec: a LIST attribute names its values list in
``type_parameter`` and in ``type_parameters`` as ``LIST_CODE`` (the spec's PM11 CSV example,
``LIST_CODE|Boolean``); validations are ``NAME|value`` separated by commas (its example
``MIN_LENGTH|10``). A DATE attribute's ``type_parameter`` is its date format and a DECIMAL's its
precision, as Mirakl's public SAP Commerce connector writes them
(``DefaultWriteAttributeStrategy.populateTypes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

LOCALE = "en"

# --- H11 hierarchies ----------------------------------------------------------------------

# (code, label, parent code); "" is a root
_HIERARCHY_ROWS = [
    ("FASHION", "Fashion", ""),
    ("FASHION-WOMENS", "Womenswear", "FASHION"),
    ("FASHION-WOMENS-DRESSES", "Women's Dresses", "FASHION-WOMENS"),
    ("FASHION-WOMENS-KNITWEAR", "Women's Knitwear", "FASHION-WOMENS"),
    ("FASHION-MENS", "Menswear", "FASHION"),
    ("FASHION-MENS-SHIRTS", "Men's Shirts", "FASHION-MENS"),
    ("FASHION-MENS-KNITWEAR", "Men's Knitwear", "FASHION-MENS"),
    ("HOME", "Home", ""),
    ("HOME-SOFT-FURNISHINGS", "Soft Furnishings", "HOME"),
    ("HOME-CUSHIONS", "Cushions", "HOME-SOFT-FURNISHINGS"),
    ("HOME-BEDDING", "Bedding", "HOME-SOFT-FURNISHINGS"),
    ("ELECTRICALS", "Electricals", ""),
    ("ELECTRICALS-SMALL-APPLIANCES", "Small Appliances", "ELECTRICALS"),
    ("ELECTRICALS-KETTLES", "Kettles", "ELECTRICALS-SMALL-APPLIANCES"),
    ("ELECTRICALS-TV-AUDIO", "TV & Audio", "ELECTRICALS"),
    ("ELECTRICALS-TVS", "Televisions", "ELECTRICALS-TV-AUDIO"),
]


@dataclass(frozen=True)
class Hierarchy:
    code: str
    label: str
    parent_code: str
    level: int


def _hierarchies() -> dict[str, Hierarchy]:
    found: dict[str, Hierarchy] = {}
    for code, label, parent in _HIERARCHY_ROWS:
        level = found[parent].level + 1 if parent else 1
        found[code] = Hierarchy(code, label, parent, level)
    return found


HIERARCHIES: dict[str, Hierarchy] = _hierarchies()
PARENTS = {h.parent_code for h in HIERARCHIES.values() if h.parent_code}
# Products may only be classified in a leaf (a category without children).
LEAVES = [code for code in HIERARCHIES if code not in PARENTS]


def hierarchy_ancestors(code: str) -> list[str]:
    """``code`` and its parents, root first."""
    chain = []
    while code:
        chain.append(code)
        code = HIERARCHIES[code].parent_code
    return chain[::-1]


def hierarchy_below(code: str | None, max_level: int | None) -> list[Hierarchy]:
    """``code`` and its descendants at most ``max_level`` levels below it (None: all).

    Without ``code`` the roots count as the first level below: ``max_level=1`` is the roots.
    """
    top = HIERARCHIES[code].level if code else 0
    found = []
    for item in HIERARCHIES.values():
        if code and code not in hierarchy_ancestors(item.code):
            continue
        if max_level is not None and item.level - top > max_level:
            continue
        found.append(item)
    return found


# --- VL11 values lists --------------------------------------------------------------------

VALUES_LISTS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "COLOURS": (
        "Colours",
        [
            ("BLACK", "Black"),
            ("WHITE", "White"),
            ("NAVY", "Navy"),
            ("BLUE", "Blue"),
            ("GREY", "Grey"),
            ("RED", "Red"),
            ("GREEN", "Green"),
            ("PINK", "Pink"),
            ("CREAM", "Cream"),
            ("BROWN", "Brown"),
            ("MULTI", "Multi"),
        ],
    ),
    "SIZES_WOMENS": (
        "Women's sizes",
        [(f"UK{size}", f"UK {size}") for size in (8, 10, 12, 14, 16, 18)],
    ),
    "SIZES_MENS": (
        "Men's sizes",
        [("S", "Small"), ("M", "Medium"), ("L", "Large"), ("XL", "Extra Large")],
    ),
    "FABRICS": (
        "Fabrics",
        [
            ("COTTON", "Cotton"),
            ("LINEN", "Linen"),
            ("WOOL", "Wool"),
            ("VELVET", "Velvet"),
            ("SILK", "Silk"),
            ("POLYESTER", "Polyester"),
        ],
    ),
    "ENERGY_RATINGS": ("Energy ratings", [(grade, grade) for grade in "ABCDEFG"]),
}


def values_list_codes(list_code: str) -> set[str]:
    return {code for code, _ in VALUES_LISTS[list_code][1]}


# --- PM11 attributes ----------------------------------------------------------------------

# Role types: the sandbox's choice (unconfirmed: go-live question). The spec gives a role only
# ``type`` and ``parameters``; it names no role type.
ROLE_SHOP_SKU = "SHOP_SKU"
ROLE_CATEGORY = "CATEGORY"
ROLE_TITLE = "TITLE"
ROLE_MAIN_IMAGE = "MAIN_IMAGE"
ROLE_UNIQUE_IDENTIFIER = "UNIQUE_IDENTIFIER"
ROLE_VARIANT_GROUP_CODE = "VARIANT_GROUP_CODE"

DATE_FORMAT = "yyyy-MM-dd"  # shown to sellers; checked as ISO 8601 dates
DECIMAL_PRECISION = "2"


@dataclass(frozen=True)
class Attribute:
    code: str
    label: str
    type: str
    requirement_level: str
    hierarchy_code: str = ""  # "" = shared by every category
    description: str = ""
    values_list: str = ""
    validations: str = ""
    roles: tuple[str, ...] = ()
    variant: bool = False
    example: str | None = None
    type_parameters: tuple[tuple[str, str], ...] = field(default=())

    @property
    def type_parameter(self) -> str:
        """The deprecated single parameter: list code, date format or decimal precision."""
        if self.values_list:
            return self.values_list
        return {"DATE": DATE_FORMAT, "DECIMAL": DECIMAL_PRECISION}.get(self.type, "")

    @property
    def max_length(self) -> int | None:
        for rule in filter(None, self.validations.split(",")):
            name, _, value = rule.partition("|")
            if name == "MAX_LENGTH":
                return int(value)
        return None


def _list(code, label, list_code, level, hierarchy="", **extra) -> Attribute:
    return Attribute(code, label, "LIST", level, hierarchy, values_list=list_code, **extra)


REQ, OPT, REC = "REQUIRED", "OPTIONAL", "RECOMMENDED"
IMAGE_HELP = "An absolute http(s) URL of a .jpg, .jpeg, .png or .webp image"

ATTRIBUTES: list[Attribute] = [
    Attribute("shop_sku", "Shop SKU", "TEXT", REQ, description="The seller's own product SKU",
              validations="MAX_LENGTH|40", roles=(ROLE_SHOP_SKU,), example="JL-SHIRT-OXF-BLU-M"),
    Attribute("category", "Category", "TEXT", REQ, description="A leaf category code (H11)",
              roles=(ROLE_CATEGORY,), example="FASHION-MENS-SHIRTS"),
    Attribute("title", "Product title", "TEXT", REQ, validations="MAX_LENGTH|150",
              roles=(ROLE_TITLE,), example="Oxford Shirt, Blue"),
    Attribute("description", "Description", "LONG_TEXT", REQ, validations="MAX_LENGTH|5000"),
    Attribute("brand", "Brand", "TEXT", REQ, validations="MAX_LENGTH|60"),
    Attribute("ean", "EAN", "TEXT", REQ, description="The 13-digit EAN (GTIN-13)",
              validations="MAX_LENGTH|13", roles=(ROLE_UNIQUE_IDENTIFIER,)),
    Attribute("variant_group_code", "Variant group code", "TEXT", OPT,
              description="The same code on every colour and size of one product",
              validations="MAX_LENGTH|40", roles=(ROLE_VARIANT_GROUP_CODE,)),
    Attribute("main_image", "Main image", "MEDIA", REQ, description=IMAGE_HELP,
              roles=(ROLE_MAIN_IMAGE,)),
    *(Attribute(f"image_{n}", f"Image {n}", "MEDIA", OPT, description=IMAGE_HELP)
      for n in (2, 3, 4)),
    Attribute("weight_kg", "Weight (kg)", "DECIMAL", REC),
    Attribute("jl_range_code", "JL range code", "TEXT", "DISABLED",
              description="Set by the operator's buying team; not for sellers"),
    _list("colour", "Colour", "COLOURS", REQ, "FASHION", variant=True),
    _list("size", "Size", "SIZES_WOMENS", REQ, "FASHION-WOMENS", variant=True),
    _list("size", "Size", "SIZES_MENS", REQ, "FASHION-MENS", variant=True),
    Attribute("material", "Material", "TEXT", REC, "FASHION", validations="MAX_LENGTH|200"),
    Attribute("care_instructions", "Care instructions", "TEXT", OPT, "FASHION",
              validations="MAX_LENGTH|500"),
    _list("colour", "Colour", "COLOURS", REC, "HOME"),
    Attribute("fabric", "Fabric", "LIST_MULTIPLE_VALUES", REC, "HOME", values_list="FABRICS",
              description="One or more fabric codes separated by |"),
    Attribute("width_cm", "Width (cm)", "INTEGER", REQ, "HOME-CUSHIONS"),
    Attribute("height_cm", "Height (cm)", "INTEGER", REQ, "HOME-CUSHIONS"),
    Attribute("power_w", "Power (W)", "INTEGER", REQ, "ELECTRICALS"),
    _list("energy_rating", "Energy rating", "ENERGY_RATINGS", REQ, "ELECTRICALS"),
    Attribute("warranty_years", "Warranty (years)", "INTEGER", REC, "ELECTRICALS"),
    Attribute("release_date", "Release date", "DATE", OPT, "ELECTRICALS", example="2025-09-01",
              type_parameters=(("PATTERN", DATE_FORMAT),)),
    Attribute("capacity_l", "Capacity (litres)", "DECIMAL", REQ, "ELECTRICALS-KETTLES"),
    Attribute("screen_size_in", "Screen size (inches)", "INTEGER", REQ, "ELECTRICALS-TVS"),
]  # fmt: skip


def attribute_type_parameters(attribute: Attribute) -> list[dict[str, str]]:
    pairs = list(attribute.type_parameters)
    if attribute.values_list:
        pairs.insert(0, ("LIST_CODE", attribute.values_list))
    return [{"name": name, "value": value} for name, value in pairs]


def attributes_for_category(code: str) -> dict[str, Attribute]:
    """The attributes a product of category ``code`` may carry: shared ones, then those of
    the category and its parents (the nearest category wins when a code repeats)."""
    chain = hierarchy_ancestors(code)
    found = {a.code: a for a in ATTRIBUTES if not a.hierarchy_code}
    for hierarchy in chain:
        found.update({a.code: a for a in ATTRIBUTES if a.hierarchy_code == hierarchy})
    return found


def attribute_with_role(role: str) -> Attribute:
    return next(a for a in ATTRIBUTES if role in a.roles)


# --- operator-side integration rules (P44) ------------------------------------------------

# Rules the operator's own system applies after the structure check; the values are the
# sandbox's choice (unconfirmed: go-live question).
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
BLOCKED_BRANDS = {"ACME REPLICAS", "FAKEBRAND", "KNOCKOFF CO"}

# Offer conditions the marketplace accepts (OF01 ``state``): "11" is New, the spec's example.
OFFER_STATES = {"11": "New"}
