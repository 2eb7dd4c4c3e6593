"""Contract tests for the Fulfil reads: exact requests, paging to the end, mapping."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import responses
from responses import matchers

from connectors.base import ConfigError, PermanentError, ShipmentLine, StockLevel
from connectors.fulfil.mapping import Keyset, keyset_next
from tests.connectors.fulfil.conftest import (
    API_KEY,
    CONTEXT,
    RPC,
    V2,
    body_of,
    content_none,
    iso_dt,
    make,
    rpc_result,
    tryton_dt,
)

T1 = dt.datetime(2026, 11, 20, 9, 0, 0, 123456, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


def test_ping_lists_warehouses_with_the_api_key_header(mocked):
    call = mocked.get(
        f"{V2}/stock.location",
        match=[
            matchers.query_param_matcher(
                {
                    "filter": '[["type","=","warehouse"]]',
                    "field": "name",
                    "per_page": "100",
                    "context": json.dumps(CONTEXT, separators=(",", ":")),
                }
            ),
            matchers.header_matcher({"X-API-KEY": API_KEY, "Accept": "application/json"}),
        ],
        json=[{"id": 3, "name": "Main"}, {"id": 4, "name": "Store"}],
    )
    make().ping()
    assert call.call_count == 1


def test_ping_names_missing_warehouses(mocked):
    mocked.get(f"{V2}/stock.location", json=[{"id": 3, "name": "Main"}])
    with pytest.raises(ConfigError, match=r"\[4\]"):
        make().ping()


def test_products_read_sends_a_v3_find_and_walks_to_the_end(mocked):
    first = mocked.post(
        RPC,
        json=rpc_result(
            [
                {
                    "id": 1,
                    "code": "SKU-1",
                    "variant_name": "Mug",
                    "list_price": "12.5",
                    "ean": "5000000000012",
                    "updated_at": T1.isoformat(),
                },
                {"id": 2, "code": None, "variant_name": "Kit", "updated_at": T1.isoformat()},
            ],
            next_cursor="opaque-1",
            has_more=True,
        ),
    )
    content_none(mocked)
    connector = make(page_size="2", overlap_seconds="0")
    page = connector.products_read("")
    assert body_of(first.calls[0]) == {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "model.product.find",
        "params": {
            "where": {},
            "fields": ["id", "code", "variant_name", "list_price", "updated_at", "ean"],
            "ordering": {"updated_at": "ASC", "id": "ASC"},
            "page_size": 2,
        },
    }
    assert [(p.sku, p.price, p.barcode) for p in page.items] == [
        ("SKU-1", Decimal("12.5"), "5000000000012")
    ]
    assert page.items[0].source_ids == {"product_id": "1"}
    assert page.has_more is True
    assert page.next_cursor == f"{T1.isoformat()}|2"

    mocked.replace(
        responses.POST,
        RPC,
        json=rpc_result([{"id": 3, "code": "SKU-3", "updated_at": T2.isoformat()}]),
    )
    last = connector.products_read(page.next_cursor)
    finds = [call for call in mocked.calls if call.request.url == RPC]
    where = body_of(finds[1])["params"]["where"]
    assert where == {
        "or": [
            {"updated_at": {"gt": T1.isoformat()}},
            {"updated_at": T1.isoformat(), "id": {"gt": 2}},
        ]
    }
    assert [p.sku for p in last.items] == ["SKU-3"]
    assert (last.has_more, last.next_cursor) == (False, f"{T2.isoformat()}|3")


def test_end_of_walk_rewinds_by_the_overlap():
    start = Keyset.decode("")
    rows = [{"id": 9, "write_date": T2}]
    assert keyset_next(start, rows, has_more=True, overlap=60) == f"{T2.isoformat()}|9"
    rewound = T2 - dt.timedelta(seconds=60)
    assert keyset_next(start, rows, has_more=False, overlap=60) == f"{rewound.isoformat()}|0"
    assert keyset_next(start, [], has_more=False, overlap=60) == ""


def test_stock_read_follows_the_server_cursor_and_sums_configured_warehouses(mocked):
    mocked.post(
        RPC,
        json=rpc_result([{"id": 1, "code": "SKU-1"}], next_cursor="c2", has_more=True),
    )
    mocked.post(RPC, json=rpc_result([{"id": 2, "code": "SKU-2"}]))
    inventory = mocked.put(
        f"{V2}/product.product/get_product_inventory",
        json={
            "1": {
                "3": {"quantity_on_hand": 9, "quantity_available": 5.0},
                "4": {"quantity_on_hand": 2, "quantity_available": 2.0},
                "8": {"quantity_on_hand": 50, "quantity_available": 50.0},
            },
            "2": {"3": {"quantity_on_hand": 1, "quantity_available": -3.0}},
        },
    )
    levels = list(make().stock_read())
    assert levels == [StockLevel("SKU-1", 7), StockLevel("SKU-2", 0)]
    walk = [body_of(c)["params"] for c in mocked.calls if c.request.url == RPC]
    assert walk[0] == {
        "where": {"code": {"ne": None}},
        "fields": ["id", "code"],
        "ordering": {"id": "ASC"},
        "page_size": 100,
    }
    assert walk[1]["cursor"] == "c2"
    assert body_of(inventory.calls[0]) == [[1, 2], [3, 4]]
    assert inventory.calls[0].request.method == "PUT"


def test_stock_read_for_skus_reports_unknown_ones_as_zero(mocked):
    find = mocked.post(RPC, json=rpc_result([{"id": 1, "code": "SKU-1"}]))
    mocked.put(
        f"{V2}/product.product/get_product_inventory",
        json={"1": {"3": {"quantity_on_hand": 4, "quantity_available": 4}}},
    )
    levels = list(make().stock_read(["SKU-1", "GONE"]))
    assert levels == [StockLevel("SKU-1", 4), StockLevel("GONE", 0)]
    assert body_of(find.calls[0])["params"]["where"] == {"code": {"in": ["SKU-1", "GONE"]}}


def test_stock_reads_need_warehouses():
    with pytest.raises(ConfigError, match="warehouse_ids"):
        list(make(warehouse_ids="").stock_read())


def test_stock_changes_read_polls_moves_by_keyset(mocked):
    search = mocked.put(
        f"{V2}/stock.move/search_read",
        json=[
            {"id": 11, "write_date": tryton_dt(T1), "product": 1, "product.code": "SKU-1"},
            {"id": 12, "write_date": tryton_dt(T2), "product": 1, "product.code": "SKU-1"},
        ],
    )
    mocked.put(
        f"{V2}/product.product/get_product_inventory",
        json={"1": {"3": {"quantity_on_hand": 6, "quantity_available": 6}}},
    )
    cursor = f"{T1.isoformat()}|10"
    page = make(overlap_seconds="0").stock_changes_read(cursor)
    assert body_of(search.calls[0]) == [
        [
            [
                "OR",
                [["write_date", ">", iso_dt(T1.replace(tzinfo=None))]],
                [["write_date", "=", iso_dt(T1.replace(tzinfo=None))], ["id", ">", 10]],
            ]
        ],
        0,
        100,
        [["write_date", "ASC"], ["id", "ASC"]],
        ["id", "write_date", "product", "product.code"],
    ]
    assert page.items == [StockLevel("SKU-1", 6, updated_at=T2)]
    assert (page.next_cursor, page.has_more) == (f"{T2.isoformat()}|12", False)


def shipment_row(**overrides) -> dict:
    row = {
        "id": 40,
        "number": "CS0040",
        "state": "done",
        "carrier.name": "Bob's Bikes",
        "carrier_service.name": "Same day",
        "tracking_number.tracking_number": "BB1",
        "tracking_number.tracking_url": "https://t.example/BB1",
        "effective_date": {"__class__": "date", "year": 2026, "month": 11, "day": 21},
        "sales": [5],
        "outgoing_moves": [60, 61],
        "write_date": tryton_dt(T2),
    }
    return {**row, **overrides}


def test_shipments_read_asks_done_shipments_and_maps_carrier_and_tracking(mocked):
    search = mocked.put(f"{V2}/stock.shipment.out/search_read", json=[shipment_row()])
    mocked.put(f"{V2}/sale.sale/search_read", json=[{"id": 5, "reference": "JL-1001"}])
    mocked.put(
        f"{V2}/stock.move/search_read",
        json=[
            {"id": 60, "product.code": "SKU-1", "quantity": 2.0},
            {"id": 61, "product.code": "SKU-2", "quantity": 1.0},
        ],
    )
    page = make(overlap_seconds="0").shipments_read("")
    domain, offset, limit, order, fields = body_of(search.calls[0])
    assert domain == [["state", "in", ["done"]]]
    assert (offset, limit, order) == (0, 100, [["write_date", "ASC"], ["id", "ASC"]])
    assert "tracking_number.tracking_number" in fields and "carrier.name" in fields
    assert body_of(mocked.calls[1])[0] == [["id", "in", [5]]]
    assert body_of(mocked.calls[2])[0] == [["id", "in", [60, 61]]]
    (shipment,) = page.items
    assert shipment.shipment_id == "40" and shipment.source_order_id == "5"
    assert shipment.external_reference == "JL-1001"
    assert (shipment.carrier_name, shipment.carrier_service) == ("Bob's Bikes", "Same day")
    assert (shipment.tracking_number, shipment.tracking_url) == ("BB1", "https://t.example/BB1")
    assert shipment.shipped_at == T2
    assert shipment.lines == [ShipmentLine("SKU-1", 2), ShipmentLine("SKU-2", 1)]
    assert page.next_cursor == f"{T2.isoformat()}|40"


def test_shipments_read_also_understands_tryton_nested_dotted_fields(mocked):
    flat = ("carrier.name", "carrier_service.name", "tracking_number.tracking_number")
    row = {k: v for k, v in shipment_row().items() if k not in flat}
    row |= {"carrier.": {"name": "DPD"}, "tracking_number.": {"tracking_number": "15501"}}
    row |= {"carrier_service.": None, "tracking_number.tracking_url": None}
    mocked.put(f"{V2}/stock.shipment.out/search_read", json=[row])
    mocked.put(f"{V2}/sale.sale/search_read", json=[{"id": 5, "reference": "JL-1001"}])
    mocked.put(f"{V2}/stock.move/search_read", json=[])
    (shipment,) = make().shipments_read("").items
    assert (shipment.carrier_name, shipment.carrier_service) == ("DPD", "")
    assert (shipment.tracking_number, shipment.tracking_url) == ("15501", "")


def test_refunds_read_maps_return_sales(mocked):
    search = mocked.put(
        f"{V2}/sale.sale/search_read",
        json=[
            {
                "id": 9,
                "reference": "JL-1001",
                "state": "confirmed",
                "total_amount": {"__class__": "Decimal", "decimal": "-17.45"},
                "write_date": tryton_dt(T2),
            }
        ],
    )
    lines = mocked.put(
        f"{V2}/sale.line/search_read",
        json=[
            {
                "id": 1,
                "sale": 9,
                "product": 1,
                "product.code": "SKU-1",
                "quantity": -1.0,
                "amount": {"__class__": "Decimal", "decimal": "-12.50"},
            },
            {
                "id": 2,
                "sale": 9,
                "product": 99,
                "product.code": "SHIP",
                "quantity": -1.0,
                "amount": {"__class__": "Decimal", "decimal": "-4.95"},
            },
        ],
    )
    (refund,) = make(shipping_product_id="99").refunds_read("").items
    domain = body_of(search.calls[0])[0]
    assert domain == [
        ["total_amount", "<", 0],
        ["state", "in", ["confirmed", "processing", "done"]],
    ]
    assert body_of(lines.calls[0])[0] == [["sale", "in", [9]]]
    assert (refund.refund_id, refund.external_reference) == ("9", "JL-1001")
    assert (refund.amount, refund.shipping_amount) == (Decimal("17.45"), Decimal("4.95"))
    assert refund.lines == [ShipmentLine("SKU-1", 1)]
    assert refund.created_at == T2


def test_the_user_context_is_fetched_once_and_sent_on_every_call(mocked):
    prefs = mocked.put(f"{V2}/res.user/get_preferences", json=CONTEXT)
    lookups = mocked.put(f"{V2}/sale.sale/search_read", json=[])
    connector = make(user_context="")
    connector.order_find("JL-1")
    connector.order_find("JL-2")
    assert prefs.call_count == 1
    sent = [c.request.url.split("context=")[1] for c in lookups.calls]
    assert len(sent) == 2 and len(set(sent)) == 1


def test_a_user_context_that_is_not_an_object_is_refused(mocked):
    mocked.put(f"{V2}/res.user/get_preferences", json=[1])
    with pytest.raises(PermanentError, match="get_preferences answered a malformed body"):
        make(user_context="").order_find("JL-1")
    with pytest.raises(ConfigError, match="user_context"):
        make(user_context="[1]")
