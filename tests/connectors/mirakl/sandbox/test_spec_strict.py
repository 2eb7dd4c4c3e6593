"""The spec check is strict: deliberately broken payloads fail, the spec's own examples pass.

No database: these tests exercise ``spec.py`` alone.
"""

from __future__ import annotations

import copy

import jsonschema
import pytest

from . import spec
from .test_conformance import CONFORMANCE_COVERED

STO02_OK = {
    "import_id": "2314",
    "shop_id": 2001,
    "status": "COMPLETE",
    "date_created": "2026-11-30T09:15:02.123Z",
    "has_error_report": False,
    "lines_in_success": 2,
    "lines_in_error": 0,
}
SH21_OK = {"carriers": [{"code": "RM", "label": "Royal Mail", "tracking_url": None}]}


def _with(payload: dict, **changes) -> dict:
    changed = copy.deepcopy(payload)
    for key, value in changes.items():
        if value is _DROP:
            changed.pop(key)
        else:
            changed[key] = value
    return changed


_DROP = object()


def test_the_valid_payloads_pass():
    spec.validate_body("STO02", "200", STO02_OK)
    spec.validate_body("SH21", "200", SH21_OK)


@pytest.mark.parametrize(
    ("code", "payload", "message"),
    [
        pytest.param(
            "STO02",
            _with(STO02_OK, date_created="2026-11-30 09:15:02"),
            "is not a 'date-time'",
            id="date-time-without-T-or-zone",
        ),
        pytest.param(
            "STO02",
            _with(STO02_OK, date_created="2026-11-30T09:15:02"),
            "is not a 'date-time'",
            id="date-time-without-zone",
        ),
        pytest.param(
            "STO02",
            _with(STO02_OK, date_created="2026-13-30T09:15:02Z"),
            "is not a 'date-time'",
            id="date-time-impossible-month",
        ),
        pytest.param(
            "STO02",
            _with(STO02_OK, date_created="2026-11-30T09:15:02Z\n"),
            "is not a 'date-time'",
            id="date-time-trailing-newline",
        ),
        pytest.param(
            "STO02", _with(STO02_OK, shop_id="2001"), "is not of type 'integer'", id="int64-string"
        ),
        pytest.param(
            "STO02", _with(STO02_OK, shop_id=2001.0), "is not a 'int64'", id="int64-float"
        ),
        pytest.param(
            "STO02", _with(STO02_OK, lines_in_error=2**31), "is not a 'int32'", id="int32-range"
        ),
        pytest.param(
            "STO02", _with(STO02_OK, status="DONE"), "is not one of", id="outside-the-enum"
        ),
        pytest.param(
            "STO02",
            _with(STO02_OK, lines_read=2),
            "Additional properties are not allowed ('lines_read' was unexpected)",
            id="unknown-property",
        ),
        pytest.param(
            "SH21",
            {"carriers": [{"code": "RM", "label": "Royal Mail", "colour": "red"}]},
            "'colour' was unexpected",
            id="unknown-nested-property",
        ),
        pytest.param(
            "SH21",
            {"carriers": {"code": "RM", "label": "Royal Mail"}},
            "is not of type 'array'",
            id="object-where-an-array-is-declared",
        ),
        pytest.param(
            "OF52",
            [{"tracking_id": "5715f797-2adb-43d9-bdc3-4bb9fcc90909"}],
            "is not of type 'object'",
            id="array-where-an-object-is-declared",
        ),
        pytest.param(
            "STO02",
            _with(STO02_OK, import_id=_DROP),
            "'import_id' is a required property",
            id="missing-required-property",
        ),
        pytest.param(
            "STO02",
            _with(STO02_OK, status=None),
            "None is not of type 'string'",
            id="null-for-a-required-property",
        ),
    ],
)
def test_a_broken_payload_is_rejected(code, payload, message):
    with pytest.raises(jsonschema.ValidationError) as caught:
        spec.validate_body(code, "200", payload)
    assert message in str(caught.value)


def test_optional_properties_may_be_null_and_required_ones_when_the_spec_says_so():
    spec.validate_body("STO02", "200", _with(STO02_OK, lines_in_error=None))
    orders = spec.schema_for("OR11", "200")["properties"]["orders"]["items"]
    customer = orders["properties"]["customer"]
    assert {"billing_address", "customer_id"} <= set(customer["required"])
    # billing_address is required but "Null before shipping"; customer_id has no such words.
    assert {"type": "null"} in customer["properties"]["billing_address"]["anyOf"]
    assert "anyOf" not in customer["properties"]["customer_id"]


