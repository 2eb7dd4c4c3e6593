"""Product content (issue 21): the connector reads Magento's documented answers into labels,
absolute media URLs and category names; the sandbox answers in those documented shapes."""

from __future__ import annotations

import copy
import json
import logging
from io import StringIO
from pathlib import Path

import pytest
import requests
import responses
from django.core.management import call_command

from connectors.base import ConfigError, PermanentError
from connectors.magento import MagentoConnector
from connectors.magento.sandbox import models as m
from connectors.magento.sandbox import services
from tests.connectors.magento.support import API, FG, make, query
from tests.support.wsgi_adapter import DjangoAppAdapter

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "magento"
REST = "/sandbox/magento/rest/default/V1"
AUTH = {"Authorization": f"Bearer {services.DEFAULT_TOKEN}"}
MEDIA = "http://magentohost.example.com/pub/media/"


def example(name: str):
    return copy.deepcopy(json.loads((CONTRACTS / name).read_text())["value"])


def attribute(code: str, kind: str, options: dict[str, str]) -> dict:
    """The documented attribute item (plan-product tutorial) for another code and options."""
    item = example("product_attributes_response.json")[0]
    blank = item["options"][0]
    listed = [{"label": label, "value": value} for value, label in options.items()]
    return item | {"attribute_code": code, "frontend_input": kind, "options": [blank, *listed]}


def documented_attributes() -> list[dict]:
    """Size as published; the other values from the tutorial's table of selected values."""
    return [
        example("product_attributes_response.json")[0],
        attribute("color", "select", {"52": "Gray"}),
        attribute("material", "multiselect", {"148": "LumaTech", "149": "Cocona"}),
        attribute("pattern", "select", {"196": "Graphic Print"}),
        attribute("tax_class_id", "select", {"0": "None", "2": "Taxable Goods"}),
        attribute("image", "media_image", {}),
    ]


def store_config() -> dict:
    config = dict.fromkeys(example("store_configs_keys.json"), "")
    return config | {"id": 1, "code": "jl_uk", "weight_unit": "kgs", "base_media_url": MEDIA}


def tree() -> dict:
    """The documented tree, with Tops (12) and Tees (16) under Men (11) as the tutorial lists."""
    root = example("category_tree_response.json")
    men = root["children_data"][0]
    tees = {"id": 16, "parent_id": 12, "name": "Tees", "level": 4, "children_data": []}
    men["children_data"] = [{"id": 12, "parent_id": 11, "name": "Tops", "level": 3}]
    men["children_data"][0]["children_data"] = [tees]
    return root


def answer(*products: dict, attributes: list[dict] | None = None) -> None:
    items = list(products)
    responses.get(f"{API}/products", json={"items": items, "total_count": len(items)})
    found = documented_attributes() if attributes is None else attributes
    responses.get(
        f"{API}/products/attributes",
        json={"items": found, "search_criteria": {}, "total_count": len(found)},
    )
    responses.get(f"{API}/store/storeConfigs", json=[store_config()])
    responses.get(f"{API}/categories", json=tree())


def calls_to(path: str) -> int:
    return sum(1 for c in responses.calls if c.request.url.split("?")[0] == f"{API}/{path}")


# --- the connector, against the documented answers ------------------------------------------


@responses.activate
def test_documented_product_reads_as_labels_weight_and_category_names(connector):
    answer(example("product_response.json"))

    [product] = connector.products_read("").items

    assert product.attributes == {
        "name": "Champ Tee Small",
        "description": (
            "The Champ Tee keeps you cool and dry while you do your thing. Let everyone know "
            "who you are by adding your name on the back for only $10."
        ),
        "color": "Gray",
        "options_container": "container2",
        "required_options": "0",
        "has_options": "0",
        "url_key": "champ-tee-small",
        "tax_class_id": "Taxable Goods",
        "material": ("LumaTech",),
        "size": "Small",
        "pattern": "Graphic Print",
        "weight": "0.5",
        "weight_unit": "kgs",
        "status": "1",
        "type_id": "simple",
    }
    assert product.categories == ("Men", "Tops", "Men / Tops", "Tees", "Men / Tops / Tees")
    assert not any(value in {"52", "148", "168", "196"} for value in product.attributes.values())


