"""Catalogue mappings as files: categories, attributes and values (issue 21)."""

from __future__ import annotations

import openpyxl
import pytest
from django.utils import timezone

from integration_hub.models import (
    AttributeMapping,
    CategoryMapping,
    ListingStatus,
    MarketplaceAttribute,
    MarketplaceCategory,
    MarketplaceValueList,
    Product,
    ValueMapping,
)
from integration_hub.services.carrier_mappings import ImportRejected
from integration_hub.services.catalogue_mappings import (
    NOT_PULLED,
    attribute_mappings_export,
    attribute_mappings_import,
    category_mappings_export,
    category_mappings_import,
    fields_carried,
    value_mappings_export,
    value_mappings_import,
)
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db

ATTRIBUTES = [
    # code, category, requirement, type, extra
    ("shop_sku", "", "REQUIRED", "TEXT", {"roles": ["SHOP_SKU"]}),
    ("category", "", "REQUIRED", "TEXT", {"roles": ["CATEGORY"]}),
    ("title", "", "REQUIRED", "TEXT", {"validations": {"MAX_LENGTH": "40"}, "label": "Title"}),
    ("ean", "", "REQUIRED", "TEXT", {"label": "EAN"}),
    ("main_image", "", "RECOMMENDED", "MEDIA", {"label": "Main image"}),
    ("colour", "FASHION", "REQUIRED", "LIST", {"values_list": "COLOURS", "label": "Colour"}),
    ("size", "DRESSES", "REQUIRED", "LIST", {"values_list": "SIZES", "label": "Size"}),
    ("fabric", "DRESSES", "OPTIONAL", "LIST_MULTIPLE_VALUES", {"values_list": "FABRICS"}),
    ("legacy", "DRESSES", "DISABLED", "TEXT", {}),
    ("power_w", "KETTLES", "REQUIRED", "INTEGER", {"label": "Power (W)"}),
]
VALUE_LISTS = {
    "COLOURS": [["BLACK", "Black"], ["NAVY", "Navy"], ["RED", "Red"]],
    "SIZES": [["UK10", "UK 10"], ["UK12", "UK 12"]],
    "FABRICS": [["COTTON", "Cotton"], ["LINEN", "Linen"]],
}


def catalogue_seed(integration) -> None:
    """A small John-Lewis-like structure (H11/PM11/VL11 rows) and three products."""
    now = timezone.now()
    for code, label, level, parent in [
        ("FASHION", "Fashion", 1, ""),
        ("DRESSES", "Dresses", 2, "FASHION"),
        ("KETTLES", "Kettles", 1, ""),
    ]:
        MarketplaceCategory.objects.create(
            integration=integration,
            code=code,
            label=label,
            level=level,
            parent_code=parent,
            fetched_at=now,
        )
    for code, category, requirement, type_, extra in ATTRIBUTES:
        MarketplaceAttribute.objects.create(
            integration=integration,
            code=code,
            hierarchy_code=category,
            requirement_level=requirement,
            type=type_,
            fetched_at=now,
            **extra,
        )
    for code, values in VALUE_LISTS.items():
        MarketplaceValueList.objects.create(
            integration=integration, code=code, values=values, fetched_at=now
        )
    content = {"name": "Linen dress", "color": "Midnight", "size": "UK 10", "material": "Linen"}
    for sku, ean, categories, source in [
        ("DR-1", "5012345678900", ["Women / Dresses"], content),
        ("DR-2", "96385074", ["Women / Dresses"], {**content, "color": "Red"}),
        ("KT-1", "4006381333931", ["Kettles"], {"name": "Kettle", "power": "3000"}),
    ]:
        Product.objects.create(
            integration=integration,
            sku=sku,
            offer_sku=sku,
            ean=ean,
            title=source["name"],
            source_content=source,
            source_categories=categories,
        )


@pytest.fixture
def integration():
    integration = integration_make()
    catalogue_seed(integration)
    return integration