def test_a_file_of_records_is_checked_record_by_record():
    offer = {"offer_id": 7, "shop_sku": "SKU-1", "prices": [], "active": True}
    spec.validate_body("OF54", "200", [offer, offer])
    with pytest.raises(jsonschema.ValidationError, match="'price' was unexpected"):
        spec.validate_body("OF54", "200", [offer, {**offer, "price": 12.5}])


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ('Import status\n\nEnum: `"WAITING"`, `"RUNNING"`\n', ["WAITING", "RUNNING"]),
        ('Enum: `"IBAN"`, `"UK"`\n', ["IBAN", "UK"]),
        (
            'Mode\n\nEnum: `"NORMAL"`, `"REPLACE"`\n\n<details>\n  <summary>See deprecated '
            'values</summary>\n\n  Deprecated values: `"PARTIAL_UPDATE"`\n</details>\n',
            ["NORMAL", "REPLACE", "PARTIAL_UPDATE"],
        ),
        ("Current status, can be <code>PENDING</code> or <code>COMPLETED</code>", None),
        ('The Enum: `"A"` is mentioned in passing, mid-sentence', None),
        ('Enum: `"A"`, and more text on the same line', None),
    ],
)
def test_enums_are_read_from_descriptions_only_in_the_exact_pattern(description, expected):
    assert spec._description_enum(description) == expected


def test_a_discriminator_picks_the_subtype():
    """IV01 payment_info: the mapping says ``type``, the body (and the base schema) ``@type``."""
    schema = spec.schema_for("IV01", "200")
    invoice = {"type": "AUTO_INVOICE", "payment_info": {"@type": "IBAN", "iban": "GB00X"}}
    jsonschema.validate({"invoices": [invoice]}, schema, format_checker=spec.FORMATS)
    invoice["payment_info"] = {"@type": "UK", "iban": "GB00X"}  # iban is not a UK field
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"invoices": [invoice]}, schema, format_checker=spec.FORMATS)


# Examples the spec prints that break its own schema (spec version in the repo, checked
# 2026-12-03). Each entry: (operation, example name) -> the error the strict check reports.
SPEC_EXAMPLE_DEFECTS = {
    ("A01", "application/json-0"): "'billing_info' is a required property",
    ("PC01", "application/json-0"): "'enhanced_seller_invoicing' is a required property",
    ("RE01", "application/json-0"): "'total_count' is a required property",
    ("OR11", "application/json-0"): "'paymentType' is a required property",
    ("OF21", "application/json-0"): "'max_order_quantity' is a required property",
    ("OF21", "application/json-1"): "'max_order_quantity' is a required property",
    ("TL02", "application/json-0"): "('payment_voucher_number', 'shop' were unexpected)",
    ("IV01", "application/json-0"): "('payment_voucher_number' was unexpected)",
    ("RT11", "application/json-0"): "'RETURN_METHOD_DROP_OFF' is not one of",
    ("OR28", "application/json-0"): "('tax_legal_notice' was unexpected)",
    ("OR30", "application/json-0"): "'1' is not valid under any of the given schemas",
    ("OF54", "application/json-0"): "('no_commission' was unexpected)",
    ("OF54", "application/json-1"): "('no_commission' was unexpected)",
    ("OF02", "application/json-0"): "'reason_status' is a required property",
    ("PM11", "application/json-0"): "'required' is a required property",
}


def _examples() -> list[tuple[str, str, str, object]]:
    """Every JSON response example of the operations the sandbox implements.

    The ``-auto`` examples ("Complete example with value types") put ``"string"`` in every
    text field, enums and dates included: they show types, not values, so they are skipped.
    """
    found = []
    for code in sorted(CONFORMANCE_COVERED):
        for status, response in spec.operations()[code]["responses"].items():
            content = (response.get("content") or {}).get("application/json") or {}
            for name, example in (content.get("examples") or {}).items():
                if not name.endswith("-auto"):
                    found.append((code, status, name, example["value"]))
    return found


@pytest.mark.parametrize(
    ("code", "status", "name", "value"), _examples(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_the_specs_own_examples_pass_unless_known_defective(code, status, name, value):
    defect = SPEC_EXAMPLE_DEFECTS.get((code, name))
    if defect is None:
        spec.validate_body(code, status, value)
        return
    with pytest.raises(jsonschema.ValidationError) as caught:
        spec.validate_body(code, status, value)
    assert defect in str(caught.value)
