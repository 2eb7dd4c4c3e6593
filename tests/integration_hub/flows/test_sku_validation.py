"""Validation before publishing: bad EANs, missing fields, non-positive prices, twin EANs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.shopify.sandbox import services as shopify
from exceptions_queue.models import ExceptionItem, Status
from exceptions_queue.services import exception_retry
from integration_hub.flows.catalogue import products_pass
from integration_hub.flows.prices import price_plan
from integration_hub.flows.runner import flow_pass_run
from integration_hub.flows.sku_validation import products_validate, sku_problems
from integration_hub.flows.stock import stock_plan
from integration_hub.models import Product

pytestmark = pytest.mark.django_db

GOOD = "5012345678900"  # valid EAN-13
ALSO_GOOD = "4006381333931"
ALL = frozenset({"ean", "title", "price"})


def problems(ean="", title="T", price=Decimal("10.00"), required=ALL, owners=None):
    values = {"sku": "A", "ean": ean, "title": title, "price": price}
    return [(p["kind"], p["message"]) for p in sku_problems(values, required, owners or {})]


def test_a_complete_sku_has_no_problem():
    assert problems(ean=GOOD) == []


@pytest.mark.parametrize(
    ("ean", "why"),
    [
        ("5012345678901", "wrong check digit"),
        ("501234567891", "wrong check digit"),  # 12 digits: UPC-A, also checked
        ("50123", "must be 8, 12, 13 or 14 digits"),
        ("50123456789OO", "must be 8, 12, 13 or 14 digits"),
        ("5.01235E+12", "spreadsheet shortened"),
    ],
)
def test_bad_eans_are_invalid_ean(ean, why):
    [(kind, message)] = problems(ean=ean)
    assert kind == "invalid_ean" and why in message


def test_missing_fields_the_source_carries_are_missing_attributes():
    found = problems(ean="", title=" ", price=None)
    assert found == [
        ("missing_attribute", "no EAN / GTIN"),
        ("missing_attribute", "no title"),
        ("missing_attribute", "no price"),
    ]


def test_a_source_without_a_product_master_requires_nothing_but_checks_what_is_there():
    assert problems(ean="", title="", price=None, required=frozenset()) == []
    assert problems(ean="123", title="", price=None, required=frozenset())[0][0] == "invalid_ean"


@pytest.mark.parametrize("price", [Decimal("0"), Decimal("-1.50")])
def test_a_price_not_above_zero_is_refused(price):
    assert problems(ean=GOOD, price=price) == [
        ("missing_attribute", f"price {price} is not above zero")
    ]


def make(hub, sku, **fields):
    values = {"title": sku, "price": Decimal("12.00"), "ean": GOOD, "last_source_qty": 5}
    values.update(fields)
    return Product.objects.create(integration=hub.integration, sku=sku, offer_sku=sku, **values)


def open_items(kind):
    return ExceptionItem.objects.filter(kind=kind, status=Status.OPEN)


def test_invalid_skus_get_one_exception_each_and_are_neither_stocked_nor_priced(hub):
    Product.objects.filter(integration=hub.integration).delete()
    make(hub, "OK", ean=ALSO_GOOD)
    make(hub, "BAD-EAN", ean="5012345678901")
    make(hub, "TWIN-1", ean=GOOD)
    make(hub, "TWIN-2", ean=GOOD)
    make(hub, "NO-PRICE", ean="96385074", price=None)
    make(hub, "FREE", ean="12345670", price=Decimal("0"))
    counts = products_validate(hub.integration)
    assert counts == {"valid": 1, "invalid": 5, "changed": 5}
    assert sorted(open_items("invalid_ean").values_list("subject_id", flat=True)) == [
        "BAD-EAN",
        "TWIN-1",
        "TWIN-2",
    ]
    assert "also on TWIN-2" in open_items("invalid_ean").get(subject_id="TWIN-1").message
    assert sorted(open_items("missing_attribute").values_list("subject_id", flat=True)) == [
        "FREE",
        "NO-PRICE",
    ]
    assert open_items("invalid_ean").first().owner == "merchandising"
    assert [p.sku for p, _taken, _pushed in stock_plan(hub.integration)] == ["OK"]
    assert list(price_plan(hub.integration).values_list("sku", flat=True)) == ["OK"]
    # validating again changes nothing and opens nothing new
    assert products_validate(hub.integration)["changed"] == 0
    assert ExceptionItem.objects.filter(kind__in=["invalid_ean", "missing_attribute"]).count() == 5


def test_a_fixed_sku_is_cleared_and_published(hub):
    Product.objects.filter(integration=hub.integration).delete()
    make(hub, "A", ean=GOOD)
    make(hub, "B", ean=GOOD)
    products_validate(hub.integration)
    assert open_items("invalid_ean").count() == 2
    Product.objects.filter(sku="B").update(ean=ALSO_GOOD)
    products_validate(hub.integration)
    assert open_items("invalid_ean").count() == 0
    assert ExceptionItem.objects.filter(kind="invalid_ean", status=Status.RESOLVED).count() == 2
    assert sorted(p.sku for p, _t, _q in stock_plan(hub.integration)) == ["A", "B"]


def test_the_catalogue_pass_validates_and_the_retry_reads_the_fixed_source(hub):
    Product.objects.filter(integration=hub.integration).delete()
    shopify.product_update(shop=hub.shopify_shop, sku="SB-0002", barcode="5012345678901")
    run = flow_pass_run(hub.integration, "products", products_pass)
    assert run.counts.get("skus_invalid") == 1
    item = open_items("invalid_ean").get()
    assert item.subject_id == "SB-0002"
    assert Product.objects.get(sku="SB-0002").validation_status == "invalid"
    exception_retry(item.pk)  # the source is still wrong: still open
    item.refresh_from_db()
    assert item.status == Status.OPEN
    shopify.product_update(shop=hub.shopify_shop, sku="SB-0002", barcode=ALSO_GOOD)
    exception_retry(item.pk)
    item.refresh_from_db()
    assert item.status == Status.RESOLVED
    assert Product.objects.get(sku="SB-0002").validation_status == "valid"
