"""OF01-OF03 offer imports: offers only for existing marketplace products."""

from __future__ import annotations

import pytest

from connectors.mirakl.sandbox import services
from connectors.mirakl.sandbox.models import SandboxCatalogImport, SandboxOffer, SandboxProduct
from connectors.mirakl.sandbox.services.shops import products_seed
from connectors.sandbox.faults import clock_advance

from .catalogue_helpers import DRESS, KETTLE, SHIRT, csv_text, report_lines, upload
from .spec import assert_conforms, error_conforms

pytestmark = pytest.mark.django_db

IMPORTS = "/api/offers/imports"
SEEDED = "JL-SHIRT-OXF-BLU-M"  # an offer of the older seed catalogue (no product behind it)


@pytest.fixture
def products(shop) -> dict[str, SandboxProduct]:
    return {p.shop_sku: p for p in products_seed(shop=shop, rows=[SHIRT, DRESS, KETTLE])}


def offer_line(product: dict, **changes) -> dict:
    line = {
        "sku": product["shop_sku"],
        "product-id": product["ean"],
        "product-id-type": "EAN",
        "price": "45.00",
        "quantity": "12",
        "state": "11",
    }
    return {**line, **changes}


def offer_import(api, *lines: dict, mode: str = "NORMAL", header=None) -> int:
    response = upload(api, IMPORTS, csv_text(*lines, header=header), import_mode=mode)
    assert response.status_code == 201, response.content
    return response.json()["import_id"]


def offer_status(api, import_id: int) -> dict:
    response = api.get(f"{IMPORTS}/{import_id}")
    assert response.status_code == 200, response.content
    return response.json()


def offer_import_complete(api, *lines: dict, mode: str = "NORMAL") -> dict:
    import_id = offer_import(api, *lines, mode=mode)
    for _ in range(3):
        status = offer_status(api, import_id)
    assert status["status"] == "COMPLETE", status
    return status


def _listed(api, sku: str) -> dict | None:
    offers = api.get("/api/offers", {"sku": sku}).json()["offers"]
    return offers[0] if offers else None


def test_an_offer_import_creates_offers_that_of21_lists(api, products):
    created = upload(api, IMPORTS, csv_text(offer_line(SHIRT)), import_mode="NORMAL")
    assert created.status_code == 201
    assert_conforms("OF01", created)
    import_id = created.json()["import_id"]
    assert isinstance(import_id, int)
    seen = []
    for _ in range(3):
        response = api.get(f"{IMPORTS}/{import_id}")
        assert_conforms("OF02", response)
        seen.append(response.json())
        if len(seen) < 3:
            assert _listed(api, SHIRT["shop_sku"]) is None
    assert [s["status"] for s in seen] == ["WAITING", "RUNNING", "COMPLETE"]
    done = seen[-1]
    assert (done["mode"], done["lines_read"], done["lines_in_success"]) == ("NORMAL", 1, 1)
    assert (done["offer_inserted"], done["offer_updated"]) == (1, 0)
    assert done["has_error_report"] is False
    offer = _listed(api, SHIRT["shop_sku"])
    assert (offer["quantity"], offer["price"], offer["state_code"]) == (12, 45.0, "11")
    assert offer["product_sku"] == products[SHIRT["shop_sku"]].product_sku
    assert offer["product_title"] == SHIRT["title"]
    stored = SandboxOffer.objects.get(shop_sku=SHIRT["shop_sku"])
    assert (stored.category_code, stored.ean, stored.active) == (
        "FASHION-MENS-SHIRTS",
        SHIRT["ean"],
        True,
    )


@pytest.mark.parametrize(
    ("id_type", "product_id"),
    [("SHOP_SKU", SHIRT["shop_sku"]), ("EAN", SHIRT["ean"]), ("SKU", None)],
)
def test_a_product_is_found_by_each_product_id_type(api, products, id_type, product_id):
    product_id = product_id or products[SHIRT["shop_sku"]].product_sku
    line = offer_line(SHIRT, **{"product-id-type": id_type, "product-id": product_id})
    assert offer_import_complete(api, line)["offer_inserted"] == 1


