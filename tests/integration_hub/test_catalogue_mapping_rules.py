"""The catalogue mapping rules the screens and the file imports share (issue 21)."""

from __future__ import annotations

import pytest

from integration_hub.flows.listing_rules import AttributeSpec, CatalogueStructure, CategoryInfo
from integration_hub.services.catalogue_mapping_rules import (
    FILE_WORDING,
    SCREEN_WORDING,
    attribute_problem,
    attribute_target,
    category_problem,
    default_problem,
    hub_filled_problem,
    list_code,
    list_not_pulled_problem,
    list_specs,
    mapping_key,
    not_a_list_problem,
    specs_by_code,
    value_code,
    value_not_listed_problem,
)


def _spec(code: str, category: str = "", **extra) -> AttributeSpec:
    values = {"label": code.title(), "requirement": "OPTIONAL", "type": "TEXT", **extra}
    return AttributeSpec(code=code, category=category, **values)


def _structure() -> CatalogueStructure:
    categories = {
        "CLOTHING": CategoryInfo(code="CLOTHING", label="Clothing", level=1, parent_code=""),
        "DRESSES": CategoryInfo(code="DRESSES", label="Dresses", level=2, parent_code="CLOTHING"),
        "HOME": CategoryInfo(code="HOME", label="Home", level=1, parent_code=""),
    }
    attributes = {
        "": [
            _spec("shop_sku", roles=("SHOP_SKU",)),
            _spec("category", roles=("CATEGORY",)),
            _spec("title", max_length=10),
            _spec("legacy", requirement="DISABLED"),
        ],
        "CLOTHING": [_spec("colour", "CLOTHING", type="LIST", values_list="COLOURS")],
        "DRESSES": [
            _spec("size", "DRESSES", type="LIST_MULTIPLE_VALUES", values_list="SIZES"),
            _spec("pattern", "DRESSES", type="LIST", values_list="PATTERNS"),
        ],
    }
    value_lists = {
        "COLOURS": [("blue", "Blue"), ("red", "Red")],
        "SIZES": [("s", "Small"), ("m", "Medium")],
    }
    value_map = {("colour", "navy"): "blue"}
    return CatalogueStructure(
        categories=categories, attributes=attributes, value_lists=value_lists, value_map=value_map
    )


def test_mapping_key_ignores_case_and_outer_spaces():
    assert mapping_key("  Summer DRESSES ") == "summer dresses"
    assert mapping_key("Straße") == mapping_key("STRASSE")  # casefold, not lower


def test_specs_by_code_keeps_every_definition_disabled_too():
    index = specs_by_code(_structure())
    assert set(index) == {"shop_sku", "category", "title", "legacy", "colour", "size", "pattern"}
    assert [spec.requirement for spec in index["legacy"]] == ["DISABLED"]


def test_unknown_category_in_both_wordings():
    structure = _structure()
    assert category_problem(structure, "DRESSES", wording=FILE_WORDING) == ""
    assert category_problem(structure, "SHOES", wording=FILE_WORDING) == (
        "'SHOES' is not a marketplace category"
    )
    assert category_problem(structure, "SHOES", wording=SCREEN_WORDING) == (
        "'SHOES' is not a category of the marketplace"
    )


def test_unknown_attribute_is_one_without_definitions():
    index = specs_by_code(_structure())
    assert attribute_problem("title", index.get("title", []), wording=FILE_WORDING) == ""
    assert attribute_problem("nope", index.get("nope", []), wording=FILE_WORDING) == (
        "'nope' is not a marketplace attribute"
    )
    assert attribute_problem("nope", [], wording=SCREEN_WORDING) == (
        "'nope' is not an attribute of the marketplace"
    )


@pytest.mark.parametrize("code", ["shop_sku", "category"])
def test_the_sku_and_category_columns_take_no_mapping(code):
    structure = _structure()
    assert hub_filled_problem(structure, code, wording=FILE_WORDING) == (
        f"attribute '{code}' is filled by the hub (the SKU and its marketplace category); "
        "it takes no mapping"
    )
    assert "is filled in by the hub" in hub_filled_problem(structure, code, wording=SCREEN_WORDING)
    assert hub_filled_problem(structure, "title", wording=FILE_WORDING) == ""


def test_attribute_target_reaches_a_category_through_its_parents():
    structure = _structure()
    index = specs_by_code(structure)
    specs, why = attribute_target(structure, index, "colour", "DRESSES", wording=FILE_WORDING)
    assert (why, [spec.category for spec in specs]) == ("", ["CLOTHING"])
    specs, why = attribute_target(structure, index, "size", "HOME", wording=FILE_WORDING)
    assert (specs, why) == ([], "attribute 'size' does not exist in category 'HOME'")
    _specs, why = attribute_target(structure, index, "size", "HOME", wording=SCREEN_WORDING)
    assert why == "'size' is not an attribute of category HOME (nor of its parents)."


