"""Source webhooks at /webhooks/<integration>/: verified first, deduplicated, a nudge only."""

from __future__ import annotations

import json

import pytest

from connectors.shopify.sandbox import services as shopify
from integration_hub.models import SyncRun, WebhookReceipt
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db


def post(client, hub, topic, payload, *, webhook_id="wh-1", secret=None, tamper=False):
    body = json.dumps(payload).encode()
    shop = hub.shopify_shop
    if secret:
        shop.webhook_secret = secret
    headers = shopify.webhook_headers(shop=shop, topic=topic, body=body, webhook_id=webhook_id)
    if tamper:
        body = body.replace(b"1", b"2")
    http_headers = {k: v for k, v in headers.items() if k != "Content-Type"}
    return client.post(
        f"/webhooks/{hub.integration.name}/",
        body,
        content_type="application/json",
        headers=http_headers,
    )


def test_a_signed_fulfillment_webhook_runs_the_dispatch_pass_once(
    client, hub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, hub, "fulfillments/create", {"id": 1, "order_id": 1})
    assert response.status_code == 200
    assert response.json() == {"accepted": True, "flow": "dispatch"}
    assert WebhookReceipt.objects.get().topic == "fulfillments/create"
    assert SyncRun.objects.filter(flow="dispatch").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = post(client, hub, "fulfillments/create", {"id": 1, "order_id": 1})
    assert again.json() == {"accepted": True, "duplicate": True}
    assert SyncRun.objects.filter(flow="dispatch").count() == 1


def test_an_inventory_webhook_runs_the_products_pass(
    client, hub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, hub, "inventory_levels/update", {"inventory_item_id": 1}, webhook_id="w2"
        )
    assert response.json()["flow"] == "products"
    assert SyncRun.objects.filter(flow="products").count() == 1


def test_a_signed_but_late_shopify_retry_gets_200_and_is_ignored(
    client, hub, django_capture_on_commit_callbacks
):
    """Shopify retries for hours and drops subscriptions that keep failing: no 401."""
    body = json.dumps({"id": 1, "order_id": 1}).encode()
    headers = shopify.webhook_headers(
        shop=hub.shopify_shop, topic="fulfillments/create", body=body, webhook_id="late-1"
    )
    headers["X-Shopify-Triggered-At"] = "2020-01-01T00:00:00Z"  # not signed by Shopify either
    http_headers = {k: v for k, v in headers.items() if k != "Content-Type"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/webhooks/{hub.integration.name}/",
            body,
            content_type="application/json",
            headers=http_headers,
        )
    assert response.status_code == 200
    assert response.json() == {"accepted": True, "ignored": "late"}
    assert not SyncRun.objects.exists()


@pytest.mark.parametrize("kind", ["wrong secret", "tampered body"])
def test_a_bad_signature_is_refused_and_leaves_nothing(client, hub, kind, caplog):
    if kind == "wrong secret":
        response = post(client, hub, "fulfillments/create", {"id": 1}, secret="not-the-secret")
    else:
        response = post(client, hub, "fulfillments/create", {"id": 1}, tamper=True)
    assert response.status_code == 401
    assert not WebhookReceipt.objects.exists()
    assert not SyncRun.objects.exists()
    assert "webhook for acme refused" in caplog.text


def test_missing_signature_unknown_integration_and_get(client, hub):
    response = client.post(
        f"/webhooks/{hub.integration.name}/", b"{}", content_type="application/json"
    )
    assert response.status_code == 401
    assert (
        client.post("/webhooks/ghost/", b"{}", content_type="application/json").status_code == 404
    )
    assert client.get(f"/webhooks/{hub.integration.name}/").status_code == 405


def test_too_large_a_body_is_refused(client, hub):
    response = client.post(
        f"/webhooks/{hub.integration.name}/",
        b"x" * 10,
        content_type="application/json",
        headers={"Content-Length": str(2 * 1024 * 1024)},
    )
    assert response.status_code == 413
    bad = client.post(
        f"/webhooks/{hub.integration.name}/",
        b"{}",
        content_type="application/json",
        headers={"Content-Length": "lots"},
    )
    assert bad.status_code == 400


def seko_push_receive(client, query: str, **extra):
    record = {"InterfaceRecordId": "rec-1", "SequenceNumber": 1, "TrackingNumber": "RM1GB"}
    body = json.dumps({"Responses": [{"Response": {"TrackingDetails": record}}]}).encode()
    return client.post(f"/webhooks/seko-q/?{query}", body, "application/json", **extra)


def test_a_seko_push_with_the_agreed_secret_in_its_url_is_accepted(client):
    integration_make(
        "seko-q",
        source_kind="seko",
        source_url="https://seko.example/api",
        source_credentials={"api_key": "k", "push_secret": "push-s3cret"},
        source_options={"dc_code": "DC1", "push_auth": "query"},
    )
    for query in ("secret=guess", "", "other=push-s3cret", "secret=push-s3cret&secret=x"):
        assert seko_push_receive(client, query).status_code == 401, query
    # a header named like the hub's pseudo-header cannot stand in for the URL's query
    smuggled = {"HTTP_:QUERY": "secret=push-s3cret", "HTTP_SECRET": "push-s3cret"}
    assert seko_push_receive(client, "", **smuggled).status_code == 401
    assert not WebhookReceipt.objects.exists()
    response = seko_push_receive(client, "secret=push-s3cret")
    assert response.status_code == 200, response.content
    assert WebhookReceipt.objects.get().topic == "seko/tracking_details"


def test_the_query_reaches_the_connector_under_a_name_no_header_can_take():
    from django.test import RequestFactory

    from connectors.base import WEBHOOK_QUERY_HEADER
    from integration_hub.webhooks import _headers_of

    request = RequestFactory().post("/webhooks/x/?secret=s", b"{}", "application/json")
    request.META["HTTP_:QUERY"] = "secret=smuggled"
    headers = _headers_of(request)
    assert [v for k, v in headers.items() if k.lower() == WEBHOOK_QUERY_HEADER] == ["secret=s"]
