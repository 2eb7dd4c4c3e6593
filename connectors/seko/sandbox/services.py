"""Writes and reads of the SEKO sandbox: the API views and the control surface call these.

The control surface (also behind ``python manage.py seko_sandbox``) is listed in
docs/connectors/seko.md, section 6. SEKO has no refunds; return ASNs and their GRNs live in
:mod:`.receipts`, the push messages in :mod:`.pushes`.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from connectors.sandbox.faults import sandbox_now, window_spend
from connectors.sandbox.formats import ean13
from connectors.sandbox.models import app_models_delete
from connectors.seko.sandbox import models as m
from connectors.seko.sandbox.pushes import push_config, push_queue

SYSTEM = "seko"
DEFAULT_KEY = "sandbox-seko-api-key"
DEFAULT_DC = "DC01"
DEFAULT_PUSH_SECRET = "sandbox-seko-push-secret"
AVAILABLE = "Available Stock"
# New orders reach SupplyStream's stock figures about 5 minutes after iHub accepted them.
PROCESSING_DELAY = dt.timedelta(minutes=5)


class SekoRefusal(Exception):
    """A business refusal: rendered as HTTP 200 with ``CallStatus.Success: false``."""

    def __init__(self, message: str, code: int = 100) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def now() -> dt.datetime:
    return sandbox_now(SYSTEM).replace(microsecond=0)


# --- keys, push settings, rate limit ---------------------------------------------------------


def api_key_create(*, name: str, key: str = "") -> m.ApiKey:
    return m.ApiKey.objects.create(name=name, key=key or secrets.token_hex(16))


def push_configure(
    *,
    url: str | None = None,
    secret: str | None = None,
    integration_id: str | None = None,
    rate_limit_per_minute: int | None = None,
    auth_mode: str | None = None,
    auth_header: str | None = None,
    username: str | None = None,
) -> m.PushConfig:
    config = push_config()
    changes = {
        "url": url,
        "secret": secret,
        "integration_id": integration_id,
        "rate_limit_per_minute": rate_limit_per_minute,
        "auth_mode": auth_mode,
        "auth_header": auth_header,
        "username": username,
    }
    for name, value in changes.items():
        if value is not None:
            setattr(config, name, value)
    config.save()
    return config


def rate_limit_wait(key: str) -> int | None:
    """Seconds to wait when ``key`` is over the per-minute limit, else None (and count it)."""
    limit = push_config().rate_limit_per_minute
    if not limit:
        return None
    current = now()
    minute = current.replace(second=0)
    return window_spend(m.RateWindow, limit=limit, now=current, key=key, minute=minute)


# --- catalogue and stock ---------------------------------------------------------------------


@transaction.atomic
def catalogue_seed(
    *, products: int = 12, dc_code: str = DEFAULT_DC, reset: bool = False
) -> list[m.Product]:
    """Products SK-0001.. with EANs; every 5th has no stock, every 3rd some in Quarantine."""
    if reset:
        sandbox_reset()
    m.ApiKey.objects.get_or_create(key=DEFAULT_KEY, defaults={"name": "hub"})
    if not push_config().secret:
        push_configure(secret=DEFAULT_PUSH_SECRET)
    created = []
    for index in range(1, products + 1):
        product, _ = m.Product.objects.update_or_create(
            product_code=f"SK-{index:04d}",
            defaults={"ean": ean13(index, "503"), "description": f"Sandbox item {index}"},
        )
        available = 0 if index % 5 == 0 else index * 10
        _row_set(product, dc_code, AVAILABLE, available)
        if index % 3 == 0:
            _row_set(product, dc_code, "Quarantine", 2)
        created.append(product)
    return created


def _row_set(product: m.Product, dc_code: str, location_type: str, quantity: int) -> m.StockRow:
    row, _ = m.StockRow.objects.update_or_create(
        product=product,
        dc_code=dc_code,
        location_type=location_type,
        defaults={"quantity": quantity},
    )
    return row


def product_get(product_code: str) -> m.Product:
    product = m.Product.objects.filter(product_code=product_code).first()
    if product is None:
        raise SekoRefusal(f"Product {product_code} does not exist.")
    return product


def held_quantity(product_code: str, dc_code: str, location_type: str) -> int:
    rows = m.StockRow.objects.filter(
        product__product_code=product_code, dc_code=dc_code, location_type=location_type
    )
    return rows.values_list("quantity", flat=True).first() or 0


@transaction.atomic
def stock_set(
    *,
    product_code: str,
    quantity: int,
    dc_code: str = DEFAULT_DC,
    location_type: str = AVAILABLE,
    reason_code: str = "STOCKTAKE",
) -> m.StockRow:
    """Set a location's quantity (negative allowed, as in a WMS) and record the adjustment."""
    product = product_get(product_code)
    delta = quantity - held_quantity(product_code, dc_code, location_type)
    row = _row_set(product, dc_code, location_type, quantity)
    if delta:
        m.StockEvent.objects.create(
            kind=m.StockEvent.ADJUSTMENT,
            product=product,
            dc_code=dc_code,
            adjustment_type="Increase" if delta > 0 else "Decrease",
            reason_code=reason_code,
            location_type=location_type,
            quantity=abs(delta),
            at=now(),
        )
    return row


