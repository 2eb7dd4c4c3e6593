"""Building and validating one SKU's product record against its category (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integration_hub.flows.listing_build import field_value, listing_build
from integration_hub.flows.listing_rules import (
    AttributeSpec,
    CatalogueStructure,
    CategoryInfo,
    FieldRule,
)


def _spec(code, category="", requirement="OPTIONAL", type_="TEXT", **kw):
    return AttributeSpec(code=code, label=code.title(), category=category,
                         requirement=requirement, type=type_, **kw)  # fmt: skip


@pytest.fixture
def structure() -> CatalogueStructure:
    s = CatalogueStructure()
    s.categories = {
        "FASHION": CategoryInfo("FASHION", "Fashion", 1, ""),
        "DRESSES": CategoryInfo("DRESSES", "Dresses", 2, "FASHION"),
        "KETTLES": CategoryInfo("KETTLES", "Kettles", 1, ""),
    }
    s.attributes = {
        "": [
            _spec("shop_sku", requirement="REQUIRED", roles=("SHOP_SKU",)),
            _spec("category", requirement="REQUIRED", roles=("CATEGORY",)),
            _spec("title", requirement="REQUIRED", max_length=20),
            _spec("main_image", requirement="REQUIRED", type_="MEDIA"),
            _spec("ean", requirement="REQUIRED"),
            _spec("weight_kg", requirement="RECOMMENDED", type_="DECIMAL"),
        ],
        "FASHION": [_spec("colour", "FASHION", "REQUIRED", "LIST", values_list="COLOURS")],
        "DRESSES": [
            _spec("size", "DRESSES", "REQUIRED", "LIST", values_list="SIZES"),
            _spec("fabric", "DRESSES", "OPTIONAL", "LIST_MULTIPLE_VALUES", values_list="FABRICS"),
        ],
        "KETTLES": [
            _spec("power_w", "KETTLES", "REQUIRED", "INTEGER"),
            _spec("release_date", "KETTLES", "OPTIONAL", "DATE"),
            _spec("legacy", "KETTLES", "DISABLED"),
        ],
    }
    s.value_lists = {
        "COLOURS": [("BLACK", "Black"), ("NAVY", "Navy")],
        "SIZES": [("UK10", "UK 10"), ("UK12", "UK 12")],
        "FABRICS": [("COTTON", "Cotton"), ("LINEN", "Linen")],
    }
    s.category_map = {"women / dresses": "DRESSES", "kettles": "KETTLES"}
    s.field_rules = {
        ("title", ""): FieldRule("name"),
        ("main_image", ""): FieldRule("media_gallery[1]"),
        ("ean", ""): FieldRule("ean"),
        ("colour", ""): FieldRule("color"),
        ("size", "DRESSES"): FieldRule("size"),
        ("fabric", ""): FieldRule("material"),
        ("weight_kg", ""): FieldRule("weight"),
        ("power_w", ""): FieldRule("power", default="2000"),
        ("release_date", ""): FieldRule("released"),
    }
    s.value_map = {("colour", "midnight"): "NAVY"}
    return s


def _item(**content):
    categories = content.pop("categories", ["Women", "Women / Dresses"])
    return {
        "sku": "DR-1",
        "ean": "5012345678900",
        "title": "hub title",
        "price": Decimal("49.00"),
        "source_content": content,
        "source_categories": categories,
        "sheet_content": content.pop("sheet", {}) if "sheet" in content else {},
    }


def _dress(**overrides):
    content = {
        "name": "Linen dress",
        "media_gallery": ["https://cdn.example.com/a.jpg", "https://cdn.example.com/b.jpg"],
        "color": "Navy",
        "size": "uk 10",
        "material": ["Cotton", "linen"],
        "weight": "0.4",
    }
    content.update(overrides)
    return _item(**{k: v for k, v in content.items() if v is not None})


def _kinds(built):
    return {(p["attribute"], p["kind"]) for p in built.problems}


def test_a_complete_dress_builds_with_list_codes_and_inherited_attributes(structure):
    built = listing_build(_dress(), structure)
    assert not built.blocked and built.problems == []
    assert built.category == "DRESSES"
    assert built.record == {
        "shop_sku": "DR-1",
        "category": "DRESSES",
        "title": "Linen dress",
        "main_image": "https://cdn.example.com/a.jpg",
        "ean": "5012345678900",
        "weight_kg": "0.4",
        "colour": "NAVY",  # the label matched, case-insensitively
        "size": "UK10",
        "fabric": "COTTON|LINEN",
    }


def test_value_mapping_wins_over_the_list(structure):
    assert listing_build(_dress(color="Midnight"), structure).record["colour"] == "NAVY"


def test_every_missing_required_attribute_is_named_and_recommended_ones_warn(structure):
    built = listing_build(_dress(color=None, size=None, weight=None), structure)
    assert built.blocked
    assert _kinds(built) == {("colour", "missing"), ("size", "missing"), ("weight_kg", "warning")}


@pytest.mark.parametrize(
    ("overrides", "attribute"),
    [
        ({"color": "Purple"}, "colour"),
        ({"material": ["Cotton", "Silk"]}, "fabric"),
        ({"name": "A dress with a name far too long"}, "title"),
        ({"media_gallery": ["/m/b/mb01.jpg"]}, "main_image"),
        ({"weight": "heavy"}, "weight_kg"),
    ],
)
def test_invalid_values_block_the_sku(structure, overrides, attribute):
    built = listing_build(_dress(**overrides), structure)
    assert built.blocked
    assert (attribute, "invalid") in _kinds(built)


def test_bad_ean_check_digit_is_invalid(structure):
    item = _dress()
    item["ean"] = "5012345678901"
    assert ("ean", "invalid") in _kinds(listing_build(item, structure))


def test_number_date_default_and_disabled(structure):
    item = _item(name="Kettle", media_gallery=["https://x.example/k.png"], categories=["Kettles"])
    built = listing_build(item, structure)
    assert built.record["power_w"] == "2000"  # the mapping's default
    assert "legacy" not in built.record
    item["source_content"].update(power="2.2kW", released="13/01/2026")
    assert _kinds(listing_build(item, structure)) == {
        ("power_w", "invalid"),
        ("release_date", "invalid"),
        ("weight_kg", "warning"),
    }


def test_no_mapped_category_and_unknown_category(structure):
    built = listing_build(_dress(categories=["Sale"]), structure)
    assert built.blocked and built.category == ""
    assert ("category", "missing") in _kinds(built)
    item = _dress()
    item["sheet_content"] = {"category": "NOPE"}
    assert ("category", "invalid") in _kinds(listing_build(item, structure))


def test_the_spreadsheet_wins_over_the_source(structure):
    item = _dress(color=None)
    item["sheet_content"] = {"colour": "black", "title": "Sheet title"}
    built = listing_build(item, structure)
    assert built.record["colour"] == "BLACK" and built.record["title"] == "Sheet title"
    assert not built.blocked


def test_record_hash_follows_the_record(structure):
    first = listing_build(_dress(), structure)
    assert first.record_hash == listing_build(_dress(), structure).record_hash
    assert first.record_hash != listing_build(_dress(name="Other"), structure).record_hash


def test_field_value_index():
    content = {"images": ["a", "b"], "name": "x"}
    assert field_value(content, "images[2]") == "b"
    assert field_value(content, "images[3]") is None
    assert field_value(content, "name[1]") == "x"
    assert field_value(content, "nope") is None
