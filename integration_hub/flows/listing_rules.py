"""The marketplace's catalogue rules and the merchandiser's mappings, loaded once per pass.

:func:`structure_for` reads the pulled H11/PM11/VL11 rows and the three mappings of one
integration into plain objects, so building 10,000 SKUs costs a handful of queries
(``flows/listing_build.py`` does the building; it never touches the database).

Attributes of a category are the shared ones (empty ``hierarchy_code``), those of every
ancestor and its own: Mirakl's PM11 "retrieves all attributes for parents and children of the
requested hierarchy", and a child category inherits its parents' attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from integration_hub.models import (
    AttributeMapping,
    CategoryMapping,
    Integration,
    MarketplaceAttribute,
    MarketplaceCategory,
    MarketplaceValueList,
    Requirement,
    ValueMapping,
)

# PM11 gives each attribute its roles but the spec lists no role names. The names below are
# the ones Mirakl's seller documentation uses for the SKU and category columns of a product
# file; unconfirmed for John Lewis: a go-live question (docs/flows/catalogue.md).
ROLE_SHOP_SKU = "SHOP_SKU"
ROLE_CATEGORY = "CATEGORY"
FALLBACK_SKU_COLUMN = "shop_sku"
FALLBACK_CATEGORY_COLUMN = "category"


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    label: str
    level: int
    parent_code: str


@dataclass(frozen=True)
class AttributeSpec:
    """One PM11 attribute as the builder needs it."""

    code: str
    label: str
    category: str
    requirement: str
    type: str
    values_list: str = ""
    variant: bool = False
    roles: tuple[str, ...] = ()
    max_length: int | None = None
    min_length: int | None = None
    description: str = ""
    example: str = ""

    @property
    def required(self) -> bool:
        return self.requirement == Requirement.REQUIRED

    @property
    def recommended(self) -> bool:
        return self.requirement == Requirement.RECOMMENDED


@dataclass(frozen=True)
class FieldRule:
    """Where an attribute's value comes from: a source field (optionally ``name[n]``, the n-th
    of a multi-valued field) and a default sent when that field is empty."""

    source_field: str
    default: str = ""


@dataclass
class CatalogueStructure:
    categories: dict[str, CategoryInfo] = field(default_factory=dict)
    attributes: dict[str, list[AttributeSpec]] = field(default_factory=dict)  # by category
    value_lists: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    category_map: dict[str, str] = field(default_factory=dict)  # casefolded source -> code
    field_rules: dict[tuple[str, str], FieldRule] = field(default_factory=dict)
    value_map: dict[tuple[str, str], str] = field(default_factory=dict)
    _for_category: dict[str, list[AttributeSpec]] = field(default_factory=dict, repr=False)
    _value_index: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    @property
    def pulled(self) -> bool:
        return bool(self.categories)

    def attributes_for(self, category_code: str) -> list[AttributeSpec]:
        """Shared + every ancestor's + the category's own attributes (one per code, the most
        specific wins), DISABLED ones left out."""
        if category_code not in self._for_category:
            by_code: dict[str, AttributeSpec] = {}
            for level in [""] + self._lineage(category_code):
                for spec in self.attributes.get(level, ()):
                    by_code[spec.code] = spec
            self._for_category[category_code] = [
                spec for spec in by_code.values() if spec.requirement != Requirement.DISABLED
            ]
        return self._for_category[category_code]

    def _lineage(self, code: str) -> list[str]:
        """Root first, ``code`` last; stops on a loop or an unknown parent."""
        chain: list[str] = []
        while code and code in self.categories and code not in chain:
            chain.append(code)
            code = self.categories[code].parent_code
        return list(reversed(chain))

    def attribute_codes(self) -> set[str]:
        return {spec.code for specs in self.attributes.values() for spec in specs}

    def value_choices(self, values_list_code: str) -> list[tuple[str, str]]:
        return list(self.value_lists.get(values_list_code, ()))

    def value_code(self, values_list_code: str, text: str) -> str | None:
        """The list's code for ``text``, matched on a code or a label, ignoring case."""
        index = self._value_index.get(values_list_code)
        if index is None:
            index = {}
            for code, label in self.value_lists.get(values_list_code, ()):
                index.setdefault(label.casefold(), code)
            for code, _label in self.value_lists.get(values_list_code, ()):
                index[code.casefold()] = code
            self._value_index[values_list_code] = index
        return index.get(text.strip().casefold())

    def category_for(self, source_categories) -> str:
        """The marketplace category of the first mapped source category, or ""."""
        for name in source_categories or ():
            code = self.category_map.get(str(name).strip().casefold())
            if code:
                return code
        return ""

    def field_rule(self, attribute: str, category: str) -> FieldRule | None:
        """The mapping for this attribute in this category; one for every category otherwise."""
        return self.field_rules.get((attribute, category)) or self.field_rules.get((attribute, ""))

    def column_with_role(self, role: str, fallback: str) -> str:
        for spec in self.attributes.get("", ()):
            if role in spec.roles:
                return spec.code
        for specs in self.attributes.values():
            for spec in specs:
                if role in spec.roles:
                    return spec.code
        return fallback

    @property
    def sku_column(self) -> str:
        return self.column_with_role(ROLE_SHOP_SKU, FALLBACK_SKU_COLUMN)

    @property
    def category_column(self) -> str:
        return self.column_with_role(ROLE_CATEGORY, FALLBACK_CATEGORY_COLUMN)


def _int_or_none(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def attribute_spec(row: MarketplaceAttribute) -> AttributeSpec:
    limits = {**(row.type_parameters or {}), **(row.validations or {})}
    return AttributeSpec(
        code=row.code,
        label=row.label,
        category=row.hierarchy_code,
        requirement=row.requirement_level,
        type=row.type.upper(),
        values_list=row.values_list,
        variant=row.variant,
        roles=tuple(row.roles or ()),
        max_length=_int_or_none(limits.get("MAX_LENGTH")),
        min_length=_int_or_none(limits.get("MIN_LENGTH")),
        description=row.description,
        example=row.example,
    )


def structure_for(integration: Integration) -> CatalogueStructure:
    """The integration's pulled structure and its mappings (six queries)."""
    structure = CatalogueStructure()
    for row in MarketplaceCategory.objects.filter(integration=integration):
        structure.categories[row.code] = CategoryInfo(
            row.code, row.label, row.level, row.parent_code
        )
    for row in MarketplaceAttribute.objects.filter(integration=integration):
        structure.attributes.setdefault(row.hierarchy_code, []).append(attribute_spec(row))
    for row in MarketplaceValueList.objects.filter(integration=integration):
        structure.value_lists[row.code] = [(str(c), str(label)) for c, label in row.values]
    for source, code in CategoryMapping.objects.filter(integration=integration).values_list(
        "source_category", "marketplace_category"
    ):
        structure.category_map[source.strip().casefold()] = code
    for row in AttributeMapping.objects.filter(integration=integration):
        structure.field_rules[(row.marketplace_attribute, row.marketplace_category)] = FieldRule(
            row.source_field.strip(), row.default
        )
    for attribute, source, code in ValueMapping.objects.filter(integration=integration).values_list(
        "marketplace_attribute", "source_value", "marketplace_value"
    ):
        structure.value_map[(attribute, source.strip().casefold())] = code
    return structure
