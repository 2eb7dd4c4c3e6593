"""The rules a catalogue mapping must meet (issue 21), written once for the mapping screens
(forms_catalogue.py) and the mapping file imports (services/catalogue_mappings.py).

Each check is a small function that returns a problem text ("" when the code is fine) or the
code it resolves to. The screens and the files word a problem differently (a screen's field
error speaks to the person at the form, a file's error follows its row number), so every text
comes from a :class:`Wording`: :data:`FILE_WORDING` or :data:`SCREEN_WORDING`. The caller adds
its own context: the row number, or a hint such as "pick a code from the list".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from integration_hub.flows.listing_build import MULTI_SEPARATOR
from integration_hub.flows.listing_rules import AttributeSpec, CatalogueStructure
from integration_hub.models import Requirement

LIST_TYPES = ("LIST", "LIST_MULTIPLE_VALUES")


@dataclass(frozen=True)
class Wording:
    """One ``str.format`` template per problem; the fields name the values each one gets."""

    unknown_category: str  # code
    unknown_attribute: str  # code
    hub_filled: str  # code
    not_in_category: str  # code, category
    disabled: str  # code
    default_too_long: str  # length, code, max_length
    default_not_listed: str  # default, values_list, code
    not_a_list: str  # code, type
    list_not_pulled: str  # values_list, code
    value_not_listed: str  # value, lists (all, comma-joined), first (the first list), code


FILE_WORDING = Wording(
    unknown_category="{code!r} is not a marketplace category",
    unknown_attribute="{code!r} is not a marketplace attribute",
    hub_filled=(
        "attribute {code!r} is filled by the hub (the SKU and its marketplace category); "
        "it takes no mapping"
    ),
    not_in_category="attribute {code!r} does not exist in category {category!r}",
    disabled="attribute {code!r} does not exist in any category (DISABLED)",
    default_too_long="Default is {length} characters long, {code} takes {max_length}",
    default_not_listed="Default {default!r} is not in the value list {values_list} of {code}",
    not_a_list=(
        "{code!r} is a {type} attribute, not a list: value mappings are only for list attributes"
    ),
    list_not_pulled="the value list {values_list!r} of {code!r} was not pulled",
    value_not_listed="{value!r} is not in the value list {first} of {code!r}",
)
SCREEN_WORDING = Wording(
    unknown_category="{code!r} is not a category of the marketplace",
    unknown_attribute="{code!r} is not an attribute of the marketplace",
    hub_filled=(
        "{code!r} is filled in by the hub (the SKU and its marketplace category): it takes "
        "no mapping."
    ),
    not_in_category="{code!r} is not an attribute of category {category} (nor of its parents).",
    disabled="{code!r} is DISABLED in every category.",
    default_too_long="{length} characters: {code} takes at most {max_length}.",
    default_not_listed="{default!r} is not in the value list {values_list} of {code}.",
    not_a_list="{code!r} is a {type} attribute: values are mapped only for LIST attributes.",
    list_not_pulled=(
        "The value list {values_list} of {code} has not been pulled: run `hub sync catalogue`."
    ),
    value_not_listed="{value!r} is not in the value list {lists} of {code}",
)


def mapping_key(text: str) -> str:
    """How a source category or source value is matched: ignoring case and outer spaces."""
    return text.strip().casefold()


def specs_by_code(structure: CatalogueStructure) -> dict[str, list[AttributeSpec]]:
    """Every PM11 definition of each attribute code (shared or of any category, DISABLED ones
    too); an import builds it once, not once per row."""
    index: dict[str, list[AttributeSpec]] = {}
    for specs in structure.attributes.values():
        for spec in specs:
            index.setdefault(spec.code, []).append(spec)
    return index


def list_specs(specs: Sequence[AttributeSpec]) -> list[AttributeSpec]:
    """The definitions whose values come from a value list (VL11)."""
    return [spec for spec in specs if spec.type in LIST_TYPES]


def category_problem(structure: CatalogueStructure, code: str, *, wording: Wording) -> str:
    """An H11 category code the marketplace does not have."""
    return "" if code in structure.categories else wording.unknown_category.format(code=code)


def attribute_problem(code: str, specs: Sequence[AttributeSpec], *, wording: Wording) -> str:
    """An attribute code without a definition (``specs``: the ones the caller counts)."""
    return "" if specs else wording.unknown_attribute.format(code=code)


def hub_filled_problem(structure: CatalogueStructure, code: str, *, wording: Wording) -> str:
    """The SKU and category columns are written by the hub itself, never by a mapping."""
    if code in (structure.sku_column, structure.category_column):
        return wording.hub_filled.format(code=code)
    return ""


def attribute_target(
    structure: CatalogueStructure,
    index: dict[str, list[AttributeSpec]],
    code: str,
    category: str,
    *,
    wording: Wording,
) -> tuple[list[AttributeSpec], str]:
    """(the definitions a mapping of ``code`` feeds, or why there are none): for one category,
    its own, its ancestors' and the shared ones; for "" (every category), every definition;
    DISABLED ones left out either way."""
    if category:
        specs = [spec for spec in structure.attributes_for(category) if spec.code == code]
        why = wording.not_in_category.format(code=code, category=category)
    else:
        specs = [s for s in index.get(code, ()) if s.requirement != Requirement.DISABLED]
        why = wording.disabled.format(code=code)
    return specs, "" if specs else why


def list_code(structure: CatalogueStructure, spec: AttributeSpec, text: str) -> str | None:
    """The code of ``spec``'s value list for ``text``, through a value mapping if one exists."""
    mapped = structure.value_map.get((spec.code, mapping_key(text))) or text
    return structure.value_code(spec.values_list, mapped)


