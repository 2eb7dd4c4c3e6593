"""Pieces every returns flow shares: the manual/automated switch, failures, SKUs, reasons."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from exceptions_queue.services import exception_clear, exception_record
from integration_hub.flows.events import HUB, order_event_add
from integration_hub.models import Integration, Order, Product
from integration_hub.services.outbox import outbound_job_enqueue
from returns.models import MarketplaceReason

KIND = "return_failed"
REASONS_MAX_AGE = dt.timedelta(days=1)


def automated(integration: Integration) -> bool:
    """Returns automation on: the hub acts on its own. Off: it records and shows only."""
    return bool(integration.returns_enabled)


def job_enqueue(integration: Integration, kind: str, pk: int, **payload) -> None:
    """Queue one outbound call for a returns row (once while open: the key is kind + row)."""
    outbound_job_enqueue(
        integration=integration,
        kind=kind,
        identity_key=f"{kind}:{pk}",
        payload={"pk": pk, **payload},
    )


def failure_record(
    *,
    integration: Integration,
    order: Order | None,
    subject_type: str,
    subject_id: str,
    message: str,
    detail: str = "",
) -> None:
    """One ``return_failed`` item per return/refund/cancellation, bound to its order."""
    exception_record(
        integration=integration,
        kind=KIND,
        subject_type=subject_type,
        subject_id=subject_id,
        order=order,
        message=message,
        detail=detail,
    )
    if order is not None:
        order_event_add(order, source=HUB, kind="return_failed", message=message)


def failure_clear(
    *, integration: Integration, subject_type: str, subject_id: str, note: str
) -> None:
    exception_clear(
        integration=integration,
        kind=KIND,
        subject_type=subject_type,
        subject_id=subject_id,
        note=note,
    )


def source_sku(integration: Integration, offer_sku: str) -> str:
    """The source system's SKU for a marketplace offer SKU (the SKU map, else the same)."""
    found = (
        Product.objects.filter(integration=integration, offer_sku=offer_sku)
        .values_list("sku", flat=True)
        .first()
    )
    return found or offer_sku


def offer_skus_by_source_sku(integration: Integration, order: Order) -> dict[str, str]:
    """source SKU -> offer SKU for the lines of ``order``."""
    offer_skus = list(order.lines.values_list("offer_sku", flat=True))
    mapped = dict(
        Product.objects.filter(integration=integration, offer_sku__in=offer_skus).values_list(
            "sku", "offer_sku"
        )
    )
    return {**{sku: sku for sku in offer_skus}, **mapped}


def reasons_refresh_due(integration: Integration, *, now: dt.datetime | None = None) -> bool:
    newest = (
        MarketplaceReason.objects.filter(integration=integration)
        .order_by("-refreshed_at")
        .values_list("refreshed_at", flat=True)
        .first()
    )
    return newest is None or newest < (now or timezone.now()) - REASONS_MAX_AGE


def reasons_refresh(integration: Integration, client) -> int:
    """Store the marketplace's reason codes (RE01); returns how many there are."""
    now = timezone.now()
    reasons = client.reasons_list()
    for reason in reasons:
        MarketplaceReason.objects.update_or_create(
            integration=integration,
            type=reason.type,
            code=reason.code,
            defaults={"label": reason.label, "refreshed_at": now},
        )
    MarketplaceReason.objects.filter(integration=integration, refreshed_at__lt=now).delete()
    return len(reasons)


def reason_code_for(integration: Integration, reason_type: str, *, hint: str = "") -> str:
    """A reason code of ``reason_type`` (REFUND, CANCELATION): one whose label mentions
    ``hint`` if there is one, else the first. Empty when RE01 was never read."""
    reasons = MarketplaceReason.objects.filter(integration=integration, type=reason_type)
    if hint:
        hinted = reasons.filter(label__icontains=hint).first()
        if hinted:
            return hinted.code
    first = reasons.first()
    return first.code if first else ""


def reason_choices(integration: Integration, reason_type: str) -> list[tuple[str, str]]:
    reasons = MarketplaceReason.objects.filter(integration=integration, type=reason_type)
    return [(r.code, f"{r.code} {r.label}") for r in reasons]
