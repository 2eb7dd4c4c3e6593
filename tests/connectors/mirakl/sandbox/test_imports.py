"""STO01-03 stock imports, PRI01-03 price imports (delete and replace) and OF21."""

from __future__ import annotations

import pytest

from connectors.mirakl.sandbox.models import SandboxOffer
from connectors.sandbox.faults import clock_advance

pytestmark = pytest.mark.django_db

GOOD = "JL-SHIRT-OXF-BLU-M"
OTHER = "JL-SCARF-CASH-GRY"


def _offer(api, sku: str) -> dict:
    offers = api.get("/api/offers", {"sku": sku}).json()["offers"]
    assert len(offers) == 1
    return offers[0]


def _status(api, import_id: str) -> dict:
    return api.get(f"/api/offers/stock/imports/{import_id}/status").json()


def test_stock_import_moves_to_complete_and_reports_bad_lines(api, shop):
    csv_text = (
        '"offer-sku";"quantity";"warehouse-code";"update-delete"\n'
        f'"{GOOD}";"7";"";""\n'
        '"UNKNOWN-SKU";"3";"";""\n'
        f'"{OTHER}";"-2";"";""\n'
        f'"{OTHER}";"1.5";"";""\n'
    )
    created = api.upload("/api/offers/stock/imports", csv_text)
    assert created.status_code == 201
    import_id = created.json()["import_id"]
    assert isinstance(import_id, str)
    first = _status(api, import_id)
    assert (first["status"], first["has_error_report"], first["shop_id"]) == (
        "WAITING",
        False,
        2001,
    )
    assert _offer(api, GOOD)["quantity"] == 25
    assert _status(api, import_id)["status"] == "RUNNING"
    done = _status(api, import_id)
    assert done["status"] == "COMPLETE"
    assert (done["lines_in_success"], done["lines_in_error"], done["has_error_report"]) == (
        1,
        3,
        True,
    )
    assert _offer(api, GOOD)["quantity"] == 7
    assert _offer(api, OTHER)["quantity"] == 25
    report = api.get(f"/api/offers/stock/imports/{import_id}/error_report")
    assert report["Content-Type"].startswith("text/csv")
    assert report.content.decode().splitlines() == [
        '"error-line";"error-message";"offer-sku";"quantity";"warehouse-code";"update-delete"',
        '"3";"The offer with sku \'UNKNOWN-SKU\' does not exist";"UNKNOWN-SKU";"3";"";""',
        f'"4";"The quantity \'-2\' is invalid: it must be a positive integer";"{OTHER}";"-2";"";""',
        f'"5";"The quantity \'1.5\' is invalid: it must be a positive integer";'
        f'"{OTHER}";"1.5";"";""',
    ]


def test_stock_import_completes_with_time_alone(api, shop):
    created = api.upload("/api/offers/stock/imports", f'"offer-sku";"quantity"\n"{GOOD}";"0"\n')
    import_id = created.json()["import_id"]
    clock_advance("mirakl", 61)
    assert _offer(api, GOOD)["quantity"] == 0
    assert _offer(api, GOOD)["active"] is False
    done = _status(api, import_id)
    assert (done["status"], done["has_error_report"]) == ("COMPLETE", False)
    missing = api.get(f"/api/offers/stock/imports/{import_id}/error_report")
    assert missing.status_code == 404


def test_stock_import_rejects_a_bad_upload(api, shop):
    no_file = api.client.post(
        "/sandbox/mirakl/api/offers/stock/imports", {}, headers={"Authorization": api.api_key}
    )
    assert no_file.status_code == 400
    assert no_file.json()["message"] == "The multipart part 'file' is required"
    wrong_columns = api.upload("/api/offers/stock/imports", '"sku";"qty"\n"A";"1"\n')
    assert wrong_columns.status_code == 400
    assert api.get("/api/offers/stock/imports/nope/status").status_code == 404


def _price_import(api, csv_text: str) -> str:
    created = api.upload("/api/offers/pricing/imports", csv_text)
    assert created.status_code == 201
    import_id = created.json()["import_id"]
    for _ in range(3):
        listing = api.get("/api/offers/pricing/imports", {"import_id": import_id}).json()
    assert listing["data"][0]["status"] == "COMPLETE"
    return import_id


def test_price_import_deletes_and_replaces_an_offers_prices(api, shop):
    header = '"offer-sku";"price";"discount-price";"discount-start-date";"discount-end-date"\n'
    _price_import(api, header + f'"{GOOD}";"50.00";"40.00";"";""\n"{GOOD}";"48.00";"";"";""\n')
    offer = _offer(api, GOOD)
    assert [(p["unit_origin_price"], p["unit_discount_price"]) for p in offer["all_prices"]] == [
        (50.0, 40.0),
        (48.0, None),
    ]
    assert offer["price"] == 40.0
    _price_import(api, header + f'"{GOOD}";"55.00";"";"";""\n')
    offer = _offer(api, GOOD)
    assert [p["unit_origin_price"] for p in offer["all_prices"]] == [55.0]
    assert offer["price"] == 55.0
    assert _offer(api, OTHER)["price"] == 95.0


def test_price_import_leaves_an_offer_with_a_bad_price_untouched(api, shop):
    csv_text = (
        f'"offer-sku";"price";"discount-price"\n"{GOOD}";"30.00";""\n'
        f'"{GOOD}";"abc";""\n"{OTHER}";"80.00";"90.00"\n"NOPE";"1.00";""\n'
    )
    import_id = _price_import(api, csv_text)
    listing = api.get("/api/offers/pricing/imports", {"import_id": import_id}).json()["data"][0]
    assert (listing["lines_in_success"], listing["lines_in_error"]) == (0, 4)
    assert listing["offers_in_error"] == 3
    assert _offer(api, GOOD)["price"] == 45.0
    report = api.get(f"/api/offers/pricing/imports/{import_id}/error_report").content.decode()
    lines = report.splitlines()
    assert lines[0] == '"error-line";"error-message";"offer-sku";"price";"discount-price"'
    assert '"2";"Another price of this offer is in error"' in lines[1]
    assert '"5";"The offer with sku \'NOPE\' does not exist"' in lines[4]


def test_offers_are_offset_paged(api, shop):
    first = api.get("/api/offers", {"max": 5})
    assert (len(first.json()["offers"]), first.json()["total_count"]) == (5, 8)
    assert 'rel="next"' in first["Link"]
    titles = [
        o["product_title"]
        for o in api.get("/api/offers", {"sort": "productTitle", "paginate": "false"}).json()[
            "offers"
        ]
    ]
    assert titles == sorted(titles)
    assert SandboxOffer.objects.count() == 8