def write(tmp_path, text, name="mappings.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_categories_import_maps_skus_and_refreshes_the_listings(integration, tmp_path):
    path = write(
        tmp_path,
        "Source category,Marketplace category\nWomen / Dresses,DRESSES\nKettles,KETTLES\n",
    )
    report = category_mappings_import(integration, path)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert report.listings[ListingStatus.INCOMPLETE] == 3  # categories only: attributes missing
    assert Product.objects.get(sku="DR-1").listing_category == "DRESSES"
    path = write(tmp_path, "source category,marketplace category\nKETTLES,FASHION\n")
    report = category_mappings_import(integration, path)
    assert (report.created, report.updated) == (0, 1)  # matched ignoring case, like the builder
    mapping = CategoryMapping.objects.get(marketplace_category="FASHION")
    assert (mapping.source_category, CategoryMapping.objects.count()) == ("KETTLES", 2)
    assert mapping.history.first().history_change_reason == "Category mappings import"


def test_categories_bad_rows_reject_the_whole_file(integration, tmp_path):
    path = write(
        tmp_path,
        "Source category,Marketplace category\n"
        "Dresses,DRESSES\nShoes,SHOES\n,KETTLES\nKettles,\ndresses,FASHION\n"
        f"{'x' * 300},KETTLES\n",
    )
    with pytest.raises(ImportRejected) as rejected:
        category_mappings_import(integration, path)
    assert rejected.value.errors == [
        "row 3: 'SHOES' is not a marketplace category (run `hub sync catalogue` if it is new)",
        "row 4: Source category is empty",
        "row 5: Marketplace category is empty",
        "row 6: same source category as row 2",
        "row 7: Source category is 300 characters long, at most 255",
    ]
    assert not CategoryMapping.objects.exists()


def test_an_import_before_the_structure_was_pulled_is_refused(tmp_path):
    integration = integration_make("fresh")
    path = write(tmp_path, "Source category,Marketplace category\nDresses,DRESSES\n")
    with pytest.raises(ImportRejected) as rejected:
        category_mappings_import(integration, path)
    assert rejected.value.errors == [NOT_PULLED]
    assert "run `hub sync catalogue` first" in NOT_PULLED


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Source category,Category\n", "row 1: missing column(s) marketplace category"),
        ("Source category,Marketplace category,Notes\n", "row 1: unknown column(s) notes"),
    ],
)
def test_wrong_columns_are_refused(integration, tmp_path, header, message):
    with pytest.raises(ImportRejected) as rejected:
        category_mappings_import(integration, write(tmp_path, header + "Dresses,DRESSES\n"))
    assert rejected.value.errors[0].startswith(message)


def test_attributes_import_with_warning_for_a_field_no_product_has(integration, tmp_path):
    CategoryMapping.objects.create(
        integration=integration, source_category="Women / Dresses", marketplace_category="DRESSES"
    )
    path = write(
        tmp_path,
        "Marketplace attribute,Source field,Marketplace category,Default\n"
        "title,name,,\nean,ean,,\ncolour,color,,\nsize,size,DRESSES,\n"
        "main_image,media_gallery[1],,\nfabric,,DRESSES,Linen|COTTON\n",
    )
    report = attribute_mappings_import(integration, path)
    assert report.created == 6
    assert report.warnings == [
        "row 6: no product carries source field 'media_gallery' (0 of 3 products); saved, it "
        "gives nothing until the source has it (`hub mappings export attributes --fields` "
        "lists the fields)"
    ]
    assert AttributeMapping.objects.get(marketplace_attribute="main_image").source_field == (
        "media_gallery[1]"
    )
    dress = Product.objects.get(sku="DR-2")
    assert dress.listing_status == ListingStatus.READY
    assert dress.listing_record["fabric"] == "LINEN|COTTON"
    # DR-1's colour "Midnight" is not in the list until a value mapping says what it is
    dr1 = Product.objects.get(sku="DR-1")
    assert dr1.listing_status == ListingStatus.INCOMPLETE
    assert [p["attribute"] for p in dr1.listing_problems if p["kind"] == "invalid"] == ["colour"]


def test_attributes_bad_rows(integration, tmp_path):
    path = write(
        tmp_path,
        "Marketplace attribute,Source field,Marketplace category,Default\n"
        "nope,name,,\n"  # 2: unknown attribute
        "size,size,KETTLES,\n"  # 3: not an attribute of that category
        "title,name,SHOES,\n"  # 4: unknown category
        "colour,,,PURPLE\n"  # 5: default not in the value list
        "title,,,\n"  # 6: maps nothing
        "shop_sku,code,,\n"  # 7: the hub fills it
        "legacy,name,,\n"  # 8: disabled everywhere
        "colour,color,FASHION,\n"
        "colour,colour,FASHION,\n"  # 10: twice
        f"title,,KETTLES,{'T' * 41}\n",  # 11: longer than the attribute takes
    )
    with pytest.raises(ImportRejected) as rejected:
        attribute_mappings_import(integration, path)
    assert rejected.value.errors == [
        "row 2: 'nope' is not a marketplace attribute",
        "row 3: attribute 'size' does not exist in category 'KETTLES'",
        "row 4: 'SHOES' is not a marketplace category",
        "row 5: Default 'PURPLE' is not in the value list COLOURS of colour",
        "row 6: give a Source field, a Default, or both",
        "row 7: attribute 'shop_sku' is filled by the hub (the SKU and its marketplace "
        "category); it takes no mapping",
        "row 8: attribute 'legacy' does not exist in any category (DISABLED)",
        "row 10: same marketplace attribute and category as row 9",
        "row 11: Default is 41 characters long, title takes 40",
    ]
    assert not AttributeMapping.objects.exists()


def test_a_default_for_a_list_may_be_a_label_or_a_mapped_value(integration, tmp_path):
    ValueMapping.objects.create(
        integration=integration,
        marketplace_attribute="colour",
        source_value="midnight",
        marketplace_value="NAVY",
    )
    path = write(
        tmp_path,
        "marketplace attribute,source field,default\ncolour,color,navy\nsize,size,Midnight\n",
    )
    with pytest.raises(ImportRejected) as rejected:
        attribute_mappings_import(integration, path)
    assert rejected.value.errors == [
        "row 3: Default 'Midnight' is not in the value list SIZES of size"
    ]


