"""How the Magento connector reports failures: statuses, retries, timeouts, secrets."""

from __future__ import annotations

import pytest
import requests
import responses

from connectors.base import (
    ConfigError,
    PermanentError,
    TransientError,
)
from tests.connectors.magento.support import (
    API,
    TOKEN,
    order_request,
    orders_found,
)

# --- errors ------------------------------------------------------------------------------------


@responses.activate
def test_429_with_retry_after_is_retried_after_that_wait(connector, sleeps):
    responses.get(f"{API}/orders", status=429, headers={"Retry-After": "2"}, json={})
    responses.get(f"{API}/orders", json=orders_found())
    assert connector.order_find("JL-1") is None
    assert sleeps == [2.0]


@responses.activate
def test_429_until_attempts_run_out_raises_transient_with_retry_after(connector, sleeps):
    responses.get(f"{API}/orders", status=429, headers={"Retry-After": "4"}, body="Too Many")
    with pytest.raises(TransientError) as caught:
        connector.order_find("JL-1")
    assert (caught.value.status, caught.value.retry_after) == (429, 4.0)
    assert len(responses.calls) == 3
    assert sleeps == [4.0, 4.0]


@responses.activate
def test_429_with_a_long_retry_after_goes_back_to_the_caller_at_once(connector, sleeps):
    responses.get(f"{API}/orders", status=429, headers={"Retry-After": "3600"}, json={})
    with pytest.raises(TransientError) as caught:
        connector.order_find("JL-1")
    assert caught.value.retry_after == 3600.0
    assert (len(responses.calls), sleeps) == (1, [])


@responses.activate
def test_5xx_is_retried_with_backoff_then_transient(connector, sleeps):
    responses.get(f"{API}/shipments", status=503, json={"message": "Service Unavailable"})
    with pytest.raises(TransientError) as caught:
        connector.shipments_read("")
    assert str(caught.value) == "Magento GET shipments failed (503): Service Unavailable"
    assert len(responses.calls) == 3
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 1.5  # exponential plus jitter


@responses.activate
def test_timeout_and_connection_errors_are_transient_without_the_token(connector):
    responses.get(f"{API}/products", body=requests.ConnectTimeout(f"Bearer {TOKEN}"))
    with pytest.raises(TransientError) as caught:
        connector.products_read("")
    assert str(caught.value) == "Magento GET products timed out"
    responses.replace(responses.GET, f"{API}/products", body=requests.ConnectionError(TOKEN))
    with pytest.raises(TransientError) as caught:
        connector.products_read("")
    assert TOKEN not in str(caught.value) and TOKEN not in caught.value.detail
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@responses.activate
def test_every_call_has_a_timeout(connector):
    seen = []

    def answer(request):
        seen.append(request.req_kwargs["timeout"])
        return 200, {}, "[]"

    responses.add_callback(responses.GET, f"{API}/store/storeConfigs", callback=answer)
    connector.ping()
    assert seen == [(5.0, 30.0)]


@responses.activate
def test_401_is_a_config_error_not_retried(connector):
    responses.get(
        f"{API}/orders",
        status=401,
        json={
            "message": "The consumer isn't authorized to access %resources.",
            "parameters": {"resources": "Magento_Sales::actions_view"},
        },
    )
    with pytest.raises(ConfigError) as caught:
        connector.order_find("JL-1")
    assert str(caught.value) == (
        "Magento GET orders failed (401): "
        "The consumer isn't authorized to access Magento_Sales::actions_view."
    )
    assert len(responses.calls) == 1


@responses.activate
def test_malformed_body_is_transient(connector):
    responses.get(f"{API}/orders", body='{"items": [1, 2', content_type="application/json")
    with pytest.raises(TransientError, match="not JSON"):
        connector.order_find("JL-1")


@responses.activate
def test_400_substitutes_numbered_parameters_and_is_permanent(connector):
    responses.get(f"{API}/orders", json=orders_found())
    responses.post(f"{API}/guest-carts", json="m")
    responses.get(f"{API}/guest-carts/m", json={"id": 4})
    responses.post(
        f"{API}/guest-carts/m/items",
        status=400,
        json={"message": "Product %1 is out of stock in %2", "parameters": ["MG-1", "Default"]},
    )
    with pytest.raises(PermanentError) as caught:
        connector.order_create(order_request())
    assert str(caught.value) == (
        "Magento POST guest-carts/m/items failed (400): Product MG-1 is out of stock in Default"
    )
    assert caught.value.status == 400


@responses.activate
def test_404_substitutes_named_parameters(connector):
    responses.get(
        f"{API}/orders/9",
        status=404,
        json={
            "message": "No such entity with %fieldName = %fieldValue",
            "parameters": {"fieldName": "orderId", "fieldValue": 9},
        },
    )
    with pytest.raises(PermanentError, match="No such entity with orderId = 9$"):
        connector.http.read("orders/9")


@responses.activate
def test_writes_are_single_attempts(connector, sleeps):
    responses.get(f"{API}/orders", json=orders_found())
    responses.post(f"{API}/guest-carts", status=503, json={"message": "down"})
    with pytest.raises(TransientError):
        connector.order_create(order_request())
    assert [c.request.method for c in responses.calls] == ["GET", "POST"]
    assert sleeps == []


@responses.activate
def test_token_never_reaches_logs_or_errors(connector, caplog):
    caplog.set_level("DEBUG")
    responses.get(
        f"{API}/orders", status=403, json={"message": "Forbidden %1", "parameters": [TOKEN]}
    )
    with pytest.raises(ConfigError) as caught:
        connector.order_find("JL-1")
    assert "magento GET orders" in caplog.text
    assert TOKEN not in caplog.text
    assert str(caught.value) == "Magento GET orders failed (403): Forbidden ***"
    assert TOKEN not in caught.value.detail
