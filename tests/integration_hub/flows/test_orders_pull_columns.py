"""An OR11 order whose values do not fit the hub's columns is refused, never truncated.

On PostgreSQL such an order raised DataError out of the pull and left the rest of the page
waiting (found by tests/security); SQLite would have stored it whole. The pull now checks the
columns first, on both databases: the order becomes an exception naming the field, nothing of
it is written, and the other orders of the page are stored.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from exceptions_queue.models import ExceptionItem, Status
from integration_hub.flows.passes import orders_pass
from integration_hub.flows.runner import flow_pass_run
from integration_hub.models import Order, OrderLine

pytestmark = pytest.mark.django_db


def too_long_commercial_id(dto):
    return dataclasses.replace(dto, commercial_id="C" * 65)


def too_large_price(dto):
    return dataclasses.replace(dto, price=Decimal("12345678901.00"))  # 11 digits, column: 10


def too_long_line_sku(dto):
    line = dataclasses.replace(dto.lines[0], offer_sku="S" * 101)
    return dataclasses.replace(dto, lines=(line, *dto.lines[1:]))


def infinity_in_raw(dto):
    """JSON's parser reads a bare ``Infinity`` as a float; the raw copy could not be stored
    (SQLite's JSON_VALID check refused the save and the pull stopped; found by the fuzzer)."""
    return dataclasses.replace(dto, raw={**dto.raw, "can_cancel": float("inf")})


@pytest.mark.parametrize(
    ("spoil", "named"),
    [
        (infinity_in_raw, "raw is not storable as JSON"),
        (too_long_commercial_id, "commercial_id is 65 characters long, at most 64"),
        (too_large_price, "price 12345678901.00 has more than 10 digits before the point"),
        (too_long_line_sku, "offer_sku is 101 characters long, at most 100"),
    ],
    ids=["raw_infinity", "commercial_id", "price", "line_offer_sku"],
)
def test_an_order_too_big_for_its_columns_is_an_exception_and_the_page_goes_on(
    hub, monkeypatch, spoil, named
):
    from connectors.mirakl import parse

    created = hub.marketplace_orders(count=3, lines=[{"sku": "SB-0001", "quantity": 1}])
    bad_id = created[1].order_id
    real_order = parse.order

    def order_spoiled(raw):
        dto = real_order(raw)
        return spoil(dto) if dto.order_id == bad_id else dto

    monkeypatch.setattr(parse, "order", order_spoiled)
    run = flow_pass_run(hub.integration, "orders", orders_pass)

    assert run.outcome == "partial"
    stored = set(Order.objects.values_list("marketplace_order_id", flat=True))
    assert stored == {created[0].order_id, created[2].order_id}
    assert not OrderLine.objects.filter(order__marketplace_order_id=bad_id).exists()
    item = ExceptionItem.objects.get(status=Status.OPEN, kind="internal_error")
    assert item.subject_id == bad_id
    assert named in item.message and "cannot store" in item.message
    assert hub.integration.cursors.get(name="orders.updated_since").value


def test_values_that_fit_exactly_are_stored_whole(hub, monkeypatch):
    from connectors.mirakl import parse

    [created] = hub.marketplace_orders(count=1, lines=[{"sku": "SB-0001", "quantity": 1}])
    real_order = parse.order

    def order_at_the_limits(raw):
        dto = real_order(raw)
        return dataclasses.replace(
            dto, commercial_id="C" * 64, total_commission=Decimal("9999999999.99")
        )

    monkeypatch.setattr(parse, "order", order_at_the_limits)
    flow_pass_run(hub.integration, "orders", orders_pass)

    order = Order.objects.get(marketplace_order_id=created.order_id)
    assert order.commercial_id == "C" * 64
    assert order.total_commission == Decimal("9999999999.99")
    assert not ExceptionItem.objects.filter(kind="internal_error").exists()
