"""Product content from SCAYLE: the cited SDK fixtures (``responses``) and the sandbox.

Field names are SCAYLE's attribute group names; localized values are read for the locale;
list types are tuples; images are absolute (CDN paths joined to the tenant's CDN root);
categories are the master category paths' leaves and full paths.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
import responses
from responses import matchers

from connectors.base import ConfigError
from connectors.scayle import content, contract
from connectors.scayle.sandbox import services
from tests.connectors.scayle.helpers import TOKEN, FakeClock
from tests.connectors.scayle.test_end_to_end import make_connector as sandbox_connector
from tests.support.wsgi_adapter import DjangoAppAdapter

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "scayle"
TENANT = "https://acme-live.admin.api.scayle.cloud/api/admin/v1"
CDN = "https://acme-live.cdn.scayle.cloud/"
API = "/sandbox/scayle/api/admin/v1"


def example(name: str):
    return copy.deepcopy(json.loads((CONTRACTS / name).read_text())["value"])


def tenant_connector(**options):
    from connectors.scayle import ScayleConnector

    clock = FakeClock()
    return ScayleConnector(
        base_url=options.pop("base_url", TENANT),
        credentials={"access_token": TOKEN},
        sleep=clock.sleep,
        clock=clock,
        **{"shop_key": "jl", "country_code": "DE", "currency": "EUR", **options},
    )


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def read_documented(mocked, **options):
    mocked.get(
        f"{options.get('base_url', TENANT)}/products",
        json=example("product_list_response.json"),
        match=[matchers.query_param_matcher({"limit": "100", "with": contract.PRODUCTS_WITH})],
    )
    [item] = tenant_connector(**options).products_read("").items
    return item


# --- the documented answer ------------------------------------------------------------------


def test_the_documented_product_is_read_with_its_full_content(mocked):
    item = read_documented(mocked)
    assert (item.sku, item.title, item.price) == (
        "M00012-black-M",
        "Blue Shirt (M)",
        Decimal("0.80"),
    )
    assert dict(item.attributes) == {
        "name": "Blue Shirt",
        "collection": "unique",
        "season": ("autumn", "winter"),
        "dimensions": "height: 100, width: 30, unit: cm",
        "material": ("name: wool, percentage: 80", "name: cotton, percentage: 20"),
        "size": "M",
        "color": ("white", "black"),
        "image": f"{CDN}images/084dace7d7ff691e97982fa554113c29",
        "images": (
            f"{CDN}images/084dace7d7ff691e97982fa554113c29",
            f"{CDN}images/f829b914fc47cfc9c0747c119c27cf1b",
        ),
    }
    assert item.categories == ("Shirts", "Fashion / Men / Shirts")


def test_localized_values_follow_the_configured_locale(mocked):
    item = read_documented(mocked, locale="de_DE")
    assert (item.title, item.attributes["name"]) == ("Blaues Shirt (M)", "Blaues Shirt")
    assert item.attributes["collection"] == "einzigartig"
    assert item.attributes["color"] == ("weiß", "schwarz")


def test_every_documented_attribute_type_gives_text_or_a_tuple():
    variant = example("product_variant_response.json")
    found = {a["name"]: content.attribute_field(a, "en_GB") for a in variant["attributes"]}
    assert found["size"] == "M"
    assert found["season"] == ("autumn", "winter")
    assert found["collection"] == "unique"
    assert found["color"] == ("white", "black")
    assert found["dimensions"] == "height: 100, width: 80, unit: cm"
    assert all(isinstance(v, str | tuple) for v in found.values())


def test_the_documented_variant_ean_is_the_barcode_without_an_ean_attribute(mocked):
    body = example("product_list_response.json")
    variant = example("product_variant_response.json")
    body["entities"][0]["variants"] = [{**variant, "prices": []}]
    mocked.get(f"{TENANT}/products", json=body)
    [item] = tenant_connector().products_read("").items
    assert (item.barcode, item.attributes["ean"]) == ("0000007619991", "0000007619991")


def test_the_cdn_root_is_the_documented_one_for_the_tenant_space():
    documented = example("media_cdn.json")
    assert content.media_base_for(documented["admin_api"]) == documented["cdn"] + "/"
    assert content.media_base_for("http://127.0.0.1:8000/sandbox/scayle/api/admin/v1") == ""


def test_a_cdn_path_without_a_known_cdn_is_refused_not_passed_on(mocked):
    with pytest.raises(ConfigError, match="media_base_url"):
        read_documented(mocked, base_url="https://scayle-proxy.example/api/admin/v1")


def test_the_media_base_option_resolves_cdn_paths(mocked):
    item = read_documented(
        mocked, base_url="https://scayle-proxy.example/api/admin/v1", media_base_url=CDN
    )
    assert item.attributes["image"] == f"{CDN}images/084dace7d7ff691e97982fa554113c29"


def test_a_locale_missing_falls_back_to_its_language_only():
    assert content.localized({"en_US": "Navy", "de_DE": "Marine"}, "en_GB") == "Navy"
    assert content.localized({"de_DE": "Marine"}, "en_GB") == ""
    attribute = {"name": "color", "type": "localizedString", "value": {"de_DE": "Marine"}}
    assert content.attribute_field(attribute, "en_GB") is None


def test_empty_values_are_left_out(mocked):
    body = example("product_list_response.json")
    product = body["entities"][0]
    product["master"]["attributes"] = [{"name": "season", "type": "simpleList", "value": []}]
    product["attributes"] = [{"name": "fit", "type": "simple", "value": None}]
    product["images"], product["master"]["categories"] = [], {"paths": []}
    mocked.get(f"{TENANT}/products", json=body)
    [item] = tenant_connector().products_read("").items
    assert set(item.attributes) == {"name", "size", "color"}
    assert item.categories == ()


# --- the sandbox ----------------------------------------------------------------------------


def key_paths(value: object, prefix: str = "") -> set[str]:
    """Key paths (list members under ``[]``); attribute values and customData are free-form."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            found.add(path)
            if key not in ("value", "customData", "name"):
                found |= key_paths(child, path)
    elif isinstance(value, list):
        for child in value:
            found |= key_paths(child, prefix + "[]")
    return found


