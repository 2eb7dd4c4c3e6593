"""Drift audit: what the marketplace shows (OF52-54 offer export) vs what the hub confirmed.

The pass runs every few minutes but starts a full export only once per audit interval
(``HUB_DRIFT_AUDIT_HOURS``, default 24; Mirakl allows one full export a day). The export is
asynchronous, so one pass asks for it (OF52) and a later one collects it (OF53 status, OF54
chunks) and compares every offer with the hub:

* **stock**: the hub expects the last confirmed quantity minus the units ordered on the
  marketplace since that push (Mirakl takes ordered units off the offer by itself). A SKU
  whose marketplace quantity is neither that nor what the formula says now has drifted;
* **price**: the marketplace's base price (``origin_price``, else ``price``) differs from
  the last confirmed price and from the current one;
* **missing**: the hub has confirmed stock for the offer SKU but the export does not have it.

A drifted SKU is reported (one ``stock_drift`` item per SKU) and repaired: the hub records
what the marketplace really shows as the last pushed value, so the next stock/price pass
sends the right one (ledger reason "drift"); that confirmation resolves the item. A missing
offer cannot be repaired by a stock push: it waits for a person. SKUs with an import still
running, or pushed after the export was requested, are not judged.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import OuterRef, Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from connectors.mirakl.limiter import CallDeferred
from exceptions_queue.services import exception_clear, exception_record
from integration_hub.flows.orders_pull import cursor_get, cursor_set
from integration_hub.models import (
    Integration,
    OrderLine,
    PriceLedgerEntry,
    Product,
    StockLedgerEntry,
)
from integration_hub.services.runs import RunRecorder

TRACKING = "offers_audit.tracking_id"
REQUESTED = "offers_audit.requested_at"
FINISHED = "offers_audit.finished_at"
SEEN = "offers_audit.offers_seen_at"  # the last export read to its end
UPDATE_BATCH = 1000
# order lines that never took stock off the marketplace offer
NOT_TAKEN = ("REFUSED", "CANCELED")


def audit_due(integration: Integration, now: dt.datetime) -> bool:
    finished = parse_datetime(cursor_get(integration, FINISHED) or "")
    interval = dt.timedelta(hours=settings.HUB_DRIFT_AUDIT_HOURS)
    return finished is None or now - finished >= interval


def offers_audit_pass(integration: Integration, run: RunRecorder) -> None:
    """Ask for an export when one is due; collect and compare it when it is ready."""
    from integration_hub.clients import marketplace_client_for

    now = timezone.now()
    client = marketplace_client_for(integration)
    tracking_id = cursor_get(integration, TRACKING)
    if not tracking_id:
        if not audit_due(integration, now):
            return
        try:
            tracking_id = client.offers_export_create(include_inactive_offers=True)
        except CallDeferred:
            run.add("audit_deferred")
            return
        cursor_set(integration, TRACKING, tracking_id)
        cursor_set(integration, REQUESTED, now.isoformat())
        run.add("audit_requested")
    try:
        status = client.offers_export_status(tracking_id)
    except CallDeferred:
        return
    if status.status == "PENDING":
        run.add("audit_waiting")
        return
    if status.status == "COMPLETED":
        requested = parse_datetime(cursor_get(integration, REQUESTED)) or now
        offers = {offer.shop_sku: offer for offer in client.offers_export_read(status)}
        for name, count in offers_compare(integration, offers, requested, now).items():
            run.add(name, count)
        run.add("offers_found_live", offers_live_mark(integration, list(offers), now))
        cursor_set(integration, SEEN, now.isoformat())
    else:
        run.item_failed("audit_export_failed")  # the run shows partial; the next one asks again
    cursor_set(integration, TRACKING, "")
    cursor_set(integration, FINISHED, now.isoformat())


def _ordered_since_push(integration: Integration) -> dict[str, int]:
    """Units ordered on the marketplace per offer SKU after that SKU's last confirmed push."""
    rows = (
        OrderLine.objects.filter(
            order__integration=integration,
            order__marketplace_created_at__isnull=False,
        )
        .exclude(state__in=NOT_TAKEN)
        .filter(
            order__marketplace_created_at__gt=Product.objects.filter(
                integration=integration, offer_sku=OuterRef("offer_sku")
            ).values("last_pushed_at")[:1]
        )
        .values("offer_sku")
        .annotate(units=Sum("quantity"))
    )
    return {row["offer_sku"]: row["units"] for row in rows}


