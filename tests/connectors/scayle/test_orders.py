"""order_find and order_create: the JL number is the order's referenceKey."""

from __future__ import annotations

import pytest
import requests
import responses
from responses import matchers

from connectors.base import (
    ConfigError,
    OutcomeUnknownError,
    PermanentError,
    SourceOrderRef,
    TransientError,
)
from tests.connectors.scayle.helpers import (
    ORDERS,
    TOKEN,
    make_connector,
    order_json,
    order_request,
    scayle_errors,
)

BY_REFERENCE = f"{ORDERS}/key=JL-1001"
NOT_FOUND = scayle_errors("ORDER_NOT_FOUND", "Order with identifier 'key=JL-1001' not found.")

ADDRESS = {
    "street": "1 Oxford Street",
    "houseNumber": "",
    "additional": "Flat 2",
    "zipCode": "W1A 1AA",
    "city": "London",
    "countryCode": "GBR",
    "phone": "07000000000",
    "recipient": {"firstName": "Ada", "lastName": "Lovelace"},
}
PIECE = {
    "variant": {"referenceKey": "SC-0001-M"},
    "price": {"withTax": 1200, "withoutTax": 1000, "tax": {"vat": {"amount": 200}}},
}
EXPECTED_BODY = {
    "referenceKey": "JL-1001",
    "channel": {"key": "marketplace_john_lewis"},
    "currencyCode": "GBP",
    "createdAt": "2026-11-22T10:00:00+00:00",
    "customer": {
        "email": "masked@marketplace.example",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "status": {"isGuestCustomer": True},
    },
    "address": {"billing": ADDRESS, "shipping": ADDRESS},
    "items": [PIECE, PIECE],
    "cost": {
        "appliedFees": [
            {
                "category": "delivery",
                "key": "marketplace",
                "option": "standard",
                "amount": {"withTax": 395},
            }
        ]
    },
    "legacyCustomData": {"marketplaceOrderId": "JL-1001-A"},
}


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def test_order_find_by_reference_key(mocked):
    mocked.get(
        BY_REFERENCE,
        json=order_json(42),
        match=[matchers.header_matcher({"X-Access-Token": TOKEN})],
    )
    mocked.get(f"{ORDERS}/key=JL-9999", status=404, json=NOT_FOUND)
    connector = make_connector()
    assert connector.order_find("JL-1001") == SourceOrderRef("42", "SB42")
    assert connector.order_find("JL-9999") is None


def test_order_find_escapes_the_reference(mocked):
    mocked.get(f"{ORDERS}/key=JL%2F1%201", status=404, json=NOT_FOUND)
    assert make_connector().order_find("JL/1 1") is None


def test_order_create_posts_the_external_order_once(mocked):
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    mocked.post(
        ORDERS,
        status=201,
        json=order_json(42),
        match=[
            matchers.json_params_matcher(EXPECTED_BODY),
            matchers.header_matcher({"X-Access-Token": TOKEN}),
        ],
    )
    assert make_connector().order_create(order_request()) == SourceOrderRef("42", "SB42")
    assert [c.request.method for c in mocked.calls] == ["GET", "POST"]


def test_order_create_returns_the_existing_order_without_posting(mocked):
    mocked.get(BY_REFERENCE, json=order_json(42))
    assert make_connector().order_create(order_request()) == SourceOrderRef("42", "SB42")
    assert [c.request.method for c in mocked.calls] == ["GET"]


def test_order_create_sets_the_reference_key_when_the_answer_lacks_it(mocked):
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    mocked.post(ORDERS, status=201, json=order_json(42, reference=None))
    mocked.put(
        f"{ORDERS}/42/reference-key",
        json=order_json(42),
        match=[matchers.json_params_matcher({"referenceKey": "JL-1001"})],
    )
    assert make_connector().order_create(order_request()) == SourceOrderRef("42", "SB42")


def test_a_lost_create_answer_is_found_not_duplicated(mocked):
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    mocked.post(ORDERS, body=requests.ReadTimeout("read timed out"))
    mocked.get(BY_REFERENCE, json=order_json(42))
    assert make_connector().order_create(order_request()) == SourceOrderRef("42", "SB42")
    assert [c.request.method for c in mocked.calls] == ["GET", "POST", "GET"]


def test_a_create_that_may_have_reached_scayle_is_an_unknown_outcome(mocked):
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    mocked.post(ORDERS, body=requests.ReadTimeout("read timed out"))
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    with pytest.raises(OutcomeUnknownError, match="look the order up by its referenceKey"):
        make_connector().order_create(order_request())
    assert [c.request.method for c in mocked.calls] == ["GET", "POST", "GET"]


def test_a_create_scayle_certainly_refused_is_transient_and_sent_once(mocked):
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    mocked.post(ORDERS, status=429, json=scayle_errors("RATE_LIMIT_EXCEEDED", "Too many."))
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    with pytest.raises(TransientError) as caught:
        make_connector().order_create(order_request())
    assert not isinstance(caught.value, OutcomeUnknownError) and caught.value.nothing_done
    assert [c.request.method for c in mocked.calls] == ["GET", "POST", "GET"]


def test_a_failed_create_is_not_retried_blindly(mocked):
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    mocked.post(ORDERS, status=503, json=scayle_errors("SERVICE_UNAVAILABLE", "Maintenance."))
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    with pytest.raises(TransientError, match=r"\(503\): SERVICE_UNAVAILABLE: Maintenance\."):
        make_connector().order_create(order_request())
    assert [c.request.method for c in mocked.calls] == ["GET", "POST", "GET"]


def test_a_duplicate_reference_conflict_returns_the_winner(mocked):
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    mocked.post(
        ORDERS,
        status=409,
        json=scayle_errors("ORDER_REFERENCE_KEY_ALREADY_EXISTS", "referenceKey taken."),
    )
    mocked.get(BY_REFERENCE, json=order_json(7))
    assert make_connector().order_create(order_request()) == SourceOrderRef("7", "SB7")


def test_a_business_refusal_is_permanent_with_scayles_message(mocked):
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    mocked.post(
        ORDERS,
        status=422,
        json=scayle_errors(
            "ITEMS_NOT_AVAILABLE", "Variant 'SC-0001-M' is not available in the requested quantity."
        ),
    )
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    with pytest.raises(PermanentError) as caught:
        make_connector().order_create(order_request())
    assert str(caught.value) == (
        "SCAYLE POST shops/jl/countries/GB/orders failed (422): ITEMS_NOT_AVAILABLE: "
        "Variant 'SC-0001-M' is not available in the requested quantity."
    )
    assert caught.value.code == "ITEMS_NOT_AVAILABLE"


def test_order_create_needs_a_channel_key_and_a_known_country(mocked):
    with pytest.raises(ConfigError, match="'channel_key' is missing"):
        make_connector(channel_key="").order_create(order_request())
    mocked.get(BY_REFERENCE, status=404, json=NOT_FOUND)
    request = order_request()
    request = type(request)(
        **{
            **request.__dict__,
            "shipping_address": type(request.shipping_address)(
                **{**request.shipping_address.__dict__, "country_iso2": "ZZ"}
            ),
        }
    )
    with pytest.raises(PermanentError, match="country 'ZZ' has no ISO alpha-3 mapping"):
        make_connector().order_create(request)
