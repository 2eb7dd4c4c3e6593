"""Contract tests of the SEKO connector's reads and reliability: requests asserted."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from responses import matchers

from connectors.base import ConfigError, PermanentError, TransientError
from connectors.registry import source_class_for
from connectors.seko import SekoConnector
from tests.connectors.seko.support import BASE, KEY, connector, ok, refused

STATUS_1001 = f"{BASE}/salesorders/v1/JL-JL-1001/status"
STOCK_DC = f"{BASE}/stock/v1/dc/DC01"
STOCK_PRODUCT = f"{BASE}/stock/v1/product"


def key_only() -> list:
    return [matchers.query_param_matcher({"api_key": KEY})]


def row(sku: str, quantity: int, location: str = "Available Stock", dc: str = "DC01") -> dict:
    return {"ProductCode": sku, "DCCode": dc, "LocationType": location, "Quantity": quantity}


# --- construction and ping ------------------------------------------------------------------


def test_registered_under_seko():
    assert source_class_for("seko") is SekoConnector


@pytest.mark.parametrize(
    ("credentials", "options", "message"),
    [
        ({}, {"dc_code": "DC01"}, "the seko credential 'api_key' is missing"),
        ({"api_key": KEY}, {}, "the SEKO option 'dc_code' is missing"),
        ({"api_key": KEY}, {"dc_code": "DC01", "key_param": "apikey"}, "SEKO key_param"),
    ],
)
def test_construction_needs_key_and_dc(credentials, options, message):
    with pytest.raises(ConfigError, match=message):
        SekoConnector(base_url=BASE, credentials=credentials, **options)


def test_missing_base_url_is_a_config_error():
    with pytest.raises(ConfigError, match="source_url"):
        SekoConnector(base_url="", credentials={"api_key": KEY}, dc_code="DC01")


@responses.activate
def test_ping_accepts_an_unknown_order_answer():
    responses.get(
        f"{BASE}/salesorders/v1/HUB-PING/status",
        json=refused("Error retrieving Sales Order: HUB-PING - Error. Sales Order does not exist."),
        match=key_only(),
    )
    connector().ping()
    assert len(responses.calls) == 1


@responses.activate
def test_ping_with_a_wrong_key_is_a_config_error_without_the_key():
    responses.get(
        f"{BASE}/salesorders/v1/HUB-PING/status",
        json={"Message": "Authorization has been denied for this request."},
        status=401,
    )
    with pytest.raises(ConfigError) as caught:
        connector().ping()
    assert str(caught.value) == (
        "SEKO GET salesorders/v1/HUB-PING/status failed (401): "
        "Authorization has been denied for this request."
    )
    assert len(responses.calls) == 1  # a 401 is never retried


@responses.activate
def test_legacy_token_parameter():
    responses.get(
        f"{BASE}/salesorders/v1/HUB-PING/status",
        json=refused("Sales Order does not exist."),
        match=[matchers.query_param_matcher({"token": KEY})],
    )
    connector(key_param="token").ping()


# --- products and stock ---------------------------------------------------------------------


@responses.activate
def test_products_come_from_stock_rows_without_prices():
    rows = [
        row("SK-1", 5),
        {**row("SK-1", 2, "Quarantine"), "Ean": "5030000000014"},
        {**row("SK-2", 3), "Ean": "5030000000021"},
    ]
    responses.get(STOCK_DC, json=ok(List={"StockQuantityLineItem": rows}), match=key_only())
    page = connector().products_read("")
    assert [(p.sku, p.title, p.price, p.barcode) for p in page.items] == [
        ("SK-1", "", None, ""),
        ("SK-2", "", None, "5030000000021"),
    ]
    assert (page.next_cursor, page.has_more) == ("", False)


@responses.activate
def test_products_single_row_comes_as_an_object():
    responses.get(STOCK_DC, json=ok(List={"StockQuantityLineItem": row("SK-9", 1)}))
    assert [p.sku for p in connector().products_read("").items] == ["SK-9"]


@responses.activate
def test_stock_read_all_counts_only_available_stock_in_our_dc():
    rows = [
        row("SK-1", 5),
        row("SK-1", 4, "Quarantine"),
        row("SK-2", 7, "QC"),
        row("SK-3", 9, dc="DC99"),
        row("SK-4", 2),
        row("SK-4", 1),
    ]
    responses.get(STOCK_DC, json=ok(List={"StockQuantityLineItem": rows}), match=key_only())
    levels = {level.sku: level.available for level in connector().stock_read()}
    assert levels == {"SK-1": 5, "SK-2": 0, "SK-4": 3}


@responses.activate
def test_stock_read_requested_skus_missing_from_the_answer_are_zero():
    responses.get(
        STOCK_PRODUCT,
        json=ok(List={"StockQuantityLineItem": row("SK-2", 6)}),
        match=[
            matchers.query_param_matcher(
                {"ProductCodes": "SK-1,SK-2,SK-3", "dc": "DC01", "api_key": KEY}
            )
        ],
    )
    levels = [(lvl.sku, lvl.available) for lvl in connector().stock_read(["SK-1", "SK-2", "SK-3"])]
    assert levels == [("SK-1", 0), ("SK-2", 6), ("SK-3", 0)]
    assert "ProductCodes=SK-1,SK-2,SK-3&dc=DC01&api_key=" in responses.calls[0].request.url


@responses.activate
def test_stock_read_batches_under_the_2048_character_query_limit():
    skus = [f"SKU{index:06d}" for index in range(450)]  # 9 characters each
    responses.get(STOCK_PRODUCT, json=ok(List={}))
    levels = list(connector().stock_read(skus))
    assert [lvl.sku for lvl in levels] == skus
    assert all(lvl.available == 0 for lvl in levels)
    queries = [urlsplit(call.request.url).query for call in responses.calls]
    assert all(len(query) <= 2048 for query in queries)
    batches = [parse_qs(query)["ProductCodes"][0].split(",") for query in queries]
    # 45 fixed characters + 200 codes of 9 + 199 commas = 2044; a 201st code would make 2054
    assert [len(batch) for batch in batches] == [200, 200, 50]
    assert sum(batches, []) == skus
    assert len(queries[0]) == 2044


@responses.activate
def test_stock_changes_reread_the_skus_adjusted_or_moved_in_the_window():
    adjustments = f"{BASE}/stock/v1/adjustment/2026-11-22T10:45:00Z/2026-11-22T12:00:00Z"
    movements = f"{BASE}/stock/v1/movement/2026-11-22T10:45:00Z/2026-11-22T12:00:00Z"
    dc = [matchers.query_param_matcher({"dc": "DC01", "api_key": KEY})]
    responses.get(
        adjustments,
        json=ok(List={"StockAdjustmentLineItem": {"ProductCode": "SK-2", "Quantity": 3}}),
        match=dc,
    )
    responses.get(
        movements,
        json=ok(List={"StockMovementLineItem": [{"ProductCode": "SK-1"}, {"ProductCode": "SK-2"}]}),
        match=dc,
    )
    responses.get(
        STOCK_PRODUCT,
        json=ok(List={"StockQuantityLineItem": row("SK-2", 4)}),
        match=[
            matchers.query_param_matcher(
                {"ProductCodes": "SK-1,SK-2", "dc": "DC01", "api_key": KEY}
            )
        ],
    )
    page = connector().stock_changes_read("2026-11-22T11:00:00Z")
    assert [(lvl.sku, lvl.available) for lvl in page.items] == [("SK-1", 0), ("SK-2", 4)]
    assert (page.next_cursor, page.has_more) == ("2026-11-22T12:00:00Z", False)


@responses.activate
def test_stock_changes_without_changes_read_no_levels():
    responses.get(
        f"{BASE}/stock/v1/adjustment/2026-11-21T12:00:00Z/2026-11-22T12:00:00Z", json=ok()
    )
    responses.get(f"{BASE}/stock/v1/movement/2026-11-21T12:00:00Z/2026-11-22T12:00:00Z", json=ok())
    page = connector(lookback_days="1").stock_changes_read("")
    assert page.items == []
    assert len(responses.calls) == 2


def test_unreadable_cursor_is_permanent():
    with pytest.raises(PermanentError, match="unreadable SEKO cursor"):
        connector().shipments_read("yesterday")


# --- dispatches -------------------------------------------------------------------------------


def dispatch(number: str, **fields) -> dict:
    return {
        "GUID": f"guid-{number}",
        "SalesOrderNumber": number,
        "SalesOrderReference": number.removeprefix("JL-"),
        "DispatchNumber": "000001",
        "DispatchDate": "2026-11-22T09:15:00Z",
        "Courier": "Royal Mail",
        "CourierService": "Tracked 24",
        "TrackingNumber": "RM123",
        "TrackingUrl": "https://track.example/RM123",
        "List": {"SalesOrderLineItem": {"LineNumber": 1, "ProductCode": "SK-1", "Quantity": 2}},
        **fields,
    }


@responses.activate
def test_shipments_read_maps_carrier_service_tracking_and_lines():
    url = f"{BASE}/dispatches/v1/status/2026-11-22T10:45:00Z/2026-11-22T12:00:00Z"
    responses.get(
        url,
        json=ok(List={"DispatchLineItem": dispatch("JL-JL-1001")}),
        match=[
            matchers.query_param_matcher({"status": "Dispatched", "dc": "DC01", "api_key": KEY})
        ],
    )
    page = connector().shipments_read("2026-11-22T11:00:00Z")
    (shipment,) = page.items
    assert shipment.shipment_id == "guid-JL-JL-1001"
    assert (shipment.source_order_id, shipment.external_reference) == ("JL-JL-1001", "JL-1001")
    assert (shipment.carrier_name, shipment.carrier_service) == ("Royal Mail", "Tracked 24")
    assert (shipment.tracking_number, shipment.tracking_url) == (
        "RM123",
        "https://track.example/RM123",
    )
    assert shipment.shipped_at.isoformat() == "2026-11-22T09:15:00+00:00"
    assert [(line.sku, line.quantity) for line in shipment.lines] == [("SK-1", 2)]
    assert (page.next_cursor, page.has_more) == ("2026-11-22T12:00:00Z", False)


@responses.activate
def test_shipments_without_tracking_are_completed_from_the_tracking_lookup():
    responses.get(
        f"{BASE}/dispatches/v1/status/2026-11-15T12:00:00Z/2026-11-22T12:00:00Z",
        json=ok(
            List={
                "DispatchLineItem": [
                    dispatch("JL-A", TrackingNumber="", Courier="", CourierService=""),
                    dispatch("JL-B", Courier="DPD", TrackingNumber="DPD9"),
                ]
            }
        ),
    )
    responses.get(
        f"{BASE}/salesorders/v1/JL-A/tracking",
        json=ok(
            TrackingDetails={"Courier": "Evri", "CourierService": "48", "TrackingNumber": "H1"}
        ),
        match=key_only(),
    )
    items = connector().shipments_read("").items
    assert [(s.carrier_name, s.carrier_service, s.tracking_number) for s in items] == [
        ("Evri", "48", "H1"),
        ("DPD", "Tracked 24", "DPD9"),
    ]


@responses.activate
def test_shipments_pages_through_windows_to_the_end():
    responses.get(
        f"{BASE}/dispatches/v1/status/2026-11-02T12:00:00Z/2026-11-09T12:00:00Z",
        json=ok(List={"DispatchLineItem": dispatch("JL-A")}),
    )
    responses.get(
        f"{BASE}/dispatches/v1/status/2026-11-09T11:45:00Z/2026-11-16T11:45:00Z",
        json=ok(List={}),
    )
    responses.get(
        f"{BASE}/dispatches/v1/status/2026-11-16T11:30:00Z/2026-11-22T12:00:00Z",
        json=ok(List={"DispatchLineItem": [dispatch("JL-B"), dispatch("JL-C")]}),
    )
    seko = connector(lookback_days="20")
    seen, cursor, pages = [], "", 0
    while True:
        page = seko.shipments_read(cursor)
        seen += [shipment.source_order_id for shipment in page.items]
        cursor, pages = page.next_cursor, pages + 1
        if not page.has_more:
            break
    assert seen == ["JL-A", "JL-B", "JL-C"]
    assert (pages, cursor) == (3, "2026-11-22T12:00:00Z")


def test_refunds_are_empty_seko_has_none():
    page = connector().refunds_read("c")
    assert (page.items, page.next_cursor, page.has_more) == ([], "c", False)


# --- reliability ------------------------------------------------------------------------------


@responses.activate
def test_429_is_retried_after_retry_after_then_succeeds():
    responses.get(
        STOCK_DC, json={"Message": "Too many requests"}, status=429, headers={"Retry-After": "2"}
    )
    responses.get(STOCK_DC, json=ok(List={"StockQuantityLineItem": row("SK-1", 1)}))
    sleeps: list[float] = []
    levels = list(connector(sleeps).stock_read())
    assert [(lvl.sku, lvl.available) for lvl in levels] == [("SK-1", 1)]
    assert sleeps == [2.0]


@responses.activate
def test_429_that_persists_is_transient_with_retry_after():
    responses.get(
        STOCK_DC, json={"Message": "Too many requests"}, status=429, headers={"Retry-After": "5"}
    )
    sleeps: list[float] = []
    with pytest.raises(TransientError) as caught:
        list(connector(sleeps).stock_read())
    assert (caught.value.status, caught.value.retry_after) == (429, 5.0)
    assert len(responses.calls) == 3
    assert sleeps == [5.0, 5.0]


@responses.activate
def test_long_retry_after_goes_back_to_the_caller_at_once():
    responses.get(STOCK_DC, status=429, headers={"Retry-After": "120"})
    with pytest.raises(TransientError) as caught:
        list(connector().stock_read())
    assert caught.value.retry_after == 120.0
    assert len(responses.calls) == 1


@responses.activate
def test_5xx_is_retried_with_bounded_jittered_backoff_then_transient():
    responses.get(STOCK_DC, json={"Message": "An error has occurred."}, status=500)
    sleeps: list[float] = []
    with pytest.raises(TransientError, match=r"\(500\): An error has occurred\."):
        list(connector(sleeps).stock_read())
    assert len(responses.calls) == 3
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 1.5


@responses.activate
def test_timeout_is_transient():
    responses.get(STOCK_DC, body=requests.ConnectTimeout("connect timed out"))
    with pytest.raises(TransientError, match="SEKO GET stock/v1/dc/DC01 timed out"):
        list(connector(read_attempts="1").stock_read())


@responses.activate
def test_every_call_has_a_timeout(monkeypatch):
    seen = {}
    real = requests.Session.request

    def spy(self, method, url, **kwargs):
        seen["timeout"] = kwargs.get("timeout")
        return real(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    responses.get(STOCK_DC, json=ok())
    list(connector().stock_read())
    assert seen["timeout"] == (5.0, 30.0)


@responses.activate
def test_403_is_a_config_error():
    responses.get(STOCK_DC, json={"Message": "Forbidden"}, status=403)
    with pytest.raises(ConfigError):
        list(connector().stock_read())
    assert len(responses.calls) == 1


@responses.activate
def test_unknown_service_404_page_is_a_config_error():
    responses.get(STOCK_DC, body="<html>404 - File or directory not found.</html>", status=404)
    with pytest.raises(ConfigError, match="check the source URL"):
        list(connector().stock_read())


@responses.activate
@pytest.mark.parametrize(
    "body", ['{"truncated": [1, 2', '{"Unexpected": true}', "[]", '{"Response": {}}']
)
def test_malformed_body_is_transient(body):
    responses.get(STOCK_DC, body=body, content_type="application/json")
    with pytest.raises(TransientError, match="not a SEKO response"):
        list(connector(read_attempts="1").stock_read())


@responses.activate
def test_refusal_on_a_read_is_permanent_and_not_retried():
    responses.get(STOCK_DC, json=refused("DCCode DC01 is not valid for this client."))
    with pytest.raises(PermanentError, match="DCCode DC01 is not valid"):
        list(connector().stock_read())
    assert len(responses.calls) == 1


@responses.activate
def test_the_api_key_never_reaches_messages_or_logs(caplog):
    caplog.set_level(logging.DEBUG)
    url_with_key = f"{STOCK_DC}?api_key={KEY}"
    responses.get(STOCK_DC, body=requests.ConnectionError(f"Max retries exceeded: {url_with_key}"))
    responses.get(
        f"{BASE}/salesorders/v1/HUB-PING/status",
        json={"Message": f"Authorization has been denied for api_key={KEY}"},
        status=401,
    )
    responses.get(STATUS_1001, body=f"<html>bad gateway {url_with_key}</html>", status=502)
    seko = connector(read_attempts="2")
    errors = []
    for call in (lambda: list(seko.stock_read()), seko.ping, lambda: seko.order_find("JL-1001")):
        with pytest.raises((TransientError, ConfigError)) as caught:
            call()
        errors.append(caught.value)
    texts = [f"{e} {e.detail} {e!r}" for e in errors] + [caplog.text]
    assert all(KEY not in text for text in texts)
    assert str(errors[0]) == "SEKO GET stock/v1/dc/DC01 could not connect (ConnectionError)"
    assert "api_key=***" in errors[1].detail
    assert errors[0].__cause__ is None and errors[0].__suppress_context__
