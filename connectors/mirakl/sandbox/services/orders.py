"""The order state machine: create, accept/refuse, debit, track, ship, receive, close, cancel."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from connectors.mirakl.sandbox import catalog
from connectors.mirakl.sandbox.models import (
    OrderState,
    SandboxOffer,
    SandboxOrder,
    SandboxOrderLine,
    SandboxShop,
)
from connectors.mirakl.sandbox.services import finance
from connectors.mirakl.sandbox.services.common import MiraklError, money, now_for
from connectors.mirakl.sandbox.services.refunds import line_cancel_rest, order_state_from_lines
from connectors.mirakl.sandbox.services.shops import offers_seed

STAGING_SECONDS = 60
TRACKING_ID = "{trackingId}"  # the placeholder in an SH21 tracking URL
SHIPPING_PRICES = {"STD": Decimal("3.95"), "EXP": Decimal("6.95"), "LETTER": Decimal("0.00")}


def order_get(shop: SandboxShop, order_id: str) -> SandboxOrder:
    order = SandboxOrder.objects.filter(shop=shop, order_id=order_id).first()
    if order is None:
        raise MiraklError(404, f"Order with id '{order_id}' not found", code="ORDER_NOT_FOUND")
    return order


def offer_default_price(offer: SandboxOffer) -> dict | None:
    """The PRI01 entry without a context (channels): the price every buyer sees by default.

    Channel prices may come first in the file; the default is never found by position.
    """
    return next((entry for entry in offer.prices if not entry.get("channel_codes")), None)


def offer_price(offer: SandboxOffer) -> Decimal:
    default = offer_default_price(offer)
    if default is None:
        return Decimal("10.00")
    return money(default.get("discount_price") or default["price"])


def offer_is_active(offer: SandboxOffer) -> bool:
    """Sellable: not deactivated, in stock and with a default price."""
    return offer.active and offer.quantity > 0 and offer_default_price(offer) is not None


def _random_customer(rng: random.Random, number: int) -> dict:
    civility, firstname, lastname, street, city, zip_code = rng.choice(catalog.CUSTOMERS)
    name = {"civility": civility, "firstname": firstname, "lastname": lastname}
    address = {
        **name,
        "company": None,
        "street_1": street,
        "street_2": None,
        "city": city,
        "zip_code": zip_code,
        "state": None,
        "country": "United Kingdom",
        "country_iso_code": "GBR",
        "phone": f"07700 9{number % 100000:05d}",
    }
    return {
        "customer_id": f"CUST-{number:08d}",
        **name,
        "locale": "en_GB",
        "billing_address": dict(address),
        "shipping_address": {**address, "additional_info": None},
    }


def _line_specs(shop: SandboxShop, lines: list[dict] | None, rng: random.Random) -> list[dict]:
    offers = list(shop.offers.all()) or offers_seed(shop=shop)
    if lines:
        return [_spec_for(shop, line, offers) for line in lines]
    chosen = rng.sample(offers, k=min(len(offers), rng.randint(1, 3)))
    return [{"offer": offer, "quantity": rng.randint(1, 2), "price": None} for offer in chosen]


def _spec_for(shop: SandboxShop, line: dict, offers: list[SandboxOffer]) -> dict:
    sku = line["sku"]
    offer = next((o for o in offers if o.shop_sku == sku), None)
    if offer is None:
        offer = SandboxOffer.objects.create(
            shop=shop,
            shop_sku=sku,
            product_sku=f"P-{sku}",
            product_title=line.get("title") or sku,
            prices=[{"price": str(line.get("price") or "10.00")}],
            last_updated=now_for(),
        )
    return {"offer": offer, "quantity": int(line.get("quantity", 1)), "price": line.get("price")}


@transaction.atomic
def orders_create(
    *,
    shop: SandboxShop,
    count: int = 1,
    lines: list[dict] | None = None,
    shipping_type_code: str = "STD",
    staging: bool = False,
    seed: int | None = None,
    now: dt.datetime | None = None,
) -> list[SandboxOrder]:
    """Create ``count`` customer orders (random lines unless ``lines`` gives them).

    ``lines``: ``[{"sku": "ABC", "quantity": 2, "price": Decimal("12.50")}]``; an unknown SKU
    becomes a new offer. Orders start in WAITING_ACCEPTANCE (STAGING with ``staging=True``,
    released after a minute), or are accepted at once when the shop's acceptance is AUTOMATIC.
    """
    now = now_for(now)
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    return [
        _order_create(shop, _line_specs(shop, lines, rng), shipping_type_code, staging, rng, now)
        for _ in range(count)
    ]


def _new_commercial_id(rng: random.Random) -> str:
    while True:
        commercial_id = str(rng.randint(10**9, 10**10 - 1))
        if not SandboxOrder.objects.filter(commercial_id=commercial_id).exists():
            return commercial_id


def _order_create(shop, specs, shipping_type_code, staging, rng, now) -> SandboxOrder:
    commercial_id = _new_commercial_id(rng)
    order = SandboxOrder.objects.create(
        shop=shop,
        order_id=f"{commercial_id}-A",
        commercial_id=commercial_id,
        state=OrderState.STAGING if staging else OrderState.WAITING_ACCEPTANCE,
        customer=_random_customer(rng, int(commercial_id) % 10**8),
        shipping_type_code=shipping_type_code,
        leadtime_to_ship=shop.lead_time_to_ship_days,
        created_at=now,
        updated_at=now,
        acceptance_deadline=now + dt.timedelta(hours=shop.acceptance_window_hours),
    )
    shipping = SHIPPING_PRICES.get(shipping_type_code, Decimal("3.95"))
    for index, spec in enumerate(specs, start=1):
        _line_create(order, index, spec, shipping if index == 1 else Decimal("0"), now)
    if shop.order_acceptance == "AUTOMATIC" and not staging:
        _decide(order, {line.line_id: True for line in order.lines.all()}, None, now)
    return order


def _line_create(order, index, spec, shipping_price, now) -> SandboxOrderLine:
    offer = spec["offer"]
    price_unit = money(spec["price"]) if spec["price"] is not None else offer_price(offer)
    gross = price_unit * spec["quantity"] + shipping_price
    commission = money(gross * order.shop.commission_rate)
    return SandboxOrderLine.objects.create(
        order=order,
        line_id=f"{order.order_id}-{index}",
        index=index,
        state=order.state,
        offer=offer,
        offer_sku=offer.shop_sku,
        product_sku=offer.product_sku,
        product_title=offer.product_title,
        category_code=offer.category_code,
        quantity=spec["quantity"],
        price_unit=price_unit,
        shipping_price=money(shipping_price),
        tax_rate=catalog.VAT_RATE,
        commission_fee=commission,
        commission_vat=money(commission * catalog.COMMISSION_VAT_RATE / 100),
        created_at=now,
        updated_at=now,
    )


def _set_state(order: SandboxOrder, state: str, now: dt.datetime, *, lines_from=None) -> None:
    order.state = state
    order.updated_at = now
    order.save()
    lines = order.lines.all()
    if lines_from is not None:
        lines = lines.filter(state__in=lines_from)
    lines.update(state=state, updated_at=now)


def orders_evaluate(shop: SandboxShop, now: dt.datetime | None = None) -> None:
    """Apply what time does on its own: release STAGING, auto-refuse after the deadline and,
    when the shop has a ``debit_delay_seconds``, debit accepted orders."""
    now = now_for(now)
    staged = shop.orders.filter(
        state=OrderState.STAGING, created_at__lte=now - dt.timedelta(seconds=STAGING_SECONDS)
    )
    for order in staged:
        released = order.created_at + dt.timedelta(seconds=STAGING_SECONDS)
        _set_state(order, OrderState.WAITING_ACCEPTANCE, released)
    expired = shop.orders.filter(state=OrderState.WAITING_ACCEPTANCE, acceptance_deadline__lte=now)
    for order in expired:
        order.state_reason_code = "AUTO_REFUSED"
        _set_state(order, OrderState.REFUSED, order.acceptance_deadline)
    if shop.debit_delay_seconds is not None:
        due = now - dt.timedelta(seconds=shop.debit_delay_seconds)
        waiting = shop.orders.filter(state=OrderState.WAITING_DEBIT_PAYMENT, updated_at__lte=due)
        for order in waiting:
            order_debit(order, now)


def _check_state(order: SandboxOrder, *states: str, action: str) -> None:
    if order.state not in states:
        raise MiraklError(
            400,
            f"Order '{order.order_id}' is in state {order.state}: cannot {action} "
            f"(expected {' or '.join(states)})",
            code="ORDER_INVALID_STATE",
        )


def _decision(item: object, order: SandboxOrder, known: set, seen: dict) -> tuple[str, bool]:
    """One OR21 line decision, checked in the order the spec's error codes suggest."""
    if item is None:
        raise MiraklError(
            400, "The order lines list contains a null element", code="ORDER_LINE_NULL_ELEMENT"
        )
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("accepted"), bool)
        or not item.get("id")
    ):
        raise MiraklError(400, "Each order line needs 'id' and 'accepted'", code="VALIDATION_ERROR")
    line_id = str(item["id"])
    if line_id in seen:
        raise MiraklError(
            400, f"Duplicate order line id '{line_id}'", code="ORDER_LINE_DUPLICATE_ID"
        )
    if line_id not in known:
        raise MiraklError(
            400,
            f"Order line '{line_id}' does not belong to order '{order.order_id}'",
            code="ORDER_LINE_NOT_FOUND",
        )
    return line_id, item["accepted"]


