"""Pull marketplace orders (OR11 by update date, every page) and upsert them exactly once.

The cursor is the newest ``last_updated_date`` seen; each pass asks from the cursor minus an
overlap margin, and an order whose ``last_updated_date`` is not newer than the stored one is
skipped, so repeated and overlapping pulls change nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from connectors.mirakl.dtos import OrderDTO, OrderLineDTO
from connectors.mirakl.parse import ParseErrors
from exceptions_queue.services import exception_clear, exception_record
from integration_hub.columns import DoesNotFit, columns_check, unstorable_record
from integration_hub.flows.events import MARKETPLACE, order_event_add
from integration_hub.models import HubStatus, Integration, Order, OrderLine, SyncCursor
from integration_hub.services.outbox import outbound_job_enqueue
from integration_hub.services.runs import RunRecorder

CURSOR = "orders.updated_since"
OVERLAP = dt.timedelta(minutes=5)
FIRST_PULL_DAYS = 14

# Hub status implied by each marketplace state (None: keep what the hub has).
STATE_TO_STATUS = {
    "WAITING_DEBIT": HubStatus.ACCEPTED,
    "WAITING_DEBIT_PAYMENT": HubStatus.ACCEPTED,
    "SHIPPED": HubStatus.CONFIRMED,
    "TO_COLLECT": HubStatus.CONFIRMED,
    "RECEIVED": HubStatus.CONFIRMED,
    "CLOSED": HubStatus.CLOSED,
    "REFUSED": HubStatus.REFUSED,
    "CANCELED": HubStatus.CANCELLED,
}
IN_SOURCE = {HubStatus.INJECTED, HubStatus.DISPATCHED}


def cursor_get(integration: Integration, name: str) -> str:
    return (
        SyncCursor.objects.filter(integration=integration, name=name)
        .values_list("value", flat=True)
        .first()
        or ""
    )


def cursor_set(integration: Integration, name: str, value: str) -> None:
    SyncCursor.objects.update_or_create(
        integration=integration, name=name, defaults={"value": value}
    )


def orders_pull(integration: Integration, client, run: RunRecorder) -> None:
    """One OR11 poll from the cursor; every order upserted in its own transaction."""
    stored = cursor_get(integration, CURSOR)
    since = (
        dt.datetime.fromisoformat(stored) - OVERLAP
        if stored
        else timezone.now() - dt.timedelta(days=FIRST_PULL_DAYS)
    )
    newest = dt.datetime.fromisoformat(stored) if stored else None
    try:
        for dto in client.orders_list(start_update_date=since):
            try:
                outcome = order_upsert(integration, dto)
            except (DoesNotFit, DataError) as error:  # nothing of it was written
                _unstorable_order_record(integration, dto.order_id, error, run)
            else:
                run.add(outcome)
            if newest is None or dto.last_updated_date > newest:
                newest = dto.last_updated_date
    except ParseErrors as errors:  # every readable order was stored; bind each bad one
        _unreadable_orders_record(integration, errors, run)
    if newest is not None:
        cursor_set(integration, CURSOR, newest.isoformat())


def _unreadable_orders_record(integration: Integration, errors: ParseErrors, run) -> None:
    """An order the hub cannot read is an exception bound to it, never a stuck cursor."""
    for order_id, reason, _raw in errors.failures:
        exception_record(
            integration=integration,
            kind="internal_error",
            subject_type="order",
            subject_id=order_id,
            message=(
                f"The marketplace sent order {order_id} in a form the hub could not read "
                f"({reason}). It is not in the hub; it will be read again when it changes."
            ),
            detail=str(errors),
        )
        run.item_failed("unreadable")


def _unstorable_order_record(integration: Integration, order_id: str, error, run) -> None:
    """An order whose values do not fit the hub's columns is refused, never truncated.

    Left to the database, PostgreSQL raises DataError (SQLite stores it whole), which stopped
    the pass and left the rest of the page waiting; like an unreadable order, it becomes an
    exception bound to it and the pull goes on.
    """
    unstorable_record(
        integration,
        kind="internal_error",
        subject_type="order",
        subject_id=order_id,
        problem=str(error),
        detail=f"{type(error).__name__}: {error}",
    )
    run.item_failed("unstorable")


def order_upsert(integration: Integration, dto: OrderDTO) -> str:
    """Create or update one order from OR11; returns "created", "updated" or "unchanged"."""
    try:
        with transaction.atomic():
            return _order_upsert_locked(integration, dto)
    except IntegrityError:  # created by a concurrent pass a moment ago: update it instead
        with transaction.atomic():
            return _order_upsert_locked(integration, dto)


def _order_upsert_locked(integration: Integration, dto: OrderDTO) -> str:
    order = (
        Order.objects.select_for_update()
        .filter(integration=integration, marketplace_order_id=dto.order_id)
        .first()
    )
    if (
        order
        and order.marketplace_updated_at
        and dto.last_updated_date <= order.marketplace_updated_at
    ):
        return "unchanged"
    created = order is None
    previous_state = "" if created else order.marketplace_state
    order = order or Order(integration=integration, marketplace_order_id=dto.order_id)
    _order_fields_apply(order, dto, integration)
    values = {field.name: getattr(order, field.attname) for field in Order._meta.concrete_fields}
    columns_check(Order, values, f"order {dto.order_id}")
    order.save()
    _lines_apply(order, dto.lines, can_cancel=dto.can_cancel)
    if created:
        order_event_add(
            order,
            source=MARKETPLACE,
            kind="received",
            at=dto.created_date,
            message=f"Order placed on the marketplace ({dto.order_state})",
        )
    elif previous_state != dto.order_state:
        order_event_add(
            order,
            source=MARKETPLACE,
            kind="state_changed",
            at=dto.last_updated_date,
            message=f"Marketplace state {previous_state} → {dto.order_state}",
            data={"from": previous_state, "to": dto.order_state},
        )
    _hub_status_follow(order, dto)
    return "created" if created else "updated"


def _order_fields_apply(order: Order, dto: OrderDTO, integration: Integration) -> None:
    shipping = dto.customer.shipping_address if dto.customer else None
    order.commercial_id = dto.commercial_id
    order.marketplace_state = dto.order_state
    order.currency = dto.currency_iso_code or "GBP"
    order.price = dto.price
    order.shipping_price = dto.shipping_price
    order.total_price = dto.total_price
    order.total_commission = dto.total_commission
    order.shipping_type_code = dto.shipping_type_code
    order.marketplace_created_at = dto.created_date
    order.marketplace_updated_at = dto.last_updated_date
    order.acceptance_deadline = dto.created_date + dt.timedelta(
        hours=integration.acceptance_window_hours
    )
    order.shipping_deadline = dto.shipping_deadline
    if shipping is not None:
        order.customer_lastname = (shipping.lastname or "").strip().casefold()[:100]
        order.shipping_postcode = _postcode_key(shipping.zip_code)
    order.raw = dto.raw


def _postcode_key(postcode: str) -> str:
    """Postcodes are searched without spaces and in capitals ("n1 9gu" finds "N1 9GU")."""
    return "".join((postcode or "").split()).upper()[:20]


def _lines_apply(order: Order, lines: tuple[OrderLineDTO, ...], *, can_cancel: bool) -> None:
    for line in lines:
        defaults = {
            "line_index": line.order_line_index,
            "offer_sku": line.offer_sku,
            "product_title": line.product_title[:255],
            "quantity": line.quantity,
            "unit_price": line.price_unit,
            "price": line.price,
            "shipping_price": line.shipping_price,
            "tax_amount": _tax_sum(line.taxes),
            "shipping_tax_amount": _tax_sum(line.shipping_taxes),
            "commission_fee": line.commission_fee,
            "commission_vat": _tax_sum(line.commission_taxes),
            "state": line.order_line_state,
            "can_refund": line.can_refund,
            "can_cancel": can_cancel,
        }
        key = {"marketplace_line_id": line.order_line_id}
        columns_check(OrderLine, {**key, **defaults}, f"order {order} line {line.order_line_id}")
        OrderLine.objects.update_or_create(order=order, **key, defaults=defaults)


def _tax_sum(taxes) -> Decimal:
    return sum((tax.amount for tax in taxes), Decimal("0"))


def _hub_status_follow(order: Order, dto: OrderDTO) -> None:
    """Move the hub status with the marketplace state and queue what the new state needs."""
    state = dto.order_state
    before = order.hub_status
    if state == "SHIPPING":
        if before == HubStatus.CONFIRMED and order.carrier_name:
            # the hub thought its OR24 took, the marketplace says it did not: send it again
            after = HubStatus.DISPATCHED
        elif before in IN_SOURCE:
            after = before
        elif order.source_order_id:
            after = HubStatus.INJECTED
        else:
            after = HubStatus.TO_INJECT
    else:
        after = STATE_TO_STATUS.get(state, before)
        if before == HubStatus.CLOSED or (after == HubStatus.ACCEPTED and before in IN_SOURCE):
            after = before
    if after == before:
        return
    Order.objects.filter(pk=order.pk).update(hub_status=after)
    order.hub_status = after
    _status_side_effects(order, before, after)


def _status_side_effects(order: Order, before: str, after: str) -> None:
    integration = order.integration
    if after == HubStatus.TO_INJECT:
        outbound_job_enqueue(
            integration=integration,
            kind="order_inject",
            identity_key=f"order_inject:{order.pk}",
            payload={"order_id": order.pk},
        )
    elif after == HubStatus.DISPATCHED and before == HubStatus.CONFIRMED:
        # the dispatch pass plans it again (a dispatched order without a carrier code); OR23
        # first looks at the marketplace, so a stale read costs one look-up, not a duplicate
        Order.objects.filter(pk=order.pk).update(carrier_code="")
        order_event_add(
            order,
            source=MARKETPLACE,
            kind="confirmation_lost",
            message="The marketplace still shows the order SHIPPING: confirming the dispatch again",
        )
    elif after == HubStatus.CONFIRMED:
        for kind in ("shipped_not_confirmed", "dispatch_deadline"):
            exception_clear(
                integration=integration,
                kind=kind,
                subject_type="order",
                subject_id=order.marketplace_order_id,
                note="the marketplace shows the order shipped",
            )
    elif after in (HubStatus.CANCELLED, HubStatus.REFUSED):
        _order_closed_before_shipping(order, before, after)


def _order_closed_before_shipping(order: Order, before: str, after: str) -> None:
    integration = order.integration
    for kind in ("acceptance_deadline", "dispatch_deadline", "order_not_injected"):
        exception_clear(
            integration=integration,
            kind=kind,
            subject_type="order",
            subject_id=order.marketplace_order_id,
            note=f"the order is {after} on the marketplace",
        )
    if after == HubStatus.CANCELLED and (before in IN_SOURCE or order.source_order_id):
        # Mirrored to the source by the returns app: automatically when returns automation is
        # on, else one return_failed item asks ops to cancel it there by hand.
        from returns.flows.cancellations import marketplace_order_cancelled

        marketplace_order_cancelled(order)
