"""Contract tests for the catalogue: H11, PM11, VL11, P41-P47 and OF01-OF03.

Every request is judged by the official spec (conftest.py); the spec's own "Example with
business values" of each answer is copied in tests/contracts/mirakl/ and parsed here.
"""

from __future__ import annotations

import itertools
import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.core.cache.backends.locmem import LocMemCache
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.base import (
    ConfigError,
    ConnectorError,
    OutcomeUnknownError,
    PermanentError,
    TransientError,
    malformed_as_permanent,
)
from connectors.mirakl import dtos, files, parse
from connectors.mirakl.limiter import (
    DEFAULT_RULES,
    UNLIMITED_OPERATIONS,
    CallDeferred,
    CallLimiter,
    Rule,
)
from connectors.mirakl.parse import ParseErrors
from tests.connectors.mirakl.fixtures import API_KEY, BASE, Sleeps, make_client
from tests.support import mirakl_spec
from tests.support.mirakl_spec import SpecViolation

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "mirakl"
PRODUCTS = f"{BASE}/api/products/imports"
OFFERS = f"{BASE}/api/offers/imports"
_caches = itertools.count()


def contract(name: str) -> dict:
    return json.loads((CONTRACTS / name).read_text(), parse_float=Decimal)


def answer(name: str) -> str:
    return json.dumps(contract(name)["example"], default=str)


def multipart_parts(call) -> dict[str, tuple[str | None, bytes]]:
    """name -> (filename or None, content) of every part of a multipart request."""
    content_type = call.request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=")[1].encode()
    parts = {}
    for part in call.request.body.split(b"--" + boundary)[1:-1]:
        head, _, data = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]+)"', head).group(1).decode()
        filename = re.search(rb'filename="([^"]*)"', head)
        parts[name] = (filename.group(1).decode() if filename else None, data[: -len(b"\r\n")])
    return parts


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query)


# --- the spec's examples ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "h11_example.json",
        "pm11_example.json",
        "vl11_example.json",
        "p42_example.json",
        "of02_example.json",
        "of01_201_example.json",
        "p41_201_example.json",
        "of03_example.json",
    ],
)
def test_contract_examples_are_still_the_specs(name):
    copied = contract(name)
    operation = mirakl_spec.operations()[copied["operation"]].spec
    content = operation["responses"][str(copied["status"])]["content"]
    examples = [e["value"] for c in content.values() for e in c["examples"].values()]
    assert json.loads(json.dumps(copied["example"], default=float)) in examples
    assert "Example with business values" in copied["source"]


@responses.activate
def test_h11_sends_its_filters_and_reads_the_spec_example():
    responses.get(f"{BASE}/api/hierarchies", body=answer("h11_example.json"))

    found = make_client(shop_id=2042).hierarchies_list(hierarchy="59", max_level=1)

    assert found[0] == dtos.Hierarchy(code="5911111", label="Suncare", level=2, parent_code="59")
    assert [h.code for h in found] == ["5911111", "5911112", "5911113"]
    call = responses.calls[0]
    assert call.request.method == "GET"
    assert query(call) == {"hierarchy": ["59"], "max_level": ["1"], "shop_id": ["2042"]}
    assert call.request.headers["Authorization"] == API_KEY


@responses.activate
def test_h11_without_filters_and_a_root_without_label():
    responses.get(
        f"{BASE}/api/hierarchies",
        json={
            "hierarchies": [
                {
                    "code": "HOME",
                    "label_translations": [{"locale": "fr", "value": "Maison"}],
                    "level": 1,
                    "parent_code": None,
                }
            ]
        },
    )
    (root,) = make_client().hierarchies_list()
    assert root == dtos.Hierarchy(code="HOME", label="Maison", level=1, parent_code="")
    assert query(responses.calls[0]) == {}


