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

STATUS_1001 = f"{BASE}/salesorders/v1/212870fc-cf47-5f61-8543-7535f8ae1705/status"
ECHO = f"{BASE}/echo/v1/jlhub-ping"
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
def test_ping_calls_the_echo_service_and_checks_the_echo():
    responses.get(ECHO, json={"msg": "jlhub-ping"}, match=key_only())
    connector().ping()
    assert len(responses.calls) == 1
    assert responses.calls[0].request.headers["Accept"] == "application/json"


@responses.activate
def test_ping_without_the_echo_is_transient():
    responses.get(ECHO, json={"msg": "something else"})
    with pytest.raises(TransientError, match="echo answered without the parameter"):
        connector(read_attempts="1").ping()


@responses.activate
def test_ping_with_a_wrong_key_is_a_config_error_without_the_key():
    responses.get(
        ECHO, json={"Message": "Authorization has been denied for this request."}, status=401
    )
    with pytest.raises(ConfigError) as caught:
        connector().ping()
    assert str(caught.value) == (
        "SEKO GET echo/v1/jlhub-ping failed (401): Authorization has been denied for this request."
    )
    assert len(responses.calls) == 1  # a 401 is never retried


@responses.activate
def test_legacy_token_parameter():
    responses.get(
        ECHO, json={"msg": "jlhub-ping"}, match=[matchers.query_param_matcher({"token": KEY})]
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


def listed(*guids: str) -> dict:
    """The dispatch status list: SEKO names only each dispatched order's DCCode and GUID."""
    items = [{"DCCode": "DC01", "GUID": guid} for guid in guids]
    return ok(List={"DispatchLineItem": items[0] if len(items) == 1 else items})


def tracked(guid: str, courier="Royal Mail", number="RM123") -> None:
    responses.get(
        f"{BASE}/salesorders/v1/{guid}/tracking",
        json=ok(Courier=courier, GUID=guid, TrackingNumber=number),
        match=key_only(),
    )


@responses.activate
def test_shipments_read_looks_each_dispatched_guid_up_in_the_flat_tracking_answer():
    url = f"{BASE}/dispatches/v1/status/2026-11-22T10:45:00Z/2026-11-22T12:00:00Z"
    responses.get(
        url,
        json=listed("guid-a"),
        match=[
            matchers.query_param_matcher({"status": "Dispatched", "dc": "DC01", "api_key": KEY})
        ],
    )
    tracked("guid-a")
    page = connector().shipments_read("2026-11-22T11:00:00Z")
    (shipment,) = page.items
    assert (shipment.shipment_id, shipment.source_order_id) == ("guid-a", "guid-a")
    assert (shipment.carrier_name, shipment.tracking_number) == ("Royal Mail", "RM123")
    assert shipment.shipped_at.isoformat() == "2026-11-22T12:00:00+00:00"  # window end
    assert (page.next_cursor, page.has_more) == ("2026-11-22T12:00:00Z", False)


@responses.activate
def test_a_dispatch_not_yet_tracked_reads_empty_values_not_braces():
    responses.get(
        f"{BASE}/dispatches/v1/status/2026-11-15T12:00:00Z/2026-11-22T12:00:00Z",
        json=listed("guid-a", "guid-b"),
    )
    responses.get(
        f"{BASE}/salesorders/v1/guid-a/tracking",
        json=ok(Courier={}, GUID="guid-a", TrackingNumber={}),
    )
    tracked("guid-b", courier="DPD", number="DPD9")
    items = connector().shipments_read("").items
    assert [(s.source_order_id, s.carrier_name, s.tracking_number) for s in items] == [
        ("guid-a", "", ""),
        ("guid-b", "DPD", "DPD9"),
    ]


@responses.activate
def test_a_refused_tracking_lookup_still_yields_the_dispatch():
    """Before, the dispatch was dropped while the cursor moved past its window: lost."""
    responses.get(
        f"{BASE}/dispatches/v1/status/2026-11-15T12:00:00Z/2026-11-22T12:00:00Z",
        json=listed("guid-a"),
    )
    responses.get(
        f"{BASE}/salesorders/v1/guid-a/tracking",
        status=400,
        json={"Response": {"CallStatus": {"Success": False, "Code": 1, "Message": "Invalid"}}},
    )
    (shipment,) = connector().shipments_read("").items
    assert (shipment.source_order_id, shipment.carrier_name, shipment.tracking_number) == (
        "guid-a",
        "",
        "",
    )


@responses.activate
def test_shipments_pages_through_windows_to_the_end():
    responses.get(
        f"{BASE}/dispatches/v1/status/2026-11-02T12:00:00Z/2026-11-09T12:00:00Z",
        json=listed("A"),
    )
    responses.get(
        f"{BASE}/dispatches/v1/status/2026-11-09T11:45:00Z/2026-11-16T11:45:00Z",
        json=ok(List={}),
    )
    responses.get(
        f"{BASE}/dispatches/v1/status/2026-11-16T11:30:00Z/2026-11-22T12:00:00Z",
        json=listed("B", "C"),
    )
    for guid in "ABC":
        tracked(guid)
    seko = connector(lookback_days="20")
    seen, cursor, pages = [], "", 0
    while True:
        page = seko.shipments_read(cursor)
        seen += [shipment.source_order_id for shipment in page.items]
        cursor, pages = page.next_cursor, pages + 1
        if not page.has_more:
            break
    assert seen == ["A", "B", "C"]
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
        ECHO, json={"Message": f"Authorization has been denied for api_key={KEY}"}, status=401
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
