"""`hub mappings ... categories|attributes|values`, `hub listings`, `hub catalogue` (issue 21)."""

from __future__ import annotations

import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from integration_hub.flows.listings import listings_refresh
from integration_hub.models import AttributeMapping, CategoryMapping, Product
from tests.integration_hub.factories import integration_make
from tests.integration_hub.test_catalogue_mappings import catalogue_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def integration():
    integration = integration_make()
    catalogue_seed(integration)
    return integration


def write(tmp_path, text, name="file.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def hub(*args) -> None:
    call_command("hub", *args)


def test_mappings_import_prints_counts_warnings_and_listings(integration, tmp_path, capsys):
    hub(
        "mappings",
        "import",
        "categories",
        write(tmp_path, "Source category,Marketplace category\nWomen / Dresses,DRESSES\n"),
    )
    out = capsys.readouterr().out
    assert "categories mappings for acme: 1 created, 0 updated, 0 unchanged" in out
    assert "listings: 3 incomplete, 0 ready, 0 submitted, 0 rejected, 0 integrated, 0 live" in out
    text = "Marketplace attribute,Source field\ntitle,name\nean,ean\ncolour,colour\nsize,size\n"
    hub("mappings", "import", "attributes", write(tmp_path, text), "--integration", "acme")
    captured = capsys.readouterr()
    assert "attributes mappings for acme: 4 created" in captured.out
    assert captured.err.startswith("warning: row 4: no product carries source field 'colour'")
    hub(
        "mappings",
        "import",
        "values",
        write(tmp_path, "Marketplace attribute,Source value,Marketplace value\nsize,UK 10,UK10\n"),
    )
    assert "values mappings for acme: 1 created" in capsys.readouterr().out


def test_mappings_import_errors_exit_2_and_write_nothing(integration, tmp_path, capsys):
    path = write(tmp_path, "Marketplace attribute,Source value,Marketplace value\nsize,a,XL\n")
    with pytest.raises(CommandError, match="nothing imported: 1 problem") as error:
        hub("mappings", "import", "values", path)
    assert error.value.returncode == 2
    assert "row 2: 'XL' is not in the value list SIZES of 'size'" in capsys.readouterr().err


def test_mappings_export_each_kind(integration, tmp_path, capsys):
    CategoryMapping.objects.create(
        integration=integration, source_category="Kettles", marketplace_category="KETTLES"
    )
    AttributeMapping.objects.create(
        integration=integration, marketplace_attribute="power_w", default="2000"
    )
    for kind in ("categories", "attributes", "values"):
        hub("mappings", "export", kind, str(tmp_path / f"{kind}.xlsx"))
    out = capsys.readouterr().out
    assert "1 categories mapping(s) written to" in out
    assert "0 values mapping(s) written to" in out
    rows = list(openpyxl.load_workbook(tmp_path / "attributes.xlsx").active.values)
    assert rows[1] == ("power_w", None, None, "2000")


def test_export_attributes_fields_lists_what_products_carry(integration, tmp_path, capsys):
    hub("mappings", "export", "attributes", "--fields")
    lines = capsys.readouterr().out.splitlines()
    assert "       2  color" in lines and "       3  name" in lines
    hub("mappings", "export", "attributes", "--fields", "--json")
    fields = json.loads(capsys.readouterr().out)
    assert {"field": "power", "products": 1} in fields
    hub("mappings", "export", "attributes", "--fields", str(tmp_path / "fields.csv"))
    text = (tmp_path / "fields.csv").read_text().splitlines()
    assert text[0] == "Source field,Products" and "size,2" in text
    hub("mappings", "export", "attributes", str(tmp_path / "same.csv"), "--fields")
    assert (tmp_path / "same.csv").read_text().splitlines() == text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "values", "--fields"], "--fields goes with `export attributes`"),
        (["export", "values", "x.csv", "--json"], "--json goes with --fields"),
        (["export", "values"], "give the FILE to write"),
        (["import", "colours", "x.csv"], "invalid choice: 'colours'"),
    ],
)
def test_mappings_usage_errors(integration, args, message):
    with pytest.raises(CommandError, match=message) as error:
        hub("mappings", *args)
    assert error.value.returncode == 2


