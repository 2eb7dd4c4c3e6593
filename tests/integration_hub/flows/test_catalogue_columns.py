"""A source value wider than its column is one exception for that SKU; the rest of the read is
stored (issue 18: money and quantities from the sources are range-checked before storing)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.base import Page, SourceProduct, StockLevel
from exceptions_queue.models import ExceptionItem
from integration_hub.flows.catalogue import products_read, stock_levels_read
from integration_hub.models import Product, SyncRun
from integration_hub.services.runs import RunRecorder
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db


class Source:
    def __init__(self, products=(), levels=()):
        self.products, self.levels = list(products), list(levels)

    def products_read(self, cursor):
        return Page(items=self.products, next_cursor="end", has_more=False)

    def stock_read(self):
        return iter(self.levels)


def test_unstorable_products_are_refused_one_by_one(monkeypatch):
    monkeypatch.setattr("integration_hub.flows.sku_validation.products_validate", lambda *a: None)
    integration = integration_make()
    source = Source(
        products=[
            SourceProduct(sku="OK-1", title="Fine", price=Decimal("12.50")),
            SourceProduct(sku="HUGE-1", title="Dear", price=Decimal("99999999999999.99")),
            SourceProduct(sku="L" * 150, title="Long", price=Decimal("1.00")),
        ]
    )
    run = RunRecorder(SyncRun(integration=integration, flow="products"))
    products_read(integration, source, run)
    assert list(Product.objects.values_list("sku", flat=True)) == ["OK-1"]
    items = ExceptionItem.objects.filter(subject_type="sku").order_by("subject_id")
    assert [i.subject_id for i in items] == ["HUGE-1", "L" * 150]
    assert "price 99999999999999.99 has more than 10 digits before the point" in items[0].message
    assert "sku is 150 characters long, at most 100" in items[1].message
    assert run.item_errors == 2


def test_an_unstorable_stock_level_is_refused_and_the_others_stored():
    integration = integration_make()
    for sku in ("A-1", "A-2"):
        Product.objects.create(integration=integration, sku=sku, offer_sku=sku)
    run = RunRecorder(SyncRun(integration=integration, flow="products"))
    levels = [StockLevel("A-1", 10**12), StockLevel("A-2", 7)]
    stock_levels_read(integration, Source(levels=levels), run)
    stored = dict(Product.objects.values_list("sku", "last_source_qty"))
    assert stored == {"A-1": None, "A-2": 7}
    item = ExceptionItem.objects.get(subject_type="sku", subject_id="A-1")
    assert "is not between -2147483648 and 2147483647" in item.message
