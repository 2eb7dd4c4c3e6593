"""Create paid marketplace orders in the source system, exactly once.

The outbox job ``order_inject`` is queued when an order reaches SHIPPING (customer debited,
address present). The connector looks the order up by the JL customer order number before it
creates anything, so a worker killed between the remote create and the local save finds the
order on the next attempt instead of creating a second one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import pycountry
from django.db import transaction

from connectors.base import (
    Address,
    ConfigError,
    PermanentError,
    SourceOrderLine,
    SourceOrderRequest,
)
from exceptions_queue.services import exception_clear, exception_record
from integration_hub.flows.events import HUB, SOURCE, order_event_add
from integration_hub.models import HubStatus, Order, OutboundJob, Product


class InjectionBlocked(PermanentError):
    """The order cannot be sent as it is; an exception naming the cause is already recorded."""


SKIP_LINE_STATES = {"REFUSED", "CANCELED"}


def country_alpha2(alpha3: str) -> str:
    country = pycountry.countries.get(alpha_3=(alpha3 or "").upper())
    return country.alpha_2 if country else ""


def _address(raw: dict | None) -> Address | None:
    if not raw or not raw.get("street_1") or not raw.get("city"):
        return None
    country = country_alpha2(raw.get("country_iso_code", ""))
    if not country:
        return None
    return Address(
        first_name=raw.get("firstname") or "",
        last_name=raw.get("lastname") or "",
        street_1=raw.get("street_1") or "",
        street_2=raw.get("street_2") or "",
        city=raw.get("city") or "",
        postcode=raw.get("zip_code") or "",
        country_iso2=country,
        company=raw.get("company") or "",
        county=raw.get("state") or "",
        phone=raw.get("phone") or "",
    )


def _block(order: Order, kind: str, subject_type: str, subject_id: str, message: str):
    exception_record(
        integration=order.integration,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        order=order,
        payload={"order_id": order.pk},
        message=message,
    )
    order_event_add(order, source=HUB, kind="injection_blocked", message=message)
    return InjectionBlocked(message)


def source_order_request(order: Order) -> SourceOrderRequest:
    """The source-side order for a marketplace order; raises InjectionBlocked when it can't."""
    lines = [line for line in order.lines.all() if line.state not in SKIP_LINE_STATES]
    skus = dict(
        Product.objects.filter(
            integration=order.integration, offer_sku__in=[line.offer_sku for line in lines]
        ).values_list("offer_sku", "sku")
    )
    for line in lines:
        if line.offer_sku not in skus:
            raise _block(
                order,
                "unknown_sku",
                "sku",
                line.offer_sku,
                f"Offer SKU {line.offer_sku!r} on order {order.commercial_id} is not in "
                "the SKU map, so the order cannot be created in the source.",
            )
    customer = (order.raw or {}).get("customer") or {}
    shipping = _address(customer.get("shipping_address"))
    if shipping is None:
        raise _block(
            order,
            "order_injection_failed",
            "order",
            order.marketplace_order_id,
            f"Order {order.commercial_id} has no usable shipping address (street, city "
            "and a known country are needed).",
        )
    return SourceOrderRequest(
        external_reference=order.commercial_id,
        marketplace_order_id=order.marketplace_order_id,
        currency=order.currency,
        lines=[
            SourceOrderLine(
                sku=skus[line.offer_sku],
                quantity=line.quantity,
                unit_price=line.unit_price,
                title=line.product_title,
                marketplace_line_id=line.marketplace_line_id,
                tax_amount=line.tax_amount,
            )
            for line in lines
        ],
        shipping_price=order.shipping_price,
        shipping_method=(order.raw or {}).get("shipping_type_label") or order.shipping_type_code,
        customer_email=(order.raw or {}).get("customer_notification_email") or "",
        shipping_address=shipping,
        billing_address=_address(customer.get("billing_address")) or shipping,
        placed_at=order.marketplace_created_at,
    )


def order_inject_run(job: OutboundJob) -> None:
    """Outbox handler for ``order_inject``."""
    from integration_hub.clients import source_connector_for

    order = Order.objects.select_related("integration").get(pk=job.payload["order_id"])
    if order.source_order_id or order.hub_status != HubStatus.TO_INJECT:
        return  # already in the source, or cancelled/refused meanwhile
    request = dataclasses.replace(
        source_order_request(order),
        attempts=_attempts_recorded(order),
        attempt_record=lambda note: _attempt_record(order, note),
    )
    ref = source_connector_for(order.integration).order_create(request)
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(
            source_order_id=ref.source_order_id,
            source_order_number=ref.source_order_number,
            hub_status=HubStatus.INJECTED,
        )
        order_event_add(
            order,
            source=SOURCE,
            kind="created_in_source",
            message=f"Created in the source as {ref.source_order_number or ref.source_order_id}",
            data={"source_order_id": ref.source_order_id},
        )
        for kind in ("order_injection_failed", "order_not_injected"):
            exception_clear(
                integration=order.integration,
                kind=kind,
                subject_type="order",
                subject_id=order.marketplace_order_id,
                note="the order now exists in the source",
            )


ATTEMPT_EVENT = "source_create_attempt"


def _attempts_recorded(order: Order) -> tuple[Mapping[str, str], ...]:
    events = order.events.filter(kind=ATTEMPT_EVENT).order_by("at", "id")
    return tuple(dict(event.data.get("attempt") or {}) for event in events)


def _attempt_record(order: Order, note: Mapping[str, str]) -> None:
    # Saved on the order (not the job) so that a person's retry, a new job, still sees it.
    # The relay runs handlers outside a transaction: the row is committed when this returns.
    # The note stays in ``data``: it may hold a handle on the source's cart.
    order_event_add(
        order,
        source=HUB,
        kind=ATTEMPT_EVENT,
        message="Placing it in the source; a retry looks this attempt up before creating",
        data={"attempt": dict(note)},
    )


def order_inject_give_up(job: OutboundJob, error: Exception) -> None:
    order = Order.objects.select_related("integration").get(pk=job.payload["order_id"])
    if isinstance(error, InjectionBlocked):
        return
    if isinstance(error, ConfigError):
        exception_record(
            integration=order.integration,
            kind="auth_failed",
            subject_type="integration",
            subject_id=f"{order.integration.name}:source",
            message=f"The source system refused the hub's credentials: {error}",
            detail=str(error),
        )
    reason = (
        "the source system kept failing"
        if not isinstance(error, PermanentError)
        else "the source refused it"
    )
    exception_record(
        integration=order.integration,
        kind="order_injection_failed",
        subject_type="order",
        subject_id=order.marketplace_order_id,
        order=order,
        payload={"order_id": order.pk},
        message=(
            f"Order {order.commercial_id} could not be created in the source ({reason}): {error}"
        ),
        detail=getattr(error, "detail", "") or str(error),
    )
    order_event_add(
        order,
        source=HUB,
        kind="injection_failed",
        message=f"Creating it in the source failed: {error}",
    )
