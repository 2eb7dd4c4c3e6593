"""Contract tests: the request Shopify receives and how every failure is classified."""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import format_datetime

import pytest
import requests
import responses

from connectors.base import ConfigError, OutcomeUnknownError, PermanentError, TransientError
from connectors.shopify import ShopifyConnector

from .helpers import ENDPOINT, TOKEN, answer, make_connector, sent, throttled

SHOP = {"shop": {"name": "Acme"}}


@responses.activate
def test_ping_posts_graphql_with_token_and_timeout():
    responses.post(ENDPOINT, json=answer(SHOP))

    make_connector().ping()

    assert len(responses.calls) == 1
    call = responses.calls[0]
    assert call.request.url == ENDPOINT
    assert call.request.headers["X-Shopify-Access-Token"] == TOKEN
    assert call.request.headers["Content-Type"] == "application/json"
    assert call.request.req_kwargs["timeout"] == 30.0
    assert sent(call) == {"query": "query ShopPing { shop { name } }", "variables": {}}


@pytest.mark.parametrize(
    ("base_url", "options", "endpoint"),
    [
        ("acme", {}, "https://acme.myshopify.com/admin/api/2026-10/graphql.json"),
        ("acme.myshopify.com", {}, "https://acme.myshopify.com/admin/api/2026-10/graphql.json"),
        (
            "https://acme.myshopify.com/",
            {"api_version": "2025-04"},
            "https://acme.myshopify.com/admin/api/2025-04/graphql.json",
        ),
    ],
)
def test_endpoint_from_shop_url_and_version(base_url, options, endpoint):
    connector = ShopifyConnector(base_url=base_url, credentials={"access_token": "t"}, **options)

    assert connector.endpoint == endpoint


def test_missing_token_or_url_is_a_config_error():
    with pytest.raises(ConfigError, match="access_token"):
        ShopifyConnector(base_url="acme", credentials={})
    with pytest.raises(ConfigError, match="shop URL"):
        ShopifyConnector(base_url="", credentials={"access_token": "t"})


@responses.activate
def test_throttled_then_success_waits_cost_over_restore_rate():
    responses.post(ENDPOINT, json=throttled(cost=120, available=20, rate=50.0))
    responses.post(ENDPOINT, json=answer(SHOP))
    connector = make_connector()

    connector.ping()

    assert len(responses.calls) == 2
    assert len(connector.waits) == 1
    assert 2.0 <= connector.waits[0] <= 2.25  # (120 - 20) / 50, plus jitter


@responses.activate
def test_throttled_every_time_gives_transient_error_after_bounded_retries():
    responses.post(ENDPOINT, json=throttled(cost=120, available=20, rate=50.0))
    connector = make_connector(max_retries=2)

    with pytest.raises(TransientError) as caught:
        connector.ping()

    assert len(responses.calls) == 3
    assert caught.value.retry_after == 2.0
    assert caught.value.code == "THROTTLED"


@responses.activate
def test_429_with_retry_after_then_success():
    responses.post(ENDPOINT, status=429, headers={"Retry-After": "2.0"}, json={"errors": "x"})
    responses.post(ENDPOINT, json=answer(SHOP))
    connector = make_connector()

    connector.ping()

    assert len(responses.calls) == 2
    assert len(connector.waits) == 1
    assert 2.0 <= connector.waits[0] <= 2.25


@responses.activate
def test_429_every_time_gives_transient_error_with_retry_after():
    responses.post(ENDPOINT, status=429, headers={"Retry-After": "3"}, json={"errors": "x"})

    connector = make_connector(max_retries=3)

    with pytest.raises(TransientError) as caught:
        connector.ping()

    assert len(responses.calls) == 4
    assert len(connector.waits) == 3 and all(3.0 <= w <= 3.25 for w in connector.waits)
    assert caught.value.retry_after == 3.0
    assert caught.value.status == 429