@transaction.atomic
def stock_move(
    *,
    product_code: str,
    quantity: int,
    from_location: str,
    to_location: str,
    dc_code: str = DEFAULT_DC,
) -> m.StockEvent:
    """Move stock between location types (e.g. Available Stock -> Quarantine)."""
    product = product_get(product_code)
    held = held_quantity(product_code, dc_code, from_location)
    if quantity < 1 or held < quantity:
        raise SekoRefusal(f"Not enough {product_code} in {from_location} to move {quantity}.")
    _row_set(product, dc_code, from_location, held - quantity)
    moved = held_quantity(product_code, dc_code, to_location) + quantity
    _row_set(product, dc_code, to_location, moved)
    return m.StockEvent.objects.create(
        kind=m.StockEvent.MOVEMENT,
        product=product,
        dc_code=dc_code,
        location_type=from_location,
        to_location_type=to_location,
        quantity=quantity,
        at=now(),
    )


def _allocated(product_code: str, dc_code: str, *, created_before: dt.datetime | None) -> int:
    lines = m.SalesOrderLine.objects.filter(
        product_code=product_code, order__dc_code=dc_code, order__status=m.SalesOrder.RECEIVED
    )
    if created_before is not None:
        lines = lines.filter(order__created_at__lte=created_before)
    return lines.aggregate(total=Sum("quantity"))["total"] or 0


def free_quantity(product_code: str, dc_code: str) -> int:
    """What iHub checks on submit: available stock minus every open order's lines."""
    physical = held_quantity(product_code, dc_code, AVAILABLE)
    return physical - _allocated(product_code, dc_code, created_before=None)


def stock_rows(*, dc_code: str | None = None, product_codes: list[str] | None = None) -> list[dict]:
    """Retrieve Stock Quantity rows: orders count after ~5 min; zero and negative rows omitted."""
    rows = m.StockRow.objects.select_related("product")
    if dc_code:
        rows = rows.filter(dc_code=dc_code)
    if product_codes is not None:
        rows = rows.filter(product__product_code__in=product_codes)
    settled = now() - PROCESSING_DELAY
    answer = []
    for row in rows:
        quantity = row.quantity
        if row.location_type == AVAILABLE:
            quantity -= _allocated(row.product.product_code, row.dc_code, created_before=settled)
        if quantity > 0:
            answer.append(
                {
                    "ProductCode": row.product.product_code,
                    "DCCode": row.dc_code,
                    "LocationType": row.location_type,
                    "Quantity": quantity,
                }
            )
    return answer


