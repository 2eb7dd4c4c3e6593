"""A seller client's day, over HTTP with `requests` (in-process transport, no sockets)."""

from __future__ import annotations

import pytest
import requests

from connectors.mirakl.sandbox import services
from connectors.sandbox.faults import clock_advance
from tests.support.wsgi_adapter import DjangoAppAdapter

from .conftest import API_KEY

pytestmark = pytest.mark.django_db
BASE = "http://sandbox.test/sandbox/mirakl"


@pytest.fixture
def http(shop):
    session = requests.Session()
    session.mount("http://sandbox.test", DjangoAppAdapter())
    session.headers.update({"Authorization": API_KEY, "Accept": "application/json"})
    return session


def _orders(http, **params) -> list[dict]:
    response = http.get(f"{BASE}/api/orders", params=params, timeout=5)
    assert response.status_code == 200
    return response.json()["orders"]


def test_order_to_payout_within_the_call_limits(http, shop, settings):
    settings.ALLOWED_HOSTS = ["sandbox.test", "testserver"]
    services.shop_get_or_create(
        shop_id=shop.shop_id, debit_delay_seconds=30, enforce_call_limits=True
    )
    services.orders_create(shop=shop, count=3, seed=5)
    new = _orders(http, order_state_codes="WAITING_ACCEPTANCE")
    assert len(new) == 3
    for order in new:
        lines = [{"id": x["order_line_id"], "accepted": True} for x in order["order_lines"]]
        accepted = http.put(
            f"{BASE}/api/orders/{order['order_id']}/accept", json={"order_lines": lines}, timeout=5
        )
        assert accepted.status_code == 204
    clock_advance("mirakl", 61)
    shipping = _orders(http, order_state_codes="SHIPPING")
    assert len(shipping) == 3
    assert all(o["customer"]["shipping_address"]["zip_code"] for o in shipping)
    for number, order in enumerate(shipping):
        path = f"{BASE}/api/orders/{order['order_id']}"
        tracking = {"carrier_code": "DPD", "tracking_number": f"15500000{number}"}
        assert http.put(f"{path}/tracking", json=tracking, timeout=5).status_code == 204
        assert http.put(f"{path}/ship", timeout=5).status_code == 204
    services.billing_cycle_close(shop=shop)
    logs = http.get(
        f"{BASE}/api/sellerpayment/transactions_logs",
        params={"limit": 2000, "sort": "lastUpdated"},
        timeout=5,
    ).json()
    assert {x["payment_state"] for x in logs["data"]} == {"PAID"}
    cycles = http.get(f"{BASE}/api/seller-billing-cycles", timeout=5).json()["data"]
    payment = next(x for x in logs["data"] if x["type"] == "PAYMENT")
    assert cycles[0]["amount_transferred_to_seller"] == -payment["amount"]
    stats = services.call_stats(shop)
    assert sum(s["over_limit"] for s in stats.values()) == 0
    assert stats["OR11"]["calls"] == 2 and stats["OR21"]["calls"] == 3


def test_a_client_polling_too_fast_is_told_to_wait(http, shop, settings):
    settings.ALLOWED_HOSTS = ["sandbox.test", "testserver"]
    services.shop_get_or_create(shop_id=shop.shop_id, enforce_call_limits=True)
    upload = {"file": ("stock.csv", b'"offer-sku";"quantity"\n"JL-SHIRT-OXF-BLU-M";"3"\n')}
    created = http.post(f"{BASE}/api/offers/stock/imports", files=upload, timeout=5)
    assert created.status_code == 201
    again = http.post(f"{BASE}/api/offers/stock/imports", files=upload, timeout=5)
    assert again.status_code == 429
    assert again.headers["Retry-After"] == "60"
    status_url = f"{BASE}/api/offers/stock/imports/{created.json()['import_id']}/status"
    seen = []
    for _ in range(3):
        response = http.get(status_url, timeout=5)
        assert response.status_code == 200
        seen.append(response.json()["status"])
        clock_advance("mirakl", 15)
    assert seen == ["WAITING", "RUNNING", "COMPLETE"]
    assert http.get(status_url, timeout=5).status_code == 200
    assert http.get(status_url, timeout=5).status_code == 429
