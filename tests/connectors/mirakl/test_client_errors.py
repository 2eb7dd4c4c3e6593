"""Error classes, retries, Retry-After and secrets of the Mirakl client."""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import format_datetime as http_date

import pytest
import requests
import responses

from connectors.base import ConfigError, PermanentError, TransientError
from connectors.mirakl import dtos
from connectors.mirakl.http import OutcomeUnknownError, parse_retry_after
from tests.connectors.mirakl.fixtures import API_KEY, BASE, Sleeps, load_raw, make_client

ACCOUNT = f"{BASE}/api/account"
REFUND = f"{BASE}/api/orders/refund"
NOW = 1_795_000_000.0  # a fixed "now" for HTTP-date Retry-After


def refund_request():
    from decimal import Decimal

    return dtos.RefundRequest(
        order_line_id="1-A-1",
        amount=Decimal("1.00"),
        shipping_amount=Decimal("0"),
        reason_code="12",
    )


@responses.activate
def test_429_sleeps_retry_after_seconds_then_succeeds():
    responses.get(
        ACCOUNT,
        status=429,
        headers={"Retry-After": "7"},
        json={"status": 429, "message": "Too many"},
    )
    responses.get(ACCOUNT, body=load_raw("account.json"), content_type="application/json")
    sleeps = Sleeps()

    account = make_client(sleep=sleeps).account_get()

    assert account.shop_id == 2042
    assert sleeps == [7.0]
    assert len(responses.calls) == 2


@responses.activate
def test_429_honours_an_http_date_retry_after():
    when = dt.datetime.fromtimestamp(NOW + 12, dt.UTC)
    responses.get(ACCOUNT, status=429, headers={"Retry-After": http_date(when, usegmt=True)})
    responses.get(ACCOUNT, body=load_raw("account.json"), content_type="application/json")
    sleeps = Sleeps()

    make_client(sleep=sleeps, clock=lambda: NOW).account_get()

    assert sleeps == [12.0]


@responses.activate
def test_429_with_a_long_retry_after_is_raised_at_once_for_the_outbox():
    responses.get(
        ACCOUNT,
        status=429,
        headers={"Retry-After": "3600"},
        json={"status": 429, "message": "slow down"},
    )
    sleeps = Sleeps()

    with pytest.raises(TransientError) as caught:
        make_client(sleep=sleeps, max_wait_seconds=30).account_get()

    assert caught.value.retry_after == 3600.0
    assert caught.value.status == 429
    assert sleeps == []
    assert len(responses.calls) == 1


@responses.activate
def test_500_is_retried_with_backoff_then_raised_as_transient():
    responses.get(ACCOUNT, status=500, body="<html>Internal error</html>")
    sleeps = Sleeps()

    with pytest.raises(TransientError) as caught:
        make_client(sleep=sleeps, max_attempts=3).account_get()

    assert len(responses.calls) == 3
    assert len(sleeps) == 2 and all(0 <= s <= 30 for s in sleeps)
    assert caught.value.status == 500
    assert "HTTP 500" in str(caught.value)
    assert caught.value.detail == "<html>Internal error</html>"  # non-JSON body kept as text


@pytest.mark.parametrize(
    "exc",
    [
        requests.Timeout("read timed out"),
        requests.ConnectionError("reset"),
        requests.ConnectTimeout(),
    ],
)
@responses.activate
def test_timeouts_and_connection_errors_are_transient_and_retried(exc):
    responses.get(ACCOUNT, body=exc)
    responses.get(ACCOUNT, body=load_raw("account.json"), content_type="application/json")

    account = make_client().account_get()

    assert account.shop_name == "Russell Demo Ltd"
    assert len(responses.calls) == 2


@responses.activate
def test_timeout_exhausting_attempts_raises_transient():
    responses.get(ACCOUNT, body=requests.Timeout("read timed out"))
    with pytest.raises(TransientError, match="read timeout"):
        make_client(max_attempts=2).account_get()
    assert len(responses.calls) == 2


@pytest.mark.parametrize("status", [401, 403])
@responses.activate
def test_401_and_403_are_config_errors_not_retried(status):
    responses.get(ACCOUNT, status=status, json={"status": status, "message": "Unauthorized"})
    with pytest.raises(ConfigError) as caught:
        make_client().account_get()
    assert caught.value.status == status
    assert len(responses.calls) == 1


@responses.activate
def test_400_is_permanent_with_mirakl_message():
    responses.get(
        f"{BASE}/api/orders",
        status=400,
        json={
            "status": 400,
            "message": "The limit of 100 is exceeded for the parameter : order_ids",
        },
    )
    with pytest.raises(PermanentError) as caught:
        list(make_client().orders_list(order_ids=["1-A"]))
    assert caught.value.status == 400
    assert caught.value.detail == "The limit of 100 is exceeded for the parameter : order_ids"
    assert caught.value.code == ""
    assert not isinstance(caught.value, TransientError)


@responses.activate
def test_400_code_found_in_an_errors_list_or_message():
    responses.put(
        f"{BASE}/api/orders/1-A/accept",
        status=400,
        json={
            "status": 400,
            "errors": [{"code": "ORDER_LINE_ACCEPTANCE_DECISION_MISSING", "message": "missing"}],
        },
    )
    responses.put(
        f"{BASE}/api/orders/2-A/accept", status=400, body="ORDER_NOT_FOUND: no such order"
    )
    client = make_client()

    with pytest.raises(PermanentError) as first:
        client.order_accept("1-A", decisions={"1-A-1": True})
    with pytest.raises(PermanentError) as second:
        client.order_accept("2-A", decisions={"2-A-1": True})

    assert first.value.code == "ORDER_LINE_ACCEPTANCE_DECISION_MISSING"
    assert second.value.code == "ORDER_NOT_FOUND"
    assert second.value.detail == "ORDER_NOT_FOUND: no such order"