def stock_events_between(
    kind: str, start: dt.datetime, end: dt.datetime, dc_code: str | None
) -> list[dict]:
    events = m.StockEvent.objects.filter(kind=kind, at__gte=start, at__lt=end)
    if dc_code:
        events = events.filter(dc_code=dc_code)
    return [_stock_event_json(event) for event in events.select_related("product")]


def _stock_event_json(event: m.StockEvent) -> dict:
    common = {
        "ProductCode": event.product.product_code,
        "Ean": event.product.ean,
        "DCCode": event.dc_code,
        "Quantity": event.quantity,
        "UtcDate": event.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if event.kind == m.StockEvent.ADJUSTMENT:
        return {
            **common,
            "StockAdjustmentType": event.adjustment_type,
            "ReasonCode": event.reason_code,
            "LocationType": event.location_type,
        }
    return {
        **common,
        "FromLocationType": event.location_type,
        "ToLocationType": event.to_location_type,
    }


# --- sales orders and dispatches ---------------------------------------------------------------


def order_by_guid(guid: str) -> m.SalesOrder:
    """What status and tracking look up: the order's GUID, nothing else."""
    order = m.SalesOrder.objects.filter(guid=guid.strip().lower()).first()
    if order is None:
        raise SekoRefusal(
            f"Error retrieving Sales Order: {guid} - Error. Sales Order does not exist."
        )
    return order


def order_lookup(text: str) -> m.SalesOrder:
    """An order by SalesOrderNumber, SalesOrderReference (JL number) or GUID."""
    for field in ("sales_order_number", "guid", "sales_order_reference"):
        order = m.SalesOrder.objects.filter(**{field: text}).first()
        if order is not None:
            return order
    raise SekoRefusal(f"Error retrieving Sales Order: {text} - Error. Sales Order does not exist.")


@transaction.atomic
def order_dispatch(
    *,
    order: m.SalesOrder,
    courier: str,
    tracking_number: str,
    courier_service: str = "",
    tracking_url: str = "",
) -> m.Dispatch:
    """Dispatch the whole order (SEKO closes it), take the stock, queue the two pushes."""
    if order.status != m.SalesOrder.RECEIVED:
        raise SekoRefusal(f"Sales Order {order.sales_order_number} is {order.status}.")
    for line in order.lines.all():
        product = product_get(line.product_code)
        left = held_quantity(line.product_code, order.dc_code, AVAILABLE) - line.quantity
        _row_set(product, order.dc_code, AVAILABLE, left)
    order.status = m.SalesOrder.DISPATCHED
    order.save(update_fields=["status"])
    count = m.Dispatch.objects.count() + 1
    dispatch = m.Dispatch.objects.create(
        order=order,
        guid=str(uuid.uuid4()),
        dispatch_number=f"{count:06d}",
        courier=courier,
        courier_service=courier_service,
        tracking_number=tracking_number,
        tracking_url=tracking_url,
        dispatched_at=now(),
    )
    push_queue(dispatch, at=now())
    return dispatch


def dispatched_between(start: dt.datetime, end: dt.datetime, dc_code: str | None) -> list[dict]:
    """What ``dispatches/v1/status`` lists: each dispatched order's DCCode and GUID."""
    dispatches = m.Dispatch.objects.filter(dispatched_at__gte=start, dispatched_at__lt=end)
    if dc_code:
        dispatches = dispatches.filter(order__dc_code=dc_code)
    return [
        {"DCCode": dispatch.order.dc_code, "GUID": dispatch.order.guid}
        for dispatch in dispatches.select_related("order")
    ]


def sandbox_reset() -> None:
    app_models_delete("seko_sandbox")


def items_of(container: Any, key: str) -> list[dict]:
    """``container[key]`` as a list: iHub takes an object for one item, an array for several."""
    value = container.get(key) if isinstance(container, Mapping) else None
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [item for item in items if isinstance(item, Mapping)]


def money(value: object) -> Decimal:
    try:
        return Decimal(str(value or 0))
    except ArithmeticError:
        raise SekoRefusal(f"{value!r} is not a decimal number.") from None
