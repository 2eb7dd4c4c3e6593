"""The SCAYLE sandbox itself: API behaviour, webhooks sent out, and the control command."""

from __future__ import annotations

import base64
import json
from io import StringIO

import pytest
import responses
from django.core.management import CommandError, call_command

from connectors.sandbox.faults import clock_advance
from connectors.sandbox.models import SandboxFault
from connectors.scayle.sandbox import models as m
from connectors.scayle.sandbox import services, webhooks

API = "/sandbox/scayle/api/admin/v1"
AUTH = {"X-Access-Token": services.DEFAULT_TOKEN}

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    return services.catalogue_seed(products=2)


def get(client, path, **params):
    return client.get(API + path, params, headers=AUTH)


def test_answers_carry_the_scope_budget_and_429_uses_scayles_error_shape(client, seeded):
    services.rate_limit_set(scope="productRead", per_minute=2)
    first = get(client, "/products")
    assert first.status_code == 200
    assert (first["x-ratelimit-scope"], first["x-ratelimit-limit"]) == ("productRead", "2")
    assert first["x-ratelimit-remaining"] == "1"
    assert 1 <= int(first["x-ratelimit-reset"]) <= 60
    assert get(client, "/products").status_code == 200
    limited = get(client, "/products")
    assert limited.status_code == 429
    assert limited["x-ratelimit-remaining"] == "0"
    assert limited.json()["errors"][0]["errorKey"] == "RATE_LIMIT_EXCEEDED"
    clock_advance("scayle", 60)
    assert get(client, "/products").status_code == 200


def test_cursor_pagination_and_parameter_errors(client, seeded):
    page = get(client, "/products", limit=1, **{"with": "variants"}).json()
    assert [p["referenceKey"] for p in page["entities"]] == ["SC-0001"]
    assert [v["referenceKey"] for v in page["entities"][0]["variants"]] == [
        "SC-0001-S",
        "SC-0001-M",
    ]
    rest = get(client, "/products", limit=1, cursor=page["cursor"]["next"]).json()
    assert [p["referenceKey"] for p in rest["entities"]] == ["SC-0002"]
    assert rest["cursor"] == {"next": None}
    assert "variants" not in rest["entities"][0]
    bad = get(client, "/products", cursor="nonsense!")
    assert (bad.status_code, bad.json()["errors"][0]["errorKey"]) == (400, "INVALID_CURSOR")
    assert get(client, "/products", limit=0).json()["errors"][0]["errorKey"] == "INVALID_PARAMETER"


def test_faults_answer_in_scayles_error_shape(client, seeded):
    SandboxFault.objects.create(system="scayle", kind="503", retry_after=9, remaining=1)
    response = get(client, "/shops/jl")
    assert response.status_code == 503
    assert response["Retry-After"] == "9"
    assert response.json() == {
        "errors": [
            {"errorKey": "SERVICE_UNAVAILABLE", "message": "Service temporarily unavailable",
             "context": {}}
        ]
    }  # fmt: skip
    assert get(client, "/shops/jl").status_code == 200


def test_stock_post_takes_only_newer_updates(client, seeded):
    url = f"{API}/variants/key=SC-0001-S/stocks"
    newer = {"quantity": 4, "warehouseReferenceKey": "main", "changedAt": "2100-01-01T00:00:00Z"}
    older = {**newer, "quantity": 99, "changedAt": "2000-01-01T00:00:00Z"}
    for body in (newer, older):
        response = client.post(url, body, content_type="application/json", headers=AUTH)
        assert response.status_code == 201
    assert (
        m.Stock.objects.get(
            variant__reference_key="SC-0001-S", warehouse_reference_key="main"
        ).quantity
        == 4
    )
    missing = client.get(f"{API}/variants/key=NOPE/stocks", headers=AUTH)
    assert (missing.status_code, missing.json()["errors"][0]["errorKey"]) == (
        404,
        "VARIANT_NOT_FOUND",
    )


