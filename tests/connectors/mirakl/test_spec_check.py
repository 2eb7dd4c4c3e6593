"""The spec as judge: what tests.support.mirakl_spec refuses and what it lets through."""

from __future__ import annotations

import pytest
import responses

from connectors.base import PermanentError
from connectors.mirakl.dtos import StockRow
from connectors.mirakl.http import MiraklHttp
from tests.connectors.mirakl.fixtures import API_KEY, BASE, make_client
from tests.support import mirakl_spec as spec_check
from tests.support.mirakl_spec import SpecViolation, request_check

UUID = "6a3b1d2e-0f4c-4b5a-9e8d-7c6b5a4f3e2d"


def refused(*args, **kwargs) -> str:
    with pytest.raises(SpecViolation) as caught:
        request_check(*args, **kwargs)
    assert isinstance(caught.value, PermanentError)
    return str(caught.value)


# --- method and path --------------------------------------------------------------------


def test_unknown_path_is_refused():
    assert "no path of the seller spec" in refused("GET", "/api/orders/ORD-1/lines")


def test_wrong_method_is_refused():
    message = refused("POST", "/api/orders/ORD-1/tracking", json_body={"carrier_code": "RM"})
    assert "PUT /api/orders/{order_id}/tracking" in message


def test_literal_path_wins_over_a_placeholder():
    assert spec_check.operation_for("GET", "/api/offers/states").code == "OF61"
    assert spec_check.operation_for("GET", "/api/offers/2001").code == "OF22"
    assert spec_check.operation_for("PUT", "/api/orders/refund").code == "OR28"


def test_integer_path_parameter_must_be_digits():
    assert "no path" not in refused("GET", "/api/offers/not-a-number")


def test_host_and_base_prefix_are_stripped():
    request_check("GET", "https://jl.mirakl.net/api/account", base_url="https://jl.mirakl.net/api")
    request_check(
        "GET",
        "http://mirakl.test/sandbox/mirakl/api/account",
        base_url="http://mirakl.test/sandbox/mirakl",
    )


def test_foreign_host_and_dynamic_urls_are_not_judged():
    request_check("GET", "https://s3.example.com/chunk-0.json", base_url="https://jl.mirakl.net")
    request_check(
        "GET", "https://jl.mirakl.net/exports/abc/0", op="OF54", base_url="https://jl.mirakl.net"
    )


def test_operation_code_must_match_the_path():
    assert "spec calls it OF21" in refused("GET", "/api/offers", op="OR11")


# --- query parameters -------------------------------------------------------------------


def test_unknown_query_parameter_is_refused():
    assert "'page' is not in the spec" in refused("GET", "/api/orders", [("page", "2")])


def test_shop_id_is_declared_on_every_operation():
    assert all("shop_id" in spec_check.query_parameters(code) for code in spec_check.operations())


def test_or11_max_above_100_is_refused():
    request_check("GET", "/api/orders", [("max", "100"), ("offset", "0")])
    assert "above the spec maximum 100" in refused("GET", "/api/orders", [("max", "101")])


def test_seek_limits_come_from_the_operation():
    request_check("GET", "/api/sellerpayment/transactions_logs", [("limit", "2000")])
    refused("GET", "/api/sellerpayment/transactions_logs", [("limit", "2001")])
    request_check("GET", "/api/seller-billing-cycles", [("limit", "1000")])
    refused("GET", "/api/seller-billing-cycles", [("limit", "1001")])
    request_check("GET", "/api/returns", [("limit", "100")])
    refused("GET", "/api/returns", [("limit", "101")])
    refused("GET", "/api/returns", [("max", "10")])  # seek, not offset


def test_csv_list_limits_and_enums():
    ids = ",".join(f"O-{n}" for n in range(101))
    assert "at most 100" in refused("GET", "/api/orders", [("order_ids", ids)])
    request_check("GET", "/api/orders", [("order_state_codes", "SHIPPING,SHIPPED")])
    assert "'SHIPING'" in refused("GET", "/api/orders", [("order_state_codes", "SHIPPING,SHIPING")])


def test_array_parameter_items():
    request_check("GET", "/api/sellerpayment/transactions_logs", [("payment_state", "PAID")])
    refused("GET", "/api/sellerpayment/transactions_logs", [("payment_state", "SETTLED")])
    many = [("seller_billing_cycle_id", UUID)] * 101
    assert "at most 100" in refused("GET", "/api/sellerpayment/transactions_logs", many)


def test_values_fit_the_declared_type():
    refused("GET", "/api/orders", [("start_update_date", "yesterday")])
    refused("GET", "/api/orders", [("has_incident", "yes")])
    refused("GET", "/api/orders", [("offset", "-1")])
    assert "given 2 times" in refused("GET", "/api/orders", [("max", "1")] * 2)