@responses.activate
def test_429_with_a_long_retry_after_is_not_slept_in_process():
    responses.post(ENDPOINT, status=429, headers={"Retry-After": "120"}, json={"errors": "x"})

    with pytest.raises(TransientError) as caught:
        make_connector(max_wait_seconds=10).ping()

    assert len(responses.calls) == 1
    assert caught.value.retry_after == 120.0


@pytest.mark.parametrize("status", [500, 502, 503])
@responses.activate
def test_5xx_is_transient_and_not_retried_in_process(status):
    responses.post(ENDPOINT, status=status, body="upstream broke")

    with pytest.raises(TransientError) as caught:
        make_connector().ping()

    assert caught.value.status == status
    assert len(responses.calls) == 1


@pytest.mark.parametrize(
    "failure", [requests.ConnectTimeout(), requests.ReadTimeout(), requests.ConnectionError()]
)
@responses.activate
def test_timeouts_and_connection_errors_are_transient(failure):
    responses.post(ENDPOINT, body=failure)

    with pytest.raises(TransientError):
        make_connector().ping()

    assert len(responses.calls) == 1


@pytest.mark.parametrize("status", [401, 403])
@responses.activate
def test_401_and_403_are_config_errors_without_the_token(status, caplog):
    body = {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }
    responses.post(ENDPOINT, status=status, json=body)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(ConfigError) as caught:
        make_connector().ping()

    assert caught.value.status == status
    error = caught.value
    assert TOKEN not in f"{error} {error.detail} {error!r}"
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(make_connector())


@responses.activate
def test_other_4xx_is_permanent():
    responses.post(ENDPOINT, status=404, json={"errors": "Not Found"})

    with pytest.raises(PermanentError) as caught:
        make_connector().ping()

    assert caught.value.status == 404


@pytest.mark.parametrize("body", ['{"data": {"shop": ', "<html>gateway</html>", "[1, 2]"])
@responses.activate
def test_malformed_body_is_transient(body):
    responses.post(ENDPOINT, body=body, content_type="application/json")

    with pytest.raises(TransientError):
        make_connector().ping()


@responses.activate
def test_graphql_error_other_than_throttled_is_permanent():
    body = {
        "errors": [
            {
                "message": "Field 'nope' doesn't exist on type 'Shop'",
                "extensions": {"code": "undefinedField"},
            }
        ]
    }
    responses.post(ENDPOINT, json=body)

    with pytest.raises(PermanentError) as caught:
        make_connector().ping()

    assert caught.value.code == "undefinedField"
    assert "doesn't exist" in caught.value.message
    assert len(responses.calls) == 1


@responses.activate
def test_pauses_before_the_bucket_runs_dry():
    responses.post(ENDPOINT, json=answer(SHOP, cost=300, available=100, rate=50.0))
    responses.post(ENDPOINT, json=answer(SHOP, cost=300, available=700, rate=50.0))
    connector = make_connector()  # its fake clock does not move between the calls

    connector.ping()
    connector.ping()

    assert connector.waits == [4.0]  # (300 needed - 100 left) / 50 per second, before the 2nd call
    assert len(responses.calls) == 2


@responses.activate
def test_access_denied_is_a_config_error():
    body = {
        "data": None,
        "errors": [
            {
                "message": "Access denied for orders field. Required access: `read_orders`.",
                "extensions": {"code": "ACCESS_DENIED"},
            }
        ],
    }
    responses.post(ENDPOINT, json=body)

    with pytest.raises(ConfigError) as caught:
        make_connector().ping()

    assert caught.value.code == "ACCESS_DENIED"
    assert "read_orders" in caught.value.message


NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)


def http_date(seconds_from_now: float) -> str:
    return format_datetime(NOW + dt.timedelta(seconds=seconds_from_now), usegmt=True)


