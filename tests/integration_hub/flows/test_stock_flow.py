"""Stock to the marketplace against the Shopify and Mirakl sandboxes: formula, deltas, ledger."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from connectors.mirakl.sandbox.models import SandboxOffer
from connectors.sandbox.faults import clock_advance
from connectors.shopify.sandbox import services as shopify
from exceptions_queue.models import ExceptionItem, Status
from exceptions_queue.services import exception_retry
from integration_hub.flows.passes import stock_pass
from integration_hub.flows.runner import flow_pass_run
from integration_hub.flows.stock import stock_plan
from integration_hub.models import (
    HubStatus,
    Integration,
    MarketplaceImport,
    Order,
    OrderLine,
    Product,
    StockLedgerEntry,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("source", "buffer", "committed", "expected"),
    [(10, 2, 3, 5), (-4, 0, 0, 0), (3, 5, 0, 0), (10, 0, 12, 0), (0, 0, 0, 0), (7, None, 0, 5)],
)
def test_buffer_formula_edge_cases(hub, source, buffer, committed, expected):
    """pushed = max(0, source - buffer - committed); no buffer of its own = the default (2)."""
    hub.integration.default_buffer = 2
    hub.integration.save()
    Product.objects.filter(integration=hub.integration).delete()
    Product.objects.create(
        integration=hub.integration,
        sku="F-1",
        offer_sku="F-1",
        last_source_qty=source,
        buffer_override=buffer,
    )
    if committed:
        order = Order.objects.create(
            integration=hub.integration,
            marketplace_order_id="C-A",
            commercial_id="C",
            marketplace_state="WAITING_DEBIT_PAYMENT",
            hub_status=HubStatus.ACCEPTED,
        )
        OrderLine.objects.create(
            order=order,
            marketplace_line_id="C-A-1",
            offer_sku="F-1",
            quantity=committed,
            state="WAITING_DEBIT_PAYMENT",
        )
    [(product, taken, pushed)] = stock_plan(Integration.objects.get(pk=hub.integration.pk))
    assert (product.sku, taken, pushed) == ("F-1", committed, expected)


def offers_for(hub, skus):
    for sku in skus:
        SandboxOffer.objects.get_or_create(
            shop=hub.mirakl_shop,
            shop_sku=sku,
            defaults={
                "product_sku": f"P-{sku}",
                "product_title": sku,
                "last_updated": timezone.now(),
            },
        )


def stock(hub):
    run = flow_pass_run(hub.integration, "stock", stock_pass)
    assert run.outcome in ("success", "partial"), run.error
    return run


def settle(hub, passes=3):
    """Let the sandbox finish the imports: the import completes on the third status poll."""
    for _ in range(passes):
        clock_advance("mirakl", 61)
        stock(hub)


def sto01_calls(hub):
    return hub.calls("/api/offers/stock/imports", "POST")


@pytest.fixture
def synced(hub):
    offers_for(hub, hub.skus)
    stock(hub)
    settle(hub)
    return hub


def test_first_pass_pushes_every_sku_in_one_import_and_confirms_it(synced):
    hub = synced
    assert len(sto01_calls(hub)) == 1
    sent = MarketplaceImport.objects.get()
    assert (sent.status, sent.lines, sent.lines_in_error) == ("complete", 5, 0)
    for product in Product.objects.all():
        assert product.last_pushed_qty == 10 and product.last_pushed_at is not None
    assert set(
        SandboxOffer.objects.filter(shop_sku__in=hub.skus).values_list("quantity", flat=True)
    ) == {10}
    entry = StockLedgerEntry.objects.filter(product__sku="SB-0001").get()
    assert (entry.source_qty, entry.buffer, entry.committed, entry.pushed_qty, entry.outcome) == (
        10,
        0,
        0,
        10,
        "confirmed",
    )


def test_only_changed_skus_are_pushed(synced):
    hub = synced
    stock(hub)
    assert len(sto01_calls(hub)) == 1  # nothing changed: nothing sent
    shopify.stock_set(shop=hub.shopify_shop, sku="SB-0003", available=4, location="Warehouse")
    stock(hub)
    assert len(sto01_calls(hub)) == 2
    latest = MarketplaceImport.objects.order_by("-id").first()
    assert latest.lines == 1
    new_total = Product.objects.get(sku="SB-0003").last_source_qty
    assert new_total < 10  # the warehouse went down to 4
    assert list(latest.entries.values_list("product__sku", "pushed_qty")) == [
        ("SB-0003", new_total)
    ]


def test_buffer_and_committed_orders_lower_what_is_pushed(synced):
    hub = synced
    product = Product.objects.get(sku="SB-0002")
    product.buffer_override = 3
    product.save()
    order = Order.objects.create(
        integration=hub.integration,
        marketplace_order_id="X-A",
        commercial_id="X",
        marketplace_state="WAITING_DEBIT_PAYMENT",
        hub_status=HubStatus.ACCEPTED,
    )
    OrderLine.objects.create(
        order=order,
        marketplace_line_id="X-A-1",
        offer_sku="SB-0002",
        quantity=2,
        state="WAITING_DEBIT_PAYMENT",
    )
    stock(hub)
    settle(hub)
    entry = StockLedgerEntry.objects.filter(product=product).order_by("-id").first()
    assert (entry.source_qty, entry.buffer, entry.committed, entry.pushed_qty) == (10, 3, 2, 5)
    assert SandboxOffer.objects.get(shop_sku="SB-0002").quantity == 5


def test_thousands_of_changes_go_in_one_import_per_window(hub):
    skus = [f"BULK-{n:05d}" for n in range(2000)]
    Product.objects.bulk_create(
        Product(
            integration=hub.integration,
            sku=sku,
            offer_sku=sku,
            last_source_qty=n % 7,
            last_source_qty_at=timezone.now(),
        )
        for n, sku in enumerate(skus)
    )
    offers_for(hub, skus[:10])
    stock(hub)
    assert len(sto01_calls(hub)) == 1
    assert MarketplaceImport.objects.get().lines == 2005


def test_rejected_lines_become_one_exception_per_sku_and_retry_resends(synced):
    hub = synced
    Product.objects.create(
        integration=hub.integration,
        sku="NO-OFFER",
        offer_sku="NO-OFFER",
        last_source_qty=3,
        last_source_qty_at=timezone.now(),
    )
    stock(hub)
    settle(hub)
    item = ExceptionItem.objects.get(kind="stock_import_error", status=Status.OPEN)
    assert item.subject_id == "NO-OFFER"
    entry = StockLedgerEntry.objects.get(product__sku="NO-OFFER")
    assert entry.outcome == "rejected" and entry.error
    assert Product.objects.get(sku="NO-OFFER").last_pushed_qty is None
    offers_for(hub, ["NO-OFFER"])
    exception_retry(item.pk)  # re-sends that SKU
    settle(hub)
    item.refresh_from_db()
    assert item.status == Status.RESOLVED
    assert SandboxOffer.objects.get(shop_sku="NO-OFFER").quantity == 3


def test_a_second_import_in_the_same_minute_waits_for_the_next_window(synced):
    hub = synced
    hub.integration.call_limit_mode = "spec"
    hub.integration.save()
    shopify.stock_set(shop=hub.shopify_shop, sku="SB-0004", available=1, location="Warehouse")
    stock(hub)
    shopify.stock_set(shop=hub.shopify_shop, sku="SB-0005", available=2, location="Warehouse")
    run = stock(hub)  # within the same minute: deferred, not dropped
    assert run.counts.get("stock_push_deferred") == 1
    assert len(sto01_calls(hub)) == 2


def test_stale_alarm_raises_and_clears(hub):
    Product.objects.update(last_source_qty_at=timezone.now())  # the source changed just now
    offers_for(hub, hub.skus)
    stock(hub)  # sent, not confirmed yet
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        stock(hub)
        item = ExceptionItem.objects.get(kind="stock_sync_stale", status=Status.OPEN)
        assert item.subject_id == "acme:stock" and "5 SKU stock change(s)" in item.message
        settle(hub)
    item.refresh_from_db()
    assert item.status == Status.RESOLVED


def test_an_invalid_sku_never_raises_the_stale_alarm(hub):
    offers_for(hub, hub.skus)
    stock(hub)
    settle(hub)
    Product.objects.filter(sku="SB-0001").update(
        validation_status="invalid", last_source_qty=3, last_source_qty_at=timezone.now()
    )
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        stock(hub)
    assert not ExceptionItem.objects.filter(kind="stock_sync_stale", status=Status.OPEN).exists()


@pytest.mark.parametrize("stock_on", [True, False])
def test_products_pass_reads_stock_only_when_the_stock_pass_is_off(hub, stock_on):
    from integration_hub.clients import source_connector_for
    from integration_hub.flows.passes import products_pass

    hub.integration.stock_enabled = stock_on
    hub.integration.save()
    shopify.stock_set(shop=hub.shopify_shop, sku="SB-0001", available=3, location="Warehouse")
    [level] = source_connector_for(hub.integration).stock_read(["SB-0001"])
    assert level.available != 10  # the source changed
    flow_pass_run(hub.integration, "products", products_pass)
    product = Product.objects.get(sku="SB-0001")
    assert product.last_source_qty == (10 if stock_on else level.available)