@responses.activate
def test_pm11_reads_the_spec_example():
    responses.get(f"{BASE}/api/products/attributes", body=answer("pm11_example.json"))

    washing, tools = make_client().product_attributes_list(hierarchy="3012")

    assert query(responses.calls[0]) == {"hierarchy": ["3012"]}
    assert washing == dtos.ProductAttribute(
        code="washingInstructions3",
        label="Washing Instructions",
        hierarchy_code="3012",
        requirement_level="OPTIONAL",
        type="TEXT",
        values_list="",
        variant=False,
        roles=(),
        type_parameters={},
        validations={"MIN_LENGTH": "10"},
        description="How do you wash the product",
    )
    assert (tools.type, tools.values_list, tools.hierarchy_code) == ("LIST", "Boolean", "5610102")


@responses.activate
def test_pm11_fallbacks_for_deprecated_and_alternative_fields():
    base = {"label_translations": [], "description_translations": [], "variant": True}
    attributes = [
        {**base, "code": "colour", "type": "LIST", "required": True, "values_list": "COLOURS"},
        {
            **base,
            "code": "fabric",
            "type": "LIST_MULTIPLE_VALUES",
            "type_parameter": None,
            "type_parameters": [{"name": "LIST_CODE", "value": "FABRICS"}],
            "requirement_level": "RECOMMENDED",
            "roles": [{"type": "VARIANT_GROUP_CODE", "parameters": []}],
        },
        {
            **base,
            "code": "release_date",
            "hierarchy_code": None,
            "type": "DATE",
            "type_parameter": "yyyy-MM-dd",
            "required": False,
            "validations": "MIN_LENGTH|1, UNIQUE",
        },
    ]
    responses.get(f"{BASE}/api/products/attributes", json={"attributes": attributes})

    colour, fabric, released = make_client().product_attributes_list()

    assert (colour.requirement_level, colour.values_list, colour.variant) == (
        "REQUIRED",
        "COLOURS",
        True,
    )
    assert (fabric.values_list, fabric.roles) == ("FABRICS", ("VARIANT_GROUP_CODE",))
    assert fabric.type_parameters == {"LIST_CODE": "FABRICS"}
    assert (released.requirement_level, released.values_list, released.hierarchy_code) == (
        "OPTIONAL",
        "",  # a DATE's type_parameter is its format, not a value list
        "",
    )
    assert released.validations == {"MIN_LENGTH": "1", "UNIQUE": ""}


@responses.activate
def test_pm11_an_attribute_without_code_is_reported_after_the_others():
    responses.get(
        f"{BASE}/api/products/attributes",
        json={"attributes": [{"label": "no code"}, {"code": "brand", "type": "TEXT"}]},
    )
    with pytest.raises(ParseErrors) as caught:
        make_client().product_attributes_list()
    assert caught.value.ids == ["?"]


@responses.activate
def test_vl11_reads_the_spec_example():
    responses.get(f"{BASE}/api/values_lists", body=answer("vl11_example.json"))

    (jewellery,) = make_client().value_lists_list(code="Jewellery")

    assert query(responses.calls[0]) == {"code": ["Jewellery"]}
    assert (jewellery.code, jewellery.label) == ("Jewellery", "Bijoux")
    assert jewellery.values[0] == dtos.ValueListItem(code="Accessories", label="Accessoires")
    assert [v.code for v in jewellery.values] == ["Accessories", "Bracelets", "Necklaces", "Rings"]


# --- P41 and the product reports --------------------------------------------------------


@responses.activate
def test_p41_posts_a_semicolon_csv_of_the_columns_and_returns_the_import_id():
    responses.post(PRODUCTS, status=201, body=answer("p41_201_example.json"))
    rows = [
        {"shop_sku": "RB-1", "title": 'Loafer; "Classic"', "colour": "BLACK|NAVY"},
        {"shop_sku": "RB-2", "title": "Two\nlines", "colour": None},
    ]

    import_id = make_client().product_import_create(
        columns=["shop_sku", "title", "colour", "brand"], rows=rows
    )

    assert import_id == "2035"
    call = responses.calls[0]
    assert call.request.method == "POST"
    assert query(call) == {}
    parts = multipart_parts(call)
    assert set(parts) == {"file"}
    filename, content = parts["file"]
    assert filename == "products.csv"
    assert content.decode("utf-8") == (
        'shop_sku;title;colour;brand\nRB-1;"Loafer; ""Classic""";BLACK|NAVY;\nRB-2;"Two\nlines";;\n'
    )