def at_now(connector: ShopifyConnector) -> ShopifyConnector:
    """The connector's clock at NOW, moved on by its fake sleeps."""
    connector.transport.clock = lambda: NOW.timestamp() + sum(connector.waits)
    return connector


@responses.activate
def test_429_with_an_http_date_retry_after_is_honoured():
    responses.post(ENDPOINT, status=429, headers={"Retry-After": http_date(3)}, json={})
    responses.post(ENDPOINT, json=answer(SHOP))
    connector = at_now(make_connector())

    connector.ping()

    assert len(responses.calls) == 2
    assert len(connector.waits) == 1 and 3.0 <= connector.waits[0] <= 3.25


@responses.activate
def test_429_with_a_far_http_date_goes_back_to_the_caller():
    responses.post(ENDPOINT, status=429, headers={"Retry-After": http_date(120)}, json={})

    with pytest.raises(TransientError) as caught:
        at_now(make_connector(max_wait_seconds=10)).ping()

    assert len(responses.calls) == 1
    assert caught.value.retry_after == 120.0


CANCEL = """
mutation OrderCancel($orderId: ID!) {
  orderCancel(orderId: $orderId) { userErrors { message } }
}
"""


@pytest.mark.parametrize(
    "failure",
    [
        {"body": requests.ReadTimeout()},
        {"body": requests.ConnectionError()},
        {"status": 500, "body": "boom"},
        {"status": 502, "body": "bad gateway"},
        {"body": '{"data": {"orderCancel": ', "content_type": "application/json"},
        {"json": {"extensions": {}}},
    ],
)
@responses.activate
def test_a_mutation_that_may_have_run_is_an_unknown_outcome(failure):
    responses.post(ENDPOINT, **failure)

    with pytest.raises(OutcomeUnknownError) as caught:
        make_connector().transport.execute(CANCEL, {"orderId": "gid://shopify/Order/1"})

    assert "OrderCancel is unknown" in caught.value.message
    assert len(responses.calls) == 1


@pytest.mark.parametrize(
    "failure",
    [
        {"body": requests.ConnectTimeout()},
        {"status": 503, "body": "down"},
        {"status": 429, "headers": {"Retry-After": "120"}, "json": {}},
    ],
)
@responses.activate
def test_a_mutation_shopify_certainly_did_not_run_is_a_plain_transient_error(failure):
    responses.post(ENDPOINT, **failure)

    with pytest.raises(TransientError) as caught:
        make_connector().transport.execute(CANCEL, {"orderId": "gid://shopify/Order/1"})

    assert not isinstance(caught.value, OutcomeUnknownError)
    assert caught.value.nothing_done


@responses.activate
def test_a_throttled_mutation_is_resent_after_the_wait():
    responses.post(ENDPOINT, json=throttled(cost=120, available=20, rate=50.0))
    responses.post(ENDPOINT, json=answer({"orderCancel": {"userErrors": []}}))
    connector = make_connector()

    data = connector.transport.execute(CANCEL, {"orderId": "gid://shopify/Order/1"})

    assert data == {"orderCancel": {"userErrors": []}}
    assert len(responses.calls) == 2 and 2.0 <= connector.waits[0] <= 2.25


@responses.activate
def test_a_query_that_timed_out_is_a_plain_transient_error():
    responses.post(ENDPOINT, body=requests.ReadTimeout())

    with pytest.raises(TransientError) as caught:
        make_connector().ping()

    assert not isinstance(caught.value, OutcomeUnknownError)
    assert "ShopPing" in caught.value.message


def test_a_document_whose_operation_cannot_be_read_counts_as_a_write():
    """Before, a commented or fragment-first mutation was taken for a read and could be resent
    after a timeout."""
    from connectors.shopify.transport import _operation

    assert _operation("# create\nmutation OrderCreate { x }") == (True, "graphql")
    assert _operation("{ shop { name } }") == (False, "graphql")
    assert _operation("query ShopPing { shop { name } }") == (False, "ShopPing")
