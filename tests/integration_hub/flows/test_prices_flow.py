"""Prices to the marketplace (PRI01-03) against the Mirakl sandbox: deltas, ledger, rejections."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.mirakl.sandbox.models import SandboxOffer
from connectors.sandbox.faults import clock_advance
from exceptions_queue.models import ExceptionItem, Status
from exceptions_queue.services import exception_retry
from integration_hub.flows.prices import prices_pass
from integration_hub.flows.runner import flow_pass_run
from integration_hub.models import MarketplaceImport, PriceLedgerEntry, Product
from tests.integration_hub.flows.test_stock_flow import offers_for

pytestmark = pytest.mark.django_db


def prices(hub):
    run = flow_pass_run(hub.integration, "prices", prices_pass)
    assert run.outcome in ("success", "partial"), run.error
    return run


def settle(hub, passes=3):
    for _ in range(passes):
        clock_advance("mirakl", 61)
        prices(hub)


def pri01_calls(hub):
    return hub.calls("/api/offers/pricing/imports", "POST")


def marketplace_price(sku):
    return Decimal(SandboxOffer.objects.get(shop_sku=sku).prices[0]["price"])


@pytest.fixture
def priced(hub):
    for n, product in enumerate(Product.objects.filter(integration=hub.integration), start=1):
        product.price = Decimal(f"{n}0.00")
        product.save()
    offers_for(hub, hub.skus)
    prices(hub)
    settle(hub)
    return hub


def test_every_price_goes_in_one_import_and_is_confirmed(priced):
    hub = priced
    assert len(pri01_calls(hub)) == 1
    sent = MarketplaceImport.objects.get(kind="price")
    assert (sent.status, sent.lines, sent.lines_in_error) == ("complete", 5, 0)
    assert marketplace_price("SB-0002") == Decimal("20.00")
    product = Product.objects.get(sku="SB-0002")
    assert product.last_pushed_price == Decimal("20.00") and product.last_pushed_price_at
    entry = PriceLedgerEntry.objects.get(product=product)
    assert (entry.price, entry.outcome, entry.marketplace_import_id) == (
        Decimal("20.00"),
        "confirmed",
        sent.pk,
    )


def test_only_changed_prices_are_sent(priced):
    hub = priced
    prices(hub)
    assert len(pri01_calls(hub)) == 1  # nothing changed: nothing sent
    Product.objects.filter(sku="SB-0004").update(price=Decimal("44.50"))
    prices(hub)
    latest = MarketplaceImport.objects.filter(kind="price").order_by("-id").first()
    assert len(pri01_calls(hub)) == 2
    assert list(latest.price_entries.values_list("product__sku", "price")) == [
        ("SB-0004", Decimal("44.50"))
    ]
    settle(hub)
    assert marketplace_price("SB-0004") == Decimal("44.50")


def test_an_invalid_or_priceless_sku_is_not_priced(hub):
    offers_for(hub, hub.skus)
    Product.objects.filter(sku="SB-0001").update(price=Decimal("5.00"))
    Product.objects.filter(sku="SB-0002").update(price=Decimal("6.00"), validation_status="invalid")
    prices(hub)
    sent = MarketplaceImport.objects.get(kind="price")
    assert list(sent.price_entries.values_list("product__sku", flat=True)) == ["SB-0001"]


def test_a_rejected_price_is_one_exception_and_the_retry_sends_it_again(priced):
    hub = priced
    Product.objects.create(
        integration=hub.integration, sku="NEW", offer_sku="NEW", price=Decimal("9.99")
    )
    prices(hub)
    settle(hub)
    item = ExceptionItem.objects.get(kind="price_import_error", status=Status.OPEN)
    assert item.subject_id == "NEW" and item.owner == "merchandising"
    assert PriceLedgerEntry.objects.get(product__sku="NEW").outcome == "rejected"
    prices(hub)  # still rejected: not re-sent by itself
    assert PriceLedgerEntry.objects.filter(product__sku="NEW").count() == 1
    offers_for(hub, ["NEW"])
    exception_retry(item.pk)
    exception_retry(item.pk)  # pressed twice: one more import, not two
    assert PriceLedgerEntry.objects.filter(product__sku="NEW").count() == 2
    settle(hub)
    item.refresh_from_db()
    assert item.status == Status.RESOLVED
    assert marketplace_price("NEW") == Decimal("9.99")


def test_a_second_price_import_in_the_same_minute_waits(priced):
    hub = priced
    hub.integration.call_limit_mode = "spec"
    hub.integration.save()
    Product.objects.filter(sku="SB-0001").update(price=Decimal("1.23"))
    prices(hub)
    Product.objects.filter(sku="SB-0003").update(price=Decimal("3.21"))
    run = prices(hub)
    assert run.counts.get("price_push_deferred") == 1
    assert len(pri01_calls(hub)) == 2