def test_order_create_validation(client, seeded):
    url = f"{API}/shops/jl/countries/GB/orders"
    address = {"street": "1 High St", "zipCode": "N1 1AA", "city": "London", "countryCode": "GB"}
    body = {"referenceKey": "JL-1", "channel": {"key": "unknown"}, "items": [],
            "address": {"billing": address, "shipping": address}}  # fmt: skip

    def post(payload):
        response = client.post(url, payload, content_type="application/json", headers=AUTH)
        return response.status_code, response.json()["errors"][0]["errorKey"]

    assert post(body) == (422, "CHANNEL_NOT_FOUND")
    body["channel"] = {"key": services.DEFAULT_CHANNEL}
    assert post(body) == (422, "INVALID_ORDER")
    body["items"] = [{"variant": {"referenceKey": "SC-0001-S"}, "price": {"overrideWithTax": 1}}]
    assert post(body) == (422, "INVALID_PRICE")  # external prices are withTax
    body["items"][0]["price"] = {"withTax": 1100, "tax": {"vat": {"amount": 183}}}
    assert post(body) == (422, "INVALID_ADDRESS")
    assert post([body]) == (400, "INVALID_JSON")
    other = client.post(
        f"{API}/shops/jl/countries/FR/orders", body, content_type="application/json", headers=AUTH
    )
    assert other.status_code == 404


def test_webhooks_are_posted_with_basic_auth_to_the_configured_url_and_can_be_replayed(seeded):
    webhooks.webhook_configure(url="https://hub:s3cret@hub.example/webhooks/scayle")
    with responses.RequestsMock() as mocked:
        mocked.post("https://hub.example/webhooks/scayle", status=202)
        mocked.post("https://hub.example/webhooks/scayle", status=200)
        services.stock_set(sku="SC-0002-M", quantity=5)
        delivery = m.WebhookDelivery.objects.get()
        assert webhooks.webhook_redeliver(delivery.key) == 200
        sent = [call.request for call in mocked.calls]
    assert [r.body for r in sent] == [delivery.body.encode(), delivery.body.encode()]
    expected = "Basic " + base64.b64encode(b"hub:s3cret").decode()
    assert [r.headers["Authorization"] for r in sent] == [expected, expected]
    assert delivery.url == "https://hub.example/webhooks/scayle"  # credentials kept apart
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status) == (2, 200)
    envelope = json.loads(delivery.body)
    assert (envelope["type"], envelope["version"], envelope["key"]) == (
        "product-variant-stock-updated", 2, delivery.key,
    )  # fmt: skip


def run(*args: str) -> str:
    out = StringIO()
    call_command("scayle_sandbox", *args, stdout=out)
    return out.getvalue()


def test_control_command_drives_the_whole_story():
    assert "4 variants" in run("seed", "--products", "2", "--reset")
    assert "SC-0001-S@main=7" in run("stock", "SC-0001-S", "7")
    address = {"street": "1 High St", "zipCode": "N1 1AA", "city": "London", "countryCode": "GBR"}
    services.order_create(
        shop=services.shop_country("jl", "GB"),
        body={"referenceKey": "JL-77", "channel": {"key": services.DEFAULT_CHANNEL},
              "items": [{"variant": {"referenceKey": "SC-0002-M"}, "price": {"withTax": 1200}}] * 2,
              "address": {"billing": address, "shipping": address}},
    )  # fmt: skip
    assert "JL-77" in run("orders")
    shipped = run("ship", "JL-77", "--carrier", "Yodel", "--tracking", "JD0002", "--service",
                  "next-day", "--item", "SC-0002-M:1")  # fmt: skip
    assert "Yodel JD0002" in shipped
    assert "1 piece(s) returned" in run("return", "JL-77", "--item", "SC-0002-M:1")
    assert "1 piece(s) cancelled" in run("cancel", "JL-77")
    assert "ordersRead: 5/min" in run("rate-limit", "ordersRead", "5")
    assert "token 'ops' created: t-ops" in run("token", "ops", "--token", "t-ops")
    assert "(store only)" in run("webhook-config", "--password", "abc")
    listed = run("webhooks", "--type", "order-package-shipped")
    assert listed.count("order-package-shipped") == 1
    with pytest.raises(CommandError, match="--item takes SKU:QTY"):
        run("return", "JL-77", "--item", "SC-0002-M")
    with pytest.raises(CommandError, match="ORDER_NOT_FOUND"):
        run("ship", "JL-404", "--carrier", "x", "--tracking", "y")
    assert "emptied" in run("reset")
    assert not m.Order.objects.exists()
