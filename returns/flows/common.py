"""Pieces every returns flow shares: the manual/automated switch, failures, SKUs, reasons."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from connectors.base import PermanentError
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
    """Store the marketplace's reason codes (RE01) with ``is_shop_right``; returns how many."""
    now = timezone.now()
    reasons = client.reasons_list()
    for reason in reasons:
        MarketplaceReason.objects.update_or_create(
            integration=integration,
            type=reason.type,
            code=reason.code,
            defaults={
                "label": reason.label,
                "is_shop_right": reason.is_shop_right,
                "refreshed_at": now,
            },
        )
    MarketplaceReason.objects.filter(integration=integration, refreshed_at__lt=now).delete()
    return len(reasons)


def _shop_reasons(integration: Integration, reason_type: str):
    """The reasons of ``reason_type`` the shop may use: OR28/OR30 answer 400 to the others."""
    return MarketplaceReason.objects.filter(
        integration=integration, type=reason_type, is_shop_right=True
    )


def reason_code_for(integration: Integration, reason_type: str, *, hint: str = "") -> str:
    """A reason code of ``reason_type`` (REFUND, CANCELATION) the shop may use: one whose label
    mentions ``hint`` if there is one, else the first. Empty when there is none."""
    reasons = _shop_reasons(integration, reason_type)
    if hint:
        hinted = reasons.filter(label__icontains=hint).first()
        if hinted:
            return hinted.code
    first = reasons.first()
    return first.code if first else ""


def reason_usable(integration: Integration, reason_type: str, code: str) -> bool:
    """False for a code RE01 lists as the operator's only (``is_shop_right`` false) or empty.
    A code RE01 does not list is left to the marketplace to judge."""
    if not code:
        return False
    listed = MarketplaceReason.objects.filter(
        integration=integration, type=reason_type, code=code
    ).first()
    return listed is None or listed.is_shop_right


def reason_refusal(integration: Integration, reason_type: str, code: str) -> str:
    """Why a person may not send ``code`` on a ``reason_type`` call; "" when they may."""
    what = "cancellation" if reason_type == "CANCELATION" else reason_type.lower()
    if not code:
        return f"choose a {what} reason"
    if not reason_usable(integration, reason_type, code):
        return (
            f"reason {code} is the marketplace's own: the shop may not use it (RE01), "
            "choose another"
        )
    return ""


def reason_choices(integration: Integration, reason_type: str) -> list[tuple[str, str]]:
    """The reasons a person may pick on the order page: only those the shop may use."""
    return [(r.code, f"{r.code} {r.label}") for r in _shop_reasons(integration, reason_type)]


class NoShopReason(PermanentError):
    """RE01 lists no reason of the type the shop may use: nothing can be sent."""


def shop_reason_require(
    integration: Integration, client, reason_type: str, *, hint: str = ""
) -> str:
    """A usable reason code for an automatic call; RE01 is read again once when there is none
    (the marketplace may have enabled one since). Raises :class:`NoShopReason`."""
    code = reason_code_for(integration, reason_type, hint=hint)
    if not code:
        reasons_refresh(integration, client)
        code = reason_code_for(integration, reason_type, hint=hint)
    if not code:
        raise NoShopReason(
            f"the marketplace (RE01) lists no {reason_type.lower()} reason the shop may use "
            "(is_shop_right)"
        )
    return code