@pytest.fixture
def listed(integration):
    """DR-1 incomplete (its colour is not a list value), DR-2 ready, KT-1 without a category."""
    CategoryMapping.objects.create(
        integration=integration, source_category="Women / Dresses", marketplace_category="DRESSES"
    )
    for code, source in [("title", "name"), ("ean", "ean"), ("colour", "color"), ("size", "size")]:
        AttributeMapping.objects.create(
            integration=integration, marketplace_attribute=code, source_field=source
        )
    Product.objects.filter(sku="DR-2").update(
        source_content={"name": "Linen dress", "color": "Red"}
    )
    listings_refresh(integration)
    return integration


def test_listings_table(listed, capsys):
    hub("listings")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["sku", "status", "category", "missing", "errors"]
    assert lines[1].split()[:3] == ["DR-1", "incomplete", "DRESSES"]
    assert "colour (Colour): 'Midnight' is not in the list COLOURS" in lines[1]
    assert lines[2].split()[:4] == ["DR-2", "incomplete", "DRESSES", "size"]  # no size: missing
    assert lines[3].split()[:2] == ["KT-1", "incomplete"]
    assert "no marketplace category: none of its source categories (Kettles) is mapped" in lines[3]


def test_listings_json_and_status_filter(listed, capsys):
    Product.objects.filter(sku="DR-2").update(
        source_content={"name": "Linen dress", "color": "Red", "size": "UK 12"}
    )
    listings_refresh(listed)
    hub("listings", "--json", "--status", "ready")
    assert json.loads(capsys.readouterr().out) == [
        {"sku": "DR-2", "status": "ready", "category": "DRESSES", "missing": [], "errors": []}
    ]
    hub("listings", "--json", "--status", "incomplete")
    rows = {row["sku"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["KT-1"]["missing"] == ["category"]
    assert rows["DR-1"]["missing"] == [] and len(rows["DR-1"]["errors"]) == 1
    hub("listings", "--status", "live")
    assert capsys.readouterr().out.strip() == "no live listings for acme"


def test_listings_bad_status_lists_the_valid_ones(listed):
    valid = r"invalid choice: 'published' \(choose from 'incomplete', 'ready', 'submitted'"
    with pytest.raises(CommandError, match=valid) as error:
        hub("listings", "--status", "published")
    assert error.value.returncode == 2


def test_catalogue_template_and_import_round_trip(listed, tmp_path, capsys):
    path = str(tmp_path / "dresses.xlsx")
    hub("catalogue", "template", path, "--category", "DRESSES")
    assert "template for DRESSES written to" in capsys.readouterr().out
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Products"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=header.index("colour") + 1, value="NAVY")  # DR-1
    sheet.cell(row=4, column=header.index("size") + 1, value="UK12")  # DR-2
    workbook.save(path)
    hub("catalogue", "import", path)
    out = capsys.readouterr().out
    assert (
        "catalogue sheet for acme: 2 SKU(s) updated (2 value(s) set, 0 removed), 0 unchanged" in out
    )
    assert "listings: 1 incomplete, 2 ready" in out
    hub("listings", "--status", "ready", "--json")
    assert [row["sku"] for row in json.loads(capsys.readouterr().out)] == ["DR-1", "DR-2"]


def test_catalogue_errors_exit_2(listed, tmp_path, capsys):
    with pytest.raises(CommandError, match="'SHOES' is not a marketplace category") as error:
        hub("catalogue", "template", str(tmp_path / "t.xlsx"), "--category", "SHOES")
    assert error.value.returncode == 2
    workbook = openpyxl.Workbook()
    workbook.active.title = "Products"
    workbook.active.append(["sku", "colour"])
    workbook.active.append(["NOPE", "RED"])
    workbook.save(tmp_path / "bad.xlsx")
    with pytest.raises(CommandError, match="nothing imported: 1 problem") as error:
        hub("catalogue", "import", str(tmp_path / "bad.xlsx"))
    assert error.value.returncode == 2
    assert "row 2: sku 'NOPE' is not in the SKU map" in capsys.readouterr().err


def test_catalogue_needs_integration_when_several(listed, tmp_path):
    integration_make("second")
    with pytest.raises(CommandError, match="--integration NAME"):
        hub("catalogue", "template", str(tmp_path / "t.xlsx"), "--category", "DRESSES")
    with pytest.raises(CommandError, match="--integration NAME"):
        hub("listings")