@responses.activate
def test_documented_gallery_becomes_absolute_urls_in_position_order(connector):
    entries = example("product_media_gallery_entries.json")
    entries[0]["position"], entries[2]["position"] = 3, 1  # Magento's order is `position`
    hidden = {**entries[1], "id": 697, "file": "/m/j/hidden.jpg", "disabled": True}
    product = example("product_response.json")
    product["media_gallery_entries"] = [*entries, hidden]
    product["custom_attributes"].append({"attribute_code": "image", "value": entries[0]["file"]})
    answer(product)

    [read] = connector.products_read("").items

    rule = example("media_url_rule.json")["example"]
    base = f"{MEDIA}{example('media_url_rule.json')['base_media_url_addition']}"
    assert read.attributes["image"] == rule["url"]
    assert read.attributes["media_gallery"] == (
        f"{base}/m/j/mj03-black_back_1.jpg",
        f"{base}/m/j/mj03-black_alt1_1.jpg",
        f"{base}/m/j/mj03-black_main_1.jpg",
    )


@responses.activate
def test_an_image_role_without_image_and_empty_values_are_left_out(connector):
    product = example("product_response.json")
    product["custom_attributes"] += [
        {"attribute_code": "image", "value": "no_selection"},
        {"attribute_code": "meta_keyword", "value": ""},
        {"attribute_code": "special_price", "value": None},
    ]
    answer(product)

    attributes = connector.products_read("").items[0].attributes

    assert not {"image", "meta_keyword", "special_price", "media_gallery"} & set(attributes)


@responses.activate
def test_an_option_id_without_label_is_left_out_never_shown(connector, caplog):
    product = example("product_response.json")
    for custom in product["custom_attributes"]:
        if custom["attribute_code"] == "material":
            custom["value"] = "148,999"
        if custom["attribute_code"] == "color":
            custom["value"] = "53"
    answer(product)

    with caplog.at_level(logging.WARNING, logger="connectors.magento.content"):
        attributes = connector.products_read("").items[0].attributes

    assert attributes["material"] == ("LumaTech",)
    assert "color" not in attributes
    assert "no label for option ['53']" in caplog.text


@responses.activate
def test_lookups_are_made_once_per_connector_and_searched_as_documented(connector):
    answer(example("product_response.json"))
    connector.products_read("")
    connector.products_read("")

    assert calls_to("products") == 2
    assert (calls_to("products/attributes"), calls_to("store/storeConfigs")) == (1, 1)
    assert calls_to("categories") == 1
    [search] = [c for c in responses.calls if "/products/attributes" in c.request.url]
    documented = example("attribute_search_request.json")["searchCriteria"]
    documented_field = documented["filter_groups"][0]["filters"][0]["field"]
    assert query(search)[f"{FG}[0][filters][0][field]"] == documented_field
    assert query(search)[f"{FG}[0][filters][0][value]"] == "select,multiselect,boolean,media_image"
    assert query(search)[f"{FG}[0][filters][0][condition_type]"] == "in"


@responses.activate
def test_a_text_only_product_needs_no_media_or_category_lookup(connector):
    product = {"id": 1, "sku": "T-1", "name": "Plain", "custom_attributes": []}
    answer(product)

    assert connector.products_read("").items[0].attributes == {"name": "Plain"}
    assert calls_to("store/storeConfigs") == calls_to("categories") == 0


@responses.activate
def test_a_list_without_category_links_uses_category_ids(connector):
    product = example("product_response.json")
    del product["extension_attributes"]["category_links"]
    answer(product)

    assert connector.products_read("").items[0].categories[:2] == ("Men", "Tops")