def test_fields_carried_counts_products_and_the_sku_map_columns(integration):
    carried = dict(fields_carried(integration))
    assert carried["name"] == 3
    assert carried["color"] == 2
    assert carried["power"] == 1
    assert (carried["sku"], carried["ean"], carried["title"], carried["price"]) == (3, 3, 3, 0)


def test_values_import_stores_the_code_and_fixes_the_listing(integration, tmp_path):
    CategoryMapping.objects.create(
        integration=integration, source_category="Women / Dresses", marketplace_category="DRESSES"
    )
    for code, source in [("title", "name"), ("ean", "ean"), ("colour", "color"), ("size", "size")]:
        AttributeMapping.objects.create(
            integration=integration, marketplace_attribute=code, source_field=source
        )
    path = write(
        tmp_path,
        "Marketplace attribute,Source value,Marketplace value\ncolour,Midnight,navy\n",
    )
    report = value_mappings_import(integration, path)
    assert report.created == 1
    assert ValueMapping.objects.get().marketplace_value == "NAVY"  # the label matched: its code
    dr1 = Product.objects.get(sku="DR-1")
    assert (dr1.listing_status, dr1.listing_record["colour"]) == (ListingStatus.READY, "NAVY")
    report = value_mappings_import(integration, path)
    assert report.unchanged == 1
    mapping = ValueMapping.objects.get()
    assert mapping.history.count() == 1
    assert mapping.history.first().history_change_reason == "Value mappings import"


def test_values_bad_rows(integration, tmp_path):
    MarketplaceAttribute.objects.create(
        integration=integration,
        code="pattern",
        hierarchy_code="FASHION",
        type="LIST",
        values_list="PATTERNS",
        fetched_at=timezone.now(),
    )
    path = write(
        tmp_path,
        "Marketplace attribute,Source value,Marketplace value\n"
        "colour,Midnight,PURPLE\n"  # 2: not in the list
        "title,Linen dress,LINEN\n"  # 3: not a list attribute
        "nope,a,b\n"  # 4: unknown attribute
        "colour,,NAVY\n"  # 5: empty source value
        "colour,Ink,\n"  # 6: empty marketplace value
        "pattern,Striped,STRIPES\n"  # 7: the list was never pulled
        "fabric,linen,LINEN\n"
        "fabric,LINEN,COTTON\n",  # 9: same source value, ignoring case
    )
    with pytest.raises(ImportRejected) as rejected:
        value_mappings_import(integration, path)
    assert rejected.value.errors == [
        "row 2: 'PURPLE' is not in the value list COLOURS of 'colour'",
        "row 3: 'title' is a TEXT attribute, not a list: value mappings are only for list "
        "attributes",
        "row 4: 'nope' is not a marketplace attribute",
        "row 5: Source value is empty",
        "row 6: Marketplace value is empty",
        "row 7: the value list 'PATTERNS' of 'pattern' was not pulled",
        "row 9: same marketplace attribute and source value as row 8",
    ]
    assert not ValueMapping.objects.exists()


def test_exports_round_trip_and_escape_formulas(integration, tmp_path):
    CategoryMapping.objects.create(
        integration=integration, source_category="=HYPERLINK(x)", marketplace_category="DRESSES"
    )
    AttributeMapping.objects.create(
        integration=integration,
        marketplace_attribute="power_w",
        source_field="power",
        marketplace_category="KETTLES",
        default="2000",
    )
    ValueMapping.objects.create(
        integration=integration,
        marketplace_attribute="colour",
        source_value="Ink",
        marketplace_value="NAVY",
    )
    exports = [
        (category_mappings_export, category_mappings_import, "categories.xlsx"),
        (attribute_mappings_export, attribute_mappings_import, "attributes.xlsx"),
        (value_mappings_export, value_mappings_import, "values.csv"),
    ]
    for export, import_, name in exports:
        assert export(integration, tmp_path / name) == 1
        assert import_(integration, tmp_path / name).unchanged == 1
    rows = list(openpyxl.load_workbook(tmp_path / "categories.xlsx").active.values)
    assert rows == [("Source category", "Marketplace category"), ("'=HYPERLINK(x)", "DRESSES")]
    rows = list(openpyxl.load_workbook(tmp_path / "attributes.xlsx").active.values)
    assert rows[0] == ("Marketplace attribute", "Source field", "Marketplace category", "Default")
    assert rows[1] == ("power_w", "power", "KETTLES", "2000")
    assert (tmp_path / "values.csv").read_text().splitlines() == [
        "Marketplace attribute,Source value,Marketplace value",
        "colour,Ink,NAVY",
    ]


def test_a_screen_upload_records_who_changed_the_mapping(integration, tmp_path):
    from django.contrib.auth.models import User

    person = User.objects.create_user("merch", password="x")
    path = write(tmp_path, "Source category,Marketplace category\nKettles,KETTLES\n")
    category_mappings_import(integration, path, user=person)
    entry = CategoryMapping.objects.get().history.first()
    assert (entry.history_user, entry.history_type) == (person, "+")
