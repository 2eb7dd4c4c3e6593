"""Contract tests for stock (STO01-03), price (PRI01-03) and offers (OF21, OF52-54)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from connectors.base import PermanentError
from connectors.mirakl import dtos
from connectors.mirakl.client import MiraklClient
from tests.connectors.mirakl.fixtures import API_KEY, BASE, load_raw, make_client

UTC = dt.UTC


def multipart_file(call) -> tuple[str, bytes]:
    """(filename, content) of the ``file`` part of a multipart request."""
    content_type = call.request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=")[1].encode()
    for part in call.request.body.split(b"--" + boundary):
        head, _, data = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            filename = head.split(b'filename="')[1].split(b'"')[0].decode()
            return filename, data.rstrip(b"\r\n")
    raise AssertionError("no file part")


@responses.activate
def test_sto01_posts_a_semicolon_csv_and_returns_the_import_id():
    responses.post(f"{BASE}/api/offers/stock/imports", status=201, json={"import_id": "3fa85f64"})

    import_id = make_client().stock_import_create(
        rows=[("RB-LOAFER-38", 4), ("RB-LOAFER-39", 0, "LON"), dtos.StockRow("SKU;odd", 2)]
    )

    assert import_id == "3fa85f64"
    call = responses.calls[0]
    assert call.request.method == "POST"
    filename, content = multipart_file(call)
    assert filename == "stock.csv"
    assert content.decode().splitlines() == [
        "offer-sku;quantity;warehouse-code;update-delete",
        "RB-LOAFER-38;4;;",
        "RB-LOAFER-39;0;LON;",
        '"SKU;odd";2;;',
    ]
    assert call.request.headers["Authorization"] == API_KEY


@responses.activate
def test_sto01_numeric_import_id_becomes_a_string():
    responses.post(f"{BASE}/api/offers/stock/imports", status=201, json={"import_id": 123})
    assert make_client().stock_import_create(rows=[("A", 1)]) == "123"


@pytest.mark.parametrize("rows", [[], [("A", -1)], [("", 1)], [("A", 1.5)]])
def test_sto01_refuses_bad_rows_before_sending(rows):
    with responses.RequestsMock() as mock, pytest.raises(PermanentError, match="STO01 refused"):
        make_client().stock_import_create(rows=rows)
    assert len(mock.calls) == 0


@responses.activate
def test_sto01_is_retried_after_a_timeout_because_resending_is_harmless():
    import requests

    url = f"{BASE}/api/offers/stock/imports"
    responses.post(url, body=requests.ReadTimeout("slow"))
    responses.post(url, status=201, json={"import_id": "i-2"})
    assert make_client().stock_import_create(rows=[("A", 1)]) == "i-2"
    assert len(responses.calls) == 2


@responses.activate
def test_sto02_status():
    import_id = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    responses.get(
        f"{BASE}/api/offers/stock/imports/{import_id}/status",
        body=load_raw("sto02_status.json"),
        content_type="application/json",
    )

    status = make_client().stock_import_status(import_id)

    assert status == dtos.ImportStatus(
        import_id=import_id,
        status="COMPLETE",
        has_error_report=True,
        lines_in_success=148,
        lines_in_error=2,
        date_created=dt.datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
    )
    assert status.finished


@responses.activate
def test_sto03_error_report_is_parsed_per_sku():
    responses.get(
        f"{BASE}/api/offers/stock/imports/i-1/error_report",
        body=load_raw("sto03_error_report.csv"),
        content_type="text/csv",
    )

    errors = make_client().stock_import_errors("i-1")

    assert [(e.line, e.sku, e.message) for e in errors] == [
        (2, "RB-GHOST-1", "The offer does not exist"),
        (4, "RB-LOAFER-39", "Quantity must be a positive integer; got -1"),
    ]
    assert errors[1].row["quantity"] == "-1"


@responses.activate
def test_sto03_report_without_named_columns_uses_positions():
    responses.get(
        f"{BASE}/api/offers/stock/imports/i-2/error_report",
        body="\ufeffline;reason;sku;qty\n7;Unknown warehouse;SKU-7;3\n",
    )
    (error,) = make_client().stock_import_errors("i-2")
    assert (error.line, error.sku, error.message) == (7, "SKU-7", "Unknown warehouse")


@responses.activate
def test_pri01_posts_the_spec_columns():
    responses.post(
        f"{BASE}/api/offers/pricing/imports",
        status=201,
        json={"import_id": "7d98c3c0-81fe-407d-9721-d4b01951c8d8"},
    )
    rows = [
        dtos.PriceRow("RB-LOAFER-38", Decimal("239.00")),
        dtos.PriceRow(
            "RB-LOAFER-39",
            Decimal("239.00"),
            discount_price=Decimal("199.5"),
            discount_start_date=dt.datetime(2026, 11, 27, 0, 0, tzinfo=UTC),
            discount_end_date=dt.datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC),
        ),
    ]

    import_id = make_client().price_import_create(rows=rows)

    assert import_id == "7d98c3c0-81fe-407d-9721-d4b01951c8d8"
    filename, content = multipart_file(responses.calls[0])
    assert filename == "prices.csv"
    assert content.decode().splitlines() == [
        "offer-sku;price;discount-price;discount-start-date;discount-end-date",
        "RB-LOAFER-38;239.00;;;",
        "RB-LOAFER-39;239.00;199.5;2026-11-27T00:00:00Z;2026-12-01T23:59:59Z",
    ]


@responses.activate
def test_pri01_accepts_the_legacy_importid_key():
    responses.post(f"{BASE}/api/offers/pricing/imports", status=201, json={"importId": "p-9"})
    assert make_client().price_import_create(rows=[dtos.PriceRow("A", Decimal("1"))]) == "p-9"


def test_pri01_refuses_float_prices():
    with pytest.raises(PermanentError, match="bad price"):
        make_client().price_import_create(rows=[dtos.PriceRow("A", 1.1)])


@responses.activate
def test_pri02_status_queries_by_import_id():
    import_id = "7d98c3c0-81fe-407d-9721-d4b01951c8d8"
    responses.get(
        f"{BASE}/api/offers/pricing/imports",
        body=load_raw("pri02_status.json"),
        content_type="application/json",
    )

    status = make_client().price_import_status(import_id)

    assert parse_qs(urlsplit(responses.calls[0].request.url).query) == {"import_id": [import_id]}
    assert status.status == "RUNNING"
    assert status.offers_updated == 2
    assert not status.finished


@responses.activate
def test_pri02_unknown_import_is_permanent():
    responses.get(f"{BASE}/api/offers/pricing/imports", json={"data": []})
    with pytest.raises(PermanentError, match="not found"):
        make_client().price_import_status("nope")


@responses.activate
def test_pri03_error_report():
    responses.get(
        f"{BASE}/api/offers/pricing/imports/p-1/error_report",
        body=(
            '"error-line";"error-message";"offer-sku";"price"\n'
            '"3";"Price must be positive";"A";"-2"\n'
        ),
    )
    (error,) = make_client().price_import_errors("p-1")
    assert error == dtos.ImportLineError(line=3, sku="A", message="Price must be positive")


@responses.activate
def test_of21_pages_to_the_end():
    offer = json.loads(load_raw("of21_offer.json"))
    pages = [
        [{**offer, "shop_sku": f"S-{n}"} for n in range(start, min(start + 100, 130))]
        for start in (0, 100)
    ]
    for page in pages:
        responses.get(f"{BASE}/api/offers", json={"offers": page, "total_count": 130})

    offers = list(make_client().offers_list())

    assert len(offers) == 130
    assert [parse_qs(urlsplit(c.request.url).query)["offset"] for c in responses.calls] == [
        ["0"],
        ["100"],
    ]
    assert offers[0].price == Decimal("239.0") and offers[0].quantity == 4


@responses.activate
def test_of52_of53_of54_export_cycle():
    responses.post(f"{BASE}/api/offers/export/async", json={"tracking_id": "5715f797"})
    responses.get(
        f"{BASE}/api/offers/export/async/status/5715f797",
        body=load_raw("of53_completed.json"),
        content_type="application/json",
    )
    status_urls = json.loads(load_raw("of53_completed.json"))["urls"]
    for url, name in zip(status_urls, ["of54_chunk0.json", "of54_chunk1.json"], strict=True):
        responses.get(url, body=load_raw(name), content_type="application/json")
    client = make_client()

    tracking_id = client.offers_export_create(
        last_request_date=dt.datetime(2026, 11, 21, 8, 0, tzinfo=UTC), items_per_chunk=10000
    )
    status = client.offers_export_status(tracking_id)
    offers = list(client.offers_export_read(status))

    assert json.loads(responses.calls[0].request.body) == {
        "export_type": "application/json",
        "last_request_date": "2026-11-21T08:00:00Z",
        "items_per_chunk": 10000,  # the spec minimum
    }
    assert status.status == "COMPLETED" and len(status.urls) == 2
    assert [(o.shop_sku, o.quantity, o.price, o.deleted) for o in offers] == [
        ("RB-LOAFER-38", 4, Decimal("199.00"), False),
        ("RB-POLISH-BLK", 0, Decimal("11.00"), True),
    ]
    assert offers[0].warehouses == (("LON", 3), ("MAN", 1))
    # The chunk URLs are on another host than BASE: the API key is not handed to it.
    assert all("Authorization" not in c.request.headers for c in responses.calls[2:])


@responses.activate
def test_of54_on_the_instance_host_is_authenticated():
    url = f"{BASE}/api/offers/export/async/file/x?file=0.json"
    responses.get(url, json=[])
    assert make_client().offers_export_download(url) == []
    assert responses.calls[0].request.headers["Authorization"] == API_KEY


def test_of54_refuses_an_unfinished_export():
    with pytest.raises(PermanentError, match="PENDING"):
        list(make_client().offers_export_read(dtos.OfferExportStatus(status="PENDING")))


@responses.activate
def test_of53_failed_export_carries_the_error():
    responses.get(
        f"{BASE}/api/offers/export/async/status/t-1",
        json={
            "status": "FAILED",
            "error": {"code": "1", "detail": "Internal error"},
            "last_updated": "2021-09-23T08:14:06.095Z",
        },
    )
    status = make_client().offers_export_status("t-1")
    assert (status.status, status.error_code, status.error_detail) == (
        "FAILED",
        "1",
        "Internal error",
    )
    assert status.last_updated == dt.datetime(2021, 9, 23, 8, 14, 6, 95000, tzinfo=UTC)


@responses.activate
def test_of54_discount_outside_its_window_is_not_the_price():
    url = f"{BASE}/api/offers/export/async/file/x?file=1.json"
    expired = {"discount_price": 5, "discount_end_date": "2020-01-01T00:00:00Z", "origin_price": 9}
    future = {"discount_price": 4, "discount_start_date": "2999-01-01T00:00:00Z", "origin_price": 8}
    responses.get(
        url,
        json=[
            {"shop_sku": "OLD", "prices": [expired], "quantity": 1},
            {"shop_sku": "SOON", "prices": [future], "quantity": 1},
        ],
    )

    old, soon = make_client().offers_export_download(url)

    assert (old.price, old.origin_price, old.discount_price) == (Decimal(9), Decimal(9), Decimal(5))
    assert (soon.price, soon.discount_price) == (Decimal(8), Decimal(4))


def _spec_of54_chunk() -> list:
    path = Path(__file__).parents[2] / "contracts/mirakl/of54_export_chunk.json"
    return json.loads(path.read_text(), parse_float=Decimal)["value"]


@responses.activate
def test_of54_default_price_is_the_entry_without_context_wherever_it_sits():
    """The spec's own OF54 example: prices[] holds channel and customer prices besides the
    default one, which is the entry without ``context``, not necessarily the first."""
    chunk = _spec_of54_chunk()
    prices = chunk[0]["prices"]
    chunk[0]["prices"] = [*prices[1:], prices[0]]  # the default one last
    url = f"{BASE}/api/offers/export/async/file/x?file=2.json"
    responses.get(url, body=json.dumps(chunk, default=str), content_type="application/json")

    (offer,) = make_client().offers_export_download(url)

    assert offer.shop_sku == "sku-2003"
    assert (offer.price, offer.origin_price, offer.discount_price) == (
        Decimal("69.99"),
        Decimal("69.99"),
        None,
    )


@responses.activate
def test_of54_without_a_default_price_has_no_price():
    url = f"{BASE}/api/offers/export/async/file/x?file=3.json"
    channel_only = {"context": {"channel_codes": ["FR"]}, "origin_price": 5}
    responses.get(url, json=[{"shop_sku": "CH", "prices": [channel_only], "quantity": 1}])

    (offer,) = make_client().offers_export_download(url)

    assert offer.price is None and offer.origin_price is None


@responses.activate
def test_of54_never_sends_the_key_over_plain_http_to_the_instance_host():
    url = "http://jl-test.mirakl.net/api/offers/export/async/file/x?file=0.json"
    responses.get(url, json=[])

    assert make_client(shop_id=2042).offers_export_download(url) == []

    sent = responses.calls[0].request
    assert "Authorization" not in sent.headers
    assert "shop_id" not in sent.url


@responses.activate
def test_of54_foreign_url_gets_neither_key_nor_shop_id():
    url = "https://storage.example.com/exports/0.json?signature=abc"
    responses.get(url, json=[])

    make_client(shop_id=2042).offers_export_download(url)

    sent = responses.calls[0].request
    assert "Authorization" not in sent.headers
    assert sent.url == url


@responses.activate
def test_of54_on_a_configured_http_instance_is_authenticated():
    """Only a sandbox is configured over http; its own links carry the key."""
    base = "http://127.0.0.1:8000/sandbox/mirakl"
    url = f"{base}/api/offers/export/async/file/x"
    responses.get(url, json=[])

    MiraklClient(base, API_KEY, shop_id=7, sleep=lambda s: None).offers_export_download(url)

    sent = responses.calls[0].request
    assert sent.headers["Authorization"] == API_KEY
    assert "shop_id=7" in sent.url


@responses.activate
def test_of52_differential_export_refuses_include_inactive_offers():
    # OF52 spec: include_inactive_offers "cannot be used in differential mode otherwise the
    # call fails"; refused before any request
    since = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)
    with pytest.raises(PermanentError, match="include_inactive_offers"):
        make_client().offers_export_create(last_request_date=since, include_inactive_offers=False)
    assert not responses.calls
