"""OR23 and OR24 without a tracking number, as the spec allows them (issue 16).

OR23 requires no field: ``tracking_number`` is "mandatory for a registered carrier with a URL
requiring a tracking number", ``carrier_url`` optional for an unregistered carrier. OR24 needs
tracking only where the shipping type (SH12) says ``mandatory_tracking``.
"""

from __future__ import annotations

import pytest

from connectors.mirakl.sandbox import catalog, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipping(shop, make_orders):
    """An order in SHIPPING on a shipping type of the test's choice."""

    def make(shipping_type_code: str):
        order = make_orders(1, shipping_type_code=shipping_type_code)[0]
        lines = [{"id": line.line_id, "accepted": True} for line in order.lines.all()]
        services.order_accept(order, lines)
        services.orders_debit(shop=shop)
        return order

    return make


@pytest.fixture
def dpd_link_without_number(monkeypatch):
    monkeypatch.setitem(catalog.CARRIERS_BY_CODE["DPD"], "tracking_url", "https://dpd.example/")


def _order_json(api, order_id: str) -> dict:
    return api.get("/api/orders", {"order_ids": order_id}).json()["orders"][0]


def test_a_carrier_whose_link_needs_the_number_refuses_or23_without_it(api, shipping):
    order = shipping("LETTER")
    answer = api.put(f"/api/orders/{order.order_id}/tracking", {"carrier_code": "RM"})
    assert answer.status_code == 400
    assert "tracking number is required for carrier 'RM'" in answer.json()["message"]


def test_a_carrier_whose_link_needs_no_number_takes_or23_with_its_code_alone(
    api, shipping, dpd_link_without_number
):
    order = shipping("LETTER")
    path = f"/api/orders/{order.order_id}"
    assert api.put(f"{path}/tracking", {"carrier_code": "DPD"}).status_code == 204
    assert api.put(f"{path}/ship").status_code == 204
    data = _order_json(api, order.order_id)
    assert (data["order_state"], data["shipping_carrier_code"]) == ("SHIPPED", "DPD")
    assert not data["shipping_tracking"] and data["shipping_tracking_url"] is None


def test_an_unregistered_carrier_needs_only_its_name(api, shipping):
    order = shipping("LETTER")
    path = f"/api/orders/{order.order_id}"
    assert api.put(f"{path}/tracking", {"carrier_name": "Bike Couriers"}).status_code == 204
    assert api.put(f"{path}/ship").status_code == 204
    assert _order_json(api, order.order_id)["shipping_company"] == "Bike Couriers"


def test_a_mandatory_shipping_type_still_refuses_or24_after_a_carrier_alone(
    api, shipping, dpd_link_without_number
):
    order = shipping("STD")
    path = f"/api/orders/{order.order_id}"
    assert api.put(f"{path}/tracking", {"carrier_code": "DPD"}).status_code == 204
    refused = api.put(f"{path}/ship")
    assert refused.status_code == 400
    assert "Tracking information is mandatory" in refused.json()["message"]
    assert _order_json(api, order.order_id)["order_state"] == "SHIPPING"


def test_or23_naming_no_carrier_is_refused(api, shipping):
    order = shipping("LETTER")
    answer = api.put(f"/api/orders/{order.order_id}/tracking", {"tracking_number": "1"})
    assert answer.status_code == 400
