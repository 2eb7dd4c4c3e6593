"""Carrier mappings: preview of released dispatches, change history, Excel in and out."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from integration_hub.models import CarrierMapping, HubStatus, MarketplaceCarrier
from integration_hub.services.carrier_mappings import carrier_mapping_save
from tests.integration_hub.factories import integration_make, order_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    integration = integration_make()
    for code, label in (("RM", "Royal Mail"), ("DPD", "DPD")):
        MarketplaceCarrier.objects.create(
            integration=integration, code=code, label=label, fetched_at=timezone.now()
        )
    pigeon = [
        order_make(
            integration,
            f"90{n}",
            hub_status=HubStatus.DISPATCHED,
            carrier_name="Pigeon Post",
            carrier_service="Express" if n else "Standard",
        )
        for n in range(3)
    ]
    order_make(integration, "999", hub_status=HubStatus.DISPATCHED, carrier_name="Snail Mail")
    return integration, pigeon


def test_preview_lists_what_a_mapping_releases_without_saving(client, role_user, held):
    integration, pigeon = held
    client.force_login(role_user("Ops"))
    data = {
        "integration": integration.pk,
        "source_carrier": "pigeon  post",
        "source_service": "Express",
        "carrier": MarketplaceCarrier.objects.get(code="RM").pk,
        "preview": "1",
    }
    response = client.post("/mappings/carriers/new/", data)
    assert response.status_code == 200
    assert response.context["release_count"] == 2
    assert {o.commercial_id for o in response.context["release_orders"]} == {"901", "902"}
    assert not CarrierMapping.objects.exists()
    every_service = client.post("/mappings/carriers/new/", {**data, "source_service": ""})
    assert every_service.context["release_count"] == 3


def test_preview_from_the_map_it_link(client, role_user, held):
    integration, _pigeon = held
    client.force_login(role_user("Ops"))
    response = client.get(
        "/mappings/carriers/new/",
        {"integration": integration.pk, "source_carrier": "Snail Mail", "source_service": ""},
    )
    assert response.context["release_count"] == 1
    assert "1</strong> held dispatch goes out" in response.content.decode()


def test_history_shows_who_changed_what(client, role_user, held):
    integration, _pigeon = held
    carrier_mapping_save(  # the CLI or a file: not a person
        integration=integration, source_carrier="DPD", source_service="", carrier_code="DPD"
    )
    client.force_login(role_user("Ops", "olivia"))
    mapping = CarrierMapping.objects.get()
    client.post(
        f"/mappings/carriers/{mapping.pk}/",
        {
            "integration": integration.pk,
            "source_carrier": "DPD",
            "source_service": "",
            "carrier": MarketplaceCarrier.objects.get(code="RM").pk,
        },
    )
    client.post(f"/mappings/carriers/{mapping.pk}/delete/")
    response = client.get("/mappings/carriers/history/")
    entries = response.context["history"]
    assert [e.kind for e in entries] == ["deleted", "changed", "created"]
    assert entries[1].who == "olivia" and entries[1].by_person
    assert [(c.field, c.old, c.new) for c in entries[1].changes] == [
        ("carrier", "DPD (DPD)", "Royal Mail (RM)")
    ]
    assert entries[2].by_person is False
    assert entries[0].subject == "acme: DPD"


def _upload(rows, name="carriers.xlsx"):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_import_rejects_the_whole_file_with_row_numbers(client, role_user, held):
    integration, _pigeon = held
    client.force_login(role_user("Ops"))
    rows = [
        ["source_carrier", "source_service", "marketplace_carrier_code"],
        ["Pigeon Post", "", "RM"],
        ["Snail Mail", "", "NOT-APPROVED"],
    ]
    response = client.post(
        "/mappings/carriers/import/", {"integration": integration.pk, "file": _upload(rows)}
    )
    assert response.status_code == 400
    assert "row 3:" in response.content.decode()
    assert not CarrierMapping.objects.exists()


def test_import_then_export(client, role_user, held):
    integration, _pigeon = held
    client.force_login(role_user("Admin"))
    rows = [
        ["source_carrier", "source_service", "marketplace_carrier_code"],
        ["Pigeon Post", "", "RM"],
    ]
    response = client.post(
        "/mappings/carriers/import/", {"integration": integration.pk, "file": _upload(rows)}
    )
    assert response.status_code == 302
    assert CarrierMapping.objects.get().history.first().history_user.username == "user-admin"
    exported = client.get(f"/mappings/carriers/export/{integration.name}.xlsx")
    values = list(openpyxl.load_workbook(io.BytesIO(exported.content)).active.values)
    assert values[1][0] == "Pigeon Post" and values[1][2] == "RM"


def test_upload_must_be_a_spreadsheet(client, role_user, held):
    integration, _pigeon = held
    client.force_login(role_user("Ops"))
    response = client.post(
        "/mappings/carriers/import/",
        {"integration": integration.pk, "file": SimpleUploadedFile("x.pdf", b"%PDF")},
    )
    assert "is not a .xlsx or .csv file" in response.content.decode()


def test_delete_asks_to_confirm_first(client, role_user, held):
    integration, _pigeon = held
    mapping, _ = carrier_mapping_save(
        integration=integration, source_carrier="DPD", source_service="", carrier_code="DPD"
    )
    client.force_login(role_user("Ops"))
    body = client.get(f"/mappings/carriers/{mapping.pk}/delete/").content.decode()
    assert "Delete this mapping?" in body and 'method="post"' in body
    assert CarrierMapping.objects.filter(pk=mapping.pk).exists()


def test_preview_with_a_broken_integration_value_is_a_form_error(client, role_user, held):
    client.force_login(role_user("Ops"))
    response = client.post(
        "/mappings/carriers/new/",
        {"integration": "abc", "source_carrier": "Pigeon Post", "preview": "1"},
    )
    assert response.status_code == 200 and response.context["release_count"] == 0
    assert "integration" in response.context["form"].errors
