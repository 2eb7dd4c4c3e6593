"""The Shopify sandbox's own behaviour: auth, cost and THROTTLED, faults, control surface."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
import responses
from django.core.management import call_command
from django.core.management.base import CommandError

from connectors.sandbox.models import SandboxFault
from connectors.shopify.sandbox import services
from connectors.shopify.sandbox.models import Fulfillment, InventoryLevel, SentWebhook, Variant
from connectors.shopify.webhooks import webhook_signature
from tests.support.wsgi_adapter import DjangoAppAdapter

URL = "/sandbox/shopify/admin/api/2026-10/graphql.json"


@pytest.fixture
def shop(db):
    shop = services.shop_setup()
    services.catalogue_seed(shop=shop, count=3, stock=5)
    return shop


def post(client, shop, query: str, variables: dict | None = None, token: str | None = None):
    return client.post(
        URL,
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        headers={"X-Shopify-Access-Token": shop.access_token if token is None else token},
    )


def test_wrong_token_gets_shopifys_401(client, shop):
    response = post(client, shop, "{ shop { name } }", token="nope")

    assert response.status_code == 401
    assert response.json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }


def test_answer_carries_cost_and_throttle_status(client, shop):
    response = post(client, shop, "{ shop { name } }")

    assert response.status_code == 200
    assert response.json() == {
        "data": {"shop": {"name": "JL Demo Store"}},
        "extensions": {
            "cost": {
                "requestedQueryCost": 1,
                "actualQueryCost": 1,
                "throttleStatus": {
                    "maximumAvailable": 1000.0,
                    "currentlyAvailable": 999,
                    "restoreRate": 50.0,
                },
            }
        },
    }


def test_empty_bucket_answers_throttled(client, shop):
    services.throttle_set(shop=shop, available=10, restore_rate=0.01)  # no refill meanwhile

    body = post(client, shop, "{ products(first: 10) { edges { node { id title } } } }").json()

    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert body["extensions"]["cost"]["requestedQueryCost"] == 12
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 10


def test_query_over_the_single_query_maximum_is_refused(client, shop):
    query = (
        "{ products(first: 250) { edges { node {"
        " variants(first: 250) { edges { node { id } } } } } } }"
    )

    body = post(client, shop, query).json()

    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"


def test_unknown_field_is_a_graphql_validation_error(client, shop):
    body = post(client, shop, "{ shop { nope } }").json()

    assert "Cannot query field 'nope'" in body["errors"][0]["message"]


def test_connections_need_first(client, shop):
    body = post(client, shop, "{ products { edges { node { id } } } }").json()

    assert body["errors"][0]["message"] == "you must provide one of first or last"


def test_search_filters_products_by_sku_and_orders_by_tag(client, shop):
    query = "query($q: String) { productVariants(first: 5, query: $q) { edges { node { sku } } } }"

    body = post(client, shop, query, {"q": "sku:'SB-0002' OR sku:SB-0003"}).json()

    assert [e["node"]["sku"] for e in body["data"]["productVariants"]["edges"]] == [
        "SB-0002",
        "SB-0003",
    ]


def test_injected_fault_is_answered_first(client, shop):
    SandboxFault.objects.create(system="shopify", kind="429", remaining=1, retry_after=4)

    first = post(client, shop, "{ shop { name } }")
    second = post(client, shop, "{ shop { name } }")

    assert (first.status_code, first["Retry-After"]) == (429, "4")
    assert first.json() == {"errors": "Too many requests in the last hour"}
    assert second.status_code == 200


def test_seeded_barcodes_are_valid_ean13(shop):
    for barcode in Variant.objects.values_list("barcode", flat=True):
        digits = [int(d) for d in barcode]
        assert len(digits) == 13
        assert sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


def test_stock_change_stores_a_signed_webhook(shop):
    level = services.stock_set(shop=shop, sku="SB-0001", available=2)

    sent = SentWebhook.objects.get(topic="inventory_levels/update")
    assert json.loads(sent.body) == {
        "inventory_item_id": level.variant_id,
        "location_id": level.location_id,
        "available": 2,
        "updated_at": level.updated_at.isoformat(),
        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{level.pk}",
    }
    expected = webhook_signature(shop.webhook_secret, sent.body.encode())
    assert sent.headers["X-Shopify-Hmac-Sha256"] == expected
    assert sent.response_status is None


@responses.activate
def test_webhook_is_posted_when_the_shop_has_a_target(shop):
    responses.post("http://hub.test/webhooks/shopify", status=200)
    shop.webhook_target_url = "http://hub.test/webhooks/shopify"
    shop.save()

    services.stock_set(shop=shop, sku="SB-0001", available=1)

    call = responses.calls[0]
    assert call.request.headers["X-Shopify-Topic"] == "inventory_levels/update"
    assert SentWebhook.objects.get().response_status == 200


def test_command_drives_fulfilment_and_refund(shop, client):
    from tests.connectors.shopify.test_sandbox_e2e import connector_for, order_request

    connector_for(shop, DjangoAppAdapter()).order_create(order_request("JL-5"))

    call_command(
        "shopify_sandbox",
        "fulfil",
        "JL-5",
        "--carrier",
        "Yodel",
        "--tracking",
        "Y1",
        "--service",
        "48h",
        "--line",
        "SB-0001=1",
    )
    call_command("shopify_sandbox", "refund", "JL-5", "--line", "SB-0002=1", "--shipping", "1.00")
    call_command("shopify_sandbox", "stock", "SB-0003", "4", "--delta")

    fulfillment = Fulfillment.objects.get()
    assert (fulfillment.company, fulfillment.number, fulfillment.order.shipping_title) == (
        "Yodel",
        "Y1",
        "48h",
    )
    assert fulfillment.order.refunds.get().amount == Decimal("28.00")
    level = InventoryLevel.objects.get(variant__sku="SB-0003", location__name="Warehouse")
    assert level.available == 9
    topics = list(SentWebhook.objects.values_list("topic", flat=True))
    assert topics[-3:] == ["fulfillments/create", "refunds/create", "inventory_levels/update"]


@pytest.mark.django_db
def test_command_setup_seed_throttle_and_listing():
    out = StringIO()
    call_command(
        "shopify_sandbox", "setup", "--token", "shpat_demo", "--location", "DC", stdout=out
    )
    call_command("shopify_sandbox", "seed", "--count", "2", "--stock", "3", stdout=out)
    call_command(
        "shopify_sandbox", "throttle", "--available", "0", "--restore-rate", "5", stdout=out
    )
    call_command("shopify_sandbox", "webhooks", "list", stdout=out)
    call_command("shopify_sandbox", "show", stdout=out)

    shop = services.shop_get()
    assert (shop.access_token, shop.restore_rate, shop.bucket_available) == ("shpat_demo", 5, 0)
    assert list(shop.locations.values_list("name", flat=True)) == ["DC"]
    text = out.getvalue()
    assert "2 product(s) created" in text
    assert "SB-0001 @ DC: 3" in text


def test_command_refuses_an_unknown_order(shop):
    with pytest.raises(CommandError, match="no order 'JL-404'"):
        call_command("shopify_sandbox", "fulfil", "JL-404", "--carrier", "DPD", "--tracking", "1")
