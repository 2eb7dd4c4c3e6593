"""The SKU map screen (issue 5): filters, inline edits with history, ledgers, files."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from integration_hub.models import MarketplaceImport, Product, StockLedgerEntry
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    integration = integration_make(default_buffer=2)
    now = timezone.now()
    plain = Product.objects.create(
        integration=integration,
        sku="SKU-1",
        ean="5012345678900",
        title="Blue mug",
        price=Decimal("12.50"),
        last_pushed_qty=7,
        last_pushed_price=Decimal("12.50"),
    )
    invalid = Product.objects.create(
        integration=integration,
        sku="SKU-2",
        validation_status="invalid",
        validation_errors=[{"kind": "invalid_ean", "message": "EAN has a wrong check digit"}],
    )
    drifted = Product.objects.create(
        integration=integration, sku="SKU-3", drift_found_at=now, marketplace_qty=4
    )
    buffered = Product.objects.create(integration=integration, sku="SKU-4", buffer_override=5)
    return {"plain": plain, "invalid": invalid, "drifted": drifted, "buffered": buffered}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"SKU-1", "SKU-2", "SKU-3", "SKU-4"}),
        ({"validation_status": "invalid"}, {"SKU-2"}),
        ({"drift": "true"}, {"SKU-3"}),
        ({"buffer_set": "true"}, {"SKU-4"}),
        ({"q": "5012345678900"}, {"SKU-1"}),
    ],
)
def test_sku_map_filters(client, role_user, products, params, expected):
    client.force_login(role_user("Ops"))
    response = client.get("/mappings/skus/", params)
    assert {p.sku for p in response.context["table"].data} == expected


def test_sku_map_columns_and_buffer_default(client, role_user, products):
    client.force_login(role_user("Ops"))
    body = client.get("/mappings/skus/").content.decode()
    for heading in ["Offer SKU", "EAN", "Source qty", "Buffer", "Pushed qty", "Marketplace qty"]:
        assert heading in body
    assert "2 (default)" in body and "£12.50" in body


def test_sku_map_export_to_excel(client, role_user, products):
    client.force_login(role_user("Finance"))
    response = client.get("/mappings/skus/", {"_export": "xlsx", "validation_status": "invalid"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "SKU" and [row[0] for row in rows[1:]] == ["SKU-2"]


def test_detail_shows_validation_errors_and_ledger(client, role_user, products):
    product = products["invalid"]
    imported = MarketplaceImport.objects.create(
        integration=product.integration,
        kind="stock",
        import_id="IMP-77",
        submitted_at=timezone.now(),
    )
    StockLedgerEntry.objects.create(
        product=product,
        marketplace_import=imported,
        source_qty=10,
        buffer=2,
        committed=1,
        pushed_qty=7,
        outcome="rejected",
        error="offer not found",
    )
    client.force_login(role_user("CX"))
    body = client.get(f"/mappings/skus/{product.pk}/").content.decode()
    assert "EAN has a wrong check digit" in body
    assert "IMP-77" in body and "offer not found" in body
    assert 'id="sku-edit-form"' not in body  # CX reads, cannot edit


def test_edit_offer_sku_resets_pushed_values_and_records_who(client, role_user, products):
    product = products["plain"]
    client.force_login(role_user("Ops", "olivia"))
    response = client.post(
        f"/mappings/skus/{product.pk}/edit/", {"offer_sku": "JL-SKU-1", "buffer_override": "3"}
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.offer_sku, product.buffer_override) == ("JL-SKU-1", 3)
    assert product.last_pushed_qty is None and product.last_pushed_price is None
    latest = product.history.first()
    assert latest.history_user.username == "olivia"
    body = client.get(f"/mappings/skus/{product.pk}/").content.decode()
    assert "by person" in body and "olivia" in body
    assert "<del>SKU-1</del> → <ins>JL-SKU-1</ins>" in body


def test_buffer_only_edit_keeps_pushed_values(client, role_user, products):
    product = products["plain"]
    client.force_login(role_user("Admin"))
    client.post(f"/mappings/skus/{product.pk}/edit/", {"offer_sku": "SKU-1", "buffer_override": ""})
    product.refresh_from_db()
    assert product.buffer_override is None and product.last_pushed_qty == 7


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"offer_sku": "SKU-2", "buffer_override": ""}, "offer_sku", "already used by SKU 'SKU-2'"),
        ({"offer_sku": "X", "buffer_override": "-1"}, "buffer_override", "cannot be negative"),
        ({"offer_sku": "X", "buffer_override": "two"}, "buffer_override", "whole number"),
    ],
)
def test_edit_errors_are_shown_next_to_the_field(client, role_user, products, data, field, message):
    product = products["plain"]
    client.force_login(role_user("Ops"))
    response = client.post(f"/mappings/skus/{product.pk}/edit/", data)
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert message.replace("'", "&#x27;") in response.content.decode()
    product.refresh_from_db()
    assert product.offer_sku == "SKU-1"


def test_source_changes_are_shown_as_by_source(client, role_user, products):
    product = products["plain"]
    product.title = "Blue mug, large"
    product.save()  # what the catalogue pass does
    client.force_login(role_user("Ops"))
    history = client.get(f"/mappings/skus/{product.pk}/").context["history"]
    assert history[0].by_person is False
    assert [(c.field, c.old, c.new) for c in history[0].changes] == [
        ("title", "Blue mug", "Blue mug, large")
    ]


def _xlsx(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("skus.xlsx", buffer.getvalue())


def test_import_from_the_screen_is_all_or_nothing_with_row_numbers(client, role_user, products):
    integration = products["plain"].integration
    client.force_login(role_user("Ops"))
    bad = _xlsx([["sku", "offer_sku", "buffer"], ["SKU-1", "A", "1"], ["NOPE", "B", ""]])
    response = client.post("/mappings/skus/import/", {"integration": integration.pk, "file": bad})
    assert response.status_code == 400
    assert "row 3: sku 'NOPE' is not in the SKU map" in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert Product.objects.get(sku="SKU-1").offer_sku == "SKU-1"
    good = _xlsx([["sku", "offer_sku", "buffer"], ["SKU-1", "A", "1"]])
    response = client.post("/mappings/skus/import/", {"integration": integration.pk, "file": good})
    assert response.status_code == 302
    product = Product.objects.get(sku="SKU-1")
    assert product.offer_sku == "A"
    latest = product.history.first()  # the bulk import is in the history, as this person's
    assert (latest.history_user.username, latest.history_change_reason) == (
        "user-ops",
        "file import",
    )
    assert Product.objects.get(sku="SKU-2").history.count() == 1  # unchanged: only its creation


def test_export_file_round_trips(client, role_user, products):
    client.force_login(role_user("Ops"))
    response = client.get("/mappings/skus/export/acme.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("sku", "offer_sku", "ean", "buffer")
    assert ("SKU-1", "SKU-1", "5012345678900", None) in rows or (
        "SKU-1",
        "SKU-1",
        "5012345678900",
        "",
    ) in rows
