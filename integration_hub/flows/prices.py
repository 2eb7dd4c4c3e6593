"""Prices to the marketplace: only SKUs whose price changed, in one PRI01 per window.

PRI01 is delete-and-replace: the file holds every price an offer keeps, so a discount set by
hand in the Mirakl back office is removed by the next push of that offer. The hub owns the
offer price (the source's selling price); it sends no discounts, and nothing at all to a
shop A01 reports as DROPSHIP, whose PRI01 price means the purchase price
(`shop_setting_conflict`; until the first A01 answer the model is unknown and prices go). Each
push writes a price ledger row per SKU; a SKU counts as priced only when PRI02 says the
import completed and PRI03's error report does not name it. A rejected SKU becomes a
`price_import_error` item (owned by merchandising) whose retry sends it again.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from connectors.mirakl.dtos import PriceRow
from connectors.mirakl.limiter import CallDeferred
from exceptions_queue.models import ExceptionItem
from exceptions_queue.models import Status as ExceptionStatus
from exceptions_queue.services import exception_clear, exception_record
from integration_hub.flows.stock import imports_confirm, offer_known_q
from integration_hub.models import (
    Integration,
    MarketplaceImport,
    PriceLedgerEntry,
    Product,
    StockLedgerEntry,
    Validation,
)
from integration_hub.services.runs import RunRecorder
from integration_hub.services.shop_settings import shop_is_dropship

Outcome = StockLedgerEntry.Outcome


def price_plan(integration: Integration):
    """The valid SKUs whose price differs from the last confirmed one (a QuerySet)."""
    in_flight = PriceLedgerEntry.objects.filter(
        product__integration=integration, outcome=Outcome.PENDING
    ).values("product_id")
    rejected = ExceptionItem.objects.filter(
        integration=integration, kind="price_import_error", status=ExceptionStatus.OPEN
    ).values("subject_id")
    products = Product.objects.filter(
        integration=integration, validation_status=Validation.VALID, price__gt=0
    )
    products = products.filter(offer_known_q(integration))  # OF01 sets a new offer's price
    return (
        products.filter(Q(last_pushed_price__isnull=True) | ~Q(last_pushed_price=F("price")))
        .exclude(pk__in=in_flight)
        .exclude(offer_sku__in=rejected)
        .order_by("pk")
    )


def price_push_blocked(integration: Integration, run: RunRecorder) -> bool:
    """True (and one open item) while the shop is DROPSHIP: there PRI01's ``price`` is the
    purchase (wholesale) price and retail prices are rows of their own (``price-type``), so
    the source's selling price would land as the wrong price. The item clears itself once A01
    reports another model."""
    if not shop_is_dropship(integration):
        exception_clear(
            integration=integration,
            kind="shop_setting_conflict",
            subject_type="integration",
            subject_id=integration.name,
            note="the shop is no longer DROPSHIP: prices are sent again",
        )
        return False
    exception_record(
        integration=integration,
        kind="shop_setting_conflict",
        subject_type="integration",
        subject_id=integration.name,
        message=(
            "Prices and new offers not sent: the marketplace reports this shop as DROPSHIP "
            "(A01 model). On a DROPSHIP shop the price of PRI01 and OF01 is the purchase "
            "(wholesale) price the operator pays, not the selling price the hub takes from the "
            "source, so the hub sends no price import and creates no offer rather than a wrong "
            "one. Confirm the shop model with John Lewis."
        ),
    )
    run.add("price_push_refused_dropship")
    return True


def price_push(integration: Integration, client, run: RunRecorder) -> None:
    """Send every changed price in one PRI01 import (the spec allows one a minute)."""
    if price_push_blocked(integration, run):
        return
    plan = list(price_plan(integration).only("pk", "offer_sku", "price", "currency"))
    if not plan:
        return
    rows = [PriceRow(product.offer_sku, product.price) for product in plan]
    try:
        import_id = client.price_import_create(rows=rows)
    except CallDeferred:
        run.add("price_push_deferred")
        return
    with transaction.atomic():
        sent = MarketplaceImport.objects.create(
            integration=integration,
            kind=MarketplaceImport.Kind.PRICE,
            import_id=import_id,
            lines=len(rows),
            submitted_at=timezone.now(),
        )
        PriceLedgerEntry.objects.bulk_create(
            PriceLedgerEntry(
                product=product,
                marketplace_import=sent,
                price=product.price,
                currency=product.currency,
            )
            for product in plan
        )
    run.add("price_skus_sent", len(rows))


def price_confirm(integration: Integration, client, run: RunRecorder) -> None:
    """Poll the running price imports (PRI02) and settle each SKU from PRI03's report."""
    imports_confirm(
        integration,
        MarketplaceImport.Kind.PRICE,
        client.price_import_status,
        client.price_import_errors,
        lambda sent, status, errors: _price_import_settle(sent, status, errors, run),
    )


@transaction.atomic
def _price_import_settle(sent: MarketplaceImport, status: str, errors: dict, run) -> None:
    now = timezone.now()
    failed = status == "FAILED"
    for entry in sent.price_entries.select_related("product"):
        product = entry.product
        message = "the whole import failed" if failed else errors.get(product.offer_sku)
        if message:
            PriceLedgerEntry.objects.filter(pk=entry.pk).update(
                outcome=Outcome.REJECTED, error=message[:500]
            )
            exception_record(
                integration=sent.integration,
                kind="price_import_error",
                subject_type="sku",
                subject_id=product.offer_sku,
                payload={"product_id": product.pk},
                message=(
                    f"The marketplace rejected price {entry.price} {entry.currency} for offer "
                    f"SKU {product.offer_sku!r} (import {sent.import_id}): {message}"
                ),
            )
            run.add("price_skus_rejected")
            continue
        PriceLedgerEntry.objects.filter(pk=entry.pk).update(
            outcome=Outcome.CONFIRMED, confirmed_at=now
        )
        Product.objects.filter(pk=product.pk).update(
            last_pushed_price=entry.price, last_pushed_price_at=now
        )
        if product.drift_found_at is not None:
            from integration_hub.flows.offers_audit import drift_repaired

            drift_repaired(product, f"import {sent.import_id} set price {entry.price} again")
        exception_clear(
            integration=sent.integration,
            kind="price_import_error",
            subject_type="sku",
            subject_id=product.offer_sku,
            note=f"import {sent.import_id} confirmed {entry.price}",
        )
        run.add("price_skus_confirmed")
    sent.status = MarketplaceImport.Status.FAILED if failed else MarketplaceImport.Status.COMPLETE
    sent.lines_in_error = sent.lines if failed else len(errors)
    sent.finished_at = now
    sent.save(update_fields=["status", "lines_in_error", "finished_at"])


def prices_pass(integration: Integration, run: RunRecorder) -> None:
    """Settle running price imports, then push the prices that changed.

    Prices come from the catalogue (the products pass); this pass only publishes them.
    """
    from integration_hub.clients import marketplace_client_for

    client = marketplace_client_for(integration)
    price_confirm(integration, client, run)
    price_push(integration, client, run)
