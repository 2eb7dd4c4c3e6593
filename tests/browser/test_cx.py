"""Journey: CX finds an order by the customer order number and by the tracking number."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.scenarios import carrier_map, order_in_source, order_shipped

pytestmark = pytest.mark.browser


def search(journey, identifier: str) -> None:
    """Type into the one search box on the CX home and press Enter."""
    journey.goto("/")
    box = journey.page.get_by_role("search", name="Find an order").get_by_role("searchbox")
    box.fill(identifier)
    box.press("Enter")


def test_cx_finds_an_order(journey, hub, role_user):
    order = order_in_source(hub)
    carrier_map(hub, "Royal Mail", "RM")
    order = order_shipped(hub, order, carrier="Royal Mail", tracking="RM123456785GB")
    role_user("CX", "casey")
    page = journey.page
    journey.log_in("casey")
    expect(page.get_by_role("search")).to_be_visible()
    journey.shot("cx-home")

    order_url = f"{journey.base_url}/orders/{order.pk}/"
    search(journey, order.commercial_id)
    expect(page).to_have_url(order_url)  # an exact identifier opens the order at once
    heading = page.get_by_role("heading", name=f"Order {order.commercial_id}", level=1)
    expect(heading).to_be_visible()
    journey.shot("found-by-order-number")

    timeline = page.get_by_role("list", name="Timeline")
    expect(timeline).to_contain_text("Dispatched by Royal Mail")
    expect(timeline).to_contain_text("Tracking RM123456785GB sent with carrier RM")
    expect(timeline).to_contain_text("Dispatch confirmed")
    expect(page.get_by_text("Shipped on marketplace")).to_be_visible()
    timeline.scroll_into_view_if_needed()
    journey.shot("timeline")

    search(journey, "RM123456785GB")
    expect(page).to_have_url(order_url)
    expect(heading).to_be_visible()
    tracking = page.get_by_role("link", name="RM123456785GB")
    expect(tracking).to_have_attribute("href", re.compile(r"royalmail\.com.*RM123456785GB"))
    journey.shot("found-by-tracking-number")