@responses.activate
def test_a_failing_attribute_lookup_fails_the_read(connector):
    responses.get(f"{API}/products", json={"items": [example("product_response.json")]})
    responses.get(f"{API}/products/attributes", status=400, json={"message": "Bad filter"})

    with pytest.raises(PermanentError, match="Bad filter"):
        connector.products_read("")


@responses.activate
def test_a_token_without_the_attributes_resource_is_a_config_error(connector):
    responses.get(f"{API}/products", json={"items": [example("product_response.json")]})
    message = "The consumer isn't authorized to access %resources."
    body = {"message": message, "parameters": {"resources": "Magento_Catalog::attributes"}}
    responses.get(f"{API}/products/attributes", status=401, json=body)

    with pytest.raises(ConfigError, match="Magento_Catalog::attributes"):
        connector.products_read("")


@responses.activate
def test_a_store_without_absolute_media_url_fails_instead_of_guessing(sleeps):
    product = example("product_response.json")
    product["custom_attributes"].append({"attribute_code": "image", "value": "/a/b/c.jpg"})
    answer(product)
    responses.replace(
        responses.GET, f"{API}/store/storeConfigs", json=[{"code": "jl_uk", "base_media_url": ""}]
    )

    with pytest.raises(PermanentError, match="no absolute media URL"):
        make(sleeps).products_read("")


# --- the sandbox answers in the documented shapes -------------------------------------------


@pytest.fixture
def seeded(db):
    return services.catalogue_seed(products=12)


def rest(client, path: str, **params):
    response = client.get(f"{REST}/{path}", params, headers=AUTH)
    assert response.status_code == 200, response.content
    return response.json()


def test_sandbox_store_configs_have_the_documented_keys(client, seeded):
    [config] = rest(client, "store/storeConfigs")

    assert list(config) == example("store_configs_keys.json")
    assert config["base_media_url"].endswith("/sandbox/magento/pub/media/")


def test_sandbox_attributes_are_searched_and_shaped_as_documented(client, seeded):
    documented = example("product_attributes_response.json")[0]
    params = {f"searchCriteria[filter_groups][0][filters][0][{k}]": v for k, v in {
        "field": "frontend_input", "value": "select,multiselect", "condition_type": "in"
    }.items()}  # fmt: skip
    body = rest(client, "products/attributes", **params)

    assert set(body) == set(example("attribute_search_request.json")["response_keys"])
    assert {item["frontend_input"] for item in body["items"]} == {"select", "multiselect"}
    color = next(item for item in body["items"] if item["attribute_code"] == "color")
    assert set(color) == set(documented)
    assert color["options"][0] == documented["options"][0]  # the blank option first
    assert {"label": "Navy", "value": "49"} in color["options"]


def test_sandbox_attribute_by_code_and_unknown_code(client, seeded):
    assert rest(client, "products/attributes/size")["frontend_input"] == "select"

    missing = client.get(f"{REST}/products/attributes/fabric", headers=AUTH)

    assert missing.status_code == 404
    assert missing.json()["parameters"] == ["fabric"]


def test_sandbox_category_tree_is_shaped_as_documented(client, seeded):
    documented = example("category_tree_response.json")
    root = rest(client, "categories")

    assert set(root) == set(documented)
    assert (root["name"], root["level"]) == ("Default Category", 1)
    women = root["children_data"][0]
    assert set(women) == set(documented["children_data"][0])
    assert [c["name"] for c in women["children_data"]] == ["Tops", "Knitwear", "Dresses"]
    assert women["children_data"][0]["product_count"] == 1
    assert rest(client, "categories", depth="0")["children_data"] == []


