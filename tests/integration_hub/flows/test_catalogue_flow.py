"""Catalogue publishing against the Mirakl sandbox: H11/PM11/VL11, P41-P47, OF01-OF03.

The products carry their source content directly (the source connectors' reading of it has
its own tests), so each case shows one step of the path a SKU takes to ``live``.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.mirakl.sandbox.models import SandboxOffer
from connectors.sandbox.faults import clock_advance
from connectors.sandbox.models import SandboxFault
from exceptions_queue.models import ExceptionItem, Status
from exceptions_queue.services import exception_retry
from integration_hub.flows.catalogue_publish import _lines_settle, catalogue_pass
from integration_hub.flows.catalogue_structure import CURSOR as STRUCTURE_CURSOR
from integration_hub.flows.listings import listings_refresh
from integration_hub.flows.offers_audit import SEEN as OFFERS_SEEN
from integration_hub.flows.orders_pull import cursor_set
from integration_hub.flows.runner import flow_pass_run
from integration_hub.flows.stock import stock_plan
from integration_hub.models import (
    AttributeMapping,
    CatalogueImport,
    CatalogueImportLine,
    CategoryMapping,
    MarketplaceAttribute,
    MarketplaceCategory,
    Product,
    ValueMapping,
)

pytestmark = pytest.mark.django_db

EANS = ["5012345678900", "5000000000012", "4006381333931"]


def dress(n: int, **content) -> dict:
    base = {
        "name": f"Linen Wrap Dress {n}",
        "body": "A relaxed linen dress with a wrap front.",
        "vendor": "Seasalt",
        "image": f"https://cdn.example.com/dress-{n}.jpg",
        "colour": "Navy",
        "size": "UK 12",
        "material": "Linen",
        "weight": "0.4",
    }
    base.update(content)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture
def shop(hub):
    integration = hub.integration
    integration.catalogue_enabled = True
    integration.default_buffer = 2
    integration.save()
    Product.objects.filter(integration=integration).delete()
    for n, ean in enumerate(EANS, start=1):
        Product.objects.create(
            integration=integration,
            sku=f"DR-{n}",
            offer_sku=f"DR-{n}",
            ean=ean,
            title=f"Dress {n}",
            price=Decimal("59.00"),
            last_source_qty=10,
            source_content=dress(n),
            source_categories=["Women", "Women / Dresses"],
        )
    CategoryMapping.objects.create(
        integration=integration,
        source_category="Women / Dresses",
        marketplace_category="FASHION-WOMENS-DRESSES",
    )
    for attribute, source in [
        ("title", "name"),
        ("description", "body"),
        ("brand", "vendor"),
        ("ean", "ean"),
        ("main_image", "image"),
        ("colour", "colour"),
        ("size", "size"),
        ("material", "material"),
        ("weight_kg", "weight"),
    ]:
        AttributeMapping.objects.create(
            integration=integration, marketplace_attribute=attribute, source_field=source
        )
    ValueMapping.objects.create(
        integration=integration,
        marketplace_attribute="size",
        source_value="UK 12",
        marketplace_value="UK12",
    )
    return hub


def offers_seen(hub):
    """As if the offers audit had read the marketplace's offer list (none of these SKUs)."""
    cursor_set(hub.integration, OFFERS_SEEN, "2026-12-01T00:00:00+00:00")


def catalogue(hub):
    run = flow_pass_run(hub.integration, "catalogue", catalogue_pass)
    assert run.outcome in ("success", "partial"), run.error
    return run


def settle(hub, passes=5):
    for _ in range(passes):
        clock_advance("mirakl", 61)
        catalogue(hub)


def statuses() -> dict[str, str]:
    return dict(Product.objects.values_list("sku", "listing_status"))


def p41_calls(hub):
    return hub.calls("/api/products/imports", "POST")


def of01_calls(hub):
    return hub.calls("/api/offers/imports", "POST")


def open_items(kind: str) -> list[ExceptionItem]:
    return list(ExceptionItem.objects.filter(kind=kind, status=Status.OPEN).order_by("pk"))


def test_structure_is_pulled_and_a_failed_pull_keeps_the_copy(shop):
    catalogue(shop)
    categories = MarketplaceCategory.objects.filter(integration=shop.integration).count()
    attributes = MarketplaceAttribute.objects.filter(integration=shop.integration).count()
    assert categories >= 10 and attributes >= 20
    size = MarketplaceAttribute.objects.get(code="size", hierarchy_code="FASHION-WOMENS")
    assert size.values_list == "SIZES_WOMENS" and size.requirement_level == "REQUIRED"
    SandboxFault.objects.create(system="mirakl", path_contains="/api/values_lists", kind="500")
    cursor_set(shop.integration, STRUCTURE_CURSOR, "2026-01-01T00:00:00+00:00")  # an hour on
    run = catalogue(shop)
    assert run.counts.get("structure_pull_failed") == 1
    assert MarketplaceCategory.objects.filter(integration=shop.integration).count() == categories
    assert MarketplaceAttribute.objects.filter(integration=shop.integration).count() == attributes


