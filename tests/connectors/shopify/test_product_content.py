"""Product content (issue 21): the connector reads Shopify's product content into its field
names (documented value formats in tests/contracts/shopify/); the sandbox answers that way."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import requests
import responses
from graphql import parse

from connectors.shopify import graphql as gql
from connectors.shopify.sandbox import services
from connectors.shopify.sandbox.cost import actual_cost, query_cost
from tests.support.wsgi_adapter import DjangoAppAdapter

from .helpers import ENDPOINT, answer, connection, make_connector
from .test_sandbox import post
from .test_sandbox_e2e import connector_for

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "shopify"
CDN = "https://cdn.shopify.com/s/files/1/0533/2089/files"


def contract(name: str) -> dict:
    return json.loads((CONTRACTS / name).read_text())


def metafield(namespace: str, key: str, kind: str, value: str) -> dict:
    return {"namespace": namespace, "key": key, "type": kind, "value": value}


def image(url: str) -> dict:
    return {"image": {"url": url}}


def variant(**extra) -> dict:
    return {
        "id": "gid://shopify/ProductVariant/11",
        "sku": "S-1",
        "barcode": "5000000000011",
        "price": "49.00",
        "title": "M / Navy",
        "updatedAt": "2026-11-20T09:00:00Z",
        "selectedOptions": [{"name": "Size", "value": "M"}, {"name": "Colour", "value": "Navy"}],
        "media": connection([image(f"{CDN}/shirt-navy.jpg")]),
        "inventoryItem": {
            "id": "gid://shopify/InventoryItem/11",
            "measurement": {"weight": {"unit": "KILOGRAMS", "value": 0.25}},
        },
        "metafields": connection([metafield("custom", "fit", "single_line_text_field", "Slim")]),
    } | extra


def product(variants: list[dict], **extra) -> dict:
    documented = contract("metafield_value_response.json")["response"]["data"]["product"]
    documented_field = {k: documented["metafield"][k] for k in ("namespace", "key", "type")}
    return {
        "id": "gid://shopify/Product/1",
        "title": "Linen Shirt",
        "vendor": "Hartley & Rowe",
        "updatedAt": "2026-11-20T10:00:00Z",
        "descriptionHtml": "<p>Washed <strong>linen</strong>.</p>",
        "description": "Washed linen.",
        "productType": "Shirts",
        "tags": ["women", "linen"],
        "category": contract("taxonomy_category_fields.json")["category"],
        "featuredMedia": {"preview": {"image": {"url": f"{CDN}/shirt-1.jpg"}}},
        "media": connection([image(f"{CDN}/shirt-1.jpg"), {}, image(f"{CDN}/shirt-2.jpg")]),
        "metafields": connection(
            [
                documented_field | {"value": documented["metafield"]["value"]},
                metafield(
                    "custom", "features", "list.single_line_text_field", '["Relaxed", "Soft"]'
                ),
                metafield("custom", "width", "dimension", '{"value": 27.0, "unit": "cm"}'),
                metafield("custom", "fit", "single_line_text_field", "Relaxed"),
                metafield("custom", "related", "product_reference", "gid://shopify/Product/9"),
                metafield("custom", "swatch", "list.metaobject_reference", '["gid://x/1"]'),
                metafield("custom", "specs", "json", '{"a": 1}'),
                metafield(
                    "custom", "price_guide", "money", '{"amount": "5.99", "currency_code": "GBP"}'
                ),
            ]
        ),
        "variants": connection(variants),
    } | extra


def read(*products: dict):
    responses.post(ENDPOINT, json=answer({"products": connection(list(products))}))
    return make_connector().products_read("").items


@responses.activate
def test_a_variant_reads_with_shopifys_field_names():
    [item] = read(product([variant()]))

    assert item.title == "Linen Shirt - M / Navy"
    assert item.attributes == {
        "title": "Linen Shirt",
        "descriptionHtml": "<p>Washed <strong>linen</strong>.</p>",
        "description": "Washed linen.",
        "vendor": "Hartley & Rowe",
        "productType": "Shirts",
        "tags": ("women", "linen"),
        "option:Size": "M",
        "option:Colour": "Navy",
        "metafield:$app.ingredients": "oat milk,\nsugar,\nchia seeds",  # documented, as stored
        "metafield:custom.features": ("Relaxed", "Soft"),
        "metafield:custom.width": "27 cm",
        "metafield:custom.fit": "Slim",  # the variant's metafield wins over the product's
        "metafield:custom.price_guide": "5.99 GBP",
        "image": f"{CDN}/shirt-navy.jpg",  # the variant's own image
        "images": (f"{CDN}/shirt-1.jpg", f"{CDN}/shirt-2.jpg"),  # a video has no image
        "weight": "0.25",
        "weight_unit": "KILOGRAMS",
    }


@responses.activate
def test_categories_are_the_product_type_and_the_documented_taxonomy_path():
    [item] = read(product([variant()]))

    documented = contract("taxonomy_category_fields.json")["category"]
    assert item.categories == (
        "Shirts",
        documented["name"],
        "Animals & Pet Supplies / Pet Supplies / Dog Supplies / Dog Beds",
    )


@responses.activate
def test_a_product_without_options_images_category_or_weight_leaves_them_out():
    bare = variant(
        selectedOptions=[{"name": "Title", "value": "Default Title"}],
        media=connection([]),
        inventoryItem={"id": "i", "measurement": {"weight": {"unit": "GRAMS", "value": 0.0}}},
        metafields=connection([]),
    )
    media = contract("media_preview_image.json")["featuredMedia"]  # not READY yet: no image
    [item] = read(
        product(
            [bare],
            category=None,
            tags=[],
            featuredMedia=media,
            media=connection([]),
            metafields=connection([]),
            descriptionHtml="",
            description="",
        )
    )

    assert item.attributes == {
        "title": "Linen Shirt",
        "vendor": "Hartley & Rowe",
        "productType": "Shirts",
    }
    assert item.categories == ("Shirts",)


@responses.activate
def test_without_a_variant_image_the_featured_media_is_the_image():
    [item] = read(product([variant(media=connection([]))]))

    assert item.attributes["image"] == f"{CDN}/shirt-1.jpg"


@responses.activate
def test_more_images_than_read_are_logged(caplog):
    media = connection([image(f"{CDN}/a.jpg")], has_next=True)

    with caplog.at_level(logging.INFO, logger="connectors.shopify.content"):
        read(product([variant()], media=media))

    assert "has more images than are read" in caplog.text


def test_documented_metafield_values_are_strings_and_lists_are_json():
    from connectors.shopify.content import metafield_value

    assert contract("metafield_value_response.json")["value_is_always_a_string"] is True
    assert metafield_value("list.number_integer", "[3, 4]") == ("3", "4")
    assert metafield_value("list.dimension", '[{"value": 2.5, "unit": "cm"}]') == ("2.5 cm",)
    assert metafield_value("weight", '{"value": 2.5, "unit": "kg"}') == "2.5 kg"
    assert metafield_value("boolean", "true") == "true"
    assert metafield_value("list.single_line_text_field", "not json") is None
    assert metafield_value("file_reference", "gid://shopify/MediaImage/1") is None
    assert metafield_value("rich_text_field", '{"type": "root"}') is None


# --- the sandbox ----------------------------------------------------------------------------


@pytest.fixture
def shop(db):
    shop = services.shop_setup(bucket_max=100_000, restore_rate=10_000)
    services.catalogue_seed(shop=shop, count=12, stock=7)
    return shop


def test_sandbox_stores_metafields_as_strings_and_taxonomy_full_names(client, shop):
    query = """{ products(first: 12) { edges { node {
      category { name fullName }
      metafields(first: 10) { edges { node { namespace key type value } } }
    } } } }"""
    nodes = [e["node"] for e in post(client, shop, query).json()["data"]["products"]["edges"]]

    values = [m["node"] for n in nodes for m in n["metafields"]["edges"]]
    assert all(isinstance(m["value"], str) for m in values)
    [features, *_] = [m for m in values if m["type"] == "list.single_line_text_field"]
    assert isinstance(json.loads(features["value"]), list)
    separator = " > "  # as in the documented fullName
    assert separator in contract("taxonomy_category_fields.json")["category"]["fullName"]
    dress = nodes[2]["category"]
    assert dress == {"name": "Dresses", "fullName": "Apparel & Accessories > Clothing > Dresses"}
    assert nodes[6]["category"] is None  # a gap: no category


def test_sandbox_gives_back_the_unused_cost(client, shop):
    body = post(client, shop, gql.PRODUCTS_PAGE, {"first": 4}).json()

    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == query_cost(parse(gql.PRODUCTS_PAGE), {"first": 4})
    assert cost["actualQueryCost"] == actual_cost(parse(gql.PRODUCTS_PAGE), body["data"])
    assert cost["actualQueryCost"] < cost["requestedQueryCost"] / 3
    spent = 100_000 - cost["throttleStatus"]["currentlyAvailable"]
    assert spent <= cost["actualQueryCost"] + 1


def test_connector_reads_the_sandbox_content_and_its_images_load(shop):
    adapter = DjangoAppAdapter()
    connector = connector_for(shop, adapter)
    items, cursor = [], ""
    while True:
        page = connector.products_read(cursor)
        items, cursor = items + page.items, page.next_cursor
        if not page.has_more:
            break
    by_sku = {item.sku: item for item in items}

    dress = by_sku["SB-0003"]
    assert (dress.attributes["option:Size"], dress.attributes["option:Colour"]) == ("12", "Sage")
    assert dress.attributes["metafield:custom.features"] == (
        "Tie waist",
        "Midi length",
        "Flutter sleeves",
    )
    assert dress.attributes["description"].startswith("A fluid wrap dress with a tie waist")
    assert len(dress.attributes["images"]) == 4
    assert dress.attributes["image"] == dress.attributes["images"][0]
    assert dress.categories == ("Dresses", "Apparel & Accessories / Clothing / Dresses")
    assert by_sku["SB-0008"].attributes["metafield:custom.diameter"] == "27 cm"
    assert "description" not in by_sku["SB-0004"].attributes  # the demo's gaps
    assert not {"image", "images"} & set(by_sku["SB-0007"].attributes)
    session = requests.Session()
    session.mount("http://", adapter)
    for url in dress.attributes["images"]:
        response = session.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/svg+xml"
