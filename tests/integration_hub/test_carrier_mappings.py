import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from integration_hub.flows.dispatch import carrier_code_for
from integration_hub.models import CarrierMapping, MarketplaceCarrier
from integration_hub.services.carrier_mappings import (
    ImportRejected,
    carrier_mappings_export,
    carrier_mappings_import,
)
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def integration():
    integration = integration_make()
    for code, label in [("RM", "Royal Mail"), ("DPD", "DPD"), ("EVRI", "Evri")]:
        MarketplaceCarrier.objects.create(
            integration=integration, code=code, label=label, fetched_at=timezone.now()
        )
    MarketplaceCarrier.objects.create(
        integration=integration,
        code="OLD",
        label="Retired",
        active=False,
        fetched_at=timezone.now(),
    )
    return integration


def write_csv(tmp_path, text, name="carriers.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_import_csv_creates_then_updates(integration, tmp_path):
    path = write_csv(
        tmp_path,
        "source_carrier,source_service,marketplace_carrier_code\n"
        "Royal Mail,,RM\nDPD,Next Day,DPD\n",
    )
    report = carrier_mappings_import(integration, path)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    path = write_csv(tmp_path, "source_carrier,marketplace_carrier_code\nroyal  mail,EVRI\n")
    report = carrier_mappings_import(integration, path)
    assert (report.created, report.updated) == (0, 1)
    assert carrier_code_for(integration, "ROYAL MAIL", "anything").code == "EVRI"


def test_unapproved_code_rejects_the_whole_file_with_row_numbers(integration, tmp_path):
    path = write_csv(
        tmp_path,
        "source_carrier,source_service,marketplace_carrier_code\n"
        "Royal Mail,,RM\nYodel,,YODEL\n,,DPD\nDPD,,OLD\nroyal mail,,DPD\n",
    )
    with pytest.raises(ImportRejected) as rejected:
        carrier_mappings_import(integration, path)
    errors = rejected.value.errors
    assert errors[0].startswith("row 3: 'YODEL' is not an approved marketplace carrier")
    assert errors[1] == "row 4: source_carrier is empty"
    assert errors[2].startswith("row 5: 'OLD' is not an approved")
    assert errors[3] == "row 6: same carrier and service as row 2"
    assert not CarrierMapping.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "carrier,code\nRM,RM\n",
            "row 1: missing column(s) source_carrier, marketplace_carrier_code",
        ),
        ("", "the file is empty"),
    ],
)
def test_bad_headers(integration, tmp_path, text, message):
    with pytest.raises(ImportRejected, match=message.replace("(", r"\(").replace(")", r"\)")):
        carrier_mappings_import(integration, write_csv(tmp_path, text))


def test_xlsx_round_trip_and_formula_escaping(integration, tmp_path):
    carrier_mappings_import(
        integration,
        write_csv(
            tmp_path,
            "source_carrier,source_service,marketplace_carrier_code\n=cmd|calc,,RM\nDPD,,DPD\n",
        ),
    )
    out = tmp_path / "out.xlsx"
    assert carrier_mappings_export(integration, out) == 2
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("source_carrier", "source_service", "marketplace_carrier_code")
    assert ("'=cmd|calc", None, "RM") in rows or ("'=cmd|calc", "", "RM") in rows
    CarrierMapping.objects.all().delete()
    report = carrier_mappings_import(integration, out)
    assert report.created == 2


def test_not_a_spreadsheet(integration, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(ImportRejected, match="not a valid .xlsx file"):
        carrier_mappings_import(integration, path)


def test_cli_import_export_and_errors(integration, tmp_path, capsys):
    path = write_csv(tmp_path, "source_carrier,marketplace_carrier_code\nDPD,DPD\n")
    call_command("hub", "mappings", "import", "carriers", str(path))
    assert "1 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    out = tmp_path / "export.csv"
    call_command("hub", "mappings", "export", "carriers", str(out), "--integration", "acme")
    assert out.read_text().splitlines() == [
        "source_carrier,source_service,marketplace_carrier_code",
        "DPD,,DPD",
    ]
    bad = write_csv(tmp_path, "source_carrier,marketplace_carrier_code\nDPD,NOPE\n", "bad.csv")
    with pytest.raises(CommandError, match="nothing imported: 1 problem") as error:
        call_command("hub", "mappings", "import", "carriers", str(bad))
    assert error.value.returncode == 2
    assert "row 2: 'NOPE'" in capsys.readouterr().err


def test_cli_needs_integration_when_several(integration, tmp_path):
    integration_make("second")
    with pytest.raises(CommandError, match="--integration NAME") as error:
        call_command("hub", "mappings", "export", "carriers", str(tmp_path / "x.csv"))
    assert error.value.returncode == 2
