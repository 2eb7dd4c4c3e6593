"""Timeouts, error mapping, rate limits and retries, through the connector's public calls."""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import format_datetime

import pytest
import requests
import responses
from responses import matchers

from connectors.base import ConfigError, PermanentError, TransientError
from connectors.scayle import ScayleConnector
from tests.connectors.scayle.helpers import (
    BASE,
    RATE_OK,
    TOKEN,
    FakeClock,
    make_connector,
    scayle_errors,
)

SHOP = f"{BASE}/shops/jl"
STOCKS = f"{BASE}/variants/key=SC-0001-M/stocks"


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def test_ping_sends_the_access_token_header_and_reads_the_shop(mocked):
    mocked.get(
        SHOP,
        json={"key": "jl", "countries": [{"countryCode": "GB"}]},
        match=[matchers.header_matcher({"X-Access-Token": TOKEN, "Accept": "application/json"})],
    )
    make_connector().ping()
    assert len(mocked.calls) == 1
    assert mocked.calls[0].request.method == "GET"
    assert mocked.calls[0].request.url == SHOP
    assert mocked.calls[0].request.body is None


def test_every_call_has_a_timeout(mocked, monkeypatch):
    seen = []
    original = requests.Session.request

    def spy(self, method, url, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    mocked.get(SHOP, json={"key": "jl"})
    make_connector().ping()
    assert seen == [(5.0, 30.0)]


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_are_config_errors_without_retry(mocked, status):
    mocked.get(SHOP, status=status, json=scayle_errors("UNAUTHORIZED", "Invalid access token."))
    with pytest.raises(ConfigError) as caught:
        make_connector().ping()
    assert str(caught.value) == (
        f"SCAYLE GET shops/jl failed ({status}): UNAUTHORIZED: Invalid access token."
    )
    assert caught.value.code == "UNAUTHORIZED"
    assert len(mocked.calls) == 1


def test_an_unknown_shop_key_fails_the_connection_test_as_config(mocked):
    mocked.get(SHOP, status=404, json=scayle_errors("SHOP_NOT_FOUND", "Shop 'jl' not found."))
    with pytest.raises(ConfigError) as caught:
        make_connector().ping()
    assert str(caught.value) == "SCAYLE shop 'jl' not found: check the option 'shop_key'"
    assert caught.value.code == "SHOP_NOT_FOUND"


def test_missing_credential_and_shop_key_are_config_errors():
    with pytest.raises(ConfigError, match="'access_token' is missing"):
        ScayleConnector(base_url=BASE, credentials={}, shop_key="jl")
    with pytest.raises(ConfigError, match="'shop_key' is missing"):
        ScayleConnector(base_url=BASE, credentials={"access_token": TOKEN})


def test_429_is_retried_after_the_scope_reset_then_succeeds(mocked):
    clock = FakeClock()
    limited = {**RATE_OK, "x-ratelimit-scope": "globalRead", "x-ratelimit-remaining": "0"}
    mocked.get(
        SHOP,
        status=429,
        json=scayle_errors("RATE_LIMIT_EXCEEDED", "Too many requests."),
        headers={**limited, "x-ratelimit-reset": "7"},
    )
    mocked.get(SHOP, json={"key": "jl"}, headers={**limited, "x-ratelimit-remaining": "999"})
    make_connector(clock).ping()
    assert len(mocked.calls) == 2
    assert len(clock.sleeps) == 1
    assert 7 <= clock.sleeps[0] <= 7.25


def test_429_falls_back_to_retry_after_and_gives_up_after_three_attempts(mocked):
    clock = FakeClock()
    for _ in range(3):
        mocked.get(SHOP, status=429, headers={"Retry-After": "2"}, json=scayle_errors("R", "slow"))
    with pytest.raises(TransientError) as caught:
        make_connector(clock).ping()
    assert caught.value.retry_after == 2.0
    assert caught.value.status == 429
    assert len(mocked.calls) == 3
    assert [round(s) for s in clock.sleeps] == [2, 2]


def test_429_honours_retry_after_as_an_http_date(mocked):
    clock = FakeClock()
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=20)
    mocked.get(SHOP, status=429, headers={"Retry-After": format_datetime(when, usegmt=True)})
    mocked.get(SHOP, json={"key": "jl"})
    make_connector(clock).ping()
    assert len(mocked.calls) == 2
    assert 17 <= clock.sleeps[0] <= 20.25


def test_a_long_reset_is_not_slept_but_handed_back(mocked):
    clock = FakeClock()
    mocked.get(SHOP, status=429, headers={"x-ratelimit-reset": "55"}, json={})
    with pytest.raises(TransientError) as caught:
        make_connector(clock).ping()
    assert caught.value.retry_after == 55.0
    assert clock.sleeps == []
    assert len(mocked.calls) == 1


