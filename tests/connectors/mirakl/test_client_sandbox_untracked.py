"""The real MiraklClient confirms an untracked shipment on the Mirakl sandbox (issue 16)."""

from __future__ import annotations

import pytest

from connectors.base import PermanentError
from connectors.mirakl.sandbox import catalog
from connectors.mirakl.sandbox.services import orders

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(sandbox_shop):
    return sandbox_shop


@pytest.fixture
def client(sandbox_client):
    return sandbox_client


@pytest.fixture
def letter_order(client, shop):
    """An order in SHIPPING on the sandbox's untracked shipping type."""
    created = orders.orders_create(
        shop=shop, lines=[{"sku": "E2E-1", "quantity": 1}], shipping_type_code="LETTER"
    )[0]
    order = next(iter(client.orders_list(order_ids=[created.order_id])))
    client.order_accept(
        order.order_id, decisions={line.order_line_id: True for line in order.lines}
    )
    orders.orders_debit(shop=shop)
    return created.order_id


def _state(client, order_id: str) -> tuple[str, str]:
    order = next(iter(client.orders_list(order_ids=[order_id])))
    return order.order_state, order.shipping_carrier_code


def test_untracked_shipment_is_confirmed_with_or24_alone(client, letter_order):
    types = {t.code: t.mandatory_tracking for t in client.shipping_types_list()}
    assert types["LETTER"] is False
    with pytest.raises(PermanentError, match="tracking number is required") as refused:
        client.order_tracking_update(letter_order, carrier_code="RM")  # RM's link needs one
    assert refused.value.status == 400
    client.order_ship(letter_order)
    assert _state(client, letter_order) == ("SHIPPED", "")


def test_untracked_shipment_records_a_carrier_whose_link_needs_no_number(
    client, letter_order, monkeypatch
):
    monkeypatch.setitem(catalog.CARRIERS_BY_CODE["DPD"], "tracking_url", "https://dpd.example/")
    client.order_tracking_update(letter_order, carrier_code="DPD")
    client.order_ship(letter_order)
    assert _state(client, letter_order) == ("SHIPPED", "DPD")