def _decisions(order: SandboxOrder, order_lines: object) -> dict[str, bool]:
    if not isinstance(order_lines, list):
        raise MiraklError(400, "order_lines is required", code="VALIDATION_ERROR")
    known = set(order.lines.values_list("line_id", flat=True))
    decisions: dict[str, bool] = {}
    for item in order_lines:
        line_id, accepted = _decision(item, order, known, decisions)
        decisions[line_id] = accepted
    missing = known - set(decisions)
    if missing:
        raise MiraklError(
            400,
            f"Some order lines are missing from the acceptance decision: "
            f"{', '.join(sorted(missing))}",
            code="ORDER_LINE_ACCEPTANCE_DECISION_MISSING",
        )
    return decisions


@transaction.atomic
def order_accept(order: SandboxOrder, order_lines: object, now: dt.datetime | None = None) -> None:
    """OR21: every line must be decided; all refused makes the order REFUSED."""
    now = now_for(now)
    _check_state(order, OrderState.WAITING_ACCEPTANCE, action="accept or refuse it")
    decisions = _decisions(order, order_lines)
    if len(set(decisions.values())) > 1 and not order.shop.partial_acceptance:
        raise MiraklError(
            400,
            "Partial acceptance is disabled for this shop",
            code="ORDER_PARTIAL_ACCEPTANCE_DISABLED",
        )
    _decide(order, decisions, now, now)


