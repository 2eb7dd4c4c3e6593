"""Error mapping, retries and credential hygiene of the Fulfil connector (v2 and v3)."""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import format_datetime as http_date

import pytest
import requests

from connectors.base import ConfigError, OutcomeUnknownError, PermanentError, TransientError
from connectors.fulfil import FulfilConnector
from tests.connectors.fulfil.conftest import API_KEY, BASE, RPC, V2, make, rpc_result

LOCATIONS = f"{V2}/stock.location"


def waits_of(connector) -> list[float]:
    waits: list[float] = []
    connector.http.sleep = waits.append
    return waits


def test_429_is_retried_after_retry_after_then_succeeds(mocked):
    mocked.get(LOCATIONS, status=429, headers={"Retry-After": "4"}, json={"message": "slow"})
    mocked.get(LOCATIONS, json=[{"id": 3}, {"id": 4}])
    connector = make()
    waits = waits_of(connector)
    connector.ping()
    assert waits == [4.0]
    assert len(mocked.calls) == 2


def test_429_with_a_long_retry_after_goes_back_to_the_caller_at_once(mocked):
    mocked.get(LOCATIONS, status=429, headers={"Retry-After": "120"}, json={"message": "slow"})
    with pytest.raises(TransientError) as caught:
        make().ping()
    assert caught.value.retry_after == 120.0 and caught.value.status == 429
    assert len(mocked.calls) == 1


NOW = dt.datetime(2026, 12, 3, 7, 0, tzinfo=dt.UTC)


def rate_limited_until(mocked, seconds: int) -> None:
    when = http_date(NOW + dt.timedelta(seconds=seconds), usegmt=True)
    mocked.get(LOCATIONS, status=429, headers={"Retry-After": when}, json={"message": "slow"})


def test_a_retry_after_http_date_is_honoured(mocked):
    rate_limited_until(mocked, 4)
    mocked.get(LOCATIONS, json=[{"id": 3}, {"id": 4}])
    connector = make()
    connector.http.clock = NOW.timestamp
    waits = waits_of(connector)
    connector.ping()
    assert waits == [4.0] and len(mocked.calls) == 2


def test_a_long_retry_after_http_date_goes_back_to_the_caller_at_once(mocked):
    rate_limited_until(mocked, 120)
    connector = make()
    connector.http.clock = NOW.timestamp
    with pytest.raises(TransientError) as caught:
        connector.ping()
    assert caught.value.retry_after == 120.0 and len(mocked.calls) == 1


def test_json_rpc_rate_limit_is_transient_with_retry_after(mocked):
    error = {"code": -32003, "message": "Rate limit exceeded", "data": {"retry_after": 2}}
    mocked.post(RPC, json={"jsonrpc": "2.0", "id": 1, "error": error})
    mocked.post(RPC, json=rpc_result([]))
    connector = make()
    waits = waits_of(connector)
    assert connector.products_read("").items == []
    assert waits == [2.0]


def test_5xx_is_transient_and_quotes_the_sentry_id_after_bounded_retries(mocked):
    for _ in range(3):
        mocked.get(
            LOCATIONS,
            status=503,
            headers={"X-Sentry-ID": "abc123"},
            json={"code": 503, "message": "Service Unavailable"},
        )
    connector = make()
    waits = waits_of(connector)
    with pytest.raises(TransientError) as caught:
        connector.ping()
    assert str(caught.value) == (
        "Fulfil GET /api/v2/model/stock.location failed (503): Service Unavailable "
        "[X-Sentry-ID abc123]"
    )
    assert len(mocked.calls) == 3 and len(waits) == 2
    assert all(0 <= w <= 8 for w in waits)


def test_timeout_is_transient_after_three_attempts(mocked):
    for _ in range(3):
        mocked.get(LOCATIONS, body=requests.ReadTimeout("slow"))
    with pytest.raises(TransientError, match="timed out"):
        make().ping()
    assert len(mocked.calls) == 3


def test_connection_error_is_transient(mocked):
    mocked.get(LOCATIONS, body=requests.ConnectionError("refused"))
    with pytest.raises(TransientError, match="could not connect"):
        make(read_attempts="1").ping()


def test_every_call_has_a_timeout(monkeypatch):
    seen = {}

    def fake_request(self, method, url, **kwargs):
        seen["timeout"] = kwargs.get("timeout")
        raise requests.ConnectTimeout("no")

    monkeypatch.setattr(requests.Session, "request", fake_request)
    with pytest.raises(TransientError):
        make(read_attempts="1").ping()
    assert seen["timeout"] == (5.0, 30.0)