@pytest.mark.parametrize(
    ("columns", "rows", "why"),
    [
        (["sku"], [], "at least one row"),
        ([], [{"sku": "A"}], "at least one row"),
        (["sku", "title", "sku"], [{"sku": "A"}], "more than once"),
        (["sku", " "], [{"sku": "A"}], "blank"),
        (["sku"], [{"sku": "A", "colour": "RED"}], "outside the columns"),
        (["sku", "weight"], [{"sku": "A", "weight": Decimal("1.5")}], "not text"),
    ],
)
def test_p41_refuses_bad_files_before_sending(columns, rows, why):
    with responses.RequestsMock() as mock, pytest.raises(PermanentError, match=why):
        make_client().product_import_create(columns=columns, rows=rows)
    assert len(mock.calls) == 0


@pytest.mark.parametrize(
    "failure",
    [requests.ReadTimeout("slow"), requests.ConnectionError("reset"), 500, "not json"],
)
@responses.activate
def test_p41_is_not_resent_when_the_file_may_have_arrived(failure):
    if isinstance(failure, Exception):
        responses.post(PRODUCTS, body=failure)
    elif failure == 500:
        responses.post(PRODUCTS, status=500, json={"status": 500, "message": "oops"})
    else:
        responses.post(PRODUCTS, status=201, body="{cut")
    responses.post(PRODUCTS, status=201, json={"import_id": 9})

    with pytest.raises(OutcomeUnknownError, match="P41"):
        make_client().product_import_create(columns=["sku"], rows=[{"sku": "A"}])

    assert len(responses.calls) == 1


@responses.activate
def test_p41_is_resent_after_a_429_with_retry_after_and_a_503():
    responses.post(PRODUCTS, status=429, headers={"Retry-After": "7"}, json={"message": "slow"})
    responses.post(PRODUCTS, status=503, json={"message": "maintenance"})
    responses.post(PRODUCTS, status=201, json={"import_id": 2036})
    sleeps = Sleeps()

    import_id = make_client(sleep=sleeps).product_import_create(
        columns=["sku"], rows=[{"sku": "A"}]
    )

    assert import_id == "2036"
    assert len(responses.calls) == 3 and sleeps[0] == 7.0


@responses.activate
def test_p41_a_success_without_import_id_is_an_unknown_outcome():
    responses.post(PRODUCTS, status=201, json={})
    with pytest.raises(OutcomeUnknownError, match="without an import_id"):
        make_client().product_import_create(columns=["sku"], rows=[{"sku": "A"}])


@responses.activate
def test_p42_reads_the_spec_example():
    responses.get(f"{PRODUCTS}/2005", body=answer("p42_example.json"))

    status = make_client().product_import_status("2005")

    assert status == dtos.ProductImportStatus(
        import_id="2005",
        status="SENT",
        has_error_report=False,
        has_new_product_report=False,
        has_transformation_error_report=False,
        transform_lines_read=1,
        transform_lines_in_success=1,
        transform_lines_in_error=0,
        date_created=status.date_created,
    )
    assert status.date_created.isoformat() == "2019-04-05T12:56:21+00:00"
    assert not status.is_final


@pytest.mark.parametrize(
    ("state", "final"),
    [("TRANSFORMATION_RUNNING", False), ("RUNNING", False), ("COMPLETE", True)]
    + [("FAILED", True), ("CANCELLED", True), ("TRANSFORMATION_FAILED", True)],
)
@responses.activate
def test_p42_final_states(state, final):
    responses.get(
        f"{PRODUCTS}/7", json={"import_id": 7, "import_status": state, "reason_status": "why"}
    )
    status = make_client().product_import_status(7)
    assert (status.is_final, status.reason_status) == (final, "why")


