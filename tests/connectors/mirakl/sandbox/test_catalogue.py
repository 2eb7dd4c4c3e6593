"""H11, PM11, VL11 and P41-P47 product imports: the structure, its checks and the products."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from connectors.mirakl.sandbox import catalogue_data, services
from connectors.mirakl.sandbox.models import SandboxCatalogImport, SandboxProduct
from connectors.mirakl.sandbox.services.shops import products_seed
from connectors.sandbox.faults import clock_advance

from .catalogue_helpers import (
    CUSHION,
    DRESS,
    KETTLE,
    SHIRT,
    TV,
    csv_text,
    ean,
    product_import,
    product_import_complete,
    product_status,
    report_lines,
    upload,
)
from .conftest import MiraklClient
from .spec import assert_conforms, error_conforms

pytestmark = pytest.mark.django_db

IMPORTS = "/api/products/imports"
CUSHIONS_AND_BEDDING = ["HOME-CUSHIONS", "HOME-BEDDING"]


def _invalid(value: str, parameter: str) -> str:
    return f"Invalid value '{value}' for parameter {parameter}"


def _required(code: str) -> str:
    return f"1000|The attribute '{code}' is required"


def _not_listed(value: str, code: str, values_list: str) -> str:
    return (
        f"2006|The value '{value}' of the attribute '{code}' is not in the values list "
        f"'{values_list}'"
    )


def _not_url(code: str) -> str:
    return f"2005|The attribute '{code}' must be an absolute http(s) URL"


def _not_a_date(code: str) -> str:
    return f"2003|The attribute '{code}' must be a date in the format yyyy-MM-dd"


def _bad_image(code: str) -> str:
    return f"3001|The image '{code}' must be a .jpg .jpeg .png or .webp file"


def _bad_ean(value: str) -> str:
    return f"3003|The EAN '{value}' of the attribute 'ean' is not a valid EAN-13"


# --- H11 / PM11 / VL11 ------------------------------------------------------------------------


def test_h11_lists_the_whole_tree_with_levels_and_parents(api):
    response = api.get("/api/hierarchies")
    assert_conforms("H11", response)
    items = {h["code"]: h for h in response.json()["hierarchies"]}
    assert len(items) == len(catalogue_data.HIERARCHIES) == 16
    assert (items["FASHION"]["level"], items["FASHION"]["parent_code"]) == (1, "")
    assert items["FASHION-MENS-SHIRTS"] == {
        "code": "FASHION-MENS-SHIRTS",
        "label": "Men's Shirts",
        "label_translations": [{"locale": "en", "value": "Men's Shirts"}],
        "level": 3,
        "parent_code": "FASHION-MENS",
    }


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"max_level": 1}, ["FASHION", "HOME", "ELECTRICALS"]),
        ({"hierarchy": "FASHION", "max_level": 1}, ["FASHION", "FASHION-WOMENS", "FASHION-MENS"]),
        ({"hierarchy": "HOME-SOFT-FURNISHINGS"}, ["HOME-SOFT-FURNISHINGS", *CUSHIONS_AND_BEDDING]),
        ({"hierarchy": "ELECTRICALS-TVS", "max_level": 0}, ["ELECTRICALS-TVS"]),
    ],
)  # fmt: skip
def test_h11_narrows_to_a_hierarchy_and_a_depth(api, params, codes):
    response = api.get("/api/hierarchies", params)
    assert [h["code"] for h in response.json()["hierarchies"]] == codes


def test_h11_refuses_an_unknown_hierarchy_or_level(api):
    error_conforms(api.get("/api/hierarchies", {"hierarchy": "NOPE"}), 400)
    error_conforms(api.get("/api/hierarchies", {"max_level": "-1"}), 400)


def _attributes(api, **params) -> dict[tuple[str, str], dict]:
    response = api.get("/api/products/attributes", params)
    assert_conforms("PM11", response)
    return {(a["code"], a["hierarchy_code"]): a for a in response.json()["attributes"]}


def test_pm11_gives_a_leaf_its_shared_inherited_and_own_attributes(api):
    found = _attributes(api, hierarchy="FASHION-MENS-SHIRTS")
    assert ("shop_sku", "") in found and ("colour", "FASHION") in found
    assert ("size", "FASHION-MENS") in found
    assert ("size", "FASHION-WOMENS") not in found
    assert ("screen_size_in", "ELECTRICALS-TVS") not in found
    assert ("jl_range_code", "") not in found  # operator-only unless asked for
    size = found[("size", "FASHION-MENS")]
    assert (size["type"], size["type_parameter"], size["variant"]) == ("LIST", "SIZES_MENS", True)
    assert size["type_parameters"] == [{"name": "LIST_CODE", "value": "SIZES_MENS"}]
    title = found[("title", "")]
    assert (title["requirement_level"], title["required"]) == ("REQUIRED", True)
    assert title["validations"] == "MAX_LENGTH|150"
    assert title["roles"] == [{"type": "TITLE", "parameters": []}]


def test_pm11_includes_the_children_of_a_parent_hierarchy(api):
    found = _attributes(api, hierarchy="FASHION")
    assert {("size", "FASHION-MENS"), ("size", "FASHION-WOMENS")} <= set(found)
    shallow = _attributes(api, hierarchy="ELECTRICALS", max_level=1)
    assert ("capacity_l", "ELECTRICALS-KETTLES") not in shallow
    assert ("power_w", "ELECTRICALS") in shallow


def test_pm11_operator_attributes_and_roles_on_request(api):
    assert ("jl_range_code", "") in _attributes(api, all_operator_attributes="true")
    with_roles = _attributes(api, with_roles="true")
    roles = {code: [r["type"] for r in a["roles"]] for (code, _), a in with_roles.items()}
    assert roles == {
        "shop_sku": ["SHOP_SKU"],
        "category": ["CATEGORY"],
        "title": ["TITLE"],
        "ean": ["UNIQUE_IDENTIFIER"],
        "variant_group_code": ["VARIANT_GROUP_CODE"],
        "main_image": ["MAIN_IMAGE"],
    }
    error_conforms(api.get("/api/products/attributes", {"with_roles": "yes"}), 400)


def test_pm11_date_and_decimal_type_parameters(api):
    found = _attributes(api, hierarchy="ELECTRICALS-KETTLES")
    release = found[("release_date", "ELECTRICALS")]
    assert (release["type"], release["type_parameter"]) == ("DATE", "yyyy-MM-dd")
    assert found[("capacity_l", "ELECTRICALS-KETTLES")]["type_parameter"] == "2"


def test_vl11_lists_every_values_list_or_one(api):
    response = api.get("/api/values_lists")
    assert_conforms("VL11", response)
    lists = {v["code"]: v for v in response.json()["values_lists"]}
    assert set(lists) == {"COLOURS", "SIZES_WOMENS", "SIZES_MENS", "FABRICS", "ENERGY_RATINGS"}
    assert [v["code"] for v in lists["SIZES_WOMENS"]["values"]] == [
        "UK8", "UK10", "UK12", "UK14", "UK16", "UK18",
    ]  # fmt: skip
    one = api.get("/api/values_lists", {"code": "COLOURS"}).json()["values_lists"]
    assert [v["code"] for v in one] == ["COLOURS"]
    assert one[0]["values"][0] == {
        "code": "BLACK",
        "label": "Black",
        "label_translations": [{"locale": "en", "value": "Black"}],
    }
    error_conforms(api.get("/api/values_lists", {"code": "NOPE"}), 400)


def test_every_list_attribute_names_a_values_list():
    for attribute in catalogue_data.ATTRIBUTES:
        if attribute.type.startswith("LIST"):
            assert attribute.values_list in catalogue_data.VALUES_LISTS, attribute.code


# --- P41 / P42: the life cycle ------------------------------------------------------------------


def test_a_product_import_moves_through_its_stages_with_polls(api, shop):
    created = upload(api, IMPORTS, csv_text(SHIRT, DRESS))
    assert created.status_code == 201
    assert_conforms("P41", created)
    import_id = created.json()["import_id"]
    assert isinstance(import_id, int)
    statuses = []
    for _ in range(4):
        response = api.get(f"{IMPORTS}/{import_id}")
        assert_conforms("P42", response)
        statuses.append(response.json())
        if len(statuses) == 3:
            assert not SandboxProduct.objects.exists()  # products appear at COMPLETE only
    assert [s["import_status"] for s in statuses] == ["WAITING", "RUNNING", "SENT", "COMPLETE"]
    assert "has_transformation_error_report" not in statuses[1]
    sent, done = statuses[2], statuses[3]
    assert (sent["transform_lines_read"], sent["transform_lines_in_success"]) == (2, 2)
    assert sent["has_transformation_error_report"] is False
    assert (sent["has_new_product_report"], sent["has_error_report"]) == (False, False)
    assert (done["has_new_product_report"], done["has_error_report"]) == (True, False)
    assert done["integration_details"]["products_successfully_synchronized"] == 2
    assert done["shop_id"] == 2001
    products = {p.shop_sku: p for p in SandboxProduct.objects.all()}
    assert set(products) == {SHIRT["shop_sku"], DRESS["shop_sku"]}
    shirt = products[SHIRT["shop_sku"]]
    assert (shirt.category_code, shirt.ean, shirt.title) == (
        "FASHION-MENS-SHIRTS",
        SHIRT["ean"],
        SHIRT["title"],
    )
    assert shirt.attributes["colour"] == "BLUE"
    assert shirt.product_sku.startswith("MKP1") and len(shirt.product_sku) == 18
    assert shirt.import_id == import_id


def test_the_new_product_report_gives_each_line_its_product_sku(api, shop):
    import_id = product_import_complete(api, CUSHION, KETTLE)["import_id"]
    response = api.get(f"{IMPORTS}/{import_id}/new_product_report")
    assert_conforms("P45", response)
    assert response["Content-Type"] == "application/octet-stream"
    header, *rows = report_lines(response)
    assert header.endswith('"product-sku"')
    skus = {p.shop_sku: p.product_sku for p in SandboxProduct.objects.all()}
    assert rows[0].startswith(f'"{CUSHION["shop_sku"]}"')
    assert rows[0].endswith(f'"{skus[CUSHION["shop_sku"]]}"')
    assert rows[1].endswith(f'"{skus[KETTLE["shop_sku"]]}"')


def test_a_product_import_moves_with_the_sandbox_clock(api, shop):
    import_id = product_import(api, TV)
    clock_advance("mirakl", 31)
    assert product_status(api, import_id)["import_status"] == "RUNNING"
    clock_advance("mirakl", 30)
    assert product_status(api, import_id)["import_status"] == "SENT"
    clock_advance("mirakl", 30)
    done = product_status(api, import_id)
    assert (done["import_status"], done["has_new_product_report"]) == ("COMPLETE", True)
    assert SandboxProduct.objects.get().shop_sku == TV["shop_sku"]


def test_an_import_left_alone_is_complete_on_its_first_poll_after_90_seconds(api, shop):
    import_id = product_import(api, TV)
    clock_advance("mirakl", 95)
    assert product_status(api, import_id)["import_status"] == "COMPLETE"
    assert SandboxProduct.objects.count() == 1


def test_reimporting_a_shop_sku_updates_its_product(api, shop):
    product_import_complete(api, SHIRT)
    first = SandboxProduct.objects.get()
    product_import_complete(api, {**SHIRT, "title": "Oxford Shirt, Sky Blue, M", "colour": "NAVY"})
    again = SandboxProduct.objects.get()
    assert again.product_sku == first.product_sku
    assert (again.title, again.attributes["colour"]) == ("Oxford Shirt, Sky Blue, M", "NAVY")
    assert again.created_at == first.created_at


@pytest.mark.parametrize(
    ("drop", "reason"),
    [
        ("shop_sku", "The file has no 'shop_sku' column"),
        ("category", "The file has no 'category' column"),
    ],
)
def test_a_file_without_a_sku_or_category_column_fails(api, shop, drop, reason):
    header = [name for name in SHIRT if name != drop]
    import_id = product_import(api, SHIRT, header=header)
    product_status(api, import_id)
    failed = api.get(f"{IMPORTS}/{import_id}")
    assert_conforms("P42", failed)
    body = failed.json()
    assert (body["import_status"], body["reason_status"]) == ("FAILED", reason)
    assert product_status(api, import_id)["import_status"] == "FAILED"  # final
    assert api.get(f"{IMPORTS}/{import_id}/transformation_error_report").status_code == 404


@pytest.mark.parametrize(
    ("content", "fields", "message"),
    [
        (None, {}, "The multipart part 'file' is required"),
        ("", {}, "The file is empty: a header line is required"),
        ("\n\n", {}, "The file is empty: a header line is required"),
        ("caf\xe9".encode("latin-1"), {}, "The file must be a UTF-8 encoded CSV file"),
        ('"shop_sku"\n', {"conversion_type": "MAGIC"}, _invalid("MAGIC", "conversion_type")),
        ('"shop_sku"\n', {"operator_format": "yes"}, _invalid("yes", "operator_format")),
    ],
)  # fmt: skip
def test_a_bad_product_upload_is_a_400(api, shop, content, fields, message):
    response = upload(api, IMPORTS, content, **fields)
    error_conforms(response, 400)
    assert response.json()["message"] == message
    assert not SandboxCatalogImport.objects.exists()


def test_the_conversion_type_is_echoed_for_the_ai_converter(api, shop):
    response = upload(api, IMPORTS, csv_text(SHIRT), conversion_type="AI_CONVERTER")
    status = api.get(f"{IMPORTS}/{response.json()['import_id']}")
    assert_conforms("P42", status)
    assert status.json()["conversion_type"] == "AI_CONVERTER"


def test_unknown_imports_and_absent_reports_are_404(api, shop):
    for path in ("", "/error_report", "/new_product_report", "/transformation_error_report"):
        error_conforms(api.get(f"{IMPORTS}/999999{path}"), 404)
    import_id = product_import(api, SHIRT)
    for path in ("/error_report", "/new_product_report", "/transformation_error_report"):
        error_conforms(api.get(f"{IMPORTS}/{import_id}{path}"), 404)  # not there yet
    for _ in range(4):
        product_status(api, import_id)
    error_conforms(api.get(f"{IMPORTS}/{import_id}/error_report"), 404)  # nothing rejected
    assert api.get(f"{IMPORTS}/{import_id}/new_product_report").status_code == 200
    assert api.get("/api/products/imports/abc").status_code == 404


def test_another_shops_import_is_not_found(api, shop):
    import_id = product_import(api, SHIRT)
    services.shop_get_or_create(shop_id=3003, api_key="other-key", seed_offers=False)
    error_conforms(MiraklClient(api_key="other-key").get(f"{IMPORTS}/{import_id}"), 404)


# --- P47: the structure check ------------------------------------------------------------------


TRANSFORMATION_CASES = [
    ({"category": "FASHION-MENS"}, "1001|The category 'FASHION-MENS' is unknown"),
    ({"category": "NOPE"}, "1001|The category 'NOPE' is unknown"),
    ({"category": ""}, _required("category")),
    ({"colour": ""}, _required("colour")),
    ({"size": "UK12"}, _not_listed("UK12", "size", "SIZES_MENS")),
    ({"colour": "blue"}, _not_listed("blue", "colour", "COLOURS")),
    ({"title": "T" * 151}, "2004|The attribute 'title' is longer than 150 characters"),
    ({"main_image": "images/shirt.jpg"}, _not_url("main_image")),
    ({"image_2": "ftp://images.example/a.jpg"}, _not_url("image_2")),
    ({"weight_kg": "heavy"}, "2002|The attribute 'weight_kg' must be a decimal number"),
]


@pytest.mark.parametrize(("change", "expected"), TRANSFORMATION_CASES)
def test_each_structure_rule_rejects_the_line(api, shop, change, expected):
    status = product_import_complete(api, {**SHIRT, **change}, DRESS)
    assert (status["transform_lines_in_error"], status["transform_lines_in_success"]) == (1, 1)
    assert status["integration_details"]["invalid_products"] == 1
    report = report_lines(api.get(f"{IMPORTS}/{status['import_id']}/transformation_error_report"))
    assert len(report) == 2
    assert report[1].endswith(f'"{expected}";""'), report[1]
    assert list(SandboxProduct.objects.values_list("shop_sku", flat=True)) == [DRESS["shop_sku"]]


@pytest.mark.parametrize(
    ("row", "change", "expected"),
    [
        (CUSHION, {"fabric": "COTTON|TWEED"}, _not_listed("TWEED", "fabric", "FABRICS")),
        (CUSHION, {"width_cm": "45.5"}, "2002|The attribute 'width_cm' must be an integer"),
        (CUSHION, {"height_cm": ""}, _required("height_cm")),
        (KETTLE, {"capacity_l": "1,7"}, "2002|The attribute 'capacity_l' must be a decimal number"),
        (KETTLE, {"release_date": "01/09/2025"}, _not_a_date("release_date")),
        (KETTLE, {"release_date": "2025-02-30"}, _not_a_date("release_date")),
        (KETTLE, {"energy_rating": "A+"}, _not_listed("A+", "energy_rating", "ENERGY_RATINGS")),
        (TV, {"screen_size_in": "fifty"}, "2002|The attribute 'screen_size_in' must be an integer"),
    ],
)
def test_each_type_rule_rejects_the_line(api, shop, row, change, expected):
    status = product_import_complete(api, {**row, **change})
    assert status["transform_lines_in_error"] == 1
    report = report_lines(api.get(f"{IMPORTS}/{status['import_id']}/transformation_error_report"))
    assert report[1].endswith(f'"{expected}";""'), report[1]
    assert not SandboxProduct.objects.exists()


def test_the_transformation_report_joins_several_messages_and_keeps_the_columns(api, shop):
    bad = {**SHIRT, "colour": "", "size": "XXL", "title": "T" * 151}
    status = product_import_complete(api, bad)
    header, line = report_lines(
        api.get(f"{IMPORTS}/{status['import_id']}/transformation_error_report")
    )
    assert header == ";".join(f'"{name}"' for name in [*SHIRT, "errors", "warnings"])
    errors = line.split(";")[-2].strip('"').split(",")
    assert errors == [
        "2004|The attribute 'title' is longer than 150 characters",
        "1000|The attribute 'colour' is required",
        "2006|The value 'XXL' of the attribute 'size' is not in the values list 'SIZES_MENS'",
    ]


def test_a_column_outside_the_category_is_a_warning_and_its_value_ignored(api, shop):
    row = {**SHIRT, "screen_size_in": "55", "jl_range_code": "R1", "mystery": "x"}
    status = product_import_complete(api, row)
    assert (status["transform_lines_with_warning"], status["transform_lines_in_error"]) == (1, 0)
    assert status["has_transformation_error_report"] is True
    report = report_lines(api.get(f"{IMPORTS}/{status['import_id']}/transformation_error_report"))
    warnings = report[1].split(";")[-1].strip('"').split(",")
    assert warnings == [
        f"2000|The attribute '{code}' does not apply to the category 'FASHION-MENS-SHIRTS': "
        "its value is ignored"
        for code in ("screen_size_in", "jl_range_code", "mystery")
    ]
    product = SandboxProduct.objects.get()
    assert "screen_size_in" not in product.attributes and "mystery" not in product.attributes


def test_a_line_with_the_wrong_number_of_fields_is_an_error(api, shop):
    text = csv_text(SHIRT) + '"ONLY";"TWO"\n'
    response = upload(api, IMPORTS, text)
    import_id = response.json()["import_id"]
    for _ in range(4):
        status = product_status(api, import_id)
    assert (status["transform_lines_read"], status["transform_lines_in_error"]) == (2, 1)
    report = report_lines(api.get(f"{IMPORTS}/{import_id}/transformation_error_report"))
    assert f'"1002|The line has 2 fields but the header has {len(SHIRT)}";""' in report[1]


# --- P44: the operator's rules ---------------------------------------------------------------


INTEGRATION_CASES = [
    ({"main_image": "https://images.example/shirt.gif"}, _bad_image("main_image")),
    ({"image_3": "https://images.example/shirt.tiff"}, _bad_image("image_3")),
    ({"title": "OXFORD SHIRT BLUE"}, "3002|The attribute 'title' must not be all capitals"),
    ({"ean": "5012345000012"}, _bad_ean("5012345000012")),
    ({"ean": "50123450000"}, _bad_ean("50123450000")),
    ({"brand": "FakeBrand"}, "3004|The brand 'FakeBrand' of the attribute 'brand' is not accepted"),
]


@pytest.mark.parametrize(("change", "expected"), INTEGRATION_CASES)
def test_each_operator_rule_rejects_the_line_at_integration(api, shop, change, expected):
    status = product_import_complete(api, {**SHIRT, **change}, DRESS)
    assert status["transform_lines_in_error"] == 0
    assert status["has_transformation_error_report"] is False
    assert (status["has_error_report"], status["has_new_product_report"]) == (True, True)
    assert status["integration_details"]["rejected_products"] == 1
    response = api.get(f"{IMPORTS}/{status['import_id']}/error_report")
    assert_conforms("P44", response)
    header, line = report_lines(response)
    assert header.endswith('"errors";"warnings"')
    assert line.startswith(f'"{SHIRT["shop_sku"]}"')
    assert line.endswith(f'"{expected}";""'), line
    assert list(SandboxProduct.objects.values_list("shop_sku", flat=True)) == [DRESS["shop_sku"]]


def test_an_ean_already_used_by_another_product_is_rejected(api, shop):
    product_import_complete(api, SHIRT)
    status = product_import_complete(api, {**DRESS, "ean": SHIRT["ean"]})
    assert status["has_new_product_report"] is False
    _, line = report_lines(api.get(f"{IMPORTS}/{status['import_id']}/error_report"))
    expected = (
        f"3005|The EAN '{SHIRT['ean']}' of the attribute 'ean' is already used by "
        f"'{SHIRT['shop_sku']}'"
    )
    assert line.endswith(f'"{expected}";""')
    assert SandboxProduct.objects.count() == 1


def test_an_import_with_every_line_rejected_has_no_new_product_report(api, shop):
    status = product_import_complete(api, {**SHIRT, "brand": "Knockoff Co"})
    assert (status["has_error_report"], status["has_new_product_report"]) == (True, False)
    error_conforms(api.get(f"{IMPORTS}/{status['import_id']}/new_product_report"), 404)


# --- seed, reset, command, auth, limits ---------------------------------------------------------


def test_products_seed_runs_the_same_checks(shop):
    products = products_seed(shop=shop, rows=[SHIRT, KETTLE])
    assert [p.shop_sku for p in products] == [SHIRT["shop_sku"], KETTLE["shop_sku"]]
    with pytest.raises(services.MiraklError, match="3004"):
        products_seed(shop=shop, rows=[{**TV, "brand": "ACME Replicas"}])
    with pytest.raises(services.MiraklError, match="1001"):
        products_seed(shop=shop, rows=[{**TV, "category": "ELECTRICALS"}])
    assert SandboxProduct.objects.count() == 2


def test_reset_empties_products_and_catalogue_imports(api, shop):
    product_import_complete(api, SHIRT)
    upload(api, "/api/offers/imports", "sku;product-id\n", import_mode="NORMAL")
    assert SandboxCatalogImport.objects.count() == 2
    services.sandbox_reset()
    assert not SandboxProduct.objects.exists()
    assert not SandboxCatalogImport.objects.exists()


def test_the_command_lists_the_shops_products(shop):
    products_seed(shop=shop, rows=[SHIRT, TV])
    out = io.StringIO()
    call_command("mirakl_sandbox", "--shop-id", "2001", "products", stdout=out)
    lines = out.getvalue().splitlines()
    product = SandboxProduct.objects.get(shop_sku=SHIRT["shop_sku"])
    assert lines[0] == " ".join(
        [
            SHIRT["shop_sku"],
            product.product_sku,
            "FASHION-MENS-SHIRTS",
            SHIRT["ean"],
            SHIRT["title"],
        ]
    )
    assert len(lines) == 2


@pytest.mark.parametrize(
    "path",
    [
        "/api/hierarchies",
        "/api/products/attributes",
        "/api/values_lists",
        f"{IMPORTS}/1",
        f"{IMPORTS}/1/error_report",
        f"{IMPORTS}/1/new_product_report",
        f"{IMPORTS}/1/transformation_error_report",
        "/api/offers/imports/1",
        "/api/offers/imports/1/error_report",
    ],
)
def test_every_catalogue_read_needs_the_api_key(shop, path):
    error_conforms(MiraklClient(api_key="wrong").get(path), 401)


@pytest.mark.parametrize("path", [IMPORTS, "/api/offers/imports"])
def test_every_catalogue_upload_needs_the_api_key(shop, path):
    response = upload(MiraklClient(api_key="wrong"), path, csv_text(SHIRT), import_mode="NORMAL")
    error_conforms(response, 401)


def test_p41_is_once_every_15_minutes_and_p42_once_a_minute(api, shop):
    services.shop_get_or_create(shop_id=shop.shop_id, enforce_call_limits=True)
    import_id = product_import(api, SHIRT)
    limited = upload(api, IMPORTS, csv_text(DRESS))
    assert limited.status_code == 429
    assert 890 <= int(limited["Retry-After"]) <= 900
    assert api.get(f"{IMPORTS}/{import_id}").status_code == 200
    assert api.get(f"{IMPORTS}/{import_id}").status_code == 429
    clock_advance("mirakl", 901)
    assert upload(api, IMPORTS, csv_text(DRESS)).status_code == 201
    done = api.get(f"{IMPORTS}/{import_id}").json()
    assert done["import_status"] == "COMPLETE"
    for _ in range(3):  # reports: "each time a report is needed"
        assert api.get(f"{IMPORTS}/{import_id}/new_product_report").status_code == 200


def test_h11_pm11_vl11_are_hourly(api, shop):
    services.shop_get_or_create(shop_id=shop.shop_id, enforce_call_limits=True)
    for path in ("/api/hierarchies", "/api/products/attributes", "/api/values_lists"):
        assert api.get(path).status_code == 200
        limited = api.get(path)
        assert limited.status_code == 429
        assert 3590 <= int(limited["Retry-After"]) <= 3600
    clock_advance("mirakl", 3601)
    assert api.get("/api/hierarchies").status_code == 200


def test_the_test_eans_are_valid():
    from connectors.mirakl.sandbox.services.catalogue_rules import ean_is_valid

    assert ean_is_valid(ean("501234500001"))
    assert ean_is_valid("4006381333931")  # a published GS1 example
    assert not ean_is_valid("4006381333932")
