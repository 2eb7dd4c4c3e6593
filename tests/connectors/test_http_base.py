"""The shared HTTP base (connectors/http.py): status mapping, Retry-After, retries, secrets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from email.utils import format_datetime as http_date

import pytest
import requests
import responses

from connectors.base import (
    ConfigError,
    OutcomeUnknownError,
    PermanentError,
    TransientError,
)
from connectors.http import Call, HttpClient, parse_retry_after
from tests.connectors.magento.support import API as MAGENTO_API
from tests.connectors.magento.support import make as magento_make
from tests.connectors.magento.support import orders_found

URL = "https://api.example.com/v1/things"
SECRET = "s3cret-token-42"
NOW = 1_795_000_000.0  # a fixed "now" for HTTP-date Retry-After


class Vendor(HttpClient):
    vendor = "Acme"

    def __init__(self, sleeps: list[float], **kwargs) -> None:
        kwargs.setdefault("clock", lambda: NOW)
        super().__init__(secrets=(SECRET,), sleep=sleeps.append, **kwargs)
        self.attempts = 0
        self.checked: list[str] = []

    def attempt_begin(self, call: Call) -> None:
        self.attempts += 1

    def request_check(self, call: Call) -> None:
        if call.json_body == {"refuse": True}:
            raise PermanentError("refused before sending")
        self.checked.append(call.what)

    def read(self, **kwargs):
        return self.send(Call("GET", URL, "GET things", **kwargs))

    def write(self, body=None):
        return self.send(Call("POST", URL, "POST things", json_body=body, idempotent=False))


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps) -> Vendor:
    return Vendor(sleeps)


def http_date_in(seconds: float) -> str:
    return http_date(dt.datetime.fromtimestamp(NOW + seconds, dt.UTC), usegmt=True)


# --- status -> error class --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind", "attempts"),
    [
        (400, PermanentError, 1),
        (404, PermanentError, 1),
        (422, PermanentError, 1),
        (401, ConfigError, 1),
        (403, ConfigError, 1),
        (429, TransientError, 3),
        (500, TransientError, 3),
        (502, TransientError, 3),
        (503, TransientError, 3),
    ],
)
@responses.activate
def test_status_maps_to_its_error_class_and_only_transient_is_retried(
    client, status, kind, attempts
):
    responses.get(URL, status=status, json={"message": "nope", "code": "E1"})
    with pytest.raises(kind) as caught:
        client.read()
    assert type(caught.value) is kind
    assert (caught.value.status, caught.value.detail, caught.value.code) == (status, "nope", "E1")
    assert str(caught.value) == f"Acme GET things failed ({status}): nope"
    assert len(responses.calls) == attempts == client.attempts


@responses.activate
def test_error_text_from_an_errors_list_or_a_plain_body(client):
    responses.get(URL, status=400, json={"errors": [{"code": "BAD", "message": "bad sku"}]})
    with pytest.raises(PermanentError) as listed:
        client.read()
    responses.replace(responses.GET, URL, status=400, body="<html>\n  Bad   request</html>")
    with pytest.raises(PermanentError) as plain:
        client.read()
    assert (listed.value.code, listed.value.detail) == ("BAD", "bad sku")
    assert (plain.value.code, plain.value.detail) == ("", "<html> Bad request</html>")


@responses.activate
def test_a_2xx_body_in_the_shape_asked_for(client):
    responses.get(URL, body='{"amount": 12.50}', content_type="application/json")
    assert client.read() == {"amount": Decimal("12.50")}
    responses.replace(responses.GET, URL, body="")
    assert client.read() is None
    responses.replace(responses.GET, URL, json=[1])
    with pytest.raises(PermanentError, match="expected a JSON dict, got list"):
        client.read(expect="object")
    responses.replace(responses.GET, URL, body="\ufeffid;sku")
    assert client.read(expect="text") == "id;sku"


@responses.activate
def test_a_broken_2xx_body_is_transient_and_retried(client):
    responses.get(URL, body='{"items": [1, 2', content_type="application/json")
    responses.get(URL, json={"ok": True})
    assert client.read() == {"ok": True}
    assert len(responses.calls) == 2


# --- Retry-After ------------------------------------------------------------------------------


def test_parse_retry_after_reads_seconds_and_http_dates():
    now = dt.datetime.fromtimestamp(NOW, dt.UTC)
    assert parse_retry_after("5", now) == 5.0
    assert parse_retry_after(" 2.5 ", now) == 2.5
    assert parse_retry_after("-3", now) == 0.0
    assert parse_retry_after(http_date_in(90), now) == 90.0
    assert parse_retry_after(http_date_in(-30), now) == 0.0
    assert parse_retry_after("Sun, 06 Nov 2061 08:49:37", now) > 0  # no zone: read as UTC
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("", now) is parse_retry_after(None, now) is None


@pytest.mark.parametrize("header", ["12", http_date_in(12)])
@responses.activate
def test_retry_after_in_seconds_or_as_an_http_date_is_slept(client, sleeps, header):
    responses.get(URL, status=429, headers={"Retry-After": header})
    responses.get(URL, json={"ok": True})
    assert client.read() == {"ok": True}
    assert sleeps == [12.0]


@responses.activate
def test_a_retry_after_past_the_cap_goes_back_to_the_caller_at_once(client, sleeps):
    responses.get(URL, status=503, headers={"Retry-After": http_date_in(3600)})
    with pytest.raises(TransientError) as caught:
        client.read()
    assert (caught.value.retry_after, sleeps, len(responses.calls)) == (3600.0, [], 1)


@responses.activate
def test_without_retry_after_the_backoff_grows_with_jitter(client, sleeps):
    responses.get(URL, status=500)
    with pytest.raises(TransientError):
        client.read()
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 1.5


# --- reads are retried, writes are sent once --------------------------------------------------


@responses.activate
def test_a_read_is_retried_after_a_read_timeout(client):
    responses.get(URL, body=requests.ReadTimeout("read timed out"))
    responses.get(URL, json={"ok": True})
    assert client.read() == {"ok": True}
    assert client.attempts == 2


@pytest.mark.parametrize(
    "failure",
    [
        requests.ReadTimeout("read timed out"),
        requests.ConnectionError("reset by peer"),
        500,
        "broken body",
    ],
)
@responses.activate
def test_a_write_that_may_have_arrived_is_not_resent_and_its_outcome_is_unknown(client, failure):
    if failure == 500:
        responses.post(URL, status=500)
    elif failure == "broken body":
        responses.post(URL, body="{oops", content_type="application/json")
    else:
        responses.post(URL, body=failure)
    with pytest.raises(OutcomeUnknownError, match="outcome of this POST things is unknown"):
        client.write({"a": 1})
    assert len(responses.calls) == 1
    assert isinstance(OutcomeUnknownError("x"), TransientError)


@pytest.mark.parametrize("failure", [429, 503, requests.ConnectTimeout("no route")])
@responses.activate
def test_a_write_is_resent_where_the_remote_certainly_did_nothing(client, sleeps, failure):
    if isinstance(failure, int):
        responses.post(URL, status=failure, headers={"Retry-After": "2"})
    else:
        responses.post(URL, body=failure)
    responses.post(URL, json={"id": 7})
    assert client.write({"a": 1}) == {"id": 7}
    assert len(responses.calls) == 2 == client.attempts


@responses.activate
def test_a_vendor_may_send_every_write_once(sleeps):
    class Once(Vendor):
        retry_writes = False

    responses.post(URL, status=503)
    with pytest.raises(TransientError) as caught:
        Once(sleeps).write({"a": 1})
    assert not isinstance(caught.value, OutcomeUnknownError)  # 503: nothing was done
    assert (len(responses.calls), sleeps) == (1, [])


# --- hooks, body, timeouts, secrets -----------------------------------------------------------


@responses.activate
def test_a_request_refused_by_the_check_is_not_sent(client):
    with pytest.raises(PermanentError, match="refused before sending"):
        client.write({"refuse": True})
    assert len(responses.calls) == 0


@responses.activate
def test_the_body_is_exact_json_and_timeouts_are_explicit(sleeps):
    seen = {}
    session = requests.Session()
    original = session.request

    def spy(method, url, **kwargs):
        seen.update(timeout=kwargs["timeout"])
        return original(method, url, **kwargs)

    session.request = spy
    responses.post(URL, json={"id": 1})
    Vendor(sleeps, session=session, timeout=(3, 17)).write({"amount": Decimal("12.50")})
    request = responses.calls[0].request
    assert request.body == b'{"amount":12.50}'
    assert request.headers["Content-Type"] == "application/json"
    assert seen == {"timeout": (3, 17)}


@responses.activate
def test_secrets_are_scrubbed_and_no_requests_exception_is_chained(client, caplog):
    caplog.set_level("DEBUG")
    responses.get(URL, status=400, json={"message": f"bad token {SECRET}"})
    with pytest.raises(PermanentError) as refused:
        client.read()
    responses.replace(responses.GET, URL, body=requests.ConnectionError(f"to {SECRET}"))
    with pytest.raises(TransientError) as down:
        client.read()
    texts = [str(refused.value), refused.value.detail, str(down.value), caplog.text]
    assert all(SECRET not in text for text in texts)
    assert refused.value.detail == "bad token ***"
    assert str(down.value) == "Acme GET things could not connect (ConnectionError)"
    assert down.value.__cause__ is None and down.value.__suppress_context__


# --- the vendors on the base ------------------------------------------------------------------


@responses.activate
def test_magento_honours_an_http_date_retry_after():
    sleeps: list[float] = []
    connector = magento_make(sleeps)
    connector.http.clock = lambda: NOW
    responses.get(f"{MAGENTO_API}/orders", status=429, headers={"Retry-After": http_date_in(12)})
    responses.get(f"{MAGENTO_API}/orders", json=orders_found())
    assert connector.order_find("JL-1") is None
    assert sleeps == [12.0]