@pytest.mark.parametrize("import_id", ["abc", "", "12/../1", "²"])
def test_an_import_id_that_is_not_an_integer_is_refused_before_sending(import_id):
    client = make_client()
    with responses.RequestsMock() as mock:
        for read in (client.product_import_status, client.offer_import_status):
            with pytest.raises(PermanentError, match="not an integer"):
                read(import_id)
        with pytest.raises(PermanentError, match="not an integer"):
            client.product_import_error_report(import_id, sku_column="sku")
    assert len(mock.calls) == 0


# The guessed layout (contract.py): the sent columns, then errors and warnings.
GUESSED_P44 = (
    "shop_sku;category;title;colour;errors;warnings\n"
    "RB-1;FASHION-DRESSES;Dress;;1000|The attribute 'colour' is required,"
    "2004|The value 'XXL' of \"size\" is not in the list;\n"
    "RB-2;HOME;CUSHION;RED;;2020|The attribute 'material' is unknown: ignored\n"
    ";;;;;\n"
)


@responses.activate
def test_p44_guessed_layout_gives_messages_and_attribute_codes():
    responses.get(f"{PRODUCTS}/2035/error_report", body=GUESSED_P44, content_type="text/csv")

    dress, cushion = make_client().product_import_error_report("2035", sku_column="shop_sku")

    assert (dress.sku, dress.line, dress.warnings) == ("RB-1", None, ())
    assert dress.message == (
        "1000|The attribute 'colour' is required; 2004|The value 'XXL' of \"size\" is not in "
        "the list"
    )
    assert dress.attributes == ("colour", "XXL", "size")
    assert dress.row["category"] == "FASHION-DRESSES"
    # a warning does not block the product: no message, the warning kept apart
    assert (cushion.message, cushion.attributes) == ("", ())
    assert cushion.warnings == ("2020|The attribute 'material' is unknown: ignored",)


@responses.activate
def test_p47_comma_report_with_bom_and_other_column_names():
    report = (
        "\ufeffLINE,SHOP_SKU,Error-Message,Attribute-Code\n"
        '3,RB-3,"Attribute is required|The category is unknown",colour\n'
    )
    responses.get(f"{PRODUCTS}/2035/transformation_error_report", body=report)

    (line,) = make_client().product_import_transformation_errors("2035", sku_column="shop_sku")

    assert (line.line, line.sku) == (3, "RB-3")
    assert line.message == "Attribute is required; The category is unknown"
    assert line.attributes == ("colour",)
    assert line.row["Attribute-Code"] == "colour"


@responses.activate
def test_p44_a_leading_attribute_code_and_the_sku_fallback_column():
    report = '"sku";"error"\n"RB-4";"title|is too long, 150 characters at most"\n'
    responses.get(f"{PRODUCTS}/1/error_report", body=report)

    (line,) = make_client().product_import_error_report("1", sku_column="shop_sku")

    assert (line.sku, line.attributes) == ("RB-4", ("title",))
    assert line.message == "title|is too long, 150 characters at most"


@responses.activate
def test_p45_lists_the_integrated_products():
    report = "shop_sku;ean;product-sku\nRB-1;5012345678900;MKP-1\nRB-2;5012345678917;MKP-2\n"
    responses.get(f"{PRODUCTS}/2035/new_product_report", body=report)

    lines = make_client().product_import_new_products("2035", sku_column="shop_sku")

    assert [(p.sku, p.row["product-sku"], p.message, p.warnings) for p in lines] == [
        ("RB-1", "MKP-1", "", ()),
        ("RB-2", "MKP-2", "", ()),
    ]


@responses.activate
def test_p44_a_line_without_any_message_still_refuses_the_product():
    responses.get(f"{PRODUCTS}/2/error_report", body="shop_sku;errors;warnings\nRB-9;;\n")
    (line,) = make_client().product_import_error_report("2", sku_column="shop_sku")
    assert (line.sku, line.message) == ("RB-9", files.NO_MESSAGE)