def _decide(order, decisions: dict[str, bool], decision_date, now) -> None:
    for line in order.lines.all():
        accepted = decisions[line.line_id]
        line.state = OrderState.WAITING_DEBIT_PAYMENT if accepted else OrderState.REFUSED
        line.updated_at = now
        line.save(update_fields=["state", "updated_at"])
    any_accepted = any(decisions.values())
    order.state = OrderState.WAITING_DEBIT_PAYMENT if any_accepted else OrderState.REFUSED
    order.acceptance_decision_date = decision_date
    order.updated_at = now
    order.save()


@transaction.atomic
def order_debit(order: SandboxOrder, now: dt.datetime | None = None) -> None:
    """The customer is debited: WAITING_DEBIT_PAYMENT → SHIPPING, money lines are written."""
    now = now_for(now)
    _check_state(order, OrderState.WAITING_DEBIT_PAYMENT, action="debit it")
    order.customer_debited_date = now
    order.shipping_deadline = now + dt.timedelta(days=order.leadtime_to_ship)
    _set_state(order, OrderState.SHIPPING, now, lines_from=[OrderState.WAITING_DEBIT_PAYMENT])
    order.lines.filter(state=OrderState.SHIPPING).update(debited_date=now)
    finance.transactions_for_debit(order, now)


def orders_debit(*, shop: SandboxShop, now: dt.datetime | None = None) -> list[SandboxOrder]:
    """Debit every order waiting for its debit."""
    orders = list(shop.orders.filter(state=OrderState.WAITING_DEBIT_PAYMENT))
    for order in orders:
        order_debit(order, now)
    return orders