@responses.activate
def test_404_with_empty_body_is_permanent():
    responses.get(f"{BASE}/api/offers/stock/imports/x/status", status=404, body="")
    with pytest.raises(PermanentError) as caught:
        make_client().stock_import_status("x")
    assert caught.value.status == 404


@responses.activate
def test_malformed_json_on_success_is_transient_and_retried():
    responses.get(ACCOUNT, body='{"shop_id": 2042, "shop_na', content_type="application/json")
    responses.get(ACCOUNT, body=load_raw("account.json"), content_type="application/json")
    assert make_client().account_get().shop_id == 2042
    assert len(responses.calls) == 2


@responses.activate
def test_malformed_json_exhausted_raises_transient():
    responses.get(ACCOUNT, body="not json", content_type="application/json")
    with pytest.raises(TransientError, match="malformed JSON"):
        make_client(max_attempts=2).account_get()


@responses.activate
def test_refund_is_not_resent_after_a_timeout():
    responses.put(REFUND, body=requests.ReadTimeout("read timed out"))
    with pytest.raises(OutcomeUnknownError, match="outcome of this OR28 is unknown"):
        make_client().orders_refund(refunds=[refund_request()])
    assert len(responses.calls) == 1


@responses.activate
def test_refund_is_not_resent_after_a_500_or_a_broken_success_body():
    responses.put(REFUND, status=500)
    responses.put(f"{BASE}/api/orders/cancel", body="{broken", content_type="application/json")
    client = make_client()
    with pytest.raises(OutcomeUnknownError):
        client.orders_refund(refunds=[refund_request()])
    with pytest.raises(OutcomeUnknownError):
        client.order_lines_cancel(
            cancelations=[
                dtos.CancelationRequest(
                    "1-A-1", 1, refund_request().amount, refund_request().amount, "34"
                )
            ]
        )
    assert len(responses.calls) == 2


@pytest.mark.parametrize("status", [429, 503])
@responses.activate
def test_refund_is_resent_after_429_or_503_where_nothing_was_done(status):
    responses.put(REFUND, status=status, headers={"Retry-After": "2"})
    responses.put(REFUND, body=load_raw("or28_response.json"), content_type="application/json")
    sleeps = Sleeps()

    created = make_client(sleep=sleeps).orders_refund(refunds=[refund_request()])

    assert [r.refund_id for r in created] == ["1101", "1102"]
    assert sleeps == [2.0]
    assert len(responses.calls) == 2


@responses.activate
def test_api_key_never_appears_in_errors_reprs_or_logs(caplog):
    caplog.set_level(logging.DEBUG)
    responses.get(ACCOUNT, status=400, json={"status": 400, "message": f"bad key {API_KEY}"})
    responses.get(
        f"{BASE}/api/shipping/carriers", body=requests.ConnectionError(f"conn to {API_KEY}")
    )
    client = make_client(max_attempts=1)

    with pytest.raises(PermanentError) as bad:
        client.account_get()
    with pytest.raises(TransientError) as down:
        client.carriers_list()

    texts = [str(bad.value), bad.value.detail, repr(bad.value), str(down.value), down.value.detail]
    texts += [repr(client), repr(client._http), caplog.text]
    assert all(API_KEY not in t for t in texts)
    assert "bad key ***" in bad.value.detail


def test_missing_api_key_is_a_config_error():
    from connectors.mirakl.client import MiraklClient

    with pytest.raises(ConfigError, match="API key is missing"):
        MiraklClient(BASE, "")


@responses.activate
def test_base_url_with_trailing_api_is_normalised():
    from connectors.mirakl.client import MiraklClient

    responses.get(ACCOUNT, body=load_raw("account.json"), content_type="application/json")
    MiraklClient(f"{BASE}/api/", API_KEY).account_get()
    assert responses.calls[0].request.url == ACCOUNT


def test_parse_retry_after_variants():
    now = dt.datetime.fromtimestamp(NOW, dt.UTC)
    assert parse_retry_after("5", now) == 5.0
    assert parse_retry_after("-3", now) == 0.0
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("soon", now) is None
    past = http_date(now - dt.timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(past, now) == 0.0


@responses.activate
def test_explicit_timeouts_are_passed(monkeypatch):
    seen = {}
    session = requests.Session()
    original = session.request

    def spy(method, url, **kwargs):
        seen["timeout"] = kwargs["timeout"]
        return original(method, url, **kwargs)

    monkeypatch.setattr(session, "request", spy)
    responses.get(ACCOUNT, body=load_raw("account.json"), content_type="application/json")
    make_client(session=session, timeout=(3, 17)).account_get()
    assert seen["timeout"] == (3, 17)


@responses.activate
def test_a_success_body_of_the_wrong_shape_is_permanent():
    responses.get(ACCOUNT, json=["not", "an", "object"])
    with pytest.raises(PermanentError, match="expected a JSON dict, got list"):
        make_client().account_get()
    assert len(responses.calls) == 1
