"""Contract tests of the Magento connector's operations against recorded Magento answers."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import responses
from responses import matchers

from connectors.base import (
    ConfigError,
    PermanentError,
    Shipment,
    ShipmentLine,
    SourceOrderRef,
    SourceProduct,
    SourceRefund,
    StockLevel,
    TransientError,
)
from connectors.magento import MagentoConnector
from connectors.registry import source_class_for
from tests.connectors.magento.support import (
    API,
    EXPECTED_ADDRESS,
    FG,
    SC,
    SHOP,
    TOKEN,
    body,
    make,
    order_request,
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


@responses.activate
def test_products_first_read_asks_page_one_in_keyset_order(connector):
    responses.get(f"{API}/products", json={"items": [PRODUCT], "total_count": 3})
    page = connector.products_read("")
    [call] = responses.calls
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
                "ean": "5010000000011",
                "gtin": "0000000000000",
                "status": "1",
                "type_id": "simple",
            },
            updated_at=dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC),
        )
    ]
    assert (page.next_cursor, page.has_more) == ("2026-11-20 10:00:00|42", True)


@responses.activate
def test_products_resume_after_cursor_with_configured_ean_attribute(sleeps):
    connector = make(sleeps, ean_attribute="gtin")
    responses.get(f"{API}/products", json={"items": [PRODUCT], "total_count": 1})
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


@responses.activate
def test_order_create_returns_the_existing_order_without_a_cart(connector):
    responses.get(
        f"{API}/orders", json=orders_found({"entity_id": 77, "increment_id": "000000077"})
    )
    assert connector.order_create(order_request()) == SourceOrderRef("77", "000000077")
    assert len(responses.calls) == 1  # no POST /guest-carts


@responses.activate
def test_order_create_goes_through_the_guest_cart_with_the_reference_first(sleeps):
    connector = make(sleeps, shipping_method="tablerate_bestway", payment_method="banktransfer")
    cart = f"{API}/guest-carts/mask123"
    responses.get(f"{API}/orders", json=orders_found())
    responses.post(f"{API}/guest-carts", json="mask123")
    responses.put(f"{cart}/ext-order-id", json=True)
    responses.post(f"{cart}/items", json={"item_id": 1})
    responses.post(f"{cart}/shipping-information", json={"totals": {}})
    responses.post(f"{cart}/payment-information", json="77")
    responses.post(f"{API}/orders/77/comments", json=True)
    responses.get(f"{API}/orders/77", json={"entity_id": 77, "increment_id": "000000077"})

    assert connector.order_create(order_request()) == SourceOrderRef("77", "000000077")
    steps = [(c.request.method, path(c)) for c in responses.calls]
    prefix = "/rest/jl_uk/V1"
    assert steps == [
        ("GET", f"{prefix}/orders"),
        ("POST", f"{prefix}/guest-carts"),
        ("PUT", f"{prefix}/guest-carts/mask123/ext-order-id"),
        ("POST", f"{prefix}/guest-carts/mask123/items"),
        ("POST", f"{prefix}/guest-carts/mask123/items"),
        ("POST", f"{prefix}/guest-carts/mask123/shipping-information"),
        ("POST", f"{prefix}/guest-carts/mask123/payment-information"),
        ("POST", f"{prefix}/orders/77/comments"),
        ("GET", f"{prefix}/orders/77"),
    ]
    calls = responses.calls
    assert body(calls[2]) == {"extOrderId": "JL-1001"}
    assert body(calls[3]) == {"cartItem": {"sku": "MG-1", "qty": 2, "quote_id": "mask123"}}
    assert body(calls[4]) == {"cartItem": {"sku": "MG-2", "qty": 1, "quote_id": "mask123"}}
    assert body(calls[5]) == {
        "addressInformation": {
            "shipping_address": EXPECTED_ADDRESS,
            "billing_address": EXPECTED_ADDRESS,
            "shipping_carrier_code": "tablerate",
            "shipping_method_code": "bestway",
        }
    }
    assert body(calls[6]) == {
        "email": "masked@marketplace.example",
        "paymentMethod": {"method": "banktransfer"},
        "billingAddress": EXPECTED_ADDRESS,
    }
    assert body(calls[7]) == {
        "statusHistory": {
            "comment": "John Lewis Marketplace order JL-1001 (Mirakl order id MKP-77-A)",
            "is_customer_notified": 0,
            "is_visible_on_front": 0,
        }
    }


@responses.activate
def test_order_create_without_the_reference_module_fails_closed_before_items(connector):
    responses.get(f"{API}/orders", json=orders_found())
    responses.post(f"{API}/guest-carts", json="mask123")
    responses.put(
        f"{API}/guest-carts/mask123/ext-order-id",
        status=404,
        json={"message": "Request does not match any route."},
    )
    with pytest.raises(ConfigError, match="install the JLHub_OrderReference module"):
        connector.order_create(order_request())
    assert len(responses.calls) == 3


@responses.activate
def test_order_placement_timeout_is_not_retried_but_rechecked(connector):
    cart = f"{API}/guest-carts/mask123"
    lookups = responses.get(
        f"{API}/orders",
        match=[
            matchers.query_param_matcher(
                {f"{FG}[0][filters][0][value]": "JL-1001"}, strict_match=False
            )
        ],
        json=orders_found(),
    )
    responses.post(f"{API}/guest-carts", json="mask123")
    responses.put(f"{cart}/ext-order-id", json=True)
    responses.post(f"{cart}/items", json={"item_id": 1})
    responses.post(f"{cart}/shipping-information", json={})
    placement = responses.post(f"{cart}/payment-information", body=requests.ReadTimeout())
    with pytest.raises(TransientError, match="payment-information timed out"):
        connector.order_create(order_request())
    assert placement.call_count == 1
    assert lookups.call_count == 2  # before the cart, and again after the lost answer


@responses.activate
def test_order_placement_lost_answer_returns_the_order_it_made(connector):
    cart = f"{API}/guest-carts/mask123"
    responses.get(f"{API}/orders", json=orders_found())
    responses.post(f"{API}/guest-carts", json="mask123")
    responses.put(f"{cart}/ext-order-id", json=True)
    responses.post(f"{cart}/items", json={"item_id": 1})
    responses.post(f"{cart}/shipping-information", json={})
    responses.post(
        f"{cart}/payment-information", status=503, json={"message": "Service Unavailable"}
    )
    responses.get(
        f"{API}/orders", json=orders_found({"entity_id": 78, "increment_id": "000000078"})
    )
    assert connector.order_create(order_request()) == SourceOrderRef("78", "000000078")


@responses.activate
def test_comment_failure_after_placement_still_returns_the_order(connector):
    cart = f"{API}/guest-carts/m"
    responses.get(f"{API}/orders", json=orders_found())
    responses.post(f"{API}/guest-carts", json="m")
    responses.put(f"{cart}/ext-order-id", json=True)
    responses.post(f"{cart}/items", json={})
    responses.post(f"{cart}/shipping-information", json={})
    responses.post(f"{cart}/payment-information", json=79)
    responses.post(f"{API}/orders/79/comments", status=500, json={"message": "oops"})
    responses.get(f"{API}/orders/79", json={"entity_id": 79, "increment_id": "000000079"})
    assert connector.order_create(order_request()) == SourceOrderRef("79", "000000079")


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