def test_sandbox_products_store_ids_and_paths_like_magento(client, seeded):
    documented = example("product_response.json")
    [shirt] = rest(client, "products", **{"searchCriteria[pageSize]": "1"})["items"]

    assert set(documented) <= set(shirt)
    assert shirt["extension_attributes"]["category_links"][0].keys() == {"position", "category_id"}
    values = {a["attribute_code"]: a["value"] for a in shirt["custom_attributes"]}
    assert values["color"] == "49"  # an option id, as Magento stores it
    assert values["material"].isdigit()
    assert values["image"] == "/l/i/linen-shirt-navy-1.jpg"
    assert values["category_ids"] == [
        str(i) for i in m.Product.objects.get(sku="MG-0001").category_ids
    ]
    entry = shirt["media_gallery_entries"][0]
    assert set(entry) == set(example("product_media_gallery_entries.json")[0])


def test_sandbox_serves_every_media_url_it_hands_out(client, seeded):
    image = client.get("/sandbox/magento/pub/media/catalog/product/l/i/linen-shirt-navy-1.jpg")

    assert image.status_code == 200
    assert image["Content-Type"] == "image/svg+xml"
    assert b"linen shirt navy 1" in image.content


# --- the connector against the sandbox ------------------------------------------------------


def sandbox_connector(adapter: DjangoAppAdapter, token: str = services.DEFAULT_TOKEN):
    session = requests.Session()
    session.mount("http://sandbox.test", adapter)
    return MagentoConnector(
        base_url="http://sandbox.test/sandbox/magento",
        credentials={"access_token": token},
        session=session,
        sleep=lambda seconds: None,
    )


def test_connector_reads_the_sandbox_catalogue_content(seeded):
    adapter = DjangoAppAdapter()
    products = {p.sku: p for p in sandbox_connector(adapter).products_read("").items}

    dress = products["MG-0003"]
    assert (dress.attributes["color"], dress.attributes["size"]) == ("Sage", "12")
    assert dress.attributes["material"] == ("Viscose",)
    assert dress.attributes["manufacturer"] == "Hartley & Rowe"
    assert dress.attributes["machine_washable"] == "Yes"
    assert dress.attributes["weight"] == "0.4"
    assert len(dress.attributes["media_gallery"]) == 4
    assert dress.categories == ("Women", "Dresses", "Women / Dresses")
    assert products["MG-0004"].attributes["material"] == ("Cotton", "Elastane")
    assert "description" not in products["MG-0004"].attributes  # the demo's gaps
    assert not {"image", "media_gallery"} & set(products["MG-0007"].attributes)
    session = requests.Session()
    session.mount("http://", adapter)
    for url in dress.attributes["media_gallery"]:
        assert url.startswith("http://") and session.get(url).status_code == 200


def test_sandbox_refuses_content_lookups_to_a_token_without_their_resources(seeded):
    services.token_create(
        name="products only", token="t-p", resources=["Magento_Catalog::products"]
    )

    with pytest.raises(ConfigError, match="Magento_Catalog::attributes_attributes"):
        sandbox_connector(DjangoAppAdapter(), token="t-p").products_read("")


def test_product_update_and_command_set_and_clear_the_description(seeded):
    call_command(
        "magento_sandbox", "product", "MG-0004", "--description", "<p>Slim.</p>", stdout=StringIO()
    )
    assert m.Product.objects.get(sku="MG-0004").custom_attributes["description"] == "<p>Slim.</p>"

    services.product_update(sku="MG-0004", description="")

    assert "description" not in m.Product.objects.get(sku="MG-0004").custom_attributes


def test_sandbox_category_subtree_by_root_and_unknown_root(client, seeded):
    women = m.Category.objects.get(name="Women")

    subtree = rest(client, "categories", rootCategoryId=str(women.pk))

    assert subtree["name"] == "Women" and len(subtree["children_data"]) == 3
    assert (
        client.get(f"{REST}/categories", {"rootCategoryId": "999999"}, headers=AUTH).status_code
        == 404
    )
