"""Contract tests of SEKO order find/create: idempotent, never blindly resubmitted."""

from __future__ import annotations

import json

import pytest
import requests
import responses
from responses import matchers

from connectors.base import PermanentError, TransientError
from connectors.seko.mapping import sales_order_number
from tests.connectors.seko.support import BASE, KEY, connector, ok, order_request, refused

STATUS_1001 = f"{BASE}/salesorders/v1/JL-JL-1001/status"
SUBMIT = f"{BASE}/salesorders/v1/websubmit"


def key_only() -> list:
    return [matchers.query_param_matcher({"api_key": KEY})]


# --- orders -----------------------------------------------------------------------------------


def test_sales_order_number_is_deterministic_and_fits():
    assert sales_order_number("JL-1001") == "JL-JL-1001"
    long = "X" * 60
    assert sales_order_number(long) == sales_order_number(long)
    assert len(sales_order_number(long)) == 50
    assert sales_order_number("A/B 1") != sales_order_number("A_B_1")
    assert sales_order_number("A/B 1").startswith("JL-A_B_1-")


@responses.activate
def test_order_find_returns_the_order_for_the_jl_number():
    responses.get(
        STATUS_1001,
        json=ok(SalesOrder={"SalesOrderNumber": "JL-JL-1001", "SalesOrderReference": "JL-1001"}),
        match=key_only(),
    )
    ref = connector().order_find("JL-1001")
    assert (ref.source_order_id, ref.source_order_number) == ("JL-JL-1001", "JL-JL-1001")


@responses.activate
def test_order_find_unknown_is_none():
    responses.get(
        STATUS_1001,
        json=refused(
            "Error retrieving Sales Order: JL-JL-1001 - Error. Sales Order does not exist."
        ),
    )
    assert connector().order_find("JL-1001") is None


@responses.activate
def test_order_find_refuses_an_order_of_another_reference():
    responses.get(STATUS_1001, json=ok(SalesOrder={"SalesOrderReference": "JL-9999"}))
    with pytest.raises(PermanentError) as caught:
        connector().order_find("JL-1001")
    assert caught.value.code == "reference_mismatch"


def not_found() -> dict:
    return refused("Error retrieving Sales Order: JL-JL-1001 - Error. Sales Order does not exist.")


EXPECTED_BODY = {
    "Request": {
        "DeliveryDetails": {
            "FirstName": "Ada",
            "LastName": "Lovelace",
            "Line1": "1 Oxford Street",
            "Line2": "Flat 2",
            "City": "London",
            "PostcodeZip": "W1A 1AA",
            "CountryCode": "GB",
            "EmailAddress": "masked@marketplace.example",
            "PhoneNumber": "07000000000",
        },
        "List": {
            "SalesOrderLineItem": [
                {
                    "LineNumber": 1,
                    "ProductCode": "SK-1",
                    "Quantity": 1,
                    "UnitPrice": "12.50",
                    "CurrencyCode": "GBP",
                    "VAT": "2.08",
                },
                {
                    "LineNumber": 2,
                    "ProductCode": "SK-2",
                    "Quantity": 2,
                    "UnitPrice": "12.50",
                    "CurrencyCode": "GBP",
                    "VAT": "2.08",
                },
            ]
        },
        "SalesOrderHeader": {"DCCode": "DC01"},
        "WebSalesOrder": {
            "SalesOrderNumber": "JL-JL-1001",
            "SalesOrderReference": "JL-1001",
            "SalesOrderDate": "2026-11-22T10:30:00Z",
        },
    }
}


@responses.activate
def test_order_create_looks_up_then_submits_the_websubmit_body():
    responses.get(STATUS_1001, json=not_found())
    responses.post(
        SUBMIT,
        json=ok(GUID="c796686d-8c7d-47ce-abb9-d6e429eb6fef"),
        match=[
            matchers.query_param_matcher({"api_key": KEY}),
            matchers.header_matcher({"Content-Type": "application/json"}),
        ],
    )
    ref = connector().order_create(order_request())
    assert ref.source_order_id == "JL-JL-1001"
    assert [call.request.method for call in responses.calls] == ["GET", "POST"]
    assert json.loads(responses.calls[1].request.body) == EXPECTED_BODY


@responses.activate
def test_order_create_returns_the_existing_order_without_submitting():
    responses.get(STATUS_1001, json=ok(SalesOrder={"SalesOrderReference": "JL-1001"}))
    ref = connector().order_create(order_request())
    assert ref.source_order_id == "JL-JL-1001"
    assert [call.request.method for call in responses.calls] == ["GET"]


@responses.activate
def test_order_create_without_free_stock_is_permanent_and_names_the_sku():
    responses.get(STATUS_1001, json=not_found())
    responses.post(
        SUBMIT,
        json=refused(
            "Error Submitting SalesOrder: JL-JL-1001 - Error. Product SK-2 has no free stock."
        ),
    )
    with pytest.raises(PermanentError) as caught:
        connector().order_create(order_request())
    error = caught.value
    assert error.code == "no_free_stock"
    assert error.skus == ["SK-2"]
    assert str(error).startswith("SEKO rejected order JL-1001: no free stock for SK-2 ")
    assert len(responses.calls) == 2


@responses.activate
def test_order_create_lost_answer_finds_the_order_instead_of_resubmitting():
    responses.get(STATUS_1001, json=not_found())
    responses.post(SUBMIT, json={"Message": "An error has occurred."}, status=503)
    responses.get(STATUS_1001, json=ok(SalesOrder={"SalesOrderReference": "JL-1001"}))
    ref = connector().order_create(order_request())
    assert ref.source_order_id == "JL-JL-1001"
    assert [call.request.method for call in responses.calls] == ["GET", "POST", "GET"]


@responses.activate
def test_order_create_timeout_not_found_stays_transient_and_is_not_resubmitted():
    responses.get(STATUS_1001, json=not_found())
    responses.post(SUBMIT, body=requests.Timeout("read timed out"))
    with pytest.raises(TransientError, match="SEKO POST salesorders/v1/websubmit timed out"):
        connector().order_create(order_request())
    assert [call.request.method for call in responses.calls] == ["GET", "POST", "GET"]


@responses.activate
def test_order_create_duplicate_number_returns_the_existing_order():
    responses.get(STATUS_1001, json=not_found())
    responses.post(
        SUBMIT,
        json=refused(
            "Error Submitting SalesOrder: JL-JL-1001 - Error. SalesOrderNumber already exists."
        ),
    )
    responses.get(STATUS_1001, json=ok(SalesOrder={"SalesOrderReference": "JL-1001"}))
    assert connector().order_create(order_request()).source_order_id == "JL-JL-1001"


@responses.activate
def test_order_create_other_refusal_is_permanent_with_seko_message():
    responses.get(STATUS_1001, json=not_found())
    responses.post(SUBMIT, json=refused("DCCode DC01 is not valid for this client.", "Description"))
    with pytest.raises(PermanentError) as caught:
        connector().order_create(order_request())
    assert str(caught.value) == (
        "SEKO POST salesorders/v1/websubmit refused: DCCode DC01 is not valid for this client."
    )
    assert caught.value.code == "rejected"


@responses.activate
def test_order_with_a_repeated_sku_is_refused_before_submitting():
    responses.get(STATUS_1001, json=not_found())
    with pytest.raises(PermanentError) as caught:
        connector().order_create(order_request(skus=("SK-1", "SK-1")))
    assert caught.value.code == "repeated_product_code"
    assert [call.request.method for call in responses.calls] == ["GET"]