def test_a_sku_goes_from_ready_to_live_through_p41_p45_and_of01(shop):
    catalogue(shop)
    assert set(statuses().values()) == {"submitted"}
    assert len(p41_calls(shop)) == 1
    sent = CatalogueImport.objects.get(kind="products")
    assert sent.lines == 3 and not sent.finished
    settle(shop)
    assert statuses() == {"DR-1": "live", "DR-2": "live", "DR-3": "live"}
    assert len(p41_calls(shop)) == 1 and len(of01_calls(shop)) == 1
    offer = SandboxOffer.objects.get(shop_sku="DR-2")
    assert offer.ean == EANS[1] and offer.quantity == 8  # 10 in the source, buffer 2
    product = Product.objects.get(sku="DR-2")
    assert product.last_pushed_qty == 8 and product.last_pushed_price == Decimal("59.00")
    lines = CatalogueImportLine.objects.filter(sku="DR-2").order_by("pk")
    assert [(line.catalogue_import.kind, line.outcome) for line in lines] == [
        ("products", "accepted"),
        ("offers", "accepted"),
    ]
    settle(shop, passes=2)
    assert len(p41_calls(shop)) == 1 and len(of01_calls(shop)) == 1  # nothing changed: no call


def test_before_the_hub_has_seen_the_offers_every_sku_gets_its_stock(shop):
    """An offer the hub has not seen may sell: until the first offers audit, stock goes to
    every SKU, as without catalogue publishing (a refused line is an ordinary exception)."""
    planned = {product.sku for product, _taken, _pushed in stock_plan(shop.integration)}
    assert planned == {"DR-1", "DR-2", "DR-3"}


def test_nothing_is_sent_before_a_sku_is_live_and_stock_follows_after(shop):
    offers_seen(shop)
    catalogue(shop)
    assert stock_plan(shop.integration) == []  # no offer yet: STO01 would be refused
    settle(shop)
    Product.objects.filter(sku="DR-1").update(last_source_qty=20)
    planned = {product.sku: pushed for product, _taken, pushed in stock_plan(shop.integration)}
    assert planned == {"DR-1": 18}


def test_an_incomplete_sku_is_not_sent_and_clears_after_a_mapping_fix(shop):
    Product.objects.filter(sku="DR-3").update(source_content=dress(3, colour="Midnight", size=None))
    catalogue(shop)
    assert statuses()["DR-3"] == "incomplete"
    product = Product.objects.get(sku="DR-3")
    assert {(p["attribute"], p["kind"]) for p in product.listing_problems} == {
        ("colour", "invalid"),
        ("size", "missing"),
    }
    assert [i.subject_id for i in open_items("missing_attribute")] == ["DR-3"]
    assert [i.subject_id for i in open_items("invalid_attribute_value")] == ["DR-3"]
    sent = CatalogueImport.objects.get(kind="products")
    assert sorted(sent.import_lines.values_list("sku", flat=True)) == ["DR-1", "DR-2"]
    ValueMapping.objects.create(
        integration=shop.integration,
        marketplace_attribute="colour",
        source_value="Midnight",
        marketplace_value="NAVY",
    )
    Product.objects.filter(sku="DR-3").update(source_content=dress(3, colour="Midnight"))
    listings_refresh(shop.integration)
    assert statuses()["DR-3"] == "ready"
    assert open_items("missing_attribute") == [] and open_items("invalid_attribute_value") == []
    settle(shop, passes=8)
    assert statuses()["DR-3"] == "live"
    assert len(p41_calls(shop)) == 2  # the second file carried DR-3 only
    second = CatalogueImport.objects.filter(kind="products").order_by("sent_at").last()
    assert list(second.import_lines.values_list("sku", flat=True)) == ["DR-3"]


def test_a_refused_product_is_one_exception_that_clears_after_a_fix_and_a_resend(shop):
    Product.objects.filter(sku="DR-2").update(
        source_content=dress(2, image="https://cdn.example.com/dress-2.gif")
    )
    catalogue(shop)
    settle(shop)
    assert statuses()["DR-2"] == "rejected"
    [item] = open_items("product_import_error")
    assert item.subject_id == "DR-2" and "main_image" in item.message
    product = Product.objects.get(sku="DR-2")
    assert any(p["kind"] == "rejected" for p in product.listing_problems)
    settle(shop, passes=2)
    assert len(p41_calls(shop)) == 1  # the same record is not sent again
    Product.objects.filter(sku="DR-2").update(source_content=dress(2))
    settle(shop, passes=8)
    assert statuses()["DR-2"] == "live"
    assert open_items("product_import_error") == []
    assert ExceptionItem.objects.get(pk=item.pk).status == Status.RESOLVED