def test_an_offer_import_completes_with_the_clock(api, products):
    import_id = offer_import(api, offer_line(DRESS))
    clock_advance("mirakl", 61)
    status = offer_status(api, import_id)
    assert (status["status"], status["offer_inserted"]) == ("COMPLETE", 1)


def test_reimporting_updates_the_offer_and_sto01_then_moves_its_stock(api, products):
    offer_import_complete(api, offer_line(SHIRT))
    again = offer_import_complete(api, offer_line(SHIRT, price="39.50", quantity="3"))
    assert (again["offer_inserted"], again["offer_updated"]) == (0, 1)
    offer = _listed(api, SHIRT["shop_sku"])
    assert (offer["price"], offer["quantity"]) == (39.5, 3)
    stock_file = f'"offer-sku";"quantity"\n"{SHIRT["shop_sku"]}";"8"\n'
    stock = api.upload("/api/offers/stock/imports", stock_file)
    stock_id = stock.json()["import_id"]
    for _ in range(3):
        api.get(f"/api/offers/stock/imports/{stock_id}/status")
    assert _listed(api, SHIRT["shop_sku"])["quantity"] == 8


def test_a_discount_price_is_kept_on_the_offer(api, products):
    line = offer_line(KETTLE, price="60.00", **{"discount-price": "49.99"})
    offer_import_complete(api, line)
    offer = _listed(api, KETTLE["shop_sku"])
    assert offer["price"] == 49.99
    assert [(p["unit_origin_price"], p["unit_discount_price"]) for p in offer["all_prices"]] == [
        (60.0, 49.99)
    ]


DISCOUNT_ERROR = "The discount price is incorrect: must not be null or must be lower than price"
OFFER_ERRORS = [
    ({"product-id": "0000000000000"}, "The product does not exist"),
    ({"product-id-type": "UPC"}, "The product-id-type 'UPC' is unknown"),
    ({"sku": ""}, "The 'sku' field is mandatory"),
    ({"price": ""}, "The 'price' field is mandatory"),
    ({"price": "0"}, "The price '0' is invalid: it must be a positive number"),
    ({"price": "abc"}, "The price or discount-price is not a valid number"),
    ({"discount-price": "50.00"}, DISCOUNT_ERROR),
    ({"quantity": "-1"}, "The quantity '-1' is invalid: it must be a positive integer"),
    ({"quantity": "2.5"}, "The quantity '2.5' is invalid: it must be a positive integer"),
    ({"state": "1"}, "The state of the product is unknown"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "message"), OFFER_ERRORS)
def test_each_offer_rule_puts_the_line_in_the_error_report(api, products, change, message):
    status = offer_import_complete(api, offer_line(SHIRT, **change), offer_line(DRESS))
    assert (status["lines_in_error"], status["lines_in_success"]) == (1, 1)
    assert status["has_error_report"] is True
    response = api.get(f"{IMPORTS}/{status['import_id']}/error_report")
    assert_conforms("OF03", response)
    assert response["Content-Type"] == "application/octet-stream"
    header, line = report_lines(response)
    assert header.startswith('"sku";"product-id";"product-id-type";"price";"quantity";"state"')
    assert header.endswith('"error-line";"error-message"')
    assert line.endswith(f'"2";"{message}"'), line
    assert _listed(api, SHIRT["shop_sku"]) is None
    assert _listed(api, DRESS["shop_sku"]) is not None


def test_the_seeded_offers_have_no_product_until_one_is_imported(api, shop):
    line = {**offer_line(SHIRT), "sku": SEEDED, "product-id": SEEDED, "product-id-type": "SHOP_SKU"}
    status = offer_import_complete(api, line)
    _, row = report_lines(api.get(f"{IMPORTS}/{status['import_id']}/error_report"))
    assert row.endswith('"2";"The product does not exist"')


def test_a_duplicate_sku_and_a_change_of_product_are_errors(api, products):
    offer_import_complete(api, offer_line(SHIRT))
    moved = offer_line(DRESS, sku=SHIRT["shop_sku"])
    status = offer_import_complete(api, moved, offer_line(KETTLE), offer_line(KETTLE))
    assert (status["lines_in_error"], status["offer_inserted"]) == (2, 1)
    _, first, second = report_lines(api.get(f"{IMPORTS}/{status['import_id']}/error_report"))
    assert first.endswith(
        '"2";"The product linked to the new offer is different from the product linked to '
        'the existing offer"'
    )
    assert second.endswith('"4";"The \'sku\' field is duplicated in the source file"')