@pytest.mark.parametrize(
    ("report", "why"),
    [
        ("title;errors\nDress;1000|required\n", "unknown layout: expected a 'shop_sku'"),
        ("shop_sku;title\nRB-1;Dress\n", "and an errors column"),
        ("PK\x03\x04\x14\x00binary", "XLSX or XML"),
        ('<?xml version="1.0"?><report/>', "XLSX or XML"),
        ('shop_sku;errors\n"RB-1;oops\n', "not readable CSV"),
    ],
)
@responses.activate
def test_a_report_the_hub_cannot_read_is_permanent(report, why):
    responses.get(f"{PRODUCTS}/5/error_report", body=report)
    with pytest.raises(PermanentError, match=why):
        make_client().product_import_error_report("5", sku_column="shop_sku")


@responses.activate
def test_an_empty_report_has_no_lines():
    responses.get(f"{PRODUCTS}/5/error_report", body="\ufeff\n")
    assert make_client().product_import_error_report("5", sku_column="shop_sku") == []


def test_report_messages_and_codes():
    assert files.report_messages("1000|A 'x', or not,2004|B") == ["1000|A 'x', or not", "2004|B"]
    assert files.report_messages("Colour is required|Size is unknown") == [
        "Colour is required",
        "Size is unknown",
    ]
    assert files.report_messages("colour|is required") == ["colour|is required"]
    assert files.report_messages("Plain, with a comma") == ["Plain, with a comma"]
    assert files.message_codes("1000|The attribute 'colour' is required") == ["colour"]
    assert files.message_codes("colour|bad value \"BLUE\" for 'colour'") == ["colour", "BLUE"]
    assert files.message_codes("The product's title isn't valid") == []


# --- OF01-OF03 --------------------------------------------------------------------------


def offer(sku: str = "RB-1", **changes) -> dtos.OfferRow:
    values = {
        "sku": sku,
        "product_id": "5012345678900",
        "product_id_type": "EAN",
        "price": Decimal("49.00"),
        "quantity": 4,
        "state": "11",
    }
    return dtos.OfferRow(**{**values, **changes})


@pytest.mark.parametrize("mode", ["NORMAL", "REPLACE"])
@responses.activate
def test_of01_posts_the_offer_file_and_import_mode(mode):
    responses.post(OFFERS, status=201, body=answer("of01_201_example.json"))
    rows = [offer(), offer("RB;2", price=Decimal("9.5"), quantity=0, leadtime_to_ship=3)]

    import_id = make_client().offer_import_create(rows=rows, import_mode=mode)

    assert import_id == "2035"
    parts = multipart_parts(responses.calls[0])
    assert set(parts) == {"file", "import_mode"}
    assert parts["import_mode"] == (None, mode.encode())
    filename, content = parts["file"]
    assert filename == "offers.csv"
    assert content.decode().splitlines() == [
        "sku;product-id;product-id-type;price;quantity;state;leadtime-to-ship",
        "RB-1;5012345678900;EAN;49.00;4;11;",
        '"RB;2";5012345678900;EAN;9.5;0;11;3',
    ]


def test_of01_columns_are_documented_by_the_spec():
    assert set(files.OFFER_COLUMNS) <= mirakl_spec.documented_columns("OF01")


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        ([], "no offer rows"),
        ([offer(""), offer()], "no sku"),
        ([offer(product_id="")], "no product_id"),
        ([offer(state=" ")], "no state"),
        ([offer(price=Decimal("0"))], "bad price"),
        ([offer(price=49.0)], "bad price"),
        ([offer(price=Decimal("NaN"))], "bad price"),
        ([offer(quantity=-1)], "bad quantity"),
        ([offer(quantity=True)], "bad quantity"),
        ([offer(leadtime_to_ship=-2)], "bad leadtime"),
        ([offer(), offer()], "appears twice"),
    ],
)
def test_of01_refuses_bad_rows_before_sending(rows, why):
    with responses.RequestsMock() as mock, pytest.raises(PermanentError, match=why):
        make_client().offer_import_create(rows=rows)
    assert len(mock.calls) == 0


