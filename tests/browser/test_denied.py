"""Journey: a role is refused a screen it must not see (the 403 page, not just a hidden link)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_cx_is_denied_carrier_mappings(journey, role_user):
    role_user("CX", "casey")
    page = journey.page
    journey.log_in("casey")
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Orders")).to_be_visible()
    expect(navigation.get_by_role("link", name="Carrier mappings")).to_have_count(0)
    journey.shot("cx-navigation")

    response = journey.goto("/mappings/carriers/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You don't have access to this page")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Ask an Admin")
    journey.shot("denied")
