"""Drift audit (OF52-54) against the Mirakl sandbox: drift found, reported, repaired."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from connectors.mirakl.sandbox.models import SandboxOffer
from connectors.sandbox.faults import clock_advance
from exceptions_queue.models import ExceptionItem, Status
from integration_hub.flows.offers_audit import offers_audit_pass
from integration_hub.flows.runner import flow_pass_run
from integration_hub.models import HubStatus, Order, OrderLine, Product, StockLedgerEntry
from tests.integration_hub.flows.test_prices_flow import prices
from tests.integration_hub.flows.test_stock_flow import offers_for, settle, stock

pytestmark = pytest.mark.django_db


def audit(hub):
    """Ask for the export, then collect it (the sandbox completes it on the second poll)."""
    runs = []
    for _ in range(3):
        run = flow_pass_run(hub.integration, "offers_audit", offers_audit_pass)
        assert run.outcome == "success", run.error
        runs.append(run.counts)
        if "offers_checked" in run.counts:
            return run.counts
    raise AssertionError(f"the export never completed: {runs}")


def drift_items():
    return ExceptionItem.objects.filter(kind="stock_drift", status=Status.OPEN)


@pytest.fixture
def published(hub):
    """Stock (10 each) and prices confirmed on the marketplace."""
    offers_for(hub, hub.skus)
    stock(hub)
    settle(hub)
    Product.objects.filter(integration=hub.integration).update(price=Decimal("15.00"))
    prices(hub)
    for _ in range(3):
        clock_advance("mirakl", 61)
        prices(hub)
    assert set(Product.objects.values_list("last_pushed_price", flat=True)) == {Decimal("15.00")}
    return hub


def test_no_drift_when_the_marketplace_shows_what_the_hub_confirmed(published):
    counts = audit(published)
    assert counts["offers_checked"] == 5 and counts["skus_drifted"] == 0
    assert not drift_items().exists()
    product = Product.objects.get(sku="SB-0001")
    assert (product.marketplace_qty, product.marketplace_price) == (10, Decimal("15.00"))
    assert product.marketplace_checked_at is not None


def test_stock_drift_is_reported_repaired_and_resolved(published):
    hub = published
    SandboxOffer.objects.filter(shop_sku="SB-0003").update(quantity=42)  # changed by hand
    counts = audit(hub)
    assert counts["skus_drifted"] == 1
    item = drift_items().get()
    assert item.subject_id == "SB-0003" and "shows 42 units" in item.message
    assert Product.objects.get(sku="SB-0003").drift_found_at is not None
    stock(hub)  # the next stock pass re-sends 10
    entry = StockLedgerEntry.objects.filter(product__sku="SB-0003").order_by("-id").first()
    assert (entry.reason, entry.pushed_qty) == ("drift", 10)
    settle(hub)
    assert SandboxOffer.objects.get(shop_sku="SB-0003").quantity == 10
    item.refresh_from_db()
    assert item.status == Status.RESOLVED
    assert Product.objects.get(sku="SB-0003").drift_found_at is None


def test_price_drift_is_repaired_by_the_prices_pass(published):
    hub = published
    offer = SandboxOffer.objects.get(shop_sku="SB-0002")
    offer.prices = [{"price": "11.00", "discount_price": None}]
    offer.save()
    audit(hub)
    item = drift_items().get()
    assert "price 11.00" in item.message
    prices(hub)
    for _ in range(3):
        clock_advance("mirakl", 61)
        prices(hub)
    assert SandboxOffer.objects.get(shop_sku="SB-0002").prices[0]["price"] == "15.00"
    item.refresh_from_db()
    assert item.status == Status.RESOLVED


def test_units_ordered_since_the_push_are_not_drift(published):
    hub = published
    order = Order.objects.create(
        integration=hub.integration,
        marketplace_order_id="D-1-A",
        commercial_id="D-1",
        marketplace_state="SHIPPING",
        hub_status=HubStatus.INJECTED,
        marketplace_created_at=timezone.now() + dt.timedelta(seconds=1),
    )
    OrderLine.objects.create(
        order=order,
        marketplace_line_id="D-1-A-1",
        offer_sku="SB-0001",
        quantity=3,
        state="SHIPPING",
    )
    SandboxOffer.objects.filter(shop_sku="SB-0001").update(quantity=7)  # Mirakl took 3 off
    assert audit(hub)["skus_drifted"] == 0


def test_a_missing_offer_waits_for_a_person_then_clears(published):
    hub = published
    SandboxOffer.objects.filter(shop_sku="SB-0005").delete()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1)):
        counts = audit(hub)
    assert counts["offers_missing"] == 1
    item = drift_items().get()
    assert "not on the marketplace" in item.message
    stock(hub)
    assert not StockLedgerEntry.objects.filter(product__sku="SB-0005", reason="drift").exists()
    SandboxOffer.objects.create(
        shop=hub.mirakl_shop,
        shop_sku="SB-0005",
        product_sku="P-SB-0005",
        product_title="back",
        quantity=10,
        prices=[{"price": "15.00"}],
        last_updated=timezone.now(),
    )
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        audit(hub)
    item.refresh_from_db()
    assert item.status == Status.RESOLVED


def test_a_full_export_is_asked_for_once_per_interval(published):
    hub = published
    audit(hub)
    flow_pass_run(hub.integration, "offers_audit", offers_audit_pass)
    assert len(hub.calls("/api/offers/export/async", "POST")) == 1
    with time_machine.travel(timezone.now() + dt.timedelta(hours=24, minutes=1)):
        flow_pass_run(hub.integration, "offers_audit", offers_audit_pass)
    assert len(hub.calls("/api/offers/export/async", "POST")) == 2