def test_401_is_a_config_error_and_not_retried(mocked):
    mocked.get(LOCATIONS, status=401, json={"code": 401, "message": "Invalid API key"})
    with pytest.raises(ConfigError) as caught:
        make().ping()
    assert caught.value.status == 401 and len(mocked.calls) == 1


def test_403_is_a_config_error(mocked):
    mocked.put(f"{V2}/sale.sale/search_read", status=403, json={"message": "Forbidden"})
    with pytest.raises(ConfigError):
        make().order_find("JL-1")


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        (-32000, ConfigError),
        (-32001, ConfigError),
        (-32002, PermanentError),
        (-32602, PermanentError),
    ],
)
def test_json_rpc_error_codes(mocked, code, error_class):
    error = {"code": code, "message": "nope"}
    mocked.post(RPC, json={"jsonrpc": "2.0", "id": 1, "error": error})
    with pytest.raises(error_class) as caught:
        make().products_read("")
    assert caught.value.code == str(code) and len(mocked.calls) == 1


def test_other_4xx_is_permanent_with_the_message(mocked):
    mocked.put(
        f"{V2}/sale.sale/search_read",
        status=422,
        json={"code": 422, "message": "Bad domain", "description": "unknown field"},
    )
    with pytest.raises(PermanentError, match=r"Bad domain \(unknown field\)"):
        make().order_find("JL-1")


def test_malformed_json_in_a_success_is_transient(mocked):
    mocked.get(LOCATIONS, body='[{"id": 3', content_type="application/json")
    with pytest.raises(TransientError, match="not JSON"):
        make(read_attempts="1").ping()


def test_a_json_rpc_answer_without_result_is_transient(mocked):
    mocked.post(RPC, json={"jsonrpc": "2.0", "id": 1})
    with pytest.raises(TransientError, match="not a JSON-RPC response"):
        make(read_attempts="1").products_read("")


def test_the_api_key_never_reaches_messages_or_logs(mocked, caplog):
    caplog.set_level(logging.DEBUG)
    echo = {"code": 401, "message": f"key {API_KEY} is revoked"}
    mocked.get(LOCATIONS, status=401, json=echo)
    connector = make()
    with pytest.raises(ConfigError) as caught:
        connector.ping()
    assert API_KEY not in str(caught.value) and API_KEY not in repr(caught.value)
    assert API_KEY not in caught.value.detail and "***" in str(caught.value)
    assert API_KEY not in caplog.text
    assert API_KEY not in repr(connector.http)
    assert caplog.text  # the call was logged, just without the key


def test_missing_api_key_is_a_config_error():
    with pytest.raises(ConfigError, match="api_key"):
        FulfilConnector(base_url=BASE, credentials={})
    with pytest.raises(ConfigError, match="URL"):
        FulfilConnector(base_url="", credentials={"api_key": "k"})


def test_bad_option_ids_are_config_errors():
    with pytest.raises(ConfigError, match="warehouse_ids|ids"):
        make(warehouse_ids="main,store")
    with pytest.raises(ConfigError, match="party_id"):
        make(party_id="JL")


@pytest.mark.parametrize(("status", "unknown"), [(503, False), (429, False), (500, True)])
def test_writes_are_not_retried_on_transient_errors(mocked, status, unknown):
    mocked.put(f"{V2}/party.address/create", status=status, json={"message": "down"})
    connector = make()
    with pytest.raises(TransientError) as caught:
        connector.http.v2_call("party.address", "create", [[{}]], retry=False)
    assert len(mocked.calls) == 1
    assert isinstance(caught.value, OutcomeUnknownError) is unknown  # 429/503: nothing done


def test_a_write_whose_answer_was_lost_has_an_unknown_outcome(mocked):
    mocked.put(f"{V2}/party.address/create", body=requests.ReadTimeout("slow"))
    with pytest.raises(OutcomeUnknownError, match="outcome of this PUT .* is unknown"):
        make().http.v2_call("party.address", "create", [[{}]], retry=False)
    assert len(mocked.calls) == 1


def test_registered_under_its_kind():
    from connectors.registry import source_class_for

    assert source_class_for("fulfil") is FulfilConnector


def test_base_url_trailing_slash_is_trimmed(mocked):
    mocked.get(f"{BASE}/api/v2/model/stock.location", json=[{"id": 3}, {"id": 4}])
    make().ping()
    assert mocked.calls[0].request.url.startswith(f"{BASE}/api/v2/model/stock.location?")