def test_sort_uses_the_operations_fields():
    request_check("GET", "/api/sellerpayment/transactions_logs", [("sort", "lastUpdated")])
    refused("GET", "/api/sellerpayment/transactions_logs", [("sort", "amount")])


def test_required_query_parameter_missing():
    assert "required query parameter 'order_ids'" in refused("GET", "/api/orders/documents")


# --- JSON bodies ------------------------------------------------------------------------


def test_json_body_missing_required_field():
    message = refused("PUT", "/api/orders/O-1/accept", json_body={"order_lines": [{"id": "1"}]})
    assert "'accepted' is a required property" in message


def test_json_body_wrong_type():
    body = {"order_lines": [{"id": "O-1-1", "accepted": "yes"}]}
    assert "'yes' is not of type 'boolean'" in refused(
        "PUT", "/api/orders/O-1/accept", json_body=body
    )


def test_json_body_unknown_property():
    # the classic drift: tracking_url is not an OR23 field (carrier_url is)
    body = {"carrier_code": "RM", "tracking_number": "T1", "tracking_url": "https://t"}
    message = refused("PUT", "/api/orders/O-1/tracking", json_body=body)
    assert "'tracking_url' was unexpected" in message


def test_json_body_bad_enum_from_the_description():
    body = {"export_type": "application/xml"}
    assert "is not one of" in refused("POST", "/api/offers/export/async", json_body=body)


def test_json_body_null_is_refused():
    body = {"carrier_code": "RM", "tracking_number": None}
    assert "None is not of type 'string'" in refused(
        "PUT", "/api/orders/O-1/tracking", json_body=body
    )


def test_json_body_date_time_format():
    body = {"export_type": "application/json", "last_request_date": "21/11/2026"}
    assert "date-time" in refused("POST", "/api/offers/export/async", json_body=body)


def test_body_on_an_operation_without_one_and_a_missing_body():
    assert "no JSON body" in refused("PUT", "/api/orders/O-1/ship", json_body={"a": 1})
    assert "requires a request body" in refused("PUT", "/api/orders/O-1/accept")


def test_discriminated_schema_checks_the_named_subtype():
    field = {"code": "gift", "type": "BOOLEAN", "value": "true"}
    request_check(
        "PUT", "/api/orders/O-1/additional_fields", json_body={"order_additional_fields": [field]}
    )
    wrong = {"code": "gift", "type": "NOT_A_TYPE", "value": "true"}
    refused(
        "PUT", "/api/orders/O-1/additional_fields", json_body={"order_additional_fields": [wrong]}
    )


# Spec examples that fail the spec's own schema. "auto" examples are placeholders built from
# the parent schema ("string", 0), so they miss subtype fields and minimums; the others are
# errors in Mirakl's examples (numbers written as strings, a field the schema lacks).
KNOWN_BAD_EXAMPLES = {
    ("A02", "application/json-auto"): "payment_info/additional fields: parent-only placeholders",
    ("OF24", "application/json-0"): "quantities and prices written as strings",
    ("OF24", "application/json-auto"): "additional field without a value",
    ("OF52", "application/json-auto"): "0 below items/megabytes_per_chunk minimums",
    ("OR13", "application/json-0"): "shop_ids is not a property of OR13_Request",
    ("OR13", "application/json-auto"): "0 below items/megabytes_per_chunk minimums",
    ("OR26", "application/json-0"): "reason_code 15 is a number, the schema says string",
    ("OR28", "application/json-0"): "tax amounts written as strings",
    ("OR30", "application/json-0"): "reason_code a number; tax amounts as strings",
    ("OR31", "application/json-auto"): "additional field without a value",
    ("OR42", "application/json-0"): "document_ids as strings, the schema says integer",
    ("PR03", "application/json-auto"): "reward/trigger subtype fields missing",
    ("RT01", "application/json-0"): "nulls and return lines without reason_code",
    ("RT01", "application/json-auto"): "quantity 0 below the minimum 1",
    ("ST01", "application/json-0"): "shipment_additional_information null",
    ("ST01", "application/json-auto"): "quantity 0 below the minimum 1",
    ("TL03", "application/json-0"): "megabytes_per_chunk as a string; Transaction_date_from",
    ("TL03", "application/json-auto"): "'string' is not a UUID",
}


def _json_examples():
    for code, operation in sorted(spec_check.operations().items()):
        content = (operation.spec.get("requestBody") or {}).get("content") or {}
        examples = (content.get("application/json") or {}).get("examples") or {}
        for name, example in examples.items():
            yield code, name, example["value"]


