"""products_read, stock_read and stock_changes_read against recorded SCAYLE answers."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import responses
from responses import matchers

from connectors.base import PermanentError
from connectors.scayle import contract
from tests.connectors.scayle.helpers import BASE, TOKEN, make_connector, scayle_errors

PRODUCTS = f"{BASE}/products"
WITH = contract.PRODUCTS_WITH


def product(pid: int, updated: str, *variants: tuple[int, str, str, int]) -> dict:
    return {
        "id": pid,
        "referenceKey": f"SC-{pid:04d}",
        "updatedAt": updated,
        "attributes": [{"name": "name", "type": "localizedString", "value": {"en_GB": "Shirt"}}],
        "variants": [
            {
                "id": vid,
                "referenceKey": sku,
                "attributes": [
                    {"name": "ean", "type": "simple", "value": ean},
                    {"name": "size", "type": "simple", "value": sku[-1]},
                ],
                "prices": [
                    {"price": price + 500, "currencyCode": "EUR", "countryCode": "DE"},
                    {"price": price, "currencyCode": "GBP", "countryCode": "GB"},
                ],
            }
            for vid, sku, ean, price in variants
        ],
    }


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def test_products_page_to_the_end_then_restart_from_the_watermark(mocked):
    first = product(1, "2026-11-20T09:00:00+00:00", (11, "SC-0001-S", "5010000000011", 1199))
    second = product(2, "2026-11-21T08:30:00+00:00", (21, "SC-0002-S", "5010000000028", 2450))
    mocked.get(
        PRODUCTS,
        json={"entities": [first], "cursor": {"next": "abc"}},
        match=[
            matchers.query_param_matcher({"limit": "1", "with": WITH}),
            matchers.header_matcher({"X-Access-Token": TOKEN}),
        ],
    )
    mocked.get(
        PRODUCTS,
        json={"entities": [second], "cursor": {"next": None}},
        match=[matchers.query_param_matcher({"limit": "1", "with": WITH, "cursor": "abc"})],
    )
    connector = make_connector(page_size=1)
    page = connector.products_read("")
    assert page.has_more is True
    [item] = page.items
    assert (item.sku, item.title, item.price, item.barcode) == (
        "SC-0001-S", "Shirt (S)", Decimal("11.99"), "5010000000011",
    )  # fmt: skip
    assert dict(item.source_ids) == {
        "product_id": "1", "variant_id": "11", "product_reference_key": "SC-0001",
    }  # fmt: skip
    assert json.loads(page.next_cursor) == {"after": "abc", "max": "2026-11-20T09:00:00Z"}

    last = connector.products_read(page.next_cursor)
    assert [p.sku for p in last.items] == ["SC-0002-S"]
    assert last.has_more is False
    assert json.loads(last.next_cursor) == {
        "since": "2026-11-21T08:25:00Z", "max": "2026-11-21T08:30:00Z",
    }  # fmt: skip

    mocked.get(
        PRODUCTS,
        json={"entities": [], "cursor": {"next": None}},
        match=[
            matchers.query_param_matcher(
                {"limit": "1", "with": WITH, "filters[minUpdatedAt]": "2026-11-21T08:25:00Z"}
            )
        ],
    )
    assert connector.products_read(last.next_cursor).items == []


def test_products_use_the_configured_ean_attribute_and_country(mocked):
    item = product(1, "2026-11-20T09:00:00Z", (11, "SC-0001-S", "5010000000011", 1199))
    item["variants"][0]["attributes"].append({"name": "gtin", "value": "5012345678900"})
    mocked.get(PRODUCTS, json={"entities": [item], "cursor": {"next": None}})
    [found] = (
        make_connector(ean_attribute="gtin", country_code="de", currency="EUR")
        .products_read("")
        .items
    )
    assert (found.barcode, found.price, found.currency) == (
        "5012345678900", Decimal("16.99"), "EUR",
    )  # fmt: skip


def test_an_unreadable_cursor_is_a_permanent_error():
    with pytest.raises(PermanentError, match="not a SCAYLE cursor"):
        make_connector().products_read("garbage")


def stocks(*entries: tuple[str, int, str]) -> dict:
    return {
        "entities": [
            {"quantity": qty, "warehouseReferenceKey": wh, "changedAt": changed,
             "sellableWithoutStock": False}
            for wh, qty, changed in entries
        ]
    }  # fmt: skip


def test_stock_sums_the_configured_warehouses_and_unknown_skus_are_zero(mocked):
    mocked.get(
        f"{BASE}/variants/key=SC-0001-M/stocks",
        json=stocks(("main", 7, "2026-11-22T09:00:00Z"), ("store", 2, "2026-11-22T09:05:00Z"),
                    ("outlet", 50, "2026-11-22T09:00:00Z")),
        match=[matchers.header_matcher({"X-Access-Token": TOKEN})],
    )  # fmt: skip
    mocked.get(
        f"{BASE}/variants/key=NOPE/stocks",
        status=404,
        json=scayle_errors("VARIANT_NOT_FOUND", "Variant with identifier 'key=NOPE' not found."),
    )
    connector = make_connector(warehouse_reference_keys="main, store")
    levels = list(connector.stock_read(["SC-0001-M", "NOPE"]))
    assert [(lvl.sku, lvl.available) for lvl in levels] == [("SC-0001-M", 9), ("NOPE", 0)]
    assert levels[0].updated_at == dt.datetime(2026, 11, 22, 9, 5, tzinfo=dt.UTC)


def test_stock_read_of_everything_walks_the_catalogue(mocked):
    listing = product(1, "2026-11-20T09:00:00Z", (11, "SC-0001-S", "5010000000011", 100),
                      (12, "SC-0001-M", "5010000000028", 100))  # fmt: skip
    mocked.get(
        PRODUCTS,
        json={"entities": [listing], "cursor": {"next": None}},
        match=[matchers.query_param_matcher({"limit": "100", "with": "variants"})],
    )
    mocked.get(
        f"{BASE}/variants/key=SC-0001-S/stocks", json=stocks(("main", 3, "2026-11-22T09:00:00Z"))
    )
    mocked.get(
        f"{BASE}/variants/key=SC-0001-M/stocks", json=stocks(("main", 0, "2026-11-22T09:00:00Z"))
    )
    levels = [(lvl.sku, lvl.available) for lvl in make_connector().stock_read()]
    assert levels == [("SC-0001-S", 3), ("SC-0001-M", 0)]


def test_stock_changes_report_only_what_moved_since_the_cursor(mocked):
    listing = product(1, "2026-11-20T09:00:00Z", (11, "SC-0001-S", "5010000000011", 100),
                      (12, "SC-0001-M", "5010000000028", 100))  # fmt: skip
    s_url, m_url = (f"{BASE}/variants/key={sku}/stocks" for sku in ("SC-0001-S", "SC-0001-M"))
    mocked.get(PRODUCTS, json={"entities": [listing], "cursor": {"next": None}})
    mocked.get(s_url, json=stocks(("main", 3, "2026-11-22T09:00:00Z")))
    mocked.get(m_url, json=stocks(("main", 5, "2026-11-22T10:00:00Z")))
    connector = make_connector()
    first = connector.stock_changes_read("")
    assert [(lvl.sku, lvl.available) for lvl in first.items] == [("SC-0001-S", 3), ("SC-0001-M", 5)]
    assert json.loads(first.next_cursor) == {
        "max": "2026-11-22T10:00:00+00:00", "recent": {"SC-0001-M": 5},
    }  # fmt: skip

    # Nothing moved: nothing reported. Then S changes (newer) and M changes inside the overlap
    # window with an ERP timestamp just before the watermark: both are reported.
    for s_qty, s_at, m_qty, m_at in [
        (3, "2026-11-22T09:00:00Z", 5, "2026-11-22T10:00:00Z"),
        (1, "2026-11-22T10:30:00Z", 4, "2026-11-22T09:58:00Z"),
    ]:
        mocked.get(PRODUCTS, json={"entities": [listing], "cursor": {"next": None}})
        mocked.get(s_url, json=stocks(("main", s_qty, s_at)))
        mocked.get(m_url, json=stocks(("main", m_qty, m_at)))
    assert connector.stock_changes_read(first.next_cursor).items == []
    changed = connector.stock_changes_read(first.next_cursor)
    assert [(lvl.sku, lvl.available) for lvl in changed.items] == [
        ("SC-0001-S", 1),
        ("SC-0001-M", 4),
    ]
