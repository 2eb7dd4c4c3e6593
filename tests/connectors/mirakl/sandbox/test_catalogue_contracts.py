"""The catalogue sandbox against the vendor material cited in tests/contracts/mirakl/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.mirakl.sandbox import catalogue_data
from connectors.mirakl.sandbox.services import catalogue_rules as rules
from connectors.mirakl.sandbox.services.shops import products_seed

from .catalogue_helpers import SHIRT, csv_text, product_status, upload

pytestmark = pytest.mark.django_db

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts" / "mirakl"


def _contract(name: str) -> dict:
    body = json.loads((CONTRACTS / name).read_text())
    assert body["_source"]
    return body["value"]


def test_the_public_error_codes_mean_what_the_sandbox_reports():
    codes = _contract("catalogue_error_codes.json")
    assert "required" in codes[rules.ATTRIBUTE_REQUIRED]
    assert "category is unknown" in codes[rules.CATEGORY_UNKNOWN]
    assert "number of fields" in codes[rules.FIELD_COUNT]
    assert "value list" in codes[rules.VALUE_NOT_IN_LIST]


def test_the_sdks_multipart_fields_and_booleans_are_accepted(api, shop):
    fields = _contract("of01_multipart_fields.json")
    of01 = {k: v for k, v in fields["OF01"].items() if k != "file"}
    response = upload(api, "/api/offers/imports", "sku;product-id\n", **of01)
    assert response.status_code == 201, response.content
    p41 = {k: v for k, v in fields["P41"].items() if k != "file"}
    response = upload(api, "/api/products/imports", csv_text(SHIRT), **p41)
    assert response.status_code == 201, response.content


def test_the_magento_connectors_offer_line_finds_its_product_by_shop_sku(api, shop):
    line = _contract("of01_offer_line_shop_sku.json")
    products_seed(shop=shop, rows=[{**SHIRT, "shop_sku": line["product-id"]}])
    response = upload(api, "/api/offers/imports", csv_text(line), import_mode="NORMAL")
    import_id = response.json()["import_id"]
    for _ in range(3):
        status = api.get(f"/api/offers/imports/{import_id}").json()
    assert (status["status"], status["offer_inserted"], status["lines_in_error"]) == (
        "COMPLETE",
        1,
        0,
    )
    assert line["state"] in catalogue_data.OFFER_STATES


def test_pm11_type_parameters_follow_the_published_shapes(api, shop):
    shapes = _contract("pm11_type_parameters.json")
    attributes = api.get("/api/products/attributes").json()["attributes"]
    by_type = {a["type"]: a for a in attributes}
    listed = by_type["LIST"]
    assert listed["type_parameter"] == listed["type_parameters"][0]["value"]
    assert listed["type_parameters"][0]["name"] == shapes["list"]["type_parameters"][0]["name"]
    validation = shapes["text"]["validations"].split("|")[0]
    assert any(a["validations"] and "|" in a["validations"] for a in attributes), validation
    assert by_type["DATE"]["type_parameter"] == catalogue_data.DATE_FORMAT
    assert by_type["DECIMAL"]["type_parameter"] == catalogue_data.DECIMAL_PRECISION


def test_the_product_import_statuses_are_the_sdks(api, shop):
    """mirakl/sdk-php-shop ProductImportWithTransformationStatus lists these statuses."""
    known = {"TRANSFORMATION_WAITING", "TRANSFORMATION_RUNNING", "TRANSFORMATION_FAILED"}
    known |= {"WAITING", "RUNNING", "SENT", "COMPLETE", "CANCELLED", "FAILED"}
    import_id = upload(api, "/api/products/imports", csv_text(SHIRT)).json()["import_id"]
    seen = {product_status(api, import_id)["import_status"] for _ in range(5)}
    assert seen <= known and "COMPLETE" in seen