def test_of01_refuses_an_unknown_import_mode():
    with pytest.raises(PermanentError, match="PARTIAL_UPDATE"):
        make_client().offer_import_create(rows=[offer()], import_mode="PARTIAL_UPDATE")


@responses.activate
def test_of01_is_resent_after_a_timeout_mirakl_deduplicates_it():
    responses.post(OFFERS, body=requests.ReadTimeout("slow"))
    responses.post(OFFERS, status=201, json={"import_id": 2035})
    assert make_client().offer_import_create(rows=[offer()]) == "2035"
    assert len(responses.calls) == 2


@responses.activate
def test_of02_reads_the_spec_example():
    responses.get(f"{OFFERS}/2035", body=answer("of02_example.json"))

    status = make_client().offer_import_status("2035")

    assert status == dtos.OfferImportStatus(
        import_id="2035",
        status="COMPLETE",
        has_error_report=False,
        lines_read=1,
        lines_in_success=1,
        lines_in_error=0,
        lines_in_pending=0,
        offer_inserted=1,
        offer_updated=0,
        offer_deleted=0,
        mode="NORMAL",
    )
    assert status.is_final


@responses.activate
def test_of02_waiting_for_products_is_not_final():
    responses.get(f"{OFFERS}/1", json={"import_id": 1, "status": "WAITING_SYNCHRONIZATION_PRODUCT"})
    assert not make_client().offer_import_status("1").is_final


@responses.activate
def test_of03_reads_the_spec_example():
    responses.get(f"{OFFERS}/2035/error_report", body=contract("of03_example.json")["example"])

    (error,) = make_client().offer_import_errors("2035")

    assert (error.line, error.sku, error.message) == (
        2,
        "OFFER_SKU_004",
        "The product does not exist",
    )
    assert error.row["product-id"] == "MKP100000000195360"


# --- errors -----------------------------------------------------------------------------


@responses.activate
def test_h11_429_waits_retry_after_then_succeeds():
    url = f"{BASE}/api/hierarchies"
    responses.get(url, status=429, headers={"Retry-After": "4"}, json={"message": "slow"})
    responses.get(url, body=answer("h11_example.json"))
    sleeps = Sleeps()
    assert len(make_client(sleep=sleeps).hierarchies_list()) == 3
    assert sleeps == [4.0]


@responses.activate
def test_pm11_5xx_exhausting_attempts_is_transient():
    responses.get(f"{BASE}/api/products/attributes", status=502, body="bad gateway")
    with pytest.raises(TransientError) as caught:
        make_client(max_attempts=2).product_attributes_list()
    assert caught.value.status == 502 and len(responses.calls) == 2


@responses.activate
def test_vl11_401_is_a_config_error_not_retried():
    responses.get(f"{BASE}/api/values_lists", status=401, json={"message": "Unauthorized"})
    with pytest.raises(ConfigError):
        make_client().value_lists_list()
    assert len(responses.calls) == 1


@responses.activate
def test_a_malformed_body_is_retried_then_read():
    responses.get(f"{OFFERS}/3", body="{not json")
    responses.get(f"{OFFERS}/3", json={"import_id": 3, "status": "RUNNING"})
    assert make_client().offer_import_status("3").status == "RUNNING"
    assert len(responses.calls) == 2


@responses.activate
def test_a_status_without_import_id_is_permanent():
    responses.get(f"{PRODUCTS}/3", json={"import_status": "RUNNING"})
    responses.get(f"{OFFERS}/3", json={"import_id": 3, "status": None})
    with pytest.raises(PermanentError, match="P42 answered a malformed body"):
        make_client().product_import_status("3")
    with pytest.raises(PermanentError, match="OF02 answered a malformed body"):
        make_client().offer_import_status("3")


# --- call limits and the spec check -----------------------------------------------------