def test_retrying_a_refused_product_sends_it_once_more(shop):
    Product.objects.filter(sku="DR-2").update(
        source_content=dress(2, image="https://cdn.example.com/dress-2.gif")
    )
    catalogue(shop)
    settle(shop)
    [item] = open_items("product_import_error")
    assert exception_retry(item.pk) == "still_failing"
    assert statuses()["DR-2"] in ("submitted", "ready")
    assert len(p41_calls(shop)) == 2
    exception_retry(item.pk)  # pressed twice: nothing more is sent while one is unfinished
    assert len(p41_calls(shop)) == 2


def test_one_product_import_per_window(shop):
    catalogue(shop)
    settle(shop)
    shop.integration.call_limit_mode = "spec"
    shop.integration.save()
    Product.objects.filter(sku="DR-1").update(source_content=dress(1, name="Renamed dress"))
    catalogue(shop)
    assert len(p41_calls(shop)) == 2
    CatalogueImport.objects.filter(kind="products").update(finished=True)  # as if done
    Product.objects.filter(sku="DR-2").update(source_content=dress(2, name="Renamed too"))
    run = catalogue(shop)
    assert run.counts.get("products_send_deferred") == 1  # P41: once every 15 minutes
    assert len(p41_calls(shop)) == 2


def test_a_refused_offer_is_an_exception_and_not_sent_again(shop):
    shop.integration.offer_state = "99"  # an offer condition the marketplace does not know
    shop.integration.save()
    catalogue(shop)
    settle(shop)
    items = open_items("offer_import_error")
    assert sorted(i.subject_id for i in items) == ["DR-1", "DR-2", "DR-3"]
    assert set(statuses().values()) == {"integrated"}
    settle(shop, passes=2)
    assert len(of01_calls(shop)) == 1
    shop.integration.offer_state = "11"
    shop.integration.save()
    assert exception_retry(items[0].pk) == "still_failing"
    settle(shop)
    assert statuses()[items[0].subject_id] == "live"
    assert ExceptionItem.objects.get(pk=items[0].pk).status == Status.RESOLVED


def test_a_report_line_for_an_unknown_sku_is_recorded(shop):
    catalogue(shop)
    sent = CatalogueImport.objects.get(kind="products")
    _lines_settle(sent, rejected={"GHOST": ("1000|The attribute 'colour' is required", ())})
    sent.refresh_from_db()
    assert sent.finished and sent.answer["unknown_skus"] == ["GHOST"]


def test_switching_it_on_never_stops_the_stock_of_an_offer_that_already_sells(shop):
    offers_seen(shop)
    Product.objects.filter(sku="DR-1").update(last_pushed_qty=8, last_source_qty=3)
    planned = {product.sku: pushed for product, _taken, pushed in stock_plan(shop.integration)}
    assert planned == {"DR-1": 1}  # confirmed before: its offer exists; DR-2/3 wait for OF01


def test_a_transformation_error_p47_names_the_sku_and_its_attribute(shop):
    """The hub does not know John Lewis takes leaf categories only; the marketplace says so."""
    CategoryMapping.objects.filter(integration=shop.integration).update(
        marketplace_category="FASHION-WOMENS"
    )
    catalogue(shop)
    settle(shop)
    assert set(statuses().values()) == {"rejected"}
    items = open_items("product_import_error")
    assert len(items) == 3 and "category" in items[0].message
    line = CatalogueImportLine.objects.filter(sku="DR-1").get()
    assert line.outcome == "rejected" and "FASHION-WOMENS" in line.message
    assert line.attributes == []  # the quoted category code is a value, not an attribute


def test_a_stock_line_refused_before_the_offer_existed_is_settled_by_of01(shop):
    from exceptions_queue.services import exception_record

    item = exception_record(
        integration=shop.integration,
        kind="stock_import_error",
        subject_type="sku",
        subject_id="DR-1",
        message="The offer with sku 'DR-1' does not exist",
    )
    catalogue(shop)
    settle(shop)
    assert statuses()["DR-1"] == "live"
    assert ExceptionItem.objects.get(pk=item.pk).status == Status.RESOLVED


def test_a_refused_update_of_a_live_product_is_not_sent_again_as_is(shop):
    catalogue(shop)
    settle(shop)
    assert statuses()["DR-1"] == "live"
    Product.objects.filter(sku="DR-1").update(
        source_content=dress(1, image="https://cdn.example.com/dress-1.gif")
    )
    settle(shop, passes=6)
    assert statuses()["DR-1"] == "live"  # the offer still sells
    assert [i.subject_id for i in open_items("product_import_error")] == ["DR-1"]
    assert len(p41_calls(shop)) == 2  # the refused update waits for a change or a retry


def test_a_dropship_shop_gets_no_offer_with_a_selling_price(shop):
    from integration_hub.models import MarketplaceShop

    MarketplaceShop.objects.create(integration=shop.integration, model="DROPSHIP")
    catalogue(shop)
    settle(shop)
    assert set(statuses().values()) == {"integrated"}
    assert of01_calls(shop) == []
    [item] = open_items("shop_setting_conflict")
    assert "OF01" in item.message