def test_low_remaining_budget_waits_for_the_reset_before_the_next_call(mocked):
    clock = FakeClock()
    low = {"x-ratelimit-scope": "globalRead", "x-ratelimit-limit": "1000"}
    mocked.get(SHOP, json={"key": "jl"}, headers={**low, "x-ratelimit-remaining": "3",
                                                   "x-ratelimit-reset": "12"})  # fmt: skip
    mocked.get(SHOP, json={"key": "jl"}, headers={**low, "x-ratelimit-remaining": "999",
                                                   "x-ratelimit-reset": "60"})  # fmt: skip
    connector = make_connector(clock)
    connector.ping()
    assert clock.sleeps == []
    connector.ping()
    assert clock.sleeps == [12.0]
    assert connector.http.budgets["globalRead"].remaining == 999


def test_5xx_is_retried_with_backoff_then_raised_as_transient(mocked):
    clock = FakeClock()
    mocked.get(SHOP, status=502, body="<html>bad gateway</html>")
    mocked.get(SHOP, status=503, json=scayle_errors("SERVICE_UNAVAILABLE", "Maintenance."))
    mocked.get(SHOP, status=500, json=scayle_errors("INTERNAL_SERVER_ERROR", "Oops."))
    with pytest.raises(TransientError) as caught:
        make_connector(clock).ping()
    assert str(caught.value) == "SCAYLE GET shops/jl failed (500): INTERNAL_SERVER_ERROR: Oops."
    assert len(mocked.calls) == 3
    assert 0.5 <= clock.sleeps[0] <= 1.0 and 1.0 <= clock.sleeps[1] <= 1.5


def test_timeout_and_connection_errors_are_transient(mocked):
    clock = FakeClock()
    mocked.get(SHOP, body=requests.ReadTimeout("read timed out"))
    mocked.get(SHOP, body=requests.ConnectionError("refused"))
    mocked.get(SHOP, body=requests.ConnectTimeout("connect timed out"))
    with pytest.raises(TransientError) as caught:
        make_connector(clock).ping()
    assert str(caught.value) == "SCAYLE GET shops/jl timed out"
    assert len(mocked.calls) == 3


def test_connection_error_message(mocked):
    for _ in range(3):
        mocked.get(SHOP, body=requests.ConnectionError("refused"))
    with pytest.raises(TransientError, match=r"^SCAYLE GET shops/jl could not connect"):
        make_connector().ping()


def test_malformed_json_is_transient_and_retried(mocked):
    mocked.get(STOCKS, body='{"entities": [1, 2', content_type="application/json")
    mocked.get(STOCKS, body='{"entities": [1, 2', content_type="application/json")
    mocked.get(STOCKS, json={"entities": [{"quantity": 4, "warehouseReferenceKey": "main"}]})
    [level] = list(make_connector().stock_read(["SC-0001-M"]))
    assert (level.sku, level.available) == ("SC-0001-M", 4)
    assert len(mocked.calls) == 3


def test_a_body_without_entities_is_transient_for_the_caller_to_retry(mocked):
    mocked.get(STOCKS, json={"unexpected": True})
    with pytest.raises(TransientError, match="stocks answer has no entities list"):
        list(make_connector().stock_read(["SC-0001-M"]))
    assert len(mocked.calls) == 1


def test_business_errors_are_permanent_with_error_key_and_message(mocked):
    mocked.get(
        SHOP,
        status=422,
        json={
            "errors": [
                {"errorKey": "INVALID_PARAMETER", "message": "limit too big", "context": {}},
                {"errorKey": "OTHER", "message": "second", "context": {}},
            ]
        },
    )
    with pytest.raises(PermanentError) as caught:
        make_connector().ping()
    assert str(caught.value) == (
        "SCAYLE GET shops/jl failed (422): INVALID_PARAMETER: limit too big; OTHER: second"
    )
    assert (caught.value.status, caught.value.code) == (422, "INVALID_PARAMETER")
    assert len(mocked.calls) == 1


def test_the_token_never_appears_in_errors_or_logs(mocked, caplog):
    caplog.set_level(logging.DEBUG)
    echo = f'{{"errors":[{{"errorKey":"UNAUTHORIZED","message":"bad key {TOKEN}"}}]}}'
    mocked.get(SHOP, status=401, body=echo, content_type="application/json")
    for _ in range(3):
        mocked.get(STOCKS, body=requests.ConnectionError(f"boom {TOKEN}"))
    connector = make_connector()
    errors = []
    for call in (connector.ping, lambda: list(connector.stock_read(["SC-0001-M"]))):
        with pytest.raises((ConfigError, TransientError)) as caught:
            call()
        errors.append(caught.value)
    for error in errors:
        assert TOKEN not in str(error)
        assert TOKEN not in repr(error.__dict__)
        assert error.__cause__ is None or TOKEN not in str(error.__cause__)
    assert TOKEN not in caplog.text
    assert "X-Access-Token" not in repr(connector.__dict__.get("options"))


def test_the_connector_is_registered_as_scayle():
    from connectors.registry import source_class_for

    assert source_class_for("scayle") is ScayleConnector