SPEC_MAXIMUM = {  # the spec's "Maximum usage" -> the limiter's rule (None: not limited)
    "Every hour": (Rule(1, 3600),),
    "Every 15 minutes, for each seller": (Rule(1, 900),),
    "Once per minute": (Rule(1, 60),),
    "Once per minute with offers only": (Rule(1, 60),),
    "Each time": None,
}


@pytest.mark.parametrize(
    "code", ["H11", "PM11", "VL11", "P41", "P42", "P44", "P45", "P47", "OF01", "OF02", "OF03"]
)
def test_limiter_rules_are_the_specs_maximum(code):
    description = mirakl_spec.operations()[code].spec["description"]
    maximum = re.search(r'max-call-frequency">Maximum usage: ([^<]+)<', description).group(1)
    phrase = max((p for p in SPEC_MAXIMUM if maximum.startswith(p)), key=len)
    if SPEC_MAXIMUM[phrase] is None:
        assert code in UNLIMITED_OPERATIONS and code not in DEFAULT_RULES
    else:
        assert DEFAULT_RULES[code] == SPEC_MAXIMUM[phrase]


@responses.activate
def test_a_second_p41_within_15_minutes_is_deferred_without_a_request():
    responses.post(PRODUCTS, status=201, json={"import_id": 1})
    limiter = CallLimiter("cat", cache=LocMemCache(f"catalogue-{next(_caches)}", {}))
    client = make_client(limiter=limiter, max_wait_seconds=30)
    client.product_import_create(columns=["sku"], rows=[{"sku": "A"}])

    with pytest.raises(CallDeferred) as caught:
        client.product_import_create(columns=["sku"], rows=[{"sku": "A"}])

    assert 890 < caught.value.retry_after <= 900
    assert len(responses.calls) == 1


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"sku;title\nA;B\nC\n", "line 3 has 1 cells"),
        (b"sku,title\nA,B\n", "not ';'-separated"),
        (b"sku;sku\n", "repeats a column"),
        (b";title\n", "blank name"),
        (b"", "missing"),
        ("sku;titre\nA;\xe9t\xe9\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_the_spec_check_judges_the_shape_of_a_p41_file(content, why):
    with pytest.raises(SpecViolation, match=why):
        mirakl_spec.request_check("POST", "/api/products/imports", files={"file": content})


def test_the_spec_check_accepts_a_quoted_p41_file():
    content = files.product_csv(["sku", "title"], [{"sku": "A", "title": 'x;"y"\nz'}])
    mirakl_spec.request_check("POST", "/api/products/imports", files={"file": content})


# --- fuzzing: whatever Mirakl sends, a list or a connector error ------------------------

FUZZ = settings(max_examples=80, deadline=None, database=None)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
WORDS = st.sampled_from(
    ["code", "label", "type", "LIST", "type_parameter", "type_parameters", "name", "value"]
    + ["roles", "validations", "values", "label_translations", "required", "import_id"]
)


def classified(read) -> object:
    try:
        return read()
    except ConnectorError:
        return None


@FUZZ
@given(report=st.text(alphabet="sku;,\"|'\n\r\ufeffPK<er 1-", max_size=120))
def test_product_reports_never_crash(report):
    for messages in (True, False):
        found = classified(
            lambda m=messages: files.product_report(
                report, sku_column="sku", kind="P44", messages=m
            )
        )
        assert found is None or isinstance(found, list)


@FUZZ
@given(item=st.dictionaries(WORDS, JSON, max_size=6))
def test_catalogue_parsers_never_crash(item):
    for parser in (parse.hierarchy, parse.product_attribute, parse.value_list):
        classified(lambda p=parser: list(parse.parse_each([item], p, kind="X", id_key="code")))
    for parser in (parse.product_import_status, parse.offer_import_status):
        classified(lambda p=parser: guarded(p, item))


def guarded(parser, item: dict) -> object:
    """What the client does around a single object (P42, OF02)."""
    with malformed_as_permanent("Mirakl", "fuzz"):
        return parser(item)