def test_delete_lines_and_replace_mode_delete_offers(api, products):
    offer_import_complete(api, offer_line(SHIRT), offer_line(DRESS))
    before = SandboxOffer.objects.count()
    deleting = {**offer_line(SHIRT), "update-delete": "delete"}
    status = offer_import_complete(api, deleting)
    assert status["offer_deleted"] == 1
    assert _listed(api, SHIRT["shop_sku"]) is None
    replaced = offer_import_complete(api, offer_line(KETTLE), mode="REPLACE")
    assert (replaced["mode"], replaced["offer_inserted"]) == ("REPLACE", 1)
    assert replaced["offer_deleted"] == before - 1  # the dress and every seeded offer
    assert list(SandboxOffer.objects.values_list("shop_sku", flat=True)) == [KETTLE["shop_sku"]]


WITH_PRODUCTS_ERROR = "with_products is not supported: import products with P41"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "The parameter import_mode is required"),
        ({"import_mode": "PARTIAL"}, "Invalid value 'PARTIAL' for parameter import_mode"),
        ({"import_mode": "NORMAL", "with_products": "true"}, WITH_PRODUCTS_ERROR),
        (
            {"import_mode": "NORMAL", "operator_format": "maybe"},
            "Invalid value 'maybe' for parameter operator_format",
        ),
    ],
)
def test_a_bad_offer_upload_is_a_400(api, shop, fields, message):
    response = upload(api, IMPORTS, csv_text(offer_line(SHIRT)), **fields)
    error_conforms(response, 400)
    assert response.json()["message"] == message
    error_conforms(upload(api, IMPORTS, None, import_mode="NORMAL"), 400)
    assert not SandboxCatalogImport.objects.exists()


def test_a_file_without_the_mandatory_columns_fails(api, products):
    import_id = offer_import(api, {"sku": "A", "price": "1.00"})
    offer_status(api, import_id)
    failed = api.get(f"{IMPORTS}/{import_id}")
    assert_conforms("OF02", failed)
    body = failed.json()
    assert body["status"] == "FAILED"
    assert body["reason_status"] == (
        "The file is missing the mandatory column(s): product-id, product-id-type, quantity, state"
    )


def test_the_same_pending_request_answers_the_same_import(api, products):
    first = offer_import(api, offer_line(SHIRT))
    assert offer_import(api, offer_line(SHIRT)) == first
    assert offer_import(api, offer_line(SHIRT), mode="REPLACE") != first
    for _ in range(3):
        offer_status(api, first)
    assert offer_import(api, offer_line(SHIRT)) != first  # done: a new import


def test_unknown_offer_imports_and_absent_reports_are_404(api, products):
    error_conforms(api.get(f"{IMPORTS}/999999"), 404)
    error_conforms(api.get(f"{IMPORTS}/999999/error_report"), 404)
    product_import = upload(api, "/api/products/imports", csv_text(SHIRT)).json()["import_id"]
    error_conforms(api.get(f"{IMPORTS}/{product_import}"), 404)  # not an offer import
    status = offer_import_complete(api, offer_line(SHIRT))
    error_conforms(api.get(f"{IMPORTS}/{status['import_id']}/error_report"), 404)


def test_of01_is_once_a_minute_and_of02_of03_too(api, products):
    services.shop_get_or_create(shop_id=2001, enforce_call_limits=True)
    import_id = offer_import(api, offer_line(SHIRT, price="0"))
    limited = upload(api, IMPORTS, csv_text(offer_line(DRESS)), import_mode="NORMAL")
    assert limited.status_code == 429
    assert 50 <= int(limited["Retry-After"]) <= 60
    assert api.get(f"{IMPORTS}/{import_id}").status_code == 200
    assert api.get(f"{IMPORTS}/{import_id}").status_code == 429
    clock_advance("mirakl", 61)
    assert offer_status(api, import_id)["status"] == "COMPLETE"
    assert api.get(f"{IMPORTS}/{import_id}/error_report").status_code == 200
    assert api.get(f"{IMPORTS}/{import_id}/error_report").status_code == 429
    assert offer_import(api, offer_line(DRESS))
