"""Product content from Fulfil: cited shapes (``responses``) and the sandbox.

Model field names (``name``, ``variant_name``, ``description``, ``brand``, ``weight``...),
attributes as ``attribute:<name>`` with a selection's option NAME (never its id), media as
absolute URLs, categories as names and full paths; the option and category tables are read
once per connector instance.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
from pathlib import Path

import pytest
import responses
from django.core.management import CommandError, call_command

from connectors.base import PermanentError
from connectors.fulfil import contract
from connectors.fulfil.content import absolute_url, field_text
from connectors.fulfil.sandbox import services
from tests.connectors.fulfil.conftest import BASE, RPC, V2, body_of, make, rpc_result
from tests.connectors.fulfil.test_end_to_end import make_connector as sandbox_connector
from tests.support.wsgi_adapter import DjangoAppAdapter

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "fulfil"
T1 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def documented(name: str, part: str = "value"):
    return copy.deepcopy(json.loads((CONTRACTS / name).read_text())[part])


def attribute_row(record: dict) -> dict:
    """The documented 3PL attribute record as the model API is read (contract Q21)."""
    names = contract.ATTRIBUTE_FIELDS
    return {
        "id": record["id"],
        names["product"]: record["product_id"],
        names["name"]: record["attribute_name"],
        names["value"]: record["value"],
        names["selection"]: record["value_selection"],
    }


FIND_ROW = {"id": 2, "code": "IPHONE-6", "variant_name": "iPhone 6", "list_price": "699"}
RECORD = {
    "id": 2,
    "template.": {"id": 1, "name": "iPhone", "categories": [7]},  # Tryton's nested form
    "variant_name": "iPhone 6",
    "description": "The phone.",
    "brand.name": "Acme",
    "weight": {"__class__": "Decimal", "decimal": "0.180"},
    "weight_uom.name": "Kilogram",
    "image": "",
    "media": [31, 30],
    "ean": "5000000000012",
}
MEDIA = [
    {"id": 30, "url": "https://cdn.example/iphone-back.jpg", "sequence": 20},
    {"id": 31, "url": "/media/iphone-front.jpg", "sequence": 10},
]
OPTIONS = [{"id": 11, "name": "Space Grey"}]
CATEGORIES = [
    {"id": 5, "name": "Electronics", "parent": None},
    {"id": 7, "name": "Phones", "parent": 5},
]


def answer(mocked, *, rows=(FIND_ROW,), attributes=None, options=OPTIONS) -> dict:
    found = rpc_result([{**row, "updated_at": T1.isoformat()} for row in rows])
    mocked.post(RPC, json=found)
    hs_code = attribute_row(documented("product_attribute_record.json"))
    colour = {**hs_code, "id": 50, "attribute.name": "Colour", "value": "11", "value_selection": 11}
    calls = {
        "product": mocked.put(f"{V2}/product.product/search_read", json=[RECORD]),
        "media": mocked.put(f"{V2}/product.media/search_read", json=MEDIA),
        "attributes": mocked.put(
            f"{V2}/product.product.attribute/search_read",
            json=attributes if attributes is not None else [{**hs_code, "product": 2}, colour],
        ),
        "categories": mocked.put(f"{V2}/product.category/search_read", json=CATEGORIES),
    }
    if options is not None:
        calls["options"] = mocked.put(
            f"{V2}/product.attribute.selection_option/search_read", json=options
        )
    return calls


def test_the_full_content_is_read_under_fulfils_field_names(mocked):
    calls = answer(mocked)
    [item] = make().products_read("").items
    assert dict(item.attributes) == {
        "name": "iPhone",
        "variant_name": "iPhone 6",
        "description": "The phone.",
        "brand": "Acme",
        "weight": "0.18",
        "weight_uom": "Kilogram",
        "ean": "5000000000012",
        "image": f"{BASE}/media/iphone-front.jpg",
        "media": (f"{BASE}/media/iphone-front.jpg", "https://cdn.example/iphone-back.jpg"),
        "attribute:New HS code": "423894792834",
        "attribute:Colour": "Space Grey",
    }
    assert item.categories == ("Phones", "Electronics / Phones")
    domain, _offset, limit, _order, fields = body_of(calls["product"].calls[0])
    assert (domain, limit) == ([["id", "in", [2]]], 1)
    assert set(contract.PRODUCT_CONTENT_FIELDS.values()) <= set(fields)
    attribute_domain = body_of(calls["attributes"].calls[0])[0]
    assert attribute_domain == [["product", "in", [2]], ["id", ">", 0]]


def test_option_names_and_categories_are_read_once_per_connector(mocked):
    calls = answer(mocked)
    connector = make()
    connector.products_read("")
    connector.products_read("")
    assert calls["product"].call_count == 2
    assert (calls["options"].call_count, calls["categories"].call_count) == (1, 1)


def test_an_unknown_option_is_left_out_never_sent_as_its_id(mocked, caplog):
    answer(mocked, options=[])
    with caplog.at_level(logging.WARNING, logger="connectors.fulfil.content"):
        [item] = make().products_read("").items
    assert "attribute:Colour" not in item.attributes
    assert "11" not in item.attributes.values()
    assert "unknown option" in caplog.text


def test_a_failing_option_lookup_fails_the_read(mocked):
    mocked.assert_all_requests_are_fired = False  # the read stops at the failing lookup
    answer(mocked, options=None)
    refusal = {"type": "UserError", "message": 'Model "product.attribute.selection_option"'}
    mocked.put(f"{V2}/product.attribute.selection_option/search_read", status=400, json=refusal)
    with pytest.raises(PermanentError, match="selection_option"):
        make().products_read("")


def test_attribute_records_are_read_to_their_last_page(mocked):
    rows = [
        {"id": i, "product": 2, "attribute.name": f"A{i}", "value": str(i), "value_selection": None}
        for i in (1, 2, 3)
    ]
    calls = answer(mocked, attributes=[], options=None)
    mocked.replace(responses.PUT, f"{V2}/product.product.attribute/search_read", json=rows[:2])
    mocked.add(responses.PUT, f"{V2}/product.product.attribute/search_read", json=rows[2:])
    [item] = make(page_size="2").products_read("").items
    assert [item.attributes[f"attribute:A{i}"] for i in (1, 2, 3)] == ["1", "2", "3"]
    pages = [c for c in mocked.calls if "product.product.attribute" in c.request.url]
    assert body_of(pages[1])[0][-1] == ["id", ">", 2]
    assert item.categories == ("Phones", "Electronics / Phones")
    assert calls["categories"].call_count == 2  # a full page, then the one that ends the walk


def test_a_product_without_content_gets_no_empty_values(mocked):
    mocked.post(RPC, json=rpc_result([{**FIND_ROW, "updated_at": T1.isoformat()}]))
    mocked.put(f"{V2}/product.product/search_read", json=[{"id": 2, "variant_name": "iPhone 6"}])
    mocked.put(f"{V2}/product.product.attribute/search_read", json=[])
    [item] = make().products_read("").items
    assert dict(item.attributes) == {"variant_name": "iPhone 6"}
    assert item.categories == ()


def test_urls_are_made_absolute_and_other_schemes_dropped():
    assert absolute_url("/media/a.jpg", BASE) == f"{BASE}/media/a.jpg"
    assert absolute_url("//cdn.example/a.jpg", BASE) == "https://cdn.example/a.jpg"
    assert absolute_url("ftp://files.example/a.jpg", BASE) == ""
    assert field_text(False) == "" and field_text(True) == "true"


# --- the sandbox ----------------------------------------------------------------------------

pytest_db = pytest.mark.django_db


@pytest.fixture
def adapter() -> DjangoAppAdapter:
    return DjangoAppAdapter()


def sandbox_items(adapter, setup, **options) -> dict:
    connector = sandbox_connector(adapter, setup, **options)
    items, cursor = [], ""
    while True:
        page = connector.products_read(cursor)
        items += page.items
        cursor = page.next_cursor
        if not page.has_more:
            return {item.sku: item for item in items}


@pytest_db
def test_the_connector_reads_the_sandbox_content(adapter):
    setup = services.catalogue_seed(products=12)
    items = sandbox_items(adapter, setup, page_size="5")
    dress = items["FUL-0001"]
    assert dress.attributes["name"] == "Linen Midi Dress"
    assert dress.attributes["brand"] == "Marlow & Finch"
    assert dress.attributes["attribute:Colour"] == "Ochre"
    assert dress.attributes["attribute:Size"] == "10"
    assert (dress.attributes["weight"], dress.attributes["weight_uom"]) == ("0.42", "Kilogram")
    assert len(dress.attributes["media"]) == 3
    assert dress.attributes["image"] == dress.attributes["media"][0]
    assert dress.categories == ("Dresses", "Women / Dresses")
    assert "description" not in items["FUL-0005"].attributes  # a gap on purpose
    assert "image" not in items["FUL-0009"].attributes  # no images
    assert items["FUL-0012"].attributes["attribute:Thread count"] == "300"


@pytest_db
def test_sandbox_media_and_attributes_are_read_after_a_change(adapter):
    setup = services.catalogue_seed(products=1)
    connector = sandbox_connector(adapter, setup)
    page = connector.products_read("")
    services.product_media_add("FUL-0001", "media/dress-back.jpg")
    services.product_attribute_set("FUL-0001", "Colour", "Sage")
    # the hub builds a connector per pass: the next pass reads the new option's name
    [item] = sandbox_connector(adapter, setup).products_read(page.next_cursor).items
    assert item.attributes["media"][-1] == "http://sandbox.test/sandbox/fulfil/media/dress-back.jpg"
    assert item.attributes["attribute:Colour"] == "Sage"


@pytest_db
def test_the_sandbox_answers_attribute_records_with_the_documented_columns(client):
    setup = services.catalogue_seed(products=1)
    record = documented("product_attribute_record.json")
    columns = sorted(key for key in record if key.startswith("value"))
    response = client.put(
        "/sandbox/fulfil/api/v2/model/product.product.attribute/search_read?context={}",
        data=json.dumps([[], 0, 10, None, ["product", "attribute.name", *columns]]),
        content_type="application/json",
        headers={"X-API-KEY": setup.api_key},
    )
    rows = response.json()
    assert response.status_code == 200 and rows
    assert all(set(row) == {"id", "product", "attribute.name", *columns} for row in rows)
    colour = next(row for row in rows if row["attribute.name"] == "Colour")
    assert isinstance(colour["value_selection"], int) and colour["value"] == "Ochre"


@pytest_db
def test_the_sandbox_serves_the_documented_template_fields(client):
    setup = services.catalogue_seed(products=1)
    example = documented("product_template_create.json")

    def read(model: str, fields: list[str]) -> list[dict]:
        return client.put(
            f"/sandbox/fulfil/api/v2/model/{model}/search_read?context={{}}",
            data=json.dumps([[], 0, 10, None, fields]),
            content_type="application/json",
            headers={"X-API-KEY": setup.api_key},
        ).json()

    [product] = read("product.product", ["template", "variant_name", "code", "list_price"])
    assert set(product) == {"id", *example} - {"cost_price"}
    [template] = read("product.template", ["name"])
    assert template == {"id": product["template"], "name": "Linen Midi Dress"}


@pytest_db
def test_the_command_adds_media_and_sets_attributes():
    services.catalogue_seed(products=1)
    call_command("fulfil_sandbox", "media", "FUL-0001", "https://cdn.example/x.jpg")
    call_command("fulfil_sandbox", "attribute", "FUL-0001", "Material", "Linen")
    assert services.product_attribute_set("FUL-0001", "Material", "Linen").value == "Linen"
    with pytest.raises(CommandError):
        call_command("fulfil_sandbox", "media", "NOPE", "https://cdn.example/x.jpg")