def test_attribute_target_for_every_category_leaves_disabled_out():
    structure = _structure()
    index = specs_by_code(structure)
    specs, why = attribute_target(structure, index, "size", "", wording=FILE_WORDING)
    assert (why, [spec.code for spec in specs]) == ("", ["size"])
    specs, why = attribute_target(structure, index, "legacy", "", wording=FILE_WORDING)
    assert (specs, why) == ([], "attribute 'legacy' does not exist in any category (DISABLED)")
    _specs, why = attribute_target(structure, index, "legacy", "", wording=SCREEN_WORDING)
    assert why == "'legacy' is DISABLED in every category."


def test_default_too_long():
    structure = _structure()
    title = specs_by_code(structure)["title"]
    assert default_problem("x" * 10, title, structure, wording=FILE_WORDING) == ""
    assert default_problem("x" * 11, title, structure, wording=FILE_WORDING) == (
        "Default is 11 characters long, title takes 10"
    )
    assert default_problem("x" * 11, title, structure, wording=SCREEN_WORDING) == (
        "11 characters: title takes at most 10."
    )


def test_default_must_be_in_the_value_list_or_a_mapped_value():
    structure = _structure()
    colour = specs_by_code(structure)["colour"]
    assert default_problem("RED", colour, structure, wording=FILE_WORDING) == ""  # a code
    assert default_problem("Navy", colour, structure, wording=FILE_WORDING) == ""  # mapped
    assert default_problem("Mauve", colour, structure, wording=FILE_WORDING) == (
        "Default 'Mauve' is not in the value list COLOURS of colour"
    )
    assert default_problem("Mauve", colour, structure, wording=SCREEN_WORDING) == (
        "'Mauve' is not in the value list COLOURS of colour."
    )


def test_a_multi_value_default_needs_every_value_in_the_list():
    structure = _structure()
    size = specs_by_code(structure)["size"]
    assert default_problem("Small|m", size, structure, wording=FILE_WORDING) == ""
    assert "not in the value list SIZES" in default_problem(
        "Small|XL", size, structure, wording=FILE_WORDING
    )


def test_list_code_goes_through_the_value_mapping():
    structure = _structure()
    colour = specs_by_code(structure)["colour"][0]
    assert list_code(structure, colour, " NAVY ") == "blue"
    assert list_code(structure, colour, "Red") == "red"
    assert list_code(structure, colour, "Mauve") is None


def test_values_are_mapped_only_for_list_attributes():
    index = specs_by_code(_structure())
    title, colour = index["title"], index["colour"]
    assert list_specs(title) == [] and list_specs(colour) == colour
    assert not_a_list_problem("colour", colour, list_specs(colour), wording=FILE_WORDING) == ""
    assert not_a_list_problem("title", title, [], wording=FILE_WORDING) == (
        "'title' is a TEXT attribute, not a list: value mappings are only for list attributes"
    )
    assert not_a_list_problem("title", title, [], wording=SCREEN_WORDING) == (
        "'title' is a TEXT attribute: values are mapped only for LIST attributes."
    )


def test_a_value_list_never_pulled():
    structure = _structure()
    assert list_not_pulled_problem(structure, "colour", "COLOURS", wording=FILE_WORDING) == ""
    assert list_not_pulled_problem(structure, "pattern", "PATTERNS", wording=FILE_WORDING) == (
        "the value list 'PATTERNS' of 'pattern' was not pulled"
    )
    assert "PATTERNS" in list_not_pulled_problem(
        structure, "pattern", "PATTERNS", wording=SCREEN_WORDING
    )


def test_value_code_takes_a_code_or_a_label_from_the_first_list_holding_it():
    structure = _structure()
    assert value_code(structure, ["COLOURS"], " Blue ") == "blue"
    assert value_code(structure, ["COLOURS", "SIZES"], "MEDIUM") == "m"
    assert value_code(structure, ["COLOURS"], "Mauve") == ""
    assert value_code(structure, ["PATTERNS"], "Plain") == ""  # never pulled: nothing matches


def test_value_not_listed_names_the_first_list_in_files_and_all_on_screens():
    lists = ["COLOURS", "SIZES"]
    assert value_not_listed_problem("colour", "XL", lists, wording=FILE_WORDING) == (
        "'XL' is not in the value list COLOURS of 'colour'"
    )
    assert value_not_listed_problem("colour", "XL", lists, wording=SCREEN_WORDING) == (
        "'XL' is not in the value list COLOURS, SIZES of colour"
    )
