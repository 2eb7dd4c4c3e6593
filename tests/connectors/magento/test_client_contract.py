"""Contract tests of the Magento connector's operations against recorded Magento answers."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from connectors.base import (
    ConfigError,
    PermanentError,
    Shipment,
    ShipmentLine,
    SourceOrderRef,
    SourceProduct,
    SourceRefund,
    StockLevel,
)
from connectors.magento import MagentoConnector
from connectors.registry import source_class_for
from tests.connectors.magento.support import (
    API,
    FG,
    SC,
    SHOP,
    TOKEN,
    make,
    orders_found,
    path,
    query,
)

# --- construction and ping ---------------------------------------------------------------------


def test_registered_under_magento_and_needs_a_token():
    assert source_class_for("magento") is MagentoConnector
    with pytest.raises(ConfigError, match="'access_token' is missing"):
        MagentoConnector(base_url=SHOP, credentials={})


@responses.activate
def test_ping_reads_store_configs_with_bearer_token(connector):
    responses.get(f"{API}/store/storeConfigs", json=[{"id": 2, "code": "jl_uk"}])
    connector.ping()
    [call] = responses.calls
    assert call.request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert path(call) == "/rest/jl_uk/V1/store/storeConfigs"


@responses.activate
def test_ping_with_unknown_store_code_is_a_config_error(connector):
    responses.get(f"{API}/store/storeConfigs", json=[{"id": 1, "code": "default"}])
    with pytest.raises(ConfigError, match="store code 'jl_uk' not found"):
        connector.ping()


# --- products ----------------------------------------------------------------------------------


PRODUCT = {
    "id": 42,
    "sku": "MG-1",
    "name": "Linen shirt",
    "price": 49.5,
    "status": 1,
    "type_id": "simple",
    "updated_at": "2026-11-20 10:00:00",
    "custom_attributes": [
        {"attribute_code": "ean", "value": "5010000000011"},
        {"attribute_code": "gtin", "value": "0000000000000"},
        {"attribute_code": "category_ids", "value": ["3", "4"]},
    ],
}


def content_answers() -> None:
    """No attribute needs a label; categories 3 and 4 are Women and Women / Dresses."""
    responses.get(f"{API}/products/attributes", json={"items": [], "total_count": 0})
    dresses = {"id": 4, "name": "Dresses", "level": 3, "children_data": []}
    women = {"id": 3, "name": "Women", "level": 2, "children_data": [dresses]}
    tree = {"id": 2, "name": "Default Category", "level": 1, "children_data": [women]}
    responses.get(f"{API}/categories", json=tree)


@responses.activate
def test_products_first_read_asks_page_one_in_keyset_order(connector):
    responses.get(f"{API}/products", json={"items": [PRODUCT], "total_count": 3})
    content_answers()
    page = connector.products_read("")
    call = responses.calls[0]
    assert query(call) == {
        f"{SC}[sortOrders][0][field]": "updated_at",
        f"{SC}[sortOrders][0][direction]": "ASC",
        f"{SC}[sortOrders][1][field]": "entity_id",
        f"{SC}[sortOrders][1][direction]": "ASC",
        f"{SC}[pageSize]": "100",
        f"{SC}[currentPage]": "1",
    }
    assert page.items == [
        SourceProduct(
            sku="MG-1",
            title="Linen shirt",
            price=Decimal("49.5"),
            barcode="5010000000011",
            currency="GBP",
            source_ids={"entity_id": "42"},
            attributes={
                "name": "Linen shirt",
                "ean": "5010000000011",
                "gtin": "0000000000000",
                "status": "1",
                "type_id": "simple",
            },
            updated_at=dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC),
            categories=("Women", "Dresses", "Women / Dresses"),
        )
    ]
    assert (page.next_cursor, page.has_more) == ("2026-11-20 10:00:00|42", True)


@responses.activate
def test_products_resume_after_cursor_with_configured_ean_attribute(sleeps):
    connector = make(sleeps, ean_attribute="gtin")
    responses.get(f"{API}/products", json={"items": [PRODUCT], "total_count": 1})
    content_answers()
    page = connector.products_read("2026-11-20 09:59:59|41")
    assert query(responses.calls[0]) == {
        f"{FG}[0][filters][0][field]": "updated_at",
        f"{FG}[0][filters][0][value]": "2026-11-20 09:59:59",
        f"{FG}[0][filters][0][condition_type]": "gteq",
        f"{FG}[1][filters][0][field]": "updated_at",
        f"{FG}[1][filters][0][value]": "2026-11-20 09:59:59",
        f"{FG}[1][filters][0][condition_type]": "gt",
        f"{FG}[1][filters][1][field]": "entity_id",
        f"{FG}[1][filters][1][value]": "41",
        f"{FG}[1][filters][1][condition_type]": "gt",
        f"{SC}[sortOrders][0][field]": "updated_at",
        f"{SC}[sortOrders][0][direction]": "ASC",
        f"{SC}[sortOrders][1][field]": "entity_id",
        f"{SC}[sortOrders][1][direction]": "ASC",
        f"{SC}[pageSize]": "100",
        f"{SC}[currentPage]": "1",
    }
    assert page.items[0].barcode == "0000000000000"
    # final page, and its second is long settled: the cursor moves past the last row
    assert (page.next_cursor, page.has_more) == ("2026-11-20 10:00:00|42", False)


def test_unreadable_cursor_is_permanent(connector):
    with pytest.raises(PermanentError, match="unreadable Magento products cursor"):
        connector.products_read("page=3")


# --- stock -------------------------------------------------------------------------------------


def source_items_page(items: list[dict], total: int) -> dict:
    return {"items": items, "search_criteria": {}, "total_count": total}


@responses.activate
def test_stock_pages_stop_on_total_count_although_magento_repeats_the_last_page(sleeps):
    connector = make(sleeps, source_codes="default, warehouse_uk", page_size=2)
    page_1 = [
        {"sku": "A", "source_code": "default", "quantity": 5, "status": 1},
        {"sku": "A", "source_code": "warehouse_uk", "quantity": 3, "status": 1},
    ]
    page_2 = [{"sku": "B", "source_code": "default", "quantity": 9, "status": 0}]

    def answer(request):
        page = dict(parse_qsl(urlsplit(request.url).query))[f"{SC}[currentPage]"]
        # Magento answers any page past the end with the last page again.
        return 200, {}, json.dumps(source_items_page(page_1 if page == "1" else page_2, 3))

    responses.add_callback(responses.GET, f"{API}/inventory/source-items", callback=answer)
    levels = list(connector.stock_read())
    assert levels == [StockLevel(sku="A", available=8), StockLevel(sku="B", available=0)]
    assert [query(c)[f"{SC}[currentPage]"] for c in responses.calls] == ["1", "2"]
    assert query(responses.calls[0]) == {
        f"{FG}[0][filters][0][field]": "source_code",
        f"{FG}[0][filters][0][value]": "default,warehouse_uk",
        f"{FG}[0][filters][0][condition_type]": "in",
        f"{SC}[pageSize]": "2",
        f"{SC}[currentPage]": "1",
    }


@responses.activate
def test_stock_for_given_skus_uses_salable_quantity_of_the_stock(sleeps):
    connector = make(sleeps, stock_id="3")
    responses.get(
        f"{API}/inventory/source-items",
        json=source_items_page(
            [
                {"sku": "MG/1", "source_code": "default", "quantity": 10, "status": 1},
                {"sku": "MG-2", "source_code": "default", "quantity": 4, "status": 1},
            ],
            2,
        ),
    )
    responses.get(f"{API}/inventory/get-product-salable-quantity/MG%2F1/3", json=7)
    responses.get(f"{API}/inventory/get-product-salable-quantity/MG-2/3", json=-2)
    levels = list(connector.stock_read(["MG/1", "MG-2", "GONE"]))
    assert levels == [
        StockLevel(sku="MG/1", available=7),
        StockLevel(sku="MG-2", available=0),
        StockLevel(sku="GONE", available=0),
    ]
    assert query(responses.calls[0]) == {
        f"{FG}[0][filters][0][field]": "sku",
        f"{FG}[0][filters][0][value]": "MG/1,MG-2,GONE",
        f"{FG}[0][filters][0][condition_type]": "in",
        f"{SC}[pageSize]": "100",
        f"{SC}[currentPage]": "1",
    }


@responses.activate
def test_one_sku_refused_by_salable_quantity_does_not_stop_the_read(sleeps):
    connector = make(sleeps, stock_id="1")
    responses.get(
        f"{API}/inventory/source-items",
        json=source_items_page(
            [
                {"sku": "KIT", "source_code": "default", "quantity": 1, "status": 1},
                {"sku": "OK", "source_code": "default", "quantity": 4, "status": 1},
            ],
            2,
        ),
    )
    responses.get(
        f"{API}/inventory/get-product-salable-quantity/KIT/1",
        status=400,
        json={"message": "Product type %1 is not supported", "parameters": ["bundle"]},
    )
    responses.get(f"{API}/inventory/get-product-salable-quantity/OK/1", json=4)
    assert list(connector.stock_read()) == [StockLevel(sku="OK", available=4)]


@responses.activate
def test_stock_changes_return_changed_buckets_only(connector):
    items = [
        {"sku": f"S{i}", "source_code": "default", "quantity": i, "status": 1} for i in range(20)
    ]
    responses.get(f"{API}/inventory/source-items", json=source_items_page(items, 20))
    first = connector.stock_changes_read("")
    assert len(first.items) == 20
    assert first.has_more is False
    assert first.next_cursor.startswith("v1:")
    assert len(first.next_cursor) <= 500
    assert connector.stock_changes_read(first.next_cursor).items == []
    items[7]["quantity"] = 70
    responses.replace(
        responses.GET, f"{API}/inventory/source-items", json=source_items_page(items, 20)
    )
    changed = connector.stock_changes_read(first.next_cursor)
    assert StockLevel(sku="S7", available=70) in changed.items
    assert len(changed.items) < 20


# --- orders ------------------------------------------------------------------------------------


@responses.activate
def test_order_find_filters_on_ext_order_id(connector):
    responses.get(
        f"{API}/orders", json=orders_found({"entity_id": 77, "increment_id": "000000077"})
    )
    assert connector.order_find("JL-1001") == SourceOrderRef("77", "000000077")
    assert query(responses.calls[0]) == {
        f"{FG}[0][filters][0][field]": "ext_order_id",
        f"{FG}[0][filters][0][value]": "JL-1001",
        f"{FG}[0][filters][0][condition_type]": "eq",
        f"{SC}[sortOrders][0][field]": "entity_id",
        f"{SC}[sortOrders][0][direction]": "ASC",
        f"{SC}[pageSize]": "1",
        f"{SC}[currentPage]": "1",
    }


# Order creation: test_client_orders.py.


# --- shipments and refunds ---------------------------------------------------------------------


SHIPMENT = {
    "entity_id": 5,
    "order_id": 77,
    "created_at": "2026-11-21 08:00:00",
    "updated_at": "2026-11-21 08:00:00",
    "items": [{"sku": "MG-1", "qty": 2}, {"sku": "MG-2", "qty": 0}],
    "tracks": [
        {"entity_id": 9, "track_number": "LATER", "title": "DPD", "carrier_code": "dpd"},
        {"entity_id": 8, "track_number": "JD0002", "title": "Evri", "carrier_code": "custom"},
    ],
}


@responses.activate
def test_shipments_read_with_first_track_and_order_reference(connector):
    responses.get(f"{API}/shipments", json={"items": [SHIPMENT], "total_count": 1})
    responses.get(
        f"{API}/orders",
        json=orders_found(
            {"entity_id": 77, "ext_order_id": "JL-1001", "shipping_description": "Next day"}
        ),
    )
    page = connector.shipments_read("2026-11-21 07:00:00|4")
    assert page.items == [
        Shipment(
            shipment_id="5",
            source_order_id="77",
            external_reference="JL-1001",
            carrier_name="Evri",
            carrier_service="Next day",
            tracking_number="JD0002",
            tracking_url="",
            shipped_at=dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC),
            lines=[ShipmentLine(sku="MG-1", quantity=2)],
        )
    ]
    assert query(responses.calls[0])[f"{FG}[1][filters][1][value]"] == "4"
    assert query(responses.calls[1]) == {
        f"{FG}[0][filters][0][field]": "entity_id",
        f"{FG}[0][filters][0][value]": "77",
        f"{FG}[0][filters][0][condition_type]": "in",
        f"{SC}[pageSize]": "1",
        f"{SC}[currentPage]": "1",
    }
    assert page.next_cursor == "2026-11-21 08:00:00|5"


@responses.activate
def test_refunds_read_from_credit_memos(connector):
    memo = {
        "entity_id": 3,
        "order_id": 77,
        "grand_total": 29.0,
        "shipping_amount": 4.17,
        "shipping_incl_tax": 5.0,
        "created_at": "2026-11-21 09:00:00",
        "updated_at": "2026-11-21 09:00:00",
        "items": [{"sku": "MG-1", "qty": 2}],
    }
    responses.get(f"{API}/creditmemos", json={"items": [memo], "total_count": 1})
    responses.get(f"{API}/orders", json=orders_found({"entity_id": 77, "ext_order_id": "JL-1"}))
    page = connector.refunds_read("")
    assert page.items == [
        SourceRefund(
            refund_id="3",
            source_order_id="77",
            external_reference="JL-1",
            amount=Decimal("29.0"),
            shipping_amount=Decimal("5.0"),
            created_at=dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC),
            lines=[ShipmentLine(sku="MG-1", quantity=2)],
        )
    ]
    assert path(responses.calls[0]) == "/rest/jl_uk/V1/creditmemos"


@responses.activate
def test_empty_shipment_page_keeps_the_cursor(connector):
    responses.get(f"{API}/shipments", json={"items": [], "total_count": 0})
    page = connector.shipments_read("2026-11-21 08:00:00|5")
    assert (page.items, page.next_cursor, page.has_more) == ([], "2026-11-21 08:00:00|5", False)
    assert len(responses.calls) == 1  # no order lookup for nothing
