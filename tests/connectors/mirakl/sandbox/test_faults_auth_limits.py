"""Auth (401), injected faults (429, 500, malformed) and the spec's call-frequency limits."""

from __future__ import annotations

import json

import pytest

from connectors.mirakl.sandbox import services
from connectors.sandbox.faults import clock_advance
from connectors.sandbox.models import SandboxFault

from .conftest import MiraklClient
from .spec import error_conforms

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["", "wrong-key", "Bearer test-mirakl-key"])
def test_missing_or_wrong_key_is_a_401(shop, key):
    response = MiraklClient(api_key=key).get("/api/account")
    assert response.status_code == 401
    assert response.json() == {"status": 401, "message": "Unauthorized: missing or invalid API key"}


def test_shop_id_must_be_the_keys_shop(api, shop):
    assert api.get("/api/account", {"shop_id": 2001}).json()["shop_id"] == 2001
    other = api.get("/api/account", {"shop_id": 9999})
    assert other.status_code == 401
    assert "9999" in other.json()["message"]
    assert api.get("/api/account", {"shop_id": "abc"}).status_code == 400


def test_each_shop_sees_only_its_orders(api, shop, make_orders):
    make_orders(2)
    other = services.shop_get_or_create(shop_id=3003, api_key="other-key")
    services.orders_create(shop=other, count=1)
    assert api.get("/api/orders").json()["total_count"] == 2
    assert MiraklClient(api_key="other-key").get("/api/orders").json()["total_count"] == 1


def test_wrong_method_is_a_405(api):
    response = api.put("/api/account")
    assert (response.status_code, response.json()["status"]) == (405, 405)


def test_injected_429_carries_retry_after(api):
    SandboxFault.objects.create(
        system="mirakl", kind="429", path_contains="/api/orders", remaining=1, retry_after=7
    )
    limited = api.get("/api/orders")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "7"
    assert limited.json() == {"status": 429, "message": "Too many requests in the last hour"}
    assert api.get("/api/orders").status_code == 200


def test_injected_500_and_malformed_bodies(api):
    SandboxFault.objects.create(
        system="mirakl",
        kind="500",
        method="GET",
        path_contains="/api/shipping/carriers",
        remaining=1,
    )
    failed = api.get("/api/shipping/carriers")
    assert (failed.status_code, failed.json()["status"]) == (500, 500)
    SandboxFault.objects.create(
        system="mirakl", kind="malformed", path_contains="/api/shipping/carriers", remaining=1
    )
    broken = api.get("/api/shipping/carriers")
    assert broken.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.content)
    assert [c["label"] for c in api.get("/api/shipping/carriers").json()["carriers"]] == [
        "DHL Parcel UK",
        "DPD",
        "Evri",
        "Parcelforce",
        "Royal Mail",
        "UPS",
        "Yodel",
    ]


def test_faults_come_before_auth(shop):
    SandboxFault.objects.create(system="mirakl", kind="503", remaining=1, retry_after=3)
    response = MiraklClient(api_key="").get("/api/account")
    assert (response.status_code, response["Retry-After"]) == (503, "3")


def test_call_limits_are_only_counted_when_not_enforced(api, shop):
    assert api.get("/api/orders").status_code == 200
    assert api.get("/api/orders").status_code == 200
    assert services.call_stats(shop)["OR11"] == {"calls": 2, "over_limit": 1, "rejected": 0}


def test_enforced_limit_answers_429_with_retry_after(api, shop):
    services.shop_get_or_create(shop_id=shop.shop_id, enforce_call_limits=True)
    assert api.get("/api/orders").status_code == 200
    assert api.get("/api/orders", {"offset": 10}).status_code == 200  # paging is free
    clock_advance("mirakl", 20)
    limited = api.get("/api/orders")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "40"
    assert limited.json()["status"] == 429
    clock_advance("mirakl", 41)
    assert api.get("/api/orders").status_code == 200
    assert services.call_stats(shop)["OR11"] == {"calls": 4, "over_limit": 1, "rejected": 1}


def test_tl02_allows_twenty_calls_a_minute(api, shop):
    services.shop_get_or_create(shop_id=shop.shop_id, enforce_call_limits=True)
    path = "/api/sellerpayment/transactions_logs"
    assert [api.get(path).status_code for _ in range(21)] == [200] * 20 + [429]
    for _ in range(2):
        clock_advance("mirakl", 61)
        assert all(api.get(path).status_code == 200 for _ in range(20))
    clock_advance("mirakl", 61)
    hourly = api.get(path)
    assert hourly.status_code == 429  # 60 per hour
    assert int(hourly["Retry-After"]) > 60


def test_account_is_once_a_day(api, shop):
    services.shop_get_or_create(shop_id=shop.shop_id, enforce_call_limits=True)
    assert api.get("/api/account").status_code == 200
    assert api.get("/api/account").status_code == 429
    clock_advance("mirakl", 86400)
    assert api.get("/api/account").status_code == 200


@pytest.mark.parametrize(
    ("path", "first_page", "next_page"),
    [
        ("/api/invoices", {}, {"offset": 10}),
        ("/api/seller-billing-cycles", {}, {"page_token": "e30"}),
    ],
)
def test_iv01_and_sbc11_are_once_a_day_plus_their_pages(api, shop, path, first_page, next_page):
    services.shop_get_or_create(shop_id=shop.shop_id, enforce_call_limits=True)
    assert api.get(path, first_page).status_code == 200
    assert api.get(path, next_page).status_code != 429  # "as many times as there are pages"
    limited = api.get(path, first_page)
    assert limited.status_code == 429
    assert 86000 < int(limited["Retry-After"]) <= 86400
    clock_advance("mirakl", 86400)
    assert api.get(path, first_page).status_code == 200


def test_a_full_offer_export_is_once_a_day_a_differential_once_a_minute(api, shop):
    services.shop_get_or_create(shop_id=shop.shop_id, enforce_call_limits=True)
    export = "/api/offers/export/async"
    differential = {"last_request_date": "2026-01-01T00:00:00Z"}
    assert api.post_json(export, {}).status_code == 200
    assert api.post_json(export, differential).status_code == 200  # its own limit
    clock_advance("mirakl", 61)
    assert api.post_json(export, differential).status_code == 200
    full = api.post_json(export, {})
    assert full.status_code == 429
    assert "OF52:full" in full.json()["message"]
    clock_advance("mirakl", 86400)
    assert api.post_json(export, {}).status_code == 200
    stats = services.call_stats(shop)
    assert stats["OF52:full"] == {"calls": 3, "over_limit": 1, "rejected": 1}
    assert stats["OF52"]["rejected"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/nope",
        "/api/orders/ABC-1-A/nope",
        "/anything/at/all",
        "/api/account/",
    ],
)
def test_an_unknown_route_is_mirakls_json_404(api, path):
    response = api.get(path)
    error_conforms(response, 404)
    assert path in response.json()["message"]
