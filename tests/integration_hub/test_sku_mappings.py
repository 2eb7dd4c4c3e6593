import openpyxl
import pytest
from django.core.management import CommandError, call_command

from integration_hub.models import Product
from integration_hub.services.carrier_mappings import ImportRejected
from integration_hub.services.sku_mappings import (
    ean_problem,
    sku_mappings_export,
    sku_mappings_import,
)
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def integration():
    integration = integration_make(default_buffer=2)
    for sku in ("A-1", "A-2", "A-3"):
        Product.objects.create(integration=integration, sku=sku, offer_sku=sku, ean="5012345678900")
    return integration


def csv(tmp_path, text, name="skus.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("5012345678900", ""),
        ("96385074", ""),
        ("5012345678901", "has a wrong check digit"),
        ("5.01234E+12", "looks like a number the spreadsheet shortened"),
        ("ABC", "must be 8, 12, 13 or 14 digits"),
    ],
)
def test_ean_check(value, problem):
    assert ean_problem(value).startswith(problem) if problem else ean_problem(value) == ""


def test_import_sets_offer_sku_ean_and_buffer(integration, tmp_path):
    path = csv(tmp_path, "sku,offer_sku,ean,buffer\nA-1,JL-A-1,96385074,5\nA-2,,,\n")
    report = sku_mappings_import(integration, path)
    assert (report.updated, report.unchanged) == (1, 1)
    a1 = Product.objects.get(sku="A-1")
    assert (a1.offer_sku, a1.ean, a1.buffer_override, a1.buffer) == ("JL-A-1", "96385074", 5, 5)
    assert Product.objects.get(sku="A-2").buffer == 2  # empty buffer = the integration default


def test_bad_rows_reject_the_whole_file(integration, tmp_path):
    path = csv(
        tmp_path,
        "sku,offer_sku,ean,buffer\nA-1,X,5012345678901,1\nNOPE,,,\nA-2,,5.01234E+12,-3\nA-3,X,,\n",
    )
    with pytest.raises(ImportRejected) as rejected:
        sku_mappings_import(integration, path)
    errors = rejected.value.errors
    assert "row 2: ean '5012345678901' has a wrong check digit" in errors
    assert any(e.startswith("row 3: sku 'NOPE' is not in the SKU map") for e in errors)
    assert any(e.startswith("row 4: ean '5.01234E+12' looks like a number") for e in errors)
    assert any(e.startswith("row 4: buffer '-3' must be a whole number") for e in errors)
    assert any("offer_sku 'X' is used by both 'A-1' and 'A-3'" in e for e in errors)
    assert set(Product.objects.values_list("offer_sku", flat=True)) == {"A-1", "A-2", "A-3"}


def test_an_offer_sku_longer_than_the_hub_stores_is_refused(integration, tmp_path):
    """Issue 18: a 500-character offer SKU was published, then its first order was refused."""
    path = csv(tmp_path, f"sku,offer_sku\nA-1,{'X' * 500}\nA-2,{'Y' * 100}\n")
    with pytest.raises(ImportRejected) as rejected:
        sku_mappings_import(integration, path)
    assert rejected.value.errors == ["row 2: offer_sku is 500 characters long, at most 100"]
    assert Product.objects.get(sku="A-1").offer_sku == "A-1"


def test_a_sku_twice_in_one_file_is_refused(integration, tmp_path):
    path = csv(tmp_path, "sku,buffer\nA-1,1\nA-2,2\nA-1,3\n")
    with pytest.raises(ImportRejected) as rejected:
        sku_mappings_import(integration, path)
    assert rejected.value.errors == ["row 4: sku 'A-1' repeats row 2"]
    assert Product.objects.get(sku="A-1").buffer_override is None


def test_offer_sku_taken_by_another_product_is_refused(integration, tmp_path):
    path = csv(tmp_path, "sku,offer_sku\nA-1,A-2\n")
    with pytest.raises(ImportRejected, match="offer_sku 'A-2' is used by both"):
        sku_mappings_import(integration, path)


def test_export_keeps_eans_as_text_and_round_trips(integration, tmp_path):
    Product.objects.filter(sku="A-3").update(ean="0012345678905", buffer_override=4)
    out = tmp_path / "skus.xlsx"
    assert sku_mappings_export(integration, out) == 3
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("sku", "offer_sku", "ean", "buffer")
    assert rows[3] == ("A-3", "A-3", "0012345678905", 4)
    assert sheet.cell(row=4, column=3).data_type == "s"  # text, leading zeros kept
    report = sku_mappings_import(integration, out)
    assert report.unchanged == 3


def test_a_cli_import_leaves_change_history(integration, tmp_path):
    """Issue 18: carrier imports kept history, SKU imports (CLI and screen) did not."""
    product = Product.objects.get(sku="A-1")
    before = product.history.count()
    call_command("hub", "mappings", "import", "skus", str(csv(tmp_path, "sku,buffer\nA-1,9\n")))
    latest = product.history.first()
    assert product.history.count() == before + 1
    assert (latest.buffer_override, latest.history_change_reason) == (9, "SKU map import")


def test_cli_skus(integration, tmp_path, capsys):
    call_command("hub", "mappings", "import", "skus", str(csv(tmp_path, "sku,buffer\nA-1,9\n")))
    assert "0 created, 1 updated, 0 unchanged" in capsys.readouterr().out
    with pytest.raises(CommandError) as error:
        call_command(
            "hub", "mappings", "import", "skus", str(csv(tmp_path, "sku\nZZ\n", "bad.csv"))
        )
    assert error.value.returncode == 2