def default_problem(
    default: str,
    specs: Sequence[AttributeSpec],
    structure: CatalogueStructure,
    *,
    wording: Wording,
) -> str:
    """A default must be a value its attribute accepts: short enough, and for a LIST attribute
    a code or label of its value list (or a mapped source value), each one for a multi-value
    list."""
    for spec in specs:
        if spec.max_length is not None and len(default) > spec.max_length:
            return wording.default_too_long.format(
                length=len(default), code=spec.code, max_length=spec.max_length
            )
    lists = list_specs(specs)
    for spec in lists:
        texts = default.split(MULTI_SEPARATOR) if spec.type == "LIST_MULTIPLE_VALUES" else [default]
        if all(list_code(structure, spec, text) for text in texts):
            return ""
    if lists:
        return wording.default_not_listed.format(
            default=default, values_list=lists[0].values_list, code=lists[0].code
        )
    return ""


def not_a_list_problem(
    code: str, specs: Sequence[AttributeSpec], lists: Sequence, *, wording: Wording
) -> str:
    """Values are mapped only for a LIST attribute. ``specs``: the attribute's definitions (at
    least one); ``lists``: the value lists (or LIST definitions) among them the caller uses."""
    return "" if lists else wording.not_a_list.format(code=code, type=specs[0].type)


def list_not_pulled_problem(
    structure: CatalogueStructure, code: str, values_list: str, *, wording: Wording
) -> str:
    """A value list PM11 names but VL11 never returned."""
    if values_list in structure.value_lists:
        return ""
    return wording.list_not_pulled.format(values_list=values_list, code=code)


def value_code(structure: CatalogueStructure, values_lists: Sequence[str], value: str) -> str:
    """The code ``value`` (a code or a label, any case) has in the first of ``values_lists``
    that holds it, or ""."""
    for values_list in values_lists:
        if found := structure.value_code(values_list, value):
            return found
    return ""


def value_not_listed_problem(
    code: str, value: str, values_lists: Sequence[str], *, wording: Wording
) -> str:
    """The text for a value none of the attribute's ``values_lists`` (at least one) holds."""
    return wording.value_not_listed.format(
        value=value, lists=", ".join(values_lists), first=values_lists[0], code=code
    )