@transaction.atomic
def order_tracking_set(order: SandboxOrder, body: dict, now: dt.datetime | None = None) -> None:
    """OR23: a registered ``carrier_code``, or ``carrier_name`` (+ optional ``carrier_url``).

    The tracking number is mandatory only for a registered carrier whose tracking URL needs
    one (the spec's words); whether the shipping type needs tracking is checked by OR24.
    """
    now = now_for(now)
    _check_state(order, OrderState.SHIPPING, OrderState.SHIPPED, action="update its tracking")
    code = (body.get("carrier_code") or "").strip()
    tracking_number = (body.get("tracking_number") or "").strip()
    if code:
        carrier = catalog.CARRIERS_BY_CODE.get(code)
        if carrier is None:
            raise MiraklError(400, f"The carrier with code '{code}' does not exist")
        if not tracking_number and TRACKING_ID in (carrier.get("tracking_url") or ""):
            raise MiraklError(400, f"A tracking number is required for carrier '{code}'")
        name, url, standard = carrier["label"], "", carrier["standard_code"]
    else:
        name = (body.get("carrier_name") or "").strip()
        url = (body.get("carrier_url") or "").strip()
        standard = body.get("carrier_standard_code") or ""
        if not name:
            raise MiraklError(400, "carrier_code or carrier_name is required")
        if order.shop.disable_seller_alternative_carrier:
            raise MiraklError(400, "Alternative carriers are disabled: use a carrier_code")
    order.carrier_code, order.carrier_name, order.carrier_url = code, name, url
    order.carrier_standard_code, order.tracking_number = standard, tracking_number
    order.updated_at = now
    order.save()


def tracking_url(order: SandboxOrder) -> str | None:
    carrier = catalog.CARRIERS_BY_CODE.get(order.carrier_code)
    if carrier:
        pattern = carrier.get("tracking_url") or ""
        if TRACKING_ID in pattern and not order.tracking_number:
            return None
        return pattern.replace(TRACKING_ID, order.tracking_number) or None
    return order.carrier_url or None


@transaction.atomic
def order_ship(order: SandboxOrder, now: dt.datetime | None = None) -> None:
    """OR24: SHIPPING → SHIPPED; tracking first when the shipping type demands it."""
    now = now_for(now)
    _check_state(order, OrderState.SHIPPING, action="ship it")
    shipping_type = catalog.SHIPPING_TYPES_BY_CODE.get(order.shipping_type_code, {})
    if shipping_type.get("mandatory_tracking") and not (
        order.tracking_number and (order.carrier_code or order.carrier_name)
    ):
        raise MiraklError(
            400, f"Tracking information is mandatory for shipping type {order.shipping_type_code}"
        )
    order.shipped_date = now
    _set_state(order, OrderState.SHIPPED, now, lines_from=[OrderState.SHIPPING])
    order.lines.filter(state=OrderState.SHIPPED).update(shipped_date=now)
    finance.transactions_make_payable(order, now)


@transaction.atomic
def order_receive(order: SandboxOrder, now: dt.datetime | None = None) -> None:
    """The customer confirmed receipt: SHIPPED → RECEIVED (control surface only)."""
    now = now_for(now)
    _check_state(order, OrderState.SHIPPED, action="mark it received")
    order.received_date = now
    _set_state(order, OrderState.RECEIVED, now, lines_from=[OrderState.SHIPPED])
    order.lines.filter(state=OrderState.RECEIVED).update(received_date=now)


@transaction.atomic
def order_close(order: SandboxOrder, now: dt.datetime | None = None) -> None:
    """RECEIVED → CLOSED: no more refunds (control surface only)."""
    now = now_for(now)
    _check_state(order, OrderState.RECEIVED, action="close it")
    _set_state(order, OrderState.CLOSED, now, lines_from=[OrderState.RECEIVED])


def can_cancel(order: SandboxOrder) -> bool:
    return order.state == OrderState.SHIPPING


@transaction.atomic
def order_cancel(
    order: SandboxOrder, now: dt.datetime | None = None, reason_code: str = "21"
) -> None:
    """OR29: cancel every remaining line while the order can still be cancelled."""
    now = now_for(now)
    if not can_cancel(order):
        raise MiraklError(
            400,
            f"Order '{order.order_id}' in state {order.state} cannot be cancelled",
            code="ORDER_INVALID_STATE",
        )
    for line in order.lines.filter(state=OrderState.SHIPPING):
        line_cancel_rest(line, reason_code, now)
    order_state_from_lines(order, now)