@pytest.mark.django_db
def test_the_sandbox_answers_products_in_the_documented_shape(client):
    services.catalogue_seed(products=2)
    answer = client.get(
        f"{API}/products",
        {"with": contract.PRODUCTS_WITH},
        headers={"X-Access-Token": services.DEFAULT_TOKEN},
    ).json()
    # scayle/admin-api-java-sdk ea75af59429e model/Product.java (createdAt, updatedAt) and
    # model/ProductVariant.java (ean): model fields the list fixture does not fill.
    documented = key_paths(example("product_list_response.json")) | {
        "entities[].createdAt",
        "entities[].updatedAt",
        "entities[].variants[].ean",
    }
    sandbox = key_paths(answer)
    assert sandbox - documented == set()
    for part in ("entities[].master.categories.paths", "entities[].images[].assetUrl",
                 "entities[].variants[].ean", "entities[].attributes[].type"):  # fmt: skip
        assert part in sandbox


@pytest.fixture
def adapter() -> DjangoAppAdapter:
    return DjangoAppAdapter()


def sandbox_items(adapter, **options) -> dict:
    items = sandbox_connector(adapter, **options).products_read("").items
    return {item.sku: item for item in items}


@pytest.mark.django_db
def test_the_connector_reads_the_sandbox_content(adapter):
    services.catalogue_seed(products=6)
    items = sandbox_items(adapter)
    shirt = items["SC-0001-S"]
    assert shirt.attributes["brand"] == "Alder & Rowe"
    assert shirt.attributes["color"] == "Navy"
    assert shirt.attributes["careInstructions"][0] == "Machine wash at 30°C"
    assert shirt.attributes["weight"] == "230 g"
    assert len(shirt.attributes["images"]) == 3
    assert all(url.startswith("https://") for url in shirt.attributes["images"])
    assert shirt.categories == ("Shirts", "Women / Tops / Shirts")
    assert "description" not in items["SC-0003-S"].attributes  # a gap on purpose
    assert "image" not in items["SC-0004-10"].attributes  # no images
    assert items["SC-0005-KG"].title == "Stonewashed Linen Duvet Cover (King)"
    # JSON objects have no key order (PostgreSQL's jsonb stores the sandbox's sorted)
    dimensions = items["SC-0005-KG"].attributes["dimensions"].split(", ")
    assert sorted(dimensions) == ["length: 200", "unit: cm", "width: 200"]


@pytest.mark.django_db
def test_sandbox_cdn_paths_need_the_media_base(adapter):
    services.catalogue_seed(products=1)
    services.product_image_add(reference_key="SC-0001", asset_url="images/0a1b2c3d", view="side")
    with pytest.raises(ConfigError):
        sandbox_items(adapter)
    items = sandbox_items(adapter, media_base_url="https://jl-live.cdn.scayle.cloud")
    assert items["SC-0001-S"].attributes["images"][-1] == (
        "https://jl-live.cdn.scayle.cloud/images/0a1b2c3d"
    )


@pytest.mark.django_db
def test_a_content_change_is_read_again(adapter):
    services.catalogue_seed(products=1)
    connector = sandbox_connector(adapter)
    page = connector.products_read("")
    services.product_content_update(reference_key="SC-0001", category_paths=[["Sale", "Shirts"]])
    again = connector.products_read(page.next_cursor)
    assert {item.categories for item in again.items} == {("Shirts", "Sale / Shirts")}


@pytest.mark.django_db
def test_the_command_adds_an_image_and_refuses_an_unknown_product():
    from django.core.management import CommandError

    from tests.connectors.scayle.test_sandbox import run

    services.catalogue_seed(products=1)
    assert "images/ff00" in run("image", "SC-0001", "images/ff00", "--view", "side")
    with pytest.raises(CommandError):
        run("image", "SC-9999", "images/ff00")