def offers_compare(
    integration: Integration, offers: dict, requested: dt.datetime, now: dt.datetime
) -> dict[str, int]:
    """Compare the export with the hub; record, report and queue the repair of drift."""
    from integration_hub.flows.stock import stock_targets

    pending = set(
        StockLedgerEntry.objects.filter(
            product__integration=integration, outcome=StockLedgerEntry.Outcome.PENDING
        ).values_list("product_id", flat=True)
    ) | set(
        PriceLedgerEntry.objects.filter(
            product__integration=integration, outcome=StockLedgerEntry.Outcome.PENDING
        ).values_list("product_id", flat=True)
    )
    targets = dict(stock_targets(integration, live_only=False).values_list("pk", "pushed"))
    ordered = _ordered_since_push(integration)
    counts = {"offers_checked": 0, "offers_unknown": 0, "skus_drifted": 0, "offers_missing": 0}
    known = set()
    seen: list[Product] = []
    products = Product.objects.filter(integration=integration).filter(
        Q(last_pushed_qty__isnull=False) | Q(last_pushed_price__isnull=False)
    )
    for product in products.iterator(chunk_size=2000):
        known.add(product.offer_sku)
        offer = offers.get(product.offer_sku)
        judged = product.pk not in pending and not _pushed_after(product, requested)
        if offer is None:
            if judged and product.last_pushed_qty is not None:
                _missing_report(integration, product)
                counts["offers_missing"] += 1
            continue
        counts["offers_checked"] += 1
        product.marketplace_qty = offer.quantity
        product.marketplace_price = offer.origin_price or offer.price
        product.marketplace_checked_at = now
        if judged:
            problems = _drift(product, targets.get(product.pk), ordered.get(product.offer_sku, 0))
            if problems:
                _drift_record(integration, product, problems, now)
                counts["skus_drifted"] += 1
            elif product.drift_found_at is not None:
                product.drift_found_at = None  # e.g. the missing offer was created
                drift_repaired(product, "the marketplace matches the hub again")
        seen.append(product)
        if len(seen) >= UPDATE_BATCH:
            _store(seen)
            seen = []
    _store(seen)
    counts["offers_unknown"] = len(set(offers) - known)
    return counts


def offers_live_mark(integration: Integration, offer_skus: list[str], now: dt.datetime) -> int:
    """SKUs whose offer the export lists are live, whoever created the offer (a brand that
    sold on John Lewis before the hub, an offer made in the back office); returns how many
    the hub learnt of now."""
    marked = 0
    for start in range(0, len(offer_skus), UPDATE_BATCH):
        marked += Product.objects.filter(
            integration=integration,
            offer_sku__in=offer_skus[start : start + UPDATE_BATCH],
            listing_live_at__isnull=True,
        ).update(listing_live_at=now)
    return marked


def _pushed_after(product: Product, requested: dt.datetime) -> bool:
    return any(
        at is not None and at >= requested
        for at in (product.last_pushed_at, product.last_pushed_price_at)
    )


def _drift(product: Product, target: int | None, ordered: int) -> dict[str, str]:
    """What differs on the marketplace, in words, keyed "qty" and/or "price" (empty: nothing)."""
    problems = {}
    shown = product.marketplace_qty
    if product.last_pushed_qty is not None and shown is not None:
        expected = max(0, product.last_pushed_qty - ordered)
        if shown not in (expected, target):
            problems["qty"] = (
                f"the marketplace shows {shown} units, the hub confirmed "
                f"{product.last_pushed_qty}" + (f" less {ordered} ordered since" if ordered else "")
            )
    price = product.marketplace_price
    known = product.last_pushed_price is not None and price is not None
    if known and price not in (product.last_pushed_price, product.price):
        problems["price"] = (
            f"the marketplace shows price {price}, the hub confirmed {product.last_pushed_price}"
        )
    return problems


def _drift_record(
    integration: Integration, product: Product, problems: dict[str, str], now: dt.datetime
) -> None:
    """Report the drift and queue the repair: the next passes send the hub's values again."""
    if "qty" in problems:
        product.last_pushed_qty = product.marketplace_qty
    if "price" in problems:
        product.last_pushed_price = product.marketplace_price
    product.drift_found_at = product.drift_found_at or now
    exception_record(
        integration=integration,
        kind="stock_drift",
        subject_type="sku",
        subject_id=product.offer_sku,
        payload={"product_id": product.pk},
        message=f"Offer {product.offer_sku}: " + "; ".join(problems.values()) + ". Re-sending.",
    )


def _missing_report(integration: Integration, product: Product) -> None:
    exception_record(
        integration=integration,
        kind="stock_drift",
        subject_type="sku",
        subject_id=product.offer_sku,
        payload={"product_id": product.pk, "missing": True},
        message=(
            f"Offer {product.offer_sku} is not on the marketplace although the hub confirmed "
            f"stock for it ({product.last_pushed_qty}). Create the offer on the marketplace "
            "(or correct the offer SKU in the SKU map); stock cannot be published without it."
        ),
    )
    Product.objects.filter(pk=product.pk).update(
        drift_found_at=product.drift_found_at or timezone.now(), marketplace_qty=None
    )


def _store(products: list[Product]) -> None:
    Product.objects.bulk_update(
        products,
        [
            "marketplace_qty",
            "marketplace_price",
            "marketplace_checked_at",
            "last_pushed_qty",
            "last_pushed_price",
            "drift_found_at",
        ],
        batch_size=UPDATE_BATCH,
    )


def drift_repaired(product: Product, note: str) -> None:
    """A drift repair was confirmed: resolve the SKU's drift item."""
    Product.objects.filter(pk=product.pk).update(drift_found_at=None)
    exception_clear(
        integration=product.integration,
        kind="stock_drift",
        subject_type="sku",
        subject_id=product.offer_sku,
        note=note,
    )