def test_every_spec_json_example_passes_except_the_known_bad_ones():
    failing = {
        (code, name)
        for code, name, value in _json_examples()
        if list(spec_check.request_validator(code).iter_errors(value))
    }
    assert failing == set(KNOWN_BAD_EXAMPLES)


@pytest.mark.parametrize("code", ["OR21", "OR23", "OR28", "OR30", "RT21", "RT25", "RT27", "OF52"])
def test_business_examples_of_the_operations_the_hub_sends(code):
    examples = [
        (n, v) for c, n, v in _json_examples() if c == code and (c, n) not in KNOWN_BAD_EXAMPLES
    ]
    assert examples, code
    for _, value in examples:
        assert not list(spec_check.request_validator(code).iter_errors(value))


# --- multipart imports ------------------------------------------------------------------


def test_sto01_undocumented_column_is_refused():
    files = {"file": ("stock.csv", b"offer-sku;quantity;price\nA;1;2\n", "text/csv")}
    message = refused("POST", "/api/offers/stock/imports", files=files)
    assert "['price'] are not documented" in message


def test_sto01_and_pri01_documented_columns():
    assert spec_check.documented_columns("STO01") == {
        "offer-sku",
        "quantity",
        "warehouse-code",
        "update-delete",
    }
    assert {"price-ranges", "channels", "customer-group-ids", "price-type"} <= (
        spec_check.documented_columns("PRI01")
    )
    files = {"file": b"offer-sku;price;discount-price;discount-start-date;discount-end-date\n"}
    request_check("POST", "/api/offers/pricing/imports", files=files)


def test_of01_channel_columns_and_required_import_mode():
    header = b"sku;product-id;price;price[channel=JL];producer-id[DE-WEEE]\nA;1;2;3;4\n"
    files = {"file": ("offers.csv", header, "text/csv"), "import_mode": (None, "NORMAL")}
    request_check("POST", "/api/offers/imports", files=files)
    assert "'import_mode' missing" in refused("POST", "/api/offers/imports", files={"file": header})
    bad_mode = {**files, "import_mode": (None, "MERGE")}
    assert "MERGE" in refused("POST", "/api/offers/imports", files=bad_mode)
    bad_column = {**files, "file": b"sku;price[JL]\n"}
    assert "price[JL]" in refused("POST", "/api/offers/imports", files=bad_column)


def test_of01_with_products_and_p41_check_part_names_only():
    files = {"file": b"sku;brand;colour\n", "import_mode": "NORMAL", "with_products": "true"}
    request_check("POST", "/api/offers/imports", files=files)
    request_check("POST", "/api/products/imports", files={"file": b"brand;colour\n"})
    assert "'products' is not in the spec" in refused(
        "POST", "/api/products/imports", files={"products": b"brand\n"}
    )


def test_stock_import_part_name_and_reopened_file(tmp_path):
    path = tmp_path / "stock.csv"
    path.write_bytes(b"offer-sku;quantity\nA;1\n")
    with path.open("rb") as handle:
        request_check("POST", "/api/offers/stock/imports", files={"file": handle})
        assert handle.read().startswith(b"offer-sku")  # rewound for the real upload
    refused("POST", "/api/offers/stock/imports", files={"stock": b"offer-sku;quantity\n"})


# --- the hook in the client -------------------------------------------------------------


@responses.activate
def test_client_refuses_before_sending_and_never_names_the_key():
    client = make_client()
    with pytest.raises(SpecViolation) as caught:
        client._http.call("OR11", "GET", "/api/orders", params=[("max", 101)])
    assert not responses.calls
    assert API_KEY not in str(caught.value) and "OR11" in str(caught.value)


@responses.activate
def test_client_checks_what_it_really_sends():
    responses.post(f"{BASE}/api/offers/stock/imports", json={"import_id": "7"}, status=201)
    client = make_client()
    assert client.stock_import_create(rows=[StockRow("SKU-1", 3)]) == "7"
    assert len(responses.calls) == 1


@responses.activate
def test_own_validator_wins_and_default_can_be_off(monkeypatch):
    responses.get(f"{BASE}/api/orders", json={"orders": [], "total_count": 0})
    seen = []
    client = make_client(request_validator=lambda *args, **kwargs: seen.append(kwargs["op"]))
    client._http.call("OR11", "GET", "/api/orders", params=[("max", 101)])
    assert seen == ["OR11"]
    monkeypatch.setattr(MiraklHttp, "default_request_validator", None)
    make_client()._http.call("OR11", "GET", "/api/orders", params=[("page", 1)])
    assert len(responses.calls) == 2
